"""Files in the formats people save by mistake, and workbooks whose sheets are ambiguous: each builder
takes a valid dataset (a folder of CSV files, a folder of per-table .xlsx files, or a workbook, from
:mod:`hostile.dataset`) and breaks it one way. Workbooks are edited with openpyxl, which writes
formulas without saved values, as a program that never calculates a workbook does."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable

import openpyxl

Change = Callable[[Path], None]  # edits a dataset (a folder or a workbook) in place


def _edit_book(book: Path, change) -> None:
    workbook = openpyxl.load_workbook(book)
    change(workbook)
    workbook.save(book)


def _copy_sheet(book: Path, table: str, name: str, state: str) -> None:
    """Add a copy of ``table``'s sheet named ``name``, in ``state`` (visible, hidden, veryHidden)."""
    def change(workbook) -> None:
        copy = workbook.copy_worksheet(workbook[table])
        copy.title, copy.sheet_state = name, state
    _edit_book(book, change)


def hidden_copy(table: str, name: str) -> Change:
    """A hidden sheet ``name`` (e.g. 'employees ') beside the visible sheet of ``table``."""
    return lambda book: _copy_sheet(book, table, name, "hidden")


def visible_copy(table: str, name: str) -> Change:
    """A second visible sheet ``name`` (e.g. ' Roles': Excel refuses names that differ in case only) beside
    the sheet of ``table``."""
    return lambda book: _copy_sheet(book, table, name, "visible")


def hide(table: str, state: str = "hidden") -> Change:
    """The only sheet of ``table`` hidden (``state`` 'veryHidden': only a macro can show it again)."""
    def change(workbook) -> None:
        workbook[table].sheet_state = state
    return lambda book: _edit_book(book, change)


def hidden_sheet(name: str, rows: list[list]) -> Change:
    """A new "very hidden" sheet ``name`` holding ``rows``: a table the user cannot see, nor unhide from
    the sheet tabs (only the VBA editor shows it)."""
    def change(workbook) -> None:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = "veryHidden"
    return lambda book: _edit_book(book, change)


def _sheet_of(path: Path, table: str):
    """(workbook file, sheet name) of ``table`` in a workbook or a folder of per-table .xlsx files."""
    return (path, table) if path.is_file() else (path / f"{table}.xlsx", table)


def repeat_sheet_column(table: str, column: str) -> Change:
    """A copy of ``column`` added at the end of ``table``'s sheet, under the same name."""
    def change(path: Path) -> None:
        book, name = _sheet_of(path, table)

        def edit(workbook) -> None:
            sheet = workbook[name]
            j, end = [c.value for c in sheet[1]].index(column) + 1, sheet.max_column + 1
            for row in range(1, sheet.max_row + 1):
                sheet.cell(row, end, sheet.cell(row, j).value)
        _edit_book(book, edit)
    return change


def rows_above_header(table: str, rows: list[list]) -> Change:
    """``rows`` (blank ones are []) inserted above the header of ``table``'s sheet."""
    def change(path: Path) -> None:
        book, name = _sheet_of(path, table)

        def edit(workbook) -> None:
            sheet = workbook[name]
            sheet.insert_rows(1, len(rows))
            for i, row in enumerate(rows, start=1):
                for j, value in enumerate(row, start=1):
                    sheet.cell(i, j, value)
        _edit_book(book, edit)
    return change


def formulas(table: str, column: str, rows: list[int], formula: str) -> Change:
    """``formula`` (``{row}`` is the row) in ``column`` of ``table``'s sheet at each of ``rows``, no value saved."""
    def change(path: Path) -> None:
        book, name = _sheet_of(path, table)

        def edit(workbook) -> None:
            sheet = workbook[name]
            j = [c.value for c in sheet[1]].index(column) + 1
            for row in rows:
                sheet.cell(row, j, formula.format(row=row))
        _edit_book(book, edit)
    return change


def repeat_csv_column(table: str, column: str, copy_name: str | None = None) -> Change:
    """A copy of ``column`` added at the end of ``<table>.csv``, its header ``copy_name`` (default the same)."""
    def change(folder: Path) -> None:
        path = folder / f"{table}.csv"
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        j = rows[0].index(column)
        rows = [row + [copy_name or column if i == 0 else row[j]] for i, row in enumerate(rows)]
        with open(path, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    return change


def resave_csv(table: str, delimiter: str = ",", encoding: str = "utf-8", decimal_comma: bool = False,
               replace: tuple[str, str] | None = None) -> Change:
    """``<table>.csv`` written again with ``delimiter`` and ``encoding`` (as 'Unicode Text', 'CSV (Comma
    delimited)' on Windows, or a European Excel's CSV with ';' and decimal commas would save it);
    ``replace`` = (old, new) edits its text first, e.g. a name with letters outside ASCII."""
    def change(folder: Path) -> None:
        path = folder / f"{table}.csv"
        text = path.read_text(encoding="utf-8")
        rows = list(csv.reader((text.replace(*replace) if replace else text).splitlines()))
        if decimal_comma:
            rows = [[cell.replace(".", ",") if cell.replace(".", "").isdigit() else cell for cell in row] for row in rows]
        with open(path, "w", newline="", encoding=encoding) as fh:
            csv.writer(fh, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return change
