"""Apply a scenario's data changes (leavers, vacancies, new roles, catalogue edits, ...) to an organisation.

Changes apply in order, each to the result of the ones before (a ``new_role`` can then get a
``vacancy``). Every ID a change names must exist at that point; each problem is reported with the
scenario file, the change (``changes[2] (vacancy)``) and the field. The result is re-validated as a
whole, so a change cannot produce a dataset that a file could not.
"""

from __future__ import annotations

import pandas as pd
from pydantic import ValidationError

from planner.contract.domain import InterventionEffect, Intervention, Organisation, Role, RoleRequirement
from planner.contract.errors import InputError, Issue
from planner.inputs.checks import replace_tables
from planner.contract.scenario import (
    CriticalChange,
    EmployeeChange,
    EmployeeLeaves,
    InterventionChange,
    NewIntervention,
    NewRole,
    Scenario,
    VacancyChange,
    origin_of,
)


class _Tables:
    """Mutable copies of the tables a change may touch, and the issues found."""

    def __init__(self, org: Organisation, scenario: Scenario):
        self.t = {name: org.table(name).copy() for name in ("employees", "employee_skills", "roles", "role_requirements",
                                                            "interventions", "intervention_effects", "skills")}
        self.scenario = scenario
        self.issues: list[Issue] = []
        self.index = 0
        self.kind = ""

    def problem(self, field: str, message: str) -> None:
        file, local = origin_of(self.scenario, "changes", self.index)
        self.issues.append(Issue(table="scenario", file=file, row_id=f"changes[{local}] ({self.kind})", column=field,
                                 message=message))

    def exists(self, table: str, column: str, value: str, field: str) -> bool:
        if value in set(self.t[table][column]):
            return True
        self.problem(field, f"{value!r} is not a {table}.{column}")
        return False

    def in_horizon(self, quarter: int | None, field: str) -> bool:
        """A quarter the change names is inside the scenario's horizon (or None: no quarter); else the
        problem is the change's, not the table row it would have edited."""
        horizon = self.scenario.horizon_quarters
        if quarter is None or quarter < horizon:
            return True
        self.problem(field, f"quarter {quarter} is beyond the scenario's {horizon}-quarter horizon (0..{horizon - 1})")
        return False

    def row_model(self, model, data: dict, field: str) -> dict | None:
        """``data`` as a row of ``model`` (a table's row model), every problem reported on the change; a
        key that is not one of the table's columns is one (it would otherwise be dropped unseen)."""
        unknown = [k for k in data if k not in model.model_fields]
        for key in unknown:
            self.problem(f"{field}.{key}", f"unknown column: {model.__name__.lower()} rows have "
                                           f"{', '.join(model.model_fields)}")
        if unknown:
            return None
        try:
            return model.model_validate(data).model_dump()
        except ValidationError as exc:
            for err in exc.errors():
                self.problem(f"{field}.{'.'.join(str(p) for p in err['loc'])}", err["msg"])
            return None


def _leaves(tb: _Tables, c: EmployeeLeaves) -> None:
    if not tb.exists("employees", "employee_id", c.employee_id, "employee_id"):
        return
    emp = tb.t["employees"]
    at = emp["employee_id"] == c.employee_id
    current = emp.loc[at, "leave_quarter"].iloc[0]
    emp["leave_quarter"] = emp["leave_quarter"].astype("Int64")
    emp.loc[at, "leave_quarter"] = c.quarter if pd.isna(current) else min(int(current), c.quarter)
    roles = tb.t["roles"]
    held = roles["incumbent_id"] == c.employee_id
    if held.any() and c.quarter < tb.scenario.horizon_quarters:  # later: no vacancy inside the horizon
        vac = roles.loc[held, "vacancy_quarter"].iloc[0]
        roles["vacancy_quarter"] = roles["vacancy_quarter"].astype("Int64")
        roles.loc[held, "vacancy_quarter"] = c.quarter if pd.isna(vac) else min(int(vac), c.quarter)


def _vacancy(tb: _Tables, c: VacancyChange) -> None:
    if tb.exists("roles", "role_id", c.role_id, "role_id") and tb.in_horizon(c.quarter, "quarter"):
        roles = tb.t["roles"]
        roles["vacancy_quarter"] = roles["vacancy_quarter"].astype("Int64")
        roles.loc[roles["role_id"] == c.role_id, "vacancy_quarter"] = pd.NA if c.quarter is None else c.quarter


def _critical(tb: _Tables, c: CriticalChange) -> None:
    if tb.exists("roles", "role_id", c.role_id, "role_id"):
        roles = tb.t["roles"]
        at = roles["role_id"] == c.role_id
        roles.loc[at, "critical"] = c.critical
        if c.criticality is not None:
            roles.loc[at, "criticality"] = c.criticality


def _new_role(tb: _Tables, c: NewRole) -> None:
    row = tb.row_model(Role, c.role, "role")
    if row is None:
        return
    if row["role_id"] in set(tb.t["roles"]["role_id"]):
        tb.problem("role.role_id", f"role {row['role_id']!r} already exists")
        return
    reqs = []
    for skill, level in c.requirements.items():
        if tb.exists("skills", "skill_id", skill, f"requirements.{skill}"):
            req = tb.row_model(RoleRequirement, dict(role_id=row["role_id"], skill_id=skill, level=level), f"requirements.{skill}")
            if req:
                reqs.append(req)
    tb.t["roles"] = pd.concat([tb.t["roles"], pd.DataFrame([row])], ignore_index=True)
    tb.t["role_requirements"] = pd.concat([tb.t["role_requirements"], pd.DataFrame(reqs, columns=tb.t["role_requirements"].columns)],
                                          ignore_index=True)


def _intervention(tb: _Tables, c: InterventionChange) -> None:
    if not tb.exists("interventions", "intervention_id", c.intervention_id, "intervention_id"):
        return
    if c.withdrawn:
        for name in ("interventions", "intervention_effects"):
            tb.t[name] = tb.t[name][tb.t[name]["intervention_id"] != c.intervention_id].reset_index(drop=True)
        return
    table = tb.t["interventions"]
    at = table["intervention_id"] == c.intervention_id
    for field in ("cost", "seats_per_quarter", "earliest_start_quarter", "latest_start_quarter"):
        if field in c.model_fields_set:
            value = getattr(c, field)
            if table[field].dtype != object and value is None:
                table[field] = table[field].astype("Float64" if field == "cost" else "Int64")
            table.loc[at, field] = pd.NA if value is None else value


def _new_intervention(tb: _Tables, c: NewIntervention) -> None:
    row = tb.row_model(Intervention, c.intervention, "intervention")
    if row is None:
        return
    if row["intervention_id"] in set(tb.t["interventions"]["intervention_id"]):
        tb.problem("intervention.intervention_id", f"intervention {row['intervention_id']!r} already exists")
        return
    effects = []
    for k, effect in enumerate(c.effects):
        eff = tb.row_model(InterventionEffect, {**effect, "intervention_id": row["intervention_id"]}, f"effects.{k}")
        if eff and tb.exists("skills", "skill_id", eff["skill_id"], f"effects.{k}.skill_id"):
            effects.append(eff)
    tb.t["interventions"] = pd.concat([tb.t["interventions"], pd.DataFrame([row])], ignore_index=True)
    tb.t["intervention_effects"] = pd.concat([tb.t["intervention_effects"], pd.DataFrame(effects)], ignore_index=True)


def _employee(tb: _Tables, c: EmployeeChange) -> None:
    if not tb.exists("employees", "employee_id", c.employee_id, "employee_id"):
        return
    emp = tb.t["employees"]
    at = emp["employee_id"] == c.employee_id
    if c.learning_hours_per_quarter is not None:
        emp.loc[at, "learning_hours_per_quarter"] = c.learning_hours_per_quarter
    if c.open_to_move is not None:
        emp.loc[at, "open_to_move"] = c.open_to_move
    for rating in ("performance", "potential"):
        if getattr(c, rating) is not None:
            emp.loc[at, rating] = getattr(c, rating)
    skills = tb.t["employee_skills"]
    for skill, level in c.skills.items():
        if not tb.exists("skills", "skill_id", skill, f"skills.{skill}"):
            continue
        if not 0 <= level <= 5:
            tb.problem(f"skills.{skill}", f"level must be between 0 and 5, got {level}")
            continue
        mine = (skills["employee_id"] == c.employee_id) & (skills["skill_id"] == skill)
        if mine.any():
            skills.loc[mine, "level"] = level
        else:
            skills = pd.concat([skills, pd.DataFrame([dict(employee_id=c.employee_id, skill_id=skill, level=level)])],
                               ignore_index=True)
    tb.t["employee_skills"] = skills


_APPLY = {
    "employee_leaves": _leaves,
    "vacancy": _vacancy,
    "role_critical": _critical,
    "new_role": _new_role,
    "intervention": _intervention,
    "new_intervention": _new_intervention,
    "employee": _employee,
}


def apply_changes(org: Organisation, scenario: Scenario) -> Organisation:
    """The organisation after the scenario's data changes; the budget, policy and weights changes were
    already folded into the scenario's settings when it was loaded."""
    data_changes = [(i, c) for i, c in enumerate(scenario.changes) if c.type in _APPLY]
    if not data_changes:
        return org
    tb = _Tables(org, scenario)
    for i, change in data_changes:
        tb.index, tb.kind = i, change.type
        _APPLY[change.type](tb, change)
    if tb.issues:
        raise InputError(tb.issues)
    return replace_tables(org, **tb.t)


def check_overrides(org: Organisation, scenario: Scenario) -> list[Issue]:
    """Pins, vetoes and locks name existing people, critical roles and interventions."""
    employees = set(org.employees["employee_id"])
    critical = set(org.roles.loc[org.roles["critical"], "role_id"])
    interventions = set(org.interventions["intervention_id"])
    issues = []
    for key in ("pins", "vetoes", "locks"):
        for i, item in enumerate(getattr(scenario, key)):
            file, local = origin_of(scenario, key, i)

            def bad(field: str, message: str) -> None:
                issues.append(Issue(table="scenario", file=file, row_id=f"{key}[{local}]", column=field, message=message))

            if item.employee_id not in employees:
                bad("employee_id", f"{item.employee_id!r} is not an employees.employee_id")
            if hasattr(item, "role_id") and item.role_id not in critical:
                bad("role_id", f"{item.role_id!r} is not a critical role")
            if hasattr(item, "intervention_id") and item.intervention_id not in interventions:
                bad("intervention_id", f"{item.intervention_id!r} is not an interventions.intervention_id")
            elif key == "locks" and item.employee_id in employees:
                for field, message in _lock_cannot_hold(org, scenario, item):
                    bad(field, message)
    return issues


def _lock_cannot_hold(org: Organisation, scenario: Scenario, lock) -> list[tuple[str, str]]:
    """Why a lock's booking can never be honoured, whatever else the plan does (the start-window and
    learning-hours rules of the README's hard rules): (field, message) pairs, none when it can."""
    info = org.interventions.set_index("intervention_id").loc[lock.intervention_id]
    person = org.employees.set_index("employee_id").loc[lock.employee_id]
    q, duration, horizon = lock.start_quarter, int(info["duration_quarters"]), scenario.horizon_quarters
    out = []
    if q < int(info["earliest_start_quarter"]) or (pd.notna(info["latest_start_quarter"]) and q > int(info["latest_start_quarter"])):
        latest = "" if pd.isna(info["latest_start_quarter"]) else f" to {int(info['latest_start_quarter'])}"
        out.append(("start_quarter", f"{lock.intervention_id} may start from quarter {int(info['earliest_start_quarter'])}{latest}, "
                                     f"not in {q}"))
    if q + duration > horizon:
        out.append(("start_quarter", f"{lock.intervention_id} started in quarter {q} lasts {duration} quarter(s) and would "
                                     f"finish after the {horizon}-quarter horizon"))
    if pd.notna(person["leave_quarter"]) and q + duration > int(person["leave_quarter"]):
        out.append(("start_quarter", f"{lock.employee_id} leaves in quarter {int(person['leave_quarter'])}, before "
                                     f"{lock.intervention_id} would finish"))
    if pd.notna(info["seats_per_quarter"]) and int(info["seats_per_quarter"]) == 0:
        out.append(("intervention_id", f"{lock.intervention_id} has no seats (seats_per_quarter 0)"))
    if float(info["hours_per_quarter"]) > float(person["learning_hours_per_quarter"]):
        out.append(("intervention_id", f"{lock.intervention_id} takes {float(info['hours_per_quarter']):g} hours a quarter and "
                                       f"{lock.employee_id} has {float(person['learning_hours_per_quarter']):g}"))
    return out
