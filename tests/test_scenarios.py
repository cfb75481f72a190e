"""What-if scenarios: the file format, every change type, pins / vetoes / locks, and re-planning."""

from __future__ import annotations

import pytest
import yaml

import planner
from factories import base_tables, make_org, make_scenario, solve_checked, with_controller_tables
from planner.inputs.changes import apply_changes
from planner.analyses.comparison import compare
from planner.contract.errors import InputError
from planner.inputs.files import write_dataset
from planner.contract.scenario import load_scenario


def with_controller():
    return make_org(with_controller_tables())


def scenario(changes=(), **kw):
    return make_scenario(changes=list(changes), **kw)


def issue_of(exc: InputError):
    assert len(exc.value.issues) == 1, exc.value.issues
    return exc.value.issues[0]


# --- the file format -----------------------------------------------------------------------------


def write(path, data):
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def base_file(tmp_path):
    write_dataset(make_org(), tmp_path / "org")
    return write(tmp_path / "base.yaml", dict(name="base", dataset="org", horizon_quarters=8, budget=dict(total=10_000),
                                              changes=[dict(type="vacancy", role_id="R-MGR", quarter=6)]))


def test_extends_merges_settings_and_appends_changes(base_file, tmp_path):
    child = write(tmp_path / "cut.yaml", dict(name="cut", extends="base.yaml", policy=dict(bench_depth=2),
                                              changes=[dict(type="budget", scale=0.8),
                                                       dict(type="employee_leaves", employee_id="E-ANA", quarter=2)]))
    sc = load_scenario(child)
    assert sc.name == "cut" and sc.budget.total == 8_000 and sc.policy.bench_depth == 2 and sc.horizon_quarters == 8
    assert [c.type for c in sc.changes] == ["vacancy", "employee_leaves"] and [c.type for c in sc.applied] == ["budget"]
    org, sc = planner.load(child)
    assert org.roles.set_index("role_id").at["R-MGR", "vacancy_quarter"] == 6


def test_unknown_key_and_change_type_name_the_file_and_field(base_file, tmp_path):
    bad = write(tmp_path / "bad.yaml", dict(name="bad", extends="base.yaml", budgett=1))
    with pytest.raises(InputError) as exc:
        load_scenario(bad)
    i = issue_of(exc)
    assert i.file == str(bad) and i.column == "budgett" and "unknown" in i.message
    bad2 = write(tmp_path / "bad2.yaml", dict(name="bad2", extends="base.yaml", changes=[dict(type="retire", employee_id="E-ANA")]))
    with pytest.raises(InputError) as exc:
        load_scenario(bad2)
    i = issue_of(exc)
    assert i.file == str(bad2) and i.column.startswith("changes.0") and "retire" in i.message


def test_a_change_naming_an_unknown_id_is_reported_with_file_change_and_field(base_file, tmp_path):
    child = write(tmp_path / "leave.yaml", dict(name="leave", extends="base.yaml",
                                                changes=[dict(type="employee_leaves", employee_id="E-NOBODY", quarter=2)]))
    with pytest.raises(InputError) as exc:
        planner.load(child)
    i = issue_of(exc)
    assert i.file == str(child.resolve()) and i.row_id == "changes[0] (employee_leaves)" and i.column == "employee_id"
    assert "E-NOBODY" in i.message


def test_extends_cycle_is_an_error(tmp_path):
    write(tmp_path / "a.yaml", dict(name="a", extends="b.yaml"))
    write(tmp_path / "b.yaml", dict(name="b", extends="a.yaml"))
    with pytest.raises(InputError, match="extends itself"):
        load_scenario(tmp_path / "a.yaml")


# --- each change type ----------------------------------------------------------------------------


def test_employee_leaves():
    org = apply_changes(make_org(), scenario([dict(type="employee_leaves", employee_id="E-MGR", quarter=2)]))
    assert org.employees.set_index("employee_id").at["E-MGR", "leave_quarter"] == 2
    assert org.roles.set_index("role_id").at["R-MGR", "vacancy_quarter"] == 2  # their role falls vacant then


def test_leaver_is_off_slates_needed_after_they_go_and_takes_no_learning():
    sc = scenario([dict(type="employee_leaves", employee_id="E-ANA", quarter=3)])
    plan = solve_checked(apply_changes(make_org(), sc), sc)
    assert "E-ANA" not in {s.employee_id for s in plan.slates}  # R-MGR is needed in quarter 4
    assert all(a.employee_id != "E-ANA" or a.end_quarter < 3 for a in plan.learning)
    baseline = solve_checked(make_org(), scenario())
    assert plan.slates[0].employee_id != baseline.slates[0].employee_id == "E-ANA"


def test_vacancy_moves_appears_and_disappears():
    org = apply_changes(make_org(), scenario([dict(type="vacancy", role_id="R-MGR", quarter=1)]))
    assert org.roles.set_index("role_id").at["R-MGR", "vacancy_quarter"] == 1
    org = apply_changes(make_org(), scenario([dict(type="vacancy", role_id="R-MGR", quarter=None)]))
    assert org.roles.set_index("role_id")["vacancy_quarter"].isna()["R-MGR"]
    with pytest.raises(InputError):
        apply_changes(make_org(), scenario([dict(type="vacancy", role_id="R-NONE", quarter=1)]))


def test_role_becomes_critical_or_not():
    sc = scenario([dict(type="role_critical", role_id="R-MGR", critical=False),
                   dict(type="role_critical", role_id="R-ANL", critical=True, criticality=2)])
    org = apply_changes(make_org(), sc)
    assert org.roles.set_index("role_id")["critical"].to_dict() == {"R-MGR": False, "R-ANL": True}


def test_new_role_with_requirements():
    role = dict(role_id="R-DATA", title="Head of Data", family="Finance", level=3, critical=True, criticality=4,
                vacancy_quarter=5, external_hire_cost=90_000)
    sc = scenario([dict(type="new_role", role=role, requirements={"FIN": 3, "LEAD": 2})])
    org = apply_changes(make_org(), sc)
    plan = solve_checked(org, sc)
    assert "R-DATA" in {s.role_id for s in plan.slates}
    bad = scenario([dict(type="new_role", role=role, requirements={"NOPE": 3})])
    with pytest.raises(InputError) as exc:
        apply_changes(make_org(), bad)
    assert issue_of(exc).column == "requirements.NOPE"


def test_budget_total_scale_and_per_quarter():
    sc = scenario([dict(type="budget", total=20_000), dict(type="budget", scale=0.5, per_quarter=3_000)], budget=50_000)
    assert sc.budget.total == 10_000 and sc.budget.per_quarter == 3_000 and sc.changes == []
    plan = solve_checked(make_org(), sc)  # I-ADV (5,000) no longer fits a quarter: Ana is not developed
    assert all(a.intervention_id != "I-ADV" for a in plan.learning)


def test_intervention_cost_seats_window_and_withdrawal():
    sc = scenario([dict(type="intervention", intervention_id="I-ADV", cost=9_000, seats_per_quarter=1,
                        earliest_start_quarter=1, latest_start_quarter=2)])
    iv = apply_changes(make_org(), sc).interventions.set_index("intervention_id").loc["I-ADV"]
    assert (iv.cost, iv.seats_per_quarter, iv.earliest_start_quarter, iv.latest_start_quarter) == (9_000, 1, 1, 2)
    plan = solve_checked(apply_changes(make_org(), sc), sc)
    assert all(1 <= a.start_quarter <= 2 for a in plan.learning if a.intervention_id == "I-ADV")
    gone = scenario([dict(type="intervention", intervention_id="I-ADV", withdrawn=True)])
    org = apply_changes(make_org(), gone)
    assert "I-ADV" not in set(org.interventions["intervention_id"]) | set(org.intervention_effects["intervention_id"])
    assert solve_checked(org, gone).kpis.covered_roles == 0  # nothing else brings Financial Reporting to 4


def test_new_intervention():
    sc = scenario([dict(type="new_intervention",
                        intervention=dict(intervention_id="I-FAST", name="Reporting Bootcamp", kind="course", cost=500,
                                          duration_quarters=1, hours_per_quarter=10),
                        effects=[dict(skill_id="FIN", min_level=3, to_level=4)])])
    plan = solve_checked(apply_changes(make_org(), sc), sc)
    assert [a.intervention_id for a in plan.learning] == ["I-FAST"]  # cheaper than I-ADV
    bad = scenario([dict(type="new_intervention", intervention=dict(intervention_id="I-FAST", name="x", kind="webinar",
                                                                    cost=1, duration_quarters=1, hours_per_quarter=1),
                         effects=[dict(skill_id="FIN", min_level=0, to_level=1)])])
    with pytest.raises(InputError) as exc:
        apply_changes(make_org(), bad)
    assert issue_of(exc).column == "intervention.kind"


def test_employee_skills_hours_and_openness():
    sc = scenario([dict(type="employee", employee_id="E-BEN", skills={"FIN": 4}, learning_hours_per_quarter=5),
                   dict(type="employee", employee_id="E-ANA", open_to_move=False)])
    org = apply_changes(make_org(), sc)
    plan = solve_checked(org, sc)
    assert plan.slates[0].employee_id == "E-BEN" and plan.slates[0].readiness == "ready_now"
    assert "E-ANA" not in {s.employee_id for s in plan.slates}
    with pytest.raises(InputError) as exc:
        apply_changes(make_org(), scenario([dict(type="employee", employee_id="E-BEN", skills={"FIN": 9})]))
    assert "between 0 and 5" in issue_of(exc).message


def test_policy_and_weights_changes():
    sc = scenario([dict(type="policy", values=dict(bench_depth=1)), dict(type="weights", values=dict(external_hire=0))])
    assert sc.policy.bench_depth == 1 and sc.weights.external_hire == 0
    plan = solve_checked(make_org(), sc)
    assert len(plan.slates) == 1 and plan.learning == []  # no reason left to pay for development
    with pytest.raises(ValueError):
        scenario([dict(type="policy", values=dict(bench_dept=1))])


# --- pins, vetoes and locks ----------------------------------------------------------------------


def test_pin_puts_a_person_on_the_slate_and_keeps_the_rationale():
    sc = make_scenario(pins=[dict(employee_id="E-BEN", role_id="R-MGR", rank=1, rationale="Board's choice")])
    plan = solve_checked(make_org(), sc)
    assert plan.slates[0].employee_id == "E-BEN"
    assert plan.meta.scenario_settings["pins"][0]["rationale"] == "Board's choice"


def test_pin_of_the_incumbent_is_infeasible_with_the_rule_it_breaks():
    sc = make_scenario(pins=[dict(employee_id="E-MGR", role_id="R-MGR", rank=1, rationale="x")])
    plan = planner.solve(sc, make_org())
    assert plan.kpis.status == "INFEASIBLE" and not plan.slates
    assert "pin: E-MGR #1 R-MGR" in plan.meta.message and "incumbent" in plan.meta.message


def test_pin_of_a_leaver_is_infeasible_naming_both():
    sc = make_scenario(pins=[dict(employee_id="E-ANA", role_id="R-MGR", rank=1, rationale="x")],
                       changes=[dict(type="employee_leaves", employee_id="E-ANA", quarter=2)])
    plan = planner.solve(sc, apply_changes(make_org(), sc))
    assert plan.kpis.status == "INFEASIBLE" and "pin: E-ANA #1 R-MGR" in plan.meta.message and "leaves" in plan.meta.message


def test_veto_keeps_a_person_off():
    sc = make_scenario(vetoes=[dict(employee_id="E-ANA", role_id="R-MGR", rationale="Declined the move")])
    plan = solve_checked(make_org(), sc)
    assert "E-ANA" not in {s.employee_id for s in plan.slates}


def test_lock_keeps_a_booked_intervention():
    sc = make_scenario(locks=[dict(employee_id="E-BEN", intervention_id="I-FOUND", start_quarter=3, rationale="Booked")])
    plan = solve_checked(make_org(), sc)
    assert ("E-BEN", "I-FOUND", 3) in {(a.employee_id, a.intervention_id, a.start_quarter) for a in plan.learning}


def _lock_org(**tables):
    t = base_tables()
    for table, (row, values) in tables.items():
        t[table][row].update(values)
    return make_org(t)


@pytest.mark.parametrize("start, org, text", [
    (7, make_org, "finish after the 8-quarter horizon"),  # lasts 2 quarters
    (0, lambda: _lock_org(interventions=(1, dict(earliest_start_quarter=2))), "may start from quarter 2"),
    (3, lambda: _lock_org(interventions=(1, dict(latest_start_quarter=2))), "from quarter 0 to 2, not in 3"),
    (3, lambda: _lock_org(employees=(2, dict(leave_quarter=4))), "leaves in quarter 4"),
    (0, lambda: _lock_org(employees=(2, dict(learning_hours_per_quarter=5))), "has 5"),
    (0, lambda: _lock_org(interventions=(1, dict(seats_per_quarter=0))), "has no seats"),
])
def test_a_lock_that_can_never_hold_is_an_input_error_naming_the_lock(start, org, text):
    sc = make_scenario(locks=[dict(employee_id="E-BEN", intervention_id="I-ADV", start_quarter=start, rationale="x")])
    with pytest.raises(InputError) as exc:
        planner.solve(sc, org())
    issue = exc.value.issues[0]
    assert issue.row_id == "locks[0]" and issue.column in ("start_quarter", "intervention_id") and text in issue.message, issue


def test_a_lock_that_can_hold_passes_validation():
    sc = make_scenario(locks=[dict(employee_id="E-BEN", intervention_id="I-ADV", start_quarter=6, rationale="x")])
    assert not [i for i in planner.check_scenario(make_org(), sc) if i.severity == "error"]


def test_a_leave_after_the_horizon_is_accepted_and_vacates_nothing_inside_it():
    base = make_org()
    org = planner.scenario_organisation(make_scenario(changes=[dict(type="employee_leaves", employee_id="E-MGR", quarter=30)]),
                                        base)
    assert org.roles["vacancy_quarter"].tolist() == base.roles["vacancy_quarter"].tolist()  # R-MGR's stays at 4
    assert org.employees.set_index("employee_id").loc["E-MGR", "leave_quarter"] == 30


@pytest.mark.parametrize("change", [dict(type="vacancy", role_id="R-MGR", quarter=8),
                                    dict(type="vacancy", role_id="R-MGR", quarter=40)])
def test_a_change_beyond_the_horizon_is_blamed_on_the_change(change):
    with pytest.raises(InputError) as exc:
        planner.scenario_organisation(make_scenario(changes=[change]), make_org())
    issue = exc.value.issues[0]
    assert issue.table == "scenario" and issue.row_id.startswith("changes[0]") and issue.column == "quarter", issue
    assert "beyond the scenario's 8-quarter horizon" in issue.message


def test_conflicting_pins_are_reported_as_a_minimal_set_with_the_rule():
    sc = make_scenario(pins=[dict(employee_id="E-ANA", role_id="R-MGR", rank=1, rationale="x"),
                             dict(employee_id="E-BEN", role_id="R-CTRL", rank=2, rationale="unrelated: E-MGR can lead R-CTRL"),
                             dict(employee_id="E-ANA", role_id="R-CTRL", rank=1, rationale="y")])
    plan = planner.solve(sc, with_controller())
    assert plan.kpis.status == "INFEASIBLE"
    assert "pin: E-ANA #1 R-MGR + pin: E-ANA #1 R-CTRL" in plan.meta.message
    assert "E-BEN" not in plan.meta.message and "first_rank_once" in plan.meta.message


def test_locks_over_budget_name_the_budget():
    sc = make_scenario(budget=6_000, locks=[dict(employee_id="E-BEN", intervention_id="I-FOUND", start_quarter=0, rationale="x"),
                                            dict(employee_id="E-BEN", intervention_id="I-ADV", start_quarter=1, rationale="y")])
    plan = planner.solve(sc, make_org())
    assert plan.kpis.status == "INFEASIBLE" and "budget" in plan.meta.message and "lock: E-BEN I-ADV" in plan.meta.message


def test_overrides_naming_unknown_people_are_input_errors():
    sc = make_scenario(vetoes=[dict(employee_id="E-ZED", role_id="R-MGR", rationale="x")])
    with pytest.raises(InputError) as exc:
        planner.solve(sc, make_org())
    assert issue_of(exc).row_id == "vetoes[0]"


# --- re-planning -----------------------------------------------------------------------------------


def test_replanning_after_a_leaver_changes_only_what_it_must():
    org = with_controller()
    lexicographic = dict(change_slate=1_000_000, change_learning=1_000_000)
    base = solve_checked(org, make_scenario(weights=lexicographic))
    leaver = base.slates[0].employee_id
    sc = make_scenario(weights=lexicographic, changes=[dict(type="employee_leaves", employee_id=leaver, quarter=1)])
    new_org = apply_changes(org, sc)
    plan = planner.solve(sc, new_org, baseline=base)
    report = planner.check(new_org, sc, plan)
    assert report.ok, (report.violations, report.mismatches)
    diff = compare([base, plan])
    assert plan.kpis.decisions_changed == diff.decisions_changed(diff.plans[1]) > 0
    touched_roles = {s.role_id for s in base.slates if s.employee_id == leaver}
    changes = diff.slate_changes[diff.slate_changes["change"] != "readiness"]
    assert set(changes["role_id"]) <= touched_roles  # no slate changes elsewhere
    assert set(diff.learning_changes["employee_id"]) <= {leaver} | set(changes["employee_id"])
