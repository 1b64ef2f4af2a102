"""Fuzzing of the file readers: any table or byte string gives responses or a CcpmError.

Tables mix the questionnaire's real headers and option codes with arbitrary
text, numbers, booleans and dates, and are written as CSV, .xlsx and .ods.
Raw bytes go through the text path and, behind a zip signature, through the
workbook path. Sizes stay small so that each property runs in seconds.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpm_core.errors import CcpmError
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import Questionnaire, load_questionnaire
from ccpm_plugins.sources.csv_file import CsvSource

CORPUS = Path(__file__).parents[1] / "corpus"
sys.path.insert(0, str(CORPUS))

from workbook_files import ods_bytes, xlsx_bytes  # noqa: E402

_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@functools.cache
def _questionnaire() -> Questionnaire:
    return load_questionnaire(CORPUS / "questionnaire.yaml")


def _real_headers() -> list[str]:
    questionnaire = _questionnaire()
    headers = [question.code for question in questionnaire.questions]
    headers += ["grp/q_meetings", "grp.q_partners", "sectors/health", "sectors/wash", "_uuid"]
    return headers


def _real_codes() -> list[str]:
    questionnaire = _questionnaire()
    codes = {option.code for scale in questionnaire.scales.values() for option in scale.options}
    return sorted(codes | {"Bon", "A3", "n/a", "True", "12,0", "3,5", "health wash"})


_TEXT = st.text(max_size=12)
_HEADERS = st.lists(st.sampled_from(_real_headers()) | _TEXT, min_size=1, max_size=6)
_CELLS = (
    st.sampled_from(_real_codes())
    | _TEXT
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.booleans()
    | st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 1, 1))
)


def _read(path: Path) -> None:
    """Read and match ``path``; a CcpmError is an acceptable outcome, anything else fails."""
    questionnaire = _questionnaire()
    request = SourceRequest(questionnaire=questionnaire, location=str(path))
    try:
        normalise_responses(CsvSource().read(request), questionnaire)
    except CcpmError as error:
        message = str(error)
    else:
        return
    assert message


def _write_and_read(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        _read(path)


def _csv_text(rows: list[list[Any]], delimiter: str) -> str:
    def quote(value: Any) -> str:
        text = str(value)
        return '"' + text.replace('"', '""') + '"'

    return "\n".join(delimiter.join(quote(value) for value in row) for row in rows) + "\n"


@st.composite
def _tables(draw: st.DrawFn) -> list[list[Any]]:
    header = draw(_HEADERS)
    width = len(header)
    rows = draw(st.lists(st.lists(_CELLS, min_size=width, max_size=width), max_size=5))
    return [header, *rows]


@_SETTINGS
@given(
    table=_tables(),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_csv_tables_read_or_fail_cleanly(
    table: list[list[Any]], delimiter: str, encoding: str
) -> None:
    data = _csv_text(table, delimiter).encode(encoding, errors="replace")
    _write_and_read("responses.csv", data)


def _xlsx_safe(value: Any) -> Any:
    # openpyxl rejects control characters in cell text; a workbook cannot hold them.
    if isinstance(value, str):
        return "".join(
            character for character in value if character >= " " or character in "\t\n\r"
        )
    return value


@_SETTINGS
@given(table=_tables())
def test_xlsx_tables_read_or_fail_cleanly(table: list[list[Any]]) -> None:
    rows = [[_xlsx_safe(value) for value in row] for row in table]
    _write_and_read("responses.xlsx", xlsx_bytes({"Responses": rows}))


@_SETTINGS
@given(table=_tables())
def test_ods_tables_read_or_fail_cleanly(table: list[list[Any]]) -> None:
    rows = [[_xlsx_safe(value) for value in row] for row in table]
    _write_and_read("responses.ods", ods_bytes({"Responses": rows}))


@_SETTINGS
@given(
    table=_tables(),
    spans=st.lists(st.tuples(*[st.integers(0, 6)] * 4), max_size=3),
)
def test_ods_merged_cells_read_or_fail_cleanly(
    table: list[list[Any]], spans: list[tuple[int, int, int, int]]
) -> None:
    rows = [[_xlsx_safe(value) for value in row] for row in table]
    _write_and_read("responses.ods", ods_bytes({"Responses": rows}, merged=spans))


@_SETTINGS
@given(data=st.binary(max_size=300))
def test_csv_bytes_read_or_fail_cleanly(data: bytes) -> None:
    _write_and_read("responses.csv", data)


@_SETTINGS
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".xlsx", ".ods", ".xls"]))
def test_workbook_bytes_read_or_fail_cleanly(data: bytes, suffix: str) -> None:
    _write_and_read("responses" + suffix, b"PK\x03\x04" + data)


@functools.cache
def _sample_workbooks() -> tuple[bytes, bytes]:
    rows = [["instrument", "q_meetings", "sectors"], ["partner", "good", "health wash"]]
    return xlsx_bytes({"Responses": rows}), ods_bytes({"Responses": rows})


def _rezip(data: bytes, member: str, content: bytes) -> bytes:
    """Return the zip ``data`` with ``member`` replaced by ``content``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == member else source.read(info))
    return buffer.getvalue()


@_SETTINGS
@given(content=st.binary(max_size=200), which=st.sampled_from(["xlsx", "ods"]))
def test_damaged_sheet_xml_fails_cleanly(content: bytes, which: str) -> None:
    xlsx, ods = _sample_workbooks()
    if which == "xlsx":
        data = _rezip(xlsx, "xl/worksheets/sheet1.xml", content)
    else:
        data = _rezip(ods, "content.xml", content)
    _write_and_read("responses." + which, data)


@_SETTINGS
@given(position=st.integers(0, 10_000), byte=st.integers(0, 255))
def test_flipped_workbook_byte_fails_cleanly(position: int, byte: int) -> None:
    xlsx, _ = _sample_workbooks()
    data = bytearray(xlsx)
    data[position % len(data)] = byte
    _write_and_read("responses.xlsx", bytes(data))
