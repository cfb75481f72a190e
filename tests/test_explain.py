"""Explanations on hand-built organisations where the right answer is known.

The baseline (tests/factories.py): R-MGR (critical, grade 3, vacant in quarter 4, needs FIN 4 and
LEAD 2) with two analysts: Ana has FIN 3 (one course, I-ADV: 5,000, two quarters, from level 3 to 4),
Ben has FIN 1 (I-FOUND 2,000 to level 3, then I-ADV: 7,000 in all).
"""

from __future__ import annotations

import pytest

from factories import base_tables, make_org, solve_checked
from factories import make_scenario as _make_scenario
from planner.analyses.explain import explain_slates, explain_uncovered, marginal_value_of_money
from planner.contract.scenario import Budget


def make_scenario(**kw):
    """Two search workers: the models are tiny, and explanations make several re-solves."""
    return _make_scenario(solver=dict(num_workers=2), **kw)


def _second_manager_role(tables: dict, **kw) -> dict:
    """Both manager roles need FIN 4 by quarter 2, so I-ADV (two quarters) must start in quarter 0."""
    tables["roles"][0]["vacancy_quarter"] = 2
    tables["roles"].append(dict(tables["roles"][0], role_id="R-MGR2", title="Finance Manager North", incumbent_id=None,
                                external_hire_cost=90_000, **kw))
    tables["role_requirements"].append(dict(role_id="R-MGR2", skill_id="FIN", level=4))
    tables["employees"][0]["open_to_move"] = False  # the manager herself could move across; keep her out
    return tables


def _seats_tables() -> dict:
    """Ana and Ben both have FIN 3 and each needs I-ADV, which has one seat a quarter."""
    t = _second_manager_role(base_tables())
    t["employee_skills"][4]["level"] = 3  # Ben FIN 1 -> 3
    next(iv for iv in t["interventions"] if iv["intervention_id"] == "I-ADV")["seats_per_quarter"] = 1
    return t


# ------------------------------------------------------------------------------------------
# Why this successor
# ------------------------------------------------------------------------------------------


def test_slate_explanation_gives_path_scores_and_runner_up():
    org, scenario = make_org(), make_scenario(policy=dict(bench_depth=1))
    plan = solve_checked(org, scenario)
    assert [(a.employee_id, a.intervention_id, a.start_quarter) for a in plan.learning] == [("E-ANA", "I-ADV", 0)]

    [entry] = explain_slates(org, scenario, plan)
    assert (entry.role_id, entry.rank, entry.employee_id) == ("R-MGR", 1, "E-ANA")
    assert entry.need_label == "2028Q1"
    [gap] = entry.gaps_today
    assert (gap.skill_id, gap.level, gap.required) == ("FIN", 3, 4)
    [step] = entry.readiness_path
    assert (step.intervention_id, step.start_quarter, step.end_quarter) == ("I-ADV", 0, 1)
    assert (step.start_label, step.end_label, step.counts_from_label) == ("2027Q1", "2027Q2", "2027Q3")
    assert [(c.skill_id, c.from_level, c.to_level) for c in step.raises] == [("FIN", 3, 4)]
    assert [g.skill_id for g in step.closes] == ["FIN"]
    assert entry.unmet_at_need == []
    s = entry.scores
    assert (s.development_cost, s.ready_quarter, s.ready_label, s.ready_when_needed) == (5_000, 2, "2027Q3", True)
    assert (s.performance, s.potential, s.quality) == (4, 3, 0.88)

    ru = entry.runner_up
    assert ru.employee_id == "E-BEN"
    assert not ru.ready_under_plan and ru.can_be_ready_by_need
    assert ru.development_cost_estimate == 7_000 and ru.development == ["I-FOUND", "I-ADV"]
    assert ru.earliest_ready_quarter == 3  # I-FOUND in q0, I-ADV in q1-q2
    assert "costs 2,000 more to develop (7,000 vs 5,000)" in ru.separates
    assert "lower performance (3 vs 4)" in ru.separates
    assert "lower potential (2 vs 3)" in ru.separates


def test_runner_up_blocked_by_seats_and_first_rank():
    org, scenario = make_org(_seats_tables()), make_scenario(policy=dict(bench_depth=1))
    plan = solve_checked(org, scenario)
    [entry] = [x for x in explain_slates(org, scenario, plan) if x.scores.ready_when_needed]  # one seat: one ready
    [other] = [x for x in explain_slates(org, scenario, plan) if not x.scores.ready_when_needed]
    ru = entry.runner_up
    assert ru.employee_id == other.employee_id and not ru.ready_under_plan and ru.can_be_ready_by_need
    assert ("needs Financial Reporting 3->4 which only I-ADV gives, and its seats are taken in every quarter that "
            "would finish by 2027Q3") in ru.separates
    assert f"already first successor for {other.role_id}" in ru.separates


# ------------------------------------------------------------------------------------------
# Why not covered
# ------------------------------------------------------------------------------------------


def test_skill_nobody_can_reach_is_unreachable():
    t = base_tables()
    t["role_requirements"][0]["level"] = 5  # FIN 5: no intervention goes above 4
    org, scenario = make_org(t), make_scenario()
    plan = solve_checked(org, scenario)
    assert plan.kpis.covered_roles == 0
    [why] = explain_uncovered(org, scenario, plan)
    assert why.reason == "UNREACHABLE" and why.role_id == "R-MGR"
    assert (why.skill_id, why.best_candidate, why.reached_level, why.required_level) == ("FIN", "E-ANA", 4, 5)
    assert "FIN: best candidate E-ANA reaches 4 of 5 by 2028Q1" in why.message
    assert {c.employee_id: c.reach["FIN"] for c in why.candidates} == {"E-ANA": 4, "E-BEN": 4}
    assert why.solves == []  # decided from the catalogue, not by the solver


def test_level_reachable_only_after_the_vacancy_is_unreachable():
    t = base_tables()
    t["roles"][0]["vacancy_quarter"] = 1  # I-ADV takes two quarters: FIN 4 counts from quarter 2 at the earliest
    org, scenario = make_org(t), make_scenario()
    plan = solve_checked(org, scenario)
    [why] = explain_uncovered(org, scenario, plan)
    assert why.reason == "UNREACHABLE"
    assert (why.skill_id, why.best_candidate, why.reached_level, why.required_level) == ("FIN", "E-ANA", 3, 4)
    assert "by 2027Q2" in why.message


def test_nobody_eligible():
    scenario = make_scenario(vetoes=[dict(employee_id=e, role_id="R-MGR", rationale="test") for e in ("E-ANA", "E-BEN")])
    org = make_org()
    plan = solve_checked(org, scenario)
    [why] = explain_uncovered(org, scenario, plan)
    assert why.reason == "NO_CANDIDATE"
    assert why.excluded == {"incumbent": 1, "vetoed": 2}
    assert "2 vetoed" in why.message


def test_budget_short_by_a_known_amount():
    org, scenario = make_org(), make_scenario(budget=3_000)  # Ana's I-ADV costs 5,000
    plan = solve_checked(org, scenario)
    assert plan.kpis.covered_roles == 0
    [why] = explain_uncovered(org, scenario, plan)
    assert why.reason == "BUDGET"
    assert why.budget_now == 3_000
    assert abs(why.extra_budget - 2_000) <= why.tolerance
    assert why.budget_needed >= 5_000  # nothing cheaper can cover it
    covering = [s for s in why.solves if s.role_covered and s.budget == why.budget_needed]
    short = [s for s in why.solves if not s.role_covered and s.budget >= why.budget_needed - why.tolerance]
    assert covering and short, why.solves  # checked on both sides of the answer
    assert "about 2,000 more" in why.message


def test_per_quarter_cap_binding_is_named():
    scenario = make_scenario()
    scenario = scenario.model_copy(update={"budget": Budget(total=50_000, per_quarter=3_000)})  # I-ADV: 5,000 at once
    org = make_org()
    plan = solve_checked(org, scenario)
    [why] = explain_uncovered(org, scenario, plan)
    assert why.reason == "BUDGET" and why.extra_budget == 0
    assert "per-quarter budget cap of 3,000 binds" in why.message
    assert any(s.role_covered and s.what.endswith("no per-quarter cap") for s in why.solves)


def test_pin_that_blocks_coverage_is_named():
    t = base_tables()
    t["roles"][0]["vacancy_quarter"] = 2  # Ben cannot be ready by then; Ana can
    org = make_org(t)
    scenario = make_scenario(pins=[dict(employee_id="E-BEN", role_id="R-MGR", rank=1, rationale="board's choice")])
    plan = solve_checked(org, scenario)
    [why] = explain_uncovered(org, scenario, plan)
    assert why.reason == "OVERRIDES" and why.overrides == ["pin: E-BEN #1 R-MGR"]
    assert why.solves[-1].role_covered and not why.solves[-2].role_covered


def test_seats_binding_is_capacity_naming_the_intervention():
    org, scenario = make_org(_seats_tables()), make_scenario()
    plan = solve_checked(org, scenario)
    assert plan.kpis.covered_roles == 1
    [why] = explain_uncovered(org, scenario, plan)
    assert why.reason == "CAPACITY"
    assert [(s.intervention_id, s.seats_per_quarter, s.quarter_label, s.starts_needed) for s in why.seats] == [
        ("I-ADV", 1, "2027Q1", 2)]
    assert why.hours == [] and why.capacity_verified
    unlimited_budget = why.solves[0]
    assert unlimited_budget.what == "unlimited budget" and not unlimited_budget.role_covered
    assert why.solves[-1].role_covered  # seats freed on I-ADV only


def test_learning_hours_binding_names_the_person():
    t = base_tables()
    for e in t["employees"]:
        e["learning_hours_per_quarter"] = 10  # every course takes 20 hours a quarter
    org, scenario = make_org(t), make_scenario()
    plan = solve_checked(org, scenario)
    [why] = explain_uncovered(org, scenario, plan)
    assert why.reason == "CAPACITY" and why.seats == [] and why.capacity_verified
    assert {(h.employee_id, h.hours_per_quarter, h.hours_needed) for h in why.hours} == {("E-ANA", 10, 20)}


def test_competition_for_the_only_ready_candidate():
    t = _second_manager_role(base_tables())  # Ben cannot reach FIN 4 by quarter 2; Ana can, but for one role
    org, scenario = make_org(t), make_scenario()
    plan = solve_checked(org, scenario)
    assert plan.kpis.covered_roles == 1
    [why] = explain_uncovered(org, scenario, plan)
    assert why.role_id == "R-MGR2" and why.reason == "COMPETITION"
    assert why.displaced_roles == ["R-MGR"] and "E-ANA" in why.message


def test_cheap_external_hire_is_economics():
    t = base_tables()
    t["roles"][0]["external_hire_cost"] = 1_000  # developing Ana costs 5,000
    org, scenario = make_org(t), make_scenario()
    plan = solve_checked(org, scenario)
    [why] = explain_uncovered(org, scenario, plan)
    assert why.reason == "ECONOMICS"
    assert why.development_cost == 5_000 and why.objective_change > 0


def test_covered_plan_has_nothing_to_explain():
    org, scenario = make_org(), make_scenario()
    plan = solve_checked(org, scenario)
    assert explain_uncovered(org, scenario, plan) == []


# ------------------------------------------------------------------------------------------
# Marginal value of money
# ------------------------------------------------------------------------------------------


def test_marginal_value_of_money_is_monotone_and_finds_the_threshold():
    org, scenario = make_org(), make_scenario(budget=3_000)
    plan = solve_checked(org, scenario)
    table = marginal_value_of_money(org, scenario, plan, steps=(0.10, 0.25, 0.50, 0.75))
    assert list(table["step"]) == [0.0, 0.10, 0.25, 0.50, 0.75]
    assert list(table["extra_budget"]) == pytest.approx([0, 300, 750, 1_500, 2_250])
    assert table["covered_roles"].is_monotonic_increasing
    assert list(table["extra_roles_covered"]) == [0, 0, 0, 0, 1]  # 4,500 is short of 5,000; 5,250 is not
    last = table.iloc[-1]
    assert last["newly_covered"] == "R-MGR"
    assert last["total_cost_change"] == pytest.approx(5_000 - 100_000)
