"""Import a job architecture from O*NET: occupations become roles, O*NET skills become skills.

O*NET (the U.S. Department of Labor's occupational database, CC BY 4.0) rates 35 skills for about
900 occupations on two scales: importance (``IM``, 1-5) and level (``LV``, 0-7). This module turns
its ``Skills`` table (the Excel release's ``Skills.xlsx`` or the text release's tab-separated
``Skills.txt``) and, optionally, its ``Occupation Data`` table (for titles) into the project's
``skills``, ``roles`` and ``role_requirements`` tables. Download both from the O*NET Resource Center;
the project does not ship them.

The mapping rules (all deterministic):

* **Ratings used.** A rating with ``Recommend Suppress`` = ``Y`` (too unreliable) or ``Not Relevant``
  = ``Y`` is dropped before anything else.
* **Roles.** One role per occupation: ``role_id`` = the O*NET-SOC code (e.g. ``11-1011.00``),
  ``title`` from Occupation Data when given (else the Skills file's own Title), ``family`` and
  ``department`` = the SOC major group named by the code's first two digits (``11`` ->
  "Management Occupations"; :data:`SOC_MAJOR_GROUPS`), ``location`` empty, no incumbent, no vacancy.
* **Grade** (``level``, 1-6): the mean ``LV`` over the occupation's ratings, binned at
  :data:`GRADE_EDGES` = 2.0, 2.4, 2.8, 3.2, 3.6: grade = 1 + the number of edges at or below the mean
  (below 2.0 -> 1, ..., 3.6 and above -> 6; an occupation with no usable LV rating gets grade 1). On
  O*NET 27 this gives 79 / 200 / 229 / 247 / 103 / 15 occupations in grades 1-6 (Chief Executives,
  engineers and physicians at the top; e.g. Retail Salespersons 3, Accountants 4).
* **Criticality** (1-5) = grade - 1, at least 1 (:data:`CRITICALITY`).
* **External hire cost** by grade (:data:`EXTERNAL_HIRE_COST`): 15,000 / 25,000 / 40,000 / 60,000 /
  90,000 / 140,000 money units for grades 1-6 (a recruiting-cost proxy that grows about 1.6x a grade).
* **Critical roles.** None by default. ``critical_share`` > 0 marks the top ``ceil(share x roles)``
  roles as critical, ranked by grade, then mean LV (both descending), then role_id.
* **Skills.** ``skill_id`` = Element ID (e.g. ``2.A.1.a``), ``name`` = Element Name, ``category`` =
  O*NET's skill group from the ID's prefix (:data:`SKILL_GROUPS`: 2.A Basic Skills, 2.B.1 Social
  Skills, 2.B.2 Complex Problem Solving Skills, 2.B.3 Technical Skills, 2.B.4 Systems Skills, 2.B.5
  Resource Management Skills). Only skills some role requires are listed.
* **Requirements.** A skill is required by an occupation when its importance ``IM`` >=
  ``importance_threshold`` (default 3.0, "important"). The required level maps the 0-7 ``LV`` scale
  onto the 0-5 proficiency scale: level = round-half-up(LV x 5 / 7), clipped to 0-5 (LV 1.4 -> 1,
  2.8 -> 2, 3.5 -> 3, 4.2 -> 3, 4.9 -> 4, 6.3 -> 5). A skill without a usable LV, or whose level maps to
  0, is not a requirement (a requirement of level 0 asks for nothing).

:func:`onet_organisation` adds synthetic people and a learning catalogue to that job architecture, so
the result is a complete dataset for the planner (see its docstring).
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from planner.contract.domain import TABLES
from planner.contract.errors import InputError, Issue

SOC_MAJOR_GROUPS: dict[str, str] = {
    "11": "Management Occupations",
    "13": "Business and Financial Operations Occupations",
    "15": "Computer and Mathematical Occupations",
    "17": "Architecture and Engineering Occupations",
    "19": "Life, Physical, and Social Science Occupations",
    "21": "Community and Social Service Occupations",
    "23": "Legal Occupations",
    "25": "Educational Instruction and Library Occupations",
    "27": "Arts, Design, Entertainment, Sports, and Media Occupations",
    "29": "Healthcare Practitioners and Technical Occupations",
    "31": "Healthcare Support Occupations",
    "33": "Protective Service Occupations",
    "35": "Food Preparation and Serving Related Occupations",
    "37": "Building and Grounds Cleaning and Maintenance Occupations",
    "39": "Personal Care and Service Occupations",
    "41": "Sales and Related Occupations",
    "43": "Office and Administrative Support Occupations",
    "45": "Farming, Fishing, and Forestry Occupations",
    "47": "Construction and Extraction Occupations",
    "49": "Installation, Maintenance, and Repair Occupations",
    "51": "Production Occupations",
    "53": "Transportation and Material Moving Occupations",
    "55": "Military Specific Occupations",
}
MANAGEMENT = SOC_MAJOR_GROUPS["11"]

# Element ID prefix -> O*NET skill group (longest prefix first).
SKILL_GROUPS: tuple[tuple[str, str], ...] = (
    ("2.B.1.", "Social Skills"),
    ("2.B.2.", "Complex Problem Solving Skills"),
    ("2.B.3.", "Technical Skills"),
    ("2.B.4.", "Systems Skills"),
    ("2.B.5.", "Resource Management Skills"),
    ("2.A.", "Basic Skills"),
)
GRADE_EDGES = (2.0, 2.4, 2.8, 3.2, 3.6)  # mean LV (0-7) at which grades 2..6 start
CRITICALITY = {1: 1, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5}
EXTERNAL_HIRE_COST = {1: 15_000.0, 2: 25_000.0, 3: 40_000.0, 4: 60_000.0, 5: 90_000.0, 6: 140_000.0}

CODE, TITLE, ELEMENT, ELEMENT_NAME = "O*NET-SOC Code", "Title", "Element ID", "Element Name"
SCALE, VALUE, SUPPRESS, NOT_RELEVANT = "Scale ID", "Data Value", "Recommend Suppress", "Not Relevant"
SKILL_COLUMNS = (CODE, TITLE, ELEMENT, ELEMENT_NAME, SCALE, VALUE, SUPPRESS, NOT_RELEVANT)
OCCUPATION_COLUMNS = (CODE, TITLE)
_SOC_CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
_TEXT_SUFFIXES = (".txt", ".tsv")


# --------------------------------------------------------------------------------------------
# Reading O*NET files.
# --------------------------------------------------------------------------------------------


def _issue(table: str, file: Path, message: str, column: str | None = None, row: int | None = None) -> Issue:
    return Issue(table=table, file=str(file), column=column, row=row, message=message)


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return v if isinstance(v, str) else str(v)


def _read_first_sheet(file: Path) -> pd.DataFrame:
    """The first sheet as text cells (openpyxl read-only: about a third faster than pandas.read_excel here)."""
    from openpyxl import load_workbook

    wb = load_workbook(file, read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [_cell_text(c).strip() for c in next(rows, ())]
        body = list(rows)
    finally:
        wb.close()
    columns = {}
    for j, name in enumerate(header):
        if name and name not in columns:
            columns[name] = [_cell_text(r[j]) if j < len(r) else "" for r in body]
    return pd.DataFrame(columns, dtype=object).astype(str) if columns else pd.DataFrame()


def _read_onet(path: str | Path, table: str, required: tuple[str, ...], what: str) -> pd.DataFrame:
    """Read an O*NET table (.xlsx, or the text release's tab-separated .txt) as text cells.

    Raises InputError naming the file (and column) when it is missing, of the wrong kind, or lacks
    a required column. Row numbers in later issues are rows as a person sees them (header = 1).
    """
    file = Path(path)
    if not file.is_file():
        raise InputError([_issue(table, file, "not found" if not file.exists() else "is not a file")])
    suffix = file.suffix.lower()
    with file.open("rb") as fh:
        head = fh.read(4)
    if suffix == ".xlsx":
        if head != b"PK\x03\x04":
            hint = " (it looks like tab-separated text: name it .txt)" if b"\t" in file.read_bytes()[:4096] else ""
            raise InputError([_issue(table, file, f"is not an Excel workbook (.xlsx){hint}")])
        try:
            df = _read_first_sheet(file)
        except Exception as exc:  # any parser failure means the same to the user
            raise InputError([_issue(table, file, f"cannot be read as an Excel workbook: {exc}")]) from None
    elif suffix in _TEXT_SUFFIXES:
        if head == b"PK\x03\x04":
            raise InputError([_issue(table, file, "is an Excel workbook, not tab-separated text: name it .xlsx")])
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            message = (f"is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start}): "
                       "expected O*NET's tab-separated text release")
            raise InputError([_issue(table, file, message)]) from None
        if not text.strip():
            raise InputError([_issue(table, file, "is empty: expected a header line with O*NET's column names")])
        df = pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE,
                         skip_blank_lines=False).fillna("")
    else:
        raise InputError([_issue(table, file, f"has an unknown file type '{file.suffix}': expected O*NET's .xlsx "
                                              "(Excel release) or tab-separated .txt (text release)")])
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        found = ", ".join(repr(c) for c in list(df.columns)[:8]) or "none"
        raise InputError([
            _issue(table, file, f"required column '{c}' is missing (columns found: {found}); "
                                f"is this O*NET's {what} file?", column=c)
            for c in missing
        ])
    df = df[list(required)].apply(lambda s: s.str.strip())
    return df[df.ne("").any(axis=1)]  # blank rows dropped; the index keeps each row's position for messages


def _summarise(table: str, file: Path, column: str, bad: pd.Series, df: pd.DataFrame, what: str) -> Issue | None:
    """One issue for all the rows flagged in ``bad``: the count, the first row and a few values."""
    if not bad.any():
        return None
    rows = np.flatnonzero(bad.to_numpy())
    examples = ", ".join(repr(v) for v in pd.unique(df[column].iloc[rows])[:3])
    more = f" ({len(rows)} rows, first values {examples})" if len(rows) > 1 else f" (value {examples})"
    return _issue(table, file, what + more, column=column, row=int(df.index[rows[0]]) + 2)  # header = row 1


def read_skills(path: str | Path) -> pd.DataFrame:
    """O*NET Skills ratings, checked: one row per (code, element, scale) with a numeric ``Data Value``.

    Returns the columns of :data:`SKILL_COLUMNS`, ``Data Value`` as float, the flags upper-cased.
    """
    table, file = "onet skills", Path(path)
    df = _read_onet(file, table, SKILL_COLUMNS, "Skills")
    if df.empty:
        raise InputError([_issue(table, file, "has no ratings: expected O*NET's Skills table")])
    skill_like = df[ELEMENT].str.startswith(("2.A.", "2.B."))
    if not skill_like.all():  # e.g. Knowledge (2.C) or Abilities (1.A): same columns, another table
        raise InputError([_summarise(table, file, ELEMENT, ~skill_like, df,
                                     "is not an O*NET skill (Skills element IDs start with 2.A or 2.B): this looks "
                                     "like another O*NET table, not Skills")])
    issues = []
    issues.append(_summarise(table, file, CODE, ~df[CODE].str.match(_SOC_CODE), df,
                             "is not an O*NET-SOC code like 11-1011.00"))
    known = df[CODE].str[:2].isin(SOC_MAJOR_GROUPS)
    issues.append(_summarise(table, file, CODE, df[CODE].str.match(_SOC_CODE) & ~known, df,
                             "does not start with a SOC major group (11, 13, ..., 55)"))
    value = pd.to_numeric(df[VALUE], errors="coerce")
    issues.append(_summarise(table, file, VALUE, value.isna(), df, "must be a number"))
    issues.append(_summarise(table, file, ELEMENT_NAME, df[ELEMENT_NAME] == "", df, "is empty"))
    dup = df.duplicated([CODE, ELEMENT, SCALE])
    issues.append(_summarise(table, file, SCALE, dup, df,
                             "repeats a rating already given for this occupation and skill"))
    issues = [i for i in issues if i is not None]
    scales = set(df[SCALE])
    if not issues and not {"IM", "LV"} <= scales:
        lacking = " and ".join(s for s in ("IM", "LV") if s not in scales)
        issues.append(_issue(table, file, f"has no {lacking} ratings: the Skills table rates importance (IM) and "
                                          "level (LV)", column=SCALE))
    if issues:
        raise InputError(issues)
    return df.assign(**{VALUE: value, SUPPRESS: df[SUPPRESS].str.upper(), NOT_RELEVANT: df[NOT_RELEVANT].str.upper()})


def read_occupations(path: str | Path) -> pd.DataFrame:
    """O*NET Occupation Data: ``O*NET-SOC Code`` and ``Title`` (other columns ignored)."""
    table, file = "onet occupations", Path(path)
    df = _read_onet(file, table, OCCUPATION_COLUMNS, "Occupation Data")
    issues = [
        _summarise(table, file, CODE, ~df[CODE].str.match(_SOC_CODE), df, "is not an O*NET-SOC code like 11-1011.00"),
        _summarise(table, file, TITLE, df[TITLE] == "", df, "is empty"),
        _summarise(table, file, CODE, df.duplicated(CODE), df, "is listed twice"),
    ]
    issues = [i for i in issues if i is not None]
    if issues:
        raise InputError(issues)
    return df


# --------------------------------------------------------------------------------------------
# The mapping.
# --------------------------------------------------------------------------------------------


def skill_category(element_id: str) -> str:
    """O*NET's skill group for an Element ID (``2.B.1.a`` -> "Social Skills")."""
    for prefix, name in SKILL_GROUPS:
        if element_id.startswith(prefix):
            return name
    return "Other Skills"


def lv_to_level(lv: pd.Series | np.ndarray | float) -> np.ndarray:
    """O*NET level (0-7) -> proficiency (0-5): round-half-up(LV x 5 / 7), clipped to 0-5."""
    scaled = np.round(np.asarray(lv, dtype=float) * 5.0 / 7.0, 9)  # 9 decimals absorb float noise at .5
    return np.clip(np.floor(scaled + 0.5), 0, 5).astype(int)


def grade_of(mean_lv: pd.Series | np.ndarray) -> np.ndarray:
    """Grade 1-6 from an occupation's mean LV (see :data:`GRADE_EDGES`); NaN (no rating) -> 1."""
    mean_lv = np.nan_to_num(np.asarray(mean_lv, dtype=float), nan=0.0)
    return np.digitize(mean_lv, GRADE_EDGES) + 1


def _contract(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with exactly the contract columns of table ``name``; absent optional ones get their default."""
    fields = TABLES[name].row_model.model_fields
    out = df.reset_index(drop=True).copy()
    for column, f in fields.items():
        if column not in out.columns:
            out[column] = pd.Series([f.default] * len(out), index=out.index, dtype=object)
    return out[list(fields)]


def _mark_critical(roles: pd.DataFrame, mean_lv: pd.Series, share: float) -> pd.Series:
    """Top ``ceil(share x roles)`` roles by grade, then mean LV (descending), then role_id."""
    critical = pd.Series(False, index=roles.index)
    if share <= 0 or roles.empty:
        return critical
    n = min(len(roles), math.ceil(share * len(roles)))
    ranked = roles.assign(_lv=mean_lv.reindex(roles["role_id"]).fillna(0.0).to_numpy()).sort_values(
        ["level", "_lv", "role_id"], ascending=[False, False, True], kind="stable")
    critical[ranked.index[:n]] = True
    return critical


def _import(skills_path, occupations_path, importance_threshold: float, critical_share: float):
    """The import, plus each occupation's mean LV (used for ranking)."""
    if not 1.0 <= importance_threshold <= 5.0:
        raise ValueError(f"importance_threshold must be on O*NET's importance scale 1-5, got {importance_threshold}")
    if not 0.0 <= critical_share <= 1.0:
        raise ValueError(f"critical_share must be between 0 and 1, got {critical_share}")
    ratings = read_skills(skills_path)
    occupations = read_occupations(occupations_path) if occupations_path is not None else None

    usable = ratings[(ratings[SUPPRESS] != "Y") & (ratings[NOT_RELEVANT] != "Y")]
    lv = usable[usable[SCALE] == "LV"]
    im = usable[usable[SCALE] == "IM"]
    codes = ratings.drop_duplicates(CODE)[[CODE, TITLE]].sort_values(CODE, kind="stable")
    mean_lv = lv.groupby(CODE)[VALUE].mean()

    title = codes.set_index(CODE)[TITLE]
    if occupations is not None:
        official = occupations.set_index(CODE)[TITLE]
        title = official.reindex(title.index).where(lambda t: t.notna() & (t != ""), title)
    family = codes[CODE].str[:2].map(SOC_MAJOR_GROUPS)
    grade = grade_of(mean_lv.reindex(codes[CODE]).to_numpy())
    roles = pd.DataFrame({
        "role_id": codes[CODE].to_numpy(),
        "title": title.reindex(codes[CODE]).to_numpy(),
        "family": family.to_numpy(),
        "level": grade.astype("int64"),
        "department": family.to_numpy(),
        "location": "",
        "criticality": pd.Series(grade).map(CRITICALITY).astype("int64").to_numpy(),
        "incumbent_id": None,
        "vacancy_quarter": pd.array([pd.NA] * len(codes), dtype="Int64"),
        "external_hire_cost": pd.Series(grade).map(EXTERNAL_HIRE_COST).astype(float).to_numpy(),
    })
    roles["critical"] = _mark_critical(roles, mean_lv, critical_share).astype(bool)

    pair = im[[CODE, ELEMENT, VALUE]].rename(columns={VALUE: "im"}).merge(
        lv[[CODE, ELEMENT, VALUE]].rename(columns={VALUE: "lv"}), on=[CODE, ELEMENT], how="inner")
    pair = pair[pair["im"] >= importance_threshold]
    req = pd.DataFrame({
        "role_id": pair[CODE].to_numpy(),
        "skill_id": pair[ELEMENT].to_numpy(),
        "level": lv_to_level(pair["lv"]).astype("int64"),
    })
    req = req[req["level"] > 0].sort_values(["role_id", "skill_id"], kind="stable")

    names = ratings.drop_duplicates(ELEMENT).set_index(ELEMENT)[ELEMENT_NAME]
    used = sorted(set(req["skill_id"]))
    skills = pd.DataFrame({
        "skill_id": used,
        "name": names.reindex(used).to_numpy(),
        "category": [skill_category(s) for s in used],
    })
    frames = {"skills": _contract("skills", skills), "roles": _contract("roles", roles),
              "role_requirements": _contract("role_requirements", req)}
    return frames, mean_lv


def import_onet(
    skills_path: str | Path,
    occupations_path: str | Path | None = None,
    importance_threshold: float = 3.0,
    critical_share: float = 0.0,
) -> dict[str, pd.DataFrame]:
    """O*NET Skills (+ optional Occupation Data) -> ``{"skills", "roles", "role_requirements"}`` frames.

    ``skills_path`` is ``Skills.xlsx`` (Excel release) or the tab-separated ``Skills.txt`` (text
    release), chosen by extension; so is ``occupations_path`` (``Occupation Data.txt``/``.xlsx``).
    The frames have exactly the contract's columns; the mapping rules are in the module docstring.
    Raises :class:`~planner.contract.errors.InputError` (issues name the file and column) for a missing file,
    a missing column, or a file that is not what it claims to be; ValueError for bad arguments.
    """
    frames, _ = _import(skills_path, occupations_path, importance_threshold, critical_share)
    return frames


# --------------------------------------------------------------------------------------------
# A complete dataset on top of the O*NET job architecture.
# --------------------------------------------------------------------------------------------

_FIRST = ("Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Rowan",
          "Maria", "David", "Aisha", "Chen", "Priya", "Lucas", "Sofia", "Omar", "Elena", "Kenji", "Fatima")
_LAST = ("Smith", "Garcia", "Nguyen", "Patel", "Johnson", "Kim", "Brown", "Lopez", "Okafor", "Mueller",
         "Rossi", "Kowalski", "Silva", "Cohen", "Haddad", "Larsen", "Novak", "Ito", "Reyes", "Walker")

# Advanced intervention kind per skill group (the foundation step is always a course).
_ADVANCED_KIND = {
    "Basic Skills": "certification",
    "Social Skills": "coaching",
    "Complex Problem Solving Skills": "stretch_assignment",
    "Technical Skills": "certification",
    "Systems Skills": "rotation",
    "Resource Management Skills": "stretch_assignment",
}


def _choose_roles(roles: pd.DataFrame, n_roles: int | None, rng: np.random.Generator) -> pd.DataFrame:
    """All roles, or ``n_roles`` of them from the largest families (about six a family), seeded."""
    if n_roles is None or n_roles >= len(roles):
        return roles
    if n_roles < 2:
        raise ValueError("n_roles must be at least 2")
    sizes = roles["family"].value_counts()
    order = sorted(sizes.index, key=lambda f: (-sizes[f], f))
    families = order[: max(1, math.ceil(n_roles / 6))]
    queues = {f: list(rng.permutation(np.flatnonzero((roles["family"] == f).to_numpy()))) for f in families}
    picked: list[int] = []
    while len(picked) < n_roles and any(queues.values()):
        for f in families:
            if queues[f] and len(picked) < n_roles:
                picked.append(int(queues[f].pop(0)))
    return roles.iloc[sorted(picked)]


def onet_organisation(
    skills_path: str | Path,
    occupations_path: str | Path | None,
    n_employees: int,
    seed: int = 0,
    *,
    n_roles: int | None = None,
    critical_share: float = 0.15,
    importance_threshold: float = 3.0,
    horizon_quarters: int = 12,
) -> dict[str, pd.DataFrame]:
    """A complete synthetic dataset on the O*NET job architecture: table name -> frame (contract columns).

    Roles, skills and requirements come from :func:`import_onet` (``n_roles`` picks that many
    occupations, about six from each of the largest SOC major groups; all of them by default), with
    the top ``critical_share`` by grade critical (at least one). Then, from ``numpy.random.default_rng(seed)``:

    * critical roles: about 15% vacant now (quarter 0, no incumbent), half the rest fall vacant in a
      random quarter of the horizon, the others have no known vacancy; each filled one has an incumbent;
    * everyone else holds a non-critical role, headcount weighted 2^(6 - grade) (a pyramid);
      performance, potential, flight risk and learning hours as in a typical workforce, 85% open to
      move, a fifth aspiring to their own family;
    * skills: each person's level in every skill their role requires is that requirement plus a
      personal strength and noise (incumbents a bit stronger); in the skills the critical roles of
      their family require (and their own role does not) it is one level below that requirement, plus
      the same terms; zero levels are left out;
    * interventions: per skill, a one-quarter course 0 -> 3 and a two-quarter advanced step 3 -> 5
      (a certification, coaching, rotation or stretch assignment by skill group);
    * family moves: each family feeds itself and Management Occupations.

    Same arguments, same tables. The result passes :func:`planner.inputs.checks.build_organisation`.
    """
    if horizon_quarters < 1:
        raise ValueError("horizon_quarters must be at least 1")
    frames, mean_lv = _import(skills_path, occupations_path, importance_threshold, 0.0)
    rng = np.random.default_rng(seed)  # drawn from in this order: roles, vacancies, people, skill levels
    roles = _choose_roles(frames["roles"], n_roles, rng).reset_index(drop=True)
    roles["critical"] = _mark_critical(roles, mean_lv, critical_share if critical_share > 0 else 1e-9).astype(bool)
    crit = np.flatnonzero(roles["critical"].to_numpy())
    staff = np.flatnonzero(~roles["critical"].to_numpy())
    if not len(staff):
        raise ValueError("critical_share leaves no non-critical role for the rest of the workforce")
    held, quarter = _vacancies(crit, horizon_quarters, rng)
    if n_employees < len(held) + len(staff):
        raise ValueError(f"{n_employees} employees are too few: need at least {len(held) + len(staff)} "
                         f"({len(held)} incumbents and one per non-critical role)")
    employees, strength, is_incumbent = _people(roles, crit, staff, held, quarter, n_employees, rng)
    req = frames["role_requirements"][frames["role_requirements"]["role_id"].isin(set(roles["role_id"]))].reset_index(drop=True)
    employee_skills = _skill_levels(roles, req, employees, strength, is_incumbent, rng)
    skills = frames["skills"][frames["skills"]["skill_id"].isin(set(req["skill_id"]))].reset_index(drop=True)
    interventions, effects = _two_interventions_per_skill(skills)
    out = {
        "skills": skills,
        "employees": employees,
        "employee_skills": employee_skills,
        "roles": roles,
        "role_requirements": req,
        "interventions": interventions,
        "intervention_effects": effects,
        "family_moves": _family_moves(roles),
    }
    return {name: _contract(name, out[name]) for name in TABLES if name in out}


def _vacancies(crit: np.ndarray, horizon_quarters: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """About 15% of the critical roles vacant now (quarter 0), half the rest vacant in a random quarter
    of the horizon, the others with no known vacancy (-1). Returns the held critical roles and each
    critical role's vacancy quarter."""
    n_crit = len(crit)
    order = rng.permutation(n_crit)
    n_vacant = round(0.15 * n_crit)
    vacant = np.zeros(n_crit, dtype=bool)
    vacant[order[:n_vacant]] = True
    quarter = np.full(n_crit, -1)
    quarter[vacant] = 0
    rest = order[n_vacant:]
    soon = rest[: len(rest) // 2]
    quarter[soon] = rng.integers(min(1, horizon_quarters - 1), horizon_quarters, len(soon))
    return crit[~vacant], quarter


def _people(roles: pd.DataFrame, crit: np.ndarray, staff: np.ndarray, held: np.ndarray, quarter: np.ndarray,
            n_employees: int, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Who holds which role (incumbents first, then one per staff role, the rest by the grade pyramid)
    and their ratings; sets ``roles``' vacancy_quarter and incumbent_id. Returns the employees, each
    one's latent strength and whether they are an incumbent."""
    weights = 2.0 ** (6 - roles["level"].to_numpy()[staff])
    extra = rng.multinomial(n_employees - len(held) - len(staff), weights / weights.sum())
    role_of = np.concatenate([held, staff, np.repeat(staff, extra)])
    role_of = np.concatenate([role_of[: len(held)], rng.permutation(role_of[len(held):])])
    n = len(role_of)
    width = max(5, len(str(n)))
    ids = np.array([f"E{i:0{width}d}" for i in range(1, n + 1)], dtype=object)
    ids = ids[rng.permutation(n)]  # incumbents do not get the first IDs
    is_incumbent = np.arange(n) < len(held)

    vacancy = np.full(len(roles), -1)
    vacancy[crit] = quarter
    roles["vacancy_quarter"] = pd.Series(vacancy).where(vacancy >= 0).astype("Int64")
    roles["incumbent_id"] = pd.Series([None] * len(roles), dtype=object)
    roles.loc[held, "incumbent_id"] = ids[: len(held)]

    r = roles.iloc[role_of]
    strength = rng.standard_normal(n)
    perf_latent = 0.7 * strength + 0.71 * rng.standard_normal(n)
    pot_latent = 0.6 * perf_latent + 0.8 * rng.standard_normal(n)
    performance = 1 + np.digitize(perf_latent, [-1.751, -0.842, 0.524, 1.555])
    potential = 1 + np.digitize(pot_latent, [-0.524, 0.842])
    risk = 0.03 + rng.gamma(2.0, 0.04, n) + 0.04 * (potential == 3) + 0.05 * (performance <= 2)
    hours = np.clip(np.round(rng.normal(40, 11, n) / 4) * 4, 16, 72)
    name_idx = rng.integers(0, len(_FIRST) * len(_LAST), n)
    aspire = rng.random(n) < 0.2
    employees = pd.DataFrame({
        "employee_id": ids,
        "name": [f"{_FIRST[i // len(_LAST)]} {_LAST[i % len(_LAST)]}" for i in name_idx],
        "role_id": r["role_id"].to_numpy(),
        "department": r["department"].to_numpy(),
        "location": "",
        "performance": performance.astype("int64"),
        "potential": potential.astype("int64"),
        "flight_risk": np.clip(risk, 0.02, 0.35).round(2),
        "learning_hours_per_quarter": np.where(rng.random(n) < 0.03, 0.0, hours),
        "open_to_move": rng.random(n) < 0.85,
        "aspirations": np.where(aspire, r["family"].to_numpy(), ""),
    })
    return employees, strength, is_incumbent


def _skill_levels(roles: pd.DataFrame, req: pd.DataFrame, employees: pd.DataFrame, strength: np.ndarray,
                  is_incumbent: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Skill levels around the requirements of each person's own role and, one level below, of their
    family's critical roles; plus personal strength and noise; zero levels left out."""
    own = req.rename(columns={"role_id": "own_role", "level": "base"})
    crit_req = req.merge(roles[["role_id", "family", "critical"]], on="role_id")
    crit_req = crit_req[crit_req["critical"]].groupby(["family", "skill_id"], as_index=False)["level"].max()
    crit_req["base"] = (crit_req["level"] - 1).clip(lower=0)
    family_of = roles.set_index("role_id")["family"]
    person = pd.DataFrame({"employee_id": employees["employee_id"], "own_role": employees["role_id"],
                           "family": employees["role_id"].map(family_of).to_numpy(), "pos": np.arange(len(employees))})
    keep = ["employee_id", "pos", "skill_id", "base"]
    mine = person.merge(own, on="own_role")[keep]
    family = person.merge(crit_req[["family", "skill_id", "base"]], on="family")[keep]
    cells = pd.concat([mine, family], ignore_index=True).drop_duplicates(["employee_id", "skill_id"], keep="first")
    cells = cells.sort_values(["pos", "skill_id"], kind="stable").reset_index(drop=True)
    shift = 0.45 * strength - 0.2 + 0.35 * is_incumbent
    noise = rng.normal(0, 0.55, len(cells))
    level = np.clip(np.rint(cells["base"].to_numpy() + shift[cells["pos"].to_numpy()] + noise), 0, 5).astype("int64")
    employee_skills = pd.DataFrame({"employee_id": cells["employee_id"], "skill_id": cells["skill_id"], "level": level})
    return employee_skills[employee_skills["level"] > 0]


def _two_interventions_per_skill(skills: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per skill, a one-quarter course 0 -> 3 and a two-quarter advanced step 3 -> 5 (its kind by skill group)."""
    rows, effects = [], []
    for s in skills.itertuples(index=False):
        basic, advanced = f"I-{s.skill_id}-1", f"I-{s.skill_id}-2"
        rows.append((basic, f"{s.name} Foundations", "course", 1_500.0, 1, 24.0))
        rows.append((advanced, f"Advanced {s.name}", _ADVANCED_KIND.get(s.category, "course"), 4_000.0, 2, 16.0))
        effects += [(basic, s.skill_id, 0, 3), (advanced, s.skill_id, 3, 5)]
    interventions = pd.DataFrame(rows, columns=["intervention_id", "name", "kind", "cost", "duration_quarters",
                                                "hours_per_quarter"])
    interventions["seats_per_quarter"] = pd.array([pd.NA] * len(interventions), dtype="Int64")
    interventions["earliest_start_quarter"] = 0
    interventions["latest_start_quarter"] = pd.array([pd.NA] * len(interventions), dtype="Int64")
    return interventions, pd.DataFrame(effects, columns=["intervention_id", "skill_id", "min_level", "to_level"])


def _family_moves(roles: pd.DataFrame) -> pd.DataFrame:
    """Each family feeds itself and Management Occupations."""
    families = sorted(set(roles["family"]))
    moves = [(f, f) for f in families]
    if MANAGEMENT in families:
        moves += [(f, MANAGEMENT) for f in families if f != MANAGEMENT]
    return pd.DataFrame(moves, columns=["from_family", "to_family"])
