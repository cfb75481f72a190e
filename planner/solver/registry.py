"""The rule registry: one entry per rule, holding the model's function, the checker's function and
the rule's human label, so that the model, the checker, the explanations and the tests all name a
rule by the same object and never by a string typed twice.

- ``HARD_RULES`` are built as constraints, in this order (``planner.solver.build``).
- ``STRUCTURAL_RULES`` are hard rules the model enforces by which variables exist: ``enforced_by``
  is the solver-free function that decides it.
- ``SOFT_RULES`` are the objective's parts, each with the checker's recomputation of its value.

A rule's key is its model function's name (``seats``), which is also its checker function's
(``check_seats``, ``part_training_spend``) without the prefix; tests/test_rule_registry.py holds
both to that and to a satisfied / violated test pair per rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Optional

from planner.evaluation import checks, parts
from planner.problem.instance import eligible_pairs, startable
from planner.solver import rules


@dataclass(frozen=True)
class Rule:
    """One rule: what the model does, what the checker does, and what a person reads."""

    label: str  # the planner's words for the rule, as a user reads it
    kind: Literal["hard", "soft"]
    check: Callable  # checks.check_<key> (hard: ctx -> violations) or parts.part_<key> (soft: money units)
    build: Optional[Callable] = None  # rules.<key>(ctx) -> objective part; None when enforced by the variables
    enforced_by: Optional[Callable] = None  # structural rules: the solver-free function that decides which variables exist
    unit: str = ""  # what the rule counts or limits
    override: bool = False  # pins, vetoes and locks: a planner's decision rather than a rule of the organisation

    @property
    def key(self) -> str:
        return self.build.__name__ if self.build is not None else checker_key(self.check)


def checker_key(check: Callable) -> str:
    """``check_seats`` -> ``seats``, ``part_training_spend`` -> ``training_spend``."""
    return check.__name__.removeprefix("check_").removeprefix("part_")


HARD_RULES: tuple[Rule, ...] = (
    Rule("Each intervention taken at most once per person", "hard", checks.check_intervention_once, rules.intervention_once,
         unit="starts per employee and intervention"),
    Rule("Prerequisite levels met when an intervention starts", "hard", checks.check_prerequisites, rules.prerequisites,
         unit="skill level (1-5)"),
    Rule("Successor ready only once their development has finished", "hard", checks.check_readiness, rules.readiness,
         unit="quarter"),
    Rule("Learning within each person's hours per quarter", "hard", checks.check_learning_hours, rules.learning_hours,
         unit="hours per quarter"),
    Rule("Starts within each intervention's seats per quarter", "hard", checks.check_seats, rules.seats,
         unit="people per quarter"),
    Rule("Training spend within the budget and the quarterly cap", "hard", checks.check_budget, rules.budget,
         unit="money units"),
    Rule("One person per slate rank, ranks 1..n without gaps, within bench depth", "hard", checks.check_slate_structure,
         rules.slate_structure, unit="slate positions"),
    Rule("Nobody first successor of two roles", "hard", checks.check_first_rank_once, rules.first_rank_once,
         unit="first ranks per employee"),
    Rule("Nobody on more slates than max_slates_per_employee", "hard", checks.check_max_slates, rules.max_slates,
         unit="slates per employee"),
    Rule("Pinned people on their slates", "hard", checks.check_pins, rules.pins, unit="slate entries", override=True),
    Rule("Vetoed people off their slates", "hard", checks.check_vetoes, rules.vetoes, unit="slate entries", override=True),
    Rule("Locked interventions booked at their quarter", "hard", checks.check_locks, rules.locks, unit="starts", override=True),
    Rule("Successor ready by the effective need quarter (backfill cascades)", "hard", checks.check_cascades, rules.cascades,
         unit="quarter"),
    Rule("Each slate holds its target of people of the fairness group (policy.fairness, hard)", "hard",
         checks.check_slate_fairness, rules.slate_fairness, unit="people per slate"),
)

STRUCTURAL_RULES: tuple[Rule, ...] = (
    Rule("Successors eligible: not the incumbent, open to move, within grade steps, from a feeding family", "hard",
         checks.check_slate_eligibility, enforced_by=eligible_pairs, unit="grades"),
    Rule("Interventions start inside their window and finish inside the horizon", "hard", checks.check_start_window,
         enforced_by=startable, unit="quarter"),
    Rule("Leavers take no learning and fill no role after they leave", "hard", checks.check_leavers,
         enforced_by=startable, unit="quarter"),
    Rule("Learning records at the catalogue's cost and duration", "hard", checks.check_learning_records,
         enforced_by=None, unit="money units and quarters"),
)

SOFT_RULES: tuple[Rule, ...] = (
    Rule("Training spend", "soft", parts.part_training_spend, rules.training_spend, unit="money units"),
    Rule("External hires for roles without a ready first successor", "soft", parts.part_external_hire,
         rules.external_hire, unit="money units"),
    Rule("Reward for successors ready when needed", "soft", parts.part_ready_successors, rules.ready_successors,
         unit="money units per ready successor"),
    Rule("Reward for candidate quality", "soft", parts.part_candidate_quality, rules.candidate_quality,
         unit="money units"),
    Rule("Reward for slates people aspire to", "soft", parts.part_aspiration, rules.aspiration,
         unit="money units per slate entry"),
    Rule("Preference for development that ends early", "soft", parts.part_early_development, rules.early_development,
         unit="money units per quarter"),
    Rule("Changes against the baseline plan (re-planning)", "soft", parts.part_stability, rules.stability,
         unit="money units per changed decision"),
    Rule("Price of people of the fairness group missing from slates (policy.fairness, soft)", "soft",
         parts.part_fairness_shortfall, rules.fairness_shortfall, unit="money units per missing person"),
)

REGISTRY: tuple[Rule, ...] = HARD_RULES + STRUCTURAL_RULES + SOFT_RULES
BY_KEY: dict[str, Rule] = {rule.key: rule for rule in REGISTRY}

# What build_model builds by default.
HARD_BUILDERS: tuple[Callable, ...] = tuple(rule.build for rule in HARD_RULES)
SOFT_BUILDERS: tuple[Callable, ...] = tuple(rule.build for rule in SOFT_RULES)


def rule_of(check: Callable) -> Rule:
    """The registry entry of a checker function (``checks.check_seats``) or a model function (``rules.seats``)."""
    return next(rule for rule in REGISTRY if check in (rule.check, rule.build))
