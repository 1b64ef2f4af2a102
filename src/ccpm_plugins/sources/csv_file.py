"""The ``csv`` survey source: responses in a delimited text file or a spreadsheet workbook.

The file has one header row and one row per response, in the canonical
layout (``instrument``, ``hub``, ``organisation_type``, then one column per
question code) or as a survey tool exported it.
:func:`ccpm_core.normalise.normalise_responses` matches the columns to the
questionnaire. Every cell of a text file is read as text, so ``007`` or ``NA``
stay as written. Workbooks (.xlsx, .xlsm, .xls, .ods) are read by
:mod:`ccpm_plugins.sources.spreadsheet_file`, one sheet at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from ccpm_core.errors import InputError
from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import SourceOption, SourceRequest, SurveySource
from ccpm_core.responses import RawResponses
from ccpm_plugins.sources.text_decoding import decode_text, header_line, sniff_delimiter

if TYPE_CHECKING:
    import pandas as pd

    from ccpm_core.questionnaire import Questionnaire

__all__ = [
    "CsvSource",
    "TextTable",
    "ccpm_register_sources",
    "check_header_not_repeated",
    "column_letter",
    "drop_unnamed_empty_columns",
    "read_file_bytes",
    "read_text_table",
    "text_table_from_bytes",
]

_CANONICAL_LAYOUT = (
    "'instrument', 'hub', 'organisation_type', then one column per question code "
    "(see 'ccpm questionnaire export --format json')"
)

# Delimiters that some database exports use but that are not read, named in the
# error for a header that reads as a single column.
_UNSUPPORTED_DELIMITERS = ("|",)

# File signatures of spreadsheet workbooks that are sometimes renamed to .csv.
_WORKBOOK_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive, such as an Excel .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel .xls workbook"),
)


class CsvSource(SurveySource):
    """Reads responses from a CSV, TSV or text file."""

    name = "csv"
    description = (
        "Responses in a CSV or tab-separated file (UTF-8, UTF-16 or Windows-1252; "
        "comma, semicolon or tab) or in one sheet of an .xlsx, .xls or .ods workbook, "
        "one header row and one row per response"
    )
    file_suffixes = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods")
    options = (
        SourceOption(
            "sheet",
            "Name of the workbook sheet that holds the responses (default: the first visible "
            "sheet); for .xlsx, .xls and .ods files only.",
        ),
    )

    def read(self, request: SourceRequest) -> RawResponses:
        """Read the file at ``request.location``, with every cell as a string."""
        import pandas as pd

        if not request.location:
            msg = "the csv source needs a file path; give the path of the CSV file to read"
            raise InputError(msg)
        source = request.location
        data = read_file_bytes(source)
        sheet = request.option("sheet")

        if _is_workbook(source, data):
            return _read_workbook(data, source, request.questionnaire, sheet)
        if sheet is not None:
            msg = (
                f"{source}: --sheet applies to .xlsx, .xls and .ods workbooks, but this "
                "file is text; leave out --sheet"
            )
            raise InputError(msg)

        text_table = text_table_from_bytes(data, source)
        header = text_table.header
        _check_header(header, source, len(request.questionnaire.questions))

        table = text_table.rows
        table.columns = pd.Index(header)
        table = drop_unnamed_empty_columns(table, source)
        # Spreadsheet numbering: the header is row 1, so the first response is row 2.
        row_numbers = range(2, len(table) + 2)
        return RawResponses(
            source=source, table=table, row_numbers=row_numbers, notes=text_table.notes
        )


def _is_workbook(source: str, data: bytes) -> bool:
    """Tell whether the file is a workbook, by its name or by its first bytes."""
    from ccpm_plugins.sources.spreadsheet_file import WORKBOOK_SUFFIXES

    if source.lower().endswith(WORKBOOK_SUFFIXES):
        return True
    return any(data.startswith(signature) for signature, _ in _WORKBOOK_SIGNATURES)


def _read_workbook(
    data: bytes, source: str, questionnaire: Questionnaire, sheet: str | None
) -> RawResponses:
    import pandas as pd

    from ccpm_plugins.sources.spreadsheet_file import read_workbook_table

    workbook_table = read_workbook_table(data, source, questionnaire, sheet)
    location = workbook_table.location
    header = workbook_table.header
    filled = [name for name in header if name.strip()]
    if len(filled) == 1 and len(questionnaire.questions) > 1:
        msg = (
            f"{location}: the sheet has the single column {filled[0][:80]!r}, so it does not "
            "hold the responses; choose the sheet that does with --sheet NAME (the other "
            f"sheets are {workbook_table.other_sheets()})"
        )
        raise InputError(msg)
    _check_header(header, location, len(questionnaire.questions))

    table = workbook_table.rows
    table.columns = pd.Index(header)
    table = drop_unnamed_empty_columns(table, location, workbook_table.first_row)
    row_numbers = range(workbook_table.first_row, workbook_table.first_row + len(table))
    return RawResponses(
        source=location, table=table, row_numbers=row_numbers, notes=workbook_table.notes
    )


@attrs.frozen(eq=False)
class TextTable:
    """A delimited text file as its header and its data rows, every cell a string."""

    header: list[str]
    rows: pd.DataFrame
    """Data rows, the header row excluded, with columns numbered from 0."""
    delimiter: str
    notes: tuple[str, ...] = ()
    """Facts about the decoding, such as a fallback to Windows-1252."""


def read_text_table(source: str) -> TextTable:
    """Read a delimited text file: decode it, find its delimiter and parse every record.

    Raises :class:`InputError` naming ``source`` when the file cannot be read,
    is a workbook or empty, has no header on its first line, or is not valid
    CSV: a record with more or fewer cells than the header (a record of empty
    cells only, such as a blank line, is accepted and padded), a quote that
    runs over the following lines, or a repeated header row.
    """
    return text_table_from_bytes(read_file_bytes(source), source)


def text_table_from_bytes(data: bytes, source: str) -> TextTable:
    """Read the bytes of a delimited text file, as :func:`read_text_table` reads the file."""
    import pandas as pd

    from ccpm_plugins.sources.text_records import check_records

    _check_is_text(data, source)
    decoded = decode_text(data, source)
    header_text = header_line(decoded.text)
    if not header_text.strip():
        raise _no_header_error(decoded.text, source)

    delimiter = sniff_delimiter(header_text)
    # Bytes that decoded as plain UTF-8 are the parser's input as they are.
    utf8 = data if decoded.encoding == "utf-8" else decoded.text.encode("utf-8")
    records = _parse_rows(decoded.text, delimiter, source, utf8)
    check_records(utf8, delimiter, len(records), source)
    header = [str(name) for name in records.iloc[0].tolist()]
    rows = records.iloc[1:].reset_index(drop=True)
    rows.columns = pd.RangeIndex(len(header))
    check_header_not_repeated(header, rows, source)
    return TextTable(header=header, rows=rows, delimiter=delimiter, notes=decoded.notes)


def check_header_not_repeated(
    header: list[str], rows: pd.DataFrame, source: str, first_row: int = 2
) -> None:
    """Raise :class:`InputError` when a data row repeats the header, byte-order mark or not.

    Such a row is the seam of two exports pasted into one file, whose rows
    would then be counted twice. ``first_row`` is the row number of the
    table's first row, for the message.
    """
    if rows.empty or not header:
        return
    expected = [_header_cell_key(name) for name in header]
    first = rows.iloc[:, 0].astype(str).map(_header_cell_key)
    for position in (first == expected[0]).to_numpy().nonzero()[0].tolist():
        cells = [_header_cell_key(str(value)) for value in rows.iloc[position].tolist()]
        if cells == expected:
            msg = (
                f"{source}: row {position + first_row} repeats the header row, so two exports "
                "were probably pasted into one file and some responses may appear twice; "
                "delete the repeated header and any repeated responses, or read each "
                "export on its own"
            )
            raise InputError(msg)


def _header_cell_key(text: str) -> str:
    return text.lstrip("\ufeff").strip()


@hookimpl
def ccpm_register_sources(register: Callable[[SurveySource], None]) -> None:
    """Register the ``csv`` source."""
    register(CsvSource())


def read_file_bytes(source: str) -> bytes:
    """Return the bytes of the file at ``source``; raise :class:`InputError` saying why not."""
    path = Path(source).expanduser()
    if path.is_dir():
        msg = f"{source}: this is a directory, not a file; give the path of the file"
        raise InputError(msg)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        msg = f"{source}: file not found; check the path and the current directory"
        raise InputError(msg) from None
    except PermissionError:
        msg = f"{source}: permission denied; check that your account may read the file"
        raise InputError(msg) from None
    except OSError as error:
        msg = f"{source}: the file cannot be read ({error.strerror or error}); check the path"
        raise InputError(msg) from None


def _check_is_text(data: bytes, source: str) -> None:
    if not data.strip():
        msg = f"{source}: the file is empty; export the responses again"
        raise InputError(msg)
    for signature, kind in _WORKBOOK_SIGNATURES:
        if data.startswith(signature):
            msg = f"{source}: the file is {kind}, not text; save it as CSV UTF-8 and read that"
            raise InputError(msg)


def _no_header_error(text: str, source: str) -> InputError:
    if not text.strip():
        msg = f"{source}: the file is empty; export the responses again"
    else:
        msg = (
            f"{source}: the first line is empty, but it must be the header row; delete the "
            f"empty lines above the header. The columns are {_CANONICAL_LAYOUT}"
        )
    return InputError(msg)


def _parse_rows(text: str, delimiter: str, source: str, utf8: bytes | None = None) -> pd.DataFrame:
    """Parse every record, the header included, as strings, padding short records with ''.

    :func:`check_records` rejects the short records that hold values.

    ``utf8`` is ``text`` encoded as UTF-8, when the caller has it already.
    """
    import pandas as pd

    try:
        # With header=None pandas takes the width from the header record and raises on any
        # longer record. With header=0 it drops the extra cells of the first data row and
        # only warns (pandas 3.1, index_col=False).
        # The C parser reads UTF-8 bytes directly, an estimated 15 % faster than pulling
        # text from a StringIO. Decoded text contains no lone surrogates, so it re-encodes.
        return pd.read_csv(
            io.BytesIO(text.encode("utf-8") if utf8 is None else utf8),
            encoding="utf-8",
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            index_col=False,
            skip_blank_lines=False,
            engine="c",
        )
    except pd.errors.ParserError as error:
        raise InputError(_describe_parse_error(text, delimiter, source, error)) from None


def _describe_parse_error(
    text: str, delimiter: str, source: str, error: pd.errors.ParserError
) -> str:
    """Return a message naming the row that pandas rejected, found again with the csv module."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    width = 0
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):
            if row == 1:
                width = len(cells)
            elif len(cells) > width and width == 1:
                return _single_column_message(header_line(text), source)
            elif len(cells) > width:
                return (
                    f"{source}: row {row} has {len(cells)} cells but the header has {width}; "
                    "quote cells that contain the delimiter, or remove the extra cells"
                )
    except csv.Error as csv_error:
        return (
            f"{source}: row {row + 1} cannot be read ({csv_error}); check that every quote "
            "in that row is closed"
        )
    return f"{source}: the file is not valid CSV ({error}); export it again"


def _check_header(header: list[str], source: str, questions: int) -> None:
    if all(not name.strip() for name in header):
        msg = f"{source}: the header row is empty; the columns are {_CANONICAL_LAYOUT}"
        raise InputError(msg)

    if len(header) == 1 and questions > 1:
        raise InputError(_single_column_message(header[0], source))

    columns_of: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        if name.strip():
            columns_of.setdefault(name, []).append(index)
    for name, indices in columns_of.items():
        if len(indices) > 1:
            letters = ", ".join(column_letter(index) for index in indices)
            msg = (
                f"{source}: the header {name!r} appears in columns {letters}; rename or delete "
                "the copies so that every column has its own name"
            )
            raise InputError(msg)


def _single_column_message(header: str, source: str) -> str:
    unsupported = next((mark for mark in _UNSUPPORTED_DELIMITERS if mark in header), None)
    reason = "its delimiter was not recognised"
    if unsupported is not None:
        reason += f" ({unsupported!r} is not a supported delimiter)"
    return (
        f"{source}: the header {header[:80]!r} is a single column, so {reason}; separate the "
        "columns with commas, semicolons or tabs"
    )


def drop_unnamed_empty_columns(
    table: pd.DataFrame, source: str, first_row: int = 2
) -> pd.DataFrame:
    """Drop columns without a header and without values, such as those of trailing delimiters.

    A column without a header that has a value raises :class:`InputError`,
    because its values could not be attributed to a question. ``first_row``
    is the spreadsheet row number of the table's first row, for the message.
    """
    keep: list[int] = []
    for index, name in enumerate(table.columns):
        if str(name).strip():
            keep.append(index)
            continue
        filled = (table.iloc[:, index].str.strip() != "").to_numpy()
        if filled.any():
            row = int(filled.argmax()) + first_row
            msg = (
                f"{source}: column {column_letter(index)} has no header but holds a value in "
                f"row {row}; add a header or delete the column. Row {first_row - 1} was taken "
                "as the header row: if rows above the table hold a title, delete them"
            )
            raise InputError(msg)
    if len(keep) == table.shape[1]:
        return table
    return table.iloc[:, keep]


def column_letter(index: int) -> str:
    """Return the spreadsheet name of the column at 0-based ``index``: A, B, ..., Z, AA."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
