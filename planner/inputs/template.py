"""An empty Excel workbook to fill in: one sheet per table, with the contract's columns.

Everything comes from the row models in :mod:`planner.contract.domain`, so the template follows the contract:

* one sheet per table of :data:`~planner.contract.domain.TABLES`, named after it, with a bold header row of
  the contract's columns; each header cell has a comment with the column's meaning, whether it is
  required, and its unit or range;
* a ``README`` sheet (first) listing every table and column with its meaning and unit / range; the
  dataset reader ignores sheets that are not named after a table;
* data validation from the field constraints: a drop-down of the allowed values for choices (an
  intervention's ``kind``) and for yes/no columns (TRUE/FALSE), whole numbers for integer columns
  (levels 0-5, performance 1-5, potential 1-3, quarters >= 0, ...), decimals for the others
  (flight_risk 0-1, costs and hours >= 0);
* every text column (IDs above all) is formatted as text (``@``), so that an ID typed as ``0042``
  keeps its leading zeros instead of becoming the number 42.

Filled in, the workbook loads with :func:`planner.load_dataset`.
"""

from __future__ import annotations

from pathlib import Path

import annotated_types as at
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from planner.contract.domain import TABLES
from planner.contract.paths import check_file_output
from planner.contract.tables import write_file_atomically
from planner.inputs.checks import _field_kind

README = "README"
TEXT_FORMAT = "@"
FORMATTED_ROWS = 1000  # data rows pre-formatted as text in text columns (the column style covers the rest)
_LAST_ROW = 1_048_576
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_AUTHOR = "Succession Planner"

# Units of number columns, by how the column is named.
_UNITS = (("cost", "money units"), ("hours", "hours"), ("duration", "quarters"), ("seats", "participants per quarter"),
          ("quarter", "quarter index, 0 = first quarter of the horizon"))  # first match wins


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def describe_column(field) -> dict:
    """What the template says about a row-model field: kind, required, range text, validation settings."""
    kind, optional, choices = _field_kind(field.annotation)
    meta = {type(m): m for m in field.metadata}
    lo = meta[at.Ge].ge if at.Ge in meta else None
    hi = meta[at.Le].le if at.Le in meta else None
    required = field.is_required()
    if kind == "literal":
        rng = "one of " + ", ".join(choices)
    elif kind == "bool":
        rng = "TRUE or FALSE"
    elif kind in ("int", "float"):
        whole = "whole number" if kind == "int" else "number"
        if lo is not None and hi is not None:
            rng = f"{whole} from {_number(lo)} to {_number(hi)}"
        elif lo is not None:
            rng = f"{whole} >= {_number(lo)}"
        else:
            rng = whole
    else:
        rng = "text"
    return dict(kind=kind, required=required, optional=optional, choices=choices, lo=lo, hi=hi, range=rng)


def _unit(column: str, info: dict) -> str:
    if info["kind"] in ("int", "float"):
        for word, unit in _UNITS:
            if word in column:
                return f"{info['range']}; {unit}"
    return info["range"]


def _validation(column: str, info: dict) -> DataValidation | None:
    """A data validation for a column, or None for free text."""
    kind = info["kind"]
    if kind == "literal":
        dv = DataValidation(type="list", formula1='"' + ",".join(info["choices"]) + '"', allow_blank=True)
    elif kind == "bool":
        dv = DataValidation(type="list", formula1='"TRUE,FALSE"', allow_blank=True)
    elif kind in ("int", "float"):
        lo, hi = info["lo"], info["hi"]
        kind_xl = "whole" if kind == "int" else "decimal"
        if lo is not None and hi is not None:
            dv = DataValidation(type=kind_xl, operator="between", formula1=_number(lo), formula2=_number(hi),
                                allow_blank=True)
        elif lo is not None:
            dv = DataValidation(type=kind_xl, operator="greaterThanOrEqual", formula1=_number(lo), allow_blank=True)
        else:
            dv = DataValidation(type=kind_xl, operator="between", formula1="-1E+300", formula2="1E+300",
                                allow_blank=True)
    else:
        return None
    dv.showErrorMessage = True
    dv.errorTitle = column[:32]
    dv.error = f"{column}: {info['range']}"[:255]
    return dv


def _comment(column: str, field, info: dict) -> Comment:
    need = "Required." if info["required"] and not info["optional"] else "Optional: may be left empty."
    text = f"{field.description or ''}\n{need}\nValues: {_unit(column, info)}."
    comment = Comment(text, _AUTHOR)
    comment.width, comment.height = 320, 140
    return comment


def _readme(ws) -> None:
    ws.append(["Succession Planner: organisation data template"])
    ws["A1"].font = Font(bold=True, size=14)
    lines = (
        "Fill in one sheet per table; keep the header row as it is (hover over a header for its meaning).",
        "Tables marked optional may be left empty. Columns marked optional may have empty cells.",
        "IDs are text: 0042 stays 0042. Yes/no columns take TRUE or FALSE. Empty = no value.",
        "This README sheet is ignored when the workbook is loaded (planner validate <file>.xlsx checks it).",
    )
    for line in lines:
        ws.append([line])
    ws.append([])
    header = ["table", "column", "required", "meaning", "unit / range"]
    ws.append(header)
    head_row = ws.max_row
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    for name, spec in TABLES.items():
        key = " + ".join(spec.key)
        ws.append([name, "", "required table" if spec.required else "optional table", f"One row per {key}.", ""])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for column, field in spec.row_model.model_fields.items():
            info = describe_column(field)
            required = "yes" if info["required"] and not info["optional"] else "optional"
            ws.append([name, column, required, field.description or "", _unit(column, info)])
    for letter, width in zip("ABCDE", (22, 28, 16, 90, 44)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=head_row + 1):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(head_row + 1, 1)


def _table_sheet(ws, spec) -> None:
    fields = spec.row_model.model_fields
    for j, (column, field) in enumerate(fields.items(), start=1):
        info = describe_column(field)
        letter = get_column_letter(j)
        cell = ws.cell(1, j, column)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.comment = _comment(column, field, info)
        ws.column_dimensions[letter].width = max(12, len(column) + 4)
        if info["kind"] in ("str", "literal"):
            ws.column_dimensions[letter].number_format = TEXT_FORMAT
            for i in range(2, FORMATTED_ROWS + 2):
                ws.cell(i, j).number_format = TEXT_FORMAT
        dv = _validation(column, info)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{_LAST_ROW}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"


def write_template(path: str | Path, force: bool = False) -> Path:
    """Write the empty template workbook to ``path`` (an .xlsx file; parent folders are created), atomically.
    An existing file is replaced only with ``force`` (it may be a template someone filled in); a folder
    never (OutputRefused, see planner.contract.paths.check_file_output)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"the template is an Excel workbook: give a path ending in .xlsx, not {path.name!r}")
    check_file_output(path, force=force)
    wb = Workbook()
    readme = wb.active
    readme.title = README
    _readme(readme)
    for name, spec in TABLES.items():
        _table_sheet(wb.create_sheet(name), spec)
    return write_file_atomically(path, wb.save)
