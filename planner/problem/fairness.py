"""Fair slates, the rule's one definition (``policy.fairness``): who is in the group, and how many of
the group each critical role's slate must hold.

A role's **target** is at most ``min_per_slate`` and at most the number of the group's people who may
sit on its slate: eligible under the slate eligibility rule (planner.problem.eligibility, leavers
included) and not vetoed for the role; within that, what the group can provide within
``max_slates_per_employee`` (:func:`fairness_targets` says how). So a role for which the organisation
has fewer eligible people of the group asks only for as many as there are, and one with none asks
for none. The model
(planner.solver.rules.slate_fairness / fairness_shortfall), the checker
(planner.evaluation.checks.check_slate_fairness, parts.part_fairness_shortfall), the readiness
ranking and the large-instance shortlist all use these functions.

The attribute's values are personal data: nothing here logs them, and what the planner shows of a
group's size goes through :func:`planner.problem.fairness.masked` (fewer than 5 people: "<5").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.contract.domain import Organisation
from planner.contract.errors import InputError
from planner.contract.scenario import Scenario, SlateFairness
from planner.inputs.fairness import fairness_issues

SMALL_COUNT = 5  # counts of people below this are shown as "<5"


def masked(count: int) -> str:
    """A count of people as it may be shown: "<5" below 5 (0 included), else the number ("12", "1,204")."""
    return f"<{SMALL_COUNT}" if count < SMALL_COUNT else f"{int(count):,}"


def attribute_values(org: Organisation, attribute: str, scenario: Scenario | None = None) -> pd.Series:
    """The employees' values of ``attribute`` as text (blank: empty text), indexed by employee_id.
    Raises InputError naming the setting when the employees table lacks the column."""
    if attribute not in org.employees.columns:
        if scenario is not None:
            raise InputError(fairness_issues(org, scenario))
        raise InputError(fairness_issues(org, _probe(attribute)))
    column = org.employees[attribute]
    text = [("" if not isinstance(v, (str, int, float)) or isinstance(v, bool) or (isinstance(v, float) and v != v)
             else str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()) for v in column]
    return pd.Series(text, index=org.employees["employee_id"].to_numpy(object), dtype=object)


def _probe(attribute: str) -> Scenario:
    """A minimal scenario naming ``attribute``, for the missing-column message of an analysis call."""
    return Scenario.model_validate(dict(name="probe", dataset="-", budget=dict(total=0),
                                        policy=dict(fairness=dict(attribute=attribute, group="-"))))


def group_mask(org: Organisation, scenario: Scenario) -> np.ndarray:
    """Per employee (the employees table's order): whether they are in the scenario's fairness group."""
    fairness: SlateFairness = scenario.policy.fairness
    return attribute_values(org, fairness.attribute, scenario).to_numpy(object) == fairness.group


def group_members(org: Organisation, scenario: Scenario) -> frozenset[str]:
    """employee_ids of the scenario's fairness group (empty without the setting)."""
    if scenario.policy.fairness is None:
        return frozenset()
    return frozenset(org.employees["employee_id"].to_numpy(object)[group_mask(org, scenario)])


def fairness_targets(org: Organisation, scenario: Scenario) -> dict[str, int]:
    """Critical role -> people of the group its slate must hold (see :func:`fairness_assignment`)."""
    return {role: len(people) for role, people in fairness_assignment(org, scenario).items()}


def fairness_assignment(org: Organisation, scenario: Scenario) -> dict[str, list[str]]:
    """Critical role -> the people of the group whose number is its target; empty without the setting.

    The targets are what the group can provide within ``max_slates_per_employee``: critical roles in
    the readiness ranking's order (criticality, then the earliest need, then the highest external-hire
    cost, then ID) each take up to ``min_per_slate`` of the group's people eligible for the slate (not
    vetoed) who still have a slate to spare, those eligible for the fewest roles first; a role's target
    is how many it took (these people: the readiness ranking seats them). So a role with fewer eligible
    people of the group asks for as many as there are, and one whose only ones are already spoken for
    by more critical roles asks for fewer; the assignment itself shows that the targets can all be met
    together as far as max_slates_per_employee goes (pins that fill a slate, first-rank-once on a
    slate with one candidate, can still conflict with a hard rule: the solve then says so)."""
    from planner.problem.candidates import eligible_positions
    from planner.problem.scoring import need_quarter

    fairness = scenario.policy.fairness
    if fairness is None:
        return {}
    roles = org.roles[org.roles["critical"].astype(bool)]
    critical = roles["role_id"].to_numpy(object)
    e, r = eligible_positions(org, scenario)
    in_group = group_mask(org, scenario)[e]
    e, r = e[in_group], r[in_group]
    ids = org.employees["employee_id"].to_numpy(object)
    vetoed = {(v.employee_id, v.role_id) for v in scenario.vetoes}
    eligible: dict[str, list[str]] = {role: [] for role in critical}
    for a, b in zip(e, r):
        if (ids[a], critical[b]) not in vetoed:
            eligible[critical[b]].append(ids[a])
    roles_of = pd.Series([p for people in eligible.values() for p in people], dtype=object).value_counts().to_dict()
    order = roles.assign(need=need_quarter(roles, scenario.horizon_quarters).to_numpy()).sort_values(
        ["criticality", "need", "external_hire_cost", "role_id"], ascending=[False, True, False, True])["role_id"]
    spare = {p: scenario.policy.max_slates_per_employee for p in roles_of}
    taken = {}
    for role in order:
        taken[role] = sorted((p for p in eligible[role] if spare[p] > 0), key=lambda p: (roles_of[p], p))[:fairness.min_per_slate]
        for p in taken[role]:
            spare[p] -= 1
    return {role: taken[role] for role in critical}


def shortfall(slates: pd.DataFrame, targets: dict[str, int], members: frozenset[str]) -> dict[str, int]:
    """Critical role -> people of the group its slate lacks against its target (roles short only)."""
    on = slates.loc[slates["employee_id"].isin(members), "role_id"].value_counts().to_dict() if len(slates) else {}
    return {role: target - int(on.get(role, 0)) for role, target in targets.items() if on.get(role, 0) < target}
