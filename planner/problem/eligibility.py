"""Slate eligibility, the rule's one definition: who may sit on a critical role's slate.

A person is eligible for a role unless they are its incumbent, are not open to move, would jump more
than ``policy.max_level_jump`` grades up or drop more than ``policy.max_level_drop`` grades down, or
come from a family that does not feed the role's (when ``family_moves`` is given; without it every
family feeds every other), and unless they leave before the role is needed.

:func:`why_ineligible` states the rule pair by pair; the checker and the explanations word its
reasons. :func:`planner.problem.candidates.eligible_positions` is the same rule made fast for
organisations of 50,000 people (it never forms an ineligible pair); tests/test_properties.py holds
the two equal on random organisations.
"""

from __future__ import annotations

from enum import Enum
from typing import Optional

import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.scenario import Policy


class Ineligible(str, Enum):
    """Why a person may not sit on a role's slate."""

    INCUMBENT = "incumbent"
    NOT_OPEN_TO_MOVE = "not open to move"
    TOO_FAR_BELOW = "too many grades below"
    TOO_FAR_ABOVE = "too many grades above"
    FAMILY = "family does not feed the role's"
    LEAVES = "leaves before the role is needed"


def feeding_families(org: Organisation) -> Optional[set[tuple[str, str]]]:
    """(from_family, to_family) moves allowed besides staying in one's family; None when the
    organisation gives no family_moves (every family feeds every other)."""
    moves = org.family_moves
    return None if moves is None or moves.empty else set(zip(moves["from_family"], moves["to_family"]))


def why_ineligible(policy: Policy, feeds: Optional[set[tuple[str, str]]], *, incumbent: bool, open_to_move: bool,
                   grade_step: int, own_family: str, family: str, leave_quarter: Optional[int] = None,
                   need_quarter: Optional[int] = None) -> list[Ineligible]:
    """Every reason the person may not sit on the role's slate, in the rule's order (empty: eligible).
    ``grade_step`` is the role's grade minus the person's own; ``leave_quarter`` and ``need_quarter``
    (the quarter the role needs its successor) are checked when both are given."""
    reasons = []
    if incumbent:
        reasons.append(Ineligible.INCUMBENT)
    if not open_to_move:
        reasons.append(Ineligible.NOT_OPEN_TO_MOVE)
    if grade_step > policy.max_level_jump:
        reasons.append(Ineligible.TOO_FAR_BELOW)
    if -grade_step > policy.max_level_drop:
        reasons.append(Ineligible.TOO_FAR_ABOVE)
    if feeds is not None and own_family != family and (own_family, family) not in feeds:
        reasons.append(Ineligible.FAMILY)
    if leave_quarter is not None and need_quarter is not None and not pd.isna(leave_quarter) and need_quarter >= leave_quarter:
        reasons.append(Ineligible.LEAVES)
    return reasons
