"""Definitions shared by the model and the checker: when a role is needed, candidate quality,
aspiration fit and the objective's scale. Pure pandas; no solver.
"""

from __future__ import annotations

import math

import pandas as pd

# The objective is built in integer hundredths of a money unit (CP-SAT needs integers).
OBJECTIVE_SCALE = 100


def need_quarter(roles: pd.DataFrame, horizon: int) -> pd.Series:
    """Quarter at whose start a critical role needs its successor ready: the vacancy quarter, or the
    end of the horizon (``horizon``) where no vacancy is known. Indexed by role_id."""
    q = roles.set_index("role_id")["vacancy_quarter"]
    return q.fillna(horizon).astype("int64").clip(upper=horizon)


def candidate_quality(employees: pd.DataFrame) -> pd.Series:
    """Quality score 0-1 of each employee as a successor, indexed by employee_id:
    40% performance (1-5), 40% potential (1-3), 20% retention (1 - flight_risk), to 2 decimals."""
    e = employees.set_index("employee_id")
    score = 0.4 * (e["performance"] - 1) / 4 + 0.4 * (e["potential"] - 1) / 2 + 0.2 * (1 - e["flight_risk"])
    return score.round(2)


def aspiration_pairs(employees: pd.DataFrame, roles: pd.DataFrame) -> set[tuple[str, str]]:
    """(employee_id, role_id) pairs where the employee aspires to the role or to its family."""
    tokens = (
        employees[["employee_id", "aspirations"]]
        .assign(token=employees["aspirations"].fillna("").astype(str).str.split(";"))
        .explode("token")
    )
    tokens["token"] = tokens["token"].str.strip()
    tokens = tokens[tokens["token"] != ""]
    by_role = tokens.merge(roles[["role_id"]], left_on="token", right_on="role_id")
    by_family = tokens.merge(roles[["role_id", "family"]], left_on="token", right_on="family")
    pairs = pd.concat([by_role[["employee_id", "role_id"]], by_family[["employee_id", "role_id"]]])
    return set(zip(pairs["employee_id"], pairs["role_id"]))


def rank_factor(rank: int, bench_depth: int) -> int:
    """Weight of a slate position: rank 1 counts bench_depth times, the last rank once."""
    return bench_depth - rank + 1


def effective_need(own: dict[str, int], incumbents: dict[str, str], first_choice: dict[str, str]) -> dict[str, int]:
    """Backfill cascades: a role also falls vacant when its incumbent moves up as the first successor of
    another role, at the quarter that role needs them. ``own``: role -> own need quarter;
    ``incumbents``: role -> its incumbent; ``first_choice``: employee -> role they are first successor
    of. Returns role -> effective need (the earliest along the chain; a fixpoint, so chains of any
    length and swaps resolve)."""
    need = dict(own)
    changed = True
    while changed:
        changed = False
        for role, person in incumbents.items():
            target = first_choice.get(person)
            if role in need and target in need and need[target] < need[role]:
                need[role] = need[target]
                changed = True
    return need


# --- the attrition-aware objective ---------------------------------------------------------------
# P(a role is uncovered) = product over its slate members who are ready when needed of (1 - s_i),
# s_i = (1 - flight_risk_i) ** (need / 4) the chance they are still here. Writing each member's share
# as L_i = -ln(1 - s_i) (in thousandths, capped at 10), P = exp(-sum L_i): convex in the sum, so the
# expected external-hire cost is modelled exactly at these tangent points and by the tangents'
# maximum between them; the checker evaluates the same integer formula.
_LOSS_CAP = 10_000
_TANGENTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.0, 10.0)


def loss_share(flight_risk: float, quarters: int) -> int:
    """L_i in thousandths: -1000 ln(P(person i has left by the start of ``quarters``)), capped at 10,000."""
    stay = (1.0 - flight_risk) ** (quarters / 4.0)
    gone = 1.0 - stay
    return _LOSS_CAP if gone <= math.exp(-_LOSS_CAP / 1000) else min(_LOSS_CAP, int(round(-1000 * math.log(gone))))


def expected_hire_cuts(cost: int) -> list[tuple[int, int]]:
    """(A_j, B_j) with 1000 u >= A_j - B_j L for each tangent: u >= the expected external-hire cost."""
    return [(int(round(1000 * cost * math.exp(-t) * (1 + t))), int(round(cost * math.exp(-t)))) for t in _TANGENTS]


def expected_hire_cost(cost: int, loss: int) -> int:
    """The smallest whole money amount u the cuts allow: the expected external-hire cost of a role
    costing ``cost`` when its ready slate members' loss shares add up to ``loss``."""
    return max(0, max(-((b * loss - a) // 1000) for a, b in expected_hire_cuts(cost)))


TIE_BREAKS = ("ready_successor", "candidate_quality", "aspiration", "early_development")


def money_only(scenario):
    """The scenario with every tie-break weight 0: its objective is the money cost alone, so a bound on
    it (planner.heuristics.bound.lp_bound) bounds every plan's money cost."""
    return scenario.model_copy(update={"weights": scenario.weights.model_copy(update={k: 0.0 for k in TIE_BREAKS})})


def has_tie_breaks(scenario) -> bool:
    return any(getattr(scenario.weights, k) > 0 for k in TIE_BREAKS)
