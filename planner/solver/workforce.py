"""The workforce plan as a linear programme (GLOP), or a mixed-integer one in whole heads (SCIP, shipped
inside OR-Tools): hires, moves, redundancies, overstaffing, short-time working and understaffing per
category and quarter, at least cost or with the fewest redundancies, under the caps.

Variables, per category c and quarter t (FTE, all >= 0): ``closing[c][t]``, ``hires[c][t]``,
``redundancies[c][t]``, ``overstaffing[c][t]``, ``short_time[c][t]``, ``understaffing[c][t]``; per
allowed move k and quarter t: ``move[from->to:kind][t]``. The opening headcount of quarter t is the
closing of t-1 (the instance's opening for t = 0). Each rule below adds its named constraints
(``flow_balance[c][t]``, ...) or returns its cost part; ``WORKFORCE_RULES`` pairs each with the
solver-free check in planner.evaluation.workforce and its label.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from ortools.linear_solver import pywraplp

from planner.contract.domain import Organisation
from planner.contract.plan import Plan
from planner.contract.scenario import Scenario, quarter_label
from planner.contract.workforce import CategoryQuarter, Hire, Move, QuarterCost, SkillSupply, WorkforceKpis, WorkforcePlan
from planner.evaluation import workforce as wf
from planner.inputs.files import workforce_fingerprint
from planner.problem.workforce import WorkforceInstance, build_workforce, require_workforce
from planner.solver.registry import Rule

REDUNDANCY_TOLERANCE = 1e-7  # objective 'redundancies': the cost phase keeps redundancies within this (relative) of the least
ZERO = 1e-6  # FTE: a solver value smaller than this is read as 0 (the checker forgives 1e-4)


@dataclass
class WorkforceVars:
    """The workforce model's variables, keyed by (category index, quarter) or (move index, quarter)."""

    closing: dict = field(default_factory=dict)
    hires: dict = field(default_factory=dict)
    redundancies: dict = field(default_factory=dict)
    overstaffing: dict = field(default_factory=dict)
    short_time: dict = field(default_factory=dict)
    understaffing: dict = field(default_factory=dict)
    moves: dict = field(default_factory=dict)

    def value(self, family: str, key) -> float:
        v = getattr(self, family)[key].solution_value()
        return 0.0 if abs(v) < ZERO else float(v)


@dataclass
class WorkforceModel:
    """The solver, the instance and the variables, as every rule function receives them."""

    solver: pywraplp.Solver
    inst: WorkforceInstance
    vars: WorkforceVars

    def opening(self, i: int, t: int):
        return self.vars.closing[i, t - 1] if t > 0 else float(self.inst.opening[i])

    def name(self, rule: Callable, i: int, t: int) -> str:
        return f"{rule.__name__}[{self.inst.categories[i]}][{t}]"

    def moves_into(self, i: int, t: int, net: bool = True):
        m = self.inst.moves
        return sum((m.attrition[k] if not net else 1 - m.attrition[k]) * self.vars.moves[k, t]
                   for k in range(len(m)) if m.target[k] == i)

    def moves_out_of(self, i: int, t: int):
        m = self.inst.moves
        return sum(self.vars.moves[k, t] for k in range(len(m)) if m.source[k] == i)

    def fixed_hires(self) -> np.ndarray:
        f, idx = self.inst.fixed.hires, self.inst.index
        out = np.zeros((len(self.inst.categories), self.inst.horizon))
        for q, c, fte in zip(f["quarter"], f["category"], f["fte"]):
            out[idx[c], int(q)] += fte
        return out


def _variables(solver: pywraplp.Solver, inst: WorkforceInstance) -> WorkforceVars:
    v = WorkforceVars()
    inf = solver.infinity()
    whole = inst.whole_heads
    for i, c in enumerate(inst.categories):
        for t in range(inst.horizon):
            v.closing[i, t] = solver.NumVar(0, inf, f"closing[{c}][{t}]")
            v.hires[i, t] = (solver.IntVar if whole else solver.NumVar)(0, inf, f"hires[{c}][{t}]")
            v.redundancies[i, t] = (solver.IntVar if whole else solver.NumVar)(0, inf, f"redundancies[{c}][{t}]")
            v.short_time[i, t] = (solver.IntVar if whole else solver.NumVar)(0, inf, f"short_time[{c}][{t}]")
            v.overstaffing[i, t] = solver.NumVar(0, inf, f"overstaffing[{c}][{t}]")
            v.understaffing[i, t] = solver.NumVar(0, inf, f"understaffing[{c}][{t}]")
    for k in range(len(inst.moves)):
        for t in range(inst.horizon):
            v.moves[k, t] = (solver.IntVar if whole else solver.NumVar)(0, inf, f"move[{inst.moves.label(k, inst.categories)}][{t}]")
    return v


# ------------------------------------------------------------------------------------------
# Hard rules
# ------------------------------------------------------------------------------------------


def flow_balance(m: WorkforceModel) -> None:
    """Hard rule: closing = opening x (1 - attrition) - known leavers - successors out + successors in
    + (hires + uncovered roles' hires) x (1 - new-hire attrition) + moves in x (1 - move attrition)
    - moves out - redundancies (FTE)."""
    inst, f, v = m.inst, m.inst.fixed, m.vars
    fixed_hires = m.fixed_hires()
    for i in range(len(inst.categories)):
        for t in range(inst.horizon):
            inflow = (v.hires[i, t] + fixed_hires[i, t]) * (1 - inst.new_hire_attrition[i, t]) + m.moves_into(i, t)
            m.solver.Add(v.closing[i, t] == m.opening(i, t) * (1 - inst.attrition[i, t]) - f.known_leavers[i, t]
                         - f.succession_out[i, t] + f.succession_in[i, t] + inflow - m.moves_out_of(i, t)
                         - v.redundancies[i, t], m.name(flow_balance, i, t))


def outflow_within_present(m: WorkforceModel) -> None:
    """Hard rule: moves out + redundancies <= opening x (1 - attrition) - known leavers - successors out (FTE)."""
    inst, f, v = m.inst, m.inst.fixed, m.vars
    for i in range(len(inst.categories)):
        for t in range(inst.horizon):
            m.solver.Add(m.moves_out_of(i, t) + v.redundancies[i, t]
                         <= m.opening(i, t) * (1 - inst.attrition[i, t]) - f.known_leavers[i, t] - f.succession_out[i, t],
                         m.name(outflow_within_present, i, t))


def demand_balance(m: WorkforceModel) -> None:
    """Hard rule: closing - overstaffing - (1 - productivity) x short_time + understaffing = demand (FTE)."""
    inst, v = m.inst, m.vars
    for i in range(len(inst.categories)):
        for t in range(inst.horizon):
            m.solver.Add(v.closing[i, t] - v.overstaffing[i, t] - (1 - inst.productivity[i]) * v.short_time[i, t]
                         + v.understaffing[i, t] == float(inst.demand[i, t]), m.name(demand_balance, i, t))


def hiring_limits(m: WorkforceModel) -> None:
    """Hard rule: no hire starts before time_to_hire; hires <= the quarter's cap, freezes included (FTE per quarter)."""
    inst, v = m.inst, m.vars
    for i in range(len(inst.categories)):
        for t in range(inst.horizon):
            cap = 0.0 if t < inst.time_to_hire[i] else inst.hire_cap[i, t]
            if np.isfinite(cap):
                m.solver.Add(v.hires[i, t] <= float(cap), m.name(hiring_limits, i, t))


def move_limits(m: WorkforceModel) -> None:
    """Hard rule: a move <= its cap and its share of a category's opening headcount; a move through an
    intervention only where the intervention can start in its window and finish the quarter before,
    and, per intervention and start quarter, movers <= the seats the succession plan leaves (FTE per quarter)."""
    inst, v, mv = m.inst, m.vars, m.inst.moves
    seats: dict[tuple[str, int], list] = {}
    for k in range(len(mv)):
        label = mv.label(k, inst.categories)
        for t in range(inst.horizon):
            start = inst.move_starts(k, t)
            if start is None:
                m.solver.Add(v.moves[k, t] <= 0, f"move_limits[{label}][{t}]:window")
                continue
            if np.isfinite(mv.cap[k]):
                m.solver.Add(v.moves[k, t] <= float(mv.cap[k]), f"move_limits[{label}][{t}]:cap")
            if np.isfinite(mv.share[k]):
                m.solver.Add(v.moves[k, t] <= float(mv.share[k]) * m.opening(int(mv.share_of[k]), t), f"move_limits[{label}][{t}]:share")
            if mv.intervention[k] is not None:
                seats.setdefault((mv.intervention[k], start), []).append(v.moves[k, t])
    for (i, s), movers in seats.items():
        left = inst.seats_left[i][s]
        if np.isfinite(left):
            m.solver.Add(sum(movers) <= float(left), f"move_limits[{i}][{s}]:seats")


def short_time_and_overstaffing(m: WorkforceModel) -> None:
    """Hard rule: short_time <= its cap and <= closing; overstaffing <= its cap; overstaffing summed over
    categories <= the scenario's total cap (FTE per quarter)."""
    inst, v = m.inst, m.vars
    C = len(inst.categories)
    for i in range(C):
        for t in range(inst.horizon):
            m.solver.Add(v.short_time[i, t] <= float(inst.short_time_cap[i]), m.name(short_time_and_overstaffing, i, t) + ":short_time")
            m.solver.Add(v.short_time[i, t] <= v.closing[i, t], m.name(short_time_and_overstaffing, i, t) + ":headcount")
            if np.isfinite(inst.overstaffing_cap[i]):
                m.solver.Add(v.overstaffing[i, t] <= float(inst.overstaffing_cap[i]),
                             m.name(short_time_and_overstaffing, i, t) + ":overstaffing")
    if np.isfinite(inst.overstaffing_total_cap):
        for t in range(inst.horizon):
            m.solver.Add(sum(v.overstaffing[i, t] for i in range(C)) <= inst.overstaffing_total_cap,
                         f"short_time_and_overstaffing[all][{t}]")


# ------------------------------------------------------------------------------------------
# Soft rules: the cost parts (money units), each returned as a linear expression
# ------------------------------------------------------------------------------------------


def _grid(m: WorkforceModel, family: str, price: np.ndarray):
    d = getattr(m.vars, family)
    return sum(float(price[i]) * d[i, t] for (i, t) in d if price[i])


def loaded_cost(m: WorkforceModel):
    """Soft rule: loaded_cost x closing headcount, every quarter (money units)."""
    return _grid(m, "closing", m.inst.loaded_cost)


def hiring_cost(m: WorkforceModel):
    """Soft rule: hire_cost x FTE hired, plus the external_hire_cost of uncovered critical roles (money units)."""
    return _grid(m, "hires", m.inst.hire_cost) + float(m.inst.fixed.hires["cost"].sum())


def move_cost(m: WorkforceModel):
    """Soft rule: each move's cost x FTE moved (money units)."""
    mv = m.inst.moves
    return sum(float(mv.cost[k]) * var for (k, t), var in m.vars.moves.items() if mv.cost[k])


def training_cost(m: WorkforceModel):
    """Soft rule: the succession plan's training spend, plus the enabling intervention's cost x FTE moved (money units)."""
    mv = m.inst.moves
    return sum(float(mv.training_cost[k]) * var for (k, t), var in m.vars.moves.items() if mv.training_cost[k]) + float(
        m.inst.fixed.training_spend.sum())


def redundancy_cost(m: WorkforceModel):
    """Soft rule: redundancy_cost x FTE made redundant (money units)."""
    return _grid(m, "redundancies", m.inst.redundancy_cost)


def overstaffing_cost(m: WorkforceModel):
    """Soft rule: overstaffing_cost x FTE-quarters above demand (money units)."""
    return _grid(m, "overstaffing", m.inst.overstaffing_cost)


def short_time_cost(m: WorkforceModel):
    """Soft rule: short_time_cost x FTE-quarters on short-time working (money units)."""
    return _grid(m, "short_time", m.inst.short_time_cost)


def understaffing_cost(m: WorkforceModel):
    """Soft rule: understaffing_cost x FTE-quarters of demand not met (money units)."""
    return _grid(m, "understaffing", m.inst.understaffing_cost)


WORKFORCE_HARD_RULES: tuple[Rule, ...] = (
    Rule("Headcount flows balance each quarter", "hard", wf.check_flow_balance, flow_balance, unit="FTE"),
    Rule("Moves out and redundancies only from people present and staying", "hard", wf.check_outflow_within_present,
         outflow_within_present, unit="FTE"),
    Rule("Demand met, or the difference counted as over- or understaffing", "hard", wf.check_demand_balance,
         demand_balance, unit="FTE"),
    Rule("Hires after time to hire, within caps and freezes", "hard", wf.check_hiring_limits, hiring_limits,
         unit="FTE per quarter"),
    Rule("Moves within caps, shares, intervention windows and seats", "hard", wf.check_move_limits, move_limits,
         unit="FTE per quarter"),
    Rule("Short-time working and overstaffing within caps", "hard", wf.check_short_time_and_overstaffing,
         short_time_and_overstaffing, unit="FTE per quarter"),
)
WORKFORCE_STRUCTURAL_RULES: tuple[Rule, ...] = (
    Rule("One row per category and quarter", "hard", wf.check_rows_complete, enforced_by=_variables, unit="rows"),
    Rule("Headcounts and flows never negative", "hard", wf.check_non_negative, enforced_by=_variables, unit="FTE"),
    Rule("Whole people where whole_heads is set", "hard", wf.check_whole_heads, enforced_by=_variables, unit="FTE"),
)
WORKFORCE_SOFT_RULES: tuple[Rule, ...] = (
    Rule("Loaded cost of the headcount", "soft", wf.part_loaded_cost, loaded_cost, unit="money units"),
    Rule("Hiring", "soft", wf.part_hiring_cost, hiring_cost, unit="money units"),
    Rule("Moves between categories", "soft", wf.part_move_cost, move_cost, unit="money units"),
    Rule("Training", "soft", wf.part_training_cost, training_cost, unit="money units"),
    Rule("Redundancies", "soft", wf.part_redundancy_cost, redundancy_cost, unit="money units"),
    Rule("Overstaffing", "soft", wf.part_overstaffing_cost, overstaffing_cost, unit="money units"),
    Rule("Short-time working", "soft", wf.part_short_time_cost, short_time_cost, unit="money units"),
    Rule("Demand not met", "soft", wf.part_understaffing_cost, understaffing_cost, unit="money units"),
)
WORKFORCE_RULES = WORKFORCE_HARD_RULES + WORKFORCE_STRUCTURAL_RULES + WORKFORCE_SOFT_RULES


# ------------------------------------------------------------------------------------------
# Solve and read the plan back
# ------------------------------------------------------------------------------------------


def build_workforce_model(inst: WorkforceInstance) -> tuple[WorkforceModel, dict]:
    """The model with every hard rule; returns it and each soft rule's cost expression by key."""
    solver = pywraplp.Solver.CreateSolver("SCIP" if inst.whole_heads else "GLOP")
    model = WorkforceModel(solver, inst, _variables(solver, inst))
    for rule in WORKFORCE_HARD_RULES:
        rule.build(model)
    return model, {rule.key: rule.build(model) for rule in WORKFORCE_SOFT_RULES}


def _value(expr) -> float:
    return float(expr.solution_value()) if hasattr(expr, "solution_value") else float(expr)


def solve_workforce_instance(inst: WorkforceInstance, scenario: Scenario, time_limit: float | None = None) -> WorkforcePlan:
    """Solve the instance (objective and counting as its settings say) and read the plan back."""
    started = time.monotonic()
    model, parts = build_workforce_model(inst)
    solver = model.solver
    limit = time_limit if time_limit is not None else scenario.workforce.time_limit_seconds
    cost = sum(parts.values())
    redundancies = sum(model.vars.redundancies.values())
    if inst.objective == "redundancies":
        solver.SetTimeLimit(int(max(1.0, limit / 2) * 1000))
        solver.Minimize(redundancies)
        status = solver.Solve()
        if status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            least = solver.Objective().Value()
            solver.Add(redundancies <= least * (1 + REDUNDANCY_TOLERANCE) + REDUNDANCY_TOLERANCE, "fewest_redundancies")
    solver.SetTimeLimit(int(max(1.0, limit - (time.monotonic() - started)) * 1000))
    solver.Minimize(cost)
    params = pywraplp.MPSolverParameters()
    if inst.whole_heads:
        params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, scenario.workforce.relative_gap_limit)
    status = solver.Solve(params)
    seconds = time.monotonic() - started
    name = {pywraplp.Solver.OPTIMAL: "OPTIMAL", pywraplp.Solver.FEASIBLE: "FEASIBLE",
            pywraplp.Solver.INFEASIBLE: "INFEASIBLE"}.get(status, "NOT_SOLVED")
    settings = scenario.workforce.model_dump()
    if name not in ("OPTIMAL", "FEASIBLE"):
        notes = "; ".join(inst.notes)
        message = (f"the workforce programme has no solution{': ' + notes if notes else ''}" if name == "INFEASIBLE"
                   else f"no workforce plan within {limit:g} s")
        return WorkforcePlan(kpis=_empty_kpis(name, inst.objective, seconds, inst.notes, message), settings=settings)
    solver_parts = {key: _value(expr) for key, expr in parts.items()}
    bound = solver.Objective().BestBound() if inst.whole_heads else solver.Objective().Value()
    return read_workforce_plan(model, scenario, name, solver_parts, bound, seconds)


def _empty_kpis(status: str, objective: str, seconds: float, notes: list[str], message: str) -> WorkforceKpis:
    zero = dict.fromkeys(("total_cost", "loaded_cost", "hiring_cost", "training_cost", "move_cost", "redundancy_cost",
                          "overstaffing_cost", "short_time_cost", "understaffing_cost", "hires", "moves", "redundancies",
                          "understaffed_fte_quarters"), 0.0)
    return WorkforceKpis(status=status, objective=objective, solve_seconds=seconds, notes=notes, message=message, **zero)


def read_workforce_plan(model: WorkforceModel, scenario: Scenario, status: str, solver_parts: dict, bound: float,
                        seconds: float) -> WorkforcePlan:
    """The plan's tables from the solved model's values."""
    inst, v = model.inst, model.vars
    C, T = len(inst.categories), inst.horizon
    label = [quarter_label(scenario.start, t) for t in range(T)]
    f, mv = inst.fixed, inst.moves
    fixed_hires = model.fixed_hires()
    move_fte = {(k, t): v.value("moves", (k, t)) for k in range(len(mv)) for t in range(T)}
    rows, hires, moves = [], [], []
    for i, c in enumerate(inst.categories):
        opening = float(inst.opening[i])
        for t in range(T):
            h = v.value("hires", (i, t))
            closing = v.value("closing", (i, t))
            m_in = sum(move_fte[k, t] for k in range(len(mv)) if mv.target[k] == i)
            m_lost = sum(move_fte[k, t] * mv.attrition[k] for k in range(len(mv)) if mv.target[k] == i)
            m_out = sum(move_fte[k, t] for k in range(len(mv)) if mv.source[k] == i)
            all_hires = h + fixed_hires[i, t]
            rows.append(CategoryQuarter(
                quarter=t, label=label[t], category=c, opening=opening, attrition=opening * inst.attrition[i, t],
                known_leavers=float(f.known_leavers[i, t]), succession_out=float(f.succession_out[i, t]),
                succession_in=float(f.succession_in[i, t]), hires=all_hires,
                hire_leavers=all_hires * inst.new_hire_attrition[i, t], moves_in=m_in, move_leavers=m_lost, moves_out=m_out,
                redundancies=v.value("redundancies", (i, t)), closing=closing, demand=float(inst.demand[i, t]),
                overstaffing=v.value("overstaffing", (i, t)), short_time=v.value("short_time", (i, t)),
                understaffing=v.value("understaffing", (i, t)), gap=float(inst.demand[i, t]) - closing))
            if h > ZERO:
                before = inst.demand[i, t - 1] if t > 0 else inst.opening[i]
                growth = min(h, max(0.0, float(inst.demand[i, t] - before)))
                for part, reason in ((growth, "growth"), (h - growth, "attrition backfill")):
                    if part > ZERO:
                        hires.append(Hire(quarter=t, label=label[t], category=c, fte=part, cost=part * inst.hire_cost[i],
                                          reason=reason, decide_by=t - int(inst.time_to_hire[i])))
            opening = closing
    for q, c, role, fte, cost in zip(f.hires["quarter"], f.hires["category"], f.hires["role_id"], f.hires["fte"], f.hires["cost"]):
        hires.append(Hire(quarter=int(q), label=label[int(q)], category=c, role_id=role, fte=float(fte), cost=float(cost),
                          reason="uncovered critical role", decide_by=int(q) - int(inst.time_to_hire[inst.index[c]])))
    for (k, t), fte in move_fte.items():
        if fte > ZERO:
            start = inst.move_starts(k, t)
            moves.append(Move(quarter=t, label=label[t], from_category=inst.categories[mv.source[k]],
                              to_category=inst.categories[mv.target[k]], kind=mv.kind[k], fte=fte,
                              cost=fte * (mv.cost[k] + mv.training_cost[k]), intervention_id=mv.intervention[k],
                              start_quarter=start if mv.intervention[k] is not None else None))
    hires.sort(key=lambda h: (h.quarter, h.category, h.reason))
    plan = WorkforcePlan(kpis=_empty_kpis(status, inst.objective, seconds, inst.notes, ""), settings=scenario.workforce.model_dump(),
                         rows=rows, hires=hires, moves=moves)
    plan.costs = quarter_costs(inst, plan, label)
    plan.kpis = workforce_kpis(inst, plan, status, solver_parts, bound, seconds)
    return plan


def quarter_costs(inst: WorkforceInstance, plan: WorkforcePlan, label: list[str]) -> list[QuarterCost]:
    """Cost of the workforce per quarter, from the plan's tables."""
    T, idx = inst.horizon, inst.index
    out = {t: dict(loaded=0.0, hiring=0.0, training=float(inst.fixed.training_spend[t]), moves=0.0, redundancy=0.0,
                   overstaffing=0.0, short_time=0.0, understaffing=0.0) for t in range(T)}
    for r in plan.rows:
        i, o = idx[r.category], out[r.quarter]
        o["loaded"] += inst.loaded_cost[i] * r.closing
        o["redundancy"] += inst.redundancy_cost[i] * r.redundancies
        o["overstaffing"] += inst.overstaffing_cost[i] * r.overstaffing
        o["short_time"] += inst.short_time_cost[i] * r.short_time
        o["understaffing"] += inst.understaffing_cost[i] * r.understaffing
    for h in plan.hires:
        out[h.quarter]["hiring"] += h.cost
    for m in plan.moves:
        k = inst.move_index(m.from_category, m.to_category, m.kind, m.intervention_id)
        out[m.quarter]["moves"] += m.fte * inst.moves.cost[k]
        if m.start_quarter is not None and 0 <= m.start_quarter < T:
            out[m.start_quarter]["training"] += m.fte * inst.moves.training_cost[k]
    return [QuarterCost(quarter=t, label=label[t], total=sum(o.values()), **o) for t, o in out.items()]


def workforce_kpis(inst: WorkforceInstance, plan: WorkforcePlan, status: str, solver_parts: dict, bound: float,
                   seconds: float) -> WorkforceKpis:
    """The plan's KPIs (see WorkforceKpis)."""
    costs = pd.DataFrame([c.model_dump() for c in plan.costs])
    total = float(costs["total"].sum()) if len(costs) else 0.0
    hired = sum(h.fte for h in plan.hires)
    moved = sum(m.fte for m in plan.moves)
    succession = float(inst.fixed.succession_in.sum())
    fills = hired + moved + succession
    idx = inst.index
    fill_time = sum(h.fte * inst.time_to_hire[idx[h.category]] for h in plan.hires) + sum(
        m.fte * (m.quarter - m.start_quarter if m.start_quarter is not None else 0) for m in plan.moves)
    survive = np.cumprod(1 - inst.attrition, axis=1)[:, -1] if inst.horizon else np.ones(len(inst.categories))
    hipos = inst.fixed.hipos
    if len(hipos):
        stays = [fte * survive[idx[c]] * (0.0 if pd.notna(q) and q < inst.horizon else 1.0)
                 for c, fte, q in zip(hipos["category"], hipos["fte"], hipos["leave_quarter"])]
        retention = float(sum(stays) / hipos["fte"].sum()) if hipos["fte"].sum() else None
    else:
        retention = None
    last = [r for r in plan.rows if r.quarter == inst.horizon - 1]
    demand_last = sum(r.demand for r in last)
    parts = {key: float(costs[col].sum()) for key, col in (("loaded_cost", "loaded"), ("hiring_cost", "hiring"),
             ("training_cost", "training"), ("move_cost", "moves"), ("redundancy_cost", "redundancy"),
             ("overstaffing_cost", "overstaffing"), ("short_time_cost", "short_time"), ("understaffing_cost", "understaffing"))}
    return WorkforceKpis(
        status=status, objective=inst.objective, total_cost=total, best_bound=bound,
        gap=(total - bound) / total if total > 0 else 0.0, hires=hired, moves=moved,
        redundancies=sum(r.redundancies for r in plan.rows),
        internal_fill_rate=(moved + succession) / fills if fills > 0 else None,
        time_to_fill_quarters=fill_time / (hired + moved) if hired + moved > 0 else None,
        hipo_retention=retention, headcount_vs_demand=sum(r.closing for r in last) / demand_last if demand_last > 0 else None,
        understaffed_fte_quarters=sum(r.understaffing for r in plan.rows), solve_seconds=seconds,
        solver_objective_parts=solver_parts, notes=inst.notes, **parts)


def solve_workforce(org: Organisation, scenario: Scenario, plan: Plan | None = None) -> WorkforcePlan:
    """The workforce plan of ``org`` (the scenario's data changes applied) under ``scenario``, joined to
    the succession ``plan`` (its moves, hires of uncovered roles and training spend), checked: the
    checker's parts go into ``kpis.objective_parts``. Raises InputError for missing workforce tables
    or changes naming what does not exist."""
    require_workforce(org)  # before the succession plan's flows, which read the categories
    inst = build_workforce(org, scenario, wf.succession_flows(org, scenario, plan))
    result = solve_workforce_instance(inst, scenario)
    result.input_fingerprint = workforce_fingerprint(org, scenario)
    if result.has_solution:
        result.skills = [SkillSupply(label=quarter_label(scenario.start, int(r["quarter"])), **r)
                         for r in wf.skills_supply(org, scenario, plan).to_dict("records")]
        _, checked = wf.check_workforce_plan(inst, result)
        result.kpis.objective_parts = checked
    return result
