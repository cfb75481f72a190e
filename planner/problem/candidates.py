"""Every eligible (employee, critical role) pair as arrays, built with numpy and pandas merges so that it
scales to 50,000 employees x 1,000 critical roles (a cross join there is 50 million rows; the
merge by family and grade below only ever makes the eligible ones).

For each pair it holds what the large-instance method needs without any per-pair Python:

- ``gap``: the sum of the levels the employee lacks today against the role's requirements (the
  readiness-ranking baseline's sort key) and ``ready_now`` (no gap at all);
- ``reachable``: a *necessary* condition for the employee to be ready when the role is needed:
  every missing skill has a chain of interventions on that skill (each one's own-skill prerequisite
  met by the one before or by today's level) that fits the employee's learning hours, respects the
  start windows and finishes before the need quarter;
- ``dev_cost``: a *lower bound* on the training spend that makes the employee ready for the role:
  the sum over missing skills of the cheapest such chain, where an intervention that raises several
  skills is charged to each of them at cost / (number of skills it raises). Any set of
  interventions that closes every gap contains such a chain for each skill, and its cost is at
  least the sum of the shares it spends on each, so the sum is a valid lower bound.

Both relax the same things (prerequisites on other skills, seats, other people's use of the hours
and the budget, the earlier need of a backfill cascade), which is what makes them safe inside a
bound: see :mod:`planner.heuristics.bound`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.scenario import Scenario
from planner.problem.scoring import candidate_quality, need_quarter

LEVELS = 6  # proficiency 0..5


@dataclass
class CandidateTable:
    """Eligible pairs as parallel arrays; ``employee`` / ``role`` index ``employee_ids`` / ``role_ids``."""

    employee_ids: pd.Index  # every employee, in the dataset's order
    role_ids: pd.Index  # critical roles, in the dataset's order
    need: np.ndarray  # per critical role: quarter its successor must be ready by
    incumbent: np.ndarray  # per critical role: its incumbent's position in employee_ids, -1 if none
    external_cost: np.ndarray  # per critical role
    employee: np.ndarray  # int32 per pair
    role: np.ndarray  # int32 per pair
    quality: np.ndarray  # float per pair (the employee's candidate quality)
    aspires: np.ndarray  # bool per pair
    gap: np.ndarray  # int per pair: levels lacking today, summed over the role's requirements
    reachable: np.ndarray  # bool per pair (necessary condition, see the module docstring)
    dev_cost: np.ndarray  # float per pair: lower bound on the spend that makes them ready (inf if unreachable)
    level: np.ndarray  # (employees, skills) int8: today's levels
    req_skill: np.ndarray  # (roles, slots): skill of each requirement
    req_level: np.ndarray  # (roles, slots): level of each requirement (0 = no requirement in that slot)
    hour_class: np.ndarray  # per employee: which interventions their learning hours allow
    chain: np.ndarray  # cost[skill, have, want, hour class, finish by]: see _chain_costs

    def __len__(self) -> int:
        return len(self.employee)

    @property
    def ready_now(self) -> np.ndarray:
        return self.gap == 0

    def dev_cost_by(self, rows: np.ndarray, deadline: np.ndarray) -> np.ndarray:
        """``dev_cost`` of the given rows were they needed by ``deadline`` (a quarter per row) instead of
        their role's need quarter: inf where the gaps cannot close by then."""
        return _dev_cost(self.level, self.req_skill, self.req_level, self.chain, self.employee[rows], self.role[rows],
                         self.hour_class[self.employee[rows]], deadline)[1]

    def frame(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """(employee_id, role_id) of the given rows (all by default), in table order."""
        rows = slice(None) if rows is None else rows
        return pd.DataFrame({"employee_id": np.asarray(self.employee_ids)[self.employee[rows]],
                             "role_id": np.asarray(self.role_ids)[self.role[rows]]})


def _critical(org: Organisation, scenario: Scenario) -> pd.DataFrame:
    critical = org.roles[org.roles["critical"].astype(bool)].copy()
    critical["need"] = critical["role_id"].map(need_quarter(critical, scenario.horizon_quarters)).astype(int)
    return critical


def eligible_positions(org: Organisation, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """(employee position, critical-role position) of every eligible pair, employee-major."""
    pairs = _eligible(org, scenario, _critical(org, scenario))
    return pairs["e"].to_numpy(np.int64), pairs["r"].to_numpy(np.int64)


def _eligible(org: Organisation, scenario: Scenario, critical: pd.DataFrame) -> pd.DataFrame:
    """e, r (positions) of every eligible pair, sorted by employee then role (the order of a cross join).

    Employees are grouped by (family, grade); each critical role takes the groups of the families that
    feed it at the grades the policy allows, as index ranges, so no ineligible pair is ever made."""
    policy = scenario.policy
    roles = org.roles
    emp = org.employees
    families = pd.Index(pd.unique(roles["family"]))
    role_at = pd.Index(roles["role_id"]).get_indexer(emp["role_id"])
    known = (role_at >= 0) & emp["open_to_move"].astype(bool).to_numpy()
    e_all = np.flatnonzero(known)
    span = int(roles["level"].max()) + policy.max_level_drop + policy.max_level_jump + 2
    offset = policy.max_level_jump + 1
    own_family = families.get_indexer(roles["family"].to_numpy()[role_at[e_all]])
    own_level = roles["level"].astype(int).to_numpy()[role_at[e_all]]
    emp_key = own_family.astype(np.int64) * span + own_level + offset
    order = np.argsort(emp_key, kind="stable")  # within a group, employees stay in dataset order
    sorted_key, sorted_e = emp_key[order], e_all[order]

    crit_family = families.get_indexer(critical["family"])
    moves = org.family_moves
    feeds: dict[int, list[int]] = {f: [f] for f in range(len(families))}
    if moves is not None and not moves.empty:
        for a, b in zip(families.get_indexer(moves["from_family"]), families.get_indexer(moves["to_family"])):
            if a >= 0 and b >= 0 and a not in feeds[b]:
                feeds[b].append(a)
    else:
        feeds = {f: list(range(len(families))) for f in range(len(families))}
    steps = np.arange(-policy.max_level_drop, policy.max_level_jump + 1)  # role level - own level
    crit_level = critical["level"].astype(int).to_numpy()
    key_r, key = [], []
    for r, (f, lv) in enumerate(zip(crit_family, crit_level)):
        for g in feeds[f]:
            key_r.append(np.full(len(steps), r))
            key.append(g * span + (lv - steps) + offset)
    key_r = np.concatenate(key_r) if key_r else np.zeros(0, dtype=np.int64)
    key = np.concatenate(key) if key else np.zeros(0, dtype=np.int64)
    lo = np.searchsorted(sorted_key, key, side="left")
    counts = np.searchsorted(sorted_key, key, side="right") - lo
    total = int(counts.sum())
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    e = sorted_e[np.arange(total) - starts + np.repeat(lo, counts)]
    r = np.repeat(key_r, counts)

    incumbent = pd.Index(emp["employee_id"]).get_indexer(critical["incumbent_id"].fillna("\0"))
    leave = emp["leave_quarter"].astype(float).fillna(np.inf).to_numpy()
    need = critical["need"].to_numpy()
    keep = (e != incumbent[r]) & (need[r] < leave[e])
    e, r = e[keep], r[keep]
    at = np.lexsort((r, e))
    return pd.DataFrame({"e": e[at], "r": r[at]})


def _chain_costs(org: Organisation, scenario: Scenario, skills: pd.Index, hour_levels: np.ndarray):
    """cost[k, have, want, c, d]: cheapest own-skill chain (cost shares) raising skill k from ``have``
    to at least ``want`` with interventions of hours <= hour_levels[c], finishing by quarter d
    (inf if none). A chain's last step may start in t when its min_level is reached by t."""
    horizon = scenario.horizon_quarters
    info = org.interventions.set_index("intervention_id")
    effects = org.intervention_effects
    n_effects = effects.groupby("intervention_id").size()
    K, C, D = len(skills), len(hour_levels), horizon + 1
    cost = np.full((K, LEVELS, LEVELS, C, D), np.inf)
    for have in range(LEVELS):
        for want in range(have + 1):
            cost[:, have, want] = 0.0
    steps: list[list[tuple[float, int, int, int, int, int, float]]] = [[] for _ in range(K)]
    for i, k, lo, to in zip(effects["intervention_id"], effects["skill_id"], effects["min_level"], effects["to_level"]):
        row = info.loc[i]
        seats = row["seats_per_quarter"]
        if k not in skills or (not pd.isna(seats) and int(seats) == 0):
            continue
        latest = horizon if pd.isna(row["latest_start_quarter"]) else int(row["latest_start_quarter"])
        steps[skills.get_loc(k)].append((float(row["cost"]) / n_effects[i], int(lo), int(to), int(row["earliest_start_quarter"]),
                                         latest, int(row["duration_quarters"]), float(row["hours_per_quarter"])))
    for k in range(K):
        for d in range(D):  # cost[..., d] only uses cost[..., d' < d]
            for share, lo, to, earliest, latest, duration, hours in steps[k]:
                start = min(latest, d - duration, horizon - duration)
                if start < earliest:
                    continue
                fits = hour_levels >= hours - 1e-9  # classes that may take it
                for have in range(LEVELS):
                    before = cost[k, have, min(lo, LEVELS - 1), :, start] if lo > have else np.zeros(C)
                    value = np.where(fits, share + before, np.inf)
                    for want in range(have + 1, min(to, LEVELS - 1) + 1):
                        cost[k, have, want, :, d] = np.minimum(cost[k, have, want, :, d], value)
    return cost


def candidate_table(org: Organisation, scenario: Scenario) -> CandidateTable:
    """The eligible pairs of ``scenario`` on ``org`` with their gaps, reachability and cost bounds.

    Eligibility is exactly :func:`planner.problem.instance.eligible_pairs` (tested equal)."""
    critical = _critical(org, scenario)
    employees = org.employees
    employee_ids = pd.Index(employees["employee_id"])
    role_ids = pd.Index(critical["role_id"])
    pairs = _eligible(org, scenario, critical)
    e = pairs["e"].to_numpy(np.int32)
    r = pairs["r"].to_numpy(np.int32)

    quality = candidate_quality(employees).reindex(employee_ids).to_numpy(float)
    aspires = np.zeros(len(e), dtype=bool)
    tokens = employees[["employee_id", "aspirations"]].assign(
        token=employees["aspirations"].fillna("").astype(str).str.split(";")).explode("token")
    tokens["token"] = tokens["token"].str.strip()
    tokens = tokens[tokens["token"] != ""]
    if len(tokens):
        by_role = tokens.merge(critical[["role_id"]], left_on="token", right_on="role_id")
        by_family = tokens.merge(critical[["role_id", "family"]], left_on="token", right_on="family")
        wanted = pd.concat([by_role[["employee_id", "role_id"]], by_family[["employee_id", "role_id"]]])
        codes = np.unique(employee_ids.get_indexer(wanted["employee_id"]).astype(np.int64) * len(role_ids)
                          + role_ids.get_indexer(wanted["role_id"]))
        if len(codes):
            mine = e.astype(np.int64) * len(role_ids) + r
            aspires = codes[np.minimum(np.searchsorted(codes, mine), len(codes) - 1)] == mine

    skills = pd.Index(org.skills["skill_id"])
    es = org.employee_skills
    level = np.zeros((len(employee_ids), len(skills)), dtype=np.int8)
    level[employee_ids.get_indexer(es["employee_id"]), skills.get_indexer(es["skill_id"])] = es["level"].astype(int).clip(0, LEVELS - 1)
    req = org.role_requirements[org.role_requirements["role_id"].isin(role_ids)]
    req = req.assign(r=role_ids.get_indexer(req["role_id"]), k=skills.get_indexer(req["skill_id"]))
    req["j"] = req.groupby("r").cumcount()
    J = int(req["j"].max()) + 1 if len(req) else 1
    req_skill = np.zeros((len(role_ids), J), dtype=np.int64)
    req_level = np.zeros((len(role_ids), J), dtype=np.int8)  # 0 = no requirement in that slot
    req_skill[req["r"], req["j"]] = req["k"]
    req_level[req["r"], req["j"]] = req["level"].astype(int).clip(0, LEVELS - 1)

    hours = employees["learning_hours_per_quarter"].astype(float).to_numpy()
    hour_levels = np.unique(np.concatenate([[0.0], org.interventions["hours_per_quarter"].astype(float).to_numpy()]))
    hour_class = np.searchsorted(hour_levels, hours + 1e-9, side="right") - 1  # the largest level <= their hours
    chain = _chain_costs(org, scenario, skills, hour_levels)
    need = critical["need"].to_numpy(np.int64)

    gap, dev = _dev_cost(level, req_skill, req_level, chain, e, r, hour_class[e], need[r])
    return CandidateTable(
        employee_ids=employee_ids, role_ids=role_ids, need=need,
        incumbent=employee_ids.get_indexer(critical["incumbent_id"].where(critical["incumbent_id"].notna(), None)),
        external_cost=critical["external_hire_cost"].astype(float).to_numpy(),
        employee=e, role=r, quality=quality[e], aspires=aspires, gap=gap,
        reachable=np.isfinite(dev), dev_cost=dev,
        level=level, req_skill=req_skill, req_level=req_level, hour_class=hour_class, chain=chain,
    )


def _dev_cost(level, req_skill, req_level, chain, e, r, c, d) -> tuple[np.ndarray, np.ndarray]:
    """(gap, dev_cost) of pairs (e, r) for employees of hour class c needed by quarter d."""
    gap = np.zeros(len(e), dtype=np.int32)
    dev = np.zeros(len(e), dtype=float)
    for j in range(req_skill.shape[1]):
        want = req_level[r, j]
        k = req_skill[r, j]
        have = level[e, k]
        short = want > have
        gap += np.where(short, want - have, 0)
        dev += np.where(short, chain[k, have, want, c, d], 0.0)
    return gap, dev
