"""The Workforce page, headless (streamlit.testing.v1.AppTest), and its plain helpers (planner.app_support.workforce):
planning the workforce of a saved succession plan (checked, saved with it, kept by the store), supply against
demand, the gap heatmap, hires, moves, cost, KPI deltas of two scenarios and the downloads; clear errors for a
dataset without workforce tables and for bad workforce changes.

Succession plans are the greedy ones (fast and checked); the workforce plans are the real ones (about 1 s each)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytest.importorskip("streamlit")

from streamlit import dataframe_util  # noqa: E402
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import planner  # noqa: E402
from planner import app_support as support  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SCENARIOS = ROOT / "scenarios"
SAMPLE = ROOT / "data" / "sample"
PAGE = "views/workforce.py"


def succession_plan(stem: str) -> tuple[planner.Organisation, planner.Scenario, planner.Plan]:
    org, scenario = planner.load(SCENARIOS / f"{stem}.yaml")
    return org, scenario, planner.solve(scenario, org, method="greedy")


@pytest.fixture(scope="module")
def planned() -> dict[str, tuple[planner.Organisation, planner.Scenario, planner.Plan]]:
    """The baseline and the technology-growth what-if, each a greedy succession plan with its workforce plan."""
    out = {}
    for stem in ("baseline", "technology-growth"):
        org, scenario, plan = succession_plan(stem)
        plan.workforce = planner.plan_workforce(scenario, org, plan)
        assert plan.workforce.has_solution
        out[stem] = org, scenario, plan
    return out


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A workspace holding the greedy succession plans of the baseline and of technology-growth (no workforce part)."""
    root = tmp_path_factory.mktemp("workforce-workspace")
    store = planner.PlanStore(root)
    for stem in ("baseline", "technology-growth"):
        store.save(succession_plan(stem)[2], name=f"{stem}-plan")
    return root


@pytest.fixture
def app(workspace, monkeypatch):
    """A fresh app session on the module's workspace, opened on the Workforce page."""
    monkeypatch.setenv("PLANNER_WORKSPACE", str(workspace))

    def open_page(**state) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        at.switch_page(PAGE).run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return open_page


def texts(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def charts(at: AppTest) -> dict[str, tuple[dict, pd.DataFrame]]:
    """The page's Altair charts by title: (Vega-Lite spec, the data it draws)."""
    out = {}
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        data = dataframe_util.convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data)
        out[spec["title"]] = spec, data
    return out


def axis_titles(spec: dict) -> tuple[str, str]:
    return spec["encoding"]["x"]["title"], spec["encoding"]["y"]["title"]


def scenario_file(tmp_path: Path, name: str, **fields) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, "extends": str(SCENARIOS / "baseline.yaml"), **fields}))
    return path


class _Recorder(MemoryMediaFileStorage):
    """Keeps the bytes of every download the app offers, by file name."""

    files: dict[str, bytes] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        if filename is not None and isinstance(path_or_data, bytes):
            _Recorder.files[filename] = path_or_data
        return super().load_and_get_id(path_or_data, mimetype, kind, filename)


# --- the page -----------------------------------------------------------------------------------------------


def test_the_page_plans_the_baseline_workforce_and_shows_supply_the_gap_hires_moves_cost_and_downloads(
        app, workspace, monkeypatch):
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", _Recorder)
    _Recorder.files.clear()
    at = app()
    assert at.title[0].value == "Workforce"
    if support.workforce_plans(planner.PlanStore(workspace)).empty:  # unless another test planned one first
        assert "No saved plan has a workforce plan yet" in texts(at.info)
    assert at.selectbox(key="workforce-base").value == "baseline-plan"  # the scenario's own plan first
    at.button(key="workforce-start").click().run()
    assert not at.exception and not at.error, texts(at.error)
    assert "Checked and saved with the succession plan **baseline-plan**" in texts(at.success)

    # saved with its succession plan, which is unchanged: a restart finds it in the store
    stored = planner.PlanStore(workspace).load("baseline-plan")
    assert stored.workforce is not None and stored.workforce.has_solution
    assert stored.slates == succession_plan("baseline")[2].slates
    assert at.selectbox(key="workforce-pick").value == "baseline-plan"
    assert at.session_state["plan_name"] == "baseline-plan"
    k = stored.workforce.kpis

    labels = {m.label: m.value for m in at.metric}
    assert {"Workforce cost", "External hires (FTE)", "Redundancies (FTE)", "Internal fill rate",
            "Time to fill (quarters)", "High-potential retention", "Headcount vs demand"} <= set(labels)
    assert labels["Workforce cost"] == f"{k.total_cost:,.0f}"
    assert labels["Internal fill rate"] == f"{k.internal_fill_rate * 100:.1f}%"

    drawn = charts(at)
    table = stored.workforce.table("workforce_plan")
    choice = at.selectbox(key="workforce-choice").value
    assert choice.startswith("family:")
    family = choice.split(":", 1)[1]
    spec, data = drawn[f"Supply against demand: {family}"]
    assert axis_titles(spec) == ("Quarter (calendar)", "Headcount (FTE)")
    assert spec["mark"]["type"] == "line"
    supply = data[data["series"] == support.SUPPLY].set_index("quarter")["fte"]
    closing = table[table["category"].str.startswith(f"{family}/")].groupby("quarter")["closing"].sum()
    assert len(supply) == stored.meta.horizon_quarters
    assert supply.to_numpy() == pytest.approx(closing.to_numpy())

    spec, data = drawn["Gap between demand and headcount by category and quarter"]
    assert axis_titles(spec) == ("Quarter (calendar)", "Workforce category (family/grade)")
    scale = spec["encoding"]["color"]["scale"]
    assert scale["scheme"] == "redblue" and scale["reverse"] is True  # red = short (positive gap), blue = surplus
    assert scale["domain"][0] == pytest.approx(-scale["domain"][1])  # white at 0
    assert spec["encoding"]["color"]["title"] == "Gap (FTE)"
    assert len(data) == len(table) and data["gap"].to_numpy() == pytest.approx((table["demand"] - table["closing"]).to_numpy())
    assert "Red: short of demand; blue: surplus" in texts(at.caption)

    spec, data = drawn["Cost of the workforce by quarter"]
    assert axis_titles(spec) == ("Quarter (calendar)", "Cost (money units)")
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["y"]["stack"] == "zero"
    assert set(data["part"]) == set(support.COST_PARTS.values())
    assert data["cost"].sum() == pytest.approx(k.total_cost, rel=1e-6)

    hires = frame_with(at, "Decide by")
    assert list(hires.columns) == ["Quarter", "Category", "Role", "FTE", "Cost (money units)", "Reason", "Decide by",
                                   "Overdue"]
    assert hires["FTE"].sum() == pytest.approx(k.hires)
    moves = frame_with(at, "From")
    assert {"Quarter", "From", "To", "Kind", "FTE", "Cost (money units)", "Intervention"} <= set(moves.columns)
    assert moves["FTE"].sum() == pytest.approx(k.moves)

    buttons = [b.label for b in at.get("download_button")]
    assert "Download the workforce plan as an Excel workbook" in buttons and buttons.count("CSV") == 5
    csv = pd.read_csv(io.BytesIO(_Recorder.files["baseline-plan-workforce-plan.csv"]), encoding="utf-8-sig")
    assert list(csv.columns) == list(table.columns) and len(csv) == len(table)
    book = pd.read_excel(io.BytesIO(_Recorder.files["baseline-plan-workforce.xlsx"]), sheet_name=None)
    assert list(book) == list(planner.WORKFORCE_TABLES)

    # another family: the chart follows
    at.selectbox(key="workforce-choice").set_value("family:Technology").run()
    assert "Supply against demand: Technology" in charts(at)


def test_two_scenarios_side_by_side_kpi_deltas_and_supply_of_both(app, workspace):
    org, scenario = planner.load(SCENARIOS / "baseline.yaml")
    assert support.plan_and_save(scenario, org, workspace, "baseline-plan").state == "saved"
    at = app()
    at.selectbox(key="workforce-scenario").set_value(str((SCENARIOS / "technology-growth.yaml").resolve())).run()
    assert at.selectbox(key="workforce-base").value == "technology-growth-plan"
    at.button(key="workforce-start").click().run()
    assert not at.exception and not at.error, texts(at.error)
    assert at.selectbox(key="workforce-pick").value == "technology-growth-plan"

    store = planner.PlanStore(workspace)
    base, growth = (store.load(n).workforce.kpis for n in ("baseline-plan", "technology-growth-plan"))
    reference, other = at.selectbox(key="workforce-compare-reference").value, at.selectbox(key="workforce-compare-other").value
    assert {reference, other} == {"baseline-plan", "technology-growth-plan"}
    at.selectbox(key="workforce-compare-reference").set_value("baseline-plan").run()
    at.selectbox(key="workforce-compare-other").set_value("technology-growth-plan").run()
    kpis = frame_with(at, "Δ technology-growth")  # plans labelled by their scenarios
    assert list(kpis.columns) == ["baseline", "technology-growth", "Δ technology-growth"]
    assert kpis.loc["Workforce cost (money units)", "Δ technology-growth"] == f"{growth.total_cost - base.total_cost:+,.0f}"
    assert kpis.loc["Internal fill rate (%)", "baseline"] == f"{base.internal_fill_rate * 100:.1f}%"

    at.selectbox(key="workforce-compare-choice").set_value("family:Technology").run()
    spec, data = charts(at)["Supply against demand: Technology, baseline and technology-growth"]
    assert axis_titles(spec) == ("Quarter (calendar)", "Headcount (FTE)")
    assert set(data["plan"]) == {"baseline", "technology-growth"}
    assert set(data["series"]) == {support.SUPPLY, support.DEMAND}
    demand = data[data["series"] == support.DEMAND].pivot_table(index="quarter", columns="plan", values="fte")
    assert (demand["technology-growth"].iloc[2:] > demand["baseline"].iloc[2:] * 1.15).all()  # grows 20% from 2027Q3
    assert demand["technology-growth"].iloc[:2].to_numpy() == pytest.approx(demand["baseline"].iloc[:2].to_numpy())


def test_a_dataset_without_workforce_tables_and_bad_workforce_changes_get_clear_errors(app, tmp_path):
    data = tmp_path / "no-workforce"
    shutil.copytree(SAMPLE, data)
    for table in data.glob("workforce_*.csv"):
        table.unlink()
    at = app(scenario_path=str(scenario_file(tmp_path, "no-workforce", dataset=str(data))))
    assert "has no workforce tables" in texts(at.error) and "workforce_costs" in texts(at.error)
    assert "workforce-start" not in [b.key for b in at.button]

    bad = scenario_file(tmp_path, "bad-change", changes=[{"type": "workforce_demand", "families": ["Nowhere"], "scale": 1.2}])
    at = app(scenario_path=str(bad))
    assert "This scenario cannot be planned" in texts(at.error)
    assert "'Nowhere' is no category's family" in " ".join(frame_with(at, "Problem")["Problem"])

    at = app(scenario_path=str((SCENARIOS / "budget-cut.yaml").resolve()))  # no saved succession plan of it
    assert "No saved succession plan of **budget-cut** yet" in texts(at.info)
    assert "workforce-start" not in [b.key for b in at.button]


# --- the helpers --------------------------------------------------------------------------------------------


def test_supply_against_demand_sums_a_family_or_the_whole_workforce(planned):
    org, _, plan = planned["technology-growth"]
    table = plan.workforce.table("workforce_plan")
    families = support.category_families(table["category"], org)
    assert families["Technology/3"] == "Technology"
    choices = support.supply_choices(table, families)
    keys = list(choices)
    assert keys[0] == support.WHOLE and "family:Technology" in keys and "category:Technology/3" in keys
    assert keys.index("family:People") < keys.index("category:Finance/1")  # families, then categories
    assert choices["family:Technology"] == "Technology · family, 6 categories summed"

    long = support.supply_frame(table, families, "family:Technology")
    assert list(long.columns) == ["quarter", "label", "series", "fte"]
    assert list(long["series"].unique()) == [support.SUPPLY, support.DEMAND]
    tech = table[table["category"].str.startswith("Technology/")]
    demand = long[long["series"] == support.DEMAND]["fte"].to_numpy()
    assert demand == pytest.approx(tech.groupby("quarter")["demand"].sum().to_numpy())
    whole = support.supply_frame(table, families, support.WHOLE)
    assert whole[whole["series"] == support.SUPPLY]["fte"].sum() == pytest.approx(table["closing"].sum())
    one = support.supply_frame(table, families, "category:Technology/3")
    assert len(one) == 2 * plan.meta.horizon_quarters

    # the default is the family furthest short of demand
    short = table.assign(f=table["category"].map(families)).groupby("f")["understaffing"].sum()
    assert support.default_choice(table, families) == f"family:{short.idxmax()}"
    assert support.default_choice(table.assign(understaffing=0.0, gap=0.0), families) == support.WHOLE

    both = support.compare_supply_frame({"a": table, "b": table.iloc[0:0]}, {"a": families, "b": families},
                                        "family:Technology")
    assert set(both["plan"]) == {"a"}


def test_the_gap_matrix_is_demand_less_closing_with_the_largest_shortfall_and_surplus(planned):
    _, _, plan = planned["technology-growth"]
    table = plan.workforce.table("workforce_plan")
    matrix = support.gap_matrix(table)
    assert matrix.shape == (table["category"].nunique(), plan.meta.horizon_quarters)
    assert list(matrix.columns) == sorted(table["label"].unique())
    assert list(matrix.index) == list(dict.fromkeys(table["category"]))
    row = table.iloc[7]
    assert matrix.at[row["category"], row["label"]] == pytest.approx(row["demand"] - row["closing"])
    short, surplus = support.largest_gaps(matrix)
    assert short[2] == pytest.approx(matrix.to_numpy().max())
    assert matrix.at[short[0], short[1]] == pytest.approx(short[2])
    if surplus is not None:
        assert surplus[2] == pytest.approx(-matrix.to_numpy().min())
    assert support.largest_gaps(matrix * 0) == (None, None)
    frame = support.gap_frame(table)
    assert list(frame.columns) == ["category", "quarter", "label", "demand", "closing", "gap"]


def test_hires_moves_and_cost_for_people(planned):
    org, _, plan = planned["baseline"]
    workforce, start = plan.workforce, plan.meta.start
    hires = support.hiring_table(workforce, org, start)
    raw = workforce.table("hiring_plan")
    assert hires["FTE"].sum() == pytest.approx(workforce.kpis.hires)
    assert list(hires["Overdue"]) == list(raw["decide_by"] < 0)
    critical = raw["role_id"].notna()
    assert critical.any() and all(r.endswith(f"({i})") for r, i in zip(hires["Role"][critical], raw["role_id"][critical]))
    assert (hires["Role"][~critical] == "–").all()
    first = raw.iloc[0]
    assert hires["Decide by"].iloc[0] == support.quarter_label(start, int(first["decide_by"]))

    moves = support.moves_table(workforce, org, start)
    assert len(moves) == len(workforce.moves) and moves["FTE"].sum() == pytest.approx(workforce.kpis.moves)
    through = workforce.table("workforce_moves")["intervention_id"].notna().to_numpy()
    assert (moves["Intervention starts"][~through] == "–").all()

    cost = support.cost_frame(workforce)
    by_quarter = cost.groupby("quarter")["cost"].sum()
    assert by_quarter.to_numpy() == pytest.approx(workforce.table("workforce_cost")["total"].to_numpy())
    assert list(cost["part"].iloc[:len(support.COST_PARTS)]) == list(support.COST_PARTS.values())
    assert "Loaded cost of the headcount" not in set(support.cost_frame(workforce, loaded=False)["part"])
    assert list(support.workforce_tables(workforce)) == list(planner.WORKFORCE_TABLES)


def test_kpi_deltas_say_which_way_is_better(planned):
    base, growth = planned["baseline"][2].workforce.kpis, planned["technology-growth"][2].workforce.kpis
    text, direction = support.workforce_kpi_deltas(base, growth, ("baseline", "growth"))
    assert list(text.columns) == ["baseline", "growth", "Δ growth"] and text.index.name == "KPI"
    cost = "Workforce cost (money units)"
    assert text.at[cost, "Δ growth"] == f"{growth.total_cost - base.total_cost:+,.0f}"
    assert direction.at[cost, "Δ growth"] == (-1 if growth.total_cost > base.total_cost else 1)
    assert direction.at["External hires (FTE)", "Δ growth"] == 0  # neither better nor worse
    # shares in percentage points; headcount against demand is better the closer it is to 100%
    a = base.model_copy(update={"internal_fill_rate": 0.5, "headcount_vs_demand": 0.9, "redundancies": 3.0})
    b = base.model_copy(update={"internal_fill_rate": 0.6, "headcount_vs_demand": 1.05, "redundancies": 3.0})
    text, direction = support.workforce_kpi_deltas(a, b, ("a", "b"))
    assert text.at["Internal fill rate (%)", "Δ b"] == "+10.0 pp" and direction.at["Internal fill rate (%)", "Δ b"] == 1
    assert direction.at["Headcount vs demand, last quarter (%)", "Δ b"] == 1
    assert text.at["Redundancies (FTE)", "Δ b"] == "±0" and direction.at["Redundancies (FTE)", "Δ b"] == 0
    c = base.model_copy(update={"time_to_fill_quarters": None})
    assert support.workforce_kpi_deltas(a, c, ("a", "c"))[0].at["Time to fill (quarters, mean)", "c"] == "–"
    assert support.format_workforce_kpi("hipo_retention", 0.63) == "63.0%"
    assert support.format_workforce_kpi("total_cost", 1234567.8) == "1,234,568"
    assert support.plan_labels(["p1", "p2"], ["s", "s"]) == ["p1", "p2"]


def test_planning_the_workforce_joins_checks_and_saves_it_with_its_succession_plan(tmp_path):
    org, scenario, plan = succession_plan("technology-growth")
    store = planner.PlanStore(tmp_path)
    store.save(plan, name="growth")
    store.save(succession_plan("baseline")[2], name="base")
    listing = store.list()
    assert support.workforce_plans(store).empty
    mine = support.succession_plans(listing, support.scenario_fingerprint(org, scenario), "technology-growth")
    assert mine["name"].iloc[0] == "growth"  # the scenario's own plan first
    shared = planner.input_fingerprint(*planner.load(SCENARIOS / "baseline.yaml")) == mine["fingerprint"].iloc[0]
    assert list(mine["name"]) == (["growth", "base"] if shared else ["growth"])  # the baseline's, if the same inputs
    assert support.succession_plans(listing, None).empty
    assert support.succession_plans(listing.assign(status="INFEASIBLE"), mine["fingerprint"].iloc[0]).empty  # no solution

    outcome = support.plan_and_save(scenario, org, tmp_path, "growth")
    assert outcome.state == "saved" and outcome.saved_name == "growth", outcome.message or outcome.issues
    assert outcome.seconds > 0
    saved = store.load("growth")
    assert saved.workforce.kpis == outcome.plan.workforce.kpis
    assert saved.workforce.table("hiring_plan").equals(outcome.plan.workforce.table("hiring_plan"))
    assert saved.slates == plan.slates and saved.meta.created == plan.meta.created
    assert planner.check(org, scenario, saved).ok
    listed = support.workforce_plans(store)
    assert list(listed["name"]) == ["growth"] and listed["workforce_status"].iloc[0] == saved.workforce.kpis.status
    assert listed["workforce_cost"].iloc[0] == pytest.approx(saved.workforce.kpis.total_cost)

    fingerprint = support.scenario_fingerprint(org, scenario)
    assert support.default_workforce_plan(listed, "technology-growth", fingerprint) == "growth"
    assert support.default_workforce_plan(listed, "baseline", fingerprint, shown="gone", current="growth") == "growth"
    assert support.default_workforce_plan(listed.iloc[0:0], "technology-growth", fingerprint) is None
    assert support.is_own_plan(saved, scenario) and not support.is_own_plan(saved, planner.load(SCENARIOS / "baseline.yaml")[1])


def test_planning_the_workforce_reports_bad_input_and_never_raises(tmp_path):
    org, scenario, plan = succession_plan("baseline")
    store = planner.PlanStore(tmp_path / "ws")
    store.save(plan, name="base")
    cut_org, cut = planner.load(SCENARIOS / "budget-cut.yaml")
    other = support.plan_and_save(cut, cut_org, tmp_path / "ws", "base")
    assert other.state == "failed" and "other data or settings" in other.message
    missing = support.plan_and_save(scenario, org, tmp_path / "ws", "no-such-plan")
    assert missing.state == "failed" and "no saved plan named 'no-such-plan'" in missing.message

    data = tmp_path / "no-workforce"
    shutil.copytree(SAMPLE, data)
    for table in data.glob("workforce_*.csv"):
        table.unlink()
    bare_org, bare = planner.load(scenario_file(tmp_path, "bare", dataset=str(data)))
    assert not planner.has_workforce(bare_org)
    outcome = support.plan_and_save(bare, bare_org, tmp_path / "ws", "base")
    assert outcome.state == "failed" and [i.table for i in outcome.issues] == ["workforce_costs"]
    assert "no workforce tables" in outcome.issues[0].message
    assert store.load("base").workforce is None  # nothing was saved


def test_a_workforce_what_if_sharing_its_base_succession_plan_is_saved_as_a_new_plan_of_its_own(tmp_path):
    """When the succession inputs leave the workforce settings and changes out (planner.input_fingerprint), the
    technology-growth what-if may join the baseline's succession plan: a new plan of technology-growth, the
    baseline's plan untouched."""
    base_org, base_scenario, plan = succession_plan("baseline")
    org, scenario = planner.load(SCENARIOS / "technology-growth.yaml")
    if planner.input_fingerprint(org, scenario) != plan.meta.input_fingerprint:
        pytest.skip("the succession inputs of technology-growth differ from the baseline's here")
    store = planner.PlanStore(tmp_path)
    store.save(plan, name="base")
    outcome = support.plan_and_save(scenario, org, tmp_path, "base", scenario_file=str(SCENARIOS / "technology-growth.yaml"))
    assert outcome.state == "saved" and outcome.reused == "base", outcome.message or outcome.issues
    assert outcome.saved_name != "base" and outcome.saved_name.startswith("technology-growth-")
    saved = store.load(outcome.saved_name)
    assert saved.meta.scenario == "technology-growth" and saved.workforce.has_solution
    assert saved.slates == plan.slates and planner.check(org, scenario, saved).ok
    assert store.load("base").workforce is None
    assert support.is_own_plan(saved, scenario)
