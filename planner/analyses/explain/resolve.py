"""Re-solves of the scenario with the budget, seats, hours, one role's coverage or the overrides relaxed, cached."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.plan import Plan
from planner.contract.scenario import Budget, Scenario
from planner.inputs.checks import replace_tables
from planner.problem.scoring import need_quarter
from planner.analyses.explain.models import SolveEvidence
from planner.analyses.explain.facts import rank_one_ready


@dataclass
class Outcome:
    plan: Plan
    covered: set[str]
    what: str
    budget: float
    total_cost: float  # on the real data (a forced role's prohibitive external cost never counts)

    def evidence(self, role: str) -> SolveEvidence:
        k = self.plan.kpis
        return SolveEvidence(what=self.what, budget=self.budget, status=k.status, role_covered=role in self.covered,
                             covered_roles=len(self.covered), training_cost=k.training_cost, total_cost=self.total_cost)


class Resolver:
    """Re-solves of the scenario with the budget, seats, hours, one role's coverage or the overrides
    changed, cached by what was changed."""

    def __init__(self, org: Organisation, scenario: Scenario, time_limit_seconds: Optional[float] = None):
        self.org, self.scenario = org, scenario
        self.time_limit = time_limit_seconds
        self.need = {r: int(q) for r, q in need_quarter(org.critical_roles, scenario.horizon_quarters).items()}
        self.external = dict(zip(org.critical_roles["role_id"], org.critical_roles["external_hire_cost"].astype(float)))
        costs = float(org.interventions["cost"].sum())
        self.unlimited = float(math.ceil(costs * max(len(org.employees), 1) + 1))
        self.all_hours = float(org.interventions["hours_per_quarter"].sum())
        w = scenario.weights
        self.prohibitive = 10.0 * (float(org.critical_roles["external_hire_cost"].sum()) * max(w.external_hire, 1.0)
                                   + self.unlimited * max(w.training_spend, 1.0)
                                   + (w.ready_successor + w.candidate_quality + w.aspiration) * 100 * len(org.roles)
                                   + w.early_development * 100 * len(org.employees)) + 1e6
        self.cache: dict[tuple, Outcome] = {}

    def run(self, budget: Optional[float] = None, per_quarter="same", seats=(), hours=(), force: Optional[str] = None,
            overrides: bool = True, what: str = "") -> Outcome:
        budget = self.scenario.budget.total if budget is None else float(budget)
        pq = self.scenario.budget.per_quarter if per_quarter == "same" else per_quarter
        seats_key = seats if seats == "all" else tuple(sorted(seats))
        hours_key = hours if hours == "all" else tuple(sorted(hours))
        key = (round(budget, 6), pq, seats_key, hours_key, force, overrides)
        if key in self.cache:
            return self.cache[key]
        from planner.workflow import solve

        org = self.org
        if seats_key:
            iv = org.interventions.copy()
            free = iv["intervention_id"].isin(set(iv["intervention_id"]) if seats == "all" else set(seats_key))
            iv["seats_per_quarter"] = iv["seats_per_quarter"].astype("Int64").mask(free, pd.NA)
            org = replace_tables(org, interventions=iv)
        if hours_key:
            emp = org.employees.copy()
            more = emp["employee_id"].isin(set(emp["employee_id"]) if hours == "all" else set(hours_key))
            emp["learning_hours_per_quarter"] = emp["learning_hours_per_quarter"].where(
                ~more, emp["learning_hours_per_quarter"].clip(lower=self.all_hours))
            org = replace_tables(org, employees=emp)
        if force:
            roles = org.roles.copy()
            roles.loc[roles["role_id"] == force, "external_hire_cost"] = self.prohibitive
            org = replace_tables(org, roles=roles)
        update = {"budget": Budget(total=budget, per_quarter=pq)}
        if self.time_limit is not None:
            update["solver"] = self.scenario.solver.model_copy(update={"time_limit_seconds": self.time_limit})
        if not overrides:
            update.update(pins=[], vetoes=[], locks=[])
        scenario = self.scenario.model_copy(update=update, deep=True)
        plan = solve(scenario, org)
        covered = rank_one_ready(plan, self.need) if plan.has_solution else set()
        total = plan.kpis.training_cost + sum(c for r, c in self.external.items() if r not in covered)
        out = Outcome(plan, covered, what or "re-solve", budget, total)
        self.cache[key] = out
        return out

    def known(self, per_quarter, lo: float, hi: float) -> list[tuple[float, Outcome]]:
        """Cached re-solves that changed only the budget, with budgets strictly between lo and hi."""
        out = []
        for (b, pq, seats, hours, force, overrides), o in self.cache.items():
            if pq == per_quarter and not seats and not hours and force is None and overrides and lo < b < hi:
                out.append((b, o))
        return sorted(out, key=lambda x: x[0])
