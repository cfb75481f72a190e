"""Succession Planner: optimisation-based succession and workforce planning.

The public API (the CLI and the app use nothing else)::

    org, scenario = planner.load("scenarios/baseline.yaml")   # or load_dataset(folder) + load_scenario(file)
    issues = planner.validate("scenarios/baseline.yaml")       # every problem, with file, row and column
    plan = planner.solve(scenario, org)                        # pydantic Plan; plan.slates_df(), plan.learning_df()
    report = planner.check(org, scenario, plan)                # the solver-free plan checker
    planner.write_plan(plan, "plans/baseline")
    run = planner.SolveRun(scenario, org, planner.Destination(workspace=Path("workspace"))).start()  # solve, check, save

Importing ``planner`` does not import OR-Tools; :func:`solve` loads it when called.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Optional

from planner.evaluation.checker import CheckReport, check_plan
from planner.contract.domain import Organisation
from planner.contract.errors import InputError, Issue, PlanningError
from planner.contract.plan import Kpis, Plan, read_plan, write_plan
from planner.contract.scenario import Scenario, load_scenario
from planner.store import PlanStore
from planner.workflow import Destination, Outcome, SolveRun, solve_check_save
from planner.version import __version__

__all__ = [
    "CheckReport", "Destination", "InputError", "Issue", "Kpis", "Organisation", "Outcome", "Plan", "PlanStore", "PlanningError",
    "Scenario", "SolveRun", "solve_check_save",
    "check", "compare", "load", "load_dataset", "load_scenario", "organisation_from_records", "read_plan", "scenario_organisation", "solve", "sweep",
    "validate", "write_plan",
]


def organisation_from_records(source: str = "<memory>", **tables) -> Organisation:
    """An Organisation from lists of row models (``planner.contract.domain.Employee`` ...) or dicts per
    table, validated like files. Raises InputError listing every problem."""
    from planner.inputs.checks import organisation_from_records as _build

    return _build(source=source, **tables)


def load_dataset(path: str | Path) -> Organisation:
    """Read and validate a dataset (a folder of CSV / Parquet / Excel tables, or one .xlsx workbook)."""
    from planner.inputs.files import load_dataset as _load

    return _load(path)


def check_scenario(org: Organisation, scenario: Scenario) -> list[Issue]:
    """Problems that only show when a dataset meets a scenario: a vacancy beyond the horizon, a pin,
    veto or lock naming someone or something that does not exist."""
    from planner.inputs.changes import check_overrides
    from planner.inputs.checks import check_against_scenario

    return check_against_scenario(org, scenario) + check_overrides(org, scenario)


def scenario_organisation(scenario: Scenario, base: Optional[Organisation] = None) -> Organisation:
    """The organisation a scenario plans: its dataset (or ``base``) with the scenario's changes applied,
    checked against the scenario. Raises InputError listing every problem."""
    from planner.inputs.changes import apply_changes

    org = apply_changes(base if base is not None else load_dataset(scenario.dataset), scenario)
    errors = [i for i in check_scenario(org, scenario) if i.severity == "error"]
    if errors:
        raise InputError(errors)
    return org


def load(scenario_path: str | Path) -> tuple[Organisation, Scenario]:
    """Load a scenario file (following ``extends``) and its dataset with the scenario's changes applied.
    Raises InputError listing every problem."""
    scenario = load_scenario(scenario_path)
    return scenario_organisation(scenario), scenario


def validate(path: str | Path) -> list[Issue]:
    """Every problem (errors and warnings) in a dataset folder/workbook or a scenario file and its dataset."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            org, _ = load(path)
            return org.warnings
        return load_dataset(path).warnings
    except InputError as exc:
        return exc.issues


def solve(
    scenario: Scenario,
    org: Optional[Organisation] = None,
    on_progress=None,
    stop: Optional[threading.Event] = None,
    scenario_file: Optional[str] = None,
    baseline: Optional[Plan] = None,
    baseline_name: Optional[str] = None,
    method: str = "cp-sat",
    on_phase=None,
) -> Plan:
    """Solve ``scenario``. ``org`` is the organisation as the scenario plans it (from :func:`load`, changes
    applied); without it the scenario's dataset is loaded and its changes applied. ``on_progress``
    receives :class:`planner.solver.solve.Progress` updates; setting ``stop`` ends the search with the
    best plan so far. With a ``baseline`` plan, the solve changes as few of its decisions as it must.
    ``method="greedy"`` returns the readiness-ranking baseline instead of optimising. ``on_phase(name,
    seconds)`` is told how long each phase of the solve took (see planner.solver.solve.solve)."""
    from planner.solver.solve import solve as _solve

    if org is None:
        org = scenario_organisation(scenario)
    else:
        errors = [i for i in check_scenario(org, scenario) if i.severity == "error"]
        if errors:
            raise InputError(errors)
    return _solve(org, scenario, on_progress=on_progress, stop=stop, scenario_file=scenario_file,
                  baseline=baseline, baseline_name=baseline_name, method=method, on_phase=on_phase)


def compare(plans: list[Plan], labels: Optional[list[str]] = None):
    """Plans side by side against the first: KPI deltas, slate and learning changes, spend (see planner.analyses.comparison)."""
    from planner.analyses.comparison import compare as _compare

    return _compare(plans, labels)


def sweep(scenario: Scenario, org: Organisation, parameter: str, values: list[float], workers: int = 2,
          address: Optional[str] = None, on_point=None):
    """Solve at each value of a numeric setting; returns the frontier DataFrame (see planner.analyses.frontier)."""
    from planner.analyses.frontier import sweep as _sweep

    return _sweep(scenario, org, parameter, values, workers=workers, address=address, on_point=on_point)


def check(org: Organisation, scenario: Scenario, plan: Plan) -> CheckReport:
    """Re-check a plan against every hard rule and recompute its KPIs (no solver involved)."""
    return check_plan(org, scenario, plan)
