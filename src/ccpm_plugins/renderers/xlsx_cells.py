"""Writing one value into an XLSX cell safely, and keeping a note of every change to its text.

Text becomes a string cell that never runs as a formula: text that could
read as one (see :mod:`ccpm_plugins.renderers.spreadsheet_text`) is also
quote-prefixed, so it stays text when someone edits the cell. Characters that
XML 1.0 forbids become U+FFFD, and text over Excel's 32,767-character cell
limit is cut with a visible marker. Each change is noted for the workbook's
Notes sheet. Numbers and dates stay numeric cells with a number format.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from ccpm_core.framework import Status
from ccpm_plugins.renderers.spreadsheet_text import (
    MAX_CELL_CHARACTERS,
    cut_to_cell_limit,
    is_formula_like,
    replace_xml_forbidden,
    utf16_length,
)
from ccpm_plugins.renderers.styling import status_style

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell as XlsxCell
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["CellChanges", "CellValue", "NumberText", "parse_number_text", "write_cell"]

Translate = Callable[[str], str]
PluralTranslate = Callable[[str, str, int], str]

CellValue = str | int | float | dt.date | None

MAX_PRECISE_DIGITS = 15
"""Significant digits that Excel keeps in a number. Longer digit strings stay text."""

# Marks that Babel puts around numbers in right-to-left locales, and spaces
# that some locales put between a number and its percent sign.
_NUMBER_DECORATION = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_SPACES = " \u00a0\u202f"
_PERCENT_SIGNS = "%\u066a"
_GROUP_SEPARATORS = ",. \u00a0\u202f'\u2019"

# Excel reads "_x" followed by four hex digits and "_" as an escaped
# character, so "_x005F" escapes the underscore so the text shows as typed.
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


@attrs.frozen
class NumberText:
    """A number read from report text, with the Excel number format that shows it as written."""

    value: int | float
    number_format: str


@attrs.define
class CellChanges:
    """Changes made to text so a workbook can hold it, for the Notes sheet."""

    gettext: Translate
    ngettext: PluralTranslate
    notes: list[tuple[str, str, str]] = attrs.field(factory=list)
    """(sheet title, cell reference, note) per change, in the order cells were written."""
    replaced_characters: int = 0
    cut_cells: int = 0
    quote_prefixed_cells: int = 0

    def note(self, cell: XlsxCell, text: str) -> None:
        """Record a change to ``cell``, named by its sheet and reference."""
        self.notes.append((cell.parent.title, cell.coordinate, text))


def parse_number_text(text: str, decimal_separator: str = ".") -> NumberText | None:
    """Read report text such as ``12``, ``-5``, ``1,234``, ``62.5%`` or ``62,5 %`` as a number.

    ``decimal_separator`` is the report language's (``,`` in French); any
    other of ``,``, ``.``, spaces and apostrophes separates groups of three
    digits. A percentage becomes its fraction (``62.5%`` is 0.625) with a
    percent format, and the format keeps the decimals and grouping as
    written. Returns None for anything else, and for more than
    :data:`MAX_PRECISE_DIGITS` significant digits, which Excel would round.
    """
    cleaned = _NUMBER_DECORATION.sub("", text).replace("\u2212", "-").strip(_SPACES)
    # The percent sign follows the number in most locales and leads it in a few, such as Turkish.
    percent = cleaned.endswith(tuple(_PERCENT_SIGNS)) or cleaned.startswith(tuple(_PERCENT_SIGNS))
    if cleaned.endswith(tuple(_PERCENT_SIGNS)):
        cleaned = cleaned[:-1].rstrip(_SPACES)
    elif percent:
        cleaned = cleaned[1:].lstrip(_SPACES)

    match = _number_pattern(decimal_separator).fullmatch(cleaned)
    if match is None:
        return None
    sign, whole, fraction = match.group("sign"), match.group("whole"), match.group("fraction")
    fraction = fraction or ""
    digits = re.sub(r"\D", "", whole)
    if len((digits + fraction).lstrip("0")) > MAX_PRECISE_DIGITS:
        return None

    number_format = "#,##0" if digits != whole else "0"
    if fraction:
        number_format += "." + "0" * len(fraction)
    exact = Decimal(f"{sign}{digits}.{fraction or '0'}")
    if percent:
        return NumberText(float(exact / 100), number_format + "%")
    if fraction:
        return NumberText(float(exact), number_format)
    return NumberText(int(exact), number_format)


@functools.cache
def _number_pattern(decimal_separator: str) -> re.Pattern[str]:
    groups = re.escape("".join(c for c in _GROUP_SEPARATORS if c != decimal_separator))
    return re.compile(
        rf"(?P<sign>[+-]?)(?P<whole>\d{{1,3}}(?:[{groups}]\d{{3}})+|\d+)"
        rf"(?:{re.escape(decimal_separator)}(?P<fraction>\d+))?"
    )


def write_cell(
    sheet: Worksheet,
    row: int,
    column: int,
    value: CellValue,
    changes: CellChanges,
    *,
    number_format: str | None = None,
    status: Status | None = None,
) -> XlsxCell:
    """Write ``value`` into a cell: text safely as text, numbers and dates as numbers.

    ``status`` fills the cell with the status colour and sets a readable text
    colour. The caller puts the status label into the text or the format.
    Returns the cell, for further styling.
    """
    from openpyxl.cell.cell import Cell as XlsxCell
    from openpyxl.styles import Font, PatternFill

    cell = sheet.cell(row, column)
    # Only a merged range yields another kind of cell, and no sheet here merges cells.
    assert isinstance(cell, XlsxCell)

    if isinstance(value, str):
        _write_text(cell, value, changes)
    else:
        cell.value = value
        if number_format is not None:
            cell.number_format = number_format

    if status is not None:
        style = status_style(status)
        cell.fill = PatternFill(fill_type="solid", fgColor=style.fill_hex)
        cell.font = Font(bold=cell.font.bold, color=style.text_hex)
    return cell


def _write_text(cell: XlsxCell, text: str, changes: CellChanges) -> None:
    _ = changes.gettext
    ngettext = changes.ngettext
    formula_like = is_formula_like(text)

    # Excel breaks lines at line feeds only.
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    safe, replaced = replace_xml_forbidden(unified)
    if replaced:
        changes.replaced_characters += replaced
        changes.note(
            cell,
            ngettext(
                "{count} character that XML 1.0 does not allow was replaced with U+FFFD.",
                "{count} characters that XML 1.0 does not allow were replaced with U+FFFD.",
                replaced,
            ).format(count=replaced),
        )

    safe = _EXCEL_ESCAPE.sub(r"_x005F_\1", safe)
    length = utf16_length(safe)
    marker = "…\n[" + _("cut to fit one Excel cell; see the Notes sheet") + "]"
    safe, was_cut = cut_to_cell_limit(safe, marker)
    if was_cut:
        changes.cut_cells += 1
        changes.note(
            cell,
            _(
                "Text of {length} characters was cut to {limit}, the most one Excel cell holds."
            ).format(length=f"{length:,}", limit=f"{MAX_CELL_CHARACTERS:,}"),
        )

    cell.value = safe
    # openpyxl reads text starting with "=" as a formula and "#N/A" as an
    # error, so the string type is set to keep every text as text.
    cell.data_type = "s"
    if formula_like:
        cell.quotePrefix = True
        changes.quote_prefixed_cells += 1
