"""Record shapes found from bytes agree with the csv module, and bad shapes are rejected."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccpm_core.errors import InputError
from ccpm_plugins.sources.text_records import (
    _records_by_bytes,
    _records_by_csv,
    check_records,
)

_CELLS = st.text(alphabet=st.sampled_from(list('ab ,;"\r\né٤')), max_size=6)
_ROWS = st.lists(st.lists(_CELLS, min_size=1, max_size=4), min_size=1, max_size=6)


def _write_csv(rows: list[list[str]], line_end: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    return buffer.getvalue()


@settings(max_examples=200, deadline=None)
@given(_ROWS, st.sampled_from(["\n", "\r\n", "\r"]))
def test_records_bytes_match_csv(rows: list[list[str]], line_end: str) -> None:
    text = _write_csv(rows, line_end)
    by_bytes = _records_by_bytes(text.encode(), ",")
    by_csv = _records_by_csv(text, ",")
    assert by_bytes is not None
    assert by_bytes.cells.tolist() == by_csv.cells.tolist()
    assert by_bytes.lines.tolist() == by_csv.lines.tolist()
    assert by_bytes.multiline.tolist() == by_csv.multiline.tolist()


def test_records_cr_only_lines() -> None:
    records = _records_by_bytes(b"a,b\rc,d\r\re\r", ",")
    assert records is not None
    assert records.cells.tolist() == [2, 2, 0, 1]
    assert records.lines.tolist() == [1, 2, 3, 4]


def test_records_quote_inside_cell() -> None:
    assert _records_by_bytes(b'a,b\nx,y"z\n', ",") is None


def test_check_short_row_names_line() -> None:
    text = b'a,b,c\n1,"two\nlines",3\n4,5\n'
    with pytest.raises(InputError, match=r"row 3 \(line 4\) has 2 cells but the header has 3"):
        check_records(text, ",", 3, "f.csv")


def test_check_open_quote_names_line() -> None:
    rows = "".join(f"{index},x,y\n" for index in range(4))
    text = f'a,b,c\n1,"x,y\n{rows}9,z",w\n'.encode()
    with pytest.raises(InputError, match="line 2 has a quote that opens a cell in column B"):
        check_records(text, ",", 3, "f.csv")


def test_check_blank_records_accepted() -> None:
    check_records(b"a,b,c\n\n,,\n1,2,3\n", ",", 4, "f.csv")
