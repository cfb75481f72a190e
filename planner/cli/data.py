"""Commands that make data: generate, template, import onet."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

import planner
from planner import InputError
from planner.cli.common import EXIT_BAD_INPUT, FORCE, app, console, err, fail, fail_input, output_file, output_folder, writing


@app.command()
def generate(
    out: Path = typer.Option(..., "--out", help="Dataset folder to write (CSV). Replaces only an empty folder or a "
                             "dataset the planner wrote, unless --force."),
    force: bool = FORCE,
    employees: Optional[int] = typer.Option(None, "--employees", min=4, help="Employees."),
    critical_roles: Optional[int] = typer.Option(None, "--critical-roles", min=1, help="Critical roles."),
    interventions: Optional[int] = typer.Option(None, "--interventions", min=1, help="Learning interventions."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same dataset)."),
    horizon: int = typer.Option(12, "--horizon", min=1, help="Quarters the vacancies are spread over."),
    profile: str = typer.Option("standard", "--profile", help="standard (like the sample) or hard (like a real "
                                "organisation: few ready now, two-part development paths, binding seats and hours, "
                                "vacancies over the whole horizon)."),
    sample: bool = typer.Option(False, "--sample", help="The bundled sample organisation (its fixed sizes and seed) instead."),
    workforce: bool = typer.Option(True, "--workforce/--no-workforce", help="Also the workforce tables (categories, "
                                   "costs, demand, moves) and employees' fte and retirement_quarter."),
) -> None:
    """Write a synthetic organisation in the documented format (deterministic for a seed), then read it
    back as a user would: it must validate."""
    if profile not in planner.PROFILES:
        err.print(f"[red]--profile: unknown profile {profile!r}; use one of {', '.join(planner.PROFILES)}[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    if not sample and None in (employees, critical_roles, interventions):
        err.print("[red]give --employees, --critical-roles and --interventions, or --sample[/red]")
        raise typer.Exit(EXIT_BAD_INPUT)
    output_folder(out, "dataset", force=force)
    if sample:
        profile = "standard"
        with writing(out):
            planner.make_sample(out, force=force)
    else:
        try:
            frames = planner.generate_organisation(employees, critical_roles, interventions, seed=seed,
                                                   horizon_quarters=horizon, profile=profile, workforce=workforce)
        except ValueError as exc:
            fail(str(exc))
        with writing(out):
            planner.write_dataset(frames, out, force=force)
    org = planner.load_dataset(out)
    tables = {name: org.table(name) for name in planner.TABLES}
    console.print(f"Wrote {escape(str(out))}: {len(org.employees):,} employees, {int(org.roles['critical'].sum()):,} critical roles, "
                  f"{len(org.interventions):,} interventions. "
                  f"A budget that covers part of the need: "
                  f"{planner.suggested_budget(tables, share=planner.PROFILES[profile].budget_share):,.0f}.")


@app.command()
def template(out: Path = typer.Option(..., "--out", help="Workbook to write (.xlsx); a new file, unless --force."),
             force: bool = FORCE) -> None:
    """Write an empty Excel workbook to fill in by hand: a sheet per table, headers, help and data validation.
    An existing workbook may hold data typed into an earlier template, so it is replaced only with --force."""
    output_file(out, force=force)
    try:
        with writing(out):
            planner.write_template(out, force=force)
    except ValueError as exc:
        fail(str(exc))
    console.print(f"Template written to {escape(str(out))}; fill it in and run: planner validate {escape(str(out))}")


import_app = typer.Typer(help="Import data from public sources.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("onet")
def import_onet_command(
    skills: Path = typer.Option(..., "--skills", help="O*NET Skills.xlsx (or the text release's Skills.txt)."),
    occupations: Optional[Path] = typer.Option(None, "--occupations", help="O*NET 'Occupation Data.txt' (titles)."),
    out: Path = typer.Option(..., "--out", help="Folder to write skills, roles and role_requirements to. Replaces only "
                             "an empty folder or a dataset the planner wrote, unless --force."),
    force: bool = FORCE,
    importance_threshold: float = typer.Option(3.0, help="Keep skills whose O*NET importance is at least this (1-5)."),
    employees: Optional[int] = typer.Option(None, "--employees", help="Also generate this many employees, interventions and the rest: a complete dataset."),
    seed: int = typer.Option(0, "--seed", help="Seed for --employees."),
) -> None:
    """Turn O*NET's Skills and Occupation Data files into the project's job architecture tables."""
    output_folder(out, "dataset", [skills, occupations], force)
    try:
        frames = (planner.onet_organisation(skills, occupations, employees, seed=seed, importance_threshold=importance_threshold)
                  if employees else planner.import_onet(skills, occupations, importance_threshold=importance_threshold))
    except InputError as exc:
        fail_input(exc)
    except ValueError as exc:
        fail(str(exc))
    with writing(out):
        planner.write_dataset(frames, out, force=force)
    console.print(f"Wrote {', '.join(frames)} to {escape(str(out))} ({len(frames['roles']):,} roles, {len(frames['skills'])} skills). "
                  "Includes information from O*NET by USDOL/ETA, used under CC BY 4.0.")
