"""The workforce plan (issue 13): hand-computed plans the LP must find exactly, a satisfied / violated
pair per workforce rule on both sides (the checker on a plan's tables, the model on fixed decisions),
the soft rules' parts against the solver's own, input validation of the workforce tables, the
scenario's workforce changes, and the sample end to end.

Small organisations here are the hand-built baseline of tests/factories.py (whose people belong to no
workforce category) with categories ``Ops/<grade>`` supplied by ``workforce_supply``, so every flow is
the workforce tables' own and each plan can be worked out by hand."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ortools.linear_solver import pywraplp

import planner
from factories import base_tables, make_scenario
from planner import organisation_from_records
from planner.contract.workforce import Hire, Move
from planner.evaluation import workforce as wf
from planner.evaluation.workforce import WorkforceContext, check_workforce_plan, succession_flows
from planner.inputs.files import load_dataset, write_dataset
from planner import check_scenario
from planner.inputs.workforce import category_family
from planner.problem import workforce as wproblem
from planner.problem.workforce import build_workforce
from planner.solver import workforce as wsolver
from planner.solver.workforce import (WORKFORCE_HARD_RULES, WORKFORCE_SOFT_RULES, WORKFORCE_STRUCTURAL_RULES,
                                      WorkforceModel, solve_workforce, solve_workforce_instance)
from test_io import workforce_tables
from test_validation import only, valid_tables

ROOT = Path(__file__).resolve().parents[1]
HARD = WORKFORCE_HARD_RULES + WORKFORCE_STRUCTURAL_RULES
BY_KEY = {rule.key: rule for rule in HARD + WORKFORCE_SOFT_RULES}


# ------------------------------------------------------------------------------------------
# Helpers: tiny organisations, their instances and plans
# ------------------------------------------------------------------------------------------


def category(name: str, **kw) -> dict:
    """A workforce_costs row: loaded 10, hire 5, no time to hire, no attrition, understaffing 1000 unless given."""
    row = dict(category=name, loaded_cost=10, hire_cost=5, time_to_hire=0, understaffing_cost=1000, attrition_rate=0.0)
    row.update(kw)
    return row


def workforce_org(costs: list[dict], supply: dict[str, float], demand=(), moves=(), interventions=None,
                  employees=None):
    """factories' baseline (its vacancy dropped, so that any horizon fits) with these workforce tables:
    ``demand`` as (category, quarter, fte), ``interventions`` as {id: changed fields}."""
    t = base_tables()
    for role in t["roles"]:
        role["vacancy_quarter"] = None
    for row in t["interventions"]:
        row.update((interventions or {}).get(row["intervention_id"], {}))
    for row in t["employees"]:
        row.update((employees or {}).get(row["employee_id"], {}))
    t["workforce_costs"] = costs
    t["workforce_supply"] = [dict(category=c, fte=f) for c, f in supply.items()]
    if demand:
        t["workforce_demand"] = [dict(category=c, quarter=q, fte=f) for c, q, f in demand]
    if moves:
        t["workforce_moves"] = list(moves)
    return organisation_from_records(**t)


def instance(org, horizon: int, changes=(), **workforce):
    scenario = make_scenario(horizon_quarters=horizon, workforce=workforce, changes=list(changes))
    return scenario, build_workforce(org, scenario, succession_flows(org, scenario, None))


def solved(org, horizon: int, changes=(), **workforce):
    """(instance, plan): the plan proven optimal and passing the checker, its parts the solver's own."""
    scenario, inst = instance(org, horizon, changes, **workforce)
    plan = solve_workforce_instance(inst, scenario)
    assert plan.kpis.status == "OPTIMAL", plan.kpis.message
    violations, parts = check_workforce_plan(inst, plan)
    assert violations == []
    for key, value in parts.items():
        assert value == pytest.approx(plan.kpis.solver_objective_parts[key], rel=1e-9, abs=1e-6)
        assert getattr(plan.kpis, key) == pytest.approx(value, rel=1e-9, abs=1e-6)
    assert plan.kpis.total_cost == pytest.approx(sum(parts.values()), rel=1e-9)
    return inst, plan


def grid(plan, column: str) -> dict[tuple[str, int], float]:
    """A workforce_plan column by (category, quarter)."""
    return {(r.category, r.quarter): getattr(r, column) for r in plan.rows}


def moved(plan) -> dict[tuple[str, str, int], float]:
    out: dict = {}
    for m in plan.moves:
        out[m.from_category, m.to_category, m.quarter] = out.get((m.from_category, m.to_category, m.quarter), 0.0) + m.fte
    return out


def assert_grid(plan, column: str, expected: dict, default: float = 0.0):
    got = grid(plan, column)
    for key in got:
        assert got[key] == pytest.approx(expected.get(key, default), abs=1e-6), (column, key, got[key])


def row(plan, category: str, quarter: int):
    return next(r for r in plan.rows if r.category == category and r.quarter == quarter)


# ------------------------------------------------------------------------------------------
# 1. Hand-computed plans
# ------------------------------------------------------------------------------------------


def promotion_org():
    """Two grades over 4 quarters. Ops/1: 10 FTE, 10% attrition a quarter, hires (5 each) only from
    quarter 1 (time_to_hire 1) and at most 1.5 FTE a quarter; demand 9.5, then 9. Ops/2: 5 FTE, no
    attrition, hires cost 50 and a fifth of them leave in their first quarter; demand 5, 7, 7.5, 7.5.
    A promotion Ops/1 -> Ops/2 costs 2 per FTE, at most 1 FTE a quarter. Loaded costs 10 and 20;
    understaffing 1000 per FTE-quarter, redundancy 100."""
    costs = [category("Ops/1", time_to_hire=1, hire_cap=1.5, redundancy_cost=100, attrition_rate=0.1,
                      new_hire_attrition_rate=0.0),
             category("Ops/2", loaded_cost=20, hire_cost=50, redundancy_cost=100, new_hire_attrition_rate=0.2)]
    demand = [("Ops/1", 0, 9.5), ("Ops/1", 1, 9), ("Ops/2", 0, 5), ("Ops/2", 1, 7), ("Ops/2", 2, 7.5)]
    moves = [dict(from_category="Ops/1", to_category="Ops/2", kind="promotion", cost=2, cap=1)]
    return workforce_org(costs, {"Ops/1": 10, "Ops/2": 5}, demand, moves)


def test_hand_computed_least_cost_plan():
    """Understaffing (1000) dwarfs everything else, so every closing is its demand where it can be, and
    then each quarter is its own small problem:

    q0: Ops/1 keeps 10 x 0.9 = 9 and cannot hire yet: 0.5 FTE short of 9.5 (500). Ops/2 holds 5.
    q1: Ops/1 keeps 8.1 and needs 9, so hires 0.9 + the FTE it promotes, at most 1.5: promotes 0.6.
        A promoted FTE costs 2 + a 5 hire behind it; an Ops/2 hire costs 50 / 0.8 = 62.5 per FTE who
        stays, so Ops/2 takes all 0.6 and hires the other 1.4 as 1.4 / 0.8 = 1.75 FTE.
    q2: Ops/2 needs 0.5 more: promoted (0.5 <= the cap of 1, and 0.9 + 0.5 = 1.4 <= 1.5 hires).
    q3: Ops/1 hires its 0.9 of attrition back.
    Loaded: 9 x 4 x 10 + (5 + 7 + 7.5 + 7.5) x 20 = 360 + 540 = 900; hiring (1.5 + 1.4 + 0.9) x 5
    + 1.75 x 50 = 19 + 87.5 = 106.5; moves 1.1 x 2 = 2.2; understaffing 500. Total 1508.7."""
    inst, plan = solved(promotion_org(), 4)
    assert plan.kpis.total_cost == pytest.approx(1508.7, rel=1e-9)
    assert plan.kpis.solver_objective_parts == pytest.approx(dict(
        loaded_cost=900, hiring_cost=106.5, move_cost=2.2, training_cost=0, redundancy_cost=0, overstaffing_cost=0,
        short_time_cost=0, understaffing_cost=500), abs=1e-7)
    assert plan.kpis.best_bound == pytest.approx(1508.7, rel=1e-9)
    assert_grid(plan, "hires", {("Ops/1", 1): 1.5, ("Ops/1", 2): 1.4, ("Ops/1", 3): 0.9, ("Ops/2", 1): 1.75})
    assert_grid(plan, "closing", {("Ops/1", 0): 9, ("Ops/1", 1): 9, ("Ops/1", 2): 9, ("Ops/1", 3): 9,
                                  ("Ops/2", 0): 5, ("Ops/2", 1): 7, ("Ops/2", 2): 7.5, ("Ops/2", 3): 7.5})
    assert_grid(plan, "understaffing", {("Ops/1", 0): 0.5})
    assert_grid(plan, "attrition", {("Ops/1", 0): 1.0, ("Ops/1", 1): 0.9, ("Ops/1", 2): 0.9, ("Ops/1", 3): 0.9})
    assert_grid(plan, "hire_leavers", {("Ops/2", 1): 0.35})
    for column in ("redundancies", "overstaffing", "short_time"):
        assert_grid(plan, column, {})
    assert moved(plan) == pytest.approx({("Ops/1", "Ops/2", 1): 0.6, ("Ops/1", "Ops/2", 2): 0.5})
    hires = plan.table("hiring_plan")
    assert hires[["quarter", "category", "reason"]].values.tolist() == [
        [1, "Ops/1", "attrition backfill"], [1, "Ops/2", "growth"], [2, "Ops/1", "attrition backfill"],
        [3, "Ops/1", "attrition backfill"]]
    assert hires["decide_by"].tolist() == [0, 1, 1, 2]
    costs = plan.table("workforce_cost")
    assert costs["total"].tolist() == pytest.approx([90 + 100 + 500, 90 + 140 + 7.5 + 87.5 + 1.2,
                                                     90 + 150 + 7 + 1.0, 90 + 150 + 4.5])
    assert plan.kpis.hires == pytest.approx(5.55) and plan.kpis.moves == pytest.approx(1.1)
    assert plan.kpis.internal_fill_rate == pytest.approx(1.1 / 6.65)
    assert plan.kpis.headcount_vs_demand == pytest.approx(1.0)
    assert plan.kpis.understaffed_fte_quarters == pytest.approx(0.5)


def test_the_full_path_finds_the_same_plan_and_checks_it():
    org = promotion_org()
    scenario = make_scenario(horizon_quarters=4)
    plan = solve_workforce(org, scenario)
    assert plan.kpis.total_cost == pytest.approx(1508.7, rel=1e-9)
    assert plan.kpis.objective_parts["understaffing_cost"] == pytest.approx(500)
    assert plan.table("hiring_plan")["label"].tolist() == ["2027Q2", "2027Q2", "2027Q3", "2027Q4"]


def shrinking_org():
    """Ops/1: 10 FTE whose demand falls to 6 from quarter 1; at most 3 FTE above demand; redundancy
    15. Ops/2: 4 FTE whose demand rises to 5 from quarter 1; hires cost 20. A lateral move Ops/1 ->
    Ops/2 costs 8, at most 0.25 FTE a quarter. Loaded cost 10 everywhere, no attrition, 3 quarters."""
    costs = [category("Ops/1", redundancy_cost=15, overstaffing_cap=3), category("Ops/2", hire_cost=20, redundancy_cost=15)]
    demand = [("Ops/1", 0, 10), ("Ops/1", 1, 6), ("Ops/2", 0, 4), ("Ops/2", 1, 5)]
    moves = [dict(from_category="Ops/1", to_category="Ops/2", kind="lateral", cost=8, cap=0.25)]
    return workforce_org(costs, {"Ops/1": 10, "Ops/2": 4}, demand, moves)


def test_hand_computed_least_cost_plan_makes_redundancies():
    """Least cost: in q1 Ops/2 takes the 0.25 FTE the move allows (8, against a 20 hire and a 15
    redundancy) and hires 0.75 (15); Ops/1 has 10 - 0.25 - 6 = 3.75 FTE too many, and a redundancy (15)
    is cheaper than keeping them two quarters (2 x 10): 3.75 redundancies (56.25). Loaded
    (10 + 6 + 6) x 10 + (4 + 5 + 5) x 10 = 360; total 360 + 56.25 + 2 + 15 = 433.25."""
    inst, plan = solved(shrinking_org(), 3, objective="cost")
    assert plan.kpis.total_cost == pytest.approx(433.25, rel=1e-9)
    assert plan.kpis.redundancies == pytest.approx(3.75)
    assert_grid(plan, "redundancies", {("Ops/1", 1): 3.75})
    assert_grid(plan, "hires", {("Ops/2", 1): 0.75})
    assert moved(plan) == pytest.approx({("Ops/1", "Ops/2", 1): 0.25})
    assert_grid(plan, "overstaffing", {})


def test_hand_computed_fewest_redundancies_plan():
    """Fewest redundancies: Ops/1 must be at most 6 + 3 = 9 from q1, and only the move (0.25 a
    quarter) and redundancies take people out, so at least 1 - 0.25 x 2 = 0.5 redundancies, with both
    moves taken: the q0 move leaves Ops/1 0.25 short (250) and Ops/2 0.25 over. Then, among plans with
    0.5 redundancies, least cost: Ops/2 hires 0.5 in q1 (10). Closings Ops/1 9.75, 9, 9 and Ops/2
    4.25, 5, 5: loaded 277.5 + 142.5 = 420; redundancies 7.5, moves 4, hires 10, understaffing 250.
    Total 691.5, against 433.25 with 3.75 redundancies for least cost."""
    inst, plan = solved(shrinking_org(), 3, objective="redundancies")
    assert plan.kpis.objective == "redundancies"
    assert plan.kpis.redundancies == pytest.approx(0.5, abs=1e-6)
    assert plan.kpis.total_cost == pytest.approx(691.5, rel=1e-6)
    assert plan.kpis.solver_objective_parts == pytest.approx(dict(
        loaded_cost=420, hiring_cost=10, move_cost=4, training_cost=0, redundancy_cost=7.5, overstaffing_cost=0,
        short_time_cost=0, understaffing_cost=250), abs=1e-3)
    assert_grid(plan, "redundancies", {("Ops/1", 1): 0.5})
    assert moved(plan) == pytest.approx({("Ops/1", "Ops/2", 0): 0.25, ("Ops/1", "Ops/2", 1): 0.25})
    assert_grid(plan, "overstaffing", {("Ops/1", 1): 3, ("Ops/1", 2): 3, ("Ops/2", 0): 0.25})
    assert_grid(plan, "understaffing", {("Ops/1", 0): 0.25})


@pytest.mark.parametrize("objective, total, redundancies", [("cost", 440, 4), ("redundancies", 455, 1)])
def test_hand_computed_whole_heads_plans(objective, total, redundancies):
    """In whole people the 0.25 move cannot be used: Ops/2 hires 1 (20) in q1. Least cost makes all 4
    redundant (60): loaded (10 + 6 + 6) x 10 + 140 = 360, total 440. Fewest redundancies: 1 (Ops/1 at
    most 9 from q1), kept 3 over demand: loaded (10 + 9 + 9) x 10 + 140 = 420, + 15 + 20 = 455."""
    inst, plan = solved(shrinking_org(), 3, objective=objective, whole_heads=True)
    assert plan.kpis.total_cost == pytest.approx(total, rel=1e-9) and plan.kpis.redundancies == pytest.approx(redundancies)
    assert plan.moves == [] and grid(plan, "hires")[("Ops/2", 1)] == pytest.approx(1)


def short_time_org():
    """Williams' manpower planning in miniature: two categories of 10 FTE whose demand falls in the
    second quarter, to 6 (Ops/1) and 8 (Ops/2). Per FTE too many: a redundancy costs 100 (Ops/1) or
    120 (Ops/2) and saves the loaded 10; overstaffing costs 8 or 9 on top of the loaded cost; short-time
    working costs 3 per FTE and, at productivity 0.5, absorbs half an FTE of work, at most 4 (Ops/1) or
    2 (Ops/2) FTE on it."""
    costs = [category("Ops/1", redundancy_cost=100, overstaffing_cost=8, short_time_cost=3, short_time_cap=4,
                      short_time_productivity=0.5),
             category("Ops/2", redundancy_cost=120, overstaffing_cost=9, short_time_cost=3, short_time_cap=2,
                      short_time_productivity=0.5)]
    demand = [("Ops/1", 0, 10), ("Ops/1", 1, 6), ("Ops/2", 0, 10), ("Ops/2", 1, 8)]
    return workforce_org(costs, {"Ops/1": 10, "Ops/2": 10}, demand)


def test_hand_computed_short_time_and_total_overstaffing_cap():
    """Per FTE of excess: short time 2 x 3 = 6, overstaffing 8 + 10 = 18 (Ops/1) or 9 + 10 = 19 (Ops/2),
    a redundancy 100 (120). Short time first, to its caps: 4 FTE absorb 2 in Ops/1, 2 FTE absorb 1 in
    Ops/2; 2 + 1 left. Overstaffing summed over categories is capped at 1: it saves 120 - 19 = 101 in
    Ops/2 against 100 - 18 = 82 in Ops/1, so Ops/2 keeps its 1 and Ops/1 makes 2 redundant.
    Loaded 200 + 80 + 100 = 380; redundancy 200; overstaffing 9; short time 6 x 3 = 18. Total 607."""
    inst, plan = solved(short_time_org(), 2, overstaffing_total_cap=1)
    assert plan.kpis.total_cost == pytest.approx(607, rel=1e-9)
    assert plan.kpis.solver_objective_parts == pytest.approx(dict(
        loaded_cost=380, hiring_cost=0, move_cost=0, training_cost=0, redundancy_cost=200, overstaffing_cost=9,
        short_time_cost=18, understaffing_cost=0), abs=1e-7)
    assert_grid(plan, "short_time", {("Ops/1", 1): 4, ("Ops/2", 1): 2})
    assert_grid(plan, "overstaffing", {("Ops/2", 1): 1})
    assert_grid(plan, "redundancies", {("Ops/1", 1): 2})
    assert_grid(plan, "closing", {("Ops/1", 0): 10, ("Ops/1", 1): 8, ("Ops/2", 0): 10, ("Ops/2", 1): 10})
    assert row(plan, "Ops/1", 1).gap == pytest.approx(-2)


def test_without_the_total_cap_overstaffing_replaces_the_redundancies():
    """The same without the total cap: the 3 FTE left after short time are kept (18 and 19 per FTE,
    against 90 and 110 net for a redundancy): 2 x 8 + 1 x 9 = 25 overstaffing, loaded 400; 443."""
    inst, plan = solved(short_time_org(), 2)
    assert plan.kpis.total_cost == pytest.approx(200 + 200 + 25 + 18, rel=1e-9)
    assert_grid(plan, "overstaffing", {("Ops/1", 1): 2, ("Ops/2", 1): 1})
    assert plan.kpis.redundancies == 0


# ------------------------------------------------------------------------------------------
# 2. A satisfied / violated pair per workforce rule
# ------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def rich_org():
    """Three categories over 4 quarters where every rule and every cost part is at work: Ops/1 (hires
    only from quarter 1, at most 2 a quarter) feeds Ops/2 by promotion (at most 1 a quarter); Ops/3
    shrinks, with short time (cap 1), overstaffing (cap 0.5, cost 2) and redundancies, and retrains
    into Ops/2 through I-ADV (2 quarters, cost 4, one seat a quarter, starts in quarters 0-1 only)."""
    costs = [category("Ops/1", time_to_hire=1, hire_cap=2, redundancy_cost=30, attrition_rate=0.1, new_hire_attrition_rate=0.0),
             category("Ops/2", loaded_cost=20, hire_cost=50, redundancy_cost=60, attrition_rate=0.05,
                      new_hire_attrition_rate=0.2),
             category("Ops/3", loaded_cost=12, hire_cost=40, redundancy_cost=25, overstaffing_cost=2, overstaffing_cap=0.5,
                      short_time_cost=1, short_time_cap=1, short_time_productivity=0.5)]
    demand = [("Ops/1", 0, 9.5), ("Ops/1", 1, 9), ("Ops/2", 0, 6), ("Ops/2", 1, 8), ("Ops/2", 3, 9), ("Ops/3", 0, 8),
              ("Ops/3", 1, 6)]
    moves = [dict(from_category="Ops/1", to_category="Ops/2", kind="promotion", cost=2, cap=1),
             dict(from_category="Ops/3", to_category="Ops/2", kind="retraining", cost=3, intervention_id="I-ADV")]
    return workforce_org(costs, {"Ops/1": 10, "Ops/2": 6, "Ops/3": 8}, demand, moves,
                         interventions={"I-ADV": dict(cost=4, earliest_start_quarter=0, latest_start_quarter=1,
                                                      seats_per_quarter=1)})


@lru_cache(maxsize=None)
def rich(whole_heads: bool = False):
    """The rich organisation's (instance, plan), with overstaffing summed over categories capped at 2."""
    return solved(rich_org(), 4, whole_heads=whole_heads, overstaffing_total_cap=2)


def tampered(change, whole_heads: bool = False):
    """(instance, a deep copy of the rich plan after ``change(plan)``)."""
    inst, plan = rich(whole_heads)
    plan = plan.model_copy(deep=True)
    change(plan)
    return inst, plan


def messages(rule_key: str, inst, plan) -> list[str]:
    found = BY_KEY[rule_key].check(WorkforceContext(inst, plan))
    assert all(v.rule == rule_key for v in found)
    return [v.message for v in found]


def holds(rule_key: str, whole_heads: bool = False):
    inst, plan = rich(whole_heads)
    assert messages(rule_key, inst, plan) == []


def broken(rule_key: str, change, *words: str, whole_heads: bool = False):
    """The tampered plan breaks the rule, with a message naming each of ``words``."""
    found = messages(rule_key, *tampered(change, whole_heads))
    assert any(all(w in m for w in words) for m in found), found
    return found


def raise_by(category_: str, quarter: int, column: str, by: float):
    def change(plan):
        r = row(plan, category_, quarter)
        setattr(r, column, getattr(r, column) + by)
    return change


def set_to(category_: str, quarter: int, column: str, value: float):
    def change(plan):
        setattr(row(plan, category_, quarter), column, value)
    return change


def test_the_rich_plan_uses_every_rule_and_part():
    inst, plan = rich()
    assert all(value > 0.1 for value in plan.kpis.solver_objective_parts.values()), plan.kpis.solver_objective_parts
    assert {m.kind for m in plan.moves} == {"promotion", "retraining"}
    assert {m.start_quarter for m in plan.moves if m.intervention_id} <= {0, 1}
    assert any(r.short_time > 0 for r in plan.rows) and any(r.redundancies > 0 for r in plan.rows)


def test_flow_balance_holds():
    holds("flow_balance")


def test_flow_balance_broken():
    broken("flow_balance", raise_by("Ops/2", 2, "closing", 1.0), "Ops/2 in quarter 2 closes at")
    broken("flow_balance", raise_by("Ops/1", 1, "attrition", -0.5), "Ops/1 in quarter 1: attrition is")
    # the next quarter must open where this one closed
    broken("flow_balance", raise_by("Ops/3", 2, "opening", 0.3), "Ops/3 in quarter 2 opens at")


def test_outflow_within_present_holds():
    holds("outflow_within_present")


def test_outflow_within_present_broken():
    broken("outflow_within_present", set_to("Ops/1", 2, "redundancies", 50.0), "Ops/1 in quarter 2", "only 8.1")


def test_demand_balance_holds():
    holds("demand_balance")


def test_demand_balance_broken():
    broken("demand_balance", raise_by("Ops/3", 1, "understaffing", 2.0), "Ops/3 in quarter 1", "demand is 6")
    broken("demand_balance", raise_by("Ops/2", 3, "demand", 1.0), "Ops/2 in quarter 3", "the inputs say 9")
    broken("demand_balance", raise_by("Ops/2", 3, "gap", 1.0), "Ops/2 in quarter 3: gap is")


def test_hiring_limits_holds():
    holds("hiring_limits")


def add_hire(category_: str, quarter: int, fte: float, **kw):
    def change(plan):
        plan.hires.append(Hire(quarter=quarter, label="-", category=category_, fte=fte, cost=0.0,
                               reason=kw.pop("reason", "growth"), decide_by=quarter, **kw))
    return change


def test_hiring_limits_broken():
    broken("hiring_limits", add_hire("Ops/1", 0, 0.5), "Ops/1 in quarter 0", "before the 1-quarter time to hire")
    inst, plan = rich()
    assert sum(h.fte for h in plan.hires if h.category == "Ops/1" and h.quarter == 1) == pytest.approx(1.9)
    broken("hiring_limits", add_hire("Ops/1", 1, 0.25), "Ops/1 in quarter 1: 2.1500 FTE hired, the cap is 2")
    broken("hiring_limits", add_hire("Ops/2", 1, 1.0, reason="uncovered critical role", role_id="R-MGR"),
           "uncovered critical role R-MGR into Ops/2 in quarter 1", "not the succession plan's")


def test_move_limits_holds():
    holds("move_limits")


def add_move(source: str, target: str, kind: str, quarter: int, fte: float, intervention=None, start=None):
    def change(plan):
        plan.moves.append(Move(quarter=quarter, label="-", from_category=source, to_category=target, kind=kind, fte=fte,
                               cost=0.0, intervention_id=intervention, start_quarter=start))
    return change


def test_move_limits_broken():
    inst, plan = rich()
    promotion = next(m for m in plan.moves if m.kind == "promotion")
    assert promotion.fte == pytest.approx(1.0)  # at its cap

    def above_cap(p):
        next(m for m in p.moves if m.kind == "promotion").fte += 0.5

    broken("move_limits", above_cap, f"Ops/1->Ops/2:promotion in quarter {promotion.quarter}: 1.5000 FTE, the cap is 1")
    # I-ADV takes 2 quarters and starts in quarters 0-1: a retrained FTE arrives in quarter 2 or 3 only
    broken("move_limits", add_move("Ops/3", "Ops/2", "retraining", 1, 0.2, "I-ADV", -1),
           "Ops/3->Ops/2:retraining in quarter 1", "cannot start in time or in its window")
    broken("move_limits", add_move("Ops/3", "Ops/2", "retraining", 3, 0.2, "I-ADV", 0),
           "Ops/3->Ops/2:retraining in quarter 3", "cannot start in time or in its window")
    # one seat a quarter: 0.8 more starting in quarter 1 is too many
    broken("move_limits", add_move("Ops/3", "Ops/2", "retraining", 3, 0.8, "I-ADV", 1), "I-ADV in quarter 1",
           "the succession plan leaves 1 seats")
    broken("move_limits", add_move("Ops/2", "Ops/1", "downgrade", 2, 0.5), "Ops/2->Ops/1 (downgrade) is not an allowed move")


def test_move_limits_sums_the_rows_of_one_move():
    """Two rows of the same move in the same quarter, each within its cap, together above it."""
    inst, plan = rich()
    promotion = next(m for m in plan.moves if m.kind == "promotion")

    def split(p):
        first = next(m for m in p.moves if m.kind == "promotion")
        first.fte = 0.75
        p.moves.append(first.model_copy(update={"fte": 0.75}))

    broken("move_limits", split, f"Ops/1->Ops/2:promotion in quarter {promotion.quarter}: 1.5000 FTE, the cap is 1")


def test_short_time_and_overstaffing_holds():
    holds("short_time_and_overstaffing")


def test_short_time_and_overstaffing_broken():
    broken("short_time_and_overstaffing", set_to("Ops/3", 1, "short_time", 1.5), "Ops/3 in quarter 1",
           "FTE on short time, the cap is 1")
    broken("short_time_and_overstaffing", set_to("Ops/3", 2, "overstaffing", 0.75), "Ops/3 in quarter 2",
           "FTE overstaffed, the cap is 0.5")
    broken("short_time_and_overstaffing", set_to("Ops/1", 2, "overstaffing", 2.5), "quarter 2",
           "overstaffed in all, the cap is 2")

    def more_than_there(p):
        r = row(p, "Ops/1", 0)
        r.closing, r.short_time = 0.5, 1.0

    broken("short_time_and_overstaffing", more_than_there, "Ops/1 in quarter 0", "more than the 0.5000 there")


def test_rows_complete_holds():
    holds("rows_complete")


def test_rows_complete_broken():
    def drop(p):
        p.rows.remove(row(p, "Ops/2", 3))

    broken("rows_complete", drop, "Ops/2 in quarter 3 has 0 rows, not one")
    broken("rows_complete", lambda p: p.rows.append(row(p, "Ops/1", 1).model_copy()), "Ops/1 in quarter 1 has 2 rows")
    broken("rows_complete", lambda p: p.rows.append(row(p, "Ops/1", 1).model_copy(update={"category": "Ops/9"})),
           "Ops/9 is not a workforce category")


def test_non_negative_holds():
    holds("non_negative")


def test_non_negative_broken():
    broken("non_negative", set_to("Ops/1", 2, "redundancies", -0.5), "Ops/1 in quarter 2: redundancies is -0.5000")
    broken("non_negative", add_move("Ops/1", "Ops/2", "promotion", 2, -0.3), "move Ops/1->Ops/2 in quarter 2 is -0.3000")


def test_whole_heads_holds():
    holds("whole_heads", whole_heads=True)
    holds("whole_heads")  # fractional FTE are fine without whole_heads
    inst, plan = rich(True)
    for r in plan.rows:
        assert r.redundancies == round(r.redundancies) and r.short_time == round(r.short_time)
    assert all(m.fte == round(m.fte) for m in plan.moves)


def test_whole_heads_broken():
    broken("whole_heads", add_hire("Ops/1", 2, 0.5), "Ops/1 in quarter 2", "FTE hired, not a whole number", whole_heads=True)
    broken("whole_heads", set_to("Ops/3", 1, "redundancies", 0.5), "Ops/3 in quarter 1: redundancies is 0.5000",
           whole_heads=True)
    broken("whole_heads", add_move("Ops/1", "Ops/2", "promotion", 2, 0.5), "move Ops/1->Ops/2 in quarter 2",
           whole_heads=True)


def test_whole_heads_costs_at_least_the_linear_programme():
    inst, lp = rich()
    inst, whole = rich(True)
    assert whole.kpis.total_cost >= lp.kpis.total_cost - 1e-9
    assert whole.kpis.best_bound <= whole.kpis.total_cost + 1e-6


# the model's side: the rule alone accepts the satisfied decisions and rejects the violated ones
# (category 0 = Ops/1, 1 = Ops/2, 2 = Ops/3; move 0 = the promotion, 1 = the retraining through I-ADV)
MODEL_CASES = {
    "flow_balance": ([("hires", (0, 0), 0), ("moves", (0, 0), 0), ("redundancies", (0, 0), 0), ("closing", (0, 0), 9.0)],
                     [("hires", (0, 0), 0), ("moves", (0, 0), 0), ("redundancies", (0, 0), 0), ("closing", (0, 0), 9.5)]),
    "outflow_within_present": ([("redundancies", (0, 0), 9.0)], [("redundancies", (0, 0), 9.5)]),
    "demand_balance": ([("closing", (0, 0), 9.0), ("overstaffing", (0, 0), 0), ("short_time", (0, 0), 0),
                        ("understaffing", (0, 0), 0.5)],
                       [("closing", (0, 0), 9.0), ("overstaffing", (0, 0), 0), ("short_time", (0, 0), 0),
                        ("understaffing", (0, 0), 0)]),
    "hiring_limits": ([("hires", (0, 1), 2.0)], [("hires", (0, 1), 2.5)]),
    "move_limits": ([("moves", (0, 1), 1.0), ("moves", (1, 2), 1.0)], [("moves", (0, 1), 1.5)]),
    "short_time_and_overstaffing": ([("short_time", (2, 1), 1.0), ("closing", (2, 1), 6.8), ("overstaffing", (2, 1), 0.5)],
                                    [("short_time", (2, 1), 1.5)]),
}
MORE_BROKEN = {
    "hiring_limits": [[("hires", (0, 0), 0.5)]],  # before time to hire
    "move_limits": [[("moves", (1, 1), 0.5)], [("moves", (1, 0), 0.1)], [("moves", (1, 2), 1.5)]],
    "short_time_and_overstaffing": [[("overstaffing", (2, 1), 0.6)], [("overstaffing", (0, 1), 1.0), ("overstaffing", (1, 1), 1.5)],
                                    [("short_time", (2, 1), 1.0), ("closing", (2, 1), 0.5)]],
}


def model_accepts(rules, fixes, whole_heads: bool = False) -> bool:
    """Whether the rich instance's model with only ``rules`` has a solution with ``fixes`` (family, key, value)."""
    scenario, inst = instance(rich_org(), 4, whole_heads=whole_heads, overstaffing_total_cap=2)
    solver = pywraplp.Solver.CreateSolver("SCIP" if whole_heads else "GLOP")
    model = WorkforceModel(solver, inst, wsolver._variables(solver, inst))
    for rule in rules:
        rule(model)
    for family, key, value in fixes:
        var = getattr(model.vars, family)[key]
        solver.Add(var == value)
    return solver.Solve() in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)


@pytest.mark.parametrize("rule", WORKFORCE_HARD_RULES, ids=lambda r: r.key)
def test_model_rule_alone_accepts_the_satisfied_and_rejects_the_violated(rule):
    good, bad = MODEL_CASES[rule.key]
    assert model_accepts([rule.build], good)
    assert not model_accepts([rule.build], bad)
    assert model_accepts([], bad)  # it is this rule that rejects it
    for more in MORE_BROKEN.get(rule.key, []):
        assert not model_accepts([rule.build], more), more


def test_model_variables_are_one_per_category_and_quarter_never_negative_and_whole_when_asked():
    scenario, inst = instance(rich_org(), 4)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    v = wsolver._variables(solver, inst)
    every = {(i, t) for i in range(3) for t in range(4)}
    for family in ("closing", "hires", "redundancies", "overstaffing", "short_time", "understaffing"):
        assert set(getattr(v, family)) == every
        assert all(var.lb() == 0 for var in getattr(v, family).values())
    assert set(v.moves) == {(k, t) for k in range(2) for t in range(4)}
    assert not model_accepts([], [("hires", (0, 1), -1.0)])
    assert model_accepts([], [("hires", (0, 1), 0.5)])
    assert not model_accepts([], [("hires", (0, 1), 0.5)], whole_heads=True)
    assert not model_accepts([], [("moves", (0, 1), 0.5)], whole_heads=True)
    assert model_accepts([], [("hires", (0, 1), 1.0), ("moves", (0, 1), 1.0)], whole_heads=True)


def test_every_workforce_rule_has_a_pair_here_and_one_key_on_both_sides():
    module = globals()
    for rule in HARD:
        assert rule.check.key == rule.key
        if rule.build is not None:
            assert rule.build.__name__ == rule.key
            assert rule.key in MODEL_CASES, f"no model pair for {rule.key}"
        else:
            assert rule.enforced_by is wsolver._variables
        for outcome in ("holds", "broken"):
            assert callable(module.get(f"test_{rule.key}_{outcome}")), f"tests/test_workforce.py lacks test_{rule.key}_{outcome}"
    assert set(wf.WORKFORCE_CHECKS) == {rule.check for rule in HARD} and len(wf.WORKFORCE_CHECKS) == len(HARD)
    assert set(wf.WORKFORCE_PARTS) == {rule.check for rule in WORKFORCE_SOFT_RULES}
    assert {rule.key for rule in WORKFORCE_SOFT_RULES} == set(SOFT_TAMPERS)
    keys = [rule.key for rule in wsolver.WORKFORCE_RULES]
    assert len(set(keys)) == len(keys) and len({rule.label for rule in wsolver.WORKFORCE_RULES}) == len(keys)


@pytest.mark.parametrize("rule", wsolver.WORKFORCE_RULES, ids=lambda r: r.key)
def test_workforce_docstrings_say_the_kind_of_rule(rule):
    import inspect

    opening = "Hard rule" if rule.kind == "hard" else "Soft rule"
    assert inspect.getdoc(rule.check).startswith(opening)
    if rule.build is not None:
        assert inspect.getdoc(rule.build).startswith(opening)
    assert rule.label and rule.unit


# soft rules: each part as the checker recomputes it equals the solver's own; a plan whose table is
# changed under a part no longer agrees with the solver, and check_workforce_plan says which part
def bump_hire(p):
    p.hires[0].fte += 1.0


def bump_move(kind):
    def change(p):
        next(m for m in p.moves if m.kind == kind).fte += 0.5
    return change


SOFT_TAMPERS = {
    "loaded_cost": raise_by("Ops/2", 1, "closing", 1.0),
    "hiring_cost": bump_hire,
    "move_cost": bump_move("promotion"),
    "training_cost": bump_move("retraining"),
    "redundancy_cost": raise_by("Ops/3", 1, "redundancies", 1.0),
    "overstaffing_cost": raise_by("Ops/3", 2, "overstaffing", 0.5),
    "short_time_cost": raise_by("Ops/3", 1, "short_time", 0.5),
    "understaffing_cost": raise_by("Ops/1", 0, "understaffing", 1.0),
}


@pytest.mark.parametrize("rule", WORKFORCE_SOFT_RULES, ids=lambda r: r.key)
@pytest.mark.parametrize("whole_heads", [False, True])
def test_soft_rule_part_is_the_solvers_own(rule, whole_heads):
    inst, plan = rich(whole_heads)
    part = rule.check(WorkforceContext(inst, plan))
    assert part > 0
    assert part == pytest.approx(plan.kpis.solver_objective_parts[rule.key], rel=1e-9)
    assert getattr(plan.kpis, rule.key) == pytest.approx(part, rel=1e-9)


@pytest.mark.parametrize("rule", WORKFORCE_SOFT_RULES, ids=lambda r: r.key)
def test_soft_rule_part_mismatch_is_reported(rule):
    inst, plan = tampered(SOFT_TAMPERS[rule.key])
    violations, parts = check_workforce_plan(inst, plan)
    mine = [v for v in violations if v.rule == rule.key]
    assert len(mine) == 1 and f"the solver's {rule.key} is" in mine[0].message
    assert parts[rule.key] != pytest.approx(plan.kpis.solver_objective_parts[rule.key])


# ------------------------------------------------------------------------------------------
# 4. Input validation of the workforce tables
# ------------------------------------------------------------------------------------------


def workforce_problems(tmp_path, change):
    """Write valid_tables() and the workforce tables of tests/test_io.py as CSV after ``change(tables)``;
    return the issues loading reports."""
    tables = {**valid_tables(), **workforce_tables()}
    change(tables)
    folder = write_dataset(tables, tmp_path / "data")
    with pytest.raises(planner.InputError) as info:
        load_dataset(folder)
    return info.value.issues


def cell(table: str, row_: int, column: str, value):
    def change(tables):
        df = tables[table]
        if column not in df.columns:
            df[column] = None
        df[column] = df[column].astype(object)
        df.at[row_, column] = value
    return change


def test_the_workforce_tables_load_with_their_defaults(tmp_path):
    tables = {**valid_tables(), **workforce_tables()}
    tables["employees"]["fte"] = [1.0, 0.5, 1.0, 0.8]
    tables["employees"]["retirement_quarter"] = [None, 6, None, None]
    org = load_dataset(write_dataset(tables, tmp_path / "data"))
    costs = org.workforce_costs.set_index("category")
    assert costs.loc["Finance/2", "short_time_productivity"] == 0.5 and costs.loc["R01", "redundancy_cost"] == 0
    assert pd.isna(costs.loc["Finance/2", "attrition_rate"]) and costs.loc["R01", "attrition_rate"] == 0.02
    assert org.employees["fte"].tolist() == [1.0, 0.5, 1.0, 0.8]
    assert org.employees["retirement_quarter"].tolist()[1] == 6 and org.workforce_moves["attrition"].tolist() == [0.0]
    scenario = make_scenario(horizon_quarters=8)
    inst = build_workforce(org, scenario, succession_flows(org, scenario, None))
    # Finance/2 is R03's two people, 1.0 + 0.8 FTE; R01 is supplied as 1 FTE (its incumbent counts 1 anyway)
    assert dict(zip(inst.categories, inst.opening)) == pytest.approx({"Finance/2": 1.8, "R01": 1.0})
    annual = (0.05 * 1.0 + 0.3 * 0.8) / 1.8  # their flight risks, FTE-weighted
    assert inst.attrition[0, 0] == pytest.approx(1 - (1 - annual) ** 0.25)
    assert inst.attrition[1, 0] == 0.02 and inst.new_hire_attrition[1, 0] == 0.02
    assert inst.demand[0].tolist() == [2.0] * 4 + [2.5] * 4 and inst.demand[1].tolist() == [1.0] * 8
    assert inst.understaffing_cost == pytest.approx(wproblem.UNDERSTAFFING_FACTOR * np.array([9000.0, 40000.0]))
    assert inst.hire_cap[1, 0] == np.inf and inst.short_time_cap.tolist() == [1.0, 0.0]
    assert inst.moves.duration.tolist() == [2] and inst.moves.training_cost.tolist() == [2500.0]


@pytest.mark.parametrize("change, table, row_, column, words", [
    (cell("workforce_costs", 0, "loaded_cost", -1), "workforce_costs", 2, "loaded_cost", "at least 0"),
    (cell("workforce_costs", 1, "time_to_hire", 1.5), "workforce_costs", 3, "time_to_hire", "whole number"),
    (cell("workforce_costs", 0, "short_time_productivity", 1.0), "workforce_costs", 2, "short_time_productivity", "below 1"),
    (cell("workforce_costs", 1, "attrition_rate", 1.2), "workforce_costs", 3, "attrition_rate", "below 1"),
    (cell("workforce_costs", 0, "hire_cap", -2), "workforce_costs", 2, "hire_cap", "at least 0"),
    (cell("workforce_demand", 1, "fte", -0.5), "workforce_demand", 3, "fte", "at least 0"),
    (cell("workforce_moves", 0, "kind", "sideways"), "workforce_moves", 2, "kind", "must be one of"),
    (cell("workforce_moves", 0, "attrition", 1.0), "workforce_moves", 2, "attrition", "below 1"),
    (cell("workforce_supply", 0, "fte", -1), "workforce_supply", 2, "fte", "at least 0"),
    (cell("employees", 1, "fte", 0), "employees", 3, "fte", "above 0"),
    (cell("employees", 2, "fte", 1.5), "employees", 4, "fte", "at most 1"),
    (cell("employees", 3, "retirement_quarter", -1), "employees", 5, "retirement_quarter", "at least 0"),
    (cell("employees", 3, "retirement_quarter", 2.5), "employees", 5, "retirement_quarter", "whole number"),
    (cell("workforce_demand", 1, "category", "Finance/9"), "workforce_demand", 3, "category",
     "'Finance/9' is not a workforce_costs.category"),
    (cell("workforce_moves", 0, "to_category", "Finance/2"), "workforce_moves", 2, "to_category",
     "moves from 'Finance/2' to itself"),
    (cell("workforce_moves", 0, "intervention_id", "I99"), "workforce_moves", 2, "intervention_id",
     "'I99' is not an interventions.intervention_id"),
    (cell("workforce_moves", 0, "cap_share_category", "R02"), "workforce_moves", 2, "cap_share_category",
     "'R02' is not a workforce_costs.category"),
    (cell("workforce_supply", 0, "category", "R02"), "workforce_supply", 2, "category", "'R02' is not a workforce_costs.category"),
], ids=lambda v: v if isinstance(v, str) and "/" not in v and " " not in v else None)
def test_a_bad_workforce_value_is_one_issue_naming_file_row_and_column(tmp_path, change, table, row_, column, words):
    issue = only(workforce_problems(tmp_path, change))
    assert (issue.table, issue.row, issue.column) == (table, row_, column)
    assert issue.file.endswith(f"{table}.csv")
    assert words in issue.message


def test_a_category_neither_a_role_nor_a_family_and_grade_is_one_issue(tmp_path):
    def change(tables):
        costs = tables["workforce_costs"]
        tables["workforce_costs"] = pd.concat([costs, pd.DataFrame({"category": ["Marketing/1"], "loaded_cost": [1.0],
                                                                    "hire_cost": [1.0]})], ignore_index=True)

    issue = only(workforce_problems(tmp_path, change))
    assert (issue.table, issue.row, issue.row_id, issue.column) == ("workforce_costs", 4, "category=Marketing/1", "category")
    assert issue.file.endswith("workforce_costs.csv") and "'Marketing/1' is neither a roles.role_id" in issue.message


def test_a_supplied_category_needs_no_role(tmp_path):
    tables = {**valid_tables(), **workforce_tables()}
    tables["workforce_costs"] = pd.concat([tables["workforce_costs"], pd.DataFrame(
        {"category": ["Contractors/1"], "loaded_cost": [1.0], "hire_cost": [1.0]})], ignore_index=True)
    tables["workforce_supply"] = pd.DataFrame({"category": ["R01", "Contractors/1"], "fte": [1.0, 4.0]})
    org = load_dataset(write_dataset(tables, tmp_path / "data"))
    assert "Contractors/1" in set(org.workforce_costs["category"])


def test_a_workforce_table_without_workforce_costs_is_one_issue(tmp_path):
    def change(tables):
        for name in ("workforce_costs", "workforce_moves", "workforce_supply"):
            del tables[name]

    issue = only(workforce_problems(tmp_path, change))
    assert (issue.table, issue.row, issue.column) == ("workforce_demand", None, None)
    assert issue.file.endswith("workforce_demand.csv") and "needs the workforce_costs table" in issue.message


def test_a_workforce_plan_without_workforce_tables_is_refused():
    org = organisation_from_records(**base_tables())
    scenario = make_scenario()
    with pytest.raises(planner.InputError) as info:
        planner.plan_workforce(scenario, org)
    assert info.value.issues[0].table == "workforce_costs" and "is missing" in info.value.issues[0].message


# ------------------------------------------------------------------------------------------
# 5. The scenario's workforce changes
# ------------------------------------------------------------------------------------------


def families_org():
    """Ops/1 (10 FTE, hires 5), Ops/2 (4 FTE, loaded 20, hire cap 2), Tech/1 (6 FTE, attrition 0.1)
    over 6 quarters; demand flat but Ops/2 needs 5 from quarter 2. A promotion Ops/1 -> Ops/2, at most
    1 a quarter and 10% of Ops/1's headcount."""
    costs = [category("Ops/1", redundancy_cost=40, short_time_cap=2, overstaffing_cap=4),
             category("Ops/2", loaded_cost=20, hire_cost=30, hire_cap=2, redundancy_cost=80, short_time_cap=1, time_to_hire=1),
             category("Tech/1", loaded_cost=16, attrition_rate=0.1, new_hire_attrition_rate=0.2, hire_cap=3)]
    demand = [("Ops/1", 0, 10), ("Ops/2", 0, 4), ("Ops/2", 2, 5), ("Tech/1", 0, 6)]
    moves = [dict(from_category="Ops/1", to_category="Ops/2", kind="promotion", cost=1, cap=1, cap_share=0.1)]
    return workforce_org(costs, {"Ops/1": 10, "Ops/2": 4, "Tech/1": 6}, demand, moves)


@lru_cache(maxsize=None)
def families():
    return families_org()


def changed(*changes, horizon: int = 6):
    return instance(families(), horizon, changes)[1]


def test_no_change_leaves_the_tables_as_they_are():
    inst = changed()
    assert inst.categories == ["Ops/1", "Ops/2", "Tech/1"] and inst.families == ["Ops", "Ops", "Tech"]
    assert inst.demand.tolist() == [[10] * 6, [4, 4, 5, 5, 5, 5], [6] * 6]
    assert inst.hire_cap[:, 0].tolist() == [np.inf, 2, 3]


def test_demand_scale_and_delta_in_a_window_of_quarters_for_a_family():
    inst = changed(dict(type="workforce_demand", families=["Ops"], scale=1.5, delta=-1, from_quarter=1, to_quarter=3))
    assert inst.demand.tolist() == [[10, 14, 14, 14, 10, 10], [4, 5, 6.5, 6.5, 5, 5], [6] * 6]


def test_demand_change_for_all_but_a_family_and_never_below_zero():
    inst = changed(dict(type="workforce_demand", except_families=["Ops"], delta=-8, from_quarter=4))
    assert inst.demand[2].tolist() == [6, 6, 6, 6, 0, 0] and inst.demand[0].tolist() == [10] * 6


def test_demand_change_by_category_and_changes_in_order():
    inst = changed(dict(type="workforce_demand", categories=["Ops/2"], scale=2),
                   dict(type="workforce_demand", categories=["Ops/2"], delta=1, to_quarter=0))
    assert inst.demand[1].tolist() == [9, 8, 10, 10, 10, 10]


def test_hiring_freeze_caps_hires_and_the_plan_hires_none():
    inst = changed(dict(type="hiring_freeze", families=["Tech"], from_quarter=2))
    assert inst.hire_cap[2].tolist() == [3, 3, 0, 0, 0, 0]
    partial = changed(dict(type="hiring_freeze", cap=0.5, to_quarter=1))
    assert partial.hire_cap.tolist() == [[0.5, 0.5] + [np.inf] * 4, [0.5, 0.5, 2, 2, 2, 2], [0.5, 0.5, 3, 3, 3, 3]]
    inst, free = solved(families(), 6)
    inst, frozen = solved(families(), 6, [dict(type="hiring_freeze", families=["Tech"], from_quarter=2)])
    # Tech/1 loses 10% a quarter; a fifth of a quarter's hires leave in it: 0.6 / 0.8 = 0.75 hires a quarter
    assert [h.fte for h in free.hires if h.category == "Tech/1"] == pytest.approx([0.75] * 6)
    # frozen from quarter 2, it hires ahead, as little and as late as it can: it must close quarter 1
    # at 6 / 0.9^4 to still have 6 in quarter 5; quarter 1 hires its cap of 3 (2.4 stay), so quarter 0
    # closes at (6 / 0.9^4 - 2.4) / 0.9 and hires (that - 5.4) / 0.8
    tech = {h.quarter: h.fte for h in frozen.hires if h.category == "Tech/1"}
    close_1 = 6 / 0.9 ** 4
    assert tech == pytest.approx({0: ((close_1 - 2.4) / 0.9 - 5.4) / 0.8, 1: 3.0})
    assert row(frozen, "Tech/1", 1).closing == pytest.approx(close_1)
    assert row(frozen, "Tech/1", 5).closing == pytest.approx(6) and row(frozen, "Tech/1", 5).understaffing == 0
    assert frozen.kpis.total_cost > free.kpis.total_cost


def test_attrition_rate_and_scale():
    inst = changed(dict(type="attrition", families=["Tech"], rate=0.25, from_quarter=3))
    assert inst.attrition[2].tolist() == [0.1] * 3 + [0.25] * 3
    assert inst.new_hire_attrition[2].tolist() == [0.2] * 3 + [0.25] * 3
    inst = changed(dict(type="attrition", categories=["Tech/1"], scale=2, new_hires=False))
    assert inst.attrition[2].tolist() == pytest.approx([0.2] * 6) and inst.new_hire_attrition[2].tolist() == [0.2] * 6
    inst = changed(dict(type="attrition", categories=["Tech/1"], scale=20))
    assert inst.attrition[2].tolist() == [0.99] * 6  # capped below 1


def test_more_attrition_means_more_hires():
    inst, base = solved(families(), 6)
    inst, more = solved(families(), 6, [dict(type="attrition", families=["Tech"], scale=2)])
    tech = lambda plan: sum(h.fte for h in plan.hires if h.category == "Tech/1")  # noqa: E731
    assert tech(more) > tech(base) + 1


def test_reorganisation_merge_adds_headcounts_demand_and_caps_and_weights_costs():
    inst = changed(dict(type="reorganisation", merge=["Ops/1", "Ops/2"], into="Ops/A"))
    assert inst.categories == ["Tech/1", "Ops/A"] and inst.families == ["Tech", "Ops"]
    assert inst.opening.tolist() == [6, 14]
    assert inst.demand[1].tolist() == [14, 14, 15, 15, 15, 15]
    assert inst.loaded_cost[1] == pytest.approx((10 * 10 + 4 * 20) / 14)
    assert inst.hire_cost[1] == pytest.approx((10 * 5 + 4 * 30) / 14)
    assert inst.hire_cap[1].tolist() == [np.inf] * 6  # Ops/1 had no cap
    assert inst.short_time_cap.tolist() == [0, 3] and inst.overstaffing_cap.tolist() == [np.inf, np.inf]
    assert inst.time_to_hire.tolist() == [0, 0]  # (10 x 0 + 4 x 1) / 14 rounds to 0
    assert len(inst.moves) == 0  # the promotion is now inside Ops/A


def test_reorganisation_merge_weights_costs_by_headcount_alone():
    """A category with no one in it takes no weight in the merged costs."""
    org = workforce_org([category("Ops/1", loaded_cost=10), category("Ops/2", loaded_cost=32, redundancy_cost=50)],
                        {"Ops/1": 10, "Ops/2": 0})
    scenario, inst = instance(org, 2, [dict(type="reorganisation", merge=["Ops/1", "Ops/2"], into="Ops/A")])
    assert inst.loaded_cost.tolist() == [10] and inst.redundancy_cost.tolist() == [0]
    org = workforce_org([category("Ops/1", loaded_cost=10), category("Ops/2", loaded_cost=32)], {"Ops/1": 0, "Ops/2": 0})
    scenario, inst = instance(org, 2, [dict(type="reorganisation", merge=["Ops/1", "Ops/2"], into="Ops/A")])
    assert inst.loaded_cost.tolist() == [21]  # nobody in either: equally


def test_reorganisation_merge_of_two_targets_makes_one_move():
    """Moves Ops/1 -> Ops/2 (cost 2, cap 1) and Ops/1 -> Ops/3 (cost 3, cap 1.5) of one kind become one
    move into the merged category: caps added, costs weighted by headcount (4 and 4); the plan checks."""
    costs = [category("Ops/1", redundancy_cost=500), category("Ops/2", hire_cost=500), category("Ops/3", hire_cost=500)]
    moves = [dict(from_category="Ops/1", to_category="Ops/2", kind="promotion", cost=2, cap=1),
             dict(from_category="Ops/1", to_category="Ops/3", kind="promotion", cost=3, cap=1.5)]
    org = workforce_org(costs, {"Ops/1": 10, "Ops/2": 4, "Ops/3": 4},
                        [("Ops/1", 1, 6), ("Ops/2", 1, 6), ("Ops/3", 1, 6)], moves)
    merge = [dict(type="reorganisation", merge=["Ops/2", "Ops/3"], into="Ops/23")]
    scenario, inst = instance(org, 2, merge)
    assert len(inst.moves) == 1
    assert (inst.moves.cap.tolist(), inst.moves.cost.tolist()) == ([2.5], [2.5])
    inst, plan = solved(org, 2, merge)
    # Ops/23 needs 4 more by quarter 1 and hires cost 500: 2.5 (the cap) move in quarter 1 and 1.5 in
    # quarter 0, where Ops/1 hires them back at 5
    assert moved(plan) == pytest.approx({("Ops/1", "Ops/23", 0): 1.5, ("Ops/1", "Ops/23", 1): 2.5})
    assert plan.kpis.move_cost == pytest.approx(4 * 2.5)


def test_reorganisation_split_divides_headcounts_demand_caps_and_moves():
    inst = changed(dict(type="reorganisation", split="Ops/2", shares={"Ops/2a": 0.25, "Ops/2b": 0.75}))
    assert inst.categories == ["Ops/1", "Tech/1", "Ops/2a", "Ops/2b"] and inst.families == ["Ops", "Tech", "Ops", "Ops"]
    assert inst.opening.tolist() == [10, 6, 1, 3]
    assert inst.demand[2].tolist() == [1, 1, 1.25, 1.25, 1.25, 1.25] and inst.demand[3].tolist() == [3, 3, 3.75, 3.75, 3.75, 3.75]
    assert inst.hire_cap[2:, 0].tolist() == [0.5, 1.5] and inst.short_time_cap.tolist() == [2, 0, 0.25, 0.75]
    assert inst.loaded_cost.tolist() == [10, 16, 20, 20] and inst.time_to_hire.tolist() == [0, 0, 1, 1]
    # the promotion into Ops/2 becomes one into each part, its caps divided by the shares
    assert [inst.moves.label(k, inst.categories) for k in range(len(inst.moves))] == [
        "Ops/1->Ops/2a:promotion", "Ops/1->Ops/2b:promotion"]
    assert inst.moves.cap.tolist() == [0.25, 0.75] and inst.moves.share.tolist() == pytest.approx([0.025, 0.075])
    assert inst.moves.share_of.tolist() == [0, 0]


def test_reorganisation_split_of_a_source_divides_its_moves():
    inst = changed(dict(type="reorganisation", split="Ops/1", shares={"Ops/1a": 0.4, "Ops/1b": 0.6}))
    assert inst.categories == ["Ops/2", "Tech/1", "Ops/1a", "Ops/1b"] and inst.opening.tolist() == [4, 6, 4, 6]
    assert inst.moves.cap.tolist() == [0.4, 0.6]
    assert inst.moves.share.tolist() == pytest.approx([0.1, 0.1]) and inst.moves.share_of.tolist() == [2, 3]


def test_a_change_after_a_reorganisation_names_the_new_categories():
    inst = changed(dict(type="reorganisation", merge=["Ops/1", "Ops/2"], into="Ops/A"),
                   dict(type="workforce_demand", categories=["Ops/A"], delta=2, from_quarter=5),
                   dict(type="hiring_freeze", families=["Ops"], to_quarter=0))
    assert inst.demand[1].tolist() == [14, 14, 15, 15, 15, 17] and inst.hire_cap[1].tolist() == [0] + [np.inf] * 5


def test_a_merge_and_a_split_keep_the_total_cost_of_a_plan_with_nothing_to_decide():
    """Costs alike and demand met: the merged or split organisation costs what it did."""
    costs = [category("Ops/1"), category("Ops/2")]
    org = workforce_org(costs, {"Ops/1": 6, "Ops/2": 4})
    inst, plan = solved(org, 3)
    inst, merged = solved(org, 3, [dict(type="reorganisation", merge=["Ops/1", "Ops/2"], into="Ops/A")])
    inst, split = solved(org, 3, [dict(type="reorganisation", split="Ops/1", shares={"Ops/1a": 0.5, "Ops/1b": 0.5})])
    assert plan.kpis.total_cost == merged.kpis.total_cost == split.kpis.total_cost == pytest.approx(300)
    assert [r.closing for r in merged.rows] == pytest.approx([10, 10, 10])


@pytest.mark.parametrize("change, column, words", [
    (dict(type="workforce_demand", categories=["Ops/9"], scale=2), "changes.0.categories", "'Ops/9' is not a workforce category"),
    (dict(type="hiring_freeze", families=["Sales"]), "changes.0.families", "'Sales' is no category's family"),
    (dict(type="attrition", except_families=["Sales"], rate=0.1), "changes.0.except_families", "'Sales'"),
    (dict(type="workforce_demand", from_quarter=3, to_quarter=1), "changes.0.to_quarter", "before from_quarter"),
    (dict(type="reorganisation", merge=["Ops/1", "Ops/9"], into="Ops/A"), "changes.0.merge", "'Ops/9'"),
    (dict(type="reorganisation", merge=["Ops/1", "Ops/2"], into="Tech/1"), "changes.0.into", "already a workforce category"),
    (dict(type="reorganisation", split="Ops/9", shares={"a/1": 0.5, "a/2": 0.5}), "changes.0.split", "'Ops/9'"),
    (dict(type="reorganisation", split="Ops/1", shares={"Ops/2": 0.5, "Ops/3": 0.5}), "changes.0.shares", "'Ops/2'"),
])
def test_a_change_naming_what_does_not_exist_is_an_issue(change, column, words):
    scenario = make_scenario(horizon_quarters=6, changes=[change])
    issue = only(check_scenario(families(), scenario))
    assert (issue.table, issue.column) == ("scenario", column) and words in issue.message
    with pytest.raises(planner.InputError):
        planner.plan_workforce(scenario, families())


def test_a_change_after_a_reorganisation_is_checked_against_the_new_categories_and_families():
    merge = dict(type="reorganisation", merge=["Ops/1", "Ops/2"], into="Juniors")
    assert changed(merge).families == ["Tech", "Ops"]  # a name without a grade keeps the family
    for later, column in ((dict(type="workforce_demand", categories=["Ops/1"], scale=2), "changes.1.categories"),
                          (dict(type="workforce_demand", families=["Juniors"], scale=2), "changes.1.families")):
        issue = only(check_scenario(families(), make_scenario(horizon_quarters=6, changes=[merge, later])))
        assert issue.column == column
    assert check_scenario(families(), make_scenario(horizon_quarters=6, changes=[
        merge, dict(type="workforce_demand", families=["Ops"], categories=["Juniors"], scale=2)])) == []
    regrade = dict(type="reorganisation", merge=["Ops/1", "Ops/2"], into="Staff/1")
    issue = only(check_scenario(families(), make_scenario(horizon_quarters=6, changes=[
        regrade, dict(type="hiring_freeze", families=["Ops"])])))
    assert issue.column == "changes.1.families"  # no Ops category is left
    assert changed(regrade, dict(type="hiring_freeze", families=["Staff"])).hire_cap[1].tolist() == [0] * 6


def test_a_change_without_workforce_tables_is_an_issue():
    scenario = make_scenario(changes=[dict(type="hiring_freeze")])
    issue = only(check_scenario(organisation_from_records(**base_tables()), scenario))
    assert issue.column == "changes.0.type" and "needs the workforce_costs table" in issue.message


def test_validate_names_the_scenario_file_and_the_change(tmp_path):
    folder = write_dataset(families(), tmp_path / "data")
    base = tmp_path / "base.yaml"
    base.write_text("name: base\ndataset: data\nhorizon_quarters: 6\nbudget: {total: 1000}\n"
                    "changes:\n  - {type: workforce_demand, families: [Ops], scale: 1.1}\n")
    what_if = tmp_path / "what-if.yaml"
    what_if.write_text("name: what-if\nextends: base.yaml\nchanges:\n  - {type: budget, scale: 0.5}\n"
                       "  - {type: hiring_freeze, categories: [Ops/1, Nope/1]}\n")
    assert folder.is_dir()
    issue = only([i for i in planner.validate(what_if) if i.severity == "error"])
    assert (issue.file, issue.column) == (str(what_if.resolve()), "changes.1.categories")
    assert "'Nope/1' is not a workforce category" in issue.message
    assert [i for i in planner.validate(base) if i.severity == "error"] == []


# ------------------------------------------------------------------------------------------
# The succession plan's flows and the known leavers
# ------------------------------------------------------------------------------------------


def succession_case(budget: float):
    """factories' baseline with its two analysts in Finance/2 (10% attrition a quarter, hires 7 from
    quarter 1) and the Finance Manager role as a category of its own (hires 90): Ben retires in quarter
    2, the manager's role falls vacant in quarter 4, and the greedy succession plan develops Ana for it
    (I-ADV, 5,000, from quarter 0) when the budget allows."""
    t = base_tables()
    t["workforce_costs"] = [category("Finance/2", attrition_rate=0.1, hire_cost=7, time_to_hire=1),
                            category("R-MGR", loaded_cost=30, hire_cost=90)]
    t["employees"][2]["retirement_quarter"] = 2
    org = organisation_from_records(**t)
    scenario = make_scenario(budget=budget, horizon_quarters=8)
    plan = planner.solve(scenario, org, method="greedy")
    return org, scenario, plan


def test_succession_flows_of_a_developed_successor():
    org, scenario, plan = succession_case(50_000)
    assert [(s.employee_id, s.rank) for s in plan.slates] == [("E-ANA", 1), ("E-BEN", 2)]
    f = succession_flows(org, scenario, plan)
    assert f.succession_out.tolist() == [[0, 0, 0, 0, 1, 0, 0, 0], [0] * 8]
    assert f.succession_in.tolist() == [[0] * 8, [0, 0, 0, 0, 1, 0, 0, 0]]
    assert f.successions[0, 1].tolist() == [0, 0, 0, 0, 1, 0, 0, 0]
    assert f.known_leavers.tolist() == [[0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 0, 0]]  # Ben; the manager
    assert f.training_spend.tolist() == [5000] + [0] * 7 and f.seats_used["I-ADV"].tolist() == [1] + [0] * 7
    assert f.hires.empty and f.hipos.to_dict("records") == [dict(category="Finance/2", fte=1.0, leave_quarter=None)]
    inst = build_workforce(org, scenario, f)
    # Ben leaves in quarter 2 if attrition has not taken him first: 0.9^2 x 0.9 of him
    assert inst.fixed.known_leavers[0].tolist() == pytest.approx([0, 0, 0.729, 0, 0, 0, 0, 0])
    # with no decisions Finance/2 has 2 x 0.9^4 - 0.729 x 0.9^2 = 0.9^5 by quarter 4's attrition: Ana
    # counts for that much, on both sides of her move
    assert inst.fixed.succession_out[0, 4] == pytest.approx(0.9 ** 5) and inst.fixed.succession_in[1, 4] == pytest.approx(0.9 ** 5)
    assert inst.notes == ["Finance/2 in quarter 4: fixed leavers and moves cut to the 0.59 FTE expected to be there after attrition"]
    assert inst.fixed.succession_in.sum() == pytest.approx(inst.fixed.succession_out.sum())  # no one made from nothing
    plan.workforce = planner.plan_workforce(scenario, org, plan)
    report = planner.check(org, scenario, plan)
    assert report.ok, (report.violations, report.mismatches)
    k = plan.workforce.kpis
    assert k.training_cost == pytest.approx(5000) and k.hipo_retention == pytest.approx(0.9 ** 8)
    assert row(plan.workforce, "R-MGR", 4).known_leavers == 1 and row(plan.workforce, "R-MGR", 4).closing == pytest.approx(1)
    assert k.internal_fill_rate == pytest.approx(0.9 ** 5 / (0.9 ** 5 + k.hires))


def test_succession_flows_of_an_uncovered_role():
    org, scenario, plan = succession_case(0)
    f = succession_flows(org, scenario, plan)
    assert f.succession_in.sum() == f.succession_out.sum() == 0 and f.training_spend.sum() == 0
    assert f.hires.to_dict("records") == [dict(quarter=4, category="R-MGR", role_id="R-MGR", fte=1.0, cost=100_000.0)]
    plan.workforce = planner.plan_workforce(scenario, org, plan)
    report = planner.check(org, scenario, plan)
    assert report.ok, (report.violations, report.mismatches)
    fixed = [h for h in plan.workforce.hires if h.reason == "uncovered critical role"]
    assert [(h.quarter, h.category, h.role_id, h.cost, h.decide_by) for h in fixed] == [(4, "R-MGR", "R-MGR", 100_000, 4)]
    assert plan.workforce.kpis.hiring_cost >= 100_000
    assert row(plan.workforce, "R-MGR", 4).hires == pytest.approx(1)  # the manager leaves, the hire arrives


@pytest.mark.parametrize("retires, moves, hired", [(3, False, True), (4, False, True), (6, True, False)])
def test_a_first_successor_gone_before_the_role_is_needed_leaves_it_uncovered(retires, moves, hired):
    """Ana, ready in quarter 2 for the manager role needed in 4, retiring in ``retires``: before the need
    (or then) she cannot move, and the role is hired from outside; after it, she moves, and leaves from
    the manager's category."""
    t = base_tables()
    t["workforce_costs"] = [category("Finance/2"), category("R-MGR", loaded_cost=30, hire_cost=90)]
    t["employees"][1]["retirement_quarter"] = retires
    org = organisation_from_records(**t)
    scenario = make_scenario(horizon_quarters=8)
    plan = planner.solve(scenario, org, method="greedy")
    assert [(s.employee_id, s.ready_quarter) for s in plan.slates if s.rank == 1] == [("E-ANA", 2)]
    f = succession_flows(org, scenario, plan)
    assert f.succession_in[1, 4] == (1 if moves else 0) and len(f.hires) == (1 if hired else 0)
    assert f.known_leavers[0 if not moves else 1, retires] == 1
    plan.workforce = planner.plan_workforce(scenario, org, plan)
    report = planner.check(org, scenario, plan)
    assert report.ok, (report.violations, report.mismatches)
    assert (plan.workforce.kpis.hiring_cost >= 100_000) == hired


def test_people_outside_every_category_are_outside_the_plan():
    org = workforce_org([category("R-MGR")], {}, employees={"E-ANA": dict(retirement_quarter=1, fte=0.5),
                                                            "E-MGR": dict(leave_quarter=2)})
    scenario, inst = instance(org, 3)
    assert inst.opening.tolist() == [1] and inst.fixed.known_leavers.tolist() == [[0, 0, 1]]
    assert wproblem.employee_categories(org).to_dict() == {"E-MGR": "R-MGR", "E-ANA": None, "E-BEN": None}


def test_no_room_above_demand_for_a_known_leaver_has_no_plan_and_says_so():
    """R-ANL's two analysts are not needed at all, nobody may be kept above demand, and Ben retires in
    quarter 1: both must go in quarter 0, and then Ben cannot retire. A known leaver is a fixed flow
    that redundancies cannot pre-empt, so there is no plan; with room for one above demand, Ben stays."""
    costs = [category("R-ANL", redundancy_cost=10, overstaffing_cap=0)]
    org = workforce_org(costs, {}, [("R-ANL", 0, 0)], employees={"E-BEN": dict(retirement_quarter=1)})
    scenario, inst = instance(org, 2)
    assert inst.fixed.known_leavers.tolist() == [[0, 1]]
    plan = solve_workforce_instance(inst, scenario)
    assert plan.kpis.status == "INFEASIBLE" and plan.kpis.message == "the workforce programme has no solution"
    assert not plan.has_solution and plan.rows == [] and plan.kpis.total_cost == 0
    org = workforce_org([category("R-ANL", redundancy_cost=10, overstaffing_cap=1)], {}, [("R-ANL", 0, 0)],
                        employees={"E-BEN": dict(retirement_quarter=1)})
    inst, plan = solved(org, 2)
    assert_grid(plan, "redundancies", {("R-ANL", 0): 1})
    assert_grid(plan, "overstaffing", {("R-ANL", 0): 1})


# ------------------------------------------------------------------------------------------
# 6. The sample, end to end
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    """name -> (org, scenario, greedy succession plan, its workforce plan) for baseline and technology-growth."""
    out = {}
    for name in ("baseline", "technology-growth"):
        org, scenario = planner.load(ROOT / "scenarios" / f"{name}.yaml")
        plan = planner.solve(scenario, org, method="greedy")
        out[name] = (org, scenario, plan, planner.plan_workforce(scenario, org, plan))
    return out


@pytest.mark.parametrize("name", ["baseline", "technology-growth"])
def test_the_sample_has_an_optimal_workforce_plan_that_checks(sample, name):
    org, scenario, plan, workforce = sample[name]
    assert workforce.kpis.status == "OPTIMAL" and workforce.kpis.gap == pytest.approx(0, abs=1e-9)
    joined = plan.model_copy(update={"workforce": workforce})
    report = planner.check(org, scenario, joined)
    assert report.ok, (report.violations, report.mismatches)
    inst = build_workforce(org, scenario, succession_flows(org, scenario, plan))
    assert len(workforce.rows) == len(inst.categories) * scenario.horizon_quarters
    assert workforce.kpis.total_cost == pytest.approx(sum(workforce.kpis.objective_parts.values()), rel=1e-9)
    assert workforce.kpis.training_cost >= plan.kpis.training_cost - 1e-6  # the succession plan's spend is in it
    uncovered = {h.role_id for h in workforce.hires if h.reason == "uncovered critical role"}
    assert uncovered <= set(org.critical_roles["role_id"])


def test_technology_grows_and_the_rest_freezes(sample):
    base = sample["baseline"][3]
    growth = sample["technology-growth"][3]
    org = sample["technology-growth"][0]

    def technology(category_: str) -> bool:
        return category_family(org, category_) == "Technology"

    tech = lambda plan: sum(h.fte for h in plan.hires if technology(h.category))  # noqa: E731
    assert tech(growth) > tech(base) + 5
    frozen = [h for h in growth.hires if not technology(h.category) and h.quarter <= 3]
    assert {h.reason for h in frozen} <= {"uncovered critical role"}
    assert any(h.quarter > 3 and not technology(h.category) for h in growth.hires)  # the freeze ends
    assert growth.kpis.total_cost > base.kpis.total_cost


def test_whole_heads_on_the_sample(sample):
    org, scenario, plan, lp = sample["baseline"]
    whole = scenario.model_copy(update={"workforce": scenario.workforce.model_copy(update={"whole_heads": True,
                                                                                          "time_limit_seconds": 6})})
    workforce = planner.plan_workforce(whole, org, plan)
    assert workforce.kpis.status in ("OPTIMAL", "FEASIBLE")
    assert workforce.kpis.total_cost >= lp.kpis.total_cost - 1e-6 * lp.kpis.total_cost
    for r in workforce.rows:
        assert r.redundancies == round(r.redundancies) and r.short_time == round(r.short_time)
    own = workforce.table("hiring_plan").query("reason != 'uncovered critical role'").groupby(["category", "quarter"])["fte"].sum()
    assert np.allclose(own, np.round(own), atol=1e-6)
    assert all(abs(m.fte - round(m.fte)) < 1e-6 for m in workforce.moves)
    report = planner.check(org, whole, plan.model_copy(update={"workforce": workforce}))
    assert report.ok, (report.violations, report.mismatches)


def test_a_hire_outside_the_horizon_breaks_the_hiring_limits():
    from planner.contract.workforce import Hire
    from planner.evaluation.workforce import WorkforceContext, check_hiring_limits

    org, scenario = planner.load("scenarios/baseline.yaml")
    plan = planner.solve(scenario, org, method="greedy")
    workforce = planner.plan_workforce(scenario, org, plan)
    from planner.evaluation.workforce import succession_flows
    from planner.problem.workforce import build_workforce

    inst = build_workforce(org, scenario, succession_flows(org, scenario, plan))
    assert not check_hiring_limits(WorkforceContext(inst, workforce))
    late = workforce.model_copy(update={"hires": [*workforce.hires, Hire(quarter=12, label="2030Q1", category="Finance/1",
                                                                          fte=1.0, cost=0.0, reason="growth", decide_by=11)]})
    broken = check_hiring_limits(WorkforceContext(inst, late))
    assert [v.rule for v in broken] == ["hiring_limits"] and "quarter 12" in broken[0].message
