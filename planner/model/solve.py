"""Solve a scenario with CP-SAT and turn the solution into a checked :class:`~planner.plan.Plan`."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional

import pandas as pd
from ortools.sat.python import cp_model

from planner import __version__
from planner.checker import evaluate
from planner.domain import Organisation
from planner.io import dataset_fingerprint
from planner.model.build import build_model
from planner.model.problem import build_problem
from planner.plan import Kpis, LearningAssignment, Plan, PlanMeta, SlateEntry
from planner.scenario import Scenario, SolverConfig
from planner.scoring import OBJECTIVE_SCALE


@dataclass
class Progress:
    """What a live display shows while the solver runs (money units)."""

    objective: Optional[float]
    best_bound: Optional[float]
    gap: Optional[float]
    elapsed: float
    solutions: int


ProgressFn = Callable[[Progress], None]


def relative_gap(objective: Optional[float], bound: Optional[float]) -> Optional[float]:
    """(objective - bound) / max(|objective|, 1): 0 when proven optimal."""
    if objective is None or bound is None:
        return None
    return max(0.0, objective - bound) / max(abs(objective), 1.0)


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Relays progress to the caller and stops the search when asked."""

    def __init__(self, on_progress: Optional[ProgressFn], stop: Optional[threading.Event], started: float):
        super().__init__()
        self.on_progress, self.stop, self.started = on_progress, stop, started
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self.on_progress:
            obj, bound = self.objective_value / OBJECTIVE_SCALE, self.best_objective_bound / OBJECTIVE_SCALE
            self.on_progress(Progress(obj, bound, relative_gap(obj, bound), time.monotonic() - self.started, self.solutions))
        if self.stop is not None and self.stop.is_set():
            self.stop_search()


def solver_parameters(config: SolverConfig) -> cp_model.CpSolver:
    """A CP-SAT solver set up from the one config object."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = config.time_limit_seconds
    solver.parameters.num_workers = config.num_workers
    solver.parameters.random_seed = config.random_seed
    solver.parameters.relative_gap_limit = config.relative_gap_limit
    solver.parameters.log_search_progress = config.log_search_progress
    return solver


def input_fingerprint(org: Organisation, scenario: Scenario) -> str:
    """SHA-256 of the dataset's tables and the scenario's settings (its dataset path excluded)."""
    settings = scenario.model_dump(exclude={"dataset"})
    payload = dataset_fingerprint(org) + json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _target_roles(problem, slates: list[tuple[str, str, int]], starts: list[tuple[str, str, int]]) -> dict[tuple[str, str], str]:
    """For each (employee, intervention) taken, the slate role it prepares for: the best-ranked of the
    employee's slates whose unmet requirements (or their prerequisites) the intervention serves."""
    ranked = sorted(slates, key=lambda s: (s[2], s[1]))  # rank first
    out = {}
    for e, i, _ in starts:
        skills = {k for k, _, _ in problem.interventions[i].effects}
        mine = [(r, k) for (ee, r, k) in ranked if ee == e]
        serving = [r for r, _ in mine if any(s in skills for s, _ in problem.unmet[(e, r)])]
        out[(e, i)] = serving[0] if serving else (mine[0][0] if mine else None)
    return out


def solve(
    org: Organisation,
    scenario: Scenario,
    on_progress: Optional[ProgressFn] = None,
    stop: Optional[threading.Event] = None,
    scenario_file: Optional[str] = None,
) -> Plan:
    """Choose slates and schedule development for ``scenario`` on ``org``.

    Returns a :class:`Plan` whose readiness and KPIs are recomputed by the checker from the chosen
    decisions. Status OPTIMAL means proven best; FEASIBLE carries the gap to the proven bound;
    INFEASIBLE / UNKNOWN carry no decisions and a message saying why.
    """
    started = time.monotonic()
    problem = build_problem(org, scenario)
    built = build_model(problem)
    solver = solver_parameters(scenario.solver)
    watcher = _Watcher(on_progress, stop, started)
    code = solver.solve(built.model, watcher)
    status = solver.status_name(code)
    elapsed = time.monotonic() - started

    meta = PlanMeta(
        scenario=scenario.name,
        scenario_file=scenario_file,
        dataset=org.source,
        input_fingerprint=input_fingerprint(org, scenario),
        start=scenario.start,
        horizon_quarters=scenario.horizon_quarters,
        budget_total=scenario.budget.total,
        solver=scenario.solver.model_dump(),
        seed=scenario.solver.random_seed,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        planner_version=__version__,
        scenario_settings=scenario.model_dump(),
    )
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        empty = evaluate(org, scenario, pd.DataFrame(columns=["role_id", "rank", "employee_id"]),
                         pd.DataFrame(columns=["employee_id", "intervention_id", "start_quarter", "end_quarter", "cost"]))
        reason = {
            "INFEASIBLE": "the scenario's hard rules contradict each other",
            "UNKNOWN": f"no plan found within {scenario.solver.time_limit_seconds:g} s; raise solver.time_limit_seconds",
            "MODEL_INVALID": "the model is invalid (a bug: please report it with the scenario)",
        }.get(status, status)
        kpis = Kpis(**{k: v for k, v in empty.kpis.items() if k in Kpis.model_fields}, status=status, solve_seconds=elapsed)
        return Plan(meta=meta.model_copy(update={"message": reason}), kpis=kpis)

    value = solver.boolean_value
    starts = built.vars.chosen_starts(value)
    slates = built.vars.chosen_slates(value)
    targets = _target_roles(problem, slates, starts)
    learning = pd.DataFrame(
        [
            dict(employee_id=e, intervention_id=i, start_quarter=t, end_quarter=t + problem.interventions[i].duration - 1,
                 cost=problem.interventions[i].cost, target_role_id=targets[(e, i)])
            for e, i, t in sorted(starts, key=lambda s: (s[0], s[2], s[1]))
        ],
        columns=["employee_id", "intervention_id", "start_quarter", "end_quarter", "cost", "target_role_id"],
    )
    slate_df = pd.DataFrame(
        [dict(role_id=r, rank=k, employee_id=e) for e, r, k in sorted(slates, key=lambda s: (s[1], s[2]))],
        columns=["role_id", "rank", "employee_id"],
    )
    ev = evaluate(org, scenario, slate_df, learning)
    bound = solver.best_objective_bound / OBJECTIVE_SCALE
    objective = ev.objective
    kpis = Kpis(
        **ev.kpis,
        status=status,
        objective=round(objective, 2),
        best_bound=round(bound, 2),
        gap=relative_gap(objective, bound),
        solve_seconds=round(elapsed, 3),
        objective_parts={k: round(v, 2) for k, v in ev.objective_parts.items()},
    )
    return Plan(
        meta=meta,
        kpis=kpis,
        slates=[SlateEntry(role_id=s.role_id, rank=int(s.rank), employee_id=s.employee_id,
                           ready_quarter=None if pd.isna(s.ready_quarter) else int(s.ready_quarter), readiness=s.readiness)
                for s in ev.slates.itertuples(index=False)],
        learning=[LearningAssignment(**r) for r in learning.to_dict("records")],
    )
