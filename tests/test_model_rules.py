"""Each rule of the model, alone, on the hand-built organisation: fix a few decisions and assert the
rule accepts the satisfied case and rejects the violated one (CP-SAT Primer's TDD pattern); each
soft rule's objective part on a fixed plan, against its value worked out by hand. Rules are imported
by name, and tests/test_rule_registry.py holds every registry entry to a pair here."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from factories import base_tables, make_org, make_scenario, with_controller_tables
from parts_fixture import EXPECTED_PARTS, parts_baseline_plan, parts_org, parts_scenario
from planner.problem.instance import build_problem
from planner.problem.scoring import OBJECTIVE_SCALE
from planner.solver.build import build_model
from planner.solver.registry import HARD_BUILDERS, SOFT_RULES
from planner.solver.rules import (
    budget,
    cascades,
    first_rank_once,
    intervention_once,
    learning_hours,
    locks,
    max_slates,
    pins,
    prerequisites,
    readiness,
    seats,
    slate_structure,
    vetoes,
)


def feasible(org, scenario, rules, starts=(), no_starts=(), slates=(), ready=(), no_slates=(), ready_on=()) -> bool:
    """Build the model with only ``rules`` (one model function or a tuple), fix the given decisions to 1
    (the ``no_`` ones to 0), solve."""
    rules = rules if isinstance(rules, tuple) else (rules,)
    built = build_model(build_problem(org, scenario), hard_rules=rules, soft_rules=())
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
    for e, r, k in ready_on:
        m.add(v.ready_on_slate(e, r, k) == 1)
    for e, r, k in no_slates:
        m.add(v.slate(e, r, k) == 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(m) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_intervention_once_holds():
    assert feasible(make_org(), make_scenario(), intervention_once, starts=[("E-BEN", "I-FOUND", 0)])


def test_intervention_once_broken():
    assert not feasible(make_org(), make_scenario(), intervention_once, starts=[("E-BEN", "I-FOUND", 0), ("E-BEN", "I-FOUND", 1)])


def prerequisite_case(found_at, adv_at) -> bool:
    org, sc = make_org(), make_scenario()
    starts = [("E-BEN", "I-ADV", adv_at)] + ([("E-BEN", "I-FOUND", found_at)] if found_at is not None else [])
    options = build_problem(org, sc).starts[("E-BEN", "I-FOUND")]
    no_found = [("E-BEN", "I-FOUND", q) for q in options] if found_at is None else []
    return feasible(org, sc, prerequisites, starts=starts, no_starts=no_found)


@pytest.mark.parametrize("found_at, adv_at", [(0, 1), (1, 2)])
def test_prerequisites_holds(found_at, adv_at):
    assert prerequisite_case(found_at, adv_at)


@pytest.mark.parametrize("found_at, adv_at", [(0, 0), (None, 1)])  # foundation not finished; not taken at all
def test_prerequisites_broken(found_at, adv_at):
    assert not prerequisite_case(found_at, adv_at)


def readiness_case(adv_at) -> bool:
    # R-MGR falls vacant in quarter 4; Ana needs I-ADV (2 quarters) finished by the end of quarter 3.
    # R-CTRL (vacant in 6, also needing FIN 4) keeps later starts of I-ADV in the model.
    t = with_controller_tables()
    t["role_requirements"][-1]["level"] = 4
    org, sc = make_org(t), make_scenario()
    options = build_problem(org, sc).starts[("E-ANA", "I-ADV")]
    starts = [("E-ANA", "I-ADV", adv_at)] if adv_at is not None else []
    assert adv_at is None or adv_at in options
    no_starts = [("E-ANA", "I-ADV", q) for q in options if q != adv_at]
    return feasible(org, sc, readiness, starts=starts, no_starts=no_starts, ready=[("E-ANA", "R-MGR")])


@pytest.mark.parametrize("adv_at", [0, 2])
def test_readiness_holds(adv_at):
    assert readiness_case(adv_at)


@pytest.mark.parametrize("adv_at", [3, 4, None])  # finished too late; no development at all
def test_readiness_broken(adv_at):
    assert not readiness_case(adv_at)


def hours_case(hours) -> bool:
    t = base_tables()
    t["employees"][2]["learning_hours_per_quarter"] = hours  # Ben; I-FOUND and I-MENT take 20 h each
    t["employee_skills"][5]["level"] = 1  # Ben's leadership 1: mentoring is useful to him
    t["role_requirements"][1]["level"] = 3
    return feasible(make_org(t), make_scenario(), learning_hours, starts=[("E-BEN", "I-FOUND", 0), ("E-BEN", "I-MENT", 0)])


def test_learning_hours_holds():
    assert hours_case(40)


def test_learning_hours_broken():
    assert not hours_case(30)


def seats_case(seat_count) -> bool:
    t = base_tables()
    t["interventions"][2]["seats_per_quarter"] = seat_count
    t["role_requirements"][1]["level"] = 3  # both analysts need mentoring
    return feasible(make_org(t), make_scenario(), seats, starts=[("E-ANA", "I-MENT", 0), ("E-BEN", "I-MENT", 0)])


def test_seats_holds():
    assert seats_case(2)


def test_seats_broken():
    assert not seats_case(1)


def budget_case(total, per_quarter) -> bool:
    sc = make_scenario(budget=total)
    sc = sc.model_copy(update={"budget": sc.budget.model_copy(update={"per_quarter": per_quarter})})
    return feasible(make_org(), sc, budget, starts=[("E-ANA", "I-ADV", 0)])  # 5,000 in quarter 0


@pytest.mark.parametrize("total, per_quarter", [(5_000, None), (50_000, 5_000)])
def test_budget_holds(total, per_quarter):
    assert budget_case(total, per_quarter)


@pytest.mark.parametrize("total, per_quarter", [(4_999, None), (50_000, 4_000)])
def test_budget_broken(total, per_quarter):
    assert not budget_case(total, per_quarter)


def structure_case(entries) -> bool:
    others = [(e, "R-MGR", k) for e in ("E-ANA", "E-BEN") for k in (1, 2, 3) if (e, "R-MGR", k) not in entries]
    return feasible(make_org(), make_scenario(), slate_structure, slates=entries, no_slates=others)


def test_slate_structure_holds():
    assert structure_case([("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)])


@pytest.mark.parametrize("entries", [
    [("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 1)],  # two people on one rank
    [("E-ANA", "R-MGR", 1), ("E-ANA", "R-MGR", 2)],  # one person twice
    [("E-BEN", "R-MGR", 2)],  # rank 2 without rank 1
])
def test_slate_structure_broken(entries):
    assert not structure_case(entries)


def test_first_rank_once_holds():
    assert feasible(make_org(with_controller_tables()), make_scenario(), first_rank_once,
                    slates=[("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 2)])


def test_first_rank_once_broken():
    assert not feasible(make_org(with_controller_tables()), make_scenario(), first_rank_once,
                        slates=[("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 1)])


def max_slates_case(cap) -> bool:
    sc = make_scenario(policy=dict(max_slates_per_employee=cap))
    return feasible(make_org(with_controller_tables()), sc, max_slates, slates=[("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 2)])


def test_max_slates_holds():
    assert max_slates_case(2)


def test_max_slates_broken():
    assert not max_slates_case(1)


def override_scenario(**overrides):
    return make_scenario(**{k: [dict(v, rationale="test") for v in vs] for k, vs in overrides.items()})


def test_pins_holds():
    sc = override_scenario(pins=[dict(employee_id="E-BEN", role_id="R-MGR", rank=2)])
    assert feasible(make_org(), sc, pins, slates=[("E-BEN", "R-MGR", 2)])


def test_pins_broken():
    sc = override_scenario(pins=[dict(employee_id="E-BEN", role_id="R-MGR", rank=2)])
    assert not feasible(make_org(), sc, pins, no_slates=[("E-BEN", "R-MGR", 2)])


def test_vetoes_holds():
    sc = override_scenario(vetoes=[dict(employee_id="E-BEN", role_id="R-MGR")])
    assert feasible(make_org(), sc, vetoes, slates=[("E-ANA", "R-MGR", 1)])


def test_vetoes_broken():
    sc = override_scenario(vetoes=[dict(employee_id="E-BEN", role_id="R-MGR")])
    assert not feasible(make_org(), sc, vetoes, slates=[("E-BEN", "R-MGR", 2)])


LOCK = dict(employee_id="E-ANA", intervention_id="I-ADV", start_quarter=1)


def test_locks_holds():
    assert feasible(make_org(), override_scenario(locks=[LOCK]), locks, starts=[("E-ANA", "I-ADV", 1)])


def test_locks_broken():
    assert not feasible(make_org(), override_scenario(locks=[LOCK]), locks, no_starts=[("E-ANA", "I-ADV", 1)])


def cascade_case(adv_at) -> bool:
    """Mia (R-MGR's incumbent) is first successor of R-HEAD, needed in quarter 2: R-MGR falls vacant
    then, so Ana, its ready first successor, must finish I-ADV (2 quarters) by the end of quarter 1."""
    t = base_tables()
    t["roles"].append(dict(role_id="R-HEAD", title="Head of Finance", family="Finance", level=4, department="Finance",
                           location="Leeds", critical=True, criticality=5, incumbent_id=None, vacancy_quarter=2,
                           external_hire_cost=150_000))
    t["role_requirements"].append(dict(role_id="R-HEAD", skill_id="FIN", level=4))
    org, sc = make_org(t), make_scenario()
    options = build_problem(org, sc).starts[("E-ANA", "I-ADV")]
    return feasible(org, sc, (readiness, cascades), starts=[("E-ANA", "I-ADV", adv_at)],
                    no_starts=[("E-ANA", "I-ADV", q) for q in options if q != adv_at],
                    slates=[("E-MGR", "R-HEAD", 1), ("E-ANA", "R-MGR", 1)], ready_on=[("E-ANA", "R-MGR", 1)])


def test_cascades_holds():
    assert cascade_case(0)


def test_cascades_broken():
    assert not cascade_case(1)  # ready from quarter 3, at R-MGR's own vacancy but after Mia moves up


# Structural rules: enforced by which variables exist.

def slate_variable(tables) -> bool:
    built = build_model(build_problem(make_org(tables), make_scenario()), hard_rules=(), soft_rules=())
    return built.vars.slate("E-ANA", "R-MGR", 1) is not None


def test_slate_eligibility_holds():
    assert slate_variable(base_tables())


@pytest.mark.parametrize("change", [
    lambda t: t["employees"][1].update(open_to_move=False),
    lambda t: t["roles"][1].update(level=1),  # Ana two grades below
    lambda t: t["roles"][1].update(level=4),  # Ana one grade above: a demotion
    lambda t: (t["roles"][1].update(family="Sales"), t.setdefault("family_moves", []).append(
        dict(from_family="Finance", to_family="Finance"))),  # Sales does not feed Finance
])
def test_slate_eligibility_broken(change):
    t = base_tables()
    change(t)
    assert not slate_variable(t)


def test_slate_eligibility_broken_by_the_incumbent():
    built = build_model(build_problem(make_org(), make_scenario()), hard_rules=(), soft_rules=())
    assert built.vars.slate("E-MGR", "R-MGR", 1) is None


def window_variables(t=None):
    t = t or base_tables()
    t["interventions"][0].update(earliest_start_quarter=2, latest_start_quarter=3)
    # unpruned: with that window I-FOUND can no longer serve in time, and pruning would drop it altogether
    return build_model(build_problem(make_org(t), make_scenario(), prune=False), hard_rules=(), soft_rules=()).vars


def test_start_window_holds():
    v = window_variables()
    assert v.start("E-BEN", "I-FOUND", 2) is not None and v.start("E-BEN", "I-FOUND", 3) is not None


def test_start_window_broken():
    v = window_variables()
    assert v.start("E-BEN", "I-FOUND", 1) is None and v.start("E-BEN", "I-FOUND", 4) is None
    full = build_model(build_problem(make_org(), make_scenario(), prune=False), hard_rules=(), soft_rules=()).vars
    assert full.start("E-ANA", "I-ADV", 6) is not None and full.start("E-ANA", "I-ADV", 7) is None  # would end after the horizon


def leaver_variables(quarter):
    t = base_tables()
    t["employees"][2]["leave_quarter"] = quarter  # Ben; R-MGR is needed in quarter 4
    return build_model(build_problem(make_org(t), make_scenario(), prune=False), hard_rules=(), soft_rules=()).vars


def test_leavers_holds():
    v = leaver_variables(5)
    assert v.slate("E-BEN", "R-MGR", 2) is not None and v.start("E-BEN", "I-FOUND", 2) is not None


def test_leavers_broken():
    v = leaver_variables(3)
    assert v.slate("E-BEN", "R-MGR", 2) is None and v.start("E-BEN", "I-FOUND", 2) is not None
    assert v.start("E-BEN", "I-FOUND", 3) is None  # would still run in the quarter he leaves


# Soft rules: the model's value of each objective part on a fixed plan.

@pytest.mark.parametrize("rule", SOFT_RULES, ids=lambda rule: rule.key)
def test_soft_rule_part_on_a_fixed_plan(rule):
    """Fix the plan of tests/parts_fixture.py with every hard rule built and only ``rule`` as the
    objective: the optimum (the solver may still choose what counts as ready) is the hand value."""
    org, sc = parts_org(), parts_scenario()
    plan = EXPECTED_PARTS["plan"]
    built = build_model(build_problem(org, sc, baseline=parts_baseline_plan()), hard_rules=HARD_BUILDERS, soft_rules=(rule.build,))
    v, m = built.vars, built.model
    for (e, i, t), var in v.starts():
        m.add(var == int((e, i, t) in plan["learning"]))
    for (e, r, k), var in v.slate_entries():
        m.add(var == int((e, r, k) in plan["slates"]))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(m) == cp_model.OPTIMAL
    part = built.objective_parts[rule.key]
    value = (part if isinstance(part, int) else solver.value(part)) / OBJECTIVE_SCALE
    assert value == pytest.approx(EXPECTED_PARTS[rule.key], abs=0.01)
