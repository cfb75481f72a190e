"""The Streamlit app, headless (streamlit.testing.v1.AppTest): every page loads; an edit, a validation error,
an upload, a scenario made in forms, a solve, a comparison and the downloads; plus the app's plain helpers.

Plans are solved once per module through the library and saved in a temporary workspace (the app reads
them from there); one test drives the Solve page for real."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytest.importorskip("streamlit")
pytest.importorskip("plotly")

from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import planner  # noqa: E402
from planner import app_support as support  # noqa: E402
from planner.analyses.frontier import FRONTIER_COLUMNS, save_frontier  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SCENARIOS = ROOT / "scenarios"
SAMPLE = ROOT / "data" / "sample"
PAGES = ["organisation", "scenario", "solve", "plan", "workforce", "review", "careers", "compare", "export"]
FAST = 5.0  # seconds of (deterministic) search: enough for a feasible, checked plan of the sample


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A workspace holding a baseline plan and a budget-cut plan, solved once for the module."""
    root = tmp_path_factory.mktemp("workspace")
    store = planner.PlanStore(root)
    for stem in ("baseline", "budget-cut"):
        org, scenario = planner.load(SCENARIOS / f"{stem}.yaml")
        scenario = scenario.model_copy(update={"solver": scenario.solver.model_copy(update={"time_limit_seconds": FAST})})
        plan = planner.solve(scenario, org)
        assert planner.check(org, scenario, plan).ok
        store.save(plan, name=f"{stem}-plan")
    return root


@pytest.fixture
def app(workspace, monkeypatch):
    """A fresh app session on the module's workspace; ``app(page)`` runs it on that page."""
    monkeypatch.setenv("PLANNER_WORKSPACE", str(workspace))

    def open_page(page: str | None = None, **state) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        if page:
            at.switch_page(f"views/{page}.py").run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return open_page


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def assert_axis_titles(spec: dict) -> None:
    layout = spec["layout"]
    for axis in [k for k in layout if k.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        title = (layout.get(axis) or {}).get("title") or {}
        assert title.get("text"), f"{layout.get('title')}: {axis} has no title"
    titles = " ".join(str((layout.get(a) or {}).get("title", {}).get("text", "")) for a in layout if "axis" in a)
    assert "(" in titles or "quarter" in titles.lower(), f"no unit in the axis titles: {titles}"


# --- every page -------------------------------------------------------------------------------------------


def test_the_app_opens_on_the_solve_page_with_the_baseline(app):
    at = app()
    assert at.title[0].value == "Solve"
    assert at.button(key="solve-start").label == "Solve baseline"
    assert {m.label for m in at.metric} >= {"Employees", "Critical roles", "Training budget"}


TITLES = {"review": "talent review", "careers": "career paths"}  # pages whose title is not their key


@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads(app, page):
    at = app(page)
    assert at.title[0].value.lower() == TITLES.get(page, page)


# --- Organisation -----------------------------------------------------------------------------------------


def test_an_invalid_edit_is_shown_with_its_row_and_column_and_blocks_saving(app):
    at = app("organisation")
    at.session_state["editor-employee_skills-0"] = {"edited_rows": {0: {"level": 9}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert "error" in texts(at.error)
    issues = frame_with(at, "Problem")
    bad = issues[issues["Column"] == "level"]
    assert len(bad) == 1 and bad["Row"].iloc[0] == 1 and "between 0 and 5" in bad["Problem"].iloc[0]
    assert bad["Table"].iloc[0] == "employee_skills"
    assert at.button(key="org-save").disabled
    problem_rows = next(df.value for df in at.dataframe if df.value.index.name == "Row")
    assert list(problem_rows.index) == [1] and list(problem_rows["level"]) == [9]
    # the edit survives a visit to another page, and nothing has been written
    at.switch_page("views/solve.py").run()
    at.switch_page("views/organisation.py").run()
    assert at.session_state["org_edit"]["tables"]["employee_skills"].at[0, "level"] == 9
    assert "1 error" in texts(at.error)
    assert planner.load_dataset(SAMPLE).employee_skills.at[0, "level"] != 9


def test_a_valid_edit_is_saved_as_a_new_dataset_and_the_sample_is_untouched(app, workspace):
    at = app("organisation")
    sample_roles = (SAMPLE / "roles.csv").read_bytes()
    roles = planner.load_dataset(SAMPLE).roles
    cfo = int(roles.index[roles["role_id"] == "R-FIN-CFO"][0])
    at.session_state["editor-roles-0"] = {"edited_rows": {cfo: {"external_hire_cost": 250000.0}},
                                          "added_rows": [], "deleted_rows": []}
    at.run()
    assert "Every edit passes validation" in texts(at.success)
    at.text_input(key="org-save-name").set_value("dearer-cfo")
    at.button(key="org-save").click().run()
    assert not at.exception and not at.error
    saved = workspace / "datasets" / "dearer-cfo"
    edited = planner.load_dataset(saved).roles.set_index("role_id")
    assert edited.at["R-FIN-CFO", "external_hire_cost"] == 250000.0
    assert (SAMPLE / "roles.csv").read_bytes() == sample_roles
    assert "Saved as" in texts(at.success)
    # a name that leaves the workspace is refused
    at.session_state["editor-roles-0"] = {"edited_rows": {cfo: {"external_hire_cost": 1.0}},
                                          "added_rows": [], "deleted_rows": []}
    at.run()
    at.text_input(key="org-save-name").set_value("../escape")
    at.button(key="org-save").click().run()
    assert "invalid dataset name" in texts(at.error)
    assert not (workspace / "escape").exists()


def test_an_uploaded_csv_table_is_validated_and_replaces_the_table(app):
    at = app("organisation")
    text = (SAMPLE / "roles.csv").read_text().replace("Chief Financial Officer", "Group CFO")
    at.file_uploader(key="org-upload").set_value(("roles.csv", text.encode(), "text/csv"))
    at.run()
    assert not at.exception
    assert "Loaded roles (72 rows) from roles.csv" in texts(at.success)
    roles = at.session_state["org_edit"]["tables"]["roles"]
    assert "Group CFO" in set(roles["title"])


def test_an_uploaded_csv_with_a_bad_value_is_rejected(app):
    at = app("organisation")
    lines = (SAMPLE / "roles.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("criticality")] = "9"
    lines[1] = ",".join(cells)
    at.file_uploader(key="org-upload").set_value(("roles.csv", "\n".join(lines).encode(), "text/csv"))
    at.run()
    assert "Nothing was loaded from roles.csv" in texts(at.error)
    issues = frame_with(at, "Problem")
    assert list(issues["Column"]) == ["criticality"] and list(issues["Row"]) == [2]
    assert "Chief Financial Officer" in set(at.session_state["org_edit"]["tables"]["roles"]["title"])


# --- Scenario ---------------------------------------------------------------------------------------------


def test_a_budget_cut_scenario_made_in_the_forms_is_saved_and_loads(app, workspace):
    at = app("scenario")
    at.slider(key="cut-pct").set_value(20)
    at.button(key="add-cut").click().run()
    assert not at.exception
    assert "cut 20%" in texts(at.markdown)
    at.text_input(key="new-name").set_value("cut-20")
    at.button(key="save-scenario").click().run()
    assert not at.exception and not at.error
    path = workspace / "scenarios" / "cut-20.yaml"
    assert path.exists()
    scenario = planner.load_scenario(path)
    baseline = planner.load_scenario(SCENARIOS / "baseline.yaml")
    assert scenario.budget.total == pytest.approx(0.8 * baseline.budget.total)
    assert yaml.safe_load(path.read_text())["extends"].endswith("scenarios/baseline.yaml")
    assert at.session_state["scenario_path"] == str(path)
    assert "Saved **cut-20.yaml**" in texts(at.success)
    # saving under a taken name is refused and leaves the file as it was
    before = path.read_bytes()
    at.button(key="add-cut").click().run()
    at.text_input(key="new-name").set_value("cut-20")
    at.button(key="save-scenario").click().run()
    assert "Not saved" in texts(at.error)
    assert "already exists" in frame_with(at, "Problem")["Problem"].iloc[0]
    assert path.read_bytes() == before


def test_a_pin_needs_a_rationale_and_is_kept_with_it(app, workspace):
    at = app("scenario")
    at.selectbox(key="pin-employee").set_value("E00243")
    at.selectbox(key="pin-role").set_value("R-OPS-COO")
    at.button(key="add-pin").click().run()
    assert "Give a rationale" in texts(at.error)
    at.selectbox(key="pin-employee").set_value("E00243")
    at.selectbox(key="pin-role").set_value("R-OPS-COO")
    at.text_area(key="pin-rationale").set_value("Continuity through the plant consolidation.")
    at.button(key="add-pin").click().run()
    assert at.session_state["draft"]["pins"] == [
        {"employee_id": "E00243", "role_id": "R-OPS-COO", "rationale": "Continuity through the plant consolidation."}]
    at.text_input(key="new-name").set_value("keep-omar")
    at.button(key="save-scenario").click().run()
    assert planner.load_scenario(workspace / "scenarios" / "keep-omar.yaml").pins[0].rationale.startswith("Continuity")


# --- Solve ------------------------------------------------------------------------------------------------


def test_the_solve_page_solves_the_baseline_in_the_background_and_saves_the_plan(app, workspace):
    at = app()
    before = set(planner.PlanStore(workspace).list()["name"])
    at.number_input(key="solve-limit").set_value(FAST)
    at.button(key="solve-start").click().run()
    assert at.session_state["solve_run"].running or at.session_state["solve_run"].state == "saved"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        at.run()
        if any("Solved" in s.value for s in at.success) or at.error:
            break
        time.sleep(1)
    assert not at.error, texts(at.error)
    assert any("Solved" in s.value for s in at.success)
    new = set(planner.PlanStore(workspace).list()["name"]) - before
    assert len(new) == 1 and next(iter(new)).startswith("baseline-")
    assert at.session_state["plan_name"] in new
    assert {"Coverage", "Covered roles", "Best plan"} <= {m.label for m in at.metric}
    at.button(key="solve-open").click().run()
    assert at.title[0].value == "Plan"


def test_stop_keeps_the_best_plan_found_so_far_and_bad_plan_names_are_refused(app, workspace):
    at = app()
    at.text_input(key="solve-name").set_value("no spaces/allowed")
    at.button(key="solve-start").click().run()
    assert "invalid plan name" in texts(at.error) and "solve_run" not in at.session_state
    at.text_input(key="solve-name").set_value("stopped-early")
    at.number_input(key="solve-limit").set_value(120.0)
    at.button(key="solve-start").click().run()
    run = at.session_state["solve_run"]
    deadline = time.monotonic() + 120
    while run.latest is None and run.running and time.monotonic() < deadline:
        time.sleep(0.2)
    at.run()
    at.button(key="solve-stop").click().run()
    assert run.stop.is_set()
    assert run.wait(timeout=180)
    at.run()
    assert run.state == "saved" and run.saved_name == "stopped-early"
    # CP-SAT stops at its next improving plan; if the last one was already found, the search runs to the end
    if run.plan.kpis.status == "FEASIBLE":
        assert "stopped early; best plan kept" in texts(at.success)
    assert planner.PlanStore(workspace).load("stopped-early").has_solution


# --- Plan -------------------------------------------------------------------------------------------------


def test_the_plan_page_shows_kpis_slates_nine_box_gantt_spend_and_uncovered_roles(app):
    at = app("plan", plan_name="baseline-plan")
    labels = {m.label for m in at.metric}
    assert {"Coverage", "Covered roles", "Training spend", "External-hire cost", "Total cost", "Bench strength",
            "Solver status"} <= labels
    slates = frame_with(at, "Successor")
    assert {"Role", "Rank", "Readiness", "Ready by", "Current role"} <= set(slates.columns)
    assert set(slates["Readiness"]) <= set(support.READINESS_LABELS.values())
    assert slates["Role ID"].nunique() == 32
    assert "Thin bench" in texts(at.warning)
    # the page counts 'ready when needed' (backfill cascades included) exactly as the KPIs do
    plan = planner.PlanStore(at.session_state["workspace"]).load("baseline-plan")
    assert slates["Ready when needed"].sum() == round(plan.kpis.bench_strength * plan.kpis.critical_roles)
    uncovered = frame_with(at, "External-hire cost (money units)")
    assert len(uncovered) == plan.kpis.critical_roles - plan.kpis.covered_roles
    assert uncovered["External-hire cost (money units)"].sum() == pytest.approx(plan.kpis.external_hire_cost)
    specs = plotly_specs(at)
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert any("9-box" in t for t in titles) and any("Development plan" in t for t in titles)
    assert any("spend by quarter" in t for t in titles)
    for spec in specs:
        assert_axis_titles(spec)


# --- Compare ----------------------------------------------------------------------------------------------


def test_compare_shows_kpi_deltas_changes_spend_and_the_frontier(app, workspace):
    frontier = pd.DataFrame([dict(parameter="budget.total", value=v, status="OPTIMAL", coverage=c, covered_roles=int(c * 32),
                                  critical_roles=32, total_cost=900000 - v, training_cost=v, external_hire_cost=900000 - 2 * v,
                                  bench_strength=1.0, budget_used_share=1.0, objective=0.0, gap=0.0, solve_seconds=1.0)
                             for v, c in ((0, 0.5), (40000, 0.8), (80000, 0.9))], columns=FRONTIER_COLUMNS)
    save_frontier(workspace, "baseline", "budget.total", frontier)
    at = app("compare")
    at.multiselect(key="compare-plans").set_value(["budget-cut-plan", "baseline-plan"]).run()
    at.selectbox(key="compare-reference").set_value("baseline-plan").run()
    assert not at.exception
    assert "KPI deltas" in [s.value for s in at.subheader]
    kpis = frame_with(at, "Δ budget-cut")  # plans are labelled by their scenarios when those differ
    assert list(kpis.columns) == ["baseline", "budget-cut", "Δ budget-cut"]
    assert kpis.loc["Training spend (money units)", "Δ budget-cut"].startswith("-")
    assert kpis.loc["Covered critical roles", "Δ budget-cut"].startswith("-")
    assert "Slate changes" in [s.value for s in at.subheader]
    specs = plotly_specs(at)
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert "Training spend by quarter" in titles and "Coverage and total cost against Training budget" in titles
    for spec in specs:
        assert_axis_titles(spec)


# --- Export -----------------------------------------------------------------------------------------------


class _Recorder(MemoryMediaFileStorage):
    """Keeps the bytes of every download the app offers, by file name."""

    files: dict[str, bytes] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        if filename is not None and isinstance(path_or_data, bytes):
            _Recorder.files[filename] = path_or_data
        return super().load_and_get_id(path_or_data, mimetype, kind, filename)


def test_export_offers_a_workbook_csv_parquet_and_the_leadership_summary(app, monkeypatch):
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", _Recorder)
    _Recorder.files.clear()
    at = app("export", plan_name="baseline-plan")
    labels = [b.label for b in at.get("download_button")]
    assert "Download the plan as an Excel workbook" in labels
    assert labels.count("CSV") == 4 and labels.count("Parquet") == 4
    book = pd.read_excel(io.BytesIO(_Recorder.files["baseline-plan.xlsx"]), sheet_name=None)
    assert list(book) == ["Slates", "Development plan", "KPIs", "Uncovered roles"]
    assert {"Role", "Successor", "Readiness", "Ready by"} <= set(book["Slates"].columns)
    assert "Cost (money units)" in book["Development plan"].columns
    slates = pd.read_csv(io.BytesIO(_Recorder.files["baseline-plan-slates.csv"]), encoding="utf-8-sig")
    assert len(slates) == len(book["Slates"])
    learning = pd.read_parquet(io.BytesIO(_Recorder.files["baseline-plan-development-plan.parquet"]))
    assert len(learning) == len(book["Development plan"])
    summary = _Recorder.files["baseline-plan-slate-summary.html"].decode()
    assert summary.startswith("<!DOCTYPE html>") and "Chief Financial Officer" in summary
    assert "thin bench" in summary


# --- the app's plain helpers ------------------------------------------------------------------------------


def test_edit_records_apply_like_the_data_editor():
    df = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    record = {"edited_rows": {"1": {"a": 20}}, "deleted_rows": [0], "added_rows": [{"a": 4, "b": "w"}]}
    out = support.apply_edits(df, record)
    assert out.to_dict("list") == {"a": [20, 3, 4], "b": ["y", "z", "w"]}
    assert support.restore_types(out, df)["a"].dtype == df["a"].dtype
    assert not support.has_edits({"edited_rows": {}, "added_rows": [], "deleted_rows": []})


def test_spreadsheet_exports_defuse_formulas():
    df = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "+1", "-2", "@a", "plain"], "n": [-1, 2, 3, 4, 5]})
    out = support.defuse_formulas(df)
    assert list(out["name"]) == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@a", "plain"]
    assert list(out["n"]) == [-1, 2, 3, 4, 5]
    book = pd.read_excel(io.BytesIO(support.excel_bytes({"T": df})), sheet_name="T")
    assert book["name"].iloc[0] == "'=HYPERLINK(\"x\")"


def test_names_typed_by_users_stay_inside_their_folder(tmp_path):
    assert support.inside(tmp_path, "ok-name_1.2", ".yaml", what="scenario name") == (tmp_path / "ok-name_1.2.yaml").resolve()
    for bad in ("../up", "a/b", "", ".hidden", "x" * 81):
        with pytest.raises(ValueError, match="invalid dataset name"):
            support.inside(tmp_path, bad, what="dataset name")


def test_a_scenario_that_does_not_load_leaves_no_file(tmp_path):
    target = tmp_path / "bad.yaml"
    doc = support.scenario_document("bad", "", SCENARIOS / "baseline.yaml", target,
                                    [{"type": "employee_leaves", "employee_id": "NOBODY", "quarter": 1}], [], [], [])
    path, issues = support.save_scenario(doc, tmp_path)
    assert path is None and any("NOBODY" in i.message for i in issues)
    assert list(tmp_path.iterdir()) == []


def test_suggested_scenario_names_say_what_changed_and_are_free():
    cut = [{"type": "budget", "scale": 0.8}]
    assert support.suggest_name("baseline", cut, set()) == "baseline-budget-cut-20"
    assert support.suggest_name("baseline", cut, {"baseline-budget-cut-20"}) == "baseline-budget-cut-20-2"
    assert support.suggest_name("baseline", [], set()) == "baseline-what-if"


def test_the_app_imports_neither_ortools_nor_streamlit_helpers_until_it_solves(workspace):
    """Browsing every page (plans included) never loads OR-Tools; planner.app_support needs no Streamlit."""
    code = (
        "import os, sys\n"
        "import planner.app_support\n"
        "assert not [m for m in sys.modules if m.startswith(('ortools', 'streamlit'))]\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({APP!r}, default_timeout=60)\n"
        "at.session_state['plan_name'] = 'baseline-plan'\n"
        "at.run()\n"
        f"for page in {PAGES!r}:\n"
        "    at.switch_page(f'views/{page}.py').run()\n"
        "    assert not at.exception, page\n"
        "print(sorted(m for m in sys.modules if m.startswith('ortools')))\n"
    )
    env = {**os.environ, "PLANNER_WORKSPACE": str(workspace)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
