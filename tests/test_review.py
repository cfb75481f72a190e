"""Talent review: the 9-box, a veto and a box move priced by a minimal-disruption re-plan, the append-only audit
trail (reopened, and with its writer killed midway), endorsed snapshots and the delta against them, outliers on
a hand-made organisation, the re-plan's start from the baseline, and the page headless (AppTest)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import planner
from planner.analyses import review as R
from planner.contract.scenario import EmployeeChange, Lock, Veto
from planner.inputs.changes import apply_changes
from planner.problem.instance import build_problem
from planner.solver.warmstart import baseline_start
from planner.store import PlanStore

from factories import make_org, make_scenario, solve_checked, with_controller_tables

ROOT = Path(__file__).resolve().parents[1]


# --- a hand-made organisation ------------------------------------------------------------------------------


def review_tables() -> dict:
    """The two-role organisation of the factories (Finance Manager, Financial Controller), the manager
    leaving in quarter 2 (so that Ana can be ready in time and Ben cannot), with four more Finance
    analysts (performance 3, 3, 3 and 1, potential 2) and a three-person department ('Tiny') too small
    to judge, whatever its ratings."""
    t = with_controller_tables()
    t["roles"][0]["vacancy_quarter"] = 2
    extra = [("E-F1", 3, 2, "Finance"), ("E-F2", 3, 2, "Finance"), ("E-F3", 3, 2, "Finance"), ("E-F4", 1, 2, "Finance"),
             ("E-T1", 5, 3, "Tiny"), ("E-T2", 1, 1, "Tiny"), ("E-T3", 1, 1, "Tiny")]
    for eid, perf, pot, dept in extra:
        t["employees"].append(dict(employee_id=eid, name=f"Person {eid}", role_id="R-ANL", department=dept,
                                   location="Leeds", performance=perf, potential=pot, flight_risk=0.1,
                                   learning_hours_per_quarter=0, open_to_move=False, aspirations=""))
    return t


@pytest.fixture(scope="module")
def small():
    org, scenario = make_org(review_tables()), make_scenario()
    return org, scenario, solve_checked(org, scenario)


def test_the_nine_box_bins_performance_and_potential_and_names_the_boxes(small):
    org, scenario, plan = small
    everyone = R.nine_box(org, scenario, plan)
    assert len(everyone) == len(org.employees)
    ana = everyone.set_index("employee_id").loc["E-ANA"]
    assert (ana["performance_band"], ana["potential_band"], ana["box"]) == ("high", "high", "Future star")
    by_id = everyone.set_index("employee_id")["box"]
    assert by_id["E-BEN"] == "Core player" and by_id["E-F4"] == "Inconsistent" and by_id["E-T2"] == "Talent risk"
    assert [R.box(p, 2) for p in (1, 2, 3, 4, 5)] == ["Inconsistent"] * 2 + ["Core player"] + ["High performer"] * 2
    assert set(R.nine_box(org, scenario, plan, department="Tiny")["employee_id"]) == {"E-T1", "E-T2", "E-T3"}

    # A critical role's candidates: its eligible people (not the incumbent, open to move), with their place on its slate.
    mgr = R.nine_box(org, scenario, plan, role_id="R-MGR").set_index("employee_id")
    assert set(mgr.index) == {"E-ANA", "E-BEN"}
    assert mgr.at["E-ANA", "rank"] == 1 and mgr.at["E-ANA", "ready_label"] == "2027Q3"
    assert "R-CTRL #2" in mgr.at["E-ANA", "slates"] and "R-MGR #1" in mgr.at["E-ANA", "slates"]
    vetoed = scenario.model_copy(update={"vetoes": [Veto(employee_id="E-BEN", role_id="R-CTRL", rationale="x")]})
    ctrl = R.nine_box(org, vetoed, plan, role_id="R-CTRL")
    assert "E-BEN" in set(ctrl["employee_id"])  # vetoed, but still on this plan's slate: shown
    assert "E-BEN" not in set(R.nine_box(org, vetoed, None, role_id="R-CTRL")["employee_id"])
    with pytest.raises(planner.InputError, match="not a critical role"):
        R.nine_box(org, scenario, plan, role_id="R-ANL")


def test_outliers_on_a_hand_made_organisation(small):
    org, scenario, plan = small
    found = R.outliers(org, scenario, plan)
    flagged = {(r.employee_id, r.rating) for r in found.ratings.itertuples()}
    # Finance performance 3,4,3,3,3,3,1: the 1 is 4.3 standard deviations (the rest's 0.37, floored at 0.5) below
    # the rest's mean 3.17; Ana's 4 is 1.8 above the rest's 2.67 (std 0.75): not an outlier. Finance potential: all
    # 2 but Ana's 3, one point from a rest that all share one rating. The Tiny department (3 people) is not judged.
    assert flagged == {("E-F4", "performance"), ("E-ANA", "potential")}
    f4 = found.ratings.set_index("employee_id").loc["E-F4"]
    assert f4["rest_mean"] == 3.17 and f4["z"] == -4.33
    assert "2 standard deviations" in found.rule

    # The plan: Ana and Ben sit on both slates (the cap is 2); the Finance Manager's bench hangs on Ana alone
    # (Ben is not ready), the Controller's has two ready successors (the manager and Ana).
    assert scenario.policy.max_slates_per_employee == 2
    assert set(found.many_slates["employee_id"]) == {"E-ANA", "E-BEN"}
    assert found.many_slates.set_index("employee_id").at["E-ANA", "roles"] == "R-CTRL #2, R-MGR #1"
    assert found.single_ready[["role_id", "ready_successor"]].values.tolist() == [["R-MGR", "E-ANA"]]
    assert R.outliers(org, scenario).single_ready.empty  # without a plan, only the ratings


def test_a_box_move_changes_the_ratings_in_the_scenario_and_is_priced(small):
    org, scenario, plan = small
    move = R.RatingMove(employee_id="E-BEN", performance=5, potential=3, rationale="Calibrated up: led the close.")
    review = R.price_change(org, scenario, plan, move, time_limit_seconds=10)
    assert review.effect.change == ("moving E-BEN from Core player (performance 3, potential 2) to Future star "
                                    "(performance 5, potential 3)")
    assert review.scenario.changes[-1] == EmployeeChange(type="employee", employee_id="E-BEN", performance=5, potential=3)
    ben = review.org.employees.set_index("employee_id").loc["E-BEN"]
    assert (ben["performance"], ben["potential"]) == (5, 3)
    assert org.employees.set_index("employee_id").at["E-BEN", "performance"] == 3  # the original is untouched
    assert R.nine_box(review.org, review.scenario, review.plan).set_index("employee_id").at["E-BEN", "box"] == "Future star"
    assert planner.check(review.org, review.scenario, review.plan).ok
    # Ratings weigh only in the tie-breaks, and moving a decision costs weights.change_slate: nothing moves.
    effect = review.effect
    assert (effect.total_cost_delta, effect.decisions_changed, effect.covered_before, effect.covered_after) == (0, 0, 2, 2)
    assert effect.sentence.startswith(effect.change + ": 0 total cost")

    with pytest.raises(ValueError, match="needs a new performance or potential"):
        R.RatingMove(employee_id="E-BEN", rationale="nothing")
    with pytest.raises(ValueError):
        R.RatingMove(employee_id="E-BEN", performance=6, rationale="out of range")
    with pytest.raises(ValueError):
        EmployeeChange(type="employee", employee_id="E-BEN", potential=4)
    with pytest.raises(planner.InputError, match="not an employees.employee_id"):
        R.price_change(org, scenario, plan, R.RatingMove(employee_id="E-NOPE", performance=2, rationale="x"))


def test_the_employee_change_sets_ratings():
    org, scenario = make_org(), make_scenario()
    changed = apply_changes(org, scenario.model_copy(update={"changes": [
        EmployeeChange(type="employee", employee_id="E-ANA", performance=2),
        EmployeeChange(type="employee", employee_id="E-BEN", potential=3)]}))
    ratings = changed.employees.set_index("employee_id")[["performance", "potential"]]
    assert ratings.loc["E-ANA"].tolist() == [2, 3] and ratings.loc["E-BEN"].tolist() == [3, 3]


def test_a_veto_that_leaves_a_role_uncovered_says_until_when_and_why(small):
    org, scenario, plan = small
    veto = R.VetoChange(employee_id="E-ANA", role_id="R-MGR", rationale="Needed in Controlling.")
    review = R.price_change(org, scenario, plan, veto, time_limit_seconds=10)
    effect = review.effect
    assert "E-ANA" not in {s.employee_id for s in review.plan.slates if s.role_id == "R-MGR"}
    assert planner.check(review.org, review.scenario, review.plan).ok and review.plan.kpis.status == "OPTIMAL"
    # Ben is the only one left for R-MGR (needed 2027Q3) and cannot be made ready in time: hiring costs 100,000.
    assert effect.covered_before == 2 and effect.covered_after == 1
    assert effect.external_hire_cost_delta == 100_000
    lost = {r.role_id: r for r in effect.roles}
    assert set(lost) == {"R-MGR"} and not lost["R-MGR"].covered
    assert lost["R-MGR"].first_successor == "E-BEN" and lost["R-MGR"].need_label == "2027Q3"
    assert lost["R-MGR"].text == ("R-MGR uncovered for the whole horizon (E-BEN short of Financial Reporting 1→4 when "
                                  "needed by 2027Q3)")
    assert lost["R-MGR"].unmet == ["Financial Reporting 1→4"]
    assert effect.sentence.startswith("vetoing E-ANA on R-MGR: ")
    assert "covered roles 2 → 1 of 2" in effect.sentence and lost["R-MGR"].text in effect.sentence


# --- the sample ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    org, scenario = planner.load(ROOT / "scenarios" / "baseline.yaml")
    return org, scenario, planner.solve(scenario, org, method="greedy")


def test_a_veto_on_the_sample_is_priced_as_the_full_re_plan_compares(sample, tmp_path):
    org, scenario, current = sample
    cfo = next(s.employee_id for s in current.slates if s.role_id == "R-FIN-CFO" and s.rank == 1)
    veto = R.VetoChange(employee_id=cfo, role_id="R-FIN-CFO", rationale="Needed in Finance through the refinancing.")
    started = time.monotonic()
    review = R.price_change(org, scenario, current, veto, current_name="current")
    seconds = time.monotonic() - started
    after, effect = review.plan, review.effect
    assert review.scenario.vetoes[-1] == Veto(employee_id=cfo, role_id="R-FIN-CFO", rationale=veto.rationale)
    assert after.meta.baseline["name"] == "current" and after.has_solution
    assert planner.check(review.org, review.scenario, after).ok
    assert cfo not in {s.employee_id for s in after.slates if s.role_id == "R-FIN-CFO"}

    # The money and coverage deltas are those of the re-plan's comparison with the current plan.
    comparison = planner.compare([current, after], ["current", "after"])
    delta = comparison.kpis["after - current"]
    assert effect.total_cost_delta == delta["total_cost"] == after.kpis.total_cost - current.kpis.total_cost
    assert effect.training_cost_delta == delta["training_cost"]
    assert effect.external_hire_cost_delta == delta["external_hire_cost"]
    assert effect.coverage_delta == delta["coverage"]
    assert (effect.covered_before, effect.covered_after) == (current.kpis.covered_roles, after.kpis.covered_roles)
    assert effect.decisions_changed == comparison.decisions_changed("after") == after.kpis.decisions_changed == len(effect.moved)
    expected = (planner.coverage_probability(org, review.scenario, after)["expected_external_cost"].sum()
                - planner.coverage_probability(org, scenario, current)["expected_external_cost"].sum())
    assert effect.expected_external_hire_cost_delta == pytest.approx(expected, abs=0.01)
    lost = {r.role_id for r in effect.roles if not r.covered}
    gained = {r.role_id for r in effect.roles if r.covered}
    assert len(gained) - len(lost) == effect.covered_after - effect.covered_before
    assert effect.sentence.startswith(f"vetoing {cfo} on R-FIN-CFO: {R.signed(effect.total_cost_delta)} total cost")
    assert all(r.text in effect.sentence for r in effect.roles)
    assert {m.text for m in effect.moved} >= {f"{cfo} off R-FIN-CFO (was #1)"}
    print(f"\nveto priced in {seconds:.2f} s (re-plan limit {R.REVIEW_SECONDS:g} s, status {after.kpis.status}): "
          f"{effect.sentence}")

    # Recorded: the audit entry holds the change, its rationale and its priced effect.
    store = PlanStore(tmp_path / "ws")
    store.save(current, name="current")
    entry = store.record("Dana", "current", effect.change, veto.rationale, veto.model_dump(), effect.record(),
                         store.save(after))
    assert entry.effect["total_cost_delta"] == effect.total_cost_delta and entry.effect["sentence"] == effect.sentence
    assert PlanStore(tmp_path / "ws").audit_entries() == [entry]


# --- the audit trail ----------------------------------------------------------------------------------------


def test_the_audit_trail_is_append_only_and_survives_reopening(tmp_path, small):
    org, scenario, plan = small
    store = PlanStore(tmp_path)
    store.save(plan, "p")
    first = store.record("Dana", "p", "vetoing E-ANA on R-MGR", "Needed in Controlling.", {"kind": "veto"},
                         {"total_cost_delta": 100_000.0})
    second = store.record("  Sam ", "p", "pinning E-BEN on R-MGR", "Succession by design.")
    assert (first.seq, second.seq, second.who) == (1, 2, "Sam")
    assert first.recorded.endswith("+00:00")  # UTC
    endorsement = store.endorse("p", "Dana", "agreed")
    store.delete("p")  # deleting the plan leaves its record and its endorsement
    reopened = PlanStore(tmp_path)
    assert reopened.audit_entries() == [first, second]
    assert reopened.audit_entries(plan="p") == [first, second] and reopened.audit_entries(plan="q") == []
    assert reopened.audit_trail()["seq"].tolist() == [2, 1]

    # No API changes or removes an entry, and the catalogue's triggers refuse it even from raw SQL.
    public = {m for m in dir(PlanStore) if not m.startswith("_")}
    assert public == {"save", "list", "load", "path", "delete", "recover", "record", "audit_entries", "audit_trail",
                      "endorse", "endorsements", "endorsement_list", "load_endorsed"}
    with sqlite3.connect(tmp_path / "catalogue.sqlite") as con:
        for sql in ("UPDATE audit SET who = 'Mallory'", "DELETE FROM audit", "UPDATE endorsed SET who = 'Mallory'",
                    "DELETE FROM endorsed"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                con.execute(sql)
    assert PlanStore(tmp_path).audit_entries() == [first, second]
    assert PlanStore(tmp_path).endorsements() == [endorsement]

    for who, rationale in (("", "x"), ("Dana", "  "), ("Dana", "x" * 2001)):
        with pytest.raises(ValueError):
            store.record(who, "p", "a change", rationale)


# The child appends audit entries; at `point` it either stalls inside the transaction (the row inserted, not
# committed) or appends in a loop, printing each committed seq, until the test SIGKILLs it.
_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {repo!r})
    import planner.store as S

    point, marker = {point!r}, Path({marker!r})
    store = S.PlanStore({root!r})
    if point == "endorse":  # the frozen copy written, the endorsement row not yet
        real = S.PlanStore._write_folder
        def stall(self, plan, out):
            real(self, plan, out)
            marker.touch()
            time.sleep(60)
        S.PlanStore._write_folder = stall
        store.endorse("p", "Dana", "agreed")
    elif point == "insert":  # the row inserted, its transaction not committed
        real_connect = S.PlanStore._connect
        class Stalling:
            def __init__(self, con):
                self.con = con
            def execute(self, sql, *args):
                result = self.con.execute(sql, *args)
                if sql.startswith("INSERT INTO audit"):
                    marker.touch()
                    time.sleep(60)
                return result
            def __getattr__(self, name):
                return getattr(self.con, name)
        S.PlanStore._connect = lambda self: Stalling(real_connect(self))
        store.record("Dana", "p", "the killed change", "never committed")
    else:  # appending as fast as it can
        for i in range(100_000):
            entry = store.record("Dana", "p", f"change {{i}}", "loop")
            print(entry.seq, flush=True)
            if i == 20:
                marker.touch()
    """
)


@pytest.mark.parametrize("point", ["insert", "loop", "endorse"])
def test_a_killed_writer_loses_no_committed_entry_and_leaves_no_half_one(tmp_path, small, point):
    org, scenario, plan = small
    root, marker = tmp_path / "ws", tmp_path / "marker"
    store = PlanStore(root)
    store.save(plan, "p")
    before = store.record("Dana", "p", "a committed change", "kept")
    endorsed = store.endorse("p", "Dana", "the first agreement")
    script = _CHILD.format(repo=str(ROOT), point=point, marker=str(marker), root=str(root))
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert child.poll() is None, child.stderr.read()
        assert time.monotonic() < deadline, "child never reached the kill point"
        time.sleep(0.01)
    if point == "loop":
        time.sleep(0.3)  # kill it somewhere in the middle of an append
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    printed = [int(line) for line in child.stdout.read().split()]
    child.stdout.close()
    child.stderr.close()

    reopened = PlanStore(root)
    entries = reopened.audit_entries()
    assert entries[0] == before and all(e.rationale and e.change for e in entries)
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))  # nothing half-written, nothing skipped
    if point == "loop":
        # every append that returned is there; at most the one in flight when the kill came also committed
        assert printed and len(entries) - 1 in (len(printed), len(printed) + 1)
    else:
        assert entries == [before]
    assert reopened.endorsements() == [endorsed] and reopened.load_endorsed() == plan
    leftovers = reopened.recover()
    assert all(p.startswith("endorsed/") for p in leftovers) and bool(leftovers) == (point == "endorse")
    assert reopened.record("Sam", "p", "after the kill", "the lock is gone").seq == len(entries) + 1


# --- endorsed snapshots -----------------------------------------------------------------------------------------


def test_an_endorsed_plan_is_frozen_and_later_plans_are_compared_with_it(tmp_path, small):
    org, scenario, plan = small
    store = PlanStore(tmp_path)
    store.save(plan, "agreed")
    assert planner.against_endorsed(store, plan, org, scenario) is None
    with pytest.raises(KeyError):
        store.load_endorsed()
    first = store.endorse("agreed", "Dana", "Agreed at the March calibration.")
    assert (first.seq, first.plan, first.kpis["covered_roles"]) == (1, "agreed", 2)

    # A later plan, saved over the endorsed one's name and then deleted: the frozen copy does not change.
    review = R.price_change(org, scenario, plan, R.VetoChange(employee_id="E-ANA", role_id="R-MGR", rationale="x"),
                            time_limit_seconds=10)
    later = review.plan
    store.save(later, "agreed", overwrite=True)
    assert store.load("agreed") == later and store.load_endorsed() == plan
    store.delete("agreed")
    assert store.recover() == [] and PlanStore(tmp_path).load_endorsed() == plan
    with pytest.raises(KeyError):
        store.endorse("agreed", "Dana", "no such plan any more")

    # The delta against the latest endorsement is the comparison of the two plans.
    delta = planner.against_endorsed(store, later, review.org, review.scenario, endorsed_org=org)
    comparison = planner.compare([plan, later], ["endorsed", "later"])
    assert delta.total_cost_delta == comparison.kpis.at["total_cost", "later - endorsed"] == 100_000 - 5_000  # hire, less I-ADV
    assert (delta.covered_before, delta.covered_after) == (2, 1)
    assert delta.decisions_changed == comparison.decisions_changed("later")
    assert delta.sentence.startswith("against the plan endorsed ") and "by Dana (agreed)" in delta.sentence

    store.save(later, "second")
    second = store.endorse("second", "Sam", "Re-agreed without Ana on the manager's slate.")
    assert store.load_endorsed() == later and store.load_endorsed(first.seq) == plan
    assert [e.seq for e in store.endorsements()] == [1, 2] and store.endorsement_list()["seq"].tolist() == [2, 1]
    assert planner.against_endorsed(store, later, review.org, review.scenario).decisions_changed == 0  # same inputs


# --- the re-plan's start ---------------------------------------------------------------------------------------


def test_re_planning_starts_from_the_baseline_decisions_that_still_hold():
    org, scenario = make_org(with_controller_tables()), make_scenario()
    plan = solve_checked(org, scenario)
    assert {(s.role_id, s.rank, s.employee_id) for s in plan.slates} == {
        ("R-CTRL", 1, "E-MGR"), ("R-CTRL", 2, "E-ANA"), ("R-CTRL", 3, "E-BEN"), ("R-MGR", 1, "E-ANA"), ("R-MGR", 2, "E-BEN")}
    changed = scenario.model_copy(update={
        "vetoes": [Veto(employee_id="E-MGR", role_id="R-CTRL", rationale="x")],
        "locks": [Lock(employee_id="E-BEN", intervention_id="I-FOUND", start_quarter=1, rationale="x")]})
    slates, starts = baseline_start(build_problem(org, changed, plan), changed)
    # The veto closes the Controller's slate up; Ana would then be first there and on the Manager's slate, where
    # she was first before: she stays there, and Ben moves up. The lock joins the baseline's starts.
    assert sorted(slates) == [("E-ANA", "R-MGR", 1), ("E-BEN", "R-CTRL", 1), ("E-BEN", "R-MGR", 2)]
    assert sorted(starts) == [("E-ANA", "I-ADV", 0), ("E-BEN", "I-FOUND", 1)]
    assert baseline_start(build_problem(org, changed), changed) is None
    replanned = planner.solve(changed, org, baseline=plan)
    assert planner.check(org, changed, replanned).ok and replanned.kpis.status == "OPTIMAL"


# --- the page, headless -------------------------------------------------------------------------------------------


@pytest.fixture
def app(sample, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    org, scenario, current = sample
    PlanStore(tmp_path).save(current, name="baseline-greedy")
    monkeypatch.setenv("PLANNER_WORKSPACE", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("views/review.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_talent_review_page_prices_a_veto_records_it_and_endorses(app, sample, tmp_path):
    import json

    org, scenario, current = sample
    at = app
    assert at.title[0].value == "Talent review"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["title"]["text"].startswith("Performance rating")
    assert spec["layout"]["yaxis"]["title"]["text"].startswith("Potential rating")
    assert any("Ratings far from their department's" in m.value for m in at.markdown)

    at.selectbox(key="review-role").set_value("R-FIN-CFO").run()
    cfo = next(s.employee_id for s in current.slates if s.role_id == "R-FIN-CFO" and s.rank == 1)
    assert at.selectbox(key="review-person-R-FIN-CFO-veto").value == cfo  # the role's first successor, ready to veto
    at.text_area(key="review-rationale").set_value("Needed in Finance through the refinancing.")
    button(at, "Price and record").click().run()
    assert [e.value for e in at.error] == ["type your name first: every change is recorded with who made it"]
    assert PlanStore(tmp_path).audit_entries() == []

    at.text_input(key="review-who").set_value("Dana Reviewer").run()
    at.text_area(key="review-rationale").set_value("Needed in Finance through the refinancing.")
    button(at, "Price and record").click().run()
    assert not at.exception, [e.message for e in at.exception]
    sentence = at.success[0].value
    assert sentence.startswith(f"vetoing {cfo} on R-FIN-CFO: ") and "covered roles" in sentence
    [entry] = PlanStore(tmp_path).audit_entries()
    assert (entry.who, entry.plan, entry.rationale, entry.effect["sentence"]) == (
        "Dana Reviewer", "baseline-greedy", "Needed in Finance through the refinancing.", sentence)
    assert at.session_state.plan_name == entry.result  # the next change starts from the re-plan
    assert any(f"Latest entry **#1**" in m.value and "Dana Reviewer" in m.value for m in at.markdown)

    at.text_area(key="review-agreed").set_value("Agreed at calibration.")
    button(at, f"Endorse {entry.result}").click().run()
    assert not at.exception, [e.message for e in at.exception]
    [endorsement] = PlanStore(tmp_path).endorsements()
    assert (endorsement.plan, endorsement.who) == (entry.result, "Dana Reviewer")
    assert any(m.value.startswith("**This plan against the plan endorsed") and "0 decisions moved" in m.value
               for m in at.markdown)


def test_browsing_the_talent_review_page_loads_no_ortools(sample, tmp_path):
    """The page draws the 9-box, the record and the outliers without the solver; only pricing a change solves."""
    org, scenario, current = sample
    PlanStore(tmp_path).save(current, name="baseline-greedy")
    code = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=60)\n"
        "at.run()\n"
        "at.switch_page('views/review.py').run()\n"
        "assert not at.exception and at.title[0].value == 'Talent review'\n"
        "at.radio(key='review-scope').set_value('Department').run()\n"
        "assert not at.exception and 'people in' in at.get('plotly_chart')[0].proto.spec\n"
        "print(sorted(m for m in sys.modules if m.startswith('ortools')))\n"
    )
    env = {**os.environ, "PLANNER_WORKSPACE": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
