"""Commands that solve and check: solve, workforce, sweep, check, validate."""

from __future__ import annotations

import time
from contextlib import nullcontext
from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.live import Live
from rich.markup import escape
from rich.table import Table

import planner
from planner import InputError
from planner.cli.common import (EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_INFEASIBLE, EXIT_NO_PLAN, FORCE, WORKSPACE, Format,
                                Method, app, console, err, fail, fail_input, find_plan, open_store, output_file, output_folder,
                                print_issues, with_solver, writing)
from planner.cli.render import (changes, composition_table, fairness_table, money, progress_table, summary, workforce_gaps,
                                workforce_summary)

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
    return _settle(run.outcome)


def _settle(outcome: planner.Outcome) -> planner.Outcome:
    """``outcome`` if it saved a checked plan; otherwise say why not and exit with its code."""
    if outcome.state == "failed":
        if isinstance(outcome.error, InputError):
            fail_input(outcome.error)
        if isinstance(outcome.error, planner.StoreError):  # the plan folder may be written; the store refused it
            fail(f"{outcome.error}; the plan was not saved in the workspace")
        if isinstance(outcome.error, OSError):  # the plan folder could not be written: nothing was saved
            err.print(f"[red]cannot write the plan: {escape(str(outcome.error))}[/red]; nothing was saved.")
            raise typer.Exit(EXIT_BAD_INPUT)
        raise outcome.error
    if outcome.state == "no_plan":  # the succession plan has no solution, or else its workforce plan has none
        plan = outcome.plan
        status, part = (plan.workforce.kpis.status, "workforce plan ") if plan.has_solution else (plan.kpis.status, "")
        err.print(f"[red]{part}{status}[/red]: {escape(outcome.message)}. No plan was written.")
        raise typer.Exit(EXIT_INFEASIBLE if status == "INFEASIBLE" else EXIT_NO_PLAN)
    if outcome.state == "rejected":
        for line in [str(v) for v in outcome.report.violations] + outcome.report.mismatches:
            err.print(f"[red]check failed[/red] {escape(line)}")
        raise typer.Exit(EXIT_CHECK_FAILED)
    return outcome


# The options solve and workforce share.
SCENARIO_FILE = typer.Argument(..., help="Scenario YAML, e.g. scenarios/baseline.yaml.")
OUT = typer.Option(None, "--out", help="Plan folder to write (default with --no-save: plans/<scenario name>). "
                   "Replaces only an empty folder or a previous plan, unless --force.")
FORMAT = typer.Option(Format.csv, "--format", help="Table format of the plan.")
TIME_LIMIT = typer.Option(None, help="Override solver.time_limit_seconds.")
WORKERS = typer.Option(None, help="Override solver.num_workers.")
SEED = typer.Option(None, help="Override solver.random_seed.")
QUIET = typer.Option(False, "--quiet", "-q", help="No live progress display.")
BASELINE = typer.Option(None, "--baseline", help="Re-plan against this plan (folder or saved name), changing as few decisions as it must.")
NAME = typer.Option(None, "--name", help="Name of the plan in the workspace (default: scenario + time).")
SAVE = typer.Option(True, "--save/--no-save", help="Save the plan in the workspace's plan store.")
METHOD = typer.Option(Method.cp_sat, "--method", help="cp-sat: optimise (starts from greedy, never worse); greedy: the readiness-ranking baseline HR systems use.")


@app.command()
def solve(
    scenario_file: Path = SCENARIO_FILE,
    out: Optional[Path] = OUT,
    force: bool = FORCE,
    fmt: Format = FORMAT,
    time_limit: Optional[float] = TIME_LIMIT,
    workers: Optional[int] = WORKERS,
    seed: Optional[int] = SEED,
    quiet: bool = QUIET,
    baseline: Optional[str] = BASELINE,
    workspace: Path = WORKSPACE,
    name: Optional[str] = NAME,
    save: bool = SAVE,
    method: Method = METHOD,
) -> None:
    """Solve a scenario: choose successors, schedule their development, save and write the plan."""
    _plan(scenario_file, out, force, fmt, time_limit, workers, seed, quiet, baseline, workspace, name, save, method)


@app.command()
def workforce(
    ctx: typer.Context,
    scenario_file: Path = SCENARIO_FILE,
    out: Optional[Path] = OUT,
    force: bool = FORCE,
    fmt: Format = FORMAT,
    time_limit: Optional[float] = TIME_LIMIT,
    workers: Optional[int] = WORKERS,
    seed: Optional[int] = SEED,
    quiet: bool = QUIET,
    baseline: Optional[str] = BASELINE,
    workspace: Path = WORKSPACE,
    name: Optional[str] = NAME,
    save: bool = SAVE,
    method: Method = METHOD,
    plan_ref: Optional[str] = typer.Option(None, "--plan", help="Plan the workforce around this succession plan (a saved "
                                           "name or a plan folder) instead of solving one; it must have been made from "
                                           "these succession inputs (a workforce what-if may reuse its base's plan). Refuses the options of the succession solve (--baseline, "
                                           "--time-limit, --workers, --seed, --method)."),
    any_inputs: bool = typer.Option(False, "--any-inputs", help="With --plan: use the plan even if it was not made from "
                                    "these succession inputs (its recorded fingerprint differs; workforce settings and "
                                    "changes never count). Both parts are still checked against them, but the plan keeps "
                                    "the succession plan's record of its inputs: check it later with 'planner check "
                                    "SCENARIO PLAN --any-inputs'."),
) -> None:
    """Solve a scenario's succession plan, then its workforce plan: check, save and write both.

    The workforce plan is joined to the succession plan: it hires, moves and makes redundant, per
    category and quarter, what meets demand at least cost around the successors' moves."""
    if plan_ref is None and any_inputs:
        fail("--any-inputs applies to the plan given with --plan")
    if plan_ref is not None:
        solve_options = {"baseline": "--baseline", "time_limit": "--time-limit", "workers": "--workers", "seed": "--seed",
                         "method": "--method"}
        given = [option for param, option in solve_options.items() if ctx.get_parameter_source(param).name != "DEFAULT"]
        if given:
            fail(f"--plan uses a succession plan already made, so there is no succession solve for {', '.join(given)}")
    _plan(scenario_file, out, force, fmt, time_limit, workers, seed, quiet, baseline, workspace, name, save, method,
          workforce=True, plan_ref=plan_ref, any_inputs=any_inputs)


def _plan(scenario_file: Path, out: Optional[Path], force: bool, fmt: Format, time_limit: Optional[float],
          workers: Optional[int], seed: Optional[int], quiet: bool, baseline: Optional[str], workspace: Path,
          name: Optional[str], save: bool, method: Method, workforce: bool = False, plan_ref: Optional[str] = None,
          any_inputs: bool = False) -> None:
    """The solve and workforce commands: the succession plan solved (or, with ``plan_ref``, the one saved
    under that name or in that folder) and, with ``workforce``, the workforce plan joined to it; checked,
    saved and written, then summed up."""
    began = time.monotonic()  # solver.time_limit_seconds counts from here to the written plan
    try:
        org, scenario = planner.load(scenario_file)
        if name is not None:
            planner.check_name(name, "plan name")
        if workforce and not planner.has_workforce(org):  # said before the succession solve, not after it
            raise InputError([planner.Issue(table="workforce_costs", message=f"is missing from {scenario.dataset}: a "
                                            "workforce plan needs it (one row per category: loaded cost, hire cost, ...); "
                                            "see the README's 'The workforce plan'")])
        base_plan = find_plan(baseline, workspace) if baseline else None
        succession = find_plan(plan_ref, workspace) if plan_ref else None
    except InputError as exc:
        fail_input(exc)
    except (ValueError, KeyError, FileNotFoundError) as exc:
        fail(str(exc))
    if succession is not None:  # said before anything is written
        try:
            planner.reuse_plan(succession, scenario, org, any_inputs=any_inputs)
        except InputError as exc:
            fail(f"the plan {plan_ref} {exc.issues[0].message}. Leave out --plan to solve the succession plan anew, or "
                 "pass --any-inputs to use it anyway.")
    scenario = with_solver(scenario, time_limit_seconds=time_limit, num_workers=workers, random_seed=seed)

    out = out or (Path("plans") / scenario.name if not save else None)
    if out is not None:
        folders = [ref for ref in (baseline, plan_ref) if ref and Path(ref).is_dir()]
        output_folder(out, "plan", [scenario_file, scenario.dataset, workspace, *folders], force)
    if save:  # a catalogue that cannot be read stops the solve before it runs, not after
        listing = open_store(workspace).list()
        replaced = listing[listing["name"] == name] if name is not None else listing.iloc[0:0]
        for r in replaced.itertuples(index=False):
            console.print(f"replacing the saved plan {escape(name)} (scenario {escape(r.scenario)}, created {r.created})")
    to = planner.Destination(workspace=workspace if save else None, name=name, overwrite=name is not None, out=out,
                             fmt=fmt.value, force=force)
    live = not quiet and console.is_terminal
    if succession is not None:
        with console.status("Planning the workforce...") if live else nullcontext():
            outcome = _settle(planner.solve_check_save(scenario, org, to, workforce=True, succession=succession,
                                                       any_inputs=any_inputs, scenario_file=str(scenario_file)))
    else:
        deadline = began + scenario.solver.time_limit_seconds - WRITE_RESERVE
        run = planner.SolveRun(scenario, org, to, scenario_file=str(scenario_file), baseline=base_plan,
                               baseline_name=baseline, method=method.value, deadline=deadline, workforce=workforce).start()
        outcome = _wait(run, live)
    plan = outcome.plan
    console.print(summary(plan, scenario))
    if scenario.policy.fairness is not None:
        overall = planner.compare_composition([plan], org, labels=["slate entries"])  # per slate: the exports
        console.print(composition_table(overall, f"Slates by '{scenario.policy.fairness.attribute}' (under 5 shown as <5)"))
    if workforce:
        console.print(workforce_summary(plan.workforce, scenario))
        console.print(workforce_gaps(plan.workforce))
    if outcome.saved_name is not None:
        console.print(f"Saved in the workspace as [bold]{outcome.saved_name}[/bold] ({escape(str(workspace))}).")
    if outcome.written_to is not None:
        console.print(f"Plan written to [bold]{escape(str(outcome.written_to))}[/bold].")
    console.print("Checked: every hard rule holds.")
    if base_plan is not None:
        diff = planner.compare([base_plan, plan], labels=[baseline, "re-plan"])
        console.print(f"{plan.kpis.decisions_changed} decision(s) changed against the baseline '{baseline}':")
        for table in changes(diff):
            console.print(table)


@app.command()
def fairness(
    scenario_file: Path = typer.Argument(..., help="Scenario YAML with a policy.fairness setting."),
    sensitivity: Optional[str] = typer.Option(None, "--sensitivity", help="Also re-solve with this attribute value's "
                                              "potential ratings shifted by --shift (clipped to 1..3) and list the slates that change."),
    shift: int = typer.Option(1, "--shift", help="Points the --sensitivity group's potential moves: 1 or -1."),
    time_limit: Optional[float] = TIME_LIMIT,
    workers: Optional[int] = WORKERS,
    seed: Optional[int] = SEED,
    method: Method = METHOD,
) -> None:
    """What the fair-slates rule costs: solve with and without it; the money and coverage deltas, the
    slates it changes and the slate composition by the attribute (counts under 5 shown as <5)."""
    try:
        org, scenario = planner.load(scenario_file)
        if scenario.policy.fairness is None:
            raise ValueError(f"{scenario_file} sets no policy.fairness: there is no rule to price")
        if shift not in (-1, 1):
            raise ValueError(f"--shift must be 1 or -1, got {shift}")
    except InputError as exc:
        fail_input(exc)
    except ValueError as exc:
        fail(str(exc))
    scenario = with_solver(scenario, time_limit_seconds=time_limit, num_workers=workers, random_seed=seed)
    with console.status("Solving with and without the rule...") if console.is_terminal else nullcontext():
        price = planner.fairness_price(scenario, org, method=method.value)
    console.print(fairness_table(price))
    if price.composition:
        console.print(composition_table(pd.DataFrame(price.composition), "Slate entries by "
                                        f"'{scenario.policy.fairness.attribute}' over all slates (under 5 shown as <5)"))
    if sensitivity is not None:
        with console.status("Solving with shifted ratings...") if console.is_terminal else nullcontext():
            moved = planner.ratings_sensitivity(scenario, org, sensitivity, shift=shift, method=method.value)
        table = Table(title=f"Slates that change when the group's potential moves {shift:+d}")
        for col in ("role", "slate before", "slate after"):
            table.add_column(col)
        for c in moved:
            table.add_row(c.role_id, ", ".join(c.before) or "-", ", ".join(c.after) or "-")
        if not moved:
            table.caption = "no slate changes"
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
    if (not any_inputs and plan.workforce is not None
            and planner.workforce_fingerprint(org, scenario) != plan.workforce.input_fingerprint):
        console.print(f"[red]Plan check failed:[/red] the plan's workforce part was not made from these inputs: the "
                      "workforce tables, settings or changes give another fingerprint than it records. Pass "
                      "--any-inputs to check it against them anyway.")
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
