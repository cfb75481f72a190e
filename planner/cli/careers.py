"""Commands about one person's career: path (the cheapest and the fastest development path to a role)
and reach (every role within reach by a quarter)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

import planner
from planner import InputError
from planner.cli.common import EXIT_INFEASIBLE, WORKSPACE, app, console, err, fail, fail_input, plan_inputs
from planner.cli.render import money

SCENARIO = typer.Option(None, "--scenario", help="Scenario file whose organisation and rules to use (default: the plan's).")
PLAN = typer.Option(None, "--plan", help="A saved plan (name in the workspace, or a plan folder): its other people's "
                    "learning takes seats, which the path then cannot use.")
TENURE = typer.Option(None, "--min-tenure", help="Quarters held in each role moved into before the next move "
                      "(default 4).")


def _inputs(scenario_file: Optional[Path], plan_ref: Optional[str], workspace: Path):
    """(organisation, scenario, plan or None) from --scenario and/or --plan; exit 2 with the reason otherwise."""
    if scenario_file is None and plan_ref is None:
        fail("give --scenario SCENARIO, --plan PLAN, or both")
    plan = None
    if plan_ref is not None:
        plan, org, scenario = plan_inputs(plan_ref, workspace)
    if scenario_file is not None:
        try:
            org, scenario = planner.load(scenario_file)
        except InputError as exc:
            fail_input(exc)
        if plan is not None and (plan.meta.start, plan.meta.horizon_quarters) != (scenario.start, scenario.horizon_quarters):
            fail(f"plan {plan_ref} runs {plan.meta.horizon_quarters} quarters from {plan.meta.start}, the scenario "
                 f"{scenario_file} {scenario.horizon_quarters} from {scenario.start}: their quarters do not match")
    return org, scenario, plan


def _quarter(text: str, scenario: planner.Scenario) -> int:
    """--by: a quarter of the horizon (0..T) or a calendar label ('2028Q4')."""
    if re.fullmatch(r"\d+", text.strip()):
        return int(text)
    if re.fullmatch(r"\d{4}Q[1-4]", text.strip()):
        for q in range(scenario.horizon_quarters + 1):
            if scenario.quarter_label(q) == text.strip():
                return q
        fail(f"--by {text}: not a quarter of the horizon {scenario.quarter_label(0)} to "
             f"{scenario.quarter_label(scenario.horizon_quarters)}")
    fail(f"--by {text!r}: give a quarter number (0 = {scenario.quarter_label(0)}) or a calendar quarter like 2028Q4")


def _path_table(path, title: str) -> Table:
    t = Table(title=title)
    for col in ("quarter", "event"):
        t.add_column(col)
    for m in path.milestones:
        t.add_row(m.label, escape(m.text))
    return t


def _learning_table(path) -> Table:
    t = Table(title="Learning")
    for col, justify in (("intervention", "left"), ("quarters", "left"), ("hours/quarter", "right"), ("cost", "right"),
                         ("raises", "left")):
        t.add_column(col, justify=justify)
    for a in path.learning:
        t.add_row(escape(f"{a.intervention_id} {a.name}"), f"{a.start_label}-{a.end_label}", f"{a.hours_per_quarter:g}",
                  money(a.cost), escape(", ".join(a.raises)))
    return t


def _headline(path) -> str:
    moves = len(path.moves)
    return (f"ready {path.ready_label} (quarter {path.ready_quarter}), cost {money(path.total_cost)}, "
            f"{len(path.learning)} intervention(s), {moves} move{'s' * (moves != 1)}")


@app.command()
def path(
    employee: str = typer.Argument(..., help="Employee ID."),
    role: str = typer.Argument(..., help="Target role ID."),
    scenario: Optional[Path] = SCENARIO,
    plan: Optional[str] = PLAN,
    by: Optional[str] = typer.Option(None, "--by", help="Latest ready quarter (a number or e.g. 2028Q4; default: the "
                                     "horizon's end)."),
    min_tenure: Optional[int] = TENURE,
    workspace: Path = WORKSPACE,
) -> None:
    """The cheapest and the fastest development path of EMPLOYEE into ROLE: role moves the slate rules
    allow, learning within their hours, prerequisites, start windows and the seats left free, with dates.
    Exit codes: 0 a path, 2 bad input (an unknown employee or role), 3 no path within the horizon."""
    org, sc, saved = _inputs(scenario, plan, workspace)
    until = None if by is None else _quarter(by, sc)
    tenure = planner.DEFAULT_MIN_TENURE if min_tenure is None else min_tenure
    try:
        answer = planner.career_path(org, sc, employee, role, plan=saved, min_tenure=tenure, by_quarter=until)
    except InputError as exc:
        fail_input(exc)
    names = org.employees.set_index("employee_id")["name"]
    titles = org.roles.set_index("role_id")["title"]
    console.print(escape(f"{names[employee]} ({employee}), {titles[answer.from_role_id]} ({answer.from_role_id}) -> "
                         f"{titles[role]} ({role}); {answer.gap} level(s) short today"), soft_wrap=True, highlight=False)
    if not answer.found:
        err.print(f"[red]no path within the horizon[/red]: {escape(answer.reason)}", soft_wrap=True, highlight=False)
        raise typer.Exit(EXIT_INFEASIBLE)
    same = answer.cheapest.learning == answer.fastest.learning and answer.cheapest.moves == answer.fastest.moves
    console.print(escape(f"cheapest: {_headline(answer.cheapest)}"), soft_wrap=True, highlight=False)
    console.print(escape("fastest: the same path" if same else f"fastest: {_headline(answer.fastest)}"),
                  soft_wrap=True, highlight=False)
    for p, title in ((answer.cheapest, "Cheapest path"),) + (() if same else ((answer.fastest, "Fastest path"),)):
        console.print(_path_table(p, title))
        console.print(_learning_table(p))


@app.command()
def reach(
    employee: str = typer.Argument(..., help="Employee ID."),
    by: str = typer.Option(..., "--by", help="Quarter to be ready by (a number or e.g. 2028Q4)."),
    scenario: Optional[Path] = SCENARIO,
    plan: Optional[str] = PLAN,
    min_tenure: Optional[int] = TENURE,
    workspace: Path = WORKSPACE,
) -> None:
    """Every role EMPLOYEE can be ready for by a quarter, the closest (smallest gap today) first, then the
    cheapest. Exit codes: 0, 2 bad input."""
    org, sc, saved = _inputs(scenario, plan, workspace)
    until = _quarter(by, sc)
    tenure = planner.DEFAULT_MIN_TENURE if min_tenure is None else min_tenure
    try:
        roles = planner.roles_within_reach(org, sc, employee, until, plan=saved, min_tenure=tenure)
    except InputError as exc:
        fail_input(exc)
    t = Table(title=f"Roles within reach of {employee} by {sc.quarter_label(until)}")
    for col, justify in (("role", "left"), ("family", "left"), ("grade", "right"), ("gap today", "right"),
                         ("cost", "right"), ("earliest", "left"), ("moves", "right")):
        t.add_column(col, justify=justify)
    for r in roles:
        t.add_row(escape(f"{r.role_id} {r.title}" + (" *" if r.critical else "")), escape(r.family), str(r.level),
                  str(r.gap), money(r.cost), r.ready_label, str(r.moves))
    console.print(t)
    console.print(f"{len(roles)} role(s); * critical.")
