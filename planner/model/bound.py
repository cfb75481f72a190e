"""A lower bound on the objective that is valid for the full problem, from a Lagrangian relaxation
over every eligible pair (:class:`~planner.model.candidates.CandidateTable`); no solver.

The relaxation keeps each role's slate (distinct people on ranks 1..bench_depth, their quality,
aspiration, readiness and external-hire terms) and drops or prices everything that couples roles:

- dropped (each only removes options or drops a cost that is never negative): seats, learning
  hours, start windows beyond :mod:`~planner.model.candidates`' chains, the per-quarter budget,
  prerequisites on other skills, backfill cascades (a role's own need is its latest), ranks
  filling without gaps, pins, vetoes, locks, the stability and early-development costs;
- priced with multipliers: the total budget (lambda per money unit), first-rank-once (mu per
  employee) and max_slates_per_employee (nu per employee);
- readiness: a first-ranked successor who is not ready today costs at least their pair's
  ``dev_cost`` (weighted by training_spend + lambda); readiness on ranks 2+ is free when reachable,
  because one course can prepare a person for several slates and only their first-rank slate is
  theirs alone.

For any multipliers >= 0 the relaxed minimum is at most every plan's objective, so the best one the
subgradient method finds is a valid ``best_bound``. Each role's subproblem is an exact small
assignment (the best person for each rank is among that rank's ``bench_depth`` best), solved for
all roles at once with numpy. Only each role's ``pool`` best candidates per rank are priced; everyone
else is stood in for by ``bench_depth`` stand-ins per role worth the best value left outside the pool
(multipliers only lower values), so the bound stays valid whatever the pool size.

Under ``weights.attrition_aware`` the external-hire saving of a role is at most its whole cost
whenever any candidate is reachable, which is what the bound then credits.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from planner.model.candidates import CandidateTable
from planner.scenario import Scenario

EMPTY = -1


@dataclass
class LagrangianBound:
    """The bound and what produced it."""

    bound: float  # money units; valid for the full problem
    iterations: int
    pool: np.ndarray  # table rows priced individually
    reduced: np.ndarray  # (len(pool), depth): each pooled pair's value per rank at the best multipliers
    first_chosen: np.ndarray  # table rows chosen as first successor in the best relaxed solution


def _assign(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best assignment of distinct candidates to ranks, per role. ``values``: (roles, slots, depth),
    -inf where a slot is empty. Returns (value per role, chosen slot per role and rank, EMPTY if none)."""
    R, S, D = values.shape
    top = min(D, S)
    idx = np.argsort(-values, axis=1)[:, :top, :]  # (R, top, D): best slots per rank
    best = np.zeros(R)
    choice = np.full((R, D), EMPTY)
    if D <= 4:
        for combo in itertools.product(range(top + 1), repeat=D):  # top = "leave the rank empty"
            total = np.zeros(R)
            slots = np.full((R, D), EMPTY)
            for k, j in enumerate(combo):
                if j == top:
                    continue
                slot = idx[:, j, k]
                total += values[np.arange(R), slot, k]
                slots[:, k] = slot
            distinct = np.ones(R, dtype=bool)
            for a in range(D):
                for b in range(a + 1, D):
                    distinct &= (slots[:, a] == EMPTY) | (slots[:, a] != slots[:, b])
            better = distinct & (total > best)
            best = np.where(better, total, best)
            choice[better] = slots[better]
    else:  # deep benches: each rank takes its best independently (a further, still valid, relaxation)
        for k in range(D):
            slot = idx[:, 0, k]
            value = values[np.arange(R), slot, k]
            take = value > 0
            best += np.where(take, value, 0.0)
            choice[take, k] = slot[take]
    return best, choice


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
    """The pool of :func:`lagrangian_bound` (and of :func:`shortlist`), from one pass over every pair."""
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


def shortlist(table: CandidateTable, pool: Pool, per_rank: int) -> np.ndarray:
    """Table rows of each role's ``per_rank`` most valuable candidates for each rank, taken from the
    pool: the candidates the large-instance method's restricted model keeps. Rank 1 is valued as in
    the relaxation (cover the role less the development cost bound); ranks 2+ count readiness only
    for people ready today, since developing someone for a backup rank alone is worth far less than
    it costs."""
    ready_now = table.ready_now[pool.rows]
    values = pool.base + np.where(ready_now[:, None], pool.ready_bonus, 0.0)
    values[:, 0] = pool.base[:, 0] + np.maximum(0.0, pool.cover + pool.ready_bonus[:, 0] - pool.dev)
    picked, _ = _best_per_role(table.role[pool.rows], values, per_rank, len(table.role_ids))
    return pool.rows[picked]


def lagrangian_bound(table: CandidateTable, scenario: Scenario, upper: float, pool: Pool | None = None,
                     iterations: int = 300) -> LagrangianBound:
    """Lower bound (money units) on every plan's objective; ``upper`` is a known plan's objective (the
    subgradient steps aim at it)."""
    w, policy = scenario.weights, scenario.policy
    depth, cap = policy.bench_depth, policy.max_slates_per_employee
    R = len(table.role_ids)
    budget = scenario.budget.total
    ext = w.external_hire * table.external_cost
    pool_data = pool if pool is not None else price_pool(table, scenario)
    pool, outside = pool_data.rows, pool_data.outside
    base, ready_bonus, cover, dev = pool_data.base, pool_data.ready_bonus, pool_data.cover, pool_data.dev
    p_role = table.role[pool]
    slot = np.arange(len(pool)) - np.searchsorted(p_role, p_role, side="left")
    S = int(slot.max()) + 1 + depth if len(pool) else depth
    people, p_emp = np.unique(table.employee[pool], return_inverse=True)

    constant = float(ext.sum()) if not w.attrition_aware else float(ext.sum() - ext[np.unique(table.role[table.reachable])].sum())
    lam, mu, nu = 0.0, np.zeros(len(people)), np.zeros(len(people))
    theta, best, best_at, stall = 1.0, -np.inf, None, 0
    stand_in = np.full((R, depth, depth), -np.inf)  # (role, stand-in, rank)
    for j in range(depth):
        stand_in[:, j, :] = outside
    done = 0
    for it in range(iterations):
        done = it + 1
        gain = np.maximum(0.0, cover + ready_bonus[:, 0] - (w.training_spend + lam) * dev)
        values = base + ready_bonus - nu[p_emp][:, None]
        values[:, 0] = base[:, 0] + gain - nu[p_emp] - mu[p_emp]
        grid = np.full((R, S, depth), -np.inf)
        grid[p_role, slot, :] = values
        grid[:, S - depth:, :] = stand_in
        total, choice = _assign(grid)
        value = constant - total.sum() - lam * budget - mu.sum() - cap * nu.sum()
        if value > best + 1e-9:
            best, best_at, stall = value, (lam, mu.copy(), nu.copy(), choice.copy()), 0
        else:
            stall += 1
            if stall >= 10:
                theta, stall = theta / 2, 0
        if theta < 1e-4:
            break
        # subgradients from the relaxed solution
        row_of = np.full((R, S), -1)
        row_of[p_role, slot] = np.arange(len(pool))
        chosen = np.where(choice >= 0, row_of[np.arange(R)[:, None], np.maximum(choice, 0)], -1)
        real = chosen >= 0
        slates = np.bincount(p_emp[chosen[real]], minlength=len(people))
        firsts = chosen[:, 0][chosen[:, 0] >= 0]
        first_count = np.bincount(p_emp[firsts], minlength=len(people))
        bought = firsts[gain[firsts] > 0]
        spend = float(dev[bought].sum()) if len(bought) else 0.0
        g_lam = (spend - budget) / max(budget, 1.0)
        g_mu = first_count - 1.0
        g_nu = slates - float(cap)
        g_mu = np.where((mu > 0) | (g_mu > 0), g_mu, 0.0)  # projected: no push below zero
        g_nu = np.where((nu > 0) | (g_nu > 0), g_nu, 0.0)
        g_lam = g_lam if (lam > 0 or g_lam > 0) else 0.0
        norm = g_lam ** 2 + float((g_mu ** 2).sum() + (g_nu ** 2).sum())
        if norm == 0:
            break  # the relaxed solution is feasible for the relaxed couplings: the bound is as good as it gets
        step = theta * max(upper - value, 1e-6 * max(abs(upper), 1.0)) / norm
        lam = max(0.0, lam + step * g_lam / max(budget, 1.0))
        mu = np.maximum(0.0, mu + step * g_mu)
        nu = np.maximum(0.0, nu + step * g_nu)

    lam, mu, nu, choice = best_at
    gain = np.maximum(0.0, cover + ready_bonus[:, 0] - (w.training_spend + lam) * dev)
    reduced = base + ready_bonus - nu[p_emp][:, None]
    reduced[:, 0] = base[:, 0] + gain - nu[p_emp] - mu[p_emp]
    row_of = np.full((R, S), -1)
    row_of[p_role, slot] = np.arange(len(pool))
    firsts = np.where(choice[:, 0] >= 0, row_of[np.arange(R), np.maximum(choice[:, 0], 0)], -1)
    return LagrangianBound(bound=float(best), iterations=done, pool=pool, reduced=reduced,
                           first_chosen=pool[firsts[firsts >= 0]])
