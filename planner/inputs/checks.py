"""Turn raw tables into a validated :class:`~planner.contract.domain.Organisation`, or say precisely why not.

Two stages, in the spirit of PyPSA's ``consistency.py``:

1. ``coerce_table``: each column is parsed and range-checked *vectorised*, from the constraints the
   row model declares (``ge``, ``le``, ``min_length``, ``Literal`` choices, optional or required).
   One source of truth for the contract, and it stays fast at 50,000 employees.
2. ``check_*`` functions: cross-record rules (unique keys, resolvable IDs, incumbents that hold
   their role, sane start windows, ...). Each returns a list of :class:`~planner.contract.errors.Issue`.

Every issue is collected before anything is raised, so a user fixes a file in one pass. A problem
found in many rows (a column of junk in a big file) is listed for its first
``MAX_ROWS_PER_PROBLEM`` rows and then counted, so that messages stay readable and cheap.
"""

from __future__ import annotations

import types
import typing
from collections import defaultdict
from typing import Any, Callable, Literal

import annotated_types as at
import numpy as np
import pandas as pd
from pydantic import BaseModel

from planner.contract.domain import TABLES, Organisation, TableSpec
from planner.contract.errors import InputError, Issue

MAX_ROWS_PER_PROBLEM = 20  # rows listed for one problem in one column; the rest are counted
LARGEST_NUMBER = 1e12  # beyond this (or inf, 1e400) a number is junk, and would overflow the solver's integers
_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}


def _field_kind(annotation: Any) -> tuple[str, bool, tuple | None]:
    """(base kind, optional?, literal choices) of a row-model field annotation."""
    optional = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        annotation = args[0]
        origin = typing.get_origin(annotation)
    if origin is Literal:
        return "literal", optional, typing.get_args(annotation)
    return {str: "str", int: "int", float: "float", bool: "bool"}[annotation], optional, None


def _blank(series: pd.Series) -> pd.Series:
    """True where a cell is empty (NaN, None or whitespace-only text)."""
    as_text = series.astype("string").str.strip()
    return series.isna() | as_text.isna() | (as_text == "")


def _text(series: pd.Series) -> pd.Series:
    """Cells as text; whole floats that a spreadsheet made of an ID ('42.0') become '42'."""
    if pd.api.types.infer_dtype(series, skipna=True) == "string":  # all text, as read from CSV: vectorised
        return series.str.strip().astype(object)

    def one(v: Any) -> Any:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()

    return series.map(one).astype(object)


class _TableChecker:
    """Collects issues for one table with the location details filled in."""

    def __init__(self, spec: TableSpec, df: pd.DataFrame, file: str | None, row_offset: int):
        self.spec, self.df, self.file, self.row_offset = spec, df, file, row_offset
        self.issues: list[Issue] = []

    def row_id(self, idx: int) -> str | None:
        cols = [self.spec.id_column] if self.spec.id_column else list(self.spec.key)
        vals = []
        for c in cols:
            if c in self.df.columns:
                v = self.df.at[idx, c]
                if v is not None and not (isinstance(v, float) and np.isnan(v)):
                    vals.append(f"{c}={v}")
        return ", ".join(vals) or None

    def add(self, mask: pd.Series, column: str | None, message: Callable[[Any], str] | str) -> None:
        hits = mask[mask].index
        for idx in hits[:MAX_ROWS_PER_PROBLEM]:
            value = self.df.at[idx, column] if column in self.df.columns else None
            text = message(value) if callable(message) else message
            self.issues.append(
                Issue(
                    table=self.spec.name,
                    file=self.file,
                    row=int(idx) + self.row_offset,
                    row_id=self.row_id(idx),
                    column=column,
                    message=text,
                )
            )
        if len(hits) > MAX_ROWS_PER_PROBLEM:
            rest = hits[MAX_ROWS_PER_PROBLEM:]
            first, last = int(rest[0]) + self.row_offset, int(rest[-1]) + self.row_offset
            self.issues.append(
                Issue(table=self.spec.name, file=self.file, column=column,
                      message=f"{len(rest):,} more rows (rows {first} to {last}) have the same kind of problem as the "
                      f"{MAX_ROWS_PER_PROBLEM} listed above")
            )


def _text_column(checker: _TableChecker, name: str, f, col: pd.Series, blank: pd.Series, optional: bool,
                 choices) -> pd.Series:
    """Text (or one of ``choices``): stripped; blank is None where optional, else ''."""
    values = _text(col)
    if optional:
        values = values.where(~blank, None)
    else:
        values = values.where(~blank, "" if not f.is_required() else None)
    if choices is not None:
        bad = ~blank & ~values.isin(choices)
        checker.add(bad, name, lambda v, c=choices: f"must be one of {', '.join(c)}, got {v!r}")
    return values.astype(object)


def _bool_column(checker: _TableChecker, name: str, col: pd.Series, blank: pd.Series) -> pd.Series:
    text = col.astype("string").str.strip().str.lower()
    is_true, is_false = text.isin(_TRUE), text.isin(_FALSE)
    bad = ~blank & ~is_true.fillna(False) & ~is_false.fillna(False)
    checker.add(bad, name, lambda v: f"must be true or false, got {v!r}")
    return is_true.fillna(False).astype(bool)


def _number_column(checker: _TableChecker, name: str, f, col: pd.Series, blank: pd.Series, optional: bool,
                   kind: str) -> pd.Series:
    """A whole (``kind`` "int") or real number: finite, within LARGEST_NUMBER and the field's bounds."""
    meta = {type(m): m for m in f.metadata}
    flag = pd.Series(pd.api.types.is_bool_dtype(col), index=col.index)  # True is not the number 1 here
    if col.dtype == object:
        flag = col.map(lambda v: isinstance(v, (bool, np.bool_))).astype(bool)
    numbers = pd.to_numeric(col.where(~blank & ~flag), errors="coerce")
    bad_type = ~blank & numbers.isna()
    checker.add(bad_type, name, lambda v, k=kind: f"must be a {'whole ' if k == 'int' else ''}number, got {v!r}")
    if kind == "int":
        frac = ~blank & ~bad_type & (numbers != np.floor(numbers))
        checker.add(frac, name, lambda v: f"must be a whole number, got {v!r}")
    ok = ~blank & ~bad_type
    huge = ok & ~(numbers.abs() <= LARGEST_NUMBER)
    checker.add(huge, name, lambda v: f"must be a finite number within ±{LARGEST_NUMBER:g}, got {v!r}")
    ok, numbers = ok & ~huge, numbers.where(~huge)
    lo = meta[at.Ge].ge if at.Ge in meta else meta[at.Gt].gt if at.Gt in meta else None
    hi = meta[at.Le].le if at.Le in meta else meta[at.Lt].lt if at.Lt in meta else None
    low_ok = (numbers >= lo) if at.Ge in meta else (numbers > lo) if lo is not None else True
    high_ok = (numbers <= hi) if at.Le in meta else (numbers < hi) if hi is not None else True
    lo_word = "at least" if at.Ge in meta else "above"
    hi_word = "at most" if at.Le in meta else "below"
    if lo is not None and hi is not None:
        bounds = ("between {a} and {b}" if at.Ge in meta and at.Le in meta else f"{lo_word} {{a}} and {hi_word} {{b}}")
        checker.add(ok & ~(low_ok & high_ok), name, lambda v, a=lo, b=hi: f"must be {bounds.format(a=a, b=b)}, got {v}")
    elif lo is not None:
        checker.add(ok & ~low_ok, name, lambda v, a=lo: f"must be {lo_word} {a}, got {v}")
    default = 0 if f.default is None or f.is_required() else f.default  # a blank optional cell takes the field's default
    if kind == "int":
        return numbers.round().astype("Int64") if optional else numbers.fillna(default).round().astype("int64")
    return numbers.astype("float64") if optional else numbers.fillna(float(default)).astype("float64")


def coerce_table(
    spec: TableSpec, raw: pd.DataFrame, file: str | None = None, row_offset: int = 2
) -> tuple[pd.DataFrame, list[Issue]]:
    """Parse and range-check every column of ``raw`` against ``spec.row_model``.

    Returns the typed frame (columns in contract order, extra columns kept after them) and the
    issues. ``row_offset`` converts the 0-based index to the row a person sees (2 for a CSV or sheet
    with a header line).
    """
    raw = raw.reset_index(drop=True).copy()
    raw.columns = [str(c).strip() for c in raw.columns]
    out = pd.DataFrame(index=raw.index)
    checker = _TableChecker(spec, raw, file, row_offset)
    fields = spec.row_model.model_fields

    missing = [n for n, f in fields.items() if f.is_required() and n not in raw.columns]
    for name in missing:
        checker.issues.append(
            Issue(table=spec.name, file=file, column=name, message=f"required column '{name}' is missing")
        )
    if missing:
        return out, checker.issues

    for name, f in fields.items():
        kind, optional, choices = _field_kind(f.annotation)
        col = raw[name] if name in raw.columns else pd.Series([f.default] * len(raw), index=raw.index, dtype=object)
        blank = _blank(col)
        if f.is_required() and not optional:
            checker.add(blank, name, "is empty but required")
        if kind in ("str", "literal"):
            out[name] = _text_column(checker, name, f, col, blank, optional, choices if kind == "literal" else None)
        elif kind == "bool":
            out[name] = _bool_column(checker, name, col, blank)
        else:
            out[name] = _number_column(checker, name, f, col, blank, optional, kind)
    for extra in raw.columns:
        if extra not in out.columns:
            out[extra] = raw[extra]
    return out, checker.issues


# --------------------------------------------------------------------------------------------
# Cross-record checks: each takes the typed frames and returns issues.
# --------------------------------------------------------------------------------------------

Frames = dict[str, pd.DataFrame]
Locations = dict[str, tuple[str | None, int]]  # table -> (file, row offset)


def _checker(name: str, frames: Frames, where: Locations) -> _TableChecker:
    file, offset = where.get(name, (None, 1))
    return _TableChecker(TABLES[name], frames[name], file, offset)


def check_unique_keys(frames: Frames, where: Locations) -> list[Issue]:
    """Every table's key (an ID, or a pair such as employee_id + skill_id) appears once."""
    issues = []
    for name, df in frames.items():
        spec = TABLES[name]
        c = _checker(name, frames, where)
        dup = df.duplicated(list(spec.key), keep="first")
        c.add(dup, spec.key[-1] if len(spec.key) > 1 else spec.key[0], f"duplicate {' + '.join(spec.key)}")
        issues += c.issues
    return issues


_REFERENCES = (
    ("employees", "role_id", "roles", "role_id"),
    ("employee_skills", "employee_id", "employees", "employee_id"),
    ("employee_skills", "skill_id", "skills", "skill_id"),
    ("roles", "incumbent_id", "employees", "employee_id"),
    ("role_requirements", "role_id", "roles", "role_id"),
    ("role_requirements", "skill_id", "skills", "skill_id"),
    ("intervention_effects", "intervention_id", "interventions", "intervention_id"),
    ("intervention_effects", "skill_id", "skills", "skill_id"),
    ("family_moves", "from_family", "roles", "family"),
    ("family_moves", "to_family", "roles", "family"),
)


def check_references(frames: Frames, where: Locations) -> list[Issue]:
    """Every ID that points at another table resolves there."""
    issues = []
    for table, column, target, target_column in _REFERENCES:
        if table not in frames or target not in frames:
            continue
        df = frames[table]
        values = df[column]
        dangling = values.notna() & ~values.isin(set(frames[target][target_column]))
        c = _checker(table, frames, where)
        c.add(dangling, column, lambda v, t=target, tc=target_column: f"{v!r} is not a {t}.{tc}")
        issues += c.issues
    return issues


def check_incumbents(frames: Frames, where: Locations) -> list[Issue]:
    """An incumbent holds the role (their employees.role_id is it) and holds no other listed role."""
    roles, employees = frames["roles"], frames["employees"]
    current = dict(zip(employees["employee_id"], employees["role_id"]))
    c = _checker("roles", frames, where)
    has = roles["incumbent_id"].notna() & roles["incumbent_id"].isin(current)
    wrong = has & (roles["incumbent_id"].map(current) != roles["role_id"])
    c.add(wrong, "incumbent_id", lambda v: f"employee {v} is the incumbent but their employees.role_id is {current.get(v)!r}")
    twice = has & roles["incumbent_id"].duplicated(keep="first")
    c.add(twice, "incumbent_id", lambda v: f"employee {v} is already the incumbent of another role")
    return c.issues


def check_windows(frames: Frames, where: Locations) -> list[Issue]:
    """An intervention's latest start is not before its earliest start."""
    df = frames["interventions"]
    c = _checker("interventions", frames, where)
    latest = df["latest_start_quarter"]
    c.add(latest.notna() & (latest < df["earliest_start_quarter"]), "latest_start_quarter",
          lambda v: f"latest start {v} is before the earliest start")
    return c.issues


def check_effects(frames: Frames, where: Locations) -> list[Issue]:
    """An effect raises the skill: to_level is above min_level."""
    df = frames["intervention_effects"]
    c = _checker("intervention_effects", frames, where)
    c.add(df["to_level"] <= df["min_level"], "to_level",
          lambda v: f"to_level {v} must be above min_level (the level needed to start)")
    issues = c.issues
    no_effect = ~frames["interventions"]["intervention_id"].isin(set(df["intervention_id"]))
    w = _checker("interventions", frames, where)
    w.add(no_effect, "intervention_id", "has no intervention_effects row, so it can never help anyone")
    issues += [i.model_copy(update={"severity": "warning"}) for i in w.issues]
    return issues


def check_aspirations(frames: Frames, where: Locations) -> list[Issue]:
    """Each aspiration names a known role family or role ID."""
    employees, roles = frames["employees"], frames["roles"]
    known = set(roles["family"]) | set(roles["role_id"])
    tokens = employees["aspirations"].fillna("").astype(str).str.split(";")
    bad = tokens.map(lambda ts: [t.strip() for t in ts if t.strip() and t.strip() not in known])
    c = _checker("employees", frames, where)
    c.add(bad.map(bool), "aspirations", lambda v: f"names no known family or role: {v!r}")
    return c.issues


def check_not_empty(frames: Frames, where: Locations) -> list[Issue]:
    """A plan needs skills, employees and roles (an empty table is an error). An empty catalogue of
    interventions is allowed, since slates can still be filled from current skills, but warned about;
    empty employee_skills, role_requirements or intervention_effects tables are allowed."""
    issues = []
    for name, what in (("skills", "skill"), ("employees", "employee"), ("roles", "role")):
        if frames[name].empty:
            issues.append(Issue(table=name, file=where.get(name, (None, 1))[0],
                                message=f"has no rows (only a header): a plan needs at least one {what}"))
    if frames["interventions"].empty:
        issues.append(Issue(table="interventions", file=where.get("interventions", (None, 1))[0], severity="warning",
                            message="has no rows (only a header): no development can be planned, so slates are "
                            "filled from current skills only"))
    return issues


def check_prerequisite_cycles(frames: Frames, where: Locations) -> list[Issue]:
    """Warn about an intervention that nobody can ever start.

    Each effect's ``min_level`` must be met to start. Starting from the best current level anyone has
    in each skill, every intervention whose min_levels are all met could run and raise its skills to
    its to_levels, which may let further interventions start (a fixpoint). An intervention still not
    startable then is never startable, whatever the plan: a warning on each effect row whose min_level
    is out of reach, naming the cycle when such interventions wait on each other. A warning, not an
    error: the rest of the catalogue, and the plan, are still valid.
    """
    effects, levels = frames["intervention_effects"], frames["employee_skills"]
    reach = {k: int(v) for k, v in levels.groupby("skill_id")["level"].max().items()}
    needs: dict[str, list[tuple[Any, str, int, int]]] = defaultdict(list)
    for idx, i, k, lo, to in zip(effects.index, effects["intervention_id"], effects["skill_id"],
                                 effects["min_level"], effects["to_level"]):
        needs[i].append((idx, k, int(lo), int(to)))
    startable: set[str] = set()
    grew = True
    while grew:
        grew = False
        for i, rows in needs.items():
            if i not in startable and all(reach.get(k, 0) >= lo for _, k, lo, _ in rows):
                startable.add(i)
                grew = True
                for _, k, _, to in rows:
                    reach[k] = max(reach.get(k, 0), to)
    blocked = {i: [r for r in rows if reach.get(r[1], 0) < r[2]] for i, rows in needs.items() if i not in startable}
    # i -> (j, skill, level): i needs the skill at that level, and blocked j would give it
    waits = {i: [(j, k, lo) for _, k, lo, _ in unmet for j in blocked if j != i
                 and any(k2 == k and to >= lo for _, k2, _, to in needs[j])] for i, unmet in blocked.items()}

    def cycle(start: str) -> str | None:
        """The shortest cycle of waits through ``start``, spelled out, or None."""
        came: dict[str, tuple | None] = {start: None}  # j -> (i, skill, level): i waits on j for that skill
        queue = [start]
        while queue:
            i = queue.pop(0)
            for j, k, lo in waits[i]:
                if j == start:
                    steps = [(i, k, lo, j)]
                    while came[steps[0][0]]:
                        steps.insert(0, (*came[steps[0][0]], steps[0][0]))
                    return "; ".join(f"{a} needs {k} at level {lo} from {b}" for a, k, lo, b in steps)
                if j not in came:
                    came[j] = (i, k, lo)
                    queue.append(j)
        return None

    c = _checker("intervention_effects", frames, where)
    for i, unmet in blocked.items():
        loop = cycle(i)
        for idx, k, lo, _ in unmet:
            text = (f"{i} can never start: it needs {k} at level {lo}, but nobody has or can reach more than level "
                    f"{reach.get(k, 0)} in {k} through interventions that can start")
            text += f"; these prerequisites form a cycle that can never be met: {loop}" if loop else ""
            c.add(pd.Series(effects.index == idx, index=effects.index), "min_level", text)
    return [i.model_copy(update={"severity": "warning"}) for i in c.issues]


def check_critical_roles(frames: Frames, where: Locations) -> list[Issue]:
    """There is at least one critical role to plan for (an empty roles table is check_not_empty's)."""
    if len(frames["roles"]) and not frames["roles"]["critical"].any():
        file, _ = where.get("roles", (None, 1))
        return [Issue(table="roles", file=file, column="critical", message="no role is marked critical: nothing to plan")]
    return []


_WORKFORCE_REFERENCES = (
    ("workforce_demand", "category"), ("workforce_supply", "category"), ("workforce_moves", "from_category"),
    ("workforce_moves", "to_category"), ("workforce_moves", "cap_share_category"),
)


def check_workforce(frames: Frames, where: Locations) -> list[Issue]:
    """The workforce tables agree: each category of workforce_costs is a role ID, a '<family>/<grade>' of
    the roles table, or has its opening headcount in workforce_supply; the other workforce tables name
    categories of workforce_costs; a move goes somewhere else; an enabling intervention exists."""
    present = [name for name in ("workforce_demand", "workforce_moves", "workforce_supply") if name in frames]
    if "workforce_costs" not in frames:
        return [Issue(table=name, file=where.get(name, (None, 1))[0],
                      message="needs the workforce_costs table: it lists the workforce categories and their costs")
                for name in present]
    costs, roles = frames["workforce_costs"], frames["roles"]
    supplied = set(frames["workforce_supply"]["category"]) if "workforce_supply" in frames else set()
    known = set(roles["role_id"]) | {f"{f}/{lv}" for f, lv in zip(roles["family"], roles["level"])} | supplied
    c = _checker("workforce_costs", frames, where)
    c.add(~costs["category"].isin(known), "category",
          lambda v: f"{v!r} is neither a roles.role_id nor a family and grade of the roles table spelled "
          "'<family>/<grade>' (e.g. 'Finance/3'); a category without employees needs its opening headcount in workforce_supply")
    issues = c.issues
    categories = set(costs["category"])
    for table, column in _WORKFORCE_REFERENCES:
        if table in frames:
            t = _checker(table, frames, where)
            values = frames[table][column]
            t.add(values.notna() & ~values.isin(categories), column, lambda v: f"{v!r} is not a workforce_costs.category")
            issues += t.issues
    if "workforce_moves" in frames:
        moves = frames["workforce_moves"]
        m = _checker("workforce_moves", frames, where)
        m.add(moves["from_category"] == moves["to_category"], "to_category", lambda v: f"moves from {v!r} to itself")
        known_i = set(frames["interventions"]["intervention_id"])
        m.add(moves["intervention_id"].notna() & ~moves["intervention_id"].isin(known_i), "intervention_id",
              lambda v: f"{v!r} is not an interventions.intervention_id")
        issues += m.issues
    return issues


CHECKS = (
    check_not_empty,
    check_unique_keys,
    check_references,
    check_incumbents,
    check_windows,
    check_effects,
    check_aspirations,
    check_critical_roles,
    check_prerequisite_cycles,
    check_workforce,
)


def validate_frames(
    raw: dict[str, pd.DataFrame], where: Locations | None = None
) -> tuple[Frames, list[Issue]]:
    """Coerce every table and run every cross-record check; return typed frames and all issues."""
    where = where or {}
    frames: Frames = {}
    issues: list[Issue] = []
    for name, spec in TABLES.items():
        if name not in raw or raw[name] is None:
            if spec.required:
                issues.append(Issue(table=name, message=f"required table '{name}' is missing"))
            continue
        file, offset = where.get(name, (None, 1))
        typed, found = coerce_table(spec, raw[name], file=file, row_offset=offset)
        issues += found
        frames[name] = typed
    if any(i.severity == "error" for i in issues):
        return frames, issues  # cross-record checks on half-typed columns would only add noise
    for check in CHECKS:
        issues += check(frames, where)
    return frames, issues


def build_organisation(
    raw: dict[str, pd.DataFrame],
    source: str = "<memory>",
    files: dict[str, str] | None = None,
    where: Locations | None = None,
) -> Organisation:
    """Validate raw tables and return the :class:`Organisation`; raise InputError listing every problem."""
    frames, issues = validate_frames(raw, where)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise InputError(errors)
    warnings = [i for i in issues if i.severity == "warning"]
    return Organisation(**frames, source=source, files=dict(files or {}), warnings=warnings)


def check_against_scenario(org: Organisation, scenario) -> list[Issue]:
    """Dataset-meets-scenario checks: vacancies inside the horizon, interventions that can start in it."""
    horizon = scenario.horizon_quarters
    where = {name: (org.files.get(name), 2 if org.files.get(name) else 1) for name in TABLES}
    frames = {name: org.table(name) for name in TABLES if org.table(name) is not None}
    c = _checker("roles", frames, where)
    vac = org.roles["vacancy_quarter"]
    c.add(vac.notna() & (vac >= horizon), "vacancy_quarter",
          lambda v: f"vacancy quarter {v} is beyond the scenario's {horizon}-quarter horizon (0..{horizon - 1}); "
          "leave it empty for no known vacancy in the horizon")
    issues = c.issues
    w = _checker("interventions", frames, where)
    w.add(org.interventions["earliest_start_quarter"] >= horizon, "earliest_start_quarter",
          lambda v: f"cannot start inside the {horizon}-quarter horizon (earliest start {v})")
    warnings = w.issues
    if org.workforce_demand is not None:
        d = _checker("workforce_demand", frames, where)
        d.add(org.workforce_demand["quarter"] >= horizon, "quarter",
              lambda v: f"quarter {v} is beyond the scenario's {horizon}-quarter horizon (0..{horizon - 1}): not planned")
        warnings = warnings + d.issues
    return issues + [i.model_copy(update={"severity": "warning"}) for i in warnings]


def organisation_from_records(source: str = "<memory>", **tables: list[BaseModel] | list[dict]) -> Organisation:
    """An Organisation from lists of row models (or dicts) per table, validated like files."""
    frames = {}
    for name, rows in tables.items():
        if name not in TABLES:
            raise TypeError(f"unknown table {name!r}")
        dumped = [r.model_dump() if isinstance(r, BaseModel) else dict(r) for r in rows]
        columns = list(TABLES[name].row_model.model_fields)
        frames[name] = pd.DataFrame(dumped, columns=columns if not dumped else None)
    return build_organisation(frames, source=source)


def replace_tables(org: Organisation, **tables: pd.DataFrame) -> Organisation:
    """A copy of ``org`` with some tables replaced, re-validated (scenario changes, explanations, the app)."""
    frames = {name: org.table(name) for name in TABLES if org.table(name) is not None}
    frames.update(tables)
    return build_organisation(frames, source=org.source, files=org.files)
