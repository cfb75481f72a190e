"""The hard rules re-checked on a finished plan, one ``check_<rule>`` per rule (``HARD_CHECKS``):
each yields what is broken in words, and ``hard_check`` names the Violation after the function, so no
rule name is typed by hand. planner.solver.registry pairs each with the model's rule."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from planner.contract.plan import readiness_category
from planner.problem.eligibility import Ineligible, feeding_families, why_ineligible
from planner.problem.fairness import fairness_targets, group_members, shortfall
from planner.evaluation.replay import PlanContext, backfill_chains


class Violation(BaseModel):
    """One broken hard rule in a plan."""

    rule: str = Field(description="Rule family, e.g. 'seats' or 'slate_eligibility'.")
    message: str = Field(description="What is broken, naming the IDs involved.")

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


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
    people, positions = ctx.people, ctx.positions
    reported = ctx.slates
    categories = reported["readiness"] if "readiness" in reported.columns else [None] * len(reported)
    for role, rank, employee, quarter, category, truth in zip(reported["role_id"], reported["rank"], reported["employee_id"],
                                                               reported["ready_quarter"], categories, ctx.slate_ready_quarters):
        if employee not in people or role not in positions:
            continue
        said = None if pd.isna(quarter) else int(quarter)
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


@hard_check
def check_slate_fairness(ctx: PlanContext) -> Iterator[str]:
    """Hard rule (policy.fairness with mode hard): each critical role's slate holds at least its target of
    people of the fairness group (planner.problem.fairness). The words give no count of people."""
    fairness = ctx.scenario.policy.fairness
    if fairness is None or fairness.mode != "hard":
        return
    targets = fairness_targets(ctx.org, ctx.scenario)
    for role in sorted(shortfall(ctx.slates, targets, group_members(ctx.org, ctx.scenario))):
        yield f"the {role} slate holds fewer people of the fairness group than its target (policy.fairness)"


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
    check_slate_fairness,
)
