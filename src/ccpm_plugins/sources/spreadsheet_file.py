"""Spreadsheet workbooks (.xlsx, .xlsm, .xls, .ods) read as a table of text cells.

The ``csv`` source reads workbooks through this module, so a file gives the
same responses whether it was saved as CSV or as a workbook. One sheet is
read: the one named by the ``sheet`` option, else the first visible sheet.
Its header is the first row with two or more values, unless the next row
fills at least twice as many cells, so a title above the table (with or
without a date beside it) is skipped with a note. Cells become text as follows:

- numbers: whole numbers without a decimal part (``4.0`` is the code ``4``),
  others in their shortest exact form (``3.5``). A column that expects option
  codes (select_one and select_multiple questions) rejects a fractional number
  or a date with an error naming the sheet, cell and value. Spreadsheet
  programs turn typed codes such as ``1/2`` into dates, so such a cell cannot
  be trusted;
- dates and times: ISO 8601 text (``2026-03-01T09:30:00``);
- booleans: ``True`` or ``False``;
- formulas: the value the spreadsheet program last computed and saved.
  Nothing here evaluates formulas, so in .xlsx and .xlsm files a formula
  without a saved result (as openpyxl writes them) and an error value such
  as ``#DIV/0!`` are rejected with an error naming the cells.

Merged cells are rejected, because only the first cell of a merged range
contains a value and the other rows or columns would silently lose it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import attrs
import pandas as pd

from ccpm_core.errors import InputError
from ccpm_core.normalise import header_question
from ccpm_core.questionnaire import Question, Questionnaire

if TYPE_CHECKING:
    from xml.etree import ElementTree

    from python_calamine import CalamineWorkbook

__all__ = ["WORKBOOK_SUFFIXES", "CellValue", "MergedRange", "WorkbookTable", "read_workbook_table"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
"""File name endings of the workbooks that :func:`read_workbook_table` reads."""

CellValue = int | float | str | bool | dt.time | dt.date | dt.datetime | dt.timedelta
"""A cell value as python-calamine returns it; an empty cell is ``""``."""

_MAX_SHEETS_LISTED = 20
_MAX_CELLS_LISTED = 10

# .xlsx, .xlsm and .ods files are zip archives, and .xls files are OLE compound documents.
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


@attrs.frozen(eq=False)
class WorkbookTable:
    """One sheet of a workbook as its header and data rows, every cell a string."""

    header: list[str]
    rows: pd.DataFrame
    """Data rows, the header row excluded, with columns numbered from 0."""
    sheet: str
    first_row: int
    """Sheet row number (1 for the first row) of the first data row."""
    location: str
    """The file and sheet, as messages name them."""
    sheets: tuple[str, ...] = ()
    """Names of every sheet of the workbook, in workbook order."""
    notes: tuple[str, ...] = ()
    """Facts about the reading, such as title rows skipped above the header."""

    def other_sheets(self) -> str:
        """Return the other sheets' names, quoted, for a message that suggests ``--sheet``."""
        others = [name for name in self.sheets if name != self.sheet]
        return _list_sheets(others) if others else "none"


def read_workbook_table(
    data: bytes, source: str, questionnaire: Questionnaire, sheet: str | None = None
) -> WorkbookTable:
    """Read one sheet of a workbook given as ``data``, every cell as text.

    ``source`` names the file in messages. Raises :class:`InputError` when the
    file is not a readable workbook, is encrypted, has no sheet called
    ``sheet``, or when the sheet is empty, has merged cells, or contains a
    fractional number or a date where ``questionnaire`` expects option codes.
    """
    import python_calamine

    if not data.startswith(_WORKBOOK_SIGNATURES):
        msg = (
            f"{source}: the file is named like a workbook but is not one; if it is CSV "
            "text, rename it to .csv, else save it again as .xlsx or .ods"
        )
        raise InputError(msg)

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = _choose_sheet(workbook, source, sheet)
        worksheet = workbook.get_sheet_by_name(name)
        cells = worksheet.to_python(skip_empty_area=False)
        merged = worksheet.merged_cell_ranges
        if merged is None:
            # python-calamine reports merged ranges of Excel files only.
            merged = _ods_merged_ranges(data, name, source)
    except python_calamine.PasswordError:
        msg = f"{source}: the workbook is protected by a password; save a copy without one"
        raise InputError(msg) from None
    except python_calamine.CalamineError as error:
        msg = (
            f"{source}: the file cannot be read as a workbook ({error}); open it in a "
            "spreadsheet program and save it again as .xlsx, .ods or CSV UTF-8"
        )
        raise InputError(msg) from None

    location = f"{source}, sheet {name!r}"
    sheets = tuple(workbook.sheet_names)
    header_index = _header_row_index(cells, location, sheets)
    _check_no_merged_cells(merged, location, header_index)
    _check_formula_cells(data, name, location, header_index)
    table = _text_table(cells, header_index, name, location, header_question(questionnaire))
    return attrs.evolve(
        table, sheets=sheets, notes=_skipped_rows_note(cells, header_index, location)
    )


def _choose_sheet(workbook: CalamineWorkbook, source: str, requested: str | None) -> str:
    """Return the name of the sheet to read: the requested one, else the first visible."""
    import python_calamine

    names: list[str] = list(workbook.sheet_names)
    if not names:
        msg = f"{source}: the workbook has no sheets; export the responses again"
        raise InputError(msg)

    if requested is None:
        visible = [
            metadata.name
            for metadata in workbook.sheets_metadata
            if metadata.visible == python_calamine.SheetVisibleEnum.Visible
        ]
        return visible[0] if visible else names[0]

    if requested in names:
        return requested
    folded = [name for name in names if name.strip().casefold() == requested.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    msg = (
        f"{source}: the workbook has no sheet {requested!r}; its sheets are "
        f"{_list_sheets(names)}. Give one of them with --sheet"
    )
    raise InputError(msg)


def _list_sheets(names: Sequence[str]) -> str:
    listed = ", ".join(repr(name) for name in names[:_MAX_SHEETS_LISTED])
    if len(names) > _MAX_SHEETS_LISTED:
        listed += f" and {len(names) - _MAX_SHEETS_LISTED} more"
    return listed


def _header_row_index(
    cells: Sequence[Sequence[CellValue]], location: str, sheets: Sequence[str]
) -> int:
    """Return the index of the header row: the first with two values, else the first with one.

    A title above the table fills one cell of its row, or a few cells when it
    has a date or a place beside it. So a row is skipped as a title when the
    next row with values fills at least twice as many cells, and also fills
    some cell that the row leaves empty.
    """
    # Rows are read lazily: the header is usually among the first, and sheets are long.
    filled_rows = (
        (index, filled) for index, row in enumerate(cells) if (filled := _filled_columns(row))
    )
    first_filled: int | None = None
    candidate = next(filled_rows, None)
    while candidate is not None:
        index, row_columns = candidate
        if first_filled is None:
            first_filled = index
        following = next(filled_rows, None)
        if len(row_columns) >= 2:
            next_columns = set() if following is None else following[1]
            if not (len(next_columns) >= 2 * len(row_columns) and next_columns - row_columns):
                return index
        candidate = following
    if first_filled is not None:
        return first_filled
    msg = (
        f"{location}: the sheet is empty; choose the sheet that holds the responses "
        f"with --sheet NAME (the workbook's sheets are {_list_sheets(sheets)})"
    )
    raise InputError(msg)


def _filled_columns(row: Sequence[CellValue]) -> set[int]:
    return {column for column, value in enumerate(row) if _cell_is_filled(value)}


def _skipped_rows_note(
    cells: Sequence[Sequence[CellValue]], header_index: int, location: str
) -> tuple[str, ...]:
    """Return a note naming the rows with values above the header, which are not read."""
    skipped = [
        index + 1
        for index, row in enumerate(cells[:header_index])
        if any(_cell_is_filled(value) for value in row)
    ]
    if not skipped:
        return ()
    rows = ", ".join(str(row) for row in skipped)
    noun = "row" if len(skipped) == 1 else "rows"
    note = (
        f"{location}: {noun} {rows} above the header row {header_index + 1} "
        f"{'was' if len(skipped) == 1 else 'were'} not read, as a title"
    )
    return (note,)


def _check_formula_cells(data: bytes, sheet: str, location: str, header_index: int) -> None:
    """Raise :class:`InputError` for error values and unsaved formulas in an .xlsx sheet.

    python-calamine gives both as empty cells, which would read as unanswered.
    NOTE: only .xlsx and .xlsm sheets are checked. An .ods file stores an error
    as its text (``#DIV/0!``, ``Err:502``), which is then an unrecognised value,
    and errors in .xls files are not detected.
    """
    from ccpm_plugins.sources.xlsx_formula_cells import find_formula_cells

    if not data.startswith(b"PK\x03\x04"):
        return
    found = find_formula_cells(data, sheet).from_row(header_index + 1)
    if found.errors:
        listed = _list_cells([f"{cell} ({value})" for cell, value in found.errors])
        msg = (
            f"{location}: {_cells_noun(len(found.errors))} {listed} "
            f"{'holds an error value' if len(found.errors) == 1 else 'hold error values'} "
            "instead of an answer; correct the formulas or type the answers, save the "
            "workbook and read it again"
        )
        raise InputError(msg)
    if found.unsaved:
        listed = _list_cells(list(found.unsaved))
        msg = (
            f"{location}: {_cells_noun(len(found.unsaved))} {listed} "
            f"{'holds a formula' if len(found.unsaved) == 1 else 'hold formulas'} without a "
            "saved result, as written by programs that do not compute formulas; open the "
            "workbook in a spreadsheet program, save it there, and read it again"
        )
        raise InputError(msg)


def _cells_noun(count: int) -> str:
    return "cell" if count == 1 else "cells"


def _list_cells(cells: Sequence[str]) -> str:
    listed = ", ".join(cells[:_MAX_CELLS_LISTED])
    if len(cells) > _MAX_CELLS_LISTED:
        listed += f" and {len(cells) - _MAX_CELLS_LISTED} more"
    return listed


def _cell_is_filled(value: CellValue) -> bool:
    return not (isinstance(value, str) and not value.strip())


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
MergedRange = tuple[tuple[int, int], tuple[int, int]]
"""(first row, first column) and (last row, last column), 0-based and inclusive."""


def _ods_merged_ranges(data: bytes, sheet: str, source: str) -> list[MergedRange]:
    """Return the merged ranges of an .ods sheet, read from the spans of its cells."""
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            content = package.read("content.xml")
        root = ElementTree.fromstring(content)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError) as error:
        msg = (
            f"{source}: the file cannot be read as an OpenDocument spreadsheet ({error}); "
            "save it again as .ods or .xlsx"
        )
        raise InputError(msg) from None

    for table in root.iter(f"{_ODS_TABLE}table"):
        if table.get(f"{_ODS_TABLE}name") == sheet:
            return _spanned_cells(table)
    return []


def _spanned_cells(table: ElementTree.Element) -> list[MergedRange]:
    merged: list[MergedRange] = []
    row_index = 0
    for row in table.iter(f"{_ODS_TABLE}table-row"):
        column_index = 0
        for cell in row:
            if cell.tag not in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
                continue
            columns = _ods_count(cell.get(f"{_ODS_TABLE}number-columns-spanned"))
            rows = _ods_count(cell.get(f"{_ODS_TABLE}number-rows-spanned"))
            if columns > 1 or rows > 1:
                last = (row_index + rows - 1, column_index + columns - 1)
                merged.append(((row_index, column_index), last))
            column_index += _ods_count(cell.get(f"{_ODS_TABLE}number-columns-repeated"))
        row_index += _ods_count(row.get(f"{_ODS_TABLE}number-rows-repeated"))
    return merged


def _ods_count(value: str | None) -> int:
    """Return a positive count attribute of an .ods cell or row; 1 when absent or invalid."""
    if value is None or not (value.isascii() and value.isdigit()):
        return 1
    return max(int(value), 1)


def _check_no_merged_cells(merged: Sequence[MergedRange], location: str, header_index: int) -> None:
    from ccpm_plugins.sources.csv_file import column_letter

    for (first_row, first_column), (last_row, last_column) in sorted(merged):
        if last_row < header_index:
            # Merged titles above the header hold no responses.
            continue
        cells = (
            f"{column_letter(first_column)}{first_row + 1}:"
            f"{column_letter(last_column)}{last_row + 1}"
        )
        if first_row <= header_index:
            msg = (
                f"{location}: the header cells {cells} are merged; unmerge them and give "
                "every column its own header"
            )
        else:
            msg = (
                f"{location}: the cells {cells} are merged, so only the first holds a value; "
                "unmerge them and fill in every cell"
            )
        raise InputError(msg)


def _text_table(
    cells: Sequence[Sequence[CellValue]],
    header_index: int,
    sheet: str,
    location: str,
    question_of: Callable[[str], Question | None],
) -> WorkbookTable:
    width = max(len(row) for row in cells[header_index:])
    header_cells = list(cells[header_index]) + [""] * (width - len(cells[header_index]))
    header = [_free_text(value).strip() for value in header_cells]
    first_row = header_index + 2

    columns: list[list[str]] = []
    for index, name in enumerate(header):
        question = question_of(name) if name else None
        expects_code = question is not None and question.is_select
        values = [row[index] if index < len(row) else "" for row in cells[header_index + 1 :]]
        converted = [
            _code_text(value, location, name, index, first_row + offset)
            if expects_code
            else _free_text(value)
            for offset, value in enumerate(values)
        ]
        columns.append(converted)

    rows = pd.DataFrame(dict(enumerate(columns)), dtype=object)
    rows.columns = pd.RangeIndex(len(header))
    return WorkbookTable(header, rows, sheet, first_row, location)


def _free_text(value: CellValue) -> str:
    """Return a cell as text, numbers without a spurious ``.0``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.timedelta):
        return str(value)
    return value.isoformat()


def _number_text(value: float) -> str:
    if math.isfinite(value) and value.is_integer():
        return str(int(value))
    # repr gives the shortest text that reads back as the same float: 3.5, not 3.50000001.
    return repr(value)


def _code_text(value: CellValue, location: str, header: str, column: int, row: int) -> str:
    """Return a cell of a column of option codes as text; reject fractions and dates."""
    from ccpm_plugins.sources.csv_file import column_letter

    cell = f"{column_letter(column)}{row}"
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        msg = (
            f"{location}, cell {cell} (column {header!r}): the number {_number_text(value)} "
            "is not an option code, because codes are whole numbers or names; type the "
            "code of the answer"
        )
        raise InputError(msg)
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        msg = (
            f"{location}, cell {cell} (column {header!r}): the date or time "
            f"{_free_text(value)} is not an option code, because the spreadsheet program "
            "turned the typed code into a date; format the column as Text and type the "
            "codes again"
        )
        raise InputError(msg)
    return _free_text(value)
