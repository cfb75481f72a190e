"""Each hard rule of the model, alone, on the hand-built organisation: fix a few decisions and assert
the rule accepts the satisfied case and rejects the violated one (CP-SAT Primer's TDD pattern)."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from factories import base_tables, make_org, make_scenario, with_controller_tables
from planner.solver.build import build_model
from planner.problem.instance import build_problem
from planner.solver.rules import (
    budget,
    first_rank_once,
    intervention_once,
    learning_hours,
    max_slates,
    prerequisites,
    readiness,
    seats,
    slate_structure,
)


def feasible(org, scenario, rule, starts=(), no_starts=(), slates=(), ready=(), no_slates=()) -> bool:
    """Build the model with only ``rule``, fix the given decisions to 1 (the ``no_`` ones to 0), solve."""
    built = build_model(build_problem(org, scenario), hard_rules=(rule,), soft_rules=())
    v, m = built.vars, built.model
    for e, i, t in starts:
        var = v.start(e, i, t)
        assert var is not None, f"no start variable for {(e, i, t)}"
        m.add(var == 1)
    for e, i, t in no_starts:
        m.add(v.start(e, i, t) == 0)
    for e, r, k in slates:
        m.add(v.slate(e, r, k) == 1)
    for e, r in ready:
        m.add(v.ready(e, r) == 1)
    for e, r, k in no_slates:
        m.add(v.slate(e, r, k) == 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


@pytest.mark.parametrize("quarters, ok", [((0,), True), ((0, 2), False)])
def test_intervention_once(quarters, ok):
    starts = [("E-BEN", "I-FOUND", q) for q in quarters]
    assert feasible(make_org(), make_scenario(), intervention_once, starts=starts) is ok


@pytest.mark.parametrize("found_at, adv_at, ok", [(0, 1, True), (0, 0, False), (None, 1, False), (1, 2, True)])
def test_prerequisites(found_at, adv_at, ok):
    org, sc = make_org(), make_scenario()
    starts = [("E-BEN", "I-ADV", adv_at)] + ([("E-BEN", "I-FOUND", found_at)] if found_at is not None else [])
    options = build_problem(org, sc).starts[("E-BEN", "I-FOUND")]
    no_found = [("E-BEN", "I-FOUND", q) for q in options] if found_at is None else []
    assert feasible(org, sc, prerequisites, starts=starts, no_starts=no_found) is ok


@pytest.mark.parametrize("adv_at, ok", [(0, True), (2, True), (3, False), (4, False)])
def test_readiness_needs_development_finished_before_the_vacancy(adv_at, ok):
    # R-MGR falls vacant in quarter 4; Ana needs I-ADV (2 quarters) finished by the end of quarter 3.
    # R-CTRL (vacant in 6, also needing FIN 4) keeps later starts of I-ADV in the model.
    t = with_controller_tables()
    t["role_requirements"][-1]["level"] = 4
    org, sc = make_org(t), make_scenario()
    options = build_problem(org, sc).starts[("E-ANA", "I-ADV")]
    assert adv_at in options
    starts = [("E-ANA", "I-ADV", adv_at)]
    no_starts = [("E-ANA", "I-ADV", q) for q in options if q != adv_at]
    assert feasible(org, sc, readiness, starts=starts, no_starts=no_starts, ready=[("E-ANA", "R-MGR")]) is ok


def test_readiness_cannot_be_claimed_without_development():
    org, sc = make_org(), make_scenario()
    no_starts = [("E-ANA", "I-ADV", q) for q in range(0, 3)]
    assert not feasible(org, sc, readiness, no_starts=no_starts, ready=[("E-ANA", "R-MGR")])


@pytest.mark.parametrize("hours, ok", [(40, True), (30, False)])
def test_learning_hours(hours, ok):
    t = base_tables()
    t["employees"][2]["learning_hours_per_quarter"] = hours  # Ben; I-FOUND and I-MENT take 20 h each
    t["employee_skills"][5]["level"] = 1  # Ben's leadership 1: mentoring is useful to him
    t["role_requirements"][1]["level"] = 3
    starts = [("E-BEN", "I-FOUND", 0), ("E-BEN", "I-MENT", 0)]
    assert feasible(make_org(t), make_scenario(), learning_hours, starts=starts) is ok


@pytest.mark.parametrize("seat_count, ok", [(2, True), (1, False)])
def test_seats(seat_count, ok):
    t = base_tables()
    t["interventions"][2]["seats_per_quarter"] = seat_count
    t["role_requirements"][1]["level"] = 3  # both analysts need mentoring
    starts = [("E-ANA", "I-MENT", 0), ("E-BEN", "I-MENT", 0)]
    assert feasible(make_org(t), make_scenario(), seats, starts=starts) is ok


@pytest.mark.parametrize("total, per_quarter, adv_at, ok", [
    (5_000, None, 0, True), (4_999, None, 0, False), (50_000, 5_000, 0, True), (50_000, 4_000, 0, False),
])
def test_budget(total, per_quarter, adv_at, ok):
    sc = make_scenario(budget=total)
    sc = sc.model_copy(update={"budget": sc.budget.model_copy(update={"per_quarter": per_quarter})})
    assert feasible(make_org(), sc, budget, starts=[("E-ANA", "I-ADV", adv_at)]) is ok


@pytest.mark.parametrize("entries, ok", [
    ([("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)], True),
    ([("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 1)], False),  # two people on one rank
    ([("E-ANA", "R-MGR", 1), ("E-ANA", "R-MGR", 2)], False),  # one person twice
    ([("E-BEN", "R-MGR", 2)], False),  # rank 2 without rank 1
])
def test_slate_structure(entries, ok):
    others = [(e, "R-MGR", k) for e in ("E-ANA", "E-BEN") for k in (1, 2, 3) if (e, "R-MGR", k) not in entries]
    assert feasible(make_org(), make_scenario(), slate_structure, slates=entries, no_slates=others) is ok


@pytest.mark.parametrize("entries, ok", [
    ([("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 2)], True),
    ([("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 1)], False),
])
def test_first_rank_once(entries, ok):
    assert feasible(make_org(with_controller_tables()), make_scenario(), first_rank_once, slates=entries) is ok


@pytest.mark.parametrize("cap, ok", [(2, True), (1, False)])
def test_max_slates(cap, ok):
    sc = make_scenario(policy=dict(max_slates_per_employee=cap))
    entries = [("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 2)]
    assert feasible(make_org(with_controller_tables()), sc, max_slates, slates=entries) is ok


@pytest.mark.parametrize("change, eligible", [
    (lambda t: None, True),
    (lambda t: t["employees"][1].update(open_to_move=False), False),
    (lambda t: t["roles"][1].update(level=1), False),  # Ana two grades below
    (lambda t: t["roles"][1].update(level=4), False),  # Ana one grade above: a demotion
    (lambda t: (t["roles"][1].update(family="Sales"), t.setdefault("family_moves", []).append(
        dict(from_family="Finance", to_family="Finance"))), False),  # Sales does not feed Finance
])
def test_slate_eligibility(change, eligible):
    """Hard rule enforced by construction: ineligible pairs get no slate variable at all."""
    t = base_tables()
    change(t)
    built = build_model(build_problem(make_org(t), make_scenario()), hard_rules=(), soft_rules=())
    assert (built.vars.slate("E-ANA", "R-MGR", 1) is not None) is eligible


def test_incumbent_is_never_a_candidate():
    built = build_model(build_problem(make_org(), make_scenario()), hard_rules=(), soft_rules=())
    assert built.vars.slate("E-MGR", "R-MGR", 1) is None
    assert built.vars.slate("E-ANA", "R-MGR", 1) is not None
