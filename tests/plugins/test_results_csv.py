"""CSV output of the results frame: byte order mark, inert formulas, untouched numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_samples import FORMULA_HUB, SMALL_ROWS, small_results

from ccpm_plugins.cli.main import main
from ccpm_plugins.renderers.spreadsheet_text import is_formula_like
from ccpm_plugins.results_csv import UTF8_BOM, frame_csv, results_csv

HOSTILE_TEXTS = ["=1+1", "@SUM(A1:A2)", "+33 6 12 34 56 78", "\t=2+2", "-2+3", "\r=3"]


def rows_of(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture(scope="module")
def hostile_csv() -> bytes:
    frame = pd.DataFrame(
        {
            "=header": ["plain"] * len(HOSTILE_TEXTS),
            "text": HOSTILE_TEXTS,
            "number": [-5.0, 62.5, 0.0, 1.5, -0.25, 3.0],
            "count": [-5, 1, 2, 3, 4, 5],
            "numeric text": ["-5", "+5", "1e3", "-1.5", "5", "7"],
        }
    )
    return frame_csv(frame).data


@pytest.fixture(scope="module")
def small_csv() -> bytes:
    return results_csv(small_results()).data


def test_starts_with_bom(hostile_csv: bytes) -> None:
    assert hostile_csv.startswith(UTF8_BOM)


def test_crlf_line_ends(hostile_csv: bytes) -> None:
    assert hostile_csv.count(b"\r\n") == len(HOSTILE_TEXTS) + 1


@pytest.mark.parametrize(("row", "text"), list(enumerate(HOSTILE_TEXTS, start=1)))
def test_formula_text_neutralised(hostile_csv: bytes, row: int, text: str) -> None:
    assert rows_of(hostile_csv)[row][1] == "'" + text


def test_header_neutralised(hostile_csv: bytes) -> None:
    assert rows_of(hostile_csv)[0] == ["'=header", "text", "number", "count", "numeric text"]


def test_floats_untouched(hostile_csv: bytes) -> None:
    assert [row[2] for row in rows_of(hostile_csv)[1:]] == [
        "-5.0",
        "62.5",
        "0.0",
        "1.5",
        "-0.25",
        "3.0",
    ]


def test_integers_untouched(hostile_csv: bytes) -> None:
    assert [row[3] for row in rows_of(hostile_csv)[1:]] == ["-5", "1", "2", "3", "4", "5"]


def test_plain_number_text_untouched(hostile_csv: bytes) -> None:
    assert [row[4] for row in rows_of(hostile_csv)[1:]] == ["-5", "+5", "1e3", "-1.5", "5", "7"]


def test_neutralised_count() -> None:
    frame = pd.DataFrame({"=a": ["=1", "x", "@y", "-5"]})
    assert frame_csv(frame).neutralised_cells == 3


def test_missing_values_empty() -> None:
    frame = pd.DataFrame({"hub": [None, "North"], "score": [float("nan"), 1.0]})
    assert rows_of(frame_csv(frame).data)[1] == ["", ""]


def test_lone_surrogate_replaced() -> None:
    frame = pd.DataFrame({"hub": ["bad \ud800 name"]})
    assert rows_of(frame_csv(frame).data)[1] == ["bad \ufffd name"]


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30))
def test_text_round_trips(text: str) -> None:
    frame = pd.DataFrame({"text": [text]})
    (value,) = rows_of(frame_csv(frame).data)[1]
    expected = "'" + text if is_formula_like(text) else text

    assert value == expected


def test_results_columns(small_csv: bytes) -> None:
    assert rows_of(small_csv)[0] == [
        "hub",
        "level",
        "unit",
        "id",
        "pool",
        "value",
        "score",
        "status",
        "n",
    ]


def test_results_row_count(small_csv: bytes) -> None:
    results = small_results()
    assert len(rows_of(small_csv)) - 1 == len(results.to_frame())


def test_results_arabic_hub_intact(small_csv: bytes) -> None:
    hubs = {row[0] for row in rows_of(small_csv)[1:]}
    assert "Alep حلب" in hubs


def test_results_formula_hub_neutralised(small_csv: bytes) -> None:
    hubs = {row[0] for row in rows_of(small_csv)[1:]}

    assert "'" + FORMULA_HUB in hubs
    assert FORMULA_HUB not in hubs


def test_results_national_hub_empty(small_csv: bytes) -> None:
    first = rows_of(small_csv)[1]

    assert first[0] == ""
    assert first[1] == "national"


def test_results_scores_numeric(small_csv: bytes) -> None:
    scores = [row[6] for row in rows_of(small_csv)[1:] if row[6]]
    assert all(float(score) >= 0 for score in scores)


# Command line


@pytest.fixture(scope="module")
def survey_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("survey") / "responses.csv"
    pd.DataFrame(SMALL_ROWS).fillna("").to_csv(path, index=False, encoding="utf-8")
    return path


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0


def test_cli_writes_csv_file(
    survey_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "results.csv"
    code = run(["score", str(survey_csv), "--format", "csv", "-o", str(target)])
    err = capsys.readouterr().err

    assert code == 0
    assert target.read_bytes().startswith(UTF8_BOM)
    assert f"Results written to {target}" in err


def test_cli_reports_neutralised_cells(
    survey_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "results.csv"
    run(["score", str(survey_csv), "--format", "csv", "-o", str(target)])
    err = capsys.readouterr().err
    rows = rows_of(target.read_bytes())
    prefixed = sum(1 for row in rows for value in row if value.startswith("'"))

    assert prefixed > 0
    assert f"{prefixed} text cells start with =" in err


def test_cli_csv_same_as_function(survey_csv: Path, tmp_path: Path) -> None:
    target = tmp_path / "results.csv"
    run(["score", str(survey_csv), "--format", "csv", "-o", str(target)])
    assert target.read_bytes() == results_csv(small_results()).data


def test_cli_csv_to_stdout(survey_csv: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code = run(["score", str(survey_csv), "--format", "csv"])
    out = capsysbinary.readouterr().out

    assert code == 0
    assert out == results_csv(small_results()).data
