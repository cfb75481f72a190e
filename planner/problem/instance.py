"""The optimisation problem as plain data: who may succeed whom, what each candidate still lacks,
and which intervention starts could help. Pure pandas and Python; no solver.

Pruning here is *exact*: it only drops decisions that cannot improve any plan.

- A slate candidate is an eligible (employee, critical role) pair: not the incumbent, open to move,
  within ``max_level_jump`` / ``max_level_drop`` grades, from a family that feeds the role's, and not
  leaving (``leave_quarter``) at or before the quarter the role is needed.
- Backfill cascades: a critical role whose incumbent could move up as another role's first successor
  may fall vacant at that role's need quarter; ``possible_needs`` lists the quarters its effective
  need can take (see :func:`planner.problem.scoring.effective_need`).
- An intervention start is kept for an employee only if the intervention raises a skill towards a
  level that one of their eligible roles requires (or that another kept intervention needs as a
  prerequisite), fits their learning hours, starts in its window and ends before the latest quarter
  any of their roles needs them. Any other start only adds cost, hours and seats.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.scenario import Scenario
from planner.problem.scoring import aspiration_pairs, candidate_quality, need_quarter
from planner.problem.fairness import fairness_targets, group_members

Target = tuple[str, int]  # (skill_id, level)


@dataclass(frozen=True)
class InterventionInfo:
    intervention_id: str
    cost: float
    duration: int
    hours: float
    seats: int | None
    earliest: int
    latest: int | None
    effects: tuple[tuple[str, int, int], ...]  # (skill_id, min_level, to_level)


@dataclass
class Problem:
    """Everything the model builder needs, indexed by domain IDs."""

    scenario: Scenario
    horizon: int
    critical_roles: list[str]
    need: dict[str, int]  # role -> quarter its successor must be ready by (start of)
    external_cost: dict[str, float]
    pairs: pd.DataFrame  # employee_id, role_id, quality, aspires, reachable
    unmet: dict[tuple[str, str], list[Target]]  # (employee, role) -> requirements not met today
    interventions: dict[str, InterventionInfo]
    current: dict[tuple[str, str], int]  # (employee, skill) -> level today
    hours: dict[str, float]  # employee -> learning hours per quarter
    flight_risk: dict[str, float] = field(default_factory=dict)  # employee -> annual probability of leaving
    starts: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (employee, intervention) -> start quarters
    incumbent_of: dict[str, str] = field(default_factory=dict)  # critical role -> incumbent
    moves: dict[str, list[str]] = field(default_factory=dict)  # critical role -> roles its incumbent may move up to
    possible_needs: dict[str, list[int]] = field(default_factory=dict)  # role -> quarters its effective need can take
    baseline_slates: set[tuple[str, str, int]] = field(default_factory=set)  # (employee, role, rank) of a baseline plan
    baseline_starts: set[tuple[str, str, int]] = field(default_factory=set)  # (employee, intervention, quarter)
    fairness_targets: dict[str, int] = field(default_factory=dict)  # critical role -> people of the fairness group it needs
    fairness_group: frozenset[str] = frozenset()  # employee_ids of the fairness group (planner.problem.fairness)
    _starts_by_skill: dict | None = field(default=None, init=False, repr=False)

    def level_now(self, employee: str, skill: str) -> int:
        return self.current.get((employee, skill), 0)

    def achievers(self, employee: str, target: Target, finish_by: int) -> list[tuple[str, int]]:
        """(intervention, start) options of ``employee`` that bring ``target`` and end before ``finish_by``."""
        skill, level = target
        return [(i, t) for i, to, duration, quarters in self._by_employee_skill.get((employee, skill), ())
                if to >= level for t in quarters if t + duration <= finish_by]

    @property
    def _by_employee_skill(self) -> dict[tuple[str, str], list[tuple[str, int, int, list[int]]]]:
        """(employee, skill) -> [(intervention, to_level, duration, start quarters)], built once."""
        if self._starts_by_skill is None:
            index: dict[tuple[str, str], list] = defaultdict(list)
            for (e, i), quarters in self.starts.items():
                info = self.interventions[i]
                for k, _, to in info.effects:
                    index[(e, k)].append((i, to, info.duration, quarters))
            self._starts_by_skill = index
        return self._starts_by_skill


def eligible_pairs(org: Organisation, scenario: Scenario) -> pd.DataFrame:
    """Every (employee_id, role_id) that may sit on the role's slate under the scenario's policy, in
    employee then role order (see :func:`planner.problem.candidates.candidate_table`, which makes them
    by merging on family and grade rather than a cross join)."""
    from planner.problem.candidates import eligible_positions

    e, r = eligible_positions(org, scenario)
    critical = org.roles.loc[org.roles["critical"].astype(bool), "role_id"].to_numpy(object)
    return pd.DataFrame({"employee_id": org.employees["employee_id"].to_numpy(object)[e], "role_id": critical[r]})


def last_start(info: InterventionInfo, finish_by: int, horizon: int, leave: int | None = None) -> int:
    """The start-window rule's one definition: the last quarter the intervention may start in to finish
    before quarter ``finish_by``, inside the horizon and before the participant leaves (in quarter
    ``leave``), and no later than its latest_start_quarter. Below ``info.earliest``: it cannot start."""
    last = min(finish_by, horizon, horizon if leave is None else leave) - info.duration
    return last if info.latest is None else min(last, info.latest)


def startable(info: InterventionInfo, quarter: int, horizon: int, leave: int | None = None) -> bool:
    """Whether the intervention may start in ``quarter``: inside its window, ending inside the horizon
    and before the participant leaves (:func:`last_start`)."""
    return info.earliest <= quarter <= last_start(info, horizon, horizon, leave)


def _cascades(problem: Problem, org: Organisation) -> None:
    """Which roles can fall vacant early because their incumbent moves up, and to which quarters."""
    roles = org.roles[org.roles["critical"] & org.roles["incumbent_id"].notna()]
    problem.incumbent_of = dict(zip(roles["role_id"], roles["incumbent_id"]))
    targets = problem.pairs.groupby("employee_id")["role_id"].apply(list).to_dict()
    problem.moves = {r: targets[e] for r, e in problem.incumbent_of.items() if e in targets}
    possible = {r: {q} for r, q in problem.need.items()}
    changed = True
    while changed:
        changed = False
        for r, ups in problem.moves.items():
            earlier = {q for up in ups for q in possible[up] if q < problem.need[r]} - possible[r]
            if earlier:
                possible[r] |= earlier
                changed = True
    problem.possible_needs = {r: sorted(qs) for r, qs in possible.items() if len(qs) > 1}


def _candidate_pairs(org: Organisation, scenario: Scenario, pairs: pd.DataFrame | None) -> pd.DataFrame:
    """The slate candidates (every eligible pair, or the given ones) with their quality and aspiration fit."""
    pairs = eligible_pairs(org, scenario) if pairs is None else pairs[["employee_id", "role_id"]].reset_index(drop=True)
    quality = candidate_quality(org.employees)
    aspires = aspiration_pairs(org.employees, org.roles)
    pairs["quality"] = pairs["employee_id"].map(quality).astype(float)
    pairs["aspires"] = [(e, r) in aspires for e, r in zip(pairs["employee_id"], pairs["role_id"])]
    return pairs


def _catalogue(org: Organisation) -> dict[str, InterventionInfo]:
    effects: dict[str, list] = defaultdict(list)
    for i, k, lo, hi in zip(*(org.intervention_effects[c] for c in ("intervention_id", "skill_id", "min_level", "to_level"))):
        effects[i].append((k, int(lo), int(hi)))
    return {
        row.intervention_id: InterventionInfo(
            intervention_id=row.intervention_id,
            cost=float(row.cost),
            duration=int(row.duration_quarters),
            hours=float(row.hours_per_quarter),
            seats=None if pd.isna(row.seats_per_quarter) else int(row.seats_per_quarter),
            earliest=int(row.earliest_start_quarter),
            latest=None if pd.isna(row.latest_start_quarter) else int(row.latest_start_quarter),
            effects=tuple(effects.get(row.intervention_id, ())),
        )
        for row in org.interventions.itertuples(index=False)
    }


def _useful_starts(targets: dict[str, dict[Target, int]], current: dict, interventions: dict,
                   hours: dict, leaves: dict, horizon: int) -> dict[tuple[str, str], list[int]]:
    """For each employee, the interventions that serve one of their targets (directly or as a
    prerequisite of one that does, within their hours and with seats at all), each with the quarters
    it may start in to finish by the latest deadline of a target it serves (a prerequisite's deadline
    is the last start of the intervention it enables; planner.problem.instance.last_start)."""
    achievers: dict[str, list[tuple[str, int]]] = defaultdict(list)  # skill -> [(intervention, to_level)]
    for info in interventions.values():
        for k, _, to in info.effects:
            achievers[k].append((info.intervention_id, to))
    starts: dict[tuple[str, str], list[int]] = {}
    for e, wanted in targets.items():
        latest: dict[str, int] = {}  # intervention -> the latest quarter it must finish by
        best: dict[Target, int] = {}
        frontier = [(k, lv, d) for (k, lv), d in wanted.items()]
        while frontier:
            k, lv, d = frontier.pop()
            if best.get((k, lv), -1) >= d:
                continue
            best[(k, lv)] = d
            for i, to in achievers.get(k, ()):
                info = interventions[i]
                if to < lv or info.hours > hours[e] or info.seats == 0 or latest.get(i, -1) >= d:
                    continue
                latest[i] = d
                enable_by = last_start(info, d, horizon, leaves.get(e))
                frontier += [(k2, lo, enable_by) for k2, lo, _ in info.effects if current.get((e, k2), 0) < lo]
        for i in sorted(latest):
            info = interventions[i]
            quarters = list(range(info.earliest, last_start(info, latest[i], horizon, leaves.get(e)) + 1))
            if quarters:
                starts[(e, i)] = quarters
    return starts


def _targets(unmet: dict, need: dict[str, int], kept: list[tuple[str, str, int]], interventions: dict, current: dict,
             everything: set[Target] | None, employees: list[str], horizon: int,
             reachable: set[tuple[str, str]] | None = None) -> dict[str, dict[Target, int]]:
    """What each employee should be able to reach, and the quarter to finish it by: the gaps of their
    candidacies (only the ``reachable`` ones when given: an unreachable pair is never ready, so its
    gaps need no development) by the latest need among the roles that require them (``everything``
    by the horizon when not pruning), and the prerequisites of the ``kept`` (locked and baseline)
    starts by their start, so that their enablers stay in the model."""
    targets: dict[str, dict[Target, int]] = defaultdict(dict)

    def want(e: str, target: Target, by: int) -> None:
        targets[e][target] = max(targets[e].get(target, by), by)

    if everything is not None:
        for e in employees:
            for target in everything:
                want(e, target, horizon)
    else:
        for (e, r), gaps in unmet.items():
            if reachable is None or (e, r) in reachable:
                for target in gaps:
                    want(e, target, need[r])
    for e, i, t in kept:
        if i in interventions:
            for k, lo, _ in interventions[i].effects:
                if current.get((e, k), 0) < lo:
                    want(e, (k, lo), t)
    return targets


def build_problem(org: Organisation, scenario: Scenario, baseline=None, prune: bool = True,
                  pairs: pd.DataFrame | None = None) -> Problem:
    """Prepare the problem data for ``scenario`` on ``org`` (see the module docstring for the pruning).

    Locked starts and a ``baseline`` plan's starts are kept even where pruning would drop them (when
    they can start at all), so that the model can honour the lock or price the change exactly.
    ``prune=False`` keeps every start of every intervention for every employee (the unpruned full
    model, for tests that prove the pruning exact). ``pairs`` restricts the slate candidates to the
    given eligible (employee_id, role_id) rows: the large-instance method's restricted model, whose
    own bound then covers only those candidates.

    Phases: candidates, their skill gaps, the catalogue, each employee's targets and deadline, the
    useful starts, then locked and baseline starts, backfill cascades and reachability."""
    horizon = scenario.horizon_quarters
    need = need_quarter(org.roles[org.roles["critical"]], horizon).to_dict()
    critical = list(need)
    ext = org.roles.set_index("role_id")["external_hire_cost"].to_dict()
    restricted = pairs is not None
    pairs = _candidate_pairs(org, scenario, pairs)

    skills = org.employee_skills
    if restricted:
        people = set(pairs["employee_id"]) | {lk.employee_id for lk in scenario.locks}
        people |= {a.employee_id for a in baseline.learning} if baseline is not None else set()
        skills = skills[skills["employee_id"].isin(people)]
    current = dict(zip(zip(skills["employee_id"], skills["skill_id"]), skills["level"].astype(int)))
    reqs: dict[str, list[Target]] = defaultdict(list)
    for r, k, lv in zip(org.role_requirements["role_id"], org.role_requirements["skill_id"], org.role_requirements["level"]):
        reqs[r].append((k, int(lv)))
    unmet = {
        (e, r): [(k, lv) for k, lv in reqs[r] if current.get((e, k), 0) < lv]
        for e, r in zip(pairs["employee_id"], pairs["role_id"])
    }
    interventions = _catalogue(org)
    hours = org.employees.set_index("employee_id")["learning_hours_per_quarter"].astype(float).to_dict()
    leaves = org.employees.set_index("employee_id")["leave_quarter"].dropna().astype(int).to_dict()

    kept: list[tuple[str, str, int]] = [(lk.employee_id, lk.intervention_id, lk.start_quarter) for lk in scenario.locks]
    if baseline is not None:
        kept += [(a.employee_id, a.intervention_id, a.start_quarter) for a in baseline.learning]
    everything = None if prune else {(k, lv) for k in org.skills["skill_id"] for lv in range(1, 6)}

    def useful(reachable: set[tuple[str, str]] | None) -> dict[tuple[str, str], list[int]]:
        targets = _targets(unmet, need, kept, interventions, current, everything, list(hours), horizon, reachable)
        starts = _useful_starts(targets, current, interventions, hours, leaves, horizon)
        for e, i, t in kept:
            if i in interventions and e in hours and startable(interventions[i], t, horizon, leaves.get(e)):
                starts[(e, i)] = sorted(set(starts.get((e, i), [])) | {t})
        return starts

    starts = useful(None)

    problem = Problem(
        scenario=scenario, horizon=horizon, critical_roles=critical, need=need,
        external_cost={r: float(ext[r]) for r in critical}, pairs=pairs, unmet=unmet, interventions=interventions,
        current=current, hours=hours, starts=starts,
        flight_risk=org.employees.set_index("employee_id")["flight_risk"].astype(float).to_dict(),
    )
    _cascades(problem, org)
    if scenario.policy.fairness is not None:
        problem.fairness_targets, problem.fairness_group = fairness_targets(org, scenario), group_members(org, scenario)
    if baseline is not None:
        problem.baseline_slates = {(s.employee_id, s.role_id, s.rank) for s in baseline.slates}
        problem.baseline_starts = {(a.employee_id, a.intervention_id, a.start_quarter) for a in baseline.learning}
    problem.pairs["reachable"] = [
        all(problem.achievers(e, g, need[r]) for g in unmet[(e, r)]) for e, r in zip(pairs["employee_id"], pairs["role_id"])
    ]
    if prune:  # again with the gaps of reachable pairs only: the same pairs stay reachable, with fewer starts
        reachable = {(e, r) for e, r, ok in zip(pairs["employee_id"], pairs["role_id"], problem.pairs["reachable"]) if ok}
        problem.starts = useful(reachable)
        problem._starts_by_skill = None
    return problem
