"""Hand-built organisations for rule tests: a small baseline that each test bends one way.

The baseline: a Finance Manager role (critical, grade 3, falls vacant in quarter 4) with two
analysts (grade 2) who could succeed; Ana lacks one level of Financial Reporting, Ben lacks two.
A foundation course (0->3) and an advanced course (3->4, needs 3) form a pathway; mentoring raises
People Leadership.
"""

from __future__ import annotations

import copy

from planner import Organisation, Scenario, organisation_from_records
from planner.evaluation.report import check_plan
from planner.solver.solve import solve as solve_model


def base_tables() -> dict[str, list[dict]]:
    return copy.deepcopy(
        dict(
            skills=[
                dict(skill_id="FIN", name="Financial Reporting", category="Finance"),
                dict(skill_id="LEAD", name="People Leadership", category="Leadership"),
            ],
            roles=[
                dict(role_id="R-MGR", title="Finance Manager", family="Finance", level=3, department="Finance",
                     location="Leeds", critical=True, criticality=4, incumbent_id="E-MGR", vacancy_quarter=4,
                     external_hire_cost=100_000),
                dict(role_id="R-ANL", title="Financial Analyst", family="Finance", level=2, department="Finance",
                     location="Leeds", critical=False, criticality=1, incumbent_id=None, vacancy_quarter=None,
                     external_hire_cost=40_000),
            ],
            employees=[
                _employee("E-MGR", "Mia Manager", "R-MGR"),
                _employee("E-ANA", "Ana Analyst", "R-ANL", performance=4, potential=3),
                _employee("E-BEN", "Ben Analyst", "R-ANL", performance=3, potential=2),
            ],
            employee_skills=[
                dict(employee_id="E-MGR", skill_id="FIN", level=4),
                dict(employee_id="E-MGR", skill_id="LEAD", level=3),
                dict(employee_id="E-ANA", skill_id="FIN", level=3),
                dict(employee_id="E-ANA", skill_id="LEAD", level=2),
                dict(employee_id="E-BEN", skill_id="FIN", level=1),
                dict(employee_id="E-BEN", skill_id="LEAD", level=2),
            ],
            role_requirements=[
                dict(role_id="R-MGR", skill_id="FIN", level=4),
                dict(role_id="R-MGR", skill_id="LEAD", level=2),
            ],
            interventions=[
                _intervention("I-FOUND", "Reporting Foundations", cost=2_000),
                _intervention("I-ADV", "Advanced Reporting", cost=5_000, duration_quarters=2),
                _intervention("I-MENT", "Leadership Mentoring", kind="mentoring", cost=1_000, duration_quarters=2),
            ],
            intervention_effects=[
                dict(intervention_id="I-FOUND", skill_id="FIN", min_level=0, to_level=3),
                dict(intervention_id="I-ADV", skill_id="FIN", min_level=3, to_level=4),
                dict(intervention_id="I-MENT", skill_id="LEAD", min_level=1, to_level=3),
            ],
        )
    )


def with_controller_tables() -> dict[str, list[dict]]:
    """The baseline plus a second critical role, Financial Controller (grade 3, vacant in quarter 6,
    needs Financial Reporting 3), for which Ana is ready today."""
    t = base_tables()
    t["roles"].append(dict(role_id="R-CTRL", title="Financial Controller", family="Finance", level=3, department="Finance",
                           location="Leeds", critical=True, criticality=3, incumbent_id=None, vacancy_quarter=6,
                           external_hire_cost=80_000))
    t["role_requirements"].append(dict(role_id="R-CTRL", skill_id="FIN", level=3))
    return t


def _employee(eid: str, name: str, role: str, **kw) -> dict:
    row = dict(employee_id=eid, name=name, role_id=role, department="Finance", location="Leeds", performance=3,
               potential=2, flight_risk=0.1, learning_hours_per_quarter=40, open_to_move=True, aspirations="")
    row.update(kw)
    return row


def _intervention(iid: str, name: str, kind: str = "course", **kw) -> dict:
    row = dict(intervention_id=iid, name=name, kind=kind, cost=1_000, duration_quarters=1, hours_per_quarter=20,
               seats_per_quarter=None, earliest_start_quarter=0, latest_start_quarter=None)
    row.update(kw)
    return row


def make_org(tables: dict[str, list[dict]] | None = None) -> Organisation:
    return organisation_from_records(**(tables or base_tables()))


def make_scenario(budget: float = 50_000, **kw) -> Scenario:
    data = dict(name="test", dataset="<memory>", horizon_quarters=8, budget=dict(total=budget),
                solver=dict(time_limit_seconds=20, num_workers=8))
    for key, value in kw.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return Scenario.model_validate(data)


def solve_checked(org: Organisation, scenario: Scenario):
    """Solve and pass the plan through the solver-free checker; fail the test if it finds anything."""
    plan = solve_model(org, scenario)
    report = check_plan(org, scenario, plan)
    assert report.ok, (report.violations, report.mismatches)
    return plan
