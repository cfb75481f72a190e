"""Labels, colours and orders the pages show, and the money unit they name."""

from __future__ import annotations


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
    "gap": "Money gap (%)",
    "money_cost": f"Money cost ({MONEY})",
    "status": "Solver status",
}
PERCENT_KPIS = {"coverage", "budget_used_share", "gap"}
