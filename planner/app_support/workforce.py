"""The Workforce page: which saved plans have a workforce part, planning one for a saved succession plan
(plan, check, save), and the workforce plan's tables shaped for charts and people: supply against demand,
the gap by category and quarter, hires, moves, cost by quarter, KPIs and two plans' KPI deltas."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Optional

import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.errors import InputError, Issue
from planner.contract.plan import Plan
from planner.contract.scenario import WORKFORCE_CHANGES, Scenario, quarter_label
from planner.contract.workforce import WORKFORCE_TABLES, WorkforceKpis, WorkforcePlan
from planner.evaluation.report import check_plan
from planner.inputs.files import input_fingerprint
from planner.inputs.workforce import category_family, has_workforce
from planner.store import PlanStore
from planner.workflow import plan_workforce
from planner.app_support.labels import MONEY

# KPI -> (label, kind, better): kind formats the value (money, fte, share, quarters); better is +1 when
# more is better, -1 when less is, 0 when neither, "one" when closer to 1 (100%) is better.
WORKFORCE_KPIS: dict[str, tuple[str, str, Any]] = {
    "total_cost": (f"Workforce cost ({MONEY})", "money", -1),
    "hires": ("External hires (FTE)", "fte", 0),
    "moves": ("Moves between categories (FTE)", "fte", 0),
    "redundancies": ("Redundancies (FTE)", "fte", -1),
    "internal_fill_rate": ("Internal fill rate (%)", "share", 1),
    "time_to_fill_quarters": ("Time to fill (quarters, mean)", "quarters", -1),
    "hipo_retention": ("High-potential retention (%)", "share", 1),
    "headcount_vs_demand": ("Headcount vs demand, last quarter (%)", "share", "one"),
    "understaffed_fte_quarters": ("Demand not met (FTE-quarters)", "fte", -1),
    "loaded_cost": (f"Loaded cost of the headcount ({MONEY})", "money", 0),
    "hiring_cost": (f"Hiring cost ({MONEY})", "money", 0),
    "training_cost": (f"Training spend ({MONEY})", "money", 0),
    "move_cost": (f"Cost of moves ({MONEY})", "money", 0),
    "redundancy_cost": (f"Redundancy cost ({MONEY})", "money", -1),
    "overstaffing_cost": (f"Overstaffing cost ({MONEY})", "money", -1),
    "short_time_cost": (f"Short-time working cost ({MONEY})", "money", -1),
    "understaffing_cost": (f"Understaffing cost ({MONEY})", "money", -1),
}
# workforce_cost column -> the part's name, in the order the cost chart stacks them.
COST_PARTS = {"loaded": "Loaded cost of the headcount", "hiring": "Hiring", "training": "Training",
              "moves": "Moves", "redundancy": "Redundancy", "overstaffing": "Overstaffing",
              "understaffing": "Understaffing", "short_time": "Short time"}
SUPPLY = "Supply (closing headcount)"
DEMAND = "Demand"
WHOLE = "all"  # the supply_frame choice of the whole workforce
TABLE_TITLES = {"workforce_plan": "Headcount by category and quarter", "hiring_plan": "Hiring plan",
                "workforce_moves": "Moves between categories", "workforce_cost": "Cost by quarter",
                "skills_supply": "Skills supply"}


# --- which plans --------------------------------------------------------------------------------------------


def workforce_plans(store: PlanStore, listing: Optional[pd.DataFrame] = None) -> pd.DataFrame:
    """The saved plans that have a workforce part (``workforce.json`` in their folder), newest first: the
    store's listing with the workforce plan's status and total cost (``workforce_status``,
    ``workforce_cost``). A plan deleted or damaged meanwhile is left out."""
    listing = store.list() if listing is None else listing
    status, cost, keep = [], [], []
    for name in listing["name"]:
        try:
            head = json.loads((store.path(name) / "workforce.json").read_text())
            kpis = head["kpis"]
        except (KeyError, OSError, ValueError, TypeError):
            keep.append(False)
            continue
        keep.append(True)
        status.append(kpis.get("status"))
        cost.append(kpis.get("total_cost"))
    out = listing[keep].copy() if len(listing) else listing.copy()
    out["workforce_status"] = status
    out["workforce_cost"] = pd.Series(cost, index=out.index, dtype="float64")
    return out.reset_index(drop=True)


def scenario_fingerprint(org: Organisation, scenario: Scenario) -> str:
    """What a plan of this scenario records as its inputs' fingerprint (planner.input_fingerprint)."""
    return input_fingerprint(org, scenario)


def succession_plans(listing: pd.DataFrame, fingerprint: Optional[str], scenario_name: Optional[str] = None) -> pd.DataFrame:
    """The saved plans with a solution made from exactly these succession inputs (data and settings:
    planner.input_fingerprint), the ones of ``scenario_name`` first, each newest first: the succession
    plans a workforce plan of the scenario can join."""
    if fingerprint is None or listing.empty:
        return listing.iloc[0:0]
    mine = listing[(listing["fingerprint"] == fingerprint) & listing["status"].isin(["OPTIMAL", "FEASIBLE"])]
    own = mine["scenario"] == scenario_name
    return pd.concat([mine[own], mine[~own]]).reset_index(drop=True)


def default_workforce_plan(listing: pd.DataFrame, scenario_name: Optional[str], fingerprint: Optional[str],
                           shown: Optional[str] = None, current: Optional[str] = None) -> Optional[str]:
    """The workforce plan to show: ``shown`` if it is still there, else the current scenario's latest
    (its name and ``fingerprint``), else the session's ``current`` plan if it has a workforce part, else
    the newest."""
    names = list(listing["name"])
    if not names:
        return None
    if shown in names:
        return shown
    mine = succession_plans(listing, fingerprint, scenario_name)
    mine = mine[mine["scenario"] == scenario_name]
    if len(mine):
        return str(mine["name"].iloc[0])
    return current if current in names else names[0]


# --- plan, check, save -------------------------------------------------------------------------------------


@dataclass
class WorkforceOutcome:
    """How planning the workforce ended: ``saved`` (checked and saved as ``saved_name``: the succession
    plan it joins, or a new plan of the scenario when that one was another scenario's, ``reused``),
    ``no_plan`` (the planner found none: ``message``), ``rejected`` (the checker found a problem:
    ``message``; nothing saved) or ``failed`` (bad input: ``issues``; or an error: ``message``)."""

    state: Literal["saved", "no_plan", "rejected", "failed"]
    plan: Optional[Plan] = None
    saved_name: Optional[str] = None
    reused: Optional[str] = None
    message: str = ""
    issues: list[Issue] = field(default_factory=list)
    seconds: float = 0.0


def _workforce_settings(settings: dict) -> str:
    """A scenario's workforce settings and changes (from its model_dump), as canonical text."""
    changes = [c for c in settings.get("changes", []) if c.get("type") in WORKFORCE_CHANGES]
    return json.dumps({"workforce": settings.get("workforce"), "changes": changes}, sort_keys=True, default=str)


def is_own_plan(plan: Plan, scenario: Scenario) -> bool:
    """Whether a succession plan is ``scenario``'s own (its name, and the workforce settings and changes
    it records are the scenario's), rather than another scenario's with the same succession inputs
    (a workforce what-if may share its base's succession plan)."""
    return (plan.meta.scenario == scenario.name
            and _workforce_settings(plan.meta.scenario_settings) == _workforce_settings(scenario.model_dump()))


def plan_and_save(scenario: Scenario, org: Organisation, workspace: Path, name: str,
                  scenario_file: Optional[str] = None) -> WorkforceOutcome:
    """The workforce plan of ``scenario`` (``org``: the organisation as it plans it, changes applied)
    joined to the succession plan saved as ``name``, checked with it (planner.check), then saved: back
    as ``name`` when that is the scenario's own plan (its succession part stays as it was), else as a new
    plan of the scenario reusing it (planner.reuse_plan; the store's default name). Never raises for bad
    input or a failed plan: the outcome says what happened."""
    started = time.monotonic()
    store = PlanStore(workspace)

    def outcome(state, **kwargs) -> WorkforceOutcome:
        return WorkforceOutcome(state, seconds=time.monotonic() - started, **kwargs)

    if not has_workforce(org):
        return outcome("failed", issues=[Issue(table="workforce_costs", message=(
            "is missing: this scenario's dataset has no workforce tables. A workforce plan needs workforce_costs "
            "(one row per category: loaded cost, hire cost, ...), and uses workforce_demand, workforce_moves and "
            "workforce_supply when they are there"))])
    try:
        base = store.load(name)
    except KeyError:
        return outcome("failed", message=f"There is no saved plan named {name!r} any more.")
    if not base.has_solution:
        return outcome("failed", message=f"The plan {name!r} has no solution ({base.kpis.status}) to join.")
    if base.meta.input_fingerprint != input_fingerprint(org, scenario):
        return outcome("failed", message=f"The plan {name!r} was made from other data or settings than the scenario "
                                         f"{scenario.name}: solve the scenario again and plan the workforce with that plan.")
    own = is_own_plan(base, scenario)
    try:
        if own:
            succession = base
        else:
            from planner.workflow import reuse_plan  # a workforce what-if sharing its base's succession plan

            succession = reuse_plan(base, scenario, org, scenario_file=scenario_file)
        workforce = plan_workforce(scenario, org, succession)
    except InputError as exc:
        return outcome("failed", issues=exc.issues)
    except Exception as exc:  # reported by the page; never a traceback
        return outcome("failed", message=f"{type(exc).__name__}: {exc}")
    plan = succession.model_copy(update={"workforce": workforce})
    reused = None if own else name
    if not workforce.has_solution:
        return outcome("no_plan", plan=plan, reused=reused, message=workforce.kpis.message or workforce.kpis.status)
    report = check_plan(org, scenario, plan)
    if not report.ok:
        return outcome("rejected", plan=plan, reused=reused,
                       message="; ".join([str(v) for v in report.violations] + report.mismatches))
    try:
        saved = store.save(plan, name=name if own else None, overwrite=own)
    except (OSError, ValueError) as exc:
        return outcome("failed", plan=plan, message=f"The plan could not be saved: {exc}")
    return outcome("saved", plan=plan, saved_name=saved, reused=reused)


# --- supply against demand ---------------------------------------------------------------------------------


def category_families(categories, org: Organisation) -> dict[str, str]:
    """category -> its job family (its role's family, or the part of '<family>/<grade>' before the last '/')."""
    return {c: category_family(org, c) for c in dict.fromkeys(categories)}


def supply_choices(table: pd.DataFrame, families: dict[str, str]) -> dict[str, str]:
    """What the supply chart can show, key -> label: the whole workforce, each family (its categories
    summed), then each category, in the plan's order."""
    categories = list(dict.fromkeys(table["category"]))
    choices = {WHOLE: "Whole workforce (every category)"}
    for family in dict.fromkeys(families.get(c, c) for c in categories):
        n = sum(families.get(c, c) == family for c in categories)
        choices[f"family:{family}"] = f"{family} · family, {n} categor{'ies' if n != 1 else 'y'} summed"
    for c in categories:
        choices[f"category:{c}"] = c
    return choices


def default_choice(table: pd.DataFrame, families: dict[str, str]) -> str:
    """The family furthest short of demand over the horizon (most FTE-quarters of understaffing, then the
    largest total gap); the whole workforce when no family is short."""
    if table.empty:
        return WHOLE
    by_family = table.assign(family=table["category"].map(lambda c: families.get(c, c))).groupby("family", sort=False)
    short = by_family["understaffing"].sum() + 1e-9 * by_family["gap"].sum()
    if short.max() <= 0:
        return WHOLE
    return f"family:{short.idxmax()}"


def _select(table: pd.DataFrame, families: dict[str, str], choice: str) -> pd.DataFrame:
    if choice == WHOLE:
        return table
    kind, _, name = choice.partition(":")
    if kind == "family":
        return table[table["category"].map(lambda c: families.get(c, c)) == name]
    if kind == "category":
        return table[table["category"] == name]
    raise ValueError(f"unknown choice {choice!r}")


def supply_frame(table: pd.DataFrame, families: dict[str, str], choice: str) -> pd.DataFrame:
    """Long format for the supply chart: quarter, label, series (SUPPLY or DEMAND), fte, summed over the
    chosen categories (``choice``: WHOLE, 'family:<family>' or 'category:<category>')."""
    part = _select(table, families, choice)
    by_quarter = part.groupby(["quarter", "label"], as_index=False)[["closing", "demand"]].sum()
    long = by_quarter.rename(columns={"closing": SUPPLY, "demand": DEMAND}).melt(
        id_vars=["quarter", "label"], value_vars=[SUPPLY, DEMAND], var_name="series", value_name="fte")
    return long.reset_index(drop=True)  # supply then demand, each by quarter


def compare_supply_frame(tables: dict[str, pd.DataFrame], families: dict[str, dict[str, str]], choice: str) -> pd.DataFrame:
    """supply_frame of several plans, by plan label, with a ``plan`` column; a plan without the chosen
    category or family has no rows."""
    parts = [supply_frame(t, families[label], choice).assign(plan=label) for label, t in tables.items()]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["quarter", "label", "series", "fte", "plan"])
    return pd.concat(parts, ignore_index=True)


def gap_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Long format for the gap heatmap: category, quarter, label, demand, closing and gap (demand - closing:
    positive when short of demand, negative above it), in the plan's category order."""
    return table[["category", "quarter", "label", "demand", "closing", "gap"]].reset_index(drop=True)


def gap_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """The gap (demand - closing, FTE) as a matrix: one row per category (the plan's order), one column
    per quarter label (in order)."""
    labels = list(dict.fromkeys(table.sort_values("quarter")["label"]))
    categories = list(dict.fromkeys(table["category"]))
    matrix = table.pivot_table(index="category", columns="label", values="gap", aggfunc="sum")
    return matrix.reindex(index=categories, columns=labels)


def largest_gaps(matrix: pd.DataFrame, tolerance: float = 0.05) -> tuple[Optional[tuple[str, str, float]],
                                                                           Optional[tuple[str, str, float]]]:
    """(category, quarter label, FTE) of the largest shortfall and of the largest surplus in a gap matrix;
    None for either when no cell is beyond ``tolerance`` FTE that way."""
    stacked = matrix.stack()
    if stacked.empty:
        return None, None
    short, surplus = stacked.idxmax(), stacked.idxmin()
    return ((*short, float(stacked[short])) if stacked[short] > tolerance else None,
            (*surplus, float(-stacked[surplus])) if stacked[surplus] < -tolerance else None)


# --- hires, moves, cost ------------------------------------------------------------------------------------


def hiring_table(workforce: WorkforcePlan, org: Organisation, start: str) -> pd.DataFrame:
    """The hiring plan for people: quarter, category, role (the critical role of an uncovered role's hire),
    FTE, cost, reason, the quarter to decide by and whether that is before the plan starts."""
    hires = workforce.table("hiring_plan")
    titles = org.roles.set_index("role_id")["title"]
    return pd.DataFrame({
        "Quarter": hires["label"],
        "Category": hires["category"],
        "Role": [f"{titles.get(r, r)} ({r})" if isinstance(r, str) and r else "–" for r in hires["role_id"]],
        "FTE": hires["fte"].astype("float64"),
        f"Cost ({MONEY})": hires["cost"].astype("float64"),
        "Reason": hires["reason"],
        "Decide by": [quarter_label(start, int(q)) for q in hires["decide_by"]],
        "Overdue": (hires["decide_by"] < 0).astype(bool),
    })


def moves_table(workforce: WorkforcePlan, org: Organisation, start: str) -> pd.DataFrame:
    """Moves between categories for people: quarter of arrival, from, to, kind, FTE, cost, the intervention
    the movers complete first and when it starts."""
    moves = workforce.table("workforce_moves")
    names = org.interventions.set_index("intervention_id")["name"]
    return pd.DataFrame({
        "Quarter": moves["label"],
        "From": moves["from_category"],
        "To": moves["to_category"],
        "Kind": moves["kind"],
        "FTE": moves["fte"].astype("float64"),
        f"Cost ({MONEY})": moves["cost"].astype("float64"),
        "Intervention": [f"{names.get(i, i)} ({i})" if isinstance(i, str) and i else "–" for i in moves["intervention_id"]],
        "Intervention starts": ["–" if pd.isna(q) else quarter_label(start, int(q)) for q in moves["start_quarter"]],
    })


def cost_frame(workforce: WorkforcePlan, loaded: bool = True) -> pd.DataFrame:
    """Long format for the stacked cost chart: quarter, label, part (COST_PARTS' names, in their order),
    cost; without ``loaded``, the loaded cost of the headcount is left out (the other parts are small
    beside it)."""
    costs = workforce.table("workforce_cost")
    parts = {k: v for k, v in COST_PARTS.items() if loaded or k != "loaded"}
    long = costs.rename(columns=parts).melt(id_vars=["quarter", "label"], value_vars=list(parts.values()),
                                            var_name="part", value_name="cost")
    long["order"] = long["part"].map({v: i for i, v in enumerate(parts.values())})
    return long.sort_values(["quarter", "order"], kind="stable").reset_index(drop=True)


# --- KPIs --------------------------------------------------------------------------------------------------


def format_workforce_kpi(kpi: str, value: Any) -> str:
    """A workforce KPI as text: money with thousands separators, FTE and quarters to one or two decimals,
    shares as percentages; '–' when there is none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    kind = WORKFORCE_KPIS.get(kpi, ("", "fte", 0))[1]
    if kind == "money":
        return f"{value:,.0f}"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "quarters":
        return f"{value:.2f}"
    return f"{value:,.1f}"


def _delta_text(kind: str, delta: float) -> str:
    if abs(delta) < 1e-9:
        return "±0"
    if kind == "money":
        return f"{delta:+,.0f}"
    if kind == "share":
        return f"{delta * 100:+.1f} pp"
    if kind == "quarters":
        return f"{delta:+.2f}"
    return f"{delta:+,.1f}"


def workforce_kpi_deltas(reference: WorkforceKpis, other: WorkforceKpis, labels: tuple[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(text table, direction table) of two workforce plans' KPIs: rows by KPI name; columns the two
    labels and 'Δ <other>' (other - reference, formatted). Direction: +1 where the delta is an
    improvement, -1 where it is worse, 0 otherwise (for colouring)."""
    a, b = reference.model_dump(), other.model_dump()
    rows, signs = [], []
    for kpi, (label, kind, better) in WORKFORCE_KPIS.items():
        va, vb = a.get(kpi), b.get(kpi)
        delta_text, sign = "", 0
        if va is not None and vb is not None:
            delta = float(vb) - float(va)
            delta_text = _delta_text(kind, delta)
            if abs(delta) > 1e-9:
                if better == "one":
                    closer = abs(float(vb) - 1.0) - abs(float(va) - 1.0)
                    sign = int((closer < -1e-9) - (closer > 1e-9))
                else:
                    sign = int((delta > 0) - (delta < 0)) * int(better)
        rows.append({labels[0]: format_workforce_kpi(kpi, va), labels[1]: format_workforce_kpi(kpi, vb),
                     f"Δ {labels[1]}": delta_text})
        signs.append({labels[0]: 0, labels[1]: 0, f"Δ {labels[1]}": sign})
    index = pd.Index([v[0] for v in WORKFORCE_KPIS.values()], name="KPI")
    return pd.DataFrame(rows, index=index), pd.DataFrame(signs, index=index)


def plan_labels(names: list[str], scenarios: list[str]) -> list[str]:
    """Short labels of plans: their scenarios' names when those tell them apart, else the plans' names."""
    return scenarios if len(set(scenarios)) == len(scenarios) else names


# --- downloads ---------------------------------------------------------------------------------------------


def workforce_tables(workforce: WorkforcePlan) -> dict[str, pd.DataFrame]:
    """The workforce plan's tables as its plan folder has them, by table name (workforce_plan.csv, ...)."""
    return {name: workforce.table(name) for name in WORKFORCE_TABLES}
