"""Problems found in input, and the exception that carries them.

Every problem names where it is (the file or table, the row as a person sees it, the row's ID and
the column) so that the CLI and the app can show it without a traceback.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Issue(BaseModel):
    """One problem in the input, precise enough to find and fix."""

    table: str = Field(description="Table (or scenario section) the problem is in.")
    message: str = Field(description="What is wrong, in plain words.")
    file: str | None = Field(default=None, description="File the table was read from, if any.")
    row: int | None = Field(
        default=None, description="Row as a person sees it: the line in a CSV or the row in a sheet (header = 1)."
    )
    row_id: str | None = Field(default=None, description="The ID (or key) of the offending row.")
    column: str | None = Field(default=None, description="Offending column or field.")
    severity: Literal["error", "warning"] = Field(default="error", description="Errors stop a solve; warnings do not.")

    def __str__(self) -> str:
        where = self.file or self.table
        parts = [where]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.row_id:
            parts.append(f"({self.row_id})")
        loc = " ".join(parts)
        if self.column:
            loc += f", column '{self.column}'"
        return f"{loc}: {self.message}"


class InputError(Exception):
    """Raised when input cannot be used; ``issues`` lists every problem found, not just the first."""

    def __init__(self, issues: list[Issue]):
        self.issues = [i for i in issues if i.severity == "error"] or issues
        super().__init__("\n".join(str(i) for i in self.issues))


class PlanningError(Exception):
    """Raised when a solve cannot produce a plan for a reason that is not bad input."""
