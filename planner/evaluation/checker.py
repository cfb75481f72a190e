"""The plan checker: re-checks every hard rule on a finished plan and recomputes KPIs and objective.

It knows nothing of the solver (it imports no OR-Tools and no model code): it replays the plan's
learning to get each employee's skill levels quarter by quarter, then tests each rule on the
result. Every solve in the tests passes through it, and ``planner check`` runs it on plan folders.

Each ``check_<rule>`` function is one hard rule with the signature ``(ctx) -> list[Violation]``
(``HARD_CHECKS``), and each ``part_<rule>`` one soft rule's objective part in money units
(``OBJECTIVE_PARTS``); ``planner.solver.registry`` pairs them with the model's rules.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from planner.contract.domain import Organisation
from planner.contract.plan import CASCADE_COLUMNS, Plan, readiness_category
from planner.contract.scenario import Scenario
from planner.problem.eligibility import Ineligible, feeding_families, why_ineligible
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
    baseline: Optional[dict] = None  # the re-planned plan's decisions (PlanMeta.baseline)
    reported_cascades: Optional[pd.DataFrame] = None  # the backfill chains the plan reports, if it reports any

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

    @cached_property
    def critical_roles(self) -> pd.DataFrame:
        return self.org.roles[self.org.roles["critical"]]

    @cached_property
    def plan_employees(self) -> pd.DataFrame:
        """Employee rows of the plan's people: quality, aspiration fit and flight risk are per employee,
        and the whole organisation's aspiration pairs run to 1.8 million at 50,000 employees."""
        return self.org.employees[self.org.employees["employee_id"].isin(self._plan_people)]

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
# Hard rules: each check yields what is broken, in words; ``hard_check`` turns that into
# Violations named after the function (check_<rule>), so no rule name is ever typed by hand.
# ------------------------------------------------------------------------------------------

Check = Callable[[PlanContext], list[Violation]]


def hard_check(fn: Callable[[PlanContext], Iterable[str]]) -> Check:
    """A hard rule's check: ``fn(ctx)`` yields one message per breach; the rule's key is the name
    after ``check_`` (``check_seats`` -> ``seats``), kept as ``.key`` for the rule registry."""
    key = fn.__name__.removeprefix("check_")

    @functools.wraps(fn)
    def check(ctx: PlanContext) -> list[Violation]:
        return [Violation(rule=key, message=message) for message in fn(ctx)]

    check.key = key
    return check


@hard_check
def check_learning_records(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: learning rows name known people and interventions, at the catalogue's cost and duration."""
    people, catalogue = ctx.people, ctx.catalogue
    lr = ctx.learning
    for e, i, start, end, cost in zip(lr["employee_id"], lr["intervention_id"], lr["start_quarter"], lr["end_quarter"], lr["cost"]):
        if e not in people:
            yield f"unknown employee {e}"
            continue
        if i not in catalogue:
            yield f"unknown intervention {i}"
            continue
        duration, price = catalogue[i][:2]
        if end != start + duration - 1:
            yield f"{e} {i}: ends in quarter {end}, but starts in {start} and lasts {duration}"
        if abs(cost - price) > 1e-6:
            yield f"{e} {i}: cost {cost} differs from the catalogue's {price}"


@hard_check
def check_intervention_once(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: an employee takes an intervention at most once."""
    lr = ctx.learning
    dup = lr[lr.duplicated(["employee_id", "intervention_id"], keep="first")]
    for e, i in zip(dup["employee_id"], dup["intervention_id"]):
        yield f"{e} takes {i} more than once"


@hard_check
def check_start_window(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: an intervention starts inside its window (earliest..latest start quarter) and
    finishes inside the horizon."""
    catalogue = ctx.catalogue
    lr = ctx.learning
    for e, i, start in zip(lr["employee_id"], lr["intervention_id"], lr["start_quarter"]):
        if i not in catalogue:
            continue
        duration, _, earliest, latest = catalogue[i]
        if start < earliest or (pd.notna(latest) and start > latest):
            yield f"{e} starts {i} in quarter {start}, outside its window {earliest}..{latest if pd.notna(latest) else 'any'}"
        if start + duration - 1 > ctx.horizon - 1:
            yield f"{e} {i} finishes after the horizon (starts {start}, lasts {duration})"


@hard_check
def check_prerequisites(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: at its start quarter, every min_level of the intervention is met."""
    effects = ctx.org.intervention_effects
    needs = defaultdict(list)  # intervention -> [(skill, min_level)] in the effects table's order
    for i, k, lo in zip(effects["intervention_id"], effects["skill_id"], effects["min_level"]):
        needs[i].append((k, lo))
    lr = ctx.learning
    for e, i, start in zip(lr["employee_id"], lr["intervention_id"], lr["start_quarter"]):
        for k, lo in needs.get(i, ()):
            have = ctx.level(e, k, start)
            if have < lo:
                yield f"{e} starts {i} in quarter {start} with {k} at level {have}, below its min_level {lo}"


def _running(ctx: PlanContext) -> pd.DataFrame:
    """One row per (learning row, quarter it runs)."""
    lr = ctx.learning
    rows = [
        (e, i, q)
        for e, i, start, end in zip(lr["employee_id"], lr["intervention_id"], lr["start_quarter"], lr["end_quarter"])
        for q in range(int(start), int(end) + 1)
    ]
    return pd.DataFrame(rows, columns=["employee_id", "intervention_id", "quarter"])


@hard_check
def check_learning_hours(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: in every quarter, an employee's intervention hours are at most their learning hours."""
    run = _running(ctx)
    known = [i in ctx.catalogue and e in ctx.people for i, e in zip(run["intervention_id"], run["employee_id"])]
    run = run[np.array(known, dtype=bool)]
    if run.empty:
        return
    run["hours"] = run["intervention_id"].map(ctx.interventions["hours_per_quarter"])
    load = run.groupby(["employee_id", "quarter"])["hours"].sum().reset_index()
    load["cap"] = load["employee_id"].map(ctx.employees["learning_hours_per_quarter"])
    for r in load[load["hours"] > load["cap"] + 1e-9].itertuples(index=False):
        yield f"{r.employee_id} has {r.hours:g} hours of learning in quarter {r.quarter}, above their {r.cap:g}"


@hard_check
def check_seats(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: in every quarter, an intervention's starts are at most its seats_per_quarter."""
    starts = ctx.learning.groupby(["intervention_id", "start_quarter"]).size().reset_index(name="starts")
    starts = starts[starts["intervention_id"].isin(ctx.interventions.index)]
    starts["seats"] = starts["intervention_id"].map(ctx.interventions["seats_per_quarter"])
    for r in starts[starts["seats"].notna() & (starts["starts"] > starts["seats"])].itertuples(index=False):
        yield f"{r.intervention_id} has {r.starts} starts in quarter {r.start_quarter}, above its {int(r.seats)} seats"


@hard_check
def check_budget(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: total spend is within the budget, and each quarter's within the per-quarter cap."""
    budget = ctx.scenario.budget
    total = float(ctx.learning["cost"].sum())
    if total > budget.total + 1e-6:
        yield f"training spend {total:,.0f} exceeds the budget {budget.total:,.0f}"
    if budget.per_quarter is not None:
        for q, spend in ctx.learning.groupby("start_quarter")["cost"].sum().items():
            if spend > budget.per_quarter + 1e-6:
                yield f"spend {spend:,.0f} in quarter {q} exceeds the per-quarter cap {budget.per_quarter:,.0f}"


@hard_check
def check_slate_structure(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: slates are for critical roles, ranked 1..n without gaps, n <= bench_depth, one
    person per rank and each person once per slate."""
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
            yield f"{role} has a slate but is not a critical role"
            continue
        ranks = sorted(ranks_all[j] for j in rows)
        if ranks != list(range(1, len(ranks) + 1)):
            yield f"{role} slate ranks {ranks} are not 1..{len(ranks)}"
        if len(ranks) > depth:
            yield f"{role} slate has {len(ranks)} successors, above bench_depth {depth}"
        for e in (employees_all[j] for j in rows if twice[j]):
            yield f"{e} appears twice on the {role} slate"
        for e in (employees_all[j] for j in rows if employees_all[j] not in people):
            yield f"{role} slate names unknown employee {e}"


@hard_check
def check_slate_eligibility(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: a successor is not the role's incumbent, is open to move, is at most max_level_jump
    grades below (and max_level_drop above) the role, and comes from a family that feeds the role's
    (planner.problem.eligibility, worded here)."""
    policy = ctx.scenario.policy
    feeds = feeding_families(ctx.org)
    people, positions = ctx.people, ctx.positions
    for role_id, employee_id in zip(ctx.slates["role_id"], ctx.slates["employee_id"]):
        if employee_id not in people or role_id not in positions:
            continue
        own_role, open_to_move = people[employee_id]
        incumbent, level, family, _ = positions[role_id]
        _, own_level, own_family, _ = positions[own_role]
        who = f"{employee_id} on the {role_id} slate"
        words = {
            Ineligible.INCUMBENT: f"{who} is the role's incumbent",
            Ineligible.NOT_OPEN_TO_MOVE: f"{who} is not open to move",
            Ineligible.TOO_FAR_BELOW: f"{who} would jump {level - own_level} grades (max_level_jump {policy.max_level_jump})",
            Ineligible.TOO_FAR_ABOVE: f"{who} would drop {own_level - level} grades (max_level_drop {policy.max_level_drop})",
            Ineligible.FAMILY: f"{who}: family {own_family} does not feed {family}",
        }
        for reason in why_ineligible(policy, feeds, incumbent=incumbent == employee_id, open_to_move=bool(open_to_move),
                                     grade_step=int(level) - int(own_level), own_family=own_family, family=family):
            yield words[reason]


@hard_check
def check_first_rank_once(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: nobody is the first-ranked successor of two roles."""
    first = ctx.slates[ctx.slates["rank"] == 1]
    first = first[first["employee_id"].duplicated(keep=False)]  # only people first more than once can break it
    for e, roles in first.groupby("employee_id")["role_id"].apply(list).items():
        if len(roles) > 1:
            yield f"{e} is first successor of {', '.join(roles)}"


@hard_check
def check_max_slates(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: nobody sits on more than max_slates_per_employee slates."""
    cap = ctx.scenario.policy.max_slates_per_employee
    for e, n in ctx.slates.groupby("employee_id")["role_id"].nunique().items():
        if n > cap:
            yield f"{e} sits on {n} slates (max_slates_per_employee {cap})"


@hard_check
def check_leavers(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: someone leaving in quarter q takes no learning that runs in q or later and is on no
    slate of a role needed in q or later."""
    leaving = ctx.employees["leave_quarter"].dropna()
    for row in ctx.learning[ctx.learning["employee_id"].isin(leaving.index)].itertuples(index=False):
        if row.end_quarter >= leaving[row.employee_id]:
            yield (f"{row.employee_id} leaves in quarter {int(leaving[row.employee_id])} "
                   f"but takes {row.intervention_id} until quarter {row.end_quarter}")
    for row in ctx.slates[ctx.slates["employee_id"].isin(leaving.index)].itertuples(index=False):
        need = ctx.need.get(row.role_id)
        if need is not None and need >= leaving[row.employee_id]:
            yield (f"{row.employee_id} leaves in quarter {int(leaving[row.employee_id])} "
                   f"but is on the {row.role_id} slate, needed in quarter {need}")


@hard_check
def check_pins(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: every pinned person is on the pinned role's slate, at the pinned rank if one is given."""
    held = {(e, r): int(k) for r, k, e in zip(ctx.slates["role_id"], ctx.slates["rank"], ctx.slates["employee_id"])}
    for pin in ctx.scenario.pins:
        rank = held.get((pin.employee_id, pin.role_id))
        if rank is None:
            yield f"{pin.label()}: {pin.employee_id} is not on the {pin.role_id} slate"
        elif pin.rank is not None and rank != pin.rank:
            yield f"{pin.label()}: {pin.employee_id} is at rank {rank} of the {pin.role_id} slate"


@hard_check
def check_vetoes(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: no vetoed person is on the vetoed role's slate."""
    held = set(zip(ctx.slates["employee_id"], ctx.slates["role_id"]))
    for veto in ctx.scenario.vetoes:
        if (veto.employee_id, veto.role_id) in held:
            yield f"{veto.label()}: {veto.employee_id} is on the {veto.role_id} slate"


@hard_check
def check_locks(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: every locked intervention is in the plan for its employee, starting in the locked quarter."""
    booked = set(zip(ctx.learning["employee_id"], ctx.learning["intervention_id"], ctx.learning["start_quarter"].astype(int)))
    for lock in ctx.scenario.locks:
        if (lock.employee_id, lock.intervention_id, lock.start_quarter) not in booked:
            yield f"{lock.label()}: {lock.employee_id} does not start {lock.intervention_id} in quarter {lock.start_quarter}"


@hard_check
def check_readiness(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: the readiness a plan reports for each slate member (ready_quarter and its category)
    is the one its learning gives: the first quarter every requirement of the role is met. Plans
    that report none (decisions only) pass."""
    if "ready_quarter" not in ctx.slates.columns:
        return
    known = ctx.people, ctx.positions
    reported = ctx.slates
    categories = reported["readiness"] if "readiness" in reported.columns else [None] * len(reported)
    for role, rank, employee, quarter, category in zip(reported["role_id"], reported["rank"], reported["employee_id"],
                                                        reported["ready_quarter"], categories):
        if employee not in known[0] or role not in known[1]:
            continue
        said = None if pd.isna(quarter) else int(quarter)
        truth = ctx.ready_quarter(employee, role)
        if said != truth or (category is not None and category != readiness_category(truth)):
            yield (f"{role} rank {rank} {employee}: reported ready {said} ({category}), "
                   f"recomputed {truth} ({readiness_category(truth)})")


@hard_check
def check_cascades(ctx: PlanContext) -> Iterator[str]:
    """Hard rule: the backfill chains a plan reports are the ones its first successors set off, each
    role needed at its effective quarter (the earlier of its own need and that of the role its
    incumbent moves up to, along whole chains). Plans that report none (decisions only) pass."""
    if ctx.reported_cascades is None:
        return
    key = ["chain", "step", "role_id", "need_quarter", "successor_id", "opens_role_id"]

    def steps(frame: pd.DataFrame) -> set[tuple]:
        return {tuple(None if pd.isna(v) else (int(v) if c in ("step", "need_quarter") else v) for c, v in zip(key, row))
                for row in frame[key].itertuples(index=False)}

    said, truth = steps(ctx.reported_cascades), steps(backfill_chains(ctx))
    for step in sorted(said - truth, key=str):
        yield f"reported cascade step {dict(zip(key, step))} is not what the slates set off"
    for step in sorted(truth - said, key=str):
        yield f"cascade step {dict(zip(key, step))} is missing from the plan"


HARD_CHECKS: tuple[Check, ...] = (
    check_learning_records,
    check_intervention_once,
    check_start_window,
    check_prerequisites,
    check_learning_hours,
    check_seats,
    check_budget,
    check_slate_structure,
    check_slate_eligibility,
    check_first_rank_once,
    check_max_slates,
    check_leavers,
    check_pins,
    check_vetoes,
    check_locks,
    check_readiness,
    check_cascades,
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


# ------------------------------------------------------------------------------------------
# Soft rules: each objective part recomputed from the plan alone, in money units, with the
# signature ``part_<rule>(ctx, slates) -> float`` (``slates`` with readiness recomputed).
# ------------------------------------------------------------------------------------------

Part = Callable[[PlanContext, pd.DataFrame], float]


def _rank_factors(ctx: PlanContext, slates: pd.DataFrame) -> pd.Series:
    depth = ctx.scenario.policy.bench_depth
    return slates["rank"].map(lambda k: rank_factor(int(k), depth)) if len(slates) else pd.Series(dtype=float)


def part_training_spend(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: training spend times weights.training_spend (money units)."""
    return ctx.scenario.weights.training_spend * float(ctx.learning["cost"].sum())


def part_external_hire(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: the external_hire_cost of each critical role whose first successor is not ready when
    needed, times weights.external_hire; with attrition_aware, its expected value as the model
    defines it (planner.problem.scoring.expected_hire_cost) (money units)."""
    w, critical = ctx.scenario.weights, ctx.critical_roles
    if not w.attrition_aware:
        covered = set(slates.loc[(slates["rank"] == 1) & slates["ready_when_needed"], "role_id"])
        return w.external_hire * float(critical.loc[~critical["role_id"].isin(covered), "external_hire_cost"].sum())
    own = need_quarter(critical, ctx.horizon).to_dict()
    risk = dict(zip(ctx.plan_employees["employee_id"], ctx.plan_employees["flight_risk"]))
    ready = slates[slates["ready_when_needed"]]
    loss: dict[str, int] = defaultdict(int)
    for e, r in zip(ready["employee_id"], ready["role_id"]):
        loss[r] += loss_share(float(risk[e]), int(own[r]))
    return float(sum(expected_hire_cost(int(round(w.external_hire * c)), loss.get(r, 0))
                     for r, c in zip(critical["role_id"], critical["external_hire_cost"])))


def part_ready_successors(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: minus weights.ready_successor times the rank factor of each slate entry ready when
    the role is needed (money units)."""
    return -ctx.scenario.weights.ready_successor * float((_rank_factors(ctx, slates) * slates["ready_when_needed"]).sum())


def part_candidate_quality(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: minus weights.candidate_quality times each slate entry's quality (0-1) and rank factor (money units)."""
    quality = slates["employee_id"].map(candidate_quality(ctx.plan_employees)).fillna(0.0)
    return -ctx.scenario.weights.candidate_quality * float((_rank_factors(ctx, slates) * quality).sum())


def part_aspiration(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: minus weights.aspiration per slate entry the person aspires to (money units)."""
    named = ctx.plan_employees
    aspires = aspiration_pairs(named, ctx.org.roles) if len(named) else set()
    return -ctx.scenario.weights.aspiration * sum((e, r) in aspires for e, r in zip(slates["employee_id"], slates["role_id"]))


def part_early_development(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule: weights.early_development per quarter from the horizon's start to each intervention's end (money units)."""
    return ctx.scenario.weights.early_development * float((ctx.learning["end_quarter"] + 1).sum())


def part_stability(ctx: PlanContext, slates: pd.DataFrame) -> float:
    """Soft rule (re-planning only): weights.change_slate / change_learning per changed decision (money units)."""
    return stability_cost(ctx.scenario, slates, ctx.learning, ctx.baseline)


OBJECTIVE_PARTS: tuple[Part, ...] = (
    part_training_spend, part_external_hire, part_ready_successors, part_candidate_quality, part_aspiration,
    part_early_development, part_stability,
)


def part_key(part: Part) -> str:
    """The soft rule a part function belongs to: ``part_training_spend`` -> ``training_spend``."""
    return part.__name__.removeprefix("part_")


# Parts that follow from readiness, which the solver may under-claim in a plan it has not proven
# optimal (a successor it did not mark ready, though their learning makes them so): the checker's
# value of these may be lower than the solver's, never higher.
READINESS_PARTS = frozenset({"external_hire", "ready_successors"})


def _with_readiness(ctx: PlanContext) -> pd.DataFrame:
    """The plan's slates with ready_quarter, readiness, need_quarter and ready_when_needed recomputed."""
    slates = ctx.slates.copy()
    known = [e in ctx.people and r in ctx.positions for e, r in zip(slates["employee_id"], slates["role_id"])]
    slates["ready_quarter"] = [
        ctx.ready_quarter(e, r) if ok else None for e, r, ok in zip(slates["employee_id"], slates["role_id"], known)
    ]
    slates["ready_quarter"] = slates["ready_quarter"].astype("Int64")
    slates["readiness"] = [readiness_category(None if pd.isna(q) else int(q)) for q in slates["ready_quarter"]]
    slates["need_quarter"] = slates["role_id"].map(ctx.need)
    slates["ready_when_needed"] = slates["ready_quarter"].notna() & (slates["ready_quarter"] <= slates["need_quarter"])
    slates["ready_when_needed"] = slates["ready_when_needed"].fillna(False).astype(bool)
    return slates


def _kpis(ctx: PlanContext, slates: pd.DataFrame, chains: pd.DataFrame) -> dict:
    """The plan's KPIs from its slates (readiness recomputed), learning and backfill chains."""
    critical = ctx.critical_roles
    first = slates[slates["rank"] == 1]
    covered_ids = set(first.loc[first["ready_when_needed"], "role_id"])
    training = float(ctx.learning["cost"].sum())
    external = float(critical.loc[~critical["role_id"].isin(covered_ids), "external_hire_cost"].sum())
    n_crit = len(critical)
    ready_entries = int(slates["ready_when_needed"].sum())
    first_ready = first[first["ready_quarter"].notna()]
    lengths = chains.groupby("chain").size() if len(chains) else pd.Series(dtype=int)
    return dict(
        critical_roles=n_crit,
        covered_roles=len(covered_ids),
        coverage=len(covered_ids) / n_crit if n_crit else 0.0,
        training_cost=training,
        external_hire_cost=external,
        total_cost=training + external,
        bench_strength=ready_entries / n_crit if n_crit else 0.0,
        budget_used_share=training / ctx.scenario.budget.total if ctx.scenario.budget.total else 0.0,
        successors=len(slates),
        ready_now=int((slates["ready_quarter"] == 0).sum()),
        avg_quarters_to_ready=float(first_ready["ready_quarter"].mean()) if len(first_ready) else None,
        cost_per_ready_successor=training / ready_entries if ready_entries else None,
        cascade_chains=int(len(lengths)),
        longest_cascade=int(lengths.max()) if len(lengths) else 0,
    )


def evaluate(org: Organisation, scenario: Scenario, slates: pd.DataFrame, learning: pd.DataFrame,
             baseline: Optional[dict] = None, cascades: Optional[pd.DataFrame] = None) -> Evaluation:
    """Re-check every hard rule and recompute readiness, KPIs and each objective part of a plan
    (``baseline``: the decisions of the plan it re-plans, as kept in PlanMeta.baseline; ``cascades``:
    the backfill chains the plan reports, checked when given). Phases: hard rules, readiness,
    KPIs, objective parts."""
    ctx = PlanContext(org, scenario, slates.reset_index(drop=True), learning.reset_index(drop=True),
                      baseline=baseline, reported_cascades=cascades)
    violations = [v for check in HARD_CHECKS for v in check(ctx)]
    scored = _with_readiness(ctx)
    chains = backfill_chains(ctx)
    covered_ids = set(scored.loc[(scored["rank"] == 1) & scored["ready_when_needed"], "role_id"])
    covered = {r: r in covered_ids for r in ctx.critical_roles["role_id"]}
    parts = {part_key(part): part(ctx, scored) for part in OBJECTIVE_PARTS}
    return Evaluation(violations, scored, _kpis(ctx, scored, chains), parts, covered, chains)


class CheckReport(BaseModel):
    """The checker's verdict on a plan."""

    ok: bool = Field(description="No hard rule broken and the reported figures match the recomputed ones.")
    violations: list[Violation] = Field(default_factory=list, description="Broken hard rules.")
    mismatches: list[str] = Field(default_factory=list, description="Reported figures that differ from the recomputed ones.")
    kpis: dict = Field(default_factory=dict, description="KPIs recomputed from the plan.")
    objective: float = Field(default=0.0, description="Objective recomputed from the plan.")


def _rounding_tolerance(plan: Plan) -> float:
    """How far two honest computations of an objective part may differ (money units): the solver
    rounds each term to hundredths, so half a hundredth per term it may hold, and a hundredth more."""
    baseline = plan.meta.baseline or {}
    terms = (len(plan.slates) + len(plan.learning) + plan.kpis.critical_roles + 1
             + len(baseline.get("slates", [])) + len(baseline.get("learning", [])))
    return 0.005 * terms + 0.01


def _part_mismatches(recomputed: dict[str, float], reported: dict[str, float], source: str, tolerance: float) -> list[str]:
    """Objective parts of ``source`` (the plan's reported parts, or the solver's own) that differ from
    the checker's. Parts that follow from readiness may come out lower in the checker than in the
    solver, which may leave a successor unmarked as ready in a plan it has not proven optimal."""
    out = []
    for key, value in recomputed.items():
        got = reported.get(key)
        if got is None:
            out.append(f"objective part {key}: {source} gives none, recomputed {value:.2f}")
        elif value > got + tolerance or (key not in READINESS_PARTS and value < got - tolerance):
            out.append(f"objective part {key}: {source} {got:.2f}, recomputed {value:.2f}")
    return out


def check_plan(org: Organisation, scenario: Scenario, plan: Plan) -> CheckReport:
    """Re-check a plan: every hard rule (its reported readiness and cascades included), every KPI it
    reports, and each objective part against the checker's own, the plan's reported one and, for a
    plan CP-SAT produced, the solver's own value of it (``kpis.solver_objective_parts``)."""
    if not plan.has_solution:
        return CheckReport(ok=not plan.slates and not plan.learning,
                           mismatches=[] if not plan.slates and not plan.learning else
                           [f"status {plan.kpis.status} but the plan has slates or learning"])
    ev = evaluate(org, scenario, plan.slates_df(), plan.learning_df(), plan.meta.baseline, cascades=plan.cascades_df())
    mismatches = []
    reported_kpis = plan.kpis.model_dump()
    for key, value in ev.kpis.items():
        got = reported_kpis.get(key)
        if (value is None) != (got is None) or (value is not None and abs(float(got) - float(value)) > 1e-6 * max(1.0, abs(value))):
            mismatches.append(f"kpi {key}: reported {got}, recomputed {value}")
    tolerance = _rounding_tolerance(plan)
    if plan.kpis.objective_parts:
        mismatches += _part_mismatches(ev.objective_parts, plan.kpis.objective_parts, "reported", tolerance)
    if plan.kpis.solver_objective_parts is not None:
        mismatches += _part_mismatches(ev.objective_parts, plan.kpis.solver_objective_parts, "the solver", tolerance)
    if plan.kpis.objective is not None:
        if ev.objective > plan.kpis.objective + tolerance:
            mismatches.append(f"objective: reported {plan.kpis.objective:.2f}, recomputed {ev.objective:.2f} is worse")
        if plan.kpis.best_bound is not None and ev.objective < plan.kpis.best_bound - tolerance:
            mismatches.append(f"objective {ev.objective:.2f} is below the reported bound {plan.kpis.best_bound:.2f}")
    return CheckReport(ok=not ev.violations and not mismatches, violations=ev.violations, mismatches=mismatches,
                       kpis=ev.kpis, objective=ev.objective)
