"""Fair slates, analysed: what the rule costs (:func:`fairness_price`), who sits on the slates by the
attribute (:func:`slate_composition`) and which slates move when one group's potential ratings move
(:func:`ratings_sensitivity`).

Privacy: the attribute's values are personal data. Nothing here logs them; every count of people
this module returns for display is masked by :func:`planner.problem.fairness.masked` (under 5: "<5"),
and no figure is a difference of two counts, which would unmask them.
"""

from __future__ import annotations

from typing import Optional

import pandas as pd
from pydantic import BaseModel, Field

from planner.contract.domain import Organisation
from planner.contract.plan import Plan
from planner.contract.scenario import Scenario
from planner.problem.fairness import attribute_values, masked

ALL_SLATES = "All slates"
BLANK = "(blank)"


class SlateChange(BaseModel):
    """One critical role whose slate differs between two plans (employee IDs in rank order)."""

    role_id: str = Field(description="The critical role.")
    before: list[str] = Field(description="Its slate in the first plan, rank 1 first.")
    after: list[str] = Field(description="Its slate in the second plan, rank 1 first.")


class FairnessPrice(BaseModel):
    """What the fair-slates rule costs: the plan with the rule against the plan without it (the same
    scenario with ``policy.fairness`` removed). Money is the organisation's (training spend plus the
    external hires of uncovered roles, ``kpis.total_cost``); the soft rule's own price is reported apart."""

    scenario: str = Field(description="Scenario name.")
    mode: str = Field(description="'hard' or 'soft' (policy.fairness.mode).")
    status_with: str = Field(description="Status of the plan with the rule.")
    status_without: str = Field(description="Status of the plan without it.")
    total_cost_with: Optional[float] = Field(default=None, description="Training plus external hires with the rule (money units).")
    total_cost_without: Optional[float] = Field(default=None, description="The same without the rule (money units).")
    money_delta: Optional[float] = Field(default=None, description="total_cost_with - total_cost_without: what the rule costs.")
    training_delta: Optional[float] = Field(default=None, description="Change in training spend (money units).")
    external_hire_delta: Optional[float] = Field(default=None, description="Change in external-hire cost (money units).")
    coverage_delta: Optional[int] = Field(default=None, description="Change in critical roles covered (roles).")
    coverage_share_delta: Optional[float] = Field(default=None, description="Change in coverage (share of critical roles).")
    shortfall_price: Optional[float] = Field(default=None, description="Soft mode: the rule's price paid in the plan with "
                                             "it, for people of the group still missing (money units; 0 in hard mode).")
    slates_changed: list[SlateChange] = Field(default_factory=list, description="Slates that differ with the rule.")
    composition: list[dict] = Field(default_factory=list, description="Slate entries over all slates by attribute value, "
                                    "with and without the rule, masked ('<5' under 5): rows of value, with, without.")
    message: str = Field(default="", description="Why a delta is missing (a plan without a solution), else empty.")


def _slate_of(plan: Plan) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in sorted(plan.slates, key=lambda s: (s.role_id, s.rank)):
        out.setdefault(s.role_id, []).append(s.employee_id)
    return out


def slate_changes(a: Plan, b: Plan) -> list[SlateChange]:
    """Critical roles whose slate (people and ranks) differs from plan ``a`` to plan ``b``, by role ID."""
    sa, sb = _slate_of(a), _slate_of(b)
    return [SlateChange(role_id=r, before=sa.get(r, []), after=sb.get(r, []))
            for r in sorted(set(sa) | set(sb)) if sa.get(r, []) != sb.get(r, [])]


def without_fairness(scenario: Scenario) -> Scenario:
    """The scenario with ``policy.fairness`` removed."""
    return scenario.model_copy(update={"policy": scenario.policy.model_copy(update={"fairness": None})})


def fairness_price(scenario: Scenario, org: Organisation, method: str = "cp-sat") -> FairnessPrice:
    """Solve ``scenario`` with its fair-slates rule and without it, and report the difference in money,
    coverage and slates. Each solve gets the scenario's solver settings (so twice its time limit in
    all); with free-running workers two equally cheap plans may differ in slates the rule does not
    touch, so ``solver.deterministic: true`` gives a listing that repeats. Raises ValueError when the
    scenario sets no ``policy.fairness``."""
    from planner.workflow import solve

    fairness = scenario.policy.fairness
    if fairness is None:
        raise ValueError("the scenario sets no policy.fairness: there is no rule to price")
    with_rule = solve(scenario, org, method=method)
    without = solve(without_fairness(scenario), org, method=method)
    out = FairnessPrice(scenario=scenario.name, mode=fairness.mode, status_with=with_rule.kpis.status,
                        status_without=without.kpis.status)
    if not with_rule.has_solution or not without.has_solution:
        failed = with_rule if not with_rule.has_solution else without
        return out.model_copy(update={"message": f"no plan {'with' if failed is with_rule else 'without'} the rule: "
                                                 f"{failed.meta.message or failed.kpis.status}"})
    k1, k0 = with_rule.kpis, without.kpis
    return out.model_copy(update=dict(
        total_cost_with=k1.total_cost, total_cost_without=k0.total_cost,
        money_delta=round(k1.total_cost - k0.total_cost, 2),
        training_delta=round(k1.training_cost - k0.training_cost, 2),
        external_hire_delta=round(k1.external_hire_cost - k0.external_hire_cost, 2),
        coverage_delta=k1.covered_roles - k0.covered_roles,
        coverage_share_delta=round(k1.coverage - k0.coverage, 6),
        shortfall_price=float((k1.objective_parts or {}).get("fairness_shortfall", 0.0)),
        slates_changed=slate_changes(without, with_rule),
        composition=compare_composition([with_rule, without], org, fairness.attribute, ["with", "without"]).to_dict("records"),
    ))


def _attribute(plan: Plan, attribute: Optional[str]) -> str:
    if attribute is not None:
        return attribute
    fairness = ((plan.meta.scenario_settings or {}).get("policy") or {}).get("fairness")
    if not fairness:
        raise ValueError("name the attribute: the plan's scenario sets no policy.fairness")
    return fairness["attribute"]


def composition_counts(plan: Plan, org: Organisation, attribute: Optional[str] = None) -> pd.DataFrame:
    """Slate entries by attribute value, unmasked (for computing, never for display): one row per
    critical role with a slate and a last row ``All slates``, one column per value of the attribute in
    the employees table (blank values as "(blank)"), in sorted order. ``attribute`` defaults to the
    plan's policy.fairness attribute."""
    values = attribute_values(org, _attribute(plan, attribute)).replace("", BLANK)
    columns = sorted(set(values))
    slates = plan.slates_df()
    slates = slates.assign(value=slates["employee_id"].map(values).fillna(BLANK))
    table = pd.crosstab(slates["role_id"], slates["value"]).reindex(columns=columns, fill_value=0)
    table.loc[ALL_SLATES] = table.sum()
    table.index.name, table.columns.name = "role_id", None
    return table.astype(int)


def slate_composition(plan: Plan, org: Organisation, attribute: Optional[str] = None) -> pd.DataFrame:
    """Who sits on the slates by the attribute: slate entries per critical role and, in the last row,
    over all slates, one column per value, every count masked ("<5" under 5 people). See
    :func:`composition_counts` for the layout; a column "role_id" holds the row's role."""
    return composition_counts(plan, org, attribute).map(masked).reset_index()


def compare_composition(plans: list[Plan], org: Organisation, attribute: Optional[str] = None,
                        labels: Optional[list[str]] = None) -> pd.DataFrame:
    """Plans side by side by the attribute: the slate entries over all slates per value (rows), one
    column per plan, masked. No deltas: a difference of two masked counts would unmask them."""
    labels = labels or [p.meta.scenario for p in plans]
    attribute = attribute or _attribute(plans[0], None)
    columns = {label: composition_counts(p, org, attribute).loc[ALL_SLATES] for label, p in zip(labels, plans)}
    table = pd.DataFrame(columns).fillna(0).astype(int).map(masked)
    table.index.name = attribute
    return table.reset_index().rename(columns={attribute: "value"})


def plans_composition(plans: list[Plan], labels: Optional[list[str]] = None) -> Optional[pd.DataFrame]:
    """:func:`compare_composition` of plans whose scenario sets policy.fairness, with the organisation
    read from the first such plan's dataset and scenario as recorded (what ``planner compare`` and the
    app's Compare page show); None when no plan sets it. Raises InputError when that dataset can no
    longer be read as the plan recorded it."""
    from planner.contract.scenario import recorded_scenario
    from planner.inputs.loading import scenario_organisation

    fair = [p for p in plans if ((p.meta.scenario_settings or {}).get("policy") or {}).get("fairness")]
    if not fair:
        return None
    scenario = recorded_scenario(fair[0].meta.scenario_settings, f"plan of scenario '{fair[0].meta.scenario}'",
                                 dataset=fair[0].meta.dataset)
    return compare_composition(plans, scenario_organisation(scenario), attribute=scenario.policy.fairness.attribute,
                               labels=labels)


def ratings_sensitivity(scenario: Scenario, org: Organisation, group: str, attribute: Optional[str] = None,
                        shift: int = 1, method: str = "cp-sat") -> list[SlateChange]:
    """The slates that change when the potential ratings of one group (employees whose ``attribute``, by
    default the scenario's policy.fairness attribute, is ``group``) move by ``shift`` points, clipped to
    1..3: the scenario solved as it is and with the shifted ratings, slate by slate. Potential enters
    candidate quality, a tie-break, so a change here is the ratings choosing among plans of the same
    money cost. Same caveat as :func:`fairness_price` on free-running workers."""
    from planner.inputs.checks import replace_tables
    from planner.workflow import solve

    if attribute is None:
        if scenario.policy.fairness is None:
            raise ValueError("name the attribute: the scenario sets no policy.fairness")
        attribute = scenario.policy.fairness.attribute
    if shift not in (-1, 1):
        raise ValueError(f"shift must be -1 or 1 (one point), got {shift}")
    members = attribute_values(org, attribute).to_numpy(object) == str(group).strip()
    employees = org.employees.copy()
    employees.loc[members, "potential"] = (employees.loc[members, "potential"] + shift).clip(1, 3)
    shifted = replace_tables(org, employees=employees)
    return slate_changes(solve(scenario, org, method=method), solve(scenario, shifted, method=method))
