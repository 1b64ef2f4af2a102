"""Workbooks through the csv source: cell conversion, sheet choice and every error message."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from ccpm_core.errors import InputError
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import Questionnaire, load_questionnaire
from ccpm_core.responses import RawResponses
from ccpm_plugins.sources.csv_file import CsvSource

CORPUS = Path(__file__).parents[1] / "corpus"
sys.path.insert(0, str(CORPUS))

from workbook_files import Formula, ods_bytes, xlsx_bytes  # noqa: E402

HEADER = ["instrument", "hub", "q_frequency", "c_attending_ingo", "comment_1", "end"]


def _questionnaire() -> Questionnaire:
    return load_questionnaire(CORPUS / "questionnaire.yaml")


def _read(path: Path, **options: str) -> RawResponses:
    request = SourceRequest(questionnaire=_questionnaire(), location=str(path), options=options)
    return CsvSource().read(request)


def _read_error(path: Path) -> str:
    with pytest.raises(InputError) as raised:
        _read(path)
    return str(raised.value)


def _write(tmp_path: Path, name: str, rows: list[list[Any]]) -> Path:
    path = tmp_path / name
    builder = ods_bytes if name.endswith(".ods") else xlsx_bytes
    path.write_bytes(builder({"Responses": rows}))
    return path


@pytest.fixture(params=["responses.xlsx", "responses.ods"])
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_workbook_cells_as_text(tmp_path: Path, name: str) -> None:
    rows = [
        HEADER,
        ["partner", 12, 4.0, 3.5, 7, dt.datetime(2026, 3, 1, 9, 30)],
        ["coordinator", True, Formula("1+2", 3), 0.1, "text", dt.date(2026, 3, 2)],
    ]
    raw = _read(_write(tmp_path, name, rows))
    assert raw.table["hub"].tolist() == ["12", "True"]
    assert raw.table["q_frequency"].tolist() == ["4", "3"]
    assert raw.table["c_attending_ingo"].tolist() == ["3.5", "0.1"]
    assert raw.table["comment_1"].tolist() == ["7", "text"]
    assert raw.table["end"].tolist() == ["2026-03-01T09:30:00", "2026-03-02"]


def test_workbook_row_numbers_follow_sheet(tmp_path: Path, name: str) -> None:
    rows = [[], HEADER, ["partner", "", 4, "", "", ""], ["coordinator", "", 2, "", "", ""]]
    raw = _read(_write(tmp_path, name, rows))
    assert list(raw.row_numbers) == [3, 4]


def test_workbook_title_row_skipped(tmp_path: Path, name: str) -> None:
    rows = [["CCPM survey 2026"], HEADER, ["partner", "", 4, "", "", ""]]
    raw = _read(_write(tmp_path, name, rows))
    assert list(raw.row_numbers) == [3]
    assert raw.notes[-1].endswith("row 1 above the header row 2 was not read, as a title")


def test_workbook_title_with_date_skipped(tmp_path: Path, name: str) -> None:
    rows = [["CCPM survey", "2026-03"], HEADER, ["partner", "", 4, "", "", ""]]
    raw = _read(_write(tmp_path, name, rows))
    assert list(raw.row_numbers) == [3]
    assert raw.notes[-1].endswith("row 1 above the header row 2 was not read, as a title")


def test_workbook_narrow_header_kept(tmp_path: Path, name: str) -> None:
    rows = [["instrument", "q_frequency"], ["partner", 4], ["coordinator", 2]]
    raw = _read(_write(tmp_path, name, rows))
    assert list(raw.row_numbers) == [2, 3]


def test_workbook_title_message_names_header(tmp_path: Path, name: str) -> None:
    rows = [["CCPM survey", "2026-03"], ["partner", "", 4], ["partner", "", 4, "", "x"]]
    message = _read_error(_write(tmp_path, name, rows))
    assert "column C has no header but holds a value in row 2" in message
    assert "Row 1 was taken as the header row" in message


def test_workbook_formula_error_rejected(tmp_path: Path) -> None:
    rows = [HEADER, ["partner", "", Formula("1/0", "#DIV/0!", error=True), "", "", ""]]
    rows.append(["partner", "", Formula("NA()", "#N/A", error=True), "", "", ""])
    message = _read_error(_write(tmp_path, "responses.xlsx", rows))
    assert "cells C2 (#DIV/0!), C3 (#N/A) hold error values instead of an answer" in message


def test_workbook_unsaved_formula_rejected(tmp_path: Path) -> None:
    rows = [HEADER, ["partner", "", Formula("2+2", None), "", "", ""]]
    message = _read_error(_write(tmp_path, "responses.xlsx", rows))
    assert "cell C2 holds a formula without a saved result" in message


def test_workbook_text_formula_result_empty(tmp_path: Path) -> None:
    rows = [HEADER, ["partner", "", 4, "", Formula('""', ""), ""]]
    raw = _read(_write(tmp_path, "responses.xlsx", rows))
    assert raw.table["comment_1"].tolist() == [""]


def test_workbook_formula_error_in_title_ignored(tmp_path: Path) -> None:
    rows = [[Formula("1/0", "#DIV/0!", error=True)], HEADER, ["partner", "", 4, "", "", ""]]
    raw = _read(_write(tmp_path, "responses.xlsx", rows))
    assert raw.table["q_frequency"].tolist() == ["4"]


def test_workbook_merged_title_allowed(tmp_path: Path) -> None:
    path = tmp_path / "responses.xlsx"
    rows = [["CCPM survey 2026"], HEADER, ["partner", "", 4, "", "", ""]]
    path.write_bytes(xlsx_bytes({"Responses": rows}, merged=["A1:F1"]))
    assert _read(path).table["q_frequency"].tolist() == ["4"]


def test_workbook_source_names_sheet(tmp_path: Path, name: str) -> None:
    raw = _read(_write(tmp_path, name, [HEADER, ["partner", "", 4, "", "", ""]]))
    assert raw.source.endswith(f"{name}, sheet 'Responses'")


def test_workbook_and_csv_agree(tmp_path: Path, name: str) -> None:
    rows = [HEADER, ["partner", "Goma", 4, "", "ok", ""], ["coordinator", "", "", 2.5, "", ""]]
    csv_path = tmp_path / "responses.csv"
    csv_path.write_text(
        "instrument,hub,q_frequency,c_attending_ingo,comment_1,end\n"
        "partner,Goma,4,,ok,\n"
        'coordinator,,,"2,5",,\n',
        encoding="utf-8",
    )
    questionnaire = _questionnaire()
    from_workbook = normalise_responses(_read(_write(tmp_path, name, rows)), questionnaire)
    from_csv = normalise_responses(_read(csv_path), questionnaire)
    assert from_workbook.to_frame().equals(from_csv.to_frame())


def test_workbook_fraction_in_code_column(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, [HEADER, ["partner", "", 2.5, "", "", ""]])
    with pytest.raises(InputError) as raised:
        _read(path)
    message = str(raised.value)
    assert f"{name}, sheet 'Responses', cell C2 (column 'q_frequency')" in message
    assert "the number 2.5 is not an option code" in message


def test_workbook_date_in_code_column(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, [HEADER, ["partner", "", dt.date(2026, 1, 2), "", "", ""]])
    with pytest.raises(InputError, match=r"cell C2 .*2026-01-02 is not an option code"):
        _read(path)


def test_workbook_select_multiple_flag_fraction(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, [["instrument", "sectors/health"], ["partner", 0.5]])
    with pytest.raises(InputError, match=r"cell B2 \(column 'sectors/health'\)"):
        _read(path)


def test_workbook_unknown_sheet(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, [HEADER])
    with pytest.raises(InputError) as raised:
        _read(path, sheet="Answers")
    message = str(raised.value)
    assert "no sheet 'Answers'; its sheets are 'Responses'" in message
    assert "--sheet" in message


def test_workbook_sheet_case_insensitive(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, [HEADER, ["partner", "", 4, "", "", ""]])
    assert len(_read(path, sheet="RESPONSES").table) == 1


def test_workbook_empty_sheet(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, [[], []])
    with pytest.raises(InputError, match="sheet 'Responses': the sheet is empty"):
        _read(path)


def test_workbook_header_only(tmp_path: Path, name: str) -> None:
    raw = _read(_write(tmp_path, name, [HEADER]))
    assert len(raw.table) == 0


def test_workbook_value_without_header(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name, [["instrument", "hub"], ["partner", "", "stray"]])
    with pytest.raises(InputError, match="column C has no header but holds a value in row 2"):
        _read(path)


def test_workbook_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "responses.xlsx"
    path.write_text("instrument,hub\npartner,Goma\n", encoding="utf-8")
    with pytest.raises(InputError) as raised:
        _read(path)
    message = str(raised.value)
    assert "responses.xlsx: the file is named like a workbook but is not one" in message
    assert "rename it to .csv" in message


def test_workbook_damaged_zip(tmp_path: Path) -> None:
    path = tmp_path / "responses.ods"
    path.write_bytes(b"PK\x03\x04not really a zip archive")
    with pytest.raises(InputError) as raised:
        _read(path)
    message = str(raised.value)
    assert "responses.ods: the file cannot be read as a workbook" in message
    assert "save it again as .xlsx, .ods or CSV UTF-8" in message


def test_workbook_renamed_to_csv(tmp_path: Path) -> None:
    path = tmp_path / "responses.csv"
    path.write_bytes(xlsx_bytes({"Responses": [HEADER, ["partner", "", 4, "", "", ""]]}))
    assert _read(path).table["q_frequency"].tolist() == ["4"]


def test_sheet_option_on_text_file(tmp_path: Path) -> None:
    path = tmp_path / "responses.csv"
    path.write_text("instrument,hub\npartner,Goma\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"responses\.csv: --sheet applies to \.xlsx"):
        _read(path, sheet="Responses")


def test_workbook_first_visible_sheet(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.title = "Hidden"
    hidden.append(["x"])
    hidden.sheet_state = "hidden"
    visible = workbook.create_sheet("Responses")
    visible.append(HEADER)
    visible.append(["partner", "", 4, "", "", ""])
    path = tmp_path / "responses.xlsx"
    workbook.save(path)
    assert _read(path).source.endswith("sheet 'Responses'")


def test_workbook_suffixes_claimed() -> None:
    source = CsvSource()
    for suffix in (".xlsx", ".XLSX", ".xls", ".ods", ".xlsm"):
        assert source.can_read("responses" + suffix)


def test_workbook_sheet_option_declared() -> None:
    assert [option.name for option in CsvSource.options] == ["sheet"]
