"""The workforce plan from the command line: `planner workforce` solves the succession plan (or takes a
saved one with --plan), then the workforce plan joined to it, checks, saves and writes both and sums
them up; bad input exits 2 with the reason; `compare` and `plans show` show the workforce part."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import planner
from planner.cli import app
from planner.contract.workforce import WORKFORCE_TABLES, WorkforceKpis, WorkforcePlan

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
GROWTH = ROOT / "scenarios" / "technology-growth.yaml"
runner = CliRunner()


def cli(*args):
    return runner.invoke(app, [str(a) for a in args])


def no_solve(*args, **kwargs):
    raise AssertionError("the succession plan was solved")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A workspace holding 'succ' (a succession plan alone), 'base' and 'growth' (baseline and
    technology-growth with their workforce plans), all made with the greedy method; 'growth' is also
    written to the folder growth-out beside the workspace, and its command's output kept in growth-out.txt."""
    ws = tmp_path_factory.mktemp("wf") / "ws"
    for args in (("solve", BASELINE, "--name", "succ"), ("workforce", BASELINE, "--name", "base")):
        result = cli(*args, "--method", "greedy", "--workspace", ws, "-q")
        assert result.exit_code == 0, result.output
    result = cli("workforce", GROWTH, "--method", "greedy", "--workspace", ws, "-q", "--name", "growth",
                 "--out", ws.parent / "growth-out")
    assert result.exit_code == 0, result.output
    (ws.parent / "growth-out.txt").write_text(result.output)
    return ws


def test_workforce_writes_both_parts_and_checks_them(workspace):
    out = workspace.parent / "growth-out"
    for name in WORKFORCE_TABLES:
        assert (out / f"{name}.csv").is_file(), name
    assert (out / "slates.csv").is_file() and (out / "workforce.json").is_file()
    saved = planner.PlanStore(workspace).load("growth")
    assert saved.workforce is not None and saved.workforce.kpis.status == "OPTIMAL"
    assert saved.workforce.kpis.total_cost == pytest.approx(json.loads((out / "workforce.json").read_text())["kpis"]["total_cost"])
    checked = cli("check", GROWTH, out)
    assert checked.exit_code == 0 and "Plan OK" in checked.output, checked.output


def test_the_summary_shows_the_workforce_figures_and_the_largest_gaps(workspace):
    output = (workspace.parent / "growth-out.txt").read_text()
    k = planner.PlanStore(workspace).load("growth").workforce.kpis
    assert "Plan for scenario 'technology-growth'" in output  # the succession summary comes first
    assert output.index("Plan for scenario") < output.index("Workforce plan for scenario 'technology-growth'")
    for text in (f"{k.total_cost:,.0f}", f"{k.loaded_cost:,.0f}", f"{k.understaffing_cost:,.0f}",
                 f"{k.hires:,.1f} / {k.moves:,.1f} / {k.redundancies:,.1f}", f"{k.internal_fill_rate:.0%}",
                 f"{k.understaffed_fte_quarters:,.1f}", "high-potential retention", "headcount vs demand, last quarter",
                 "projected time to fill (quarters)", "least cost"):
        assert text in output, text
    rows = pd.read_csv(workspace.parent / "growth-out" / "workforce_plan.csv")
    worst = rows.sort_values("gap", ascending=False).drop_duplicates("category")
    gaps = output[output.index("Largest gaps to demand"):]
    for category in worst["category"].head(5):
        assert category in gaps, category
    assert worst["category"].iloc[5] not in gaps.split("Saved in the workspace")[0]
    assert "Saved in the workspace as growth" in output and "Checked: every hard rule holds." in output


def test_solve_shows_no_workforce_plan(workspace):
    result = cli("solve", BASELINE, "--method", "greedy", "--no-save", "-q", "--out", workspace.parent / "solve-out")
    assert result.exit_code == 0, result.output
    assert "Workforce plan" not in result.output and not (workspace.parent / "solve-out" / "workforce.json").exists()


def test_plan_option_joins_the_workforce_to_a_saved_plan_without_solving(workspace, monkeypatch):
    monkeypatch.setattr(planner, "SolveRun", no_solve)
    result = cli("workforce", BASELINE, "--plan", "succ", "--workspace", workspace, "-q", "--name", "joined")
    assert result.exit_code == 0, result.output
    store = planner.PlanStore(workspace)
    succ, joined = store.load("succ"), store.load("joined")
    assert succ.workforce is None and joined.workforce is not None
    assert joined.slates == succ.slates and joined.learning == succ.learning and joined.kpis == succ.kpis
    assert joined.meta.input_fingerprint == succ.meta.input_fingerprint
    assert "the succession plan of scenario 'baseline'" in joined.meta.message and "reused" in joined.meta.message
    assert f"{joined.workforce.kpis.total_cost:,.0f}" in result.output and "Saved in the workspace as joined" in result.output
    # A plan folder works as well as a saved name.
    folder = cli("workforce", BASELINE, "--plan", store.path("succ"), "--no-save", "-q", "--out", workspace.parent / "joined-out")
    assert folder.exit_code == 0, folder.output
    assert planner.read_plan(workspace.parent / "joined-out").workforce is not None


def test_plan_option_refuses_a_plan_made_from_other_succession_inputs(workspace, monkeypatch):
    monkeypatch.setattr(planner, "SolveRun", no_solve)
    before = set(planner.PlanStore(workspace).list()["name"])
    result = cli("workforce", ROOT / "scenarios" / "budget-cut.yaml", "--plan", "succ", "--workspace", workspace, "-q")
    assert result.exit_code == 2, result.output
    assert "the plan succ (scenario 'baseline'" in " ".join(result.output.split())
    assert "was not made from the succession inputs" in " ".join(result.output.split())
    assert "--any-inputs" in result.output and "Traceback" not in result.output
    assert set(planner.PlanStore(workspace).list()["name"]) == before
    anyway = cli("workforce", ROOT / "scenarios" / "budget-cut.yaml", "--plan", "succ", "--any-inputs", "--workspace",
                 workspace, "--no-save", "-q", "--out", workspace.parent / "any")
    assert anyway.exit_code == 1, anyway.output  # used anyway, and checked: the baseline's spend is over the cut budget
    assert "check failed" in anyway.output and "budget" in anyway.output and not (workspace.parent / "any").exists()


def test_a_workforce_what_if_reuses_its_base_scenarios_succession_plan(workspace, monkeypatch):
    monkeypatch.setattr(planner, "SolveRun", no_solve)
    result = cli("workforce", GROWTH, "--plan", "succ", "--workspace", workspace, "--no-save", "-q",
                 "--out", workspace.parent / "grown")
    assert result.exit_code == 0, result.output
    org, scenario = planner.load(GROWTH)  # the growth scenario's workforce plan, around the baseline's succession plan
    expected = planner.plan_workforce(scenario, org, planner.PlanStore(workspace).load("succ")).kpis.total_cost
    grown = planner.read_plan(workspace.parent / "grown")
    assert grown.workforce.kpis.total_cost == pytest.approx(expected) and grown.meta.scenario == "technology-growth"
    assert expected != pytest.approx(planner.PlanStore(workspace).load("base").workforce.kpis.total_cost)
    checked = cli("check", GROWTH, workspace.parent / "grown")
    assert checked.exit_code == 0, checked.output


def test_plan_option_refuses_the_options_of_the_succession_solve(workspace):
    for option in (["--method", "greedy"], ["--time-limit", "3"], ["--baseline", "succ"]):
        result = cli("workforce", BASELINE, "--plan", "succ", "--workspace", workspace, "-q", *option)
        assert result.exit_code == 2 and option[0] in result.output, result.output
    result = cli("workforce", BASELINE, "--any-inputs", "--workspace", workspace, "-q")
    assert result.exit_code == 2 and "--plan" in result.output


def test_a_workforce_plan_without_a_solution_exits_with_its_status_and_saves_nothing(workspace, monkeypatch):
    kpis = WorkforceKpis(status="INFEASIBLE", objective="cost", total_cost=0, loaded_cost=0, hiring_cost=0, training_cost=0,
                         move_cost=0, redundancy_cost=0, overstaffing_cost=0, short_time_cost=0, understaffing_cost=0,
                         hires=0, moves=0, redundancies=0, understaffed_fte_quarters=0, message="the caps leave no plan")
    monkeypatch.setattr(planner.workflow, "plan_workforce", lambda scenario, org, plan: WorkforcePlan(kpis=kpis))
    before = set(planner.PlanStore(workspace).list()["name"])
    result = cli("workforce", BASELINE, "--plan", "succ", "--workspace", workspace, "-q", "--out", workspace.parent / "none")
    assert result.exit_code == 3, result.output
    assert "workforce plan INFEASIBLE: the caps leave no plan. No plan was written." in result.output
    assert set(planner.PlanStore(workspace).list()["name"]) == before and not (workspace.parent / "none").exists()


def test_a_dataset_without_workforce_tables_exits_2_before_solving(tmp_path, monkeypatch):
    data = tmp_path / "org"
    data.mkdir()
    for table in (ROOT / "data" / "sample").glob("*.csv"):
        if not table.name.startswith("workforce_"):
            shutil.copy(table, data)
    scenario = tmp_path / "plain.yaml"
    scenario.write_text(f"name: plain\ndataset: {data}\nbudget: {{total: 80000}}\n")
    monkeypatch.setattr(planner, "SolveRun", no_solve)
    result = cli("workforce", scenario, "--workspace", tmp_path / "ws", "--out", tmp_path / "out", "-q")
    assert result.exit_code == 2, result.output
    assert "workforce_costs" in result.output and "is missing" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not (tmp_path / "ws").exists() and not (tmp_path / "out").exists()


def test_a_bad_workforce_change_names_the_scenario_file_and_the_field(tmp_path):
    scenario = tmp_path / "nope.yaml"
    scenario.write_text(f"name: nope\nextends: {BASELINE}\nchanges:\n"
                        "  - {type: workforce_demand, families: [Nope], scale: 1.2}\n")
    result = cli("workforce", scenario, "--workspace", tmp_path / "ws", "-q", "--method", "greedy")
    assert result.exit_code == 2, result.output
    assert str(scenario) in result.output and "changes.0.families" in result.output and "'Nope'" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "ws").exists()


def test_compare_shows_the_workforce_deltas(workspace, tmp_path):
    store = planner.PlanStore(workspace)
    base, growth = store.load("base").workforce.kpis, store.load("growth").workforce.kpis
    result = cli("compare", "base", "growth", "--workspace", workspace, "--csv", tmp_path / "cmp", "--json", tmp_path / "cmp.json")
    assert result.exit_code == 0, result.output
    assert "Workforce KPIs (reference: base)" in result.output
    kpis = pd.read_csv(tmp_path / "cmp" / "workforce_kpis.csv", index_col="kpi")
    for kpi in ("total_cost", "hires", "redundancies", "internal_fill_rate", "understaffed_fte_quarters", "headcount_vs_demand"):
        assert kpis.loc[kpi, "growth - base"] == pytest.approx(getattr(growth, kpi) - getattr(base, kpi), abs=1e-5), kpi
    assert kpis.loc["understaffed_fte_quarters", "growth - base"] > 0  # the hiring freeze leaves demand unmet
    doc = json.loads((tmp_path / "cmp.json").read_text())
    assert {r["kpi"] for r in doc["workforce_kpis"]} >= {"total_cost", "internal_fill_rate"}
    # The succession plans are the same greedy plan: their own KPIs compare as before, unchanged.
    assert (pd.read_csv(tmp_path / "cmp" / "kpis.csv", index_col="kpi")
            .loc["total_cost", "growth - base"] == 0)


def test_compare_without_workforce_parts_is_as_before_and_a_mixed_one_leaves_a_gap(workspace, tmp_path):
    plain = cli("compare", "succ", "succ", "--workspace", workspace, "--csv", tmp_path / "plain")
    assert plain.exit_code == 0, plain.output
    assert "Workforce KPIs" not in plain.output and not (tmp_path / "plain" / "workforce_kpis.csv").exists()
    store = planner.PlanStore(workspace)
    mixed = planner.compare([store.load("succ"), store.load("base")], labels=["succ", "base"])
    assert mixed.workforce_kpis.loc["total_cost", "succ"] is None
    assert mixed.workforce_kpis.loc["total_cost", "base"] == store.load("base").workforce.kpis.total_cost
    assert pd.isna(mixed.workforce_kpis.loc["total_cost", "base - succ"])


def test_plans_show_tells_whether_a_plan_has_a_workforce_part(workspace):
    with_part = cli("plans", "show", "growth", "--workspace", workspace)
    assert with_part.exit_code == 0, with_part.output
    k = planner.PlanStore(workspace).load("growth").workforce.kpis
    assert "Workforce plan for scenario 'technology-growth'" in with_part.output and f"{k.total_cost:,.0f}" in with_part.output
    without = cli("plans", "show", "succ", "--workspace", workspace)
    assert without.exit_code == 0 and "No workforce plan" in without.output and "Workforce plan for" not in without.output
