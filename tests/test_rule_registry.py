"""The rule registry holds the model, the checker and the tests together: every entry has its model
function (or the solver-free function that decides which variables exist), its checker function, a
label, and a satisfied / violated test pair in the model's tests and in the checker's."""

from __future__ import annotations

import inspect

import pytest

import test_checker
import test_fairness
import test_model_rules
from parts_fixture import EXPECTED_PARTS
from planner.evaluation.checks import HARD_CHECKS
from planner.evaluation.parts import OBJECTIVE_PARTS
from planner.solver.registry import BY_KEY, HARD_RULES, REGISTRY, SOFT_RULES, STRUCTURAL_RULES, checker_key, rule_of

HARD = HARD_RULES + STRUCTURAL_RULES
# Where each side's pairs live: the common modules, and a rule's own module's classes (fair slates).
CHECKER_TESTS = (test_checker, test_fairness.TestInTheChecker)
MODEL_TESTS = (test_model_rules, test_fairness.TestInTheModel)


def _has_test(places, name: str) -> bool:
    return any(callable(getattr(place, name, None)) for place in places)


def test_model_and_checker_name_each_rule_alike():
    for rule in REGISTRY:
        assert checker_key(rule.check) == rule.key
        if rule.build is not None:
            assert rule.build.__name__ == rule.key
    assert len(BY_KEY) == len(REGISTRY), "two entries share a key"
    assert len({rule.label for rule in REGISTRY}) == len(REGISTRY), "two entries share a label"


def test_the_checker_runs_exactly_the_registry_hard_rules():
    assert set(HARD_CHECKS) == {rule.check for rule in HARD}
    assert len(HARD_CHECKS) == len(set(HARD_CHECKS))
    assert set(OBJECTIVE_PARTS) == {rule.check for rule in SOFT_RULES}


@pytest.mark.parametrize("rule", REGISTRY, ids=lambda rule: rule.key)
def test_docstrings_say_the_kind_of_rule(rule):
    opening = "Hard rule" if rule.kind == "hard" else "Soft rule"
    assert inspect.getdoc(rule.check).startswith(opening)
    if rule.build is not None:
        assert inspect.getdoc(rule.build).startswith(opening)
    assert rule.label and rule.unit


@pytest.mark.parametrize("rule", HARD, ids=lambda rule: rule.key)
def test_every_hard_rule_has_a_pair_in_the_checker_tests(rule):
    for outcome in ("holds", "broken"):
        assert _has_test(CHECKER_TESTS, f"test_{rule.key}_{outcome}"), f"tests/test_checker.py lacks test_{rule.key}_{outcome}"


@pytest.mark.parametrize("rule", [r for r in HARD if r.build is not None or r.enforced_by is not None], ids=lambda rule: rule.key)
def test_every_hard_rule_has_a_pair_in_the_model_tests(rule):
    for outcome in ("holds", "broken"):
        assert _has_test(MODEL_TESTS, f"test_{rule.key}_{outcome}"), f"tests/test_model_rules.py lacks test_{rule.key}_{outcome}"


def test_only_the_learning_records_rule_has_no_model_side():
    """The plan writer takes every learning row's cost and end from the catalogue, so there is nothing
    for the model to decide; every other hard rule is a constraint or decides which variables exist."""
    assert [rule.key for rule in HARD if rule.build is None and rule.enforced_by is None] == ["learning_records"]


def test_every_soft_rule_has_a_hand_worked_value_for_both_sides():
    assert set(EXPECTED_PARTS) - {"plan"} == {rule.key for rule in SOFT_RULES}
    assert callable(test_model_rules.test_soft_rule_part_on_a_fixed_plan) and callable(test_checker.test_objective_part_on_a_fixed_plan)


def test_rule_of_finds_an_entry_from_either_side():
    from planner.evaluation.checks import check_seats
    from planner.solver.rules import seats

    assert rule_of(check_seats) is rule_of(seats) is BY_KEY["seats"]
