"""Formula cells of an .xlsx sheet whose value python-calamine gives as empty.

python-calamine 0.9 returns an empty string both for a cell holding an error
value (``#DIV/0!``, ``#N/A``) and for a formula whose result was never saved,
as in workbooks written by openpyxl. Either would read as an unanswered
question, so this module finds those cells in the sheet's XML, for the reader
to reject them by name.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

import attrs

__all__ = ["FormulaCells", "find_formula_cells"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# Quick tests on the raw XML, so that a sheet without formulas or errors is not parsed.
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ERROR_TYPE = re.compile(rb"""\st=["']e["']""")

_CELL_REFERENCE = re.compile(r"([A-Z]+)([0-9]+)")

# Cell types whose empty value is a real result: an empty text.
_TEXT_TYPES = ("str", "inlineStr", "s")


@attrs.frozen
class FormulaCells:
    """Cells of a sheet that hold an error value or a formula without a saved result."""

    errors: tuple[tuple[str, str], ...] = ()
    """Cell reference (``D2``) and error value (``#DIV/0!``) of each error cell."""
    unsaved: tuple[str, ...] = ()
    """References of formula cells that hold no saved result."""

    def from_row(self, row: int) -> FormulaCells:
        """Return the cells on sheet row ``row`` (1-based) and below."""
        return FormulaCells(
            tuple(cell for cell in self.errors if _row_of(cell[0]) >= row),
            tuple(cell for cell in self.unsaved if _row_of(cell) >= row),
        )


def find_formula_cells(data: bytes, sheet: str) -> FormulaCells:
    """Return the error cells and unsaved formula cells of sheet ``sheet`` of an .xlsx file.

    Returns no cells when ``data`` is not an .xlsx or .xlsm package or has no
    such sheet, because the caller has already read the workbook with
    python-calamine and reports those problems itself.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            path = _sheet_path(package, sheet)
            if path is None:
                return FormulaCells()
            content = package.read(path)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError):
        return FormulaCells()

    if not (_FORMULA_TAG.search(content) or _ERROR_TYPE.search(content)):
        return FormulaCells()
    try:
        return _scan_cells(content)
    except ElementTree.ParseError:
        return FormulaCells()


def _sheet_path(package: zipfile.ZipFile, sheet: str) -> str | None:
    """Return the path inside the package of the sheet called ``sheet``."""
    workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
    relationship = None
    for element in workbook.iter(f"{_MAIN}sheet"):
        if element.get("name") == sheet:
            relationship = element.get(f"{_RELATIONSHIPS}id")
    if relationship is None:
        return None

    relationships = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    for element in relationships.iter(f"{_PACKAGE_RELATIONSHIPS}Relationship"):
        if element.get("Id") == relationship:
            target = element.get("Target", "")
            # Targets are relative to xl/, or absolute from the package root.
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def _scan_cells(content: bytes) -> FormulaCells:
    errors: list[tuple[str, str]] = []
    unsaved: list[str] = []
    for _, element in ElementTree.iterparse(io.BytesIO(content)):
        if element.tag != f"{_MAIN}c":
            continue
        reference = element.get("r", "")
        kind = element.get("t", "n")
        value = element.find(f"{_MAIN}v")
        value_text = None if value is None else value.text
        if kind == "e":
            errors.append((reference, value_text or "error"))
        elif element.find(f"{_MAIN}f") is not None and not value_text and kind not in _TEXT_TYPES:
            unsaved.append(reference)
        element.clear()
    return FormulaCells(tuple(errors), tuple(unsaved))


def _row_of(reference: str) -> int:
    match = _CELL_REFERENCE.fullmatch(reference)
    return int(match.group(2)) if match else 0
