"""The plan checker: re-checks every hard rule on a finished plan and recomputes KPIs and objective.

It knows nothing of the solver (it imports no OR-Tools and no model code): it replays the plan's
learning to get each employee's skill levels quarter by quarter, then tests each rule on the
result. Every solve in the tests passes through it, and ``planner check`` runs it on plan folders.

Each ``check_*`` function is one hard rule family with the signature ``(ctx) -> list[Violation]``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from planner.contract.domain import Organisation
from planner.contract.plan import CASCADE_COLUMNS, Plan, readiness_category
from planner.contract.scenario import Scenario
from planner.problem.scoring import (aspiration_pairs, candidate_quality, effective_need, expected_hire_cost,
                              loss_share, need_quarter, rank_factor)


class Violation(BaseModel):
    """One broken hard rule in a plan."""

    rule: str = Field(description="Rule family, e.g. 'seats' or 'slate_eligibility'.")
    message: str = Field(description="What is broken, naming the IDs involved.")

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def _rows_by_index(frame: pd.DataFrame, *columns: str) -> dict:
    """index value -> tuple of ``columns``' values: one dict lookup per plan row instead of a .loc."""
    return dict(zip(frame.index, zip(*(frame[c] for c in columns))))


@dataclass
class PlanContext:
    """A plan and its inputs, with the replayed skill levels computed once."""

    org: Organisation
    scenario: Scenario
    slates: pd.DataFrame
    learning: pd.DataFrame

    @property
    def horizon(self) -> int:
        return self.scenario.horizon_quarters

    @cached_property
    def interventions(self) -> pd.DataFrame:
        return self.org.interventions.set_index("intervention_id")

    @cached_property
    def employees(self) -> pd.DataFrame:
        return self.org.employees.set_index("employee_id")

    @cached_property
    def roles(self) -> pd.DataFrame:
        return self.org.roles.set_index("role_id")

    # Plain dicts of the few columns the rules read, so that a rule looks each plan row up in
    # constant time instead of through .loc (which costs tens of microseconds a row).

    @cached_property
    def catalogue(self) -> dict[str, tuple]:
        """intervention_id -> (duration_quarters, cost, earliest_start_quarter, latest_start_quarter)."""
        return _rows_by_index(self.interventions, "duration_quarters", "cost", "earliest_start_quarter", "latest_start_quarter")

    @cached_property
    def people(self) -> dict[str, tuple]:
        """employee_id -> (role_id, open_to_move)."""
        return _rows_by_index(self.employees, "role_id", "open_to_move")

    @cached_property
    def positions(self) -> dict[str, tuple]:
        """role_id -> (incumbent_id, level, family, critical)."""
        return _rows_by_index(self.roles, "incumbent_id", "level", "family", "critical")

    @cached_property
    def current_levels(self) -> dict[tuple[str, str], int]:
        """(employee, skill) -> current level, for everyone (built on first use; the rules and the
        evaluation only need the plan's people, see :meth:`level`)."""
        s = self.org.employee_skills
        return dict(zip(zip(s["employee_id"], s["skill_id"]), s["level"]))

    @cached_property
    def _plan_people(self) -> set:
        """Employees the plan names (on a slate or in learning)."""
        return set(self.slates["employee_id"]) | set(self.learning["employee_id"])

    @cached_property
    def _plan_levels(self) -> dict[tuple[str, str], int]:
        """:attr:`current_levels` for the plan's people only: a large organisation's skill table
        holds hundreds of thousands of rows, and the checker asks about a few thousand people."""
        s = self.org.employee_skills
        s = s[s["employee_id"].isin(self._plan_people)]
        return dict(zip(zip(s["employee_id"], s["skill_id"]), s["level"]))

    def _current_level(self, employee: str, skill: str) -> int:
        if employee in self._plan_people:
            return self._plan_levels.get((employee, skill), 0)
        return self.current_levels.get((employee, skill), 0)

    @cached_property
    def gains(self) -> dict[tuple[str, str], list[tuple[int, int]]]:
        """(employee, skill) -> [(first quarter the new level counts, level)] from the plan's learning."""
        effects = self.org.intervention_effects
        by_intervention = defaultdict(list)
        for i, k, lv in zip(effects["intervention_id"], effects["skill_id"], effects["to_level"]):
            by_intervention[i].append((k, int(lv)))
        out = defaultdict(list)
        for e, i, end in zip(self.learning["employee_id"], self.learning["intervention_id"], self.learning["end_quarter"]):
            for k, lv in by_intervention.get(i, []):
                out[(e, k)].append((int(end) + 1, lv))
        return out

    def level(self, employee: str, skill: str, quarter: int) -> int:
        """Skill level at the start of ``quarter``: current level or any completed intervention's to_level."""
        best = self._current_level(employee, skill)
        for counts_from, lv in self.gains.get((employee, skill), []):
            if counts_from <= quarter:
                best = max(best, lv)
        return best

    @cached_property
    def requirements(self) -> dict[str, list[tuple[str, int]]]:
        req = self.org.role_requirements
        out = defaultdict(list)
        for r, k, lv in zip(req["role_id"], req["skill_id"], req["level"]):
            out[r].append((k, int(lv)))
        return out

    def ready_quarter(self, employee: str, role: str) -> Optional[int]:
        """First quarter 0..T at whose start the employee meets every requirement of the role.

        Levels only rise, so each requirement is met from one quarter on (0 if met now, else the
        earliest quarter a completed intervention reaches it); the role's is the latest of these."""
        ready = 0
        for k, lv in self.requirements.get(role, []):
            if self._current_level(employee, k) >= lv:
                continue
            met = [counts_from for counts_from, to in self.gains.get((employee, k), []) if to >= lv]
            if not met or min(met) > self.horizon:
                return None
            ready = max(ready, min(met))
        return ready

    @cached_property
    def need(self) -> pd.Series:
        """Quarter each critical role needs its successor: its vacancy (or the horizon's end), or earlier
        when its incumbent moves up as another role's first successor (backfill cascades)."""
        critical = self.org.roles[self.org.roles["critical"]]
        own = need_quarter(critical, self.horizon).to_dict()
        held = critical[critical["incumbent_id"].notna()]
        first = self.slates[self.slates["rank"] == 1].sort_values("role_id")
        first_choice = dict(zip(first["employee_id"], first["role_id"]))
        return pd.Series(effective_need(own, dict(zip(held["role_id"], held["incumbent_id"])), first_choice), dtype="int64")


# ------------------------------------------------------------------------------------------
# Hard rules
# ------------------------------------------------------------------------------------------


def check_learning_records(ctx: PlanContext) -> list[Violation]:
    """Hard rule: learning rows name known people and interventions, at the catalogue's cost and duration."""
    out = []
    people, catalogue = ctx.people, ctx.catalogue
    lr = ctx.learning
    for e, i, start, end, cost in zip(lr["employee_id"], lr["intervention_id"], lr["start_quarter"], lr["end_quarter"], lr["cost"]):
        if e not in people:
            out.append(Violation(rule="learning_records", message=f"unknown employee {e}"))
            continue
        if i not in catalogue:
            out.append(Violation(rule="learning_records", message=f"unknown intervention {i}"))
            continue
        duration, price = catalogue[i][:2]
        if end != start + duration - 1:
            out.append(Violation(rule="learning_records", message=f"{e} {i}: ends in "
                                 f"quarter {end}, but starts in {start} and lasts {duration}"))
        if abs(cost - price) > 1e-6:
            out.append(Violation(rule="learning_records", message=f"{e} {i}: cost "
                                 f"{cost} differs from the catalogue's {price}"))
    return out


def check_intervention_once_in_window(ctx: PlanContext) -> list[Violation]:
    """Hard rule: an employee takes an intervention at most once, starting inside its window and
    finishing inside the horizon."""
    out = []
    lr = ctx.learning
    dup = lr[lr.duplicated(["employee_id", "intervention_id"], keep="first")]
    for e, i in zip(dup["employee_id"], dup["intervention_id"]):
        out.append(Violation(rule="intervention_once", message=f"{e} takes {i} more than once"))
    catalogue = ctx.catalogue
    for e, i, start in zip(lr["employee_id"], lr["intervention_id"], lr["start_quarter"]):
        if i not in catalogue:
            continue
        duration, _, earliest, latest = catalogue[i]
        if start < earliest or (pd.notna(latest) and start > latest):
            out.append(Violation(rule="start_window", message=f"{e} starts {i} in quarter "
                                 f"{start}, outside its window {earliest}..{latest if pd.notna(latest) else 'any'}"))
        if start + duration - 1 > ctx.horizon - 1:
            out.append(Violation(rule="start_window", message=f"{e} {i} finishes after the "
                                 f"horizon (starts {start}, lasts {duration})"))
    return out


def check_prerequisites(ctx: PlanContext) -> list[Violation]:
    """Hard rule: at its start quarter, every min_level of the intervention is met."""
    effects = ctx.org.intervention_effects
    needs = defaultdict(list)  # intervention -> [(skill, min_level)] in the effects table's order
    for i, k, lo in zip(effects["intervention_id"], effects["skill_id"], effects["min_level"]):
        needs[i].append((k, lo))
    out = []
    lr = ctx.learning
    for e, i, start in zip(lr["employee_id"], lr["intervention_id"], lr["start_quarter"]):
        for k, lo in needs.get(i, ()):
            have = ctx.level(e, k, start)
            if have < lo:
                out.append(Violation(rule="prerequisites", message=f"{e} starts {i} in "
                                     f"quarter {start} with {k} at level {have}, below its "
                                     f"min_level {lo}"))
    return out


def _running(ctx: PlanContext) -> pd.DataFrame:
    """One row per (learning row, quarter it runs)."""
    lr = ctx.learning
    rows = [
        (e, i, q)
        for e, i, start, end in zip(lr["employee_id"], lr["intervention_id"], lr["start_quarter"], lr["end_quarter"])
        for q in range(int(start), int(end) + 1)
    ]
    return pd.DataFrame(rows, columns=["employee_id", "intervention_id", "quarter"])


def check_learning_hours(ctx: PlanContext) -> list[Violation]:
    """Hard rule: in every quarter, an employee's intervention hours are at most their learning hours."""
    run = _running(ctx)
    known = [i in ctx.catalogue and e in ctx.people for i, e in zip(run["intervention_id"], run["employee_id"])]
    run = run[np.array(known, dtype=bool)]
    if run.empty:
        return []
    run["hours"] = run["intervention_id"].map(ctx.interventions["hours_per_quarter"])
    load = run.groupby(["employee_id", "quarter"])["hours"].sum().reset_index()
    load["cap"] = load["employee_id"].map(ctx.employees["learning_hours_per_quarter"])
    over = load[load["hours"] > load["cap"] + 1e-9]
    return [Violation(rule="learning_hours", message=f"{r.employee_id} has {r.hours:g} hours of learning in quarter "
                      f"{r.quarter}, above their {r.cap:g}") for r in over.itertuples(index=False)]


def check_seats(ctx: PlanContext) -> list[Violation]:
    """Hard rule: in every quarter, an intervention's starts are at most its seats_per_quarter."""
    starts = ctx.learning.groupby(["intervention_id", "start_quarter"]).size().reset_index(name="starts")
    starts = starts[starts["intervention_id"].isin(ctx.interventions.index)]
    starts["seats"] = starts["intervention_id"].map(ctx.interventions["seats_per_quarter"])
    over = starts[starts["seats"].notna() & (starts["starts"] > starts["seats"])]
    return [Violation(rule="seats", message=f"{r.intervention_id} has {r.starts} starts in quarter {r.start_quarter}, "
                      f"above its {int(r.seats)} seats") for r in over.itertuples(index=False)]


def check_budget(ctx: PlanContext) -> list[Violation]:
    """Hard rule: total spend is within the budget, and each quarter's within the per-quarter cap."""
    budget = ctx.scenario.budget
    out = []
    total = float(ctx.learning["cost"].sum())
    if total > budget.total + 1e-6:
        out.append(Violation(rule="budget", message=f"training spend {total:,.0f} exceeds the budget {budget.total:,.0f}"))
    if budget.per_quarter is not None:
        by_q = ctx.learning.groupby("start_quarter")["cost"].sum()
        for q, spend in by_q.items():
            if spend > budget.per_quarter + 1e-6:
                out.append(Violation(rule="budget", message=f"spend {spend:,.0f} in quarter {q} exceeds the "
                                     f"per-quarter cap {budget.per_quarter:,.0f}"))
    return out


def check_slate_structure(ctx: PlanContext) -> list[Violation]:
    """Hard rule: slates are for critical roles, ranked 1..n without gaps, n <= bench_depth, one
    person per rank and each person once per slate."""
    out = []
    depth = ctx.scenario.policy.bench_depth
    people, positions = ctx.people, ctx.positions
    sl = ctx.slates
    # Slates role by role, in sorted role order with each slate's rows in plan order (as groupby).
    codes, roles = pd.factorize(sl["role_id"], sort=True)
    members: list[list[int]] = [[] for _ in range(len(roles))]
    for row, code in enumerate(codes):
        if code >= 0:
            members[code].append(row)
    ranks_all, employees_all = sl["rank"].tolist(), list(sl["employee_id"])
    twice = sl.duplicated(["role_id", "employee_id"]).tolist()
    for role, rows in zip(roles, members):
        if role not in positions or not positions[role][3]:  # [3]: critical
            out.append(Violation(rule="slate_structure", message=f"{role} has a slate but is not a critical role"))
            continue
        ranks = sorted(ranks_all[j] for j in rows)
        if ranks != list(range(1, len(ranks) + 1)):
            out.append(Violation(rule="slate_structure", message=f"{role} slate ranks {ranks} are not 1..{len(ranks)}"))
        if len(ranks) > depth:
            out.append(Violation(rule="slate_structure", message=f"{role} slate has {len(ranks)} successors, above bench_depth {depth}"))
        for e in (employees_all[j] for j in rows if twice[j]):
            out.append(Violation(rule="slate_structure", message=f"{e} appears twice on the {role} slate"))
        for e in (employees_all[j] for j in rows if employees_all[j] not in people):
            out.append(Violation(rule="slate_structure", message=f"{role} slate names unknown employee {e}"))
    return out


def check_slate_eligibility(ctx: PlanContext) -> list[Violation]:
    """Hard rule: a successor is not the role's incumbent, is open to move, is at most max_level_jump
    grades below (and max_level_drop above) the role, and comes from a family that feeds the role's."""
    policy = ctx.scenario.policy
    moves = ctx.org.family_moves
    feeds = None if moves is None or moves.empty else set(zip(moves["from_family"], moves["to_family"]))
    people, positions = ctx.people, ctx.positions
    out = []
    for role_id, employee_id in zip(ctx.slates["role_id"], ctx.slates["employee_id"]):
        if employee_id not in people or role_id not in positions:
            continue
        own_role, open_to_move = people[employee_id]
        incumbent, level, family, _ = positions[role_id]
        _, own_level, own_family, _ = positions[own_role]
        who = f"{employee_id} on the {role_id} slate"
        if incumbent == employee_id:
            out.append(Violation(rule="slate_eligibility", message=f"{who} is the role's incumbent"))
        if not open_to_move:
            out.append(Violation(rule="slate_eligibility", message=f"{who} is not open to move"))
        if level - own_level > policy.max_level_jump:
            out.append(Violation(rule="slate_eligibility", message=f"{who} would jump {level - own_level} grades "
                                 f"(max_level_jump {policy.max_level_jump})"))
        if own_level - level > policy.max_level_drop:
            out.append(Violation(rule="slate_eligibility", message=f"{who} would drop {own_level - level} grades "
                                 f"(max_level_drop {policy.max_level_drop})"))
        if feeds is not None and own_family != family and (own_family, family) not in feeds:
            out.append(Violation(rule="slate_eligibility", message=f"{who}: family {own_family} does not feed {family}"))
    return out


def check_first_rank_once(ctx: PlanContext) -> list[Violation]:
    """Hard rule: nobody is the first-ranked successor of two roles."""
    first = ctx.slates[ctx.slates["rank"] == 1]
    first = first[first["employee_id"].duplicated(keep=False)]  # only people first more than once can break it
    counts = first.groupby("employee_id")["role_id"].apply(list)
    return [Violation(rule="first_rank_once", message=f"{e} is first successor of {', '.join(roles)}")
            for e, roles in counts.items() if len(roles) > 1]


def check_max_slates(ctx: PlanContext) -> list[Violation]:
    """Hard rule: nobody sits on more than max_slates_per_employee slates."""
    cap = ctx.scenario.policy.max_slates_per_employee
    counts = ctx.slates.groupby("employee_id")["role_id"].nunique()
    return [Violation(rule="max_slates", message=f"{e} sits on {n} slates (max_slates_per_employee {cap})")
            for e, n in counts.items() if n > cap]


def check_leavers(ctx: PlanContext) -> list[Violation]:
    """Hard rule: someone leaving in quarter q takes no learning that runs in q or later and is on no
    slate of a role needed in q or later."""
    leaving = ctx.employees["leave_quarter"].dropna()
    out = []
    for row in ctx.learning[ctx.learning["employee_id"].isin(leaving.index)].itertuples(index=False):
        if row.end_quarter >= leaving[row.employee_id]:
            out.append(Violation(rule="leavers", message=f"{row.employee_id} leaves in quarter {int(leaving[row.employee_id])} "
                                 f"but takes {row.intervention_id} until quarter {row.end_quarter}"))
    for row in ctx.slates[ctx.slates["employee_id"].isin(leaving.index)].itertuples(index=False):
        need = ctx.need.get(row.role_id)
        if need is not None and need >= leaving[row.employee_id]:
            out.append(Violation(rule="leavers", message=f"{row.employee_id} leaves in quarter {int(leaving[row.employee_id])} "
                                 f"but is on the {row.role_id} slate, needed in quarter {need}"))
    return out


HARD_RULES = (
    check_learning_records,
    check_intervention_once_in_window,
    check_prerequisites,
    check_learning_hours,
    check_seats,
    check_budget,
    check_slate_structure,
    check_slate_eligibility,
    check_first_rank_once,
    check_max_slates,
    check_leavers,
)


# ------------------------------------------------------------------------------------------
# Evaluation: readiness, KPIs and the objective, recomputed from the plan alone
# ------------------------------------------------------------------------------------------


def backfill_chains(ctx: PlanContext) -> pd.DataFrame:
    """The chains of moves one vacancy sets off: role -> first successor -> the critical role they hold,
    which falls vacant when they move -> its first successor -> ... One row per step: chain (the role
    that starts it), step, role_id, need_quarter (effective), successor_id, opens_role_id (the
    critical role the successor leaves, if any). Only chains of two or more roles; a departure of
    the chain's first incumbent puts every role in it at risk."""
    critical = ctx.org.roles[ctx.org.roles["critical"]]
    holds = dict(zip(critical["incumbent_id"], critical["role_id"]))
    first = ctx.slates[ctx.slates["rank"] == 1]
    successor = dict(zip(first["role_id"], first["employee_id"]))
    opened = {holds[e] for e in successor.values() if e in holds}
    need = ctx.need.to_dict()
    rows = []
    for root in sorted(set(successor) - opened):
        role, step, seen = root, 1, set()
        chain = []
        while role in successor and role not in seen:
            seen.add(role)
            e = successor[role]
            chain.append(dict(chain=root, step=step, role_id=role, need_quarter=int(need.get(role, ctx.horizon)),
                              successor_id=e, opens_role_id=holds.get(e)))
            role, step = holds.get(e), step + 1
        if len(chain) > 1:
            rows += chain
    return pd.DataFrame(rows, columns=CASCADE_COLUMNS)


@dataclass
class Evaluation:
    violations: list[Violation]
    slates: pd.DataFrame  # with ready_quarter and readiness recomputed
    kpis: dict
    objective_parts: dict[str, float]
    covered: dict[str, bool] = field(default_factory=dict)
    cascades: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CASCADE_COLUMNS))

    @property
    def objective(self) -> float:
        return sum(self.objective_parts.values())

    @property
    def ok(self) -> bool:
        return not self.violations


def decision_changes(slates: pd.DataFrame, learning: pd.DataFrame, baseline: dict) -> tuple[int, int]:
    """(slate entries that came in, left or changed rank; interventions added, cancelled or moved) against
    the baseline's decisions."""
    before = {(r, e): int(k) for r, k, e in baseline["slates"]}
    after = {(r, e): int(k) for r, k, e in zip(slates["role_id"], slates["rank"], slates["employee_id"])}
    slate_changes = sum(before.get(entry) != after.get(entry) for entry in set(before) | set(after))
    was = {(e, i): int(t) for e, i, t in baseline["learning"]}
    now = {(e, i): int(t) for e, i, t in zip(learning["employee_id"], learning["intervention_id"], learning["start_quarter"])}
    learning_changes = sum(was.get(d) != now.get(d) for d in set(was) | set(now))
    return slate_changes, learning_changes


def stability_cost(scenario: Scenario, slates: pd.DataFrame, learning: pd.DataFrame, baseline: Optional[dict]) -> float:
    """Re-planning penalty: weights.change_slate per changed slate entry, weights.change_learning per
    changed intervention (see :func:`decision_changes`)."""
    if not baseline:
        return 0.0
    slate_changes, learning_changes = decision_changes(slates, learning, baseline)
    return scenario.weights.change_slate * slate_changes + scenario.weights.change_learning * learning_changes


def evaluate(org: Organisation, scenario: Scenario, slates: pd.DataFrame, learning: pd.DataFrame,
             baseline: Optional[dict] = None) -> Evaluation:
    """Re-check every hard rule and recompute readiness, KPIs and the objective of a plan
    (``baseline``: the decisions of the plan it re-plans, as kept in PlanMeta.baseline)."""
    ctx = PlanContext(org, scenario, slates.reset_index(drop=True), learning.reset_index(drop=True))
    violations = [v for rule in HARD_RULES for v in rule(ctx)]

    known = [e in ctx.people and r in ctx.positions for e, r in zip(slates["employee_id"], slates["role_id"])]
    slates = slates.copy()
    slates["ready_quarter"] = [
        ctx.ready_quarter(e, r) if ok else None for e, r, ok in zip(slates["employee_id"], slates["role_id"], known)
    ]
    slates["ready_quarter"] = slates["ready_quarter"].astype("Int64")
    slates["readiness"] = [readiness_category(None if pd.isna(q) else int(q)) for q in slates["ready_quarter"]]
    slates["need_quarter"] = slates["role_id"].map(ctx.need)
    slates["ready_when_needed"] = slates["ready_quarter"].notna() & (slates["ready_quarter"] <= slates["need_quarter"])
    slates["ready_when_needed"] = slates["ready_when_needed"].fillna(False).astype(bool)

    critical = org.roles[org.roles["critical"]]
    first = slates[slates["rank"] == 1]
    covered_ids = set(first.loc[first["ready_when_needed"], "role_id"])
    covered = {r: r in covered_ids for r in critical["role_id"]}
    uncovered = critical[~critical["role_id"].isin(covered_ids)]
    training = float(learning["cost"].sum())
    external = float(uncovered["external_hire_cost"].sum())
    n_crit = len(critical)
    ready_entries = int(slates["ready_when_needed"].sum())
    first_ready = first[first["ready_quarter"].notna()]
    kpis = dict(
        critical_roles=n_crit,
        covered_roles=len(covered_ids),
        coverage=len(covered_ids) / n_crit if n_crit else 0.0,
        training_cost=training,
        external_hire_cost=external,
        total_cost=training + external,
        bench_strength=ready_entries / n_crit if n_crit else 0.0,
        budget_used_share=training / scenario.budget.total if scenario.budget.total else 0.0,
        successors=len(slates),
        ready_now=int((slates["ready_quarter"] == 0).sum()),
        avg_quarters_to_ready=float(first_ready["ready_quarter"].mean()) if len(first_ready) else None,
        cost_per_ready_successor=training / ready_entries if ready_entries else None,
    )
    chains = backfill_chains(ctx)
    lengths = chains.groupby("chain").size() if len(chains) else pd.Series(dtype=int)
    kpis.update(cascade_chains=int(len(lengths)), longest_cascade=int(lengths.max()) if len(lengths) else 0)

    w, depth = scenario.weights, scenario.policy.bench_depth
    factor = slates["rank"].map(lambda k: rank_factor(int(k), depth)) if len(slates) else pd.Series(dtype=float)
    # Quality, aspiration fit and flight risk of the plan's people only: each is per employee, and the
    # whole organisation's aspiration pairs (everyone aspiring to a family x its roles) run to 1.8
    # million at 50,000 employees.
    named = org.employees[org.employees["employee_id"].isin(ctx._plan_people)]
    quality = slates["employee_id"].map(candidate_quality(named)).fillna(0.0)
    aspires = aspiration_pairs(named, org.roles) if len(named) else set()
    fit = sum((e, r) in aspires for e, r in zip(slates["employee_id"], slates["role_id"]))
    if w.attrition_aware:  # the expected cost, as the model defines it (planner.problem.scoring)
        own = need_quarter(critical, scenario.horizon_quarters).to_dict()
        risk = dict(zip(named["employee_id"], named["flight_risk"]))
        ready = slates[slates["ready_when_needed"]]
        loss: dict[str, int] = defaultdict(int)
        for e, r in zip(ready["employee_id"], ready["role_id"]):
            loss[r] += loss_share(float(risk[e]), int(own[r]))
        external_term = float(sum(expected_hire_cost(int(round(w.external_hire * c)), loss.get(r, 0))
                                  for r, c in zip(critical["role_id"], critical["external_hire_cost"])))
    else:
        external_term = w.external_hire * external
    parts = {
        "training_spend": w.training_spend * training,
        "external_hire": external_term,
        "ready_successors": -w.ready_successor * float((factor * slates["ready_when_needed"]).sum()),
        "candidate_quality": -w.candidate_quality * float((factor * quality).sum()),
        "aspiration": -w.aspiration * fit,
        "early_development": w.early_development * float((learning["end_quarter"] + 1).sum()),
        "stability": stability_cost(scenario, slates, learning, baseline),
    }
    return Evaluation(violations, slates, kpis, parts, covered, chains)


class CheckReport(BaseModel):
    """The checker's verdict on a plan."""

    ok: bool = Field(description="No hard rule broken and the reported figures match the recomputed ones.")
    violations: list[Violation] = Field(default_factory=list, description="Broken hard rules.")
    mismatches: list[str] = Field(default_factory=list, description="Reported figures that differ from the recomputed ones.")
    kpis: dict = Field(default_factory=dict, description="KPIs recomputed from the plan.")
    objective: float = Field(default=0.0, description="Objective recomputed from the plan.")


def check_plan(org: Organisation, scenario: Scenario, plan: Plan) -> CheckReport:
    """Re-check a plan: hard rules, the slates' readiness columns, and every KPI it reports."""
    if not plan.has_solution:
        return CheckReport(ok=not plan.slates and not plan.learning,
                           mismatches=[] if not plan.slates and not plan.learning else
                           [f"status {plan.kpis.status} but the plan has slates or learning"])
    reported = plan.slates_df()  # evaluate works on a copy, so this stays as reported
    ev = evaluate(org, scenario, reported, plan.learning_df(), plan.meta.baseline)
    mismatches = []
    for role, rank, employee, qa, ca, qb, cb in zip(reported["role_id"], reported["rank"], reported["employee_id"],
                                                     reported["ready_quarter"], reported["readiness"],
                                                     ev.slates["ready_quarter"], ev.slates["readiness"]):
        ra = None if pd.isna(qa) else int(qa)
        rb = None if pd.isna(qb) else int(qb)
        if ra != rb or ca != cb:
            mismatches.append(f"{role} rank {rank} {employee}: reported ready {ra} ({ca}), "
                              f"recomputed {rb} ({cb})")
    reported_kpis = plan.kpis.model_dump()
    for key, value in ev.kpis.items():
        got = reported_kpis.get(key)
        if (value is None) != (got is None) or (value is not None and abs(float(got) - float(value)) > 1e-6 * max(1.0, abs(value))):
            mismatches.append(f"kpi {key}: reported {got}, recomputed {value}")
    if plan.kpis.objective is not None:
        tolerance = 0.01 * (len(plan.slates) + len(plan.learning) + 1)
        if ev.objective > plan.kpis.objective + tolerance:
            mismatches.append(f"objective: reported {plan.kpis.objective:.2f}, recomputed {ev.objective:.2f} is worse")
        if plan.kpis.best_bound is not None and ev.objective < plan.kpis.best_bound - tolerance:
            mismatches.append(f"objective {ev.objective:.2f} is below the reported bound {plan.kpis.best_bound:.2f}")
    return CheckReport(ok=not ev.violations and not mismatches, violations=ev.violations, mismatches=mismatches,
                       kpis=ev.kpis, objective=ev.objective)
