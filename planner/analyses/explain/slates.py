"""Why this successor: each slate entry's readiness path, score components and the best candidate left off."""

from __future__ import annotations

from collections import defaultdict
from typing import Optional

import pandas as pd

from planner.evaluation.replay import PlanContext
from planner.contract.domain import Organisation
from planner.contract.plan import Plan
from planner.contract.scenario import Scenario
from planner.analyses.explain.models import Gap, PathStep, RunnerUp, ScoreComponents, SkillChange, SlateExplanation, money_text
from planner.analyses.explain.facts import Facts


def readiness_path(f: Facts, ctx: PlanContext, learning: pd.DataFrame, e: str, role: str) -> list[PathStep]:
    """The plan's interventions that close ``e``'s gaps for ``role`` and their prerequisites."""
    rows = learning[learning["employee_id"] == e].sort_values(["end_quarter", "start_quarter", "intervention_id"])
    rows = list(rows.itertuples(index=False))
    infos = f.problem.interventions
    closes: dict[int, list[Gap]] = defaultdict(list)
    enables: dict[int, list[str]] = defaultdict(list)

    def first_giving(k: str, lv: int, before: int) -> Optional[int]:
        for n, row in enumerate(rows):
            info = infos.get(row.intervention_id)
            if info and row.end_quarter + 1 <= before and any(kk == k and to >= lv for kk, _, to in info.effects):
                return n
        return None

    todo = []
    for k, lv in f.reqs(role):
        if f.reach.level_now(e, k) < lv:
            n = first_giving(k, lv, f.problem.horizon + 1)
            if n is not None:
                closes[n].append(f.gap(e, k, lv))
                todo.append(n)
    seen = set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        row = rows[n]
        for k, lo, _ in infos[row.intervention_id].effects:
            if f.reach.level_now(e, k) < lo:
                m = first_giving(k, lo, int(row.start_quarter))
                if m is not None:
                    if row.intervention_id not in enables[m]:
                        enables[m].append(row.intervention_id)
                    todo.append(m)
    steps = []
    for n in sorted(seen, key=lambda n: (rows[n].start_quarter, rows[n].intervention_id)):
        row, info = rows[n], infos[rows[n].intervention_id]
        iv = f.ctx.interventions.loc[row.intervention_id]
        raises = []
        for k, _, to in info.effects:
            before = ctx.level(e, k, int(row.start_quarter))
            if to > before:
                raises.append(SkillChange(skill_id=k, skill=f.skill_name.get(k, k), from_level=before, to_level=to))
        steps.append(PathStep(
            intervention_id=row.intervention_id, name=str(iv["name"]), kind=str(iv["kind"]),
            start_quarter=int(row.start_quarter), end_quarter=int(row.end_quarter),
            start_label=f.label(int(row.start_quarter)), end_label=f.label(int(row.end_quarter)),
            counts_from_label=f.label(int(row.end_quarter) + 1), cost=float(row.cost),
            raises=raises, closes=closes.get(n, []), enables=enables.get(n, []),
        ))
    return steps


# ==========================================================================================
# Why this successor
# ==========================================================================================


def _seat_blockers(f: Facts, e: str, k: str, lv: int, need: int) -> Optional[str]:
    """Words for a gap of ``e`` that only seat-limited interventions close, all of whose seats the plan
    has taken in every start quarter that would finish by ``need``; or for which every intervention
    needs more learning hours a quarter than ``e`` has."""
    learning = f.ctx.learning
    options = [info for info, to in f.reach.by_skill.get(k, ()) if to >= lv]
    if not options:
        return None
    hours = float(f.employees.at[e, "learning_hours_per_quarter"])
    blocked_seats, blocked_hours = [], []
    for info in options:
        last = f.reach._last_start(e, info, need)
        quarters = list(range(info.earliest, last + 1))
        if info.hours > hours:
            blocked_hours.append(info)
            continue
        if info.seats is None or not quarters:
            if quarters:
                return None  # an unblocked way exists
            blocked_seats.append(info)  # cannot finish in time at all: treated as unavailable
            continue
        taken = learning[learning["intervention_id"] == info.intervention_id].groupby("start_quarter").size()
        if all(int(taken.get(q, 0)) >= info.seats for q in quarters):
            blocked_seats.append(info)
        else:
            return None
    ids = ", ".join(i.intervention_id for i in options)
    gives = "gives" if len(options) == 1 else "give"
    skill = f"{f.skill_name.get(k, k)} {f.reach.level_now(e, k)}->{lv}"
    parts = []
    if blocked_seats and any(i.seats is not None for i in blocked_seats):
        parts.append(f"{'its' if len(options) == 1 else 'their'} seats are taken in every quarter that would finish by {f.label(need)}")
    if blocked_hours:
        parts.append(" and ".join(f"{i.intervention_id} needs {i.hours:g} h a quarter, more than their {hours:g}" for i in blocked_hours))
    if not parts:
        return None
    return f"needs {skill} which only {ids} {gives}, and " + "; ".join(parts)


def _compare(label: str, a, b, fmt=str) -> Optional[str]:
    """'lower performance (3 vs 4)': the runner-up's value ``b`` against the slate entry's ``a``."""
    if a == b:
        return None
    return f"{'lower' if b < a else 'higher'} {label} ({fmt(b)} vs {fmt(a)})"


def _runner_up(f: Facts, role: str, slate_people: set[str]) -> Optional[dict]:
    need = f.need[role]
    reqs = f.reqs(role)
    best = None
    for e in f.candidates(role):
        if e in slate_people:
            continue
        under_plan = f.ctx.ready_quarter(e, role)
        if under_plan is not None and under_plan <= need:
            key, cost, chain = (0, 0.0), 0.0, []
        else:
            found = f.dev.cheapest(e, reqs, need)
            if found is not None:
                cost, chain = found
                key = (1, cost)
            else:
                q = f.dev.ready_quarter(e, reqs)
                cost, chain = None, []
                key = (2, q) if q is not None else (3, 0)
        key = (*key, -float(f.quality.get(e, 0.0)), e)
        if best is None or key < best["key"]:
            best = dict(key=key, employee_id=e, under_plan=under_plan, cost=cost, chain=chain)
    return best


def _readiness_difference(f: Facts, role: str, a: str, b: str, best: dict, earliest) -> list[str]:
    """What separates runner-up ``b`` from successor ``a`` on readiness, by the runner-up's category
    (0 ready under the plan, 1 could be made ready, 2 ready too late, 3 cannot be ready in the horizon)."""
    need, reqs = f.need[role], f.reqs(role)
    category = best["key"][0]
    out: list[str] = []
    if category == 0:
        return [f"also ready by {f.label(need)}"]
    if category == 1:
        a_ready = f.ctx.ready_quarter(a, role)
        a_cost = sum(s.cost for s in readiness_path(f, f.ctx, f.ctx.learning, a, role))
        out.append(f"not developed for it in this plan: would need {money_text(best['cost'])} of development "
                   f"({', '.join(i for i, _ in best['chain'])}) to be ready by {f.label(need)}")
        if a_ready is not None and a_ready <= need and best["cost"] > a_cost:
            out.append(f"costs {money_text(best['cost'] - a_cost)} more to develop ({money_text(best['cost'])} vs {money_text(a_cost)})")
        out += [blocked for k, lv in reqs if f.ctx.level(b, k, need) < lv and (blocked := _seat_blockers(f, b, k, lv, need))]
        left = f.scenario.budget.total - float(f.ctx.learning["cost"].sum())
        if best["cost"] > left + 1e-6:
            out.append(f"the budget left ({money_text(left)}) does not pay for it")
        return out
    if category == 2:
        after = earliest - need
        vacancy = pd.notna(f.roles.at[role, "vacancy_quarter"])
        return [f"not ready until {f.label(earliest)} ({after} quarter{'s' if after != 1 else ''} after "
                f"{'the vacancy' if vacancy else 'the end of the horizon'})"]
    horizon = f.problem.horizon
    short = [f"{f.skill_name.get(k, k)} {f.dev.reach(b, k, horizon)} of {lv}" for k, lv in reqs if f.dev.reach(b, k, horizon) < lv]
    out.append("cannot meet every requirement within the horizon (reaches " + ", ".join(short) + ")")
    out += [blocked for k, lv in reqs if f.dev.reach(b, k, horizon) < lv and (blocked := _seat_blockers(f, b, k, lv, horizon))]
    return out


def _explain_runner_up(f: Facts, role: str, entry, best: dict) -> RunnerUp:
    need, reqs = f.need[role], f.reqs(role)
    a, b = entry.employee_id, best["employee_id"]
    ea, eb = f.employees.loc[a], f.employees.loc[b]
    category = best["key"][0]
    earliest = f.dev.ready_quarter(b, reqs)
    gaps = [f.gap(b, k, lv, need) for k, lv in reqs if f.ctx.level(b, k, need) < lv]
    mine = [s for s in f.plan.slates if s.employee_id == b]
    other = [f"{s.role_id}#{s.rank}" for s in mine]
    separates = _readiness_difference(f, role, a, b, best, earliest)
    if entry.rank == 1:
        firsts = [s.role_id for s in mine if s.rank == 1]
        if firsts:
            separates.append(f"already first successor for {', '.join(firsts)}")
    cap = f.scenario.policy.max_slates_per_employee
    if len(mine) >= cap:
        separates.append(f"already on {len(mine)} slates ({', '.join(other)}), the most allowed")
    for text in (
        _compare("performance", int(ea["performance"]), int(eb["performance"])),
        _compare("potential", int(ea["potential"]), int(eb["potential"])),
        _compare("flight risk", float(ea["flight_risk"]), float(eb["flight_risk"]), fmt=lambda x: f"{x:.2f}"),
        _compare("candidate quality", float(f.quality.get(a, 0)), float(f.quality.get(b, 0)), fmt=lambda x: f"{x:.2f}"),
    ):
        if text:
            separates.append(text)
    fit_a, fit_b = (a, role) in f.aspires, (b, role) in f.aspires
    if fit_a != fit_b:
        separates.append("aspires to the role" if fit_b else "does not aspire to the role")

    return RunnerUp(
        employee_id=b, ready_under_plan=category == 0, can_be_ready_by_need=category <= 1,
        earliest_ready_quarter=earliest, earliest_ready_label=f.label(earliest) if earliest is not None else None,
        development_cost_estimate=best["cost"], development=[i for i, _ in best["chain"]], gaps_at_need=gaps,
        performance=int(eb["performance"]), potential=int(eb["potential"]), flight_risk=float(eb["flight_risk"]),
        aspiration_fit=fit_b, quality=float(f.quality.get(b, 0.0)), other_slates=other, separates=separates,
    )


def explain_slates(org: Organisation, scenario: Scenario, plan: Plan) -> list[SlateExplanation]:
    """For each slate entry of ``plan``: readiness path, score components and the runner-up (the best
    eligible candidate not on the slate: ready by the need quarter under the plan first, then those who
    could be made ready by the cheapest development, then those who could be ready only later; ties
    by candidate quality). ``org`` and ``scenario`` are the ones the plan was solved from."""
    f = Facts.of(org, scenario, plan)
    out = []
    by_role: dict[str, list] = defaultdict(list)
    for s in plan.slates:
        by_role[s.role_id].append(s)
    runner: dict[str, Optional[dict]] = {}
    for role, entries in by_role.items():
        runner[role] = _runner_up(f, role, {s.employee_id for s in entries}) if role in f.need else None
    for s in sorted(plan.slates, key=lambda s: (s.role_id, s.rank)):
        role, e = s.role_id, s.employee_id
        need = f.need.get(role, f.problem.horizon)
        emp = f.employees.loc[e]
        steps = readiness_path(f, f.ctx, f.ctx.learning, e, role)
        ready = f.ctx.ready_quarter(e, role)
        gaps_today = [f.gap(e, k, lv) for k, lv in f.reqs(role) if f.reach.level_now(e, k) < lv]
        unmet = [f.gap(e, k, lv, need) for k, lv in f.reqs(role) if f.ctx.level(e, k, need) < lv]
        scores = ScoreComponents(
            development_cost=sum(st.cost for st in steps), ready_quarter=ready,
            ready_label=f.label(ready) if ready is not None else None, quarters_to_ready=ready, need_quarter=need,
            ready_when_needed=ready is not None and ready <= need, performance=int(emp["performance"]),
            potential=int(emp["potential"]), flight_risk=float(emp["flight_risk"]),
            aspiration_fit=(e, role) in f.aspires, quality=float(f.quality.get(e, 0.0)),
        )
        ru = _explain_runner_up(f, role, s, runner[role]) if runner.get(role) else None
        if not gaps_today:
            how = "meets every requirement today"
        elif steps and not unmet:
            how = (f"closes {', '.join(str(g) for g in gaps_today)} through "
                   + ", ".join(f"{st.intervention_id} ({st.start_label}-{st.end_label})" for st in steps)
                   + f" for {money_text(scores.development_cost)}, ready {scores.ready_label}")
        else:
            how = f"is not ready by {f.label(need)}: still short of {', '.join(str(g) for g in unmet)}"
        summary = (f"{e} is #{s.rank} for {role} ({f.roles.at[role, 'title']}, needed {f.label(need)}): {how}; "
                   f"performance {scores.performance}, potential {scores.potential}, flight risk {scores.flight_risk:.2f}"
                   f"{', aspires to it' if scores.aspiration_fit else ''}.")
        if ru:
            summary += f" Runner-up {ru.employee_id}: " + "; ".join(ru.separates) + "."
        out.append(SlateExplanation(
            role_id=role, role_title=str(f.roles.at[role, "title"]), rank=s.rank, employee_id=e, need_quarter=need,
            need_label=f.label(need), gaps_today=gaps_today, readiness_path=steps, unmet_at_need=unmet, scores=scores,
            runner_up=ru, summary=summary,
        ))
    return out


# ==========================================================================================
# Why not covered
# ==========================================================================================
