"""Succession Planner: optimisation-based succession and workforce planning.

The public API (the CLI and the app use nothing else)::

    org, scenario = planner.load("scenarios/baseline.yaml")   # or load_dataset(folder) + load_scenario(file)
    issues = planner.validate("scenarios/baseline.yaml")       # every problem, with file, row and column
    plan = planner.solve(scenario, org)                        # pydantic Plan; plan.slates_df(), plan.learning_df()
    plan.workforce = planner.plan_workforce(scenario, org, plan)  # hires, moves, redundancies per category and quarter
    report = planner.check(org, scenario, plan)                # the solver-free plan checker
    planner.write_plan(plan, "plans/baseline")
    run = planner.SolveRun(scenario, org, planner.Destination(workspace=Path("workspace"))).start()  # solve, check, save

Importing ``planner`` does not import OR-Tools; :func:`solve` loads it when called.
"""

from __future__ import annotations

from typing import Optional

from planner.evaluation.report import check_plan, CheckReport
from planner.contract.domain import Organisation
from planner.contract.errors import InputError, Issue, PlanningError
from planner.contract.plan import Kpis, Plan, read_plan, write_plan
from planner.contract.scenario import Scenario, load_scenario, recorded_scenario
from planner.store import PlanStore, StoreError
from planner.inputs.loading import (check_scenario, load, load_dataset, organisation_from_records, scenario_organisation,
                                    validate)
from planner.workflow import Destination, Outcome, SolveRun, plan_workforce, reuse_plan, solve, solve_check_save
from planner.version import __version__  # noqa: F401 - planner.__version__

# The rest of the API, imported on first use (PEP 562) so that ``import planner`` stays light:
# name -> (module, attribute).
_ON_FIRST_USE = {
    # the data contract's models and tables
    "TABLES": ("planner.contract.domain", "TABLES"),
    "Budget": ("planner.contract.scenario", "Budget"),
    "BudgetChange": ("planner.contract.scenario", "BudgetChange"),
    "CriticalChange": ("planner.contract.scenario", "CriticalChange"),
    "EmployeeLeaves": ("planner.contract.scenario", "EmployeeLeaves"),
    "InterventionChange": ("planner.contract.scenario", "InterventionChange"),
    "Lock": ("planner.contract.scenario", "Lock"),
    "Pin": ("planner.contract.scenario", "Pin"),
    "Policy": ("planner.contract.scenario", "Policy"),
    "SolverConfig": ("planner.contract.scenario", "SolverConfig"),
    "VacancyChange": ("planner.contract.scenario", "VacancyChange"),
    "Veto": ("planner.contract.scenario", "Veto"),
    "Weights": ("planner.contract.scenario", "Weights"),
    "WorkforceSettings": ("planner.contract.scenario", "WorkforceSettings"),
    "WorkforcePlan": ("planner.contract.workforce", "WorkforcePlan"),
    "WORKFORCE_TABLES": ("planner.contract.workforce", "WORKFORCE_TABLES"),
    "has_workforce": ("planner.problem.workforce", "has_workforce"),
    "write_table": ("planner.contract.tables", "write_table"),
    "write_text_atomically": ("planner.contract.tables", "write_text_atomically"),
    # inputs and synthetic organisations
    "write_dataset": ("planner.inputs.files", "write_dataset"),
    "write_template": ("planner.inputs.template", "write_template"),
    "import_onet": ("planner.inputs.onet", "import_onet"),
    "onet_organisation": ("planner.inputs.onet", "onet_organisation"),
    "generate_organisation": ("planner.synthetic.generate", "generate_organisation"),
    "suggested_budget": ("planner.synthetic.generate", "suggested_budget"),
    "PROFILES": ("planner.synthetic.generate", "PROFILES"),
    "make_sample": ("planner.synthetic.generate", "make_sample"),
    "check_name": ("planner.contract.paths", "check_name"),
    "check_file_output": ("planner.contract.paths", "check_file_output"),
    "check_folder_output": ("planner.contract.paths", "check_folder_output"),
    "OutputRefused": ("planner.contract.paths", "OutputRefused"),
    # analyses of a plan
    "Comparison": ("planner.analyses.comparison", "Comparison"),
    "KPI_BETTER": ("planner.analyses.comparison", "KPI_BETTER"),
    "explain_slates": ("planner.analyses.explain", "explain_slates"),
    "explain_uncovered": ("planner.analyses.explain", "explain_uncovered"),
    "marginal_value_of_money": ("planner.analyses.explain", "marginal_value_of_money"),
    # careers: development paths, individual development plans and their feedback into a re-plan
    "career_path": ("planner.analyses.careers", "career_path"),
    "roles_within_reach": ("planner.analyses.careers", "roles_within_reach"),
    "path_learning": ("planner.analyses.careers", "path_learning"),
    "development_plan": ("planner.analyses.careers", "development_plan"),
    "replan_feed": ("planner.analyses.careers", "replan_feed"),
    "DEFAULT_MIN_TENURE": ("planner.analyses.careers", "DEFAULT_MIN_TENURE"),
    "IndividualDevelopmentPlan": ("planner.contract.idp", "IndividualDevelopmentPlan"),
    "IDP_STATUSES": ("planner.contract.idp", "STATUSES"),
    "IdpError": ("planner.contract.idp", "IdpError"),
    "IdpConflict": ("planner.contract.idp", "IdpConflict"),
    "check_in": ("planner.contract.idp", "check_in"),
    "load_idp": ("planner.contract.idp", "load_idp"),
    "save_idp": ("planner.contract.idp", "save_idp"),
    "fairness_price": ("planner.analyses.fairness", "fairness_price"),
    "slate_composition": ("planner.analyses.fairness", "slate_composition"),
    "compare_composition": ("planner.analyses.fairness", "compare_composition"),
    "plans_composition": ("planner.analyses.fairness", "plans_composition"),
    "ratings_sensitivity": ("planner.analyses.fairness", "ratings_sensitivity"),
    "masked_count": ("planner.problem.fairness", "masked"),
    "SlateFairness": ("planner.contract.scenario", "SlateFairness"),
    "simulate_attrition": ("planner.analyses.attrition", "simulate"),
    "coverage_probability": ("planner.analyses.attrition", "coverage_probability"),
    "parse_range": ("planner.analyses.frontier", "parse_range"),
    "save_frontier": ("planner.analyses.frontier", "save_frontier"),
    "load_frontiers": ("planner.analyses.frontier", "load_frontiers"),
    "input_fingerprint": ("planner.inputs.files", "input_fingerprint"),
    "workforce_fingerprint": ("planner.inputs.files", "workforce_fingerprint"),
    # talent review: the 9-box, changes priced by a re-plan, the delta against the endorsed plan, outliers
    "nine_box": ("planner.analyses.review", "nine_box"),
    "RatingMove": ("planner.analyses.review", "RatingMove"),
    "PinChange": ("planner.analyses.review", "PinChange"),
    "VetoChange": ("planner.analyses.review", "VetoChange"),
    "LockChange": ("planner.analyses.review", "LockChange"),
    "PricedEffect": ("planner.analyses.review", "PricedEffect"),
    "price_change": ("planner.analyses.review", "price_change"),
    "effect_of": ("planner.analyses.review", "effect_of"),
    "against_endorsed": ("planner.analyses.review", "against_endorsed"),
    "review_outliers": ("planner.analyses.review", "outliers"),
}

__all__ = [
    "CheckReport", "Destination", "InputError", "Issue", "Kpis", "Organisation", "Outcome", "Plan", "PlanStore", "PlanningError",
    "StoreError",
    "Scenario", "SolveRun", "solve_check_save",
    "check", "check_scenario", "compare", "load", "load_dataset", "load_scenario", "organisation_from_records", "read_plan",
    "recorded_scenario",
    "scenario_organisation", "solve", "sweep", "validate", "write_plan", "plan_workforce", "reuse_plan",
    *_ON_FIRST_USE,
]


def __getattr__(name: str):
    if name in _ON_FIRST_USE:
        import importlib

        module, attribute = _ON_FIRST_USE[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'planner' has no attribute {name!r}")


def compare(plans: list[Plan], labels: Optional[list[str]] = None):
    """Plans side by side against the first: KPI deltas, slate and learning changes, spend (see planner.analyses.comparison)."""
    from planner.analyses.comparison import compare as _compare

    return _compare(plans, labels)


def sweep(scenario: Scenario, org: Organisation, parameter: str, values: list[float], workers: int = 2,
          address: Optional[str] = None, on_point=None):
    """Solve at each value of a numeric setting; returns the frontier DataFrame (see planner.analyses.frontier)."""
    from planner.analyses.frontier import sweep as _sweep

    return _sweep(scenario, org, parameter, values, workers=workers, address=address, on_point=on_point)


def check(org: Organisation, scenario: Scenario, plan: Plan) -> CheckReport:
    """Re-check a plan against every hard rule and recompute its KPIs (no solver involved)."""
    return check_plan(org, scenario, plan)
