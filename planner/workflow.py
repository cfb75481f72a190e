"""The one solve -> check -> save sequence, used by the CLI and the app alike.

:class:`SolveRun` runs it on a background thread so that a front end can show progress and offer a
stop button; :func:`solve_check_save` is the sequence itself. A plan is saved or written only if the
checker accepts it: a plan that fails its check is kept on the run (``rejected``) for the caller to
report, never stored.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Optional

from planner.contract.errors import InputError, Issue
from planner.contract.plan import Plan, write_plan
from planner.contract.scenario import Scenario
from planner.contract.domain import Organisation
from planner.evaluation.report import check_plan, CheckReport

State = Literal["running", "saved", "no_plan", "rejected", "failed"]


def solve(
    scenario: Scenario,
    org: Optional[Organisation] = None,
    on_progress=None,
    stop: Optional[threading.Event] = None,
    scenario_file: Optional[str] = None,
    baseline: Optional[Plan] = None,
    baseline_name: Optional[str] = None,
    method: str = "cp-sat",
    on_phase=None,
    deadline: Optional[float] = None,
) -> Plan:
    """Solve ``scenario``. ``org`` is the organisation as the scenario plans it (from :func:`load`, changes
    applied); without it the scenario's dataset is loaded and its changes applied. ``on_progress``
    receives :class:`planner.solver.search.Progress` updates; setting ``stop`` ends the search with the
    best plan so far. With a ``baseline`` plan, the solve changes as few of its decisions as it must.
    ``method="greedy"`` returns the readiness-ranking baseline instead of optimising. ``on_phase(name,
    seconds)`` is told how long each phase of the solve took (see planner.solver.solve.solve).
    ``deadline`` (a time.monotonic() value) is when the plan must be ready; by default the call's
    start plus solver.time_limit_seconds."""
    from planner.inputs.loading import check_scenario, scenario_organisation
    from planner.solver.solve import solve as _solve

    if org is None:
        org = scenario_organisation(scenario)
    else:
        errors = [i for i in check_scenario(org, scenario) if i.severity == "error"]
        if errors:
            raise InputError(errors)
    return _solve(org, scenario, on_progress=on_progress, stop=stop, scenario_file=scenario_file,
                  baseline=baseline, baseline_name=baseline_name, method=method, on_phase=on_phase, deadline=deadline)


def plan_workforce(scenario: Scenario, org: Optional[Organisation] = None, plan: Optional[Plan] = None):
    """The workforce plan (:class:`planner.contract.workforce.WorkforcePlan`) of ``scenario``: hires,
    moves, redundancies, overstaffing and short-time working per category and quarter, at least cost
    (or with the fewest redundancies), joined to the succession ``plan`` (its successors' moves, its
    uncovered roles' external hires and its training spend; without one, the workforce alone). ``org``
    as in :func:`solve`. Raises InputError when the dataset has no workforce tables or a workforce
    change names what does not exist."""
    from planner.inputs.loading import check_scenario, scenario_organisation
    from planner.solver.workforce import solve_workforce

    if org is None:
        org = scenario_organisation(scenario)
    else:
        errors = [i for i in check_scenario(org, scenario) if i.severity == "error"]
        if errors:
            raise InputError(errors)
    return solve_workforce(org, scenario, plan)


def reuse_plan(plan: Plan, scenario: Scenario, org: Organisation, scenario_file: Optional[str] = None,
               any_inputs: bool = False) -> Plan:
    """A copy of a succession ``plan`` for ``scenario`` (a workforce what-if joins its workforce plan to
    the baseline's succession plan instead of solving it again): it records this scenario, and says in
    its message whose plan it is. The plan must have been made from the succession inputs of
    ``scenario`` (planner.input_fingerprint: the tables and settings but the workforce's own), or an
    InputError says it was not; ``any_inputs`` uses it anyway (it keeps its own fingerprint, so
    ``planner check`` then needs --any-inputs too)."""
    from datetime import datetime, timezone

    from planner.inputs.files import input_fingerprint

    if not plan.has_solution:
        raise InputError([Issue(table="plan", file=plan.meta.scenario, message=f"has no solution ({plan.kpis.status}): "
                                "there is no succession plan to reuse")])
    if not any_inputs and input_fingerprint(org, scenario) != plan.meta.input_fingerprint:
        raise InputError([Issue(table="plan", file=plan.meta.scenario, message=f"(scenario '{plan.meta.scenario}', made "
                                f"{plan.meta.created}) was not made from the succession inputs of scenario '{scenario.name}': "
                                "the data or the problem settings differ (workforce settings and changes aside)")])
    reused = f"the succession plan of scenario '{plan.meta.scenario}' made {plan.meta.created}, reused"
    meta = plan.meta.model_copy(update=dict(
        scenario=scenario.name, scenario_file=scenario_file, scenario_settings=scenario.model_dump(),
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        message="; ".join(m for m in (plan.meta.message, reused) if m)))
    return plan.model_copy(update={"meta": meta, "workforce": None})


@dataclass
class Destination:
    """Where a checked plan goes: the workspace's plan store (``workspace``, as ``name``, replacing a
    plan of that name only with ``overwrite``) and / or a plan folder ``out`` in ``fmt`` (replacing a
    folder that is not a previous plan only with ``force``: see planner.contract.paths)."""

    workspace: Optional[Path] = None
    name: Optional[str] = None
    overwrite: bool = False
    out: Optional[Path] = None
    fmt: Literal["csv", "parquet"] = "csv"
    force: bool = False


@dataclass
class Outcome:
    """How a solve ended. ``state``: ``saved`` (checked, then stored and / or written), ``no_plan``
    (infeasible or no plan in time; ``message`` says why), ``rejected`` (the checker found a problem:
    ``report``), ``failed`` (bad input: ``issues``; or an unexpected ``error``)."""

    state: State
    plan: Optional[Plan] = None
    report: Optional[CheckReport] = None
    saved_name: Optional[str] = None
    written_to: Optional[Path] = None
    message: str = ""
    issues: list[Issue] = field(default_factory=list)
    error: Optional[BaseException] = None


def solve_check_save(scenario: Scenario, org: Organisation, to: Destination, on_progress=None,
                     stop: Optional[threading.Event] = None, workforce: bool = False, succession: Optional[Plan] = None,
                     any_inputs: bool = False, **solve_options) -> Outcome:
    """Solve (:func:`solve` with ``solve_options``: scenario_file, baseline, baseline_name,
    method), with ``workforce`` also the workforce plan joined to it (:func:`plan_workforce`), check
    the plan without the solver, then save it to ``to``. With a ``succession`` plan already made, that
    one is used instead of a solve (:func:`reuse_plan`; ``any_inputs`` as there). Bad input comes back
    as a ``failed`` outcome with its issues; any other error propagates."""
    try:
        if succession is not None:
            plan = reuse_plan(succession, scenario, org, scenario_file=solve_options.get("scenario_file"),
                              any_inputs=any_inputs)
        else:
            plan = solve(scenario, org, on_progress=on_progress, stop=stop, **solve_options)
        if not plan.has_solution:
            return Outcome("no_plan", plan=plan, message=plan.meta.message)
        if workforce:
            plan.workforce = plan_workforce(scenario, org, plan)
            if not plan.workforce.has_solution:
                return Outcome("no_plan", plan=plan, message=plan.workforce.kpis.message)
    except InputError as exc:
        return Outcome("failed", issues=exc.issues, error=exc)
    report = check_plan(org, scenario, plan)
    if not report.ok:
        return Outcome("rejected", plan=plan, report=report,
                       message="; ".join([str(v) for v in report.violations] + report.mismatches))
    saved = written = None
    if to.out is not None:  # first: a folder the planner may not replace stops the save too
        written = write_plan(plan, to.out, fmt=to.fmt, force=to.force)
    if to.workspace is not None:
        from planner.store import PlanStore

        saved = PlanStore(to.workspace).save(plan, name=to.name, overwrite=to.overwrite)
    return Outcome("saved", plan=plan, report=report, saved_name=saved, written_to=written)


class SolveRun:
    """:func:`solve_check_save` on a background thread.

    The thread never touches a user interface; the front end polls this object. ``state`` is
    ``running`` until the thread ends with the outcome's state (``outcome`` then holds it all).
    ``request_stop`` ends the search with the best plan found so far. ``points`` are the solver's
    progress updates (planner.solver.search.Progress), one per improving plan or bound.
    """

    def __init__(self, scenario: Scenario, org: Organisation, to: Destination, **solve_options):
        self.scenario_name = scenario.name
        self.budget = scenario.budget.total
        self.stop = threading.Event()
        self.started = time.monotonic()
        self.finished: Optional[float] = None
        self.points: list = []
        self.state: State = "running"
        self.outcome: Optional[Outcome] = None
        self._thread = threading.Thread(target=self._run, args=(scenario, org, to, solve_options),
                                        name="planner-solve", daemon=True)

    def start(self) -> "SolveRun":
        self._thread.start()
        return self

    def request_stop(self) -> None:
        self.stop.set()

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until the run ends (for scripts and tests); True if it has."""
        self._thread.join(timeout)
        return not self.running

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    @property
    def latest(self):
        return self.points[-1] if self.points else None

    # What the front ends read once the run has ended.

    @property
    def plan(self) -> Optional[Plan]:
        return self.outcome.plan if self.outcome else None

    @property
    def saved_name(self) -> Optional[str]:
        return self.outcome.saved_name if self.outcome else None

    @property
    def message(self) -> str:
        return self.outcome.message if self.outcome else ""

    @property
    def issues(self) -> list[Issue]:
        return self.outcome.issues if self.outcome else []

    def _run(self, scenario: Scenario, org: Organisation, to: Destination, solve_options: dict) -> None:
        try:
            outcome = solve_check_save(scenario, org, to, on_progress=self.points.append, stop=self.stop, **solve_options)
        except Exception as exc:  # reported by the front end; the thread must not die silently
            outcome = Outcome("failed", message=f"{type(exc).__name__}: {exc}", error=exc)
        self.outcome = outcome
        self.finished = time.monotonic()
        self.state = outcome.state
