"""Property tests: random small organisations thrown at the solver; every plan must pass the checker,
and a plan proven optimal must have an objective equal to its bound (the bound is for the full problem)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import make_scenario, solve_checked
from planner import organisation_from_records
from planner import solve as planner_solve
from planner.contract.scenario import Policy
from planner.problem.eligibility import feeding_families, why_ineligible
from planner.problem.instance import eligible_pairs
from planner.problem.scoring import need_quarter

KINDS = ["course", "certification", "mentoring", "stretch_assignment", "rotation", "coaching"]


@st.composite
def organisations(draw, leavers: bool = False):
    n_skills = draw(st.integers(1, 3))
    skills = [dict(skill_id=f"S{k}", name=f"Skill {k}", category="c") for k in range(n_skills)]
    families = ["F0", "F1"][: draw(st.integers(1, 2))]
    n_roles = draw(st.integers(2, 4))
    roles = [
        dict(role_id=f"R{r}", title=f"Role {r}", family=draw(st.sampled_from(families)), level=draw(st.integers(1, 3)),
             critical=r == 0 or draw(st.booleans()), criticality=draw(st.integers(1, 5)), incumbent_id=None,
             vacancy_quarter=draw(st.one_of(st.none(), st.integers(0, 5))),
             external_hire_cost=draw(st.integers(0, 20)) * 1_000)
        for r in range(n_roles)
    ]
    n_emp = draw(st.integers(2, 6))
    employees = []
    for e in range(n_emp):
        role = draw(st.sampled_from(roles))
        employees.append(dict(employee_id=f"E{e}", name=f"Person {e}", role_id=role["role_id"],
                              performance=draw(st.integers(1, 5)), potential=draw(st.integers(1, 3)),
                              flight_risk=draw(st.sampled_from([0.0, 0.1, 0.3])),
                              learning_hours_per_quarter=draw(st.sampled_from([0, 20, 40, 80])),
                              open_to_move=draw(st.booleans()),
                              aspirations=draw(st.sampled_from(["", "F0", "R0", "F1;R1"])) if n_roles > 1 else "",
                              **(dict(leave_quarter=draw(st.one_of(st.none(), st.integers(0, 6)))) if leavers else {})))
        if role["incumbent_id"] is None and draw(st.booleans()):
            role["incumbent_id"] = f"E{e}"
    for emp in employees:  # aspirations must name something that exists
        emp["aspirations"] = ";".join(t for t in emp["aspirations"].split(";") if t in {r["role_id"] for r in roles} | {r["family"] for r in roles})
    employee_skills = [dict(employee_id=e["employee_id"], skill_id=s["skill_id"], level=draw(st.integers(0, 4)))
                       for e in employees for s in skills if draw(st.booleans())]
    role_requirements = [dict(role_id=r["role_id"], skill_id=s["skill_id"], level=draw(st.integers(1, 5)))
                         for r in roles for s in skills if draw(st.booleans())]
    interventions, effects = [], []
    for i in range(draw(st.integers(1, 4))):
        latest = draw(st.one_of(st.none(), st.integers(0, 5)))
        interventions.append(dict(intervention_id=f"I{i}", name=f"Course {i}", kind=draw(st.sampled_from(KINDS)),
                                  cost=draw(st.integers(0, 10)) * 500, duration_quarters=draw(st.integers(1, 3)),
                                  hours_per_quarter=draw(st.sampled_from([0, 10, 30])),
                                  seats_per_quarter=draw(st.one_of(st.none(), st.integers(0, 2))),
                                  earliest_start_quarter=draw(st.integers(0, 2)),
                                  latest_start_quarter=None if latest is None else max(latest, 2)))
        for s in draw(st.lists(st.sampled_from(skills), min_size=1, max_size=2, unique_by=lambda s: s["skill_id"])):
            lo = draw(st.integers(0, 3))
            effects.append(dict(intervention_id=f"I{i}", skill_id=s["skill_id"], min_level=lo, to_level=draw(st.integers(lo + 1, 5))))
    used = {r["family"] for r in roles}
    family_moves = [dict(from_family="F0", to_family="F1")] if used == {"F0", "F1"} and draw(st.booleans()) else []
    tables = dict(skills=skills, roles=roles, employees=employees, employee_skills=employee_skills,
                  role_requirements=role_requirements, interventions=interventions, intervention_effects=effects)
    if family_moves:
        tables["family_moves"] = family_moves
    return organisation_from_records(**tables)


@st.composite
def scenarios(draw):
    return make_scenario(
        budget=draw(st.integers(0, 12)) * 1_000,
        horizon_quarters=6,
        policy=dict(bench_depth=draw(st.integers(1, 3)), max_level_jump=draw(st.integers(0, 2)),
                    max_slates_per_employee=draw(st.integers(1, 2))),
        solver=dict(time_limit_seconds=10, num_workers=2),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=organisations(), scenario=scenarios())
def test_every_plan_passes_the_checker(org, scenario):
    plan = solve_checked(org, scenario)
    assert plan.kpis.status in ("OPTIMAL", "FEASIBLE")
    if plan.kpis.status == "OPTIMAL":  # the money cost is proven least: it meets its bound
        assert abs(plan.kpis.money_cost - plan.kpis.best_bound) <= 0.01 * (1 + len(plan.slates) + len(plan.learning))
    assert plan.kpis.training_cost <= scenario.budget.total + 1e-6
    greedy = planner_solve(scenario, org, method="greedy")
    assert plan.kpis.money_cost <= greedy.kpis.money_cost + 0.01  # never costlier than readiness ranking


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(org=organisations(), scenario=scenarios())
def test_pruning_is_exact_so_the_bound_holds_for_the_full_problem(org, scenario):
    """The pruned model (eligible pairs, useful starts, deadlines) reaches the same optimum as the
    model with every start of every intervention for everyone: its bound is the full problem's."""
    from ortools.sat.python import cp_model

    from planner.solver.build import build_model
    from planner.problem.instance import build_problem

    from planner.evaluation.parts import MONEY_PARTS
    from planner.solver.registry import SOFT_RULES

    money_rules = tuple(rule.build for rule in SOFT_RULES if rule.key in MONEY_PARTS)
    optimum = {}
    for prune in (True, False):
        for objective, soft_rules in (("all", tuple(rule.build for rule in SOFT_RULES)), ("money", money_rules)):
            built = build_model(build_problem(org, scenario, prune=prune), soft_rules=soft_rules)
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 8
            solver.parameters.max_time_in_seconds = 30
            assert solver.solve(built.model) == cp_model.OPTIMAL
            optimum[(prune, objective)] = solver.objective_value
    assert abs(optimum[(True, "all")] - optimum[(False, "all")]) < 1e-6
    assert abs(optimum[(True, "money")] - optimum[(False, "money")]) < 1e-6  # the money phase's bound too


@settings(max_examples=60, deadline=None)
@given(org=organisations(leavers=True), jump=st.integers(0, 2), drop=st.integers(0, 1))
def test_the_fast_eligible_pairs_are_the_rule_pair_by_pair(org, jump, drop):
    """planner.problem.candidates builds the eligible pairs without forming the others; they are
    exactly the pairs planner.problem.eligibility accepts one by one."""
    scenario = make_scenario(horizon_quarters=6, policy=dict(max_level_jump=jump, max_level_drop=drop))
    policy: Policy = scenario.policy
    critical = org.roles[org.roles["critical"]]
    need = need_quarter(critical, scenario.horizon_quarters).to_dict()
    roles = org.roles.set_index("role_id")
    feeds = feeding_families(org)
    expected = {
        (e.employee_id, r.role_id)
        for e in org.employees.itertuples(index=False) for r in critical.itertuples(index=False)
        if not why_ineligible(policy, feeds, incumbent=r.incumbent_id == e.employee_id, open_to_move=bool(e.open_to_move),
                              grade_step=int(r.level) - int(roles.loc[e.role_id, "level"]),
                              own_family=roles.loc[e.role_id, "family"], family=r.family,
                              leave_quarter=e.leave_quarter, need_quarter=need[r.role_id])
    }
    pairs = eligible_pairs(org, scenario)
    assert set(zip(pairs["employee_id"], pairs["role_id"])) == expected
