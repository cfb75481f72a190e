"""A valid dataset on disk (the small org of ``tests/factories.py``) and helpers that break it one way."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd
from factories import base_tables

from planner.contract.domain import TABLES
from planner.inputs.files import write_dataset


def frames(tables: dict[str, list[dict]] | None = None) -> dict[str, pd.DataFrame]:
    """The factory tables (or ``tables``) as DataFrames with the contract's columns."""
    tables = base_tables() if tables is None else tables
    return {name: pd.DataFrame(rows, columns=list(TABLES[name].row_model.model_fields)) for name, rows in tables.items()}


def write_valid(tmp: Path, fmt: str = "csv") -> Path:
    """The factory org as a dataset folder ``tmp/data`` (or ``tmp/org.xlsx`` for fmt 'workbook')."""
    if fmt == "workbook":
        return write_dataset(frames(), tmp / "org.xlsx")
    return write_dataset(frames(), tmp / "data", fmt)


def write_scenario(tmp: Path, dataset: Path, horizon: int = 8) -> Path:
    """A small scenario over ``dataset``: ``horizon`` quarters, a quick 2-worker solve."""
    path = tmp / "scenario.yaml"
    path.write_text(
        f"name: hostile\ndataset: {dataset.name}\nhorizon_quarters: {horizon}\nbudget: {{total: 50000}}\n"
        "solver: {time_limit_seconds: 5, num_workers: 2}\n"
    )
    return path


def read_csv(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)


def edit_csv(folder: Path, table: str, change: Callable[[pd.DataFrame], pd.DataFrame | None]) -> None:
    """Rewrite ``<table>.csv`` after ``change(df)`` (which edits in place or returns a new frame); all text."""
    df = read_csv(folder, table)
    out = change(df)
    (df if out is None else out).to_csv(folder / f"{table}.csv", index=False)


def set_cell(folder: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell (``row`` counted from 0 under the header) of ``<table>.csv``."""
    def change(df):
        df.loc[row, column] = value
    edit_csv(folder, table, change)


def header_only(folder: Path, table: str) -> None:
    """Keep ``<table>.csv``'s header line and nothing else."""
    path = folder / f"{table}.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
