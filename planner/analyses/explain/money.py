"""What more money would buy: re-solves with the budget raised."""

from __future__ import annotations

from typing import Optional, Sequence

import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.plan import Plan
from planner.contract.scenario import Scenario
from planner.analyses.explain.facts import rank_one_ready
from planner.analyses.explain.resolve import Resolver


MARGINAL_COLUMNS = ["step", "budget", "extra_budget", "status", "covered_roles", "extra_roles_covered", "coverage",
                    "training_cost", "external_hire_cost", "total_cost", "total_cost_change", "newly_covered",
                    "no_longer_covered"]


def marginal_value_of_money(org: Organisation, scenario: Scenario, plan: Plan, steps: Sequence[float] = (0.10, 0.25, 0.50),
                            time_limit_seconds: Optional[float] = None) -> pd.DataFrame:
    """Re-solve with the budget (total, and the per-quarter cap if set) raised by each step (0.10 = +10%).
    One row per step, plus the plan itself as step 0: extra budget, covered roles, extra roles covered,
    total cost and its change against the plan, and which roles gain or lose coverage (more money can
    move a ready successor from one role to a more valuable one)."""
    res = Resolver(org, scenario, time_limit_seconds)
    base_covered = rank_one_ready(plan, res.need)
    k = plan.kpis
    rows = [dict(step=0.0, budget=scenario.budget.total, extra_budget=0.0, status=k.status, covered_roles=len(base_covered),
                 extra_roles_covered=0, coverage=k.coverage, training_cost=k.training_cost,
                 external_hire_cost=k.external_hire_cost, total_cost=k.total_cost, total_cost_change=0.0, newly_covered="",
                 no_longer_covered="")]
    pq = scenario.budget.per_quarter
    for step in steps:
        total = scenario.budget.total * (1 + step)
        o = res.run(budget=total, per_quarter=None if pq is None else pq * (1 + step), what=f"budget +{step:.0%}")
        kk = o.plan.kpis
        rows.append(dict(step=float(step), budget=total, extra_budget=total - scenario.budget.total, status=kk.status,
                         covered_roles=len(o.covered), extra_roles_covered=len(o.covered) - len(base_covered),
                         coverage=kk.coverage, training_cost=kk.training_cost, external_hire_cost=kk.external_hire_cost,
                         total_cost=kk.total_cost, total_cost_change=kk.total_cost - k.total_cost,
                         newly_covered=";".join(sorted(o.covered - base_covered)),
                         no_longer_covered=";".join(sorted(base_covered - o.covered))))
    return pd.DataFrame(rows, columns=MARGINAL_COLUMNS)
