"""What every question reads: the reach of each candidate from the catalogue alone, and the plan's facts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from planner.evaluation.replay import PlanContext
from planner.contract.domain import Organisation
from planner.problem.instance import InterventionInfo, Problem, build_problem, last_start
from planner.contract.plan import Plan
from planner.contract.scenario import Scenario
from planner.problem.scoring import aspiration_pairs, candidate_quality
from planner.analyses.explain.models import Gap, INF, Target


class Reach:
    """Earliest levels and cheapest development from the intervention catalogue, per employee.

    Respects start windows, durations, prerequisite chains (each effect's min_level), the horizon and
    a known leave_quarter; ignores budget, seats and learning hours. A level counts from the quarter
    after an intervention ends, as in the model and the checker. With ``personal`` it also drops, per
    person, interventions they can never take: more hours a quarter than they have, or no seats at all
    (as the model does); shared limits (budget, seats taken by others) stay ignored."""

    def __init__(self, problem: Problem, org: Organisation, personal: bool = False):
        self.problem = problem
        self.personal = personal
        self.horizon = problem.horizon
        self.leave = org.employees.set_index("employee_id")["leave_quarter"].dropna().astype(int).to_dict()
        self.by_skill: dict[str, list[tuple[InterventionInfo, int]]] = defaultdict(list)
        for info in problem.interventions.values():
            for k, _, to in info.effects:
                self.by_skill[k].append((info, to))
        self._earliest: dict[str, dict[Target, int]] = {}
        self._cheapest: dict[tuple[str, str, int, int], Optional[frozenset]] = {}

    def level_now(self, e: str, k: str) -> int:
        return self.problem.level_now(e, k)

    def usable(self, e: str, info: InterventionInfo) -> bool:
        return not self.personal or (info.hours <= self.problem.hours.get(e, 0.0) and info.seats != 0)

    def _last_start(self, e: str, info: InterventionInfo, finish_by: int) -> int:
        return last_start(info, finish_by, self.horizon, self.leave.get(e)) if self.usable(e, info) else -1

    def earliest(self, e: str) -> dict[Target, int]:
        """(skill, level) -> earliest quarter at whose start ``e`` can hold it (levels above today's only)."""
        if e in self._earliest:
            return self._earliest[e]
        avail: dict[Target, int] = {}

        def get(k: str, lv: int) -> float:
            return 0 if self.level_now(e, k) >= lv else avail.get((k, lv), INF)

        changed = True
        while changed:
            changed = False
            for info in self.problem.interventions.values():
                if not info.effects:
                    continue
                t0 = max([info.earliest] + [get(k, lo) for k, lo, _ in info.effects])
                if t0 == INF or t0 > self._last_start(e, info, self.horizon):
                    continue
                done = int(t0) + info.duration
                for k, _, to in info.effects:
                    for lv in range(self.level_now(e, k) + 1, to + 1):
                        if done < avail.get((k, lv), INF):
                            avail[(k, lv)] = done
                            changed = True
        self._earliest[e] = avail
        return avail

    def reach(self, e: str, k: str, by: int) -> int:
        """Highest level of ``k`` that ``e`` can hold at the start of quarter ``by``."""
        avail = self.earliest(e)
        best = self.level_now(e, k)
        for lv in range(best + 1, 6):
            if avail.get((k, lv), INF) <= by:
                best = lv
        return best

    def ready_quarter(self, e: str, reqs: list[Target]) -> Optional[int]:
        """Earliest quarter ``e`` can meet every requirement; None if not within the horizon."""
        q = max([0] + [0 if self.level_now(e, k) >= lv else self.earliest(e).get((k, lv), INF) for k, lv in reqs])
        return int(q) if q <= self.horizon else None

    def cheapest_chain(self, e: str, k: str, lv: int, by: int) -> Optional[frozenset]:
        """Cheapest set of (intervention, start) giving ``e`` level ``lv`` of ``k`` by the start of ``by``."""
        if self.level_now(e, k) >= lv:
            return frozenset()
        key = (e, k, lv, by)
        if key in self._cheapest:
            return self._cheapest[key]
        best, best_cost = None, INF
        for info, to in self.by_skill.get(k, ()):
            if to < lv:
                continue
            s = self._last_start(e, info, by)  # the latest start leaves most time for prerequisites
            if s < info.earliest:
                continue
            chosen = {(info.intervention_id, s)}
            for k2, lo, _ in info.effects:
                if self.level_now(e, k2) < lo:
                    sub = self.cheapest_chain(e, k2, lo, s)
                    if sub is None:
                        break
                    chosen |= sub
            else:
                cost = self.cost_of(chosen)
                if cost < best_cost:
                    best, best_cost = frozenset(chosen), cost
        self._cheapest[key] = best
        return best

    def cost_of(self, chosen) -> float:
        return sum(self.problem.interventions[i].cost for i in {i for i, _ in chosen})

    def cheapest(self, e: str, reqs: list[Target], by: int) -> Optional[tuple[float, list[tuple[str, int]]]]:
        """(cost, [(intervention, start)]) of the cheapest development meeting every requirement by ``by``."""
        chosen: set = set()
        for k, lv in reqs:
            chain = self.cheapest_chain(e, k, lv, by)
            if chain is None:
                return None
            chosen |= chain
        first: dict[str, int] = {}
        for i, s in chosen:
            first[i] = min(first.get(i, s), s)
        return self.cost_of(chosen), sorted(first.items(), key=lambda x: (x[1], x[0]))


# ==========================================================================================
# Shared facts
# ==========================================================================================


@dataclass
class Facts:
    org: Organisation
    scenario: Scenario
    plan: Plan
    ctx: PlanContext
    problem: Problem
    reach: Reach  # the catalogue alone
    dev: Reach  # the catalogue, less what each person can never take (their hours, zero seats)
    need: dict[str, int]
    skill_name: dict[str, str]
    roles: pd.DataFrame
    employees: pd.DataFrame
    quality: pd.Series
    aspires: set
    vetoed: set

    @classmethod
    def of(cls, org: Organisation, scenario: Scenario, plan: Plan) -> "Facts":
        ctx = PlanContext(org, scenario, plan.slates_df(), plan.learning_df())
        problem = build_problem(org, scenario)
        return cls(
            org=org, scenario=scenario, plan=plan, ctx=ctx, problem=problem, reach=Reach(problem, org),
            dev=Reach(problem, org, personal=True),
            need={r: int(q) for r, q in problem.need.items()},
            skill_name=dict(zip(org.skills["skill_id"], org.skills["name"])),
            roles=org.roles.set_index("role_id"), employees=org.employees.set_index("employee_id"),
            quality=candidate_quality(org.employees), aspires=aspiration_pairs(org.employees, org.roles),
            vetoed={(v.employee_id, v.role_id) for v in scenario.vetoes},
        )

    def label(self, q: int) -> str:
        return self.scenario.quarter_label(q)

    def candidates(self, role: str) -> list[str]:
        """Eligible for the role's slate: eligible pairs of the problem, vetoes removed."""
        pairs = self.problem.pairs
        return [e for e in pairs.loc[pairs["role_id"] == role, "employee_id"] if (e, role) not in self.vetoed]

    def gap(self, e: str, k: str, lv: int, at: Optional[int] = None) -> Gap:
        have = self.reach.level_now(e, k) if at is None else self.ctx.level(e, k, at)
        return Gap(skill_id=k, skill=self.skill_name.get(k, k), level=have, required=lv)

    def reqs(self, role: str) -> list[Target]:
        return self.ctx.requirements.get(role, [])


def rank_one_ready(plan: Plan, need: dict[str, int]) -> set[str]:
    """Roles whose first successor is ready by the need quarter in ``plan``."""
    return {s.role_id for s in plan.slates
            if s.rank == 1 and s.ready_quarter is not None and s.role_id in need and s.ready_quarter <= need[s.role_id]}
