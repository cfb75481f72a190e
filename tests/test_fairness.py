"""Fair slates (policy.fairness): the rule in the model and in the checker (a satisfied / violated pair
each, found by tests/test_rule_registry.py in the classes below), its targets where the organisation
has fewer eligible people of the group, its price on a hand-made organisation whose answer is known,
the masking of small counts, the ratings sensitivity and the input error of a missing column.

The organisation (tests/factories.base_tables): one critical role, R-MGR (needs Financial Reporting
4, falls vacant in quarter 4, external hire 100,000), with two analysts who can succeed: Ana (group
A) lacks one level (I-ADV, 5,000), Ben (group B) lacks three (I-FOUND + I-ADV, 7,000). With a budget of
5,000 and a bench of one, only Ana can be made ready."""

from __future__ import annotations

import pytest

from factories import base_tables, make_org, make_scenario
from planner import InputError, Scenario
from planner.analyses.fairness import (compare_composition, composition_counts, fairness_price, ratings_sensitivity,
                                       slate_composition)
from planner.evaluation.checks import check_slate_fairness
from planner.evaluation.replay import PlanContext
from planner.inputs.loading import check_scenario
from planner.problem.fairness import fairness_targets, masked
from planner.solver.rules import slate_fairness
from test_checker import learning, slates
from test_model_rules import feasible


def grouped_org(groups=("A", "A", "B"), **employee_changes):
    """The base organisation with a 'group' column (Mia, Ana, Ben), an extra column of employees."""
    t = base_tables()
    for row, group in zip(t["employees"], groups):
        row["group"] = group
        row.update(employee_changes.get(row["employee_id"], {}))
    return make_org(t)


def fair(mode="hard", min_per_slate=1, bench_depth=1, budget=5_000, price=20_000, group="B", policy=(), **kw):
    return make_scenario(budget=budget, policy=dict(policy, bench_depth=bench_depth, fairness=dict(
        attribute="group", group=group, min_per_slate=min_per_slate, mode=mode, price=price)), **kw)


class TestInTheModel:
    """slate_fairness alone in the model, decisions fixed."""

    def test_slate_fairness_holds(self):
        assert feasible(grouped_org(), fair(), slate_fairness, slates=[("E-BEN", "R-MGR", 1)])

    def test_slate_fairness_broken(self):
        assert not feasible(grouped_org(), fair(), slate_fairness, slates=[("E-ANA", "R-MGR", 1)], no_slates=[("E-BEN", "R-MGR", 1)])
        assert not feasible(grouped_org(), fair(bench_depth=3), slate_fairness, no_slates=[("E-BEN", "R-MGR", k) for k in (1, 2, 3)])


class TestInTheChecker:
    """check_slate_fairness on a plan."""

    @staticmethod
    def violations(scenario, *rows, org=None):
        ctx = PlanContext(org or grouped_org(), scenario, slates(*rows), learning())
        found = check_slate_fairness(ctx)
        assert all(v.rule == "slate_fairness" for v in found)
        return [str(v) for v in found]

    def test_slate_fairness_holds(self):
        assert self.violations(fair(), ("E-BEN", "R-MGR", 1)) == []
        assert self.violations(fair(bench_depth=3), ("E-ANA", "R-MGR", 1), ("E-BEN", "R-MGR", 2)) == []

    def test_slate_fairness_broken(self):
        found = self.violations(fair(), ("E-ANA", "R-MGR", 1))
        assert found == ["[slate_fairness] the R-MGR slate holds fewer people of the fairness group than its target "
                         "(policy.fairness)"]
        assert self.violations(fair(bench_depth=3), ("E-ANA", "R-MGR", 1)) != []

    def test_soft_mode_is_not_a_hard_rule(self):
        assert self.violations(fair(mode="soft"), ("E-ANA", "R-MGR", 1)) == []


def test_target_is_what_the_organisation_can_provide():
    """Two per slate asked, one person of group B eligible: the target is one; a group nobody is in
    (or whose people are all ineligible) asks for none; a veto takes its person out of the count."""
    org = grouped_org()
    assert fairness_targets(org, fair(min_per_slate=2, bench_depth=3)) == {"R-MGR": 1}
    assert fairness_targets(org, fair(min_per_slate=2, bench_depth=3, group="Z")) == {"R-MGR": 0}
    closed = grouped_org(**{"E-BEN": dict(open_to_move=False)})
    assert fairness_targets(closed, fair(bench_depth=3)) == {"R-MGR": 0}
    vetoed = fair(bench_depth=3, vetoes=[dict(employee_id="E-BEN", role_id="R-MGR", rationale="t")])
    assert fairness_targets(org, vetoed) == {"R-MGR": 0}


def test_fewer_eligible_than_asked_still_solves():
    """Hard, two per slate, one eligible person of the group: feasible, and she is on the slate."""
    import planner

    plan = planner.solve(fair(min_per_slate=2, bench_depth=3, budget=50_000), grouped_org())
    assert plan.has_solution and "E-BEN" in {s.employee_id for s in plan.slates}
    assert planner.check(grouped_org(), fair(min_per_slate=2, bench_depth=3, budget=50_000), plan).ok


def test_price_of_the_hard_rule_in_money_and_coverage():
    """Without the rule Ana is made ready for 5,000; with it Ben must be first successor, cannot be made
    ready on 5,000, and the role goes to an external hire: +95,000 (-5,000 training, +100,000 hire), one
    covered role fewer, R-MGR's slate changed."""
    price = fairness_price(fair(), grouped_org())
    assert (price.status_with, price.status_without) == ("OPTIMAL", "OPTIMAL")
    assert (price.total_cost_with, price.total_cost_without, price.money_delta) == (100_000, 5_000, 95_000)
    assert (price.training_delta, price.external_hire_delta) == (-5_000, 100_000)
    assert (price.coverage_delta, price.coverage_share_delta, price.shortfall_price) == (-1, -1.0, 0.0)
    assert [(c.role_id, c.before, c.after) for c in price.slates_changed] == [("R-MGR", ["E-ANA"], ["E-BEN"])]


@pytest.mark.parametrize("price, cost, slate, paid", [(20_000, 5_000, "E-ANA", 20_000), (200_000, 100_000, "E-BEN", 0)])
def test_the_soft_rule_is_weighed_as_money(price, cost, slate, paid):
    """Soft: a missing person costs ``price``. At 20,000 paying it beats a 95,000 rise, so the plan keeps
    Ana and pays 20,000 (in its money cost); at 200,000 it takes Ben."""
    import planner

    sc, org = fair(mode="soft", price=price), grouped_org()
    plan = planner.solve(sc, org)
    assert [s.employee_id for s in plan.slates] == [slate]
    assert plan.kpis.total_cost == cost and plan.kpis.objective_parts["fairness_shortfall"] == paid
    assert plan.kpis.money_cost == pytest.approx(cost + paid) and plan.kpis.status == "OPTIMAL"
    assert fairness_price(sc, org).shortfall_price == paid


def test_the_price_of_a_rule_that_costs_nothing():
    """A bench of three fits Ben as the second successor: the rule costs nothing and changes one slate."""
    price = fairness_price(fair(bench_depth=3), grouped_org())
    assert (price.money_delta, price.coverage_delta) == (0, 0)
    assert [c.role_id for c in price.slates_changed] in ([], ["R-MGR"])


def test_the_readiness_ranking_seats_the_group():
    """--method greedy keeps a hard rule too: Ben replaces Ana, the plan passes the checker."""
    import planner

    sc = fair()
    plan = planner.solve(sc, grouped_org(), method="greedy")
    assert [s.employee_id for s in plan.slates] == ["E-BEN"] and planner.check(grouped_org(), sc, plan).ok


def test_masking_under_five():
    assert [masked(n) for n in (0, 1, 4, 5, 6, 1204)] == ["<5", "<5", "<5", "5", "6", "1,204"]


def test_composition_masks_every_count_under_five():
    import planner

    org = grouped_org(groups=("A", "A", "B"))
    plan = planner.solve(fair(bench_depth=3, budget=50_000), org)
    counts = composition_counts(plan, org)
    assert counts.loc["All slates"].sum() == len(plan.slates) and list(counts.columns) == ["A", "B"]
    shown = slate_composition(plan, org)
    assert list(shown["role_id"]) == ["R-MGR", "All slates"]
    assert set(shown[["A", "B"]].to_numpy().ravel()) == {"<5"}
    side = compare_composition([plan, plan], org, labels=["one", "two"])
    assert list(side.columns) == ["value", "one", "two"] and set(side[["one", "two"]].to_numpy().ravel()) == {"<5"}


def test_ratings_sensitivity_lists_the_slates_that_move():
    """Ana and Ben both ready today; Ana's quality is higher (potential 2 against Ben's 1, same
    performance otherwise). One point more potential for group B puts Ben first: R-MGR changes; one
    point less for group A (clipped at 1) does too; group B's ratings moving down changes nothing."""
    org = grouped_org(**{"E-ANA": dict(performance=3, potential=2), "E-BEN": dict(performance=4, potential=1)})
    t = base_tables()
    skills = [dict(s, level=4) if (s["employee_id"], s["skill_id"]) == ("E-BEN", "FIN") else s for s in t["employee_skills"]]
    skills = [dict(s, level=4) if (s["employee_id"], s["skill_id"]) == ("E-ANA", "FIN") else s for s in skills]
    from planner.inputs.checks import replace_tables
    import pandas as pd

    org = replace_tables(org, employee_skills=pd.DataFrame(skills))
    sc = make_scenario(policy=dict(bench_depth=1))  # no fairness setting: the attribute is named
    up = ratings_sensitivity(sc, org, "B", attribute="group")
    assert [(c.role_id, c.before, c.after) for c in up] == [("R-MGR", ["E-ANA"], ["E-BEN"])]
    assert ratings_sensitivity(sc, org, "B", attribute="group", shift=-1) == []
    with pytest.raises(ValueError, match="name the attribute"):
        ratings_sensitivity(sc, org, "B")


def test_a_missing_column_is_an_input_error_naming_the_setting():
    sc = make_scenario(policy=dict(fairness=dict(attribute="gender", group="F")))
    issues = check_scenario(grouped_org(), sc)
    assert [(i.column, i.severity) for i in issues] == [("policy.fairness.attribute", "error")]
    assert "'gender'" in issues[0].message and "no such column" in issues[0].message
    with pytest.raises(InputError, match="policy.fairness.attribute"):
        import planner

        planner.solve(sc, grouped_org())


def test_min_per_slate_above_the_bench_is_a_setting_error():
    with pytest.raises(ValueError, match="above bench_depth"):
        Scenario.model_validate(dict(name="x", dataset="-", budget=dict(total=1),
                                     policy=dict(bench_depth=2, fairness=dict(attribute="group", group="B", min_per_slate=3))))


def test_without_the_setting_a_policy_dumps_as_before():
    """So the input fingerprint of every plan saved before the setting existed still holds."""
    assert "fairness" not in make_scenario().model_dump()["policy"]
    assert fair().model_dump()["policy"]["fairness"]["group"] == "B"


def test_targets_stay_within_max_slates():
    """Ben, the group's one person, may sit on one slate only: the more critical R-MGR gets him as its
    target, R-CTRL asks for none, and the plan is feasible."""
    import planner
    from factories import with_controller_tables

    t = with_controller_tables()
    for row, group in zip(t["employees"], ("A", "A", "B")):
        row["group"] = group
    org = make_org(t)
    sc = fair(bench_depth=3, budget=50_000, policy=dict(max_slates_per_employee=1))
    assert fairness_targets(org, sc) == {"R-MGR": 1, "R-CTRL": 0}
    plan = planner.solve(sc, org)
    assert ("R-MGR", "E-BEN") in {(s.role_id, s.employee_id) for s in plan.slates} and planner.check(org, sc, plan).ok


def test_the_large_instance_method_keeps_the_group():
    """Forced onto the shortlist method (exact_pairs_limit 0), the hard rule still holds: the group's
    candidates are kept in each role's shortlist."""
    import planner

    sc = fair(solver=dict(exact_pairs_limit=0, shortlist_per_rank=1))
    plan = planner.solve(sc, grouped_org())
    assert plan.kpis.bound_kind == "lp-relaxation" and [s.employee_id for s in plan.slates] == ["E-BEN"]
    assert planner.check(grouped_org(), sc, plan).ok


def test_the_export_has_a_masked_composition_sheet():
    import planner
    from planner.app_support.exports import export_tables

    org = grouped_org()
    plan = planner.solve(fair(bench_depth=3, budget=50_000), org, method="greedy")
    sheet = export_tables(plan, org)["Slate composition"]
    assert list(sheet.columns) == ["Role ID", "A", "B"] and set(sheet[["A", "B"]].to_numpy().ravel()) == {"<5"}
    assert "Slate composition" not in export_tables(planner.solve(make_scenario(), org, method="greedy"), org)


def test_cli_fairness_prints_the_price(tmp_path):
    """`planner fairness` on a scenario file; a scenario without the setting is refused (exit 2)."""
    from typer.testing import CliRunner

    from planner.cli import app
    from planner.inputs.files import write_dataset

    write_dataset(grouped_org(), tmp_path / "data")
    (tmp_path / "fair.yaml").write_text("name: fair\ndataset: data\nhorizon_quarters: 8\nbudget: {total: 5000}\n"
                                        "policy: {bench_depth: 1, fairness: {attribute: group, group: B}}\n")
    (tmp_path / "plain.yaml").write_text("name: plain\ndataset: data\nhorizon_quarters: 8\nbudget: {total: 5000}\n")
    result = CliRunner().invoke(app, ["fairness", str(tmp_path / "fair.yaml"), "--time-limit", "5", "--sensitivity", "B"])
    assert result.exit_code == 0, result.output
    assert "+95,000" in result.output and "-1 (-100%)" in result.output and "R-MGR" in result.output
    assert "<5" in result.output
    refused = CliRunner().invoke(app, ["fairness", str(tmp_path / "plain.yaml")])
    assert refused.exit_code == 2 and "sets no policy.fairness" in refused.output


def test_planner_compare_and_the_compare_page_show_the_composition_masked(tmp_path, monkeypatch):
    """Plans of a scenario with policy.fairness compare with their slate composition, every count masked."""
    from streamlit.testing.v1 import AppTest
    from typer.testing import CliRunner

    import planner
    from planner.cli import app
    from planner.inputs.files import write_dataset

    write_dataset(grouped_org(), tmp_path / "data")
    (tmp_path / "fair.yaml").write_text("name: fair\ndataset: data\nhorizon_quarters: 8\nbudget: {total: 5000}\n"
                                        "policy: {bench_depth: 1, fairness: {attribute: group, group: B}}\n")
    (tmp_path / "cut.yaml").write_text("name: cut\nextends: fair.yaml\nchanges: [{type: budget, scale: 0}]\n")
    workspace = tmp_path / "ws"
    for name in ("fair", "cut"):
        solved = CliRunner().invoke(app, ["solve", str(tmp_path / f"{name}.yaml"), "--method", "greedy", "-q",
                                          "--workspace", str(workspace), "--name", name])
        assert solved.exit_code == 0, solved.output
    result = CliRunner().invoke(app, ["compare", "fair", "cut", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    shown = flat[flat.index("Slate entries by the fairness attribute"):]
    assert "<5" in shown and "fair" in shown and "cut" in shown
    table = planner.plans_composition([planner.PlanStore(workspace).load(n) for n in ("fair", "cut")], labels=["fair", "cut"])
    assert set(table["value"]) >= {"A", "B"} and set(table["fair"]) == {"<5"}
    assert planner.plans_composition([planner.solve(make_scenario(), grouped_org(), method="greedy")] * 2) is None

    monkeypatch.setenv("PLANNER_WORKSPACE", str(workspace))
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.run()
    at.switch_page("views/compare.py").run()
    assert not at.exception
    frames = [df.value for df in at.dataframe]
    composition = next(f for f in frames if "value" in f.columns and "fair" in f.columns)
    assert set(composition["fair"]) == {"<5"}
