"""The plan for download: Excel, CSV and Parquet tables, and the leadership one-pager (HTML)."""

from __future__ import annotations

import html
import io

import pandas as pd

from planner.analyses.fairness import slate_composition
from planner.contract.domain import Organisation
from planner.contract.tables import defuse_formulas
from planner.contract.plan import Plan
from planner.app_support.labels import MONEY, READINESS_COLOURS, THIN_BENCH
from planner.app_support.people import development_table, kpi_table, slate_table, uncovered_roles


def export_tables(plan: Plan, org: Organisation) -> dict[str, pd.DataFrame]:
    """The plan's tables for people, by sheet name; with a fair-slates setting (policy.fairness), the slate
    composition by its attribute too, every count under 5 shown as "<5"."""
    tables = {
        "Slates": slate_table(plan, org).assign(**{"Ready when needed": lambda d: d["Ready when needed"].map(
            {True: "Yes", False: "No"})}),
        "Development plan": development_table(plan, org),
        "KPIs": kpi_table(plan),
        "Uncovered roles": uncovered_roles(plan, org),
    }
    fairness = ((plan.meta.scenario_settings or {}).get("policy") or {}).get("fairness")
    if fairness and fairness.get("attribute") in org.employees.columns:
        tables["Slate composition"] = slate_composition(plan, org, fairness["attribute"]).rename(columns={"role_id": "Role ID"})
    return tables


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
