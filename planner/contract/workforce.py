"""The workforce plan: headcount by category and quarter, hires, moves, costs, skills supply and KPIs.

It travels with the succession plan it was made from (``Plan.workforce``) and is written into the
same plan folder: ``workforce_plan.csv``, ``hiring_plan.csv``, ``workforce_moves.csv``,
``workforce_cost.csv``, ``skills_supply.csv`` (or ``.parquet``) and ``workforce.json`` (KPIs and
settings). Headcounts are FTE; money is in the organisation's money units.
"""

from __future__ import annotations

from typing import Literal, Optional

import pandas as pd
from pydantic import BaseModel, Field

WorkforceStatus = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "NOT_SOLVED"]


class CategoryQuarter(BaseModel):
    """One category in one quarter: how its headcount moves (closing = opening - attrition - known_leavers
    - succession_out + succession_in + hires - hire_leavers + moves_in - move_leavers - moves_out - redundancies)."""

    quarter: int = Field(ge=0, description="Quarter of the horizon (0 = the first).")
    label: str = Field(description="The quarter as a calendar quarter, e.g. '2027Q3'.")
    category: str = Field(description="Workforce category.")
    opening: float = Field(description="FTE at the start of the quarter.")
    attrition: float = Field(description="Expected leavers among the opening headcount (attrition rate x opening).")
    known_leavers: float = Field(description="Retirements, announced departures and incumbents of roles falling vacant, "
                                 "in expectation: the share of them still there (not gone earlier by attrition).")
    succession_out: float = Field(description="Successors of the succession plan moving to a critical role elsewhere.")
    succession_in: float = Field(description="Successors of the succession plan arriving in this category's critical roles.")
    hires: float = Field(description="External hires starting (the plan's, and those of uncovered critical roles).")
    hire_leavers: float = Field(description="Of this quarter's hires, those expected to leave in it (new-hire attrition).")
    moves_in: float = Field(description="People moved in from other categories (promotion, lateral, retraining, downgrade).")
    move_leavers: float = Field(description="Of those moved in, those expected to leave instead (the move's attrition).")
    moves_out: float = Field(description="People moved out to other categories.")
    redundancies: float = Field(description="FTE made redundant.")
    closing: float = Field(description="FTE at the end of the quarter.")
    demand: float = Field(description="FTE the category needs.")
    overstaffing: float = Field(description="FTE kept above demand.")
    short_time: float = Field(description="FTE on short-time working.")
    understaffing: float = Field(description="FTE of demand not met.")
    gap: float = Field(description="demand - closing: positive when short of demand, negative when above it.")

    @property
    def leavers(self) -> float:
        return self.attrition + self.known_leavers + self.hire_leavers + self.move_leavers


class Hire(BaseModel):
    quarter: int = Field(ge=0, description="Quarter the hires start.")
    label: str = Field(description="The quarter as a calendar quarter.")
    category: str = Field(description="Workforce category hired into.")
    role_id: Optional[str] = Field(default=None, description="The critical role, for the hire of an uncovered critical role.")
    fte: float = Field(description="FTE hired.")
    cost: float = Field(description="Hiring cost, money units (external_hire_cost for an uncovered critical role).")
    reason: Literal["uncovered critical role", "attrition backfill", "growth"] = Field(
        description="Why: a critical role the succession plan cannot fill from inside; growth (demand above the previous "
        "quarter's, or above the opening headcount in quarter 0); attrition backfill (the rest).")
    decide_by: int = Field(description="Quarter the hire must be decided (quarter - time_to_hire; may be before 0 when late).")


class Move(BaseModel):
    quarter: int = Field(ge=0, description="Quarter the people arrive in their new category.")
    label: str = Field(description="The quarter as a calendar quarter.")
    from_category: str = Field(description="Category they leave.")
    to_category: str = Field(description="Category they join.")
    kind: str = Field(description="promotion, lateral, retraining or downgrade.")
    fte: float = Field(description="FTE moved (before the move's attrition).")
    cost: float = Field(description="Move cost plus the enabling intervention's, money units.")
    intervention_id: Optional[str] = Field(default=None, description="The intervention the movers complete first.")
    start_quarter: Optional[int] = Field(default=None, description="When that intervention starts.")


class QuarterCost(BaseModel):
    quarter: int = Field(ge=0, description="Quarter.")
    label: str = Field(description="The quarter as a calendar quarter.")
    loaded: float = Field(description="Loaded cost of the closing headcount.")
    hiring: float = Field(description="Hiring costs (and external_hire_cost of uncovered critical roles).")
    training: float = Field(description="The succession plan's training spend and the interventions of moves, by start quarter.")
    moves: float = Field(description="Costs of moves between categories.")
    redundancy: float = Field(description="Redundancy costs.")
    overstaffing: float = Field(description="Cost of FTE above demand.")
    short_time: float = Field(description="Cost of short-time working.")
    understaffing: float = Field(description="Cost of demand not met.")
    total: float = Field(description="The sum.")


class SkillSupply(BaseModel):
    quarter: int = Field(ge=0, description="Quarter (at its start).")
    label: str = Field(description="The quarter as a calendar quarter.")
    skill_id: str = Field(description="Skill.")
    level: int = Field(description="Proficiency level.")
    holders: int = Field(description="Employees at this level or above: today's levels plus the development the plan "
                         "has completed by then, known leavers gone.")
    required: int = Field(description="Positions whose role requires this level or above (each employee's role; a role "
                          "with no holder counts once).")
    gap: int = Field(description="required - holders: positive when short.")


class WorkforceKpis(BaseModel):
    status: WorkforceStatus = Field(description="OPTIMAL (proven least cost), FEASIBLE (whole heads, stopped by the time "
                                    "limit: gap shown), INFEASIBLE, NOT_SOLVED.")
    objective: str = Field(description="What was minimised: 'cost' or 'redundancies' (then cost).")
    total_cost: float = Field(description="Cost of the workforce over the horizon (all of the parts below).")
    loaded_cost: float = Field(description="Loaded cost of the headcount.")
    hiring_cost: float = Field(description="Hiring costs, with uncovered critical roles' external hires.")
    training_cost: float = Field(description="Training spend: the succession plan's and the moves' interventions.")
    move_cost: float = Field(description="Costs of moves between categories.")
    redundancy_cost: float = Field(description="Redundancy costs.")
    overstaffing_cost: float = Field(description="Cost of overstaffing.")
    short_time_cost: float = Field(description="Cost of short-time working.")
    understaffing_cost: float = Field(description="Cost of demand not met.")
    best_bound: Optional[float] = Field(default=None, description="A total cost no plan can beat (the LP's optimum, or the "
                                        "whole-heads programme's bound); under objective 'redundancies', no plan with "
                                        "the fewest redundancies.")
    gap: Optional[float] = Field(default=None, description="(total_cost - best_bound) / total_cost.")
    hires: float = Field(description="FTE hired over the horizon.")
    moves: float = Field(description="FTE moved between categories.")
    redundancies: float = Field(description="FTE made redundant.")
    internal_fill_rate: Optional[float] = Field(default=None, description="Internal fills (moves and successors) / all fills "
                                                "(those and external hires).")
    time_to_fill_quarters: Optional[float] = Field(default=None, description="Projected mean quarters from need to fill, "
                                                   "FTE-weighted: time_to_hire for hires, the enabling intervention's "
                                                   "duration for moves through one, 0 for other moves.")
    hipo_retention: Optional[float] = Field(default=None, description="Expected share of today's high potentials "
                                            "(potential 3) still employed at the horizon's end.")
    headcount_vs_demand: Optional[float] = Field(default=None, description="Closing headcount / demand in the last quarter.")
    understaffed_fte_quarters: float = Field(description="FTE-quarters of demand not met.")
    solve_seconds: float = Field(default=0.0, description="Wall-clock seconds of the workforce solve.")
    objective_parts: dict[str, float] = Field(default_factory=dict, description="Cost parts recomputed by the checker.")
    solver_objective_parts: Optional[dict[str, float]] = Field(default=None, description="The solver's own value of each part.")
    notes: list[str] = Field(default_factory=list, description="What the planner adjusted or could not do, in words.")
    message: str = Field(default="", description="Why there is no plan, when there is none.")


class WorkforcePlan(BaseModel):
    """The workforce plan of a scenario, made with (and stored beside) its succession plan."""

    kpis: WorkforceKpis
    settings: dict = Field(default_factory=dict, description="The scenario's workforce settings.")
    input_fingerprint: str = Field(default="", description="SHA-256 of the workforce inputs with the succession plan's "
                                   "(planner.inputs.files.workforce_fingerprint); planner check compares it.")
    rows: list[CategoryQuarter] = Field(default_factory=list, description="workforce_plan: one row per quarter and category.")
    hires: list[Hire] = Field(default_factory=list, description="hiring_plan.")
    moves: list[Move] = Field(default_factory=list, description="Moves between categories.")
    costs: list[QuarterCost] = Field(default_factory=list, description="Cost of the workforce per quarter.")
    skills: list[SkillSupply] = Field(default_factory=list, description="Skills supply against what roles require.")

    @property
    def has_solution(self) -> bool:
        return self.kpis.status in ("OPTIMAL", "FEASIBLE")

    def table(self, name: str) -> pd.DataFrame:
        """One of the plan's tables as a DataFrame: workforce_plan, hiring_plan, workforce_moves, workforce_cost, skills_supply."""
        items, model = {"workforce_plan": (self.rows, CategoryQuarter), "hiring_plan": (self.hires, Hire),
                        "workforce_moves": (self.moves, Move), "workforce_cost": (self.costs, QuarterCost),
                        "skills_supply": (self.skills, SkillSupply)}[name]
        return pd.DataFrame([i.model_dump() for i in items], columns=list(model.model_fields))


WORKFORCE_TABLES = ("workforce_plan", "hiring_plan", "workforce_moves", "workforce_cost", "skills_supply")
WORKFORCE_MODELS = {"workforce_plan": CategoryQuarter, "hiring_plan": Hire, "workforce_moves": Move,
                    "workforce_cost": QuarterCost, "skills_supply": SkillSupply}
