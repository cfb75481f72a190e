"""Attrition risk: how likely each critical role is still covered when it falls vacant, given that people leave.

The model (exact in :func:`coverage_probability`, sampled in :func:`simulate`; both use the same rule):

- ``flight_risk`` p is an employee's annual probability of leaving. People leave independently of one
  another at a constant quarterly hazard h = 1 - (1 - p) ** 0.25, so the probability that someone is
  still employed at the start of quarter q is s(q) = (1 - p) ** (q / 4). Everyone is there at the start
  of quarter 0 (s(0) = 1); p = 1 means gone from the start of quarter 1. A known ``leave_quarter`` L
  (set by an ``employee_leaves`` change) makes s(q) = 0 from q = L on.
- A critical role is needed at its need quarter: the vacancy quarter, or the end of the horizon when
  no vacancy is known (:func:`planner.problem.scoring.need_quarter`). The incumbent's own departure does **not**
  move the vacancy: the question is whether the plan's slate still holds a ready successor at the
  planned vacancy. How likely the incumbent leaves earlier is reported separately (``risk_of_loss``).
- A slate member can cover the role if they are ready by the need quarter under the plan (its learning
  replayed, as the checker does) and still employed at the start of that quarter. The first such
  member in rank order covers; a ready backup covers when everyone ranked above has left (or is not
  ready). So P(covered) = 1 - prod over ready members (1 - s_i(need)); P(first choice covers) is
  s_1(need) if the first-ranked successor is ready by then, else 0.
- Roles are scored independently: one person on two slates can cover both in this count (the slates
  as planned; nobody is first successor of two roles). The expected number of covered roles is the
  sum of the per-role probabilities (linearity; no independence between roles is needed for it).
- Wasted training spend: a learning row's cost is wasted when its participant was there when it
  started (the cost is paid then) and has left before the need quarter of the role it targets
  (``target_role_id``; without one, before the end of the horizon). Rows whose participant left before
  they started are never paid for: reported as ``forgone_spend``, not wasted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from planner.evaluation.replay import PlanContext
from planner.contract.domain import Organisation
from planner.contract.plan import Plan
from planner.contract.scenario import Scenario
from planner.problem.scoring import need_quarter

COVERAGE_COLUMNS = [
    "role_id", "title", "criticality", "need_quarter", "need_label", "vacancy_known", "slate", "ready_successors",
    "planned_covered", "p_first_covers", "p_backup_covers", "p_covered", "incumbent_id", "incumbent_flight_risk",
    "risk_of_loss", "external_hire_cost", "impact", "expected_external_cost",
]


def quarterly_hazard(p) -> np.ndarray:
    """Quarterly probability of leaving, h = 1 - (1 - p) ** 0.25, from the annual flight risk ``p``."""
    return 1.0 - (1.0 - np.asarray(p, dtype=float)) ** 0.25


def survival(p, q, leave_quarter=None) -> np.ndarray:
    """Probability of still being employed at the start of quarter ``q``: (1 - p) ** (q / 4), and 0 from
    a known ``leave_quarter`` on (None / NaN = none known). Broadcasts over arrays."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    s = np.where(q <= 0, 1.0, (1.0 - p) ** (np.maximum(q, 0) / 4.0))
    if leave_quarter is not None:
        leave = np.asarray(leave_quarter, dtype=float)
        s = np.where(~np.isnan(leave) & (q >= leave), 0.0, s)
    return s


@dataclass
class _Setup:
    """The plan's slates, readiness and learning, laid out once for the exact and the sampled model."""

    roles: pd.DataFrame  # critical roles, with need quarter
    ready: dict[str, list[str]]  # role -> slate members ready by the need quarter, in rank order
    first_ready: dict[str, bool]  # role -> the first-ranked successor is ready by the need quarter
    slate: dict[str, list[str]]
    flight: pd.Series  # employee -> flight_risk
    leave: pd.Series  # employee -> leave_quarter (NaN = none)
    learning: pd.DataFrame  # with deadline
    horizon: int

    @classmethod
    def of(cls, org: Organisation, scenario: Scenario, plan: Plan) -> "_Setup":
        horizon = scenario.horizon_quarters
        roles = org.critical_roles.copy()
        roles["need_quarter"] = roles["role_id"].map(need_quarter(roles, horizon)).astype(int)
        need = dict(zip(roles["role_id"], roles["need_quarter"]))
        slates, learning = plan.slates_df(), plan.learning_df()
        ctx = PlanContext(org, scenario, slates, learning)
        ready: dict[str, list[str]] = {r: [] for r in roles["role_id"]}
        slate: dict[str, list[str]] = {r: [] for r in roles["role_id"]}
        first_ready = {r: False for r in roles["role_id"]}
        for row in slates.sort_values(["role_id", "rank"]).itertuples(index=False):
            if row.role_id not in need:
                continue
            slate[row.role_id].append(row.employee_id)
            q = ctx.ready_quarter(row.employee_id, row.role_id)
            if q is not None and q <= need[row.role_id]:
                ready[row.role_id].append(row.employee_id)
                if row.rank == 1:
                    first_ready[row.role_id] = True
        emp = org.employees.set_index("employee_id")
        learning = learning.copy()
        learning["deadline"] = [int(need[t]) if isinstance(t, str) and t in need else horizon
                                for t in learning["target_role_id"]]
        leave = pd.Series(emp["leave_quarter"].astype("Float64").to_numpy(dtype=float, na_value=np.nan), index=emp.index)
        return cls(roles=roles, ready=ready, first_ready=first_ready, slate=slate,
                   flight=emp["flight_risk"].astype(float), leave=leave, learning=learning, horizon=horizon)

    def s(self, employee: str, q: int) -> float:
        return float(survival(self.flight[employee], q, self.leave[employee]))


def coverage_probability(org: Organisation, scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """Per critical role, the exact probability that the plan's slate covers it when it falls vacant (see
    the module docstring for the model). Columns:

    - ``need_quarter`` / ``need_label``: when the successor is needed; ``vacancy_known``: a vacancy quarter is set.
    - ``slate`` / ``ready_successors``: the slate and its members ready by then, in rank order (';'-joined).
    - ``planned_covered``: the plan's own coverage (first successor ready), ignoring attrition.
    - ``p_first_covers``: the first-ranked successor is ready and still there; ``p_backup_covers``: a
      ready backup covers because those above have left; ``p_covered``: either.
    - ``risk_of_loss``: probability that the incumbent leaves before the planned vacancy (within the
      horizon when none is known); ``impact``: criticality x external_hire_cost;
      ``expected_external_cost``: (1 - p_covered) x external_hire_cost.

    ``df.attrs`` holds ``expected_covered_roles`` (the sum of p_covered) and ``planned_covered_roles``.
    """
    return _coverage(_Setup.of(org, scenario, plan), scenario)


def _coverage(st: _Setup, scenario: Scenario) -> pd.DataFrame:
    rows = []
    for r in st.roles.itertuples(index=False):
        need = int(r.need_quarter)
        ready = st.ready[r.role_id]
        miss = 1.0
        for e in ready:
            miss *= 1.0 - st.s(e, need)
        p_first = st.s(ready[0], need) if st.first_ready[r.role_id] else 0.0
        inc = r.incumbent_id if isinstance(r.incumbent_id, str) and r.incumbent_id in st.flight.index else None
        risk = 1.0 - st.s(inc, need) if inc else np.nan
        rows.append(dict(
            role_id=r.role_id, title=r.title, criticality=int(r.criticality), need_quarter=need,
            need_label=scenario.quarter_label(need), vacancy_known=bool(pd.notna(r.vacancy_quarter)),
            slate=";".join(st.slate[r.role_id]), ready_successors=";".join(ready),
            planned_covered=st.first_ready[r.role_id], p_first_covers=p_first, p_backup_covers=max(0.0, (1.0 - miss) - p_first),
            p_covered=1.0 - miss, incumbent_id=inc, incumbent_flight_risk=float(st.flight[inc]) if inc else np.nan,
            risk_of_loss=risk, external_hire_cost=float(r.external_hire_cost),
            impact=float(r.criticality) * float(r.external_hire_cost),
            expected_external_cost=miss * float(r.external_hire_cost),
        ))
    df = pd.DataFrame(rows, columns=COVERAGE_COLUMNS)
    df.attrs["expected_covered_roles"] = float(df["p_covered"].sum())
    df.attrs["planned_covered_roles"] = int(df["planned_covered"].sum())
    return df


def expected_covered_roles(org: Organisation, scenario: Scenario, plan: Plan) -> float:
    """Expected number of critical roles covered when they fall vacant: the sum of p_covered."""
    return coverage_probability(org, scenario, plan).attrs["expected_covered_roles"]


def expected_wasted_spend(org: Organisation, scenario: Scenario, plan: Plan) -> float:
    """Exact expected wasted training spend: each learning row's cost times the probability that its
    participant is there when it starts and gone by its deadline, s(start) - s(deadline)."""
    return _expected_wasted(_Setup.of(org, scenario, plan))


def _expected_wasted(st: _Setup) -> float:
    total = 0.0
    for row in st.learning.itertuples(index=False):
        if row.deadline > row.start_quarter:
            total += row.cost * (st.s(row.employee_id, int(row.start_quarter)) - st.s(row.employee_id, int(row.deadline)))
    return float(total)


# ------------------------------------------------------------------------------------------
# Monte Carlo
# ------------------------------------------------------------------------------------------


class SimulationSummary(BaseModel):
    """Distribution of outcomes over the simulated draws."""

    draws: int = Field(description="Number of draws.")
    seed: int = Field(description="Random seed (same seed, same inputs -> identical result).")
    critical_roles: int = Field(description="Critical roles.")
    planned_covered_roles: int = Field(description="Roles the plan covers with nobody leaving.")
    expected_covered_exact: float = Field(description="Expected covered roles, exact (coverage_probability).")
    covered_mean: float = Field(description="Mean covered roles over the draws.")
    covered_std: float = Field(description="Standard deviation of covered roles.")
    covered_p5: float = Field(description="5th percentile of covered roles.")
    covered_p50: float = Field(description="Median covered roles.")
    covered_p95: float = Field(description="95th percentile of covered roles.")
    training_cost: float = Field(description="The plan's training spend (no one leaving).")
    expected_wasted_exact: float = Field(description="Expected wasted spend, exact.")
    wasted_mean: float = Field(description="Mean wasted training spend.")
    wasted_p50: float = Field(description="Median wasted training spend.")
    wasted_p95: float = Field(description="95th percentile of wasted training spend.")
    wasted_max: float = Field(description="Largest wasted training spend in any draw.")
    p_any_waste: float = Field(description="Share of draws with some wasted spend.")
    forgone_mean: float = Field(description="Mean spend never paid because the participant left before it started.")


@dataclass
class SimulationResult:
    """Monte Carlo attrition over the horizon. Arrays have one row per draw."""

    role_ids: list[str]
    departure: np.ndarray  # (draws, people): first quarter each is gone (horizon + 1 = stays)
    people: list[str]  # column order of ``departure``
    covered: np.ndarray  # (draws, roles) bool: role covered when needed
    first_covers: np.ndarray  # (draws, roles) bool: by its first-ranked successor
    covered_roles: np.ndarray  # (draws,) int
    wasted_spend: np.ndarray  # (draws,) float
    forgone_spend: np.ndarray  # (draws,) float
    summary: SimulationSummary

    def per_role(self) -> pd.DataFrame:
        """Per role: simulated P(covered) with its binomial standard error, and P(first choice covers)."""
        n = len(self.covered)
        p = self.covered.mean(axis=0) if n else np.zeros(len(self.role_ids))
        return pd.DataFrame(dict(role_id=self.role_ids, p_covered=p, se=np.sqrt(p * (1 - p) / max(n, 1)),
                                 p_first_covers=self.first_covers.mean(axis=0) if n else p))

    def covered_histogram(self) -> pd.DataFrame:
        """Draws by number of covered roles (every value 0..critical roles): covered_roles, draws, share."""
        counts = np.bincount(self.covered_roles, minlength=len(self.role_ids) + 1)
        return pd.DataFrame(dict(covered_roles=np.arange(len(counts)), draws=counts,
                                 share=counts / max(len(self.covered_roles), 1)))

    def wasted_histogram(self, bins: int = 20) -> pd.DataFrame:
        """Draws by wasted training spend: bin_start, bin_end, draws, share."""
        top = float(self.wasted_spend.max()) if len(self.wasted_spend) else 0.0
        counts, edges = np.histogram(self.wasted_spend, bins=bins, range=(0.0, top if top > 0 else 1.0))
        return pd.DataFrame(dict(bin_start=edges[:-1], bin_end=edges[1:], draws=counts,
                                 share=counts / max(len(self.wasted_spend), 1)))


def _departures(st: "_Setup", people: list[str], draws: int, seed: int) -> np.ndarray:
    """(draws, people) departure quarters D, P(D > q) = (1 - h) ** q, by inverting the CDF of one
    uniform per person and draw; capped by a known leave_quarter; horizon + 1 = stays."""
    horizon = st.horizon
    rng = np.random.default_rng(seed)
    p = st.flight.reindex(people).to_numpy(dtype=float)
    h = quarterly_hazard(p)
    u = 1.0 - rng.random((draws, len(people)))  # in (0, 1]
    cap = np.full(len(people), horizon + 1, dtype=float)
    leave = st.leave.reindex(people).to_numpy(dtype=float)
    cap = np.where(np.isnan(leave), cap, np.minimum(cap, leave))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_stay = np.log1p(-h)  # 0 when h = 0, -inf when h = 1
        steps = np.floor(np.log(u) / log_stay) + 1.0
    steps = np.where(h > 0, steps, horizon + 1)
    steps = np.where(np.isnan(steps), horizon + 1, steps)
    return np.minimum(steps, cap).astype(np.int32)


def _drawn_coverage(st: "_Setup", role_ids: list[str], col: dict[str, int], departure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(draws, roles): whether some ready slate member is still there at the need quarter, and whether
    the first successor is."""
    draws = len(departure)
    need = dict(zip(st.roles["role_id"], st.roles["need_quarter"]))
    covered = np.zeros((draws, len(role_ids)), dtype=bool)
    first = np.zeros((draws, len(role_ids)), dtype=bool)
    pair_person, pair_need, pair_role = [], [], []
    for k, r in enumerate(role_ids):
        for e in st.ready[r]:
            pair_person.append(col[e])
            pair_need.append(need[r])
            pair_role.append(k)
    if pair_person:
        present = departure[:, pair_person] > np.asarray(pair_need)
        pair_role = np.asarray(pair_role)
        starts = np.flatnonzero(np.r_[True, pair_role[1:] != pair_role[:-1]])
        covered[:, pair_role[starts]] = np.logical_or.reduceat(present, starts, axis=1)
        for k, r in enumerate(role_ids):
            if st.first_ready[r]:
                first[:, k] = present[:, starts[np.searchsorted(pair_role[starts], k)]]
    return covered, first


def _drawn_spend(st: "_Setup", col: dict[str, int], departure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per draw, the training spend wasted (paid, then gone by the deadline) and forgone (gone before the start)."""
    lr = st.learning
    if not len(lr):
        return np.zeros(len(departure)), np.zeros(len(departure))
    d = departure[:, [col[e] for e in lr["employee_id"]]]
    start, deadline = lr["start_quarter"].to_numpy(), lr["deadline"].to_numpy()
    cost = lr["cost"].to_numpy(dtype=float)
    return ((d > start) & (d <= deadline)).astype(float) @ cost, (d <= start).astype(float) @ cost


def simulate(org: Organisation, scenario: Scenario, plan: Plan, draws: int = 10_000, seed: int = 0) -> SimulationResult:
    """Monte Carlo attrition: draw each relevant employee's departure quarter (geometric with quarterly
    hazard h = 1 - (1 - p) ** 0.25, capped by a known leave_quarter; beyond the horizon = stays), then per
    draw the covered roles (same rule as :func:`coverage_probability`) and the wasted training spend.
    Vectorised with numpy; deterministic for a ``seed``."""
    if draws < 1:
        raise ValueError("draws must be at least 1")
    st = _Setup.of(org, scenario, plan)
    role_ids = list(st.roles["role_id"])
    people = sorted({e for members in st.slate.values() for e in members} | set(st.learning["employee_id"]))
    col = {e: j for j, e in enumerate(people)}
    departure = _departures(st, people, draws, seed)
    covered, first = _drawn_coverage(st, role_ids, col, departure)
    wasted, forgone = _drawn_spend(st, col, departure)

    covered_roles = covered.sum(axis=1).astype(np.int64)
    exact = _coverage(st, scenario)
    summary = SimulationSummary(
        draws=draws, seed=seed, critical_roles=len(role_ids), planned_covered_roles=int(exact["planned_covered"].sum()),
        expected_covered_exact=float(exact["p_covered"].sum()), covered_mean=float(covered_roles.mean()),
        covered_std=float(covered_roles.std()), covered_p5=float(np.percentile(covered_roles, 5)),
        covered_p50=float(np.percentile(covered_roles, 50)), covered_p95=float(np.percentile(covered_roles, 95)),
        training_cost=float(st.learning["cost"].sum()), expected_wasted_exact=_expected_wasted(st),
        wasted_mean=float(wasted.mean()), wasted_p50=float(np.percentile(wasted, 50)),
        wasted_p95=float(np.percentile(wasted, 95)), wasted_max=float(wasted.max()),
        p_any_waste=float((wasted > 0).mean()), forgone_mean=float(forgone.mean()),
    )
    return SimulationResult(role_ids=role_ids, departure=departure, people=people, covered=covered, first_covers=first,
                            covered_roles=covered_roles, wasted_spend=wasted, forgone_spend=forgone, summary=summary)
