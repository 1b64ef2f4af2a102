"""Checks on the records of delimited text that the CSV parser accepts silently.

pandas rejects a record with more cells than the header, but pads a shorter
one with empty cells, and a quote opened by mistake makes one cell of the
following lines and delimiters until the next quote. Both change answers
without an error, so the reader checks the shape of every record here.

The records are found from the UTF-8 bytes with numpy: a line break or a
delimiter counts when it lies outside double quotes. That is exact for CSV in
which quotes open and close cells and are doubled inside them. A quote in the
middle of a cell, which the parser takes as a plain character, makes the count
disagree with the parser's, and then the slower :mod:`csv` module counts the
records instead.
"""

from __future__ import annotations

import csv
import io

import attrs
import numpy as np
import numpy.typing as npt

from ccpm_core.errors import InputError

__all__ = ["check_records"]

_QUOTE = ord('"')
_LF = ord("\n")
_CR = ord("\r")

# A quoted cell that spans lines is taken for an unclosed quote when it contains at
# least this many delimiters, or one line with a whole record's worth of them.
_MIN_DELIMITERS_IN_OPEN_QUOTE = 10


@attrs.frozen(eq=False)
class _Records:
    """The records of a text, one entry per record in each array."""

    lines: npt.NDArray[np.int64]
    """Line number (from 1) on which each record starts."""
    cells: npt.NDArray[np.int64]
    """Cell count of each record; 0 for a blank line."""
    filled: npt.NDArray[np.bool_]
    """Whether a cell of the record contains something other than white space and quotes."""
    multiline: npt.NDArray[np.bool_]
    """Whether a quoted cell of the record spans a line break."""

    @classmethod
    def from_lists(
        cls, lines: list[int], cells: list[int], filled: list[bool], multiline: list[bool]
    ) -> _Records:
        return cls(
            np.array(lines, dtype=np.int64),
            np.array(cells, dtype=np.int64),
            np.array(filled, dtype=bool),
            np.array(multiline, dtype=bool),
        )

    def __len__(self) -> int:
        return int(self.cells.size)


def check_records(utf8: bytes, delimiter: str, records: int, source: str) -> None:
    """Raise :class:`InputError` for a record whose shape shows lost or shifted cells.

    ``utf8`` is the text of the file, ``records`` the number of records the
    parser found, the header included. A record is rejected when it has fewer
    cells than the header but contains a value. It is also rejected when one of
    its quoted cells spans lines and contains many delimiters, which is the sign
    of an unclosed quote. A record of empty cells only, such as a blank line, is accepted.
    """
    found = _records_by_bytes(utf8, delimiter, details=False)
    if found is None or len(found) != records:
        found = _records_by_csv(utf8.decode("utf-8"), delimiter)
    if len(found) < 2:
        return

    width = int(found.cells[0])
    multiline = np.flatnonzero(found.multiline).tolist()
    if multiline:
        _check_open_quotes(utf8.decode("utf-8"), delimiter, width, found, multiline, source)

    short = np.flatnonzero((found.cells < width) & found.filled)
    short = short[short > 0]
    if short.size:
        index = int(short[0])
        cells = int(found.cells[index])
        msg = (
            f"{source}: row {index + 1} (line {found.lines[index]}) has {cells} "
            f"{'cell' if cells == 1 else 'cells'} but the header has {width}; a "
            "delimiter, a quote or a line break is probably missing or extra in that row "
            "or the one before. Correct the row so that it has one cell per column "
            "(empty cells are fine)"
        )
        raise InputError(msg)


def _records_by_bytes(utf8: bytes, delimiter: str, *, details: bool = True) -> _Records | None:
    """Return the records of ``utf8``, or None when a quote sits inside a cell.

    Without ``details``, records that all have the header's width and lie on
    one line each come back with their cell counts only: line numbers and
    filled flags are then zero, as :func:`check_records` needs none of them.
    """
    buffer = np.frombuffer(utf8, dtype=np.uint8)
    if buffer.size == 0:
        return _Records.from_lists([], [], [], [])
    # Parity of the quotes up to and including each byte: odd means inside a quoted cell.
    # A uint8 sum wraps at 256, which keeps the parity and a byte per position.
    inside = (np.cumsum(buffer == _QUOTE, dtype=np.uint8) & 1).astype(bool)
    if not _quotes_delimit_cells(buffer, inside, ord(delimiter)):
        return None
    breaks = _line_breaks(buffer)
    ends = np.flatnonzero(breaks & ~inside)
    if ends.size == 0 or ends[-1] != buffer.size - 1:
        ends = np.append(ends, buffer.size - 1)
    starts = np.concatenate(([0], ends[:-1] + 1))

    def per_record(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        # Summing the mask viewed as uint8 into int32 took a tenth of the time of summing
        # the bool array, measured with numpy 2 on a 28 MB file of 100 000 records.
        counts = np.add.reduceat(mask.view(np.uint8), starts, dtype=np.int32)
        return counts.astype(np.int64)

    delimiters = per_record((buffer == ord(delimiter)) & ~inside)
    spanning_any = bool((breaks & inside).any())
    if not details and not spanning_any and bool((delimiters == delimiters[0]).all()):
        # Every record has the header's width and lies on one line: nothing for
        # check_records to find, so skip the per-record details (most files).
        unused = np.zeros(delimiters.size, dtype=bool)
        return _Records(np.zeros(delimiters.size, dtype=np.int64), delimiters + 1, unused, unused)
    blank = per_record(_is_blank(buffer))
    lengths = ends - starts + 1
    all_delimiters = per_record(buffer == ord(delimiter))
    filled = lengths - blank - all_delimiters > 0
    spanning = per_record(breaks & inside) > 0
    lines = _first_lines(breaks, ends)

    # The parser reads a record that is only a line break as a blank line with no cells.
    line_break_only = per_record((buffer == _LF) | (buffer == _CR)) == lengths
    cells = np.where(line_break_only, 0, delimiters + 1)
    return _Records(lines, cells.astype(np.int64), filled, spanning)


def _first_lines(
    breaks: npt.NDArray[np.bool_], ends: npt.NDArray[np.intp]
) -> npt.NDArray[np.int64]:
    """Return the line number on which each record starts, from the line breaks before it."""
    starts = np.concatenate(([0], ends[:-1] + 1))
    breaks_per_record = np.add.reduceat(breaks.view(np.uint8), starts, dtype=np.int32)
    return np.concatenate(([1], np.cumsum(breaks_per_record)[:-1] + 1)).astype(np.int64)


def _quotes_delimit_cells(
    buffer: npt.NDArray[np.uint8], inside: npt.NDArray[np.bool_], delimiter: int
) -> bool:
    """Tell whether every quote opens a cell, closes one, or is doubled inside one."""
    if inside[-1]:
        return False
    quotes = np.equal(buffer, _QUOTE)
    # Masks over the whole buffer: one pass per comparison beats gathering the
    # neighbours of millions of quote positions. The file's start and end count
    # as line breaks around the first and last cell.
    bounds = _bounds_cell(buffer, delimiter)
    opening = quotes & inside
    closing = quotes & ~inside
    opens_cells = not (opening[1:] & ~bounds[:-1]).any()
    closes_cells = not (closing[:-1] & ~bounds[1:]).any()
    return opens_cells and closes_cells


def _bounds_cell(neighbours: npt.NDArray[np.uint8], delimiter: int) -> npt.NDArray[np.bool_]:
    """Mark the bytes that may stand next to a quote that opens or closes a cell."""
    marks: npt.NDArray[np.bool_] = np.equal(neighbours, delimiter)
    for byte in (_LF, _CR, _QUOTE):
        marks |= np.equal(neighbours, byte)
    return marks


def _is_blank(buffer: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Mark white space, line breaks and quotes: bytes that are no value by themselves."""
    blank: npt.NDArray[np.bool_] = np.equal(buffer, _QUOTE)
    for byte in b" \t\r\n":
        blank |= np.equal(buffer, byte)
    return blank


def _line_breaks(buffer: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    """Mark the last byte of every line break: LF, or CR not followed by LF."""
    line_feeds = buffer == _LF
    carriage_returns = buffer == _CR
    followed_by_lf = np.append(line_feeds[1:], False)
    breaks: npt.NDArray[np.bool_] = line_feeds | (carriage_returns & ~followed_by_lf)
    return breaks


def _records_by_csv(text: str, delimiter: str) -> _Records:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[int] = []
    cells: list[int] = []
    filled: list[bool] = []
    multiline: list[bool] = []
    line = 1
    try:
        for record in reader:
            lines.append(line)
            cells.append(len(record))
            filled.append(any(cell.strip(' \t"') for cell in record))
            multiline.append(reader.line_num > line)
            line = reader.line_num + 1
    except csv.Error:
        # The parser accepted the file, so this reader's stricter view adds nothing.
        return _Records.from_lists([], [], [], [])
    return _Records.from_lists(lines, cells, filled, multiline)


def _check_open_quotes(
    text: str,
    delimiter: str,
    width: int,
    records: _Records,
    multiline: list[int],
    source: str,
) -> None:
    """Raise :class:`InputError` for a quoted cell that swallowed the lines after it."""
    positions = set(multiline)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for index, cells in enumerate(reader):
            if index not in positions:
                continue
            for column, cell in enumerate(cells):
                if _looks_like_open_quote(cell, delimiter, width):
                    raise InputError(_open_quote_message(int(records.lines[index]), column, source))
    except csv.Error:
        return


def _looks_like_open_quote(cell: str, delimiter: str, width: int) -> bool:
    if "\n" not in cell and "\r" not in cell:
        return False
    if cell.count(delimiter) >= max(width - 1, _MIN_DELIMITERS_IN_OPEN_QUOTE):
        return True
    later_lines = cell.splitlines()[1:]
    return width > 2 and any(line.count(delimiter) >= width - 1 for line in later_lines)


def _open_quote_message(line: int, column: int, source: str) -> str:
    from ccpm_plugins.sources.csv_file import column_letter

    return (
        f"{source}: line {line} has a quote that opens a cell in column "
        f"{column_letter(column)} and is not closed on that line, so the cell runs over the "
        "following lines and their delimiters; check that every quote in that row is closed, "
        "or delete the stray quote"
    )
