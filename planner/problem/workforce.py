"""The workforce problem: categories, opening headcount, attrition, demand, costs, caps and the
succession plan's fixed flows, as arrays over (category, quarter). Pure numpy and pandas; no solver.

A *category* is a row of ``workforce_costs``: a job family and grade spelled ``<family>/<grade>``
(``Finance/3``), or a role ID. An employee belongs to their role's category when their role is one,
else to their role's family and grade when that is one, else to no category (outside the workforce
plan). The scenario's workforce changes (demand, hiring freezes, attrition, reorganisations) apply
here, in order, to the arrays: a change after a reorganisation names the new categories.

The succession plan enters as *fixed flows* (:class:`FixedFlows`, built by
``planner.evaluation.workforce.succession_flows``): its successors' moves between categories, the
external hires of its uncovered critical roles, the known leavers (retirements, announced departures,
incumbents of roles falling vacant) and its training spend by quarter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Optional

import numpy as np
import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.errors import InputError, Issue
from planner.contract.scenario import WORKFORCE_CHANGES, Scenario
from planner.inputs.workforce import category_family, has_workforce, workforce_change_issues

NO_CAP = math.inf
# Demand not met costs this times the loaded cost by default: contractors at about twice the loaded
# cost, or the work not done. Priced below hire_cost + loaded_cost it would make the plan stop hiring
# in the horizon's last quarter, where a hire's benefit beyond the horizon is not counted.
UNDERSTAFFING_FACTOR = 3.0


def employee_categories(org: Organisation) -> pd.Series:
    """Each employee's workforce category (None outside every category), indexed by employee_id."""
    categories = set(org.workforce_costs["category"]) if has_workforce(org) else set()
    e = org.employees[["employee_id", "role_id"]].merge(org.roles[["role_id", "family", "level"]], on="role_id", how="left")
    grade = e["family"].astype(str) + "/" + e["level"].astype("Int64").astype(str)
    out = e["role_id"].where(e["role_id"].isin(categories), grade.where(grade.isin(categories)))
    return pd.Series(out.to_numpy(dtype=object), index=e["employee_id"].to_numpy(), name="category",
                     dtype=object).where(lambda s: s.notna(), None)


@dataclass
class FixedFlows:
    """What the succession plan and the known departures fix, per (category index, quarter), in FTE."""

    known_leavers: np.ndarray  # retirements, announced departures, incumbents of roles falling vacant
    succession_in: np.ndarray  # successors arriving in the category's critical roles
    succession_out: np.ndarray  # successors leaving the category for a critical role elsewhere
    hires: pd.DataFrame  # external hires of uncovered critical roles: quarter, category, role_id, fte, cost
    training_spend: np.ndarray  # the succession plan's training spend started in each quarter (money units)
    seats_used: dict[str, np.ndarray]  # intervention -> starts the succession plan books per quarter
    hipos: pd.DataFrame  # high potentials today: category, fte, leave_quarter (None = no known departure)
    successions: np.ndarray  # (from category, to category, quarter): the successors in both flows above


@dataclass
class Moves:
    """The allowed moves between categories, one entry per workforce_moves row (after reorganisations)."""

    source: np.ndarray  # from-category index
    target: np.ndarray  # to-category index
    kind: list[str]
    cost: np.ndarray  # per FTE moved, money units
    cap: np.ndarray  # FTE per quarter (inf = none)
    share: np.ndarray  # share of share_of's opening headcount per quarter (inf = none)
    share_of: np.ndarray  # category index the share applies to
    intervention: list[Optional[str]]  # the enabling intervention, if any
    duration: np.ndarray  # its duration in quarters (0 without one)
    training_cost: np.ndarray  # its cost per participant (0 without one)
    attrition: np.ndarray  # share of movers who leave instead

    def __len__(self) -> int:
        return len(self.source)

    def label(self, k: int, categories: list[str]) -> str:
        return f"{categories[self.source[k]]}->{categories[self.target[k]]}:{self.kind[k]}"


@dataclass
class WorkforceInstance:
    """Everything the workforce model and its checker read. Arrays are (category, quarter) unless named otherwise."""

    categories: list[str]
    families: list[str]
    horizon: int
    opening: np.ndarray  # (C,) FTE at the start of quarter 0
    attrition: np.ndarray  # share of those present leaving in the quarter
    new_hire_attrition: np.ndarray  # share of the quarter's hires leaving in it
    demand: np.ndarray  # FTE needed
    loaded_cost: np.ndarray  # (C,) per FTE per quarter
    hire_cost: np.ndarray  # (C,)
    time_to_hire: np.ndarray  # (C,) quarters: no hire starts before
    hire_cap: np.ndarray  # FTE per quarter (inf = none; a freeze sets 0)
    redundancy_cost: np.ndarray  # (C,)
    overstaffing_cost: np.ndarray  # (C,)
    overstaffing_cap: np.ndarray  # (C,)
    short_time_cost: np.ndarray  # (C,)
    short_time_cap: np.ndarray  # (C,)
    productivity: np.ndarray  # (C,) share of work an FTE on short time does
    understaffing_cost: np.ndarray  # (C,)
    overstaffing_total_cap: float
    moves: Moves
    seats_left: dict[str, np.ndarray]  # intervention -> seats per quarter the succession plan leaves (inf = unlimited)
    windows: dict[str, tuple[int, int]]  # intervention -> (earliest, latest) start quarter
    fixed: FixedFlows
    whole_heads: bool = False
    objective: str = "cost"
    notes: list[str] = field(default_factory=list)

    @property
    def index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.categories)}

    def available(self, opening: np.ndarray, t: int) -> np.ndarray:
        """FTE present in quarter ``t`` who neither leave by attrition nor are fixed to leave or move:
        what moves out and redundancies may draw on (a (C,) array, given the opening headcounts)."""
        return opening * (1 - self.attrition[:, t]) - self.fixed.known_leavers[:, t] - self.fixed.succession_out[:, t]

    def move_index(self, source: str, target: str, kind: str, intervention: Optional[str]) -> Optional[int]:
        """The index of the allowed move from category ``source`` to ``target`` of ``kind`` through
        ``intervention`` (None: through none), or None when there is no such move."""
        idx, m = self.index, self.moves
        for k in range(len(m)):
            if (m.source[k] == idx.get(source) and m.target[k] == idx.get(target) and m.kind[k] == kind
                    and m.intervention[k] == intervention):
                return k
        return None

    def move_starts(self, k: int, t: int) -> Optional[int]:
        """The quarter the enabling intervention of a move arriving in ``t`` starts; None when the move
        cannot arrive then (no intervention: ``t`` itself)."""
        i = self.moves.intervention[k]
        if i is None:
            return t
        start = t - int(self.moves.duration[k])
        if i not in self.windows:
            return None
        earliest, latest = self.windows[i]
        return start if earliest <= start <= latest and start >= 0 else None


def _rate(annual: float) -> float:
    return 1 - (1 - annual) ** 0.25


def _select(inst: WorkforceInstance, change) -> list[int]:
    """Indexes of the categories a change selects."""
    chosen = []
    for i, (c, fam) in enumerate(zip(inst.categories, inst.families)):
        named = (not change.categories and not change.families) or c in change.categories or fam in change.families
        if named and fam not in change.except_families:
            chosen.append(i)
    return chosen


def _quarters(change, horizon: int) -> slice:
    end = horizon if change.to_quarter is None else min(horizon, change.to_quarter + 1)
    return slice(min(change.from_quarter, horizon), end)


def require_workforce(org: Organisation) -> None:
    """Raise InputError naming workforce_costs when the organisation has no workforce tables."""
    if not has_workforce(org):
        raise InputError([Issue(table="workforce_costs", file=org.source, message="is missing from the dataset: a workforce "
                                "plan needs it (one row per category: loaded cost, hire cost, ...); see the README's "
                                "'The workforce plan'")])


def build_workforce(org: Organisation, scenario: Scenario, fixed: FixedFlows) -> WorkforceInstance:
    """The workforce instance of ``org`` (the scenario's data changes applied) under ``scenario``, with
    the succession plan's ``fixed`` flows and the scenario's workforce changes applied. Raises InputError
    when the dataset has no workforce tables or a change names what does not exist."""
    require_workforce(org)
    issues = workforce_change_issues(org, scenario)
    if issues:
        raise InputError(issues)
    T = scenario.horizon_quarters
    costs = org.workforce_costs.reset_index(drop=True)
    categories = list(costs["category"])
    C = len(categories)
    idx = {c: i for i, c in enumerate(categories)}
    members = employee_categories(org)
    emp = org.employees.set_index("employee_id")
    fte = emp["fte"].reindex(members.index)
    opening = np.zeros(C)
    annual = np.full(C, np.nan)
    for cat, group in fte.groupby(members):
        opening[idx[cat]] = group.sum()
        risk = emp.loc[group.index, "flight_risk"]
        annual[idx[cat]] = float(np.average(risk, weights=group)) if group.sum() > 0 else float(risk.mean())
    if org.workforce_supply is not None:
        for cat, value in zip(org.workforce_supply["category"], org.workforce_supply["fte"]):
            opening[idx[cat]] = float(value)
    org_annual = float(np.average(emp["flight_risk"], weights=emp["fte"])) if len(emp) else 0.0
    given = costs["attrition_rate"].astype("float64").to_numpy()
    rate = np.where(np.isnan(given), [_rate(a if not np.isnan(a) else org_annual) for a in annual], given)
    new_given = costs["new_hire_attrition_rate"].astype("float64").to_numpy()
    new_rate = np.where(np.isnan(new_given), rate, new_given)

    demand = np.tile(opening[:, None], (1, T))
    if org.workforce_demand is not None:
        d = org.workforce_demand[org.workforce_demand["quarter"] < T].sort_values("quarter")
        for cat, group in d.groupby("category"):
            row = np.full(T, np.nan)
            row[group["quarter"].to_numpy(dtype=int)] = group["fte"].to_numpy(dtype=float)
            row = pd.Series(row).ffill().to_numpy()
            demand[idx[cat]] = np.where(np.isnan(row), opening[idx[cat]], row)

    def col(name: str, default: float = NO_CAP) -> np.ndarray:
        return costs[name].astype("float64").fillna(default).to_numpy()

    loaded = col("loaded_cost")
    understaffing = np.where(costs["understaffing_cost"].isna(), UNDERSTAFFING_FACTOR * loaded, costs["understaffing_cost"].astype("float64"))
    moves = _moves(org, idx)
    interventions = org.interventions.set_index("intervention_id")
    seats_left, windows = {}, {}
    for i in {m for m in moves.intervention if m is not None}:
        if i not in interventions.index:
            continue
        row = interventions.loc[i]
        seats = math.inf if pd.isna(row["seats_per_quarter"]) else float(row["seats_per_quarter"])
        used = fixed.seats_used.get(i, np.zeros(T))
        seats_left[i] = np.maximum(0.0, seats - used)
        latest = T - 1 if pd.isna(row["latest_start_quarter"]) else int(row["latest_start_quarter"])
        windows[i] = (int(row["earliest_start_quarter"]), latest)
    withdrawn = sorted({m for m in moves.intervention if m is not None and m not in windows})
    inst = WorkforceInstance(
        categories=categories, families=[category_family(org, c) for c in categories], horizon=T, opening=opening,
        attrition=np.tile(rate[:, None], (1, T)), new_hire_attrition=np.tile(new_rate[:, None], (1, T)), demand=demand,
        loaded_cost=loaded, hire_cost=col("hire_cost"), time_to_hire=costs["time_to_hire"].to_numpy(dtype=int),
        hire_cap=np.tile(col("hire_cap")[:, None], (1, T)), redundancy_cost=col("redundancy_cost"),
        overstaffing_cost=col("overstaffing_cost"), overstaffing_cap=col("overstaffing_cap"),
        short_time_cost=col("short_time_cost"), short_time_cap=col("short_time_cap", 0.0),
        productivity=col("short_time_productivity", 0.5), understaffing_cost=np.asarray(understaffing, dtype=float),
        overstaffing_total_cap=(NO_CAP if scenario.workforce.overstaffing_total_cap is None
                                else float(scenario.workforce.overstaffing_total_cap)),
        moves=moves, seats_left=seats_left, windows=windows, fixed=fixed,
        whole_heads=scenario.workforce.whole_heads, objective=scenario.workforce.objective,
        notes=[f"moves through {i} are not possible: the intervention is not in the catalogue" for i in withdrawn],
    )
    for change in (c for c in scenario.changes if c.type in WORKFORCE_CHANGES):
        inst = _apply(inst, change)
    _expected_known_leavers(inst)
    _clamp_fixed_outflows(inst)
    return inst


def _moves(org: Organisation, idx: dict[str, int]) -> Moves:
    m = org.workforce_moves if org.workforce_moves is not None else pd.DataFrame(
        columns=["from_category", "to_category", "kind", "cost", "cap", "cap_share", "cap_share_category",
                 "intervention_id", "attrition"])
    catalogue = org.interventions.set_index("intervention_id")
    interventions = [None if pd.isna(i) else str(i) for i in m["intervention_id"]]
    known = [i if i in catalogue.index else None for i in interventions]
    return Moves(
        source=np.array([idx[c] for c in m["from_category"]], dtype=int),
        target=np.array([idx[c] for c in m["to_category"]], dtype=int),
        kind=[str(k) for k in m["kind"]],
        cost=m["cost"].astype("float64").to_numpy(),
        cap=m["cap"].astype("float64").fillna(NO_CAP).to_numpy(),
        share=m["cap_share"].astype("float64").fillna(NO_CAP).to_numpy(),
        share_of=np.array([idx[s] if isinstance(s, str) else idx[f] for s, f in zip(m["cap_share_category"], m["from_category"])],
                          dtype=int),
        intervention=interventions,
        duration=np.array([int(catalogue.loc[i, "duration_quarters"]) if i else 0 for i in known], dtype=int),
        training_cost=np.array([float(catalogue.loc[i, "cost"]) if i else 0.0 for i in known], dtype=float),
        attrition=m["attrition"].astype("float64").to_numpy(),
    )


def _apply(inst: WorkforceInstance, change) -> WorkforceInstance:
    """One workforce change applied to the instance (a new instance for a reorganisation)."""
    if change.type == "reorganisation":
        return _merge(inst, change) if change.merge else _split(inst, change)
    rows, quarters = _select(inst, change), _quarters(change, inst.horizon)
    for i in rows:
        if change.type == "workforce_demand":
            inst.demand[i, quarters] = np.maximum(0.0, inst.demand[i, quarters] * change.scale + change.delta)
        elif change.type == "hiring_freeze":
            inst.hire_cap[i, quarters] = np.minimum(inst.hire_cap[i, quarters], change.cap)
        else:
            for rates, also in ((inst.attrition, True), (inst.new_hire_attrition, change.new_hires)):
                if also:
                    new = change.rate if change.rate is not None else rates[i, quarters] * change.scale
                    rates[i, quarters] = np.minimum(new, 0.99)
    return inst


def _regroup(inst: WorkforceInstance, categories: list[str], families: list[str], weights: np.ndarray) -> WorkforceInstance:
    """The instance over new categories: ``weights[new, old]`` is the share of old category's people in
    new (1 for a merge, the share for a split). Headcounts, demand, caps and flows are added by those
    weights; per-FTE costs and rates are averaged weighted by opening headcount (equally without any)."""
    W = weights
    opening = W @ inst.opening
    heads = W * inst.opening[None, :]
    heads = np.where(heads.sum(axis=1, keepdims=True) > 0, heads, W)
    mix = heads / heads.sum(axis=1, keepdims=True)  # new x old: each new category's cost mix

    def add(a: np.ndarray) -> np.ndarray:
        return W @ np.where(np.isinf(a), 0.0, a) + (np.where((W > 0) @ np.isinf(a).astype(float) > 0, np.inf, 0.0))

    def mean(a: np.ndarray) -> np.ndarray:
        return mix @ a

    f = inst.fixed
    hires = f.hires.copy()
    parts = []
    for new_i, new in enumerate(categories):
        for old_i, old in enumerate(inst.categories):
            if W[new_i, old_i] > 0:
                h = hires[hires["category"] == old].copy()
                h["category"], h["fte"], h["cost"] = new, h["fte"] * W[new_i, old_i], h["cost"] * W[new_i, old_i]
                parts.append(h)
    hipos = f.hipos.copy()
    hipo_parts = []
    for new_i, new in enumerate(categories):
        for old_i, old in enumerate(inst.categories):
            if W[new_i, old_i] > 0:
                h = hipos[hipos["category"] == old].copy()
                h["category"], h["fte"] = new, h["fte"] * W[new_i, old_i]
                hipo_parts.append(h)
    fixed = replace(f, known_leavers=W @ f.known_leavers, succession_in=W @ f.succession_in, succession_out=W @ f.succession_out,
                    successions=np.einsum("ai,ijt,bj->abt", W, f.successions, W),
                    hires=pd.concat(parts, ignore_index=True) if parts else hires.iloc[:0],
                    hipos=pd.concat(hipo_parts, ignore_index=True) if hipo_parts else hipos.iloc[:0])
    # moves: each old move becomes one per (new source, new target) pair its categories map to
    m = inst.moves
    groups: dict[tuple, list] = {}
    for k in range(len(m)):
        for s in np.flatnonzero(W[:, m.source[k]]):
            for t in np.flatnonzero(W[:, m.target[k]]):
                if s == t:
                    continue
                part = W[s, m.source[k]] * W[t, m.target[k]]
                share_of = int(np.flatnonzero(W[:, m.share_of[k]])[0]) if m.share_of[k] != m.source[k] else int(s)
                base = inst.opening[m.share_of[k]] / opening[share_of] if opening[share_of] > 0 else 1.0
                share = m.share[k] if np.isinf(m.share[k]) else m.share[k] * part * base
                weight = inst.opening[m.source[k]] * inst.opening[m.target[k]]
                groups.setdefault((int(s), int(t), m.kind[k], m.intervention[k]), []).append(
                    (m.cost[k], m.cap[k] * part, share, share_of, m.duration[k], m.training_cost[k], m.attrition[k], weight))
    rows = []
    for (s, t, kind, intervention), found in groups.items():
        cost, cap, share, share_of, duration, training, attrition, weight = (np.array(c) for c in zip(*found))
        mix_k = weight / weight.sum() if weight.sum() > 0 else np.full(len(found), 1 / len(found))
        on = int(share_of[0])
        limit = sum(x if np.isinf(x) else x * (opening[j] / opening[on] if opening[on] > 0 else 1.0)
                    for x, j in zip(share, share_of))
        rows.append((s, t, kind, float(mix_k @ cost), float(cap.sum()), float(limit), on, intervention,
                     int(duration[0]), float(training[0]), float(mix_k @ attrition)))
    cols = list(zip(*rows)) if rows else [[] for _ in range(11)]
    moves = Moves(np.array(cols[0], dtype=int), np.array(cols[1], dtype=int), list(cols[2]), np.array(cols[3], dtype=float),
                  np.array(cols[4], dtype=float), np.array(cols[5], dtype=float), np.array(cols[6], dtype=int), list(cols[7]),
                  np.array(cols[8], dtype=int), np.array(cols[9], dtype=float), np.array(cols[10], dtype=float))
    return replace(
        inst, categories=categories, families=families, opening=opening, attrition=mean(inst.attrition),
        new_hire_attrition=mean(inst.new_hire_attrition), demand=W @ inst.demand, loaded_cost=mean(inst.loaded_cost),
        hire_cost=mean(inst.hire_cost), time_to_hire=np.rint(mean(inst.time_to_hire.astype(float))).astype(int),
        hire_cap=add(inst.hire_cap), redundancy_cost=mean(inst.redundancy_cost), overstaffing_cost=mean(inst.overstaffing_cost),
        overstaffing_cap=add(inst.overstaffing_cap), short_time_cost=mean(inst.short_time_cost),
        short_time_cap=add(inst.short_time_cap), productivity=mean(inst.productivity),
        understaffing_cost=mean(inst.understaffing_cost), moves=moves, fixed=fixed,
    )


def _merge(inst: WorkforceInstance, change) -> WorkforceInstance:
    keep = [c for c in inst.categories if c not in change.merge]
    categories = keep + [change.into]
    W = np.zeros((len(categories), len(inst.categories)))
    for j, c in enumerate(inst.categories):
        W[categories.index(change.into if c in change.merge else c), j] = 1.0
    families = [inst.families[inst.categories.index(c)] for c in keep] + [
        inst.families[inst.categories.index(change.merge[0])] if "/" not in change.into else change.into.rsplit("/", 1)[0]]
    return _regroup(inst, categories, families, W)


def _split(inst: WorkforceInstance, change) -> WorkforceInstance:
    keep = [c for c in inst.categories if c != change.split]
    categories = keep + list(change.shares)
    W = np.zeros((len(categories), len(inst.categories)))
    for j, c in enumerate(inst.categories):
        if c == change.split:
            for name, share in change.shares.items():
                W[categories.index(name), j] = share
        else:
            W[categories.index(c), j] = 1.0
    old_family = inst.families[inst.categories.index(change.split)]
    families = [inst.families[inst.categories.index(c)] for c in keep] + [
        n.rsplit("/", 1)[0] if "/" in n else old_family for n in change.shares]
    return _regroup(inst, categories, families, W)


def _expected_known_leavers(inst: WorkforceInstance) -> None:
    """Known leavers in expectation: someone known to leave in quarter d may have left earlier by
    attrition like everyone else, so they count for the share still there, survival to d times
    (1 - attrition in d) (the attrition of quarter d already counts the rest)."""
    survival = np.cumprod(np.hstack([np.ones((len(inst.categories), 1)), 1 - inst.attrition[:, :-1]]), axis=1)
    inst.fixed.known_leavers = inst.fixed.known_leavers * survival * (1 - inst.attrition)


def _clamp_fixed_outflows(inst: WorkforceInstance) -> None:
    """Known leavers and successors leaving are counted in full, but attrition also thins the people they
    are among: where expected headcount with no decisions would fall below them, they are cut to what is
    there (and a note says so), so that the plan with no decisions is always possible."""
    f, x = inst.fixed, inst.opening.copy()
    for t in range(inst.horizon):
        present = x * (1 - inst.attrition[:, t])
        out = f.known_leavers[:, t] + f.succession_out[:, t]
        over = out > present + 1e-9
        for i in np.flatnonzero(over):
            scale = present[i] / out[i] if out[i] > 0 else 0.0
            f.known_leavers[i, t] *= scale
            f.succession_out[i, t] *= scale
            f.succession_in[:, t] -= f.successions[i, :, t] * (1 - scale)
            f.successions[i, :, t] *= scale
            inst.notes.append(f"{inst.categories[i]} in quarter {t}: fixed leavers and moves cut to the {present[i]:.2f} "
                              "FTE expected to be there after attrition")
        fixed_hires = f.hires[f.hires["quarter"] == t].groupby("category")["fte"].sum()
        arrivals = np.array([fixed_hires.get(c, 0.0) for c in inst.categories])
        x = present - f.known_leavers[:, t] - f.succession_out[:, t] + f.succession_in[:, t] + arrivals * (1 - inst.new_hire_attrition[:, t])
