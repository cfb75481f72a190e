"""Property tests of the workforce plan: random small organisations (categories of roles, of family and
grade, or supplied; known leavers; moves through interventions; caps and freezes; reorganisations;
sometimes a greedy succession plan's flows) solved by planner.solver.workforce and by a second,
independent formulation written here; both optima must agree, and every plan must pass the checker.

The second formulation shares no code with planner/solver/workforce.py: it is built with
ortools.math_opt instead of pywraplp, has no closing-headcount or understaffing variables (each closing
is an explicit affine function of the decisions, unrolled quarter by quarter, and understaffing is
demand less what the closing does), puts caps, freezes, time to hire and intervention windows into
variable bounds instead of constraints, and reads only the instance's arrays."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.math_opt.python import mathopt

import planner
from factories import make_scenario
from planner import organisation_from_records
from planner.evaluation.workforce import check_workforce, check_workforce_plan, succession_flows
from planner.problem.workforce import WorkforceInstance, build_workforce
from planner.solver.workforce import solve_workforce, solve_workforce_instance

# ------------------------------------------------------------------------------------------
# The independent formulation
# ------------------------------------------------------------------------------------------


class Affine:
    """sum(coef x variable) + constant, as a dict of variables; enough algebra for flow balances."""

    def __init__(self, terms=None, constant: float = 0.0):
        self.terms: dict = dict(terms or {})
        self.constant = float(constant)

    def plus(self, other: "Affine | float", scale: float = 1.0) -> "Affine":
        out = Affine(self.terms, self.constant)
        if isinstance(other, Affine):
            for var, coef in other.terms.items():
                out.terms[var] = out.terms.get(var, 0.0) + scale * coef
            out.constant += scale * other.constant
        else:
            out.constant += scale * float(other)
        return out

    def times(self, scale: float) -> "Affine":
        return Affine({v: scale * c for v, c in self.terms.items()}, scale * self.constant)

    def expression(self):
        return mathopt.fast_sum(c * v for v, c in self.terms.items() if c) + self.constant


def var(x) -> Affine:
    return Affine({x: 1.0})


def arrives_after_start(inst: WorkforceInstance, k: int, t: int) -> int | None:
    """The quarter a mover arriving in t started the move's intervention, if one can have; t without one."""
    intervention = inst.moves.intervention[k]
    if intervention is None:
        return t
    if intervention not in inst.windows:
        return None
    start = t - int(inst.moves.duration[k])
    first, last = inst.windows[intervention]
    return start if start >= 0 and first <= start <= last else None


def independent_optimum(inst: WorkforceInstance) -> tuple[str, float | None, float | None]:
    """(status, least total cost, redundancies) of the instance, by the second formulation."""
    C, T, mv = len(inst.categories), inst.horizon, inst.moves
    K = len(mv.source)
    model = mathopt.Model(name="workforce, closings eliminated")

    def bounded(ub: float, name: str):
        return model.add_variable(lb=0.0, ub=float(ub) if np.isfinite(ub) else math.inf, name=name)

    hire, fire, over, short, move, starts = {}, {}, {}, {}, {}, {}
    for c in range(C):
        for t in range(T):
            hire[c, t] = bounded(0.0 if t < inst.time_to_hire[c] else inst.hire_cap[c, t], f"h{c},{t}")
            fire[c, t] = bounded(math.inf, f"r{c},{t}")
            over[c, t] = bounded(inst.overstaffing_cap[c], f"o{c},{t}")
            short[c, t] = bounded(inst.short_time_cap[c], f"s{c},{t}")
    for k in range(K):
        for t in range(T):
            starts[k, t] = arrives_after_start(inst, k, t)
            move[k, t] = bounded(0.0 if starts[k, t] is None else mv.cap[k], f"m{k},{t}")

    fixed_hires = np.zeros((C, T))
    for q, cat, fte in zip(inst.fixed.hires["quarter"], inst.fixed.hires["category"], inst.fixed.hires["fte"]):
        fixed_hires[inst.categories.index(cat), int(q)] += float(fte)
    f = inst.fixed
    opening = [[None] * T for _ in range(C)]
    closing = [[None] * T for _ in range(C)]
    for t in range(T):
        for c in range(C):
            opening[c][t] = Affine(constant=inst.opening[c]) if t == 0 else closing[c][t - 1]
        for c in range(C):
            x = opening[c][t].times(1 - inst.attrition[c, t])
            x = x.plus(-f.known_leavers[c, t] - f.succession_out[c, t] + f.succession_in[c, t])
            x = x.plus(var(hire[c, t]).plus(fixed_hires[c, t]), 1 - inst.new_hire_attrition[c, t])
            for k in range(K):
                if mv.target[k] == c:
                    x = x.plus(var(move[k, t]), 1 - mv.attrition[k])
                if mv.source[k] == c:
                    x = x.plus(var(move[k, t]), -1.0)
            closing[c][t] = x.plus(var(fire[c, t]), -1.0)

    def at_least_zero(a: Affine):
        model.add_linear_constraint(a.expression() >= 0)

    understaffing = {}
    for c in range(C):
        for t in range(T):
            at_least_zero(closing[c][t])
            leaving = Affine({fire[c, t]: 1.0, **{move[k, t]: 1.0 for k in range(K) if mv.source[k] == c}})
            staying = opening[c][t].times(1 - inst.attrition[c, t]).plus(-f.known_leavers[c, t] - f.succession_out[c, t])
            at_least_zero(staying.plus(leaving, -1.0))
            at_least_zero(closing[c][t].plus(var(short[c, t]), -1.0))
            understaffing[c, t] = (closing[c][t].times(-1.0).plus(float(inst.demand[c, t])).plus(var(over[c, t]))
                                   .plus(var(short[c, t]), 1 - inst.productivity[c]))
            at_least_zero(understaffing[c, t])
    seats = defaultdict(list)
    for k in range(K):
        for t in range(T):
            if starts[k, t] is None:
                continue
            if np.isfinite(mv.share[k]):
                at_least_zero(opening[int(mv.share_of[k])][t].times(float(mv.share[k])).plus(var(move[k, t]), -1.0))
            if mv.intervention[k] is not None:
                seats[mv.intervention[k], starts[k, t]].append(move[k, t])
    for (intervention, start), movers in seats.items():
        left = inst.seats_left[intervention][start]
        if np.isfinite(left):
            model.add_linear_constraint(mathopt.fast_sum(movers) <= float(left))
    if np.isfinite(inst.overstaffing_total_cap):
        for t in range(T):
            model.add_linear_constraint(mathopt.fast_sum(over[c, t] for c in range(C)) <= inst.overstaffing_total_cap)

    cost = Affine(constant=float(inst.fixed.hires["cost"].sum()) + float(inst.fixed.training_spend.sum()))
    for c in range(C):
        for t in range(T):
            cost = cost.plus(closing[c][t], float(inst.loaded_cost[c]))
            cost = cost.plus(understaffing[c, t], float(inst.understaffing_cost[c]))
            cost = cost.plus(Affine({hire[c, t]: inst.hire_cost[c], fire[c, t]: inst.redundancy_cost[c],
                                     over[c, t]: inst.overstaffing_cost[c], short[c, t]: inst.short_time_cost[c]}))
    for k in range(K):
        for t in range(T):
            cost = cost.plus(var(move[k, t]), float(mv.cost[k] + mv.training_cost[k]))
    redundancies = mathopt.fast_sum(fire.values())

    def solve():
        result = mathopt.solve(model, mathopt.SolverType.GLOP)
        return result.termination.reason, result

    if inst.objective == "redundancies":
        model.minimize(redundancies)
        reason, result = solve()
        if reason != mathopt.TerminationReason.OPTIMAL:
            return reason.name, None, None
        least = result.objective_value()
        model.add_linear_constraint(redundancies <= least + 1e-7 * (1 + least))
    model.minimize(cost.expression())
    reason, result = solve()
    if reason != mathopt.TerminationReason.OPTIMAL:
        return reason.name, None, None
    return "OPTIMAL", result.objective_value(), sum(result.variable_values(list(fire.values())))


# ------------------------------------------------------------------------------------------
# Random small organisations
# ------------------------------------------------------------------------------------------

ROLES = [("R0", "F0", 1), ("R1", "F0", 2), ("R2", "F1", 1), ("R3", "F1", 2)]
CATEGORIES = ["F0/1", "F0/2", "F1/1", "R3", "X/1"]  # family and grade, a role, a supplied population


@st.composite
def cases(draw):
    T = draw(st.integers(2, 5))
    roles = [dict(role_id=r, title=f"Role {r}", family=f, level=lv, critical=r in ("R1", "R3") or draw(st.booleans()),
                  criticality=draw(st.integers(1, 5)), incumbent_id=None,
                  vacancy_quarter=draw(st.one_of(st.none(), st.integers(0, T - 1))),
                  external_hire_cost=draw(st.sampled_from([0, 5_000, 20_000]))) for r, f, lv in ROLES]
    employees = []
    for e in range(draw(st.integers(2, 7))):
        role = draw(st.sampled_from(roles))
        employees.append(dict(
            employee_id=f"E{e}", name=f"Person {e}", role_id=role["role_id"], performance=draw(st.integers(1, 5)),
            potential=draw(st.integers(1, 3)), flight_risk=draw(st.sampled_from([0.0, 0.1, 0.3])),
            learning_hours_per_quarter=draw(st.sampled_from([0, 40, 80])), open_to_move=draw(st.booleans()),
            fte=draw(st.sampled_from([0.5, 0.8, 1.0])),
            retirement_quarter=draw(st.one_of(st.none(), st.integers(0, T + 1))),
            leave_quarter=draw(st.one_of(st.none(), st.integers(0, T + 1)))))
        if role["incumbent_id"] is None and draw(st.booleans()):
            role["incumbent_id"] = f"E{e}"
    skills = [dict(skill_id="S0", name="Skill", category="c")]
    employee_skills = [dict(employee_id=e["employee_id"], skill_id="S0", level=draw(st.integers(0, 4))) for e in employees]
    requirements = [dict(role_id=r["role_id"], skill_id="S0", level=draw(st.integers(1, 4))) for r in roles]
    interventions = [dict(intervention_id=f"I{i}", name=f"Course {i}", kind="course", cost=draw(st.sampled_from([0, 3, 500])),
                          duration_quarters=i + 1, hours_per_quarter=10,
                          seats_per_quarter=draw(st.one_of(st.none(), st.integers(0, 2))),
                          earliest_start_quarter=draw(st.integers(0, 1)),
                          latest_start_quarter=draw(st.one_of(st.none(), st.integers(1, 3)))) for i in range(2)]
    effects = [dict(intervention_id="I0", skill_id="S0", min_level=0, to_level=3),
               dict(intervention_id="I1", skill_id="S0", min_level=2, to_level=4)]

    cats = draw(st.lists(st.sampled_from(CATEGORIES), min_size=2, max_size=4, unique=True))
    costs, supply = [], []
    for c in cats:
        costs.append(dict(
            category=c, loaded_cost=draw(st.sampled_from([5, 10, 30])), hire_cost=draw(st.sampled_from([0, 8, 60])),
            time_to_hire=draw(st.integers(0, 2)), hire_cap=draw(st.sampled_from([None, 0, 0.5, 2])),
            redundancy_cost=draw(st.sampled_from([0, 15, 80])), overstaffing_cost=draw(st.sampled_from([0, 3])),
            overstaffing_cap=draw(st.sampled_from([None, 0, 0.5, 2])), short_time_cost=draw(st.sampled_from([0, 1, 4])),
            short_time_cap=draw(st.sampled_from([0, 0.5, 2])), short_time_productivity=draw(st.sampled_from([0, 0.5, 0.75])),
            understaffing_cost=draw(st.sampled_from([None, 20, 200])),
            attrition_rate=draw(st.sampled_from([None, 0.0, 0.05, 0.2])),
            new_hire_attrition_rate=draw(st.sampled_from([None, 0.0, 0.3]))))
        if c == "X/1" or draw(st.booleans()):
            supply.append(dict(category=c, fte=draw(st.sampled_from([0, 1.5, 4, 9]))))
    demand = []
    for c in cats:
        for q in draw(st.lists(st.integers(0, T - 1), max_size=3, unique=True)):
            demand.append(dict(category=c, quarter=q, fte=draw(st.sampled_from([0, 1, 2.5, 6, 10]))))
    moves = []
    for a, b in draw(st.lists(st.tuples(st.sampled_from(cats), st.sampled_from(cats)).filter(lambda p: p[0] != p[1]),
                              max_size=3, unique=True)):
        moves.append(dict(from_category=a, to_category=b, kind=draw(st.sampled_from(["promotion", "lateral", "retraining"])),
                          cost=draw(st.sampled_from([0, 2, 9])), cap=draw(st.sampled_from([None, 0.5, 2])),
                          cap_share=draw(st.sampled_from([None, 0.1, 0.5])),
                          cap_share_category=draw(st.one_of(st.none(), st.sampled_from(cats))),
                          intervention_id=draw(st.sampled_from([None, None, "I0", "I1"])),
                          attrition=draw(st.sampled_from([0.0, 0.1]))))
    tables = dict(skills=skills, employees=employees, employee_skills=employee_skills, roles=roles,
                  role_requirements=requirements, interventions=interventions, intervention_effects=effects,
                  workforce_costs=costs, workforce_supply=supply)
    if demand:
        tables["workforce_demand"] = demand
    if moves:
        tables["workforce_moves"] = moves

    changes = []
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["workforce_demand", "hiring_freeze", "attrition", "merge", "split"]))
        span = dict(from_quarter=draw(st.integers(0, T - 1)))
        if kind == "workforce_demand":
            changes.append(dict(type=kind, categories=[draw(st.sampled_from(cats))], scale=draw(st.sampled_from([0.5, 1.2])),
                                delta=draw(st.sampled_from([-1, 0, 2])), **span))
        elif kind == "hiring_freeze":
            changes.append(dict(type=kind, categories=[draw(st.sampled_from(cats))], cap=draw(st.sampled_from([0, 0.5])), **span))
        elif kind == "attrition":
            changes.append(dict(type=kind, categories=[draw(st.sampled_from(cats))], scale=draw(st.sampled_from([0.5, 2])), **span))
        elif kind == "merge" and not any(c["type"] == "reorganisation" for c in changes):
            changes.append(dict(type="reorganisation", merge=cats[:2], into="M/1"))
        elif kind == "split" and not any(c["type"] == "reorganisation" for c in changes):
            changes.append(dict(type="reorganisation", split=cats[0], shares={"P/1": 0.3, "P/2": 0.7}))
    changes.sort(key=lambda c: c["type"] == "reorganisation")  # the others name the categories before it
    workforce = dict(objective=draw(st.sampled_from(["cost", "cost", "redundancies"])),
                     overstaffing_total_cap=draw(st.sampled_from([None, None, 0, 1.5])))
    succession = draw(st.booleans())
    return tables, T, changes, workforce, succession


def prepare(tables, T, changes, workforce, succession):
    org = organisation_from_records(**tables)
    scenario = make_scenario(budget=float(org.interventions["cost"].sum()), horizon_quarters=T, changes=changes,
                             workforce=workforce)
    issues = [i for i in planner.check_scenario(org, scenario) if i.severity == "error"]
    assert issues == [], issues
    plan = planner.solve(scenario, org, method="greedy") if succession else None
    inst = build_workforce(org, scenario, succession_flows(org, scenario, plan))
    return org, scenario, plan, inst


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_two_formulations_agree_and_every_plan_checks(case):
    org, scenario, plan, inst = prepare(*case)
    f = inst.fixed
    for flows in (f.known_leavers, f.succession_in, f.succession_out, f.successions):
        assert (flows >= -1e-9).all()
    # successors moving between categories leave one and join another, clamped or not
    assert (f.successions.sum(axis=1) <= f.succession_out + 1e-9).all() and (f.successions.sum(axis=0) <= f.succession_in + 1e-9).all()
    workforce = solve_workforce_instance(inst, scenario)
    status, cost, redundancies = independent_optimum(inst)
    if workforce.kpis.status == "INFEASIBLE":
        assert status == "INFEASIBLE", status
        # without a succession plan's fixed arrivals, only caps on overstaffing can leave no plan (people
        # fixed to leave later cannot be made redundant before: see test_workforce.py)
        capped = np.isfinite(inst.overstaffing_cap).any() or np.isfinite(inst.overstaffing_total_cap)
        assert plan is not None or capped
        assert workforce.kpis.message.startswith("the workforce programme has no solution")
        return
    assert workforce.kpis.status == "OPTIMAL" and status == "OPTIMAL", (workforce.kpis.status, status)
    assert workforce.kpis.total_cost == pytest.approx(cost, rel=1e-6, abs=1e-6)
    if inst.objective == "redundancies":
        assert workforce.kpis.redundancies == pytest.approx(redundancies, rel=1e-6, abs=1e-5)
    violations, parts = check_workforce_plan(inst, workforce)
    assert violations == [], violations
    assert sum(parts.values()) == pytest.approx(workforce.kpis.total_cost, rel=1e-9, abs=1e-9)
    if plan is not None:
        plan.workforce = solve_workforce(org, scenario, plan)
        assert plan.workforce.kpis.total_cost == pytest.approx(workforce.kpis.total_cost, rel=1e-9, abs=1e-9)
        violations, mismatches = check_workforce(org, scenario, plan)
        assert violations == [] and mismatches == [], (violations, mismatches)
