"""The ``planner`` command line. A thin front end: it calls the public API in ``planner`` only.

Exit codes: 0 a plan (optimal or feasible with its gap) / valid input; 1 a plan failed its check;
2 bad input; 3 infeasible scenario; 4 no plan found within the time limit.
"""

from __future__ import annotations

import threading
import time
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

import planner
from planner.errors import InputError, Issue

app = typer.Typer(help="Succession Planner: optimised succession slates and development plans.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
console = Console()
err = Console(stderr=True)

EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_PLAN = 1, 2, 3, 4


class Format(str, Enum):
    csv = "csv"
    parquet = "parquet"


def _issues_table(issues: list[Issue]) -> Table:
    table = Table(title="Input problems", show_lines=False)
    for col in ("severity", "where", "row", "id", "column", "problem"):
        table.add_column(col, overflow="fold")
    for i in issues:
        table.add_row(i.severity, i.file or i.table, "" if i.row is None else str(i.row), i.row_id or "", i.column or "", i.message)
    return table


def _fail_input(exc: InputError) -> None:
    err.print(_issues_table(exc.issues))
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
        ("objective / best bound", f"{_money(k.objective)} / {_money(k.best_bound)}"),
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
) -> None:
    """Solve a scenario: choose successors, schedule their development, write the plan."""
    try:
        org, scenario = planner.load(scenario_file)
    except InputError as exc:
        _fail_input(exc)
    overrides = {k: v for k, v in dict(time_limit_seconds=time_limit, num_workers=workers, random_seed=seed).items() if v is not None}
    if overrides:
        scenario = scenario.model_copy(update={"solver": scenario.solver.model_copy(update=overrides)})

    latest, started, done = [None], time.monotonic(), threading.Event()
    result: list = []

    def run() -> None:
        try:
            result.append(planner.solve(scenario, org, on_progress=lambda p: latest.__setitem__(0, p),
                                        scenario_file=str(scenario_file)))
        except BaseException as exc:  # re-raised on the main thread
            result.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    if quiet or not console.is_terminal:
        worker.join()
    else:
        with Live(_progress_table(None, 0), console=console, refresh_per_second=4, transient=True) as live:
            while not done.wait(0.25):
                live.update(_progress_table(latest[0], time.monotonic() - started))
    if isinstance(result[0], BaseException):
        if isinstance(result[0], InputError):
            _fail_input(result[0])
        raise result[0]
    plan: planner.Plan = result[0]

    if not plan.has_solution:
        err.print(f"[red]{plan.kpis.status}[/red]: {plan.meta.message}. No plan was written.")
        raise typer.Exit(EXIT_INFEASIBLE if plan.kpis.status == "INFEASIBLE" else EXIT_NO_PLAN)
    report = planner.check(org, scenario, plan)
    if not report.ok:
        for line in [str(v) for v in report.violations] + report.mismatches:
            err.print(f"[red]check failed[/red] {line}")
        raise typer.Exit(EXIT_CHECK_FAILED)
    out = out or Path("plans") / scenario.name
    planner.write_plan(plan, out, fmt=fmt.value)
    console.print(_summary(plan, scenario))
    console.print(f"Plan written to [bold]{out}[/bold] (checked: every hard rule holds).")


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
    if issues:
        err.print(_issues_table(issues))
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        err.print(f"[red]{len(errors)} error(s)[/red], {len(issues) - len(errors)} warning(s).")
        raise typer.Exit(EXIT_BAD_INPUT)
    console.print(f"[green]Valid[/green] ({len(issues)} warning(s)).")


if __name__ == "__main__":
    app()
