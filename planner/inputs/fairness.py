"""The fair-slates setting meets the dataset: the attribute it names must be a column of the
employees table (a contract column such as ``location``, or an extra column the loader keeps)."""

from __future__ import annotations

from planner.contract.domain import Organisation
from planner.contract.errors import Issue
from planner.contract.scenario import Scenario


def fairness_issues(org: Organisation, scenario: Scenario) -> list[Issue]:
    """An error naming the setting when ``policy.fairness.attribute`` is not a column of the employees table."""
    fairness = scenario.policy.fairness
    if fairness is None or fairness.attribute in org.employees.columns:
        return []
    where = org.files.get("employees") or "the employees table"
    return [Issue(table="scenario", column="policy.fairness.attribute",
                  message=f"names the employee attribute '{fairness.attribute}', but {where} has no such column")]
