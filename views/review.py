"""Talent review: the 9-box of a department or of a critical role's candidates; a change (a veto, a pin, a lock, a
move in the 9-box) with its rationale, priced at once by a minimal-disruption re-plan and recorded in the audit
trail; the agreed plan endorsed and later plans compared with it; the outliers a calibration session should see."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

import planner
from planner import InputError
from planner import app_support as support
from views import common

st.title("Talent review")
name = common.plan_picker("review-pick")
plan = common.load_plan(name)
org = common.plan_org(plan)
scenario = support.plan_scenario(plan)
if not plan.has_solution:
    st.error(f"This plan has no solution ({plan.kpis.status}): {plan.meta.message}")
    st.stop()
st.caption(f"Scenario **{plan.meta.scenario}** · {plan.kpis.covered_roles} of {plan.kpis.critical_roles} critical roles "
           f"covered · total cost {common.money(plan.kpis.total_cost)} {support.MONEY}. Each change is re-planned from "
           "this plan, changing as few decisions as it must, and recorded with who made it, when and why.")


def login_name() -> str | None:
    """The reviewer's name from the app's login (st.user), when the app has one and they are logged in."""
    user = st.user.to_dict()
    return (user.get("name") or user.get("email")) if user.get("is_logged_in") else None


login = login_name()
if login:
    st.caption(f"Reviewing as **{login}** (from your login).")
    typed = None
else:
    typed = st.text_input("Your name", key="review-who", placeholder="Who is making these changes",
                          help="Recorded with every change and endorsement (there is no login here).")

# --- the 9-box --------------------------------------------------------------------------------------------
critical = org.critical_roles.sort_values("role_id")
role_titles = dict(zip(critical["role_id"], critical["title"]))
left, right = st.columns([1, 3])
scope = left.radio("9-box of", ["Critical role", "Department"], key="review-scope", horizontal=True,
                   help="A critical role's candidates (eligible under the policy, vetoes removed, and its slate) "
                        "or a department's people.")
if scope == "Critical role":
    role = right.selectbox("Critical role", list(role_titles), key="review-role",
                           format_func=lambda r: f"{r} · {role_titles[r]}")
    frame = planner.nine_box(org, scenario, plan, role_id=role)
    title = f"9-box of the {len(frame)} candidates for {role_titles[role]}"
else:
    role = None
    departments = sorted(org.employees["department"].dropna().unique())
    department = right.selectbox("Department", departments, key="review-department")
    frame = planner.nine_box(org, scenario, plan, department=department)
    title = f"9-box of the {len(frame)} people in {department}"

points = support.box_points(frame, role)
fig = go.Figure()
for group, colour in zip(sorted(points["group"].unique(), reverse=True), ["#1f77b4", "#9aa5b1"]):
    part = points[points["group"] == group]
    fig.add_scatter(x=part["x"], y=part["y"], mode="markers", name=group,
                    marker=dict(size=11, color=colour, line=dict(width=1, color="white")),
                    customdata=part[["name", "employee_id", "box", "performance", "potential", "slates"]],
                    hovertemplate="<b>%{customdata[0]}</b> (%{customdata[1]})<br>%{customdata[2]}: performance "
                                  "%{customdata[3]}, potential %{customdata[4]}<br>On: %{customdata[5]}<extra></extra>")
for x in (2.5, 3.5):
    fig.add_vline(x=x, line_color="#cbd2d9")
for y in (1.5, 2.5):
    fig.add_hline(y=y, line_color="#cbd2d9")
fig.update_layout(height=420, margin=dict(l=10, r=10, t=40, b=10), title=title, legend_title_text="")
fig.update_xaxes(title="Performance rating (1-2 low, 3 medium, 4-5 high)", range=[0.5, 5.5], tickvals=[1, 2, 3, 4, 5],
                 showgrid=False, zeroline=False)
fig.update_yaxes(title="Potential rating (1 low, 2 medium, 3 high)", range=[0.5, 3.5], tickvals=[1, 2, 3],
                 showgrid=False, zeroline=False)
st.plotly_chart(fig, key="review-ninebox")
grid = support.box_grid(frame)
st.dataframe(grid, width="stretch", key="review-grid",
             column_config={c: st.column_config.TextColumn(width="large") for c in grid.columns})
with st.expander(f"The {len(frame)} people, one per row"):
    st.dataframe(support.nine_box_table(frame), hide_index=True, width="stretch", key="review-people")

# --- a change, priced --------------------------------------------------------------------------------------
st.subheader("Make a change")
kind = st.segmented_control("Change", list(support.CHANGE_KINDS), format_func=support.CHANGE_KINDS.get,
                            key="review-kind", default="veto")
kind = kind or "veto"
employees = org.employees.sort_values("employee_id")
people = dict(zip(employees["employee_id"], employees["name"]))
person_ids = list(people)
first = {s.role_id: s.employee_id for s in plan.slates if s.rank == 1}
default_person = first.get(role) if role else (frame["employee_id"].iloc[0] if len(frame) else None)
with st.form("review-change"):
    cols = st.columns(2)
    employee = cols[0].selectbox("Person", person_ids, key=f"review-person-{role}-{kind}",
                                 index=person_ids.index(default_person) if default_person in person_ids else 0,
                                 format_func=lambda e: f"{people[e]} ({e})")
    role_id = rank = intervention = start = performance = potential = None
    if kind in ("veto", "pin"):
        roles = list(role_titles)
        role_id = cols[1].selectbox("On the slate of", roles, index=roles.index(role) if role in roles else 0,
                                    key=f"review-change-role-{role}", format_func=lambda r: f"{r} · {role_titles[r]}")
    if kind == "pin":
        rank = st.number_input("At rank (empty: any)", min_value=1, max_value=scenario.policy.bench_depth, value=None,
                               step=1, key="review-rank")
    if kind == "lock":
        catalogue = org.interventions.sort_values("intervention_id")
        names = dict(zip(catalogue["intervention_id"], catalogue["name"]))
        intervention = cols[1].selectbox("Intervention", list(names), key="review-intervention",
                                         format_func=lambda i: f"{i} · {names[i]}")
        quarters = list(range(scenario.horizon_quarters))
        start = st.selectbox("Starting", quarters, key="review-start", format_func=scenario.quarter_label)
    if kind == "rating":
        performance = cols[1].number_input("New performance (1-5)", min_value=1, max_value=5, value=3, step=1,
                                           key="review-performance")
        potential = cols[1].number_input("New potential (1-3)", min_value=1, max_value=3, value=2, step=1,
                                         key="review-potential")
    rationale = st.text_area("Rationale", key="review-rationale", placeholder="Why (kept in the audit trail)")
    limit = st.number_input("Re-plan time limit (s)", min_value=1.0, max_value=600.0, value=support.REVIEW_SECONDS,
                            step=1.0, key="review-limit",
                            help="Wall-clock seconds the re-plan may take. The default answers within about 5 s on the "
                                 "sample; more time can find a cheaper re-plan (the effect says when it is not proven).")
    submitted = st.form_submit_button("Price and record", type="primary", icon=":material/calculate:")

if submitted:
    try:
        who = support.reviewer(login, typed)
        change = support.make_change(kind, rationale, employee, role_id=role_id, rank=rank, intervention_id=intervention,
                                     start_quarter=start, performance=performance, potential=potential)
        with st.spinner("Re-planning from the current plan…"):
            outcome = support.review_change(common.store(), name, plan, org, scenario, change, who,
                                            time_limit_seconds=limit)
    except InputError as exc:
        common.show_issues(exc.issues, "The change cannot be priced: ")
    except ValueError as exc:
        st.error(str(exc))
    else:
        st.session_state.review_last = outcome
        if outcome.state == "recorded":
            st.session_state.plan_name = outcome.saved_name  # the next change starts from this plan
            st.rerun()

last = st.session_state.get("review_last")
if last is not None:
    if last.state == "recorded":
        effect = last.review.effect
        st.success(effect.sentence, icon=":material/price_check:")
        cards = st.columns(4)
        helps = {"Total cost": f"Training spend + external-hire cost, after minus before ({support.MONEY}).",
                 "Expected hire cost": f"Expected external-hire cost when people leave at their flight risk, after minus "
                                       f"before ({support.MONEY}).",
                 "Covered roles": "Critical roles whose first successor is ready when the role falls vacant.",
                 "Decisions moved": "Slate entries and interventions that differ from the plan before the change."}
        for card, (label, value) in zip(cards, support.effect_summary(effect).items()):
            card.metric(label, value, border=True, help=helps[label])
        st.caption(f"Re-planned, checked and saved as **{last.saved_name}** in {last.seconds:.1f} s "
                   f"(status {effect.status.lower()}); audit entry #{last.entry.seq}, by {last.entry.who}."
                   + (f" The solver says: {last.review.plan.meta.message}." if last.review.plan.meta.message else ""))
        with st.expander(f"The {len(effect.moved)} decisions that moved"):
            st.dataframe(support.moved_table(effect), hide_index=True, width="stretch", key="review-moved")
    else:
        st.error(f"Not recorded: {last.message}")

# --- the record --------------------------------------------------------------------------------------------
store = common.store()
trail, endorsed, odd = st.tabs(["Audit trail", "Endorsed plan", "Outliers"])
with trail:
    audit = support.audit_table(store)
    st.caption("Every change priced here, newest first. The trail is append-only: nothing on this page or in the "
               "planner can change or remove an entry.")
    if audit.empty:
        st.info("No changes recorded yet.")
    else:
        newest = audit.iloc[0]
        st.markdown(f"Latest entry **#{newest['#']}**, {newest['When (UTC)']} UTC, by **{newest['Who']}**: "
                    f"{newest['Change']}. Why: *{newest['Why']}*")
        st.dataframe(audit, hide_index=True, width="stretch", key="review-audit",
                     column_config={"Effect": st.column_config.TextColumn(width="large")})

with endorsed:
    st.caption("Endorsing freezes a copy of the plan in the store: no later save, overwrite or delete changes it, "
               "and every later plan is compared with the latest one.")
    with st.form("review-endorse"):
        agreed = st.text_area("What was agreed", key="review-agreed")
        endorse = st.form_submit_button(f"Endorse {name}", icon=":material/verified:")
    if endorse:
        try:
            entry = store.endorse(name, support.reviewer(login, typed), agreed)
        except ValueError as exc:
            st.error(str(exc))
        else:
            st.success(f"Endorsed {entry.plan} (#{entry.seq}) by {entry.who}.")
    endorsements = store.endorsements()
    delta = planner.against_endorsed(store, plan, org, scenario, common.plan_org(store.load_endorsed())) \
        if endorsements else None
    if delta is None:
        st.info("Nothing endorsed yet.")
    else:
        st.markdown(f"**This plan {delta.sentence}**")
        with st.expander(f"The {len(delta.moved)} decisions that differ from the endorsed plan"):
            st.dataframe(support.moved_table(delta), hide_index=True, width="stretch", key="review-endorsed-moved")
        st.dataframe(support.endorsement_table(store), hide_index=True, width="stretch", key="review-endorsements")

with odd:
    found = planner.review_outliers(org, scenario, plan)
    st.caption(f"Shown, not hidden. A rating is an outlier when it is {found.rule}.")
    for heading, table in support.outlier_tables(found).items():
        st.markdown(f"**{heading}**")
        if table.empty:
            st.caption("None.")
        else:
            st.dataframe(table, hide_index=True, width="stretch")
