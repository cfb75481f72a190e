"""Validation of the input tables: every problem is reported with its file, row, ID and column.

``valid_tables`` (a small, valid dataset) is shared with ``test_io.py``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from planner.contract.errors import InputError, Issue
from planner.inputs.files import load_dataset, write_dataset
from planner.inputs.checks import build_organisation, validate_frames


def valid_tables() -> dict[str, pd.DataFrame]:
    """3 skills, 4 employees, 3 roles (2 critical), requirements, 2 interventions with effects."""
    return {
        "skills": pd.DataFrame(
            {
                "skill_id": ["S01", "S02", "S03"],
                "name": ["Accounting", "Leadership", "Python"],
                "category": ["Finance", "Leadership", "Technology"],
            }
        ),
        "employees": pd.DataFrame(
            {
                "employee_id": ["0042", "0043", "0100", "0007"],
                "name": ["Ada Park", "Ben Ortiz", "Chloé Haddad", "Dev Rao"],
                "role_id": ["R01", "R02", "R03", "R03"],
                "department": ["Finance", "Finance", "Finance", "Finance"],
                "location": ["Leeds", "Leeds", "York", ""],
                "performance": [5, 4, 3, 4],
                "potential": [2, 3, 3, 2],
                "flight_risk": [0.1, 0.25, 0.05, 0.3],
                "learning_hours_per_quarter": [20.0, 40.0, 60.0, 30.5],
                "open_to_move": [False, True, True, True],
                "aspirations": ["", "R01", "Finance;R02", ""],
            }
        ),
        "employee_skills": pd.DataFrame(
            {
                "employee_id": ["0042", "0042", "0043", "0043", "0100", "0007"],
                "skill_id": ["S01", "S02", "S01", "S02", "S01", "S03"],
                "level": [5, 4, 4, 2, 3, 4],
            }
        ),
        "roles": pd.DataFrame(
            {
                "role_id": ["R01", "R02", "R03"],
                "title": ["CFO", "Financial Controller", "Analyst"],
                "family": ["Finance", "Finance", "Finance"],
                "level": [6, 5, 2],
                "department": ["Finance", "Finance", "Finance"],
                "location": ["Leeds", "Leeds", "York"],
                "critical": [True, True, False],
                "criticality": [5, 4, 2],
                "incumbent_id": ["0042", "0043", None],
                "vacancy_quarter": [4, None, None],
                "external_hire_cost": [150000.0, 90000.0, 30000.0],
            }
        ),
        "role_requirements": pd.DataFrame(
            {
                "role_id": ["R01", "R01", "R02", "R02"],
                "skill_id": ["S01", "S02", "S01", "S02"],
                "level": [4, 5, 4, 3],
            }
        ),
        "interventions": pd.DataFrame(
            {
                "intervention_id": ["I01", "I02"],
                "name": ["Leadership mentoring", "Chartered accountancy"],
                "kind": ["mentoring", "certification"],
                "cost": [2500.0, 6000.0],
                "duration_quarters": [2, 4],
                "hours_per_quarter": [10.0, 35.0],
                "seats_per_quarter": [2, None],
                "earliest_start_quarter": [0, 1],
                "latest_start_quarter": [6, None],
            }
        ),
        "intervention_effects": pd.DataFrame(
            {
                "intervention_id": ["I01", "I02"],
                "skill_id": ["S02", "S01"],
                "min_level": [2, 3],
                "to_level": [4, 5],
            }
        ),
    }


def problems(tmp_path, change) -> list[Issue]:
    """Write the valid tables as CSV after ``change(tables)``; return the issues loading reports."""
    tables = valid_tables()
    change(tables)
    folder = write_dataset(tables, tmp_path / "data")
    with pytest.raises(InputError) as info:
        load_dataset(folder)
    return info.value.issues


def only(issues: list[Issue]) -> Issue:
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def set_cell(table: str, row: int, column: str, value):
    def change(tables):
        df = tables[table]
        df[column] = df[column].astype(object)
        df.at[row, column] = value

    return change


def test_valid_tables_build_an_organisation():
    org = build_organisation(valid_tables())
    assert list(org.critical_roles["role_id"]) == ["R01", "R02"]
    assert org.employees["employee_id"].tolist() == ["0042", "0043", "0100", "0007"]
    assert org.roles["vacancy_quarter"].dtype == "Int64"
    assert org.warnings == []


def test_wrong_type(tmp_path):
    issue = only(problems(tmp_path, set_cell("employees", 1, "performance", "high")))
    assert (issue.table, issue.row, issue.row_id, issue.column) == ("employees", 3, "employee_id=0043", "performance")
    assert issue.file.endswith("employees.csv")
    assert "whole number" in issue.message and "'high'" in issue.message


def test_missing_required_column(tmp_path):
    issue = only(problems(tmp_path, lambda t: t.__setitem__("roles", t["roles"].drop(columns="criticality"))))
    assert (issue.table, issue.row, issue.column) == ("roles", None, "criticality")
    assert issue.file.endswith("roles.csv")
    assert "required column 'criticality' is missing" in issue.message


def test_duplicate_ids(tmp_path):
    def change(t):
        t["skills"] = pd.concat([t["skills"], t["skills"].iloc[[1]]], ignore_index=True)

    issue = only(problems(tmp_path, change))
    assert (issue.table, issue.row, issue.row_id, issue.column) == ("skills", 5, "skill_id=S02", "skill_id")
    assert "duplicate skill_id" in issue.message


def test_duplicate_pair_key(tmp_path):
    def change(t):
        t["employee_skills"] = pd.concat([t["employee_skills"], t["employee_skills"].iloc[[0]]], ignore_index=True)

    issue = only(problems(tmp_path, change))
    assert (issue.table, issue.row, issue.row_id) == ("employee_skills", 8, "employee_id=0042, skill_id=S01")
    assert "duplicate employee_id + skill_id" in issue.message


def test_dangling_reference(tmp_path):
    issue = only(problems(tmp_path, set_cell("employee_skills", 4, "skill_id", "S99")))
    assert (issue.table, issue.row, issue.column) == ("employee_skills", 6, "skill_id")
    assert issue.row_id == "employee_id=0100, skill_id=S99"
    assert "'S99' is not a skills.skill_id" in issue.message


def test_level_out_of_range(tmp_path):
    issue = only(problems(tmp_path, set_cell("employee_skills", 0, "level", 6)))
    assert (issue.table, issue.row, issue.column) == ("employee_skills", 2, "level")
    assert "between 0 and 5" in issue.message and "6" in issue.message


def test_negative_cost(tmp_path):
    issue = only(problems(tmp_path, set_cell("interventions", 1, "cost", -10)))
    assert (issue.table, issue.row, issue.row_id, issue.column) == ("interventions", 3, "intervention_id=I02", "cost")
    assert "at least 0" in issue.message and "-10" in issue.message


def test_empty_required_cell(tmp_path):
    issue = only(problems(tmp_path, set_cell("roles", 2, "title", "")))
    assert (issue.table, issue.row, issue.row_id, issue.column) == ("roles", 4, "role_id=R03", "title")
    assert "empty but required" in issue.message


def test_bad_bool(tmp_path):
    issue = only(problems(tmp_path, set_cell("employees", 2, "open_to_move", "maybe")))
    assert (issue.table, issue.row, issue.row_id, issue.column) == ("employees", 4, "employee_id=0100", "open_to_move")
    assert "true or false" in issue.message and "'maybe'" in issue.message


def test_bool_spellings_are_accepted():
    tables = valid_tables()
    tables["employees"]["open_to_move"] = ["no", "Yes", "1", "TRUE"]
    org = build_organisation(tables)
    assert org.employees["open_to_move"].tolist() == [False, True, True, True]


def test_unknown_kind(tmp_path):
    issue = only(problems(tmp_path, set_cell("interventions", 0, "kind", "webinar")))
    assert (issue.table, issue.row, issue.row_id, issue.column) == ("interventions", 2, "intervention_id=I01", "kind")
    assert "must be one of" in issue.message and "'webinar'" in issue.message


def test_latest_start_before_earliest(tmp_path):
    issue = only(problems(tmp_path, set_cell("interventions", 0, "earliest_start_quarter", 8)))
    assert (issue.table, issue.row, issue.column) == ("interventions", 2, "latest_start_quarter")
    assert "before the earliest start" in issue.message


def test_to_level_not_above_min_level(tmp_path):
    issue = only(problems(tmp_path, set_cell("intervention_effects", 1, "to_level", 3)))
    assert (issue.table, issue.row, issue.column) == ("intervention_effects", 3, "to_level")
    assert issue.row_id == "intervention_id=I02, skill_id=S01"
    assert "above min_level" in issue.message


def test_incumbent_in_another_role(tmp_path):
    issue = only(problems(tmp_path, set_cell("roles", 1, "incumbent_id", "0100")))
    assert (issue.table, issue.row, issue.row_id, issue.column) == ("roles", 3, "role_id=R02", "incumbent_id")
    assert "0100" in issue.message and "'R03'" in issue.message


def test_no_critical_role(tmp_path):
    issue = only(problems(tmp_path, lambda t: t["roles"].__setitem__("critical", False)))
    assert (issue.table, issue.column) == ("roles", "critical")
    assert issue.file.endswith("roles.csv")
    assert "no role is marked critical" in issue.message


def test_unknown_aspiration(tmp_path):
    issue = only(problems(tmp_path, set_cell("employees", 3, "aspirations", "Finance; Marketing")))
    assert (issue.table, issue.row, issue.row_id, issue.column) == ("employees", 5, "employee_id=0007", "aspirations")
    assert "Marketing" in issue.message


def test_missing_table_names_table_and_folder(tmp_path):
    issue = only(problems(tmp_path, lambda t: t.pop("role_requirements")))
    assert issue.table == "role_requirements"
    assert issue.file == str(tmp_path / "data")
    assert "required table 'role_requirements' is missing" in issue.message


def test_every_problem_in_a_file_is_reported(tmp_path):
    def change(t):
        set_cell("employees", 0, "performance", "high")(t)
        set_cell("employees", 2, "flight_risk", 1.5)(t)
        set_cell("employees", 3, "name", "  ")(t)
        set_cell("roles", 0, "criticality", 9)(t)

    issues = problems(tmp_path, change)
    found = {(i.table, i.row, i.column) for i in issues}
    assert found == {
        ("employees", 2, "performance"),
        ("employees", 4, "flight_risk"),
        ("employees", 5, "name"),
        ("roles", 2, "criticality"),
    }


def test_input_error_text_names_file_and_row(tmp_path):
    tables = valid_tables()
    set_cell("employees", 1, "performance", 7)(tables)
    folder = write_dataset(tables, tmp_path / "data")
    with pytest.raises(InputError) as info:
        load_dataset(folder)
    text = str(info.value)
    assert "employees.csv row 3 (employee_id=0043), column 'performance'" in text
    assert "between 1 and 5" in text


def test_intervention_without_effect_is_a_warning():
    tables = valid_tables()
    tables["intervention_effects"] = tables["intervention_effects"].iloc[:1]
    org = build_organisation(tables)
    assert [(w.severity, w.row_id) for w in org.warnings] == [("warning", "intervention_id=I02")]


def test_validate_frames_without_files_counts_rows_from_one():
    tables = valid_tables()
    set_cell("skills", 0, "name", None)(tables)
    _, issues = validate_frames(tables)
    issue = only(issues)
    assert (issue.file, issue.row, issue.column) == (None, 1, "name")
