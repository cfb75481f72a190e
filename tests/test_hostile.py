"""A corpus of hostile inputs: each is answered with a precise message, an exit code and no traceback.

Every case starts from the small valid org of ``tests/factories.py`` written as a dataset folder,
breaks it one way and runs it through the CLI (``validate`` on the scenario and on the dataset,
``solve``) and the API (``planner.load``, ``planner.validate``). The expected issue names the file,
the row (where there is one), the column (where there is one) and the problem; the CLI prints that
same issue. Junk files (50 MB of it) are generated in ``tmp_path`` at test time.

What is an error and what is a warning (exit 0, the plan still solves and checks):

* error: wrong types, missing columns, duplicate IDs, dangling references, out-of-range or
  non-finite numbers, an empty skills / employees / roles table, no critical role, a vacancy beyond
  the scenario's horizon, any file that cannot be read as what its extension says;
* warning: an empty interventions table (slates come from current skills only) and an intervention
  nobody can ever start (a cycle of prerequisites): the rest of the catalogue and the plan are valid.

Formula injection: text such as ``=HYPERLINK(...)`` is data. It loads as text; an .xlsx export
writes it as a text cell (quoted, never a formula); CSV exports (datasets and plans) keep it exactly
as it is, because they are data files read back by the planner. A spreadsheet opening such a CSV
could evaluate it, so export to .xlsx for spreadsheet users.
"""

from __future__ import annotations

import os
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal, Optional

import openpyxl
import pandas as pd
import pytest
import yaml
from click.testing import Result
from factories import base_tables, make_scenario
from hostile import formats, junk, outputs, scenarios
from hostile.dataset import edit_csv, frames, header_only, read_csv, set_cell, write_scenario, write_valid
from typer.testing import CliRunner

import planner
from planner.cli import app
from planner.contract.errors import InputError, Issue
from planner.inputs.files import load_dataset, write_dataset
from planner.inputs.checks import MAX_ROWS_PER_PROBLEM


@dataclass(frozen=True)
class Case:
    """How to break the valid dataset, and the issue that must come back."""

    build: Callable[[Path], Path]  # tmp_path -> dataset path (folder or workbook), broken
    file: str  # name of the file the issue names
    row: Optional[int]
    column: Optional[str]
    text: str  # part of the message
    severity: Literal["error", "warning"] = "error"
    scenario_only: bool = False  # a problem only against the scenario: the dataset alone is valid


def broken(change: Callable[[Path], None], fmt: str = "csv") -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        dataset = write_valid(tmp, fmt)
        change(dataset)
        return dataset

    return build


def _duplicate_row(df: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([df, df.iloc[[2]]], ignore_index=True)


def _no_critical_role(df: pd.DataFrame) -> None:
    df["critical"] = "False"


def _prerequisite_cycle(folder: Path) -> None:
    """I-A needs X at 3 and gives Y 3; I-B needs Y at 3 and gives X 3; nobody has any X or Y."""
    edit_csv(folder, "skills", lambda df: pd.concat([df, pd.DataFrame({"skill_id": ["X", "Y"], "name": ["X", "Y"]})]))
    edit_csv(folder, "interventions", lambda df: pd.concat(
        [df, df.iloc[[0, 0]].assign(intervention_id=["I-A", "I-B"], name=["Course A", "Course B"])]))
    effects = pd.DataFrame({"intervention_id": ["I-A", "I-A", "I-B", "I-B"], "skill_id": ["X", "Y", "Y", "X"],
                            "min_level": ["3", "0", "3", "0"], "to_level": ["4", "3", "4", "3"]})
    edit_csv(folder, "intervention_effects", lambda df: pd.concat([df, effects]))


def _rename(old: str, new: str) -> Callable[[Path], None]:
    return lambda folder: (folder / old).rename(folder / new)


def _text_as(name: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        table = name.split(".")[0]
        (folder / name).write_text((folder / f"{table}.csv").read_text())
        (folder / f"{table}.csv").unlink()

    return change


def _parquet_bytes_as_csv(folder: Path) -> None:
    read_csv(folder, "skills").to_parquet(folder / "skills.csv")


def _truncate(name: str) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        file = path / name if path.is_dir() else path
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])

    return change


def _latin1_name(folder: Path) -> None:
    set_cell(folder, "employees", 1, "name", "Zoë Ångström")
    path = folder / "employees.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))


def _nul_byte(folder: Path) -> None:
    path = folder / "skills.csv"
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("Leadership", "Lead\x00ership", 1)
    path.write_text("\n".join(lines) + "\n")


def _short_line(folder: Path) -> None:
    path = folder / "skills.csv"
    path.write_text(path.read_text() + "PY,Python\n")


def _unclosed_quote(folder: Path) -> None:
    path = folder / "skills.csv"
    path.write_text(path.read_text() + 'PY,"Python,Technology\nSQL,SQL,Technology\n')


def _no_header(folder: Path) -> None:
    path = folder / "skills.csv"
    path.write_text("\n".join(path.read_text().splitlines()[1:]) + "\n")


CASES: dict[str, Case] = {
    "wrong type": Case(broken(lambda d: set_cell(d, "employees", 1, "performance", "high")),
                       "employees.csv", 3, "performance", "must be a whole number, got 'high'"),
    "wrong type in a flag": Case(broken(lambda d: set_cell(d, "employees", 2, "open_to_move", "perhaps")),
                                 "employees.csv", 4, "open_to_move", "must be true or false, got 'perhaps'"),
    "missing column": Case(broken(lambda d: edit_csv(d, "roles", lambda df: df.drop(columns="criticality"))),
                           "roles.csv", None, "criticality", "required column 'criticality' is missing"),
    "duplicate ID": Case(broken(lambda d: edit_csv(d, "employees", _duplicate_row)),
                         "employees.csv", 5, "employee_id", "duplicate employee_id"),
    "dangling reference": Case(broken(lambda d: set_cell(d, "role_requirements", 0, "skill_id", "NOPE")),
                               "role_requirements.csv", 2, "skill_id", "'NOPE' is not a skills.skill_id"),
    "dangling incumbent": Case(broken(lambda d: set_cell(d, "roles", 0, "incumbent_id", "E-GONE")),
                               "roles.csv", 2, "incumbent_id", "'E-GONE' is not a employees.employee_id"),
    "level out of range": Case(broken(lambda d: set_cell(d, "employee_skills", 0, "level", "7")),
                               "employee_skills.csv", 2, "level", "must be between 0 and 5, got 7"),
    "requirement level out of range": Case(broken(lambda d: set_cell(d, "role_requirements", 1, "level", "-1")),
                                           "role_requirements.csv", 3, "level", "must be between 0 and 5, got -1"),
    "negative cost": Case(broken(lambda d: set_cell(d, "interventions", 1, "cost", "-500")),
                          "interventions.csv", 3, "cost", "must be at least 0.0, got -500"),
    "infinite cost": Case(broken(lambda d: set_cell(d, "interventions", 1, "cost", "inf")),
                          "interventions.csv", 3, "cost", "must be a finite number within ±1e+12, got 'inf'"),
    "absurdly large quarter": Case(broken(lambda d: set_cell(d, "roles", 0, "vacancy_quarter", "1e300")),
                                   "roles.csv", 2, "vacancy_quarter", "must be a finite number within ±1e+12"),
    "empty employees": Case(broken(lambda d: header_only(d, "employees")), "employees.csv", None, None,
                            "has no rows (only a header): a plan needs at least one employee"),
    "empty roles": Case(broken(lambda d: header_only(d, "roles")), "roles.csv", None, None,
                        "has no rows (only a header): a plan needs at least one role"),
    "empty skills": Case(broken(lambda d: header_only(d, "skills")), "skills.csv", None, None,
                         "has no rows (only a header): a plan needs at least one skill"),
    "no critical role": Case(broken(lambda d: edit_csv(d, "roles", _no_critical_role)), "roles.csv", None, "critical",
                             "no role is marked critical"),
    "empty interventions": Case(broken(lambda d: [header_only(d, t) for t in ("interventions", "intervention_effects")]),
                                "interventions.csv", None, None, "has no rows (only a header): no development can be "
                                "planned", severity="warning"),
    "vacancy beyond the horizon": Case(broken(lambda d: set_cell(d, "roles", 0, "vacancy_quarter", "9")),
                                       "roles.csv", 2, "vacancy_quarter",
                                       "vacancy quarter 9 is beyond the scenario's 8-quarter horizon", scenario_only=True),
    "cycle of prerequisites": Case(broken(_prerequisite_cycle), "intervention_effects.csv", 5, "min_level",
                                   "I-A can never start: it needs X at level 3, but nobody has or can reach more than "
                                   "level 0 in X through interventions that can start; these prerequisites form a cycle "
                                   "that can never be met: I-A needs X at level 3 from I-B; I-B needs Y at level 3 from "
                                   "I-A", severity="warning"),
    "CSV text named .parquet": Case(broken(_rename("roles.csv", "roles.parquet")), "roles.parquet", None, None,
                                    "cannot be read as Parquet: it is text starting 'role_id,title,family,level,"),
    "text named .xlsx": Case(broken(_text_as("employees.xlsx")), "employees.xlsx", None, None,
                             "cannot be read as an Excel workbook: it is text starting 'employee_id,name,"),
    "Parquet data named .csv": Case(broken(_parquet_bytes_as_csv), "skills.csv", None, None,
                                    "is a Parquet file, not CSV text"),
    "truncated Parquet": Case(broken(_truncate("employees.parquet"), "parquet"), "employees.parquet", None, None,
                              "cannot be read as Parquet: it is truncated or damaged"),
    "truncated workbook": Case(broken(_truncate("org.xlsx"), "workbook"), "org.xlsx", None, None,
                               "cannot be read as an Excel workbook: it is truncated or damaged"),
    "non-UTF-8 text": Case(broken(_latin1_name), "employees.csv", 3, None,
                           "is not UTF-8 text (byte 0xeb on line 3); it looks like Windows-1252 (Latin-1)"),
    "NUL byte": Case(broken(_nul_byte), "skills.csv", 3, None, "holds binary data (a NUL byte on line 3), not CSV text"),
    "line with too few fields": Case(broken(_short_line), "skills.csv", 4, None,
                                     "cannot be read as CSV: line 4 has 2 field(s) but the header line has 3"),
    "quote never closed": Case(broken(_unclosed_quote), "skills.csv", 4, None,
                               "line 4 has 2 field(s) but the header line has 3 (a quoted cell runs on to line 5"),
    "no header line": Case(broken(_no_header), "skills.csv", 1, None,
                           "line 1 is not a header line: it names none of the columns of 'skills'"),
    # Ambiguous input is an error, never resolved by picking one: sheets match tables one to one, a
    # hidden sheet is never read, a header names each column once (after trimming spaces).
    "hidden sheet beside its table's sheet": Case(
        broken(formats.hidden_copy("employees", "employees "), "workbook"), "org.xlsx", None, None,
        "has 2 sheets named like table 'employees' ('employees' and 'employees ' (hidden: you cannot see it); names "
        "are compared after trimming spaces and ignoring case): keep one"),
    "two sheets differing in case and spaces": Case(broken(formats.visible_copy("roles", " Roles"), "workbook"), "org.xlsx",
                                                    None, None, "has 2 sheets named like table 'roles' ('roles' and ' Roles';"),
    "a table's only sheet hidden": Case(broken(formats.hide("skills"), "workbook"), "org.xlsx", None, None,
                                        "sheet 'skills' (table 'skills') is hidden: you cannot see it, so the planner "
                                        "does not read it; unhide it"),
    "very hidden sheet for an optional table": Case(
        broken(formats.hidden_sheet(" Family_Moves", [["from_family", "to_family"], ["Finance", "Finance"]]), "workbook"),
        "org.xlsx", None, None, "sheet ' Family_Moves' (table 'family_moves') is hidden"),
    "column named twice in a CSV header": Case(broken(formats.repeat_csv_column("employees", "performance")),
                                               "employees.csv", 1, "performance",
                                               "the header names column 'performance' 2 times (fields 6 and 15): keep one"),
    "column named twice, once with spaces": Case(broken(formats.repeat_csv_column("skills", "name", " name ")),
                                                 "skills.csv", 1, "name", "the header names column 'name' 2 times "
                                                 "(fields 2 and 4)"),
    "column named twice in a sheet": Case(broken(formats.repeat_sheet_column("roles", "level"), "workbook"),
                                          "org.xlsx[roles]", 1, "level",
                                          "the header names column 'level' 2 times (columns D and L)"),
    "column named twice in a per-table workbook": Case(broken(formats.repeat_sheet_column("interventions", "cost"), "xlsx"),
                                                       "interventions.xlsx", 1, "cost",
                                                       "the header names column 'cost' 2 times (columns D and J)"),
    # The wrong formats people save by mistake, each named with how to save the right one.
    "';'-separated CSV": Case(broken(formats.resave_csv("skills", ";")), "skills.csv", 1, None,
                              "seems to use ';' as the delimiter (line 1 reads 'skill_id;name;category'), but the "
                              "planner reads comma-separated files: save it as comma-separated UTF-8: in Excel"),
    "';' and decimal commas, as a European Excel saves": Case(
        broken(formats.resave_csv("employees", ";", decimal_comma=True)), "employees.csv", 1, None,
        "seems to use ';' as the delimiter"),
    "tab-separated text": Case(broken(formats.resave_csv("roles", "\t")), "roles.csv", 1, None,
                               "seems to use tabs as the delimiter"),
    "Excel 'Unicode Text' (UTF-16, tabs)": Case(broken(formats.resave_csv("employees", "\t", "utf-16")), "employees.csv",
                                                1, None, "is UTF-16 (with a byte-order mark) text, as Excel's 'Unicode "
                                                "Text' saves it, not UTF-8. The planner reads UTF-8: save it as"),
    "UTF-16 without a byte-order mark": Case(broken(formats.resave_csv("skills", encoding="utf-16-be")), "skills.csv", 1,
                                             None, "is UTF-16 text, as Excel's 'Unicode Text' saves it, not UTF-8"),
    "UTF-32": Case(broken(formats.resave_csv("roles", encoding="utf-32")), "roles.csv", 1, None,
                   "is UTF-32 (with a byte-order mark) text, not UTF-8. The planner reads UTF-8"),
    "Windows-1252 dash and accent": Case(
        broken(formats.resave_csv("roles", encoding="cp1252", replace=("Finance Manager", "Finance Manager – Café"))),
        "roles.csv", 2, None, "is not UTF-8 text (byte 0x96 on line 2); it looks like Windows-1252 (Latin-1), which "
        "Excel's plain 'CSV (Comma delimited)' writes on Windows. The planner reads UTF-8: save it as"),
    "Shift-JIS name": Case(broken(formats.resave_csv("employees", encoding="shift_jis", replace=("Ana Analyst", "山田　太郎"))),
                           "employees.csv", 3, None, "is not UTF-8 text (byte 0x8e on line 3); it looks like an encoding "
                           "other than UTF-8"),
    "blank rows above a sheet's header": Case(broken(formats.rows_above_header("employees", [[], []]), "workbook"),
                                              "org.xlsx[employees]", 3, None, "the header should be on row 1, but the "
                                              "column names seem to be on row 3: delete the row(s) above it"),
    "a title above a sheet's header": Case(broken(formats.rows_above_header("roles", [["Critical roles, 2027"]]), "workbook"),
                                           "org.xlsx[roles]", 2, None, "the column names seem to be on row 2"),
    "blank rows above a per-table workbook's header": Case(
        broken(formats.rows_above_header("skills", [[], [], [], []]), "xlsx"), "skills.xlsx", 5, None,
        "the header should be on row 1, but the column names seem to be on row 5"),
    "a formula without a saved value": Case(
        broken(formats.formulas("employees", "performance", [3], "=2+1"), "workbook"), "org.xlsx[employees]", 3,
        "performance", "cell F3 holds a formula (=2+1) with no saved value: the workbook was written by a program that "
        "never calculated it, so these cells would read as empty. Open it in Excel or LibreOffice and save it"),
    "a column of formulas without saved values": Case(
        broken(formats.formulas("roles", "external_hire_cost", [2, 3], "=1000*{row}"), "workbook"), "org.xlsx[roles]", 2,
        "external_hire_cost", "cell K2 holds a formula (=1000*2) with no saved value, like 1 other cell(s) of this sheet"),
    "a formula in an ID column": Case(
        broken(formats.formulas("employee_skills", "employee_id", [2], "=employees!A2"), "workbook"),
        "org.xlsx[employee_skills]", 2, "employee_id", "cell A2 holds a formula (=employees!A2) with no saved value"),
    "formulas in a per-table workbook": Case(broken(formats.formulas("interventions", "cost", [2, 3, 4], "=100*{row}"), "xlsx"),
                                             "interventions.xlsx", 2, "cost", "cell D2 holds a formula (=100*2) with no "
                                             "saved value, like 2 other cell(s) of this sheet"),
}


def cli(*args) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def matching(issues: list[Issue], case: Case) -> Issue:
    hits = [i for i in issues if i.severity == case.severity and Path(i.file or "").name == case.file
            and i.row == case.row and i.column == case.column and case.text in i.message]
    assert hits, "\n".join(str(i) for i in issues)
    return hits[0]


@pytest.mark.parametrize("name", CASES)
def test_hostile_input(tmp_path, name):
    case = CASES[name]
    dataset = case.build(tmp_path)
    scenario = write_scenario(tmp_path, dataset, horizon=8)

    # The API: every issue is listed, the expected one among them, and it points into the dataset.
    issue = matching(planner.validate(scenario), case)
    assert Path(issue.file).parent == (dataset if dataset.is_dir() else dataset.parent)
    if case.severity == "error":
        with pytest.raises(InputError) as info:
            planner.load(scenario)
        assert issue in info.value.issues
    else:
        org, _ = planner.load(scenario)
        assert issue in org.warnings

    # The CLI prints that same issue, whole, and exits 2 on errors (0 on warnings).
    result = cli("validate", scenario)
    assert str(issue) in result.output
    assert result.exit_code == (2 if case.severity == "error" else 0)
    result = cli("validate", dataset)
    if case.scenario_only:
        assert result.exit_code == 0 and str(issue) not in result.output
    else:
        assert str(issue) in result.output
        assert result.exit_code == (2 if case.severity == "error" else 0)

    plan_dir = tmp_path / "plan"
    result = cli("solve", scenario, "--no-save", "--out", plan_dir, "--workspace", tmp_path / "ws", "-q")
    if case.severity == "error":
        assert result.exit_code == 2
        assert str(issue) in result.output and "nothing was written" in result.output
        assert not plan_dir.exists()
    else:
        assert result.exit_code == 0, result.output
        assert "Checked: every hard rule holds." in result.output


def test_corpus_covers_the_issue_list():
    """The kinds of hostile input the corpus promises (the rest of this file covers junk and formulas)."""
    kinds = ["wrong type", "missing column", "duplicate ID", "dangling reference", "level out of range",
             "negative cost", "empty employees", "vacancy beyond the horizon", "cycle of prerequisites",
             "CSV text named .parquet", "text named .xlsx", "truncated Parquet", "non-UTF-8 text",
             "hidden sheet beside its table's sheet", "a table's only sheet hidden", "column named twice in a CSV header",
             "column named twice in a sheet", "';'-separated CSV", "tab-separated text", "Excel 'Unicode Text' (UTF-16, tabs)",
             "Windows-1252 dash and accent", "blank rows above a sheet's header", "a formula without a saved value"]
    assert set(kinds) <= set(CASES)


# ---- 50 MB of junk: refused after a glance, in bounded time and memory -----------------------------

JUNK_SIZE = 50 * junk.MB


def _employees_header(folder: Path) -> str:
    return (folder / "employees.csv").read_text().splitlines()[0]


JUNK = {
    "random bytes": (lambda f, folder: junk.random_bytes(f, JUNK_SIZE), ..., "holds binary data (a NUL byte on line"),
    "garbage lines": (lambda f, folder: junk.garbage_lines(f, JUNK_SIZE), 1,
                      "line 1 is not a header line: it names none of the columns of 'employees'"),
    "header, then garbage lines": (lambda f, folder: junk.garbage_lines(f, JUNK_SIZE, _employees_header(folder)), 2,
                                   "cannot be read as CSV: line 2 has"),
}


@pytest.mark.parametrize("name", JUNK)
def test_50mb_of_junk_is_refused_quickly(tmp_path, name):
    write_junk, row, text = JUNK[name]
    folder = write_valid(tmp_path)
    write_junk(folder / "employees.csv", folder)
    assert (folder / "employees.csv").stat().st_size >= JUNK_SIZE

    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        load_dataset(folder)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    [issue] = info.value.issues
    assert (Path(issue.file).name, issue.column) == ("employees.csv", None)
    assert issue.row == row if row is not ... else issue.row >= 1
    assert text in issue.message
    assert seconds < 5, f"{seconds:.1f}s"
    assert peak < 20 * junk.MB, f"peak {peak / junk.MB:.0f} MB: the junk was read whole"

    result = cli("validate", folder)
    assert result.exit_code == 2 and str(issue) in result.output


def test_a_table_of_junk_values_lists_each_problem_a_few_times(tmp_path):
    """A CSV-shaped file whose every value is junk is parsed (it is a table), but each problem is
    listed for its first rows only and then counted: messages stay readable and cheap."""
    folder = write_valid(tmp_path)
    junk.junk_table(folder / "employees.csv", 2 * junk.MB, _employees_header(folder))
    started = time.perf_counter()
    with pytest.raises(InputError) as info:
        load_dataset(folder)
    assert time.perf_counter() - started < 10
    issues = info.value.issues
    assert all(Path(i.file).name == "employees.csv" for i in issues)
    per_column: dict[str, list[Issue]] = {}
    for i in issues:
        per_column.setdefault(i.column, []).append(i)
    assert {"employee_id", "performance", "flight_risk", "open_to_move"} <= set(per_column)
    for column, found in per_column.items():
        listed = [i for i in found if i.row is not None]
        counted = [i for i in found if i.row is None]
        assert len(counted) <= len(listed) // MAX_ROWS_PER_PROBLEM, column
        assert all("have the same kind of problem" in i.message for i in counted)
    rows = (folder / "employees.csv").read_bytes().count(b"\n") - 1
    assert rows > 40_000 and len(issues) < 1_000  # not one message per bad cell


# ---- formula injection --------------------------------------------------------------------------

FORMULAS = {
    ("employees", "name"): '=HYPERLINK("http://x","click")',
    ("skills", "name"): "+SUM(1,2)",
    ("roles", "title"): "-2+3",
    ("interventions", "name"): "@SUM(A1)",
}


def _formula_tables() -> dict[str, list[dict]]:
    tables = base_tables()
    for (table, column), text in FORMULAS.items():
        tables[table][0][column] = text
    return tables


def test_formula_like_names_load_as_text_and_export_safely(tmp_path):
    folder = write_dataset(frames(_formula_tables()), tmp_path / "data")
    assert cli("validate", folder).exit_code == 0
    org = load_dataset(folder)
    for (table, column), text in FORMULAS.items():
        assert org.table(table)[column].iloc[0] == text

    # .xlsx: every cell is a value, never a formula; the formula-like ones are quoted text cells.
    book = write_dataset(org, tmp_path / "x.xlsx")
    workbook = openpyxl.load_workbook(book)
    assert all(cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row)
    for (table, column), text in FORMULAS.items():
        sheet = workbook[table]
        col = [c.value for c in sheet[1]].index(column) + 1
        cell = sheet.cell(row=2, column=col)
        assert (cell.data_type, cell.value) == ("s", "'" + text)
    assert load_dataset(book).employees["name"].iloc[0] == FORMULAS[("employees", "name")]

    # CSV: the text is kept exactly as it is (quoted as CSV requires), and reads back the same.
    out = write_dataset(org, tmp_path / "out")
    assert '"=HYPERLINK(""http://x"",""click"")"' in (out / "employees.csv").read_text()
    for (table, column), text in FORMULAS.items():
        assert read_csv(out, table)[column].iloc[0] == text


def test_plan_csv_keeps_formula_like_ids_as_they_are(tmp_path):
    tables = base_tables()
    for row in tables["employees"] + tables["employee_skills"]:
        if row["employee_id"] == "E-ANA":
            row["employee_id"] = "=1+1"
    org = planner.organisation_from_records(**tables)
    scenario = make_scenario(horizon_quarters=6, solver=dict(time_limit_seconds=5, num_workers=2))
    plan = planner.solve(scenario, org)
    assert planner.check(org, scenario, plan).ok
    assert "=1+1" in {s.employee_id for s in plan.slates}
    out = planner.write_plan(plan, tmp_path / "plan")
    assert ",=1+1," in (out / "slates.csv").read_text()
    assert {s.employee_id for s in planner.read_plan(out).slates} == {s.employee_id for s in plan.slates}


# ---- outputs a command must not write to ---------------------------------------------------------
# Each case builds something at ``--out`` (in ``base``, which also holds the dataset and the scenario),
# runs a command from ``base/../cwd`` and requires exit 2, a message naming the path, and every byte
# under ``base`` as it was: nothing replaced, nothing half-written, no temporary left behind.


@dataclass(frozen=True)
class OutputCase:
    build: Callable[[Path], Path]  # base -> the path given as --out
    text: str  # part of the message
    commands: tuple[str, ...] = ("solve", "generate")
    even_forced: bool = False  # refused with --force too


OUTPUT_CASES: dict[str, OutputCase] = {
    "a folder of the user's notes": OutputCase(outputs.foreign_folder, "holds files the planner did not write (notes.txt)"),
    "a folder named like terminal markup": OutputCase(outputs.markup_named_folder,
                                                      "holds files the planner did not write (todo.txt)"),
    "a file where a folder is wanted": OutputCase(outputs.existing_file, "is a file, not a folder", even_forced=True),
    "the current folder": OutputCase(outputs.current_folder, "is or contains the current folder", even_forced=True),
    "the folder above the current one": OutputCase(outputs.parent_of_current_folder, "is or contains the current folder",
                                                   even_forced=True),
    "a previous plan with the user's file added": OutputCase(
        outputs.plan_with_a_file_added, "holds files the planner did not write (my-analysis.xlsx) beside its plan", ("solve",)),
    "a previous plan edited by hand": OutputCase(outputs.plan_with_a_file_edited,
                                                 "holds files changed since the planner wrote them (kpis.json)", ("solve",)),
    "a previous plan with the user's subfolder": OutputCase(outputs.plan_with_a_subfolder, "did not write (drafts)", ("solve",)),
    "a previous plan given to generate": OutputCase(lambda base: outputs.previous("plan", base),
                                                    "holds a plan the planner wrote, not a dataset", ("generate",)),
    "a dataset given to solve": OutputCase(lambda base: outputs.previous("dataset", base),
                                           "holds a dataset the planner wrote, not a plan", ("solve",)),
    "a manifest the planner did not write": OutputCase(outputs.forged_manifest, "holds files the planner did not write"),
    "a symbolic link": OutputCase(outputs.symlink_to_foreign_folder, "is a symbolic link", even_forced=True),
    "a path through a file": OutputCase(outputs.inside_a_file, "which is a file, not a folder", even_forced=True),
    "the dataset being read": OutputCase(outputs.the_dataset, "which is being read", ("solve",), even_forced=True),
    "the folder holding the inputs": OutputCase(outputs.around_the_inputs, "which is being read", ("solve",),
                                                even_forced=True),
}


def _snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder`` (links not followed): file bytes, 'folder' or the link's target."""
    found: dict[str, bytes | str] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            key = str(path.relative_to(folder))
            found[key] = (f"-> {os.readlink(path)}" if path.is_symlink() else "folder" if path.is_dir()
                          else path.read_bytes())
    return found


def _command(command: str, base: Path, out: Path) -> list:
    if command == "solve":
        return ["solve", base / "scenario.yaml", "--out", out, "--workspace", base.parent / "ws", "-q", "--time-limit", "2"]
    return ["generate", "--employees", "20", "--critical-roles", "3", "--interventions", "5", "--out", out]


@pytest.mark.parametrize("name, command, force", [
    pytest.param(name, command, force, id=f"{name}-{command}{' --force' if force else ''}")
    for name, case in OUTPUT_CASES.items() for command in case.commands for force in (False, True)[: 1 + case.even_forced]])
def test_hostile_output_is_refused_and_left_as_it_was(tmp_path, monkeypatch, name, command, force):
    case = OUTPUT_CASES[name]
    base = tmp_path / "base"
    base.mkdir()
    write_scenario(base, write_valid(base))
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    out = case.build(base)
    before = _snapshot(base)

    result = cli(*_command(command, base, out), *(["--force"] if force else []))
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"{out} " in message and case.text in message
    assert _snapshot(base) == before
    assert not (tmp_path / "ws").exists()  # refused before solving: nothing saved in the store either
    assert not [p for p in tmp_path.rglob("*") if ".planner-tmp-" in p.name]


FILE_CASES = {  # case -> (command, what to build at --out, part of the message, refused with --force too)
    "template over the user's workbook": ("template", lambda base: _file(base / "filled.xlsx"), "already exists", False),
    "template where a folder is": ("template", lambda base: _folder(base / "book.xlsx"), "is a folder", True),
    "template through a file": ("template", lambda base: _file(base / "notes.txt") / "t.xlsx", "which is a file", True),
    "sweep over the user's CSV": ("sweep", lambda base: _file(base / "frontier.csv"), "already exists", False),
    "sweep over the scenario it reads": ("sweep", lambda base: base / "scenario.yaml", "which is being read", True),
    "sweep into the dataset's folder": ("sweep", lambda base: base / "data", "which is being read", True),
}


def _file(path: Path) -> Path:
    path.write_bytes(b"the user's work")
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    (path / "keep.txt").write_text("keep me")
    return path


@pytest.mark.parametrize("name, force", [pytest.param(name, force, id=f"{name}{' --force' if force else ''}")
                                         for name, case in FILE_CASES.items() for force in (False, True)[: 1 + case[3]]])
def test_hostile_file_output_is_refused_and_left_as_it_was(tmp_path, name, force):
    command, build, text, _ = FILE_CASES[name]
    write_scenario(tmp_path, write_valid(tmp_path))
    out = build(tmp_path)
    before = _snapshot(tmp_path)
    args = ["template", "--out", out] if command == "template" else [
        "sweep", tmp_path / "scenario.yaml", "--budget", "0,1000", "--workers", "1", "--out", out, "--workspace", tmp_path / "ws"]
    result = cli(*args, *(["--force"] if force else []))
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"{out} " in message and text in message
    assert _snapshot(tmp_path) == before


# ---- names that would leave their folder ---------------------------------------------------------


def _scenario_named(folder: Path, name) -> Path:
    path = write_scenario(folder, write_valid(folder))
    settings = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump({**settings, "name": name}))
    return path


@pytest.mark.parametrize("label", outputs.BAD_NAMES)
def test_hostile_scenario_name_is_refused_at_validation(tmp_path, monkeypatch, label):
    """The default plan folder is plans/<name>: a name like '../victim' wrote over ../victim with --no-save."""
    bad = outputs.BAD_NAMES[label]
    scenario = _scenario_named(tmp_path / "in", bad)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "notes.txt").write_text("keep me")
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    before = _snapshot(tmp_path)

    issue = f"{scenario}, column 'name': invalid scenario name {bad!r}"
    with pytest.raises(InputError) as info:
        planner.load(scenario)
    assert str(info.value.issues[0]).startswith(issue)
    for args in (["validate", scenario], ["solve", scenario, "--no-save", "-q", "--time-limit", "2"],
                 ["sweep", scenario, "--budget", "0,1000", "--workers", "1", "--workspace", tmp_path / "ws"]):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert issue in result.output
    assert _snapshot(tmp_path) == before


@pytest.mark.parametrize("label", outputs.BAD_NAMES)
def test_hostile_plan_name_is_refused_before_solving(tmp_path, label):
    bad = outputs.BAD_NAMES[label]
    scenario = write_scenario(tmp_path, write_valid(tmp_path))
    result = cli("solve", scenario, "--name", bad, "--workspace", tmp_path / "ws", "-q", "--time-limit", "2")
    assert result.exit_code == 2, result.output
    assert f"invalid plan name {bad!r}" in result.output
    assert not (tmp_path / "ws").exists() and not (tmp_path / "plans").exists()
    for command in ("show", "delete"):
        result = cli("plans", command, "--workspace", tmp_path / "ws", "--", bad)
        assert result.exit_code == 2 and f"no plan named {bad!r}" in result.output, result.output


def test_the_name_corpus_covers_the_promised_kinds():
    kinds = ["parent folder", "absolute path", "path separator", "only dots", "empty", "blank", "control character"]
    assert set(kinds) <= set(outputs.BAD_NAMES)


@pytest.mark.parametrize("name", sorted(scenarios.YAML_CASES))
def test_hostile_scenario_file_is_refused_with_its_reason(tmp_path, name):
    build, text = scenarios.YAML_CASES[name]
    path = write_scenario(tmp_path, write_valid(tmp_path))
    path.write_text(build(path.read_text()))
    with pytest.raises(InputError, match="scenario.yaml") as exc:
        planner.load(path)
    assert text in str(exc.value), str(exc.value)
    for command in (["validate", path], ["solve", path, "--no-save", "-q"]):
        result = CliRunner().invoke(app, [str(c) for c in command])
        assert result.exit_code == 2 and text in " ".join(result.output.split()), (command, result.output)
        assert "Traceback" not in result.output and not isinstance(result.exception, (MemoryError, RecursionError))
