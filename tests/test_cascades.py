"""Backfill cascades on a hand-built chain of three moves: the CEO retires in quarter 4; the COO is
ready now and moves up, opening the COO role; the Plant Manager is ready for COO and moves up,
opening the plant; a supervisor needs a two-quarter course to run the plant."""

from __future__ import annotations

import pandas as pd
import pytest

from factories import make_org, make_scenario, solve_checked
from planner.evaluation.replay import backfill_chains, PlanContext
from planner.evaluation.report import evaluate


def role(rid, level, critical=True, incumbent=None, vacancy=None, cost=100_000):
    return dict(role_id=rid, title=rid, family="Ops", level=level, department="Ops", location="Lyon", critical=critical,
                criticality=4, incumbent_id=incumbent, vacancy_quarter=vacancy, external_hire_cost=cost)


def person(eid, rid, **kw):
    return dict(dict(employee_id=eid, name=eid, role_id=rid, department="Ops", location="Lyon", performance=4,
                     potential=3, flight_risk=0.1, learning_hours_per_quarter=40, open_to_move=True), **kw)


def chain_org(course_earliest: int = 0):
    return make_org(dict(
        skills=[dict(skill_id="LEAD", name="Leadership", category="L"), dict(skill_id="OPS", name="Operations", category="O")],
        roles=[role("R-CEO", 4, incumbent="E-CEO", vacancy=4, cost=200_000), role("R-COO", 3, incumbent="E-COO"),
               role("R-PLT", 2, incumbent="E-PLT"), role("R-SUP", 1, critical=False, cost=20_000)],
        employees=[person("E-CEO", "R-CEO", open_to_move=False), person("E-COO", "R-COO"), person("E-PLT", "R-PLT"),
                   person("E-SUP", "R-SUP")],
        employee_skills=[dict(employee_id="E-COO", skill_id="LEAD", level=4), dict(employee_id="E-PLT", skill_id="LEAD", level=3),
                         dict(employee_id="E-PLT", skill_id="OPS", level=4), dict(employee_id="E-SUP", skill_id="OPS", level=2)],
        role_requirements=[dict(role_id="R-CEO", skill_id="LEAD", level=4), dict(role_id="R-COO", skill_id="LEAD", level=3),
                           dict(role_id="R-COO", skill_id="OPS", level=4), dict(role_id="R-PLT", skill_id="OPS", level=3)],
        interventions=[dict(intervention_id="I-OPS", name="Plant Operations", kind="course", cost=3_000, duration_quarters=2,
                            hours_per_quarter=20, seats_per_quarter=None, earliest_start_quarter=course_earliest,
                            latest_start_quarter=None)],
        intervention_effects=[dict(intervention_id="I-OPS", skill_id="OPS", min_level=2, to_level=3)],
    ))


def frames(slates, learning):
    s = pd.DataFrame([dict(role_id=r, rank=k, employee_id=e) for r, k, e in slates], columns=["role_id", "rank", "employee_id"])
    l = pd.DataFrame([dict(employee_id=e, intervention_id=i, start_quarter=t, end_quarter=t + 1, cost=3_000) for e, i, t in learning],
                     columns=["employee_id", "intervention_id", "start_quarter", "end_quarter", "cost"])
    return s, l


CHAIN = [("R-CEO", 1, "E-COO"), ("R-COO", 1, "E-PLT"), ("R-PLT", 1, "E-SUP")]


@pytest.mark.parametrize("course_at, plant_covered", [(2, True), (3, False)])
def test_a_move_up_opens_the_successors_role_when_it_is_needed(course_at, plant_covered):
    ev = evaluate(chain_org(), make_scenario(), *frames(CHAIN, [("E-SUP", "I-OPS", course_at)]))
    assert ev.ok
    assert ev.covered["R-PLT"] is plant_covered  # needed in quarter 4, not at the end of the horizon
    assert ev.covered["R-CEO"] and ev.covered["R-COO"]


def test_without_the_move_the_plant_is_needed_at_the_horizon():
    ev = evaluate(chain_org(), make_scenario(), *frames([("R-PLT", 1, "E-SUP")], [("E-SUP", "I-OPS", 3)]))
    assert ev.covered["R-PLT"]


def test_chains_are_reported_with_the_roles_a_departure_puts_at_risk():
    slates, learning = frames(CHAIN, [("E-SUP", "I-OPS", 0)])
    ctx = PlanContext(chain_org(), make_scenario(), slates, learning)
    chains = backfill_chains(ctx)
    assert chains["role_id"].tolist() == ["R-CEO", "R-COO", "R-PLT"]
    assert chains["opens_role_id"].tolist()[:2] == ["R-COO", "R-PLT"] and chains["need_quarter"].tolist() == [4, 4, 4]
    assert evaluate(chain_org(), make_scenario(), slates, learning).kpis["longest_cascade"] == 3


@pytest.mark.parametrize("earliest", [0, 3])
def test_the_model_plans_the_chain(earliest):
    plan = solve_checked(chain_org(earliest), make_scenario())
    first = {s.role_id: s.employee_id for s in plan.slates if s.rank == 1}
    assert first["R-CEO"] == "E-COO" and first["R-COO"] == "E-PLT"
    plant = [c for c in plan.cascades if c.role_id == "R-PLT"]
    assert plant and plant[0].need_quarter == 4 and plan.kpis.longest_cascade == 3
    if earliest == 0:  # the supervisor's course is brought forward to finish before the chain reaches the plant
        assert [(a.employee_id, a.start_quarter <= 2) for a in plan.learning] == [("E-SUP", True)]
        assert plan.kpis.covered_roles == 3
    else:  # too late for quarter 4: the solver must not count the plant as covered
        assert plan.kpis.covered_roles == 2
