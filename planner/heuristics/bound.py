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
skills, ranks filling without gaps, pins, vetoes, locks, the stability and early-development costs.
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

from planner.problem.candidates import CandidateTable
from planner.contract.scenario import Scenario


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
