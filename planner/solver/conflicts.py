"""Why overrides cannot hold: a minimal set of pins, vetoes and locks that conflict (CP-SAT
assumptions, shrunk by a deletion filter) and the hard rules they break; and, for an override no plan
could honour at all, the checker's own words."""

from __future__ import annotations


import pandas as pd
from ortools.sat.python import cp_model

from planner.contract.domain import Organisation
from planner.solver.build import build_model
from planner.contract.scenario import Scenario


def why_unbuildable(org: Organisation, scenario: Scenario, label: str, check) -> str:
    """The checker's own words for an override no plan can honour: ``check`` is the checker function of
    the rule that decided it (eligibility or slate structure for a pin; the start-window rules for a
    lock, whose start variable exists only inside its window, before a leaver leaves and within the
    person's hours)."""
    from planner.evaluation.checks import check_learning_hours, check_leavers, check_start_window
    from planner.evaluation.replay import PlanContext
    from planner.solver.registry import REGISTRY

    rules_of_the_organisation = [r.check for r in REGISTRY if r.kind == "hard" and not r.override]

    no_learning = pd.DataFrame(columns=["employee_id", "intervention_id", "start_quarter", "end_quarter", "cost"])
    for pin in scenario.pins:
        if pin.label() == label:
            slate = pd.DataFrame([dict(role_id=pin.role_id, rank=pin.rank or 1, employee_id=pin.employee_id)])
            ctx = PlanContext(org, scenario, slate, no_learning)
            found = [str(v) for c in rules_of_the_organisation for v in c(ctx)]
            return "; ".join(found) or f"[{check.key}] rank {pin.rank} is beyond bench_depth {scenario.policy.bench_depth}"
    for lock in scenario.locks:
        if lock.label() == label:
            info = org.interventions.set_index("intervention_id").loc[lock.intervention_id]
            row = dict(employee_id=lock.employee_id, intervention_id=lock.intervention_id, start_quarter=lock.start_quarter,
                       end_quarter=lock.start_quarter + int(info.duration_quarters) - 1, cost=float(info.cost))
            ctx = PlanContext(org, scenario, pd.DataFrame(columns=["role_id", "rank", "employee_id"]), pd.DataFrame([row]))
            found = [str(v) for c in (check_start_window, check_leavers, check_learning_hours) for v in c(ctx)]
            return "; ".join(found) or f"[{check.key}] cannot start in quarter {lock.start_quarter}"
    return f"[{check.key}]"


def _feasible(problem, labels: set[str], hard_rules) -> bool:
    built = build_model(problem, hard_rules=hard_rules, soft_rules=(), explain=True)
    built.model.clear_assumptions()
    built.model.add_assumptions([lit for lit, label in built.assumptions if label in labels])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    return solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def conflict_core(problem) -> list[str]:
    """Overrides that CP-SAT reports as sufficient for infeasibility (all of them if it gives none)."""
    built = build_model(problem, soft_rules=(), explain=True)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60
    solver.solve(built.model)
    by_index = {lit.index: label for lit, label in built.assumptions}
    return [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index] or list(by_index.values())


def explain_conflict(problem, core: list[str]) -> tuple[list[str], list[str]]:
    """Shrink a set of overrides that cannot hold together to a minimal one (deletion filter: drop each
    member that is not needed for the conflict), and name the hard rules it breaks (the rules, other
    than the overrides themselves, whose removal alone lets it hold)."""
    from planner.solver.registry import HARD_BUILDERS, HARD_RULES

    needed = list(core)
    for label in list(needed):
        rest = set(needed) - {label}
        if not _feasible(problem, rest, HARD_BUILDERS):
            needed.remove(label)
    rules = [rule.key for rule in HARD_RULES if not rule.override
             and _feasible(problem, set(needed), tuple(b for b in HARD_BUILDERS if b is not rule.build))]
    return needed, rules
