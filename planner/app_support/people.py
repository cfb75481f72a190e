"""A plan for people: slates with names, titles and calendar quarters, 9-box, Gantt, spend and uncovered roles."""

from __future__ import annotations

import zlib
from typing import Any

import pandas as pd

from planner.evaluation.replay import PlanContext
from planner.contract.domain import Organisation
from planner.contract.plan import Kpis, Plan
from planner.contract.scenario import Scenario, quarter_label, recorded_scenario
from planner.app_support.labels import KPI_LABELS, MONEY, PERCENT_KPIS, READINESS_LABELS, READINESS_ORDER, THIN_BENCH


def plan_scenario(plan: Plan) -> Scenario:
    """The scenario a plan was solved with, as recorded in the plan."""
    return recorded_scenario(plan.meta.scenario_settings, f"plan {plan.meta.scenario}")


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
