"""Plain-Python helpers for the Streamlit app (``app.py`` and ``views/``): no Streamlit, no OR-Tools.

Everything here takes and returns plain objects and DataFrames, so it is unit-testable without a
browser: the background solve runner, the display tables of a plan (slates with names, 9-box,
Gantt, spend, uncovered roles), the exports (Excel, CSV, Parquet, the leadership one-pager), the
scenario draft that becomes a YAML file, and the Organisation page's edit and upload handling.
"""

from __future__ import annotations

import html
import io
import os
import tempfile
import typing
import zlib
from pathlib import Path
from typing import Any, Literal, Optional

import annotated_types as at
import pandas as pd
import yaml

import planner
from planner.evaluation.checker import PlanContext
from planner.contract.domain import TABLES, Organisation
from planner.contract.errors import InputError, Issue
from planner.inputs.files import read_tables, write_text_atomically
from planner.contract.plan import Kpis, Plan
from planner.contract.scenario import Scenario, quarter_label
from planner.store import check_name
from planner.workflow import Destination, SolveRun
from planner.inputs.checks import validate_frames

READINESS_LABELS = {
    "ready_now": "Ready now",
    "ready_1_year": "Ready in 1 year",
    "ready_2_years": "Ready in 2 years",
    "ready_later": "Ready later",
    "not_ready": "Not ready in horizon",
}
READINESS_COLOURS = {
    "Ready now": "#1b7f3b",
    "Ready in 1 year": "#6aa84f",
    "Ready in 2 years": "#e0a100",
    "Ready later": "#e06c00",
    "Not ready in horizon": "#9aa0a6",
}
READINESS_ORDER = list(READINESS_LABELS)
THIN_BENCH = 2  # a role whose slate has fewer successors ready when needed has a thin bench
MONEY = "money units"

KPI_LABELS = {
    "coverage": "Coverage (%)",
    "covered_roles": "Covered critical roles",
    "critical_roles": "Critical roles",
    "training_cost": f"Training spend ({MONEY})",
    "external_hire_cost": f"External-hire cost ({MONEY})",
    "total_cost": f"Total cost ({MONEY})",
    "bench_strength": "Bench strength (ready successors per role)",
    "budget_used_share": "Budget used (%)",
    "successors": "Slate entries",
    "ready_now": "Successors ready now",
    "avg_quarters_to_ready": "Quarters until first successor ready (mean)",
    "cost_per_ready_successor": f"Cost per ready successor ({MONEY})",
    "objective": f"Objective ({MONEY})",
    "gap": "Optimality gap (%)",
    "status": "Solver status",
}
PERCENT_KPIS = {"coverage", "budget_used_share", "gap"}


# ------------------------------------------------------------------------------------------------
# Files: scenarios, datasets and names that stay inside their folders
# ------------------------------------------------------------------------------------------------


def scenario_files(project: Path, workspace: Path) -> list[Path]:
    """The shipped scenarios (``<project>/scenarios``) then the workspace's own, each sorted by name."""
    found = []
    for folder in (project / "scenarios", workspace / "scenarios"):
        if folder.is_dir():
            found += sorted(p.resolve() for p in folder.glob("*.yaml") if not p.name.startswith("."))
    return found


def dataset_folders(project: Path, workspace: Path) -> list[Path]:
    """The sample dataset and every dataset saved in the workspace (``<workspace>/datasets/<name>``)."""
    folders = [(project / "data" / "sample").resolve()]
    saved = workspace / "datasets"
    if saved.is_dir():
        folders += sorted(p.resolve() for p in saved.iterdir() if p.is_dir() and not p.name.startswith("."))
    return folders


def inside(folder: Path, name: str, suffix: str = "") -> Path:
    """``folder/<name><suffix>`` for a valid name (see planner.store.check_name); ValueError otherwise,
    so a typed name can never point outside ``folder``."""
    check_name(name)
    target = (folder / f"{name}{suffix}").resolve()
    if target.parent != folder.resolve():
        raise ValueError(f"{name!r} would leave {folder}")
    return target


def issues_frame(issues: list[Issue]) -> pd.DataFrame:
    """Issues as a table a person reads: severity, table, row, row ID, column, message."""
    rows = [dict(Severity=i.severity, Table=i.table, File=i.file or "", Row=i.row, ID=i.row_id or "",
                 Column=i.column or "", Problem=i.message) for i in issues]
    df = pd.DataFrame(rows, columns=["Severity", "Table", "File", "Row", "ID", "Column", "Problem"])
    df["Row"] = df["Row"].astype("Int64")
    return df


# ------------------------------------------------------------------------------------------------
# The background solve
# ------------------------------------------------------------------------------------------------


def solve_run(scenario: Scenario, org: Organisation, workspace: Path, scenario_file: str,
              plan_name: Optional[str] = None) -> SolveRun:
    """The app's solve (planner.workflow): on a background thread, checked, then saved in the
    workspace's plan store as ``plan_name`` (or the default name). Call ``.start()`` on it."""
    return SolveRun(scenario, org, Destination(workspace=Path(workspace), name=plan_name), scenario_file=scenario_file)


def progress_frame(points: list, run: Optional[SolveRun] = None) -> pd.DataFrame:
    """The solver's progress as rows: elapsed seconds, best plan's objective, proven bound, gap; with a
    finished ``run`` that has a plan, a last row with its final figures."""
    rows = [dict(elapsed=p.elapsed, objective=p.objective, bound=p.best_bound, gap=p.gap, plans=p.solutions)
            for p in points]
    if run is not None and not run.running and run.plan is not None and run.plan.has_solution and rows:
        k = run.plan.kpis
        rows.append(dict(elapsed=max(k.solve_seconds, rows[-1]["elapsed"]), objective=k.objective, bound=k.best_bound,
                         gap=k.gap, plans=rows[-1]["plans"]))
    return pd.DataFrame(rows, columns=["elapsed", "objective", "bound", "gap", "plans"])


# ------------------------------------------------------------------------------------------------
# A plan for people: names, titles, calendar quarters
# ------------------------------------------------------------------------------------------------


def plan_scenario(plan: Plan) -> Scenario:
    """The scenario a plan was solved with, as recorded in the plan."""
    return Scenario.model_validate(plan.meta.scenario_settings)


def quarter_start(label: str) -> pd.Timestamp:
    """First day of a calendar quarter label: '2027Q3' -> 2027-07-01."""
    return pd.Period(label, freq="Q").start_time


def role_needs(plan: Plan, org: Organisation) -> pd.DataFrame:
    """When each critical role needs its successor ready, exactly as the checker counts 'ready when
    needed': columns ``need`` (quarter; the horizon's length when no vacancy is known), ``own`` (its
    own vacancy) and ``label`` ('2027Q4', '2027Q4 (backfill)' when it falls vacant earlier because its
    incumbent moves up as another role's first successor, or 'No known vacancy'). Indexed by role_id."""
    scenario = plan_scenario(plan)
    slates, learning = plan.slates_df(), plan.learning_df()
    need = PlanContext(org, scenario, slates, learning).need
    own = PlanContext(org, scenario, slates.iloc[0:0], learning.iloc[0:0]).need  # no moves, no backfill
    df = pd.DataFrame({"need": need, "own": own.reindex(need.index)})
    horizon = plan.meta.horizon_quarters
    df["label"] = [("No known vacancy" if n >= horizon else quarter_label(plan.meta.start, int(n))
                    + (" (backfill)" if n < o else "")) for n, o in zip(df["need"], df["own"])]
    return df


def _names(org: Organisation) -> tuple[pd.Series, pd.Series, pd.Series]:
    employees = org.employees.set_index("employee_id")
    titles = org.roles.set_index("role_id")["title"]
    return employees["name"], employees["role_id"].map(titles), titles


def slate_table(plan: Plan, org: Organisation) -> pd.DataFrame:
    """Every critical role's slate, one row per successor, with readable headers: role, when it is
    needed, rank, successor's name and current role, readiness and whether they are ready in time.
    A critical role with an empty slate gets one row without a successor."""
    names, current, titles = _names(org)
    critical = org.critical_roles.sort_values(["department", "role_id"])
    needs = role_needs(plan, org)
    slates = plan.slates_df()
    rows = []
    for role in critical.itertuples(index=False):
        entries = slates[slates["role_id"] == role.role_id].sort_values("rank")
        base = {"Role ID": role.role_id, "Role": role.title, "Department": role.department,
                "Needed by": needs.at[role.role_id, "label"]}
        if entries.empty:
            rows.append({**base, "Rank": None, "Successor": "(no successor)", "Employee ID": "", "Current role": "",
                         "Readiness": READINESS_LABELS["not_ready"], "Ready by": "", "Ready when needed": False})
        for s in entries.itertuples(index=False):
            ready = None if pd.isna(s.ready_quarter) else int(s.ready_quarter)
            rows.append({**base, "Rank": int(s.rank), "Successor": names.get(s.employee_id, s.employee_id),
                         "Employee ID": s.employee_id, "Current role": current.get(s.employee_id, ""),
                         "Readiness": READINESS_LABELS[s.readiness], "Ready by": "" if ready is None else s.ready_label,
                         "Ready when needed": ready is not None and ready <= int(needs.at[role.role_id, "need"])})
    df = pd.DataFrame(rows, columns=["Role ID", "Role", "Department", "Needed by", "Rank", "Successor", "Employee ID",
                                     "Current role", "Readiness", "Ready by", "Ready when needed"])
    df["Rank"] = df["Rank"].astype("Int64")
    return df


def thin_benches(slates: pd.DataFrame) -> pd.DataFrame:
    """Roles with fewer than THIN_BENCH successors ready when needed: role, department, ready count."""
    ready = slates.groupby(["Role ID", "Role", "Department", "Needed by"], sort=False)["Ready when needed"].sum()
    thin = ready[ready < THIN_BENCH].reset_index().rename(columns={"Ready when needed": "Ready when needed (count)"})
    thin["Ready when needed (count)"] = thin["Ready when needed (count)"].astype("int64")
    return thin


def _jitter(key: str, salt: str) -> float:
    """A stable offset in [-0.3, 0.3] so that people with the same ratings do not hide each other."""
    return (zlib.crc32(f"{salt}:{key}".encode()) % 1000) / 1000 * 0.6 - 0.3


def nine_box_frame(plan: Plan, org: Organisation) -> pd.DataFrame:
    """One row per slate candidate: performance and potential (with jitter for plotting), their best
    readiness over their slates, and hover text (name, current role, the slates they are on)."""
    names, current, titles = _names(org)
    employees = org.employees.set_index("employee_id")
    slates = plan.slates_df()
    rows = []
    for employee_id, mine in slates.groupby("employee_id", sort=True):
        best = min(mine["readiness"], key=READINESS_ORDER.index)
        e = employees.loc[employee_id]
        on = ", ".join(f"{titles.get(r, r)} (#{k})" for r, k in zip(mine["role_id"], mine["rank"]))
        rows.append(dict(employee_id=employee_id, name=names.get(employee_id, employee_id),
                         current_role=current.get(employee_id, ""), performance=int(e["performance"]),
                         potential=int(e["potential"]), flight_risk=float(e["flight_risk"]),
                         x=int(e["performance"]) + _jitter(employee_id, "x"),
                         y=int(e["potential"]) + _jitter(employee_id, "y") * 0.8,
                         readiness=READINESS_LABELS[best], slates=on))
    return pd.DataFrame(rows, columns=["employee_id", "name", "current_role", "performance", "potential", "flight_risk",
                                       "x", "y", "readiness", "slates"])


def successors(plan: Plan, org: Organisation) -> pd.DataFrame:
    """Each successor once: employee_id, name and how many interventions the plan gives them,
    most developed first (for the development-plan picker)."""
    names, _, _ = _names(org)
    ids = plan.slates_df()["employee_id"].drop_duplicates()
    count = plan.learning_df().groupby("employee_id").size()
    df = pd.DataFrame({"employee_id": ids, "name": ids.map(lambda e: names.get(e, e)),
                       "interventions": ids.map(lambda e: int(count.get(e, 0)))})
    return df.sort_values(["interventions", "name"], ascending=[False, True]).reset_index(drop=True)


def gantt_frame(plan: Plan, org: Organisation, employee_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(bars, milestones) of one successor's development. Bars: intervention, kind, cost, start and
    finish dates (a quarter runs from its first day to the next quarter's). Milestones, one row per
    slate they are on: the date they are ready for the role and the date the role is needed."""
    start, horizon = plan.meta.start, plan.meta.horizon_quarters
    interventions = org.interventions.set_index("intervention_id")
    _, _, titles = _names(org)
    learning = plan.learning_df()
    learning = learning[learning["employee_id"] == employee_id].sort_values(["start_quarter", "intervention_id"])
    bars = pd.DataFrame({
        "Intervention": [f"{interventions.at[i, 'name']} ({i})" if i in interventions.index else i
                         for i in learning["intervention_id"]],
        "Kind": [str(interventions.at[i, "kind"]).replace("_", " ") if i in interventions.index else ""
                 for i in learning["intervention_id"]],
        "Prepares for": [titles.get(r, "") if isinstance(r, str) else "" for r in learning["target_role_id"]],
        "Cost": learning["cost"].to_numpy(),
        "Start": [quarter_start(quarter_label(start, int(q))) for q in learning["start_quarter"]],
        "Finish": [quarter_start(quarter_label(start, int(q) + 1)) for q in learning["end_quarter"]],
        "Quarters": [f"{a} – {b}" for a, b in zip(learning["start_label"], learning["end_label"])],
    })
    need = role_needs(plan, org)["need"]
    slates = plan.slates_df()
    marks = []
    for s in slates[slates["employee_id"] == employee_id].itertuples(index=False):
        title = titles.get(s.role_id, s.role_id)
        row = f"Milestones: {title}"
        if not pd.isna(s.ready_quarter):
            marks.append(dict(Row=row, Milestone=f"Ready for {title}", Date=quarter_start(s.ready_label), Kind="ready",
                              Label=s.ready_label))
        q = int(need[s.role_id]) if s.role_id in need.index else horizon
        marks.append(dict(Row=row, Milestone=f"{title} needed" if q < horizon else f"{title}: end of horizon",
                          Date=quarter_start(quarter_label(start, q)), Kind="needed", Label=quarter_label(start, q)))
    return bars, pd.DataFrame(marks, columns=["Row", "Milestone", "Date", "Kind", "Label"])


def spend_frame(plan: Plan) -> pd.DataFrame:
    """Spend by quarter over the horizon: quarter, label, spend started that quarter, cumulative spend."""
    horizon = plan.meta.horizon_quarters
    learning = plan.learning_df()
    by_quarter = learning.groupby("start_quarter")["cost"].sum()
    quarters = list(range(max([horizon - 1, *learning["start_quarter"].tolist()]) + 1))
    spend = by_quarter.reindex(quarters, fill_value=0.0).astype("float64").to_numpy()
    df = pd.DataFrame({"quarter": quarters, "label": [quarter_label(plan.meta.start, q) for q in quarters],
                       "spend": spend})
    df["cumulative"] = df["spend"].cumsum()
    return df


def uncovered_roles(plan: Plan, org: Organisation) -> pd.DataFrame:
    """Critical roles whose first successor is not ready when the role is needed (the roles the plan
    fills from outside), with their external-hire cost; most expensive first."""
    table = slate_table(plan, org)
    first = table[table["Rank"].isna() | (table["Rank"] == 1)].set_index("Role ID")
    cost = org.critical_roles.set_index("role_id")["external_hire_cost"]
    missing = first[~first["Ready when needed"].astype(bool)]
    df = pd.DataFrame({
        "Role ID": missing.index,
        "Role": missing["Role"].to_numpy(),
        "Department": missing["Department"].to_numpy(),
        "Needed by": missing["Needed by"].to_numpy(),
        "First successor": missing["Successor"].to_numpy(),
        "Readiness": missing["Readiness"].to_numpy(),
        f"External-hire cost ({MONEY})": cost.reindex(missing.index).to_numpy(dtype="float64"),
    })
    return df.sort_values(f"External-hire cost ({MONEY})", ascending=False).reset_index(drop=True)


def development_table(plan: Plan, org: Organisation) -> pd.DataFrame:
    """The plan's learning with readable headers and names."""
    names, _, titles = _names(org)
    interventions = org.interventions.set_index("intervention_id")
    learning = plan.learning_df()
    return pd.DataFrame({
        "Employee ID": learning["employee_id"],
        "Employee": learning["employee_id"].map(lambda e: names.get(e, e)),
        "Department": learning["department"].fillna(""),
        "Intervention ID": learning["intervention_id"],
        "Intervention": learning["intervention_id"].map(
            lambda i: interventions.at[i, "name"] if i in interventions.index else i),
        "Kind": learning["intervention_id"].map(
            lambda i: str(interventions.at[i, "kind"]).replace("_", " ") if i in interventions.index else ""),
        "Starts": learning["start_label"],
        "Ends": learning["end_label"],
        f"Cost ({MONEY})": learning["cost"],
        "Prepares for": learning["target_role_id"].map(lambda r: titles.get(r, r) if isinstance(r, str) else ""),
    })


def format_kpi(kpi: str, value: Any) -> str:
    """A KPI value as text: percentages for shares, thousands separators for money and counts."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        return value
    if kpi in PERCENT_KPIS:
        return f"{value * 100:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def kpi_table(plan: Plan) -> pd.DataFrame:
    """The headline KPIs as rows: KPI, value (as text) and what it means."""
    values = plan.kpis.model_dump()
    return pd.DataFrame([dict(KPI=label, Value=format_kpi(k, values.get(k)), Meaning=Kpis.model_fields[k].description)
                         for k, label in KPI_LABELS.items()])


# ------------------------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text a spreadsheet would run as a formula starts with ' instead."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v)
    return out


def export_tables(plan: Plan, org: Organisation) -> dict[str, pd.DataFrame]:
    """The plan's tables for people, by sheet name."""
    return {
        "Slates": slate_table(plan, org).assign(**{"Ready when needed": lambda d: d["Ready when needed"].map(
            {True: "Yes", False: "No"})}),
        "Development plan": development_table(plan, org),
        "KPIs": kpi_table(plan),
        "Uncovered roles": uncovered_roles(plan, org),
    }


def excel_bytes(tables: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook, one sheet per table, bold frozen headers, columns sized to their content."""
    from openpyxl.styles import Font

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, df in tables.items():
            defuse_formulas(df).to_excel(writer, sheet_name=sheet[:31], index=False)
            ws = writer.sheets[sheet[:31]]
            ws.freeze_panes = "A2"
            for cell in ws[1]:
                cell.font = Font(bold=True)
            for i, col in enumerate(df.columns, start=1):
                width = max([len(str(col)), *(len(str(v)) for v in df[col].head(500))]) + 2
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(width, 60)
    return buffer.getvalue()


def csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads accents), formulas defused."""
    return defuse_formulas(df).to_csv(index=False).encode("utf-8-sig")


def parquet_bytes(df: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False)
    return buffer.getvalue()


def file_stem(text: str) -> str:
    """Text made safe for a download's file name."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text).strip("-.") or "plan"


def bench_status(slates: pd.DataFrame) -> pd.Series:
    """Per critical role (index Role ID): 'external hire' if its first successor is not ready when the role
    is needed, 'thin bench' if fewer than THIN_BENCH successors are, else 'strong bench'."""
    first = slates[slates["Rank"].isna() | (slates["Rank"] == 1)].set_index("Role ID")["Ready when needed"]
    ready = slates.groupby("Role ID", sort=False)["Ready when needed"].sum()
    return pd.Series({role: "external hire" if not first.get(role, False) else
                      "thin bench" if ready[role] < THIN_BENCH else "strong bench" for role in ready.index})


_SHORT_READINESS = {"Ready now": "now", "Ready in 1 year": "1 yr", "Ready in 2 years": "2 yrs", "Ready later": "later",
                    "Not ready in horizon": "not ready"}
_STATUS_STYLE = {"external hire": ("sp-bad", "&#9888; external hire"), "thin bench": ("sp-warn", "&#9888; thin bench"),
                 "strong bench": ("sp-ok", "&#10003; strong bench")}
_SUMMARY_CSS = """
.sp-summary { font-family: 'Liberation Sans', Arial, sans-serif; color: #1f2933; font-size: 10.5px; line-height: 1.3; }
.sp-summary h1 { font-size: 18px; margin: 0 0 2px 0; }
.sp-summary .sp-sub { color: #52606d; margin-bottom: 6px; }
.sp-summary .sp-kpis { display: flex; gap: 22px; margin: 6px 0 8px 0; flex-wrap: wrap; }
.sp-summary .sp-kpi { color: #52606d; }
.sp-summary .sp-kpi b { display: block; font-size: 15px; color: #1f2933; }
.sp-summary table { border-collapse: collapse; width: 100%; }
.sp-summary th { text-align: left; border-bottom: 2px solid #1f2933; padding: 3px 5px; }
.sp-summary td { border-bottom: 1px solid #e4e7eb; padding: 2px 5px; white-space: nowrap; }
.sp-summary .sp-dept { color: #7b8794; }
.sp-summary .sp-pill { display: inline-block; padding: 0 5px; border-radius: 7px; color: #fff; font-size: 9px; }
.sp-summary .sp-bad { color: #b3261e; font-weight: bold; }
.sp-summary .sp-warn { color: #b35c00; font-weight: bold; }
.sp-summary .sp-ok { color: #1b7f3b; }
.sp-summary .sp-legend { margin-top: 6px; color: #52606d; }
@page { size: A4 landscape; margin: 10mm; }
"""


def _pill(readiness: str) -> str:
    return (f"<span class='sp-pill' style='background:{READINESS_COLOURS[readiness]}'>"
            f"{_SHORT_READINESS[readiness]}</span>")


def leadership_html(plan: Plan, org: Organisation, plan_name: str) -> str:
    """A one-page slate summary for leadership: headline KPIs, then one line per critical role with its
    successors and their readiness, and whether the bench is strong, thin or left to an external hire.
    Every value is HTML-escaped."""
    e = html.escape
    k = plan.kpis
    table = slate_table(plan, org)
    status = bench_status(table)
    depth = max(int(table["Rank"].max()) if table["Rank"].notna().any() else 1, 1)
    rows = []
    for role_id, entries in table.groupby("Role ID", sort=False):
        first = entries.iloc[0]
        ranked = {int(r["Rank"]): r for _, r in entries.iterrows() if not pd.isna(r["Rank"])}
        cells = "".join(f"<td>{e(str(ranked[n]['Successor']))} {_pill(ranked[n]['Readiness'])}</td>" if n in ranked
                        else "<td></td>" for n in range(1, depth + 1))
        css, label = _STATUS_STYLE[status[role_id]]
        rows.append(f"<tr><td><b>{e(str(first['Role']))}</b> <span class='sp-dept'>{e(str(first['Department']))}"
                    f"</span></td><td>{e(str(first['Needed by']))}</td>{cells}<td class='{css}'>{label}</td></tr>")
    counts = status.value_counts()
    kpis = [("Coverage", f"{k.coverage:.0%}"), ("Covered roles", f"{k.covered_roles} of {k.critical_roles}"),
            ("Thin benches", f"{int(counts.get('thin bench', 0))}"),
            ("Training spend", f"{k.training_cost:,.0f} of {plan.meta.budget_total:,.0f}"),
            ("External-hire exposure", f"{k.external_hire_cost:,.0f}")]
    kpi_html = "".join(f"<div class='sp-kpi'>{e(label)}<b>{e(value)}</b></div>" for label, value in kpis)
    heads = "".join(f"<th>Successor {n}</th>" for n in range(1, depth + 1))
    legend = " ".join(f"{_pill(label)} {e(label.lower())}" for label in READINESS_COLOURS)
    return (
        f"<div class='sp-summary'><style>{_SUMMARY_CSS}</style>"
        f"<h1>Succession slates: {e(plan.meta.scenario)}</h1>"
        f"<div class='sp-sub'>Plan {e(plan_name)} &middot; {e(plan.meta.start)} + {plan.meta.horizon_quarters} quarters"
        f" &middot; made {e(plan.meta.created[:10])} &middot; amounts in {MONEY}</div>"
        f"<div class='sp-kpis'>{kpi_html}</div>"
        f"<table><thead><tr><th>Critical role</th><th>Needed by</th>{heads}<th>Bench</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<div class='sp-legend'>Readiness: {legend}. A thin bench has fewer than {THIN_BENCH} successors ready "
        "when the role is needed; an external hire means the first successor is not ready in time.</div></div>"
    )


def leadership_document(body: str, title: str) -> str:
    """The one-pager as a standalone HTML file."""
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body>{body}</body></html>")


# ------------------------------------------------------------------------------------------------
# Compare
# ------------------------------------------------------------------------------------------------


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


# ------------------------------------------------------------------------------------------------
# Scenario drafts: forms in the app, a YAML file on disk
# ------------------------------------------------------------------------------------------------


def field_limits(model, name: str) -> tuple[Optional[float], Optional[float]]:
    """(ge or gt, le or lt) of a pydantic field, None where unbounded."""
    lo = hi = None
    for m in model.model_fields[name].metadata:
        if isinstance(m, (at.Ge, at.Gt)):
            lo = getattr(m, "ge", None) if isinstance(m, at.Ge) else m.gt
        if isinstance(m, (at.Le, at.Lt)):
            hi = getattr(m, "le", None) if isinstance(m, at.Le) else m.lt
    return lo, hi


def settings_changes(base: Scenario, budget: dict, policy: dict, weights: dict) -> list[dict]:
    """The budget, policy and weights edits of a draft as scenario changes (only what differs from the
    base), ready to go first in the new scenario's ``changes``."""
    out = []
    edits = {k: v for k, v in budget.items() if getattr(base.budget, k) != v}
    if edits:
        out.append({"type": "budget", **edits})
    for kind, model_values, values in (("policy", base.policy, policy), ("weights", base.weights, weights)):
        diff = {k: v for k, v in values.items() if getattr(model_values, k) != v}
        if diff:
            out.append({"type": kind, "values": diff})
    return out


def preview_scenario(base: Scenario, name: str, changes: list[dict], pins: list[dict], vetoes: list[dict],
                     locks: list[dict]) -> Scenario:
    """The scenario a draft would load as: the base, then the new changes and overrides. Raises
    pydantic's ValidationError on a bad value."""
    data = base.model_dump()
    data.update(name=name or base.name, extends=None,
                changes=[*data["changes"], *changes], pins=[*data["pins"], *pins],
                vetoes=[*data["vetoes"], *vetoes], locks=[*data["locks"], *locks])
    return Scenario.model_validate(data)


def scenario_document(name: str, description: str, base_file: Path, target: Path, changes: list[dict],
                      pins: list[dict], vetoes: list[dict], locks: list[dict],
                      dataset: Optional[Path] = None) -> dict:
    """The YAML mapping of a new scenario that ``extends`` its base file (paths relative to ``target``)."""
    doc: dict = {"name": name, "description": description,
                 "extends": os.path.relpath(base_file, target.parent)}
    if dataset is not None:
        doc["dataset"] = os.path.relpath(dataset, target.parent)
    for key, items in (("changes", changes), ("pins", pins), ("vetoes", vetoes), ("locks", locks)):
        if items:
            doc[key] = items
    return doc


def save_scenario(doc: dict, folder: Path) -> tuple[Optional[Path], list[Issue]]:
    """Write ``doc`` as ``<folder>/<doc name>.yaml`` (atomically, never over an existing file), then
    load it with planner.load to check it against its dataset. On any problem the file is removed
    and the issues returned: (None, issues). Otherwise (path, [])."""
    try:
        target = inside(folder, doc["name"], ".yaml")
    except ValueError as exc:
        return None, [Issue(table="scenario", column="name", message=str(exc))]
    if target.exists():
        return None, [Issue(table="scenario", column="name",
                            message=f"a scenario named {doc['name']!r} already exists; choose another name")]
    header = f"# Made in the Succession Planner app from {doc['extends']}.\n"
    write_text_atomically(target, header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    try:
        planner.load(target)
    except InputError as exc:
        target.unlink(missing_ok=True)
        return None, exc.issues
    return target, []


def describe_change(item: dict, org: Organisation, start: str, kind: str = "changes") -> str:
    """One line of plain English for a scenario change (``kind`` "changes") or a pin, veto or lock
    ("pins", "vetoes", "locks"), given as a dict."""
    names = dict(zip(org.employees["employee_id"], org.employees["name"]))
    titles = dict(zip(org.roles["role_id"], org.roles["title"]))
    interventions = dict(zip(org.interventions["intervention_id"], org.interventions["name"]))
    person = lambda e: f"{names.get(e, e)} ({e})"  # noqa: E731
    role = lambda r: f"{titles.get(r, r)} ({r})"  # noqa: E731
    q = lambda n: quarter_label(start, int(n))  # noqa: E731
    if kind == "pins":
        at_rank = f"#{item['rank']}" if item.get("rank") else "any rank"
        return f"Pin {person(item['employee_id'])} on {role(item['role_id'])} ({at_rank}): {item['rationale']}"
    if kind == "vetoes":
        return f"Veto {person(item['employee_id'])} off {role(item['role_id'])}: {item['rationale']}"
    if kind == "locks":
        i = interventions.get(item["intervention_id"], item["intervention_id"])
        return f"Lock {person(item['employee_id'])} in {i} from {q(item['start_quarter'])}: {item['rationale']}"
    change = item.get("type")
    if change == "employee_leaves":
        return f"{person(item['employee_id'])} leaves from {q(item['quarter'])}"
    if change == "vacancy":
        when = "has no known vacancy" if item["quarter"] is None else f"falls vacant in {q(item['quarter'])}"
        return f"{role(item['role_id'])} {when}"
    if change == "budget":
        parts = []
        if item.get("total") is not None:
            parts.append(f"training budget set to {item['total']:,.0f}")
        if item.get("scale") is not None:
            parts.append(f"training budget cut {1 - item['scale']:.0%} (×{item['scale']:g})"
                         if item["scale"] < 1 else f"training budget ×{item['scale']:g}")
        if "per_quarter" in item:
            parts.append("no per-quarter cap" if item["per_quarter"] is None
                         else f"per-quarter cap {item['per_quarter']:,.0f}")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]
    if change in ("policy", "weights"):
        values = ", ".join(f"{k.replace('_', ' ')} = {v:g}" if isinstance(v, float) else f"{k.replace('_', ' ')} = {v}"
                           for k, v in item["values"].items())
        return f"{change.capitalize()}: {values}"
    if change == "role_critical":
        return f"{role(item['role_id'])} becomes {'critical' if item['critical'] else 'not critical'}"
    if change == "intervention":
        i = f"{interventions.get(item['intervention_id'], item['intervention_id'])} ({item['intervention_id']})"
        if item.get("withdrawn"):
            return f"{i} is withdrawn"
        parts = [f"{k.replace('_', ' ')} = {v}" for k, v in item.items() if k not in ("type", "intervention_id")]
        return f"{i}: {', '.join(parts)}"
    if change == "new_role":
        return f"New role {item['role'].get('title', '')} ({item['role'].get('role_id', '')})"
    if change == "new_intervention":
        return f"New intervention {item['intervention'].get('name', '')} ({item['intervention'].get('intervention_id', '')})"
    if change == "employee":
        return f"{person(item['employee_id'])}: skills or availability change"
    return str(change)


def suggest_name(base: str, changes: list[dict], taken: set[str]) -> str:
    """A file name for a new scenario that says what it asks ('baseline-budget-cut-20'), not yet taken."""
    tag = "what-if"
    for c in changes:
        if c.get("type") == "budget" and c.get("scale") is not None and c["scale"] < 1:
            tag = f"budget-cut-{round((1 - c['scale']) * 100)}"
        elif c.get("type") == "employee_leaves":
            tag = f"{c['employee_id']}-leaves"
        elif c.get("type") == "vacancy":
            tag = f"{c['role_id']}-vacancy"
        else:
            continue
        break
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in f"{base}-{tag}")[:72]
    name, n = stem, 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}"
    return name


# ------------------------------------------------------------------------------------------------
# Organisation editing
# ------------------------------------------------------------------------------------------------


def field_specs(table: str) -> list[dict]:
    """How each column of a table may be edited: name, kind (int, float, bool, choice, text), limits,
    choices, whether it is required, and the row model's description."""
    specs = []
    model = TABLES[table].row_model
    for name, f in model.model_fields.items():
        annotation, args = f.annotation, typing.get_args(f.annotation)
        optional = type(None) in args
        if optional:
            annotation = next(a for a in args if a is not type(None))
        choices = list(typing.get_args(annotation)) if typing.get_origin(annotation) is Literal else []
        kind = "choice" if choices else {str: "text", int: "int", float: "float", bool: "bool"}[annotation]
        lo, hi = field_limits(model, name)
        specs.append(dict(name=name, kind=kind, min=lo, max=hi, choices=choices,
                          required=f.is_required() and not optional, help=f.description))
    return specs


def apply_edits(df: pd.DataFrame, record: Optional[dict]) -> pd.DataFrame:
    """``df`` with a st.data_editor edit record applied (as Streamlit does: edited cells, then deleted
    rows, then added rows). Positions are row positions in ``df``. Columns become ``object`` so that
    any edited value survives for validation to judge."""
    out = df.reset_index(drop=True).astype(object)
    if not record:
        return out
    for pos, cells in (record.get("edited_rows") or {}).items():
        for column, value in cells.items():
            if column in out.columns and int(pos) < len(out):
                out.at[int(pos), column] = value
    deleted = [int(p) for p in record.get("deleted_rows") or [] if int(p) < len(out)]
    out = out.drop(index=deleted).reset_index(drop=True)
    added = [{c: v for c, v in row.items() if c in out.columns} for row in record.get("added_rows") or []]
    if added:
        out = pd.concat([out, pd.DataFrame(added, columns=out.columns, dtype=object)], ignore_index=True)
    return out.astype(object).where(out.notna(), None)


def has_edits(record: Optional[dict]) -> bool:
    return bool(record) and any(record.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def restore_types(edited: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """``edited`` (object columns) with each column cast back to ``like``'s type where every value allows."""
    out = edited.copy()
    for col in out.columns:
        if col in like.columns:
            try:
                out[col] = out[col].astype(like[col].dtype)
            except (TypeError, ValueError):
                pass  # a value the type cannot hold stays as typed, for validation to report
    return out


def validate_tables(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Validate a whole dataset held in memory with the CLI's rules; rows are counted from 1."""
    raw = {name: df for name, df in tables.items() if df is not None}
    return validate_frames(raw, {name: (None, 1) for name in raw})


def read_upload(file_name: str, data: bytes, table: Optional[str]) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Parse an uploaded file the way ``planner validate`` reads a dataset: a CSV or Parquet file is one
    table (``table``, or the one its name says), an .xlsx workbook holds a sheet per table (any subset).
    Each table is checked on its own (types and limits); returns the typed tables that passed and the
    issues, located in the uploaded file."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".csv", ".parquet", ".xlsx"):
        return {}, [Issue(table="upload", file=file_name, message="upload a .csv, .parquet or .xlsx file")]
    with tempfile.TemporaryDirectory(prefix="planner-upload-") as tmp:
        folder = Path(tmp)
        if suffix == ".xlsx" and Path(file_name).stem.lower() not in TABLES:
            source = folder / "workbook.xlsx"
            source.write_bytes(data)
            raw, where, issues = read_tables(source)
            issues = [i for i in issues if not (i.table not in raw and i.message.startswith("required table"))]
            label = lambda name: f"{file_name}[{name}]"  # noqa: E731
        else:
            table = table or Path(file_name).stem.lower()
            if table not in TABLES:
                return {}, [Issue(table="upload", file=file_name,
                                  message=f"choose the table it holds: its name is not one of {', '.join(TABLES)}")]
            (folder / f"{table}{suffix}").write_bytes(data)
            raw, where, issues = read_tables(folder)
            raw = {table: raw[table]} if table in raw else {}
            issues = [i for i in issues if i.table == table]
            label = lambda name: file_name  # noqa: E731
        where = {name: (label(name), offset) for name, (_, offset) in where.items()}
        issues = [i.model_copy(update={"file": label(i.table) if i.table in TABLES else file_name}) for i in issues]
    if not raw and not issues:
        issues.append(Issue(table="upload", file=file_name, message="holds no sheet named after a table "
                            f"({', '.join(TABLES)})"))
    typed = {}
    for name, df in raw.items():
        frames, found = validate_frames({name: df}, {name: where[name]})
        mine = [i for i in found if i.table == name]
        issues += mine
        if not any(i.severity == "error" for i in mine):
            typed[name] = frames[name]
    return typed, issues
