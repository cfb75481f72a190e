"""The objective recomputed from the plan alone: one ``part_<rule>`` per soft rule, in money units
(``OBJECTIVE_PARTS``), each comparable with the solver's own value of that part."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pandas as pd

from planner.problem.scoring import (aspiration_pairs, candidate_quality, expected_hire_cost, loss_share, need_quarter,
                                     rank_factor)
from planner.evaluation.replay import PlanContext, stability_cost
from planner.problem.fairness import fairness_targets, group_members, shortfall


# ------------------------------------------------------------------------------------------
# Soft rules: each objective part recomputed from the plan alone, in money units, with the
# signature ``part_<rule>(ctx, slates) -> float`` (``slates`` with readiness recomputed).
# ------------------------------------------------------------------------------------------

Part = Callable[[PlanContext, pd.DataFrame], float]


def _rank_factors(ctx: PlanContext, slates: pd.DataFrame) -> pd.Series:
    depth = ctx.scenario.policy.bench_depth
    return slates["rank"].map(lambda k: rank_factor(int(k), depth)) if len(slates) else pd.Series(dtype=float)


def part_training_spend(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: training spend times weights.training_spend (money units)."""
    return ctx.scenario.weights.training_spend * float(ctx.learning["cost"].sum())


def part_external_hire(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: the external_hire_cost of each critical role whose first successor is not ready when
    needed, times weights.external_hire; with attrition_aware, its expected value as the model
    defines it (planner.problem.scoring.expected_hire_cost) (money units)."""
    w, critical = ctx.scenario.weights, ctx.critical_roles
    if not w.attrition_aware:
        covered = set(slates.loc[(slates["rank"] == 1) & slates["ready_when_needed"], "role_id"])
        return w.external_hire * float(critical.loc[~critical["role_id"].isin(covered), "external_hire_cost"].sum())
    own = need_quarter(critical, ctx.horizon).to_dict()
    risk = dict(zip(ctx.plan_employees["employee_id"], ctx.plan_employees["flight_risk"]))
    ready = slates[slates["ready_when_needed"]]
    loss: dict[str, int] = defaultdict(int)
    for e, r in zip(ready["employee_id"], ready["role_id"]):
        loss[r] += loss_share(float(risk[e]), int(own[r]))
    return float(sum(expected_hire_cost(int(round(w.external_hire * c)), loss.get(r, 0))
                     for r, c in zip(critical["role_id"], critical["external_hire_cost"])))


def part_ready_successors(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: minus weights.ready_successor times the rank factor of each slate entry ready when
    the role is needed (money units)."""
    return -ctx.scenario.weights.ready_successor * float((_rank_factors(ctx, slates) * slates["ready_when_needed"]).sum())


def part_candidate_quality(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: minus weights.candidate_quality times each slate entry's quality (0-1) and rank factor (money units)."""
    quality = slates["employee_id"].map(candidate_quality(ctx.plan_employees)).fillna(0.0)
    return -ctx.scenario.weights.candidate_quality * float((_rank_factors(ctx, slates) * quality).sum())


def part_aspiration(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: minus weights.aspiration per slate entry the person aspires to (money units)."""
    named = ctx.plan_employees
    aspires = aspiration_pairs(named, ctx.org.roles) if len(named) else set()
    return -ctx.scenario.weights.aspiration * sum((e, r) in aspires for e, r in zip(slates["employee_id"], slates["role_id"]))


def part_early_development(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: weights.early_development per quarter from the horizon's start to each intervention's end (money units)."""
    return ctx.scenario.weights.early_development * float((ctx.learning["end_quarter"] + 1).sum())


def part_stability(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule (re-planning only): weights.change_slate / change_learning per changed decision (money units)."""
    return stability_cost(ctx.scenario, slates, ctx.learning, ctx.baseline)


def part_fairness_shortfall(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule (policy.fairness with mode soft): policy.fairness.price per person of the fairness group a
    slate lacks against its target (money units per missing person)."""
    fairness = ctx.scenario.policy.fairness
    if fairness is None or fairness.mode != "soft":
        return 0.0
    missing = shortfall(slates, fairness_targets(ctx.org, ctx.scenario), group_members(ctx.org, ctx.scenario))
    return fairness.price * float(sum(missing.values()))


OBJECTIVE_PARTS: tuple[Part, ...] = (
    part_training_spend, part_external_hire, part_ready_successors, part_candidate_quality, part_aspiration,
    part_early_development, part_stability, part_fairness_shortfall,
)


# The objective's money terms; the rest are tie-breaks, which the search orders only among plans of
# (nearly) the least money cost, and which no money bound covers. The fairness price is money the
# organisation puts on each missing person, like a re-planning change: the money phase weighs it against
# training and hiring, and the money bound covers it (a relaxation that leaves it out stays valid, as
# the price is never negative).
MONEY_PARTS = ("training_spend", "external_hire", "stability", "fairness_shortfall")


def money_of(parts: dict[str, float]) -> float:
    """The money cost of a plan from its objective parts (money units)."""
    return float(sum(parts.get(key, 0.0) for key in MONEY_PARTS))


def part_key(part: Part) -> str:
    """The soft rule a part function belongs to: ``part_training_spend`` -> ``training_spend``."""
    return part.__name__.removeprefix("part_")


# Parts that follow from readiness, which the solver may under-claim in a plan it has not proven
# optimal (a successor it did not mark ready, though their learning makes them so): the checker's
# value of these may be lower than the solver's, never higher.
READINESS_PARTS = frozenset({"external_hire", "ready_successors"})
