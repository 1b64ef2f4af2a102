"""The annual report's tables as an XLSX workbook, one sheet per table.

Numbers stay numbers: counts as integers, rates as fractions shown as
percentages, scores as percentages on the 0 to 100 scale. Text goes through
the spreadsheet text rules (:mod:`ccpm_plugins.renderers.spreadsheet_text`),
so a country or cluster name that starts like a formula is stored as text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccpm_core.annual_report import hub_label, level_label
from ccpm_core.disclosure import DEFAULT_MIN_CELL_SIZE
from ccpm_core.errors import RenderError
from ccpm_core.i18n import is_right_to_left, plural_translator, translator
from ccpm_core.portfolio_tables import ColumnKind, PortfolioTable, annual_tables

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ccpm_core.portfolio import Portfolio
    from ccpm_plugins.renderers.xlsx_cells import CellChanges

__all__ = ["write_annual_workbook"]

_NUMBER_FORMATS = {
    ColumnKind.COUNT: "#,##0",
    ColumnKind.RATE: "0.0%",
    ColumnKind.SCORE: "0.0",
    ColumnKind.CHANGE: "+0.0;-0.0;0.0",
}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_LIMIT = 31


def write_annual_workbook(
    portfolio: Portfolio,
    year: int,
    path: Path,
    language: str = "en",
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    organisation_type_label: Callable[[str], str] | None = None,
    tables: Sequence[PortfolioTable] | None = None,
) -> Path:
    """Write the annual report's tables for ``year`` to the XLSX file ``path`` and return it.

    Every row of every table is written, including the long lists that the
    DOCX and HTML reports shorten. ``tables`` are the tables of
    :func:`~ccpm_core.portfolio_tables.annual_tables` for the same year,
    cell size and labels, when the caller has computed them already. Raises
    InputError when no exercise ran in ``year``, and RenderError when the file
    cannot be written.
    """
    from openpyxl import Workbook

    from ccpm_plugins.renderers.xlsx_cells import CellChanges

    if tables is None:
        tables = annual_tables(portfolio, year, min_cell_size, organisation_type_label)
    changes = CellChanges(gettext=translator(language), ngettext=plural_translator(language))
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]

    used_titles: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(changes.gettext(table.title), used_titles))
        sheet.sheet_view.rightToLeft = is_right_to_left(language)
        _write_table(sheet, table, language, changes)
    if changes.notes:
        _write_notes(
            workbook.create_sheet(_sheet_title(changes.gettext("Notes"), used_titles)), changes
        )

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        workbook.save(path)
    except OSError as error:
        msg = f"{path}: cannot write the workbook ({error.strerror or error}); check the folder"
        raise RenderError(msg) from None
    return path


def _sheet_title(title: str, used: set[str]) -> str:
    """Return a valid, unique sheet title: no []:*?/\\ characters and at most 31 characters."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip("' ")[:_SHEET_TITLE_LIMIT] or "Sheet"
    candidate = base
    number = 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate = base[: _SHEET_TITLE_LIMIT - len(suffix)] + suffix
        number += 1
    used.add(candidate.casefold())
    return candidate


def _write_table(
    sheet: Worksheet, table: PortfolioTable, language: str, changes: CellChanges
) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from ccpm_plugins.renderers.xlsx_cells import write_cell

    _ = changes.gettext
    write_cell(sheet, 1, 1, _(table.title), changes).font = Font(bold=True, size=13)
    for column_number, column in enumerate(table.columns, start=1):
        write_cell(sheet, 2, column_number, _(column.header), changes).font = Font(bold=True)

    withheld_text = _("withheld")
    records = table.frame.to_dict("records")
    for position, record in enumerate(records):
        row = position + 3
        for column_number, column in enumerate(table.columns, start=1):
            if (position, column.key) in table.withheld:
                write_cell(sheet, row, column_number, withheld_text, changes)
                continue
            value = _cell_value(record[column.key], column.key, column.kind, language, _)
            if value is None:
                continue
            write_cell(
                sheet,
                row,
                column_number,
                value,
                changes,
                number_format=_NUMBER_FORMATS.get(column.kind),
            )

    note_row = len(records) + 4
    if table.note:
        write_cell(sheet, note_row, 1, _(table.note), changes).font = Font(italic=True)
    sheet.freeze_panes = "A3"
    for column_number, column in enumerate(table.columns, start=1):
        letter = get_column_letter(column_number)
        width = 14 if column.kind is not ColumnKind.TEXT else 28
        sheet.column_dimensions[letter].width = width


def _cell_value(
    value: Any, key: str, kind: ColumnKind, language: str, gettext: Callable[[str], str]
) -> str | int | float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind is ColumnKind.TEXT:
        if key == "level":
            return level_label(str(value), language)
        if key == "hub":
            return hub_label(str(value), language)
        if key == "title":
            return gettext(str(value))
        return str(value)
    if kind is ColumnKind.COUNT and float(value).is_integer():
        return int(value)
    return float(value)


def _write_notes(sheet: Worksheet, changes: CellChanges) -> None:
    from openpyxl.styles import Font

    from ccpm_plugins.renderers.xlsx_cells import write_cell

    _ = changes.gettext
    for column_number, header in enumerate((_("Sheet"), _("Cell"), _("Note")), start=1):
        write_cell(sheet, 1, column_number, header, changes).font = Font(bold=True)
    for row, (title, reference, note) in enumerate(list(changes.notes), start=2):
        for column_number, text in enumerate((title, reference, note), start=1):
            write_cell(sheet, row, column_number, text, changes)
