"""Scenario drafts: forms in the app, a YAML file on disk."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import annotated_types as at
import yaml

import planner
from planner.contract.domain import Organisation
from planner.contract.errors import InputError, Issue
from planner.contract.tables import write_text_atomically
from planner.contract.scenario import Scenario, quarter_label
from planner.app_support.files import inside


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
        target = inside(folder, doc["name"], ".yaml", what="scenario name")
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
