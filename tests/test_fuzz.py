"""Fuzzing: a valid dataset, mutated at random, gets either a clean validation error or a plan that checks.

Hypothesis mutates the small org of ``tests/factories.py`` (tables as dicts of lists): a cell set to
a value from a hostile pool, a row deleted or duplicated, a column dropped. The result goes in twice,
through ``planner.organisation_from_records`` and through a CSV round trip (``write_dataset`` +
``load_dataset``). Each way must either raise :class:`planner.contract.errors.InputError` with at least one
issue (no other exception), or give an organisation whose plan (tiny scenario: 6 quarters, 5 s,
2 workers) passes the solver-free checker; both ways give the same verdict. A scenario-level problem
(a vacancy beyond the horizon) is an InputError from ``planner.solve``: a clean validation error too.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from factories import base_tables, make_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planner
from planner.contract.domain import TABLES
from planner.contract.errors import InputError, Issue
from planner.inputs.files import dataset_fingerprint, load_dataset, write_dataset

HOSTILE = ["", "abc", -1, 0, 6, 2.5, 1e9, None, "=1+1", "é", "  ", "0042", True, "ZZZ-UNKNOWN", "inf"]
KNOWN_IDS = ["E-MGR", "E-ANA", "E-BEN", "R-MGR", "R-ANL", "FIN", "LEAD", "I-FOUND", "I-ADV", "Finance"]
SCENARIO = make_scenario(horizon_quarters=6, solver=dict(time_limit_seconds=5, num_workers=2))


@st.composite
def mutated(draw) -> tuple[dict[str, list[dict]], dict[str, set[str]], list[str]]:
    """(tables, dropped columns per table, what was done) after one to three mutations."""
    tables, dropped, done = base_tables(), {name: set() for name in base_tables()}, []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(tables)))
        rows = tables[name]
        if not rows:
            continue
        kind = draw(st.sampled_from(["set", "set", "set", "set", "delete", "duplicate", "drop"]))
        row = draw(st.integers(0, len(rows) - 1))
        if kind == "set":
            column = draw(st.sampled_from(sorted(rows[row])))
            value = draw(st.sampled_from(HOSTILE + KNOWN_IDS))
            rows[row][column] = value
            done.append(f"{name}[{row}].{column} = {value!r}")
        elif kind == "delete":
            rows.pop(row)
            done.append(f"delete {name}[{row}]")
        elif kind == "duplicate":
            rows.append(dict(rows[row]))
            done.append(f"duplicate {name}[{row}]")
        else:
            column = draw(st.sampled_from(sorted(rows[0])))
            for r in rows:
                r.pop(column, None)
            dropped[name].add(column)
            done.append(f"drop {name}.{column}")
    return tables, dropped, done


def from_csv(tables: dict[str, list[dict]], dropped: dict[str, set[str]], folder: Path) -> planner.Organisation:
    frames = {}
    for name, rows in tables.items():
        columns = [c for c in TABLES[name].row_model.model_fields if c not in dropped[name]]
        frames[name] = pd.DataFrame(rows, columns=columns)
    return load_dataset(write_dataset(frames, folder))


def verdict(build) -> planner.Organisation | None:
    """The organisation, or None after a clean InputError; any other exception fails the test."""
    try:
        return build()
    except InputError as exc:
        assert exc.issues and all(isinstance(i, Issue) and i.message for i in exc.issues)
        return None


def plan_checks(org: planner.Organisation) -> None:
    try:
        plan = planner.solve(SCENARIO, org)
    except InputError as exc:  # valid data that does not fit the scenario, e.g. a vacancy beyond the horizon
        assert exc.issues
        return
    assert plan.has_solution, (plan.kpis.status, plan.meta.message)
    report = planner.check(org, SCENARIO, plan)
    assert report.ok, (report.violations, report.mismatches)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_dataset_is_rejected_cleanly_or_planned(case):
    tables, dropped, done = case
    in_memory = verdict(lambda: planner.organisation_from_records(**tables))
    with tempfile.TemporaryDirectory() as tmp:
        via_csv = verdict(lambda: from_csv(tables, dropped, Path(tmp) / "data"))
    assert (in_memory is None) == (via_csv is None), done  # the same data gets the same verdict either way
    solved = set()
    for org in (in_memory, via_csv):
        if org is not None and dataset_fingerprint(org) not in solved:
            solved.add(dataset_fingerprint(org))
            plan_checks(org)
