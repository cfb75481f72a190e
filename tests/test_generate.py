"""The synthetic organisation generator and the bundled sample it wrote."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner.contract.domain import TABLES
from planner.contract.paths import MANIFEST
from typer.testing import CliRunner

from planner.cli import app
from planner.synthetic.generate import generate_organisation, suggested_budget
from planner.inputs.checks import build_organisation

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _read_csv_folder(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(folder / f"{name}.csv", dtype=str) for name in TABLES if (folder / f"{name}.csv").exists()}


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
    first = generate_organisation(120, 12, 30, seed=3, workforce=True)
    again = generate_organisation(120, 12, 30, seed=3, workforce=True)
    other = generate_organisation(120, 12, 30, seed=4)
    assert set(first) == set(TABLES) - {"workforce_supply"}  # the generator counts employees instead
    for name in first:
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
    written = [f"{name}.csv" for name in TABLES if name != "workforce_supply"]
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, *written])
    org = build_organisation(_read_csv_folder(out))
    assert len(org.employees) == 80 and len(org.critical_roles) == 10
    assert "80 employees, 10 critical roles" in " ".join(result.output.split())


def test_cli_writes_the_bundled_sample_byte_for_byte(tmp_path):
    result = CliRunner().invoke(app, ["generate", "--sample", "--out", str(tmp_path / "sample")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "sample").iterdir()) == sorted(p.name for p in SAMPLE.iterdir())
    for name in TABLES:
        if name != "workforce_supply":
            assert (tmp_path / "sample" / f"{name}.csv").read_bytes() == (SAMPLE / f"{name}.csv").read_bytes(), name


def test_too_few_employees_for_the_critical_roles_is_refused():
    with pytest.raises(ValueError, match="too few"):
        generate_organisation(30, 10, 10)


# ---- the hard profile: what issue 11 asks a realistic benchmark organisation to be ---------------


def _hard_table(n_employees, n_critical, n_interventions, seed):
    from planner.contract.scenario import Budget, Scenario
    from planner.problem.candidates import candidate_table

    frames = generate_organisation(n_employees, n_critical, n_interventions, seed=seed, profile="hard")
    org = build_organisation(frames)
    scenario = Scenario(name="hard", dataset=".", budget=Budget(total=suggested_budget(frames, share=0.4)))
    return frames, org, candidate_table(org, scenario)


@pytest.mark.parametrize("n_employees, n_critical, n_interventions, seed", [(300, 32, 43, 1), (2000, 120, 60, 7)])
def test_hard_profile_has_few_ready_now_for_senior_roles(n_employees, n_critical, n_interventions, seed):
    frames, org, table = _hard_table(n_employees, n_critical, n_interventions, seed)
    assert org.warnings == []
    level = org.roles.set_index("role_id").loc[list(table.role_ids), "level"].to_numpy()
    senior = level[table.role] >= 5
    assert senior.any()
    assert table.ready_now[senior].mean() <= 0.15  # the "at most 15% of eligible pairs"
    standard = build_organisation(generate_organisation(n_employees, n_critical, n_interventions, seed=seed))
    assert len(org.employees) == len(standard.employees)
    # senior requirements are raised, never past what the catalogue can train
    grade = frames["roles"].set_index("role_id")["level"]
    critical = frames["roles"].set_index("role_id")["critical"]
    top = frames["intervention_effects"].groupby("skill_id")["to_level"].max()
    plain = generate_organisation(n_employees, n_critical, n_interventions, seed=seed)["role_requirements"]
    both = frames["role_requirements"].merge(plain, on=["role_id", "skill_id"], suffixes=("", "_plain"))
    assert len(both) == len(plain) == len(frames["role_requirements"])
    raised = both[both["level"] > both["level_plain"]]
    assert len(raised) >= n_critical / 4
    assert (raised["level"] - raised["level_plain"] == 1).all()
    assert raised["role_id"].map(critical).all() and (raised["role_id"].map(grade) >= 4).all()
    assert (raised["level"] <= raised["skill_id"].map(top)).all()  # never past what the catalogue can train


def test_hard_profile_development_comes_in_parts_with_prerequisites():
    frames = generate_organisation(300, 32, 43, seed=3, profile="hard")
    iv, eff = frames["interventions"], frames["intervention_effects"]
    assert len(iv) == 43
    parts = iv[iv["name"].str.contains(": Part ")]
    assert len(parts) >= 10
    for name in parts.loc[parts["name"].str.endswith("Part 2"), "name"]:
        first = iv.loc[iv["name"] == name.replace("Part 2", "Part 1"), "intervention_id"]
        assert len(first) == 1, f"{name} came without its first part"
        second = iv.loc[iv["name"] == name, "intervention_id"].iloc[0]
        step1 = eff[eff["intervention_id"] == first.iloc[0]].iloc[0]
        step2 = eff[(eff["intervention_id"] == second) & (eff["skill_id"] == step1["skill_id"])].iloc[0]
        assert step2["min_level"] == step1["to_level"]  # part 2 needs what part 1 teaches
        assert step2["to_level"] == step1["to_level"] + 1
    # no single intervention raises a skill by two levels or more to level 4 or 5
    assert not ((eff["to_level"] - eff["min_level"] >= 2) & (eff["to_level"] >= 4)).any()


def test_hard_profile_seats_hours_vacancies_and_budget():
    frames = generate_organisation(2000, 120, 60, seed=5, profile="hard")
    plain = generate_organisation(2000, 120, 60, seed=5)
    assert frames["interventions"]["seats_per_quarter"].notna().all()  # every seat is rationed
    assert plain["interventions"]["seats_per_quarter"].isna().any()
    assert frames["employees"]["learning_hours_per_quarter"].median() < plain["employees"]["learning_hours_per_quarter"].median()
    quarters = frames["roles"].loc[frames["roles"]["critical"], "vacancy_quarter"].dropna().astype(int)
    assert quarters.nunique() == 12  # every quarter of the horizon sees vacancies ...
    assert (quarters >= 6).mean() >= 0.35  # ... the later half too
    assert (plain["roles"].loc[plain["roles"]["critical"], "vacancy_quarter"].dropna() >= 9).sum() == 0
    full, part = suggested_budget(frames, share=1.0), suggested_budget(frames, share=0.4)
    assert part == pytest.approx(0.4 * full, rel=0.06)  # two significant figures


def test_unknown_profile_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown profile 'easy'"):
        generate_organisation(80, 10, 20, profile="easy")
    result = CliRunner().invoke(app, ["generate", "--employees", "80", "--critical-roles", "10", "--interventions", "20",
                                      "--profile", "easy", "--out", str(tmp_path / "org")])
    assert result.exit_code == 2
    assert "unknown profile 'easy'" in result.output
    assert not (tmp_path / "org").exists()


def test_cli_writes_a_hard_dataset(tmp_path):
    out = tmp_path / "org"
    result = CliRunner().invoke(app, ["generate", "--employees", "300", "--critical-roles", "32", "--interventions", "43",
                                      "--seed", "1", "--profile", "hard", "--out", str(out)])
    assert result.exit_code == 0, result.output
    org = build_organisation(_read_csv_folder(out))
    assert org.interventions["seats_per_quarter"].notna().all()


def test_workforce_tables_leave_the_other_tables_as_they_were():
    plain = generate_organisation(120, 12, 30, seed=3)
    both = generate_organisation(120, 12, 30, seed=3, workforce=True)
    assert not {n for n in plain if n.startswith("workforce_")}
    for name in plain:
        if name != "employees":
            pd.testing.assert_frame_equal(plain[name], both[name])
    pd.testing.assert_frame_equal(plain["employees"], both["employees"][list(plain["employees"].columns)])
    assert {"fte", "retirement_quarter"} <= set(both["employees"].columns)
