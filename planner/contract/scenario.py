"""Scenario files: which dataset, over what horizon, with what budget, policies, weights and solver settings.

A scenario is YAML validated by pydantic; an unknown key is an error naming the file and the field.
Paths in the file (``dataset``) are relative to the scenario file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, Optional, Union

import yaml
from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_serializer,
                      model_validator)

from planner.contract.errors import InputError, Issue
from planner.contract.paths import check_name

_QUARTER_LABEL = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_label(start: str, q: int) -> str:
    """Calendar label of quarter ``q`` counted from ``start`` ('2027Q1', 5 -> '2028Q2')."""
    year, quarter = _QUARTER_LABEL.match(start).groups()
    index = int(year) * 4 + int(quarter) - 1 + q
    return f"{index // 4}Q{index % 4 + 1}"


class _Strict(BaseModel):
    """Every scenario model: unknown keys are errors, and so are infinite or NaN numbers (a budget of
    .inf is not 'no limit', it is a typo; a large finite budget is)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Budget(_Strict):
    total: float = Field(ge=0, description="Total training budget over the horizon, in money units.")
    per_quarter: Optional[float] = Field(
        default=None, ge=0, description="Optional cap on the spend started in any one quarter; empty = no cap."
    )


class SlateFairness(_Strict):
    """Fair slates: a group of people, named by an employee attribute (a column of the employees table) and
    one of its values, gets at least ``min_per_slate`` places on each critical role's slate where the
    organisation can provide them: the role's target is the smaller of ``min_per_slate`` and the number
    of the group's people eligible for its slate (slate eligibility, leavers and vetoes included)."""

    attribute: str = Field(min_length=1, description="Column of the employees table that holds the attribute, "
                           "e.g. 'group' (an extra column the loader keeps) or 'location'.")
    group: str = Field(min_length=1, description="The attribute's value whose people the rule is for, e.g. 'B' "
                       "(compared as text, spaces trimmed).")
    min_per_slate: int = Field(default=1, ge=1, description="People of the group each slate holds at least, where "
                               "that many are eligible (fewer eligible: as many as there are).")
    mode: Literal["hard", "soft"] = Field(default="hard", description="'hard': a rule every plan keeps. 'soft': each "
                                          "missing person costs 'price' in the objective's money terms.")
    price: float = Field(default=20_000.0, ge=0, description="Soft mode: money units per person of the group missing "
                         "from a slate's target (part of the money cost, like change_slate).")

    @field_validator("group", mode="before")
    @classmethod
    def _as_text(cls, v):
        return str(v).strip() if isinstance(v, (str, int)) and not isinstance(v, bool) else v

    def is_member(self, values) -> "list[bool]":
        """Whether each attribute value (a column's values, any type) is the group's, compared as text."""
        return [isinstance(v, (str, int, float)) and not (isinstance(v, float) and v != v) and _text(v) == self.group
                for v in values]


def _text(v) -> str:
    """An attribute value as text: '2' for 2 and for 2.0 (a spreadsheet's number), trimmed."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


class Policy(_Strict):
    bench_depth: int = Field(default=3, ge=1, le=10, description="Successors ranked on each critical role's slate, at most.")
    max_level_jump: int = Field(
        default=1, ge=0, description="A successor's current grade may be at most this many grades below the role's."
    )
    max_level_drop: int = Field(
        default=0,
        ge=0,
        description="A successor's current grade may be at most this many grades above the role's "
        "(0: no demotions onto slates; lateral moves are always allowed).",
    )
    max_slates_per_employee: int = Field(default=2, ge=1, description="Slates one employee may sit on, at most.")
    fairness: Optional[SlateFairness] = Field(
        default=None, description="Fair slates: each critical role's slate holds at least min_per_slate people of one "
        "group of an employee attribute, where the organisation can provide them; null = no such rule.")

    @model_serializer(mode="wrap")
    def _fairness_only_when_set(self, handler):
        """Without the setting, a policy dumps as it did before it existed (so fingerprints of older plans hold)."""
        data = handler(self)
        if self.fairness is None and isinstance(data, dict):
            data.pop("fairness", None)
        return data

    @model_validator(mode="after")
    def _fairness_fits_the_bench(self) -> "Policy":
        if self.fairness is not None and self.fairness.min_per_slate > self.bench_depth:
            raise ValueError(f"fairness.min_per_slate ({self.fairness.min_per_slate}) is above bench_depth "
                             f"({self.bench_depth}): a slate cannot hold that many")
        return self


class Weights(_Strict):
    """Objective weights. Money terms are multipliers; the others are money units per unit named."""

    training_spend: float = Field(default=1.0, ge=0, description="Multiplier on training spend.")
    external_hire: float = Field(default=1.0, ge=0, description="Multiplier on the external_hire_cost of each uncovered critical role.")
    ready_successor: float = Field(
        default=50.0, ge=0,
        description="Value (money units) of each slate entry whose person is ready when the role falls vacant, "
        "scaled by rank (rank 1 counts bench_depth times, the last rank once).",
    )
    candidate_quality: float = Field(
        default=10.0, ge=0,
        description="Value (money units) of a slate entry's quality score (0-1: performance, potential, retention), "
        "scaled by rank like ready_successor.",
    )
    aspiration: float = Field(
        default=5.0, ge=0, description="Value (money units) of placing someone on a slate they aspire to."
    )
    early_development: float = Field(
        default=1.0, ge=0, description="Cost (money units) per quarter of delay in each development intervention's end."
    )
    attrition_aware: bool = Field(
        default=False,
        description="Replace the external-hire term by its expected value under attrition: a role is uncovered only "
        "if every ready slate member has left by its need quarter (flight_risk), so deeper benches pay where "
        "candidates are likely to leave.",
    )
    change_slate: float = Field(
        default=20_000.0, ge=0,
        description="Re-planning only: cost (money units) of each slate position whose occupant differs from the baseline plan.",
    )
    change_learning: float = Field(
        default=5_000.0, ge=0,
        description="Re-planning only: cost (money units) of each baseline intervention cancelled or moved, or new one added.",
    )


class SolverConfig(_Strict):
    """Every CP-SAT setting the planner uses, in one place."""

    time_limit_seconds: float = Field(
        default=20.0, gt=0,
        description="Wall-clock seconds the user waits, from the start of the solve (or from loading, on the command "
        "line) to the checked plan, in every mode: the search gets what loading, set-up and the readiness-ranking "
        "start leave, less the time to build the plan from its answer. In deterministic mode the search also stops "
        "after 0.2 times this in CP-SAT's deterministic time (about half the limit in wall-clock time on an "
        "idle 2-core machine), so that it finds the same plan on a machine up to about 2x slower or busier; one that "
        "the wall clock stops first says so in the plan's message.",
    )
    num_workers: int = Field(default=8, ge=1, description="CP-SAT search workers (8 beats 2 even on 2 cores).")
    random_seed: int = Field(default=0, description="Seed; with the same inputs and workers, the same plan.")
    relative_gap_limit: float = Field(default=0.0, ge=0, description="Stop when the relative gap is at most this.")
    deterministic: bool = Field(
        default=False,
        description="Run CP-SAT's workers in its deterministic interleaved mode, so the same inputs, seed and workers "
        "give the same plan on any machine load (up to about 2x slower or busier). What it costs: on the sample the "
        "interleaved workers need about 14 s of wall-clock time to prove the money optimum that free-running workers "
        "(false, the default) prove in about 1.5 s; free-running workers may return a different one of several "
        "equally good plans, or on a plan not proven optimal, a different plan.",
    )
    tie_break_money_tolerance: float = Field(
        default=0.0, ge=0, le=1,
        description="The search minimises the money cost first (training spend and external hires, weighted; plus "
        "priced changes when re-planning), then the tie-breaks (ready successors, candidate quality, aspiration, early "
        "development) among plans whose money cost is at most (1 + this) times the first phase's. 0: tie-breaks never "
        "cost money.",
    )
    log_search_progress: bool = Field(default=False, description="Print CP-SAT's own log.")
    exact_pairs_limit: int = Field(
        default=5_000, ge=0,
        description="Organisations with at most this many eligible (employee, critical role) pairs get the exact "
        "model over all of them (its bound is CP-SAT's). Larger ones get the large-instance method: the exact model "
        "over each role's shortlist, with the bound of a linear relaxation over every pair (planner.heuristics.bound).",
    )
    shortlist_per_rank: int = Field(
        default=4, ge=1,
        description="Large-instance method: candidates kept per role for each slate rank (the most valuable ones in "
        "the relaxation), besides the readiness-ranking baseline's own choices and pins.",
    )


# ------------------------------------------------------------------------------------------
# What-if changes: applied in order to the dataset (and budget/policy/weights) of the base.
# ------------------------------------------------------------------------------------------


class EmployeeLeaves(_Strict):
    """An employee leaves from a quarter: no learning from then on, off every slate for roles needed
    then or later; a role they hold falls vacant then."""

    type: Literal["employee_leaves"]
    employee_id: str = Field(description="Who leaves.")
    quarter: int = Field(ge=0, description="First quarter they are gone.")


class VacancyChange(_Strict):
    """A role's vacancy moves, appears (a quarter) or disappears (null)."""

    type: Literal["vacancy"]
    role_id: str = Field(description="The role.")
    quarter: Optional[int] = Field(ge=0, description="New vacancy quarter; null = no known vacancy in the horizon.")


class CriticalChange(_Strict):
    """A role becomes critical (needs a slate) or stops being critical."""

    type: Literal["role_critical"]
    role_id: str = Field(description="The role.")
    critical: bool = Field(description="Whether it is critical now.")
    criticality: Optional[int] = Field(default=None, ge=1, le=5, description="New criticality, if given.")


class NewRole(_Strict):
    """A new role (e.g. a new digital role) with its skill requirements."""

    type: Literal["new_role"]
    role: dict = Field(description="The roles row: role_id, title, family, level, critical, criticality, ...")
    requirements: dict[str, int] = Field(default_factory=dict, description="skill_id -> required level (0-5).")


class BudgetChange(_Strict):
    """The training budget: a new total, a scale factor on the total, and/or a per-quarter cap."""

    type: Literal["budget"]
    total: Optional[float] = Field(default=None, ge=0, description="New total budget.")
    scale: Optional[float] = Field(default=None, ge=0, description="Multiply the total by this (0.8 = a 20% cut).")
    per_quarter: Optional[float] = Field(default=None, ge=0, description="New per-quarter cap (null = none).")


class InterventionChange(_Strict):
    """An intervention's cost, seats or start window changes, or it is withdrawn from the catalogue."""

    type: Literal["intervention"]
    intervention_id: str = Field(description="The intervention.")
    cost: Optional[float] = Field(default=None, ge=0, description="New cost per participant.")
    seats_per_quarter: Optional[int] = Field(default=None, ge=0, description="New seats per quarter (null = unlimited).")
    earliest_start_quarter: Optional[int] = Field(default=None, ge=0, description="New earliest start.")
    latest_start_quarter: Optional[int] = Field(default=None, ge=0, description="New latest start (null = any).")
    withdrawn: bool = Field(default=False, description="Remove it from the catalogue.")


class NewIntervention(_Strict):
    """A new intervention with its effects."""

    type: Literal["new_intervention"]
    intervention: dict = Field(description="The interventions row: intervention_id, name, kind, cost, duration_quarters, ...")
    effects: list[dict] = Field(min_length=1, description="intervention_effects rows without the intervention_id: skill_id, min_level, to_level.")


class EmployeeChange(_Strict):
    """An employee's skill levels, learning hours, openness to move or ratings (a 9-box move) change."""

    type: Literal["employee"]
    employee_id: str = Field(description="The employee.")
    skills: dict[str, int] = Field(default_factory=dict, description="skill_id -> new level (0-5).")
    learning_hours_per_quarter: Optional[float] = Field(default=None, ge=0, description="New learning hours per quarter.")
    open_to_move: Optional[bool] = Field(default=None, description="New openness to move.")
    performance: Optional[int] = Field(default=None, ge=1, le=5, description="New performance rating (1-5).")
    potential: Optional[int] = Field(default=None, ge=1, le=3, description="New potential rating (1-3).")


class PolicyChange(_Strict):
    """Policy values change (any field of ``policy``)."""

    type: Literal["policy"]
    values: dict = Field(description="Policy fields to set, e.g. {bench_depth: 2}.")


class WeightsChange(_Strict):
    """Objective weights change (any field of ``weights``)."""

    type: Literal["weights"]
    values: dict = Field(description="Weight fields to set, e.g. {external_hire: 1.5}.")


class _CategorySelection(_Strict):
    """Which workforce categories a change applies to: those listed, those of the families listed, all
    but those of the families excluded; nothing given = every category."""

    categories: list[str] = Field(default_factory=list, description="workforce_costs categories (empty = not by name).")
    families: list[str] = Field(default_factory=list, description="Job families: their categories ('Finance/3', or a "
                                "role of the family).")
    except_families: list[str] = Field(default_factory=list, description="Job families whose categories are left out.")
    from_quarter: int = Field(default=0, ge=0, description="First quarter the change applies to.")
    to_quarter: Optional[int] = Field(default=None, ge=0, description="Last quarter it applies to; null = to the horizon's end.")


class DemandChange(_CategorySelection):
    """Workforce demand grows or is cut: each selected category's demand times ``scale``, plus ``delta`` FTE."""

    type: Literal["workforce_demand"]
    scale: float = Field(default=1.0, ge=0, description="Multiply demand by this (1.2 = 20% growth, 0.9 = a 10% cut).")
    delta: float = Field(default=0.0, description="FTE added to (or, negative, taken from) demand; never below 0.")


class HiringFreeze(_CategorySelection):
    """Hiring into the selected categories is capped (0: frozen) in the quarters selected."""

    type: Literal["hiring_freeze"]
    cap: float = Field(default=0.0, ge=0, description="Most FTE hired per quarter and category while it lasts (0 = none).")


class AttritionChange(_CategorySelection):
    """Attrition goes up or down in the selected categories: a new quarterly rate, or the rate times ``scale``."""

    type: Literal["attrition"]
    rate: Optional[float] = Field(default=None, ge=0, lt=1, description="New share leaving per quarter.")
    scale: float = Field(default=1.0, ge=0, description="Multiply the rate by this (1.5 = attrition up by half); "
                         "capped below 1.")
    new_hires: bool = Field(default=True, description="Whether the new-hire rate changes the same way.")


class Reorganisation(_Strict):
    """Categories are merged into one, or one is split into several, from the start of the horizon.
    A merge adds headcount, demand and caps and takes FTE-weighted costs and rates; a split divides
    headcount, demand and caps by the shares and keeps costs and rates."""

    type: Literal["reorganisation"]
    merge: list[str] = Field(default_factory=list, description="Categories merged (two or more) ...")
    into: Optional[str] = Field(default=None, description="... into this new category's name.")
    split: Optional[str] = Field(default=None, description="A category split ...")
    shares: dict[str, float] = Field(default_factory=dict, description="... into these new categories, each with its "
                                     "share (summing to 1).")

    @model_validator(mode="after")
    def _one_kind(self) -> "Reorganisation":
        if bool(self.merge) == bool(self.split):
            raise ValueError("a reorganisation either merges (merge + into) or splits (split + shares)")
        if self.merge and (len(set(self.merge)) < 2 or not self.into):
            raise ValueError("a merge needs two or more different categories and 'into'")
        if self.split and (len(self.shares) < 2 or any(v <= 0 for v in self.shares.values())
                           or abs(sum(self.shares.values()) - 1) > 1e-6):
            raise ValueError("a split needs two or more 'shares', each above 0, summing to 1")
        return self


WORKFORCE_CHANGES = ("workforce_demand", "hiring_freeze", "attrition", "reorganisation")


class WorkforceSettings(_Strict):
    """The workforce plan (planner workforce): what it minimises and how it counts people."""

    objective: Literal["cost", "redundancies"] = Field(
        default="cost", description="'cost': the least total cost of the workforce. 'redundancies': the fewest FTE made "
        "redundant first, then the least cost among plans with that few.")
    whole_heads: bool = Field(default=False, description="Hires, moves, redundancies and short-time working in whole "
                              "people (a mixed-integer programme) instead of fractional FTE (a linear programme).")
    overstaffing_total_cap: Optional[float] = Field(
        default=None, ge=0, description="Most FTE above demand in any one quarter, summed over every category; null = no cap.")
    time_limit_seconds: float = Field(default=20.0, gt=0, description="Wall-clock seconds the workforce solve may take "
                                      "(whole heads only; the linear programme takes about a second on the sample).")
    relative_gap_limit: float = Field(default=0.005, ge=0, description="Whole heads only: stop when the cost is within "
                                      "this share of the programme's bound (0.005 = 0.5%).")


Change = Annotated[
    Union[EmployeeLeaves, VacancyChange, CriticalChange, NewRole, BudgetChange, InterventionChange, NewIntervention,
          EmployeeChange, PolicyChange, WeightsChange, DemandChange, HiringFreeze, AttritionChange, Reorganisation],
    Field(discriminator="type"),
]


class Pin(_Strict):
    """Overrule the optimiser: this person is on this role's slate (at this rank, if given)."""

    employee_id: str = Field(description="Who.")
    role_id: str = Field(description="Which critical role's slate.")
    rank: Optional[int] = Field(default=None, ge=1, description="Slate position; null = any position.")
    rationale: str = Field(min_length=1, description="Why (kept with the plan).")

    def label(self) -> str:
        return f"pin: {self.employee_id} {'#' + str(self.rank) if self.rank else 'on'} {self.role_id}"


class Veto(_Strict):
    """Overrule the optimiser: this person is never on this role's slate."""

    employee_id: str = Field(description="Who.")
    role_id: str = Field(description="Which critical role.")
    rationale: str = Field(min_length=1, description="Why (kept with the plan).")

    def label(self) -> str:
        return f"veto: {self.employee_id} off {self.role_id}"


class Lock(_Strict):
    """An intervention already booked or started: the plan must keep it."""

    employee_id: str = Field(description="Participant.")
    intervention_id: str = Field(description="Intervention.")
    start_quarter: int = Field(ge=0, description="Quarter it starts (or started: 0 for one under way).")
    rationale: str = Field(min_length=1, description="Why (kept with the plan).")

    def label(self) -> str:
        return f"lock: {self.employee_id} {self.intervention_id} from q{self.start_quarter}"


class Scenario(_Strict):
    """A planning scenario. ``dataset`` is resolved against the scenario file's folder when loaded."""

    name: str = Field(description="Scenario name, shown on plans and comparisons and the default plan folder's name "
                      "(plans/<name>): 1-80 printable characters starting with a letter or digit, no path separators, '..', "
                      "control characters or any of <>:\"|?* (planner.contract.paths.check_name).")
    description: str = Field(default="", description="What the scenario asks.")
    extends: Optional[str] = Field(
        default=None, description="Base scenario file (relative to this one); its settings and changes come first."
    )
    dataset: Optional[str] = Field(default=None, description="Folder or .xlsx workbook with the organisation's tables.")
    start: str = Field(default="2027Q1", description="Calendar label of quarter 0, e.g. '2027Q1'.")
    horizon_quarters: int = Field(default=12, ge=1, le=40, description="Quarters planned, 0..T-1.")
    budget: Budget = Field(description="Training budget.")
    policy: Policy = Field(default_factory=Policy, description="Slate policies.")
    weights: Weights = Field(default_factory=Weights, description="Objective weights.")
    solver: SolverConfig = Field(default_factory=SolverConfig, description="Solver settings.")
    workforce: WorkforceSettings = Field(default_factory=WorkforceSettings, description="Workforce plan settings.")
    changes: list[Change] = Field(default_factory=list, description="What-if changes, applied in order.")
    applied: list[Change] = Field(
        default_factory=list,
        description="Budget, policy and weights changes already folded into the settings above, in order (the record).",
    )
    pins: list[Pin] = Field(default_factory=list, description="People pinned to slates.")
    vetoes: list[Veto] = Field(default_factory=list, description="People vetoed from slates.")
    locks: list[Lock] = Field(default_factory=list, description="Interventions already booked or started.")
    _origins: dict = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _resolve_settings(self) -> "Scenario":
        if self.dataset is None and self.extends is None:
            raise ValueError("a scenario needs 'dataset' or 'extends'")
        folded = [c for c in self.changes if c.type in _SETTINGS_CHANGES]
        for c in folded:  # in order, so 'scale' applies to the total set before it
            if c.type == "budget":
                total = c.total if c.total is not None else self.budget.total
                total = total * c.scale if c.scale is not None else total
                per_quarter = c.per_quarter if "per_quarter" in c.model_fields_set else self.budget.per_quarter
                self.budget = Budget(total=total, per_quarter=per_quarter)
            elif c.type == "policy":
                self.policy = Policy.model_validate({**self.policy.model_dump(), **c.values})
            else:
                self.weights = Weights.model_validate({**self.weights.model_dump(), **c.values})
        if folded:
            self.applied = [*self.applied, *folded]
            self.changes = [c for c in self.changes if c.type not in _SETTINGS_CHANGES]
        return self

    @field_validator("name")
    @classmethod
    def _safe_name(cls, v: str) -> str:
        return check_name(v, "scenario name")

    @field_validator("start")
    @classmethod
    def _quarter_label(cls, v: str) -> str:
        if not _QUARTER_LABEL.match(v):
            raise ValueError("must look like 2027Q1")
        return v

    def quarter_label(self, q: int) -> str:
        """Calendar label of quarter ``q`` of the horizon (0 -> start)."""
        return quarter_label(self.start, q)


_LIST_KEYS = ("changes", "pins", "vetoes", "locks")
_SETTINGS_CHANGES = {"budget", "policy", "weights"}


# Bounds on a scenario file: what a planner writes is a few KB, a few levels deep, with few repeats.
MAX_YAML_BYTES = 1_000_000
MAX_YAML_DEPTH = 30
MAX_YAML_NODES = 200_000  # values once every alias is expanded: an alias bomb passes the first two bounds


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with a repeated key in one mapping an error instead of the last one winning."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:  # plain keys only: merge keys (<<) and unhashable keys are PyYAML's to judge
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"the key {key!r} is repeated", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _expanded_size(data, limit: int, depth_limit: int) -> None:
    """Raise ValueError when ``data`` is nested deeper than ``depth_limit`` or holds more than ``limit``
    values once aliases are expanded (a shared list counts every time it is reached)."""
    count, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > limit:
            raise ValueError(f"it expands to more than {limit:,} values (repeated aliases?)")
        if depth > depth_limit:
            raise ValueError(f"it is nested more than {depth_limit} levels deep")
        if isinstance(value, dict):
            stack += [(v, depth + 1) for v in value.values()] + [(k, depth + 1) for k in value]
        elif isinstance(value, list):
            stack += [(v, depth + 1) for v in value]


def _read_yaml(path: Path) -> dict:
    """A scenario file's settings, read within the bounds above, with repeated keys an error."""
    def refuse(message: str) -> InputError:
        return InputError([Issue(table="scenario", file=str(path), message=message)])

    try:
        if path.is_file() and path.stat().st_size > MAX_YAML_BYTES:
            raise refuse(f"is larger than {MAX_YAML_BYTES // 1_000_000} MB: a scenario file is a few KB of settings")
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 - a SafeLoader
        _expanded_size(data, MAX_YAML_NODES, MAX_YAML_DEPTH)
    except FileNotFoundError:
        raise refuse("file not found") from None
    except RecursionError:
        raise refuse(f"cannot be read as YAML: it is nested more than {MAX_YAML_DEPTH} levels deep") from None
    except ValueError as exc:  # the bounds (UnicodeDecodeError is one too)
        raise refuse(f"cannot be read as {'UTF-8 text' if isinstance(exc, UnicodeDecodeError) else 'a scenario'}: {exc}") from None
    except (OSError, yaml.YAMLError) as exc:
        raise refuse(f"cannot be read as YAML: {exc}") from None
    if not isinstance(data, dict):
        raise refuse("must be a YAML mapping of settings")
    return data


def _merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for key, value in top.items():
        if key in _LIST_KEYS:
            out[key] = list(base.get(key) or []) + list(value or [])
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _merge(base[key], value)
        else:
            out[key] = value
    return out


def _resolve(path: Path, seen: tuple[Path, ...]) -> tuple[dict, dict[str, list[tuple[str, int]]]]:
    """The merged settings of ``path`` and its ``extends`` chain, and the (file, position in that file)
    each list item came from."""
    path = path.resolve()
    if path in seen:
        chain = " -> ".join(str(p) for p in (*seen, path))
        raise InputError([Issue(table="scenario", file=str(path), column="extends", message=f"extends itself: {chain}")])
    data = _read_yaml(path)
    if isinstance(data.get("dataset"), str) and not Path(data["dataset"]).is_absolute():
        data["dataset"] = str((path.parent / data["dataset"]).resolve())
    origins = {key: [(str(path), i) for i in range(len(data.get(key) or []))] for key in _LIST_KEYS}
    parent = data.get("extends")
    if parent:
        base, base_origins = _resolve(path.parent / str(parent), (*seen, path))
        base.pop("name", None), base.pop("description", None)
        data = _merge(base, data)
        origins = {key: base_origins[key] + origins[key] for key in _LIST_KEYS}
    return data, origins


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file, following ``extends`` (the base's settings and lists come first). The dataset
    path becomes absolute. Raises InputError on any problem, naming the file, the item
    (``changes.3.quarter``) and the field."""
    path = Path(path)
    data, origins = _resolve(path, ())
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(_issues(exc, origins, default=str(path))) from None
    data_changes = [i for i, c in enumerate(data.get("changes") or []) if c.get("type") not in _SETTINGS_CHANGES]
    scenario._origins = {**origins, "changes": [origins["changes"][i] for i in data_changes]}
    return scenario


def recorded_scenario(settings: dict, where: str, **overrides) -> Scenario:
    """The scenario a plan records (``plan.meta.scenario_settings``, with ``overrides``). A plan saved by
    an older version may hold settings this one refuses (a name that is no longer allowed, say): that
    is an InputError naming ``where`` (the plan) and the setting, not a traceback."""
    try:
        return Scenario.model_validate({**settings, **overrides})
    except ValidationError as exc:
        raise InputError(_issues(exc, {}, default=f"{where} (the scenario it records)")) from None


def _issues(exc: ValidationError, origins: dict[str, list[tuple[str, int]]], default: str) -> list[Issue]:
    issues = []
    for err in exc.errors():
        loc = err["loc"]
        file, where = default, ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] in _LIST_KEYS and isinstance(loc[1], int) and loc[1] < len(origins.get(loc[0], ())):
            file, local = origins[loc[0]][loc[1]]
            where = ".".join(str(p) for p in (loc[0], local, *loc[2:]))
        message = ("unknown setting" if err["type"] == "extra_forbidden"
                   else str(err["ctx"]["error"]) if err["type"] == "value_error" else err["msg"])  # no "Value error, "
        issues.append(Issue(table="scenario", file=file, column=where, message=message))
    return issues


def origin_of(scenario: Scenario, key: str, index: int) -> tuple[str | None, int]:
    """(file, position in that file) of ``scenario.<key>[index]``, for messages."""
    origins = scenario._origins.get(key) or []
    return origins[index] if index < len(origins) else (None, index)
