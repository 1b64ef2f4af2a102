"""LimeSurvey export files: both JSON layouts, CSV of LimeSurvey 2.x and 3 to 6, empty records."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from limesurvey_fake_server import csv_export

from ccpm_core.errors import InputError, SourceError
from ccpm_plugins.sources.limesurvey.export_files import (
    decode_base64_export,
    parse_json_export,
    read_export_file,
    records_to_table,
)

RECORDS = [
    {"id": "1", "submitdate": "1980-01-01 00:00:00", "instrument": "AO01", "p1[1]": "A3"},
    {"id": "2", "submitdate": None, "instrument": "AO02", "p1[1]": None},
]


def json_document(items: list[object]) -> bytes:
    return json.dumps({"responses": items}).encode("utf-8")


def test_flat_layout_parsed() -> None:
    export = parse_json_export(json_document(list(RECORDS)), "test")

    assert export.records == [
        {"id": "1", "submitdate": "1980-01-01 00:00:00", "instrument": "AO01", "p1[1]": "A3"},
        {"id": "2", "submitdate": "", "instrument": "AO02", "p1[1]": ""},
    ]


def test_keyed_layout_same_records() -> None:
    keyed = [{record["id"]: record} for record in RECORDS]

    flat = parse_json_export(json_document(list(RECORDS)), "test")
    old = parse_json_export(json_document(keyed), "test")

    assert old.records == flat.records


def test_all_empty_record_dropped() -> None:
    empty = dict.fromkeys(RECORDS[0], "")

    export = parse_json_export(json_document([empty]), "test")

    assert export.records == []
    assert export.empty_records == 1


def test_numbers_and_booleans_become_text() -> None:
    export = parse_json_export(json_document([{"id": 7, "q": 1.5, "y": True}]), "test")

    assert export.records == [{"id": "7", "q": "1.5", "y": "Y"}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"rows": []}', "no 'responses' list"),
        (b'{"responses": [1]}', "not a JSON object"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_json_rejected(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_json_export(data, "test")


def test_base64_decoded() -> None:
    text = base64.b64encode(b'{"responses": []}').decode("ascii")

    assert decode_base64_export(text[:10] + "\n" + text[10:], "test") == b'{"responses": []}'


def test_bad_base64_rejected() -> None:
    with pytest.raises(SourceError, match="not valid base64"):
        decode_base64_export("not base64!", "survey 1")


def test_records_keep_first_seen_order() -> None:
    table = records_to_table([{"b": "1"}, {"a": "2", "b": "3"}], "test")

    assert list(table.table.columns) == ["b", "a"]
    assert table.table.to_numpy().tolist() == [["1", ""], ["3", "2"]]
    assert list(table.row_numbers) == [2, 3]


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_csv_of_limesurvey_3_to_6(tmp_path: Path) -> None:
    data = csv_export(list(RECORDS))
    assert data.startswith(b'\xef\xbb\xbf"id";')
    assert data.endswith(b"\r\n\r\n")

    export = read_export_file(write(tmp_path, "export.csv", data))

    assert list(export.table.columns) == ["id", "submitdate", "instrument", "p1[1]"]
    assert export.table["instrument"].tolist() == ["AO01", "AO02"]
    assert export.table["submitdate"].tolist() == ["1980-01-01 00:00:00", ""]
    assert list(export.row_numbers) == [2, 3]
    assert export.notes == ()


def test_csv_of_limesurvey_2(tmp_path: Path) -> None:
    data = csv_export(list(RECORDS), legacy=True)
    assert data.startswith(b'"id","submitdate"')

    export = read_export_file(write(tmp_path, "export.csv", data))

    assert export.table["p1[1]"].tolist() == ["A3", ""]
    assert list(export.row_numbers) == [2, 3]


def test_csv_quoted_delimiters_kept(tmp_path: Path) -> None:
    records = [{"id": "1", "submitdate": "x", "hub": 'North; "East", West'}]

    export = read_export_file(write(tmp_path, "export.csv", csv_export(records)))

    assert export.table["hub"].tolist() == ['North; "East", West']


def test_csv_empty_record_noted(tmp_path: Path) -> None:
    data = csv_export([dict.fromkeys(RECORDS[0], "")])

    export = read_export_file(write(tmp_path, "export.csv", data))

    assert len(export.table) == 0
    assert len(export.notes) == 1
    assert "1 empty record (row 2) was ignored" in export.notes[0]


def test_csv_duplicate_heading_rejected(tmp_path: Path) -> None:
    data = b'"id";"Question";"Question"\r\n"1";"a";"b"\r\n'

    with pytest.raises(InputError, match="'Question' appears more than once"):
        read_export_file(write(tmp_path, "export.csv", data))


def test_json_file_read(tmp_path: Path) -> None:
    keyed = [{record["id"]: record} for record in RECORDS]
    path = write(tmp_path, "export.txt", b"\xef\xbb\xbf" + json_document([*keyed, {"": {}}]))

    export = read_export_file(path)

    assert export.table["instrument"].tolist() == ["AO01", "AO02"]
    assert len(export.notes) == 1
    assert "1 empty record was ignored" in export.notes[0]


def test_missing_file_reported(tmp_path: Path) -> None:
    for name in ("missing.json", "missing.csv"):
        with pytest.raises(InputError, match="file not found"):
            read_export_file(str(tmp_path / name))
