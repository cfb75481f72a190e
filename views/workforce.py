"""Workforce: plan the workforce of a scenario joined to one of its succession plans (checked, then saved
with it), and see a saved workforce plan: supply against demand, the gap by category and quarter, the
hiring plan, the moves, the cost by quarter, KPIs, two plans side by side and the tables to download."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

import planner
from planner import app_support as support
from planner import InputError
from views import common

QUARTER_AXIS = "Quarter (calendar)"
FTE_AXIS = "Headcount (FTE)"
SERIES_COLOURS = {support.SUPPLY: "#1d5fa7", support.DEMAND: "#b3261e"}
PLAN_COLOURS = ["#1d5fa7", "#e06c00"]
COST_COLOURS = ["#9aa0a6", "#1d5fa7", "#6aa84f", "#e0a100", "#b3261e", "#8e6bbf", "#e06c00", "#2a9d8f"]


def supply_chart(long: pd.DataFrame, title: str, by_plan: bool = False) -> alt.Chart:
    """Closing headcount and demand by quarter (FTE); with ``by_plan``, one colour per plan and the
    series told apart by their dashes (solid supply, dashed demand: say so in a caption)."""
    labels = sorted(long["label"].unique())
    series = alt.Scale(domain=list(SERIES_COLOURS), range=[[1, 0], [6, 3]])
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2.5, symbolStrokeColor="#52606d", labelLimit=300)
    plans = sorted(long["plan"].unique()) if by_plan else []
    colour = (alt.Color("plan:N", title="Plan", legend=legend, sort=plans,
                        scale=alt.Scale(domain=plans, range=PLAN_COLOURS[:len(plans)])) if by_plan else
              alt.Color("series:N", title="", legend=legend,
                        scale=alt.Scale(domain=list(SERIES_COLOURS), range=list(SERIES_COLOURS.values()))))
    return (
        alt.Chart(long, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("label:O", sort=labels, title=QUARTER_AXIS),
            y=alt.Y("fte:Q", title=FTE_AXIS, scale=alt.Scale(zero=False), axis=alt.Axis(format=",.0f")),
            color=colour,
            strokeDash=alt.StrokeDash("series:N", title="", scale=series, legend=None if by_plan else legend),
            tooltip=[*([alt.Tooltip("plan:N", title="Plan")] if by_plan else []), alt.Tooltip("label:O", title="Quarter"),
                     alt.Tooltip("series:N", title="Series"), alt.Tooltip("fte:Q", title="FTE", format=",.1f")],
        )
        .properties(height=380)
        .configure_legend(orient="top")
    )


def gap_heatmap(frame: pd.DataFrame) -> alt.Chart:
    """Demand - closing by category and quarter: red short of demand, blue above it, white on it."""
    labels = sorted(frame["label"].unique())
    categories = list(dict.fromkeys(frame["category"]))
    reach = max(float(frame["gap"].abs().max()), 0.5)
    return (
        alt.Chart(frame, title="Gap between demand and headcount by category and quarter")
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("label:O", sort=labels, title=QUARTER_AXIS),
            y=alt.Y("category:N", sort=categories, title="Workforce category (family/grade)",
                    axis=alt.Axis(labelLimit=260, labelOverlap=False)),
            color=alt.Color("gap:Q", title="Gap (FTE)",
                            scale=alt.Scale(scheme="redblue", reverse=True, domain=[-reach, reach])),
            tooltip=[alt.Tooltip("category:N", title="Category"), alt.Tooltip("label:O", title="Quarter"),
                     alt.Tooltip("demand:Q", title="Demand (FTE)", format=",.1f"),
                     alt.Tooltip("closing:Q", title="Closing headcount (FTE)", format=",.1f"),
                     alt.Tooltip("gap:Q", title="Gap (FTE)", format="+,.1f")],
        )
        .properties(height=max(240, 20 * len(categories)))
    )


def cost_chart(long: pd.DataFrame) -> alt.Chart:
    parts = list(dict.fromkeys(long["part"]))
    colours = [COST_COLOURS[list(support.COST_PARTS.values()).index(p)] for p in parts]
    labels = sorted(long["label"].unique())
    return (
        alt.Chart(long, title="Cost of the workforce by quarter")
        .mark_bar()
        .encode(
            x=alt.X("label:O", sort=labels, title=QUARTER_AXIS),
            y=alt.Y("cost:Q", title=f"Cost ({support.MONEY})", stack="zero", axis=alt.Axis(format=",.0f")),
            color=alt.Color("part:N", title="Cost part", sort=parts, scale=alt.Scale(domain=parts, range=colours),
                            legend=alt.Legend(labelLimit=300)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("label:O", title="Quarter"), alt.Tooltip("part:N", title="Part"),
                     alt.Tooltip("cost:Q", title=f"Cost ({support.MONEY})", format=",.0f")],
        )
        .properties(height=380)
        .configure_legend(orient="top")
    )


@st.cache_data(max_entries=8, show_spinner=False)
def workbook(root: str, name: str, folder: str, _tables: dict) -> bytes:
    """The workforce tables as an Excel workbook (about a second to write), once per saved version of a plan."""
    return support.excel_bytes(_tables)


def workforce_label(row) -> str:
    cost = "–" if pd.isna(row["workforce_cost"]) else f"workforce cost {row['workforce_cost']:,.0f}"
    return f"{row['name']}  ·  {row['scenario']}  ·  {str(row['created'])[:16].replace('T', ' ')} UTC  ·  {cost}"


def show_outcome(outcome: support.WorkforceOutcome, scenario_name: str) -> None:
    if outcome.state == "saved":
        k = outcome.plan.workforce.kpis
        st.success(f"Planned the workforce of **{scenario_name}** in {outcome.seconds:.1f} s "
                   f"({'least cost' if k.objective == 'cost' else 'fewest redundancies, then least cost'}, "
                   f"{k.status.lower()}). "
                   + (f"Checked and saved as **{outcome.saved_name}**, a plan of {scenario_name} reusing the succession "
                      f"plan **{outcome.reused}**." if outcome.reused else
                      f"Checked and saved with the succession plan **{outcome.saved_name}**."),
                   icon=":material/check_circle:")
    elif outcome.state == "no_plan":
        st.error(f"No workforce plan: {outcome.message}", icon=":material/error:")
        st.page_link(common.PAGES["scenario"], label="Adjust the scenario", icon=":material/tune:")
    elif outcome.state == "rejected":
        st.error(f"The workforce plan failed the independent check and was not saved: {outcome.message}",
                 icon=":material/error:")
    elif outcome.issues:
        common.show_issues(outcome.issues, "The workforce cannot be planned: ")
    else:
        st.error(f"The workforce could not be planned: {outcome.message}", icon=":material/error:")


st.title("Workforce")
st.caption("Headcount against demand for every category and quarter: the hires, moves between categories and "
           "redundancies that close the gap at least cost, joined to a succession plan. Headcounts in FTE, amounts "
           f"in {support.MONEY}.")
ss = st.session_state

# 1. Plan the workforce of the current scenario, joined to one of its saved succession plans.
listing = common.plans()
fingerprint = None
with st.container(border=True):
    st.markdown("**Plan the workforce** of a scenario, joined to one of its saved succession plans (its successors' "
                "moves, the external hires of its uncovered critical roles and its training spend).")
    path = common.scenario_picker("workforce-scenario")
    try:
        org, scenario = common.load_scenario(str(path))
    except InputError as exc:
        common.show_issues(exc.issues, "This scenario cannot be planned: ")
        st.page_link(common.PAGES["scenario"], label="Open it on the Scenario page", icon=":material/tune:")
        org = scenario = None
    if scenario is not None:
        fingerprint = support.scenario_fingerprint(org, scenario)
        bases = support.succession_plans(listing, fingerprint, scenario.name)
        if not planner.has_workforce(org):
            st.error(f"The data of **{scenario.name}** has no workforce tables, so its workforce cannot be planned. "
                     "A workforce plan needs **workforce_costs** (one row per category: loaded cost, hire cost, ...) and "
                     "uses workforce_demand, workforce_moves and workforce_supply when they are there. The sample "
                     "(the baseline scenario) has them.", icon=":material/error:")
        elif bases.empty:
            st.info(f"No saved succession plan of **{scenario.name}** yet: the workforce plan joins one. Solve the "
                    "scenario first (the plan must be made from this data and these settings).")
            st.page_link(common.PAGES["solve"], label="Go to Solve", icon=":material/play_arrow:")
        else:
            base_labels = {r["name"]: common.plan_label(r) for _, r in bases.iterrows()}
            if ss.get("workforce-base") not in base_labels or ss.get("workforce_base_for") != str(path):
                ss["workforce-base"], ss.workforce_base_for = next(iter(base_labels)), str(path)  # its own, newest
            base = st.selectbox("Succession plan to join", list(base_labels), format_func=base_labels.get,
                                key="workforce-base",
                                help="Saved plans made from this data and these succession settings: this "
                                     "scenario's first, newest first. The workforce plan is saved with this scenario's "
                                     "own plan (replacing its earlier one, if any); a plan of another scenario with the "
                                     "same succession inputs (a workforce what-if of it) is reused in a new plan.")
            if st.button("Plan the workforce", type="primary", icon=":material/groups:", key="workforce-start"):
                with st.spinner(f"Planning the workforce of {scenario.name}…"):
                    outcome = support.plan_and_save(scenario, org, common.workspace(), base, scenario_file=str(path))
                show_outcome(outcome, scenario.name)
                if outcome.state == "saved":
                    ss.workforce_plan_name = ss.plan_name = outcome.saved_name
                    listing = common.plans()

# 2. A saved workforce plan.
plans = support.workforce_plans(common.store(), listing)
if plans.empty:
    st.info("No saved plan has a workforce plan yet: plan the workforce above (the baseline scenario has the "
            "tables it needs).")
    st.stop()
if ss.get("workforce_scenario") != str(path):  # the scenario changed: show its latest workforce plan
    ss.workforce_scenario = str(path)
    ss.workforce_plan_name = None
ss.workforce_plan_name = support.default_workforce_plan(plans, None if scenario is None else scenario.name, fingerprint,
                                                       ss.workforce_plan_name, ss.plan_name)
labels = {r["name"]: workforce_label(r) for _, r in plans.iterrows()}
name = common.synced_selectbox("Workforce plan", list(plans["name"]), "workforce_plan_name", "workforce-pick",
                               format_func=labels.get, help="Saved plans with a workforce part, newest first.")
plan = common.load_plan(name)
workforce = plan.workforce
if workforce is None:
    st.error(f"The plan {name} has no workforce part any more.")
    st.stop()
k, meta = workforce.kpis, plan.meta
end = support.quarter_label(meta.start, meta.horizon_quarters - 1)
st.caption(f"Scenario **{meta.scenario}** · {meta.start} – {end} · "
           f"{'least cost' if k.objective == 'cost' else 'fewest redundancies, then least cost'} · "
           f"solver status {k.status.lower()} · headcounts in FTE, amounts in {support.MONEY}")
if not workforce.has_solution:
    st.error(f"This workforce plan has no solution ({k.status}): {k.message}")
    st.stop()
org = common.plan_org(plan)
fmt = support.format_workforce_kpi

row1 = st.columns(4)
row1[0].metric("Workforce cost", fmt("total_cost", k.total_cost), border=True,
               help="Over the horizon: loaded cost of the headcount, hiring, training, moves, redundancy, over- and "
                    f"understaffing and short time ({support.MONEY}).")
row1[1].metric("External hires (FTE)", fmt("hires", k.hires), border=True,
               help="FTE hired over the horizon, with the hires of uncovered critical roles.")
row1[2].metric("Moves (FTE)", fmt("moves", k.moves), border=True,
               help="FTE moved between categories: promotions, laterals, retraining and downgrades.")
row1[3].metric("Redundancies (FTE)", fmt("redundancies", k.redundancies), border=True)
row2 = st.columns(4)
row2[0].metric("Internal fill rate", fmt("internal_fill_rate", k.internal_fill_rate), border=True,
               help="Internal fills (moves and successors) / all fills (those and external hires).")
row2[1].metric("Time to fill (quarters)", fmt("time_to_fill_quarters", k.time_to_fill_quarters), border=True,
               help="Projected mean quarters from need to fill, FTE-weighted.")
row2[2].metric("High-potential retention", fmt("hipo_retention", k.hipo_retention), border=True,
               help="Expected share of today's high potentials (potential 3) still employed at the horizon's end.")
row2[3].metric("Headcount vs demand", fmt("headcount_vs_demand", k.headcount_vs_demand), border=True,
               help="Closing headcount / demand in the last quarter. Over the whole horizon, "
                    f"{k.understaffed_fte_quarters:,.1f} FTE-quarters of demand are not met.")
if k.notes:
    st.info("**Notes from the planner**\n\n" + "\n".join(f"- {n}" for n in k.notes), icon=":material/info:")

table = workforce.table("workforce_plan")
families = support.category_families(table["category"], org)
choices = support.supply_choices(table, families)
tabs = st.tabs(["Supply and demand", "Hiring plan", "Moves", "Cost", "Compare two plans", "Downloads"])

with tabs[0]:
    if ss.get("workforce-choice") not in choices:
        ss["workforce-choice"] = support.default_choice(table, families)
    choice = st.selectbox("Category or family", list(choices), format_func=choices.get, key="workforce-choice",
                          help="A family sums its categories (grades). The family furthest short of demand is shown first.")
    st.altair_chart(supply_chart(support.supply_frame(table, families, choice),
                                 f"Supply against demand: {choices[choice].split(' · ')[0]}"),
                    key="workforce-supply-chart")
    st.caption("Supply: the headcount at the end of each quarter, after leavers, hires, moves and redundancies. "
               "Demand: the FTE the category needs (with the scenario's changes). Across the workforce, "
               f"{k.understaffed_fte_quarters:,.1f} FTE-quarters of demand are not met over the horizon.")
    matrix = support.gap_matrix(table)
    st.altair_chart(gap_heatmap(support.gap_frame(table)), key="workforce-gap-heatmap")
    short, surplus = support.largest_gaps(matrix)
    worst = []
    if short:
        worst.append(f"the largest shortfall is {short[0]} in {short[1]} ({short[2]:,.1f} FTE)")
    if surplus:
        worst.append(f"the largest surplus is {surplus[0]} in {surplus[1]} ({surplus[2]:,.1f} FTE)")
    st.caption("Gap = demand − closing headcount, in FTE. **Red: short of demand; blue: surplus** (headcount above "
               "demand); white: on demand." + (f" Here {' and '.join(worst)}." if worst else ""))

with tabs[1]:
    hires = support.hiring_table(workforce, org, meta.start)
    cost_col = f"Cost ({support.MONEY})"
    if hires.empty:
        st.caption("No external hires in this plan.")
    else:
        by_reason = hires.groupby("Reason")["FTE"].sum()
        st.markdown(f"**{hires['FTE'].sum():,.1f} FTE** hired over the horizon for **{common.money(hires[cost_col].sum())}** "
                    f"{support.MONEY}: " + ", ".join(f"{fte:,.1f} for {reason}" for reason, fte in by_reason.items()) + ".")
        overdue = int(hires["Overdue"].sum())
        if overdue:
            st.warning(f"{overdue} hire{'s' * (overdue != 1)} should have been decided before the plan starts "
                       f"({meta.start}): start recruiting now.", icon=":material/schedule:")
        st.dataframe(hires, hide_index=True, width="stretch", key="workforce-hires",
                     height=min(38 + 35 * len(hires), 560),
                     column_config={
                         "FTE": st.column_config.NumberColumn(format="%.2f"),
                         cost_col: st.column_config.NumberColumn(format="%,.0f"),
                         "Decide by": st.column_config.TextColumn(help="The quarter the hire must be decided by "
                                                                  "(its start less the category's time to hire)."),
                         "Overdue": st.column_config.CheckboxColumn(help="To be decided before the plan's first quarter."),
                         "Role": st.column_config.TextColumn(width="medium",
                                                             help="The critical role, for the hire of an uncovered one."),
                     })

with tabs[2]:
    moves = support.moves_table(workforce, org, meta.start)
    if moves.empty:
        st.caption("No moves between categories in this plan.")
    else:
        by_kind = moves.groupby("Kind")["FTE"].sum()
        st.markdown(f"**{moves['FTE'].sum():,.1f} FTE** moved between categories: "
                    + ", ".join(f"{fte:,.1f} by {kind}" for kind, fte in by_kind.items()) + ".")
        st.dataframe(moves, hide_index=True, width="stretch", key="workforce-moves",
                     height=min(38 + 35 * len(moves), 560),
                     column_config={"FTE": st.column_config.NumberColumn(format="%.2f"),
                                    f"Cost ({support.MONEY})": st.column_config.NumberColumn(format="%,.0f"),
                                    "Intervention": st.column_config.TextColumn(width="medium"),
                                    "Quarter": st.column_config.TextColumn(help="The quarter the people arrive.")})

with tabs[3]:
    loaded = not st.toggle("Leave out the loaded cost of the headcount", key="workforce-cost-loaded",
                           help="The loaded cost dwarfs the other parts: leave it out to see them.")
    st.altair_chart(cost_chart(support.cost_frame(workforce, loaded=loaded)), key="workforce-cost-chart")
    parts = {f"{label} ({support.MONEY})": getattr(k, kpi) for kpi, (label, kind, _) in support.WORKFORCE_KPIS.items()
             if kind == "money" and kpi != "total_cost"}
    st.caption(f"Over the horizon: {common.money(k.total_cost)} {support.MONEY}, of which "
               + ", ".join(f"{label.split(' (')[0].lower()} {common.money(v)}" for label, v in parts.items() if v) + ".")

with tabs[4]:
    if len(plans) < 2:
        st.info("Plan the workforce of another scenario (for example technology-growth) to compare two plans.")
    else:
        names = list(plans["name"])  # newest first
        by_name = plans.set_index("name")
        others = [n for n in names if n != name]
        partner = next((n for n in others if by_name.at[n, "scenario"] != meta.scenario), others[0])
        older, newer = sorted([name, partner], key=names.index, reverse=True)  # the older one is the reference
        left, right = st.columns(2)
        reference = left.selectbox("Reference plan", names, format_func=labels.get, key="workforce-compare-reference",
                                   index=names.index(older), help="The plan the other is compared with.")
        compared = right.selectbox("Compared with it", names, format_func=labels.get, key="workforce-compare-other",
                                   index=names.index(newer), help="Its deltas are against the reference plan.")
        if reference == compared:
            st.info("Choose two different plans.")
        else:
            pair = [common.load_plan(n) for n in (reference, compared)]
            short_labels = support.plan_labels([reference, compared], [p.meta.scenario for p in pair])
            text, direction = support.workforce_kpi_deltas(pair[0].workforce.kpis, pair[1].workforce.kpis, tuple(short_labels))
            colours = {1: "color: #1b7f3b; font-weight: 600", -1: "color: #b3261e; font-weight: 600", 0: ""}
            st.dataframe(text.style.apply(lambda col: [colours[v] for v in direction[col.name]], axis=0),
                         width="stretch", key="workforce-compare-kpis", height=38 + 35 * len(text))
            st.caption(f"Δ = {short_labels[1]} − {short_labels[0]}. Green: better than the reference; red: worse; "
                       "pp = percentage points.")
            tables = {label: p.workforce.table("workforce_plan") for label, p in zip(short_labels, pair)}
            both = {label: support.category_families(tables[label]["category"], common.plan_org(p))
                    for label, p in zip(short_labels, pair)}
            pair_choices = {}
            for label in short_labels:
                pair_choices.update(support.supply_choices(tables[label], both[label]))
            if ss.get("workforce-compare-choice") not in pair_choices:
                ss["workforce-compare-choice"] = choice if choice in pair_choices else support.WHOLE
            pick = st.selectbox("Category or family", list(pair_choices), format_func=pair_choices.get,
                                key="workforce-compare-choice")
            long = support.compare_supply_frame(tables, both, pick)
            st.altair_chart(supply_chart(long, f"Supply against demand: {pair_choices[pick].split(' · ')[0]}, "
                                               f"{short_labels[0]} and {short_labels[1]}", by_plan=True),
                            key="workforce-compare-chart")
            missing = [label for label in short_labels if label not in set(long["plan"])]
            st.caption("Solid: supply (closing headcount); dashed: demand."
                       + (f" {', '.join(missing)} has no such category or family." if missing else ""))

with tabs[5]:
    downloads = support.workforce_tables(workforce)
    stem = support.file_stem(name)
    st.caption("The workforce plan's tables as the plan folder holds them: CSV (UTF-8, opens in Excel) or one "
               "Excel workbook.")
    st.download_button("Download the workforce plan as an Excel workbook",
                       workbook(str(common.workspace()), name, common.store().path(name).name, downloads),
                       file_name=f"{stem}-workforce.xlsx", type="primary", icon=":material/table_view:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                       key="workforce-xlsx", help="One sheet per table: " + ", ".join(downloads) + ".")
    for table_name, df in downloads.items():
        cols = st.columns([3, 1, 3], vertical_alignment="center")
        cols[0].markdown(f"**{support.TABLE_TITLES[table_name]}** · {len(df):,} row{'s' * (len(df) != 1)}")
        cols[1].download_button("CSV", support.csv_bytes(df), file_name=f"{stem}-{table_name.replace('_', '-')}.csv",
                                mime="text/csv", icon=":material/download:", on_click="ignore",
                                key=f"workforce-csv-{table_name}")
