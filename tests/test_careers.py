"""Careers for everyone: development paths (cheapest and fastest, exact), roles within reach,
individual development plans (saved atomically) and what their statuses feed into the next re-plan.

Every path found is replayed through the plan checker's own rules (planner.evaluation.checks) as a
plan's learning, next to the seats the saved plan already uses."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import planner
from factories import _intervention, base_tables, make_org, make_scenario, solve_checked
from planner.analyses.careers import career_path, development_plan, path_learning, replan_feed, roles_within_reach
from planner.cli import app
from planner.contract.idp import IdpConflict, IdpError, IdpItem, idp_path, load_idp, save_idp
from planner.contract.plan import LearningAssignment
from planner.evaluation import checks
from planner.evaluation.replay import PlanContext

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
runner = CliRunner()
REPLAY = (checks.check_learning_records, checks.check_intervention_once, checks.check_start_window,
          checks.check_prerequisites, checks.check_learning_hours, checks.check_seats, checks.check_leavers)


# --- a tiny organisation whose answers are worked out by hand --------------------------------------------


def ladder_tables() -> dict[str, list[dict]]:
    """Ana, a Financial Analyst (grade 2) with Financial Reporting 3 and People Leadership 2, 40 hours a
    quarter. The Finance Manager role (grade 3) needs Reporting 4: a slow, cheap course (3 quarters,
    1,000) or a fast, dear one (1 quarter, 5,000) gets her there. The Finance Director role (grade 4)
    also needs People Leadership 3 (mentoring: 2 quarters, 1,000): two moves up the ladder. A Sales
    role is in a family Finance does not feed."""
    t = base_tables()
    t["roles"] += [
        dict(role_id="R-DIR", title="Finance Director", family="Finance", level=4, department="Finance", location="Leeds",
             critical=False, criticality=3, incumbent_id=None, vacancy_quarter=None, external_hire_cost=150_000),
        dict(role_id="R-SAL", title="Sales Manager", family="Sales", level=3, department="Sales", location="Leeds",
             critical=False, criticality=2, incumbent_id=None, vacancy_quarter=None, external_hire_cost=60_000),
    ]
    t["role_requirements"] += [dict(role_id="R-DIR", skill_id="FIN", level=4), dict(role_id="R-DIR", skill_id="LEAD", level=3),
                               dict(role_id="R-SAL", skill_id="FIN", level=1)]
    t["interventions"] = [
        _intervention("I-SLOW", "Reporting by distance learning", cost=1_000, duration_quarters=3, hours_per_quarter=10),
        _intervention("I-FAST", "Reporting bootcamp", cost=5_000, duration_quarters=1, hours_per_quarter=30,
                      seats_per_quarter=1),
        _intervention("I-MENT", "Leadership Mentoring", kind="mentoring", cost=1_000, duration_quarters=2,
                      hours_per_quarter=10),
    ]
    t["intervention_effects"] = [
        dict(intervention_id="I-SLOW", skill_id="FIN", min_level=3, to_level=4),
        dict(intervention_id="I-FAST", skill_id="FIN", min_level=3, to_level=4),
        dict(intervention_id="I-MENT", skill_id="LEAD", min_level=1, to_level=3),
    ]
    t["family_moves"] = [dict(from_family="Finance", to_family="Finance")]
    return t


@pytest.fixture(scope="module")
def ladder():
    return make_org(ladder_tables()), make_scenario(horizon_quarters=8)


def replay(org, scenario, learning: list[dict]) -> tuple[list, PlanContext]:
    """The solver-free checks that apply to learning, run on ``learning`` as a plan's; and the context."""
    import pandas as pd

    rows = [LearningAssignment(**r).model_dump() for r in learning]
    frame = pd.DataFrame(rows, columns=list(LearningAssignment.model_fields))
    for c in ("start_quarter", "end_quarter"):
        frame[c] = frame[c].astype("int64")
    slates = pd.DataFrame(columns=["role_id", "rank", "employee_id"])
    ctx = PlanContext(org, scenario, slates, frame)
    return [v for check in REPLAY for v in check(ctx)], ctx


def assert_replays(org, scenario, answer, others: list[dict] = ()) -> None:
    """Both paths pass the checker's rules as a plan's learning (next to ``others``), and the replayed
    levels make the person ready for each role they move into by the quarter of the move."""
    for path in (answer.cheapest, answer.fastest):
        violations, ctx = replay(org, scenario, [*others, *path_learning(path, org, scenario)])
        assert not violations, [str(v) for v in violations]
        for move in path.moves:
            ready = ctx.ready_quarter(path.employee_id, move.role_id)
            assert ready is not None and ready <= move.quarter, (move, ready)
        assert sum(a.cost for a in path.learning) == pytest.approx(path.total_cost)


def test_the_cheapest_and_the_fastest_path_differ_as_worked_out_by_hand(ladder):
    org, scenario = ladder
    answer = career_path(org, scenario, "E-ANA", "R-MGR")
    assert answer.found and answer.gap == 1
    cheap, fast = answer.cheapest, answer.fastest
    assert [(a.intervention_id, a.start_quarter) for a in cheap.learning] == [("I-SLOW", 0)]
    assert (cheap.ready_quarter, cheap.total_cost, cheap.ready_label) == (3, 1_000, "2027Q4")
    assert [(a.intervention_id, a.start_quarter) for a in fast.learning] == [("I-FAST", 0)]
    assert (fast.ready_quarter, fast.total_cost) == (1, 5_000)
    assert [m.kind for m in cheap.milestones] == ["start", "finish", "ready"]
    assert cheap.moves[0].kind == "up" and cheap.learning[0].raises == ["FIN 3->4"]
    assert_replays(org, scenario, answer)


def test_two_moves_up_the_ladder_keep_the_tenure_and_both_roles_requirements(ladder):
    org, scenario = ladder
    answer = career_path(org, scenario, "E-ANA", "R-DIR", min_tenure=2)
    assert answer.found
    fast = answer.fastest
    assert [m.role_id for m in fast.moves] == ["R-MGR", "R-DIR"]
    # the bootcamp makes her a manager in quarter 1; two quarters there and the mentoring done: quarter 3
    assert [m.quarter for m in fast.moves] == [1, 3] and fast.total_cost == 6_000
    cheap = answer.cheapest  # the slow course (ready for the manager role in quarter 3), then two quarters there
    assert [m.quarter for m in cheap.moves] == [3, 5] and cheap.total_cost == 2_000
    assert_replays(org, scenario, answer)
    # a longer tenure pushes the second move out: 1 + 4 = quarter 5 at the earliest
    assert career_path(org, scenario, "E-ANA", "R-DIR", min_tenure=4).fastest.ready_quarter == 5


def test_a_plan_that_takes_the_bootcamp_seat_delays_the_fastest_path(ladder):
    org, scenario = ladder
    plan = solve_checked(org, scenario)
    taken = LearningAssignment(employee_id="E-MGR", intervention_id="I-FAST", start_quarter=0, end_quarter=0, cost=5_000)
    plan = plan.model_copy(update={"learning": [a for a in plan.learning if a.intervention_id != "I-FAST"] + [taken]})
    answer = career_path(org, scenario, "E-ANA", "R-MGR", plan=plan)
    assert [(a.intervention_id, a.start_quarter) for a in answer.fastest.learning] == [("I-FAST", 1)]
    assert answer.fastest.ready_quarter == 2
    others = [a.model_dump() for a in plan.learning if a.employee_id != "E-ANA"]
    assert_replays(org, scenario, answer, others)
    # the same path next to the plan's bootcamp start in quarter 0 would break the seats rule: the replay can fail
    clash = [dict(a, start_quarter=0, end_quarter=0) for a in path_learning(answer.fastest, org, scenario)]
    violations, _ = replay(org, scenario, [*others, *clash])
    assert [v.rule for v in violations] == ["seats"]


def test_no_path_says_why(ladder):
    org, scenario = ladder
    other_family = career_path(org, scenario, "E-ANA", "R-SAL")
    assert not other_family.found and "no chain of eligible moves" in other_family.reason
    assert "family_moves" in other_family.reason
    too_soon = career_path(org, scenario, "E-ANA", "R-DIR", min_tenure=4, by_quarter=3)
    assert not too_soon.found and "2 moves away" in too_soon.reason
    tables = ladder_tables()
    tables["interventions"] = [i for i in tables["interventions"] if i["intervention_id"] != "I-MENT"]
    tables["intervention_effects"] = [e for e in tables["intervention_effects"] if e["intervention_id"] != "I-MENT"]
    no_course = career_path(make_org(tables), scenario, "E-ANA", "R-DIR", min_tenure=1)
    assert not no_course.found and "brings LEAD to 3" in no_course.reason
    tables = ladder_tables()
    tables["employees"] = [dict(e, learning_hours_per_quarter=5) if e["employee_id"] == "E-ANA" else e
                           for e in tables["employees"]]
    assert "brings FIN to 4" in career_path(make_org(tables), scenario, "E-ANA", "R-MGR").reason
    assert "holds R-ANL today" in career_path(org, scenario, "E-ANA", "R-ANL").reason


def test_an_unknown_employee_or_role_is_an_input_error(ladder):
    org, scenario = ladder
    with pytest.raises(planner.InputError, match="'E-NOPE' is not an employees.employee_id"):
        career_path(org, scenario, "E-NOPE", "R-MGR")
    with pytest.raises(planner.InputError, match="'R-NOPE' is not a roles.role_id"):
        career_path(org, scenario, "E-ANA", "R-NOPE")
    with pytest.raises(planner.InputError, match="by_quarter"):
        roles_within_reach(org, scenario, "E-ANA", 99)


def test_roles_within_reach_are_ranked_by_gap_then_cost(ladder):
    org, scenario = ladder
    by_one = roles_within_reach(org, scenario, "E-ANA", 1, min_tenure=1)
    assert [r.role_id for r in by_one] == ["R-MGR"] and by_one[0].cost == 5_000  # only the bootcamp is in time
    by_eight = roles_within_reach(org, scenario, "E-ANA", 8, min_tenure=1)
    assert [(r.role_id, r.gap, r.cost, r.ready_quarter) for r in by_eight] == [("R-MGR", 1, 1_000, 1),
                                                                                ("R-DIR", 2, 2_000, 2)]
    assert all(r.role_id != "R-SAL" for r in by_eight)  # no chain of moves leads there


# --- the sample organisation ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    org, scenario = planner.load(BASELINE)
    plan = planner.solve(scenario, org, method="greedy")
    return org, scenario, plan


def test_the_sample_cto_path_is_the_worked_example(sample):
    org, scenario, plan = sample
    answer = career_path(org, scenario, "E00168", "R-TEC-CTO", plan=plan)
    assert answer.found and answer.from_role_id == "R-TEC-DIR"
    cheap = answer.cheapest
    # README's worked example: four interventions, 17,700, ready at the start of 2028Q4 (her 52 hours force the order)
    assert {a.intervention_id for a in cheap.learning} == {"I-TEC-102", "I-LDR-105", "I-LDR-106", "I-LDR-107"}
    assert (cheap.total_cost, cheap.ready_quarter, cheap.ready_label) == (17_700, 7, "2028Q4")
    assert answer.fastest.ready_quarter == 7
    others = [a.model_dump() for a in plan.learning if a.employee_id != "E00168"]
    assert_replays(org, scenario, answer, others)
    _, ctx = replay(org, scenario, path_learning(cheap, org, scenario))
    assert ctx.ready_quarter("E00168", "R-TEC-CTO") == 7


def test_within_reach_on_the_sample(sample):
    org, scenario, plan = sample
    reach = roles_within_reach(org, scenario, "E00168", 8, plan=plan)
    ids = [r.role_id for r in reach]
    assert ids[:2] == ["R-TEC-DAT", "R-TEC-ENG"] and "R-TEC-CTO" in ids  # ready today first, then the CTO path
    assert [(r.gap, r.cost) for r in reach] == sorted((r.gap, r.cost) for r in reach)


# --- individual development plans -----------------------------------------------------------------------


@pytest.fixture
def idp(ladder):
    org, scenario = ladder
    plan = solve_checked(org, scenario)
    return org, scenario, plan, development_plan(plan, "ladder-plan", org, "E-ANA")


def test_an_idp_holds_the_plans_learning_and_milestones(idp):
    org, scenario, plan, made = idp
    learning = [a for a in plan.learning if a.employee_id == "E-ANA"]
    assert [it.intervention_id for it in made.items] == [a.intervention_id for a in learning] and learning
    assert [m.milestone_id for m in made.milestones] == [f"ready:{s.role_id}" for s in plan.slates if s.employee_id == "E-ANA"]
    assert all(it.status == "planned" for it in made.items) and made.revision == 0


def test_an_idp_round_trips_and_saves_are_atomic_and_guarded(idp, tmp_path, monkeypatch):
    org, scenario, plan, made = idp
    made.items[0].status = "in_progress"
    made.notes.append(planner.check_in("Mia Manager", "Started the course; on track."))
    saved = save_idp(tmp_path, made)
    assert saved.revision == 1 and load_idp(tmp_path, "E-ANA") == saved
    assert json.loads(idp_path(tmp_path, "E-ANA").read_text())["notes"][0]["author"] == "Mia Manager"
    # a stale copy (read before that save) is refused, and the file stays as saved
    with pytest.raises(IdpConflict, match="saved by someone else"):
        save_idp(tmp_path, made)
    # a save killed before its rename leaves the old file whole and no temporary file behind
    before = idp_path(tmp_path, "E-ANA").read_bytes()

    def killed(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(IdpError, match="disk full"):
        save_idp(tmp_path, saved.model_copy(update={"notes": []}))
    monkeypatch.undo()
    assert idp_path(tmp_path, "E-ANA").read_bytes() == before
    assert sorted(p.name for p in idp_path(tmp_path, "E-ANA").parent.iterdir()) == [".lock", "E-ANA.json"]
    # a file there that the planner did not write is never overwritten
    idp_path(tmp_path, "E-BEN").write_text("my own notes")
    with pytest.raises(IdpError, match="not a development plan"):
        save_idp(tmp_path, development_plan(plan, "ladder-plan", org, "E-BEN"))
    assert idp_path(tmp_path, "E-BEN").read_text() == "my own notes"
    # IDs cannot escape the folder
    assert idp_path(tmp_path, "../x").parent == tmp_path / "idp"
    with pytest.raises(IdpError):
        planner.check_in("", "no author")


def test_following_a_new_plan_keeps_statuses_and_notes(idp):
    org, scenario, plan, made = idp
    made.items[0].status = "done"
    made.notes.append(planner.check_in("Mia Manager", "Done."))
    again = development_plan(plan, "re-plan", org, "E-ANA", previous=made)
    assert again.plan_name == "re-plan" and again.items[0].status == "done" and again.notes == made.notes


def test_statuses_feed_the_next_replan(idp):
    org, scenario, plan, made = idp
    items = [
        dict(intervention_id="I-SLOW", start_quarter=0, end_quarter=2, cost=1_000, status="done"),
        dict(intervention_id="I-MENT", start_quarter=1, end_quarter=2, cost=1_000, status="in_progress"),
        dict(intervention_id="I-FAST", start_quarter=0, end_quarter=0, cost=5_000, status="dropped"),
    ]
    made = made.model_copy(update={"items": [IdpItem(**i) for i in items], "start": "2026Q4"})
    feed = replan_feed([made], org, scenario)
    assert [(c.employee_id, c.skills) for c in feed.changes] == [("E-ANA", {"FIN": 4})]
    # the IDP counts from 2026Q4, the scenario from 2027Q1: started in its quarter 1 = the scenario's quarter 0
    assert [(lk.employee_id, lk.intervention_id, lk.start_quarter) for lk in feed.locks] == [("E-ANA", "I-MENT", 0)]
    nxt = feed.apply(scenario)
    org_next = planner.scenario_organisation(nxt, base=org)
    skills = org_next.employee_skills
    assert int(skills[(skills["employee_id"] == "E-ANA") & (skills["skill_id"] == "FIN")]["level"].iloc[0]) == 4
    replanned = solve_checked(org_next, nxt)
    assert ("E-ANA", "I-MENT", 0) in {(a.employee_id, a.intervention_id, a.start_quarter) for a in replanned.learning}
    assert "I-FAST" not in {a.intervention_id for a in replanned.learning if a.employee_id == "E-ANA"}


# --- the command line -----------------------------------------------------------------------------------


def test_cli_path_exit_codes(tmp_path):
    ok = runner.invoke(app, ["path", "E00168", "R-TEC-CTO", "--scenario", str(BASELINE), "--workspace", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    assert "cheapest: ready 2028Q4 (quarter 7), cost 17,700" in ok.output and "I-TEC-102" in ok.output
    for args, message in ((["E-NOPE", "R-TEC-CTO"], "'E-NOPE' is not an employees.employee_id"),
                          (["E00168", "R-NOPE"], "'R-NOPE' is not a roles.role_id")):
        bad = runner.invoke(app, ["path", *args, "--scenario", str(BASELINE), "--workspace", str(tmp_path)])
        assert bad.exit_code == 2 and message in bad.output and "Traceback" not in bad.output
        assert bad.exception is None or isinstance(bad.exception, SystemExit)
    none = runner.invoke(app, ["path", "E00168", "R-TEC-CTO", "--scenario", str(BASELINE), "--by", "2027Q4",
                               "--workspace", str(tmp_path)])
    assert none.exit_code == 3 and "no path within the horizon" in none.output
    neither = runner.invoke(app, ["path", "E00168", "R-TEC-CTO", "--workspace", str(tmp_path)])
    assert neither.exit_code == 2 and "--scenario" in neither.output
    reach = runner.invoke(app, ["reach", "E00168", "--by", "2028Q4", "--scenario", str(BASELINE)])
    assert reach.exit_code == 0 and "R-TEC-CTO" in reach.output


# --- the page -------------------------------------------------------------------------------------------


def test_the_career_paths_page(sample, tmp_path, monkeypatch):
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    org, scenario, plan = sample
    planner.PlanStore(tmp_path).save(plan, name="greedy")
    monkeypatch.setenv("PLANNER_WORKSPACE", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("views/careers.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == "Career paths"
    at.selectbox(key="careers-employee").set_value("E00168").run()
    at.selectbox(key="careers-role").set_value("R-TEC-CTO").run()
    at.button(key="careers-find").click().run()
    assert not at.exception, [e.message for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cheapest: ready"] == "2028Q4" and metrics["Cheapest: cost"] == "17,700"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["title"]["text"] == "Calendar quarter"
    at.select_slider(key="careers-by").set_value("2028Q4").run()
    at.button(key="careers-reach").click().run()
    reach = next(df.value for df in at.dataframe if "Gap today (levels)" in df.value.columns)
    assert "Chief Technology Officer (R-TEC-CTO)" in set(reach["Role"])
    # the IDP of someone with learning in the plan: a status, a note, saved in the workspace
    learner = plan.learning[0].employee_id
    at.selectbox(key="careers-employee").set_value(learner).run()
    at.selectbox(key=f"careers-item-{learner}-0").set_value("in_progress").run()
    at.text_input(key="careers-note-author").input("Mia Manager")
    at.text_area(key="careers-note-text").input("Mentoring started.")
    at.button(key="FormSubmitter:careers-note-Add note").click().run()
    at.button(key="careers-idp-save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    saved = load_idp(tmp_path, learner)
    assert saved is not None and saved.revision == 1 and saved.items[0].status == "in_progress"
    assert saved.notes[0].text == "Mentoring started."
    assert any("lock" in str(v) for df in at.dataframe for v in df.value.get("Feeds the re-plan as", []))


def test_saved_development_plans_become_a_replan_scenario(tmp_path):
    """Every IDP saved in the workspace feeds one new scenario extending the plan's own: finished courses
    raise levels, ones in progress are locked; it loads, solves and passes the checker."""
    from planner.app_support.careers import save_replan_scenario
    from planner.contract.idp import saved_idps

    org, scenario = planner.load(BASELINE)
    plan = planner.solve(scenario, org, method="greedy")
    people = sorted({a.employee_id for a in plan.learning})[:2]
    for person, status in zip(people, ("done", "in_progress")):
        made = development_plan(plan, "greedy", org, person)
        made.items[0].status = status
        save_idp(tmp_path, made)
    assert [i.employee_id for i in saved_idps(tmp_path)] == people
    path, issues, feed = save_replan_scenario(tmp_path, BASELINE, scenario, org, "baseline-development-updates")
    assert issues == [] and path == tmp_path / "scenarios" / "baseline-development-updates.yaml"
    assert [c.employee_id for c in feed.changes] == people[:1] and [lk.employee_id for lk in feed.locks] == people[1:]
    org_next, nxt = planner.load(path)
    assert nxt.extends and [c.employee_id for c in nxt.changes if c.type == "employee"] == people[:1]
    assert [(lk.employee_id, lk.intervention_id) for lk in nxt.locks] == [(feed.locks[0].employee_id, feed.locks[0].intervention_id)]
    replanned = planner.solve(nxt, org_next, method="greedy")
    assert planner.check(org_next, nxt, replanned).ok
    again, issues, _ = save_replan_scenario(tmp_path, BASELINE, scenario, org, "baseline-development-updates")
    assert again is None and "already exists" in issues[0].message  # never over an existing file
