"""Parameter sweeps: solve a scenario at each value of a numeric setting and return the frontier.

``planner sweep SCENARIO --budget 0:500000:11`` solves at 11 budgets from 0 to 500,000 and reports
coverage, total cost, training spend, external-hire cost and bench strength at each, so L&D sees
where the next euro stops paying. Any numeric setting can be swept by its dotted path
(``policy.bench_depth``, ``weights.external_hire``, ``budget.per_quarter``).

Each point is an independent task built from plain inputs (the scenario as a dict and the
organisation's tables), so it runs the same in this process, on a local process pool (the default)
or on a Dask distributed cluster (``address="tcp://host:port"``).
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from multiprocessing import get_context
from typing import Callable, Optional

import numpy as np
import pandas as pd

from planner.contract.domain import TABLES, Organisation
from planner.contract.scenario import Scenario

FRONTIER_COLUMNS = [
    "parameter", "value", "status", "coverage", "covered_roles", "critical_roles", "total_cost", "training_cost",
    "external_hire_cost", "bench_strength", "budget_used_share", "objective", "gap", "solve_seconds",
]


def parse_range(spec: str) -> list[float]:
    """'start:stop:count' -> count evenly spaced values from start to stop inclusive; 'a,b,c' -> those values."""
    try:
        if ":" in spec:
            start, stop, count = spec.split(":")
            n = int(count)
            if n < 1:
                raise ValueError
            return [float(v) for v in np.linspace(float(start), float(stop), n)]
        return [float(v) for v in spec.split(",")]
    except ValueError:
        raise ValueError(f"{spec!r} is not 'start:stop:count' (e.g. 0:500000:11) or a list 'a,b,c'") from None


def with_setting(settings: dict, path: str, value: float) -> dict:
    """A copy of the scenario settings with the dotted ``path`` set to ``value`` (whole numbers stay whole)."""
    keys = path.split(".")
    out = dict(settings)
    node = out
    for key in keys[:-1]:
        if not isinstance(node.get(key), dict):
            raise ValueError(f"unknown setting {path!r}")
        node[key] = dict(node[key])
        node = node[key]
    if keys[-1] not in node:
        raise ValueError(f"unknown setting {path!r}")
    node[keys[-1]] = int(value) if float(value).is_integer() and isinstance(node[keys[-1]], int) else value
    return out


def solve_point(task: dict) -> dict:
    """One sweep point from plain inputs: rebuild the organisation and scenario, solve, return the KPIs."""
    from planner.solver.solve import solve
    from planner.inputs.checks import build_organisation

    started = time.monotonic()
    org = build_organisation(task["tables"], source=task["source"])
    scenario = Scenario.model_validate(with_setting(task["scenario"], task["parameter"], task["value"]))
    plan = solve(org, scenario, deadline=started + task.get("at_once", 1) * scenario.solver.time_limit_seconds)
    row = {k: v for k, v in plan.kpis.model_dump().items() if k in FRONTIER_COLUMNS}
    return {**row, "parameter": task["parameter"], "value": task["value"]}


def sweep(
    scenario: Scenario,
    org: Organisation,
    parameter: str,
    values: list[float],
    workers: int = 2,
    address: Optional[str] = None,
    on_point: Optional[Callable[[dict], None]] = None,
) -> pd.DataFrame:
    """Solve ``scenario`` on ``org`` (changes applied) at each value of ``parameter``.

    ``workers`` processes run points in parallel (1 = in this process); ``address`` sends them to a
    Dask scheduler instead. ``on_point`` is called as each point finishes (for a progress bar).
    Returns the frontier, one row per value, in the order of ``values``.

    Points that run at once share the machine, so each gets the time limit times the number run at
    once in wall-clock time (its deterministic time is unchanged): a sweep's plans do not depend on
    whether it runs in this process, on a process pool or on a cluster.
    """
    settings = scenario.model_dump()
    with_setting(settings, parameter, values[0] if values else 0)  # fail fast on an unknown setting
    tables = {name: org.table(name) for name in TABLES if org.table(name) is not None}
    tasks = [dict(scenario=settings, tables=tables, source=org.source, parameter=parameter, value=v) for v in values]
    rows = []

    def done(row: dict) -> None:
        rows.append(row)
        if on_point:
            on_point(row)

    if address:
        from dask.distributed import Client, as_completed as dask_completed

        with Client(address, timeout="30s") as client:
            at_once = max(1, min(len(tasks), len(client.scheduler_info().get("workers", {}))))
            for future in dask_completed(client.map(solve_point, [dict(t, at_once=at_once) for t in tasks], pure=False)):
                done(future.result())
    elif workers <= 1:
        for task in tasks:
            done(solve_point(task))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            at_once = min(workers, len(tasks))
            for future in as_completed([pool.submit(solve_point, dict(t, at_once=at_once)) for t in tasks]):
                done(future.result())
    order = {v: i for i, v in enumerate(values)}
    frame = pd.DataFrame(rows, columns=FRONTIER_COLUMNS)
    return frame.sort_values("value", key=lambda s: s.map(order)).reset_index(drop=True)


def save_frontier(workspace: str | Path, scenario_name: str, parameter: str, frontier: pd.DataFrame) -> Path:
    """Write the frontier to ``<workspace>/sweeps/<scenario>--<parameter>.csv`` atomically (temp file,
    fsync, rename), where the app's Compare page finds it."""
    from planner.contract.tables import write_table
    from planner.contract.paths import check_name

    check_name(scenario_name, "scenario name")
    folder = Path(workspace) / "sweeps"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{scenario_name}--{re.sub(r'[^A-Za-z0-9_.]', '_', parameter)}.csv"
    return write_table(frontier, target)


def load_frontiers(workspace: str | Path) -> dict[str, pd.DataFrame]:
    """Every saved frontier of a workspace, by file stem."""
    folder = Path(workspace) / "sweeps"
    return {f.stem: pd.read_csv(f) for f in sorted(folder.glob("*.csv"))} if folder.is_dir() else {}
