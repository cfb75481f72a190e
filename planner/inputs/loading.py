"""Loading what a scenario plans: datasets (files or records), scenario files, and the
organisation a scenario plans with its changes applied, every problem reported at once."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from planner.contract.domain import Organisation
from planner.contract.errors import InputError, Issue
from planner.contract.scenario import Scenario, load_scenario


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
    veto or lock naming someone or something that does not exist, a workforce change naming a
    category or family that does not exist (or needing workforce tables the dataset lacks), a fairness
    attribute the employees table lacks."""
    from planner.inputs.changes import check_overrides
    from planner.inputs.checks import check_against_scenario
    from planner.inputs.fairness import fairness_issues
    from planner.inputs.workforce import workforce_change_issues

    return (check_against_scenario(org, scenario) + check_overrides(org, scenario) + workforce_change_issues(org, scenario)
            + fairness_issues(org, scenario))


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
