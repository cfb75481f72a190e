"""Files: scenarios, datasets and names that stay inside their folders."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from planner.contract.errors import Issue
from planner.contract.paths import check_name


def scenario_files(project: Path, workspace: Path) -> list[Path]:
    """The shipped scenarios (``<project>/scenarios``) then the workspace's own, each sorted by name."""
    found = []
    for folder in (project / "scenarios", workspace / "scenarios"):
        if folder.is_dir():
            found += sorted(p.resolve() for p in folder.glob("*.yaml") if not p.name.startswith("."))
    return found


def dataset_folders(project: Path, workspace: Path) -> list[Path]:
    """The sample dataset and every dataset saved in the workspace (``<workspace>/datasets/<name>``)."""
    folders = [(project / "data" / "sample").resolve()]
    saved = workspace / "datasets"
    if saved.is_dir():
        folders += sorted(p.resolve() for p in saved.iterdir() if p.is_dir() and not p.name.startswith("."))
    return folders


def inside(folder: Path, name: str, suffix: str = "", *, what: str) -> Path:
    """``folder/<name><suffix>`` for a valid name (see planner.contract.paths.check_name; ``what`` names it in
    the message, e.g. 'dataset name'); ValueError otherwise, so a typed name can never point outside ``folder``."""
    check_name(name, what)
    target = (folder / f"{name}{suffix}").resolve()
    if target.parent != folder.resolve():
        raise ValueError(f"{name!r} would leave {folder}")
    return target


def issues_frame(issues: list[Issue]) -> pd.DataFrame:
    """Issues as a table a person reads: severity, table, row, row ID, column, message."""
    rows = [dict(Severity=i.severity, Table=i.table, File=i.file or "", Row=i.row, ID=i.row_id or "",
                 Column=i.column or "", Problem=i.message) for i in issues]
    df = pd.DataFrame(rows, columns=["Severity", "Table", "File", "Row", "ID", "Column", "Problem"])
    df["Row"] = df["Row"].astype("Int64")
    return df
