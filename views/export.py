"""Export: the plan as an Excel workbook, CSV and Parquet files, and a one-page slate summary for leadership."""

from __future__ import annotations

import streamlit as st

from planner import app_support as support
from views import common

st.title("Export")
name = common.plan_picker("export-pick")
plan = common.load_plan(name)
if not plan.has_solution:
    st.error(f"This plan has no solution ({plan.kpis.status}); there is nothing to export.")
    st.stop()
org = common.plan_org(plan)
tables = support.export_tables(plan, org)
stem = support.file_stem(name)

st.subheader("Workbook")
st.download_button(
    "Download the plan as an Excel workbook", support.excel_bytes(tables), file_name=f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", type="primary",
    icon=":material/table_view:", on_click="ignore", key="export-xlsx",
    help="One sheet per table: " + ", ".join(tables) + ".",
)

st.subheader("Tables")
st.caption("Each table as CSV (UTF-8, opens in Excel) or Parquet (for analytics tools).")
for sheet, df in tables.items():
    slug = support.file_stem(sheet.lower().replace(" ", "-"))
    cols = st.columns([2, 1, 1, 3], vertical_alignment="center")
    cols[0].markdown(f"**{sheet}** · {len(df):,} row{'s' * (len(df) != 1)}")
    cols[1].download_button("CSV", support.csv_bytes(df), file_name=f"{stem}-{slug}.csv", mime="text/csv",
                            icon=":material/download:", on_click="ignore", key=f"export-csv-{slug}")
    cols[2].download_button("Parquet", support.parquet_bytes(df), file_name=f"{stem}-{slug}.parquet",
                            mime="application/vnd.apache.parquet", icon=":material/download:", on_click="ignore",
                            key=f"export-parquet-{slug}")

st.subheader("Slate summary for leadership")
summary = support.leadership_html(plan, org, name)
st.download_button("Download the one-page summary (HTML, prints to one page)",
                   support.leadership_document(summary, f"Succession slates: {plan.meta.scenario}"),
                   file_name=f"{stem}-slate-summary.html", mime="text/html", icon=":material/description:",
                   on_click="ignore", key="export-summary")
with st.container(border=True):
    st.html(summary)
