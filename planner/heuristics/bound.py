"""A lower bound on the objective that is valid for the full problem: the linear relaxation of every
role's slate over the most valuable eligible pairs, with the rest standing in anonymously, solved with
GLOP and bounded rigorously from its duals. Used by the large-instance method, whose CP-SAT bound
covers its shortlist only.

The relaxation keeps each role's slate (people on ranks 1..bench_depth, their quality, aspiration,
readiness and external-hire terms) and these couplings: the total budget, first-rank-once,
max_slates_per_employee, and backfill cascades (a role whose incumbent becomes first successor of a
role needed earlier only counts successors who can be ready by then). It drops, each of which only
removes options or a cost that is never negative: integrality, seats, learning hours, start windows
beyond the chains of :mod:`~planner.problem.candidates`, the per-quarter budget, prerequisites on other
skills, ranks filling without gaps, pins, vetoes, locks, the fair-slates rule (policy.fairness: hard, it
only removes plans; soft, its price is never negative), the stability and early-development costs.
A first successor who is not ready today costs at least their pair's ``dev_cost``; readiness on ranks
2+ is free when reachable (one course can prepare a person for several slates; only their first-rank
slate is theirs alone). Under ``weights.attrition_aware`` a role's external-hire saving is credited in
full whenever any candidate is reachable.

Only each role's ``pool_size`` most valuable pairs per rank enter individually; everyone else is
stood in for by bench_depth anonymous candidates per role, worth the best value left outside the
pool. Every plan therefore maps to a solution of the relaxation worth at least as much.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.scenario import Scenario
from planner.problem.candidates import LEVELS, CandidateTable


@dataclass
class Pool:
    """Each role's most valuable pairs (``pool_size`` per rank, with every multiplier at 0), with their
    values, and the best value left outside them per role and rank."""

    rows: np.ndarray  # table rows, sorted by role
    base: np.ndarray  # (rows, depth): quality and aspiration value per rank
    ready_bonus: np.ndarray  # (rows, depth): readiness value per rank (0 if unreachable)
    cover: np.ndarray  # external-hire saving of a ready first successor
    dev: np.ndarray  # development cost counted for a first successor who is not ready today
    outside: np.ndarray  # (roles, depth)


def price_pool(table: CandidateTable, scenario: Scenario, pool_size: int = 12) -> Pool:
    """The pool of :func:`lp_bound` (and of :func:`shortlist`), from one pass over every pair."""
    w, depth = scenario.weights, scenario.policy.bench_depth
    factor = np.array([depth - k for k in range(depth)], dtype=float)  # rank k+1 counts depth - k
    base = (w.candidate_quality * table.quality)[:, None] * factor + (w.aspiration * table.aspires)[:, None]
    ready_bonus = np.where(table.reachable[:, None], w.ready_successor * factor, 0.0)
    cover = np.zeros(len(table))
    if not w.attrition_aware:
        cover = np.where(table.reachable, w.external_hire * table.external_cost[table.role], 0.0)
    dev = np.where(table.reachable, table.dev_cost, 0.0)
    value0 = base + ready_bonus
    value0[:, 0] = base[:, 0] + np.maximum(0.0, cover + ready_bonus[:, 0] - w.training_spend * dev)
    rows, outside = _best_per_role(table.role, value0, pool_size, len(table.role_ids))
    rows = rows[np.argsort(table.role[rows], kind="stable")]
    return Pool(rows=rows, base=base[rows], ready_bonus=ready_bonus[rows], cover=cover[rows], dev=dev[rows], outside=outside)


def _best_per_role(role: np.ndarray, values: np.ndarray, count: int, roles: int):
    """Rows of each role's ``count`` best pairs by each column of ``values`` (union), and the best value
    left outside them per role and column (-inf where none is left)."""
    depth = values.shape[1]
    picked, outside = [], np.full((roles, depth), -np.inf)
    for k in range(depth):
        order = np.lexsort((-values[:, k], role))
        rank_in_role = np.arange(len(order)) - np.searchsorted(role[order], role[order], side="left")
        picked.append(order[rank_in_role < count])
        nxt = order[rank_in_role == count]
        outside[role[nxt], k] = values[nxt, k]
    rows = np.unique(np.concatenate(picked)) if picked else np.array([], dtype=np.int64)
    return rows, outside


def shortlist(table: CandidateTable, pool: Pool, per_rank: int, training_spend: float = 1.0) -> np.ndarray:
    """Table rows of each role's ``per_rank`` most valuable candidates for each rank, taken from the
    pool: the candidates the large-instance method's restricted model keeps. Rank 1 is valued as in
    the relaxation (cover the role less the development cost bound); ranks 2+ count readiness only
    for people ready today, since developing someone for a backup rank alone is worth far less than
    it costs."""
    ready_now = table.ready_now[pool.rows]
    values = pool.base + np.where(ready_now[:, None], pool.ready_bonus, 0.0)
    values[:, 0] = pool.base[:, 0] + np.maximum(0.0, pool.cover + pool.ready_bonus[:, 0] - training_spend * pool.dev)
    picked, _ = _best_per_role(table.role[pool.rows], values, per_rank, len(table.role_ids))
    return pool.rows[picked]


def group_shortlist(table: CandidateTable, in_group: np.ndarray, per_role: int) -> np.ndarray:
    """Table rows of each role's ``per_role`` best candidates of the fairness group (``in_group``: per
    employee of the table), by the readiness ranking's order (smallest gap today, then quality): kept in
    the restricted model besides the shortlist, so that it can meet each slate's fairness target
    (planner.problem.fairness, whose targets are at most bench_depth <= per_role)."""
    rows = np.flatnonzero(in_group[table.employee])
    if not len(rows):
        return rows
    rows = rows[np.lexsort((-table.quality[rows], table.gap[rows], table.role[rows]))]
    roles = table.role[rows]
    first = np.r_[0, np.flatnonzero(np.diff(roles)) + 1]
    position = np.arange(len(rows)) - np.repeat(first, np.diff(np.r_[first, len(rows)]))
    return np.sort(rows[position < per_role])


class _LinearProgram:
    """max c.x s.t. A x <= b, 0 <= x <= 1, kept as arrays as well as in GLOP, so that the bound can be
    computed from any duals y >= 0 exactly: b.y + sum(max(0, c - A'y)) is at least the LP optimum."""

    def __init__(self):
        from ortools.linear_solver import pywraplp

        self.lp = pywraplp.Solver.CreateSolver("GLOP")
        self.c: list[float] = []
        self.b: list[float] = []
        self.entries: list[tuple[int, int, float]] = []  # (row, column, coefficient)
        self.vars, self.rows = [], []

    def var(self, value: float) -> int:
        self.vars.append(self.lp.NumVar(0.0, 1.0, ""))
        self.lp.Objective().SetCoefficient(self.vars[-1], value)
        self.c.append(value)
        return len(self.vars) - 1

    def at_most(self, columns, bound: float, coefficients=None) -> None:
        if not columns:
            return
        row = self.lp.Constraint(-self.lp.infinity(), bound)
        for j, column in enumerate(columns):
            a = 1.0 if coefficients is None else coefficients[j]
            row.SetCoefficient(self.vars[column], a)
            self.entries.append((len(self.rows), column, a))
        self.rows.append(row)
        self.b.append(bound)

    def upper_bound(self) -> float:
        """A proven upper bound on the LP optimum (inf if GLOP fails)."""
        from ortools.linear_solver import pywraplp

        self.lp.Objective().SetMaximization()
        if self.lp.Solve() != pywraplp.Solver.OPTIMAL:
            return np.inf
        rows, cols, a = (np.array(x) for x in zip(*self.entries)) if self.entries else (np.zeros(0, int),) * 3
        c, b = np.array(self.c), np.array(self.b)
        best = np.inf
        for sign in (1.0, -1.0):  # whichever sign convention the duals come in: any y >= 0 is a valid certificate
            y = np.maximum(0.0, sign * np.array([row.dual_value() for row in self.rows]))
            reduced = c - np.bincount(cols.astype(int), weights=a * y[rows.astype(int)], minlength=len(c))
            best = min(best, float(b @ y + np.maximum(0.0, reduced).sum()))
        return best


def _cascade_conditions(table: CandidateTable, rows: np.ndarray, longest: int = 3, per_role: int = 24):
    """role -> [(pool positions, quarter)]: if the first-rank moves of those pool pairs all happen (the
    role's incumbent moves up to a role whose own incumbent moves up ... ), the role falls vacant by
    that quarter at the latest (the need of the last role of the chain), which is earlier than its own
    need. Chains of up to ``longest`` moves, the ``per_role`` earliest per role."""
    role, person = table.role[rows], table.employee[rows]
    by_person: dict[int, list[int]] = {}
    for j, e in enumerate(person):
        by_person.setdefault(int(e), []).append(j)
    out: dict[int, list[tuple[list[int], int]]] = {}
    for r, i in enumerate(table.incumbent):
        if i < 0:
            continue
        found, frontier = [], [([], r)]  # (moves so far, role whose incumbent moves next)
        for _ in range(longest):
            nxt = []
            for moves, at in frontier:
                incumbent = int(table.incumbent[at])
                for j in by_person.get(incumbent, []) if incumbent >= 0 else []:
                    up = int(role[j])
                    if up == r or any(int(role[m]) == up for m in moves):
                        continue
                    chain = moves + [j]
                    if table.need[up] < table.need[r]:
                        found.append((chain, int(table.need[up])))
                    nxt.append((chain, up))
            frontier = nxt
        if found:
            out[r] = sorted(found, key=lambda c: (c[1], len(c[0])))[:per_role]
    return out


def _uncoverable_constant(table: CandidateTable, scenario: Scenario) -> float:
    """The external-hire term if no role were covered (money units): the relaxation subtracts what
    covering saves. Attrition-aware, roles nobody can cover pay their whole cost, rounded to money
    units as the model does."""
    w = scenario.weights
    ext = w.external_hire * table.external_cost
    if not w.attrition_aware:
        return float(ext.sum())
    unreachable = np.ones(len(table.role_ids), dtype=bool)
    unreachable[table.role[table.reachable]] = False
    return float(sum(int(round(x)) for x in ext[unreachable]))


def _early_outside(table: CandidateTable, scenario: Scenario, rows: np.ndarray, conditions: dict) -> np.ndarray:
    """(role, rank) -> the best value a candidate outside the pool can add there when valued with
    readiness by the latest quarter any chain may open the role (-inf where none)."""
    w, depth, R = scenario.weights, scenario.policy.bench_depth, len(table.role_ids)
    early = np.full((R, depth), -np.inf)
    if not conditions:
        return early
    q_of = np.full(R, -1)
    q_of[list(conditions)] = [max(q for _, q in c) for c in conditions.values()]
    in_pool = np.zeros(len(table), dtype=bool)
    in_pool[rows] = True
    out = np.flatnonzero((q_of[table.role] >= 0) & ~in_pool)
    if not len(out):
        return early
    ext = w.external_hire * table.external_cost
    factor = np.array([depth - k for k in range(depth)], dtype=float)
    dev_q = table.dev_cost_by(out, q_of[table.role[out]])
    ok = np.isfinite(dev_q)
    values = (w.candidate_quality * table.quality[out])[:, None] * factor + (w.aspiration * table.aspires[out])[:, None]
    values[:, 1:] += np.where(ok[:, None], w.ready_successor * factor[1:], 0.0)
    cover = 0.0 if w.attrition_aware else ext[table.role[out]]
    gain = cover + w.ready_successor * factor[0] - w.training_spend * np.where(ok, dev_q, 0.0)
    values[:, 0] += np.where(ok, np.maximum(0.0, gain), 0.0)
    for k in range(depth):
        np.maximum.at(early[:, k], table.role[out], values[:, k])
    return early


@dataclass
class _Columns:
    """The relaxation's columns, grouped by the rows they enter."""

    on_rank: list  # [role][rank] -> columns filling that slate position
    ready_on: dict  # role with cascade conditions -> [rank] -> (column, earliest quarter it is ready by)
    first: dict = field(default_factory=dict)  # employee -> their rank-1 columns
    slates: dict = field(default_factory=dict)  # employee -> all their columns
    rank1_of: list = field(default_factory=list)  # pooled pair -> its rank-1 columns
    spend: list = field(default_factory=list)  # (column, development cost) of ready rank-1 columns


def _pooled_columns(lp: _LinearProgram, cols: _Columns, table: CandidateTable, scenario: Scenario, pool: Pool,
                    ready_at: np.ndarray) -> None:
    """One column per pooled pair and rank, and per rank where it may count as ready (money units)."""
    w, depth = scenario.weights, scenario.policy.bench_depth
    rows = pool.rows
    cols.rank1_of = [[] for _ in range(len(rows))]
    for j, (r, e) in enumerate(zip(table.role[rows], table.employee[rows])):
        options = [(k, False, float(pool.base[j, k])) for k in range(depth)]
        if pool.ready_bonus[j, 0] > 0 or pool.cover[j] > 0:
            options.append((0, True, float(pool.base[j, 0] + pool.cover[j] + pool.ready_bonus[j, 0] - w.training_spend * pool.dev[j])))
        options += [(k, True, float(pool.base[j, k] + pool.ready_bonus[j, k])) for k in range(1, depth) if pool.ready_bonus[j, k] > 0]
        pair = []
        for k, ready, value in options:
            column = lp.var(value)
            pair.append(column)
            cols.on_rank[r][k].append(column)
            cols.slates.setdefault(int(e), []).append(column)
            if k == 0:
                cols.first.setdefault(int(e), []).append(column)
                cols.rank1_of[j].append(column)
                if ready:
                    cols.spend.append((column, float(pool.dev[j])))
            if ready and r in cols.ready_on:
                cols.ready_on[r][k].append((column, int(ready_at[j])))
        lp.at_most(pair, 1.0)  # one rank per person per slate


def _stand_in_columns(lp: _LinearProgram, cols: _Columns, pool: Pool, early_outside: np.ndarray, conditions: dict,
                      depth: int, horizon: int) -> None:
    """Per role, up to ``depth`` stand-ins for the candidates outside the pool, each at most one rank."""
    for r in range(len(cols.on_rank)):
        for _ in range(depth):
            stand_in = []
            for k in range(depth):
                for value, blocked in ((pool.outside[r, k], r in conditions), (early_outside[r, k], False)):
                    if np.isfinite(value):
                        column = lp.var(float(value))
                        stand_in.append(column)
                        cols.on_rank[r][k].append(column)
                        if blocked:
                            cols.ready_on[r][k].append((column, horizon + 1))
            lp.at_most(stand_in, 1.0)


def lp_bound(table: CandidateTable, scenario: Scenario, pool: Pool) -> float:
    """Lower bound (money units) on every plan's objective: the relaxation of the module docstring.

    Cascades: if a chain of first-rank moves takes a role's incumbent up (see
    :func:`_cascade_conditions`), the role falls vacant by that chain's quarter, so its successors who
    cannot be ready by then cannot count as ready: a constraint per chain and rank. Outside the pool,
    such a role's stand-ins are split into those valued with readiness by the latest such quarter only
    (never blocked) and the rest (blocked by every chain)."""
    policy = scenario.policy
    depth, cap = policy.bench_depth, policy.max_slates_per_employee
    R, H = len(table.role_ids), scenario.horizon_quarters
    rows = pool.rows
    conditions = _cascade_conditions(table, rows)
    ready_at = np.full(len(rows), H + 1)  # the earliest quarter each pooled pair can be ready by (H + 1: never)
    for q in range(H, -1, -1):
        ready_at[np.isfinite(table.dev_cost_by(rows, np.full(len(rows), q)))] = q

    lp = _LinearProgram()
    cols = _Columns(on_rank=[[[] for _ in range(depth)] for _ in range(R)],
                    ready_on={r: [[] for _ in range(depth)] for r in conditions})
    _pooled_columns(lp, cols, table, scenario, pool, ready_at)
    _stand_in_columns(lp, cols, pool, _early_outside(table, scenario, rows, conditions), conditions, depth, H)
    for r in range(R):
        for k in range(depth):
            lp.at_most(cols.on_rank[r][k], 1.0)
    for columns in cols.first.values():
        lp.at_most(columns, 1.0)
    for columns in cols.slates.values():
        lp.at_most(columns, float(cap))
    lp.at_most([c for c, _ in cols.spend], float(scenario.budget.total), [d for _, d in cols.spend])
    for r, chains in conditions.items():  # all moves of a chain and a successor not ready by its quarter exclude each other
        for moves, quarter in chains:
            moving = [column for j in moves for column in cols.rank1_of[j]]
            for k in range(depth):
                late = [column for column, at in cols.ready_on[r][k] if at > quarter]
                if late:
                    lp.at_most(late + moving, float(len(moves)))
    return _uncoverable_constant(table, scenario) - lp.upper_bound() - 0.01 * R  # and a cent per role for the objective's rounding


def _crossing_capacity(org: Organisation, horizon: int, quarters: np.ndarray, skills: pd.Index):
    """cap[skill, level, q]: the most participants the catalogue can take from below ``level`` to at
    least ``level`` in ``skill`` in interventions that finish by quarter ``quarters[q]`` (the start
    window of :func:`planner.problem.instance.last_start`): the seats of every intervention whose effect
    crosses that level, summed over its start quarters. inf where an intervention with unlimited
    seats crosses it."""
    info = org.interventions.set_index("intervention_id")
    cap = np.zeros((len(skills), LEVELS, len(quarters)))
    for i, k, lo, to in zip(org.intervention_effects["intervention_id"], org.intervention_effects["skill_id"],
                            org.intervention_effects["min_level"], org.intervention_effects["to_level"]):
        if k not in skills:
            continue
        row = info.loc[i]
        seats = np.inf if pd.isna(row["seats_per_quarter"]) else float(row["seats_per_quarter"])
        duration, earliest = int(row["duration_quarters"]), int(row["earliest_start_quarter"])
        latest = horizon if pd.isna(row["latest_start_quarter"]) else int(row["latest_start_quarter"])
        last = np.minimum(np.minimum(quarters, horizon) - duration, latest)
        starts = np.maximum(0, last - earliest + 1).astype(float)
        add = np.where(starts > 0, seats * starts, 0.0)  # inf seats with no start add nothing
        for level in range(int(lo) + 1, min(int(to), LEVELS - 1) + 1):
            cap[skills.get_loc(k), level] += add
    return cap


def money_bound(table: CandidateTable, scenario: Scenario, org: Organisation, per_role: int = 150) -> float:
    """Lower bound on every plan's money cost (training spend plus external-hire cost, weighted): the
    linear relaxation of choosing each critical role's first successor, with seats.

    Covering role r with a first successor e who is ready by the role's need saves its external hire
    and costs at least the larger of the pair's ``dev_cost`` and its :func:`path_costs` (reachable
    pairs only). Rows: a role is covered at most
    once; a person is first successor at most once; the development spend fits the budget; and for
    every skill level a first successor must cross (from below it to at least it) by their role's
    need, at most as many first successors as the seats of the interventions that cross it and finish
    in time (:func:`_crossing_capacity`: each crossing takes one start of one such intervention, and a
    start is one seat). It drops integrality, learning hours beyond ``reachable``, prerequisites
    across skills, cascades (which only bring needs forward), every other rule and the stability
    cost, each of which only removes options or adds cost. Only each role's ``per_role`` cheapest
    reachable pairs enter one by one; the rest stand in as one column per role worth the best saving
    among them and spending the least development cost among them, in no seat or person row.
    Attrition-aware weights are not covered: use :func:`lp_bound` there."""
    w = scenario.weights
    if w.attrition_aware:
        raise ValueError("money_bound does not cover attrition-aware weights: use lp_bound")
    R, H = len(table.role_ids), scenario.horizon_quarters
    dev = np.where(table.reachable, table.dev_cost, np.inf)
    useful = np.flatnonzero(table.reachable & (w.external_hire * table.external_cost[table.role] > w.training_spend * dev))
    dev[useful] = np.maximum(dev[useful], path_costs(table, org, useful))
    saving = w.external_hire * table.external_cost[table.role] - w.training_spend * np.where(np.isfinite(dev), dev, 0.0)
    useful = useful[np.isfinite(dev[useful]) & (saving[useful] > 0)]
    order = useful[np.lexsort((dev[useful], table.role[useful]))]
    rank = np.arange(len(order)) - np.searchsorted(table.role[order], table.role[order], side="left")
    inside, outside = order[rank < per_role], order[rank >= per_role]

    lp = _LinearProgram()
    by_role: list[list[int]] = [[] for _ in range(R)]
    by_person: dict[int, list[int]] = {}
    spend_cols, spend = [], []
    for p in inside:
        column = lp.var(float(saving[p]))
        by_role[int(table.role[p])].append(column)
        by_person.setdefault(int(table.employee[p]), []).append(column)
        spend_cols.append(column)
        spend.append(float(dev[p]))
    if len(outside):
        best = np.full(R, -np.inf)
        least = np.full(R, np.inf)
        np.maximum.at(best, table.role[outside], saving[outside])
        np.minimum.at(least, table.role[outside], dev[outside])
        for r in np.flatnonzero(np.isfinite(best)):
            column = lp.var(float(best[r]))
            by_role[r].append(column)
            spend_cols.append(column)
            spend.append(float(least[r]))
    for columns in by_role:
        lp.at_most(columns, 1.0)
    for columns in by_person.values():
        lp.at_most(columns, 1.0)
    lp.at_most(spend_cols, float(scenario.budget.total), spend)

    # seats: pair p (column j) crosses (skill, level) for each level in (have, required]; a row per
    # crossing and per one of at most four deadlines (the quartiles of the needs: fewer rows, weaker
    # but still valid, since each only drops constraints)
    quarters = np.unique(np.quantile(table.need, [0.25, 0.5, 0.75, 1.0], method="higher"))
    skills = pd.Index(org.skills["skill_id"])
    cap = _crossing_capacity(org, H, quarters, skills)
    rows: dict[tuple[int, int, int], list[int]] = {}
    need_at = np.searchsorted(quarters, table.need[table.role[inside]])  # the first deadline at or after the need
    for j in range(table.req_skill.shape[1]):
        k = table.req_skill[table.role[inside], j]
        want = table.req_level[table.role[inside], j].astype(int)
        have = table.level[table.employee[inside], k].astype(int)
        for column, kk, lo, hi, q in zip(range(len(inside)), k, have, want, need_at):
            for level in range(lo + 1, hi + 1):
                for qq in range(q, len(quarters)):  # finishing by its need, it finishes by every later quarter
                    if np.isfinite(cap[kk, level, qq]):
                        rows.setdefault((int(kk), level, qq), []).append(column)
    for (kk, level, qq), columns in rows.items():
        if len(columns) > cap[kk, level, qq]:
            lp.at_most(columns, float(cap[kk, level, qq]))
    _cascade_rows(lp, table, inside, H)
    return _uncoverable_constant(table, scenario) - lp.upper_bound() - 0.01 * R


def _cascade_rows(lp: _LinearProgram, table: CandidateTable, inside: np.ndarray, horizon: int) -> None:
    """Backfill cascades for :func:`money_bound` (column j is pair ``inside[j]``): when the incumbent of
    role r' becomes first successor of a role r needed earlier, r' falls vacant by r's need, so its
    first successors who cannot be ready by then do not cover it: the move and each of them exclude
    each other. The stand-in columns stay out of these rows (they may stand for someone ready early)."""
    ready_at = np.full(len(inside), horizon + 1)  # the earliest quarter each pair can be ready by
    for q in range(horizon, -1, -1):
        ready_at[np.isfinite(table.dev_cost_by(inside, np.full(len(inside), q)))] = q
    role, person = table.role[inside], table.employee[inside]
    holds = np.full(len(table.employee_ids), -1)
    held = np.flatnonzero(table.incumbent >= 0)
    holds[table.incumbent[held]] = held
    by_role: dict[int, list[int]] = {}
    for j, r in enumerate(role):
        by_role.setdefault(int(r), []).append(j)
    for j in np.flatnonzero(holds[person] >= 0):
        opened, by = int(holds[person[j]]), int(table.need[role[j]])
        if by >= table.need[opened]:
            continue
        late = [c for c in by_role.get(opened, []) if ready_at[c] > by]
        if late:
            lp.at_most([int(j), *late], 1.0)


def path_costs(table: CandidateTable, org: Organisation, rows: np.ndarray) -> np.ndarray:
    """Per table row: the least full price of a set of interventions that takes the employee to every
    required level of the role (inf if none), ignoring timing, seats and the other skills' needs. A
    lower bound on what making them ready costs that, unlike ``dev_cost`` (which splits an
    intervention's price over its effects, one skill at a time), charges each intervention whole:
    a person pays for a course once, whichever of its effects they need. An effect applies when the
    person has its ``min_level`` (the most permissive reading of the prerequisite) and only
    interventions within the person's learning hours are used. Cheapest sets by Dijkstra over the
    levels of the role's required skills, once per distinct (requirements, levels today, hours)."""
    info = org.interventions.set_index("intervention_id")
    skills = pd.Index(org.skills["skill_id"])
    hour_levels = np.unique(np.concatenate([[0.0], org.interventions["hours_per_quarter"].astype(float).to_numpy()]))
    courses: dict[int, list[tuple[float, float, list[tuple[int, int, int]]]]] = {}  # skill -> [(price, hours, effects)]
    catalogue = []
    for i, g in org.intervention_effects.groupby("intervention_id", sort=False):
        if not pd.isna(info.at[i, "seats_per_quarter"]) and int(info.at[i, "seats_per_quarter"]) == 0:
            continue
        effects = [(int(skills.get_loc(k)), int(lo), int(to)) for k, lo, to in zip(g["skill_id"], g["min_level"], g["to_level"])
                   if k in skills]
        catalogue.append((float(info.at[i, "cost"]), float(info.at[i, "hours_per_quarter"]), effects))
        for k, _, _ in effects:
            courses.setdefault(k, []).append(len(catalogue) - 1)
    # one code per distinct (requirements, levels today capped at them, hours), computed for all rows at once
    _, signature = np.unique(np.concatenate([table.req_skill, table.req_level.astype(np.int64)], axis=1), axis=0,
                             return_inverse=True)
    r, e = table.role[rows], table.employee[rows]
    code = signature.reshape(-1)[r].astype(np.int64)
    for j in range(table.req_skill.shape[1]):
        code = code * LEVELS + np.minimum(table.level[e, table.req_skill[r, j]], table.req_level[r, j])
    code = code * len(hour_levels) + table.hour_class[e]
    distinct, first, back = np.unique(code, return_index=True, return_inverse=True)
    costs = np.empty(len(distinct))
    projected: dict = {}
    for n, p in enumerate(rows[first]):
        rr, ee = int(table.role[p]), int(table.employee[p])
        want = table.req_level[rr]
        need = want > 0
        ks = tuple(int(k) for k in table.req_skill[rr][need])
        costs[n] = _cheapest_set(ks, tuple(int(v) for v in want[need]), tuple(int(table.level[ee, k]) for k in ks),
                                 float(hour_levels[table.hour_class[ee]]), catalogue, courses, projected)
    return costs[back.reshape(-1)]


def _cheapest_set(ks, target, start, hours, catalogue, courses, projected: dict) -> float:
    """Dijkstra for :func:`path_costs`: the least total price taking levels ``start`` of skills ``ks``
    to ``target``. ``projected`` caches, per (skills, hours), the usable courses' effects on them."""
    import heapq

    if all(a >= b for a, b in zip(start, target)):
        return 0.0
    if (ks, hours) not in projected:
        position = {k: j for j, k in enumerate(ks)}
        usable = sorted({c for k in ks for c in courses.get(k, ()) if catalogue[c][1] <= hours + 1e-9})
        projected[(ks, hours)] = [(catalogue[c][0], [(position[k], lo, to) for k, lo, to in catalogue[c][2] if k in position])
                                  for c in usable]
    options = projected[(ks, hours)]
    capped = tuple(min(a, b) for a, b in zip(start, target))  # levels above the target do not matter
    best = {capped: 0.0}
    heap = [(0.0, capped)]
    while heap:
        cost, state = heapq.heappop(heap)
        if cost > best.get(state, np.inf):
            continue
        if state == target:
            return cost
        for price, effects in options:
            nxt = None
            for j, lo, to in effects:
                level = state[j] if nxt is None else nxt[j]
                if state[j] >= lo and to > level and level < target[j]:
                    if nxt is None:
                        nxt = list(state)
                    nxt[j] = min(to, target[j])
            if nxt is not None:
                nxt = tuple(nxt)
                if cost + price < best.get(nxt, np.inf):
                    best[nxt] = cost + price
                    heapq.heappush(heap, (cost + price, nxt))
    return np.inf
