"""Definitions shared by the model and the checker: when a role is needed, candidate quality,
aspiration fit and the objective's scale. Pure pandas; no solver.
"""

from __future__ import annotations

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
