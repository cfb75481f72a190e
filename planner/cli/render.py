"""What the commands print: rich tables of progress, a plan's KPIs, its workforce plan and a comparison of plans."""

from __future__ import annotations

from typing import Optional

import pandas as pd
from rich.markup import escape
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


def composition_table(composition: pd.DataFrame, title: str) -> Table:
    """Slate entries by attribute value (planner.slate_composition / compare_composition), counts already
    masked ("<5" under 5 people)."""
    t = Table(title=title)
    for i, col in enumerate(composition.columns):
        t.add_column(escape(str(col)), justify="left" if i == 0 else "right")
    for row in composition.itertuples(index=False):
        t.add_row(*(escape(str(v)) for v in row))
    return t


def fairness_table(price) -> Table:
    """What the fair-slates rule costs (planner.fairness_price): the plans with and without it."""
    t = Table(title=f"Price of the fair-slates rule ({price.mode}) in scenario '{escape(price.scenario)}'", show_header=False)
    t.add_column("measure")
    t.add_column("value", justify="right")
    signed = lambda x: "-" if x is None else f"{x:+,.0f}"  # noqa: E731
    rows = [("status with / without the rule", f"{price.status_with} / {price.status_without}"),
            ("total cost with / without", f"{money(price.total_cost_with)} / {money(price.total_cost_without)}"),
            ("money: what the rule costs", signed(price.money_delta)),
            ("  training spend", signed(price.training_delta)),
            ("  external hires", signed(price.external_hire_delta)),
            ("critical roles covered", "-" if price.coverage_delta is None else
             f"{price.coverage_delta:+d} ({price.coverage_share_delta:+.0%})"),
            ("soft rule's price paid for missing people", money(price.shortfall_price)),
            ("slates changed", ", ".join(c.role_id for c in price.slates_changed) or "none")]
    if price.message:
        rows.append(("note", escape(price.message)))
    for name, value in rows:
        t.add_row(name, value)
    return t


def workforce_summary(workforce: planner.WorkforcePlan, scenario: planner.Scenario) -> Table:
    """The workforce plan's KPIs: status, what it minimised, its cost and each part, the people it hires,
    moves and makes redundant, and how well the headcount meets demand; then its notes."""
    k = workforce.kpis
    t = Table(title=f"Workforce plan for scenario '{escape(scenario.name)}'", show_header=False)
    t.add_column("KPI")
    t.add_column("value", justify="right")
    gap = "-" if k.gap is None else f"{round(k.gap, 4) + 0.0:.2%}"  # + 0.0: a rounding error's -0.0 shows as 0.00%
    share = lambda x: "-" if x is None else f"{x:.0%}"  # noqa: E731
    rows = [
        ("status", f"{k.status} (gap {gap}, {k.solve_seconds:.1f}s)"),
        ("objective", "least cost" if k.objective == "cost" else "fewest redundancies, then least cost"),
        ("total cost", money(k.total_cost)),
        ("  loaded cost of the headcount", money(k.loaded_cost)),
        ("  hiring (with uncovered roles' external hires)", money(k.hiring_cost)),
        ("  training", money(k.training_cost)),
        ("  moves between categories", money(k.move_cost)),
        ("  redundancies", money(k.redundancy_cost)),
        ("  overstaffing", money(k.overstaffing_cost)),
        ("  short-time working", money(k.short_time_cost)),
        ("  understaffing", money(k.understaffing_cost)),
        ("hires / moves / redundancies (FTE)", f"{k.hires:,.1f} / {k.moves:,.1f} / {k.redundancies:,.1f}"),
        ("internal fill rate", share(k.internal_fill_rate)),
        ("projected time to fill (quarters)", "-" if k.time_to_fill_quarters is None else f"{k.time_to_fill_quarters:.1f}"),
        ("high-potential retention", share(k.hipo_retention)),
        ("headcount vs demand, last quarter", share(k.headcount_vs_demand)),
        ("understaffed FTE-quarters", f"{k.understaffed_fte_quarters:,.1f}"),
    ]
    rows += [("note", escape(note)) for note in k.notes] or [("notes", "none")]
    for name, value in rows:
        t.add_row(name, value)
    return t


def workforce_gaps(workforce: planner.WorkforcePlan, count: int = 5) -> Table:
    """The ``count`` categories furthest short of demand (demand - closing, in FTE to one decimal), each
    in its worst quarter."""
    rows = workforce.table("workforce_plan")
    short = rows[rows["gap"].round(1) > 0]
    worst = (short.sort_values(["gap", "category", "quarter"], ascending=[False, True, True])
             .drop_duplicates("category").head(count))
    t = Table(title=f"Largest gaps to demand: {count} categories, worst quarter")
    t.add_column("category")
    t.add_column("quarter")
    for col in ("demand", "closing", "gap", "understaffed"):
        t.add_column(col, justify="right")
    for r in worst.itertuples(index=False):
        t.add_row(escape(r.category), r.label, f"{r.demand:,.1f}", f"{r.closing:,.1f}", f"{r.gap:,.1f}", f"{r.understaffing:,.1f}")
    if worst.empty:
        t.caption = "no category is short of demand in any quarter"
    return t


_PERCENT = {"coverage", "budget_used_share", "gap"}
_WORKFORCE_PERCENT = {"internal_fill_rate", "hipo_retention", "headcount_vs_demand"}


def render(comparison: Comparison) -> list[Table]:
    """Rich tables for the terminal: KPIs with coloured deltas (and the workforce KPIs, when a plan has a
    workforce part), slate changes, learning changes, spend by quarter and spend by department."""
    kpis = [_kpi_table(comparison.kpis, comparison, KPI_BETTER, _PERCENT, "KPIs")]
    if comparison.workforce_kpis is not None:
        kpis.append(_kpi_table(comparison.workforce_kpis, comparison, comparison.WORKFORCE_KPI_BETTER,
                               _WORKFORCE_PERCENT, "Workforce KPIs"))
    return [*kpis, *changes(comparison),
            _spend_table(comparison, comparison.spend_by_quarter, "label", "Spend by quarter", "Quarter"),
            _spend_table(comparison, comparison.spend_by_department, "department", "Spend by department", "Department")]


def changes(comparison: Comparison) -> list[Table]:
    """The slate changes and the learning changes against the reference."""
    return [_slate_table(comparison), _learning_table(comparison)]


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


def _delta_style(better: dict[str, int], kpi: str, delta: float) -> str:
    if pd.isna(delta) or delta == 0 or better[kpi] == 0:
        return ""
    return "green" if delta * better[kpi] > 0 else "red"


def _kpi_table(df: pd.DataFrame, c: Comparison, better: dict[str, int], percents: set[str], title: str) -> Table:
    table = Table(title=f"{title} (reference: {c.reference})")
    deltas = [f"{label} - {c.reference}" for label in c.plans[1:]]
    table.add_column("KPI")
    for col in c.plans + deltas:
        table.add_column(col, justify="right")
    for kpi, row in df.iterrows():
        percent = kpi in percents
        cells = [_number(row[label], percent) for label in c.plans]
        for col in deltas:
            text = "" if kpi not in better else _number(row[col], percent, sign=True)
            style = "" if kpi not in better else _delta_style(better, kpi, row[col])
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
