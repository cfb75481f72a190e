"""End to end on the bundled sample: every shipped scenario solves and passes the checker; the CLI
does what the README says, with its exit codes; sweeps agree on a process pool and on Dask."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import planner
from planner.cli import app
from planner.analyses.frontier import sweep
from planner.inputs.files import write_dataset

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
runner = CliRunner()


@pytest.fixture(scope="module")
def solved() -> dict[str, tuple]:
    """Every shipped scenario, solved once for the module: name -> (org, scenario, plan)."""
    out = {}
    for path in SCENARIOS:
        org, scenario = planner.load(path)
        out[path.stem] = (org, scenario, planner.solve(scenario, org))
    return out


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_every_shipped_scenario_solves_and_passes_the_checker(solved, name):
    org, scenario, plan = solved[name]
    assert plan.kpis.status in ("OPTIMAL", "FEASIBLE")
    report = planner.check(org, scenario, plan)
    assert report.ok, (report.violations, report.mismatches)
    assert 0 < plan.kpis.covered_roles < plan.kpis.critical_roles  # the budget forces choices
    assert plan.kpis.training_cost <= scenario.budget.total


@pytest.mark.parametrize("name", [p.stem for p in SCENARIOS])
def test_every_shipped_scenario_has_an_optimal_checked_workforce_plan(solved, name):
    org, scenario, plan = solved[name]
    joined = plan.model_copy(update={"workforce": planner.plan_workforce(scenario, org, plan)})
    assert joined.workforce.kpis.status == "OPTIMAL"
    report = planner.check(org, scenario, joined)
    assert report.ok, (report.violations, report.mismatches)
    assert joined.workforce.kpis.total_cost == pytest.approx(sum(joined.workforce.kpis.objective_parts.values()))


def test_the_technology_growth_what_if_hires_into_technology_and_freezes_the_rest(solved):
    org, scenario, plan = solved["technology-growth"]
    base_org, base_scenario, base_plan = solved["baseline"]
    grown = planner.plan_workforce(scenario, org, plan)
    base = planner.plan_workforce(base_scenario, base_org, base_plan)
    hires, base_hires = grown.table("hiring_plan"), base.table("hiring_plan")
    in_tech = hires["category"].str.startswith("Technology")
    assert hires.loc[in_tech, "fte"].sum() > base_hires.loc[base_hires["category"].str.startswith("Technology"), "fte"].sum() + 10
    frozen = hires[~in_tech & (hires["quarter"] <= 3)]
    assert set(frozen["reason"]) <= {"uncovered critical role"}  # the succession plan's own hires are not frozen
    assert grown.kpis.total_cost > base.kpis.total_cost


def test_the_scenarios_tell_a_story(solved):
    base = solved["baseline"][2].kpis
    assert solved["budget-cut"][2].kpis.covered_roles < base.covered_roles
    assert solved["key-person-leaves"][2].kpis.total_cost > base.total_cost
    assert solved["new-digital-roles"][2].kpis.critical_roles == base.critical_roles + 2
    overrides = solved["leadership-overrides"][2]
    assert any(s.role_id == "R-OPS-COO" and s.rank == 1 and s.employee_id == "E00243" for s in overrides.slates)
    assert not any(s.role_id == "R-SAL-CCO" and s.employee_id == "E00271" for s in overrides.slates)


def test_baseline_is_proven_optimal(solved):
    org, scenario, plan = solved["baseline"]
    assert plan.kpis.status == "OPTIMAL" and plan.kpis.gap == 0


def test_deterministic_mode_gives_the_same_plan_twice():
    org, scenario = planner.load(ROOT / "scenarios/baseline.yaml")
    scenario = _deterministic(scenario, time_limit_seconds=10)
    first, again = planner.solve(scenario, org), planner.solve(scenario, org)
    assert first.has_solution and not first.meta.message, first.meta.message  # stopped by deterministic time, not the wall
    assert again.slates == first.slates and again.learning == first.learning


def _deterministic(scenario, **solver):
    return scenario.model_copy(update={"solver": scenario.solver.model_copy(update=dict(deterministic=True, **solver))})


def test_cli_solve_writes_a_plan_that_check_accepts(tmp_path):
    out, ws = tmp_path / "plan", tmp_path / "ws"
    result = runner.invoke(app, ["solve", str(ROOT / "scenarios/baseline.yaml"), "--out", str(out), "--workspace", str(ws), "-q"])
    assert result.exit_code == 0, result.output
    assert "OPTIMAL" in result.output and "covered" in result.output
    slates = pd.read_csv(out / "slates.csv", dtype=str)
    assert list(slates.columns[:5]) == ["role_id", "rank", "employee_id", "ready_quarter", "readiness"]
    kpis = json.loads((out / "kpis.json").read_text())
    assert {"coverage", "best_bound", "gap", "status", "solve_seconds"} <= set(kpis)
    assert planner.PlanStore(ws).list()["scenario"].tolist() == ["baseline"]
    checked = runner.invoke(app, ["check", str(ROOT / "data/sample"), str(out)])
    assert checked.exit_code == 0 and "Plan OK" in checked.output, checked.output
    pd.DataFrame(slates.assign(employee_id="E00001")).to_csv(out / "slates.csv", index=False)  # tamper
    assert runner.invoke(app, ["check", str(ROOT / "data/sample"), str(out)]).exit_code == 1


def test_cli_bad_input_exits_2_and_writes_nothing(tmp_path):
    data = tmp_path / "org"
    write_dataset(planner.load_dataset(ROOT / "data/sample"), data)
    emp = pd.read_csv(data / "employees.csv", dtype=str)
    emp.loc[3, "performance"] = "7"
    emp.to_csv(data / "employees.csv", index=False)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\ndataset: {data}\nbudget: {{total: 1000}}\n")
    result = runner.invoke(app, ["solve", str(scenario), "--out", str(tmp_path / "plan"), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "employees.csv" in result.output and "performance" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "plan").exists() and not (tmp_path / "ws").exists()
    assert runner.invoke(app, ["validate", str(data)]).exit_code == 2
    assert runner.invoke(app, ["validate", str(ROOT / "data/sample")]).exit_code == 0


def test_cli_infeasible_exits_3_with_the_reason(tmp_path):
    scenario = tmp_path / "pin.yaml"
    scenario.write_text(f"name: pin\nextends: {ROOT / 'scenarios/baseline.yaml'}\n"
                        "pins: [{employee_id: E00271, role_id: R-FIN-CFO, rank: 1, rationale: test}]\n")
    result = runner.invoke(app, ["solve", str(scenario), "--out", str(tmp_path / "plan"), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 3 and "incumbent" in result.output
    assert not (tmp_path / "plan").exists()


def test_cli_compare_and_plans(tmp_path, solved):
    ws = tmp_path / "ws"
    store = planner.PlanStore(ws)
    store.save(solved["baseline"][2], name="base")
    store.save(solved["budget-cut"][2], name="cut")
    result = runner.invoke(app, ["compare", "base", "cut", "--workspace", str(ws), "--csv", str(tmp_path / "cmp")])
    assert result.exit_code == 0, result.output
    kpis = pd.read_csv(tmp_path / "cmp" / "kpis.csv")
    assert "cut - base" in kpis.columns
    listing = runner.invoke(app, ["plans", "list", "--workspace", str(ws)])
    assert "base" in listing.output and "cut" in listing.output
    assert runner.invoke(app, ["plans", "delete", "cut", "--workspace", str(ws)]).exit_code == 0
    assert store.list()["name"].tolist() == ["base"]


def test_sweep_of_six_budgets_agrees_on_the_process_pool_and_dask():
    from dask.distributed import LocalCluster

    org, scenario = planner.load(ROOT / "scenarios/baseline.yaml")
    scenario = _deterministic(scenario)  # the promise is for reproducible plans
    budgets = [float(b) for b in range(0, 150_001, 30_000)]
    pool = sweep(scenario, org, "budget.total", budgets, workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None, processes=True) as cluster:
        on_dask = sweep(scenario, org, "budget.total", budgets, address=cluster.scheduler_address)
    assert len(pool) == 6 and pool["status"].isin(["OPTIMAL", "FEASIBLE"]).all()
    columns = ["value", "status", "objective", "gap", "covered_roles", "training_cost", "external_hire_cost", "total_cost"]
    pd.testing.assert_frame_equal(pool[columns], on_dask[columns])
    assert pool["covered_roles"].is_monotonic_increasing and pool["total_cost"].is_monotonic_decreasing


def test_stop_ends_the_search_with_the_best_plan_so_far():
    import threading

    org, scenario = planner.load(ROOT / "scenarios/baseline.yaml")
    stop, events = threading.Event(), []
    press = threading.Timer(0.5, stop.set)

    def on_progress(progress) -> None:  # the planner presses Stop half a second after a plan is shown
        events.append(progress)
        if progress.solutions and not press.is_alive() and not stop.is_set():
            press.start()

    plan = planner.solve(scenario, org, on_progress=on_progress, stop=stop)
    press.cancel()
    assert plan.has_solution and planner.check(org, scenario, plan).ok
    assert events and all(e.best_bound is not None for e in events)
    assert plan.kpis.gap is not None and plan.kpis.best_bound <= plan.kpis.money_cost


def test_the_optimiser_beats_greedy_and_never_returns_worse(solved):
    org, scenario, plan = solved["baseline"]
    greedy = planner.solve(scenario, org, method="greedy")
    assert greedy.meta.method == "greedy" and planner.check(org, scenario, greedy).ok
    assert plan.kpis.money_cost < 0.93 * greedy.kpis.money_cost  # more than 7% cheaper on the sample
    rushed = scenario.model_copy(update={"solver": scenario.solver.model_copy(update={"time_limit_seconds": 0.01})})
    quick = planner.solve(rushed, org)
    assert quick.has_solution and planner.check(org, rushed, quick).ok
    assert quick.kpis.money_cost <= greedy.kpis.money_cost + 1e-6
