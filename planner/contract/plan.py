"""The plan: slates, learning, KPIs and metadata, as pydantic objects and DataFrames, and its files.

A plan folder holds ``slates.csv``, ``learning.csv`` (or ``.parquet`` with ``--format parquet``),
``kpis.json``, ``plan.json`` and the planner's manifest ``.planner-output.json``. It is written to a
temporary sibling folder and renamed into place, so a crash never leaves half a plan where a reader
looks; only an empty folder or a previous plan is replaced (:mod:`planner.contract.paths`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal, Optional

import pandas as pd
from pydantic import BaseModel, Field

from planner.contract.paths import write_folder
from planner.contract.tables import write_table
from planner.contract.workforce import WORKFORCE_MODELS, WORKFORCE_TABLES, WorkforceKpis, WorkforcePlan

Readiness = Literal["ready_now", "ready_1_year", "ready_2_years", "ready_later", "not_ready"]
Status = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "MODEL_INVALID"]

SLATE_COLUMNS = ["role_id", "rank", "employee_id", "ready_quarter", "readiness", "ready_label"]
LEARNING_COLUMNS = ["employee_id", "intervention_id", "start_quarter", "end_quarter", "cost", "target_role_id",
                    "department", "start_label", "end_label"]


def readiness_category(ready_quarter: Optional[int]) -> Readiness:
    """Readiness label of a first-ready quarter: 0 now; 1-4 within a year; 5-8 within two; later; never."""
    if ready_quarter is None:
        return "not_ready"
    if ready_quarter <= 0:
        return "ready_now"
    if ready_quarter <= 4:
        return "ready_1_year"
    if ready_quarter <= 8:
        return "ready_2_years"
    return "ready_later"


class SlateEntry(BaseModel):
    role_id: str = Field(description="Critical role.")
    rank: int = Field(ge=1, description="Position on the slate, 1 = first choice.")
    employee_id: str = Field(description="Successor.")
    ready_quarter: Optional[int] = Field(
        default=None, description="First quarter at whose start the successor meets every requirement; empty = not in the horizon."
    )
    readiness: Readiness = Field(default="not_ready", description="Readiness category from ready_quarter.")
    ready_label: Optional[str] = Field(default=None, description="ready_quarter as a calendar quarter, e.g. '2027Q3'.")


class LearningAssignment(BaseModel):
    employee_id: str = Field(description="Participant.")
    intervention_id: str = Field(description="Intervention taken.")
    start_quarter: int = Field(ge=0, description="Quarter it starts (its cost is paid then).")
    end_quarter: int = Field(ge=0, description="Last quarter it runs; the new level counts from the next quarter.")
    cost: float = Field(ge=0, description="Cost paid, money units.")
    target_role_id: Optional[str] = Field(default=None, description="Critical role this development prepares for.")
    department: Optional[str] = Field(default=None, description="The participant's department (for spend by department).")
    start_label: Optional[str] = Field(default=None, description="start_quarter as a calendar quarter.")
    end_label: Optional[str] = Field(default=None, description="end_quarter as a calendar quarter.")


class Kpis(BaseModel):
    critical_roles: int = Field(description="Critical roles planned.")
    covered_roles: int = Field(description="Critical roles whose first successor is ready when the role falls vacant.")
    coverage: float = Field(description="covered_roles / critical_roles (the planned internal fill rate).")
    training_cost: float = Field(description="Spend on interventions, money units.")
    external_hire_cost: float = Field(description="external_hire_cost of the uncovered critical roles.")
    total_cost: float = Field(description="training_cost + external_hire_cost.")
    bench_strength: float = Field(description="Successors ready when needed, per critical role.")
    budget_used_share: float = Field(description="training_cost / budget (0 when the budget is 0).")
    successors: int = Field(default=0, description="Slate entries.")
    ready_now: int = Field(default=0, description="Slate entries ready now.")
    avg_quarters_to_ready: Optional[float] = Field(
        default=None, description="Mean ready_quarter of first-ranked successors who become ready."
    )
    cost_per_ready_successor: Optional[float] = Field(
        default=None, description="training_cost / successors who are ready when needed (None if there are none)."
    )
    status: Status = Field(description="Solver status: OPTIMAL (proven best), FEASIBLE (best found, gap shown), ...")
    objective: Optional[float] = Field(default=None, description="Objective value: money cost plus tie-breaks (money units; see README).")
    money_cost: Optional[float] = Field(
        default=None, description="The objective's money terms: weighted training spend and external-hire cost (its "
        "expected value when attrition_aware), plus priced changes when re-planning (money units).")
    best_bound: Optional[float] = Field(
        default=None, description="A money cost no valid plan can beat: a proven lower bound on money_cost for the full problem.")
    gap: Optional[float] = Field(default=None, description="The money gap: (money_cost - best_bound) / money_cost.")
    tie_break_status: Optional[str] = Field(
        default=None, description="The second phase, which orders plans of (nearly) the least money cost by the "
        "tie-breaks: OPTIMAL, FEASIBLE (stopped by the time limit), or NOT_RUN (no time left, or no tie-break weight).")
    bound_kind: Optional[str] = Field(
        default=None,
        description="What proves best_bound, always for the full problem: 'cp-sat' (the exact model over every eligible "
        "pair) or 'lp-relaxation' (the linear relaxation of planner.heuristics.bound over every pair, for the large-instance method).",
    )
    solve_seconds: float = Field(default=0.0, description="Wall-clock seconds of model build and search.")
    objective_parts: dict[str, float] = Field(default_factory=dict, description="Objective terms by rule, recomputed by the checker.")
    solver_objective_parts: Optional[dict[str, float]] = Field(
        default=None, description="CP-SAT's own value of each objective term in the solution it returned (money units), "
        "which the checker compares with its own; None for plans the solver did not produce (readiness ranking, a warm start).",
    )
    cascade_chains: int = Field(default=0, description="Chains of two or more moves that one vacancy sets off (backfill).")
    longest_cascade: int = Field(default=0, description="Roles in the longest chain: what a single departure puts at risk.")
    decisions_changed: Optional[int] = Field(
        default=None, description="Re-planning: slate entries and interventions that differ from the baseline plan."
    )


class PlanMeta(BaseModel):
    scenario: str = Field(description="Scenario name.")
    scenario_file: Optional[str] = Field(default=None, description="Scenario file solved, if any.")
    dataset: str = Field(description="Dataset the plan was made from.")
    input_fingerprint: str = Field(description="SHA-256 of the inputs (tables and scenario) as solved.")
    start: str = Field(description="Calendar label of quarter 0.")
    horizon_quarters: int = Field(description="Quarters planned.")
    budget_total: float = Field(description="Training budget.")
    method: str = Field(default="cp-sat", description="How the plan was made.")
    solver: dict = Field(default_factory=dict, description="Solver settings used.")
    seed: int = Field(default=0, description="Random seed.")
    created: str = Field(description="When the plan was made (UTC, ISO 8601).")
    planner_version: str = Field(description="Planner version.")
    message: str = Field(default="", description="Status explanation (e.g. why infeasible).")
    scenario_settings: dict = Field(default_factory=dict, description="The scenario as resolved and solved.")
    baseline: Optional[dict] = Field(
        default=None, description="Re-planning: the baseline plan's name and decisions (slates and learning) it was kept close to."
    )


class CascadeStep(BaseModel):
    chain: str = Field(description="The role whose vacancy starts the chain.")
    step: int = Field(ge=1, description="Position in the chain, 1 = the starting role.")
    role_id: str = Field(description="Role filled at this step.")
    need_quarter: int = Field(description="Quarter it needs its successor (effective, after the moves above).")
    successor_id: str = Field(description="Its first successor.")
    opens_role_id: Optional[str] = Field(default=None, description="Critical role the successor leaves, falling vacant then.")


CASCADE_COLUMNS = list(CascadeStep.model_fields)


class Plan(BaseModel):
    """A finished plan. ``slates``, ``learning`` and ``cascades`` are also available as DataFrames."""

    meta: PlanMeta
    kpis: Kpis
    slates: list[SlateEntry] = Field(default_factory=list)
    learning: list[LearningAssignment] = Field(default_factory=list)
    cascades: list[CascadeStep] = Field(default_factory=list, description="Backfill chains of the plan.")
    workforce: Optional[WorkforcePlan] = Field(default=None, description="The workforce plan made with this succession "
                                               "plan (planner workforce), if any.")

    @property
    def has_solution(self) -> bool:
        return self.kpis.status in ("OPTIMAL", "FEASIBLE")

    def slates_df(self) -> pd.DataFrame:
        df = pd.DataFrame([s.model_dump() for s in self.slates], columns=SLATE_COLUMNS)
        df["ready_quarter"] = df["ready_quarter"].astype("Int64")
        df["rank"] = df["rank"].astype("int64")
        return df

    def cascades_df(self) -> pd.DataFrame:
        return pd.DataFrame([c.model_dump() for c in self.cascades], columns=CASCADE_COLUMNS)

    def learning_df(self) -> pd.DataFrame:
        df = pd.DataFrame([a.model_dump() for a in self.learning], columns=LEARNING_COLUMNS)
        for c in ("start_quarter", "end_quarter"):
            df[c] = df[c].astype("int64")
        df["cost"] = df["cost"].astype("float64")
        return df


def write_plan(plan: Plan, out: str | Path, fmt: Literal["csv", "parquet"] = "csv", force: bool = False) -> Path:
    """Write the plan folder atomically; returns its path. An existing folder is replaced only if it is
    empty or a previous plan, or with ``force`` (see :func:`planner.contract.paths.write_folder`); the
    plan's scenario file and dataset are never overwritten. Raises OutputRefused otherwise."""

    def write(tmp: Path) -> None:
        for name, table in (("slates", plan.slates_df()), ("learning", plan.learning_df()), ("cascades", plan.cascades_df())):
            write_table(table, tmp / f"{name}.{fmt}", fmt)
        (tmp / "kpis.json").write_text(json.dumps(plan.kpis.model_dump(), indent=2) + "\n")
        (tmp / "plan.json").write_text(json.dumps(plan.meta.model_dump(), indent=2) + "\n")
        if plan.workforce is not None:
            for name in WORKFORCE_TABLES:
                write_table(plan.workforce.table(name), tmp / f"{name}.{fmt}", fmt)
            (tmp / "workforce.json").write_text(json.dumps({"kpis": plan.workforce.kpis.model_dump(),
                                                            "settings": plan.workforce.settings,
                                                            "input_fingerprint": plan.workforce.input_fingerprint},
                                                           indent=2) + "\n")

    write_folder(out, "plan", write, inputs=(plan.meta.scenario_file, plan.meta.dataset), force=force)
    return Path(out)


def read_plan(folder: str | Path) -> Plan:
    """Read a plan folder written by :func:`write_plan` (CSV or Parquet)."""
    folder = Path(folder)
    if not (folder / "kpis.json").exists() or not (folder / "plan.json").exists():
        raise FileNotFoundError(f"{folder} is not a plan folder (kpis.json and plan.json are missing)")

    def table(stem: str) -> pd.DataFrame:
        if (folder / f"{stem}.parquet").exists():
            return pd.read_parquet(folder / f"{stem}.parquet")
        text = {c: str for c in ("role_id", "employee_id", "intervention_id", "target_role_id", "department", "chain",
                                 "successor_id", "opens_role_id", "category", "from_category", "to_category", "skill_id",
                                 "label", "kind", "reason")}
        return pd.read_csv(folder / f"{stem}.csv", dtype=text, keep_default_na=False, na_values=[""])

    def records(df: pd.DataFrame) -> list[dict]:
        return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in df.to_dict("records")]

    workforce = None
    if (folder / "workforce.json").exists():
        head = json.loads((folder / "workforce.json").read_text())
        tables = {name: [WORKFORCE_MODELS[name](**r) for r in records(table(name))] for name in WORKFORCE_TABLES}
        workforce = WorkforcePlan(kpis=WorkforceKpis.model_validate(head["kpis"]), settings=head.get("settings", {}),
                                  input_fingerprint=head.get("input_fingerprint", ""),
                                  rows=tables["workforce_plan"], hires=tables["hiring_plan"], moves=tables["workforce_moves"],
                                  costs=tables["workforce_cost"], skills=tables["skills_supply"])
    return Plan(
        workforce=workforce,
        meta=PlanMeta.model_validate_json((folder / "plan.json").read_text()),
        kpis=Kpis.model_validate_json((folder / "kpis.json").read_text()),
        slates=[SlateEntry(**r) for r in records(table("slates"))],
        learning=[LearningAssignment(**r) for r in records(table("learning"))],
        cascades=[CascadeStep(**r) for r in records(table("cascades"))] if any(
            (folder / f"cascades.{x}").exists() for x in ("csv", "parquet")) else [],
    )
