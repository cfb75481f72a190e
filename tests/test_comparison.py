"""Comparing plans: exact slate and learning change rows, KPI deltas, decision counts, spend tables,
CSV/JSON output and terminal tables, on hand-built plans and on plans solved at two budgets."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from factories import make_org, make_scenario, solve_checked
from rich.console import Console

from planner.analyses.comparison import KPI_ROWS, Comparison, compare
from planner.cli.render import render
from planner.contract.plan import Kpis, LearningAssignment, Plan, PlanMeta, SlateEntry, readiness_category

SLATE_KEYS = ["plan", "role_id", "employee_id", "change", "rank_before", "rank_after", "readiness_before",
              "readiness_after"]
LEARNING_KEYS = ["plan", "employee_id", "intervention_id", "change", "start_before", "start_after", "cost_delta"]


def slate(role: str, rank: int, employee: str, ready_quarter: int | None) -> SlateEntry:
    return SlateEntry(role_id=role, rank=rank, employee_id=employee, ready_quarter=ready_quarter,
                      readiness=readiness_category(ready_quarter))


def course(employee: str, intervention: str, start: int, cost: float, department: str | None) -> LearningAssignment:
    return LearningAssignment(employee_id=employee, intervention_id=intervention, start_quarter=start,
                              end_quarter=start, cost=cost, department=department)


def make_plan(name: str, slates: list[SlateEntry], learning: list[LearningAssignment], status: str = "OPTIMAL",
              **kpis) -> Plan:
    training = sum(a.cost for a in learning)
    values = dict(critical_roles=2, covered_roles=1, coverage=0.5, training_cost=training, external_hire_cost=50_000,
                  total_cost=training + 50_000, bench_strength=1.0, budget_used_share=training / 20_000,
                  successors=len(slates), ready_now=sum(s.readiness == "ready_now" for s in slates),
                  avg_quarters_to_ready=1.0, cost_per_ready_successor=training, status=status,
                  objective=training + 50_000, best_bound=training + 50_000, gap=0.0)
    values.update(kpis)
    meta = PlanMeta(scenario=name, dataset="<memory>", input_fingerprint="x", start="2027Q1", horizon_quarters=8,
                    budget_total=20_000, created="2027-01-01T00:00:00+00:00", planner_version="0.1.0")
    return Plan(meta=meta, kpis=Kpis(**values), slates=slates, learning=learning)


def plan_a() -> Plan:
    return make_plan(
        "base",
        [slate("R1", 1, "E1", 0), slate("R1", 2, "E2", 3), slate("R1", 3, "E3", None), slate("R2", 1, "E4", 6)],
        [course("E2", "I-A", 0, 1_000, "Finance"), course("E3", "I-B", 1, 2_000, "Finance"),
         course("E4", "I-C", 2, 500, "Sales")],
    )


def plan_b() -> Plan:
    """Against plan_a: E5 in and E3 out on R1; E1 and E2 swap ranks, E2 also becomes ready now; E4's
    readiness on R2 improves at the same rank. E3's course is removed, E4's moves from quarter 2 to 4,
    E5 gets two courses; E2's course is unchanged."""
    return make_plan(
        "stretch",
        [slate("R1", 1, "E2", 0), slate("R1", 2, "E1", 0), slate("R1", 3, "E5", 7), slate("R2", 1, "E4", 4)],
        [course("E2", "I-A", 0, 1_000, "Finance"), course("E4", "I-C", 4, 500, "Sales"),
         course("E5", "I-B", 1, 2_000, "Ops"), course("E5", "I-D", 3, 3_000, "Ops")],
        covered_roles=2, coverage=1.0, external_hire_cost=0, total_cost=6_500, bench_strength=1.5,
        avg_quarters_to_ready=None, cost_per_ready_successor=1_625, objective=6_500, gap=0.02, status="FEASIBLE",
    )


def rows(df: pd.DataFrame, keys: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(v) else v for v in r) for r in df[keys].itertuples(index=False)]


@pytest.fixture
def ab() -> Comparison:
    return compare([plan_a(), plan_b()])


def test_slate_changes_are_exactly_the_entries_that_came_in_left_moved_or_changed_readiness(ab):
    assert rows(ab.slate_changes, SLATE_KEYS) == [
        ("stretch", "R1", "E5", "in", None, 3, None, "ready_2_years"),
        ("stretch", "R1", "E3", "out", 3, None, "not_ready", None),
        ("stretch", "R1", "E1", "rank", 1, 2, "ready_now", "ready_now"),
        ("stretch", "R1", "E2", "rank", 2, 1, "ready_1_year", "ready_now"),
        ("stretch", "R1", "E2", "readiness", 2, 1, "ready_1_year", "ready_now"),
        ("stretch", "R2", "E4", "readiness", 1, 1, "ready_2_years", "ready_1_year"),
    ]
    assert str(ab.slate_changes["rank_before"].dtype) == "Int64"


def test_learning_changes_are_exactly_the_added_removed_and_moved_interventions(ab):
    assert rows(ab.learning_changes, LEARNING_KEYS) == [
        ("stretch", "E3", "I-B", "removed", 1, None, -2_000.0),
        ("stretch", "E4", "I-C", "moved", 2, 4, 0.0),
        ("stretch", "E5", "I-B", "added", None, 1, 2_000.0),
        ("stretch", "E5", "I-D", "added", None, 3, 3_000.0),
    ]
    assert ab.learning_changes["cost_delta"].sum() == ab.kpis.loc["training_cost", "stretch - base"] == 3_000


def test_kpi_table_has_every_kpi_and_correct_deltas(ab):
    k = ab.kpis
    assert list(k.index) == KPI_ROWS and k.index.name == "kpi"
    assert list(k.columns) == ["base", "stretch", "stretch - base"]
    delta = k["stretch - base"]
    assert delta["coverage"] == pytest.approx(0.5)
    assert delta["covered_roles"] == 1
    assert delta["critical_roles"] == 0
    assert delta["training_cost"] == 6_500 - 3_500
    assert delta["external_hire_cost"] == -50_000
    assert delta["total_cost"] == 6_500 - 53_500
    assert delta["bench_strength"] == pytest.approx(0.5)
    assert delta["successors"] == 0
    assert delta["ready_now"] == 2 - 1
    assert delta["cost_per_ready_successor"] == 1_625 - 3_500
    assert delta["gap"] == pytest.approx(0.02)
    # No delta for text, nor where one side has no value.
    assert pd.isna(delta["status"]) and pd.isna(delta["avg_quarters_to_ready"])
    assert (k.loc["status", "base"], k.loc["status", "stretch"]) == ("OPTIMAL", "FEASIBLE")
    assert k.loc["avg_quarters_to_ready", "stretch"] is None


def test_decisions_changed_counts_slate_and_learning_decisions_but_not_readiness(ab):
    # Slate: 1 in + 1 out + 2 rank moves (2 readiness rows don't count); learning: 2 added + 1 removed + 1 moved.
    assert ab.decisions_changed("stretch") == 4 + 4
    assert ab.decisions_changed("base") == 0
    with pytest.raises(KeyError, match="nope"):
        ab.decisions_changed("nope")


def test_spend_tables_add_up_to_each_plans_training_cost(ab):
    q, d = ab.spend_by_quarter, ab.spend_by_department
    assert q["quarter"].tolist() == list(range(8))
    assert q["label"].tolist()[:5] == ["2027Q1", "2027Q2", "2027Q3", "2027Q4", "2028Q1"]
    assert q["base"].tolist() == [1_000, 2_000, 500, 0, 0, 0, 0, 0]
    assert q["stretch"].tolist() == [1_000, 2_000, 0, 3_000, 500, 0, 0, 0]
    assert d.set_index("department").to_dict("index") == {
        "Finance": {"base": 3_000, "stretch": 1_000},
        "Ops": {"base": 0, "stretch": 5_000},
        "Sales": {"base": 500, "stretch": 500},
    }
    for label in ab.plans:
        assert q[label].sum() == d[label].sum() == ab.kpis.loc["training_cost", label]


def test_identical_plans_have_no_changes_and_zero_deltas():
    c = compare([plan_a(), plan_a()])
    assert c.plans == ["base", "base (2)"]
    assert c.slate_changes.empty and c.learning_changes.empty
    assert list(c.slate_changes.columns) == SLATE_KEYS and list(c.learning_changes.columns) == LEARNING_KEYS
    assert c.decisions_changed("base (2)") == 0
    assert (c.kpis["base (2) - base"].dropna() == 0).all()
    assert c.kpis["base (2) - base"].notna().sum() == len(KPI_ROWS) - 1  # all numeric KPIs present in plan_a
    assert (c.spend_by_quarter["base"] == c.spend_by_quarter["base (2)"]).all()


def test_three_plans_are_each_diffed_against_the_first():
    a, b = plan_a(), plan_b()
    c_plan = make_plan("base", a.slates[:3], a.learning[:2])  # drops R2's slate entry and E4's course
    c = compare([a, b, c_plan])
    assert c.plans == ["base", "stretch", "base (2)"]
    assert list(c.kpis.columns) == ["base", "stretch", "base (2)", "stretch - base", "base (2) - base"]
    assert c.kpis.loc["training_cost", "base (2) - base"] == -500
    assert rows(c.slate_changes[c.slate_changes["plan"] == "base (2)"], SLATE_KEYS) == [
        ("base (2)", "R2", "E4", "out", 1, None, "ready_2_years", None)]
    assert rows(c.learning_changes[c.learning_changes["plan"] == "base (2)"], LEARNING_KEYS) == [
        ("base (2)", "E4", "I-C", "removed", 2, None, -500.0)]
    # The stretch rows are those of the two-plan comparison: B is never diffed against C.
    two = compare([a, b])
    pd.testing.assert_frame_equal(c.slate_changes[c.slate_changes["plan"] == "stretch"], two.slate_changes)
    assert (c.decisions_changed("stretch"), c.decisions_changed("base (2)")) == (8, 2)
    assert list(c.spend_by_department.columns) == ["department", "base", "stretch", "base (2)"]


def test_explicit_labels_and_label_deduplication():
    c = compare([plan_a(), plan_b(), plan_b()], labels=["A", "B", "B"])
    assert c.plans == ["A", "B", "B (2)"] and c.reference == "A"
    assert "B (2) - A" in c.kpis.columns
    # A label equal to a table's column name would clash with it.
    assert compare([plan_a(), plan_b()], labels=["quarter", "label"]).plans == ["quarter (2)", "label (2)"]


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="at least two"):
        compare([plan_a()])
    with pytest.raises(ValueError, match="labels"):
        compare([plan_a(), plan_b()], labels=["only one"])
    later = plan_b()
    later.meta.start = "2028Q1"
    with pytest.raises(ValueError, match="different quarters"):
        compare([plan_a(), later])
    twice = plan_a()
    twice.learning.append(course("E2", "I-A", 3, 1_000, "Finance"))
    with pytest.raises(ValueError, match="twice"):
        compare([plan_a(), twice])


def test_a_plan_without_solution_compares_as_empty():
    a = plan_a()
    infeasible = make_plan("tight", [], [], status="INFEASIBLE", objective=None, best_bound=None, gap=None)
    c = compare([a, infeasible])
    assert c.slate_changes["change"].tolist() == ["out"] * len(a.slates)
    assert c.learning_changes["change"].tolist() == ["removed"] * len(a.learning)
    assert c.decisions_changed("tight") == len(a.slates) + len(a.learning)
    assert c.spend_by_quarter["tight"].sum() == 0 and c.spend_by_department["tight"].sum() == 0
    assert c.kpis.loc["status", "tight"] == "INFEASIBLE" and pd.isna(c.kpis.loc["objective", "tight - base"])
    # Reversed, the infeasible plan is the reference and everything comes in.
    assert set(compare([infeasible, a]).slate_changes["change"]) == {"in"}


def test_csv_files_are_written_and_read_back(ab, tmp_path):
    paths = ab.write_csv(tmp_path / "cmp")
    assert [p.name for p in paths] == ["kpis.csv", "slate_changes.csv", "learning_changes.csv",
                                       "spend_by_quarter.csv", "spend_by_department.csv"]
    kpis = pd.read_csv(paths[0], index_col="kpi")
    assert kpis.loc["training_cost", "stretch - base"] == 3_000
    assert kpis.loc["status", "stretch"] == "FEASIBLE"
    slates = pd.read_csv(paths[1], dtype={"rank_before": "Int64", "rank_after": "Int64"})
    assert rows(slates, SLATE_KEYS) == rows(ab.slate_changes, SLATE_KEYS)
    learning = pd.read_csv(paths[2], dtype={"start_before": "Int64", "start_after": "Int64"})
    assert rows(learning, LEARNING_KEYS) == rows(ab.learning_changes, LEARNING_KEYS)
    pd.testing.assert_frame_equal(pd.read_csv(paths[3]), ab.spend_by_quarter, check_dtype=False)
    pd.testing.assert_frame_equal(pd.read_csv(paths[4]), ab.spend_by_department, check_dtype=False)


def test_json_holds_every_table_and_the_decision_counts(ab):
    doc = json.loads(ab.to_json())
    assert doc["plans"] == ["base", "stretch"] and doc["reference"] == "base"
    assert doc["decisions_changed"] == {"base": 0, "stretch": 8}
    kpis = {r["kpi"]: r for r in doc["kpis"]}
    assert kpis["training_cost"]["stretch - base"] == 3_000
    assert kpis["status"]["stretch - base"] is None and kpis["avg_quarters_to_ready"]["stretch"] is None
    assert rows(pd.DataFrame(doc["slate_changes"]), SLATE_KEYS) == rows(ab.slate_changes, SLATE_KEYS)
    assert rows(pd.DataFrame(doc["learning_changes"]), LEARNING_KEYS) == rows(ab.learning_changes, LEARNING_KEYS)
    assert sum(r["stretch"] for r in doc["spend_by_quarter"]) == 6_500
    assert sum(r["base"] for r in doc["spend_by_department"]) == 3_500


def test_render_gives_terminal_tables_with_coloured_deltas(ab):
    tables = render(ab)
    assert [t.title for t in tables] == ["KPIs (reference: base)", "Slate changes against base",
                                         "Learning changes against base", "Spend by quarter", "Spend by department"]
    kpi_rows = dict(zip(tables[0].columns[0].cells, tables[0].columns[3].cells))
    assert kpi_rows["coverage"] == "[green]+50.0 pp[/green]"  # higher coverage is better
    assert kpi_rows["training_cost"] == "[red]+3,000[/red]"  # higher cost is worse
    assert kpi_rows["total_cost"] == "[green]-47,000[/green]"
    assert kpi_rows["critical_roles"] == "0" and kpi_rows["status"] == ""
    console = Console(record=True, width=160)
    for table in tables:
        console.print(table)
    text = console.export_text()
    assert "ready_1_year → ready_now" in text and "2027Q3 → 2028Q1" in text and "6,500" in text
    assert len(tables[1].rows) == len(ab.slate_changes) and len(tables[2].rows) == len(ab.learning_changes)


def test_render_says_when_nothing_changed():
    tables = render(compare([plan_a(), plan_a()]))
    assert tables[1].caption == "no slate changes" and tables[2].caption == "no learning changes"


def test_solved_plans_at_two_budgets_compare_coherently():
    org = make_org()
    rich_plan = solve_checked(org, make_scenario(budget=50_000))
    poor_plan = solve_checked(org, make_scenario(budget=3_000))
    c = compare([rich_plan, poor_plan], labels=["50k", "3k"])
    delta = c.kpis["3k - 50k"]
    assert delta["training_cost"] == poor_plan.kpis.training_cost - rich_plan.kpis.training_cost != 0
    assert delta["coverage"] == poor_plan.kpis.coverage - rich_plan.kpis.coverage
    for label, plan in zip(c.plans, (rich_plan, poor_plan)):
        assert c.spend_by_quarter[label].sum() == c.spend_by_department[label].sum() == plan.kpis.training_cost
    # The change rows are exactly the set differences of the two plans' decisions.
    rich_learning = {(a.employee_id, a.intervention_id): a.start_quarter for a in rich_plan.learning}
    poor_learning = {(a.employee_id, a.intervention_id): a.start_quarter for a in poor_plan.learning}
    changed = {k for k in rich_learning.keys() | poor_learning.keys() if rich_learning.get(k) != poor_learning.get(k)}
    assert set(zip(c.learning_changes["employee_id"], c.learning_changes["intervention_id"])) == changed
    assert c.learning_changes["cost_delta"].sum() == delta["training_cost"]
    rich_slates = {(s.role_id, s.employee_id) for s in rich_plan.slates}
    poor_slates = {(s.role_id, s.employee_id) for s in poor_plan.slates}
    moved = c.slate_changes[c.slate_changes["change"].isin(["in", "out"])]
    assert set(zip(moved["role_id"], moved["employee_id"])) == rich_slates ^ poor_slates
    # Without the budget for a course someone on a slate is ready later (or never).
    assert "readiness" in set(c.slate_changes["change"])
    assert c.decisions_changed("3k") == (c.slate_changes["change"] != "readiness").sum() + len(c.learning_changes) > 0
