"""The app's background solve (planner.workflow) and its progress as a table."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.scenario import Scenario
from planner.workflow import Destination, SolveRun


def solve_run(scenario: Scenario, org: Organisation, workspace: Path, scenario_file: str,
              plan_name: Optional[str] = None) -> SolveRun:
    """The app's solve (planner.workflow): on a background thread, checked, then saved in the
    workspace's plan store as ``plan_name`` (or the default name). Call ``.start()`` on it."""
    return SolveRun(scenario, org, Destination(workspace=Path(workspace), name=plan_name), scenario_file=scenario_file)


def progress_frame(points: list, run: Optional[SolveRun] = None) -> pd.DataFrame:
    """The solver's progress as rows: elapsed seconds, best plan's money cost (column ``objective``), the
    money bound, the money gap; with a finished ``run`` that has a plan, a last row with its final figures."""
    rows = [dict(elapsed=p.elapsed, objective=p.objective, bound=p.best_bound, gap=p.gap, plans=p.solutions)
            for p in points]
    if run is not None and not run.running and run.plan is not None and run.plan.has_solution and rows:
        k = run.plan.kpis
        rows.append(dict(elapsed=max(k.solve_seconds, rows[-1]["elapsed"]), objective=k.money_cost, bound=k.best_bound,
                         gap=k.gap, plans=rows[-1]["plans"]))
    return pd.DataFrame(rows, columns=["elapsed", "objective", "bound", "gap", "plans"])
