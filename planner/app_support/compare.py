"""The Compare page: KPIs side by side, the names of people, roles and interventions across plans, and a frontier's axis."""

from __future__ import annotations


import pandas as pd

from planner.contract.domain import Organisation
from planner.app_support.labels import KPI_LABELS, MONEY, PERCENT_KPIS
from planner.app_support.people import format_kpi


def kpi_comparison(comparison) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(text table, direction table) of a planner.analyses.comparison.Comparison's KPIs. Text: readable KPI
    names, each plan's value and each delta against the reference ('Δ <plan>'), formatted. Direction: +1 where a delta is an improvement,
    -1 where it is worse, 0 otherwise (for colouring)."""
    from planner.analyses.comparison import KPI_BETTER

    kpis = comparison.kpis
    deltas = [c for c in kpis.columns if c not in comparison.plans]
    text = pd.DataFrame(index=[KPI_LABELS.get(k, k) for k in kpis.index])
    direction = pd.DataFrame(0, index=text.index, columns=[*comparison.plans, *deltas])
    for label in comparison.plans:
        text[label] = [format_kpi(k, v) for k, v in zip(kpis.index, kpis[label])]
    for label, col in zip(comparison.plans[1:], deltas):
        cells, signs = [], []
        for k, v in zip(kpis.index, kpis[col]):
            if k not in KPI_BETTER or pd.isna(v):
                cells.append("")
                signs.append(0)
                continue
            cells.append("±0" if v == 0 else (f"{v * 100:+.1f} pp" if k in PERCENT_KPIS else f"{v:+,.2f}".rstrip("0").rstrip(".")))
            signs.append(int((v > 0) - (v < 0)) * KPI_BETTER[k])
        text[f"Δ {label}"], direction[col] = cells, signs
    direction.columns = [*comparison.plans, *(f"Δ {label}" for label in comparison.plans[1:])]
    text.index.name = "KPI"
    direction.index.name = "KPI"
    return text, direction


def people_names(*orgs: Organisation) -> dict[str, str]:
    """employee_id -> name over several organisations (for diffs of plans made on different data)."""
    out: dict[str, str] = {}
    for org in orgs:
        out.update(zip(org.employees["employee_id"], org.employees["name"]))
    return out


def role_titles(*orgs: Organisation) -> dict[str, str]:
    out: dict[str, str] = {}
    for org in orgs:
        out.update(zip(org.roles["role_id"], org.roles["title"]))
    return out


def intervention_names(*orgs: Organisation) -> dict[str, str]:
    out: dict[str, str] = {}
    for org in orgs:
        out.update(zip(org.interventions["intervention_id"], org.interventions["name"]))
    return out


def frontier_axis(parameter: str) -> str:
    """Axis title of a swept setting, with its unit."""
    names = {"budget.total": "Training budget", "budget.per_quarter": "Per-quarter spending cap"}
    if parameter.startswith("budget."):
        return f"{names.get(parameter, parameter)} ({MONEY})"
    if parameter.startswith("weights."):
        return f"{parameter} (weight)"
    return f"{parameter} (setting value)"
