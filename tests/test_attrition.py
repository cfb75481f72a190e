"""Attrition risk: exact coverage probabilities computed by hand, and the Monte Carlo agreeing with them.

The hand-built plan (on tests/factories.py's organisation plus Cat, an analyst who already meets
every requirement, and R-CTRL, a critical role with no known vacancy, so needed at the horizon's end):

- R-MGR (vacant in quarter 4): #1 Ana (ready from quarter 2 after I-ADV in quarters 0-1), #2 Ben (never
  ready: FIN 3 of 4 after I-FOUND in quarter 1), #3 Cat (ready now).
- R-CTRL (needed in quarter 8): #1 Cat, #2 Ana (both ready now).

Annual flight risks: Ana 0.2, Ben 0.5, Cat 0.4, the manager 0.1.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from factories import base_tables, make_org, make_scenario
from planner.analyses.attrition import coverage_probability, expected_wasted_spend, simulate, survival
from planner.evaluation.report import evaluate
from planner.contract.plan import Kpis, LearningAssignment, Plan, PlanMeta, SlateEntry, readiness_category

RISK = {"E-MGR": 0.1, "E-ANA": 0.2, "E-BEN": 0.5, "E-CAT": 0.4}


def hand_org(risk: dict | None = None, vacancy: int = 4):
    t = base_tables()
    t["roles"][0]["vacancy_quarter"] = vacancy
    t["roles"].append(dict(t["roles"][0], role_id="R-CTRL", title="Financial Controller", incumbent_id=None,
                           vacancy_quarter=None, criticality=3, external_hire_cost=80_000))
    t["role_requirements"].append(dict(role_id="R-CTRL", skill_id="FIN", level=3))
    t["employees"].append(dict(t["employees"][1], employee_id="E-CAT", name="Cat Analyst"))
    t["employee_skills"] += [dict(employee_id="E-CAT", skill_id="FIN", level=4),
                             dict(employee_id="E-CAT", skill_id="LEAD", level=2)]
    for e in t["employees"]:
        e["flight_risk"] = (risk or RISK)[e["employee_id"]]
    return make_org(t)


def hand_plan(org, scenario) -> Plan:
    slates = [("R-MGR", 1, "E-ANA", 2), ("R-MGR", 2, "E-BEN", None), ("R-MGR", 3, "E-CAT", 0),
              ("R-CTRL", 1, "E-CAT", 0), ("R-CTRL", 2, "E-ANA", 0)]
    learning = [("E-ANA", "I-ADV", 0, 1, 5_000.0), ("E-BEN", "I-FOUND", 1, 1, 2_000.0)]
    plan = Plan(
        meta=PlanMeta(scenario="hand", dataset="<memory>", input_fingerprint="-", start=scenario.start,
                      horizon_quarters=scenario.horizon_quarters, budget_total=scenario.budget.total, created="-",
                      planner_version="-"),
        kpis=Kpis(critical_roles=2, covered_roles=2, coverage=1.0, training_cost=7_000, external_hire_cost=0,
                  total_cost=7_000, bench_strength=2.0, budget_used_share=0.14, status="FEASIBLE"),
        slates=[SlateEntry(role_id=r, rank=k, employee_id=e, ready_quarter=q, readiness=readiness_category(q))
                for r, k, e, q in slates],
        learning=[LearningAssignment(employee_id=e, intervention_id=i, start_quarter=s, end_quarter=t, cost=c,
                                     target_role_id="R-MGR") for e, i, s, t, c in learning],
    )
    ev = evaluate(org, scenario, plan.slates_df(), plan.learning_df())
    assert ev.violations == []  # a plan the planner could have made
    assert list(ev.slates["ready_quarter"].astype(object).where(ev.slates["ready_quarter"].notna(), None)) == [
        2, None, 0, 0, 0]
    return plan


@pytest.fixture
def case():
    org, scenario = hand_org(), make_scenario()
    return org, scenario, hand_plan(org, scenario)


def test_survival_is_annual_risk_spread_over_quarters():
    assert survival(0.2, 4) == pytest.approx(0.8)
    assert survival(0.2, 8) == pytest.approx(0.64)
    assert survival(0.2, 2) == pytest.approx(0.8 ** 0.5)
    assert survival(0.3, 0) == 1.0
    assert survival(1.0, 1) == 0.0
    assert survival(0.0, 12) == 1.0
    assert survival(0.2, 5, leave_quarter=5) == 0.0 and survival(0.2, 4, leave_quarter=5) == pytest.approx(0.8)


def test_exact_probabilities_by_hand(case):
    org, scenario, plan = case
    df = coverage_probability(org, scenario, plan).set_index("role_id")
    mgr, ctrl = df.loc["R-MGR"], df.loc["R-CTRL"]
    # R-MGR needed in quarter 4: Ana there with 0.8, Cat with 0.6; Ben never ready so never counts
    assert mgr["ready_successors"] == "E-ANA;E-CAT" and mgr["slate"] == "E-ANA;E-BEN;E-CAT"
    assert mgr["p_first_covers"] == pytest.approx(0.8)
    assert mgr["p_backup_covers"] == pytest.approx(0.2 * 0.6)
    assert mgr["p_covered"] == pytest.approx(1 - 0.2 * 0.4)
    assert mgr["risk_of_loss"] == pytest.approx(0.1)  # the manager leaves within the year before the vacancy
    assert mgr["impact"] == 4 * 100_000 and mgr["expected_external_cost"] == pytest.approx(0.08 * 100_000)
    # R-CTRL needed at the horizon's end (quarter 8): Cat there with 0.36, Ana with 0.64
    assert ctrl["need_quarter"] == 8 and not ctrl["vacancy_known"]
    assert ctrl["p_first_covers"] == pytest.approx(0.36)
    assert ctrl["p_covered"] == pytest.approx(1 - 0.64 * 0.36)
    assert np.isnan(ctrl["risk_of_loss"])  # no incumbent
    assert df.attrs["expected_covered_roles"] == pytest.approx(0.92 + 0.7696)
    assert df.attrs["planned_covered_roles"] == 2
    # Ana's 5,000 is lost if she leaves in quarters 1-4; Ben's 2,000 if he is there in quarter 1 but not 4
    assert expected_wasted_spend(org, scenario, plan) == pytest.approx(5_000 * 0.2 + 2_000 * (0.5 ** 0.25 - 0.5))


@pytest.mark.parametrize("vacancy", [3, 4])
def test_simulation_agrees_with_exact_probabilities(vacancy):
    org, scenario = hand_org(vacancy=vacancy), make_scenario()
    plan = hand_plan(org, scenario)
    n = 20_000
    sim = simulate(org, scenario, plan, draws=n, seed=7)
    exact = coverage_probability(org, scenario, plan).set_index("role_id")
    got = sim.per_role().set_index("role_id")
    for role in ("R-MGR", "R-CTRL"):
        for column in ("p_covered", "p_first_covers"):
            p = exact.at[role, column]
            assert abs(got.at[role, column] - p) <= 4 * np.sqrt(p * (1 - p) / n), (role, column)
    # the count of covered roles and the wasted spend: means within four standard errors
    expected = exact.attrs["expected_covered_roles"]
    assert abs(sim.covered_roles.mean() - expected) <= 4 * sim.covered_roles.std() / np.sqrt(n)
    assert sim.summary.expected_covered_exact == pytest.approx(expected)
    wasted = expected_wasted_spend(org, scenario, plan)
    assert abs(sim.wasted_spend.mean() - wasted) <= 4 * sim.wasted_spend.std() / np.sqrt(n)
    # departures follow P(still there at the start of q) = (1 - p) ** (q / 4)
    ana = sim.departure[:, sim.people.index("E-ANA")]
    for q in range(1, scenario.horizon_quarters + 1):
        s = 0.8 ** (q / 4)
        assert abs((ana > q).mean() - s) <= 4 * np.sqrt(s * (1 - s) / n), q


def test_nobody_leaves_nothing_wasted():
    org, scenario = hand_org(risk={e: 0.0 for e in RISK}), make_scenario()
    plan = hand_plan(org, scenario)
    sim = simulate(org, scenario, plan, draws=2_000, seed=1)
    assert (sim.wasted_spend == 0).all() and (sim.forgone_spend == 0).all()
    assert (sim.covered_roles == 2).all()
    assert list(coverage_probability(org, scenario, plan)["p_covered"]) == [1.0, 1.0]
    assert sim.summary.p_any_waste == 0.0 and expected_wasted_spend(org, scenario, plan) == 0.0


def test_everyone_leaves_after_the_first_quarter():
    # p = 1: everyone is there at the start of quarter 0 and gone from quarter 1. Ana's I-ADV (quarter 0)
    # is paid and wasted; Ben's I-FOUND (quarter 1) is never paid; nobody is left to cover anything.
    org, scenario = hand_org(risk={e: 1.0 for e in RISK}), make_scenario()
    plan = hand_plan(org, scenario)
    sim = simulate(org, scenario, plan, draws=1_000, seed=1)
    assert (sim.wasted_spend == 5_000).all()
    assert (sim.forgone_spend == 2_000).all()
    assert (sim.covered_roles == 0).all()
    assert expected_wasted_spend(org, scenario, plan) == pytest.approx(5_000)
    assert list(coverage_probability(org, scenario, plan)["p_covered"]) == [0.0, 0.0]


def test_same_seed_same_result(case):
    org, scenario, plan = case
    a, b = simulate(org, scenario, plan, draws=3_000, seed=11), simulate(org, scenario, plan, draws=3_000, seed=11)
    assert np.array_equal(a.departure, b.departure) and np.array_equal(a.covered, b.covered)
    assert np.array_equal(a.wasted_spend, b.wasted_spend)
    assert a.summary == b.summary
    c = simulate(org, scenario, plan, draws=3_000, seed=12)
    assert not np.array_equal(a.departure, c.departure)


def test_histograms_account_for_every_draw(case):
    org, scenario, plan = case
    sim = simulate(org, scenario, plan, draws=5_000, seed=2)
    hist = sim.covered_histogram()
    assert list(hist["covered_roles"]) == [0, 1, 2] and hist["draws"].sum() == 5_000
    assert hist["share"].sum() == pytest.approx(1.0)
    wasted = sim.wasted_histogram(bins=10)
    assert len(wasted) == 10 and wasted["draws"].sum() == 5_000


def test_sample_plan_simulates_fast_and_agrees():
    """The one test on the sample: a short solve of the baseline, then 10,000 draws."""
    import planner

    org, scenario = planner.load("scenarios/baseline.yaml")
    scenario = scenario.model_copy(update={"solver": scenario.solver.model_copy(update={"time_limit_seconds": 3})})
    plan = planner.solve(scenario, org)
    assert plan.has_solution
    simulate(org, scenario, plan, draws=100, seed=0)  # warm-up
    started = time.perf_counter()
    sim = simulate(org, scenario, plan, draws=10_000, seed=0)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, elapsed
    exact = coverage_probability(org, scenario, plan).set_index("role_id")
    got = sim.per_role().set_index("role_id")
    for role, p in exact["p_covered"].items():
        assert abs(got.at[role, "p_covered"] - p) <= 4 * np.sqrt(p * (1 - p) / 10_000) + 1e-12, role
    assert sim.summary.expected_covered_exact <= sim.summary.critical_roles

    from planner.analyses.explain import explain_slates

    explained = explain_slates(org, scenario, plan)
    assert len(explained) == len(plan.slates)
    assert all(x.scores.development_cost <= plan.kpis.training_cost + 1e-6 for x in explained)
