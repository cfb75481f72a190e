"""How the planner writes a table, one writer for every table it saves: datasets, plans,
comparisons, frontiers, attrition probabilities and imports. CSV is UTF-8 without an index;
Parquet keeps types; in Excel, text a spreadsheet would run as a formula gets a leading quote
(read back without it). Every file is written to a temporary sibling and renamed into place, so a
reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional

import pandas as pd

FORMATS = ("csv", "parquet", "xlsx")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # text starting with these would be a formula in a spreadsheet


def defuse_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy where text a spreadsheet would run as a formula starts with ' instead."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v)
    return out


def restore_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`defuse_formulas`, for reading a workbook back: "'=x" in a sheet is the text "=x"."""
    escaped = tuple("'" + c for c in FORMULA_START)
    return df.map(lambda v: v[1:] if isinstance(v, str) and v.startswith(escaped) else v)


def write_file_atomically(target: Path, write) -> Path:
    """Call ``write(tmp)`` on a temporary sibling of ``target``, flush it to disk, rename it onto ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_text_atomically(target: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    return write_file_atomically(Path(target), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_workbook(tables: dict[str, pd.DataFrame], target: Path) -> Path:
    """An .xlsx workbook with one sheet per table (names cut to Excel's 31 characters), formulas defused."""
    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for sheet, df in tables.items():
                defuse_formulas(df).to_excel(writer, sheet_name=sheet[:31], index=False)
    return write_file_atomically(Path(target), write)


def write_table(df: pd.DataFrame, target: str | Path, fmt: Optional[str] = None, float_format: Optional[str] = None) -> Path:
    """Write one table to ``target`` in ``fmt`` (by default from its suffix: .csv, .parquet, .xlsx).
    ``float_format`` (CSV only, e.g. "%.10g") fixes how floats are spelled."""
    target = Path(target)
    fmt = fmt or target.suffix.lower().lstrip(".")
    if fmt == "csv":
        return write_file_atomically(target, lambda tmp: df.to_csv(tmp, index=False, float_format=float_format))
    if fmt == "parquet":
        return write_file_atomically(target, lambda tmp: df.to_parquet(tmp, index=False))
    if fmt == "xlsx":
        return write_workbook({target.stem: df}, target)
    raise ValueError(f"cannot write {target}: the format {fmt!r} is not one of {', '.join(FORMATS)}")
