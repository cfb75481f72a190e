"""Solve: the current scenario on a background thread, with live progress and a stop button that keeps
the best plan so far. The checked plan goes to the workspace's plan store."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from planner import app_support as support
from planner import InputError, SolverConfig, check_name
from views import common

st.title("Solve")
st.caption("Choose successors for every critical role and schedule their development within the training budget.")

run: support.SolveRun | None = st.session_state.get("solve_run")
busy = run is not None and run.running

path = common.scenario_picker("solve-scenario", disabled=busy)
try:
    org, scenario = common.load_scenario(str(path))
except InputError as exc:
    common.show_issues(exc.issues, "This scenario cannot be solved: ")
    st.page_link(common.PAGES["scenario"], label="Open it on the Scenario page", icon=":material/tune:")
    st.stop()

with st.container(border=True):
    st.markdown(f"**{scenario.name}**: {scenario.description or 'no description'}")
    cols = st.columns(5)
    cols[0].metric("Employees", f"{len(org.employees):,}")
    cols[1].metric("Critical roles", f"{len(org.critical_roles):,}", help="Roles that need a succession slate.")
    cols[2].metric("Training budget", common.money(scenario.budget.total), help=f"Over the horizon, in {support.MONEY}.")
    cols[3].metric("Horizon (quarters)", f"{scenario.horizon_quarters}",
                   help=f"{scenario.start} to {scenario.quarter_label(scenario.horizon_quarters - 1)}.")
    overrides = len(scenario.pins) + len(scenario.vetoes) + len(scenario.locks)
    changes = len(scenario.changes) + len(scenario.applied)
    cols[4].metric("Changes & overrides", f"{changes + overrides}",
                   help=f"{changes} what-if change(s) to the data and settings; {overrides} pin(s), veto(es) and "
                        "lock(s) set by leadership.")

with st.expander("Plan name and time limit"):
    name = st.text_input("Plan name", key="solve-name", disabled=busy,
                         placeholder=f"{scenario.name}-<date and time> (automatic)",
                         help="Letters, digits, '-', '_' or '.'; the name the plan is saved under in the workspace.")
    limit = st.number_input("Time limit (s)", min_value=1.0, max_value=3600.0, step=5.0, disabled=busy,
                            value=float(scenario.solver.time_limit_seconds), key="solve-limit",
                            help=SolverConfig.model_fields["time_limit_seconds"].description)

if st.button(f"Solve {scenario.name}", type="primary", icon=":material/play_arrow:", disabled=busy, key="solve-start"):
    name = name.strip() or None
    problem = None
    if name is not None:
        try:
            check_name(name, "plan name")
            if name in set(common.plans()["name"]):
                problem = f"A plan named {name!r} already exists: choose another name."
        except ValueError as exc:
            problem = str(exc)
    if problem:
        st.error(problem)
    else:
        solver = scenario.solver.model_copy(update={"time_limit_seconds": float(limit)})
        run = support.solve_run(scenario.model_copy(update={"solver": solver}), org, common.workspace(),
                                scenario_file=str(path), plan_name=name).start()
        st.session_state.solve_run = run
        st.rerun()


def convergence_chart(progress) -> go.Figure:
    """Best plan and proven bound over time; the axis shows the range where they meet (early bounds far below
    it are cut off)."""
    best = progress["objective"].dropna()
    bounds = progress["bound"].dropna()
    low = min([best.min(), *bounds[bounds >= best.min() - 0.25 * abs(best.min())]])
    pad = 0.05 * max(best.max() - low, abs(best.min()) * 0.01, 1.0)
    fig = go.Figure()
    fig.add_scatter(x=progress["elapsed"], y=progress["objective"], name="Best plan", mode="lines+markers",
                    line_shape="hv", line_color="#1d5fa7")
    fig.add_scatter(x=progress["elapsed"], y=progress["bound"], name="Proven bound", mode="lines+markers",
                    line_shape="hv", line_color="#9aa0a6", line_dash="dot")
    fig.update_layout(height=260, margin=dict(l=10, r=10, t=30, b=10), title="Convergence",
                      xaxis_title="Elapsed time (s)", yaxis_title=f"Objective ({support.MONEY})",
                      legend=dict(orientation="h", y=1.15, x=1, xanchor="right"))
    fig.update_yaxes(range=[low - pad, best.max() + pad], tickformat=",.0f")
    fig.update_xaxes(rangemode="tozero")
    return fig


def live(was_running: bool) -> None:
    """Progress of the current run; polled every half second while it runs."""
    run: support.SolveRun = st.session_state.solve_run
    if was_running and not run.running:
        st.rerun()  # the whole page shows the result
    latest = run.latest
    if run.running:
        st.info(f"Solving **{run.scenario_name}**… the page stays usable; you can leave it and come back.",
                icon=":material/hourglass_top:")
    objective, bound, gap = (None, None, None) if latest is None else (latest.objective, latest.best_bound, latest.gap)
    if not run.running and run.plan is not None and run.plan.has_solution:  # the final figures
        objective, bound, gap = run.plan.kpis.money_cost, run.plan.kpis.best_bound, run.plan.kpis.gap
    cols = st.columns(5)
    cols[0].metric("Best plan so far" if run.running else "Best plan", "–" if objective is None else common.money(objective),
                   help=f"Money cost of the best plan found: training spend and external hires ({support.MONEY}; "
                   "lower is better). Tie-breaks (ready successors, quality, aspiration) are ordered after it.")
    kind = run.plan.kpis.bound_kind if not run.running and run.plan is not None else None
    cols[1].metric("Proven bound", "–" if bound is None else common.money(bound),
                   help="No plan can have a lower money cost than this"
                   + (": from the relaxation over every candidate (large organisations), so the gap is an upper limit."
                      if kind == "lp-relaxation" else "."))
    cols[2].metric("Money gap", "–" if gap is None else f"{gap:.2%}",
                   help="How much more the best plan may cost than the cheapest possible one; 0% = proven optimal.")
    cols[3].metric("Elapsed", f"{run.elapsed:.0f} s")
    cols[4].metric("Plans found", f"{len(run.points)}", help="Each one better than the last.")
    progress = support.progress_frame(run.points, run)
    if len(progress):
        st.plotly_chart(convergence_chart(progress), key="solve-convergence")
    if run.running:
        if run.stop.is_set():
            st.caption("Stopping: the solver keeps its best plan and stops at its next improvement or its time limit.")
        else:
            st.button("Stop and keep the best plan", icon=":material/stop_circle:", key="solve-stop",
                      on_click=run.request_stop, disabled=latest is None,
                      help="Available once a first plan is found.")


def result(run: support.SolveRun) -> None:
    if st.session_state.get("solve_shown") is not run:
        st.session_state.solve_shown = run
        if run.saved_name:
            st.session_state.plan_name = run.saved_name
    if run.state == "saved":
        k = run.plan.kpis
        stopped = " (stopped early; best plan kept)" if run.stop.is_set() and k.status == "FEASIBLE" else ""
        gap = "proven cheapest" if k.status == "OPTIMAL" else f"within {k.gap:.1%} of the cheapest possible"
        st.success(f"Solved **{run.scenario_name}** in {run.elapsed:.0f} s: {gap}{stopped}. "
                   f"Checked and saved as **{run.saved_name}**.", icon=":material/check_circle:")
        cols = st.columns(4)
        cols[0].metric("Coverage", f"{k.coverage:.0%}", help="Critical roles whose first successor is ready in time.")
        cols[1].metric("Covered roles", f"{k.covered_roles} of {k.critical_roles}")
        cols[2].metric("Training spend", common.money(k.training_cost),
                       help=f"Of a budget of {common.money(run.budget)} {support.MONEY}.")
        cols[3].metric("External-hire cost", common.money(k.external_hire_cost),
                       help=f"Uncovered roles filled from outside ({support.MONEY}).")
        left, right, _ = st.columns([1, 1, 3])
        if left.button("Open the plan", type="primary", icon=":material/assignment_ind:", key="solve-open"):
            st.switch_page(common.PAGES["plan"])
        if right.button("Compare plans", icon=":material/compare_arrows:", key="solve-compare"):
            st.switch_page(common.PAGES["compare"])
    elif run.state == "no_plan":
        st.error(f"No plan ({run.plan.kpis.status}): {run.message}.", icon=":material/error:")
        st.page_link(common.PAGES["scenario"], label="Adjust the scenario", icon=":material/tune:")
    elif run.state == "rejected":
        st.error(f"The plan failed the independent check and was not saved: {run.message}", icon=":material/error:")
    elif run.issues:
        common.show_issues(run.issues, "The solve could not start: ")
    else:
        st.error(f"The solve failed: {run.message}", icon=":material/error:")


if run is not None:
    st.subheader(f"Run: {run.scenario_name}")
    st.fragment(live, run_every=0.5 if run.running else None)(run.running)
    if not run.running:
        result(run)

listing = common.plans()
if not listing.empty:
    st.subheader("Saved plans")
    listing = listing.assign(created=pd.to_datetime(listing["created"], utc=True, format="ISO8601"),
                             coverage=listing["coverage"] * 100)
    st.dataframe(
        listing[["name", "scenario", "created", "status", "coverage", "training_cost", "total_cost"]],
        hide_index=True, width="stretch",
        column_config={
            "name": "Plan", "scenario": "Scenario", "status": "Status",
            "created": st.column_config.DatetimeColumn("Created (UTC)", format="YYYY-MM-DD HH:mm"),
            "coverage": st.column_config.NumberColumn("Coverage (%)", format="%.1f"),
            "training_cost": st.column_config.NumberColumn("Training spend", format="localized",
                                                           help=f"In {support.MONEY}."),
            "total_cost": st.column_config.NumberColumn("Total cost", format="localized",
                                                        help=f"Training spend + external-hire cost, in {support.MONEY}."),
        },
    )
