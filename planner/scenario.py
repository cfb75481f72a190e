"""Scenario files: which dataset, over what horizon, with what budget, policies, weights and solver settings.

A scenario is YAML validated by pydantic; an unknown key is an error naming the file and the field.
Paths in the file (``dataset``) are relative to the scenario file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from planner.errors import InputError, Issue

_QUARTER_LABEL = re.compile(r"^(\d{4})Q([1-4])$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Budget(_Strict):
    total: float = Field(ge=0, description="Total training budget over the horizon, in money units.")
    per_quarter: Optional[float] = Field(
        default=None, ge=0, description="Optional cap on the spend started in any one quarter; empty = no cap."
    )


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


class SolverConfig(_Strict):
    """Every CP-SAT setting the planner uses, in one place."""

    time_limit_seconds: float = Field(default=20.0, gt=0, description="Wall-clock limit for the search.")
    num_workers: int = Field(default=8, ge=1, description="CP-SAT search workers (8 beats 2 even on 2 cores).")
    random_seed: int = Field(default=0, description="Seed; with the same inputs and workers, the same plan.")
    relative_gap_limit: float = Field(default=0.0, ge=0, description="Stop when the relative gap is at most this.")
    log_search_progress: bool = Field(default=False, description="Print CP-SAT's own log.")


class Scenario(_Strict):
    """A planning scenario. ``dataset`` is resolved against the scenario file's folder when loaded."""

    name: str = Field(min_length=1, description="Scenario name, shown on plans and comparisons.")
    description: str = Field(default="", description="What the scenario asks.")
    dataset: str = Field(description="Folder or .xlsx workbook with the organisation's tables.")
    start: str = Field(default="2027Q1", description="Calendar label of quarter 0, e.g. '2027Q1'.")
    horizon_quarters: int = Field(default=12, ge=1, le=40, description="Quarters planned, 0..T-1.")
    budget: Budget = Field(description="Training budget.")
    policy: Policy = Field(default_factory=Policy, description="Slate policies.")
    weights: Weights = Field(default_factory=Weights, description="Objective weights.")
    solver: SolverConfig = Field(default_factory=SolverConfig, description="Solver settings.")

    @field_validator("start")
    @classmethod
    def _quarter_label(cls, v: str) -> str:
        if not _QUARTER_LABEL.match(v):
            raise ValueError("must look like 2027Q1")
        return v

    def quarter_label(self, q: int) -> str:
        """Calendar label of quarter ``q`` of the horizon (0 -> start)."""
        year, quarter = _QUARTER_LABEL.match(self.start).groups()
        index = int(year) * 4 + int(quarter) - 1 + q
        return f"{index // 4}Q{index % 4 + 1}"


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario YAML file; the dataset path becomes absolute. Raises InputError on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise InputError([Issue(table="scenario", file=str(path), message="file not found")]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError([Issue(table="scenario", file=str(path), message=f"cannot be read as YAML: {exc}")]) from None
    if not isinstance(data, dict):
        raise InputError([Issue(table="scenario", file=str(path), message="must be a YAML mapping of settings")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [
                Issue(
                    table="scenario",
                    file=str(path),
                    column=".".join(str(p) for p in err["loc"]),
                    message=("unknown setting" if err["type"] == "extra_forbidden" else err["msg"]),
                )
                for err in exc.errors()
            ]
        ) from None
    dataset = Path(scenario.dataset)
    if not dataset.is_absolute():
        dataset = (path.parent / dataset).resolve()
    return scenario.model_copy(update={"dataset": str(dataset)})
