"""The csv source: encodings, delimiters, quoting, row numbers and every input error."""

from __future__ import annotations

import codecs
import csv
import io
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpm_core.errors import InputError
from ccpm_core.framework import Instrument
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.plugins import PluginHost
from ccpm_core.questionnaire import Questionnaire, questionnaire_from_data
from ccpm_core.responses import RawResponses
from ccpm_plugins.sources.csv_file import CsvSource
from ccpm_plugins.sources.text_decoding import decode_text, header_line, sniff_delimiter


def _questionnaire() -> Questionnaire:
    labels = {"en": "x"}
    data: dict[str, Any] = {
        "schema": "ccpm.questionnaire/1",
        "id": "csv-test",
        "version": "1",
        "languages": ["en"],
        "title": labels,
        "scales": {
            "instrument": {
                "options": [
                    {"code": "partner", "label": {"en": "Partner"}},
                    {"code": "coordinator", "label": {"en": "Coordinator"}},
                ]
            },
            "organisation_type": {"options": [{"code": "ingo", "label": {"en": "INGO"}}]},
            "frequency": {
                "options": [
                    {"code": str(v), "value": v, "label": {"en": f"Level {v}"}} for v in range(5)
                ]
            },
        },
        "items": [{"id": "1.1.1", "section": "1.1", "title": labels}],
        "questions": [
            {"code": "instrument", "kind": "profile", "label": labels, "scale": "instrument"},
            {"code": "hub", "kind": "profile", "type": "text", "label": labels},
            {
                "code": "organisation_type",
                "kind": "profile",
                "label": labels,
                "scale": "organisation_type",
            },
            {
                "code": "p111",
                "instrument": "partner",
                "kind": "rating",
                "label": labels,
                "item": "1.1.1",
                "scale": "frequency",
            },
            {
                "code": "p_comment_1",
                "instrument": "partner",
                "kind": "comment",
                "type": "text",
                "label": labels,
                "function": 1,
            },
        ],
    }
    return questionnaire_from_data(data)


QUESTIONNAIRE = _questionnaire()
HEADER = ["instrument", "hub", "p111", "p_comment_1"]
ROWS = [
    ["partner", "Nord-Kivu", "4", "Réunions utiles, merci"],
    ["coordinator", "", "3", ""],
]
TEXT = 'instrument,hub,p111,p_comment_1\npartner,Nord-Kivu,4,"Réunions utiles, merci"\n'
TEXT += "coordinator,,3,\n"


def read(path: Path) -> RawResponses:
    return CsvSource().read(SourceRequest(questionnaire=QUESTIONNAIRE, location=str(path)))


def write(tmp_path: Path, data: bytes | str, name: str = "responses.csv") -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8"))
    else:
        path.write_bytes(data)
    return path


def cells(raw: RawResponses) -> list[list[str]]:
    return [[str(cell) for cell in row] for row in raw.table.to_numpy().tolist()]


def read_error(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read(path)
    return str(caught.value)


# --- Encodings ---------------------------------------------------------------


def test_utf8_without_bom(tmp_path: Path) -> None:
    raw = read(write(tmp_path, TEXT.encode("utf-8")))
    assert list(raw.table.columns) == HEADER
    assert cells(raw) == ROWS
    assert raw.notes == ()


def test_utf8_with_bom(tmp_path: Path) -> None:
    raw = read(write(tmp_path, codecs.BOM_UTF8 + TEXT.encode("utf-8")))
    assert raw.table.columns[0] == "instrument"
    assert cells(raw) == ROWS


@pytest.mark.parametrize(
    ("mark", "codec"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_utf16_and_utf32_with_bom(tmp_path: Path, mark: bytes, codec: str) -> None:
    raw = read(write(tmp_path, mark + TEXT.encode(codec)))
    assert raw.table.columns[0] == "instrument"
    assert cells(raw) == ROWS
    assert raw.notes == ()


def test_windows_1252_fallback(tmp_path: Path) -> None:
    raw = read(write(tmp_path, TEXT.replace("merci", "merci – très").encode("cp1252")))
    assert cells(raw)[0][3] == "Réunions utiles, merci – très"
    (note,) = raw.notes
    assert note.startswith(f"{tmp_path / 'responses.csv'} is not valid UTF-8")
    assert "read as Windows-1252" in note
    assert "save the file as CSV UTF-8" in note


def test_windows_1252_note_reaches_quality(tmp_path: Path) -> None:
    raw = read(write(tmp_path, TEXT.encode("cp1252")))
    quality = normalise_responses(raw, QUESTIONNAIRE).quality
    assert quality.notes[0] == raw.notes[0]


def test_neither_utf8_nor_windows_1252(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, b"instrument,hub\npartner,\x81\xff\n"))
    assert "neither UTF-8 nor Windows-1252" in message
    assert "0x81" in message


def test_utf16_without_bom(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, TEXT.encode("utf-16-le")))
    assert "NUL characters" in message
    assert "UTF-16" in message


def test_invalid_after_bom(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, codecs.BOM_UTF8 + b"instrument\n\xff\n"))
    assert "UTF-8 byte-order mark" in message


def test_decode_text_encoding_named() -> None:
    assert decode_text(codecs.BOM_UTF16_BE + "a".encode("utf-16-be"), "f").encoding == "utf-16"


# --- Delimiters and quoting --------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_same_table(tmp_path: Path, delimiter: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows([HEADER, *ROWS])
    raw = read(write(tmp_path, buffer.getvalue()))
    assert list(raw.table.columns) == HEADER
    assert cells(raw) == ROWS


def test_semicolon_with_quoted_commas_in_header(tmp_path: Path) -> None:
    text = 'instrument;hub;"Comments, function 1, all"\npartner;North;"a, b"\n'
    raw = read(write(tmp_path, text))
    assert list(raw.table.columns) == ["instrument", "hub", "Comments, function 1, all"]
    assert cells(raw) == [["partner", "North", "a, b"]]


def test_quoted_delimiters_and_newlines(tmp_path: Path) -> None:
    text = (
        "instrument,hub,p111,p_comment_1\n"
        'partner,"North, East","4","Line one\nline two, ""quoted"""\n'
        "partner,South,3,\n"
    )
    raw = read(write(tmp_path, text))
    assert cells(raw) == [
        ["partner", "North, East", "4", 'Line one\nline two, "quoted"'],
        ["partner", "South", "3", ""],
    ]
    assert list(raw.row_numbers) == [2, 3]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings(tmp_path: Path, newline: str) -> None:
    raw = read(write(tmp_path, TEXT.replace("\n", newline)))
    assert cells(raw) == ROWS


def test_cells_kept_as_text(tmp_path: Path) -> None:
    raw = read(write(tmp_path, "instrument,hub,p111,x\nNA,007,4.0,null\n"))
    assert cells(raw) == [["NA", "007", "4.0", "null"]]


def test_header_line_stops_outside_quotes() -> None:
    assert header_line('a,"b\nc",d\n1,2,3') == 'a,"b\nc",d'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("a,b,c", ","),
        ("a;b;c", ";"),
        ("a\tb\tc", "\t"),
        ('a;"b,c,d";e', ";"),
        ("abc", ","),
    ],
)
def test_sniff_delimiter(header: str, expected: str) -> None:
    assert sniff_delimiter(header) == expected


# --- Rows --------------------------------------------------------------------


def test_short_row_rejected(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "instrument,hub,p111\npartner,North,4\npartner,4\n"))
    assert "row 3 (line 3) has 2 cells but the header has 3" in message


def test_short_row_after_multiline_cell(tmp_path: Path) -> None:
    text = 'instrument,hub,p111\npartner,"North\nEast",4\npartner\n'
    message = read_error(write(tmp_path, text))
    assert "row 3 (line 4) has 1 cell but the header has 3" in message


def test_empty_short_rows_padded(tmp_path: Path) -> None:
    raw = read(write(tmp_path, "instrument,hub,p111\npartner,North,4\n\n,\n"))
    assert cells(raw) == [["partner", "North", "4"], ["", "", ""], ["", "", ""]]


def test_multiline_comment_read(tmp_path: Path) -> None:
    text = 'instrument,hub,p111\npartner,"North, first line\nsecond, line",4\n'
    raw = read(write(tmp_path, text))
    assert cells(raw) == [["partner", "North, first line\nsecond, line", "4"]]


def test_stray_quote_rejected(tmp_path: Path) -> None:
    rows = "".join(f"partner,North,{value},4,3\n" for value in range(5))
    text = 'instrument,hub,p111,p112,p113\npartner,"North,4,3,4\n' + rows + 'partner,a",1,2,3\n'
    message = read_error(write(tmp_path, text))
    assert "line 2 has a quote that opens a cell in column B" in message


def test_quote_mid_cell_falls_back(tmp_path: Path) -> None:
    raw = read(write(tmp_path, 'instrument,hub,p111\npartner,No"rth,4\n'))
    assert cells(raw) == [["partner", 'No"rth', "4"]]


def test_repeated_header_rejected(tmp_path: Path) -> None:
    text = "instrument,hub\npartner,North\n\ufeffinstrument,hub\npartner,North\n"
    message = read_error(write(tmp_path, text))
    assert "row 3 repeats the header row" in message


def test_long_row_rejected(tmp_path: Path) -> None:
    text = 'instrument,hub,p111\npartner,"a\nb",4\npartner,North,4,extra\n'
    message = read_error(write(tmp_path, text))
    assert message.startswith(f"{tmp_path / 'responses.csv'}: row 3 has 4 cells")
    assert "the header has 3" in message


def test_long_first_row_rejected(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "instrument,hub\npartner,North,4\n"))
    assert "row 2 has 3 cells" in message


def test_unclosed_quote(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, 'instrument,hub\npartner,"North\npartner,South\n'))
    assert "row 2 cannot be read" in message
    assert "quote" in message


def test_blank_lines_kept_as_rows(tmp_path: Path) -> None:
    raw = read(write(tmp_path, "instrument,hub\npartner,North\n\n  \ncoordinator,\n"))
    assert cells(raw) == [["partner", "North"], ["", ""], ["  ", ""], ["coordinator", ""]]
    assert list(raw.row_numbers) == [2, 3, 4, 5]


def test_header_only(tmp_path: Path) -> None:
    raw = read(write(tmp_path, "instrument,hub,p111"))
    assert list(raw.table.columns) == ["instrument", "hub", "p111"]
    assert len(raw.table) == 0


def test_blank_rows_excluded_after_normalising(tmp_path: Path) -> None:
    raw = read(write(tmp_path, "instrument,p111\npartner,4\n,\n\ncoordinator,\n"))
    responses = normalise_responses(raw, QUESTIONNAIRE)
    assert [exclusion.row for exclusion in responses.quality.exclusions] == [3, 4]
    assert responses.instrument.tolist() == [Instrument.PARTNER, Instrument.COORDINATOR]


# --- Headers -----------------------------------------------------------------


def test_unnamed_empty_column_dropped(tmp_path: Path) -> None:
    raw = read(write(tmp_path, "instrument,hub,\npartner,North,\n"))
    assert list(raw.table.columns) == ["instrument", "hub"]


def test_unnamed_column_with_values(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "instrument,,hub\npartner,,x\npartner,7,y\n"))
    assert "column B has no header but holds a value in row 3" in message


def test_duplicate_headers(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "instrument,hub,p111,hub\npartner,a,4,b\n"))
    assert "the header 'hub' appears in columns B, D" in message


def test_single_column_header(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "instrument|hub|p111\npartner|North|4\n"))
    assert "'instrument|hub|p111' is a single column" in message
    assert "delimiter was not recognised ('|' is not a supported delimiter)" in message


def test_single_column_comma_in_row(tmp_path: Path) -> None:
    text = "instrument|hub|p111\npartner|North|4\npartner|North, East|4\n"
    message = read_error(write(tmp_path, text))
    assert "'instrument|hub|p111' is a single column" in message
    assert "'|' is not a supported delimiter" in message


def test_mostly_utf8_bad_byte_rejected(tmp_path: Path) -> None:
    utf8 = "instrument,hub,comment_1\npartner,Goma,Très bien\n".encode()
    data = utf8 + b"partner,Bukavu,D\xe9lai\n"
    message = read_error(write(tmp_path, data))
    assert "UTF-8 text except for 1 invalid byte" in message
    assert "byte 0xE9 on line 3, column C ('comment_1'), offset 65" in message


def test_mostly_utf8_many_bad_bytes_listed(tmp_path: Path) -> None:
    accented = "".join(f"partner,Goma,Très bien {index}\n" for index in range(10))
    utf8 = f"instrument,hub,comment_1\n{accented}".encode()
    data = utf8 + b"partner,Goma,\xe9\xe9\xe9\xe9\xe9\xe9\n"
    message = read_error(write(tmp_path, data))
    assert "except for 6 invalid bytes" in message
    assert "and 1 more" in message


def test_windows_1252_still_read(tmp_path: Path) -> None:
    data = "instrument,hub,comment_1\npartner,Goma,Très bien\n".encode("cp1252")
    raw = read(write(tmp_path, data))
    assert cells(raw) == [["partner", "Goma", "Très bien"]]


def test_group_prefixed_headers_normalised(tmp_path: Path) -> None:
    text = "meta/instrument,group_1/p111\npartner,4\n"
    responses = normalise_responses(read(write(tmp_path, text)), QUESTIONNAIRE)
    assert responses.choices[:, responses.rating_codes.index("p111")].tolist() == [4]


# --- Files that cannot be read -----------------------------------------------


def test_file_not_found(tmp_path: Path) -> None:
    message = read_error(tmp_path / "missing.csv")
    assert (
        message
        == f"{tmp_path / 'missing.csv'}: file not found; check the path and the current directory"
    )


def test_directory(tmp_path: Path) -> None:
    message = read_error(tmp_path)
    assert message.startswith(f"{tmp_path}: this is a directory")


def test_path_through_a_file(tmp_path: Path) -> None:
    file = write(tmp_path, TEXT)
    message = read_error(file / "inner.csv")
    assert message.startswith(f"{file / 'inner.csv'}: the file cannot be read")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files without permission"
)
def test_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT)
    path.chmod(0)
    message = read_error(path)
    assert "permission denied" in message


@pytest.mark.parametrize("data", [b"", b"  \n\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\r\n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    message = read_error(write(tmp_path, data))
    assert message.endswith("the file is empty; export the responses again")


def test_first_line_empty(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "\ninstrument,hub\npartner,North\n"))
    assert "the first line is empty, but it must be the header row" in message


def test_header_without_names(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, ",,\npartner,North,4\n"))
    assert "the header row is empty" in message


def test_damaged_workbook_renamed(tmp_path: Path) -> None:
    # A zip signature sends a .csv file to the workbook reader, which names the failure.
    message = read_error(write(tmp_path, b"PK\x03\x04rest of a zip archive"))
    assert "the file cannot be read as a workbook" in message
    assert "save it again as .xlsx, .ods or CSV UTF-8" in message


def test_no_location() -> None:
    with pytest.raises(InputError, match="needs a file path"):
        CsvSource().read(SourceRequest(questionnaire=QUESTIONNAIRE))


# --- Registration ------------------------------------------------------------


def test_registered_as_csv() -> None:
    host = PluginHost(["ccpm_plugins.sources.csv_file"], load_entry_points=False)
    assert isinstance(host.source("csv"), CsvSource)


@pytest.mark.parametrize("name", ["a.csv", "B.TSV", "c.txt", "d.xlsx", "e.ods", "f.XLS"])
def test_source_for_file(name: str) -> None:
    host = PluginHost(["ccpm_plugins.sources.csv_file"], load_entry_points=False)
    assert isinstance(host.source_for_file(name), CsvSource)


def test_other_suffix_not_read() -> None:
    assert not CsvSource().can_read("responses.docx")


# --- Round trip --------------------------------------------------------------

CELL_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters="\x00", max_codepoint=0x2FFF
    ),
    max_size=8,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    st.integers(min_value=2, max_value=4).flatmap(
        lambda width: st.lists(st.lists(CELL_TEXT, min_size=width, max_size=width), max_size=6)
    ),
)
def test_round_trip(tmp_path: Path, delimiter: str, encoding: str, rows: list[list[str]]) -> None:
    width = len(rows[0]) if rows else 2
    header = [f"col{i}" for i in range(width)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([header, *rows])
    raw = read(write(tmp_path, buffer.getvalue().encode(encoding)))
    assert list(raw.table.columns) == header
    assert cells(raw) == rows
    assert list(raw.row_numbers) == list(range(2, len(rows) + 2))
