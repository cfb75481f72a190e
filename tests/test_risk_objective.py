"""The attrition-aware objective: when the natural first choice is likely to leave, it develops a
successor who will still be there; the default objective picks the cheapest development."""

from __future__ import annotations

import pytest

from factories import base_tables, make_org, make_scenario, solve_checked
from planner.analyses.attrition import expected_covered_roles
from planner.problem.scoring import expected_hire_cost, loss_share


def flighty_org():
    t = base_tables()
    t["employees"][1]["flight_risk"] = 0.9  # Ana, the natural first choice, is likely gone within a year
    return make_org(t)


@pytest.mark.parametrize("aware, developed", [(False, "E-ANA"), (True, "E-BEN")])
def test_attrition_aware_objective_develops_someone_who_stays(aware, developed):
    # Ana needs 5,000 of training but is gone within a year with probability 0.9; Ben needs 7,000 and
    # stays with probability 0.9. Expected hire cost: 90,000 with Ana ready, about 10,000 with Ben;
    # adding Ana as a second ready successor would save under 1,000 for 5,000 more.
    org = flighty_org()
    plan = solve_checked(org, make_scenario(weights=dict(attrition_aware=aware)))
    assert plan.slates[0].employee_id == developed and plan.slates[0].ready_quarter is not None
    assert {a.employee_id for a in plan.learning} == {developed}


def test_expected_coverage_improves():
    org = flighty_org()
    default = solve_checked(org, make_scenario())
    aware = solve_checked(org, make_scenario(weights=dict(attrition_aware=True)))
    assert expected_covered_roles(org, make_scenario(), aware) > expected_covered_roles(org, make_scenario(), default) + 0.5


def test_expected_hire_cost_follows_the_product_of_leaving_chances():
    cost = 100_000
    one = loss_share(0.9, 4)  # P(gone by quarter 4) = 0.9
    two = one + loss_share(0.1, 4)  # and a backup who is gone with P = 0.1
    assert expected_hire_cost(cost, 0) == cost
    assert expected_hire_cost(cost, one) == pytest.approx(90_000, rel=0.01)
    assert expected_hire_cost(cost, two) == pytest.approx(9_000, rel=0.02)
