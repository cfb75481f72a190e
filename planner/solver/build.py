"""Build the CP-SAT model of a problem: variables, then every hard rule, then the soft rules'
sum as the objective (PyPSA's order: variables, constraints, objective)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.problem.instance import Problem
from planner.solver.registry import HARD_BUILDERS, SOFT_BUILDERS
from planner.solver.rules import BuildContext
from planner.solver.variables import Variables


@dataclass
class BuiltModel:
    model: cp_model.CpModel
    vars: Variables
    problem: Problem
    objective_parts: dict[str, cp_model.LinearExprT]
    assumptions: list[tuple[cp_model.IntVar, str]]
    unbuildable: list[tuple[str, Callable]]  # (override, the checker function that says why no plan can honour it)


def build_model(problem: Problem, hard_rules: Sequence[Callable] = HARD_BUILDERS, soft_rules: Sequence[Callable] = SOFT_BUILDERS,
                explain: bool = False) -> BuiltModel:
    """The model of ``problem`` with the given rules' model functions, by default every rule of
    ``planner.solver.registry`` (tests pass one to isolate it); objective parts keyed by rule.

    Pins, vetoes and locks are guarded by literals. Normally those are fixed true, which presolve
    removes; with ``explain`` they become CP-SAT assumptions, so that an infeasible solve names a
    set of them (assumptions switch off much of presolve, so they are only used to explain)."""
    model = cp_model.CpModel()
    model.name = f"succession[{problem.scenario.name}]"
    ctx = BuildContext(model, Variables(model, problem), problem)
    for rule in hard_rules:
        rule(ctx)
    parts = {rule.__name__: rule(ctx) for rule in soft_rules}
    model.minimize(sum(parts.values()))
    literals = [literal for literal, _ in ctx.assumptions]
    if explain:
        model.add_assumptions(literals)
    else:
        for literal in literals:
            model.add(literal == 1)
    return BuiltModel(model, ctx.vars, problem, parts, ctx.assumptions, ctx.unbuildable)
