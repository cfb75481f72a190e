"""The workforce plan without the solver: the succession plan's fixed flows and skills supply (inputs
to the workforce plan), and the checker that re-checks a finished workforce plan's hard rules on
its tables and recomputes each cost part from them. It reads the instance's data (rates, caps,
demand, costs) and the plan's rows, never the solver's variables.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.plan import Plan
from planner.contract.scenario import Scenario
from planner.contract.workforce import WorkforcePlan
from planner.evaluation.checks import Violation
from planner.evaluation.replay import PlanContext
from planner.inputs.workforce import has_workforce
from planner.problem.workforce import FixedFlows, WorkforceInstance, build_workforce, employee_categories

TOLERANCE = 1e-4  # FTE and money units per unit: what the checker forgives of a solver's floating point


def succession_flows(org: Organisation, scenario: Scenario, plan: Plan | None) -> FixedFlows:
    """What the succession plan (if any) and the known departures fix in the workforce plan.

    Each person's timeline: they start in their category; a first successor who is ready when their
    critical role is needed, and still there, moves into that role's category at its need quarter (the
    role's vacancy, or earlier through a backfill cascade); a critical role needed in the horizon whose
    first successor does not move then gets an external hire then. Known leavers leave from the category
    they are in at the time: at their retirement_quarter or leave_quarter, or as incumbents of a role
    whose own vacancy_quarter comes while they still hold it."""
    T = scenario.horizon_quarters
    categories = list(org.workforce_costs["category"]) if has_workforce(org) else []
    idx = {c: i for i, c in enumerate(categories)}
    C = len(categories)
    member = employee_categories(org).to_dict()
    roles = org.roles.set_index("role_id")
    role_category = {r: (r if r in idx else f"{f}/{lv}" if f"{f}/{lv}" in idx else None)
                     for r, f, lv in zip(roles.index, roles["family"], roles["level"])}
    emp = org.employees.set_index("employee_id")
    known_leavers, s_in, s_out = np.zeros((C, T)), np.zeros((C, T)), np.zeros((C, T))
    successions = np.zeros((C, C, T))
    hires, training, seats = [], np.zeros(T), defaultdict(lambda: np.zeros(T))
    moves: dict[str, tuple[int, str]] = {}  # employee -> (quarter, role) they move into
    own_vacancy = {inc: int(v) for inc, v in zip(roles["incumbent_id"], roles["vacancy_quarter"]) if pd.notna(inc) and pd.notna(v)}
    departs = {e: min([int(q) for q in (r, lq) if pd.notna(q)], default=T)
               for e, r, lq in zip(emp.index, emp["retirement_quarter"], emp["leave_quarter"])}
    if plan is not None and plan.has_solution:
        ctx = PlanContext(org, scenario, plan.slates_df(), plan.learning_df())
        need = ctx.need.to_dict()
        first = ctx.slates[ctx.slates["rank"] == 1]
        for role, person in zip(first["role_id"], first["employee_id"]):
            n = int(need.get(role, T))
            if n >= T:
                continue
            ready = ctx.ready_quarter(person, role)
            gone = departs.get(person, T)
            if own_vacancy.get(person, n) < n:
                gone = min(gone, own_vacancy[person])
            if ready is not None and ready <= n < gone:
                moves[person] = (n, role)
        covered = {role for _, role in moves.values()}
        for role, n in need.items():
            if n < T and role not in covered and role_category.get(role) is not None:
                hires.append(dict(quarter=int(n), category=role_category[role], role_id=role, fte=1.0,
                                  cost=float(roles.loc[role, "external_hire_cost"])))
        for q, cost, i in zip(ctx.learning["start_quarter"], ctx.learning["cost"], ctx.learning["intervention_id"]):
            if 0 <= q < T:
                training[q] += cost
                seats[i][q] += 1
    hipos = []
    personal = emp[["fte", "retirement_quarter", "leave_quarter", "potential"]]
    for e, fte, retire, leave, potential in zip(personal.index, personal["fte"], personal["retirement_quarter"],
                                                personal["leave_quarter"], personal["potential"]):
        home = member.get(e)
        moved = moves.get(e)
        gone = min([int(q) for q in (retire, leave) if pd.notna(q)], default=None)
        if e in own_vacancy and (moved is None or moved[0] > own_vacancy[e]):
            gone = own_vacancy[e] if gone is None else min(gone, own_vacancy[e])
        if moved is not None and (gone is None or moved[0] < gone):
            q, role = moved
            to = role_category.get(role)
            if home != to:
                if home is not None:
                    s_out[idx[home], q] += fte
                if to is not None:
                    s_in[idx[to], q] += fte
                if home is not None and to is not None:
                    successions[idx[home], idx[to], q] += fte
            where = to if gone is not None and gone > q else home
        else:
            where = home
        if gone is not None and gone < T and where is not None:
            known_leavers[idx[where], gone] += fte
        if potential == 3 and home is not None:
            hipos.append(dict(category=home, fte=float(fte), leave_quarter=gone))
    return FixedFlows(
        known_leavers=known_leavers, succession_in=s_in, succession_out=s_out,
        hires=pd.DataFrame(hires, columns=["quarter", "category", "role_id", "fte", "cost"]),
        training_spend=training, seats_used=dict(seats),
        hipos=pd.DataFrame(hipos, columns=["category", "fte", "leave_quarter"]), successions=successions,
    )


def skills_supply(org: Organisation, scenario: Scenario, plan: Plan | None) -> pd.DataFrame:
    """Per quarter, skill and required level: employees holding that level or above (today's levels plus
    the plan's completed development, known leavers gone) against the positions whose role requires it.
    Counted with arrays: people the plan develops are replayed one by one, everyone else by when they leave."""
    T = scenario.horizon_quarters
    columns = ["quarter", "skill_id", "level", "holders", "required", "gap"]
    req = org.role_requirements[org.role_requirements["level"] > 0]
    if req.empty:
        return pd.DataFrame(columns=columns)
    heads = org.employees.groupby("role_id").size()
    positions = req["role_id"].map(dict(zip(org.roles["role_id"], org.roles["role_id"].map(heads).fillna(1).clip(lower=1))))
    levels = sorted(set(zip(req["skill_id"], req["level"].astype(int))))
    emp = org.employees.set_index("employee_id")
    leave = pd.concat([emp["retirement_quarter"], emp["leave_quarter"]], axis=1).min(axis=1).astype("float64").fillna(np.inf)
    gains: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    if plan is not None and plan.has_solution:
        effects = org.intervention_effects
        by_i = defaultdict(list)
        for i, k, lv in zip(effects["intervention_id"], effects["skill_id"], effects["to_level"]):
            by_i[i].append((k, int(lv)))
        for a in plan.learning:
            for k, lv in by_i.get(a.intervention_id, []):
                gains[(a.employee_id, k)].append((a.end_quarter + 1, lv))
    s = org.employee_skills[org.employee_skills["skill_id"].isin({k for k, _ in levels})]
    developed = pd.Series(list(zip(s["employee_id"], s["skill_id"])), index=s.index).isin(set(gains)).to_numpy()
    plain = s[~developed]
    gone = plain["employee_id"].map(leave).to_numpy()
    quarters = np.arange(T)
    current = dict(zip(zip(s["employee_id"], s["skill_id"]), s["level"].astype(int)))
    rows = []
    for k, lv in levels:
        mask = (plain["skill_id"].to_numpy() == k) & (plain["level"].to_numpy() >= lv)
        leaving = np.sort(gone[mask])
        holders = mask.sum() - np.searchsorted(leaving, quarters, side="right")  # still there at the start of q
        for (e, kk), steps in gains.items():
            if kk != k:
                continue
            start = current.get((e, k), 0)
            for q in range(T):
                level = max([start] + [to for counts_from, to in steps if counts_from <= q])
                holders[q] += int(level >= lv and leave.get(e, np.inf) > q)
        required = int(positions[(req["skill_id"] == k) & (req["level"] >= lv)].sum())
        rows += [dict(quarter=q, skill_id=k, level=int(lv), holders=int(holders[q]), required=required,
                      gap=required - int(holders[q])) for q in range(T)]
    return pd.DataFrame(rows, columns=columns).sort_values(["quarter", "skill_id", "level"], ignore_index=True)


# ------------------------------------------------------------------------------------------
# The checker: hard rules on the finished plan's tables, each ``check_<rule>`` yielding what is
# broken; the cost parts recomputed, each ``part_<rule>``.
# ------------------------------------------------------------------------------------------


class WorkforceContext:
    """A finished workforce plan and its instance, with the plan's rows as (category, quarter) arrays."""

    def __init__(self, inst: WorkforceInstance, plan: WorkforcePlan):
        self.inst, self.plan = inst, plan
        C, T = len(inst.categories), inst.horizon
        idx = inst.index
        self.unknown = sorted({r.category for r in plan.rows if r.category not in idx})
        self.grid: dict[str, np.ndarray] = defaultdict(lambda: np.zeros((C, T)))
        self.seen = np.zeros((C, T), dtype=int)
        for r in plan.rows:
            if r.category in idx and 0 <= r.quarter < T:
                i, t = idx[r.category], r.quarter
                self.seen[i, t] += 1
                for name, value in r.model_dump().items():
                    if isinstance(value, float):
                        self.grid[name][i, t] = value
        self.moves = plan.table("workforce_moves")
        self.hires = plan.table("hiring_plan")

    def __getitem__(self, name: str) -> np.ndarray:
        return self.grid[name]

    def where(self, i: int, t: int) -> str:
        return f"{self.inst.categories[i]} in quarter {t}"


def workforce_check(fn: Callable[[WorkforceContext], Iterable[str]]) -> Callable[[WorkforceContext], list[Violation]]:
    """A workforce rule's check: ``fn(ctx)`` yields one message per breach; the rule's key is the name after ``check_``."""
    key = fn.__name__.removeprefix("check_")

    @functools.wraps(fn)
    def check(ctx: WorkforceContext) -> list[Violation]:
        return [Violation(rule=key, message=m) for m in fn(ctx)]

    check.key = key
    return check


def _off(a: float, b: float) -> bool:
    return abs(a - b) > TOLERANCE * max(1.0, abs(a), abs(b))


@workforce_check
def check_rows_complete(ctx: WorkforceContext) -> Iterator[str]:
    """Hard rule: one row per category and quarter, no category the instance does not have (rows)."""
    for c in ctx.unknown:
        yield f"{c} is not a workforce category"
    for i, t in zip(*np.nonzero(ctx.seen != 1)):
        yield f"{ctx.where(i, t)} has {ctx.seen[i, t]} rows, not one"


@workforce_check
def check_non_negative(ctx: WorkforceContext) -> Iterator[str]:
    """Hard rule: headcounts and flows are never negative (FTE)."""
    for name in ("closing", "hires", "moves_in", "moves_out", "redundancies", "overstaffing", "short_time", "understaffing"):
        for i, t in zip(*np.nonzero(ctx[name] < -TOLERANCE)):
            yield f"{ctx.where(i, t)}: {name} is {ctx[name][i, t]:.4f}"
    for k, row in ctx.moves.iterrows():
        if row["fte"] < -TOLERANCE:
            yield f"move {row['from_category']}->{row['to_category']} in quarter {row['quarter']} is {row['fte']:.4f} FTE"


@workforce_check
def check_flow_balance(ctx: WorkforceContext) -> Iterator[str]:
    """Hard rule: each quarter's closing headcount is its opening less leavers, moves out and redundancies,
    plus hires and moves in, each at the instance's rates; a quarter opens where the last one closed (FTE)."""
    inst, f = ctx.inst, ctx.inst.fixed
    C, T = len(inst.categories), inst.horizon
    moves_in, moves_out, move_leavers = np.zeros((C, T)), np.zeros((C, T)), np.zeros((C, T))
    idx = inst.index
    for _, m in ctx.moves.iterrows():
        if m["from_category"] in idx and m["to_category"] in idx and 0 <= m["quarter"] < T:
            k = _move_index(inst, m)
            a, b, t = idx[m["from_category"]], idx[m["to_category"]], int(m["quarter"])
            moves_out[a, t] += m["fte"]
            moves_in[b, t] += m["fte"]
            move_leavers[b, t] += m["fte"] * (inst.moves.attrition[k] if k is not None else 0.0)
    hires = np.zeros((C, T))
    for _, h in ctx.hires.iterrows():
        if h["category"] in idx and 0 <= h["quarter"] < T:
            hires[idx[h["category"]], int(h["quarter"])] += h["fte"]
    expected = {"moves_in": moves_in, "moves_out": moves_out, "move_leavers": move_leavers, "hires": hires,
                "known_leavers": f.known_leavers, "succession_in": f.succession_in, "succession_out": f.succession_out}
    for i in range(C):
        opening = inst.opening[i]
        for t in range(T):
            if _off(ctx["opening"][i, t], opening):
                yield f"{ctx.where(i, t)} opens at {ctx['opening'][i, t]:.4f}, the previous quarter closed at {opening:.4f}"
            for name, values in expected.items():
                if _off(ctx[name][i, t], values[i, t]):
                    yield f"{ctx.where(i, t)}: {name} is {ctx[name][i, t]:.4f}, the plan's moves and hires give {values[i, t]:.4f}"
            attrition = inst.attrition[i, t] * ctx["opening"][i, t]
            hire_leavers = inst.new_hire_attrition[i, t] * hires[i, t]
            if _off(ctx["attrition"][i, t], attrition):
                yield f"{ctx.where(i, t)}: attrition is {ctx['attrition'][i, t]:.4f}, the rate gives {attrition:.4f}"
            if _off(ctx["hire_leavers"][i, t], hire_leavers):
                yield f"{ctx.where(i, t)}: hire_leavers is {ctx['hire_leavers'][i, t]:.4f}, the rate gives {hire_leavers:.4f}"
            closing = (ctx["opening"][i, t] - attrition - f.known_leavers[i, t] - f.succession_out[i, t] + f.succession_in[i, t]
                       + hires[i, t] - hire_leavers + moves_in[i, t] - move_leavers[i, t] - moves_out[i, t]
                       - ctx["redundancies"][i, t])
            if _off(ctx["closing"][i, t], closing):
                yield f"{ctx.where(i, t)} closes at {ctx['closing'][i, t]:.4f}; its flows give {closing:.4f}"
            opening = ctx["closing"][i, t]


def _move_index(inst: WorkforceInstance, m) -> int | None:
    """The instance's index of a workforce_moves row of the plan (None: not an allowed move)."""
    return inst.move_index(m["from_category"], m["to_category"], m["kind"],
                           None if pd.isna(m["intervention_id"]) else m["intervention_id"])


@workforce_check
def check_outflow_within_present(ctx: WorkforceContext) -> Iterator[str]:
    """Hard rule: moves out and redundancies draw only on people present who are neither leaving by
    attrition nor fixed to leave or move by the succession plan (FTE)."""
    inst = ctx.inst
    for t in range(inst.horizon):
        available = inst.available(ctx["opening"][:, t], t)
        out = ctx["moves_out"][:, t] + ctx["redundancies"][:, t]
        for i in np.flatnonzero(out > available + TOLERANCE * np.maximum(1, available)):
            yield f"{ctx.where(i, t)}: {out[i]:.4f} FTE moved out or made redundant, only {available[i]:.4f} available"


@workforce_check
def check_demand_balance(ctx: WorkforceContext) -> Iterator[str]:
    """Hard rule: closing headcount less overstaffing, less the work short-time working loses, plus
    understaffing, equals demand; the gap is demand less closing (FTE)."""
    inst = ctx.inst
    effective = (ctx["closing"] - ctx["overstaffing"] - (1 - inst.productivity[:, None]) * ctx["short_time"]
                 + ctx["understaffing"])
    for i, t in zip(*np.nonzero(np.abs(effective - inst.demand) > TOLERANCE * np.maximum(1, inst.demand))):
        yield f"{ctx.where(i, t)}: closing, overstaffing, short-time and understaffing give {effective[i, t]:.4f}, demand is {inst.demand[i, t]:.4f}"
    for i, t in zip(*np.nonzero(np.abs(ctx["demand"] - inst.demand) > TOLERANCE * np.maximum(1, inst.demand))):
        yield f"{ctx.where(i, t)}: the plan shows demand {ctx['demand'][i, t]:.4f}, the inputs say {inst.demand[i, t]:.4f}"
    gap = ctx["demand"] - ctx["closing"]
    for i, t in zip(*np.nonzero(np.abs(ctx["gap"] - gap) > TOLERANCE * np.maximum(1, np.abs(gap)))):
        yield f"{ctx.where(i, t)}: gap is {ctx['gap'][i, t]:.4f}, demand less closing is {gap[i, t]:.4f}"


@workforce_check
def check_hiring_limits(ctx: WorkforceContext) -> Iterator[str]:
    """Hard rule: the plan's hires start no earlier than time_to_hire and within the quarter's cap
    (freezes included); hires of uncovered critical roles are the succession plan's (FTE per quarter)."""
    inst = ctx.inst
    idx = inst.index
    own = ctx.hires[ctx.hires["reason"] != "uncovered critical role"]
    planned = np.zeros((len(inst.categories), inst.horizon))
    for _, h in own.iterrows():
        if h["category"] not in idx or not 0 <= h["quarter"] < inst.horizon:
            yield f"a hire into {h['category']} in quarter {h['quarter']} is outside the categories or the horizon"
        else:
            planned[idx[h["category"]], int(h["quarter"])] += h["fte"]
    for i, t in zip(*np.nonzero(planned > TOLERANCE)):
        if t < inst.time_to_hire[i]:
            yield f"{ctx.where(i, t)}: {planned[i, t]:.4f} FTE hired before the {inst.time_to_hire[i]}-quarter time to hire"
        if planned[i, t] > inst.hire_cap[i, t] + TOLERANCE * max(1, planned[i, t]):
            yield f"{ctx.where(i, t)}: {planned[i, t]:.4f} FTE hired, the cap is {inst.hire_cap[i, t]:g}"
    fixed = ctx.hires[ctx.hires["reason"] == "uncovered critical role"]

    def entries(df: pd.DataFrame) -> set:
        return {(r, int(q), c, round(float(f), 6), round(float(x), 2))
                for r, q, c, f, x in zip(df["role_id"], df["quarter"], df["category"], df["fte"], df["cost"])}

    want, have = entries(inst.fixed.hires), entries(fixed)
    for r, q, c, f, x in sorted(want ^ have):
        what = "missing" if (r, q, c, f, x) in want else "not the succession plan's"
        yield f"the external hire of uncovered critical role {r} into {c} in quarter {q} ({f:g} FTE, {x:,.2f}) is {what}"


@workforce_check
def check_move_limits(ctx: WorkforceContext) -> Iterator[str]:
    """Hard rule: each move is an allowed one, within its cap and its share of a category's opening
    headcount; a move through an intervention starts it inside its window and within the seats the
    succession plan leaves (FTE per quarter)."""
    inst = ctx.inst
    per_start: dict[tuple[str, int], float] = defaultdict(float)
    per_move: dict[tuple[int, int], float] = defaultdict(float)
    for _, m in ctx.moves.iterrows():
        k = _move_index(inst, m)
        t = int(m["quarter"])
        if k is None:
            yield f"{m['from_category']}->{m['to_category']} ({m['kind']}) is not an allowed move"
            continue
        per_move[(k, t)] += m["fte"]
        start = inst.move_starts(k, t)
        if inst.moves.intervention[k] is not None:
            if start is None or m["start_quarter"] != start:
                yield f"{inst.moves.label(k, inst.categories)} in quarter {t}: its intervention cannot start in time or in its window"
            else:
                per_start[(inst.moves.intervention[k], start)] += m["fte"]
    for (k, t), fte in per_move.items():
        if fte > inst.moves.cap[k] + TOLERANCE * max(1, fte):
            yield f"{inst.moves.label(k, inst.categories)} in quarter {t}: {fte:.4f} FTE, the cap is {inst.moves.cap[k]:g}"
        if np.isfinite(inst.moves.share[k]) and 0 <= t < inst.horizon:
            limit = inst.moves.share[k] * ctx["opening"][inst.moves.share_of[k], t]
            if fte > limit + TOLERANCE * max(1, limit):
                yield f"{inst.moves.label(k, inst.categories)} in quarter {t}: {fte:.4f} FTE, above {limit:.4f} (its share cap)"
    for (i, s), used in per_start.items():
        left = inst.seats_left[i][s]
        if used > left + TOLERANCE * max(1, used):
            yield f"{i} in quarter {s}: {used:.4f} movers start it, the succession plan leaves {left:g} seats"


@workforce_check
def check_short_time_and_overstaffing(ctx: WorkforceContext) -> Iterator[str]:
    """Hard rule: short-time working within each category's cap and its headcount; overstaffing within
    each category's cap and, summed over categories, the scenario's total cap (FTE per quarter)."""
    inst = ctx.inst
    s, o = ctx["short_time"], ctx["overstaffing"]
    for i, t in zip(*np.nonzero(s > inst.short_time_cap[:, None] + TOLERANCE)):
        yield f"{ctx.where(i, t)}: {s[i, t]:.4f} FTE on short time, the cap is {inst.short_time_cap[i]:g}"
    for i, t in zip(*np.nonzero(s > ctx["closing"] + TOLERANCE)):
        yield f"{ctx.where(i, t)}: {s[i, t]:.4f} FTE on short time, more than the {ctx['closing'][i, t]:.4f} there"
    for i, t in zip(*np.nonzero(o > inst.overstaffing_cap[:, None] + TOLERANCE)):
        yield f"{ctx.where(i, t)}: {o[i, t]:.4f} FTE overstaffed, the cap is {inst.overstaffing_cap[i]:g}"
    for t in np.flatnonzero(o.sum(axis=0) > inst.overstaffing_total_cap + TOLERANCE):
        yield f"quarter {t}: {o[:, t].sum():.4f} FTE overstaffed in all, the cap is {inst.overstaffing_total_cap:g}"


@workforce_check
def check_whole_heads(ctx: WorkforceContext) -> Iterator[str]:
    """Hard rule (whole_heads only): hires, moves, redundancies and short-time working are whole people."""
    if not ctx.inst.whole_heads:
        return
    for name in ("redundancies", "short_time"):
        for i, t in zip(*np.nonzero(np.abs(ctx[name] - np.round(ctx[name])) > TOLERANCE)):
            yield f"{ctx.where(i, t)}: {name} is {ctx[name][i, t]:.4f}, not a whole number"
    own = ctx.hires[ctx.hires["reason"] != "uncovered critical role"].groupby(["category", "quarter"])["fte"].sum()
    for (c, q), v in own.items():
        if abs(v - round(v)) > TOLERANCE:
            yield f"{c} in quarter {q}: {v:.4f} FTE hired, not a whole number"
    for _, m in ctx.moves.iterrows():
        if abs(m["fte"] - round(m["fte"])) > TOLERANCE:
            yield f"move {m['from_category']}->{m['to_category']} in quarter {m['quarter']}: {m['fte']:.4f} FTE, not a whole number"


WORKFORCE_CHECKS = (check_rows_complete, check_non_negative, check_flow_balance, check_outflow_within_present,
                    check_demand_balance, check_hiring_limits, check_move_limits, check_short_time_and_overstaffing,
                    check_whole_heads)


# ------------------------------------------------------------------------------------------
# Cost parts, recomputed from the plan's tables and the instance's prices (money units).
# ------------------------------------------------------------------------------------------


def part_loaded_cost(ctx: WorkforceContext) -> float:
    """Soft rule: loaded cost of each quarter's closing headcount (money units: loaded_cost per FTE-quarter)."""
    return float((ctx.inst.loaded_cost[:, None] * ctx["closing"]).sum())


def part_hiring_cost(ctx: WorkforceContext) -> float:
    """Soft rule: hire_cost per FTE hired, and the external_hire_cost of uncovered critical roles (money units)."""
    inst, idx = ctx.inst, ctx.inst.index
    total = 0.0
    for _, h in ctx.hires.iterrows():
        if h["reason"] == "uncovered critical role":
            total += float(h["cost"])  # check_hiring_limits holds these to the succession plan's
        elif h["category"] in idx:
            total += inst.hire_cost[idx[h["category"]]] * h["fte"]
    return float(total)


def part_move_cost(ctx: WorkforceContext) -> float:
    """Soft rule: each move's cost per FTE moved (money units)."""
    inst = ctx.inst
    return float(sum(inst.moves.cost[k] * m["fte"] for _, m in ctx.moves.iterrows() if (k := _move_index(inst, m)) is not None))


def part_training_cost(ctx: WorkforceContext) -> float:
    """Soft rule: the succession plan's training spend, and the enabling intervention's cost per mover (money units)."""
    inst = ctx.inst
    moves = sum(inst.moves.training_cost[k] * m["fte"] for _, m in ctx.moves.iterrows() if (k := _move_index(inst, m)) is not None)
    return float(inst.fixed.training_spend.sum() + moves)


def part_redundancy_cost(ctx: WorkforceContext) -> float:
    """Soft rule: redundancy_cost per FTE made redundant (money units)."""
    return float((ctx.inst.redundancy_cost[:, None] * ctx["redundancies"]).sum())


def part_overstaffing_cost(ctx: WorkforceContext) -> float:
    """Soft rule: overstaffing_cost per FTE-quarter above demand (money units)."""
    return float((ctx.inst.overstaffing_cost[:, None] * ctx["overstaffing"]).sum())


def part_short_time_cost(ctx: WorkforceContext) -> float:
    """Soft rule: short_time_cost per FTE-quarter on short-time working (money units)."""
    return float((ctx.inst.short_time_cost[:, None] * ctx["short_time"]).sum())


def part_understaffing_cost(ctx: WorkforceContext) -> float:
    """Soft rule: understaffing_cost per FTE-quarter of demand not met (money units)."""
    return float((ctx.inst.understaffing_cost[:, None] * ctx["understaffing"]).sum())


WORKFORCE_PARTS = (part_loaded_cost, part_hiring_cost, part_move_cost, part_training_cost, part_redundancy_cost,
                   part_overstaffing_cost, part_short_time_cost, part_understaffing_cost)


def check_workforce_plan(inst: WorkforceInstance, plan: WorkforcePlan) -> tuple[list[Violation], dict[str, float]]:
    """Every hard rule re-checked on ``plan``'s tables, and each cost part recomputed; a part whose value
    differs from the solver's own (``plan.kpis.solver_objective_parts``) is a violation too."""
    ctx = WorkforceContext(inst, plan)
    violations = [v for check in WORKFORCE_CHECKS for v in check(ctx)]
    parts = {fn.__name__.removeprefix("part_"): fn(ctx) for fn in WORKFORCE_PARTS}
    for key, value in (plan.kpis.solver_objective_parts or {}).items():
        if key in parts and _off(parts[key], value):
            violations.append(Violation(rule=key, message=f"the solver's {key} is {value:,.2f}, the checker's {parts[key]:,.2f}"))
    return violations, parts


def check_workforce(org: Organisation, scenario: Scenario, plan: Plan) -> tuple[list[Violation], list[str]]:
    """The workforce part of a plan re-checked from the inputs and the succession plan (its fixed flows
    recomputed here): (broken hard rules, reported figures that differ from the recomputed ones:
    the cost parts, the KPIs' costs and the cost table)."""
    w = plan.workforce
    if w is None or not w.has_solution:
        return [], []
    inst = build_workforce(org, scenario, succession_flows(org, scenario, plan))
    violations, parts = check_workforce_plan(inst, w)
    mismatches = []
    for key, value in parts.items():
        for source, reported in (("reported", w.kpis.objective_parts), ("KPI", w.kpis.model_dump())):
            got = reported.get(key)
            if got is None or _off(float(got), value):
                mismatches.append(f"workforce {key}: {source} {got}, recomputed {value:,.2f}")
    total = sum(parts.values())
    if _off(w.kpis.total_cost, total):
        mismatches.append(f"workforce total_cost: reported {w.kpis.total_cost:,.2f}, recomputed {total:,.2f}")
    table = w.table("workforce_cost")["total"].sum() if w.costs else 0.0
    if _off(float(table), total):
        mismatches.append(f"workforce cost table sums to {table:,.2f}, the recomputed parts to {total:,.2f}")
    if w.kpis.best_bound is not None and total < w.kpis.best_bound - TOLERANCE * max(1.0, total):
        mismatches.append(f"workforce total cost {total:,.2f} is below its reported bound {w.kpis.best_bound:,.2f}")
    return violations, mismatches
