"""Read and write the organisation's tables as files.

A dataset is one of these layouts (table names as in :data:`planner.contract.domain.TABLES`):

* a folder with one file per table, named ``<table>.csv``, ``<table>.parquet`` or ``<table>.xlsx``
  (first sheet); formats may be mixed, but each table has exactly one file;
* a folder holding a single ``.xlsx`` workbook (and no per-table files), or the path of that
  workbook: one sheet per table, the sheet named after the table (trimmed, any case). Two sheets
  named like one table, or a hidden sheet named like a table, are an issue: never resolved by
  picking one, never read unseen.

CSV files must be UTF-8 (a byte-order mark is fine) with a header line naming the table's columns, and
every line must have as many fields as the header (a blank line is fine). A file in UTF-16 or UTF-32
(Excel's "Unicode Text"), in another encoding, or split on ';' or tabs, is refused with a message
naming what it seems to be and how to save a comma-separated UTF-8 file. In a sheet, the header is
row 1 (a sheet whose column names sit lower is refused, naming their row), and a formula cell must
hold its saved value (:mod:`planner.inputs.workbooks`). A header naming a column twice (after
trimming) is an issue in a CSV file and in a sheet. Every cell is read as text,
so IDs such as ``0042`` keep their leading zeros; a Parquet or Excel file may hold typed columns
(IDs that Excel turned into numbers come back as ``42``, not ``42.0``). Parsing and checking the
values is :mod:`planner.inputs.checks`'s job; this module only reports files it cannot read. Issues name
the file (for a workbook ``book.xlsx[sheet]``) and the row as a person sees it: the line in a CSV or
the row in a sheet (header = 1), the row counted from 1 in Parquet.

A file whose bytes are not what its extension says (CSV text named ``.parquet``, a truncated Parquet
file, binary junk named ``.csv``) is refused before any parser sees it, so that junk costs a glance at
its first and last bytes, not a full parse: a CSV file is streamed once to check its text and once to
check its shape (bounded memory) before pandas reads it.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from pathlib import Path

import pandas as pd
from openpyxl.utils.cell import get_column_letter

from planner.contract.domain import TABLES, Organisation
from planner.contract.scenario import WORKFORCE_CHANGES
from planner.contract.errors import InputError, Issue
from planner.contract.paths import check_file_output, write_folder
from planner.contract.tables import FORMATS, restore_formulas, write_table, write_workbook
from planner.inputs.checks import build_organisation, validate_frames
from planner.inputs.workbooks import Formula, Sheet, formulas_without_values, worksheets

Locations = dict[str, tuple[str | None, int]]
_ROW_OFFSET = {"csv": 2, "parquet": 1, "xlsx": 2}
_KIND = {"csv": "CSV", "parquet": "Parquet", "xlsx": "an Excel workbook"}
_BLOCK = 1 << 20  # bytes read at a time when streaming a CSV file
_SIGNATURES = {  # first bytes of formats people save by mistake, for messages
    b"PAR1": "a Parquet file",
    b"PK\x03\x04": "a zip archive (an .xlsx workbook?)",
    b"\xd0\xcf\x11\xe0": "an old-format Office file (.xls?)",
    b"%PDF": "a PDF document",
}
_WIDE = {  # byte-order marks of the wider Unicode encodings (Excel's "Unicode Text" is UTF-16), longest first;
    # the codecs of the same names read the mark and skip it
    codecs.BOM_UTF32_LE: "UTF-32", codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16", codecs.BOM_UTF16_BE: "UTF-16",
}
_SAVE_CSV = ("save it as comma-separated UTF-8: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited)'; in LibreOffice, "
             "File > Save As > 'Text CSV' with character set 'Unicode (UTF-8)' and field delimiter ','")


class _Unreadable(Exception):
    """A file problem with a precise message (and row and column, when known)."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.row, self.column = row, column


def _fmt(file: Path) -> str:
    return file.suffix.lower().lstrip(".")


def _is_data_file(file: Path) -> bool:
    """A .csv, .parquet or .xlsx file that is not hidden or an Excel lock file."""
    return file.is_file() and not file.name.startswith((".", "~$")) and _fmt(file) in FORMATS


def _is_table_file(file: Path) -> bool:
    """``<table>.csv``, ``<table>.parquet`` or ``<table>.xlsx``."""
    return _is_data_file(file) and file.stem.lower() in TABLES


def _is_workbook(file: Path) -> bool:
    """An .xlsx file not named after a table: a workbook with a sheet per table."""
    return _is_data_file(file) and _fmt(file) == "xlsx" and file.stem.lower() not in TABLES


def _describe(head: bytes) -> str:
    """What a file's first bytes look like, for messages: a known format, binary data, or text."""
    for magic, what in _SIGNATURES.items():
        if head.startswith(magic):
            return what
    if not head.strip():
        return "an empty file"
    if b"\x00" in head:
        return "binary data"
    first = head.decode("utf-8", errors="replace").lstrip("\ufeff").strip().splitlines()[0]
    return f"text starting {first[:60]!r}"


def _check_signature(file: Path, fmt: str) -> None:
    """Refuse a Parquet or .xlsx file whose first or last bytes are not that format's (no parser involved)."""
    size = file.stat().st_size
    with open(file, "rb") as fh:
        head = fh.read(4096)
        fh.seek(max(0, size - 65_558))  # a zip's end record sits in its last 64 KiB + 22 bytes
        tail = fh.read()
    magic, end, kind = {
        "parquet": (b"PAR1", b"PAR1", "a Parquet file"),
        "xlsx": (b"PK\x03\x04", b"PK\x05\x06", "an .xlsx workbook"),
    }[fmt]
    if not head.startswith(magic):
        raise _Unreadable(f"cannot be read as {_KIND[fmt]}: it is {_describe(head)}, not {kind}")
    if not (tail.endswith(end) if fmt == "parquet" else end in tail):
        raise _Unreadable(f"cannot be read as {_KIND[fmt]}: it is truncated or damaged ({kind} that stops "
                          f"after {size:,} bytes, without its end marker)")


def _wide_unicode(head: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' if a file's first bytes are that (a byte-order mark, or ASCII text with a NUL
    byte beside each character), else None."""
    for bom, name in _WIDE.items():
        if head.startswith(bom):
            return f"{name} (with a byte-order mark)" if _is_text(head[:64], name) else None
    sample = head[: min(64, len(head)) // 2 * 2]
    odd, even = sample[1::2], sample[0::2]
    if len(sample) >= 4 and ((all(even) and not any(odd)) or (all(odd) and not any(even))):
        return "UTF-16"
    return None


def _is_text(sample: bytes, codec: str) -> bool:
    """Whether ``sample`` (a file's first bytes, perhaps cut inside a character) is printable text in ``codec``."""
    try:
        text = codecs.getincrementaldecoder(codec)().decode(sample)
    except UnicodeDecodeError:
        return False
    return text.translate({ord(c): None for c in "\t\r\n"}).isprintable()


def _looks_like(data: bytes) -> str:
    """The encoding text that is not UTF-8 seems to be in, for messages."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "an encoding other than UTF-8"
    return "Windows-1252 (Latin-1), which Excel's plain 'CSV (Comma delimited)' writes on Windows"


def _check_text(file: Path) -> None:
    """Stream the bytes once: text, not binary data; UTF-8 (not UTF-16 or Windows-1252); not blank. Names
    the line of the first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, blank = 0, True  # newlines before the current block; nothing but whitespace so far

    def decode(block: bytes, final: bool = False) -> None:
        try:
            decoder.decode(block, final)
        except UnicodeDecodeError as exc:
            line = lines + exc.object.count(b"\n", 0, exc.start) + 1
            raise _Unreadable(f"is not UTF-8 text (byte {exc.object[exc.start]:#04x} on line {line}); it looks like "
                              f"{_looks_like(exc.object)}. The planner reads UTF-8: {_SAVE_CSV}", row=line) from None

    with open(file, "rb") as fh:
        while block := fh.read(_BLOCK):
            if fh.tell() == len(block) and block.startswith(tuple(_SIGNATURES)):
                raise _Unreadable(f"is {_describe(block)}, not CSV text")
            if fh.tell() == len(block) and (wide := _wide_unicode(block)):
                excel = " as Excel's 'Unicode Text' saves it," if wide.startswith("UTF-16") else ""
                raise _Unreadable(f"is {wide} text,{excel} not UTF-8. The planner reads UTF-8: {_SAVE_CSV}", row=1)
            nul = block.find(b"\x00")
            if nul >= 0:
                line = lines + block.count(b"\n", 0, nul) + 1
                raise _Unreadable(f"holds binary data (a NUL byte on line {line}), not CSV text", row=line)
            decode(block)
            lines, blank = lines + block.count(b"\n"), blank and not block.strip()
    decode(b"", final=True)
    if blank:
        raise _Unreadable("is empty: expected a header line with the column names")


def _names_columns(header: list, table: str) -> bool:
    """Whether a header (cells of line or row 1) names any of the table's columns, after trimming."""
    return bool({str(c).strip() for c in header} & set(TABLES[table].row_model.model_fields))


def _check_header(names: list[str], place) -> None:
    """Refuse a header that names a column twice after trimming (pandas would keep both, one renamed
    'x.1', and only one would be read). ``place(indexes)`` spells where the copies are."""
    at: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if name:
            at.setdefault(name, []).append(i)
    for name, found in at.items():
        if len(found) > 1:
            raise _Unreadable(f"the header names column '{name}' {len(found)} times ({place(found)}): keep one, so "
                              "that it is clear which holds the data", row=1, column=name)


def _delimiter(first: str, table: str) -> str | None:
    """How to call the delimiter of a line 1 that names the table's columns when split on ';' or tabs."""
    for delimiter, name in ((";", "';'"), ("\t", "tabs")):
        if _names_columns(next(csv.reader([first], delimiter=delimiter), []), table):
            return name
    return None


def _check_shape(file: Path, table: str) -> None:
    """Stream the CSV once: line 1 names some of the table's columns (a line 1 split on ';' or tabs is
    named as such), each once, and every non-blank line has as many fields as line 1. Junk is refused
    at its first bad line instead of being parsed in full."""
    expected = list(TABLES[table].row_model.model_fields)
    with open(file, newline="", encoding="utf-8-sig") as fh:
        first = fh.readline(_BLOCK)
        fh.seek(0)
        reader = csv.reader(fh)
        try:
            header = next(reader, [])
            if not _names_columns(header, table):
                if delimiter := _delimiter(first, table):
                    raise _Unreadable(f"seems to use {delimiter} as the delimiter (line 1 reads {first.strip()[:60]!r}), "
                                      f"but the planner reads comma-separated files: {_SAVE_CSV}", row=1)
                found = ",".join(header)
                raise _Unreadable(f"line 1 is not a header line: it names none of the columns of '{table}' "
                                  f"({', '.join(expected)}); it reads {found[:60]!r}", row=1)
            _check_header([c.strip() for c in header], lambda at: "fields " + " and ".join(str(i + 1) for i in at))
            line = reader.line_num + 1  # where the next record starts
            for row in reader:
                if len(row) != len(header) and any(c.strip() for c in row):
                    spans = f" (a quoted cell runs on to line {reader.line_num}: a quote never closed?)"
                    raise _Unreadable(f"cannot be read as CSV: line {line} has {len(row)} field(s) but the header "
                                      f"line has {len(header)}{spans if reader.line_num > line else ''}", row=line)
                line = reader.line_num + 1
        except csv.Error as exc:
            line = reader.line_num
            problem = str(exc)
            if "field limit" in problem:
                problem = f"a cell is longer than {csv.field_size_limit():,} characters (a quote that is never closed?)"
            raise _Unreadable(f"cannot be read as CSV: line {line}: {problem}", row=line) from None


def _read_csv(file: Path) -> pd.DataFrame:
    _check_text(file)
    _check_shape(file, file.stem.lower())
    # Blank lines are kept so that row numbers stay line numbers; only trailing ones are dropped.
    df = pd.read_csv(file, encoding="utf-8-sig", dtype=str, keep_default_na=False, skip_blank_lines=False)
    filled = df.ne("").any(axis=1)
    return df.loc[: filled[filled].index.max()] if filled.any() else df.iloc[:0]


def _read_grids(book: Path, sheets: list[Sheet]) -> dict[str, pd.DataFrame]:
    """Each sheet's cells as read, row 1 included (row r is index r - 1): no header taken yet."""
    return pd.read_excel(book, sheet_name=[s.name for s in sheets], header=None, dtype=object, keep_default_na=False)


def _formula_problem(formulas: list[Formula], header: list[str]) -> _Unreadable:
    """The issue for a sheet's formulas without saved values: the first named, the rest counted."""
    first = formulas[0]
    cell = f"{get_column_letter(first.column)}{first.row}"
    what = f"a formula ({first.text})" if first.text else "a formula"
    more = f", like {len(formulas) - 1:,} other cell(s) of this sheet" if len(formulas) > 1 else ""
    column = header[first.column - 1] if first.row > 1 and first.column <= len(header) else ""
    return _Unreadable(f"cell {cell} holds {what} with no saved value{more}: the workbook was written by a program "
                       "that never calculated it, so these cells would read as empty. Open it in Excel or LibreOffice "
                       "and save it (or paste the values over the formulas)", row=first.row, column=column or None)


def _sheet_table(book: Path, sheet: Sheet, grid: pd.DataFrame, table: str) -> pd.DataFrame:
    """A sheet's cells (``grid``) as the table: every formula has a saved value, row 1 is the header (a
    sheet whose column names sit lower says where), and names each column once."""
    header = [str(c).strip() for c in grid.iloc[0]] if len(grid) else []
    formulas = formulas_without_values(book, sheet)
    if formulas:
        raise _formula_problem(formulas, header)
    if grid.empty:
        return grid
    if not _names_columns(header, table):
        named = grid.map(lambda c: str(c).strip()).isin(set(TABLES[table].row_model.model_fields)).any(axis=1)
        if named.any():
            row = int(named.idxmax()) + 1
            raise _Unreadable(f"the header should be on row 1, but the column names seem to be on row {row}: delete "
                              "the row(s) above it", row=row)
    _check_header(header, lambda at: "columns " + " and ".join(get_column_letter(i + 1) for i in at))
    df = grid.iloc[1:].reset_index(drop=True)
    df.columns = [name or f"Unnamed: {i}" for i, name in enumerate(header)]
    return restore_formulas(df)


def _read_file(file: Path) -> pd.DataFrame:
    fmt = _fmt(file)
    if fmt == "csv":
        return _read_csv(file)
    _check_signature(file, fmt)
    if fmt == "parquet":
        return pd.read_parquet(file)
    first = worksheets(file)[0]
    return _sheet_table(file, first, _read_grids(file, [first])[first.name], file.stem.lower())


def _load(table: str, label: str, fmt: str, read) -> tuple[pd.DataFrame | None, Issue | None]:
    """Call ``read()``; a failure or a table without columns becomes an issue about ``label``."""
    try:
        df = read()
    except _Unreadable as exc:
        return None, Issue(table=table, file=label, row=exc.row, column=exc.column, message=str(exc))
    except Exception as exc:  # any parser's failure means the same to the user: the file is unreadable
        problem = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        return None, Issue(table=table, file=label, message=f"cannot be read as {_KIND[fmt]}: {problem}")
    if df.columns.empty:
        return None, Issue(table=table, file=label, message="is empty: expected a header row with the column names")
    return df, None


def _missing(table: str, label: str, where: str) -> Issue:
    return Issue(table=table, file=label, message=f"required table '{table}' is missing: {where}")


def _match_sheets(book: Path, sheets: list[Sheet]) -> tuple[dict[str, Sheet], list[Issue]]:
    """Each table's sheet: the one sheet named after it (after trimming and ignoring case), visible.
    Two such sheets, or a hidden one, are an issue about the table, never resolved by picking one."""
    named: dict[str, list[Sheet]] = {}
    for sheet in sheets:
        named.setdefault(sheet.name.strip().casefold(), []).append(sheet)
    chosen, issues = {}, []
    for name in TABLES:
        found = named.get(name, [])
        if len(found) > 1:
            names = " and ".join(repr(s.name) + (" (hidden: you cannot see it)" if s.hidden else "") for s in found)
            issues.append(Issue(table=name, file=str(book), message=f"has {len(found)} sheets named like table '{name}' "
                                f"({names}; names are compared after trimming spaces and ignoring case): keep one"))
        elif found and found[0].hidden:
            issues.append(Issue(table=name, file=str(book), message=f"sheet {found[0].name!r} (table '{name}') is "
                                "hidden: you cannot see it, so the planner does not read it; unhide it (right-click a "
                                "sheet tab > Unhide) if it holds the table, or delete it"))
        elif found:
            chosen[name] = found[0]
    return chosen, issues


def _read_workbook(book: Path) -> tuple[dict[str, pd.DataFrame], Locations, list[Issue]]:
    try:
        _check_signature(book, "xlsx")
        chosen, issues = _match_sheets(book, worksheets(book))
        grids = _read_grids(book, list(chosen.values())) if chosen else {}
    except _Unreadable as exc:
        return {}, {}, [Issue(table="dataset", file=str(book), message=str(exc))]
    except Exception as exc:  # see _load
        return {}, {}, [Issue(table="dataset", file=str(book), message=f"cannot be read as {_KIND['xlsx']}: {exc}")]
    raw, where, refused = {}, {}, {i.table for i in issues}
    for name, spec in TABLES.items():
        label = f"{book}[{name}]"
        if name in chosen:
            sheet = chosen[name]
            df, problem = _load(name, label, "xlsx", lambda: _sheet_table(book, sheet, grids[sheet.name], name))
            if problem:
                issues.append(problem)
            else:
                raw[name], where[name] = df, (label, _ROW_OFFSET["xlsx"])
        elif spec.required and name not in refused:
            issues.append(_missing(name, str(book), f"the workbook has no sheet named '{name}'"))
    return raw, where, issues


def read_tables(path: str | Path) -> tuple[dict[str, pd.DataFrame], Locations, list[Issue]]:
    """Read a dataset's raw tables: (frames, ``where`` for validation, issues about unreadable files).

    A table whose file cannot be read is left out of the frames and has an issue instead; so does a
    required table with no file.
    """
    path = Path(path)
    if path.is_file() and _fmt(path) == "xlsx":
        return _read_workbook(path)
    if not path.is_dir():
        message = "is not a folder of tables or an .xlsx workbook" if path.exists() else "not found"
        return {}, {}, [Issue(table="dataset", file=str(path), message=message)]

    found: dict[str, list[Path]] = {}
    for file in sorted(path.iterdir()):
        if _is_table_file(file):
            found.setdefault(file.stem.lower(), []).append(file)
    workbooks = [f for f in sorted(path.iterdir()) if _is_workbook(f)]
    if not found and len(workbooks) == 1:
        return _read_workbook(workbooks[0])
    if not found and workbooks:
        names = ", ".join(w.name for w in workbooks)
        return {}, {}, [Issue(table="dataset", file=str(path), message=f"holds several workbooks ({names}): keep one")]

    raw, where, issues = {}, {}, []
    for name, spec in TABLES.items():
        files = found.get(name, [])
        if len(files) > 1:
            names = ", ".join(f.name for f in files)
            message = f"has {len(files)} files for table '{name}' ({names}): keep one"
            issues.append(Issue(table=name, file=str(path), message=message))
        elif files:
            fmt = _fmt(files[0])
            df, problem = _load(name, str(files[0]), fmt, lambda: _read_file(files[0]))
            if problem:
                issues.append(problem)
            else:
                raw[name], where[name] = df, (str(files[0]), _ROW_OFFSET[fmt])
        elif spec.required:
            expected = f"expected {name}.csv, {name}.parquet or {name}.xlsx in this folder"
            issues.append(_missing(name, str(path), expected))
    return raw, where, issues


def load_dataset(path: str | Path) -> Organisation:
    """Read and validate a dataset; raise :class:`InputError` listing every problem, file-level ones included."""
    raw, where, issues = read_tables(path)
    if not issues:
        files = {name: file for name, (file, _) in where.items()}
        return build_organisation(raw, source=str(path), files=files, where=where)
    if raw:
        reported = {i.table for i in issues}  # validation would only add "table is missing" for these
        _, found = validate_frames(raw, where)
        issues += [i for i in found if i.table not in reported]
    raise InputError(issues)


def write_dataset(
    org_or_frames: Organisation | dict[str, pd.DataFrame], path: str | Path, fmt: str | None = None,
    float_format: str | None = None, force: bool = False,
) -> Path:
    """Write every table to ``path``: a folder of ``<table>.<fmt>`` files, or one workbook if ``path`` ends in .xlsx.

    ``fmt`` is "csv" (default), "parquet" or "xlsx" (a workbook per table in a folder). The write is
    atomic (:func:`planner.contract.paths.write_folder`; a workbook goes to a temporary sibling file
    and is renamed into place), so ``path`` holds either the old or the new dataset in full. An
    existing folder is replaced only if it is empty or a dataset the planner wrote (its manifest
    lists every file in it, unchanged), an existing workbook not at all, unless ``force``; never the
    organisation's own source. Otherwise OutputRefused (a FileExistsError) names the path.
    ``float_format`` fixes how CSV floats are spelled (planner.contract.tables.write_table).
    """
    path = Path(path)
    workbook = _fmt(path) == "xlsx"
    fmt = fmt or ("xlsx" if workbook else "csv")
    if fmt not in FORMATS or (workbook and fmt != "xlsx"):
        raise ValueError(f"cannot write {fmt!r} to {path}: use one of {', '.join(FORMATS)} (xlsx for an .xlsx path)")
    sources = [org_or_frames.source] if isinstance(org_or_frames, Organisation) else []
    if isinstance(org_or_frames, Organisation):
        frames = {name: org_or_frames.table(name) for name in TABLES if org_or_frames.table(name) is not None}
    else:
        frames = dict(org_or_frames)
    if workbook:
        check_file_output(path, sources, force)
        return write_workbook(frames, path)  # written to a temporary sibling and renamed into place

    def write(folder: Path) -> None:
        for name, df in frames.items():
            write_table(df, folder / f"{name}.{fmt}", fmt, float_format=float_format)

    write_folder(path, "dataset", write, inputs=sources, force=force)
    return path


# What only the workforce plan reads: its tables and two employee columns. The succession plan's
# fingerprint leaves them out, so that a workforce what-if can reuse the baseline's succession plan
# and a plan saved before these existed keeps its fingerprint.
WORKFORCE_ONLY = {"workforce_costs": None, "workforce_demand": None, "workforce_moves": None, "workforce_supply": None,
                  "employees": ("fte", "retirement_quarter")}


def _table_digest(digest, org: Organisation, name: str, columns: list[str]) -> None:
    spec = TABLES[name]
    df = org.table(name)
    df = pd.DataFrame(columns=columns) if df is None else df[columns].sort_values(list(spec.key))
    digest.update(f"# {name}\n".encode())
    digest.update(df.to_csv(index=False, lineterminator="\n").encode())


def dataset_fingerprint(org: Organisation) -> str:
    """SHA-256 of the tables the succession plan reads, as canonical CSV (contract columns, rows sorted
    by key): every table and column but the workforce plan's own (``WORKFORCE_ONLY``).

    The same data gives the same fingerprint whichever files it was read from; a missing optional
    table counts as an empty one.
    """
    digest = hashlib.sha256()
    for name, spec in TABLES.items():
        if name in WORKFORCE_ONLY and WORKFORCE_ONLY[name] is None:
            continue
        skip = WORKFORCE_ONLY.get(name) or ()
        _table_digest(digest, org, name, [c for c in spec.row_model.model_fields if c not in skip])
    return digest.hexdigest()


def input_fingerprint(org: Organisation, scenario) -> str:
    """SHA-256 of what defines the succession problem: the tables (:func:`dataset_fingerprint`) and the
    scenario's settings other than its name, description, dataset path, ``extends``, solver settings,
    the overrides' rationales (which change how a plan is found or explained, not which plans are valid
    or what they cost) and the workforce settings and changes (:func:`workforce_fingerprint`).
    ``planner check`` compares it with the plan's own. It guards against mistakes and naive edits, not
    against forgery: anyone can recompute it."""
    rationale = {"__all__": {"rationale"}}
    settings = scenario.model_dump(exclude={"dataset": True, "name": True, "description": True, "extends": True,
                                            "solver": True, "workforce": True, "pins": rationale, "vetoes": rationale,
                                            "locks": rationale})
    settings["changes"] = [c for c in settings["changes"] if c["type"] not in WORKFORCE_CHANGES]
    payload = dataset_fingerprint(org) + json.dumps(settings, sort_keys=True, default=str)
    fairness = scenario.policy.fairness
    if fairness is not None and fairness.attribute in org.employees.columns:  # the group's column (often an extra one)
        payload += org.employees[["employee_id", fairness.attribute]].astype(str).sort_values("employee_id").to_csv(index=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def workforce_fingerprint(org: Organisation, scenario) -> str:
    """SHA-256 of what defines a workforce plan besides its succession plan's inputs: the workforce
    tables and columns, the workforce settings (but its time and gap limits) and the workforce changes,
    with :func:`input_fingerprint` (the succession plan it joins)."""
    digest = hashlib.sha256(input_fingerprint(org, scenario).encode())
    for name, columns in WORKFORCE_ONLY.items():
        fields = list(TABLES[name].row_model.model_fields)
        _table_digest(digest, org, name, fields if columns is None else [*TABLES[name].key, *columns])
    settings = {"workforce": scenario.workforce.model_dump(exclude={"time_limit_seconds", "relative_gap_limit"}),
                "changes": [c.model_dump() for c in scenario.changes if c.type in WORKFORCE_CHANGES]}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    return digest.hexdigest()
