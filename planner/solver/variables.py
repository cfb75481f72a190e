"""The decision variables, behind methods named for what they mean; every variable's name is built
from domain IDs (``start[E00042,I-FIN-101,q3]``) so a model dump or a log reads as the plan does."""

from __future__ import annotations

from ortools.sat.python import cp_model

from planner.problem.instance import Problem


class Variables:
    """Intervention starts, slate positions and readiness of the candidate pairs of a problem."""

    def __init__(self, model: cp_model.CpModel, problem: Problem):
        self.problem = problem
        self.depth = problem.scenario.policy.bench_depth
        self._start = {
            (e, i, t): model.new_bool_var(f"start[{e},{i},q{t}]")
            for (e, i), quarters in problem.starts.items()
            for t in quarters
        }
        self._slate = {
            (e, r, k): model.new_bool_var(f"slate[{r},#{k},{e}]")
            for e, r in zip(problem.pairs["employee_id"], problem.pairs["role_id"])
            for k in range(1, self.depth + 1)
        }
        self._ready: dict[tuple[str, str], cp_model.IntVar | int] = {}
        self._ready_on_slate: dict[tuple[str, str, int], cp_model.IntVar] = {}
        for e, r, reachable in zip(problem.pairs["employee_id"], problem.pairs["role_id"], problem.pairs["reachable"]):
            if not problem.unmet[(e, r)]:
                self._ready[(e, r)] = 1  # meets every requirement today
            elif reachable:
                self._ready[(e, r)] = model.new_bool_var(f"ready[{e},{r}]")
            else:
                self._ready[(e, r)] = 0
            ready = self._ready[(e, r)]
            for k in range(1, self.depth + 1):
                if isinstance(ready, int):
                    if ready == 1:
                        self._ready_on_slate[(e, r, k)] = self._slate[(e, r, k)]
                else:
                    self._ready_on_slate[(e, r, k)] = model.new_bool_var(f"ready_on_slate[{r},#{k},{e}]")
        self._need = {
            r: [(q, model.new_bool_var(f"need[{r},q{q}]")) for q in quarters] for r, quarters in problem.possible_needs.items()
        }
        self._by_employee_intervention: dict[tuple[str, str], list] = {}
        for (e, i, t), var in self._start.items():
            self._by_employee_intervention.setdefault((e, i), []).append((t, var))

    # --- learning -------------------------------------------------------------------------------
    def starts(self):
        """Every ((employee, intervention, quarter), var)."""
        return self._start.items()

    def starts_of(self, employee: str, intervention: str) -> list[tuple[int, cp_model.IntVar]]:
        """(quarter, var) of each possible start of ``intervention`` by ``employee``."""
        return self._by_employee_intervention.get((employee, intervention), [])

    def start(self, employee: str, intervention: str, quarter: int) -> cp_model.IntVar | None:
        return self._start.get((employee, intervention, quarter))

    # --- slates ---------------------------------------------------------------------------------
    def slate_entries(self):
        """Every ((employee, role, rank), var)."""
        return self._slate.items()

    def slate(self, employee: str, role: str, rank: int) -> cp_model.IntVar | None:
        return self._slate.get((employee, role, rank))

    def ready(self, employee: str, role: str) -> cp_model.IntVar | int:
        """1 / 0 when readiness is decided by the data; else a variable true only if the plan makes them ready in time."""
        return self._ready[(employee, role)]

    def ready_decisions(self):
        """Every ((employee, role), var) whose readiness the plan decides."""
        return ((key, v) for key, v in self._ready.items() if not isinstance(v, int))

    def ready_on_slate(self, employee: str, role: str, rank: int) -> cp_model.IntVar | None:
        """True only if the employee holds ``rank`` on the slate and is ready when the role is needed."""
        return self._ready_on_slate.get((employee, role, rank))

    def ready_on_slate_entries(self):
        return self._ready_on_slate.items()

    # --- backfill cascades ----------------------------------------------------------------------
    def need_options(self, role: str) -> list[tuple[int, cp_model.IntVar]]:
        """(quarter, var) for each quarter a role's effective need can take; empty when it is fixed."""
        return self._need.get(role, [])

    def need(self, role: str) -> cp_model.LinearExprT:
        """The role's effective need quarter: its own, or earlier when its incumbent moves up."""
        options = self._need.get(role)
        return sum(q * var for q, var in options) if options else self.problem.need[role]

    # --- results --------------------------------------------------------------------------------
    def chosen_starts(self, value) -> list[tuple[str, str, int]]:
        return sorted(key for key, var in self._start.items() if value(var))

    def chosen_slates(self, value) -> list[tuple[str, str, int]]:
        return sorted(key for key, var in self._slate.items() if value(var))

    def hint(self, model: cp_model.CpModel, starts: set[tuple[str, str, int]], slates: set[tuple[str, str, int]],
             ready_quarter: dict[tuple[str, str], int], need: dict[str, int]) -> None:
        """Give CP-SAT a complete hint (a known plan): every start, slate, readiness and need variable
        gets a value. ``ready_quarter``: (employee, role) -> first quarter ready, for slate entries;
        ``need``: role -> effective need quarter under that plan."""
        for key, var in self._start.items():
            model.add_hint(var, key in starts)
        for key, var in self._slate.items():
            model.add_hint(var, key in slates)
        for (e, r), var in self.ready_decisions():
            model.add_hint(var, ready_quarter.get((e, r), self.problem.horizon + 1) <= self.problem.need[r])
        for (e, r, k), var in self._ready_on_slate.items():
            if var is not self._slate[(e, r, k)]:
                model.add_hint(var, (e, r, k) in slates and ready_quarter.get((e, r), self.problem.horizon + 1) <= need[r])
        for r, options in self._need.items():
            for q, var in options:
                model.add_hint(var, q == need[r])
