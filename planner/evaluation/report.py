"""The checker's verdict: :func:`evaluate` (every hard rule, readiness, KPIs and objective parts of a
plan) and :func:`check_plan` (that, compared with what the plan reports and with the solver's own
objective parts). It knows nothing of the solver: it imports no OR-Tools and no model code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pandas as pd
from pydantic import BaseModel, Field

from planner.contract.domain import Organisation
from planner.contract.plan import CASCADE_COLUMNS, Plan, readiness_category
from planner.contract.scenario import Scenario
from planner.evaluation.replay import PlanContext, backfill_chains
from planner.evaluation.checks import HARD_CHECKS, Violation
from planner.evaluation.workforce import check_workforce
from planner.evaluation.parts import OBJECTIVE_PARTS, READINESS_PARTS, money_of, part_key


@dataclass
class Evaluation:
    violations: list[Violation]
    slates: pd.DataFrame  # with ready_quarter and readiness recomputed
    kpis: dict
    objective_parts: dict[str, float]
    covered: dict[str, bool] = field(default_factory=dict)
    cascades: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CASCADE_COLUMNS))

    @property
    def objective(self) -> float:
        return sum(self.objective_parts.values())

    @property
    def ok(self) -> bool:
        return not self.violations


def with_readiness(ctx: PlanContext) -> pd.DataFrame:
    """The plan's slates with ready_quarter, readiness, need_quarter and ready_when_needed recomputed."""
    slates = ctx.slates.copy()
    slates["ready_quarter"] = pd.array(ctx.slate_ready_quarters, dtype="Int64")
    slates["readiness"] = [readiness_category(None if pd.isna(q) else int(q)) for q in slates["ready_quarter"]]
    slates["need_quarter"] = slates["role_id"].map(ctx.need)
    slates["ready_when_needed"] = slates["ready_quarter"].notna() & (slates["ready_quarter"] <= slates["need_quarter"])
    slates["ready_when_needed"] = slates["ready_when_needed"].fillna(False).astype(bool)
    return slates


def _kpis(ctx: PlanContext, slates: pd.DataFrame, chains: pd.DataFrame) -> dict:
    """The plan's KPIs from its slates (readiness recomputed), learning and backfill chains."""
    critical = ctx.critical_roles
    first = slates[slates["rank"] == 1]
    covered_ids = set(first.loc[first["ready_when_needed"], "role_id"])
    training = float(ctx.learning["cost"].sum())
    external = float(critical.loc[~critical["role_id"].isin(covered_ids), "external_hire_cost"].sum())
    n_crit = len(critical)
    ready_entries = int(slates["ready_when_needed"].sum())
    first_ready = first[first["ready_quarter"].notna()]
    lengths = chains.groupby("chain").size() if len(chains) else pd.Series(dtype=int)
    return dict(
        critical_roles=n_crit,
        covered_roles=len(covered_ids),
        coverage=len(covered_ids) / n_crit if n_crit else 0.0,
        training_cost=training,
        external_hire_cost=external,
        total_cost=training + external,
        bench_strength=ready_entries / n_crit if n_crit else 0.0,
        budget_used_share=training / ctx.scenario.budget.total if ctx.scenario.budget.total else 0.0,
        successors=len(slates),
        ready_now=int((slates["ready_quarter"] == 0).sum()),
        avg_quarters_to_ready=float(first_ready["ready_quarter"].mean()) if len(first_ready) else None,
        cost_per_ready_successor=training / ready_entries if ready_entries else None,
        cascade_chains=int(len(lengths)),
        longest_cascade=int(lengths.max()) if len(lengths) else 0,
    )


def evaluate(org: Organisation, scenario: Scenario, slates: pd.DataFrame, learning: pd.DataFrame,
             baseline: Optional[dict] = None, cascades: Optional[pd.DataFrame] = None) -> Evaluation:
    """Re-check every hard rule and recompute readiness, KPIs and each objective part of a plan
    (``baseline``: the decisions of the plan it re-plans, as kept in PlanMeta.baseline; ``cascades``:
    the backfill chains the plan reports, checked when given). Phases: hard rules, readiness,
    KPIs, objective parts."""
    ctx = PlanContext(org, scenario, slates.reset_index(drop=True), learning.reset_index(drop=True),
                      baseline=baseline, reported_cascades=cascades)
    violations = [v for check in HARD_CHECKS for v in check(ctx)]
    scored = with_readiness(ctx)
    chains = backfill_chains(ctx)
    covered_ids = set(scored.loc[(scored["rank"] == 1) & scored["ready_when_needed"], "role_id"])
    covered = {r: r in covered_ids for r in ctx.critical_roles["role_id"]}
    parts = {part_key(part): part(ctx, scored) for part in OBJECTIVE_PARTS}
    return Evaluation(violations, scored, _kpis(ctx, scored, chains), parts, covered, chains)


class CheckReport(BaseModel):
    """The checker's verdict on a plan."""

    ok: bool = Field(description="No hard rule broken and the reported figures match the recomputed ones.")
    violations: list[Violation] = Field(default_factory=list, description="Broken hard rules.")
    mismatches: list[str] = Field(default_factory=list, description="Reported figures that differ from the recomputed ones.")
    kpis: dict = Field(default_factory=dict, description="KPIs recomputed from the plan.")
    objective: float = Field(default=0.0, description="Objective recomputed from the plan.")


def _rounding_tolerance(plan: Plan) -> float:
    """How far two honest computations of an objective part may differ (money units): the solver
    rounds each term to hundredths, so half a hundredth per term it may hold, and a hundredth more."""
    baseline = plan.meta.baseline or {}
    terms = (len(plan.slates) + len(plan.learning) + plan.kpis.critical_roles + 1
             + len(baseline.get("slates", [])) + len(baseline.get("learning", [])))
    return 0.005 * terms + 0.01


def _part_mismatches(recomputed: dict[str, float], reported: dict[str, float], source: str, tolerance: float) -> list[str]:
    """Objective parts of ``source`` (the plan's reported parts, or the solver's own) that differ from
    the checker's. Parts that follow from readiness may come out lower in the checker than in the
    solver, which may leave a successor unmarked as ready in a plan it has not proven optimal."""
    out = []
    for key, value in recomputed.items():
        got = reported.get(key)
        if got is None and abs(value) <= tolerance:
            continue  # a part the plan predates (policy.fairness's), worth nothing here
        if got is None:
            out.append(f"objective part {key}: {source} gives none, recomputed {value:.2f}")
        elif value > got + tolerance or (key not in READINESS_PARTS and value < got - tolerance):
            out.append(f"objective part {key}: {source} {got:.2f}, recomputed {value:.2f}")
    return out


def check_plan(org: Organisation, scenario: Scenario, plan: Plan) -> CheckReport:
    """Re-check a plan: every hard rule (its reported readiness and cascades included), every KPI it
    reports, and each objective part against the checker's own, the plan's reported one and, for a
    plan CP-SAT produced, the solver's own value of it (``kpis.solver_objective_parts``)."""
    if not plan.has_solution:
        return CheckReport(ok=not plan.slates and not plan.learning,
                           mismatches=[] if not plan.slates and not plan.learning else
                           [f"status {plan.kpis.status} but the plan has slates or learning"])
    ev = evaluate(org, scenario, plan.slates_df(), plan.learning_df(), plan.meta.baseline, cascades=plan.cascades_df())
    mismatches = []
    reported_kpis = plan.kpis.model_dump()
    for key, value in ev.kpis.items():
        got = reported_kpis.get(key)
        if (value is None) != (got is None) or (value is not None and abs(float(got) - float(value)) > 1e-6 * max(1.0, abs(value))):
            mismatches.append(f"kpi {key}: reported {got}, recomputed {value}")
    tolerance = _rounding_tolerance(plan)
    if plan.kpis.objective_parts:
        mismatches += _part_mismatches(ev.objective_parts, plan.kpis.objective_parts, "reported", tolerance)
    if plan.kpis.solver_objective_parts is not None:
        mismatches += _part_mismatches(ev.objective_parts, plan.kpis.solver_objective_parts, "the solver", tolerance)
    if plan.kpis.objective is not None:
        if ev.objective > plan.kpis.objective + tolerance:
            mismatches.append(f"objective: reported {plan.kpis.objective:.2f}, recomputed {ev.objective:.2f} is worse")
    money = money_of(ev.objective_parts)
    if plan.kpis.money_cost is not None and abs(plan.kpis.money_cost - money) > tolerance:
        mismatches.append(f"money cost: reported {plan.kpis.money_cost:.2f}, recomputed {money:.2f}")
    if plan.kpis.best_bound is not None and money < plan.kpis.best_bound - tolerance:
        mismatches.append(f"money cost {money:.2f} is below the reported bound {plan.kpis.best_bound:.2f}")
    workforce_violations, workforce_mismatches = check_workforce(org, scenario, plan)
    violations, mismatches = ev.violations + workforce_violations, mismatches + workforce_mismatches
    return CheckReport(ok=not violations and not mismatches, violations=violations, mismatches=mismatches,
                       kpis=ev.kpis, objective=ev.objective)
