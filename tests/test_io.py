"""Reading and writing datasets: every layout round-trips, unreadable files are named, writes are atomic."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd
import pytest
from test_validation import only, valid_tables

from planner.contract.domain import TABLES
from planner.contract.paths import MANIFEST
from planner.contract.errors import InputError
from planner.inputs.files import dataset_fingerprint, load_dataset, read_tables, write_dataset
from planner.inputs.checks import build_organisation, replace_tables

ROUND_TRIPS = {
    "csv": lambda org, tmp: write_dataset(org, tmp / "data", "csv"),
    "parquet": lambda org, tmp: write_dataset(org, tmp / "data", "parquet"),
    "per-table xlsx": lambda org, tmp: write_dataset(org, tmp / "data", "xlsx"),
    "workbook": lambda org, tmp: write_dataset(org, tmp / "org.xlsx"),
    "workbook in a folder": lambda org, tmp: write_dataset(org, tmp / "data" / "org.xlsx").parent,
}


@pytest.fixture
def org():
    moves = pd.DataFrame({"from_family": ["Finance"], "to_family": ["Finance"]})
    return build_organisation({**valid_tables(), "family_moves": moves, **workforce_tables()})


def workforce_tables() -> dict[str, pd.DataFrame]:
    """The optional workforce tables for valid_tables' organisation: two categories, one of them a role."""
    return {
        "workforce_costs": pd.DataFrame({"category": ["Finance/2", "R01"], "loaded_cost": [9000.0, 40000.0],
                                         "hire_cost": [5000.0, 60000.0], "time_to_hire": [1, 3], "hire_cap": [2.0, None],
                                         "short_time_cap": [1.0, 0.0], "attrition_rate": [None, 0.02]}),
        "workforce_demand": pd.DataFrame({"category": ["Finance/2", "Finance/2"], "quarter": [0, 4], "fte": [2.0, 2.5]}),
        "workforce_moves": pd.DataFrame({"from_category": ["Finance/2"], "to_category": ["R01"], "kind": ["promotion"],
                                         "cost": [1500.0], "cap_share": [0.5], "intervention_id": ["I01"]}),
        "workforce_supply": pd.DataFrame({"category": ["R01"], "fte": [1.0]}),
    }


def assert_same(a, b):
    for name in TABLES:
        pd.testing.assert_frame_equal(a.table(name), b.table(name))


@pytest.mark.parametrize("layout", ROUND_TRIPS)
def test_round_trip(org, tmp_path, layout):
    path = ROUND_TRIPS[layout](org, tmp_path)
    loaded = load_dataset(path)
    assert_same(loaded, org)
    assert loaded.employees["employee_id"].tolist() == ["0042", "0043", "0100", "0007"]
    assert loaded.roles["incumbent_id"].tolist() == ["0042", "0043", None]
    assert dataset_fingerprint(loaded) == dataset_fingerprint(org)
    assert loaded.source == str(path)
    assert set(loaded.files) == set(TABLES)


def test_raw_tables_write_and_read_as_text(tmp_path):
    folder = write_dataset(valid_tables(), tmp_path / "data")
    assert "0042" in (folder / "employees.csv").read_text()
    raw, where, issues = read_tables(folder)
    assert issues == []
    assert raw["employees"]["employee_id"].tolist() == ["0042", "0043", "0100", "0007"]
    assert raw["roles"]["incumbent_id"].tolist() == ["0042", "0043", ""]
    assert where["employees"] == (str(folder / "employees.csv"), 2)


def test_row_offsets_per_format(org, tmp_path):
    _, where, _ = read_tables(write_dataset(org, tmp_path / "p", "parquet"))
    assert where["skills"] == (str(tmp_path / "p" / "skills.parquet"), 1)
    _, where, _ = read_tables(write_dataset(org, tmp_path / "org.xlsx"))
    assert where["skills"] == (f"{tmp_path / 'org.xlsx'}[skills]", 2)


def test_mixed_formats_in_one_folder(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    pd.read_csv(folder / "skills.csv", dtype=str).to_parquet(folder / "skills.parquet")
    (folder / "skills.csv").unlink()
    assert_same(load_dataset(folder), org)


def test_fingerprint_ignores_row_order_and_sees_changes(org):
    shuffled = replace_tables(org, employees=org.employees.iloc[::-1])
    assert dataset_fingerprint(shuffled) == dataset_fingerprint(org)
    changed = replace_tables(org, skills=org.skills.assign(name=["Accounting", "Leadership", "Rust"]))
    assert dataset_fingerprint(changed) != dataset_fingerprint(org)


def test_excel_numbers_for_ids_and_booleans(tmp_path):
    """A workbook typed by hand: IDs as numbers, booleans as Excel booleans."""
    tables = valid_tables()
    tables["skills"]["skill_id"] = [1, 2, 3]
    tables["employee_skills"]["skill_id"] = [1, 2, 1, 2, 1, 3]
    tables["role_requirements"]["skill_id"] = [1, 2, 1, 2]
    tables["intervention_effects"]["skill_id"] = [2, 1]
    book = tmp_path / "org.xlsx"
    with pd.ExcelWriter(book) as writer:
        for name, df in tables.items():
            df.to_excel(writer, sheet_name=name, index=False)
    org = load_dataset(book)
    assert org.skills["skill_id"].tolist() == ["1", "2", "3"]
    assert org.employees["open_to_move"].tolist() == [False, True, True, True]


def test_formula_like_text_is_not_a_formula_in_xlsx(org, tmp_path):
    tricky = replace_tables(org, skills=org.skills.assign(name=["=SUM(A1:A9)", "+Leadership", "@Python"]))
    book = write_dataset(tricky, tmp_path / "org.xlsx")
    sheet = openpyxl.load_workbook(book)["skills"]
    cells = [sheet.cell(row=r, column=2) for r in (2, 3, 4)]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert cells[0].value == "'=SUM(A1:A9)"
    assert load_dataset(book).skills["name"].tolist() == ["=SUM(A1:A9)", "+Leadership", "@Python"]


# ---- files that cannot be read ------------------------------------------------------------------


def load_issues(path):
    with pytest.raises(InputError) as info:
        load_dataset(path)
    return info.value.issues


def test_missing_folder(tmp_path):
    issue = only(load_issues(tmp_path / "nowhere"))
    assert (issue.table, issue.file, issue.message) == ("dataset", str(tmp_path / "nowhere"), "not found")


def test_empty_folder_lists_each_required_table(tmp_path):
    issues = load_issues(tmp_path)
    assert {i.table for i in issues} == set(valid_tables())
    assert all(i.file == str(tmp_path) and "is missing" in i.message for i in issues)


def test_text_file_named_parquet(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    (folder / "roles.csv").rename(folder / "roles.parquet")
    issue = only(load_issues(folder))
    assert (issue.table, issue.file) == ("roles", str(folder / "roles.parquet"))
    assert "cannot be read as Parquet" in issue.message


def test_truncated_parquet(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data", "parquet")
    data = (folder / "employees.parquet").read_bytes()
    (folder / "employees.parquet").write_bytes(data[: len(data) // 2])
    issue = only(load_issues(folder))
    assert (issue.table, issue.file) == ("employees", str(folder / "employees.parquet"))
    assert "cannot be read as Parquet" in issue.message


def test_broken_workbook(tmp_path):
    book = tmp_path / "org.xlsx"
    book.write_text("not a zip")
    issue = only(load_issues(book))
    assert (issue.table, issue.file) == ("dataset", str(book))
    assert "cannot be read as an Excel workbook" in issue.message


def test_non_utf8_csv(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    (folder / "employees.csv").write_bytes((folder / "employees.csv").read_text().encode("cp1252"))  # Chloé
    issue = only(load_issues(folder))
    assert (issue.table, issue.file, issue.row) == ("employees", str(folder / "employees.csv"), 4)
    assert "UTF-8" in issue.message and "line 4" in issue.message


def test_csv_with_a_stray_field(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    with open(folder / "skills.csv", "a") as f:
        f.write("S04,Rust,Technology,extra\n")
    issue = only(load_issues(folder))
    assert (issue.table, issue.file) == ("skills", str(folder / "skills.csv"))
    assert "cannot be read as CSV" in issue.message and "line 5" in issue.message


def test_utf8_bom_is_accepted(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    (folder / "skills.csv").write_text((folder / "skills.csv").read_text(), encoding="utf-8-sig")
    assert_same(load_dataset(folder), org)


def test_csv_with_semicolons_inside_values_is_comma_separated(org, tmp_path):
    """The delimiter hint is for a line 1 that names no column: ';' inside a comma-separated file is data."""
    changed = replace_tables(org, skills=org.skills.assign(name=["Reporting; IFRS", "Leadership", "Python"]))
    folder = write_dataset(changed, tmp_path / "data")
    assert load_dataset(folder).skills["name"].iloc[0] == "Reporting; IFRS"


def _save_values(book, values: dict[bytes, bytes]) -> None:
    """Rewrite the worksheets' XML as Excel saves a calculated workbook: each formula cell's ``<f>...</f><v />``
    (openpyxl's) becomes the given ``<f>...</f><v>...</v>``."""
    with zipfile.ZipFile(book) as archive:
        members = {info: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members.items():
            for old, new in values.items():
                data = data.replace(old, new)
            archive.writestr(info, data)


def test_formulas_with_saved_values_load_as_their_values(org, tmp_path):
    """A workbook Excel calculated keeps each formula's value: that is what is read, an empty text result included."""
    book = write_dataset(org, tmp_path / "org.xlsx")
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["employees"]
    header = [c.value for c in sheet[1]]
    number = sheet.cell(2, header.index("performance") + 1, "=2+2").coordinate.encode()
    text = sheet.cell(2, header.index("aspirations") + 1, '=IF(TRUE,"","x")').coordinate.encode()
    workbook.save(book)
    _save_values(book, {b'<c r="%s"><f>2+2</f><v />' % number: b'<c r="%s"><f>2+2</f><v>4</v>' % number,
                        b'<c r="%s"><f>IF(TRUE,"","x")</f><v />' % text:
                        b'<c r="%s" t="str"><f>IF(TRUE,"","x")</f><v></v>' % text})
    loaded = load_dataset(book)
    assert loaded.employees["performance"].iloc[0] == 4
    assert loaded.employees["aspirations"].iloc[0] == ""


def test_hidden_sheets_not_named_like_a_table_are_ignored(org, tmp_path):
    book = write_dataset(org, tmp_path / "org.xlsx")
    workbook = openpyxl.load_workbook(book)
    lookup = workbook.create_sheet("lookups")
    lookup.append(["kind"])
    lookup.sheet_state = "hidden"
    workbook.save(book)
    assert_same(load_dataset(book), org)


def test_empty_csv(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    (folder / "skills.csv").write_text("")
    issue = only(load_issues(folder))
    assert (issue.table, issue.file) == ("skills", str(folder / "skills.csv"))
    assert "is empty" in issue.message


def test_header_only_csv_is_an_empty_table(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    (folder / "role_requirements.csv").write_text("role_id,skill_id,level\n")
    assert load_dataset(folder).role_requirements.empty


def test_empty_sheet(org, tmp_path):
    book = write_dataset(org, tmp_path / "org.xlsx")
    wb = openpyxl.load_workbook(book)
    del wb["skills"]
    wb.create_sheet("skills")
    wb.save(book)
    issue = only(load_issues(book))
    assert (issue.table, issue.file) == ("skills", f"{book}[skills]")
    assert "is empty" in issue.message


def test_missing_sheet(org, tmp_path):
    book = write_dataset(org, tmp_path / "org.xlsx")
    wb = openpyxl.load_workbook(book)
    del wb["roles"]
    wb.save(book)
    issue = only(load_issues(book))
    assert (issue.table, issue.file) == ("roles", str(book))
    assert "no sheet named 'roles'" in issue.message


def test_two_files_for_one_table(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    org.skills.to_parquet(folder / "skills.parquet")
    issue = only(load_issues(folder))
    assert (issue.table, issue.file) == ("skills", str(folder))
    assert "skills.csv, skills.parquet" in issue.message


def test_file_problems_and_row_problems_together(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    (folder / "skills.csv").write_text("")
    employees = (folder / "employees.csv").read_text()
    (folder / "employees.csv").write_text(employees.replace("Ben Ortiz,R02,Finance,Leeds,4", "Ben Ortiz,R02,Finance,Leeds,high"))
    issues = load_issues(folder)
    assert {(i.table, i.row) for i in issues} == {("skills", None), ("employees", 3)}


def test_blank_line_keeps_line_numbers(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    lines = (folder / "skills.csv").read_text().splitlines()
    lines.insert(2, "")
    lines[3] = lines[3].replace("Leadership,Leadership", ",Leadership")
    (folder / "skills.csv").write_text("\n".join(lines) + "\n\n\n")
    issues = load_issues(folder)
    assert {(i.row, i.column) for i in issues} == {(3, "skill_id"), (3, "name"), (4, "name")}


# ---- writing ------------------------------------------------------------------------------------


def test_write_is_atomic(org, tmp_path, monkeypatch):
    folder = write_dataset(org, tmp_path / "data")
    before = {f.name: f.read_bytes() for f in folder.iterdir()}
    calls = []
    real_to_csv = pd.DataFrame.to_csv

    def failing_to_csv(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_to_csv(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", failing_to_csv)
    changed = replace_tables(org, skills=org.skills.assign(name=["A", "B", "C"]))
    with pytest.raises(OSError, match="disk full"):
        write_dataset(changed, folder)
    assert {f.name: f.read_bytes() for f in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


def test_rewrite_in_another_format_replaces_the_folder(org, tmp_path):
    folder = write_dataset(org, tmp_path / "data")
    write_dataset(org, folder, "parquet")
    assert sorted(f.suffix for f in folder.iterdir() if f.name != MANIFEST) == [".parquet"] * len(TABLES)
    assert [p.name for p in tmp_path.iterdir()] == ["data"]
    assert_same(load_dataset(folder), org)


def test_write_refuses_to_replace_a_folder_with_other_files(org, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="notes.txt"):
        write_dataset(org, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_write_rejects_a_format_that_does_not_fit_the_path(org, tmp_path):
    with pytest.raises(ValueError):
        write_dataset(org, tmp_path / "org.xlsx", "csv")
    with pytest.raises(ValueError):
        write_dataset(org, tmp_path / "data", "json")
