"""Plain-Python helpers for the Streamlit app (``app.py`` and ``views/``): no Streamlit, no OR-Tools.

Everything here takes and returns plain objects and DataFrames, so it is unit-testable without a
browser. One module per concern: labels (what the pages call things), files (scenarios, datasets
and names that stay in their folders), solving (the background solve of planner.workflow),
people (a plan's tables with names, titles and calendar quarters: slates, 9-box, Gantt, spend,
uncovered roles), exports (Excel, CSV, Parquet, the leadership one-pager), compare, drafts (the
scenario form that becomes a YAML file), organisation (the Organisation page's edits and uploads)
and workforce (the Workforce page: planning a saved plan's workforce, supply against demand, the gap
heatmap, hires, moves, cost and KPI deltas), and review (the Talent review page: a change priced, checked,
saved and recorded in the audit trail; the 9-box grid, the audit trail, endorsements, outliers).
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
from planner.app_support.workforce import (
    COST_PARTS, DEMAND, SUPPLY, TABLE_TITLES, WHOLE, WORKFORCE_KPIS, WorkforceOutcome, category_families,
    compare_supply_frame, cost_frame, default_choice, default_workforce_plan, format_workforce_kpi, gap_frame, gap_matrix,
    hiring_table, is_own_plan, largest_gaps, moves_table, plan_and_save, plan_labels, scenario_fingerprint,
    succession_plans, supply_choices, supply_frame, workforce_kpi_deltas, workforce_plans, workforce_tables,
)
from planner.app_support.review import (
    CHANGE_KINDS, REVIEW_SECONDS, ReviewOutcome, audit_table, box_grid, box_points, effect_summary, endorsement_table,
    make_change, moved_table, nine_box_table, outlier_tables, review_change, reviewer,
)

__all__ = [
    "COST_PARTS",
    "DEMAND",
    "KPI_LABELS",
    "MONEY",
    "PERCENT_KPIS",
    "READINESS_COLOURS",
    "READINESS_LABELS",
    "READINESS_ORDER",
    "SUPPLY",
    "SolveRun",
    "TABLE_TITLES",
    "THIN_BENCH",
    "WHOLE",
    "WORKFORCE_KPIS",
    "WorkforceOutcome",
    "apply_edits",
    "bench_status",
    "category_families",
    "compare_supply_frame",
    "cost_frame",
    "csv_bytes",
    "dataset_folders",
    "default_choice",
    "default_workforce_plan",
    "defuse_formulas",
    "describe_change",
    "development_table",
    "excel_bytes",
    "export_tables",
    "field_limits",
    "field_specs",
    "file_stem",
    "format_kpi",
    "format_workforce_kpi",
    "frontier_axis",
    "gantt_frame",
    "gap_frame",
    "gap_matrix",
    "has_edits",
    "hiring_table",
    "inside",
    "intervention_names",
    "is_own_plan",
    "issues_frame",
    "kpi_comparison",
    "kpi_table",
    "largest_gaps",
    "leadership_document",
    "leadership_html",
    "moves_table",
    "nine_box_frame",
    "parquet_bytes",
    "people_names",
    "plan_and_save",
    "plan_labels",
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
    "scenario_fingerprint",
    "settings_changes",
    "slate_table",
    "solve_run",
    "spend_frame",
    "succession_plans",
    "successors",
    "suggest_name",
    "supply_choices",
    "supply_frame",
    "thin_benches",
    "uncovered_roles",
    "validate_tables",
    "workforce_kpi_deltas",
    "workforce_plans",
    "workforce_tables",
    # the Talent review page (review)
    "CHANGE_KINDS",
    "REVIEW_SECONDS",
    "ReviewOutcome",
    "audit_table",
    "box_grid",
    "box_points",
    "effect_summary",
    "endorsement_table",
    "make_change",
    "moved_table",
    "nine_box_table",
    "outlier_tables",
    "review_change",
    "reviewer",
]
