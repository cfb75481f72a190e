"""Why this successor, why a role is not covered, and what more money would buy.

Three questions leadership asks of a plan, each answered from computation, never guessed:

- :func:`explain_slates`: for every slate entry, the person's readiness path (which of the plan's
  interventions close which requirement gap, and when), their score components, and the best
  eligible candidate left off the slate with what separates the two.
- :func:`explain_uncovered`: for every critical role whose first successor is not ready when it falls
  vacant, the reason, found in this order:

  1. ``NO_CANDIDATE``: nobody is eligible (counts of why each person is excluded).
  2. ``UNREACHABLE``: from the catalogue alone (no budget, seat or hour limits; prerequisite chains,
     durations and start windows respected) no eligible candidate can reach every required level by
     the quarter the role is needed; names the skill and the best candidate's shortfall.
  3. ``BUDGET``: a re-solve with unlimited budget covers it; bisection on ``budget.total`` (a few
     re-solves) finds about how much more budget covers it.
  4. ``CAPACITY``: unlimited budget does not cover it, but unlimited budget plus unlimited seats and
     learning hours does; the seats (of which interventions) and hours (of which people) that bind are
     named and confirmed by a re-solve that frees only those.
  5. ``COMPETITION`` / ``ECONOMICS``: even with everything relaxed the optimiser leaves it uncovered,
     but a re-solve that makes covering it compulsory (its external hire cost raised to a prohibitive
     figure) covers it: either another role then loses its ready successor (``COMPETITION``: the
     same people are needed there) or nothing is lost and developing someone costs more than it is
     worth to the objective (``ECONOMICS``).
  6. ``OVERRIDES``: only dropping the scenario's pins, vetoes and locks lets it be covered.
  7. ``UNRESOLVED``: none of the above re-solves covers it (e.g. the solver's time limit); the
     evidence is still reported.

  Every reason carries its evidence: the reach table or the re-solves made (budget, what was
  relaxed, status, whether the role was covered, KPIs).
- :func:`marginal_value_of_money`: re-solves with the budget raised by 10%, 25% and 50%.

All re-solves go through :func:`planner.solve` on copies of the organisation and scenario, with the
scenario's solver settings (or ``time_limit_seconds`` when given).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal, Optional, Sequence

import pandas as pd
from pydantic import BaseModel, Field

from planner.evaluation.checker import PlanContext
from planner.contract.domain import Organisation
from planner.problem.eligibility import Ineligible, feeding_families, why_ineligible
from planner.problem.instance import InterventionInfo, Problem, build_problem, last_start
from planner.contract.plan import Plan
from planner.contract.scenario import Budget, Scenario
from planner.inputs.checks import replace_tables
from planner.problem.scoring import aspiration_pairs, candidate_quality, need_quarter

INF = math.inf
Target = tuple[str, int]


def _money(x: float) -> str:
    return f"{x:,.0f}"


# ==========================================================================================
# Output models
# ==========================================================================================


class Gap(BaseModel):
    """A requirement the person does not meet (today, or at the need quarter)."""

    skill_id: str = Field(description="Skill.")
    skill: str = Field(description="Skill name.")
    level: int = Field(description="The person's level (today, or at the quarter stated).")
    required: int = Field(description="Level the role requires.")

    def __str__(self) -> str:
        return f"{self.skill} {self.level}->{self.required}"


class SkillChange(BaseModel):
    skill_id: str = Field(description="Skill raised.")
    skill: str = Field(description="Skill name.")
    from_level: int = Field(description="Level when the intervention starts.")
    to_level: int = Field(description="Level from the quarter after it ends.")


class PathStep(BaseModel):
    """One intervention of the plan on a person's way to readiness for a role."""

    intervention_id: str = Field(description="Intervention taken.")
    name: str = Field(description="Its name.")
    kind: str = Field(description="course, certification, mentoring, ...")
    start_quarter: int = Field(description="Quarter it starts (its cost is paid then).")
    end_quarter: int = Field(description="Last quarter it runs.")
    start_label: str = Field(description="start_quarter as a calendar quarter.")
    end_label: str = Field(description="end_quarter as a calendar quarter.")
    counts_from_label: str = Field(description="Calendar quarter from whose start the new levels count.")
    cost: float = Field(description="Cost paid, money units.")
    raises: list[SkillChange] = Field(default_factory=list, description="Skills it raises, from -> to.")
    closes: list[Gap] = Field(default_factory=list, description="Requirement gaps of the role it closes (today's level -> required).")
    enables: list[str] = Field(default_factory=list, description="Interventions of the path it is a prerequisite for.")

    def __str__(self) -> str:
        what = ", ".join(f"{c.skill} {c.from_level}->{c.to_level}" for c in self.raises) or "no level change"
        why = "; closes " + ", ".join(f"{g.skill} gap (needs {g.required})" for g in self.closes) if self.closes else ""
        pre = "; prerequisite for " + ", ".join(self.enables) if self.enables else ""
        return f"{self.intervention_id} {self.name} {self.start_label}-{self.end_label} ({_money(self.cost)}): {what}{why}{pre}"


class ScoreComponents(BaseModel):
    """What the optimiser weighs for one slate entry."""

    development_cost: float = Field(
        description="Cost of the plan's interventions on this person's path to this role (gap-closing ones and their "
        "prerequisites; an intervention that serves two roles counts in both)."
    )
    ready_quarter: Optional[int] = Field(
        default=None,
        description="First quarter the person meets every requirement (plan replayed); empty = not in the horizon.",
    )
    ready_label: Optional[str] = Field(default=None, description="ready_quarter as a calendar quarter.")
    quarters_to_ready: Optional[int] = Field(
        default=None,
        description="Quarters from the start of the horizon until ready (0 = ready now).",
    )
    need_quarter: int = Field(description="Quarter the role needs its successor ready (vacancy, or the horizon's end).")
    ready_when_needed: bool = Field(description="ready_quarter <= need_quarter.")
    performance: int = Field(description="Performance rating, 1-5.")
    potential: int = Field(description="Potential rating, 1-3.")
    flight_risk: float = Field(description="Annual probability of leaving.")
    aspiration_fit: bool = Field(description="The person aspires to this role or its family.")
    quality: float = Field(description="Candidate quality 0-1 (planner.problem.scoring.candidate_quality).")


class RunnerUp(BaseModel):
    """The best eligible candidate not on the slate."""

    employee_id: str = Field(description="Who.")
    ready_under_plan: bool = Field(description="Ready by the need quarter with the plan's learning as it stands.")
    can_be_ready_by_need: bool = Field(description="Could be ready by the need quarter with the catalogue (ignoring budget, seats and hours).")
    earliest_ready_quarter: Optional[int] = Field(
        default=None,
        description="Earliest quarter the catalogue could make them ready; empty = never in the horizon.",
    )
    earliest_ready_label: Optional[str] = Field(default=None, description="earliest_ready_quarter as a calendar quarter.")
    development_cost_estimate: Optional[float] = Field(
        default=None,
        description="Cheapest development that makes them ready by the need quarter (per gap the cheapest prerequisite "
        "chain, shared interventions counted once; budget, seats and hours ignored); 0 if ready under the plan.",
    )
    development: list[str] = Field(default_factory=list, description="Interventions of that cheapest development.")
    gaps_at_need: list[Gap] = Field(default_factory=list, description="Requirements unmet at the need quarter under the plan.")
    performance: int = Field(description="Performance rating, 1-5.")
    potential: int = Field(description="Potential rating, 1-3.")
    flight_risk: float = Field(description="Annual probability of leaving.")
    aspiration_fit: bool = Field(description="Aspires to this role or its family.")
    quality: float = Field(description="Candidate quality 0-1.")
    other_slates: list[str] = Field(default_factory=list, description="Slates the runner-up already sits on (role#rank).")
    separates: list[str] = Field(default_factory=list, description="What separates them from the slate entry, in plain words.")


class SlateExplanation(BaseModel):
    """Why this person holds this position on this slate."""

    role_id: str = Field(description="Critical role.")
    role_title: str = Field(description="Its title.")
    rank: int = Field(description="Slate position.")
    employee_id: str = Field(description="Successor.")
    need_quarter: int = Field(description="Quarter the role needs its successor.")
    need_label: str = Field(description="need_quarter as a calendar quarter.")
    gaps_today: list[Gap] = Field(default_factory=list, description="Requirements not met today.")
    readiness_path: list[PathStep] = Field(
        default_factory=list,
        description="The plan's interventions that close the gaps, in start order.",
    )
    unmet_at_need: list[Gap] = Field(default_factory=list, description="Requirements still unmet at the need quarter.")
    scores: ScoreComponents = Field(description="Score components.")
    runner_up: Optional[RunnerUp] = Field(default=None, description="Best eligible candidate not on the slate; empty if there is none.")
    summary: str = Field(description="One paragraph in plain words.")


ReasonCode = Literal["NO_CANDIDATE", "UNREACHABLE", "BUDGET", "CAPACITY", "COMPETITION", "ECONOMICS", "OVERRIDES",
                     "ALTERNATIVE", "UNRESOLVED"]


class SkillShortfall(BaseModel):
    skill_id: str = Field(description="Required skill.")
    skill: str = Field(description="Skill name.")
    required: int = Field(description="Level the role requires.")
    best_level: int = Field(description="Highest level any eligible candidate can reach by the need quarter.")
    best_candidate: Optional[str] = Field(default=None, description="Who reaches it.")


class CandidateReach(BaseModel):
    employee_id: str = Field(description="Eligible candidate.")
    reach: dict[str, int] = Field(description="skill_id -> highest level reachable by the need quarter (catalogue only).")
    shortfall: int = Field(description="Sum over requirements of the levels still missing at the need quarter.")


class SeatBind(BaseModel):
    intervention_id: str = Field(description="Intervention whose seats bind.")
    seats_per_quarter: int = Field(description="Its seats per quarter.")
    quarter_label: str = Field(description="Quarter the relaxed plan needs more starts than seats.")
    starts_needed: int = Field(description="Starts the relaxed plan makes in that quarter.")


class HoursBind(BaseModel):
    employee_id: str = Field(description="Person whose learning hours bind.")
    hours_per_quarter: float = Field(description="Their learning hours per quarter.")
    quarter_label: str = Field(description="Quarter the relaxed plan needs more hours.")
    hours_needed: float = Field(description="Hours the relaxed plan gives them in that quarter.")


class SolveEvidence(BaseModel):
    """One re-solve made to check a reason."""

    what: str = Field(description="What was changed, in words.")
    budget: float = Field(description="budget.total used.")
    status: str = Field(description="Solver status.")
    role_covered: bool = Field(description="Whether the role in question was covered.")
    covered_roles: int = Field(description="Critical roles covered.")
    training_cost: float = Field(description="Training spend of the re-solved plan.")
    total_cost: float = Field(description="Training + external hire cost of the re-solved plan.")


class UncoveredReason(BaseModel):
    """Why a critical role has no ready first successor when it falls vacant, with the evidence."""

    role_id: str = Field(description="Critical role.")
    role_title: str = Field(description="Its title.")
    need_quarter: int = Field(description="Quarter the role needs its successor.")
    need_label: str = Field(description="need_quarter as a calendar quarter.")
    reason: ReasonCode = Field(description="Reason code (see the module docstring for the order of checks).")
    message: str = Field(description="The reason in plain words, with its numbers.")
    skill_id: Optional[str] = Field(default=None, description="UNREACHABLE: the skill nobody (or the best candidate) can reach.")
    best_candidate: Optional[str] = Field(default=None, description="UNREACHABLE: the candidate closest to meeting every requirement.")
    reached_level: Optional[int] = Field(default=None, description="UNREACHABLE: the level the best candidate reaches in that skill.")
    required_level: Optional[int] = Field(default=None, description="UNREACHABLE: the level required.")
    shortfalls: list[SkillShortfall] = Field(
        default_factory=list,
        description="UNREACHABLE: per required skill, the best any candidate reaches.",
    )
    candidates: list[CandidateReach] = Field(default_factory=list, description="UNREACHABLE: each eligible candidate's reach.")
    excluded: dict[str, int] = Field(
        default_factory=dict, description="NO_CANDIDATE / UNREACHABLE: people off the candidate list, by reason."
    )
    seats: list[SeatBind] = Field(default_factory=list, description="CAPACITY: seats that bind.")
    hours: list[HoursBind] = Field(default_factory=list, description="CAPACITY: learning hours that bind.")
    capacity_verified: Optional[bool] = Field(
        default=None, description="CAPACITY: a re-solve freeing only the named seats and hours covers the role."
    )
    budget_now: Optional[float] = Field(default=None, description="BUDGET: the scenario's budget.")
    budget_needed: Optional[float] = Field(default=None, description="BUDGET: smallest budget found that covers the role.")
    extra_budget: Optional[float] = Field(default=None, description="BUDGET: budget_needed - budget_now.")
    tolerance: Optional[float] = Field(default=None, description="BUDGET: bisection tolerance (the answer is within it).")
    displaced_roles: list[str] = Field(
        default_factory=list,
        description="COMPETITION: roles that lose their ready successor when this one is covered.",
    )
    development_cost: Optional[float] = Field(
        default=None,
        description="COMPETITION/ECONOMICS: cost of developing the successor who would cover it.",
    )
    objective_change: Optional[float] = Field(
        default=None,
        description="COMPETITION/ECONOMICS: objective with the role covered minus without (> 0: worse).",
    )
    overrides: list[str] = Field(default_factory=list, description="OVERRIDES: the pins, vetoes and locks involved.")
    solves: list[SolveEvidence] = Field(default_factory=list, description="Re-solves made to check the reason.")


# ==========================================================================================
# The catalogue alone: what development could achieve, ignoring budget, seats and hours
# ==========================================================================================


class _Reach:
    """Earliest levels and cheapest development from the intervention catalogue, per employee.

    Respects start windows, durations, prerequisite chains (each effect's min_level), the horizon and
    a known leave_quarter; ignores budget, seats and learning hours. A level counts from the quarter
    after an intervention ends, as in the model and the checker. With ``personal`` it also drops, per
    person, interventions they can never take: more hours a quarter than they have, or no seats at all
    (as the model does); shared limits (budget, seats taken by others) stay ignored."""

    def __init__(self, problem: Problem, org: Organisation, personal: bool = False):
        self.problem = problem
        self.personal = personal
        self.horizon = problem.horizon
        self.leave = org.employees.set_index("employee_id")["leave_quarter"].dropna().astype(int).to_dict()
        self.by_skill: dict[str, list[tuple[InterventionInfo, int]]] = defaultdict(list)
        for info in problem.interventions.values():
            for k, _, to in info.effects:
                self.by_skill[k].append((info, to))
        self._earliest: dict[str, dict[Target, int]] = {}
        self._cheapest: dict[tuple[str, str, int, int], Optional[frozenset]] = {}

    def level_now(self, e: str, k: str) -> int:
        return self.problem.level_now(e, k)

    def usable(self, e: str, info: InterventionInfo) -> bool:
        return not self.personal or (info.hours <= self.problem.hours.get(e, 0.0) and info.seats != 0)

    def _last_start(self, e: str, info: InterventionInfo, finish_by: int) -> int:
        return last_start(info, finish_by, self.horizon, self.leave.get(e)) if self.usable(e, info) else -1

    def earliest(self, e: str) -> dict[Target, int]:
        """(skill, level) -> earliest quarter at whose start ``e`` can hold it (levels above today's only)."""
        if e in self._earliest:
            return self._earliest[e]
        avail: dict[Target, int] = {}

        def get(k: str, lv: int) -> float:
            return 0 if self.level_now(e, k) >= lv else avail.get((k, lv), INF)

        changed = True
        while changed:
            changed = False
            for info in self.problem.interventions.values():
                if not info.effects:
                    continue
                t0 = max([info.earliest] + [get(k, lo) for k, lo, _ in info.effects])
                if t0 == INF or t0 > self._last_start(e, info, self.horizon):
                    continue
                done = int(t0) + info.duration
                for k, _, to in info.effects:
                    for lv in range(self.level_now(e, k) + 1, to + 1):
                        if done < avail.get((k, lv), INF):
                            avail[(k, lv)] = done
                            changed = True
        self._earliest[e] = avail
        return avail

    def reach(self, e: str, k: str, by: int) -> int:
        """Highest level of ``k`` that ``e`` can hold at the start of quarter ``by``."""
        avail = self.earliest(e)
        best = self.level_now(e, k)
        for lv in range(best + 1, 6):
            if avail.get((k, lv), INF) <= by:
                best = lv
        return best

    def ready_quarter(self, e: str, reqs: list[Target]) -> Optional[int]:
        """Earliest quarter ``e`` can meet every requirement; None if not within the horizon."""
        q = max([0] + [0 if self.level_now(e, k) >= lv else self.earliest(e).get((k, lv), INF) for k, lv in reqs])
        return int(q) if q <= self.horizon else None

    def cheapest_chain(self, e: str, k: str, lv: int, by: int) -> Optional[frozenset]:
        """Cheapest set of (intervention, start) giving ``e`` level ``lv`` of ``k`` by the start of ``by``."""
        if self.level_now(e, k) >= lv:
            return frozenset()
        key = (e, k, lv, by)
        if key in self._cheapest:
            return self._cheapest[key]
        best, best_cost = None, INF
        for info, to in self.by_skill.get(k, ()):
            if to < lv:
                continue
            s = self._last_start(e, info, by)  # the latest start leaves most time for prerequisites
            if s < info.earliest:
                continue
            chosen = {(info.intervention_id, s)}
            for k2, lo, _ in info.effects:
                if self.level_now(e, k2) < lo:
                    sub = self.cheapest_chain(e, k2, lo, s)
                    if sub is None:
                        break
                    chosen |= sub
            else:
                cost = self.cost_of(chosen)
                if cost < best_cost:
                    best, best_cost = frozenset(chosen), cost
        self._cheapest[key] = best
        return best

    def cost_of(self, chosen) -> float:
        return sum(self.problem.interventions[i].cost for i in {i for i, _ in chosen})

    def cheapest(self, e: str, reqs: list[Target], by: int) -> Optional[tuple[float, list[tuple[str, int]]]]:
        """(cost, [(intervention, start)]) of the cheapest development meeting every requirement by ``by``."""
        chosen: set = set()
        for k, lv in reqs:
            chain = self.cheapest_chain(e, k, lv, by)
            if chain is None:
                return None
            chosen |= chain
        first: dict[str, int] = {}
        for i, s in chosen:
            first[i] = min(first.get(i, s), s)
        return self.cost_of(chosen), sorted(first.items(), key=lambda x: (x[1], x[0]))


# ==========================================================================================
# Shared facts
# ==========================================================================================


@dataclass
class _Facts:
    org: Organisation
    scenario: Scenario
    plan: Plan
    ctx: PlanContext
    problem: Problem
    reach: _Reach  # the catalogue alone
    dev: _Reach  # the catalogue, less what each person can never take (their hours, zero seats)
    need: dict[str, int]
    skill_name: dict[str, str]
    roles: pd.DataFrame
    employees: pd.DataFrame
    quality: pd.Series
    aspires: set
    vetoed: set

    @classmethod
    def of(cls, org: Organisation, scenario: Scenario, plan: Plan) -> "_Facts":
        ctx = PlanContext(org, scenario, plan.slates_df(), plan.learning_df())
        problem = build_problem(org, scenario)
        return cls(
            org=org, scenario=scenario, plan=plan, ctx=ctx, problem=problem, reach=_Reach(problem, org),
            dev=_Reach(problem, org, personal=True),
            need={r: int(q) for r, q in problem.need.items()},
            skill_name=dict(zip(org.skills["skill_id"], org.skills["name"])),
            roles=org.roles.set_index("role_id"), employees=org.employees.set_index("employee_id"),
            quality=candidate_quality(org.employees), aspires=aspiration_pairs(org.employees, org.roles),
            vetoed={(v.employee_id, v.role_id) for v in scenario.vetoes},
        )

    def label(self, q: int) -> str:
        return self.scenario.quarter_label(q)

    def candidates(self, role: str) -> list[str]:
        """Eligible for the role's slate: eligible pairs of the problem, vetoes removed."""
        pairs = self.problem.pairs
        return [e for e in pairs.loc[pairs["role_id"] == role, "employee_id"] if (e, role) not in self.vetoed]

    def gap(self, e: str, k: str, lv: int, at: Optional[int] = None) -> Gap:
        have = self.reach.level_now(e, k) if at is None else self.ctx.level(e, k, at)
        return Gap(skill_id=k, skill=self.skill_name.get(k, k), level=have, required=lv)

    def reqs(self, role: str) -> list[Target]:
        return self.ctx.requirements.get(role, [])


def _rank_one_ready(plan: Plan, need: dict[str, int]) -> set[str]:
    """Roles whose first successor is ready by the need quarter in ``plan``."""
    return {s.role_id for s in plan.slates
            if s.rank == 1 and s.ready_quarter is not None and s.role_id in need and s.ready_quarter <= need[s.role_id]}


def _path(f: _Facts, ctx: PlanContext, learning: pd.DataFrame, e: str, role: str) -> list[PathStep]:
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


def _seat_blockers(f: _Facts, e: str, k: str, lv: int, need: int) -> Optional[str]:
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


def _runner_up(f: _Facts, role: str, slate_people: set[str]) -> Optional[dict]:
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


def _explain_runner_up(f: _Facts, role: str, entry, best: dict) -> RunnerUp:
    need, reqs = f.need[role], f.reqs(role)
    a, b = entry.employee_id, best["employee_id"]
    ea, eb = f.employees.loc[a], f.employees.loc[b]
    category = best["key"][0]
    earliest = f.dev.ready_quarter(b, reqs)
    gaps = [f.gap(b, k, lv, need) for k, lv in reqs if f.ctx.level(b, k, need) < lv]
    mine = [s for s in f.plan.slates if s.employee_id == b]
    other = [f"{s.role_id}#{s.rank}" for s in mine]
    separates: list[str] = []

    a_ready = f.ctx.ready_quarter(a, role)
    a_ok = a_ready is not None and a_ready <= need
    a_cost = sum(s.cost for s in _path(f, f.ctx, f.ctx.learning, a, role))
    if category == 0:
        separates.append(f"also ready by {f.label(need)}")
    elif category == 1:
        separates.append(f"not developed for it in this plan: would need {_money(best['cost'])} of development "
                         f"({', '.join(i for i, _ in best['chain'])}) to be ready by {f.label(need)}")
        if a_ok and best["cost"] > a_cost:
            separates.append(f"costs {_money(best['cost'] - a_cost)} more to develop ({_money(best['cost'])} vs {_money(a_cost)})")
        for k, lv in reqs:
            if f.ctx.level(b, k, need) < lv:
                blocked = _seat_blockers(f, b, k, lv, need)
                if blocked:
                    separates.append(blocked)
        left = f.scenario.budget.total - float(f.ctx.learning["cost"].sum())
        if best["cost"] > left + 1e-6:
            separates.append(f"the budget left ({_money(left)}) does not pay for it")
    elif category == 2:
        after = earliest - need
        vacancy = pd.notna(f.roles.at[role, "vacancy_quarter"])
        separates.append(f"not ready until {f.label(earliest)} ({after} quarter{'s' if after != 1 else ''} after "
                         f"{'the vacancy' if vacancy else 'the end of the horizon'})")
    else:
        horizon = f.problem.horizon
        short = [f"{f.skill_name.get(k, k)} {f.dev.reach(b, k, horizon)} of {lv}" for k, lv in reqs
                 if f.dev.reach(b, k, horizon) < lv]
        separates.append("cannot meet every requirement within the horizon (reaches " + ", ".join(short) + ")")
        for k, lv in reqs:
            if f.dev.reach(b, k, horizon) < lv:
                blocked = _seat_blockers(f, b, k, lv, horizon)
                if blocked:
                    separates.append(blocked)
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
    f = _Facts.of(org, scenario, plan)
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
        steps = _path(f, f.ctx, f.ctx.learning, e, role)
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
                   + f" for {_money(scores.development_cost)}, ready {scores.ready_label}")
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


@dataclass
class _Outcome:
    plan: Plan
    covered: set[str]
    what: str
    budget: float
    total_cost: float  # on the real data (a forced role's prohibitive external cost never counts)

    def evidence(self, role: str) -> SolveEvidence:
        k = self.plan.kpis
        return SolveEvidence(what=self.what, budget=self.budget, status=k.status, role_covered=role in self.covered,
                             covered_roles=len(self.covered), training_cost=k.training_cost, total_cost=self.total_cost)


class _Resolver:
    """Re-solves of the scenario with the budget, seats, hours, one role's coverage or the overrides
    changed, cached by what was changed."""

    def __init__(self, org: Organisation, scenario: Scenario, time_limit_seconds: Optional[float] = None):
        self.org, self.scenario = org, scenario
        self.time_limit = time_limit_seconds
        self.need = {r: int(q) for r, q in need_quarter(org.critical_roles, scenario.horizon_quarters).items()}
        self.external = dict(zip(org.critical_roles["role_id"], org.critical_roles["external_hire_cost"].astype(float)))
        costs = float(org.interventions["cost"].sum())
        self.unlimited = float(math.ceil(costs * max(len(org.employees), 1) + 1))
        self.all_hours = float(org.interventions["hours_per_quarter"].sum())
        w = scenario.weights
        self.prohibitive = 10.0 * (float(org.critical_roles["external_hire_cost"].sum()) * max(w.external_hire, 1.0)
                                   + self.unlimited * max(w.training_spend, 1.0)
                                   + (w.ready_successor + w.candidate_quality + w.aspiration) * 100 * len(org.roles)
                                   + w.early_development * 100 * len(org.employees)) + 1e6
        self.cache: dict[tuple, _Outcome] = {}

    def run(self, budget: Optional[float] = None, per_quarter="same", seats=(), hours=(), force: Optional[str] = None,
            overrides: bool = True, what: str = "") -> _Outcome:
        budget = self.scenario.budget.total if budget is None else float(budget)
        pq = self.scenario.budget.per_quarter if per_quarter == "same" else per_quarter
        seats_key = seats if seats == "all" else tuple(sorted(seats))
        hours_key = hours if hours == "all" else tuple(sorted(hours))
        key = (round(budget, 6), pq, seats_key, hours_key, force, overrides)
        if key in self.cache:
            return self.cache[key]
        import planner  # the public API

        org = self.org
        if seats_key:
            iv = org.interventions.copy()
            free = iv["intervention_id"].isin(set(iv["intervention_id"]) if seats == "all" else set(seats_key))
            iv["seats_per_quarter"] = iv["seats_per_quarter"].astype("Int64").mask(free, pd.NA)
            org = replace_tables(org, interventions=iv)
        if hours_key:
            emp = org.employees.copy()
            more = emp["employee_id"].isin(set(emp["employee_id"]) if hours == "all" else set(hours_key))
            emp["learning_hours_per_quarter"] = emp["learning_hours_per_quarter"].where(
                ~more, emp["learning_hours_per_quarter"].clip(lower=self.all_hours))
            org = replace_tables(org, employees=emp)
        if force:
            roles = org.roles.copy()
            roles.loc[roles["role_id"] == force, "external_hire_cost"] = self.prohibitive
            org = replace_tables(org, roles=roles)
        update = {"budget": Budget(total=budget, per_quarter=pq)}
        if self.time_limit is not None:
            update["solver"] = self.scenario.solver.model_copy(update={"time_limit_seconds": self.time_limit})
        if not overrides:
            update.update(pins=[], vetoes=[], locks=[])
        scenario = self.scenario.model_copy(update=update, deep=True)
        plan = planner.solve(scenario, org)
        covered = _rank_one_ready(plan, self.need) if plan.has_solution else set()
        total = plan.kpis.training_cost + sum(c for r, c in self.external.items() if r not in covered)
        out = _Outcome(plan, covered, what or "re-solve", budget, total)
        self.cache[key] = out
        return out

    def known(self, per_quarter, lo: float, hi: float) -> list[tuple[float, _Outcome]]:
        """Cached re-solves that changed only the budget, with budgets strictly between lo and hi."""
        out = []
        for (b, pq, seats, hours, force, overrides), o in self.cache.items():
            if pq == per_quarter and not seats and not hours and force is None and overrides and lo < b < hi:
                out.append((b, o))
        return sorted(out, key=lambda x: x[0])


def _excluded(f: _Facts, role: str) -> dict[str, int]:
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


def _check_reachable(f: _Facts, role: str, base: dict) -> Optional[UncoveredReason]:
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


def _capacity(f: _Facts, res: _Resolver, role: str, u1: _Outcome, base: dict, solves: list) -> UncoveredReason:
    plan = u1.plan
    learning = plan.learning_df()
    first = next(s.employee_id for s in plan.slates if s.role_id == role and s.rank == 1)
    ctx = PlanContext(f.org, f.scenario, plan.slates_df(), learning)
    path = _path(f, ctx, learning, first, role)
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


def _forced(f: _Facts, res: _Resolver, role: str, u1: _Outcome, base: dict, solves: list) -> UncoveredReason:
    relax = dict(budget=res.unlimited, per_quarter=None, seats="all", hours="all")
    forced = res.run(**relax, force=role, what="unlimited budget, seats and hours, with the role required to be covered")
    solves.append(forced.evidence(role))
    if role in forced.covered:
        plan = forced.plan
        first = next(s.employee_id for s in plan.slates if s.role_id == role and s.rank == 1)
        learning = plan.learning_df()
        ctx = PlanContext(f.org, f.scenario, plan.slates_df(), learning)
        cost = sum(st.cost for st in _path(f, ctx, learning, first, role))
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
        message = (f"covering it is possible ({first}, for {_money(cost)} of development) but not worth it to the "
                   f"objective: the plan that covers it is {_money(delta)} worse than hiring externally "
                   f"({_money(ext)} x external_hire weight {f.scenario.weights.external_hire:g}), even with unlimited "
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


def _budget(f: _Facts, res: _Resolver, role: str, u0: _Outcome, base: dict, solves: list,
            rel_tol: float, abs_tol: float) -> UncoveredReason:
    now = f.scenario.budget.total
    pq = f.scenario.budget.per_quarter
    hi = max(u0.plan.kpis.training_cost, now)
    cap_note = ""
    if hi <= now + 1e-6 and pq is None:
        return UncoveredReason(**base, reason="ALTERNATIVE", solves=solves, budget_now=now, budget_needed=now, extra_budget=0.0,
                               message=f"a re-solve with unlimited budget covers it while spending only "
                                       f"{_money(u0.plan.kpis.training_cost)}, within the budget: the plan chose an "
                                       f"equally good alternative or stopped at its time limit.")
    top = res.run(budget=hi, per_quarter=pq, what=f"budget {_money(hi)}")
    solves.append(top.evidence(role))
    if role not in top.covered and pq is not None:
        top = res.run(budget=hi, per_quarter=None, what=f"budget {_money(hi)}, no per-quarter cap")
        solves.append(top.evidence(role))
        if role in top.covered:
            pq = None
            cap_note = f" and lifting the per-quarter cap of {_money(f.scenario.budget.per_quarter)}"
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
            b, o = mid, res.run(budget=mid, per_quarter=pq, what=f"budget {_money(mid)}")
        solves.append(o.evidence(role))
        if role in o.covered:
            hi = b
        else:
            lo = b
    extra = hi - now
    if cap_note and hi <= now:
        message = (f"the per-quarter budget cap of {_money(f.scenario.budget.per_quarter)} binds: without it, a re-solve "
                   f"within today's total of {_money(now)} covers it.")
    else:
        message = (f"the budget binds: with unlimited budget it is covered; re-solves find it covered from a budget of "
                   f"about {_money(hi)}, i.e. about {_money(extra)} more than today's {_money(now)}{cap_note} "
                   f"(not covered at {_money(lo)}; tolerance {_money(tol())}).")
    return UncoveredReason(**base, reason="BUDGET", message=message, budget_now=now, budget_needed=hi, extra_budget=extra,
                           tolerance=tol(), solves=solves)


def explain_uncovered(org: Organisation, scenario: Scenario, plan: Plan, time_limit_seconds: Optional[float] = None,
                      rel_tol: float = 0.01, abs_tol: float = 100.0) -> list[UncoveredReason]:
    """For each critical role whose first successor is not ready when it is needed, the reason, checked by
    computation and re-solves (see the module docstring for the order). ``rel_tol`` / ``abs_tol``: the
    budget bisection stops when the interval is within max(abs_tol, rel_tol x budget)."""
    f = _Facts.of(org, scenario, plan)
    covered = {r for r in f.need for s in plan.slates
               if s.role_id == r and s.rank == 1 and (q := f.ctx.ready_quarter(s.employee_id, r)) is not None and q <= f.need[r]}
    uncovered = [r for r in f.need if r not in covered]
    res = _Resolver(org, scenario, time_limit_seconds)
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


MARGINAL_COLUMNS = ["step", "budget", "extra_budget", "status", "covered_roles", "extra_roles_covered", "coverage",
                    "training_cost", "external_hire_cost", "total_cost", "total_cost_change", "newly_covered",
                    "no_longer_covered"]


def marginal_value_of_money(org: Organisation, scenario: Scenario, plan: Plan, steps: Sequence[float] = (0.10, 0.25, 0.50),
                            time_limit_seconds: Optional[float] = None) -> pd.DataFrame:
    """Re-solve with the budget (total, and the per-quarter cap if set) raised by each step (0.10 = +10%).
    One row per step, plus the plan itself as step 0: extra budget, covered roles, extra roles covered,
    total cost and its change against the plan, and which roles gain or lose coverage (more money can
    move a ready successor from one role to a more valuable one)."""
    res = _Resolver(org, scenario, time_limit_seconds)
    base_covered = _rank_one_ready(plan, res.need)
    k = plan.kpis
    rows = [dict(step=0.0, budget=scenario.budget.total, extra_budget=0.0, status=k.status, covered_roles=len(base_covered),
                 extra_roles_covered=0, coverage=k.coverage, training_cost=k.training_cost,
                 external_hire_cost=k.external_hire_cost, total_cost=k.total_cost, total_cost_change=0.0, newly_covered="",
                 no_longer_covered="")]
    pq = scenario.budget.per_quarter
    for step in steps:
        total = scenario.budget.total * (1 + step)
        o = res.run(budget=total, per_quarter=None if pq is None else pq * (1 + step), what=f"budget +{step:.0%}")
        kk = o.plan.kpis
        rows.append(dict(step=float(step), budget=total, extra_budget=total - scenario.budget.total, status=kk.status,
                         covered_roles=len(o.covered), extra_roles_covered=len(o.covered) - len(base_covered),
                         coverage=kk.coverage, training_cost=kk.training_cost, external_hire_cost=kk.external_hire_cost,
                         total_cost=kk.total_cost, total_cost_change=kk.total_cost - k.total_cost,
                         newly_covered=";".join(sorted(o.covered - base_covered)),
                         no_longer_covered=";".join(sorted(base_covered - o.covered))))
    return pd.DataFrame(rows, columns=MARGINAL_COLUMNS)
