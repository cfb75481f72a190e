"""The workforce tables meet a scenario: which categories exist, their families, and the problems
with the scenario's workforce changes (planner.inputs.loading.check_scenario reports them)."""

from __future__ import annotations

from planner.contract.domain import Organisation
from planner.contract.errors import Issue
from planner.contract.scenario import WORKFORCE_CHANGES, Scenario, origin_of


def has_workforce(org: Organisation) -> bool:
    """Whether the organisation has the workforce tables a workforce plan needs (workforce_costs)."""
    return org.workforce_costs is not None and not org.workforce_costs.empty


def category_family(org: Organisation, category: str) -> str:
    """The job family of a category: its role's family, or the part of '<family>/<grade>' before the last '/'."""
    roles = org.roles.set_index("role_id")["family"]
    if category in roles.index:
        return str(roles[category])
    return category.rsplit("/", 1)[0]


def workforce_change_issues(org: Organisation, scenario: Scenario) -> list[Issue]:
    """Problems with the scenario's workforce changes: categories and families they name that do not
    exist (at that point: a reorganisation renames), changes without workforce tables."""
    changes = [(i, c) for i, c in enumerate(scenario.changes) if c.type in WORKFORCE_CHANGES]
    if not changes:
        return []
    issues = []

    def problem(index: int, change, fld: str, message: str) -> None:
        file, local = origin_of(scenario, "changes", index)
        issues.append(Issue(table="scenario", file=file, column=f"changes.{local}.{fld}", message=f"({change.type}) {message}"))

    if not has_workforce(org):
        for i, c in changes:
            problem(i, c, "type", "needs the workforce_costs table in the dataset")
        return issues
    family = {c: category_family(org, c) for c in org.workforce_costs["category"]}
    for i, c in changes:
        if c.type == "reorganisation":
            named = c.merge or [c.split]
            for name in named:
                if name not in family:
                    problem(i, c, "merge" if c.merge else "split", f"{name!r} is not a workforce category at this point")
            new = [c.into] if c.merge else list(c.shares)
            taken = [n for n in new if n in family and n not in named]
            for n in taken:
                problem(i, c, "into" if c.merge else "shares", f"{n!r} is already a workforce category")
            old = family.get(named[0])
            family = {x: f for x, f in family.items() if x not in named}
            family.update({n: n.rsplit("/", 1)[0] if "/" in n else old for n in new})
            continue
        for name in c.categories:
            if name not in family:
                problem(i, c, "categories", f"{name!r} is not a workforce category at this point")
        families = set(family.values())
        for name in (*c.families, *c.except_families):
            if name not in families:
                problem(i, c, "families" if name in c.families else "except_families", f"{name!r} is no category's family")
        if c.to_quarter is not None and c.to_quarter < c.from_quarter:
            problem(i, c, "to_quarter", f"to_quarter {c.to_quarter} is before from_quarter {c.from_quarter}")
    return issues
