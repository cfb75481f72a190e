"""Streamlit helpers shared by the pages: session defaults, cached loading, pickers and issue tables.

Logic that does not need Streamlit lives in :mod:`planner.app_support`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

import planner
from planner import app_support as support
from planner import InputError, Issue

APP_DIR = Path(__file__).resolve().parents[1]
BASELINE = APP_DIR / "scenarios" / "baseline.yaml"

PAGES = {
    "organisation": "views/organisation.py",
    "scenario": "views/scenario.py",
    "solve": "views/solve.py",
    "plan": "views/plan.py",
    "review": "views/review.py",
    "careers": "views/careers.py",
    "workforce": "views/workforce.py",
    "compare": "views/compare.py",
    "export": "views/export.py",
}


def init_session() -> None:
    """Defaults, once per browser session: the workspace (env PLANNER_WORKSPACE, else ./workspace next
    to app.py) and the baseline scenario."""
    ss = st.session_state
    if "workspace" not in ss:
        workspace = Path(os.environ.get("PLANNER_WORKSPACE") or APP_DIR / "workspace").resolve()
        workspace.mkdir(parents=True, exist_ok=True)
        ss.workspace = str(workspace)
    ss.setdefault("scenario_path", str(BASELINE.resolve()))
    ss.setdefault("plan_name", None)
    ss.setdefault("workforce_plan_name", None)


def workspace() -> Path:
    return Path(st.session_state.workspace)


def store() -> planner.PlanStore:
    return planner.PlanStore(workspace())


def _stamp(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@st.cache_resource(max_entries=16, show_spinner=False)
def _load_scenario(path: str, stamp: int):
    return planner.load(path)


def load_scenario(path: str):
    """(organisation with the scenario's changes applied, scenario), cached by path and modification
    time; raises InputError listing every problem."""
    return _load_scenario(path, _stamp(Path(path)))


@st.cache_resource(max_entries=8, show_spinner=False)
def _load_dataset(path: str, stamp: int):
    return planner.load_dataset(path)


def load_dataset(path: str):
    return _load_dataset(path, _stamp(Path(path)))


@st.cache_resource(max_entries=32, show_spinner=False)
def _load_plan(root: str, name: str, created: str, fingerprint: str, folder: str) -> planner.Plan:
    return planner.PlanStore(root).load(name)


@st.cache_resource(max_entries=16, show_spinner=False)
def _plan_org(settings: str):
    return planner.scenario_organisation(planner.Scenario.model_validate_json(settings))


def plan_org(plan: planner.Plan):
    """The organisation a plan was made for (its scenario's dataset with the scenario's changes), for
    names and titles. Stops the page with the problems if the dataset can no longer be read."""
    try:
        return _plan_org(support.plan_scenario(plan).model_dump_json())
    except InputError as exc:
        st.error(f"The data this plan was made from ({plan.meta.dataset}) cannot be read any more.")
        show_issues(exc.issues)
        st.stop()


def plans() -> pd.DataFrame:
    return store().list()


def load_plan(name: str) -> planner.Plan:
    """The saved plan ``name``, cached by its folder too: a plan saved again under its name (with its
    workforce part, say) keeps its creation time and fingerprint but gets a new folder."""
    row = plans().set_index("name").loc[name]
    return _load_plan(str(workspace()), name, row["created"], row["fingerprint"], store().path(name).name)


def plan_label(row) -> str:
    coverage = "–" if pd.isna(row["coverage"]) else f"{row['coverage']:.0%} coverage"
    return f"{row['name']}  ·  {row['scenario']}  ·  {str(row['created'])[:16].replace('T', ' ')} UTC  ·  {coverage}"


def no_plans_yet() -> None:
    st.info("No saved plans yet. Solve a scenario first: the baseline takes one click.")
    st.page_link(PAGES["solve"], label="Go to Solve", icon=":material/play_arrow:")
    st.stop()


def plan_picker(key: str) -> str:
    """A selectbox of the saved plans (default: the one last solved or opened); returns its name."""
    listing = plans()
    if listing.empty:
        no_plans_yet()
    names = list(listing["name"])
    labels = {r["name"]: plan_label(r) for _, r in listing.iterrows()}
    if st.session_state.plan_name not in names:
        st.session_state.plan_name = names[0]
    return synced_selectbox("Plan", names, "plan_name", key, format_func=labels.get,
                            help="Saved plans in the workspace, newest first.")


def synced_selectbox(label: str, options: list, shared: str, key: str, **kwargs):
    """A selectbox showing (and setting) ``st.session_state[shared]``, a choice shared by several pages
    and also set by code (e.g. a new plan after a solve)."""
    ss = st.session_state
    if ss.get(key) != ss[shared]:
        ss[key] = ss[shared]  # drawn below with the shared value, whoever changed it
    return st.selectbox(label, options, key=key, on_change=lambda: ss.__setitem__(shared, ss[key]), **kwargs)


def scenario_label(path: Path, root: Path) -> str:
    try:
        name = planner.load_scenario(path).name
    except InputError:
        return f"{path.name} (cannot be read)"
    return f"{name}  ·  {'your workspace' if path.parent.parent == root else 'shipped'}"


def scenario_picker(key: str, label: str = "Scenario", disabled: bool = False) -> Path:
    """A selectbox of the scenario files (shipped, then the workspace's); the choice becomes the
    session's current scenario."""
    files = [str(f) for f in support.scenario_files(APP_DIR, workspace())]
    if st.session_state.scenario_path not in files:
        files.append(st.session_state.scenario_path)
    labels = {f: scenario_label(Path(f), workspace()) for f in files}
    choice = synced_selectbox(label, files, "scenario_path", key, disabled=disabled, format_func=labels.get,
                              help="Shipped scenarios and the ones saved in your workspace.")
    return Path(choice)


def show_issues(issues: list[Issue], intro: str = "") -> None:
    errors = sum(i.severity == "error" for i in issues)
    warnings = len(issues) - errors
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    parts += [f"{warnings} warning{'s' * (warnings != 1)}"] if warnings else []
    fix = "fix it" if len(issues) == 1 else "fix them"
    (st.error if errors else st.warning)(f"{intro}{' and '.join(parts)}: {fix} and try again." if errors
                                         else f"{intro}{' and '.join(parts)}.")
    frame = support.issues_frame(issues)
    if not frame["File"].astype(bool).any():
        frame = frame.drop(columns="File")
    st.dataframe(frame, hide_index=True, width="stretch",
                 column_config={"Problem": st.column_config.TextColumn(width="large")})


def readiness_styler(df: pd.DataFrame, column: str = "Readiness"):
    """A Styler that colours the readiness cells (white text on the readiness colour)."""
    def paint(value):
        colour = support.READINESS_COLOURS.get(value)
        return f"background-color: {colour}; color: white" if colour else ""

    return df.style.map(paint, subset=[column])


def money(value: float) -> str:
    return f"{value:,.0f}"
