"""What every command shares: the Typer app, the consoles, exit codes, and how input problems are shown.

Exit codes: 0 a plan (optimal or feasible with its gap) / valid input; 1 a plan failed its check;
2 bad input; 3 infeasible scenario; 4 no plan found within the time limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import NoReturn, Optional

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

import planner
from planner import InputError, Issue

app = typer.Typer(help="Succession Planner: optimised succession slates and development plans.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
console = Console()
err = Console(stderr=True)

EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_PLAN = 1, 2, 3, 4
def _workspace_folder(path: Path) -> Path:
    """The --workspace option: a folder (made when first needed), never an existing file."""
    if path.exists() and not path.is_dir() or any(p.exists() and not p.is_dir() for p in path.parents):
        raise typer.BadParameter(f"{path} is a file, or lies under one: give a folder for the workspace")
    return path


WORKSPACE = typer.Option(Path("workspace"), "--workspace", help="Workspace folder holding the plan store.",
                         callback=_workspace_folder)


def fail(message: str) -> NoReturn:
    """Print ``message`` whole and as it is (a name or path in it is never read as markup), exit with code 2."""
    err.print(f"[red]{escape(message)}[/red]", soft_wrap=True, highlight=False)
    raise typer.Exit(EXIT_BAD_INPUT)


FORCE = typer.Option(False, "--force", help="Replace the output even if it holds files the planner did not write "
                     "(they are deleted). Never replaces a file with a folder, an input, or the current folder.")


def output_folder(out: Path, kind: str, inputs: Iterable[Optional[Path | str]] = (), force: bool = False) -> None:
    """Before any work: exit with code 2 and the reason unless the folder ``out`` may be written (see
    planner.check_folder_output: ``inputs`` are the paths the command reads), and say in one line what
    it will replace."""
    try:
        replacing = planner.check_folder_output(out, kind, inputs, force)
    except planner.OutputRefused as exc:
        fail(str(exc))
    if replacing is not None:
        console.print(escape(str(replacing)), soft_wrap=True, highlight=False)


def output_file(out: Path, inputs: Iterable[Optional[Path | str]] = (), force: bool = False) -> None:
    """Before any work: exit with code 2 and the reason unless the file ``out`` may be written (see
    planner.check_file_output); say so when ``--force`` replaces one."""
    try:
        replaced = planner.check_file_output(out, inputs, force)
    except planner.OutputRefused as exc:
        fail(str(exc))
    if replaced:
        console.print(escape(f"replacing {out} (--force)"), soft_wrap=True, highlight=False)


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a failure to write ``path`` (refused, permission denied, disk full) into a message and exit code 2."""
    try:
        yield
    except OSError as exc:
        fail(f"cannot write {path}: {exc}")


def plan_inputs(ref: str, workspace: Path) -> tuple[planner.Plan, planner.Organisation, planner.Scenario]:
    """A plan (folder or saved name) with the organisation and scenario it was made from; exits with
    code 2 and the reason when any of them cannot be had."""
    try:
        plan = find_plan(ref, workspace)
        scenario = planner.recorded_scenario(plan.meta.scenario_settings, f"plan {ref}")
        return plan, planner.scenario_organisation(scenario), scenario
    except InputError as exc:
        fail_input(exc)
    except (KeyError, FileNotFoundError, planner.StoreError) as exc:
        fail(str(exc))


def open_store(workspace: Path) -> planner.PlanStore:
    """The workspace's plan store; a catalogue that cannot be read exits with code 2 and says what to do."""
    try:
        return planner.PlanStore(workspace)
    except planner.StoreError as exc:
        fail(str(exc))


def find_plan(ref: str, workspace: Path) -> planner.Plan:
    """A plan by folder path, or by name in the workspace's store."""
    if Path(ref).is_dir():
        return planner.read_plan(ref)
    return open_store(workspace).load(ref)


class Method(str, Enum):
    cp_sat = "cp-sat"
    greedy = "greedy"


class Format(str, Enum):
    csv = "csv"
    parquet = "parquet"


def print_issues(issues: list[Issue]) -> None:
    """One line per problem, whole (file, row, ID, column, message), however narrow the terminal."""
    for i in issues:
        colour = "red" if i.severity == "error" else "yellow"
        err.print(f"[{colour}]{i.severity}[/{colour}] {escape(str(i))}", soft_wrap=True, highlight=False)


_OPTION_OF = {"time_limit_seconds": "--time-limit", "num_workers": "--workers", "random_seed": "--seed"}


def with_solver(scenario: planner.Scenario, **overrides) -> planner.Scenario:
    """``scenario`` with command-line overrides of its solver settings (those not None), validated as
    the scenario file's own values are: a bad one exits with code 2 naming the option."""
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if not overrides:
        return scenario
    config = type(scenario.solver)
    try:
        solver = config.model_validate({**scenario.solver.model_dump(), **overrides})
    except ValidationError as exc:
        problems = [f"{_OPTION_OF.get(str(e['loc'][0]), e['loc'][0])} {overrides.get(e['loc'][0])!r}: {e['msg'].lower()}"
                    for e in exc.errors()]
        fail("; ".join(problems))
    return scenario.model_copy(update={"solver": solver})


def fail_input(exc: InputError) -> None:
    print_issues(exc.issues)
    err.print(f"[red]{len(exc.issues)} problem(s) in the input; nothing was written.[/red]")
    raise typer.Exit(EXIT_BAD_INPUT)
