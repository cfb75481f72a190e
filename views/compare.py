"""Compare: two or more saved plans against a reference: KPI deltas, slate and intervention changes,
spend side by side, and the budget frontier when a sweep has been saved in the workspace."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st
from plotly.subplots import make_subplots

import planner
from planner import app_support as support
from planner import load_frontiers
from views import common


def spend_chart(spend: pd.DataFrame, keys: list[str], x: str, plans: list[str], title: str, x_title: str, key: str) -> None:
    """Grouped bars of each plan's training spend by ``x`` (a quarter or a department)."""
    long = spend.melt(id_vars=keys, value_vars=plans, var_name="Plan", value_name="Spend")
    fig = px.bar(long, x=x, y="Spend", color="Plan", barmode="group", title=title)
    fig.update_layout(height=380, margin=dict(l=10, r=10, t=60, b=10),
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right", title_text=""))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=f"Spend ({support.MONEY})", tickformat=",.0f")
    st.plotly_chart(fig, key=key)


st.title("Compare")
st.caption("Plans side by side: every other plan is compared with the reference plan.")

listing = common.plans()
if listing.empty:
    common.no_plans_yet()
names = list(listing["name"])  # newest first
labels = {r["name"]: common.plan_label(r) for _, r in listing.iterrows()}
chosen = st.multiselect("Plans to compare", names, default=names[:2], format_func=labels.get, key="compare-plans",
                        help="Two or more saved plans; the two newest are chosen to start with.")
comparison = None
if len(chosen) < 2:
    st.info("Choose at least two plans. Solve another scenario (for example a budget cut) to have something to "
            "compare with.")
else:
    oldest = max(chosen, key=names.index)
    reference = st.selectbox("Reference plan", chosen, index=chosen.index(oldest), format_func=labels.get,
                             key="compare-reference", help="The plan the others are compared with (the oldest by default).")
    order = [reference, *[n for n in chosen if n != reference]]
    plans = [common.load_plan(n) for n in order]
    scenarios = [p.meta.scenario for p in plans]
    short = scenarios if len(set(scenarios)) == len(scenarios) else order  # scenario names when they tell plans apart
    try:
        comparison = planner.compare(plans, labels=short)
    except ValueError as exc:
        st.error(f"These plans cannot be compared: {exc}")

if comparison is not None:
    ref = plans[0].kpis
    for label, plan in zip(comparison.plans[1:], plans[1:]):
        k = plan.kpis
        with st.container(border=True):
            st.markdown(f"**{label}** compared with **{comparison.reference}** · "
                        f"{comparison.decisions_changed(label)} decisions changed")
            cols = st.columns(4)
            cols[0].metric("Coverage", f"{k.coverage:.0%}", delta=f"{(k.coverage - ref.coverage) * 100:+.1f} pp")
            cols[1].metric("Covered roles", f"{k.covered_roles} of {k.critical_roles}",
                           delta=f"{k.covered_roles - ref.covered_roles:+d}")
            cols[2].metric("Training spend", common.money(k.training_cost),
                           delta=f"{k.training_cost - ref.training_cost:+,.0f}", delta_color="inverse")
            cols[3].metric("Total cost", common.money(k.total_cost), delta=f"{k.total_cost - ref.total_cost:+,.0f}",
                           delta_color="inverse", help="Training spend + external-hire cost of uncovered roles.")

    st.subheader("KPI deltas")
    text, direction = support.kpi_comparison(comparison)
    colours = {1: "color: #1b7f3b; font-weight: 600", -1: "color: #b3261e; font-weight: 600", 0: ""}
    styled = text.style.apply(lambda col: [colours[v] for v in direction[col.name]], axis=0)
    st.dataframe(styled, width="stretch", key="compare-kpis", height=38 + 35 * len(text))
    st.caption("Green: better than the reference; red: worse. pp = percentage points.")

    orgs = [common.plan_org(p) for p in plans]
    people, titles = support.people_names(*orgs), support.role_titles(*orgs)
    courses = support.intervention_names(*orgs)
    several = len(comparison.plans) > 2  # then the change tables say which plan each row is about
    readiness = lambda v: "–" if pd.isna(v) else support.READINESS_LABELS[v]  # noqa: E731
    arrow = lambda a, b: f"{a} → {b}" if a != b else f"{b}"  # noqa: E731

    st.subheader("Slate changes")
    changes = comparison.slate_changes
    if changes.empty:
        st.caption("No slate changes.")
    else:
        rank = lambda v: "–" if pd.isna(v) else f"#{int(v)}"  # noqa: E731
        st.dataframe(pd.DataFrame({
            **({"Plan": changes["plan"]} if several else {}),
            "Role": [f"{titles.get(r, r)} ({r})" for r in changes["role_id"]],
            "Employee": [f"{people.get(e, e)} ({e})" for e in changes["employee_id"]],
            "Change": changes["change"].map({"in": "joins the slate", "out": "leaves the slate", "rank": "moves rank",
                                             "readiness": "readiness changes"}),
            "Rank": [arrow(rank(a), rank(b)) for a, b in zip(changes["rank_before"], changes["rank_after"])],
            "Readiness": [arrow(readiness(a), readiness(b))
                          for a, b in zip(changes["readiness_before"], changes["readiness_after"])],
        }), hide_index=True, width="stretch", key="compare-slates")

    st.subheader("Intervention changes")
    learning = comparison.learning_changes
    if learning.empty:
        st.caption("No intervention changes.")
    else:
        start = plans[0].meta.start
        quarter = lambda q: "–" if pd.isna(q) else support.quarter_label(start, int(q))  # noqa: E731
        st.dataframe(pd.DataFrame({
            **({"Plan": learning["plan"]} if several else {}),
            "Employee": [f"{people.get(e, e)} ({e})" for e in learning["employee_id"]],
            "Intervention": [f"{courses.get(i, i)} ({i})" for i in learning["intervention_id"]],
            "Change": learning["change"],
            "Start": [arrow(quarter(a), quarter(b)) for a, b in zip(learning["start_before"], learning["start_after"])],
            f"Cost change ({support.MONEY})": learning["cost_delta"],
        }), hide_index=True, width="stretch", key="compare-learning",
            column_config={f"Cost change ({support.MONEY})": st.column_config.NumberColumn(format="%+,.0f")})

    try:
        composition = planner.plans_composition(plans, labels=comparison.plans)
    except planner.InputError as exc:
        st.caption(f"Slate composition not shown: {exc.issues[0]}")
    else:
        if composition is not None:
            st.subheader("Slate composition")
            st.caption("Slate entries over all slates by the fairness attribute of the plans' scenario; a count under "
                       "5 people is shown as <5, and no differences are shown (they would reveal masked counts).")
            st.dataframe(composition, hide_index=True, width="stretch", key="compare-composition")

    st.subheader("Spend")
    spend_chart(comparison.spend_by_quarter, ["quarter", "label"], "label", comparison.plans,
                "Training spend by quarter", "Quarter (calendar)", "compare-spend-quarter")
    spend_chart(comparison.spend_by_department, ["department"], "department", comparison.plans,
                "Training spend by department", "Department of the participant", "compare-spend-department")

st.subheader("Budget frontier")
frontiers = load_frontiers(common.workspace())
if not frontiers:
    st.caption("No sweep saved in this workspace yet. To draw the frontier (coverage and cost against the budget), run "
               f"`planner sweep scenarios/baseline.yaml --budget 0:200000:11 --workspace {common.workspace()}`.")
else:
    stem = st.selectbox("Sweep", list(frontiers), key="compare-frontier", format_func=lambda s: s.replace("--", " over "))
    frontier = frontiers[stem].sort_values("value")
    parameter = str(frontier["parameter"].iloc[0])
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_scatter(x=frontier["value"], y=frontier["coverage"] * 100, name="Coverage", mode="lines+markers",
                    line_color="#1d5fa7", secondary_y=False)
    fig.add_scatter(x=frontier["value"], y=frontier["total_cost"], name="Total cost", mode="lines+markers",
                    line_color="#b3261e", secondary_y=True)
    if parameter == "budget.total" and comparison is not None:
        at_budget: dict[float, list[str]] = {}
        for label, plan in zip(comparison.plans, plans):
            at_budget.setdefault(plan.meta.budget_total, []).append(label)
        for budget, together in at_budget.items():
            fig.add_vline(x=budget, line_dash="dot", line_color="#7b8794", annotation_text=", ".join(together),
                          annotation_position="top")
    setting = support.frontier_axis(parameter).split(" (")[0]
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=50, b=10), title=f"Coverage and total cost against {setting}",
                      legend=dict(orientation="h", y=-0.2))
    fig.update_xaxes(title=support.frontier_axis(parameter), tickformat=",.0f" if parameter.startswith("budget.") else None)
    fig.update_yaxes(title="Coverage (% of critical roles)", range=[0, 105], secondary_y=False)
    fig.update_yaxes(title=f"Total cost ({support.MONEY})", tickformat=",.0f", rangemode="tozero", showgrid=False,
                     tickmode="auto", nticks=6,
                     secondary_y=True)
    st.plotly_chart(fig, key="compare-frontier-chart")
    st.caption("Where the coverage curve flattens, more budget stops buying ready successors.")
