"""Outputs: a folder is replaced only if it is missing, empty or a previous output of the same kind
(or with --force); never a file, an input or the current folder; names never leave their folder.

Pairs: each refusal (tests/test_hostile.py has the corpus) next to the write that is allowed. The
CLI solves run on the small org of tests/factories.py with a 2-second limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import Result
from hostile import outputs
from hostile.dataset import write_scenario, write_valid
from typer.testing import CliRunner

import planner
from planner.app_support.files import inside
from planner.cli import app
from planner.contract.paths import (MANIFEST, OutputRefused, check_file_output, check_folder_output, check_name,
                                    write_folder)

ROOT = Path(__file__).resolve().parents[1]


def cli(*args) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def one_line(result: Result) -> str:
    return " ".join(result.output.split())


@pytest.fixture
def scenario(tmp_path) -> Path:
    return write_scenario(tmp_path, write_valid(tmp_path))


def solve(scenario: Path, out, *extra) -> Result:
    return cli("solve", scenario, "--out", out, "--workspace", scenario.parent / "ws", "-q", "--time-limit", "2", *extra)


def fill(text: str):
    return lambda folder: (folder / "a.txt").write_text(text)


# ---- the helper --------------------------------------------------------------------------------


def test_a_folder_is_written_with_its_manifest_and_replaced_when_it_is_a_previous_output(tmp_path):
    out = tmp_path / "out"
    assert check_folder_output(out, "plan") is None
    write_folder(out, "plan", fill("one"))
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["kind"] == "plan" and set(manifest["files"]) == {"a.txt"} and manifest["written"]

    replacing = check_folder_output(out, "plan")
    assert (replacing.kind, replacing.written) == ("plan", manifest["written"])
    assert str(replacing) == f"replacing the plan in {out}/ written {manifest['written']}"
    write_folder(out, "plan", fill("two"))
    assert (out / "a.txt").read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no temporary left


def test_an_empty_folder_is_written_and_a_foreign_one_only_with_force(tmp_path):
    (tmp_path / "empty").mkdir()
    write_folder(tmp_path / "empty", "dataset", fill("x"))
    assert (tmp_path / "empty" / "a.txt").exists()

    out = outputs.foreign_folder(tmp_path)
    with pytest.raises(OutputRefused, match=r"r holds files the planner did not write \(notes.txt\).*--force"):
        write_folder(out, "dataset", fill("x"))
    assert (out / "notes.txt").read_text() == "keep me"
    assert str(check_folder_output(out, "dataset", force=True)).endswith("deleting notes.txt, which the planner did not write")
    write_folder(out, "dataset", fill("x"), force=True)
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.txt"]


def test_a_file_the_user_deleted_from_a_previous_output_does_not_stop_the_replace(tmp_path):
    out = outputs.previous("plan", tmp_path)
    (out / "kpis.json").unlink()
    assert check_folder_output(out, "plan").kind == "plan"


@pytest.mark.parametrize("build", [outputs.plan_with_a_file_added, outputs.plan_with_a_file_edited,
                                   outputs.plan_with_a_subfolder, outputs.forged_manifest])
def test_a_previous_output_the_user_changed_is_not_replaced(tmp_path, build):
    out = build(tmp_path)
    with pytest.raises(OutputRefused, match=str(out)):
        check_folder_output(out, "plan")
    assert check_folder_output(out, "plan", force=True).kind is None


@pytest.mark.parametrize("build", [outputs.existing_file, outputs.symlink_to_foreign_folder, outputs.inside_a_file,
                                   outputs.around_the_inputs])
def test_files_links_and_inputs_are_refused_even_with_force(tmp_path, build):
    (tmp_path / "data").mkdir(exist_ok=True)
    out = build(tmp_path)
    with pytest.raises(OutputRefused, match=str(out)):
        check_folder_output(out, "plan", inputs=[tmp_path / "data"], force=True)


@pytest.mark.parametrize("out", [".", "..", "sub/.."])
def test_the_current_folder_and_those_above_it_are_refused_even_with_force(tmp_path, monkeypatch, out):
    (tmp_path / "cwd" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "cwd")
    with pytest.raises(OutputRefused, match="is or contains the current folder"):
        check_folder_output(Path(out), "plan", force=True)
    assert check_folder_output(Path("sub"), "plan") is None  # a folder below it is fine


def test_an_output_beside_or_inside_an_input_is_fine(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    assert check_folder_output(tmp_path / "plan", "plan", inputs=[data]) is None
    assert check_folder_output(data / "plan", "plan", inputs=[data]) is None


def _killed(script: str, out: Path) -> int:
    """Run ``script`` (which kills itself with exit code 9 part-way through a write of ``out``) in a
    fresh interpreter; its exit code."""
    return subprocess.run([sys.executable, "-c", script, str(out)], cwd=ROOT, env={"PYTHONPATH": str(ROOT)}).returncode


def test_a_killed_write_leaves_the_old_folder_and_at_most_a_recognisable_hidden_sibling(tmp_path):
    out = tmp_path / "out"
    write_folder(out, "plan", fill("old"))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    killer = ("import os, sys; from pathlib import Path; from planner.contract.paths import write_folder\n"
              "def write(folder):\n    (folder / 'a.txt').write_text('new')\n    os._exit(9)\n"
              "write_folder(Path(sys.argv[1]), 'plan', write)\n")
    assert _killed(killer, out) == 9
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "out")
    assert len(left) == 1 and left[0].startswith(".out.planner-tmp-"), left
    write_folder(out, "plan", fill("new"))  # the leftover does not stand in the way, and is cleared
    assert (out / "a.txt").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_write_killed_between_its_two_renames_gets_the_old_folder_back(tmp_path):
    out = tmp_path / "out"
    write_folder(out, "plan", fill("old"))
    killer = ("import os, sys; from pathlib import Path; import planner.contract.paths as paths\n"
              "real = os.replace\n"
              "def replace(a, b):\n    real(a, b)\n    if Path(b).name == 'old':\n        os._exit(9)\n"
              "paths.os.replace = replace\n"
              "paths.write_folder(Path(sys.argv[1]), 'plan', lambda f: (f / 'a.txt').write_text('new'))\n")
    assert _killed(killer, out) == 9 and not out.exists()  # killed with the old folder moved aside, the new not in
    assert "out" not in [p.name for p in tmp_path.iterdir()]
    result = cli("plans", "list", "--workspace", tmp_path / "ws")  # an unrelated command leaves it alone
    assert result.exit_code == 0 and not out.exists()
    write_folder(out, "plan", fill("newer"))  # the next write of that folder recovers first, then replaces
    assert (out / "a.txt").read_text() == "newer" and sorted(p.name for p in tmp_path.iterdir()) == ["out", "ws"]


def test_recovery_puts_the_old_folder_back_when_the_next_write_is_refused(tmp_path):
    out = tmp_path / "out"
    write_folder(out, "plan", fill("old"))
    work = tmp_path / ".out.planner-tmp-deadbeef"
    work.mkdir()
    os.replace(out, work / "old")
    (work / "pid").write_text("999999999")  # a writer that no longer runs
    with pytest.raises(OutputRefused):
        write_folder(out, "dataset", fill("other kind"))  # refused: a plan is not replaced by a dataset
    assert (out / "a.txt").read_text() == "old" and not work.exists()


def test_a_running_writers_sibling_is_left_alone(tmp_path):
    out = tmp_path / "out"
    work = tmp_path / ".out.planner-tmp-live_one"
    work.mkdir()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (work / "pid").write_text(str(live.pid))
        write_folder(out, "plan", fill("mine"))
        assert work.exists() and (out / "a.txt").read_text() == "mine"
    finally:
        live.kill()
        live.wait()


def test_a_failed_write_leaves_the_old_folder_and_no_temporary(tmp_path):
    out = tmp_path / "out"
    write_folder(out, "plan", fill("old"))

    def broken(folder: Path) -> None:
        (folder / "a.txt").write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_folder(out, "plan", broken)
    assert (out / "a.txt").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_file_output_is_new_or_forced_never_a_folder_or_an_input(tmp_path):
    assert check_file_output(tmp_path / "new.csv") is False
    existing = outputs.existing_file(tmp_path)
    with pytest.raises(OutputRefused, match="already exists.*--force"):
        check_file_output(existing)
    assert check_file_output(existing, force=True) is True
    with pytest.raises(OutputRefused, match="is a folder"):
        check_file_output(tmp_path, force=True)
    with pytest.raises(OutputRefused, match="being read"):
        check_file_output(existing, inputs=[existing], force=True)


# ---- the writers ---------------------------------------------------------------------------------


def test_write_dataset_replaces_its_own_output_but_not_the_users_data(tmp_path):
    folder = write_valid(tmp_path)
    org = planner.load_dataset(folder)
    planner.write_dataset(org, tmp_path / "copy")
    planner.write_dataset(org, tmp_path / "copy", "parquet")  # a previous dataset: replaced
    assert (tmp_path / "copy" / "employees.parquet").exists()
    with pytest.raises(OutputRefused, match="being read"):
        planner.write_dataset(org, tmp_path, force=True)  # the folder holding the source
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "employees.csv").write_text("employee_id\nE1\n")  # the user's own table, no manifest
    with pytest.raises(OutputRefused, match="mine holds files the planner did not write"):
        planner.write_dataset(org, tmp_path / "mine")
    assert (tmp_path / "mine" / "employees.csv").read_text() == "employee_id\nE1\n"
    book = planner.write_dataset(org, tmp_path / "org.xlsx")
    with pytest.raises(OutputRefused, match="already exists"):
        planner.write_dataset(org, book)
    planner.write_dataset(org, book, force=True)


def test_write_plan_never_replaces_its_own_inputs(tmp_path, scenario):
    org, loaded = planner.load(scenario)
    plan = planner.solve(loaded.model_copy(update={"solver": loaded.solver.model_copy(update={"time_limit_seconds": 2})}),
                         org, scenario_file=str(scenario))
    with pytest.raises(OutputRefused, match="being read"):
        planner.write_plan(plan, tmp_path / "data", force=True)
    with pytest.raises(OutputRefused, match="being read"):
        planner.write_plan(plan, tmp_path, force=True)
    planner.write_plan(plan, tmp_path / "plan")
    planner.write_plan(plan, tmp_path / "plan")
    assert planner.read_plan(tmp_path / "plan").slates == plan.slates


# ---- the CLI: refused, then allowed --------------------------------------------------------------


def test_solve_refuses_a_folder_of_notes_and_replaces_it_with_force(tmp_path, scenario):
    out = outputs.foreign_folder(tmp_path)
    result = solve(scenario, out)
    assert result.exit_code == 2 and f"{out} holds files the planner did not write (notes.txt)" in one_line(result)
    assert (out / "notes.txt").read_text() == "keep me" and not (tmp_path / "ws").exists()

    result = solve(scenario, out, "--force")
    assert result.exit_code == 0, result.output
    assert f"replacing {out}/ (--force): deleting notes.txt" in one_line(result)
    assert not (out / "notes.txt").exists() and planner.read_plan(out).has_solution


def test_solve_replaces_its_previous_plan_and_says_so(tmp_path, scenario):
    out = tmp_path / "r"
    out.mkdir()  # empty: fine
    first = solve(scenario, out)
    assert first.exit_code == 0, first.output
    assert "replacing" not in first.output
    written = json.loads((out / MANIFEST).read_text())["written"]
    again = solve(scenario, out)
    assert again.exit_code == 0, again.output
    assert f"replacing the plan in {out}/ written {written}" in one_line(again)


def test_solve_refuses_a_file_and_the_current_folder_before_saving_anything(tmp_path, scenario, monkeypatch):
    report = outputs.existing_file(tmp_path)
    result = solve(scenario, report, "--force")
    assert result.exit_code == 2 and f"{report} is a file, not a folder" in one_line(result)
    assert report.read_text() == "keep me"
    monkeypatch.chdir(tmp_path)
    result = solve(scenario, ".")
    assert result.exit_code == 2 and ". is or contains the current folder" in one_line(result)
    assert not (tmp_path / "ws").exists()


def test_solve_without_out_writes_plans_slash_a_safe_scenario_name(tmp_path, scenario, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("solve", scenario, "--no-save", "-q", "--time-limit", "2")
    assert result.exit_code == 0, result.output
    assert planner.read_plan(tmp_path / "plans" / "hostile").has_solution


def test_generate_replaces_its_own_dataset_but_not_a_foreign_folder(tmp_path):
    args = ["generate", "--employees", "20", "--critical-roles", "3", "--interventions", "5", "--out"]
    out = tmp_path / "org"
    assert cli(*args, out).exit_code == 0
    again = cli(*args, out, "--seed", "1")
    assert again.exit_code == 0 and f"replacing the dataset in {out}/ written" in one_line(again)
    notes = outputs.foreign_folder(tmp_path)
    result = cli(*args, notes)
    assert result.exit_code == 2 and f"{notes} holds files the planner did not write (notes.txt)" in one_line(result)
    assert (notes / "notes.txt").read_text() == "keep me"
    assert cli(*args, notes, "--force").exit_code == 0 and not (notes / "notes.txt").exists()


def test_a_new_output_path_that_looks_like_terminal_markup_is_written_and_shown_as_it_is(tmp_path):
    out = tmp_path / "[bold]org"
    result = cli("generate", "--employees", "20", "--critical-roles", "3", "--interventions", "5", "--out", out)
    assert result.exit_code == 0 and "[bold]" in result.output, result.output
    assert planner.load_dataset(out).employees.shape[0] == 20


def test_template_writes_a_new_workbook_and_replaces_one_only_with_force(tmp_path):
    book = tmp_path / "org.xlsx"
    assert cli("template", "--out", book).exit_code == 0
    book.write_bytes(b"filled in by hand")
    result = cli("template", "--out", book)
    assert result.exit_code == 2 and f"{book} already exists" in one_line(result)
    assert book.read_bytes() == b"filled in by hand"
    result = cli("template", "--out", book, "--force")
    assert result.exit_code == 0 and f"replacing {book} (--force)" in one_line(result)
    assert planner.validate(book)  # a real (empty) workbook again: its empty tables are reported


def test_compare_writes_its_tables_as_a_folder_it_may_replace(tmp_path, scenario):
    plans = [tmp_path / "a", tmp_path / "b"]
    for out in plans:
        assert solve(scenario, out, "--no-save").exit_code == 0
    csv, notes = tmp_path / "cmp", outputs.foreign_folder(tmp_path)
    for _ in range(2):
        assert cli("compare", *plans, "--csv", csv, "--json", tmp_path / "new.json", "--force").exit_code == 0
    assert "replacing the comparison in" in one_line(cli("compare", *plans, "--csv", csv))
    result = cli("compare", *plans, "--csv", notes)
    assert result.exit_code == 2 and "holds files the planner did not write (notes.txt)" in one_line(result)
    result = cli("compare", *plans, "--csv", plans[0], "--force")
    assert result.exit_code == 2 and "which is being read" in one_line(result)
    result = cli("compare", *plans, "--json", tmp_path / "new.json")
    assert result.exit_code == 2 and "already exists" in one_line(result)


# ---- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("good", ["baseline", "budget-cut", "v1.2_final", "A", "x" * 80, "CFO retires a year early",
                                  "Budget cut 20%", "Técnica (2027)"])
def test_good_names_pass(good):
    assert check_name(good) == good


@pytest.mark.parametrize("label", outputs.BAD_NAMES)
def test_bad_names_are_refused_everywhere_a_name_becomes_a_path(tmp_path, label):
    bad = outputs.BAD_NAMES[label]
    with pytest.raises(ValueError, match="invalid scenario name"):
        check_name(bad, "scenario name")
    with pytest.raises(ValueError, match="invalid scenario name"):
        planner.Scenario(name=bad, dataset="<memory>", budget=planner.Budget(total=0))
    with pytest.raises(ValueError, match="invalid scenario name"):
        planner.save_frontier(tmp_path / "ws", bad, "budget.total", pd.DataFrame({"value": [0.0]}))
    with pytest.raises(ValueError, match="invalid dataset name"):
        inside(tmp_path / "datasets", bad, what="dataset name")  # the app's dataset names
    assert not list(tmp_path.iterdir())


def test_a_plan_recording_a_name_no_longer_allowed_is_an_error_not_a_traceback(tmp_path, greedy):
    # a plan saved by an older version, whose scenario name this version refuses
    plan = greedy
    settings = {**plan.meta.scenario_settings, "name": "q1/q2"}
    old = plan.model_copy(update={"meta": plan.meta.model_copy(update={"scenario_settings": settings})})
    planner.write_plan(old, tmp_path / "old")
    result = cli("check", str(ROOT / "data" / "sample"), str(tmp_path / "old"))
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "plan" in result.output and "name" in result.output and "q1/q2" in result.output
    with pytest.raises(planner.InputError, match="q1/q2"):
        planner.recorded_scenario(settings, "plan old")
    assert planner.recorded_scenario(plan.meta.scenario_settings, "plan").name == "baseline"


@pytest.fixture(scope="module")
def greedy() -> planner.Plan:
    """The sample's readiness-ranking plan, made once for the module."""
    org, scenario = planner.load(ROOT / "scenarios" / "baseline.yaml")
    return planner.solve(scenario, org, method="greedy")


@pytest.fixture(scope="module")
def greedy_plan(tmp_path_factory, greedy) -> Path:
    """That plan written as a plan folder: the checker's input for the tests below."""
    out = tmp_path_factory.mktemp("greedy") / "plan"
    planner.write_plan(greedy, out)
    return out


def _edit_plan_json(folder: Path, edit) -> None:
    meta = json.loads((folder / "plan.json").read_text())
    edit(meta)
    (folder / "plan.json").write_text(json.dumps(meta))


def test_check_accepts_the_plan_with_its_own_inputs_and_other_solver_settings(greedy_plan, tmp_path):
    assert "Plan OK" in cli("check", ROOT / "data" / "sample", greedy_plan).output
    scenario = tmp_path / "s.yaml"  # the same problem, searched for differently: still these inputs
    scenario.write_text((ROOT / "scenarios" / "baseline.yaml").read_text().replace("time_limit_seconds: 20", "time_limit_seconds: 3")
                        .replace("../data/sample", str(ROOT / "data" / "sample")))
    assert cli("check", scenario, greedy_plan).exit_code == 0


@pytest.mark.parametrize("where, edit", [
    ("budget raised in plan.json", lambda m: m["scenario_settings"]["budget"].update(total=10_000_000)),
    ("policy relaxed in plan.json", lambda m: m["scenario_settings"]["policy"].update(max_slates_per_employee=9)),
    ("fingerprint forged", lambda m: m.update(input_fingerprint="0" * 64)),
])
def test_check_refuses_a_plan_not_made_from_these_inputs(greedy_plan, tmp_path, where, edit):
    import shutil

    plan = tmp_path / "plan"
    shutil.copytree(greedy_plan, plan)
    _edit_plan_json(plan, edit)
    result = cli("check", ROOT / "data" / "sample", plan)
    assert result.exit_code == 1 and "not made from these inputs" in one_line(result), (where, result.output)
    assert "Plan OK" not in result.output
    assert cli("check", ROOT / "data" / "sample", plan, "--any-inputs").exit_code in (0, 1)  # checked, whatever it finds


def _one_on_every_slate(plan: Path) -> None:
    pd.read_csv(plan / "slates.csv", dtype=str).assign(employee_id="E00001").to_csv(plan / "slates.csv", index=False)


def _course_repriced(plan: Path) -> None:
    learning = pd.read_csv(plan / "learning.csv", dtype=str)
    learning.loc[0, "cost"] = "1"
    learning.to_csv(plan / "learning.csv", index=False)


def _unknown_successor(plan: Path) -> None:
    slates = pd.read_csv(plan / "slates.csv", dtype=str)
    slates.loc[0, "employee_id"] = "[bold]E-NOBODY"  # markup in user data is printed as text, too
    slates.to_csv(plan / "slates.csv", index=False)


@pytest.mark.parametrize("tamper, rule", [(_one_on_every_slate, "[max_slates]"), (_course_repriced, "[learning_records]"),
                                          (_unknown_successor, "[slate_structure]")])
def test_check_prints_the_rule_of_each_violation(greedy_plan, tmp_path, tamper, rule):
    import shutil

    plan = tmp_path / "plan"
    shutil.copytree(greedy_plan, plan)
    tamper(plan)
    result = cli("check", ROOT / "data" / "sample", plan)
    assert result.exit_code == 1 and rule in result.output, result.output
    if tamper is _unknown_successor:
        assert "[bold]E-NOBODY" in result.output


@pytest.mark.parametrize("option, value", [("--time-limit", "-1"), ("--time-limit", "0"), ("--workers", "0"), ("--time-limit", "nan")])
def test_a_bad_command_line_override_is_refused_like_a_bad_setting(tmp_path, option, value):
    result = cli("solve", ROOT / "scenarios" / "baseline.yaml", "--no-save", "--out", tmp_path / "p", "-q", option, value)
    assert result.exit_code == 2 and option in result.output, result.output
    assert "bug" not in result.output and not (tmp_path / "p").exists()
    swept = cli("sweep", ROOT / "scenarios" / "baseline.yaml", "--budget", "0,1000", "--workspace", tmp_path / "ws", "--time-limit", "-1")
    assert swept.exit_code == 2 and "--time-limit" in swept.output, swept.output


def _baseline_with(tmp_path, **replace) -> Path:
    text = (ROOT / "scenarios" / "baseline.yaml").read_text().replace("../data/sample", str(ROOT / "data" / "sample"))
    for old, new in replace.items():
        text = text.replace(old, new)
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("total", [".inf", "-.inf", ".nan"])
def test_a_budget_that_is_not_a_finite_number_is_an_input_error(tmp_path, total):
    path = _baseline_with(tmp_path, **{"total: 83000": f"total: {total}"})
    for command in (["validate", path], ["solve", path, "--no-save", "--method", "greedy", "-q"]):
        result = cli(*command)
        assert result.exit_code == 2 and "budget.total" in result.output, result.output


@pytest.mark.parametrize("under", [False, True])
def test_a_file_given_as_the_workspace_is_refused(tmp_path, under):
    (tmp_path / "f.txt").write_text("mine")
    workspace = tmp_path / "f.txt" / "ws" if under else tmp_path / "f.txt"
    for command in (["plans", "list"], ["solve", ROOT / "scenarios" / "baseline.yaml", "--method", "greedy", "-q"]):
        result = cli(*command, "--workspace", workspace)
        assert result.exit_code == 2 and "give a folder for the workspace" in one_line(result), result.output
    assert (tmp_path / "f.txt").read_text() == "mine"


@pytest.mark.parametrize("damage", [b"garbage", b"", b"SQLite format 3\x00" + b"\xff" * 200])
def test_a_damaged_catalogue_is_an_error_that_changes_nothing(tmp_path, greedy, damage):
    ws = tmp_path / "ws"
    planner.PlanStore(ws).save(greedy, "kept")
    folders = sorted(p.name for p in (ws / "plans").iterdir())
    (ws / "catalogue.sqlite").write_bytes(damage) if damage else (ws / "catalogue.sqlite").write_bytes(b"\x00" * 4096)
    for command in (["plans", "list"], ["plans", "show", "kept"], ["plans", "recover"],
                    ["solve", ROOT / "scenarios" / "baseline.yaml", "--method", "greedy", "-q"]):
        result = cli(*command, "--workspace", ws)
        assert result.exit_code == 2 and "catalogue" in result.output and "cannot be read" in one_line(result), (command, result.output)
    assert sorted(p.name for p in (ws / "plans").iterdir()) == folders  # recover deleted nothing


def test_plans_recover_removes_a_killed_saves_leftovers_only(tmp_path, greedy):
    ws = tmp_path / "ws"
    store = planner.PlanStore(ws)
    store.save(greedy, "CFO retires early")
    (ws / "plans" / "half~0123456789ab").mkdir()  # what a save killed midway leaves
    result = cli("plans", "recover", "--workspace", ws)
    assert result.exit_code == 0 and "removed plans/half~0123456789ab" in result.output
    assert store.list()["name"].tolist() == ["CFO retires early"] and store.load("CFO retires early").has_solution
    assert "Nothing to recover" in cli("plans", "recover", "--workspace", ws).output


def test_replacing_a_saved_plan_says_which(tmp_path):
    args = ["solve", ROOT / "scenarios" / "baseline.yaml", "--method", "greedy", "--workspace", tmp_path / "ws", "--name", "mine"]
    assert "replacing the saved plan" not in one_line(cli(*args))
    again = cli(*args)
    assert again.exit_code == 0 and "replacing the saved plan mine" in one_line(again), again.output


@pytest.mark.parametrize("tamper", [
    "UPDATE plans SET folder = '../../victim'",  # a row pointing out of the workspace
    "UPDATE plans SET kpis_json = '{not json'",
    "ALTER TABLE plans RENAME COLUMN kpis_json TO k",
])
def test_a_tampered_catalogue_is_an_error_not_a_traceback(tmp_path, greedy, tamper):
    import sqlite3

    ws = tmp_path / "ws"
    planner.PlanStore(ws).save(greedy, "kept")
    with sqlite3.connect(ws / "catalogue.sqlite") as con:
        con.execute(tamper)
    results = [cli(*command, "--workspace", ws) for command in (["plans", "list"], ["plans", "show", "kept"],
                                                                 ["explain", "kept"], ["plans", "delete", "kept"])]
    assert any(r.exit_code == 2 for r in results)
    for r in results:
        assert r.exit_code in (0, 2), r.output
    assert not (tmp_path / "victim").exists()


def test_recovery_touches_only_the_siblings_of_that_folder(tmp_path):
    # a name with glob characters, and one that holds the sibling marker, must not pick up plan1's
    write_folder(tmp_path / "plan1", "plan", fill("one"))
    work = tmp_path / ".plan1.planner-tmp-abcd1234"
    work.mkdir()
    os.replace(tmp_path / "plan1", work / "old")
    (work / "pid").write_text("999999999")
    write_folder(tmp_path / "plan[1]", "plan", fill("brackets"))
    write_folder(tmp_path / "plan1.planner-tmp-x", "plan", fill("marker"))
    assert (work / "old" / "a.txt").read_text() == "one"  # still there for plan1's own next write
    write_folder(tmp_path / "plan1", "plan", fill("two"))
    assert (tmp_path / "plan1" / "a.txt").read_text() == "two" and not work.exists()


def test_a_name_too_long_in_bytes_is_refused():
    assert check_name("漢" * 66) == "漢" * 66  # 198 bytes
    with pytest.raises(ValueError, match="bytes"):
        check_name("漢" * 80)  # 80 characters, 240 bytes


def test_a_sweep_of_a_scenario_whose_name_has_spaces_saves_its_frontier(tmp_path):
    path = _baseline_with(tmp_path, **{"name: baseline": "name: CFO retires early"})
    result = cli("sweep", path, "--budget", "0,1000", "--workers", "1", "--time-limit", "1", "--workspace", tmp_path / "ws")
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "ws" / "sweeps").iterdir()] == ["CFO retires early--budget.total.csv"]
