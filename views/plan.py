"""Plan: KPIs, every critical role's slate with readiness, the 9-box of candidates, each successor's
development as a timeline, spend against the budget, and the roles left to external hiring."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from planner import app_support as support
from views import common

st.title("Plan")
name = common.plan_picker("plan-pick")
plan = common.load_plan(name)
org = common.plan_org(plan)
meta, k = plan.meta, plan.kpis
end = support.quarter_label(meta.start, meta.horizon_quarters - 1)
st.caption(f"Scenario **{meta.scenario}** · {meta.start} – {end} · made {meta.created[:16].replace('T', ' ')} UTC · "
           f"amounts in {support.MONEY}")

if not plan.has_solution:
    st.error(f"This plan has no solution ({k.status}): {meta.message}")
    st.stop()

row1 = st.columns(4)
row1[0].metric("Coverage", f"{k.coverage:.0%}", border=True,
               help="Critical roles whose first successor is ready when the role falls vacant.")
row1[1].metric("Covered roles", f"{k.covered_roles} of {k.critical_roles}", border=True)
row1[2].metric("Training spend", common.money(k.training_cost), border=True,
               delta=f"{k.budget_used_share:.0%} of the {common.money(meta.budget_total)} budget", delta_color="off",
               delta_arrow="off")
row1[3].metric("External-hire cost", common.money(k.external_hire_cost), border=True,
               help="What filling the uncovered critical roles from outside costs.")
row2 = st.columns(4)
row2[0].metric("Total cost", common.money(k.total_cost), border=True, help="Training spend + external-hire cost.")
row2[1].metric("Bench strength", f"{k.bench_strength:.2f}", border=True,
               help="Successors ready when needed, per critical role.")
row2[2].metric("Ready now", f"{k.ready_now} of {k.successors}", border=True, help="Slate entries ready today.")
row2[3].metric("Solver status", k.status.title(), border=True,
               delta="proven cheapest" if k.status == "OPTIMAL" else f"money gap {k.gap:.1%}", delta_color="off",
               delta_arrow="off", help="Optimal: no plan costs less. Feasible: the best plan found, within the money gap.")

slates = support.slate_table(plan, org)
thin = support.thin_benches(slates)
tabs = st.tabs(["Slates", "9-box", "Development plans", "Spend", "Uncovered roles"])

with tabs[0]:
    if len(thin):
        st.warning(f"**Thin bench:** {len(thin)} of {k.critical_roles} critical roles have fewer than "
                   f"{support.THIN_BENCH} successors ready when needed.", icon=":material/warning:")
    left, right = st.columns([3, 1])
    departments = left.multiselect("Departments", sorted(slates["Department"].unique()), key="plan-departments",
                                   placeholder="All departments")
    only_thin = right.toggle("Only thin benches", key="plan-thin")
    shown = slates
    if departments:
        shown = shown[shown["Department"].isin(departments)]
    if only_thin:
        shown = shown[shown["Role ID"].isin(thin["Role ID"])]
    st.dataframe(
        common.readiness_styler(shown), hide_index=True, width="stretch", key="plan-slates",
        height=min(38 + 35 * len(shown), 640),
        column_order=["Role", "Needed by", "Rank", "Successor", "Readiness", "Ready by", "Ready when needed",
                      "Current role", "Department", "Role ID", "Employee ID"],
        column_config={
            "Rank": st.column_config.NumberColumn(width="small"),
            "Ready when needed": st.column_config.CheckboxColumn(help="Ready by the quarter the role is needed."),
            "Needed by": st.column_config.TextColumn(help="The quarter the role falls vacant."),
            "Ready by": st.column_config.TextColumn(help="First quarter the successor meets every requirement."),
        },
    )
    st.caption("Readiness: ready now, within 1 year, within 2 years, later in the horizon, or not in the horizon. "
               "Needed by: the quarter the role falls vacant; *(backfill)* when that is earlier because its incumbent "
               "moves up as another role's first successor.")

with tabs[1]:
    box = support.nine_box_frame(plan, org)
    fig = go.Figure()
    for label, colour in support.READINESS_COLOURS.items():
        part = box[box["readiness"] == label]
        if len(part):
            fig.add_scatter(
                x=part["x"], y=part["y"], mode="markers", name=label,
                marker=dict(size=11, color=colour, line=dict(width=1, color="white")),
                customdata=part[["name", "current_role", "performance", "potential", "slates", "flight_risk"]],
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>Performance %{customdata[2]}, "
                              "potential %{customdata[3]}, flight risk %{customdata[5]:.0%}<br>"
                              "On: %{customdata[4]}<extra></extra>",
            )
    names = [["Enigma", "Growth employee", "Future star"], ["Inconsistent", "Core player", "High performer"],
             ["Talent risk", "Effective", "Trusted professional"]]
    edges_x, edges_y = [0.5, 2.5, 3.5, 5.5], [0.5, 1.5, 2.5, 3.5]
    for row, y in enumerate([2, 1, 0]):
        for col in range(3):
            fig.add_annotation(x=edges_x[col] + 0.05, y=edges_y[y + 1] - 0.05, text=names[row][col], showarrow=False,
                               xanchor="left", yanchor="top", font=dict(size=11, color="#7b8794"))
    for x in edges_x[1:-1]:
        fig.add_vline(x=x, line_color="#cbd2d9")
    for y in edges_y[1:-1]:
        fig.add_hline(y=y, line_color="#cbd2d9")
    fig.update_layout(height=520, margin=dict(l=10, r=10, t=40, b=10), legend_title_text="Best readiness",
                      title=f"9-box of the {len(box)} slate candidates")
    fig.update_xaxes(title="Performance rating (1 = low, 5 = high)", range=[0.5, 5.5], tickvals=[1, 2, 3, 4, 5],
                     showgrid=False, zeroline=False)
    fig.update_yaxes(title="Potential rating (1 = low, 3 = high)", range=[0.5, 3.5], tickvals=[1, 2, 3],
                     showgrid=False, zeroline=False)
    st.plotly_chart(fig, key="plan-ninebox")
    st.caption("Each dot is one person on at least one slate (positions jittered within their rating); "
               "colour is their best readiness across their slates.")

with tabs[2]:
    people = support.successors(plan, org)
    labels = {r.employee_id: f"{r.name} ({r.employee_id}) · {r.interventions} intervention{'s' * (r.interventions != 1)}"
              for r in people.itertuples()}
    who = st.selectbox("Successor", list(labels), format_func=labels.get, key="plan-successor",
                       help="Successors with the most development first.")
    bars, marks = support.gantt_frame(plan, org, who)
    if len(bars):
        fig = px.timeline(bars, x_start="Start", x_end="Finish", y="Intervention", color="Kind",
                          hover_data={"Quarters": True, "Cost": ":,.0f", "Prepares for": True, "Start": False,
                                      "Finish": False, "Kind": False, "Intervention": False})
    else:
        fig = go.Figure()
    colours = {"ready": "#1b7f3b", "needed": "#b3261e"}
    symbols = {"ready": "diamond", "needed": "triangle-down"}
    for kind, title in (("ready", "Ready for the role"), ("needed", "Role needed by")):
        part = marks[marks["Kind"] == kind]
        if len(part):
            fig.add_scatter(x=part["Date"], y=part["Row"], mode="markers", name=title,
                            marker=dict(size=14, symbol=symbols[kind], color=colours[kind],
                                        line=dict(width=1, color="white")),
                            customdata=part[["Milestone", "Label"]],
                            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>")
    first, last = support.quarter_start(meta.start), support.quarter_start(
        support.quarter_label(meta.start, meta.horizon_quarters))
    rows = len(bars) + marks["Row"].nunique()
    fig.update_layout(height=150 + 42 * rows, margin=dict(l=10, r=10, t=40, b=10),
                      title=f"Development plan of {labels[who].split(' (')[0]}", legend_title_text="")
    fig.update_xaxes(title="Calendar quarter", range=[first, last], dtick="M3", tickformat="Q%q<br>%Y",
                     showgrid=True)
    fig.update_yaxes(title="Intervention / milestone", autorange="reversed")
    st.plotly_chart(fig, key="plan-gantt")
    if len(bars):
        st.dataframe(bars[["Intervention", "Kind", "Quarters", "Cost", "Prepares for"]], hide_index=True,
                     width="stretch",
                     column_config={"Cost": st.column_config.NumberColumn(f"Cost ({support.MONEY})", format="localized")})
    else:
        st.info("No development planned for this person: the plan keeps them on their slate(s) as they are.")

with tabs[3]:
    spend = support.spend_frame(plan)
    cap = (meta.scenario_settings.get("budget") or {}).get("per_quarter")
    fig = go.Figure()
    fig.add_bar(x=spend["label"], y=spend["spend"], name="Spend started in the quarter", marker_color="#1d5fa7")
    fig.add_scatter(x=spend["label"], y=spend["cumulative"], name="Cumulative spend", mode="lines+markers",
                    line_color="#e06c00")
    fig.add_scatter(x=spend["label"], y=[meta.budget_total] * len(spend), name="Total budget", mode="lines",
                    line=dict(color="#b3261e", dash="dash"))
    if cap is not None:
        fig.add_scatter(x=spend["label"], y=[cap] * len(spend), name="Per-quarter cap", mode="lines",
                        line=dict(color="#7b8794", dash="dot"))
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=40, b=10), title="Training spend by quarter against the budget",
                      legend=dict(orientation="h", y=-0.2))
    fig.update_xaxes(title="Quarter (calendar)")
    fig.update_yaxes(title=f"Spend ({support.MONEY})", tickformat=",.0f", rangemode="tozero")
    st.plotly_chart(fig, key="plan-spend")
    st.caption(f"Each intervention's cost is paid in the quarter it starts. {common.money(k.training_cost)} of "
               f"{common.money(meta.budget_total)} {support.MONEY} used.")

with tabs[4]:
    uncovered = support.uncovered_roles(plan, org)
    cost_col = f"External-hire cost ({support.MONEY})"
    if uncovered.empty:
        st.success("Every critical role has a first successor ready when it is needed.")
    else:
        st.markdown(f"**{len(uncovered)} critical role{'s' * (len(uncovered) != 1)}** would be filled from outside, "
                    f"at **{common.money(uncovered[cost_col].sum())}** {support.MONEY} in external-hire cost.")
        st.dataframe(common.readiness_styler(uncovered), hide_index=True, width="stretch", key="plan-uncovered",
                     column_config={cost_col: st.column_config.NumberColumn(format="localized")})
        fig = px.bar(uncovered, x=cost_col, y="Role", orientation="h", color_discrete_sequence=["#b3261e"])
        fig.update_layout(height=120 + 32 * len(uncovered), margin=dict(l=10, r=10, t=40, b=10),
                          title="External-hire cost of the uncovered roles")
        fig.update_xaxes(title=cost_col, tickformat=",.0f")
        fig.update_yaxes(title="Critical role", autorange="reversed")
        st.plotly_chart(fig, key="plan-uncovered-chart")

st.page_link(common.PAGES["export"], label="Export this plan (Excel, CSV, Parquet, leadership summary)",
             icon=":material/download:")
