"""Commands about saved plans: plans list / show / delete, compare, explain, simulate."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

import planner
from planner.cli.common import (EXIT_BAD_INPUT, FORCE, WORKSPACE, app, console, err, fail, fail_input, find_plan, open_store,
                                output_file, output_folder, plan_inputs, writing)
from planner import InputError
from planner.cli.render import composition_table, money, render, summary, workforce_gaps, workforce_summary


plans_app = typer.Typer(help="List, show, delete and recover the plans saved in a workspace.", no_args_is_help=True)
app.add_typer(plans_app, name="plans")


@plans_app.command("list")
def plans_list(workspace: Path = WORKSPACE) -> None:
    """List saved plans, newest first."""
    try:
        listing = open_store(workspace).list()
    except planner.StoreError as exc:
        fail(str(exc))
    table = Table(title=f"Plans in {workspace}")
    for col in ("name", "scenario", "created", "status", "covered", "training", "total cost", "gap"):
        table.add_column(col)
    for r in listing.itertuples(index=False):
        table.add_row(escape(r.name), escape(r.scenario), r.created, r.status, f"{r.covered_roles}/{r.critical_roles}",
                      money(r.training_cost), money(r.total_cost), "-" if pd.isna(r.gap) else f"{r.gap:.2%}")
    console.print(table)


@plans_app.command("show")
def plans_show(name: str, workspace: Path = WORKSPACE) -> None:
    """Show one saved plan: its KPIs (and its workforce plan's, if it has one) and slates."""
    try:
        plan = open_store(workspace).load(name)
    except KeyError as exc:
        fail(exc.args[0])
    except (planner.StoreError, FileNotFoundError) as exc:
        fail(str(exc))
    try:
        scenario = planner.recorded_scenario(plan.meta.scenario_settings, f"plan {name}")
    except InputError as exc:
        fail_input(exc)
    console.print(summary(plan, scenario))
    if plan.workforce is not None:
        console.print(workforce_summary(plan.workforce, scenario))
        console.print(workforce_gaps(plan.workforce))
    else:
        console.print("No workforce plan (planner workforce makes one).")
    table = Table(title="Slates")
    for col in ("role", "rank", "successor", "ready", "readiness"):
        table.add_column(col)
    for s in plan.slates:
        table.add_row(s.role_id, str(s.rank), s.employee_id, s.ready_label or "-", s.readiness)
    console.print(table)


@plans_app.command("delete")
def plans_delete(name: str, workspace: Path = WORKSPACE) -> None:
    """Delete a saved plan."""
    try:
        open_store(workspace).delete(name)
    except KeyError as exc:
        fail(exc.args[0])
    except planner.StoreError as exc:
        fail(str(exc))
    console.print(f"Deleted {escape(name)}.")


@plans_app.command("recover")
def plans_recover(workspace: Path = WORKSPACE) -> None:
    """Remove what saves and deletes killed midway left behind: plan folders no catalogue row points to
    (a save is committed by its row, so such a folder was never saved) and the trash. Saved plans are
    never touched."""
    try:
        removed = open_store(workspace).recover()
    except planner.StoreError as exc:
        fail(str(exc))
    for path in removed:
        console.print(f"removed {escape(path)}")
    console.print(f"Recovered {escape(str(workspace))}: {len(removed)} leftover(s) removed." if removed
                  else f"Nothing to recover in {escape(str(workspace))}.")


@app.command()
def compare(
    plans: list[str] = typer.Argument(..., help="Two or more plans: folders or names saved in the workspace. The first is the reference."),
    workspace: Path = WORKSPACE,
    csv: Optional[Path] = typer.Option(None, "--csv", help="Also write the comparison tables as CSV into this folder "
                                       "(replacing only an empty folder or an earlier comparison, unless --force)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the comparison as JSON to this file (a new "
                                            "file, unless --force)."),
    force: bool = FORCE,
) -> None:
    """Compare plans side by side: KPI deltas (with the workforce plans' when they have one), slate changes,
    learning changes, spend by quarter and department."""
    if len(plans) < 2:
        err.print("[red]give at least two plans to compare[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    read = [workspace, *(p for p in plans if Path(p).is_dir())]
    if csv:
        output_folder(csv, "comparison", read, force)
    if json_out:
        output_file(json_out, read, force)
    try:
        loaded = [find_plan(p, workspace) for p in plans]
    except (KeyError, FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    diff = planner.compare(loaded, labels=plans)
    for table in render(diff):
        console.print(table)
    try:
        composition = planner.plans_composition(loaded, labels=plans)
    except InputError as exc:
        console.print(f"Slate composition not shown: {escape(str(exc.issues[0]))}")
    else:
        if composition is not None:
            console.print(composition_table(composition, "Slate entries by the fairness attribute, all slates (under 5: <5)"))
    if csv:
        with writing(csv):
            diff.write_csv(csv, force=force)
        console.print(f"Comparison tables written to {escape(str(csv))}.")
    if json_out:
        with writing(json_out):
            planner.write_text_atomically(json_out, diff.to_json())
        console.print(f"Comparison written to {escape(str(json_out))}.")


@app.command()
def explain(
    plan_ref: str = typer.Argument(..., help="A plan folder or a name saved in the workspace."),
    workspace: Path = WORKSPACE,
    role: Optional[str] = typer.Option(None, "--role", help="Only this role's slate."),
    uncovered: bool = typer.Option(False, "--uncovered", help="Also compute why each uncovered role is uncovered (re-solves: minutes)."),
    money: bool = typer.Option(False, "--money", help="Also the marginal value of 10/25/50% more budget (re-solves)."),
    time_limit: Optional[float] = typer.Option(None, help="Time limit of each re-solve."),
) -> None:
    """Why each successor, and (with --uncovered, --money) why roles are uncovered and what more budget buys."""
    plan, org, scenario = plan_inputs(plan_ref, workspace)
    for item in planner.explain_slates(org, scenario, plan):
        if role is None or item.role_id == role:
            console.print(escape(item.summary), soft_wrap=True)
    if uncovered:
        with console.status("Re-solving to check why roles are uncovered..."):
            reasons = planner.explain_uncovered(org, scenario, plan, time_limit_seconds=time_limit)
        for reason in reasons:
            console.print(f"[bold]{reason.role_id}[/bold] {reason.reason}: {escape(reason.message)}", soft_wrap=True)
    if money:
        with console.status("Re-solving with more budget..."):
            table = planner.marginal_value_of_money(org, scenario, plan, time_limit_seconds=time_limit)
        out = Table(title="Marginal value of money")
        for col in ("extra budget", "covered", "extra roles", "total cost change"):
            out.add_column(col, justify="right")
        for r in table.itertuples(index=False):
            out.add_row(money(r.extra_budget), str(r.covered_roles), f"{r.extra_roles_covered:+d}", money(r.total_cost_change))
        console.print(out)


@app.command()
def simulate(
    plan_ref: str = typer.Argument(..., help="A plan folder or a name saved in the workspace."),
    workspace: Path = WORKSPACE,
    draws: int = typer.Option(10_000, "--draws", min=1, help="Monte Carlo draws."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write per-role coverage probabilities to this CSV "
                                       "(a new file, unless --force)."),
    force: bool = FORCE,
) -> None:
    """Monte Carlo attrition: how many roles stay covered when people leave, and the training spend wasted."""
    plan, org, scenario = plan_inputs(plan_ref, workspace)
    if out:
        output_file(out, [workspace, plan_ref if Path(plan_ref).is_dir() else None, scenario.dataset], force)
    result = planner.simulate_attrition(org, scenario, plan, draws=draws, seed=seed)
    s = result.summary
    table = Table(title=f"Attrition over {draws:,} draws (seed {seed})", show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in [
        ("roles covered if nobody leaves", f"{s.planned_covered_roles} / {s.critical_roles}"),
        ("expected covered (exact / simulated)", f"{s.expected_covered_exact:.2f} / {s.covered_mean:.2f}"),
        ("covered roles: 5th / 50th / 95th percentile", f"{s.covered_p5:.0f} / {s.covered_p50:.0f} / {s.covered_p95:.0f}"),
        ("wasted training spend: expected / 95th percentile", f"{money(s.expected_wasted_exact)} / {money(s.wasted_p95)}"),
        ("draws with some wasted spend", f"{s.p_any_waste:.0%}"),
    ]:
        table.add_row(name, value)
    console.print(table)
    probabilities = planner.coverage_probability(org, scenario, plan)
    risky = probabilities.sort_values("p_covered").head(8)
    worst = Table(title="Roles most at risk")
    for col in ("role", "P(covered)", "P(first choice covers)", "incumbent risk of loss"):
        worst.add_column(col, justify="right")
    for r in risky.itertuples(index=False):
        worst.add_row(r.role_id, f"{r.p_covered:.0%}", f"{r.p_first_covers:.0%}", f"{r.risk_of_loss:.0%}")
    console.print(worst)
    if out:
        with writing(out):
            planner.write_table(probabilities, out, "csv")
        console.print(f"Per-role probabilities written to {escape(str(out))}.")
