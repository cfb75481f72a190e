"""The plan store: round trips, names, deletes, concurrent saves, and a save killed midway."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from planner.contract.plan import Plan
from planner.store import LIST_COLUMNS, PlanStore

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def plan() -> Plan:
    from factories import make_org, make_scenario, solve_checked  # imported here: spawned workers need no solver

    solved = solve_checked(make_org(), make_scenario())
    assert solved.slates and solved.learning
    return solved


def _entries(store: PlanStore) -> set[str]:
    return {p.name for p in (store.root / "plans").iterdir()}


def test_save_list_load_round_trip(tmp_path, plan):
    store = PlanStore(tmp_path / "ws")
    name = store.save(plan, "baseline")
    loaded = store.load(name)
    assert (loaded.slates, loaded.learning, loaded.kpis, loaded.meta) == (plan.slates, plan.learning, plan.kpis, plan.meta)

    listed = store.list()
    assert list(listed.columns) == LIST_COLUMNS
    row = listed.iloc[0].to_dict()
    assert row["name"] == "baseline" and row["scenario"] == plan.meta.scenario
    assert row["fingerprint"] == plan.meta.input_fingerprint and row["status"] == plan.kpis.status
    assert row["coverage"] == plan.kpis.coverage and row["total_cost"] == plan.kpis.total_cost

    folder = store.path("baseline")
    assert folder.parent == (tmp_path / "ws" / "plans")
    assert {"slates.parquet", "learning.parquet", "kpis.json", "plan.json", "scenario.json"} <= {p.name for p in folder.iterdir()}
    assert PlanStore(tmp_path / "ws").load("baseline") == plan  # a fresh store over the same folder sees it


def test_default_names_are_unique_and_list_is_newest_first(tmp_path, plan):
    store = PlanStore(tmp_path)
    first, second = store.save(plan), store.save(plan)
    assert first.startswith(f"{plan.meta.scenario}-") and first.endswith("Z") and second == f"{first}-2"
    newer = plan.model_copy(update={"meta": plan.meta.model_copy(update={"created": "2999-01-01T00:00:00+00:00"})})
    assert store.save(newer) == f"{plan.meta.scenario}-29990101T000000Z"
    assert store.list()["name"].tolist() == [f"{plan.meta.scenario}-29990101T000000Z", second, first]


def test_lookup_by_name_and_unknown_names(tmp_path, plan):
    store = PlanStore(tmp_path)
    store.save(plan, "a")
    other = plan.model_copy(update={"kpis": plan.kpis.model_copy(update={"training_cost": 1.0})})
    store.save(other, "b")
    assert store.load("b").kpis.training_cost == 1.0 and store.load("a").kpis == plan.kpis
    for missing in ("c", "../a", ""):
        with pytest.raises(KeyError, match="no plan named"):
            store.load(missing)
        with pytest.raises(KeyError):
            store.path(missing)


def test_delete_removes_row_and_folder(tmp_path, plan):
    store = PlanStore(tmp_path)
    store.save(plan, "keep")
    store.save(plan, "gone")
    gone = store.path("gone")
    store.delete("gone")
    assert store.list()["name"].tolist() == ["keep"]
    assert not gone.exists() and not any((tmp_path / "trash").iterdir())
    with pytest.raises(KeyError):
        store.load("gone")
    with pytest.raises(KeyError):
        store.delete("gone")
    assert store.load("keep") == plan


def test_duplicate_name_and_overwrite(tmp_path, plan):
    store = PlanStore(tmp_path)
    store.save(plan, "dup")
    before = _entries(store)
    with pytest.raises(FileExistsError, match="'dup'"):
        store.save(plan, "dup")
    assert _entries(store) == before and len(store.list()) == 1

    cheaper = plan.model_copy(update={"kpis": plan.kpis.model_copy(update={"training_cost": 7.0})})
    assert store.save(cheaper, "dup", overwrite=True) == "dup"
    assert store.load("dup").kpis.training_cost == 7.0
    assert store.list()["training_cost"].tolist() == [7.0]
    assert len(_entries(store)) == 1 and _entries(store) != before  # the old folder is gone


@pytest.mark.parametrize("bad", ["../x", "a/b", "a\\b", "", ".", "..", ".hidden", "-x", "x" * 81, "x" * 200, "a:b", "a?b", "trailing ", "ok\n", 42])
def test_unsafe_names_are_rejected_and_nothing_escapes(tmp_path, plan, bad):
    store = PlanStore(tmp_path / "ws")
    with pytest.raises(ValueError, match="invalid plan name"):
        store.save(plan, bad)
    assert [p.name for p in tmp_path.iterdir()] == ["ws"]
    assert not _entries(store) and store.list().empty
    assert store.save(plan, "x" * 80) == "x" * 80  # the longest allowed name works


def _save_many(root: str, plan_json: str, tag: str, barrier) -> None:
    plan = Plan.model_validate_json(plan_json)
    store = PlanStore(root)
    barrier.wait()
    for k in range(5):
        store.save(plan, f"{tag}-{k}")
        store.save(plan)  # default names from both processes collide and must be made unique


def test_two_processes_saving_at_once_lose_nothing(tmp_path, plan):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    workers = [ctx.Process(target=_save_many, args=(str(tmp_path), plan.model_dump_json(), tag, barrier)) for tag in "pq"]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0]

    store = PlanStore(tmp_path)
    names = store.list()["name"].tolist()
    assert len(names) == len(set(names)) == 20
    assert {f"{t}-{k}" for t in "pq" for k in range(5)} <= set(names)
    assert all(store.load(n) == plan for n in names)
    assert store.recover() == [] and len(_entries(store)) == 20


# The child saves a plan as "killed" and announces (by creating `marker`) that it has reached `point`,
# then sleeps there until the test SIGKILLs it.
_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {repo!r})
    import pandas as pd
    from planner.contract.plan import Plan
    from planner.store import PlanStore

    def stall(*args, **kwargs):
        Path({marker!r}).touch()
        time.sleep(60)

    if {point!r} == "parquet":  # half-way through the first table
        pd.DataFrame.to_parquet = lambda self, path, **kw: (Path(path).write_bytes(b"PAR1 half"), stall())
    else:  # folder complete, catalogue row not yet written
        PlanStore._catalogue = stall
    PlanStore({root!r}).save(Plan.model_validate_json(Path({plan_file!r}).read_text()), "killed")
    """
)


@pytest.mark.parametrize("point", ["parquet", "catalogue"])
def test_killed_save_leaves_store_readable_and_complete(tmp_path, plan, point):
    root, marker, plan_file = tmp_path / "ws", tmp_path / "marker", tmp_path / "plan.json"
    store = PlanStore(root)
    store.save(plan, "before")
    plan_file.write_text(plan.model_dump_json())
    script = _CHILD.format(repo=str(REPO), marker=str(marker), point=point, root=str(root), plan_file=str(plan_file))
    child = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not marker.exists():
        assert child.poll() is None, child.stderr.read().decode()
        assert time.monotonic() < deadline, "child never reached the kill point"
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stderr.close()

    leftovers = _entries(store) - {store.path("before").name}
    assert leftovers, "the kill should have left a partial or uncatalogued folder behind"
    reopened = PlanStore(root)
    assert reopened.list()["name"].tolist() == ["before"]
    assert reopened.load("before") == plan
    with pytest.raises(KeyError):
        reopened.load("killed")

    assert reopened.recover() == sorted(f"plans/{name}" for name in leftovers)
    assert _entries(reopened) == {reopened.path("before").name}
    assert reopened.save(plan, "killed") == "killed"  # the dead child's lock is gone and the name is free
    assert reopened.load("killed") == plan and reopened.load("before") == plan


def test_catalogue_failure_leaves_no_half_plan(tmp_path, plan, monkeypatch):
    store = PlanStore(tmp_path)
    store.save(plan, "old")
    old_folder = store.path("old")

    def fail(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(PlanStore, "_catalogue", fail)
    with pytest.raises(sqlite3.OperationalError):
        store.save(plan, "new")
    changed = plan.model_copy(update={"kpis": plan.kpis.model_copy(update={"training_cost": 3.0})})
    with pytest.raises(sqlite3.OperationalError):
        store.save(changed, "old", overwrite=True)
    monkeypatch.undo()

    assert store.list()["name"].tolist() == ["old"]
    assert store.path("old") == old_folder and store.load("old") == plan
    assert _entries(store) == {old_folder.name}  # the folders written for the failed saves are gone
    assert store.recover() == []
