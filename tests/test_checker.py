"""The plan checker, rule by rule: a hand-written plan that keeps the rule and one that breaks it."""

from __future__ import annotations

import pandas as pd
import pytest

from factories import base_tables, make_org, make_scenario, with_controller_tables
from planner.evaluation.checker import (
    PlanContext,
    check_budget,
    check_first_rank_once,
    check_intervention_once_in_window,
    check_learning_hours,
    check_learning_records,
    check_max_slates,
    check_plan,
    check_prerequisites,
    check_seats,
    check_slate_eligibility,
    check_slate_structure,
    evaluate,
)
from planner.contract.plan import Kpis, Plan, PlanMeta

COSTS = {"I-FOUND": 2_000, "I-ADV": 5_000, "I-MENT": 1_000}
DURATIONS = {"I-FOUND": 1, "I-ADV": 2, "I-MENT": 2}


def learning(*rows) -> pd.DataFrame:
    """Rows of (employee, intervention, start quarter); end and cost from the catalogue."""
    return pd.DataFrame(
        [dict(employee_id=e, intervention_id=i, start_quarter=t, end_quarter=t + DURATIONS[i] - 1, cost=COSTS[i],
              target_role_id="R-MGR") for e, i, t in rows],
        columns=["employee_id", "intervention_id", "start_quarter", "end_quarter", "cost", "target_role_id"],
    )


def slates(*rows) -> pd.DataFrame:
    return pd.DataFrame([dict(role_id=r, rank=k, employee_id=e) for e, r, k in rows], columns=["role_id", "rank", "employee_id"])


def run(rule, org=None, scenario=None, slate_rows=(), learning_rows=()):
    ctx = PlanContext(org or make_org(), scenario or make_scenario(), slates(*slate_rows), learning(*learning_rows))
    return rule(ctx)


def with_controller():
    return make_org(with_controller_tables())


def test_learning_records():
    assert run(check_learning_records, learning_rows=[("E-BEN", "I-FOUND", 0)]) == []
    bad = learning(("E-BEN", "I-FOUND", 0)).assign(cost=1.0)
    ctx = PlanContext(make_org(), make_scenario(), slates(), bad)
    assert [v.rule for v in check_learning_records(ctx)] == ["learning_records"]


@pytest.mark.parametrize("rows, broken", [
    ([("E-BEN", "I-FOUND", 0)], []),
    ([("E-BEN", "I-FOUND", 0), ("E-BEN", "I-FOUND", 3)], ["intervention_once"]),
    ([("E-ANA", "I-ADV", 7)], ["start_window"]),  # 2 quarters from quarter 7 ends after an 8-quarter horizon
])
def test_intervention_once_in_window(rows, broken):
    assert [v.rule for v in run(check_intervention_once_in_window, learning_rows=rows)] == broken


def test_start_window_earliest_and_latest():
    t = base_tables()
    t["interventions"][0].update(earliest_start_quarter=2, latest_start_quarter=3)
    org = make_org(t)
    assert run(check_intervention_once_in_window, org=org, learning_rows=[("E-BEN", "I-FOUND", 2)]) == []
    assert [v.rule for v in run(check_intervention_once_in_window, org=org, learning_rows=[("E-BEN", "I-FOUND", 1)])] == ["start_window"]
    assert [v.rule for v in run(check_intervention_once_in_window, org=org, learning_rows=[("E-BEN", "I-FOUND", 4)])] == ["start_window"]


@pytest.mark.parametrize("rows, broken", [
    ([("E-BEN", "I-FOUND", 0), ("E-BEN", "I-ADV", 1)], 0),
    ([("E-BEN", "I-FOUND", 0), ("E-BEN", "I-ADV", 0)], 1),  # foundation not finished yet
    ([("E-BEN", "I-ADV", 2)], 1),
    ([("E-ANA", "I-ADV", 0)], 0),  # Ana already has level 3
])
def test_prerequisites(rows, broken):
    assert len(run(check_prerequisites, learning_rows=rows)) == broken


@pytest.mark.parametrize("rows, broken", [
    ([("E-BEN", "I-FOUND", 0), ("E-BEN", "I-MENT", 1)], 0),
    ([("E-BEN", "I-FOUND", 0), ("E-BEN", "I-MENT", 0)], 1),  # 40 h in quarter 0 against 30
])
def test_learning_hours(rows, broken):
    t = base_tables()
    t["employees"][2]["learning_hours_per_quarter"] = 30
    violations = run(check_learning_hours, org=make_org(t), learning_rows=rows)
    assert len(violations) == broken and all(v.rule == "learning_hours" for v in violations)


@pytest.mark.parametrize("rows, broken", [
    ([("E-ANA", "I-MENT", 0), ("E-BEN", "I-MENT", 1)], 0),
    ([("E-ANA", "I-MENT", 0), ("E-BEN", "I-MENT", 0)], 1),
])
def test_seats(rows, broken):
    t = base_tables()
    t["interventions"][2]["seats_per_quarter"] = 1
    assert len(run(check_seats, org=make_org(t), learning_rows=rows)) == broken


@pytest.mark.parametrize("total, per_quarter, broken", [(8_000, None, 0), (6_999, None, 1), (8_000, 5_000, 0), (8_000, 4_000, 1)])
def test_budget(total, per_quarter, broken):
    sc = make_scenario(budget=total)
    sc = sc.model_copy(update={"budget": sc.budget.model_copy(update={"per_quarter": per_quarter})})
    rows = [("E-BEN", "I-FOUND", 0), ("E-BEN", "I-ADV", 1)]  # 2,000 in q0, 5,000 in q1
    assert len(run(check_budget, scenario=sc, learning_rows=rows)) == broken


@pytest.mark.parametrize("rows, broken", [
    ([("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)], 0),
    ([("E-BEN", "R-MGR", 2)], 1),  # no rank 1
    ([("E-ANA", "R-MGR", 1), ("E-ANA", "R-MGR", 2)], 1),  # twice on one slate
    ([("E-ANA", "R-ANL", 1)], 1),  # not a critical role
    ([("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2), ("E-MGR", "R-MGR", 3), ("E-ZED", "R-MGR", 4)], 2),  # deep + unknown
])
def test_slate_structure(rows, broken):
    assert len(run(check_slate_structure, slate_rows=rows)) == broken


@pytest.mark.parametrize("change, broken", [
    (lambda t: None, 0),
    (lambda t: t["employees"][1].update(open_to_move=False), 1),
    (lambda t: t["roles"][1].update(level=1), 1),
    (lambda t: t["roles"][1].update(level=4), 1),
    (lambda t: (t["roles"][1].update(family="Sales"),
                t.setdefault("family_moves", []).append(dict(from_family="Finance", to_family="Finance"))), 1),
])
def test_slate_eligibility(change, broken):
    t = base_tables()
    change(t)
    assert len(run(check_slate_eligibility, org=make_org(t), slate_rows=[("E-ANA", "R-MGR", 1)])) == broken


def test_incumbent_on_own_slate_is_a_violation():
    [v] = run(check_slate_eligibility, slate_rows=[("E-MGR", "R-MGR", 1)])
    assert "incumbent" in v.message


@pytest.mark.parametrize("rows, broken", [
    ([("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 2)], 0),
    ([("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 1)], 1),
])
def test_first_rank_once(rows, broken):
    assert len(run(check_first_rank_once, org=with_controller(), slate_rows=rows)) == broken


@pytest.mark.parametrize("cap, broken", [(2, 0), (1, 1)])
def test_max_slates(cap, broken):
    sc = make_scenario(policy=dict(max_slates_per_employee=cap))
    rows = [("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 2)]
    assert len(run(check_max_slates, org=with_controller(), scenario=sc, slate_rows=rows)) == broken


def test_evaluation_recomputes_readiness_and_kpis():
    # Ana: FIN 3 -> 4 by I-ADV in quarters 0-1, ready from quarter 2 (needed by 4): covered.
    ev = evaluate(make_org(), make_scenario(), slates(("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)),
                  learning(("E-ANA", "I-ADV", 0)))
    assert ev.ok
    assert ev.slates["ready_quarter"].tolist()[0] == 2 and ev.slates["readiness"].tolist() == ["ready_1_year", "not_ready"]
    assert ev.kpis["covered_roles"] == 1 and ev.kpis["training_cost"] == 5_000 and ev.kpis["external_hire_cost"] == 0
    # The same development a quarter too late leaves the role uncovered at its external-hire cost.
    late = evaluate(make_org(), make_scenario(), slates(("E-ANA", "R-MGR", 1)), learning(("E-ANA", "I-ADV", 3)))
    assert late.kpis["covered_roles"] == 0 and late.kpis["external_hire_cost"] == 100_000


def test_check_plan_catches_tampered_kpis_and_readiness():
    org, sc = make_org(), make_scenario()
    ev = evaluate(org, sc, slates(("E-ANA", "R-MGR", 1)), learning(("E-ANA", "I-ADV", 0)))
    meta = PlanMeta(scenario="t", dataset="-", input_fingerprint="-", start="2027Q1", horizon_quarters=8,
                    budget_total=50_000, created="-", planner_version="-")
    good = Plan(meta=meta, kpis=Kpis(**ev.kpis, status="FEASIBLE", objective=ev.objective),
                slates=[dict(role_id="R-MGR", rank=1, employee_id="E-ANA", ready_quarter=2, readiness="ready_1_year")],
                learning=[dict(employee_id="E-ANA", intervention_id="I-ADV", start_quarter=0, end_quarter=1, cost=5000)])
    assert check_plan(org, sc, good).ok
    inflated = good.model_copy(update={"kpis": good.kpis.model_copy(update={"covered_roles": 2})})
    assert any("covered_roles" in m for m in check_plan(org, sc, inflated).mismatches)
    wrong_ready = good.model_copy(update={"slates": [good.slates[0].model_copy(update={"ready_quarter": 0, "readiness": "ready_now"})]})
    assert not check_plan(org, sc, wrong_ready).ok


def test_ready_quarter_is_the_first_quarter_every_requirement_is_met():
    # Ana gets FIN 4 from quarter 2; Ben's pathway ends after the 8-quarter horizon; the manager is
    # not in the plan (their levels come from the whole skills table); E-ZED and R-ZED are unknown.
    org = with_controller()
    ctx = PlanContext(org, make_scenario(), slates(("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)),
                      learning(("E-ANA", "I-ADV", 0), ("E-BEN", "I-FOUND", 5), ("E-BEN", "I-ADV", 7)))

    def first_quarter(e, r):  # the definition, quarter by quarter
        return next((q for q in range(ctx.horizon + 1)
                     if all(ctx.level(e, k, q) >= lv for k, lv in ctx.requirements.get(r, []))), None)

    for e in ("E-ANA", "E-BEN", "E-MGR", "E-ZED"):
        for r in ("R-MGR", "R-CTRL", "R-ANL", "R-ZED"):
            assert ctx.ready_quarter(e, r) == first_quarter(e, r), (e, r)
    assert ctx.ready_quarter("E-ANA", "R-MGR") == 2 and ctx.ready_quarter("E-BEN", "R-MGR") is None
    assert ctx.level("E-MGR", "FIN", 0) == 4 and ctx.ready_quarter("E-MGR", "R-MGR") == 0
    assert ctx.level("E-BEN", "FIN", 6) == 3 and ctx.level("E-ZED", "FIN", 8) == 0


def test_violations_are_listed_rule_by_rule_in_plan_order():
    """Each rule reports in a fixed order (slates role by role in role order, rows in plan order;
    learning in plan order) with the IDs and figures spelled out."""
    org, sc = with_controller(), make_scenario(policy=dict(bench_depth=2))
    ev = evaluate(org, sc,
                  slates(("E-BEN", "R-MGR", 1), ("E-ZED", "R-MGR", 3), ("E-BEN", "R-MGR", 2), ("E-MGR", "R-MGR", 4),
                         ("E-ANA", "R-ANL", 1), ("E-ANA", "R-CTRL", 1), ("E-BEN", "R-CTRL", 2), ("E-BEN", "R-ZED", 1)),
                  learning(("E-ZED", "I-FOUND", 0), ("E-BEN", "I-ADV", 0), ("E-BEN", "I-ADV", 7))
                  .assign(cost=[2_000, 5_000, 4_000]))
    assert [str(v) for v in ev.violations] == [
        "[learning_records] unknown employee E-ZED",
        "[learning_records] E-BEN I-ADV: cost 4000 differs from the catalogue's 5000.0",
        "[intervention_once] E-BEN takes I-ADV more than once",
        "[start_window] E-BEN I-ADV finishes after the horizon (starts 7, lasts 2)",
        "[prerequisites] E-BEN starts I-ADV in quarter 0 with FIN at level 1, below its min_level 3",
        "[slate_structure] R-ANL has a slate but is not a critical role",
        "[slate_structure] R-MGR slate has 4 successors, above bench_depth 2",
        "[slate_structure] E-BEN appears twice on the R-MGR slate",
        "[slate_structure] R-MGR slate names unknown employee E-ZED",
        "[slate_structure] R-ZED has a slate but is not a critical role",
        "[slate_eligibility] E-MGR on the R-MGR slate is the role's incumbent",
        "[first_rank_once] E-ANA is first successor of R-ANL, R-CTRL",
        "[first_rank_once] E-BEN is first successor of R-MGR, R-ZED",
        "[max_slates] E-BEN sits on 3 slates (max_slates_per_employee 2)",
    ]
