"""The Talent review page: who is reviewing, a change from the page's fields, the change priced, checked,
saved and recorded in the audit trail, endorsing a plan, and the tables the page shows (the 9-box as a
grid of names, the moved decisions, the audit trail, the endorsements, the outliers)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Optional

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from planner.analyses.review import (BANDS, BOX_NAMES, REVIEW_SECONDS, Outliers, PricedEffect, Review, ReviewChange,
                                     price_change, signed)
from planner.contract.domain import Organisation
from planner.contract.errors import InputError, Issue
from planner.contract.plan import Plan
from planner.contract.scenario import Scenario
from planner.evaluation.report import check_plan
from planner.store import AuditEntry, PlanStore
from planner.app_support.labels import MONEY
from planner.app_support.people import _jitter

CHANGE_KINDS = {"veto": "Veto (keep off a slate)", "pin": "Pin (put on a slate)",
                "lock": "Lock (book an intervention)", "rating": "Move in the 9-box (new ratings)"}
_CHANGE = TypeAdapter(ReviewChange)


def reviewer(login: Optional[str], typed: Optional[str]) -> str:
    """Who is reviewing: the name from the login when there is one, else the name typed on the page;
    ValueError when there is neither."""
    for name in (login, typed):
        if isinstance(name, str) and name.strip():
            return name.strip()
    raise ValueError("type your name first: every change is recorded with who made it")


def make_change(kind: str, rationale: str, employee_id: str, role_id: Optional[str] = None, rank: Optional[int] = None,
                intervention_id: Optional[str] = None, start_quarter: Optional[int] = None,
                performance: Optional[int] = None, potential: Optional[int] = None) -> ReviewChange:
    """The change the page's fields describe; InputError naming the field when one is missing or out of range."""
    fields = dict(kind=kind, rationale=rationale or "", employee_id=employee_id or "")
    if kind in ("pin", "veto"):
        fields["role_id"] = role_id or ""
    if kind == "pin":
        fields["rank"] = rank
    if kind == "lock":
        fields.update(intervention_id=intervention_id or "", start_quarter=start_quarter)
    if kind == "rating":
        fields.update(performance=performance, potential=potential)
    try:
        return _CHANGE.validate_python(fields)
    except ValidationError as exc:
        issues = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"][1:]) or "change"
            issues.append(Issue(table="review", column=where, message=error["msg"]))
        raise InputError(issues) from None


@dataclass
class ReviewOutcome:
    """How a change ended: ``recorded`` (priced, checked, saved as ``saved_name``, in the audit trail as
    ``entry``), ``no_plan`` (the change cannot hold with the others, or no plan in the time: ``message``)
    or ``rejected`` (the re-plan failed its check: ``message``; nothing saved or recorded)."""

    state: str
    review: Optional[Review] = None
    saved_name: Optional[str] = None
    entry: Optional[AuditEntry] = None
    message: str = ""
    seconds: float = 0.0


def review_change(store: PlanStore, plan_name: str, plan: Plan, org: Organisation, scenario: Scenario,
                  change: ReviewChange, who: str, time_limit_seconds: float = REVIEW_SECONDS) -> ReviewOutcome:
    """Price ``change`` on the saved plan ``plan_name`` (``plan``, made for ``org`` and ``scenario``) by a
    minimal-disruption re-plan, check the re-plan, save it in ``store`` and append the change, its
    rationale and priced effect to the audit trail. Raises InputError when the change names what does
    not exist, ValueError without ``who``."""
    started = time.monotonic()
    who = reviewer(None, who)
    review = price_change(org, scenario, plan, change, time_limit_seconds=time_limit_seconds, current_name=plan_name)
    if review.effect is None:
        return ReviewOutcome("no_plan", review=review, message=review.plan.meta.message,
                             seconds=round(time.monotonic() - started, 2))
    report = check_plan(review.org, review.scenario, review.plan)
    if not report.ok:
        return ReviewOutcome("rejected", review=review, seconds=round(time.monotonic() - started, 2),
                             message="; ".join([str(v) for v in report.violations] + report.mismatches))
    saved = store.save(review.plan)
    effect = review.effect
    entry = store.record(who=who, plan=plan_name, change=effect.change, rationale=change.rationale,
                         detail=change.model_dump(), effect=effect.record(), result=saved)
    return ReviewOutcome("recorded", review=review, saved_name=saved, entry=entry,
                         seconds=round(time.monotonic() - started, 2))


def box_grid(frame: pd.DataFrame, most: int = 6) -> pd.DataFrame:
    """The 9-box as a 3 x 3 table of names: rows potential high to low, columns performance low to high;
    each cell the box's name, its head count and up to ``most`` people ('+ 4 more')."""
    cells = {}
    for perf in BANDS:
        column = []
        for pot in reversed(BANDS):
            people = frame[(frame["performance_band"] == perf) & (frame["potential_band"] == pot)]
            names = [f"{n} ({e})" for n, e in zip(people["name"], people["employee_id"])]
            shown = ", ".join(names[:most]) + (f" + {len(names) - most} more" if len(names) > most else "")
            column.append(f"{BOX_NAMES[(perf, pot)]} · {len(names)}" + (f": {shown}" if names else ""))
        cells[f"Performance {perf}"] = column
    return pd.DataFrame(cells, index=pd.Index([f"Potential {p}" for p in reversed(BANDS)], name="9-box"))


def box_points(frame: pd.DataFrame, role_id: Optional[str] = None) -> pd.DataFrame:
    """The 9-box's people as chart points: ``x`` / ``y`` their performance and potential with a stable
    jitter (so that equal ratings do not hide each other) and ``group``: on the role's slate or a
    candidate (with ``role_id``), else on a slate or not."""
    if role_id is not None:
        group = frame["rank"].notna().map({True: "On this role's slate", False: "Candidate"})
    else:
        group = frame["slates"].astype(bool).map({True: "On a slate", False: "Not on a slate"})
    return frame.assign(x=[p + _jitter(e, "x") for e, p in zip(frame["employee_id"], frame["performance"])],
                        y=[p + _jitter(e, "y") * 0.8 for e, p in zip(frame["employee_id"], frame["potential"])],
                        group=group.to_numpy())


def nine_box_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The 9-box's people with readable headers."""
    return pd.DataFrame({
        "Employee ID": frame["employee_id"], "Name": frame["name"], "Department": frame["department"],
        "Current role": frame["current_role"], "Box": frame["box"], "Performance": frame["performance"],
        "Potential": frame["potential"], "On slates": frame["slates"], "Rank here": frame["rank"],
        "Ready here": frame["ready_label"].fillna(""),
    })


def moved_table(effect: PricedEffect) -> pd.DataFrame:
    """The decisions a change moved, one per row."""
    return pd.DataFrame([dict(Kind=m.kind, Change=m.change, Decision=m.text) for m in effect.moved],
                        columns=["Kind", "Change", "Decision"])


def effect_summary(effect: PricedEffect) -> dict[str, str]:
    """The headline numbers of an effect as text: total cost, expected external-hire cost, covered roles, moved."""
    return {
        "Total cost": signed(effect.total_cost_delta),
        "Expected hire cost": signed(effect.expected_external_hire_cost_delta),
        "Covered roles": f"{effect.covered_before} → {effect.covered_after} of {effect.critical_roles}",
        "Decisions moved": str(effect.decisions_changed),
    }


def audit_table(store: PlanStore) -> pd.DataFrame:
    """The audit trail, newest first, with readable headers."""
    rows = []
    for e in reversed(store.audit_entries()):
        effect = e.effect
        rows.append({"#": e.seq, "When (UTC)": e.recorded.replace("T", " ").replace("+00:00", ""), "Who": e.who,
                     "Change": e.change, "Why": e.rationale,
                     f"Total cost Δ ({MONEY})": effect.get("total_cost_delta"),
                     "Covered roles": (f"{effect.get('covered_before')} → {effect.get('covered_after')}"
                                       if "covered_before" in effect else ""),
                     "Decisions moved": effect.get("decisions_changed"), "Effect": effect.get("sentence", ""),
                     "On plan": e.plan, "Made plan": e.result or ""})
    return pd.DataFrame(rows, columns=["#", "When (UTC)", "Who", "Change", "Why", f"Total cost Δ ({MONEY})",
                                       "Covered roles", "Decisions moved", "Effect", "On plan", "Made plan"])


def endorsement_table(store: PlanStore) -> pd.DataFrame:
    """The endorsements, newest first, with readable headers."""
    return pd.DataFrame([{"#": e.seq, "Plan": e.plan, "Endorsed (UTC)": e.endorsed.replace("T", " ").replace("+00:00", ""),
                          "By": e.who, "Why": e.rationale, "Covered roles": e.kpis.get("covered_roles"),
                          f"Total cost ({MONEY})": e.kpis.get("total_cost")} for e in reversed(store.endorsements())],
                        columns=["#", "Plan", "Endorsed (UTC)", "By", "Why", "Covered roles", f"Total cost ({MONEY})"])


def outlier_tables(found: Outliers) -> dict[str, pd.DataFrame]:
    """The three outlier tables with readable headers, by title."""
    ratings = found.ratings.rename(columns={"employee_id": "Employee ID", "name": "Name", "department": "Department",
                                            "rating": "Rating", "value": "Value", "rest_mean": "Rest of department: mean",
                                            "rest_std": "Rest of department: std", "z": "z"})
    many = found.many_slates.rename(columns={"employee_id": "Employee ID", "name": "Name", "department": "Department",
                                             "slates": "Slates", "roles": "On", "cap": "Most allowed"})
    single = found.single_ready.rename(columns={"role_id": "Role ID", "title": "Role", "department": "Department",
                                                "need_label": "Needed by", "ready_successor": "The one ready successor",
                                                "slate": "Slate size"})
    return {f"Ratings far from their department's ({len(ratings)})": ratings,
            f"People on as many slates as allowed ({len(many)})": many,
            f"Benches that hang on one person ({len(single)})": single}
