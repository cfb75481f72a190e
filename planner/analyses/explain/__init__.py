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

from planner.analyses.explain.models import (
    CandidateReach, Gap, HoursBind, PathStep, ReasonCode, RunnerUp, ScoreComponents, SeatBind, SkillChange, SkillShortfall, SlateExplanation, SolveEvidence, Target, UncoveredReason,
)
from planner.analyses.explain.money import MARGINAL_COLUMNS, marginal_value_of_money
from planner.analyses.explain.slates import explain_slates
from planner.analyses.explain.uncovered import explain_uncovered

__all__ = [
    "CandidateReach",
    "Gap",
    "HoursBind",
    "MARGINAL_COLUMNS",
    "PathStep",
    "ReasonCode",
    "RunnerUp",
    "ScoreComponents",
    "SeatBind",
    "SkillChange",
    "SkillShortfall",
    "SlateExplanation",
    "SolveEvidence",
    "Target",
    "UncoveredReason",
    "explain_slates",
    "explain_uncovered",
    "marginal_value_of_money",
]
