"""The readiness-ranking baseline: what HR systems do today, as a plan our checker accepts.

1. Critical roles are filled in order of criticality (then the earliest need, then the highest
   external-hire cost).
2. Each role's eligible candidates are ranked by their current readiness gap (the sum of the levels
   they lack), then by candidate quality; the slate takes the best ones still allowed
   (first-rank-once, max slates per person).
3. For the first successor, it buys the cheapest interventions that close each gap (the cheapest
   chain per skill, prerequisites included), scheduled as early as hours, seats and windows allow;
   if that does not finish before the role is needed, or does not fit the remaining budget, it buys
   nothing for the role.

Pins are placed first (eligible ones), vetoed pairs are skipped and locked interventions are booked
up front. With policy.fairness, each slate also seats the people of the group that
planner.problem.fairness.fairness_assignment names for it (their slates are reserved from the start),
in their ranked place or in the last free ranks. The
optimiser starts from this plan (a complete hint) and never returns a worse one.
Pure Python and pandas: no solver.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from functools import lru_cache

import numpy as np
import pandas as pd

from planner.contract.domain import Organisation
from planner.problem.candidates import CandidateTable, candidate_table
from planner.problem.fairness import fairness_assignment
from planner.problem.instance import Problem, build_problem, startable
from planner.contract.scenario import Scenario


class _Ledger:
    """Budget, seats and hours already committed."""

    def __init__(self, problem: Problem):
        self.p = problem
        self.budget = problem.scenario.budget
        self.spent = 0.0
        self.spent_by_quarter: dict[int, float] = defaultdict(float)
        self.seats: dict[tuple[str, int], int] = defaultdict(int)
        self.hours: dict[tuple[str, int], float] = defaultdict(float)
        self.booked: dict[str, list[tuple[str, int]]] = defaultdict(list)  # employee -> [(intervention, start)]

    def fits(self, e: str, i: str, t: int) -> bool:
        info = self.p.interventions[i]
        if info.seats is not None and self.seats[(i, t)] >= info.seats:
            return False
        per_q = self.budget.per_quarter
        if per_q is not None and self.spent_by_quarter[t] + info.cost > per_q + 1e-9:
            return False
        return all(self.hours[(e, q)] + info.hours <= self.p.hours[e] + 1e-9 for q in range(t, t + info.duration))

    def book(self, e: str, i: str, t: int) -> None:
        info = self.p.interventions[i]
        self.spent += info.cost
        self.spent_by_quarter[t] += info.cost
        self.seats[(i, t)] += 1
        for q in range(t, t + info.duration):
            self.hours[(e, q)] += info.hours
        self.booked[e].append((i, t))

    def unbook(self, e: str, items: list[tuple[str, int]]) -> None:
        for i, t in items:
            info = self.p.interventions[i]
            self.spent -= info.cost
            self.spent_by_quarter[t] -= info.cost
            self.seats[(i, t)] -= 1
            for q in range(t, t + info.duration):
                self.hours[(e, q)] -= info.hours
            self.booked[e].remove((i, t))

    def level(self, e: str, skill: str, quarter: int) -> int:
        best = self.p.level_now(e, skill)
        for i, t in self.booked[e]:
            info = self.p.interventions[i]
            if t + info.duration <= quarter:
                best = max(best, max((to for k, _, to in info.effects if k == skill), default=0))
        return best


def _cheapest_chains(problem: Problem):
    """cost(skill, from_level, to_level) -> (cost, [interventions in order]) via the cheapest chain."""
    by_skill: dict[str, list] = defaultdict(list)
    for info in problem.interventions.values():
        for k, lo, to in info.effects:
            by_skill[k].append((info.cost, info.intervention_id, lo, to))

    @lru_cache(maxsize=None)
    def chain(skill: str, have: int, want: int, depth: int = 0) -> tuple[float, tuple[str, ...]]:
        if have >= want:
            return 0.0, ()
        if depth > 5:
            return float("inf"), ()
        best = (float("inf"), ())
        for cost, i, lo, to in by_skill[skill]:
            if to < want:
                continue
            before = chain(skill, have, lo, depth + 1)
            if before[0] + cost < best[0]:
                best = (before[0] + cost, before[1] + (i,))
        return best

    return chain


def ranked_from_table(table: CandidateTable, vetoed: set[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Role -> its eligible candidates not vetoed, best first: smallest readiness gap (the levels they
    lack today), then quality, then ID; one sort over the whole candidate table."""
    ids = np.asarray(table.employee_ids, dtype=object)
    id_rank = np.empty(len(ids), dtype=np.int64)
    id_rank[np.argsort(ids.astype(str), kind="stable")] = np.arange(len(ids))
    keep = np.ones(len(table), dtype=bool)
    if vetoed:
        e = table.employee_ids.get_indexer([v[0] for v in vetoed]).astype(np.int64)
        r = table.role_ids.get_indexer([v[1] for v in vetoed]).astype(np.int64)
        codes = (e * len(table.role_ids) + r)[(e >= 0) & (r >= 0)]
        keep = ~np.isin(table.employee.astype(np.int64) * len(table.role_ids) + table.role, codes)
    rows = np.flatnonzero(keep)
    order = rows[np.lexsort((id_rank[table.employee[rows]], -table.quality[rows], table.gap[rows], table.role[rows]))]
    roles = table.role[order]
    cuts = np.flatnonzero(np.diff(roles)) + 1
    out = {}
    for chunk in np.split(order, cuts):
        if len(chunk):
            out[table.role_ids[table.role[chunk[0]]]] = ids[table.employee[chunk]]
    return out


def greedy_slates(org: Organisation, scenario: Scenario, need: dict[str, int], ranked: dict, eligible) -> list[tuple[str, str, int]]:
    """The baseline's slates, (employee, role, rank): roles in order of criticality, each taking its best
    ranked candidates still allowed. ``eligible(employee, role)`` says whether a pin can hold."""
    depth, cap = scenario.policy.bench_depth, scenario.policy.max_slates_per_employee
    roles = org.roles[org.roles["critical"]].assign(need=lambda d: d["role_id"].map(need))
    roles = roles.sort_values(["criticality", "need", "external_hire_cost", "role_id"], ascending=[False, True, False, True])
    slates: list[tuple[str, str, int]] = []
    first: set[str] = set()
    count: dict[str, int] = defaultdict(int)
    pinned: dict[str, dict[int, str]] = defaultdict(dict)
    reserved = fairness_assignment(org, scenario)  # empty without policy.fairness
    for people in reserved.values():  # their slates are spoken for from the start
        for e in people:
            count[e] += 1
    for pin in scenario.pins:
        if eligible(pin.employee_id, pin.role_id):  # an ineligible pin is the optimiser's to report
            pinned[pin.role_id][pin.rank or 0] = pin.employee_id

    for r in roles["role_id"]:
        chosen: dict[int, str] = {k: e for k, e in pinned[r].items() if k}
        floating = [e for k, e in pinned[r].items() if not k]
        mine = [e for e in reserved.get(r, ()) if e not in pinned[r].values()]  # fair slates: seated in any case
        for e in itertools.chain(floating, (e for e in ranked.get(r, ()) if e not in floating), mine):
            waiting = sum(x not in chosen.values() for x in mine)
            if len(chosen) >= depth or (e not in mine and len(chosen) + waiting >= depth):
                continue
            if e in chosen.values() or (e not in mine and count[e] >= cap):
                continue
            k = next(k for k in range(1, depth + 1) if k not in chosen)
            if k == 1 and e in first:
                continue
            chosen[k] = e
        for k in sorted(chosen):
            e = chosen[k]
            slates.append((e, r, k))
            if e not in mine:
                count[e] += 1
            if k == 1:
                first.add(e)
    return slates


def greedy_decisions(org: Organisation, scenario: Scenario, problem: Problem | None = None, slates=None,
                     table: CandidateTable | None = None):
    """(slates, starts) of the readiness-ranking baseline: lists of (employee, role, rank) and
    (employee, intervention, quarter). ``slates`` (from :func:`greedy_slates`) skips the ranking,
    for a ``problem`` restricted to the candidates that matter; otherwise candidates are ranked from
    ``table`` (the scenario's candidate table, made here if not given)."""
    p = problem or build_problem(org, scenario)
    ledger = _Ledger(p)
    chain = _cheapest_chains(p)
    leaves = org.employees.set_index("employee_id")["leave_quarter"].dropna().astype(int).to_dict()
    for lock in scenario.locks:
        ledger.book(lock.employee_id, lock.intervention_id, lock.start_quarter)
    if slates is None:
        vetoed = {(v.employee_id, v.role_id) for v in scenario.vetoes}
        ranked = ranked_from_table(table if table is not None else candidate_table(org, scenario), vetoed)
        slates = greedy_slates(org, scenario, p.need, ranked, lambda e, r: (e, r) in p.unmet)
    order = org.roles[org.roles["critical"]].assign(need=lambda d: d["role_id"].map(p.need))
    order = order.sort_values(["criticality", "need", "external_hire_cost", "role_id"], ascending=[False, True, False, True])
    first = {r: e for e, r, k in slates if k == 1}
    for r in order["role_id"]:
        if r in first:
            e = first[r]
            _develop(p, ledger, chain, e, r, min(p.need[r], leaves.get(e, p.horizon)))

    starts = [(e, i, t) for e, items in ledger.booked.items() for i, t in items]
    return slates, starts


def _develop(p: Problem, ledger: _Ledger, chain, e: str, r: str, deadline: int) -> None:
    """Buy and schedule the cheapest chains closing ``e``'s gaps for ``r``, or nothing."""
    gaps = [(k, lv) for k, lv in p.unmet[(e, r)] if ledger.level(e, k, deadline) < lv]
    if not gaps:
        return
    wanted: list[str] = []
    for k, lv in gaps:
        cost, items = chain(k, ledger.level(e, k, deadline), lv)
        if cost == float("inf"):
            return
        wanted += [i for i in items if i not in wanted and i not in {b for b, _ in ledger.booked[e]}]
    if ledger.spent + sum(p.interventions[i].cost for i in wanted) > ledger.budget.total + 1e-9:
        return
    done: list[tuple[str, int]] = []
    for i in wanted:
        info = p.interventions[i]
        start = next((t for t in range(p.horizon) if startable(info, t, deadline)
                      and all(ledger.level(e, k, t) >= lo for k, lo, _ in info.effects)
                      and ledger.fits(e, i, t)), None)
        if start is None:
            ledger.unbook(e, done)
            return
        ledger.book(e, i, start)
        done.append((i, start))
    if any(ledger.level(e, k, deadline) < lv for k, lv in p.unmet[(e, r)]):
        ledger.unbook(e, done)


def greedy_frames(org: Organisation, scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The baseline's slates and learning as the checker's frames."""
    slates, starts = greedy_decisions(org, scenario)
    info = org.interventions.set_index("intervention_id")
    slate_df = pd.DataFrame([dict(role_id=r, rank=k, employee_id=e) for e, r, k in sorted(slates, key=lambda s: (s[1], s[2]))],
                            columns=["role_id", "rank", "employee_id"])
    learning = pd.DataFrame(
        [dict(employee_id=e, intervention_id=i, start_quarter=t, end_quarter=t + int(info.at[i, "duration_quarters"]) - 1,
              cost=float(info.at[i, "cost"])) for e, i, t in sorted(starts)],
        columns=["employee_id", "intervention_id", "start_quarter", "end_quarter", "cost"])
    return slate_df, learning
