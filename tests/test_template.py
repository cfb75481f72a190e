"""The Excel template: its sheets, headers, comments, validations and formats, and that a filled-in
copy loads back through planner.inputs.files.load_dataset with text IDs intact."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from planner.contract.domain import INTERVENTION_KINDS, TABLES
from planner.inputs.files import load_dataset
from planner.inputs.template import README, write_template


def contract(name: str) -> list[str]:
    return list(TABLES[name].row_model.model_fields)


@pytest.fixture
def template(tmp_path):
    return write_template(tmp_path / "organisation.xlsx")


def validations(ws) -> dict[str, list]:
    """Header name -> the data validations covering that column's first data row."""
    out: dict[str, list] = {}
    for j, cell in enumerate(ws[1], start=1):
        target = f"{cell.column_letter}2"
        out[cell.value] = [dv for dv in ws.data_validations.dataValidation if target in dv.sqref]
    return out


def test_sheets_and_headers(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [README, *TABLES]
    for name in TABLES:
        ws = wb[name]
        assert [c.value for c in ws[1]] == contract(name)
        assert ws.max_row == 1 or all(c.value is None for row in ws.iter_rows(min_row=2) for c in row)
        for cell in ws[1]:
            field = TABLES[name].row_model.model_fields[cell.value]
            assert cell.comment is not None and field.description in cell.comment.text


def test_readme_lists_every_column(template):
    ws = openpyxl.load_workbook(template)[README]
    rows = {(r[0], r[1]): r for r in ws.iter_rows(values_only=True) if r[1]}
    for name, spec in TABLES.items():
        for column, field in spec.row_model.model_fields.items():
            row = rows[(name, column)]
            assert row[3] == field.description
    assert rows[("employees", "performance")][4] == "whole number from 1 to 5"
    assert rows[("employees", "flight_risk")][4] == "number from 0 to 1"
    assert rows[("interventions", "cost")][4] == "number >= 0; money units"
    assert rows[("employees", "employee_id")][2] == "yes" and rows[("employees", "aspirations")][2] == "optional"


def test_data_validations(template):
    wb = openpyxl.load_workbook(template)
    kind = validations(wb["interventions"])["kind"]
    assert len(kind) == 1 and kind[0].type == "list"
    assert kind[0].formula1.strip('"').split(",") == list(INTERVENTION_KINDS)
    for table in ("employee_skills", "role_requirements"):
        (level,) = validations(wb[table])["level"]
        assert (level.type, level.operator, level.formula1, level.formula2) == ("whole", "between", "0", "5")
    emp = validations(wb["employees"])
    assert [(v.type, v.formula1, v.formula2) for v in emp["performance"]] == [("whole", "1", "5")]
    assert [(v.type, v.formula1, v.formula2) for v in emp["potential"]] == [("whole", "1", "3")]
    assert [(v.type, v.formula1, v.formula2) for v in emp["flight_risk"]] == [("decimal", "0", "1")]
    assert [(v.type, v.formula1) for v in emp["open_to_move"]] == [("list", '"TRUE,FALSE"')]
    assert emp["employee_id"] == [] and emp["name"] == []  # free text
    (cost,) = validations(wb["interventions"])["cost"]
    assert (cost.type, cost.operator, cost.formula1) == ("decimal", "greaterThanOrEqual", "0")
    (critical,) = validations(wb["roles"])["critical"]
    assert critical.formula1 == '"TRUE,FALSE"'
    assert all(dv.showErrorMessage for ws in wb for dv in ws.data_validations.dataValidation)


def test_id_columns_are_text(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["employees"]
    assert ws["A2"].number_format == "@" and ws.column_dimensions["A"].number_format == "@"
    roles = wb["roles"]
    incumbent = contract("roles").index("incumbent_id") + 1
    assert roles.cell(2, incumbent).number_format == "@"
    assert ws.cell(2, contract("employees").index("performance") + 1).number_format != "@"


def test_empty_template_reads_as_empty_tables(template):
    from planner.inputs.files import read_tables

    raw, _, issues = read_tables(template)
    assert issues == []
    assert set(raw) == set(TABLES)  # README ignored
    assert all(raw[name].empty and list(raw[name].columns) == contract(name) for name in TABLES)


SAMPLE = {
    "skills": [dict(skill_id="0007", name="Financial Reporting", category="Finance"),
               dict(skill_id="LEAD", name="People Leadership", category="Leadership")],
    "roles": [
        dict(role_id="0100", title="Finance Manager", family="Finance", level=3, department="Finance", location="Leeds",
             critical=True, criticality=4, incumbent_id="0042", vacancy_quarter=4, external_hire_cost=100_000),
        dict(role_id="0200", title="Financial Analyst", family="Finance", level=2, department="Finance",
             location="Leeds", critical=False, criticality=1, external_hire_cost=40_000),
    ],
    "employees": [
        dict(employee_id="0042", name="Mia Manager", role_id="0100", department="Finance", location="Leeds",
             performance=4, potential=2, flight_risk=0.1, learning_hours_per_quarter=40, open_to_move=True),
        dict(employee_id="0043", name="Ana Analyst", role_id="0200", department="Finance", location="Leeds",
             performance=5, potential=3, flight_risk=0.25, learning_hours_per_quarter=32, open_to_move=False,
             aspirations="Finance"),
    ],
    "employee_skills": [dict(employee_id="0042", skill_id="0007", level=4),
                        dict(employee_id="0043", skill_id="0007", level=2)],
    "role_requirements": [dict(role_id="0100", skill_id="0007", level=4),
                          dict(role_id="0100", skill_id="LEAD", level=2)],
    "interventions": [dict(intervention_id="0001", name="=Advanced Reporting", kind="course", cost=2_000,
                           duration_quarters=1, hours_per_quarter=20, seats_per_quarter=5)],
    "intervention_effects": [dict(intervention_id="0001", skill_id="0007", min_level=0, to_level=4)],
}


def test_filled_template_loads(template):
    wb = openpyxl.load_workbook(template)
    for name, rows in SAMPLE.items():
        ws = wb[name]
        columns = contract(name)
        for i, row in enumerate(rows, start=2):
            for j, column in enumerate(columns, start=1):
                if row.get(column) is not None:
                    value = row[column]
                    if isinstance(value, str) and value.startswith("="):
                        value = "'" + value  # how planner.inputs.files protects text from formula interpretation
                    ws.cell(i, j, value)
    wb.save(template)

    org = load_dataset(template)
    assert org.employees["employee_id"].tolist() == ["0042", "0043"]
    assert org.roles.set_index("role_id").loc["0100", "incumbent_id"] == "0042"
    assert org.skills["skill_id"].tolist() == ["0007", "LEAD"]
    assert org.interventions["intervention_id"].tolist() == ["0001"]
    assert org.interventions["name"].tolist() == ["=Advanced Reporting"]
    assert org.employees["open_to_move"].tolist() == [True, False]
    assert org.employees["aspirations"].tolist() == ["", "Finance"]
    vacancy = org.roles.set_index("role_id")["vacancy_quarter"]
    assert vacancy["0100"] == 4 and pd.isna(vacancy["0200"])
    assert org.family_moves is not None and org.family_moves.empty
    assert len(org.role_requirements) == 2 and org.employee_skills["level"].tolist() == [4, 2]


def test_template_path_must_be_xlsx(tmp_path):
    with pytest.raises(ValueError, match=".xlsx"):
        write_template(tmp_path / "organisation.csv")
