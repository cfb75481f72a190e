"""Scenario: start from a scenario, change its budget, policies, weights and data (leavers, vacancies,
budget cuts, ...), add pins, vetoes and locks with their rationale, and save it as a new scenario file."""

from __future__ import annotations

from pathlib import Path

import pydantic
import streamlit as st

from planner import app_support as support
from planner import InputError
from planner import (
    BudgetChange, CriticalChange, EmployeeLeaves, InterventionChange, Lock, Pin, Policy, VacancyChange, Veto, Weights,
)
from views import common

st.title("Scenario")
st.caption("Start from a scenario, change what you want to explore, and save it as a new scenario to solve.")

ss = st.session_state
if ss.get("scenario_saved") == ss.scenario_path:
    st.success(f"Saved **{Path(ss.scenario_path).name}** and made it the current scenario.",
               icon=":material/check_circle:")
    if st.button("Solve it now", type="primary", icon=":material/play_arrow:", key="scenario-solve"):
        st.switch_page(common.PAGES["solve"])

base_path = common.scenario_picker("scenario-pick", label="Start from")
try:
    org, base = common.load_scenario(str(base_path))
except InputError as exc:
    common.show_issues(exc.issues, "This scenario cannot be loaded: ")
    st.stop()

draft = ss.get("draft")
if draft is None or draft["base"] != str(base_path):
    draft = ss.draft = dict(
        base=str(base_path), id=ss.get("draft_count", 0), changes=[], pins=[], vetoes=[], locks=[],
        dataset=ss.pop("draft_dataset", None),
        budget=base.budget.model_dump(), policy=base.policy.model_dump(), weights=base.weights.model_dump(),
    )
    ss.draft_count = draft["id"] + 1
did = draft["id"]
horizon = range(base.horizon_quarters)
quarter = base.quarter_label


def describe(item: dict, kind: str = "changes") -> str:
    return support.describe_change(item, org, base.start, kind)


existing = {"changes": [*base.applied, *base.changes], "pins": base.pins, "vetoes": base.vetoes, "locks": base.locks}
count = sum(len(items) for items in existing.values())
with st.expander(f"**{base.name}**: {base.description or 'no description'} · {count} change(s) and override(s)"):
    st.markdown(f"Budget **{common.money(base.budget.total)}** {support.MONEY} · {base.horizon_quarters} quarters from "
                f"{base.start} · data `{base.dataset}`")
    for kind, items in existing.items():
        for item in items:
            st.markdown(f"- {describe(item.model_dump(exclude_unset=True), kind)}")

employees = org.employees.sort_values("name")
titles = dict(zip(org.roles["role_id"], org.roles["title"]))
people = {e: f"{n} ({e}) · {titles.get(r, r)}" for e, n, r in
          zip(employees["employee_id"], employees["name"], employees["role_id"])}
roles = {r: f"{t} ({r})" for r, t in zip(org.roles["role_id"], org.roles["title"])}
critical = {r: roles[r] for r in org.critical_roles["role_id"]}
interventions = {i: f"{n} ({i}) · {c:,.0f}" for i, n, c in
                 zip(org.interventions["intervention_id"], org.interventions["name"], org.interventions["cost"])}


def add(kind: str, model: type[pydantic.BaseModel], **values) -> None:
    """Validate one change or override and add it to the draft; show the problem otherwise."""
    try:
        item = model.model_validate(values)
    except pydantic.ValidationError as exc:
        st.error("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
        return
    draft[kind].append(item.model_dump(exclude_unset=True))
    st.toast(f"Added: {describe(draft[kind][-1], kind)}", icon=":material/add_circle:")


def rationale_ok(text: str) -> bool:
    if text.strip():
        return True
    st.error("Give a rationale: it is kept with the plan so that others know why the optimiser was overruled.")
    return False


left, right = st.columns([3, 2], gap="large")

with left:
    st.subheader("Budget, policies and weights")
    with st.container(border=True):
        cols = st.columns(2)
        draft["budget"]["total"] = cols[0].number_input(
            f"Training budget ({support.MONEY})", min_value=0.0, step=1000.0, format="%.0f",
            value=float(draft["budget"]["total"]), key=f"set-total-{did}",
            help="Total training budget over the horizon. A budget cut below applies to this amount.")
        capped = cols[1].toggle("Cap spend per quarter", value=draft["budget"]["per_quarter"] is not None,
                                key=f"set-capped-{did}")
        if capped:
            draft["budget"]["per_quarter"] = cols[1].number_input(
                f"Per-quarter cap ({support.MONEY})", min_value=0.0, step=1000.0, format="%.0f",
                value=float(draft["budget"]["per_quarter"] or draft["budget"]["total"] / 4), key=f"set-cap-{did}",
                help="Cap on the spend started in any one quarter.")
        else:
            draft["budget"]["per_quarter"] = None
        with st.expander("Slate policies"):
            cols = st.columns(2)
            numeric = [(f, info) for f, info in Policy.model_fields.items() if info.annotation is int]  # fairness: in the file
            for i, (field, info) in enumerate(numeric):
                lo, hi = support.field_limits(Policy, field)
                draft["policy"][field] = cols[i % 2].number_input(
                    field.replace("_", " ").capitalize(), min_value=int(lo), max_value=None if hi is None else int(hi),
                    step=1, value=int(draft["policy"][field]), key=f"set-policy-{field}-{did}", help=info.description)
        with st.expander("Objective weights"):
            cols = st.columns(2)
            for i, (field, info) in enumerate(Weights.model_fields.items()):
                draft["weights"][field] = cols[i % 2].number_input(
                    field.replace("_", " ").capitalize(), min_value=0.0, step=1.0, format="%g",
                    value=float(draft["weights"][field]), key=f"set-weights-{field}-{did}", help=info.description)

    st.subheader("What if…")
    tabs = st.tabs(["Budget cut", "Someone leaves", "Vacancy moves", "Role criticality", "Intervention"])
    with tabs[0], st.form("form-cut", clear_on_submit=True, border=False):
        pct = st.slider("Cut the training budget by (%)", 0, 90, 20, step=5, key="cut-pct",
                        help=BudgetChange.model_fields["scale"].description)
        if st.form_submit_button("Add budget cut", icon=":material/add:", key="add-cut") and pct:
            add("changes", BudgetChange, type="budget", scale=round(1 - pct / 100, 4))
    with tabs[1], st.form("form-leaves", clear_on_submit=True, border=False):
        who = st.selectbox("Employee", list(people), format_func=people.get, key="leaves-employee",
                           help=EmployeeLeaves.model_fields["employee_id"].description)
        when = st.selectbox("Gone from", list(horizon), format_func=quarter, key="leaves-quarter",
                            help="First quarter they are no longer here: off every slate needed then or later.")
        if st.form_submit_button("Add leaver", icon=":material/add:", key="add-leaves"):
            add("changes", EmployeeLeaves, type="employee_leaves", employee_id=who, quarter=when)
    with tabs[2], st.form("form-vacancy", clear_on_submit=True, border=False):
        role = st.selectbox("Role", list(critical) + [r for r in roles if r not in critical],
                            format_func=roles.get, key="vacancy-role")
        when = st.selectbox("Falls vacant in", [None, *horizon], key="vacancy-quarter",
                            format_func=lambda q: "No known vacancy in the horizon" if q is None else quarter(q),
                            help=VacancyChange.model_fields["quarter"].description)
        if st.form_submit_button("Add vacancy change", icon=":material/add:", key="add-vacancy"):
            add("changes", VacancyChange, type="vacancy", role_id=role, quarter=when)
    with tabs[3], st.form("form-critical", clear_on_submit=True, border=False):
        role = st.selectbox("Role", list(roles), format_func=roles.get, key="critical-role")
        is_critical = st.toggle("Critical (needs a succession slate)", value=True, key="critical-flag")
        level = st.slider("Criticality", 1, 5, 3, key="critical-level",
                          help=CriticalChange.model_fields["criticality"].description)
        if st.form_submit_button("Add criticality change", icon=":material/add:", key="add-critical"):
            add("changes", CriticalChange, type="role_critical", role_id=role, critical=is_critical, criticality=level)
    with tabs[4], st.form("form-intervention", clear_on_submit=True, border=False):
        item = st.selectbox("Intervention", list(interventions), format_func=interventions.get, key="intervention-id")
        action = st.radio("Change", ["Withdraw it from the catalogue", "Set a new cost"], key="intervention-action",
                          horizontal=True)
        cost = st.number_input(f"New cost per participant ({support.MONEY})", min_value=0.0, step=100.0, format="%.0f",
                               key="intervention-cost", help=InterventionChange.model_fields["cost"].description)
        if st.form_submit_button("Add intervention change", icon=":material/add:", key="add-intervention"):
            values = {"withdrawn": True} if action.startswith("Withdraw") else {"cost": cost}
            add("changes", InterventionChange, type="intervention", intervention_id=item, **values)

    st.subheader("Leadership overrides")
    tabs = st.tabs(["Pin", "Veto", "Lock"])
    with tabs[0], st.form("form-pin", clear_on_submit=True, border=False):
        who = st.selectbox("Employee", list(people), format_func=people.get, key="pin-employee")
        role = st.selectbox("On the slate of", list(critical), format_func=critical.get, key="pin-role")
        rank = st.selectbox("At rank", [None, *range(1, base.policy.bench_depth + 1)], key="pin-rank",
                            format_func=lambda r: "Any position" if r is None else f"#{r}",
                            help=Pin.model_fields["rank"].description)
        why = st.text_area("Rationale (required)", key="pin-rationale", help=Pin.model_fields["rationale"].description)
        if st.form_submit_button("Add pin", icon=":material/push_pin:", key="add-pin") and rationale_ok(why):
            add("pins", Pin, employee_id=who, role_id=role, rationale=why.strip(),
                **({"rank": rank} if rank is not None else {}))
    with tabs[1], st.form("form-veto", clear_on_submit=True, border=False):
        who = st.selectbox("Employee", list(people), format_func=people.get, key="veto-employee")
        role = st.selectbox("Never on the slate of", list(critical), format_func=critical.get, key="veto-role")
        why = st.text_area("Rationale (required)", key="veto-rationale", help=Veto.model_fields["rationale"].description)
        if st.form_submit_button("Add veto", icon=":material/block:", key="add-veto") and rationale_ok(why):
            add("vetoes", Veto, employee_id=who, role_id=role, rationale=why.strip())
    with tabs[2], st.form("form-lock", clear_on_submit=True, border=False):
        who = st.selectbox("Employee", list(people), format_func=people.get, key="lock-employee")
        item = st.selectbox("Intervention already booked or started", list(interventions),
                            format_func=interventions.get, key="lock-intervention")
        when = st.selectbox("Starts (or started) in", list(horizon), format_func=quarter, key="lock-quarter",
                            help=Lock.model_fields["start_quarter"].description)
        why = st.text_area("Rationale (required)", key="lock-rationale", help=Lock.model_fields["rationale"].description)
        if st.form_submit_button("Add lock", icon=":material/lock:", key="add-lock") and rationale_ok(why):
            add("locks", Lock, employee_id=who, intervention_id=item, start_quarter=when, rationale=why.strip())

settings = support.settings_changes(base, draft["budget"], draft["policy"], draft["weights"])
changes = [*settings, *draft["changes"]]


def remove(kind: str, index: int) -> None:
    del ss.draft[kind][index]


with right:
    st.subheader("Your new scenario")
    try:
        preview = support.preview_scenario(base, "preview", changes, draft["pins"], draft["vetoes"], draft["locks"])
    except pydantic.ValidationError as exc:
        preview = None
        st.error("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
    with st.container(border=True):
        if preview is not None:
            cols = st.columns(2)
            delta = preview.budget.total - base.budget.total
            cols[0].metric("Training budget", common.money(preview.budget.total),
                           delta=None if not delta else f"{delta:+,.0f}", help=f"In {support.MONEY}.")
            cols[1].metric("Changes and overrides", len(changes) + len(draft["pins"]) + len(draft["vetoes"])
                           + len(draft["locks"]))
        if not any([changes, draft["pins"], draft["vetoes"], draft["locks"]]):
            st.caption(f"No changes yet: the new scenario would be the same as {base.name}. Add a budget cut, a "
                       "leaver, ... on the left.")
        for item in settings:
            st.markdown(f":material/tune: {describe(item)}")
        for kind in ("changes", "pins", "vetoes", "locks"):
            for i, item in enumerate(draft[kind]):
                text, button = st.columns([9, 1], vertical_alignment="center")
                text.markdown(describe(item, kind))
                button.button("", icon=":material/close:", key=f"remove-{kind}-{i}-{did}", help="Remove",
                              on_click=remove, args=(kind, i), type="tertiary")

    folder = common.workspace() / "scenarios"
    taken = {p.stem for p in support.scenario_files(common.APP_DIR, common.workspace())}
    suggestion = support.suggest_name(base.name, changes, taken)
    name = st.text_input("Name", key="new-name", placeholder=suggestion,
                         help="The scenario's name and file name: letters, digits, '-', '_' or '.'. "
                              f"Empty: {suggestion}.").strip() or suggestion
    blurb = "; ".join([describe(c) for c in changes] + [describe(c, kind) for kind in ("pins", "vetoes", "locks")
                                                        for c in draft[kind]])
    description = st.text_input("Description", key="new-description", placeholder=blurb[:200] or "What it asks",
                                help="What the scenario asks, shown with its plans.").strip() or blurb[:200]
    datasets = [str(p) for p in support.dataset_folders(common.APP_DIR, common.workspace())]
    dataset = None
    if len(datasets) > 1:
        current = draft["dataset"] if draft["dataset"] in datasets else None
        dataset = st.selectbox("Organisation data", [None, *datasets], index=([None, *datasets]).index(current),
                               format_func=lambda d: f"As in {base.name}" if d is None else d.rsplit("/", 1)[-1],
                               key=f"new-dataset-{did}", help="Datasets saved on the Organisation page.")
    if st.button("Save as new scenario", type="primary", icon=":material/save:", key="save-scenario",
                 disabled=preview is None):
        try:
            target = support.inside(folder, name, ".yaml", what="scenario name")
        except ValueError as exc:
            st.error(str(exc))
        else:
            doc = support.scenario_document(name, description, base_path, target, changes, draft["pins"],
                                            draft["vetoes"], draft["locks"], dataset=None if dataset is None else Path(dataset))
            path, issues = support.save_scenario(doc, folder)
            if issues:
                common.show_issues(issues, "Not saved: ")
            else:
                ss.scenario_path = ss.scenario_saved = str(path)
                ss.draft = None
                ss.pop("new-name", None)
                ss.pop("new-description", None)
                st.rerun()
    st.caption(f"Saved in `{folder}`; it extends `{base_path.name}`, so later changes to the base carry over.")
