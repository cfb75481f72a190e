"""The CP-SAT search: its settings from the one config object, and the watcher that relays progress
(plans found, bound, gap) to the caller and stops the search when asked."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional

from ortools.sat.python import cp_model

from planner.contract.scenario import SolverConfig
from planner.problem.scoring import OBJECTIVE_SCALE


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


class Watcher(cp_model.CpSolverSolutionCallback):
    """Relays progress to the caller on every new plan and every bound improvement, and stops the
    search as soon as ``stop`` is set (even while the solver is only proving optimality).

    Progress is always about money: ``money`` is the expression of the money terms, whose value is
    reported as the plan's; the bound is CP-SAT's own (when it minimises money over the full
    problem) or ``valid_bound`` (a money bound from elsewhere: the relaxation, or the first phase's
    when the second orders tie-breaks)."""

    def __init__(self, on_progress: Optional[ProgressFn], stop: Optional[threading.Event], started: float,
                 money, valid_bound: Optional[float] = None):
        super().__init__()
        self.on_progress, self.stop, self.started = on_progress, stop, started
        self.money = money
        self.valid_bound = valid_bound
        self.solutions = 0
        self.objective: Optional[float] = None
        self.bound: Optional[float] = valid_bound

    def on_solution_callback(self) -> None:
        self.solutions += 1
        self.objective = (self.money if isinstance(self.money, int) else self.value(self.money)) / OBJECTIVE_SCALE
        if self.valid_bound is None:
            self.bound = self.best_objective_bound / OBJECTIVE_SCALE
        self._report()
        if self.stop is not None and self.stop.is_set():
            self.stop_search()

    def on_bound(self, bound: float) -> None:
        if self.valid_bound is None:
            self.bound = bound / OBJECTIVE_SCALE
            self._report()

    def _report(self) -> None:
        if self.on_progress:
            self.on_progress(Progress(self.objective, self.bound, relative_gap(self.objective, self.bound),
                                      time.monotonic() - self.started, self.solutions))

    def run(self, solver: cp_model.CpSolver, model: cp_model.CpModel) -> int:
        """Solve, with a helper thread that turns a set ``stop`` event into ``solver.stop_search()`` once a
        plan exists (before that, the first plan's callback stops the search)."""
        solver.best_bound_callback = self.on_bound
        done = threading.Event()

        def watch_stop() -> None:  # CP-SAT aborts if stopped before its first plan: that one stops itself
            while not done.wait(0.2):
                if self.stop.is_set() and self.solutions > 0:
                    solver.stop_search()
                    return

        guard = threading.Thread(target=watch_stop, daemon=True) if self.stop is not None else None
        if guard:
            guard.start()
        try:
            return solver.solve(model, self)
        finally:
            done.set()


def solver_parameters(config: SolverConfig, wall_seconds: float, deterministic_seconds: Optional[float] = None) -> cp_model.CpSolver:
    """A CP-SAT solver set up from the one config object, for a search of at most ``wall_seconds``
    (what the time limit leaves it). Deterministic, the search also stops after
    ``deterministic_seconds`` of deterministic time (default: the time limit), which is what makes
    its plan independent of the machine's load when that limit comes first."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, wall_seconds)
    if config.deterministic:
        solver.parameters.interleave_search = True
        solver.parameters.max_deterministic_time = max(0.01, config.time_limit_seconds if deterministic_seconds is None
                                                       else deterministic_seconds)
    solver.parameters.num_workers = config.num_workers
    solver.parameters.random_seed = config.random_seed
    solver.parameters.relative_gap_limit = config.relative_gap_limit
    solver.parameters.log_search_progress = config.log_search_progress
    return solver
