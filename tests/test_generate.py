"""The synthetic organisation generator and the bundled sample it wrote."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner.contract.domain import TABLES
from typer.testing import CliRunner

from planner.cli import app
from planner.synthetic.generate import generate_organisation, suggested_budget
from planner.inputs.checks import build_organisation

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _read_csv_folder(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(folder / f"{name}.csv", dtype=str) for name in TABLES}


@pytest.mark.parametrize(
    "n_employees, n_critical, n_interventions, seed",
    [(60, 8, 12, 1), (300, 32, 43, 5), (900, 80, 90, 2)],  # 80 roles > the group's 39: divisional copies
)
def test_generated_frames_validate(n_employees, n_critical, n_interventions, seed):
    frames = generate_organisation(n_employees, n_critical, n_interventions, seed=seed)
    org = build_organisation(frames)
    assert len(org.employees) == n_employees
    assert len(org.critical_roles) == n_critical
    assert len(org.interventions) == n_interventions
    assert org.warnings == []  # e.g. every intervention has an effect
    assert set(frames["roles"].columns) == set(TABLES["roles"].row_model.model_fields)


def test_same_seed_same_frames_and_different_seed_different():
    first = generate_organisation(120, 12, 30, seed=3)
    again = generate_organisation(120, 12, 30, seed=3)
    other = generate_organisation(120, 12, 30, seed=4)
    for name in TABLES:
        pd.testing.assert_frame_equal(first[name], again[name])
    assert not first["employees"].equals(other["employees"])
    assert not first["employee_skills"].equals(other["employee_skills"])


def test_structure_is_a_pyramid_with_candidates_below_each_critical_role():
    frames = generate_organisation(600, 40, 43, seed=9)
    roles, employees = frames["roles"], frames["employees"]
    grade = employees["role_id"].map(roles.set_index("role_id")["level"])
    per_grade = grade.value_counts().sort_index()
    assert list(per_grade.index) == [1, 2, 3, 4, 5, 6]
    assert per_grade.is_monotonic_decreasing

    critical = roles[roles["critical"]]
    assert critical["level"].between(3, 6).all()
    assert critical["incumbent_id"].isna().any()  # a few are vacant ...
    assert (critical.loc[critical["incumbent_id"].isna(), "vacancy_quarter"] == 0).all()  # ... and needed now
    assert critical["incumbent_id"].notna().mean() > 0.9
    assert critical["external_hire_cost"].between(40_000, 250_000).all()
    assert critical.groupby("level")["external_hire_cost"].mean().is_monotonic_increasing

    family = employees["role_id"].map(roles.set_index("role_id")["family"])
    for role in critical.itertuples():
        below = (family == role.family) & (grade == role.level - 1)
        assert below.any(), f"{role.role_id} has nobody one grade below in {role.family}"

    # Shared roles are held by many; most skill rows sit at or just below the current role's needs.
    holders = employees["role_id"].value_counts()
    assert holders.max() >= 10
    need = frames["role_requirements"].merge(employees[["employee_id", "role_id"]], on="role_id")
    have = need.merge(frames["employee_skills"], on=["employee_id", "skill_id"], how="left", suffixes=("_need", ""))
    short = have["level_need"] - have["level"].fillna(0)
    assert ((short >= 0) & (short <= 1)).mean() > 0.6


def test_bundled_sample_loads_and_has_the_promised_shape():
    org = build_organisation(_read_csv_folder(SAMPLE), source=str(SAMPLE))
    assert 250 <= len(org.employees) <= 350
    assert 25 <= len(org.critical_roles) <= 40
    assert 20 <= len(org.skills) <= 40
    assert 30 <= len(org.interventions) <= 50
    assert org.employees["employee_id"].str.fullmatch(r"E\d{5}").all()  # leading zeros survived the CSV

    effects = org.intervention_effects
    foundations = effects[effects["to_level"] >= 3]
    advanced = effects[effects["min_level"] >= 3]
    pathways = advanced.merge(foundations, on="skill_id", suffixes=("", "_first"))
    pathways = pathways[pathways["intervention_id"] != pathways["intervention_id_first"]]
    assert not pathways.empty
    assert set(org.interventions["kind"]) == {"course", "certification", "mentoring", "stretch_assignment", "rotation", "coaching"}


def test_suggested_budget_is_a_round_part_of_the_need():
    frames = generate_organisation(300, 32, 43, seed=22)
    budget = suggested_budget(frames)
    assert budget > 0
    digits = len(str(int(budget)))
    assert budget % 10 ** (digits - 2) == 0  # two significant figures
    # far below what hiring everyone from outside would cost, so development pays but must be chosen
    assert budget < 0.5 * frames["roles"].loc[frames["roles"]["critical"], "external_hire_cost"].sum()
    # the same number from tables read back as text and validated
    org = build_organisation(frames)
    assert suggested_budget({name: org.table(name) for name in TABLES}) == budget


def test_cli_writes_a_valid_dataset(tmp_path):
    out = tmp_path / "org"
    result = CliRunner().invoke(app, ["generate", "--employees", "80", "--critical-roles", "10", "--interventions", "20",
                                      "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.csv" for name in TABLES)
    org = build_organisation(_read_csv_folder(out))
    assert len(org.employees) == 80 and len(org.critical_roles) == 10
    assert "80 employees, 10 critical roles" in " ".join(result.output.split())


def test_cli_writes_the_bundled_sample_byte_for_byte(tmp_path):
    result = CliRunner().invoke(app, ["generate", "--sample", "--out", str(tmp_path / "sample")])
    assert result.exit_code == 0, result.output
    for name in TABLES:
        assert (tmp_path / "sample" / f"{name}.csv").read_bytes() == (SAMPLE / f"{name}.csv").read_bytes(), name


def test_too_few_employees_for_the_critical_roles_is_refused():
    with pytest.raises(ValueError, match="too few"):
        generate_organisation(30, 10, 10)
