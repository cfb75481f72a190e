"""Commands that solve and check: solve, sweep, check, validate."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.live import Live
from rich.markup import escape
from rich.table import Table

import planner
from planner import InputError
from planner.cli.common import (EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_INFEASIBLE, EXIT_NO_PLAN, FORCE, WORKSPACE, Format,
                                Method, app, console, err, fail, fail_input, find_plan, open_store, output_file, output_folder,
                                print_issues, with_solver, writing)
from planner.cli.render import money, progress_table, render, summary

WRITE_RESERVE = 0.3  # seconds kept for checking, saving and writing the plan after the solve


def _wait(run: planner.SolveRun, live: bool) -> planner.Outcome:
    """Wait for the run (with a live progress table on a terminal); exit with the outcome's code
    unless it saved a checked plan."""
    if not live:
        run.wait()
    else:
        with Live(progress_table(None, 0), console=console, refresh_per_second=4, transient=True) as display:
            while not run.wait(0.25):
                display.update(progress_table(run.latest, run.elapsed))
    outcome = run.outcome
    if outcome.state == "failed":
        if isinstance(outcome.error, InputError):
            fail_input(outcome.error)
        if isinstance(outcome.error, planner.StoreError):  # the plan folder may be written; the store refused it
            fail(f"{outcome.error}; the plan was not saved in the workspace")
        if isinstance(outcome.error, OSError):  # the plan folder could not be written: nothing was saved
            err.print(f"[red]cannot write the plan: {escape(str(outcome.error))}[/red]; nothing was saved.")
            raise typer.Exit(EXIT_BAD_INPUT)
        raise outcome.error
    if outcome.state == "no_plan":
        err.print(f"[red]{outcome.plan.kpis.status}[/red]: {escape(outcome.plan.meta.message)}. No plan was written.")
        raise typer.Exit(EXIT_INFEASIBLE if outcome.plan.kpis.status == "INFEASIBLE" else EXIT_NO_PLAN)
    if outcome.state == "rejected":
        for line in [str(v) for v in outcome.report.violations] + outcome.report.mismatches:
            err.print(f"[red]check failed[/red] {escape(line)}")
        raise typer.Exit(EXIT_CHECK_FAILED)
    return outcome


@app.command()
def solve(
    scenario_file: Path = typer.Argument(..., help="Scenario YAML, e.g. scenarios/baseline.yaml."),
    out: Optional[Path] = typer.Option(None, "--out", help="Plan folder to write (default with --no-save: plans/<scenario name>). "
                                       "Replaces only an empty folder or a previous plan, unless --force."),
    force: bool = FORCE,
    fmt: Format = typer.Option(Format.csv, "--format", help="Table format of the plan."),
    time_limit: Optional[float] = typer.Option(None, help="Override solver.time_limit_seconds."),
    workers: Optional[int] = typer.Option(None, help="Override solver.num_workers."),
    seed: Optional[int] = typer.Option(None, help="Override solver.random_seed."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No live progress display."),
    baseline: Optional[str] = typer.Option(None, "--baseline", help="Re-plan against this plan (folder or saved name), changing as few decisions as it must."),
    workspace: Path = WORKSPACE,
    name: Optional[str] = typer.Option(None, "--name", help="Name of the plan in the workspace (default: scenario + time)."),
    save: bool = typer.Option(True, "--save/--no-save", help="Save the plan in the workspace's plan store."),
    method: Method = typer.Option(Method.cp_sat, "--method", help="cp-sat: optimise (starts from greedy, never worse); greedy: the readiness-ranking baseline HR systems use."),
) -> None:
    """Solve a scenario: choose successors, schedule their development, save and write the plan."""
    began = time.monotonic()  # solver.time_limit_seconds counts from here to the written plan
    try:
        org, scenario = planner.load(scenario_file)
        if name is not None:
            planner.check_name(name, "plan name")
        base_plan = find_plan(baseline, workspace) if baseline else None
    except InputError as exc:
        fail_input(exc)
    except (ValueError, KeyError, FileNotFoundError) as exc:
        fail(str(exc))
    scenario = with_solver(scenario, time_limit_seconds=time_limit, num_workers=workers, random_seed=seed)

    out = out or (Path("plans") / scenario.name if not save else None)
    if out is not None:
        output_folder(out, "plan", [scenario_file, scenario.dataset, workspace,
                                    baseline if baseline and Path(baseline).is_dir() else None], force)
    if save:  # a catalogue that cannot be read stops the solve before it runs, not after
        listing = open_store(workspace).list()
        replaced = listing[listing["name"] == name] if name is not None else listing.iloc[0:0]
        for r in replaced.itertuples(index=False):
            console.print(f"replacing the saved plan {escape(name)} (scenario {escape(r.scenario)}, created {r.created})")
    to = planner.Destination(workspace=workspace if save else None, name=name, overwrite=name is not None, out=out,
                             fmt=fmt.value, force=force)
    deadline = began + scenario.solver.time_limit_seconds - WRITE_RESERVE
    run = planner.SolveRun(scenario, org, to, scenario_file=str(scenario_file), baseline=base_plan, baseline_name=baseline,
                           method=method.value, deadline=deadline).start()
    outcome = _wait(run, live=not quiet and console.is_terminal)
    plan = outcome.plan
    console.print(summary(plan, scenario))
    if outcome.saved_name is not None:
        console.print(f"Saved in the workspace as [bold]{outcome.saved_name}[/bold] ({escape(str(workspace))}).")
    if outcome.written_to is not None:
        console.print(f"Plan written to [bold]{escape(str(outcome.written_to))}[/bold].")
    console.print("Checked: every hard rule holds.")
    if base_plan is not None:
        diff = planner.compare([base_plan, plan], labels=[baseline, "re-plan"])
        console.print(f"{plan.kpis.decisions_changed} decision(s) changed against the baseline '{baseline}':")
        for table in render(diff)[1:3]:
            console.print(table)


@app.command()
def sweep(
    scenario_file: Path = typer.Argument(..., help="Scenario YAML."),
    budget: Optional[str] = typer.Option(None, "--budget", help="Budgets to solve at: start:stop:count (0:500000:11) or a,b,c."),
    param: Optional[str] = typer.Option(None, "--param", help="Any numeric setting: PATH=start:stop:count, e.g. weights.external_hire=0.5:1.5:5."),
    workers: int = typer.Option(2, "--workers", help="Local processes solving in parallel (1 = in this process)."),
    dask: Optional[str] = typer.Option(None, "--dask", help="Dask scheduler address (tcp://host:port): solve the points on that cluster."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write the frontier to this CSV file (a new file, unless --force)."),
    force: bool = FORCE,
    workspace: Path = WORKSPACE,
    time_limit: Optional[float] = typer.Option(None, help="Override solver.time_limit_seconds for every point."),
) -> None:
    """Solve a scenario at each value of a setting and show the frontier (coverage and cost against it)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if (budget is None) == (param is None):
        err.print("[red]give exactly one of --budget or --param[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        path, spec = ("budget.total", budget) if budget is not None else param.split("=", 1)
        values = planner.parse_range(spec)
        org, scenario = planner.load(scenario_file)
    except InputError as exc:
        fail_input(exc)
    except ValueError as exc:
        fail(str(exc))
    if out is not None:
        output_file(out, [scenario_file, scenario.dataset, workspace], force)
    scenario = with_solver(scenario, time_limit_seconds=time_limit)
    with Progress(TextColumn("sweeping {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task(path, total=len(values))
        try:
            frontier = planner.sweep(scenario, org, path, values, workers=workers, address=dask,
                                     on_point=lambda row: bar.advance(task))
        except ValueError as exc:
            fail(str(exc))
    table = Table(title=f"Frontier of '{scenario.name}' over {path}")
    for col in ("value", "status", "covered", "coverage", "training", "external hire", "total cost", "bench"):
        table.add_column(col, justify="right")
    for r in frontier.itertuples(index=False):
        table.add_row(f"{r.value:,.6g}", r.status, f"{r.covered_roles}/{r.critical_roles}", f"{r.coverage:.0%}",
                      money(r.training_cost), money(r.external_hire_cost), money(r.total_cost), f"{r.bench_strength:.2f}")
    console.print(table)
    saved = planner.save_frontier(workspace, scenario.name, path, frontier)
    console.print(f"Frontier saved to {escape(str(saved))}.")
    if out:
        with writing(out):
            planner.write_table(frontier, out, "csv")
        console.print(f"Frontier written to {escape(str(out))}.")


@app.command()
def check(
    data_or_scenario: Path = typer.Argument(..., help="The dataset folder/workbook or the scenario file the plan was made from."),
    plan_dir: Path = typer.Argument(..., help="Plan folder written by 'planner solve'."),
    any_inputs: bool = typer.Option(False, "--any-inputs", help="Check the plan even if it was not made from these "
                                    "inputs (its recorded fingerprint differs)."),
) -> None:
    """Re-check a plan against every hard rule and recompute its KPIs, without the solver.

    The plan must have been made from these inputs: the tables and the scenario's problem settings
    (everything but its name, description, dataset path and solver settings) must give the
    fingerprint the plan records, so an edited plan.json cannot pass with the settings it brings
    along. A mismatch fails the check (exit 1) unless ``--any-inputs``."""
    try:
        plan = planner.read_plan(plan_dir)
    except (FileNotFoundError, ValueError) as exc:
        err.print(f"[red]cannot read plan:[/red] {exc}")
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        if data_or_scenario.suffix.lower() in (".yaml", ".yml"):
            org, scenario = planner.load(data_or_scenario)
        else:
            scenario = planner.recorded_scenario(plan.meta.scenario_settings, f"plan {plan_dir}", dataset=str(data_or_scenario))
            org = planner.scenario_organisation(scenario, planner.load_dataset(data_or_scenario))
    except InputError as exc:
        fail_input(exc)
    if not any_inputs and planner.input_fingerprint(org, scenario) != plan.meta.input_fingerprint:
        console.print(f"[red]Plan check failed:[/red] the plan was not made from these inputs: {escape(str(data_or_scenario))} "
                      "and the scenario settings give another fingerprint than the plan records (the data or the "
                      "problem settings changed since the solve, or plan.json was edited). Pass --any-inputs to check "
                      "it against them anyway.")
        raise typer.Exit(EXIT_CHECK_FAILED)
    report = planner.check(org, scenario, plan)
    for v in report.violations:
        console.print(f"[red]violation[/red] {escape(str(v))}")
    for m in report.mismatches:
        console.print(f"[red]mismatch[/red] {escape(str(m))}")
    if not report.ok:
        console.print(f"[red]Plan check failed:[/red] {len(report.violations)} violation(s), {len(report.mismatches)} mismatch(es).")
        raise typer.Exit(EXIT_CHECK_FAILED)
    console.print(f"[green]Plan OK[/green]: every hard rule holds; covered {report.kpis['covered_roles']}/"
                  f"{report.kpis['critical_roles']} critical roles, training spend {money(report.kpis['training_cost'])}.")


@app.command()
def validate(path: Path = typer.Argument(..., help="A dataset folder, an .xlsx workbook, or a scenario YAML.")) -> None:
    """Check input data (and a scenario) and list every problem with its file, row and column."""
    issues = planner.validate(path)
    print_issues(issues)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        err.print(f"[red]{len(errors)} error(s)[/red], {len(issues) - len(errors)} warning(s).")
        raise typer.Exit(EXIT_BAD_INPUT)
    console.print(f"[green]Valid[/green] ({len(issues)} warning(s)).")
