"""Why a critical role is not covered: the first reason that holds, with its evidence (see the package docstring)."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Optional


from planner.evaluation.replay import PlanContext
from planner.contract.domain import Organisation
from planner.problem.eligibility import Ineligible, feeding_families, why_ineligible
from planner.contract.plan import Plan
from planner.contract.scenario import Scenario
from planner.analyses.explain.models import CandidateReach, HoursBind, SeatBind, SkillShortfall, UncoveredReason, money_text
from planner.analyses.explain.facts import Facts
from planner.analyses.explain.slates import readiness_path
from planner.analyses.explain.resolve import Outcome, Resolver


def _excluded(f: Facts, role: str) -> dict[str, int]:
    """Why each employee is off the role's candidate list (first reason that applies, in the words of
    planner.problem.eligibility; then a veto)."""
    policy = f.scenario.policy
    r = f.roles.loc[role]
    feeds = feeding_families(f.org)
    need = f.need[role]
    words = {
        Ineligible.INCUMBENT: "incumbent",
        Ineligible.NOT_OPEN_TO_MOVE: "not open to move",
        Ineligible.TOO_FAR_BELOW: f"more than {policy.max_level_jump} grade(s) below",
        Ineligible.TOO_FAR_ABOVE: f"more than {policy.max_level_drop} grade(s) above",
        Ineligible.FAMILY: "family does not feed the role's",
        Ineligible.LEAVES: "leaves before it is needed",
    }
    counts: dict[str, int] = defaultdict(int)
    for e, emp in f.employees.iterrows():
        own = f.roles.loc[emp["role_id"]]
        reasons = why_ineligible(policy, feeds, incumbent=r["incumbent_id"] == e, open_to_move=bool(emp["open_to_move"]),
                                 grade_step=int(r["level"]) - int(own["level"]), own_family=own["family"], family=r["family"],
                                 leave_quarter=emp["leave_quarter"], need_quarter=need)
        if reasons:
            counts[words[reasons[0]]] += 1
        elif (e, role) in f.vetoed:
            counts["vetoed"] += 1
    return dict(counts)


def _check_reachable(f: Facts, role: str, base: dict) -> Optional[UncoveredReason]:
    need, reqs = f.need[role], f.reqs(role)
    cands = f.candidates(role)
    if not cands:
        excluded = _excluded(f, role)
        detail = ", ".join(f"{n} {why}" for why, n in sorted(excluded.items(), key=lambda x: -x[1]))
        return UncoveredReason(**base, reason="NO_CANDIDATE", excluded=excluded,
                               message=f"nobody is eligible for the slate ({detail}).")
    table = []
    for e in cands:
        levels = {k: f.reach.reach(e, k, need) for k, _ in reqs}
        table.append(CandidateReach(employee_id=e, reach=levels, shortfall=sum(max(0, lv - levels[k]) for k, lv in reqs)))
    if any(c.shortfall == 0 for c in table):
        return None
    quality = lambda e: float(f.quality.get(e, 0.0))  # noqa: E731
    table.sort(key=lambda c: (c.shortfall, -quality(c.employee_id), c.employee_id))
    shortfalls = []
    for k, lv in reqs:
        top = max(table, key=lambda c: (c.reach[k], quality(c.employee_id)))
        shortfalls.append(SkillShortfall(skill_id=k, skill=f.skill_name.get(k, k), required=lv, best_level=top.reach[k],
                                         best_candidate=top.employee_id))
    nobody = [s for s in shortfalls if s.best_level < s.required]
    closest = table[0]
    by = f.label(need)
    if nobody:
        s = nobody[0]
        k, who, got, lv = s.skill_id, s.best_candidate, s.best_level, s.required
        message = (f"no eligible candidate can reach {s.skill} {lv} by {by}, whatever the budget, seats or hours: "
                   f"{k}: best candidate {who} reaches {got} of {lv} by {by}")
        if len(nobody) > 1:
            message += "; also " + "; ".join(f"{x.skill_id}: best {x.best_candidate} reaches {x.best_level} of {x.required}"
                                             for x in nobody[1:])
    else:
        who = closest.employee_id
        short = [(k, lv) for k, lv in reqs if closest.reach[k] < lv]
        k, lv = short[0]
        got = closest.reach[k]
        message = (f"no eligible candidate can meet every requirement by {by}, whatever the budget, seats or hours "
                   f"(each skill alone is reachable by someone); the closest, {who}, reaches "
                   + ", ".join(f"{kk} {closest.reach[kk]} of {ll}" for kk, ll in short))
    excluded = _excluded(f, role)
    message += f" ({len(cands)} eligible candidate{'s' if len(cands) != 1 else ''} checked"
    if excluded.get("vetoed") or excluded.get("leaves before it is needed"):
        message += "; excluded: " + ", ".join(f"{n} {why}" for why, n in sorted(excluded.items(), key=lambda x: -x[1]))
    message += ")."
    return UncoveredReason(**base, reason="UNREACHABLE", message=message, skill_id=k, best_candidate=who,
                           reached_level=got, required_level=lv, shortfalls=shortfalls, candidates=table,
                           excluded=excluded)


def _capacity(f: Facts, res: Resolver, role: str, u1: Outcome, base: dict, solves: list) -> UncoveredReason:
    plan = u1.plan
    learning = plan.learning_df()
    first = next(s.employee_id for s in plan.slates if s.role_id == role and s.rank == 1)
    ctx = PlanContext(f.org, f.scenario, plan.slates_df(), learning)
    path = readiness_path(f, ctx, learning, first, role)
    path_keys = {(first, st.intervention_id, st.start_quarter) for st in path}
    path_people = {first}
    infos = f.problem.interventions
    # seats: (intervention, quarter) where the relaxed plan starts more than the real seats
    starts = learning.groupby(["intervention_id", "start_quarter"]).size()
    over_seats = {(i, int(q)): int(n) for (i, q), n in starts.items()
                  if infos[i].seats is not None and n > infos[i].seats}
    # hours: (employee, quarter) where the relaxed plan needs more than their real hours
    load: dict[tuple[str, int], float] = defaultdict(float)
    for row in learning.itertuples(index=False):
        for q in range(int(row.start_quarter), int(row.end_quarter) + 1):
            load[(row.employee_id, q)] += infos[row.intervention_id].hours
    cap = f.employees["learning_hours_per_quarter"]
    over_hours = {key: h for key, h in load.items() if h > float(cap[key[0]]) + 1e-9}

    on_path_seats = {(i, q): n for (i, q), n in over_seats.items()
                     if any(i == pi and q == pq for _, pi, pq in path_keys)}
    on_path_hours = {(e, q): h for (e, q), h in over_hours.items() if e in path_people}
    named_seats = on_path_seats or over_seats
    named_hours = on_path_hours or ({} if on_path_seats else over_hours)
    seat_ids = sorted({i for i, _ in named_seats})
    people = sorted({e for e, _ in named_hours})
    verify = res.run(budget=res.unlimited, per_quarter=None, seats=seat_ids, hours=people,
                     what=f"unlimited budget, seats freed on {', '.join(seat_ids) or 'none'}, hours raised for {', '.join(people) or 'none'}")
    solves.append(verify.evidence(role))
    verified = role in verify.covered
    if not verified and (seat_ids or people):
        # fall back to what kind of capacity binds, each checked by its own re-solve
        s_all = res.run(budget=res.unlimited, per_quarter=None, seats="all", what="unlimited budget and seats")
        h_all = res.run(budget=res.unlimited, per_quarter=None, hours="all", what="unlimited budget and learning hours")
        solves += [s_all.evidence(role), h_all.evidence(role)]
        named_seats = over_seats if role in s_all.covered or role not in h_all.covered else {}
        named_hours = over_hours if role in h_all.covered or role not in s_all.covered else {}
    seats = [SeatBind(intervention_id=i, seats_per_quarter=int(infos[i].seats), quarter_label=f.label(q), starts_needed=n)
             for (i, q), n in sorted(named_seats.items())]
    hours = [HoursBind(employee_id=e, hours_per_quarter=float(cap[e]), quarter_label=f.label(q), hours_needed=h)
             for (e, q), h in sorted(named_hours.items())]
    parts = []
    if seats:
        parts.append("seats bind: " + "; ".join(f"{s.intervention_id} has {s.seats_per_quarter} seat(s) a quarter but the "
                                                f"plan that covers it needs {s.starts_needed} starts in {s.quarter_label}"
                                                for s in seats))
    if hours:
        parts.append("learning hours bind: " + "; ".join(f"{h.employee_id} has {h.hours_per_quarter:g} h a quarter but the "
                                                         f"plan that covers it needs {h.hours_needed:g} in {h.quarter_label}"
                                                         for h in hours))
    check = ("a re-solve freeing only these covers it" if verified else
             "freeing only these was not enough in a re-solve; the kinds named are those whose relaxation covers it")
    message = ("unlimited budget does not cover it, unlimited budget with unlimited seats and learning hours does: "
               + "; ".join(parts or ["seats and learning hours together"]) + f" ({check}).")
    return UncoveredReason(**base, reason="CAPACITY", message=message, seats=seats, hours=hours,
                           capacity_verified=verified, solves=solves)


def _forced(f: Facts, res: Resolver, role: str, u1: Outcome, base: dict, solves: list) -> UncoveredReason:
    relax = dict(budget=res.unlimited, per_quarter=None, seats="all", hours="all")
    forced = res.run(**relax, force=role, what="unlimited budget, seats and hours, with the role required to be covered")
    solves.append(forced.evidence(role))
    if role in forced.covered:
        plan = forced.plan
        first = next(s.employee_id for s in plan.slates if s.role_id == role and s.rank == 1)
        learning = plan.learning_df()
        ctx = PlanContext(f.org, f.scenario, plan.slates_df(), learning)
        cost = sum(st.cost for st in readiness_path(f, ctx, learning, first, role))
        ext = float(f.roles.at[role, "external_hire_cost"])
        # the forced plan's objective on the real data: covered, so this role's external cost does not appear
        delta = (plan.kpis.objective or 0.0) - (u1.plan.kpis.objective or 0.0)
        lost = sorted(u1.covered - forced.covered)
        if lost:
            was_first = [r for r in lost if any(s.role_id == r and s.rank == 1 and s.employee_id == first for s in u1.plan.slates)]
            who = f"{first}, who would cover it, is the first successor for {', '.join(was_first)} otherwise; " if was_first else ""
            message = (f"even with unlimited budget, seats and hours it is left uncovered because covering it takes the "
                       f"people another role needs: {who}covering it uncovers {', '.join(lost)} (checked by re-solving "
                       f"with the role required to be covered).")
            return UncoveredReason(**base, reason="COMPETITION", message=message, displaced_roles=lost,
                                   development_cost=cost, objective_change=round(delta, 2), solves=solves)
        message = (f"covering it is possible ({first}, for {money_text(cost)} of development) but not worth it to the "
                   f"objective: the plan that covers it is {money_text(delta)} worse than hiring externally "
                   f"({money_text(ext)} x external_hire weight {f.scenario.weights.external_hire:g}), even with unlimited "
                   f"budget, seats and hours.")
        return UncoveredReason(**base, reason="ECONOMICS", message=message, development_cost=cost,
                               objective_change=round(delta, 2), solves=solves)
    sc = f.scenario
    if sc.pins or sc.vetoes or sc.locks:
        free = res.run(**relax, force=role, overrides=False, what="as above, without the scenario's pins, vetoes and locks")
        solves.append(free.evidence(role))
        if role in free.covered:
            firsts = {s.employee_id for s in free.plan.slates if s.role_id == role and s.rank == 1}
            involved = [o.label() for o in [*sc.pins, *sc.vetoes]
                        if o.role_id == role or o.employee_id in firsts]
            involved += [lk.label() for lk in sc.locks if lk.employee_id in firsts]
            involved = involved or [o.label() for o in [*sc.pins, *sc.vetoes, *sc.locks]]
            return UncoveredReason(**base, reason="OVERRIDES", overrides=involved, solves=solves,
                                   message="only dropping the scenario's overrides lets it be covered: " + "; ".join(involved) + ".")
    return UncoveredReason(**base, reason="UNRESOLVED", solves=solves,
                           message=f"no re-solve covered it, even with unlimited budget, seats and hours and the role "
                                   f"required (status {forced.plan.kpis.status}); try a longer solver time limit.")


def _budget(f: Facts, res: Resolver, role: str, u0: Outcome, base: dict, solves: list,
            rel_tol: float, abs_tol: float) -> UncoveredReason:
    now = f.scenario.budget.total
    pq = f.scenario.budget.per_quarter
    hi = max(u0.plan.kpis.training_cost, now)
    cap_note = ""
    if hi <= now + 1e-6 and pq is None:
        return UncoveredReason(**base, reason="ALTERNATIVE", solves=solves, budget_now=now, budget_needed=now, extra_budget=0.0,
                               message=f"a re-solve with unlimited budget covers it while spending only "
                                       f"{money_text(u0.plan.kpis.training_cost)}, within the budget: the plan chose an "
                                       f"equally good alternative or stopped at its time limit.")
    top = res.run(budget=hi, per_quarter=pq, what=f"budget {money_text(hi)}")
    solves.append(top.evidence(role))
    if role not in top.covered and pq is not None:
        top = res.run(budget=hi, per_quarter=None, what=f"budget {money_text(hi)}, no per-quarter cap")
        solves.append(top.evidence(role))
        if role in top.covered:
            pq = None
            cap_note = f" and lifting the per-quarter cap of {money_text(f.scenario.budget.per_quarter)}"
    if role not in top.covered:
        hi, top = res.unlimited, u0
    lo = now
    tol = lambda: max(abs_tol, rel_tol * hi)  # noqa: E731
    while hi - lo > tol():
        mid = float(math.floor((lo + hi) / 2))
        # reuse a cached re-solve in the middle half of the interval when there is one
        near = [(b, o) for b, o in res.known(pq, lo, hi) if abs(b - (lo + hi) / 2) <= (hi - lo) / 4]
        if near:
            b, o = min(near, key=lambda x: abs(x[0] - (lo + hi) / 2))
        else:
            b, o = mid, res.run(budget=mid, per_quarter=pq, what=f"budget {money_text(mid)}")
        solves.append(o.evidence(role))
        if role in o.covered:
            hi = b
        else:
            lo = b
    extra = hi - now
    if cap_note and hi <= now:
        message = (f"the per-quarter budget cap of {money_text(f.scenario.budget.per_quarter)} binds: without it, a re-solve "
                   f"within today's total of {money_text(now)} covers it.")
    else:
        message = (f"the budget binds: with unlimited budget it is covered; re-solves find it covered from a budget of "
                   f"about {money_text(hi)}, i.e. about {money_text(extra)} more than today's {money_text(now)}{cap_note} "
                   f"(not covered at {money_text(lo)}; tolerance {money_text(tol())}).")
    return UncoveredReason(**base, reason="BUDGET", message=message, budget_now=now, budget_needed=hi, extra_budget=extra,
                           tolerance=tol(), solves=solves)


def explain_uncovered(org: Organisation, scenario: Scenario, plan: Plan, time_limit_seconds: Optional[float] = None,
                      rel_tol: float = 0.01, abs_tol: float = 100.0) -> list[UncoveredReason]:
    """For each critical role whose first successor is not ready when it is needed, the reason, checked by
    computation and re-solves (see the module docstring for the order). ``rel_tol`` / ``abs_tol``: the
    budget bisection stops when the interval is within max(abs_tol, rel_tol x budget)."""
    f = Facts.of(org, scenario, plan)
    covered = {r for r in f.need for s in plan.slates
               if s.role_id == r and s.rank == 1 and (q := f.ctx.ready_quarter(s.employee_id, r)) is not None and q <= f.need[r]}
    uncovered = [r for r in f.need if r not in covered]
    res = Resolver(org, scenario, time_limit_seconds)
    out: dict[str, UncoveredReason] = {}
    pending = []
    for r in uncovered:
        base = dict(role_id=r, role_title=str(f.roles.at[r, "title"]), need_quarter=f.need[r], need_label=f.label(f.need[r]))
        found = _check_reachable(f, r, base)
        if found:
            out[r] = found
        else:
            pending.append((r, base))
    if pending:
        u0 = res.run(budget=res.unlimited, per_quarter=None, what="unlimited budget")
        late = [(r, b) for r, b in pending if r not in u0.covered]
        u1 = res.run(budget=res.unlimited, per_quarter=None, seats="all", hours="all",
                     what="unlimited budget, seats and learning hours") if late else None
        for r, base in pending:
            solves = [u0.evidence(r)]
            if r in u0.covered:
                out[r] = _budget(f, res, r, u0, base, solves, rel_tol, abs_tol)
                continue
            solves.append(u1.evidence(r))
            if r in u1.covered:
                out[r] = _capacity(f, res, r, u1, base, solves)
            else:
                out[r] = _forced(f, res, r, u1, base, solves)
    return [out[r] for r in uncovered]


# ==========================================================================================
# Marginal value of money
# ==========================================================================================
