"""The ``planner`` command line. A thin front end: it calls the public API in ``planner`` only.

Exit codes: 0 a plan (optimal or feasible with its gap) / valid input; 1 a plan failed its check;
2 bad input; 3 infeasible scenario; 4 no plan found within the time limit.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

import planner
from planner.analyses.comparison import render as render_comparison
from planner.contract.errors import InputError, Issue

app = typer.Typer(help="Succession Planner: optimised succession slates and development plans.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
console = Console()
err = Console(stderr=True)

EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_PLAN = 1, 2, 3, 4
WORKSPACE = typer.Option(Path("workspace"), "--workspace", help="Workspace folder holding the plan store.")


def _plan_inputs(ref: str, workspace: Path) -> tuple[planner.Plan, planner.Organisation, planner.Scenario]:
    """A plan (folder or saved name) with the organisation and scenario it was made from; exits with
    code 2 and the reason when any of them cannot be had."""
    try:
        plan = _find_plan(ref, workspace)
        scenario = planner.Scenario.model_validate(plan.meta.scenario_settings)
        return plan, planner.scenario_organisation(scenario), scenario
    except InputError as exc:
        _fail_input(exc)
    except (KeyError, FileNotFoundError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)


def _find_plan(ref: str, workspace: Path) -> planner.Plan:
    """A plan by folder path, or by name in the workspace's store."""
    if Path(ref).is_dir():
        return planner.read_plan(ref)
    return planner.PlanStore(workspace).load(ref)


class Method(str, Enum):
    cp_sat = "cp-sat"
    greedy = "greedy"


class Format(str, Enum):
    csv = "csv"
    parquet = "parquet"


def _print_issues(issues: list[Issue]) -> None:
    """One line per problem, whole (file, row, ID, column, message), however narrow the terminal."""
    for i in issues:
        colour = "red" if i.severity == "error" else "yellow"
        err.print(f"[{colour}]{i.severity}[/{colour}] {escape(str(i))}", soft_wrap=True, highlight=False)


def _fail_input(exc: InputError) -> None:
    _print_issues(exc.issues)
    err.print(f"[red]{len(exc.issues)} problem(s) in the input; nothing was written.[/red]")
    raise typer.Exit(EXIT_BAD_INPUT)


def _money(x: Optional[float]) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _progress_table(p, elapsed: float) -> Table:
    t = Table(title="Solving", show_header=True)
    for col in ("elapsed", "plans found", "best plan (objective)", "bound", "gap"):
        t.add_column(col, justify="right")
    if p is None:
        t.add_row(f"{elapsed:.1f}s", "0", "-", "-", "-")
    else:
        t.add_row(f"{elapsed:.1f}s", str(p.solutions), _money(p.objective), _money(p.best_bound),
                  "-" if p.gap is None else f"{p.gap:.2%}")
    return t


def _summary(plan: planner.Plan, scenario: planner.Scenario) -> Table:
    k = plan.kpis
    t = Table(title=f"Plan for scenario '{scenario.name}'", show_header=False)
    t.add_column("KPI")
    t.add_column("value", justify="right")
    gap = "-" if k.gap is None else f"{k.gap:.2%}"
    rows = [
        ("status", f"{k.status} (gap {gap}, {k.solve_seconds:.1f}s)"),
        ("critical roles covered", f"{k.covered_roles} / {k.critical_roles} ({k.coverage:.0%})"),
        ("training spend", f"{_money(k.training_cost)} of {_money(scenario.budget.total)} ({k.budget_used_share:.0%})"),
        ("external-hire cost of uncovered roles", _money(k.external_hire_cost)),
        ("total cost", _money(k.total_cost)),
        ("bench strength (ready successors per role)", f"{k.bench_strength:.2f}"),
        ("successors on slates / ready now", f"{k.successors} / {k.ready_now}"),
        ("avg quarters to ready (first successors)", "-" if k.avg_quarters_to_ready is None else f"{k.avg_quarters_to_ready:.1f}"),
        ("cost per ready successor", _money(k.cost_per_ready_successor)),
        ("objective / best bound", f"{_money(k.objective)} / {_money(k.best_bound)}"
         + (f" ({k.bound_kind})" if k.bound_kind else "")),
    ]
    for name, value in rows:
        t.add_row(name, value)
    return t


@app.command()
def solve(
    scenario_file: Path = typer.Argument(..., help="Scenario YAML, e.g. scenarios/baseline.yaml."),
    out: Optional[Path] = typer.Option(None, "--out", help="Plan folder to write (default: plans/<scenario name>)."),
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
    from planner.store import check_name

    try:
        org, scenario = planner.load(scenario_file)
        if name is not None:
            check_name(name)
        base_plan = _find_plan(baseline, workspace) if baseline else None
    except InputError as exc:
        _fail_input(exc)
    except (ValueError, KeyError, FileNotFoundError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    overrides = {k: v for k, v in dict(time_limit_seconds=time_limit, num_workers=workers, random_seed=seed).items() if v is not None}
    if overrides:
        scenario = scenario.model_copy(update={"solver": scenario.solver.model_copy(update=overrides)})

    out = out or (Path("plans") / scenario.name if not save else None)
    to = planner.Destination(workspace=workspace if save else None, name=name, overwrite=name is not None, out=out, fmt=fmt.value)
    run = planner.SolveRun(scenario, org, to, scenario_file=str(scenario_file), baseline=base_plan, baseline_name=baseline,
                           method=method.value).start()
    if quiet or not console.is_terminal:
        run.wait()
    else:
        with Live(_progress_table(None, 0), console=console, refresh_per_second=4, transient=True) as live:
            while not run.wait(0.25):
                live.update(_progress_table(run.latest, run.elapsed))
    outcome = run.outcome
    if outcome.state == "failed":
        if isinstance(outcome.error, InputError):
            _fail_input(outcome.error)
        raise outcome.error
    plan = outcome.plan
    if outcome.state == "no_plan":
        err.print(f"[red]{plan.kpis.status}[/red]: {escape(plan.meta.message)}. No plan was written.")
        raise typer.Exit(EXIT_INFEASIBLE if plan.kpis.status == "INFEASIBLE" else EXIT_NO_PLAN)
    if outcome.state == "rejected":
        for line in [str(v) for v in outcome.report.violations] + outcome.report.mismatches:
            err.print(f"[red]check failed[/red] {escape(line)}")
        raise typer.Exit(EXIT_CHECK_FAILED)
    console.print(_summary(plan, scenario))
    if outcome.saved_name is not None:
        console.print(f"Saved in the workspace as [bold]{outcome.saved_name}[/bold] ({workspace}).")
    if outcome.written_to is not None:
        console.print(f"Plan written to [bold]{outcome.written_to}[/bold].")
    console.print("Checked: every hard rule holds.")
    if base_plan is not None:
        diff = planner.compare([base_plan, plan], labels=[baseline, "re-plan"])
        console.print(f"{plan.kpis.decisions_changed} decision(s) changed against the baseline '{baseline}':")
        for table in render_comparison(diff)[1:3]:
            console.print(table)


@app.command()
def compare(
    plans: list[str] = typer.Argument(..., help="Two or more plans: folders or names saved in the workspace. The first is the reference."),
    workspace: Path = WORKSPACE,
    csv: Optional[Path] = typer.Option(None, "--csv", help="Also write the comparison tables as CSV into this folder."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the comparison as JSON to this file."),
) -> None:
    """Compare plans side by side: KPI deltas, slate changes, learning changes, spend by quarter and department."""
    if len(plans) < 2:
        err.print("[red]give at least two plans to compare[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        loaded = [_find_plan(p, workspace) for p in plans]
    except (KeyError, FileNotFoundError, ValueError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    diff = planner.compare(loaded, labels=plans)
    for table in render_comparison(diff):
        console.print(table)
    if csv:
        diff.write_csv(csv)
        console.print(f"Comparison tables written to {csv}.")
    if json_out:
        json_out.write_text(diff.to_json())
        console.print(f"Comparison written to {json_out}.")


@app.command()
def sweep(
    scenario_file: Path = typer.Argument(..., help="Scenario YAML."),
    budget: Optional[str] = typer.Option(None, "--budget", help="Budgets to solve at: start:stop:count (0:500000:11) or a,b,c."),
    param: Optional[str] = typer.Option(None, "--param", help="Any numeric setting: PATH=start:stop:count, e.g. weights.external_hire=0.5:1.5:5."),
    workers: int = typer.Option(2, "--workers", help="Local processes solving in parallel (1 = in this process)."),
    dask: Optional[str] = typer.Option(None, "--dask", help="Dask scheduler address (tcp://host:port): solve the points on that cluster."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write the frontier to this CSV file."),
    workspace: Path = WORKSPACE,
    time_limit: Optional[float] = typer.Option(None, help="Override solver.time_limit_seconds for every point."),
) -> None:
    """Solve a scenario at each value of a setting and show the frontier (coverage and cost against it)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from planner.analyses.frontier import parse_range, save_frontier

    if (budget is None) == (param is None):
        err.print("[red]give exactly one of --budget or --param[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        path, spec = ("budget.total", budget) if budget is not None else param.split("=", 1)
        values = parse_range(spec)
        org, scenario = planner.load(scenario_file)
    except InputError as exc:
        _fail_input(exc)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    if time_limit is not None:
        scenario = scenario.model_copy(update={"solver": scenario.solver.model_copy(update={"time_limit_seconds": time_limit})})
    with Progress(TextColumn("sweeping {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task(path, total=len(values))
        try:
            frontier = planner.sweep(scenario, org, path, values, workers=workers, address=dask,
                                     on_point=lambda row: bar.advance(task))
        except ValueError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_BAD_INPUT)
    table = Table(title=f"Frontier of '{scenario.name}' over {path}")
    for col in ("value", "status", "covered", "coverage", "training", "external hire", "total cost", "bench"):
        table.add_column(col, justify="right")
    for r in frontier.itertuples(index=False):
        table.add_row(f"{r.value:,.6g}", r.status, f"{r.covered_roles}/{r.critical_roles}", f"{r.coverage:.0%}",
                      _money(r.training_cost), _money(r.external_hire_cost), _money(r.total_cost), f"{r.bench_strength:.2f}")
    console.print(table)
    saved = save_frontier(workspace, scenario.name, path, frontier)
    console.print(f"Frontier saved to {saved}.")
    if out:
        frontier.to_csv(out, index=False)
        console.print(f"Frontier written to {out}.")


plans_app = typer.Typer(help="List, show and delete the plans saved in a workspace.", no_args_is_help=True)
app.add_typer(plans_app, name="plans")


@plans_app.command("list")
def plans_list(workspace: Path = WORKSPACE) -> None:
    """List saved plans, newest first."""
    listing = planner.PlanStore(workspace).list()
    table = Table(title=f"Plans in {workspace}")
    for col in ("name", "scenario", "created", "status", "covered", "training", "total cost", "gap"):
        table.add_column(col)
    for r in listing.itertuples(index=False):
        table.add_row(r.name, r.scenario, r.created, r.status, f"{r.covered_roles}/{r.critical_roles}",
                      _money(r.training_cost), _money(r.total_cost), "-" if pd.isna(r.gap) else f"{r.gap:.2%}")
    console.print(table)


@plans_app.command("show")
def plans_show(name: str, workspace: Path = WORKSPACE) -> None:
    """Show one saved plan: its KPIs and slates."""
    try:
        plan = planner.PlanStore(workspace).load(name)
    except KeyError as exc:
        err.print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    scenario = planner.Scenario.model_validate(plan.meta.scenario_settings)
    console.print(_summary(plan, scenario))
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
        planner.PlanStore(workspace).delete(name)
    except KeyError as exc:
        err.print(f"[red]{exc.args[0]}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    console.print(f"Deleted {name}.")


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
    from planner.analyses.explain import explain_slates, explain_uncovered, marginal_value_of_money

    plan, org, scenario = _plan_inputs(plan_ref, workspace)
    for item in explain_slates(org, scenario, plan):
        if role is None or item.role_id == role:
            console.print(escape(item.summary), soft_wrap=True)
    if uncovered:
        with console.status("Re-solving to check why roles are uncovered..."):
            reasons = explain_uncovered(org, scenario, plan, time_limit_seconds=time_limit)
        for reason in reasons:
            console.print(f"[bold]{reason.role_id}[/bold] {reason.reason}: {escape(reason.message)}", soft_wrap=True)
    if money:
        with console.status("Re-solving with more budget..."):
            table = marginal_value_of_money(org, scenario, plan, time_limit_seconds=time_limit)
        out = Table(title="Marginal value of money")
        for col in ("extra budget", "covered", "extra roles", "total cost change"):
            out.add_column(col, justify="right")
        for r in table.itertuples(index=False):
            out.add_row(_money(r.extra_budget), str(r.covered_roles), f"{r.extra_roles_covered:+d}", _money(r.total_cost_change))
        console.print(out)


@app.command()
def simulate(
    plan_ref: str = typer.Argument(..., help="A plan folder or a name saved in the workspace."),
    workspace: Path = WORKSPACE,
    draws: int = typer.Option(10_000, "--draws", min=1, help="Monte Carlo draws."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    out: Optional[Path] = typer.Option(None, "--out", help="Also write per-role coverage probabilities to this CSV."),
) -> None:
    """Monte Carlo attrition: how many roles stay covered when people leave, and the training spend wasted."""
    from planner.analyses.attrition import coverage_probability, simulate as run

    plan, org, scenario = _plan_inputs(plan_ref, workspace)
    result = run(org, scenario, plan, draws=draws, seed=seed)
    s = result.summary
    table = Table(title=f"Attrition over {draws:,} draws (seed {seed})", show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in [
        ("roles covered if nobody leaves", f"{s.planned_covered_roles} / {s.critical_roles}"),
        ("expected covered (exact / simulated)", f"{s.expected_covered_exact:.2f} / {s.covered_mean:.2f}"),
        ("covered roles: 5th / 50th / 95th percentile", f"{s.covered_p5:.0f} / {s.covered_p50:.0f} / {s.covered_p95:.0f}"),
        ("wasted training spend: expected / 95th percentile", f"{_money(s.expected_wasted_exact)} / {_money(s.wasted_p95)}"),
        ("draws with some wasted spend", f"{s.p_any_waste:.0%}"),
    ]:
        table.add_row(name, value)
    console.print(table)
    probabilities = coverage_probability(org, scenario, plan)
    risky = probabilities.sort_values("p_covered").head(8)
    worst = Table(title="Roles most at risk")
    for col in ("role", "P(covered)", "P(first choice covers)", "incumbent risk of loss"):
        worst.add_column(col, justify="right")
    for r in risky.itertuples(index=False):
        worst.add_row(r.role_id, f"{r.p_covered:.0%}", f"{r.p_first_covers:.0%}", f"{r.risk_of_loss:.0%}")
    console.print(worst)
    if out:
        probabilities.to_csv(out, index=False)
        console.print(f"Per-role probabilities written to {out}.")


@app.command()
def generate(
    employees: int = typer.Option(..., "--employees", min=4, help="Employees."),
    critical_roles: int = typer.Option(..., "--critical-roles", min=1, help="Critical roles."),
    interventions: int = typer.Option(..., "--interventions", min=1, help="Learning interventions."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same dataset)."),
    out: Path = typer.Option(..., "--out", help="Dataset folder to write (CSV)."),
) -> None:
    """Write a synthetic organisation in the documented format (deterministic for a seed)."""
    from planner.synthetic.generate import generate_organisation, suggested_budget
    from planner.inputs.files import write_dataset

    try:
        frames = generate_organisation(employees, critical_roles, interventions, seed=seed)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    write_dataset(frames, out)
    console.print(f"Wrote {out}: {employees:,} employees, {critical_roles:,} critical roles, {interventions:,} interventions. "
                  f"A budget that covers part of the need: {suggested_budget(frames):,.0f}.")


@app.command()
def template(out: Path = typer.Option(..., "--out", help="Workbook to write (.xlsx).")) -> None:
    """Write an empty Excel workbook to fill in by hand: a sheet per table, headers, help and data validation."""
    from planner.inputs.template import write_template

    try:
        write_template(out)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    console.print(f"Template written to {out}; fill it in and run: planner validate {out}")


import_app = typer.Typer(help="Import data from public sources.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("onet")
def import_onet_command(
    skills: Path = typer.Option(..., "--skills", help="O*NET Skills.xlsx (or the text release's Skills.txt)."),
    occupations: Optional[Path] = typer.Option(None, "--occupations", help="O*NET 'Occupation Data.txt' (titles)."),
    out: Path = typer.Option(..., "--out", help="Folder to write skills, roles and role_requirements to."),
    importance_threshold: float = typer.Option(3.0, help="Keep skills whose O*NET importance is at least this (1-5)."),
    employees: Optional[int] = typer.Option(None, "--employees", help="Also generate this many employees, interventions and the rest: a complete dataset."),
    seed: int = typer.Option(0, "--seed", help="Seed for --employees."),
) -> None:
    """Turn O*NET's Skills and Occupation Data files into the project's job architecture tables."""
    from planner.inputs.files import write_dataset
    from planner.inputs.onet import import_onet, onet_organisation

    try:
        frames = (onet_organisation(skills, occupations, employees, seed=seed, importance_threshold=importance_threshold)
                  if employees else import_onet(skills, occupations, importance_threshold=importance_threshold))
    except InputError as exc:
        _fail_input(exc)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    out.mkdir(parents=True, exist_ok=True)
    if employees:
        write_dataset(frames, out)
    else:
        for name, frame in frames.items():
            frame.to_csv(out / f"{name}.csv", index=False)
    console.print(f"Wrote {', '.join(frames)} to {out} ({len(frames['roles']):,} roles, {len(frames['skills'])} skills). "
                  "Includes information from O*NET by USDOL/ETA, used under CC BY 4.0.")


@app.command()
def check(
    data_or_scenario: Path = typer.Argument(..., help="The dataset folder/workbook or the scenario file the plan was made from."),
    plan_dir: Path = typer.Argument(..., help="Plan folder written by 'planner solve'."),
) -> None:
    """Re-check a plan against every hard rule and recompute its KPIs, without the solver."""
    try:
        plan = planner.read_plan(plan_dir)
    except (FileNotFoundError, ValueError) as exc:
        err.print(f"[red]cannot read plan:[/red] {exc}")
        raise typer.Exit(EXIT_BAD_INPUT)
    try:
        if data_or_scenario.suffix.lower() in (".yaml", ".yml"):
            org, scenario = planner.load(data_or_scenario)
        else:
            scenario = planner.Scenario.model_validate({**plan.meta.scenario_settings, "dataset": str(data_or_scenario)})
            org = planner.scenario_organisation(scenario, planner.load_dataset(data_or_scenario))
    except InputError as exc:
        _fail_input(exc)
    report = planner.check(org, scenario, plan)
    for v in report.violations:
        console.print(f"[red]violation[/red] {v}")
    for m in report.mismatches:
        console.print(f"[red]mismatch[/red] {m}")
    if not report.ok:
        console.print(f"[red]Plan check failed:[/red] {len(report.violations)} violation(s), {len(report.mismatches)} mismatch(es).")
        raise typer.Exit(EXIT_CHECK_FAILED)
    console.print(f"[green]Plan OK[/green]: every hard rule holds; covered {report.kpis['covered_roles']}/"
                  f"{report.kpis['critical_roles']} critical roles, training spend {_money(report.kpis['training_cost'])}.")


@app.command()
def validate(path: Path = typer.Argument(..., help="A dataset folder, an .xlsx workbook, or a scenario YAML.")) -> None:
    """Check input data (and a scenario) and list every problem with its file, row and column."""
    issues = planner.validate(path)
    _print_issues(issues)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        err.print(f"[red]{len(errors)} error(s)[/red], {len(issues) - len(errors)} warning(s).")
        raise typer.Exit(EXIT_BAD_INPUT)
    console.print(f"[green]Valid[/green] ({len(issues)} warning(s)).")


if __name__ == "__main__":
    app()
