"""What pandas does not say about an .xlsx workbook: which of its sheets are hidden, and which formula
cells have no saved value (a workbook written by a program that never calculated it reads as empty
cells there). Both come from the workbook's own XML parts (an .xlsx file is a zip archive), parsed
with the parser openpyxl uses; a sheet's part is streamed, and one without formulas costs one scan
of its bytes.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.xml.functions import fromstring, iterparse

_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")  # a formula element, with or without a namespace prefix
_BLOCK = 1 << 20


@dataclass(frozen=True)
class Sheet:
    """A worksheet: its name, whether Excel hides its tab (hidden or "very hidden"), its part in the zip."""

    name: str
    hidden: bool
    part: str


@dataclass(frozen=True)
class Formula:
    """A formula cell with no saved value: its row and column (counted from 1) and its text, if any."""

    row: int
    column: int
    text: str | None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attribute(element, name: str) -> str | None:
    """An attribute by its local name, whatever its namespace (r:id is namespaced, strict OOXML differs)."""
    return next((v for k, v in element.attrib.items() if _local(k) == name), None)


def _targets(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of ``part``: id -> (type, member path in the zip)."""
    folder = PurePosixPath(part).parent
    rels = fromstring(archive.read(str(folder / "_rels" / f"{PurePosixPath(part).name}.rels")))
    found = {}
    for rel in rels:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(str(folder / target))
        found[rel.get("Id")] = (rel.get("Type", ""), path)
    return found


def worksheets(book: Path) -> list[Sheet]:
    """The workbook's worksheets in tab order (chart sheets left out)."""
    with zipfile.ZipFile(book) as archive:
        main = next(path for kind, path in _targets(archive, "").values() if kind.endswith("/officeDocument"))
        rels = _targets(archive, main)
        sheets = []
        for element in fromstring(archive.read(main)).iter():
            if _local(element.tag) == "sheet":
                kind, path = rels[_attribute(element, "id")]
                if kind.endswith("/worksheet"):
                    sheets.append(Sheet(element.get("name"), element.get("state", "visible") != "visible", path))
    return sheets


def _has_formulas(archive: zipfile.ZipFile, part: str) -> bool:
    with archive.open(part) as fh:
        tail = b""
        while block := fh.read(_BLOCK):
            if _FORMULA.search(tail + block):
                return True
            tail = block[-16:]
    return False


def formulas_without_values(book: Path, sheet: Sheet) -> list[Formula]:
    """Formula cells of ``sheet`` whose saved value is missing or empty (an empty text result, type
    "str", is a value). A sheet without formulas is not parsed at all."""
    found: list[Formula] = []
    with zipfile.ZipFile(book) as archive:
        if not _has_formulas(archive, sheet.part):
            return found
        row = column = 0
        with archive.open(sheet.part) as fh:
            for event, element in iterparse(fh, events=("start", "end")):
                tag = _local(element.tag)
                if event == "start" and tag == "row":
                    row, column = int(element.get("r") or row + 1), 0
                elif event == "start" and tag == "c":
                    ref = element.get("r")
                    column = column_index_from_string(coordinate_from_string(ref)[0]) if ref else column + 1
                elif event == "end" and tag == "c":
                    parts = {_local(child.tag): child for child in element}
                    value = parts.get("v")
                    if "f" in parts and not (value is not None and value.text) and element.get("t") != "str":
                        text = parts["f"].text
                        found.append(Formula(row, column, f"={text}" if text else None))
                    element.clear()
    return found
