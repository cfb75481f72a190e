"""The Career paths page: people and roles to pick, a path as a timeline and a table, roles within
reach, and an individual development plan's statuses, notes and what they feed into the next re-plan."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd

from planner.analyses.careers import CareerPath, ReplanFeed, RoleInReach, development_plan
from planner.contract.domain import Organisation
from planner.contract.idp import IndividualDevelopmentPlan, load_idp, now, saved_idps
from planner.contract.plan import Plan
from planner.contract.errors import Issue
from planner.contract.idp import IdpError
from planner.contract.scenario import Scenario, quarter_label
from planner.app_support.people import quarter_start

STATUS_LABELS = {"planned": "Planned", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}


def people_labels(org: Organisation, plan: Optional[Plan] = None) -> dict[str, str]:
    """employee_id -> 'Name (ID) · current role', the plan's successors first, then everyone by name."""
    titles = org.roles.set_index("role_id")["title"]
    on_slates = [] if plan is None else list(dict.fromkeys(s.employee_id for s in plan.slates))
    rest = org.employees.sort_values(["name", "employee_id"])["employee_id"].tolist()
    order = on_slates + [e for e in rest if e not in set(on_slates)]
    employees = org.employees.set_index("employee_id")
    return {e: f"{employees.at[e, 'name']} ({e}) · {titles.get(employees.at[e, 'role_id'], '')}" for e in order}


def role_labels(org: Organisation, employee_id: str, plan: Optional[Plan] = None) -> dict[str, str]:
    """role_id -> 'Title (ID) · family, grade', the person's slate roles first, then critical roles, then the
    rest; their own role left out."""
    roles = org.roles.sort_values(["family", "level", "role_id"], ascending=[True, False, True])
    own = org.employees.set_index("employee_id").at[employee_id, "role_id"]
    slates = [] if plan is None else [s.role_id for s in sorted(plan.slates, key=lambda s: s.rank) if s.employee_id == employee_id]
    ordered = slates + roles[roles["critical"]]["role_id"].tolist() + roles["role_id"].tolist()
    by_id = org.roles.set_index("role_id")
    return {r: f"{by_id.at[r, 'title']} ({r}) · {by_id.at[r, 'family']}, grade {int(by_id.at[r, 'level'])}"
            for r in dict.fromkeys(ordered) if r != own}


def path_frames(path: CareerPath, start: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A path as a Gantt chart's bars (one per intervention: Intervention, Start, Finish as dates, Quarters,
    Cost, Raises) and its move and readiness milestones (Milestone, Date, Label, Kind)."""
    bars = pd.DataFrame([{"Intervention": f"{a.intervention_id} {a.name}", "Kind": a.kind.replace("_", " "),
                          "Start": quarter_start(a.start_label),
                          "Finish": quarter_start(quarter_label(start, a.end_quarter + 1)),
                          "Quarters": f"{a.start_label}–{a.end_label}", "Cost": a.cost, "Raises": ", ".join(a.raises)}
                         for a in path.learning],
                        columns=["Intervention", "Kind", "Start", "Finish", "Quarters", "Cost", "Raises"])
    marks = pd.DataFrame([{"Milestone": f"{'Ready for' if m is path.moves[-1] else 'Moves into'} {m.title} ({m.role_id})",
                           "Date": quarter_start(m.label), "Label": m.label,
                           "Kind": "ready" if m is path.moves[-1] else "move"} for m in path.moves],
                         columns=["Milestone", "Date", "Label", "Kind"])
    return bars, marks


def milestones_table(path: CareerPath) -> pd.DataFrame:
    return pd.DataFrame([{"Quarter": m.label, "Event": m.text} for m in path.milestones], columns=["Quarter", "Event"])


def reach_table(roles: list[RoleInReach]) -> pd.DataFrame:
    """Roles within reach with readable headers, in their rank order."""
    return pd.DataFrame([{"Role": f"{r.title} ({r.role_id})", "Family": r.family, "Grade": r.level,
                          "Critical": r.critical, "Gap today (levels)": r.gap, "Cost": r.cost,
                          "Earliest ready": r.ready_label, "Moves": r.moves} for r in roles],
                        columns=["Role", "Family", "Grade", "Critical", "Gap today (levels)", "Cost", "Earliest ready",
                                 "Moves"])


def open_idp(workspace: Path, plan: Plan, plan_name: str, org: Organisation, employee_id: str
             ) -> tuple[IndividualDevelopmentPlan, bool]:
    """The person's IDP to edit: the saved one, or (when there is none) a new one from the plan; and
    whether the saved one was made from another plan (so the page can offer to follow this one).
    Raises IdpError when the saved file is not an IDP."""
    saved = load_idp(workspace, employee_id)
    if saved is None:
        return development_plan(plan, plan_name, org, employee_id), False
    return saved, saved.plan_name != plan_name or saved.plan_fingerprint != plan.meta.input_fingerprint


def with_statuses(idp: IndividualDevelopmentPlan, items: dict[str, str], milestones: dict[str, str]
                  ) -> IndividualDevelopmentPlan:
    """``idp`` with the statuses chosen on the page (intervention_id / milestone_id -> status); what changed
    gets ``updated`` now."""
    stamp = now()
    new_items = [it.model_copy(update={"status": items[it.intervention_id], "updated": stamp})
                 if items.get(it.intervention_id, it.status) != it.status else it for it in idp.items]
    new_milestones = [m.model_copy(update={"status": milestones[m.milestone_id], "updated": stamp})
                      if milestones.get(m.milestone_id, m.status) != m.status else m for m in idp.milestones]
    return idp.model_copy(update={"items": new_items, "milestones": new_milestones})


def feed_table(feed: ReplanFeed, org: Organisation, start: str) -> pd.DataFrame:
    """What the IDP gives the next solve, one row per change or lock, in words."""
    names = org.interventions.set_index("intervention_id")["name"].to_dict()
    rows = [{"Feeds the re-plan as": "employee change (skills)",
             "What": ", ".join(f"{k} to {lv}" for k, lv in c.skills.items())} for c in feed.changes]
    rows += [{"Feeds the re-plan as": "lock",
              "What": f"{lk.intervention_id} {names.get(lk.intervention_id, '')} from {quarter_label(start, lk.start_quarter)}"}
             for lk in feed.locks]
    rows += [{"Feeds the re-plan as": "left out", "What": n} for n in feed.notes]
    return pd.DataFrame(rows, columns=["Feeds the re-plan as", "What"])


def save_replan_scenario(workspace: Path, base_file: Path, scenario: Scenario, org: Organisation, name: str
                         ) -> tuple[Optional[Path], list[Issue], ReplanFeed]:
    """A new scenario in ``workspace``/scenarios that extends ``base_file`` with what every development
    plan saved in the workspace feeds into the next re-plan (finished courses' levels, locks of the ones
    in progress): written and validated like the Scenario page's (planner.app_support.drafts)."""
    from planner.analyses.careers import replan_feed
    from planner.app_support.drafts import save_scenario, scenario_document

    try:
        feed = replan_feed(saved_idps(workspace), org, scenario)
    except IdpError as exc:
        return None, [Issue(table="idp", message=str(exc))], ReplanFeed()
    folder = workspace / "scenarios"
    doc = scenario_document(name, f"{scenario.name} with the statuses of the saved development plans", base_file,
                            folder / f"{name}.yaml", [c.model_dump(exclude_none=True, exclude_defaults=True) | {"type": c.type}
                                                      for c in feed.changes],
                            [], [], [lock.model_dump() for lock in feed.locks])
    path, issues = save_scenario(doc, folder)
    return path, issues, feed
