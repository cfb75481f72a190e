"""Careers for everyone: the cheapest and the fastest development path from where a person is to any
role, and every role within their reach by a quarter. Pure Python; no solver.

**A path** is a chain of role moves ending in the target role, each move one the slate-eligibility
rule allows (:func:`planner.problem.eligibility.why_ineligible`: at most ``policy.max_level_jump``
grades up, at most ``policy.max_level_drop`` down, and into the person's own family or one it feeds
in ``family_moves``), and the learning that makes the person meet each role's requirements by the
quarter they move into it. A move happens at the start of a quarter; the person must then meet every
requirement of the role they move into, and must have held each role they moved into for at least
``min_tenure`` quarters before the next move (the role they hold today counts as held long enough).
The target's **ready quarter** is the quarter of the last move: the first quarter, 0..T, at whose
start the person meets the target's requirements from a role one eligible move away.

The learning follows the plan checker's rules for that one person (planner.evaluation.checks):
each intervention at most once, inside its start window and finishing inside the horizon (and before
the person leaves), its ``min_level`` prerequisites met at its start, the person's
``learning_hours_per_quarter`` never exceeded, and only seats that are free: the catalogue's
``seats_per_quarter`` less the starts of everyone else in the given plan (the person's own planned
learning is what the path replaces). The budget is not a limit on one person's path; its cost is
reported. Roles are not reserved: a path says when the person could be ready for each step, not that
the role is vacant then.

**The search is exact.** For each chain of roles that could lead there (no detours: a role that an
earlier one could skip straight past is never needed; nor is a chain that asks, role by role, at
least what another of the same length asks), a dynamic programme over quarters whose states
are (the role held, the quarters held, the interventions running with their end quarters, the skill
levels), each kept at its least cost. Nothing it drops can give a cheaper or an earlier path:

- levels are kept only up to the thresholds that matter (the requirements of the roles ahead and the
  prerequisites of the interventions that serve them, found by closing over prerequisite chains);
- a set of interventions is started in a quarter only if none of them is redundant (each brings some
  threshold strictly sooner than what runs and the rest of the set): a redundant one only adds cost
  and hours;
- a state is dropped when another with the same role and running interventions has been held as
  long, has every level as high and cost no more;
- a person ready to move moves (the tenure clock starts sooner; the learning is the same);
- a state is dropped when a lower bound on its last move (each skill's fastest chain of
  interventions, other skills' prerequisites and the hours ignored, plus the tenure) is after the
  quarter searched to, or a lower bound on its cost to go (the dearest single requirement, or the sum
  of each skill's cheapest chain with an intervention's cost shared over the skills it raises) would
  not make it cheaper than a path already found.

The **fastest** path comes from deepening: the search to quarter t for t = the bound, the bound + 1, ...
until a chain arrives (ties: the cheaper). The **cheapest** then searches to the horizon for a path
strictly cheaper than the fastest (ties: the earlier).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Literal, Optional

import pandas as pd
from pydantic import BaseModel, Field

from planner.contract.domain import Organisation
from planner.contract.errors import InputError, Issue
from planner.contract.idp import IdpItem, IdpMilestone, IndividualDevelopmentPlan, now
from planner.contract.plan import Plan
from planner.contract.scenario import EmployeeChange, Lock, Scenario, quarter_label
from planner.problem.eligibility import feeding_families, why_ineligible
from planner.problem.instance import InterventionInfo, _catalogue, last_start

DEFAULT_MIN_TENURE = 4  # quarters in each role moved into before the next move: a year
INF = float("inf")


# ==========================================================================================
# Output models
# ==========================================================================================


class PathLearning(BaseModel):
    """One intervention on a career path."""

    intervention_id: str = Field(description="Intervention taken.")
    name: str = Field(description="Its name.")
    kind: str = Field(description="course, certification, mentoring, ...")
    start_quarter: int = Field(description="Quarter it starts (its cost is paid then).")
    end_quarter: int = Field(description="Last quarter it runs; the new levels count from the next quarter.")
    start_label: str = Field(description="start_quarter as a calendar quarter.")
    end_label: str = Field(description="end_quarter as a calendar quarter.")
    cost: float = Field(description="Cost, money units.")
    hours_per_quarter: float = Field(description="Hours a quarter it takes while it runs.")
    raises: list[str] = Field(default_factory=list, description="Skills it raises on this path, e.g. 'S-TEC-CLD 4->5'.")


class PathMove(BaseModel):
    """One role move on a career path (the last one is into the target role)."""

    role_id: str = Field(description="Role moved into.")
    title: str = Field(description="Its title.")
    family: str = Field(description="Its job family.")
    level: int = Field(description="Its grade.")
    quarter: int = Field(description="Quarter of the move: the person meets every requirement of the role at its start.")
    label: str = Field(description="quarter as a calendar quarter.")
    kind: Literal["up", "lateral", "down"] = Field(description="Grade up, the same grade, or down.")


class Milestone(BaseModel):
    """A dated event of a path: an intervention starts or finishes, a move, readiness for the target."""

    quarter: int = Field(description="Quarter of the event.")
    label: str = Field(description="quarter as a calendar quarter.")
    kind: Literal["start", "finish", "move", "ready"] = Field(description="What happens.")
    text: str = Field(description="The event in words.")


class CareerPath(BaseModel):
    """A feasible development path of one person to one role."""

    employee_id: str = Field(description="The person.")
    role_id: str = Field(description="The target role.")
    objective: Literal["cheapest", "fastest"] = Field(description="What the path minimises first (the other breaks ties).")
    ready_quarter: int = Field(description="Quarter (0..T) the person moves into the target role, ready for it.")
    ready_label: str = Field(description="ready_quarter as a calendar quarter.")
    total_cost: float = Field(description="Cost of the path's learning, money units.")
    learning: list[PathLearning] = Field(default_factory=list, description="Interventions, by start quarter.")
    moves: list[PathMove] = Field(default_factory=list, description="Role moves, in order; the last is into the target.")
    milestones: list[Milestone] = Field(default_factory=list, description="Dated events, in order.")


class CareerPaths(BaseModel):
    """The answer for one person and role: the cheapest and the fastest path, or why there is none."""

    employee_id: str = Field(description="The person.")
    role_id: str = Field(description="The target role.")
    from_role_id: str = Field(description="The role the person holds today.")
    min_tenure: int = Field(description="Quarters held in each role moved into before the next move.")
    until_quarter: int = Field(description="Latest ready quarter searched (the horizon's end, or the 'by' quarter asked).")
    gap: int = Field(description="Levels short of the target's requirements today, summed over its skills.")
    cheapest: Optional[CareerPath] = Field(default=None, description="The least-cost path (ties: the earlier).")
    fastest: Optional[CareerPath] = Field(default=None, description="The earliest path (ties: the cheaper).")
    reason: Optional[str] = Field(default=None, description="Why there is no path within the horizon (when there is none).")
    states: int = Field(default=0, description="States the search kept (its size).")

    @property
    def found(self) -> bool:
        return self.cheapest is not None


class RoleInReach(BaseModel):
    """A role a person can be ready for by a given quarter."""

    role_id: str = Field(description="The role.")
    title: str = Field(description="Its title.")
    family: str = Field(description="Its job family.")
    level: int = Field(description="Its grade.")
    critical: bool = Field(description="Whether it is a critical role.")
    gap: int = Field(description="Levels short of its requirements today, summed over its skills.")
    cost: float = Field(description="Cost of the cheapest path that is ready by the quarter asked, money units.")
    ready_quarter: int = Field(description="Earliest ready quarter (the fastest path).")
    ready_label: str = Field(description="ready_quarter as a calendar quarter.")
    moves: int = Field(description="Role moves on the cheapest path (1: straight into the role).")


# ==========================================================================================
# The search
# ==========================================================================================


@dataclass(frozen=True)
class _Node:
    """A search state at the start of a quarter."""

    role: str
    held: int  # quarters held in the role (capped at min_tenure)
    running: tuple[tuple[str, int], ...]  # (intervention, end quarter), sorted
    levels: tuple[int, ...]  # per skill of the search, capped to the thresholds that matter


@dataclass
class _Entry:
    cost: float
    parent: Optional[_Node]  # the node at the start of the previous quarter
    moved: Optional[str]  # role moved into at the start of the parent's quarter
    started: tuple[str, ...]  # interventions started in the parent's quarter


@dataclass
class _Person:
    """One person's side of the search, shared by every target: roles, moves, catalogue, seats."""

    scenario: Scenario
    employee_id: str
    role: str
    hours: float
    leave: Optional[int]
    open_to_move: bool
    levels: dict[str, int]
    requirements: dict[str, list[tuple[str, int]]]
    roles: pd.DataFrame
    successors: dict[str, list[str]]  # role -> roles one eligible move away
    catalogue: dict[str, InterventionInfo]
    free_seats: dict[tuple[str, int], int]  # (intervention, quarter) -> seats the plan leaves (limited seats only)
    min_tenure: int
    names: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    _earliest: Optional[dict[tuple[str, int], float]] = None

    def gap(self, role: str) -> int:
        return sum(max(0, lv - self.levels.get(k, 0)) for k, lv in self.requirements.get(role, []))

    def distances_to(self, target: str) -> dict[str, int]:
        """Fewest moves from each role to ``target`` (roles that cannot reach it are absent)."""
        into: dict[str, list[str]] = defaultdict(list)
        for a, outs in self.successors.items():
            for b in outs:
                into[b].append(a)
        dist, queue = {target: 0}, deque([target])
        while queue:
            b = queue.popleft()
            for a in into[b]:
                if a not in dist:
                    dist[a] = dist[b] + 1
                    queue.append(a)
        return dist

    def reachable(self) -> set[str]:
        """Roles some chain of eligible moves leads to from the person's own."""
        seen, queue = {self.role}, deque([self.role])
        while queue:
            for b in self.successors.get(queue.popleft(), ()):
                if b not in seen:
                    seen.add(b)
                    queue.append(b)
        return seen

    def routes(self, target: str, until: int) -> list[tuple[str, ...]]:
        """Every chain of moves from the person's role to ``target`` that takes no detour and fits the time
        (each role moved into held ``min_tenure`` quarters before the next move, the last move by
        ``until``). A detour is a role one could skip (an earlier role moves straight to a later one):
        the chain without it asks for less, no later. A chain that asks, role by role, at least what
        another of the same length asks is left out too."""
        distance = self.distances_to(target)
        most = 1 + until // self.min_tenure
        found: list[tuple[str, ...]] = []

        def extend(route: list[str]) -> None:
            here = route[-1]
            for nxt in self.successors.get(here, ()):
                if nxt in route or nxt not in distance or len(route) + distance[nxt] > most:
                    continue
                if any(nxt in self.successors.get(earlier, ()) for earlier in route[:-1]):
                    continue  # a shortcut: an earlier role moves straight into nxt
                if nxt == target:
                    found.append((*route, nxt))
                else:
                    extend([*route, nxt])

        if self.role in distance:
            extend([self.role])
        need = {r: dict(self.requirements.get(r, [])) for route in found for r in route}

        def asks_no_more(a: tuple[str, ...], b: tuple[str, ...]) -> bool:  # route a asks, stage by stage, no more than b
            return all(need[y].get(k, 0) >= lv for x, y in zip(a[1:], b[1:]) for k, lv in need[x].items())

        # A route that asks no less than another of the same length, stage by stage, is never needed either.
        return [b for b in found if not any(a != b and len(a) == len(b) and asks_no_more(a, b)
                                            and (not asks_no_more(b, a) or a < b) for a in found)]

    def earliest(self) -> dict[tuple[str, int], float]:
        """(skill, level) -> the earliest quarter from whose start the person can hold it: today's levels,
        then the catalogue's prerequisite chains, durations and start windows, one intervention at a time
        unlimited (no hours shared, no seats): a bound no path beats. Absent: never within the horizon."""
        if self._earliest is None:
            horizon = self.scenario.horizon_quarters
            best: dict[tuple[str, int], float] = {(k, lv): 0 for k, have in self.levels.items() for lv in range(1, have + 1)}
            changed = True
            while changed:
                changed = False
                for info in self.catalogue.values():
                    if info.hours > self.hours or info.seats == 0:
                        continue
                    start = max([info.earliest] + [best.get((k, lo), INF) if lo > 0 else 0 for k, lo, _ in info.effects])
                    if start == INF or start > last_start(info, horizon, horizon, self.leave):
                        continue
                    for k, _, to in info.effects:
                        for lv in range(1, to + 1):
                            if start + info.duration < best.get((k, lv), INF):
                                best[(k, lv)] = start + info.duration
                                changed = True
            self._earliest = best
        return self._earliest

    def route_bound(self, route: tuple[str, ...]) -> tuple[float, Optional[tuple[str, str, int]]]:
        """The earliest quarter the route's last move could happen by :meth:`earliest` and the tenure, and
        the (role, skill, level) that sets it (None when the tenure alone does)."""
        earliest = self.earliest()
        when, why = -self.min_tenure, None
        for role in route[1:]:
            when = max(0, when + self.min_tenure)
            for k, lv in self.requirements.get(role, []):
                if earliest.get((k, lv), INF) > when:
                    when, why = earliest.get((k, lv), INF), (role, k, lv)
        return when, why

    def seats_free(self, intervention: str, quarter: int) -> bool:
        info = self.catalogue[intervention]
        return info.seats is None or self.free_seats.get((intervention, quarter), info.seats) > 0



def _person(org: Organisation, scenario: Scenario, employee_id: str, plan: Optional[Plan], min_tenure: int) -> _Person:
    employees = org.employees.set_index("employee_id")
    if employee_id not in employees.index:
        raise InputError([Issue(table="employees", column="employee_id", row_id=employee_id,
                                message=f"{employee_id!r} is not an employees.employee_id")])
    if min_tenure < 1:
        raise InputError([Issue(table="careers", column="min_tenure", message=f"must be at least 1 quarter, got {min_tenure}")])
    person = employees.loc[employee_id]
    skills = org.employee_skills[org.employee_skills["employee_id"] == employee_id]
    requirements: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for r, k, lv in zip(org.role_requirements["role_id"], org.role_requirements["skill_id"], org.role_requirements["level"]):
        requirements[r].append((k, int(lv)))
    roles = org.roles.set_index("role_id")
    feeds, policy = feeding_families(org), scenario.policy
    successors: dict[str, list[str]] = {}
    for a, fa, la in zip(roles.index, roles["family"], roles["level"]):
        successors[a] = [b for b, fb, lb in zip(roles.index, roles["family"], roles["level"])
                         if b != a and not why_ineligible(policy, feeds, incumbent=False, open_to_move=True,
                                                          grade_step=int(lb) - int(la), own_family=fa, family=fb)]
    catalogue = _catalogue(org)
    free: dict[tuple[str, int], int] = {}
    if plan is not None:
        used: dict[tuple[str, int], int] = defaultdict(int)
        for a in plan.learning:
            if a.employee_id != employee_id:
                used[(a.intervention_id, a.start_quarter)] += 1
        free = {(i, q): catalogue[i].seats - n for (i, q), n in used.items()
                if i in catalogue and catalogue[i].seats is not None}
    leave = person["leave_quarter"]
    interventions = org.interventions.set_index("intervention_id")
    return _Person(scenario=scenario, employee_id=employee_id, role=str(person["role_id"]),
                   hours=float(person["learning_hours_per_quarter"]), leave=None if pd.isna(leave) else int(leave),
                   open_to_move=bool(person["open_to_move"]),
                   levels=dict(zip(skills["skill_id"], skills["level"].astype(int))), requirements=requirements,
                   roles=roles, successors=successors, catalogue=catalogue, free_seats=free, min_tenure=min_tenure,
                   names=interventions["name"].to_dict(), kinds=interventions["kind"].to_dict())


@dataclass
class _Search:
    """The dynamic programme for one person along one route of roles, up to quarter ``until``."""

    person: _Person
    route: tuple[str, ...]
    until: int
    skills: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)  # skill -> its position in a node's levels
    thresholds: dict[str, list[int]] = field(default_factory=dict)  # skill -> levels that matter, ascending
    useful: dict[str, set[str]] = field(default_factory=dict)  # role held -> interventions that serve what lies ahead
    wanted: dict[str, set[tuple[str, int]]] = field(default_factory=dict)  # role held -> (skill, level) that matter ahead
    cost_cap: float = INF  # only paths strictly cheaper than this are wanted
    chain_time: dict[tuple[str, int], dict[int, float]] = field(default_factory=dict)
    chain_cost: dict[tuple[str, int], dict[int, float]] = field(default_factory=dict)
    chain_share: dict[tuple[str, int], dict[int, float]] = field(default_factory=dict)
    positions: list[list[int]] = field(default_factory=list)  # thresholds by skill position
    effects: dict[str, tuple[tuple[int, int, int], ...]] = field(default_factory=dict)
    useful_sorted: dict[str, list[str]] = field(default_factory=dict)
    wanted_at: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # wanted by skill position
    states: int = 0

    @property
    def target(self) -> str:
        return self.route[-1]

    def prepare(self) -> None:
        p = self.person
        achievers: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for info in p.catalogue.values():
            for k, _, to in info.effects:
                achievers[k].append((info.intervention_id, to))
        for stage, role in enumerate(self.route[:-1]):
            wanted = {(k, lv) for r in self.route[stage + 1:] for k, lv in p.requirements.get(r, []) if p.levels.get(k, 0) < lv}
            useful: set[str] = set()
            frontier = list(wanted)
            while frontier:  # what meets a wanted level, and what meets the prerequisites of those
                k, lv = frontier.pop()
                for i, to in achievers.get(k, ()):
                    info = p.catalogue[i]
                    if to >= lv and i not in useful and info.hours <= p.hours and info.seats != 0:
                        useful.add(i)
                        for k2, lo, _ in info.effects:
                            if p.levels.get(k2, 0) < lo and (k2, lo) not in wanted:
                                wanted.add((k2, lo))
                                frontier.append((k2, lo))
            self.useful[role], self.wanted[role] = useful, wanted
        levels: dict[str, set[int]] = defaultdict(set)  # every requirement ahead and every prerequisite of a useful intervention
        for r in self.route[1:]:
            for k, lv in p.requirements.get(r, []):
                levels[k].add(lv)
        for ws in self.wanted.values():
            for k, lv in ws:
                levels[k].add(lv)
        for i in set().union(*self.useful.values()):
            for k, lo, _ in p.catalogue[i].effects:
                if lo > 0:
                    levels[k].add(lo)
        self.skills = sorted(levels)
        self.index = {k: j for j, k in enumerate(self.skills)}
        self.thresholds = {k: sorted(levels[k]) for k in self.skills}
        self.positions = [self.thresholds[k] for k in self.skills]
        self._tables(set().union(*self.useful.values()))
        self.useful_sorted = {role: sorted(useful) for role, useful in self.useful.items()}
        self.wanted_at = {role: {(self.index[k], lv) for k, lv in wanted} for role, wanted in self.wanted.items()}
        self._chains(set().union(*self.useful.values()))

    def _chains(self, useful: set[str]) -> None:
        """For each skill, the least total duration, cost and cost share (an intervention's cost split
        evenly over the skills it raises) of raising it from one level that matters to another with the
        useful interventions, each skill on its own (other skills' prerequisites ignored): bounds no path
        beats, for :meth:`bound`."""
        p = self.person
        for k in self.skills:
            steps = [(lo, self.capped(k, to), (info.duration, info.cost, info.cost / len(info.effects)))
                     for info in (p.catalogue[i] for i in useful) for kk, lo, to in info.effects if kk == k]
            levels = [0, *self.thresholds[k]]
            for a in levels:
                for which, table in enumerate((self.chain_time, self.chain_cost, self.chain_share)):
                    best = {a: 0.0}
                    for _ in levels:  # Bellman-Ford over a handful of levels
                        for lo, to, weights in steps:
                            for x, w in list(best.items()):
                                if lo <= x < to and w + weights[which] < best.get(to, INF):
                                    best[to] = w + weights[which]
                    table[(k, a)] = {b: min((w for x, w in best.items() if x >= b), default=INF) for b in levels}

    def bound(self, node: _Node, q: int) -> tuple[float, float]:
        """Lower bounds on the quarter of the last move and on the cost still to pay, from ``node`` before
        its starts in quarter ``q``: what runs counts when it ends, everything else needs its skill's
        chain (:meth:`_chains`) from ``q``; moves keep the tenure. The cost bound is the larger of the
        dearest single requirement and the sum over skills of their cost shares."""
        p, index = self.person, self.index
        stage = self.route.index(node.role)
        moved = q + max(1, p.min_tenure - node.held)
        dearest = 0.0
        top: dict[str, int] = {}  # skill -> highest level still required ahead
        when: dict[tuple[str, int], float] = {}
        for role in self.route[stage + 1:]:
            ready = 0.0
            for k, lv in p.requirements.get(role, []):
                if k not in index or node.levels[index[k]] >= lv:
                    continue
                if (k, lv) not in when:
                    t, c = self._from(node, q, k, lv, self.chain_time, offset=True), self._from(node, q, k, lv, self.chain_cost)
                    when[(k, lv)] = t
                    dearest = max(dearest, c)
                    top[k] = max(top.get(k, 0), lv)
                ready = max(ready, when[(k, lv)])
            moved = max(moved, ready)
            if role != self.route[-1]:
                moved += p.min_tenure
        shares = sum(self._from(node, q, k, lv, self.chain_share) for k, lv in top.items())
        return moved, max(dearest, shares)

    def _from(self, node: _Node, q: int, skill: str, level: int, table: dict, offset: bool = False) -> float:
        """The least of ``table``'s chain to ``level`` from the node's level of ``skill`` (started in ``q``
        when ``offset``, for durations) and from the level each running intervention brings (when it ends)."""
        p = self.person
        have = node.levels[self.index[skill]]
        best = table[(skill, have)][level] + (q if offset else 0)
        for i, end in node.running:
            for k, _, to in p.catalogue[i].effects:
                if k == skill and self.capped(k, to) > have:
                    best = min(best, table[(skill, self.capped(k, to))][level] + (end + 1 if offset else 0))
        return best

    def capped(self, skill: str, level: int) -> int:
        """``level`` lowered to the highest threshold of ``skill`` it reaches (0 if none): levels between two
        thresholds meet exactly the same requirements and prerequisites."""
        return max((t for t in self.thresholds[skill] if t <= level), default=0)

    def _tables(self, useful: set[str]) -> None:
        """Each useful intervention's effects on the search's skills as (position, min_level, capped
        to_level), and its gains: (position, threshold) it can bring."""
        p = self.person
        for i in useful:
            effects = tuple((self.index[k], lo, self.capped(k, to)) for k, lo, to in p.catalogue[i].effects if k in self.index)
            self.effects[i] = effects

    def start_node(self) -> _Node:
        p = self.person
        return _Node(p.role, p.min_tenure, (), tuple(self.capped(k, p.levels.get(k, 0)) for k in self.skills))

    def meets(self, levels: tuple[int, ...], role: str) -> bool:
        index, p = self.index, self.person
        return all((levels[index[k]] if k in index else p.levels.get(k, 0)) >= lv for k, lv in p.requirements.get(role, []))

    def run(self) -> tuple[list[tuple[int, float, _Node]], dict[int, dict[_Node, _Entry]]]:
        """Every arrival in the target (quarter, cost, node moved from) and the layers of states."""
        p, T = self.person, self.until
        horizon = p.scenario.horizon_quarters
        finish_by = min(horizon, T, p.leave if p.leave is not None else horizon)  # learning must end before it
        last = {i: last_start(p.catalogue[i], finish_by, finish_by) for i in self.effects}
        stage = {role: s for s, role in enumerate(self.route)}
        to_go = {role: len(self.route) - 1 - s for s, role in enumerate(self.route)}  # moves left
        arrivals: list[tuple[int, float, _Node]] = []
        layers: dict[int, dict[_Node, _Entry]] = {0: {self.start_node(): _Entry(0.0, None, None, ())}}
        for q in range(0, T + 1):
            if p.leave is not None and q >= p.leave:
                break
            layer = layers[q]
            # 1. Moves, at the start of the quarter. Moving as soon as one can is never worse than staying
            # (the tenure clock starts sooner, the learning is the same), and arriving ends the path.
            moved: dict[_Node, tuple[float, _Node, str]] = {}
            candidates = []
            for node, entry in layer.items():
                nxt = self.route[stage[node.role] + 1]
                if node.held < p.min_tenure or not self.meets(node.levels, nxt):
                    candidates.append((node, entry.cost, node, None))
                elif nxt == self.target:
                    arrivals.append((q, entry.cost, node))
                elif q + p.min_tenure * to_go[nxt] <= T:
                    after = _Node(nxt, 0, node.running, node.levels)
                    if after not in moved or entry.cost < moved[after][0]:
                        moved[after] = (entry.cost, node, nxt)
            if q == T:
                break
            candidates += [(after, cost, parent, role) for after, (cost, parent, role) in moved.items()]
            nxt_layer: dict[_Node, _Entry] = {}
            for node, cost, parent, role in candidates:  # 2. starts, then the quarter runs
                arrive, still_to_pay = self.bound(node, q)
                if arrive > T or cost + still_to_pay >= self.cost_cap - 1e-9:
                    continue  # no path from here arrives in time, or more cheaply than one already found
                for started in self._start_sets(node, q, last):
                    after = self._advance(node, started, q)
                    total = cost + sum(p.catalogue[i].cost for i in started)
                    old = nxt_layer.get(after)
                    if old is None or total < old.cost - 1e-9:
                        nxt_layer[after] = _Entry(total, parent, role, started)
            nxt_layer = _undominated(nxt_layer, p.min_tenure)
            self.states += len(nxt_layer)
            layers[q + 1] = nxt_layer
        return arrivals, layers

    def _start_sets(self, node: _Node, q: int, last: dict[str, int]) -> list[tuple[str, ...]]:
        """The sets of interventions worth starting in quarter ``q`` from ``node``: each fits (window,
        prerequisites, seats, hours with what runs) and none is redundant (each brings some wanted level
        strictly sooner than what runs and the rest of the set). Always includes the empty set.
        ``last``: each intervention's last start quarter."""
        p, levels, positions = self.person, node.levels, self.positions
        running = {i for i, _ in node.running}
        busy = sum(p.catalogue[i].hours for i in running)
        reach: dict[tuple[int, int], int] = {}  # (skill position, threshold) -> quarter it counts from, by what runs
        for i, end in node.running:
            for j, _, to in self.effects[i]:
                for t in positions[j]:
                    if levels[j] < t <= to and reach.get((j, t), INF) > end + 1:
                        reach[(j, t)] = end + 1
        options: list[tuple[str, float, dict[tuple[int, int], int]]] = []
        wanted = self.wanted_at[node.role]
        room = p.hours + 1e-9 - busy
        for i in self.useful_sorted[node.role]:
            info = p.catalogue[i]
            if i in running or info.hours > room or not info.earliest <= q <= last[i]:
                continue
            effects = self.effects[i]
            if any(levels[j] < lo for j, lo, _ in effects) or not p.seats_free(i, q):
                continue
            end = q + info.duration
            gains = {(j, t): end for j, _, to in effects for t in positions[j]
                     if levels[j] < t <= to and (j, t) in wanted and reach.get((j, t), INF) > end}
            if gains:
                options.append((i, info.hours, gains))
        sets: list[tuple[str, ...]] = [()]

        def extend(pos: int, chosen: list[int], hours: float) -> None:
            for o in range(pos, len(options)):
                if hours + options[o][1] <= room:
                    now = chosen + [o]
                    if len(now) == 1 or all(any(t < min(reach.get(g, INF), *(options[x][2].get(g, INF) for x in now if x != c))
                                                for g, t in options[c][2].items()) for c in now):
                        sets.append(tuple(options[c][0] for c in now))
                    extend(o + 1, now, hours + options[o][1])

        extend(0, [], 0.0)
        return sets

    def _advance(self, node: _Node, started: tuple[str, ...], q: int) -> _Node:
        """The node at the start of quarter q + 1: what ends in q counts, what runs on stays running."""
        p = self.person
        running = node.running + tuple((i, q + p.catalogue[i].duration - 1) for i in started) if started else node.running
        levels = None
        still = []
        for i, end in running:
            if end <= q:
                levels = levels or list(node.levels)
                for j, _, to in self.effects[i]:
                    if to > levels[j]:
                        levels[j] = to
            else:
                still.append((i, end))
        return _Node(node.role, min(p.min_tenure, node.held + 1), tuple(sorted(still)) if started else tuple(still),
                     node.levels if levels is None else tuple(levels))


def _undominated(layer: dict[_Node, _Entry], tenure: int) -> dict[_Node, _Entry]:
    """The nodes of a layer that no other dominates: a node with the same role and running
    interventions, held at least as long, every level at least as high and a cost no higher can do
    everything the other can, as cheaply and as soon. (Held and levels are packed into one integer
    of fields with a guard bit each, so that 'every field at least as high' is one subtraction.)"""
    groups: dict[tuple, list[tuple[_Node, _Entry]]] = defaultdict(list)
    for node, entry in layer.items():
        groups[(node.role, node.running)].append((node, entry))
    width = max(4, tenure.bit_length() + 1)
    kept: dict[_Node, _Entry] = {}
    for members in groups.values():
        if len(members) == 1:
            kept[members[0][0]] = members[0][1]
            continue
        fields = len(members[0][0].levels) + 1
        guards = sum(1 << (width * f + width - 1) for f in range(fields))
        members.sort(key=lambda m: (m[1].cost, -m[0].held, [-x for x in m[0].levels]))
        front: list[int] = []
        for node, entry in members:
            packed = node.held
            for x in node.levels:
                packed = (packed << width) | x
            if not any((f + guards - packed) & guards == guards for f in front):
                front.append(packed)
                kept[node] = entry
    return kept


def _reconstruct(search: _Search, layers: dict[int, dict[_Node, _Entry]], quarter: int, cost: float, node: _Node,
                 objective: str) -> CareerPath:
    p, scenario = search.person, search.person.scenario
    label = scenario.quarter_label
    starts: list[tuple[int, str]] = []
    moves: list[tuple[int, str]] = [(quarter, search.target)]
    q = quarter
    while q > 0:
        entry = layers[q][node]
        starts += [(q - 1, i) for i in entry.started]
        if entry.moved is not None:
            moves.append((q - 1, entry.moved))
        node, q = entry.parent, q - 1
    starts.sort()
    moves.sort()
    levels = dict(p.levels)
    learning = []
    for start, i in sorted(starts, key=lambda s: (s[0] + p.catalogue[s[1]].duration, s[0], s[1])):
        info = p.catalogue[i]
        raises = []
        for k, _, to in info.effects:
            if to > levels.get(k, 0):
                raises.append(f"{k} {levels.get(k, 0)}->{to}")
                levels[k] = to
        learning.append(PathLearning(intervention_id=i, name=p.names.get(i, i), kind=p.kinds.get(i, ""),
                                     start_quarter=start, end_quarter=start + info.duration - 1, start_label=label(start),
                                     end_label=label(start + info.duration - 1), cost=info.cost,
                                     hours_per_quarter=info.hours, raises=raises))
    learning.sort(key=lambda a: (a.start_quarter, a.intervention_id))
    path_moves, previous = [], p.role
    for q_move, role in moves:
        a, b = int(p.roles.at[previous, "level"]), int(p.roles.at[role, "level"])
        path_moves.append(PathMove(role_id=role, title=str(p.roles.at[role, "title"]), family=str(p.roles.at[role, "family"]),
                                   level=b, quarter=q_move, label=label(q_move),
                                   kind="up" if b > a else "down" if b < a else "lateral"))
        previous = role
    milestones = []
    for a in learning:
        milestones.append(Milestone(quarter=a.start_quarter, label=a.start_label, kind="start",
                                    text=f"starts {a.intervention_id} {a.name}"))
        milestones.append(Milestone(quarter=a.end_quarter + 1, label=label(a.end_quarter + 1), kind="finish",
                                    text=f"finishes {a.intervention_id}" + (f": {', '.join(a.raises)}" if a.raises else "")))
    for m in path_moves[:-1]:
        milestones.append(Milestone(quarter=m.quarter, label=m.label, kind="move",
                                    text=f"moves into {m.role_id} {m.title} (grade {m.level}), ready for it"))
    last = path_moves[-1]
    milestones.append(Milestone(quarter=last.quarter, label=last.label, kind="ready",
                                text=f"ready for {last.role_id} {last.title} (grade {last.level})"))
    order = {"finish": 0, "move": 1, "ready": 2, "start": 3}
    milestones.sort(key=lambda m: (m.quarter, order[m.kind], m.text))
    return CareerPath(employee_id=p.employee_id, role_id=search.target, objective=objective, ready_quarter=quarter,
                      ready_label=label(quarter), total_cost=round(cost, 2), learning=learning, moves=path_moves,
                      milestones=milestones)


def _until_text(p: _Person, limit: int) -> str:
    if p.leave is not None and limit == p.leave - 1:
        return f"{p.employee_id} leaves in quarter {p.leave} ({p.scenario.quarter_label(p.leave)})"
    return f"quarter {limit} ({p.scenario.quarter_label(limit)})"


def _why_not(p: _Person, target: str, limit: int, routes: list[tuple[str, ...]]) -> str:
    """Why no path reaches ``target`` by quarter ``limit`` (the routes found, none of which works), most
    basic reason first."""
    policy = p.scenario.policy
    if not routes:
        distance = p.distances_to(target)
        if p.role not in distance:
            return (f"no chain of eligible moves leads from {p.role} ({p.roles.at[p.role, 'family']} grade "
                    f"{int(p.roles.at[p.role, 'level'])}) to {target} ({p.roles.at[target, 'family']} grade "
                    f"{int(p.roles.at[target, 'level'])}): each move goes at most {policy.max_level_jump} grade(s) up and "
                    f"{policy.max_level_drop} down, into the same family or one it feeds (family_moves)")
        moves = distance[p.role]
        return (f"{target} is {moves} moves away and each role moved into is held {p.min_tenure} quarters before the "
                f"next move: not before quarter {p.min_tenure * (moves - 1)}, after {_until_text(p, limit)}")
    when, why = min((p.route_bound(r) for r in routes), key=lambda b: b[0])
    if when > limit and why is not None:
        role, k, lv = why
        has = p.levels.get(k, 0)
        if when == INF:
            return (f"no intervention {p.employee_id} can take brings {k} to {lv} in time ({role} requires it; "
                    f"{p.employee_id} has {has}, {p.hours:g} learning hours a quarter)")
        return (f"{k} cannot reach {lv} before quarter {int(when)} ({p.scenario.quarter_label(int(when))}): the "
                f"prerequisite chain, durations and start windows from {p.employee_id}'s {has} ({role} requires {lv}); "
                f"that is after {_until_text(p, limit)}")
    tenure = (f" and the tenure of {p.min_tenure} quarters in each role moved into"
              if min(len(r) for r in routes) > 2 else "")
    return (f"the development it needs does not fit by {_until_text(p, limit)}: with {p.employee_id}'s "
            f"{p.hours:g} learning hours a quarter, the seats left free{tenure}, no schedule of the interventions is "
            "ready in time")


def _check_role(org: Organisation, role_id: str) -> None:
    if role_id not in set(org.roles["role_id"]):
        raise InputError([Issue(table="roles", column="role_id", row_id=role_id, message=f"{role_id!r} is not a roles.role_id")])


def _paths(p: _Person, role_id: str, until: int) -> CareerPaths:
    limit = until if p.leave is None else min(until, p.leave - 1)
    base = dict(employee_id=p.employee_id, role_id=role_id, from_role_id=p.role, min_tenure=p.min_tenure,
                until_quarter=until, gap=p.gap(role_id))
    if role_id == p.role:
        return CareerPaths(**base, reason=f"{p.employee_id} holds {role_id} today")
    if not p.open_to_move:
        return CareerPaths(**base, reason=f"{p.employee_id} is not open to move (employees.open_to_move)")
    if limit < 0:
        return CareerPaths(**base, reason=f"{p.employee_id} leaves in quarter {p.leave}")
    routes = p.routes(role_id, limit)
    bounds = {r: p.route_bound(r)[0] for r in routes}
    live = sorted((r for r in routes if bounds[r] <= limit), key=lambda r: (bounds[r], r))
    fastest, states = None, 0
    for until_now in range(int(min((bounds[r] for r in live), default=limit + 1)), limit + 1):
        # Deepening: the first quarter any route arrives by is the fastest; the cheapest arrival then wins.
        for route in (r for r in live if bounds[r] <= until_now):
            found, searched = _best(p, route, until_now, INF if fastest is None else fastest.cost, "fastest")
            states += searched
            fastest = found if found is not None and (fastest is None or found.key < fastest.key) else fastest
        if fastest is not None:
            break
    if fastest is None:
        return CareerPaths(**base, reason=_why_not(p, role_id, limit, live or routes), states=states)
    cheapest = fastest
    for route in live:  # only paths strictly cheaper than the best so far are searched for
        found, searched = _best(p, route, limit, cheapest.cost, "cheapest")
        states += searched
        cheapest = found if found is not None and found.key < (cheapest.cost, cheapest.quarter) else cheapest
    return CareerPaths(**base, states=states, cheapest=cheapest.path("cheapest"), fastest=fastest.path("fastest"))


@dataclass
class _Arrival:
    """The best arrival of one search, and what rebuilds its path."""

    key: tuple
    quarter: int
    cost: float
    node: _Node
    search: _Search
    layers: dict[int, dict[_Node, _Entry]]

    def path(self, objective: str) -> CareerPath:
        return _reconstruct(self.search, self.layers, self.quarter, self.cost, self.node, objective)


def _best(p: _Person, route: tuple[str, ...], until: int, cap: float, objective: str) -> tuple[Optional[_Arrival], int]:
    """The best arrival along ``route`` by quarter ``until`` strictly cheaper than ``cap`` (fastest: the
    earliest, then the cheapest; cheapest: the cheapest, then the earliest), and the states searched."""
    search = _Search(p, route, until, cost_cap=cap)
    search.prepare()
    arrivals, layers = search.run()
    keys = [((q, round(c, 6)) if objective == "fastest" else (round(c, 6), q), q, c, node) for q, c, node in arrivals
            if c < cap - 1e-9]
    if not keys:
        return None, search.states
    key, q, c, node = min(keys, key=lambda a: a[0])
    return _Arrival(key, q, c, node, search, layers), search.states


def _until(scenario: Scenario, by_quarter: Optional[int]) -> int:
    horizon = scenario.horizon_quarters
    if by_quarter is None:
        return horizon
    if not 0 <= by_quarter <= horizon:
        raise InputError([Issue(table="careers", column="by_quarter",
                                message=f"must be a quarter 0..{horizon} of the horizon, got {by_quarter}")])
    return by_quarter


def career_path(org: Organisation, scenario: Scenario, employee_id: str, role_id: str, plan: Optional[Plan] = None,
                min_tenure: int = DEFAULT_MIN_TENURE, by_quarter: Optional[int] = None) -> CareerPaths:
    """The cheapest and the fastest development path of ``employee_id`` into ``role_id`` (see the module
    docstring for the rules and the exact search). ``plan`` (a saved plan) supplies the seats already
    taken by others in each quarter; ``by_quarter`` limits the ready quarter (default: the horizon's end).
    No path: ``cheapest`` and ``fastest`` are None and ``reason`` says why. An unknown employee or role,
    or a bad setting, raises InputError."""
    _check_role(org, role_id)
    person = _person(org, scenario, employee_id, plan, min_tenure)
    return _paths(person, role_id, _until(scenario, by_quarter))


def roles_within_reach(org: Organisation, scenario: Scenario, employee_id: str, by_quarter: int,
                       plan: Optional[Plan] = None, min_tenure: int = DEFAULT_MIN_TENURE) -> list[RoleInReach]:
    """Every role ``employee_id`` can be ready for (moved into) by quarter ``by_quarter``, ranked by their
    gap today (levels short of its requirements), then the cost of the cheapest path ready by then, then
    the earliest ready quarter. Their own role is left out."""
    until = _until(scenario, by_quarter)
    person = _person(org, scenario, employee_id, plan, min_tenure)
    out = []
    for role_id in sorted(person.reachable() - {person.role}):
        answer = _paths(person, role_id, until)
        if answer.found:
            role = person.roles.loc[role_id]
            out.append(RoleInReach(role_id=role_id, title=str(role["title"]), family=str(role["family"]),
                                   level=int(role["level"]), critical=bool(role["critical"]), gap=answer.gap,
                                   cost=answer.cheapest.total_cost, ready_quarter=answer.fastest.ready_quarter,
                                   ready_label=answer.fastest.ready_label, moves=len(answer.cheapest.moves)))
    out.sort(key=lambda r: (r.gap, r.cost, r.ready_quarter, r.role_id))
    return out


def path_learning(path: CareerPath, org: Organisation, scenario: Scenario) -> list[dict]:
    """The path's learning as plan learning rows (planner.contract.plan.LearningAssignment fields), for
    putting it in a plan or checking it with the plan checker."""
    department = org.employees.set_index("employee_id").at[path.employee_id, "department"]
    return [dict(employee_id=path.employee_id, intervention_id=a.intervention_id, start_quarter=a.start_quarter,
                 end_quarter=a.end_quarter, cost=a.cost, target_role_id=path.role_id, department=department,
                 start_label=a.start_label, end_label=a.end_label) for a in path.learning]


# ==========================================================================================
# Individual development plans: made from a saved plan, fed back into the next re-plan
# ==========================================================================================


def development_plan(plan: Plan, plan_name: str, org: Organisation, employee_id: str,
                     previous: Optional[IndividualDevelopmentPlan] = None) -> IndividualDevelopmentPlan:
    """The IDP of ``employee_id`` from the saved plan ``plan_name``: its learning for them (in start
    order) and a milestone per slate they sit on (ready for the role, when the plan makes them ready).
    With ``previous`` (their saved IDP), the statuses of the interventions and milestones both share,
    the notes and the revision are kept: the IDP follows a re-plan without losing what was recorded."""
    if employee_id not in set(org.employees["employee_id"]):
        raise InputError([Issue(table="employees", column="employee_id", row_id=employee_id,
                                message=f"{employee_id!r} is not an employees.employee_id")])
    start, names = plan.meta.start, org.interventions.set_index("intervention_id")["name"].to_dict()
    titles = org.roles.set_index("role_id")["title"].to_dict()
    old_items = {it.intervention_id: it for it in previous.items} if previous else {}
    old_milestones = {m.milestone_id: m for m in previous.milestones} if previous else {}

    def kept(old, fields: dict) -> dict:
        return {**fields, "status": old.status, "updated": old.updated} if old is not None else fields

    items = [IdpItem(**kept(old_items.get(a.intervention_id), dict(
        intervention_id=a.intervention_id, name=names.get(a.intervention_id, ""), start_quarter=a.start_quarter,
        end_quarter=a.end_quarter, start_label=quarter_label(start, a.start_quarter),
        end_label=quarter_label(start, a.end_quarter), cost=a.cost, target_role_id=a.target_role_id)))
        for a in sorted(plan.learning, key=lambda a: (a.start_quarter, a.intervention_id)) if a.employee_id == employee_id]
    milestones = [IdpMilestone(**kept(old_milestones.get(f"ready:{s.role_id}"), dict(
        milestone_id=f"ready:{s.role_id}", quarter=s.ready_quarter,
        label="" if s.ready_quarter is None else quarter_label(start, s.ready_quarter),
        text=f"ready for {titles.get(s.role_id, s.role_id)} ({s.role_id}), rank {s.rank} on its slate"
        + ("" if s.ready_quarter is not None else ": not within the plan's horizon"))))
        for s in sorted(plan.slates, key=lambda s: (s.ready_quarter is None, s.ready_quarter or 0, s.role_id))
        if s.employee_id == employee_id]
    stamp = now()
    return IndividualDevelopmentPlan(
        employee_id=employee_id, plan_name=plan_name, plan_fingerprint=plan.meta.input_fingerprint, start=start,
        created=previous.created if previous else stamp, updated=previous.updated if previous else stamp,
        revision=previous.revision if previous else 0, items=items, milestones=milestones,
        notes=list(previous.notes) if previous else [])


class ReplanFeed(BaseModel):
    """What saved IDPs tell the next solve."""

    changes: list[EmployeeChange] = Field(default_factory=list, description="Skill levels raised by finished interventions.")
    locks: list[Lock] = Field(default_factory=list, description="Interventions in progress, kept at their start.")
    notes: list[str] = Field(default_factory=list, description="What was left out, and why (e.g. an unknown intervention).")

    def apply(self, scenario: Scenario) -> Scenario:
        """``scenario`` with these changes and locks added after its own."""
        return scenario.model_copy(update={"changes": [*scenario.changes, *self.changes],
                                           "locks": [*scenario.locks, *self.locks]})


def replan_feed(idps: list[IndividualDevelopmentPlan], org: Organisation, scenario: Scenario) -> ReplanFeed:
    """Turn IDP statuses into scenario changes for the next solve of ``scenario`` on ``org``:

    - **done**: the person's levels rise to the intervention's to_level in each skill it raises (one
      ``employee`` change per person, only where that is above their level today);
    - **in progress**: a lock at its start quarter, counted from the scenario's start (a start before
      it becomes quarter 0: under way);
    - **planned** and **dropped**: nothing; the solver plans them afresh (a dropped one frees its seat).

    Milestone statuses are records only."""
    effects: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for i, k, to in zip(org.intervention_effects["intervention_id"], org.intervention_effects["skill_id"],
                        org.intervention_effects["to_level"]):
        effects[i].append((k, int(to)))
    known, people = set(org.interventions["intervention_id"]), set(org.employees["employee_id"])
    levels = {(e, k): int(lv) for e, k, lv in zip(org.employee_skills["employee_id"], org.employee_skills["skill_id"],
                                                    org.employee_skills["level"])}
    feed = ReplanFeed()
    base = _quarter_index(scenario.start)
    for idp in idps:
        e = idp.employee_id
        if e not in people:
            feed.notes.append(f"{e}: not in the organisation any more; their IDP is left out")
            continue
        raised: dict[str, int] = {}
        for it in idp.items:
            if it.status in ("planned", "dropped"):
                continue
            if it.intervention_id not in known:
                feed.notes.append(f"{e} {it.intervention_id}: not in the catalogue any more; left out")
                continue
            if it.status == "done":
                for k, to in effects[it.intervention_id]:
                    if to > max(levels.get((e, k), 0), raised.get(k, 0)):
                        raised[k] = to
            else:
                start = max(0, _quarter_index(idp.start) + it.start_quarter - base)
                feed.locks.append(Lock(employee_id=e, intervention_id=it.intervention_id, start_quarter=start,
                                       rationale=f"In progress (IDP, started {it.start_label or quarter_label(idp.start, it.start_quarter)})."))
        if raised:
            feed.changes.append(EmployeeChange(type="employee", employee_id=e, skills=dict(sorted(raised.items()))))
    return feed


def _quarter_index(label: str) -> int:
    """'2027Q1' -> 2027 * 4 + 0: quarters counted from year 0, to shift between two starts."""
    year, quarter = label.split("Q")
    return int(year) * 4 + int(quarter) - 1
