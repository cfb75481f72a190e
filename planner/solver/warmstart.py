"""A better starting plan than the readiness ranking, for the search on large organisations.

The readiness-ranking baseline gives up on a role when its top-ranked first successor cannot be
developed with the cheapest chains; CP-SAT, started from that plan on a model of thousands of
roles, may not find the fix before its time limit. This pass takes the roles whose first successor
will not be ready, highest external-hire cost first, and tries the role's candidates in order of
their development cost bound: for each, a one-person CP-SAT model (the model's own rule families on
that pair alone) finds the cheapest development that makes them ready in time within the budget,
seats and hours the plan leaves, and the first that succeeds takes rank 1 (the others move down a
rank). Incumbents of critical roles are left out, so no backfill cascade moves a need date.

When re-planning, :func:`baseline_start` is the other start: the baseline plan's decisions as far
as they still hold after the scenario's changes, which is most of the new plan.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from planner.contract.domain import Organisation
from planner.heuristics.ranking import _Ledger
from planner.solver.build import build_model
from planner.problem.instance import Problem
from planner.solver.rules import early_development, intervention_once, learning_hours, prerequisites, readiness, training_spend
from planner.contract.scenario import Scenario
from planner.problem.scoring import OBJECTIVE_SCALE, effective_need


def _develop_alone(p: Problem, ledger: _Ledger, e: str, r: str, need: int, time_limit: float) -> list[tuple[str, int]] | None:
    """The cheapest (intervention, start) list that makes ``e`` ready for ``r`` by quarter ``need``,
    given what ``ledger`` has booked (their own bookings stay and count), or None."""
    mine = {(e2, i): q for (e2, i), q in p.starts.items() if e2 == e}
    sub = Problem(scenario=p.scenario, horizon=p.horizon, critical_roles=[r], need={r: need},
                  external_cost={r: p.external_cost[r]},
                  pairs=p.pairs[(p.pairs["employee_id"] == e) & (p.pairs["role_id"] == r)].reset_index(drop=True),
                  unmet={(e, r): p.unmet[(e, r)]}, interventions=p.interventions, current=p.current, hours=p.hours,
                  starts=mine)
    built = build_model(sub, hard_rules=(intervention_once, prerequisites, readiness, learning_hours),
                        soft_rules=(training_spend, early_development))
    m, v = built.model, built.vars
    ready = v.ready(e, r)
    if isinstance(ready, int):
        return [] if ready else None
    m.add(ready == 1)
    booked = set(ledger.booked[e])
    new_cost = []
    for (_, i, t), var in v.starts():
        info = p.interventions[i]
        if (i, t) in booked:
            m.add(var == 1)
            continue
        if any(i == j for j, _ in booked) or (info.seats is not None and ledger.seats[(i, t)] >= info.seats):
            m.add(var == 0)
            continue
        new_cost.append((int(round(info.cost * OBJECTIVE_SCALE)), t, var))
    budget = p.scenario.budget
    m.add(sum(c * x for c, _, x in new_cost) <= int(round((budget.total - ledger.spent) * OBJECTIVE_SCALE)))
    if budget.per_quarter is not None:
        for q in range(p.horizon):
            terms = [(c, x) for c, t, x in new_cost if t == q]
            if terms:
                m.add(sum(c * x for c, x in terms) <= int(round((budget.per_quarter - ledger.spent_by_quarter[q]) * OBJECTIVE_SCALE)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = time_limit
    solver.parameters.max_time_in_seconds = 10 * time_limit
    if solver.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [(i, t) for (_, i, t), var in v.starts() if solver.boolean_value(var) and (i, t) not in booked]


class _Cover:
    """The state of :func:`cover_more`: the slates being changed, the development booked, and the moves."""

    def __init__(self, org: Organisation, scenario: Scenario, problem: Problem, slates, starts, tries_per_role: int,
                 time_limit: float, deadline: float | None = None):
        p = self.p = problem
        self.depth, self.cap = scenario.policy.bench_depth, scenario.policy.max_slates_per_employee
        self.tries_per_role, self.time_limit, self.deadline = tries_per_role, time_limit, deadline
        self.stopped_early = False
        self.ledger = _Ledger(p)
        for e, i, t in starts:
            self.ledger.book(e, i, t)
        self.leaves = org.employees.set_index("employee_id")["leave_quarter"].dropna().astype(int).to_dict()
        self.pinned = {(pin.employee_id, pin.role_id) for pin in scenario.pins}
        self.vetoed = {(v.employee_id, v.role_id) for v in scenario.vetoes}
        self.incumbents = set(p.incumbent_of.values())
        self.fixed_roles = {pin.role_id for pin in scenario.pins if pin.rank}  # ranks there must not shift
        self.slate: dict[str, list[str]] = defaultdict(list)
        for e, r, k in sorted(slates, key=lambda s: (s[1], s[2])):
            self.slate[r].append(e)
        self.count: dict[str, int] = defaultdict(int)
        for e, _, _ in slates:
            self.count[e] += 1
        self.cost = dict(zip(zip(p.pairs["employee_id"], p.pairs["role_id"]), p.pairs["dev_cost"]))
        self.by_role = p.pairs[p.pairs["reachable"]].groupby("role_id")["employee_id"].agg(list).to_dict()

    def needs(self) -> dict[str, int]:
        return effective_need(self.p.need, self.p.incumbent_of, {people[0]: r for r, people in self.slate.items() if people})

    def ready(self, e: str, r: str, need: int) -> bool:
        deadline = min(need, self.leaves.get(e, self.p.horizon))
        return all(self.ledger.level(e, k, deadline) >= lv for k, lv in self.p.unmet[(e, r)])

    def first_of(self, person: str | None) -> str | None:
        return next((u for u, people in self.slate.items() if people and people[0] == person), None)

    def new_first(self, r: str, need: int) -> bool:
        """Put at rank 1 of ``r`` the cheapest candidate who is, or can be made, ready by ``need``."""
        current = self.slate[r]
        if r in self.fixed_roles or (current and (current[0], r) in self.pinned):
            return False
        firsts = {people[0] for people in self.slate.values() if people}
        options = sorted(self.by_role.get(r, []), key=lambda e: (self.cost.get((e, r), np.inf), e))
        tried = 0
        for e in options:
            if (e, r) in self.vetoed or e in self.incumbents or e in firsts or (e not in current and self.count[e] >= self.cap):
                continue
            if e not in current and any((x, r) in self.pinned for x in current[self.depth - 1:]):
                continue  # a pin on the last rank would fall off
            if tried >= self.tries_per_role:
                return False
            tried += 1
            found = [] if self.ready(e, r, need) else _develop_alone(self.p, self.ledger, e, r, need, self.time_limit)
            if found is None:
                continue
            self.place_first(e, r, found)
            return True
        return False

    def place_first(self, e: str, r: str, development: list[tuple[str, int]]) -> None:
        for i, t in development:
            self.ledger.book(e, i, t)
        current = self.slate[r]
        if e in current:
            current.remove(e)
        else:
            self.count[e] += 1
        current.insert(0, e)
        for dropped in current[self.depth:]:
            self.count[dropped] -= 1
        del current[self.depth:]

    def run(self):
        p = self.p
        for r in sorted(p.critical_roles, key=lambda r: -p.external_cost[r]):
            if self.deadline is not None and time.monotonic() > self.deadline:
                self.stopped_early = True
                break
            need = self.needs()
            if self.slate[r] and self.ready(self.slate[r][0], r, need[r]):
                continue
            up = self.first_of(p.incumbent_of.get(r))
            if need[r] < p.need[r] and up is not None and self.new_first(up, need[up]):
                need = self.needs()
                if self.slate[r] and self.ready(self.slate[r][0], r, need[r]):
                    continue
            self.new_first(r, need[r])
        new_slates = [(e, r, k) for r, people in self.slate.items() for k, e in enumerate(people, start=1)]
        new_starts = [(e, i, t) for e, items in self.ledger.booked.items() for i, t in items]
        return new_slates, new_starts


def cover_more(org: Organisation, scenario: Scenario, problem: Problem,
               slates: list[tuple[str, str, int]], starts: list[tuple[str, str, int]],
               tries_per_role: int = 3, time_limit: float = 1.0, deadline: float | None = None):
    """(slates, starts): the given plan with more roles covered, highest external-hire cost first
    (``tries_per_role`` candidates per move, each one-person model limited to ``time_limit``
    deterministic seconds, so the result does not depend on the machine's load). ``problem.pairs``
    must carry each pair's ``dev_cost`` bound (the order in which candidates are tried).

    Two moves, judged against each role's effective need (backfill cascades included):
    - un-cascade: a role falls vacant early because its incumbent is another role's first successor;
      that role gets a different first successor who is ready in time (the incumbent moves to rank 2);
    - develop or replace: the role's first successor is not ready in time; a candidate who can be
      made ready takes rank 1.

    Past ``deadline`` (a time.monotonic() value) it tries no more roles and returns what it has."""
    return _Cover(org, scenario, problem, slates, starts, tries_per_role, time_limit, deadline).run()


def baseline_start(problem: Problem, scenario: Scenario) -> tuple[list, list] | None:
    """Re-planning: (slates, starts) of the baseline plan (``problem.baseline_slates`` / ``baseline_starts``)
    as far as they still hold, for the search to start from; None without a baseline.

    Slates: the baseline's entries that are still eligible pairs and not vetoed, ranks closed up, each
    pin put at its rank (or at the end) and the slate cut to bench_depth; a person who would then be
    first on two slates stays first where they were first before and leaves the other slate. Starts:
    the baseline's that are still possible starts, and the locks (in place of the same person's
    start of that intervention). The result may still break a rule (the budget after a lock, say):
    the caller checks it, and the search still starts from the readiness ranking when it does."""
    if not problem.baseline_slates and not problem.baseline_starts:
        return None
    eligible = set(zip(problem.pairs["employee_id"], problem.pairs["role_id"]))
    vetoed = {(v.employee_id, v.role_id) for v in scenario.vetoes}
    depth = scenario.policy.bench_depth
    slate: dict[str, list[str]] = defaultdict(list)
    for e, r, _ in sorted(problem.baseline_slates, key=lambda s: (s[1], s[2])):
        if r in problem.need and (e, r) in eligible and (e, r) not in vetoed:
            slate[r].append(e)
    for pin in scenario.pins:
        people = [e for e in slate[pin.role_id] if e != pin.employee_id]
        people.insert(len(people) if pin.rank is None else pin.rank - 1, pin.employee_id)
        slate[pin.role_id] = people[:depth]
    was_first = {(e, r) for e, r, k in problem.baseline_slates if k == 1}
    while True:
        firsts: dict[str, list[str]] = defaultdict(list)
        for r, people in slate.items():
            if people:
                firsts[people[0]].append(r)
        clash = next(((e, roles) for e, roles in sorted(firsts.items()) if len(roles) > 1), None)
        if clash is None:
            break
        e, roles = clash
        keep = next((r for r in sorted(roles) if (e, r) in was_first), sorted(roles)[0])
        for r in roles:
            if r != keep:
                slate[r].remove(e)
    slates = [(e, r, k) for r, people in slate.items() for k, e in enumerate(people, start=1)]
    locked = {(lock.employee_id, lock.intervention_id): lock.start_quarter for lock in scenario.locks}
    starts = [(e, i, t) for e, i, t in sorted(problem.baseline_starts)
              if (e, i) not in locked and t in problem.starts.get((e, i), ())]
    starts += [(e, i, t) for (e, i), t in sorted(locked.items())]
    return slates, starts
