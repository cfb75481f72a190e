"""The O*NET importer, on the real O*NET files in shared/data/onet (skipped when they are absent) and on
small hand-made files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from planner.contract.domain import TABLES
from planner.contract.errors import InputError
from planner.inputs.onet import (
    GRADE_EDGES,
    SOC_MAJOR_GROUPS,
    grade_of,
    import_onet,
    lv_to_level,
    onet_organisation,
)
from planner.inputs.checks import build_organisation

ONET = Path(__file__).resolve().parents[2] / "shared" / "data" / "onet"
SKILLS_XLSX = ONET / "Skills.xlsx"
OCCUPATIONS = ONET / "Occupation Data.txt"
real_data = pytest.mark.skipif(not (SKILLS_XLSX.is_file() and OCCUPATIONS.is_file()),
                               reason=f"O*NET files not found in {ONET}")
COLUMNS = ["O*NET-SOC Code", "Title", "Element ID", "Element Name", "Scale ID", "Scale Name", "Data Value", "N",
           "Standard Error", "Lower CI Bound", "Upper CI Bound", "Recommend Suppress", "Not Relevant", "Date",
           "Domain Source"]


def contract(name: str) -> list[str]:
    return list(TABLES[name].row_model.model_fields)


def write_txt(df: pd.DataFrame, path: Path) -> Path:
    """Write ratings the way O*NET's text release does: tab-separated, 'n/a' where Excel has an empty cell."""
    out = df.copy()
    out["Not Relevant"] = out["Not Relevant"].replace("", "n/a")
    out.to_csv(path, sep="\t", index=False)
    return path


# --------------------------------------------------------------------------------------------
# The real files.
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_excel(SKILLS_XLSX, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def skills_txt(raw, tmp_path_factory) -> Path:
    return write_txt(raw, tmp_path_factory.mktemp("onet") / "Skills.txt")


@pytest.fixture(scope="module")
def full() -> dict[str, pd.DataFrame]:
    return import_onet(SKILLS_XLSX, OCCUPATIONS)


@real_data
def test_full_import(full):
    skills, roles, req = full["skills"], full["roles"], full["role_requirements"]
    assert list(skills.columns) == contract("skills")
    assert list(roles.columns) == contract("roles")
    assert list(req.columns) == contract("role_requirements")
    assert len(roles) > 800 and roles["role_id"].is_unique
    assert 0 < len(skills) <= 35 and skills["skill_id"].is_unique
    assert req["level"].between(0, 5).all()
    assert set(roles["family"]) <= set(SOC_MAJOR_GROUPS.values())
    assert (roles["family"] == roles["role_id"].str[:2].map(SOC_MAJOR_GROUPS)).all()
    assert set(req["role_id"]) <= set(roles["role_id"]) and set(req["skill_id"]) == set(skills["skill_id"])
    assert roles["level"].between(1, 6).all() and set(roles["level"]) == {1, 2, 3, 4, 5, 6}
    assert not roles["critical"].any()
    ceo = roles.set_index("role_id").loc["11-1011.00"]
    assert ceo["title"] == "Chief Executives" and ceo["level"] == 6 and ceo["criticality"] == 5
    negotiation = skills.set_index("skill_id").loc["2.B.1.d"]
    assert (negotiation["name"], negotiation["category"]) == ("Negotiation", "Social Skills")


@real_data
def test_threshold_and_critical_share(full, skills_txt):
    strict = import_onet(skills_txt, importance_threshold=4.0, critical_share=0.05)
    default = full
    assert len(strict["role_requirements"]) < len(default["role_requirements"])
    roles = strict["roles"]
    critical = roles[roles["critical"]]
    assert len(critical) == -(-len(roles) * 5 // 100)  # ceil(5% of the roles)
    assert critical["level"].min() >= roles.loc[~roles["critical"], "level"].max() - 1
    assert (roles["title"] == default["roles"]["title"]).all()  # Skills' own titles match Occupation Data's here


@real_data
def test_text_release_matches_excel_for_a_slice(raw, tmp_path):
    codes = sorted(set(raw["O*NET-SOC Code"]))[::25]
    flagged = raw.loc[raw["Recommend Suppress"].eq("Y") | raw["Not Relevant"].eq("Y"), "O*NET-SOC Code"].iloc[:3]
    part = raw[raw["O*NET-SOC Code"].isin(set(codes) | set(flagged))]
    part.to_excel(tmp_path / "Skills.xlsx", index=False)
    write_txt(part, tmp_path / "Skills.txt")
    from_xlsx = import_onet(tmp_path / "Skills.xlsx", OCCUPATIONS)
    from_txt = import_onet(tmp_path / "Skills.txt", OCCUPATIONS)
    assert len(from_xlsx["roles"]) == part["O*NET-SOC Code"].nunique()
    for name in from_xlsx:
        pd.testing.assert_frame_equal(from_xlsx[name], from_txt[name])


@real_data
def test_full_text_release_matches_excel(full, skills_txt):
    from_txt = import_onet(skills_txt, OCCUPATIONS)
    for name in full:
        pd.testing.assert_frame_equal(full[name], from_txt[name])


@real_data
def test_onet_organisation_validates_and_plans(skills_txt):
    import planner
    from planner.contract.scenario import Budget, Scenario, SolverConfig

    args = dict(n_employees=150, seed=3, n_roles=24, horizon_quarters=8)
    frames = onet_organisation(skills_txt, OCCUPATIONS, **args)
    again = onet_organisation(skills_txt, OCCUPATIONS, **args)
    assert {name for name, spec in TABLES.items() if spec.required} <= set(frames)
    for name in frames:
        assert list(frames[name].columns) == contract(name)
        pd.testing.assert_frame_equal(frames[name], again[name])  # same arguments, same tables
    org = build_organisation(frames, source="onet")
    assert len(org.employees) == 150 and len(org.roles) == 24
    assert org.roles["critical"].any() and org.employees["employee_id"].is_unique
    assert set(org.roles["family"]) <= set(SOC_MAJOR_GROUPS.values())

    scenario = Scenario(name="onet", dataset="<memory>", horizon_quarters=8, budget=Budget(total=40_000),
                        solver=SolverConfig(time_limit_seconds=8, num_workers=4))
    plan = planner.solve(scenario, org)
    assert plan.has_solution
    report = planner.check(org, scenario, plan)
    assert report.ok, (report.violations, report.mismatches)


# --------------------------------------------------------------------------------------------
# Hand-made files: the rules and the errors.
# --------------------------------------------------------------------------------------------


def rating(code, title, element, name, scale, value, suppress="N", not_relevant=""):
    row = dict.fromkeys(COLUMNS, "")
    row.update({"O*NET-SOC Code": code, "Title": title, "Element ID": element, "Element Name": name, "Scale ID": scale,
                "Data Value": str(value), "Recommend Suppress": suppress, "Not Relevant": not_relevant,
                "Scale Name": "Importance" if scale == "IM" else "Level", "Date": "08/2022",
                "Domain Source": "Analyst"})
    return row


def tiny() -> pd.DataFrame:
    ceo, clerk = ("11-1011.00", "Chief Executives"), ("43-4051.00", "Customer Service Representatives")
    rows = [
        # kept: important, LV 5.0 -> 5 * 5 / 7 = 3.57 -> 4
        rating(*ceo, "2.A.1.a", "Reading Comprehension", "IM", 4.5),
        rating(*ceo, "2.A.1.a", "Reading Comprehension", "LV", 5.0),
        # LV suppressed: dropped
        rating(*ceo, "2.B.1.d", "Negotiation", "IM", 4.0),
        rating(*ceo, "2.B.1.d", "Negotiation", "LV", 4.5, suppress="Y"),
        # LV not relevant: dropped
        rating(*ceo, "2.B.3.l", "Repairing", "IM", 3.5),
        rating(*ceo, "2.B.3.l", "Repairing", "LV", 4.0, not_relevant="Y"),
        # not important enough: dropped
        rating(*ceo, "2.B.5.b", "Management of Financial Resources", "IM", 2.9),
        rating(*ceo, "2.B.5.b", "Management of Financial Resources", "LV", 6.0, not_relevant="N"),
        # kept: LV 3.5 -> 2.5 -> rounds half up to 3
        rating(*clerk, "2.B.1.f", "Service Orientation", "IM", 4.0),
        rating(*clerk, "2.B.1.f", "Service Orientation", "LV", 3.5, not_relevant="N"),
        # kept: LV 1.5 -> 1.07 -> 1
        rating(*clerk, "2.B.2.i", "Complex Problem Solving", "IM", 3.0),
        rating(*clerk, "2.B.2.i", "Complex Problem Solving", "LV", 1.5, not_relevant="N"),
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def test_rules_on_a_tiny_file(tmp_path):
    frames = import_onet(write_txt(tiny(), tmp_path / "Skills.txt"))
    req = frames["role_requirements"]
    assert sorted(zip(req["role_id"], req["skill_id"], req["level"])) == [
        ("11-1011.00", "2.A.1.a", 4), ("43-4051.00", "2.B.1.f", 3), ("43-4051.00", "2.B.2.i", 1)]
    skills = frames["skills"].set_index("skill_id")
    assert list(skills.index) == ["2.A.1.a", "2.B.1.f", "2.B.2.i"]  # only skills some role requires
    assert skills["category"].tolist() == ["Basic Skills", "Social Skills", "Complex Problem Solving Skills"]
    roles = frames["roles"].set_index("role_id")
    # mean usable LV: CEO (5.0 + 6.0) / 2 = 5.5 -> grade 6; clerk (3.5 + 1.5) / 2 = 2.5 -> grade 3
    assert roles["level"].tolist() == [6, 3]
    assert roles["family"].tolist() == ["Management Occupations", "Office and Administrative Support Occupations"]
    assert roles["department"].tolist() == roles["family"].tolist()
    assert roles["criticality"].tolist() == [5, 2]
    assert roles["external_hire_cost"].tolist() == [140_000.0, 40_000.0]
    assert roles["incumbent_id"].isna().all() and roles["vacancy_quarter"].isna().all()
    assert not roles["critical"].any()
    assert import_onet(tmp_path / "Skills.txt", critical_share=0.5)["roles"]["critical"].tolist() == [True, False]


def test_level_and_grade_rules():
    assert lv_to_level([0, 0.69, 0.7, 1.4, 2.8, 3.5, 4.2, 4.9, 6.3, 7]).tolist() == [0, 0, 1, 1, 2, 3, 3, 4, 5, 5]
    assert grade_of([1.0, *GRADE_EDGES, 7.0, float("nan")]).tolist() == [1, 2, 3, 4, 5, 6, 6, 1]


def test_titles_from_occupation_data(tmp_path):
    skills = write_txt(tiny(), tmp_path / "Skills.txt")
    occupations = tmp_path / "Occupation Data.txt"
    occupations.write_text("O*NET-SOC Code\tTitle\tDescription\n11-1011.00\tChief Executive Officers\tLead.\n",
                           encoding="utf-8")
    titles = import_onet(skills, occupations)["roles"]["title"].tolist()
    assert titles == ["Chief Executive Officers", "Customer Service Representatives"]  # the other from Skills


def issue_of(exc: pytest.ExceptionInfo) -> list[tuple]:
    return [(i.file, i.column, i.row) for i in exc.value.issues]


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found") as exc:
        import_onet(tmp_path / "Skills.xlsx")
    assert exc.value.issues[0].file == str(tmp_path / "Skills.xlsx")
    with pytest.raises(InputError, match="not found"):
        import_onet(write_txt(tiny(), tmp_path / "Skills.txt"), tmp_path / "Occupation Data.txt")


def test_missing_columns(tmp_path):
    path = write_txt(tiny().drop(columns=["Scale ID", "Data Value"]), tmp_path / "Skills.txt")
    with pytest.raises(InputError, match="required column 'Scale ID' is missing") as exc:
        import_onet(path)
    assert issue_of(exc) == [(str(path), "Scale ID", None), (str(path), "Data Value", None)]


def test_files_that_are_not_what_they_claim(tmp_path):
    text = write_txt(tiny(), tmp_path / "Skills.txt")
    fake_xlsx = tmp_path / "Skills.xlsx"
    shutil.copy(text, fake_xlsx)
    with pytest.raises(InputError, match="is not an Excel workbook .*name it .txt"):
        import_onet(fake_xlsx)
    book = tmp_path / "book.xlsx"
    tiny().to_excel(book, index=False)
    shutil.copy(book, tmp_path / "book.txt")
    with pytest.raises(InputError, match="is an Excel workbook, not tab-separated text"):
        import_onet(tmp_path / "book.txt")
    (tmp_path / "Skills.csv").write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="unknown file type '.csv'"):
        import_onet(tmp_path / "Skills.csv")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="not UTF-8"):
        import_onet(tmp_path / "binary.txt")
    # O*NET's Knowledge table has the same columns, but its elements are 2.C.*
    knowledge = tiny().assign(**{"Element ID": "2.C.1.a", "Element Name": "Administration and Management"})
    path = write_txt(knowledge, tmp_path / "Knowledge.txt")
    with pytest.raises(InputError, match="not an O\\*NET skill") as exc:
        import_onet(path)
    assert issue_of(exc) == [(str(path), "Element ID", 2)]


def test_bad_values_name_the_row(tmp_path):
    bad = tiny()
    bad.loc[3, "Data Value"] = "high"
    bad.loc[5, "O*NET-SOC Code"] = "CEO"
    path = write_txt(bad, tmp_path / "Skills.txt")
    with pytest.raises(InputError) as exc:
        import_onet(path)
    assert sorted(issue_of(exc), key=str) == sorted([(str(path), "O*NET-SOC Code", 7), (str(path), "Data Value", 5)],
                                                    key=str)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:2] + ["\n"] + lines[2:]))  # a blank line 3: later rows keep their line numbers
    with pytest.raises(InputError) as exc:
        import_onet(path)
    assert sorted(issue_of(exc), key=str) == sorted([(str(path), "O*NET-SOC Code", 8), (str(path), "Data Value", 6)],
                                                    key=str)
    book = tmp_path / "Skills.xlsx"
    bad.to_excel(book, index=False)
    with pytest.raises(InputError) as exc:
        import_onet(book)
    assert sorted(issue_of(exc), key=str) == sorted([(str(book), "O*NET-SOC Code", 7), (str(book), "Data Value", 5)],
                                                    key=str)


def test_bad_arguments(tmp_path):
    path = write_txt(tiny(), tmp_path / "Skills.txt")
    with pytest.raises(ValueError, match="importance_threshold"):
        import_onet(path, importance_threshold=6)
    with pytest.raises(ValueError, match="critical_share"):
        import_onet(path, critical_share=1.5)


def test_cli_import_writes_a_folder_of_tables_and_never_over_the_users_files(tmp_path):
    from typer.testing import CliRunner

    from planner.cli import app
    from planner.contract.paths import MANIFEST

    skills = write_txt(tiny(), tmp_path / "Skills.txt")
    run = lambda out, *extra: CliRunner().invoke(app, ["import", "onet", "--skills", str(skills), "--out", str(out), *extra])  # noqa: E731
    out = tmp_path / "onet"
    for _ in range(2):  # the second run replaces the first one's tables
        result = run(out)
        assert result.exit_code == 0, result.output
    assert "replacing the dataset in" in " ".join(result.output.split())
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "role_requirements.csv", "roles.csv", "skills.csv"]
    result = run(tmp_path)  # the folder holding the Skills file being read
    assert result.exit_code == 2 and "which is being read" in " ".join(result.output.split())
    mine = tmp_path / "data"
    mine.mkdir()
    (mine / "roles.csv").write_text("role_id\nmine\n")
    result = run(mine)
    assert result.exit_code == 2 and "holds files the planner did not write (roles.csv)" in " ".join(result.output.split())
    assert (mine / "roles.csv").read_text() == "role_id\nmine\n"
