"""Read and write the organisation's tables as files.

A dataset is one of these layouts (table names as in :data:`planner.contract.domain.TABLES`):

* a folder with one file per table, named ``<table>.csv``, ``<table>.parquet`` or ``<table>.xlsx``
  (first sheet); formats may be mixed, but each table has exactly one file;
* a folder holding a single ``.xlsx`` workbook (and no per-table files), or the path of that
  workbook: one sheet per table, the sheet named after the table.

CSV files must be UTF-8 (a byte-order mark is fine) with a header line naming the table's columns, and
every line must have as many fields as the header (a blank line is fine). Every cell is read as text,
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

from planner.contract.domain import TABLES, Organisation
from planner.contract.errors import InputError, Issue
from planner.contract.paths import check_file_output, write_folder
from planner.contract.tables import FORMATS, restore_formulas, write_table, write_workbook
from planner.inputs.checks import build_organisation, validate_frames

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


class _Unreadable(Exception):
    """A file problem with a precise message (and row, when known)."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


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


def _check_text(file: Path) -> None:
    """Stream the bytes once: text, not binary data; UTF-8; not blank. Names the line of the first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, blank = 0, True  # newlines before the current block; nothing but whitespace so far

    def decode(block: bytes, final: bool = False) -> None:
        try:
            decoder.decode(block, final)
        except UnicodeDecodeError as exc:
            line = lines + exc.object.count(b"\n", 0, exc.start) + 1
            raise _Unreadable(
                f"is not UTF-8 text (byte {exc.object[exc.start]:#04x} on line {line}); save it as 'CSV UTF-8'", row=line
            ) from None

    with open(file, "rb") as fh:
        while block := fh.read(_BLOCK):
            if fh.tell() == len(block) and block.startswith(tuple(_SIGNATURES)):
                raise _Unreadable(f"is {_describe(block)}, not CSV text")
            nul = block.find(b"\x00")
            if nul >= 0:
                line = lines + block.count(b"\n", 0, nul) + 1
                raise _Unreadable(f"holds binary data (a NUL byte on line {line}), not CSV text", row=line)
            decode(block)
            lines, blank = lines + block.count(b"\n"), blank and not block.strip()
    decode(b"", final=True)
    if blank:
        raise _Unreadable("is empty: expected a header line with the column names")


def _check_shape(file: Path, table: str) -> None:
    """Stream the CSV once: line 1 names some of the table's columns, and every non-blank line has as
    many fields as line 1. Junk is refused at its first bad line instead of being parsed in full."""
    expected = list(TABLES[table].row_model.model_fields)
    with open(file, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, [])
            if not {c.strip() for c in header} & set(expected):
                found = ",".join(header)
                raise _Unreadable(f"line 1 is not a header line: it names none of the columns of '{table}' "
                                  f"({', '.join(expected)}); it reads {found[:60]!r}", row=1)
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


def _read_sheets(book: Path, sheet: int | None) -> pd.DataFrame | dict[str, pd.DataFrame]:
    sheets = pd.read_excel(book, sheet_name=sheet, dtype=object, keep_default_na=False)
    return {name: restore_formulas(df) for name, df in sheets.items()} if sheet is None else restore_formulas(sheets)


def _read_file(file: Path) -> pd.DataFrame:
    fmt = _fmt(file)
    if fmt == "csv":
        return _read_csv(file)
    _check_signature(file, fmt)
    if fmt == "parquet":
        return pd.read_parquet(file)
    return _read_sheets(file, 0)


def _load(table: str, label: str, fmt: str, read) -> tuple[pd.DataFrame | None, Issue | None]:
    """Call ``read()``; a failure or a table without columns becomes an issue about ``label``."""
    try:
        df = read()
    except _Unreadable as exc:
        return None, Issue(table=table, file=label, row=exc.row, message=str(exc))
    except Exception as exc:  # any parser's failure means the same to the user: the file is unreadable
        problem = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        return None, Issue(table=table, file=label, message=f"cannot be read as {_KIND[fmt]}: {problem}")
    if df.columns.empty:
        return None, Issue(table=table, file=label, message="is empty: expected a header row with the column names")
    return df, None


def _missing(table: str, label: str, where: str) -> Issue:
    return Issue(table=table, file=label, message=f"required table '{table}' is missing: {where}")


def _read_workbook(book: Path) -> tuple[dict[str, pd.DataFrame], Locations, list[Issue]]:
    try:
        _check_signature(book, "xlsx")
        sheets = {name.strip().lower(): df for name, df in _read_sheets(book, None).items()}
    except _Unreadable as exc:
        return {}, {}, [Issue(table="dataset", file=str(book), message=str(exc))]
    except Exception as exc:  # see _load
        return {}, {}, [Issue(table="dataset", file=str(book), message=f"cannot be read as {_KIND['xlsx']}: {exc}")]
    raw, where, issues = {}, {}, []
    for name, spec in TABLES.items():
        label = f"{book}[{name}]"
        if name in sheets:
            df, problem = _load(name, label, "xlsx", lambda: sheets[name])
            if problem:
                issues.append(problem)
            else:
                raw[name], where[name] = df, (label, _ROW_OFFSET["xlsx"])
        elif spec.required:
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


def dataset_fingerprint(org: Organisation) -> str:
    """SHA-256 of the tables as canonical CSV (contract columns, rows sorted by key).

    The same data gives the same fingerprint whichever files it was read from; a missing optional
    table counts as an empty one.
    """
    digest = hashlib.sha256()
    for name, spec in TABLES.items():
        columns = list(spec.row_model.model_fields)
        df = org.table(name)
        df = pd.DataFrame(columns=columns) if df is None else df[columns].sort_values(list(spec.key))
        digest.update(f"# {name}\n".encode())
        digest.update(df.to_csv(index=False, lineterminator="\n").encode())
    return digest.hexdigest()


def input_fingerprint(org: Organisation, scenario) -> str:
    """SHA-256 of what defines the problem: the tables (:func:`dataset_fingerprint`) and the scenario's
    settings other than its name, description, dataset path, ``extends``, solver settings and the
    overrides' rationales, which change how a plan is found or explained, not which plans are valid
    or what they cost. ``planner check`` compares it with the plan's own. It guards against mistakes
    and naive edits, not against forgery: anyone can recompute it."""
    rationale = {"__all__": {"rationale"}}
    settings = scenario.model_dump(exclude={"dataset": True, "name": True, "description": True, "extends": True,
                                            "solver": True, "pins": rationale, "vetoes": rationale, "locks": rationale})
    payload = dataset_fingerprint(org) + json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()
