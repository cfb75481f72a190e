"""What the commands print: rich tables of progress, a plan's KPIs and a comparison of plans."""

from __future__ import annotations

from typing import Optional

import pandas as pd
from rich.table import Table

import planner
from planner import KPI_BETTER, Comparison


def money(x: Optional[float]) -> str:
    return "-" if x is None else f"{x:,.0f}"


def progress_table(p, elapsed: float) -> Table:
    t = Table(title="Solving", show_header=True)
    for col in ("elapsed", "plans found", "best plan (money cost)", "money bound", "money gap"):
        t.add_column(col, justify="right")
    if p is None:
        t.add_row(f"{elapsed:.1f}s", "0", "-", "-", "-")
    else:
        t.add_row(f"{elapsed:.1f}s", str(p.solutions), money(p.objective), money(p.best_bound),
                  "-" if p.gap is None else f"{p.gap:.2%}")
    return t


def summary(plan: planner.Plan, scenario: planner.Scenario) -> Table:
    k = plan.kpis
    t = Table(title=f"Plan for scenario '{scenario.name}'", show_header=False)
    t.add_column("KPI")
    t.add_column("value", justify="right")
    gap = "-" if k.gap is None else f"{k.gap:.2%}"
    rows = [
        ("status", f"{k.status} (money gap {gap}, {k.solve_seconds:.1f}s)"),
        ("critical roles covered", f"{k.covered_roles} / {k.critical_roles} ({k.coverage:.0%})"),
        ("training spend", f"{money(k.training_cost)} of {money(scenario.budget.total)} ({k.budget_used_share:.0%})"),
        ("external-hire cost of uncovered roles", money(k.external_hire_cost)),
        ("total cost", money(k.total_cost)),
        ("bench strength (ready successors per role)", f"{k.bench_strength:.2f}"),
        ("successors on slates / ready now", f"{k.successors} / {k.ready_now}"),
        ("avg quarters to ready (first successors)", "-" if k.avg_quarters_to_ready is None else f"{k.avg_quarters_to_ready:.1f}"),
        ("cost per ready successor", money(k.cost_per_ready_successor)),
        ("money cost / bound no plan can beat", f"{money(k.money_cost)} / {money(k.best_bound)}"
         + (f" ({k.bound_kind})" if k.bound_kind else "")),
        ("objective with tie-breaks", money(k.objective) + (f" (tie-breaks {k.tie_break_status.lower()})" if k.tie_break_status else "")),
    ]
    for name, value in rows:
        t.add_row(name, value)
    return t


_PERCENT = {"coverage", "budget_used_share", "gap"}


def render(comparison: Comparison) -> list[Table]:
    """Rich tables for the terminal: KPIs with coloured deltas, slate changes, learning changes, spend by
    quarter and spend by department."""
    return [_kpi_table(comparison), _slate_table(comparison), _learning_table(comparison),
            _spend_table(comparison, comparison.spend_by_quarter, "label", "Spend by quarter", "Quarter"),
            _spend_table(comparison, comparison.spend_by_department, "department", "Spend by department", "Department")]


def _number(value, percent: bool = False, sign: bool = False) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        return value
    sign = sign and value != 0
    if percent:
        return f"{value * 100:+.1f} pp" if sign else f"{value * 100:.1f}%"
    digits = 0 if float(value).is_integer() else 2
    return f"{value:+,.{digits}f}" if sign else f"{value:,.{digits}f}"


def _delta_style(kpi: str, delta: float) -> str:
    if pd.isna(delta) or delta == 0 or KPI_BETTER[kpi] == 0:
        return ""
    return "green" if delta * KPI_BETTER[kpi] > 0 else "red"


def _kpi_table(c: Comparison) -> Table:
    table = Table(title=f"KPIs (reference: {c.reference})")
    deltas = [f"{label} - {c.reference}" for label in c.plans[1:]]
    table.add_column("KPI")
    for col in c.plans + deltas:
        table.add_column(col, justify="right")
    for kpi, row in c.kpis.iterrows():
        percent = kpi in _PERCENT
        cells = [_number(row[label], percent) for label in c.plans]
        for col in deltas:
            text = "" if kpi not in KPI_BETTER else _number(row[col], percent, sign=True)
            style = "" if kpi not in KPI_BETTER else _delta_style(kpi, row[col])
            cells.append(f"[{style}]{text}[/{style}]" if style else text)
        table.add_row(kpi, *cells)
    return table


def _arrow(before, after) -> str:
    show = lambda v: "–" if v is None or pd.isna(v) else str(v)  # noqa: E731
    unchanged = before is None or pd.isna(before) or (not pd.isna(after) and before == after)
    return show(after) if unchanged else f"{show(before)} → {show(after)}"


def _slate_table(c: Comparison) -> Table:
    table = Table(title=f"Slate changes against {c.reference}")
    for col in ("Plan", "Role", "Employee", "Change", "Rank", "Readiness"):
        table.add_column(col)
    for r in c.slate_changes.itertuples(index=False):
        table.add_row(r.plan, r.role_id, r.employee_id, r.change, _arrow(r.rank_before, r.rank_after),
                      _arrow(r.readiness_before, r.readiness_after))
    if c.slate_changes.empty:
        table.caption = "no slate changes"
    return table


def _learning_table(c: Comparison) -> Table:
    labels = dict(zip(c.spend_by_quarter["quarter"], c.spend_by_quarter["label"]))
    table = Table(title=f"Learning changes against {c.reference}")
    for col in ("Plan", "Employee", "Intervention", "Change", "Start"):
        table.add_column(col)
    table.add_column("Cost Δ", justify="right")
    for r in c.learning_changes.itertuples(index=False):
        start = _arrow(*(None if pd.isna(q) else labels[q] for q in (r.start_before, r.start_after)))
        table.add_row(r.plan, r.employee_id, r.intervention_id, r.change, start, _number(r.cost_delta, sign=True))
    if c.learning_changes.empty:
        table.caption = "no learning changes"
    return table


def _spend_table(c: Comparison, df: pd.DataFrame, key: str, title: str, heading: str) -> Table:
    table = Table(title=title, show_footer=True)
    table.add_column(heading, footer="Total")
    for label in c.plans:
        table.add_column(label, justify="right", footer=_number(float(df[label].sum())))
    for _, row in df.iterrows():
        table.add_row(str(row[key]), *(_number(float(row[label])) for label in c.plans))
    return table
