"""The organisation's data: one pydantic row model per table, and the validated dataset.

The row models are the contract of the input tables (README, "Organisation data"). They serve
twice: records built in Python are validated by pydantic as usual, and tables read from files are
validated column by column from the same field constraints (``planner.inputs.checks``), so a
50,000-row table is checked with vectorised pandas instead of 50,000 model instances.

The validated dataset, :class:`Organisation`, keeps each table as a typed pandas DataFrame: that is
what the model builder, the checker and the app all consume.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

EmployeeId = str
RoleId = str
SkillId = str
InterventionId = str
Level = int

INTERVENTION_KINDS = ("course", "certification", "mentoring", "stretch_assignment", "rotation", "coaching")


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Skill(_Row):
    skill_id: SkillId = Field(min_length=1, description="Unique skill ID.")
    name: str = Field(min_length=1, description="Human-readable skill name.")
    category: str = Field(default="", description="Skill group, e.g. 'Finance' or 'Leadership'.")


class Employee(_Row):
    employee_id: EmployeeId = Field(min_length=1, description="Unique employee ID (text, leading zeros kept).")
    name: str = Field(min_length=1, description="Display name; never written to logs.")
    role_id: RoleId = Field(min_length=1, description="The employee's current role (a roles.role_id).")
    department: str = Field(default="", description="Department the employee works in.")
    location: str = Field(default="", description="Work location.")
    performance: int = Field(ge=1, le=5, description="Latest performance rating, 1 (low) to 5 (high).")
    potential: int = Field(ge=1, le=3, description="Potential rating, 1 (low) to 3 (high): the 9-box's other axis.")
    flight_risk: float = Field(ge=0.0, le=1.0, description="Annual probability of leaving, 0 to 1.")
    learning_hours_per_quarter: float = Field(ge=0.0, description="Hours per quarter the employee can spend on development.")
    open_to_move: bool = Field(description="Whether the employee may be placed on a succession slate at all.")
    aspirations: str = Field(
        default="",
        description="Optional: families or role IDs the employee wants to move to, separated by ';'.",
    )
    leave_quarter: Optional[int] = Field(
        default=None,
        ge=0,
        description="Optional: quarter the employee leaves (no learning from then on, off slates of roles needed "
        "then or later). Usually set by a scenario's employee_leaves change.",
    )
    fte: float = Field(
        default=1.0, gt=0.0, le=1.0,
        description="Optional: full-time equivalent, above 0 and at most 1 (default 1): what the person counts for in "
        "the workforce plan's headcount.",
    )
    retirement_quarter: Optional[int] = Field(
        default=None, ge=0,
        description="Optional: quarter the employee retires (a known leaver in the workforce plan from then on); "
        "empty = no known retirement.",
    )


class EmployeeSkill(_Row):
    employee_id: EmployeeId = Field(min_length=1, description="An employees.employee_id.")
    skill_id: SkillId = Field(min_length=1, description="A skills.skill_id.")
    level: Level = Field(ge=0, le=5, description="Current proficiency, 0 (none) to 5 (expert).")


class Role(_Row):
    role_id: RoleId = Field(min_length=1, description="Unique role ID.")
    title: str = Field(min_length=1, description="Job title.")
    family: str = Field(min_length=1, description="Job family, e.g. 'Finance'.")
    level: int = Field(ge=0, description="Grade in the job architecture; higher is more senior.")
    department: str = Field(default="", description="Department the role sits in.")
    location: str = Field(default="", description="Location of the role.")
    critical: bool = Field(description="Whether the role needs a succession slate.")
    criticality: int = Field(ge=1, le=5, description="Business impact of losing the role, 1 (low) to 5 (high).")
    incumbent_id: Optional[EmployeeId] = Field(default=None, description="Current holder (an employees.employee_id), empty if vacant.")
    vacancy_quarter: Optional[int] = Field(
        default=None, ge=0, description="Quarter (0 = first of the horizon) the role falls vacant; empty = no known vacancy."
    )
    external_hire_cost: float = Field(ge=0.0, description="Cost of filling the role from outside, in money units.")


class RoleRequirement(_Row):
    role_id: RoleId = Field(min_length=1, description="A roles.role_id.")
    skill_id: SkillId = Field(min_length=1, description="A skills.skill_id.")
    level: Level = Field(ge=0, le=5, description="Proficiency the role requires, 0 to 5.")


class Intervention(_Row):
    intervention_id: InterventionId = Field(min_length=1, description="Unique intervention ID.")
    name: str = Field(min_length=1, description="Name of the course, programme or assignment.")
    kind: Literal["course", "certification", "mentoring", "stretch_assignment", "rotation", "coaching"] = Field(
        description="Kind of intervention."
    )
    cost: float = Field(ge=0.0, description="Cost per participant in money units, paid in the start quarter.")
    duration_quarters: int = Field(ge=1, description="Length in quarters (>= 1).")
    hours_per_quarter: float = Field(ge=0.0, description="Hours the participant spends on it in each quarter it runs.")
    seats_per_quarter: Optional[int] = Field(default=None, ge=0, description="Maximum starts per quarter; empty = unlimited.")
    earliest_start_quarter: int = Field(default=0, ge=0, description="First quarter it can start.")
    latest_start_quarter: Optional[int] = Field(default=None, ge=0, description="Last quarter it can start; empty = any.")


class InterventionEffect(_Row):
    intervention_id: InterventionId = Field(min_length=1, description="An interventions.intervention_id.")
    skill_id: SkillId = Field(min_length=1, description="A skills.skill_id.")
    min_level: Level = Field(ge=0, le=5, description="Level in the skill needed to start the intervention.")
    to_level: Level = Field(ge=1, le=5, description="Level the intervention brings a participant to on completion.")


class FamilyMove(_Row):
    from_family: str = Field(min_length=1, description="A family successors may come from ...")
    to_family: str = Field(min_length=1, description="... into a role of this family.")


class WorkforceCost(_Row):
    """One workforce category (a job family and grade, spelled '<family>/<grade>', or a role ID) and
    what its people cost. Every rate and cap is per quarter as given."""

    category: str = Field(min_length=1, description="A job family and grade ('Finance/3') or a roles.role_id: the "
                          "employees of that family and grade (or in that role) form its opening headcount.")
    loaded_cost: float = Field(ge=0.0, description="Loaded cost of one FTE for one quarter (pay, benefits, overheads), money units.")
    hire_cost: float = Field(ge=0.0, description="Cost of hiring one FTE from outside (recruitment and onboarding), money units.")
    time_to_hire: int = Field(default=1, ge=0, description="Quarters from the decision to hire to the hire's first quarter "
                              "(no hire can start before this quarter).")
    hire_cap: Optional[float] = Field(default=None, ge=0.0, description="Most FTE that can be hired into the category in "
                                      "one quarter; empty = no cap.")
    redundancy_cost: float = Field(default=0.0, ge=0.0, description="Cost of making one FTE redundant, money units.")
    overstaffing_cost: float = Field(default=0.0, ge=0.0, description="Cost per quarter of each FTE above demand "
                                     "(on top of its loaded cost), money units.")
    overstaffing_cap: Optional[float] = Field(default=None, ge=0.0, description="Most FTE above demand in one quarter; "
                                              "empty = no cap (the scenario may also cap the total across categories).")
    short_time_cost: float = Field(default=0.0, ge=0.0, description="Cost per quarter of putting one FTE on short-time "
                                   "working (on top of its loaded cost), money units.")
    short_time_cap: float = Field(default=0.0, ge=0.0, description="Most FTE on short-time working in one quarter "
                                  "(default 0: none).")
    short_time_productivity: float = Field(default=0.5, ge=0.0, lt=1.0, description="Share of a full-time FTE's work "
                                           "that an FTE on short-time working does (default 0.5).")
    understaffing_cost: Optional[float] = Field(default=None, ge=0.0, description="Cost per quarter of each FTE of "
                                                "demand not met (contractors, overtime, work not done), money units; "
                                                "empty = three times the loaded cost.")
    attrition_rate: Optional[float] = Field(default=None, ge=0.0, lt=1.0, description="Share of the category's people who "
                                            "leave in a quarter; empty = from its members' flight_risk (1 - (1 - mean "
                                            "annual flight_risk) ** 0.25), or the organisation's mean without members.")
    new_hire_attrition_rate: Optional[float] = Field(default=None, ge=0.0, lt=1.0, description="Share of a quarter's "
                                                     "hires who leave in that same quarter; empty = attrition_rate.")


class WorkforceDemand(_Row):
    category: str = Field(min_length=1, description="A workforce_costs.category.")
    quarter: int = Field(ge=0, description="Quarter of the horizon (0 = the first).")
    fte: float = Field(ge=0.0, description="FTE the category needs in that quarter. A quarter without a row holds the "
                       "latest earlier quarter's demand; before a category's first row, and for a category without "
                       "rows, demand is its opening headcount.")


class WorkforceMove(_Row):
    from_category: str = Field(min_length=1, description="A workforce_costs.category people move out of ...")
    to_category: str = Field(min_length=1, description="... into this one.")
    kind: Literal["promotion", "lateral", "retraining", "downgrade"] = Field(description="What the move is.")
    cost: float = Field(default=0.0, ge=0.0, description="Cost per FTE moved (besides the enabling intervention's), money units.")
    cap: Optional[float] = Field(default=None, ge=0.0, description="Most FTE moved in one quarter; empty = no absolute cap.")
    cap_share: Optional[float] = Field(default=None, ge=0.0, description="Most FTE moved in one quarter as a share of "
                                       "cap_share_category's opening headcount that quarter; empty = none.")
    cap_share_category: Optional[str] = Field(default=None, description="The category cap_share is a share of; empty = "
                                              "from_category.")
    intervention_id: Optional[str] = Field(default=None, description="An interventions.intervention_id every mover "
                                           "completes first: the move happens the quarter after it ends, starts use "
                                           "its seats (those the succession plan leaves) and its start window, and "
                                           "its cost is training spend.")
    attrition: float = Field(default=0.0, ge=0.0, lt=1.0, description="Share of the people moved who leave instead "
                             "(for example rather than be downgraded).")


class WorkforceSupply(_Row):
    category: str = Field(min_length=1, description="A workforce_costs.category.")
    fte: float = Field(ge=0.0, description="Opening headcount in FTE, instead of counting the category's employees "
                       "(aggregate-only planning of a population without employee rows).")


@dataclass(frozen=True)
class TableSpec:
    """How one table is stored and keyed."""

    name: str
    row_model: type[_Row]
    key: tuple[str, ...]
    required: bool = True
    id_column: str | None = None  # the column that names a row in messages


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("skills", Skill, ("skill_id",), id_column="skill_id"),
        TableSpec("employees", Employee, ("employee_id",), id_column="employee_id"),
        TableSpec("employee_skills", EmployeeSkill, ("employee_id", "skill_id")),
        TableSpec("roles", Role, ("role_id",), id_column="role_id"),
        TableSpec("role_requirements", RoleRequirement, ("role_id", "skill_id")),
        TableSpec("interventions", Intervention, ("intervention_id",), id_column="intervention_id"),
        TableSpec("intervention_effects", InterventionEffect, ("intervention_id", "skill_id")),
        TableSpec("family_moves", FamilyMove, ("from_family", "to_family"), required=False),
        TableSpec("workforce_costs", WorkforceCost, ("category",), required=False, id_column="category"),
        TableSpec("workforce_demand", WorkforceDemand, ("category", "quarter"), required=False),
        TableSpec("workforce_moves", WorkforceMove, ("from_category", "to_category", "kind"), required=False),
        TableSpec("workforce_supply", WorkforceSupply, ("category",), required=False, id_column="category"),
    )
}


@dataclass(frozen=True)
class Organisation:
    """A validated dataset: one typed DataFrame per table (columns as in the row models).

    Build it with :func:`planner.load_dataset` (files) or :func:`planner.organisation_from_records` (Python objects); both
    run every consistency check and raise :class:`planner.contract.errors.InputError` listing each problem.
    ``source`` names where the data came from, for messages.
    """

    skills: pd.DataFrame
    employees: pd.DataFrame
    employee_skills: pd.DataFrame
    roles: pd.DataFrame
    role_requirements: pd.DataFrame
    interventions: pd.DataFrame
    intervention_effects: pd.DataFrame
    family_moves: pd.DataFrame | None = None
    workforce_costs: pd.DataFrame | None = None
    workforce_demand: pd.DataFrame | None = None
    workforce_moves: pd.DataFrame | None = None
    workforce_supply: pd.DataFrame | None = None
    source: str = "<memory>"
    files: dict[str, str] = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    def table(self, name: str) -> pd.DataFrame | None:
        return getattr(self, name)

    @property
    def critical_roles(self) -> pd.DataFrame:
        return self.roles[self.roles["critical"]]
