"""The plan checker, rule by rule: a hand-written plan that keeps the rule and one that breaks it."""

from __future__ import annotations

import pandas as pd
import pytest

from factories import base_tables, make_org, make_scenario, with_controller_tables
from parts_fixture import BASELINE, EXPECTED_PARTS, parts_org, parts_scenario
from planner.evaluation.checks import check_budget, check_cascades, check_first_rank_once, check_intervention_once, check_learning_hours, check_learning_records, check_leavers, check_locks, check_max_slates, check_pins, check_prerequisites, check_readiness, check_seats, check_slate_eligibility, check_slate_structure, check_start_window, check_vetoes
from planner.evaluation.parts import OBJECTIVE_PARTS, part_key
from planner.evaluation.replay import backfill_chains, PlanContext
from planner.evaluation.report import check_plan, evaluate, with_readiness
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


def rules_broken(check, **kw) -> list[str]:
    """The rule keys of what ``check`` finds; every violation must carry the check's own key."""
    found = run(check, **kw)
    assert all(v.rule == check.key for v in found), [str(v) for v in found]
    return [v.rule for v in found]


def test_learning_records_holds():
    assert run(check_learning_records, learning_rows=[("E-BEN", "I-FOUND", 0)]) == []


@pytest.mark.parametrize("tamper", [dict(cost=1.0), dict(end_quarter=3), dict(employee_id="E-ZED"), dict(intervention_id="I-ZED")])
def test_learning_records_broken(tamper):
    bad = learning(("E-BEN", "I-FOUND", 0)).assign(**tamper)
    ctx = PlanContext(make_org(), make_scenario(), slates(), bad)
    assert [v.rule for v in check_learning_records(ctx)] == ["learning_records"]


def test_intervention_once_holds():
    assert run(check_intervention_once, learning_rows=[("E-BEN", "I-FOUND", 0), ("E-BEN", "I-ADV", 1)]) == []


def test_intervention_once_broken():
    assert rules_broken(check_intervention_once, learning_rows=[("E-BEN", "I-FOUND", 0), ("E-BEN", "I-FOUND", 3)]) == ["intervention_once"]


def window_org():
    t = base_tables()
    t["interventions"][0].update(earliest_start_quarter=2, latest_start_quarter=3)
    return make_org(t)


@pytest.mark.parametrize("start", [2, 3])
def test_start_window_holds(start):
    assert run(check_start_window, org=window_org(), learning_rows=[("E-BEN", "I-FOUND", start)]) == []


@pytest.mark.parametrize("org, row", [
    (window_org, ("E-BEN", "I-FOUND", 1)),  # before its earliest start
    (window_org, ("E-BEN", "I-FOUND", 4)),  # after its latest start
    (make_org, ("E-ANA", "I-ADV", 7)),  # 2 quarters from quarter 7 end after an 8-quarter horizon
])
def test_start_window_broken(org, row):
    assert rules_broken(check_start_window, org=org(), learning_rows=[row]) == ["start_window"]


@pytest.mark.parametrize("rows", [
    [("E-BEN", "I-FOUND", 0), ("E-BEN", "I-ADV", 1)],
    [("E-ANA", "I-ADV", 0)],  # Ana already has level 3
])
def test_prerequisites_holds(rows):
    assert run(check_prerequisites, learning_rows=rows) == []


@pytest.mark.parametrize("rows", [
    [("E-BEN", "I-FOUND", 0), ("E-BEN", "I-ADV", 0)],  # foundation not finished yet
    [("E-BEN", "I-ADV", 2)],
])
def test_prerequisites_broken(rows):
    assert rules_broken(check_prerequisites, learning_rows=rows) == ["prerequisites"]


def thirty_hours_org():
    t = base_tables()
    t["employees"][2]["learning_hours_per_quarter"] = 30
    return make_org(t)


def test_learning_hours_holds():
    assert run(check_learning_hours, org=thirty_hours_org(), learning_rows=[("E-BEN", "I-FOUND", 0), ("E-BEN", "I-MENT", 1)]) == []


def test_learning_hours_broken():  # 40 h in quarter 0 against 30
    rows = [("E-BEN", "I-FOUND", 0), ("E-BEN", "I-MENT", 0)]
    assert rules_broken(check_learning_hours, org=thirty_hours_org(), learning_rows=rows) == ["learning_hours"]


def one_seat_org():
    t = base_tables()
    t["interventions"][2]["seats_per_quarter"] = 1
    return make_org(t)


def test_seats_holds():
    assert run(check_seats, org=one_seat_org(), learning_rows=[("E-ANA", "I-MENT", 0), ("E-BEN", "I-MENT", 1)]) == []


def test_seats_broken():
    assert rules_broken(check_seats, org=one_seat_org(), learning_rows=[("E-ANA", "I-MENT", 0), ("E-BEN", "I-MENT", 0)]) == ["seats"]


def budget_scenario(total, per_quarter):
    sc = make_scenario(budget=total)
    return sc.model_copy(update={"budget": sc.budget.model_copy(update={"per_quarter": per_quarter})})


SPEND = [("E-BEN", "I-FOUND", 0), ("E-BEN", "I-ADV", 1)]  # 2,000 in q0, 5,000 in q1


@pytest.mark.parametrize("total, per_quarter", [(8_000, None), (7_000, 5_000)])
def test_budget_holds(total, per_quarter):
    assert run(check_budget, scenario=budget_scenario(total, per_quarter), learning_rows=SPEND) == []


@pytest.mark.parametrize("total, per_quarter", [(6_999, None), (8_000, 4_000)])
def test_budget_broken(total, per_quarter):
    assert rules_broken(check_budget, scenario=budget_scenario(total, per_quarter), learning_rows=SPEND) == ["budget"]


def test_slate_structure_holds():
    assert run(check_slate_structure, slate_rows=[("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)]) == []


@pytest.mark.parametrize("rows, broken", [
    ([("E-BEN", "R-MGR", 2)], 1),  # no rank 1
    ([("E-ANA", "R-MGR", 1), ("E-ANA", "R-MGR", 2)], 1),  # twice on one slate
    ([("E-ANA", "R-ANL", 1)], 1),  # not a critical role
    ([("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2), ("E-MGR", "R-MGR", 3), ("E-ZED", "R-MGR", 4)], 2),  # deep + unknown
])
def test_slate_structure_broken(rows, broken):
    assert rules_broken(check_slate_structure, slate_rows=rows) == ["slate_structure"] * broken


def test_slate_eligibility_holds():
    assert run(check_slate_eligibility, slate_rows=[("E-ANA", "R-MGR", 1)]) == []


@pytest.mark.parametrize("change, words", [
    (lambda t: t["employees"][1].update(open_to_move=False), "not open to move"),
    (lambda t: t["roles"][1].update(level=1), "jump 2 grades"),
    (lambda t: t["roles"][1].update(level=4), "drop 1 grades"),
    (lambda t: (t["roles"][1].update(family="Sales"),
                t.setdefault("family_moves", []).append(dict(from_family="Finance", to_family="Finance"))), "does not feed"),
])
def test_slate_eligibility_broken(change, words):
    t = base_tables()
    change(t)
    [v] = run(check_slate_eligibility, org=make_org(t), slate_rows=[("E-ANA", "R-MGR", 1)])
    assert v.rule == "slate_eligibility" and words in v.message


def test_slate_eligibility_broken_by_the_incumbent():
    [v] = run(check_slate_eligibility, slate_rows=[("E-MGR", "R-MGR", 1)])
    assert v.rule == "slate_eligibility" and "incumbent" in v.message


def test_first_rank_once_holds():
    assert run(check_first_rank_once, org=with_controller(), slate_rows=[("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 2)]) == []


def test_first_rank_once_broken():
    rows = [("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 1)]
    assert rules_broken(check_first_rank_once, org=with_controller(), slate_rows=rows) == ["first_rank_once"]


TWO_SLATES = [("E-ANA", "R-MGR", 1), ("E-ANA", "R-CTRL", 2)]


def test_max_slates_holds():
    sc = make_scenario(policy=dict(max_slates_per_employee=2))
    assert run(check_max_slates, org=with_controller(), scenario=sc, slate_rows=TWO_SLATES) == []


def test_max_slates_broken():
    sc = make_scenario(policy=dict(max_slates_per_employee=1))
    assert rules_broken(check_max_slates, org=with_controller(), scenario=sc, slate_rows=TWO_SLATES) == ["max_slates"]


def leaving_org(quarter: int = 3):
    t = base_tables()
    t["employees"][2]["leave_quarter"] = quarter  # Ben leaves in quarter 3; R-MGR is needed in quarter 4
    return make_org(t)


def test_leavers_holds():
    assert run(check_leavers, org=leaving_org(), slate_rows=[("E-ANA", "R-MGR", 1)], learning_rows=[("E-BEN", "I-FOUND", 2)]) == []


@pytest.mark.parametrize("slate_rows, learning_rows", [
    ([], [("E-BEN", "I-FOUND", 3)]),  # learning in the quarter he leaves
    ([("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)], []),  # on a slate of a role needed after he left
])
def test_leavers_broken(slate_rows, learning_rows):
    assert rules_broken(check_leavers, org=leaving_org(), slate_rows=slate_rows, learning_rows=learning_rows) == ["leavers"]


def override_scenario(**overrides):
    return make_scenario(**{k: [dict(v, rationale="test") for v in vs] for k, vs in overrides.items()})


@pytest.mark.parametrize("pin", [dict(employee_id="E-BEN", role_id="R-MGR"), dict(employee_id="E-BEN", role_id="R-MGR", rank=2)])
def test_pins_holds(pin):
    sc = override_scenario(pins=[pin])
    assert run(check_pins, scenario=sc, slate_rows=[("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)]) == []


@pytest.mark.parametrize("pin", [dict(employee_id="E-BEN", role_id="R-MGR"), dict(employee_id="E-BEN", role_id="R-MGR", rank=1)])
def test_pins_broken(pin):
    sc = override_scenario(pins=[pin])
    rows = [("E-ANA", "R-MGR", 1)] + ([("E-BEN", "R-MGR", 2)] if pin.get("rank") else [])
    assert rules_broken(check_pins, scenario=sc, slate_rows=rows) == ["pins"]


def test_vetoes_holds():
    sc = override_scenario(vetoes=[dict(employee_id="E-BEN", role_id="R-MGR")])
    assert run(check_vetoes, scenario=sc, slate_rows=[("E-ANA", "R-MGR", 1)]) == []


def test_vetoes_broken():
    sc = override_scenario(vetoes=[dict(employee_id="E-BEN", role_id="R-MGR")])
    assert rules_broken(check_vetoes, scenario=sc, slate_rows=[("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)]) == ["vetoes"]


LOCK = dict(employee_id="E-BEN", intervention_id="I-FOUND", start_quarter=1)


def test_locks_holds():
    assert run(check_locks, scenario=override_scenario(locks=[LOCK]), learning_rows=[("E-BEN", "I-FOUND", 1)]) == []


@pytest.mark.parametrize("rows", [[], [("E-BEN", "I-FOUND", 2)], [("E-ANA", "I-FOUND", 1)]])
def test_locks_broken(rows):
    assert rules_broken(check_locks, scenario=override_scenario(locks=[LOCK]), learning_rows=rows) == ["locks"]


def reported_slates(ready_quarter, readiness):
    return slates(("E-ANA", "R-MGR", 1)).assign(ready_quarter=pd.array([ready_quarter], dtype="Int64"), readiness=[readiness])


def test_readiness_holds():
    # Ana reaches FIN 4 by I-ADV in quarters 0-1: ready from quarter 2, within a year.
    ctx = PlanContext(make_org(), make_scenario(), reported_slates(2, "ready_1_year"), learning(("E-ANA", "I-ADV", 0)))
    assert check_readiness(ctx) == []


@pytest.mark.parametrize("ready_quarter, readiness", [(0, "ready_now"), (2, "ready_now"), (None, "not_ready")])
def test_readiness_broken(ready_quarter, readiness):
    ctx = PlanContext(make_org(), make_scenario(), reported_slates(ready_quarter, readiness), learning(("E-ANA", "I-ADV", 0)))
    assert [v.rule for v in check_readiness(ctx)] == ["readiness"]


def cascade_context(reported):
    """Mia (R-MGR's incumbent) is first successor of a new critical role R-HEAD needed in quarter 2,
    so R-MGR falls vacant then, not in quarter 4: a two-step chain."""
    t = base_tables()
    t["roles"].append(dict(role_id="R-HEAD", title="Head of Finance", family="Finance", level=4, department="Finance",
                           location="Leeds", critical=True, criticality=5, incumbent_id=None, vacancy_quarter=2,
                           external_hire_cost=150_000))
    ctx = PlanContext(make_org(t), make_scenario(), slates(("E-MGR", "R-HEAD", 1), ("E-ANA", "R-MGR", 1)), learning(),
                      reported_cascades=reported)
    return ctx


def test_cascades_holds():
    truth = backfill_chains(cascade_context(None))
    assert truth["need_quarter"].tolist() == [2, 2] and truth["role_id"].tolist() == ["R-HEAD", "R-MGR"]
    assert check_cascades(cascade_context(truth)) == []


@pytest.mark.parametrize("tamper", [
    lambda c: c.assign(need_quarter=[2, 4]),  # R-MGR at its own vacancy, ignoring that Mia moves up
    lambda c: c.iloc[:1],  # a step left out
    lambda c: c.iloc[:0],  # no chain reported
])
def test_cascades_broken(tamper):
    truth = backfill_chains(cascade_context(None))
    found = check_cascades(cascade_context(tamper(truth)))
    assert found and all(v.rule == "cascades" for v in found)


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


@pytest.mark.parametrize("part", OBJECTIVE_PARTS, ids=part_key)
def test_objective_part_on_a_fixed_plan(part):
    """Each soft rule's part, recomputed from the plan alone, is the hand value of tests/parts_fixture.py."""
    plan = EXPECTED_PARTS["plan"]
    ctx = PlanContext(parts_org(), parts_scenario(), slates(*sorted(plan["slates"], key=lambda s: (s[1], s[2]))),
                      learning(*plan["learning"]), baseline=BASELINE)
    assert part(ctx, with_readiness(ctx)) == pytest.approx(EXPECTED_PARTS[part_key(part)], abs=0.01)


def solved_controller_plan():
    """A solved plan of the controller organisation, with its solver's own objective parts."""
    from factories import solve_checked

    org, sc = with_controller(), make_scenario()
    return org, sc, solve_checked(org, sc)


def test_check_plan_compares_each_objective_part_with_the_solvers():
    org, sc, plan = solved_controller_plan()
    assert plan.kpis.solver_objective_parts is not None
    assert check_plan(org, sc, plan).ok
    parts = dict(plan.kpis.solver_objective_parts, training_spend=plan.kpis.solver_objective_parts["training_spend"] + 1_000)
    drifted = plan.model_copy(update={"kpis": plan.kpis.model_copy(update={"solver_objective_parts": parts})})
    report = check_plan(org, sc, drifted)
    assert not report.ok and any("training_spend" in m and "the solver" in m for m in report.mismatches)


def test_check_plan_rejects_a_plan_that_breaks_a_pin_a_veto_or_a_lock():
    org, sc, plan = solved_controller_plan()
    first = next(s for s in plan.slates if s.rank == 1)
    overrides = [
        dict(pins=[dict(employee_id=first.employee_id, role_id=first.role_id, rank=2, rationale="t")]),
        dict(vetoes=[dict(employee_id=first.employee_id, role_id=first.role_id, rationale="t")]),
        dict(locks=[dict(employee_id="E-BEN", intervention_id="I-MENT", start_quarter=5, rationale="t")]),
    ]
    for override, rule in zip(overrides, ("pins", "vetoes", "locks")):
        report = check_plan(org, make_scenario(**override), plan)
        assert [v.rule for v in report.violations] == [rule], (rule, report.violations)
