"""The answers' models: a slate entry's path and score, a runner-up, an uncovered role's reason and its evidence."""

from __future__ import annotations

import math
from typing import Literal, Optional

from pydantic import BaseModel, Field


INF = math.inf
Target = tuple[str, int]


def money_text(x: float) -> str:
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
        return f"{self.intervention_id} {self.name} {self.start_label}-{self.end_label} ({money_text(self.cost)}): {what}{why}{pre}"


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
