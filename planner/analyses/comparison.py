"""Plans side by side: KPIs with deltas, slate and learning changes, spend by quarter and department.

The first plan is the reference; every other plan is diffed against it (never against each other).

Slate changes. A slate entry is the pair (role_id, employee_id). For a plan B against the reference A:

* ``in``: the entry is on B's slate and not on A's;
* ``out``: the entry is on A's slate and not on B's;
* ``rank``: the entry is on both, at different ranks;
* ``readiness``: the entry is on both (same or different rank) and its readiness category changed.

An entry that moved rank *and* changed readiness gives two rows, ``rank`` and ``readiness``. Rows on both
slates carry both ranks and both readiness categories; ``in`` rows leave the ``_before`` columns empty and
``out`` rows the ``_after`` ones.

Learning changes. A learning decision is the pair (employee_id, intervention_id) (the model lets an
employee take an intervention at most once): ``added`` (in B, not A), ``removed`` (in A, not B) or
``moved`` (in both, different start quarter). ``cost_delta`` is B's cost minus A's, an absent decision
costing 0.

Decisions changed. ``in``, ``out`` and ``rank`` slate rows plus every learning row are the decisions that
changed; ``readiness`` rows are consequences, not decisions, and are not counted. Those rows are "which
decisions changed"; :meth:`Comparison.decisions_changed` is their count.

Labels default to each plan's scenario name; a repeated label gets a suffix (``"baseline (2)"``), as does
a label equal to a column name of the tables (``kpi``, ``quarter``, ``label``, ``department``). A plan
without a solution (INFEASIBLE, UNKNOWN, MODEL_INVALID) compares with empty slates and learning; its
KPIs are compared as reported. All plans must share their first quarter (``meta.start``), so that quarter
numbers mean the same calendar quarter in each.

Workforce. When any plan has a workforce part (``Plan.workforce``), :attr:`Comparison.workforce_kpis`
sets its KPIs side by side with their deltas, as ``kpis`` does; a plan without one has empty values
there. When none has, it is None, and the tables, CSV files and JSON are those of plans without one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar, Optional

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from planner.contract.paths import write_folder
from planner.contract.tables import write_table
from planner.contract.plan import Plan
from planner.contract.scenario import quarter_label

KPI_ROWS = [
    "coverage", "covered_roles", "critical_roles", "training_cost", "external_hire_cost", "total_cost",
    "bench_strength", "budget_used_share", "successors", "ready_now", "avg_quarters_to_ready",
    "cost_per_ready_successor", "objective", "gap", "status",
]
# +1: higher is better, -1: lower is better, 0: neither (coloured neither way in the terminal).
KPI_BETTER = {
    "coverage": 1, "covered_roles": 1, "critical_roles": 0, "training_cost": -1, "external_hire_cost": -1,
    "total_cost": -1, "bench_strength": 1, "budget_used_share": 0, "successors": 1, "ready_now": 1,
    "avg_quarters_to_ready": -1, "cost_per_ready_successor": -1, "objective": -1, "gap": -1,
}
WORKFORCE_KPI_ROWS = [
    "status", "total_cost", "hires", "moves", "redundancies", "internal_fill_rate", "time_to_fill_quarters",
    "hipo_retention", "headcount_vs_demand", "understaffed_fte_quarters",
]
# As KPI_BETTER. Hires and moves are means, not ends; headcount vs demand is best at 1, neither up nor down.
WORKFORCE_KPI_BETTER = {
    "total_cost": -1, "hires": 0, "moves": 0, "redundancies": -1, "internal_fill_rate": 1, "time_to_fill_quarters": -1,
    "hipo_retention": 1, "headcount_vs_demand": 0, "understaffed_fte_quarters": -1,
}
SLATE_CHANGES = ["in", "out", "rank", "readiness"]
LEARNING_CHANGES = ["added", "removed", "moved"]
SLATE_CHANGE_COLUMNS = ["plan", "role_id", "employee_id", "change", "rank_before", "rank_after",
                        "readiness_before", "readiness_after"]
LEARNING_CHANGE_COLUMNS = ["plan", "employee_id", "intervention_id", "change", "start_before", "start_after",
                           "cost_delta"]
UNKNOWN_DEPARTMENT = "(unknown)"
_RESERVED = {"kpi", "quarter", "label", "department"}


class Comparison(BaseModel):
    """Two or more plans diffed against the first. Every table is a pandas DataFrame."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    plans: list[str] = Field(description="Plan labels in order; the first is the reference.")
    kpis: pd.DataFrame = Field(
        description="Index 'kpi' (one row per KPI); one column per plan, then a float column "
        "'<label> - <reference>' per other plan with the delta of numeric KPIs (empty for status or a missing value)."
    )
    slate_changes: pd.DataFrame = Field(
        description="Columns plan, role_id, employee_id, change (in/out/rank/readiness), rank_before, rank_after, "
        "readiness_before, readiness_after; rows for non-reference plans only."
    )
    learning_changes: pd.DataFrame = Field(
        description="Columns plan, employee_id, intervention_id, change (added/removed/moved), start_before, "
        "start_after, cost_delta; rows for non-reference plans only."
    )
    spend_by_quarter: pd.DataFrame = Field(
        description="Columns quarter (0..longest horizon - 1), label (calendar quarter), then one column per plan: "
        "the cost of the interventions starting that quarter."
    )
    spend_by_department: pd.DataFrame = Field(
        description="Columns department, then one column per plan: the cost of the interventions of that "
        f"department's employees ('{UNKNOWN_DEPARTMENT}' for plans that do not record departments)."
    )
    workforce_kpis: Optional[pd.DataFrame] = Field(
        default=None, description="When any plan has a workforce part: index 'kpi' (WORKFORCE_KPI_ROWS), one column "
        "per plan (empty for a plan without one), then the deltas '<label> - <reference>' as in kpis. None when no "
        "plan has a workforce part."
    )
    # For the front ends, which reach this module only through the public API's compare.
    WORKFORCE_KPI_BETTER: ClassVar[dict[str, int]] = WORKFORCE_KPI_BETTER

    @property
    def reference(self) -> str:
        """Label of the reference plan."""
        return self.plans[0]

    def decisions_changed(self, plan_label: str) -> int:
        """Slate entries in, out or moved in rank plus interventions added, removed or moved, against the
        reference (0 for the reference itself)."""
        if plan_label not in self.plans:
            raise KeyError(f"no plan labelled {plan_label!r}; the plans are {self.plans}")
        slate = self.slate_changes
        slate_decisions = (slate["plan"] == plan_label) & (slate["change"] != "readiness")
        return int(slate_decisions.sum() + (self.learning_changes["plan"] == plan_label).sum())

    def tables(self) -> dict[str, pd.DataFrame]:
        """The five tables by file stem, and workforce_kpis when there is one, each with plain columns (the
        KPI index becomes column 'kpi')."""
        tables = {
            "kpis": self.kpis.reset_index(),
            "slate_changes": self.slate_changes,
            "learning_changes": self.learning_changes,
            "spend_by_quarter": self.spend_by_quarter,
            "spend_by_department": self.spend_by_department,
        }
        if self.workforce_kpis is not None:
            tables["workforce_kpis"] = self.workforce_kpis.reset_index()
        return tables

    def to_json(self) -> str:
        """The comparison as JSON: plans, reference, decisions_changed per plan and each table as a list of records."""
        doc = {
            "plans": self.plans,
            "reference": self.reference,
            "decisions_changed": {label: self.decisions_changed(label) for label in self.plans},
        }
        for name, df in self.tables().items():
            doc[name] = json.loads(df.to_json(orient="records"))
        return json.dumps(doc, indent=2)

    def write_csv(self, folder: str | Path, force: bool = False) -> list[Path]:
        """Write one CSV per table as the folder ``folder``, atomically, replacing only an empty folder or
        an earlier comparison unless ``force`` (planner.contract.paths.write_folder); returns the paths written."""
        tables = self.tables()

        def write(tmp: Path) -> None:
            for name, df in tables.items():
                write_table(df, tmp / f"{name}.csv")

        write_folder(folder, "comparison", write, force=force)
        return [Path(folder) / f"{name}.csv" for name in tables]


def compare(plans: list[Plan], labels: Optional[list[str]] = None) -> Comparison:
    """Compare two or more plans against the first; ``labels`` default to the plans' scenario names."""
    if len(plans) < 2:
        raise ValueError(f"compare needs at least two plans, got {len(plans)}")
    if labels is None:
        labels = [p.meta.scenario for p in plans]
    elif len(labels) != len(plans):
        raise ValueError(f"{len(labels)} labels for {len(plans)} plans")
    starts = {p.meta.start for p in plans}
    if len(starts) > 1:
        raise ValueError(f"the plans start in different quarters ({', '.join(sorted(starts))}); "
                         "quarter numbers would not line up")
    labels = _unique(labels)
    ref, others = plans[0], list(zip(labels[1:], plans[1:]))
    return Comparison(
        plans=labels,
        kpis=_kpis(plans, labels),
        slate_changes=_frame([row for label, p in others for row in _slate_diff(label, ref, p)],
                             SLATE_CHANGE_COLUMNS, ints=("rank_before", "rank_after")),
        learning_changes=_frame([row for label, p in others for row in _learning_diff(label, ref, p)],
                                LEARNING_CHANGE_COLUMNS, ints=("start_before", "start_after")),
        spend_by_quarter=_spend_by_quarter(plans, labels),
        spend_by_department=_spend_by_department(plans, labels),
        workforce_kpis=_workforce_kpis(plans, labels),
    )


def _unique(labels: list[str]) -> list[str]:
    """Labels with repeats (and reserved column names) suffixed ' (2)', ' (3)', ... in order."""
    taken, out = set(_RESERVED), []
    for label in labels:
        candidate, n = label, 1
        while candidate in taken:
            n += 1
            candidate = f"{label} ({n})"
        taken.add(candidate)
        out.append(candidate)
    return out


def _kpis(plans: list[Plan], labels: list[str]) -> pd.DataFrame:
    return _kpi_frame({label: [getattr(p.kpis, k) for k in KPI_ROWS] for label, p in zip(labels, plans)},
                      KPI_ROWS, KPI_BETTER)


def _workforce_kpis(plans: list[Plan], labels: list[str]) -> Optional[pd.DataFrame]:
    if all(p.workforce is None for p in plans):
        return None
    values = {label: [None if p.workforce is None else getattr(p.workforce.kpis, k) for k in WORKFORCE_KPI_ROWS]
              for label, p in zip(labels, plans)}
    return _kpi_frame(values, WORKFORCE_KPI_ROWS, WORKFORCE_KPI_BETTER)


def _kpi_frame(values: dict[str, list], rows: list[str], better: dict[str, int]) -> pd.DataFrame:
    """One row per KPI of ``rows``, a column per plan label (``values``), then the deltas of the KPIs in ``better``."""
    df = pd.DataFrame(values, index=pd.Index(rows, name="kpi"), dtype=object)
    ref = next(iter(values))
    for label in list(values)[1:]:
        df[f"{label} - {ref}"] = [
            float("nan") if k not in better or pd.isna(df.at[k, label]) or pd.isna(df.at[k, ref])
            else round(float(df.at[k, label]) - float(df.at[k, ref]), 6)
            for k in rows
        ]
    return df


def _slates(plan: Plan) -> dict[tuple[str, str], tuple[int, str]]:
    entries = plan.slates if plan.has_solution else []
    out = {(s.role_id, s.employee_id): (s.rank, s.readiness) for s in entries}
    if len(out) != len(entries):
        raise ValueError(f"plan {plan.meta.scenario!r} lists an employee twice on one slate")
    return out


def _learning(plan: Plan) -> dict[tuple[str, str], tuple[int, float]]:
    entries = plan.learning if plan.has_solution else []
    out = {(a.employee_id, a.intervention_id): (a.start_quarter, a.cost) for a in entries}
    if len(out) != len(entries):
        raise ValueError(f"plan {plan.meta.scenario!r} assigns an intervention to an employee twice")
    return out


def _slate_diff(label: str, ref: Plan, plan: Plan) -> list[dict]:
    before, after = _slates(ref), _slates(plan)
    rows = []
    for key in before.keys() | after.keys():
        (rank_b, ready_b), (rank_a, ready_a) = before.get(key, (None, None)), after.get(key, (None, None))
        if rank_b is None:
            changes = ["in"]
        elif rank_a is None:
            changes = ["out"]
        else:
            changes = (["rank"] if rank_a != rank_b else []) + (["readiness"] if ready_a != ready_b else [])
        rows += [dict(plan=label, role_id=key[0], employee_id=key[1], change=c, rank_before=rank_b, rank_after=rank_a,
                      readiness_before=ready_b, readiness_after=ready_a) for c in changes]
    return sorted(rows, key=lambda r: (r["role_id"], SLATE_CHANGES.index(r["change"]), r["employee_id"]))


def _learning_diff(label: str, ref: Plan, plan: Plan) -> list[dict]:
    before, after = _learning(ref), _learning(plan)
    rows = []
    for key in before.keys() | after.keys():
        (start_b, cost_b), (start_a, cost_a) = before.get(key, (None, 0.0)), after.get(key, (None, 0.0))
        if start_b == start_a:
            continue
        change = "added" if start_b is None else "removed" if start_a is None else "moved"
        rows.append(dict(plan=label, employee_id=key[0], intervention_id=key[1], change=change,
                         start_before=start_b, start_after=start_a, cost_delta=float(cost_a - cost_b)))
    return sorted(rows, key=lambda r: (r["employee_id"], r["intervention_id"]))


def _frame(rows: list[dict], columns: list[str], ints: tuple[str, ...]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for c in ints:
        df[c] = df[c].astype("Int64")
    return df


def _spend(plan: Plan, key: str) -> pd.Series:
    learning = plan.learning_df() if plan.has_solution else plan.learning_df().iloc[0:0]
    learning["department"] = learning["department"].fillna(UNKNOWN_DEPARTMENT)
    return learning.groupby(key)["cost"].sum()


def _spend_by_quarter(plans: list[Plan], labels: list[str]) -> pd.DataFrame:
    spend = {label: _spend(p, "start_quarter") for label, p in zip(labels, plans)}
    last = max([p.meta.horizon_quarters - 1 for p in plans] + [int(s.index.max()) for s in spend.values() if len(s)])
    quarters = list(range(last + 1))
    df = pd.DataFrame({"quarter": quarters, "label": [quarter_label(plans[0].meta.start, q) for q in quarters]})
    for label, s in spend.items():
        df[label] = s.reindex(quarters, fill_value=0.0).astype("float64").to_numpy()
    return df


def _spend_by_department(plans: list[Plan], labels: list[str]) -> pd.DataFrame:
    spend = {label: _spend(p, "department") for label, p in zip(labels, plans)}
    departments = sorted(set().union(*(s.index for s in spend.values())))
    df = pd.DataFrame({"department": pd.Series(departments, dtype=str)})
    for label, s in spend.items():
        df[label] = s.reindex(departments, fill_value=0.0).astype("float64").to_numpy()
    return df
