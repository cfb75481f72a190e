"""Plain-Python helpers for the Streamlit app (``app.py`` and ``views/``): no Streamlit, no OR-Tools.

Everything here takes and returns plain objects and DataFrames, so it is unit-testable without a
browser. One module per concern: labels (what the pages call things), files (scenarios, datasets
and names that stay in their folders), solving (the background solve of planner.workflow),
people (a plan's tables with names, titles and calendar quarters: slates, 9-box, Gantt, spend,
uncovered roles), exports (Excel, CSV, Parquet, the leadership one-pager), compare, drafts (the
scenario form that becomes a YAML file) and organisation (the Organisation page's edits and uploads).
"""

from planner.contract.scenario import quarter_label
from planner.contract.tables import defuse_formulas
from planner.workflow import SolveRun
from planner.app_support.labels import (
    KPI_LABELS, MONEY, PERCENT_KPIS, READINESS_COLOURS, READINESS_LABELS, READINESS_ORDER, THIN_BENCH,
)
from planner.app_support.files import (
    dataset_folders, inside, issues_frame, scenario_files,
)
from planner.app_support.solving import (
    progress_frame, solve_run,
)
from planner.app_support.people import (
    development_table, format_kpi, gantt_frame, kpi_table, nine_box_frame, plan_scenario, quarter_start, role_needs, slate_table, spend_frame, successors, thin_benches, uncovered_roles,
)
from planner.app_support.exports import (
    bench_status, csv_bytes, excel_bytes, export_tables, file_stem, leadership_document, leadership_html, parquet_bytes,
)
from planner.app_support.compare import (
    frontier_axis, intervention_names, kpi_comparison, people_names, role_titles,
)
from planner.app_support.drafts import (
    describe_change, field_limits, preview_scenario, save_scenario, scenario_document, settings_changes, suggest_name,
)
from planner.app_support.organisation import (
    apply_edits, field_specs, has_edits, read_upload, restore_types, validate_tables,
)

__all__ = [
    "KPI_LABELS",
    "MONEY",
    "PERCENT_KPIS",
    "READINESS_COLOURS",
    "READINESS_LABELS",
    "READINESS_ORDER",
    "SolveRun",
    "THIN_BENCH",
    "apply_edits",
    "bench_status",
    "csv_bytes",
    "dataset_folders",
    "defuse_formulas",
    "describe_change",
    "development_table",
    "excel_bytes",
    "export_tables",
    "field_limits",
    "field_specs",
    "file_stem",
    "format_kpi",
    "frontier_axis",
    "gantt_frame",
    "has_edits",
    "inside",
    "intervention_names",
    "issues_frame",
    "kpi_comparison",
    "kpi_table",
    "leadership_document",
    "leadership_html",
    "nine_box_frame",
    "parquet_bytes",
    "people_names",
    "plan_scenario",
    "preview_scenario",
    "progress_frame",
    "quarter_label",
    "quarter_start",
    "read_upload",
    "restore_types",
    "role_needs",
    "role_titles",
    "save_scenario",
    "scenario_document",
    "scenario_files",
    "settings_changes",
    "slate_table",
    "solve_run",
    "spend_frame",
    "successors",
    "suggest_name",
    "thin_benches",
    "uncovered_roles",
    "validate_tables",
]
