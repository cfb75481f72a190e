"""The Organisation page: edits and uploads of the tables, validated before anything is saved."""

from __future__ import annotations

import tempfile
import typing
from pathlib import Path
from typing import Literal, Optional

import pandas as pd

from planner.contract.domain import TABLES
from planner.contract.errors import Issue
from planner.inputs.files import read_tables
from planner.inputs.checks import validate_frames
from planner.app_support.drafts import field_limits


def field_specs(table: str) -> list[dict]:
    """How each column of a table may be edited: name, kind (int, float, bool, choice, text), limits,
    choices, whether it is required, and the row model's description."""
    specs = []
    model = TABLES[table].row_model
    for name, f in model.model_fields.items():
        annotation, args = f.annotation, typing.get_args(f.annotation)
        optional = type(None) in args
        if optional:
            annotation = next(a for a in args if a is not type(None))
        choices = list(typing.get_args(annotation)) if typing.get_origin(annotation) is Literal else []
        kind = "choice" if choices else {str: "text", int: "int", float: "float", bool: "bool"}[annotation]
        lo, hi = field_limits(model, name)
        specs.append(dict(name=name, kind=kind, min=lo, max=hi, choices=choices,
                          required=f.is_required() and not optional, help=f.description))
    return specs


def apply_edits(df: pd.DataFrame, record: Optional[dict]) -> pd.DataFrame:
    """``df`` with a st.data_editor edit record applied (as Streamlit does: edited cells, then deleted
    rows, then added rows). Positions are row positions in ``df``. Columns become ``object`` so that
    any edited value survives for validation to judge."""
    out = df.reset_index(drop=True).astype(object)
    if not record:
        return out
    for pos, cells in (record.get("edited_rows") or {}).items():
        for column, value in cells.items():
            if column in out.columns and int(pos) < len(out):
                out.at[int(pos), column] = value
    deleted = [int(p) for p in record.get("deleted_rows") or [] if int(p) < len(out)]
    out = out.drop(index=deleted).reset_index(drop=True)
    added = [{c: v for c, v in row.items() if c in out.columns} for row in record.get("added_rows") or []]
    if added:
        out = pd.concat([out, pd.DataFrame(added, columns=out.columns, dtype=object)], ignore_index=True)
    return out.astype(object).where(out.notna(), None)


def has_edits(record: Optional[dict]) -> bool:
    return bool(record) and any(record.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def restore_types(edited: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """``edited`` (object columns) with each column cast back to ``like``'s type where every value allows."""
    out = edited.copy()
    for col in out.columns:
        if col in like.columns:
            try:
                out[col] = out[col].astype(like[col].dtype)
            except (TypeError, ValueError):
                pass  # a value the type cannot hold stays as typed, for validation to report
    return out


def validate_tables(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Validate a whole dataset held in memory with the CLI's rules; rows are counted from 1."""
    raw = {name: df for name, df in tables.items() if df is not None}
    return validate_frames(raw, {name: (None, 1) for name in raw})


def read_upload(file_name: str, data: bytes, table: Optional[str]) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """Parse an uploaded file the way ``planner validate`` reads a dataset: a CSV or Parquet file is one
    table (``table``, or the one its name says), an .xlsx workbook holds a sheet per table (any subset).
    Each table is checked on its own (types and limits); returns the typed tables that passed and the
    issues, located in the uploaded file."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".csv", ".parquet", ".xlsx"):
        return {}, [Issue(table="upload", file=file_name, message="upload a .csv, .parquet or .xlsx file")]
    with tempfile.TemporaryDirectory(prefix="planner-upload-") as tmp:
        folder = Path(tmp)
        if suffix == ".xlsx" and Path(file_name).stem.lower() not in TABLES:
            source = folder / "workbook.xlsx"
            source.write_bytes(data)
            raw, where, issues = read_tables(source)
            issues = [i for i in issues if not (i.table not in raw and i.message.startswith("required table"))]
            label = lambda name: f"{file_name}[{name}]"  # noqa: E731
        else:
            table = table or Path(file_name).stem.lower()
            if table not in TABLES:
                return {}, [Issue(table="upload", file=file_name,
                                  message=f"choose the table it holds: its name is not one of {', '.join(TABLES)}")]
            (folder / f"{table}{suffix}").write_bytes(data)
            raw, where, issues = read_tables(folder)
            raw = {table: raw[table]} if table in raw else {}
            issues = [i for i in issues if i.table == table]
            label = lambda name: file_name  # noqa: E731
        where = {name: (label(name), offset) for name, (_, offset) in where.items()}
        issues = [i.model_copy(update={"file": label(i.table) if i.table in TABLES else file_name}) for i in issues]
    if not raw and not issues:
        issues.append(Issue(table="upload", file=file_name, message="holds no sheet named after a table "
                            f"({', '.join(TABLES)})"))
    typed = {}
    for name, df in raw.items():
        frames, found = validate_frames({name: df}, {name: where[name]})
        mine = [i for i in found if i.table == name]
        issues += mine
        if not any(i.severity == "error" for i in mine):
            typed[name] = frames[name]
    return typed, issues
