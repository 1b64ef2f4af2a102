"""Loading many exercises from a folder or the store, and the annual-report command."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run
from openpyxl import load_workbook
from store_databases import store_url

from ccpm_core.errors import InputError
from ccpm_core.exercise import Trigger, TriggerKind, new_exercise
from ccpm_core.portfolio import PORTFOLIO_COLUMNS
from ccpm_core.results_document import ResultsDocumentError
from ccpm_plugins.portfolio.loading import load_portfolio, read_portfolio, read_results_file
from ccpm_plugins.store.store import open_store

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from portfolio_fixtures import document, level, results

__all__ = ["store_url"]


def _write(folder: Path, name: str, doc: Any) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    _write(root, "chad-2026.json", document("td-2026", 2026, level(), level("East")))
    _write(root, "2025/chad-2025.json", document("td-2025", 2025, level(default=30.0)))
    _write(root, "peru.json", document("pe-2026", 2026, level(default=80.0), country="Peru"))
    return root


def test_folder_columns(folder: Path) -> None:
    frame = load_portfolio(folder)

    assert tuple(frame.columns) == PORTFOLIO_COLUMNS


def test_folder_all_exercises(folder: Path) -> None:
    frame = load_portfolio(str(folder))

    assert sorted(frame["exercise"].unique()) == ["pe-2026", "td-2025", "td-2026"]
    assert len(frame) == 13 * 4


def test_folder_empty(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no results files \(\*\.json\) in this folder"):
        load_portfolio(tmp_path)


def test_source_not_found(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder or store"):
        load_portfolio(tmp_path / "missing")


def test_invalid_json_named(folder: Path) -> None:
    bad = folder / "bad.json"
    bad.write_text('{"schema": ', encoding="utf-8")

    with pytest.raises(ResultsDocumentError, match=r"bad\.json: invalid JSON at line 1"):
        load_portfolio(folder)


def test_nan_literal_rejected(tmp_path: Path) -> None:
    path = tmp_path / "nan.json"
    path.write_text('{"score": NaN}', encoding="utf-8")

    with pytest.raises(ResultsDocumentError, match=r"nan\.json: invalid JSON at line 1, column 11"):
        read_results_file(path)


def test_not_object_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, "list.json", [1, 2])

    with pytest.raises(ResultsDocumentError, match="expected a JSON object"):
        read_results_file(path)


def test_missing_exercise_block(tmp_path: Path) -> None:
    _write(tmp_path, "plain.json", results().to_dict())

    with pytest.raises(ResultsDocumentError, match=r"plain\.json: \$\.exercise: missing"):
        load_portfolio(tmp_path)


# The exercise store, on SQLite and PostgreSQL


CREATED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _fill_store(url: str) -> None:
    trigger = Trigger(TriggerKind.NEW_EMERGENCY, dt.date(2026, 1, 1))
    with open_store(url) as store:
        national = store.add_exercise(
            new_exercise("Health", "Chad", trigger, at=CREATED, by="Amina")
        )
        assert national.id is not None
        hub = store.add_exercise(
            new_exercise(
                "Health",
                "Chad",
                trigger,
                at=CREATED,
                by="Amina",
                hub="East",
                national_id=national.id,
            )
        )
        assert hub.id is not None
        unscored = store.add_exercise(
            new_exercise("WASH", "Atlantis", trigger, at=CREATED, by="Ali")
        )
        assert unscored.id is not None

        older = results(level(default=10.0))
        store.add_results(national.id, older.to_dict(), CREATED)
        store.add_results(
            national.id, results(level(), level("East")).to_dict(), CREATED + dt.timedelta(1)
        )
        store.add_results(
            hub.id, results(level("East", default=90.0)).to_dict(), CREATED + dt.timedelta(2)
        )


def test_store_latest_results(store_url: str) -> None:
    _fill_store(store_url)

    frame = load_portfolio(store_url)

    national = frame[frame["level"] == "national"]
    assert set(national["score"]) == {60.0}
    assert set(frame["exercise"]) == {"1"}
    assert set(frame["year"]) == {2026}
    assert set(frame["region"]) == {"Africa"}


def test_store_hub_from_hub_exercise(store_url: str) -> None:
    _fill_store(store_url)

    frame = load_portfolio(store_url)

    east = frame[frame["hub"] == "East"]
    assert len(east) == 13
    assert set(east["score"]) == {90.0}


def test_store_all_latest_results(store_url: str) -> None:
    _fill_store(store_url)

    with open_store(store_url) as store:
        latest = store.all_latest_results()

    assert sorted(latest) == [1, 2]
    assert len(latest[1].document["levels"]) == 2


def test_store_without_results(store_url: str) -> None:
    with open_store(store_url) as store:
        trigger = Trigger(TriggerKind.NEW_EMERGENCY, dt.date(2026, 1, 1))
        store.add_exercise(new_exercise("Health", "Chad", trigger, at=CREATED, by="Amina"))

    with pytest.raises(InputError, match="has 1 exercises but no results"):
        load_portfolio(store_url)


def test_store_empty(store_url: str) -> None:
    open_store(store_url).close()

    with pytest.raises(InputError, match="has no exercises"):
        load_portfolio(store_url)


def test_store_sqlite_file_path(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    _fill_store(f"sqlite+pysqlite:///{path}")

    portfolio = read_portfolio(path)

    assert portfolio.exercises["exercise"].tolist() == ["1"]


# The annual-report command


@pytest.mark.parametrize("ending", [".docx", ".html", ".xlsx"])
def test_cli_writes_report(
    folder: Path, tmp_path: Path, ending: str, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / f"annual{ending}"

    code, out, err = run(
        ["annual-report", str(folder), "--year", "2026", "-o", str(output)], capsys
    )

    assert code == 0, err
    assert output.stat().st_size > 0
    assert f"Annual report written to {output}" in out


def test_cli_arabic_html(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "annual.html"

    run(["annual-report", str(folder), "--year", "2026", "-o", str(output), "--lang", "ar"], capsys)

    html = output.read_text(encoding="utf-8")
    assert 'dir="rtl"' in html
    assert "التقرير السنوي" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2019"], "Error: no exercise ran in 2019; years with exercises: 2025, 2026"),
        (["--year", "2026", "--lang", "de"], "Invalid value for '--lang'"),
    ],
)
def test_cli_errors(
    folder: Path,
    tmp_path: Path,
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(
        ["annual-report", str(folder), "-o", str(tmp_path / "a.docx"), *args], capsys
    )

    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_cli_bad_document(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = document("x", 2026)
    doc["levels"][0]["sections"][0]["status"] = "fine"
    _write(folder, "broken.json", doc)

    code, _, err = run(
        ["annual-report", str(folder), "--year", "2026", "-o", str(tmp_path / "a.docx")], capsys
    )

    assert code == 1
    assert err.count("\n") == 1
    assert "broken.json: $.levels[0].sections[0].status" in err


def test_cli_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    code, _, err = run(
        ["annual-report", str(empty), "--year", "2026", "-o", str(tmp_path / "a.docx")], capsys
    )

    assert code == 1
    assert "no results files" in err


def test_cli_unknown_ending(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["annual-report", str(folder), "--year", "2026", "-o", str(tmp_path / "a.pdf")], capsys
    )

    assert code == 2
    assert "use .docx, .html or .xlsx" in err


# The workbook


def test_workbook_numbers_numeric(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "annual.xlsx"
    run(["annual-report", str(folder), "--year", "2026", "-o", str(output)], capsys)

    sheet = load_workbook(output)["Exercises by region"]

    assert sheet["A2"].value == "Region"
    assert sheet["B3"].value == 1
    assert isinstance(sheet["B3"].value, int)


def test_workbook_rates_are_fractions(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "annual.xlsx"
    run(["annual-report", str(folder), "--year", "2026", "-o", str(output)], capsys)

    sheet = load_workbook(output)["National and sub-national level"]

    assert sheet["E3"].value == pytest.approx(15 / 30)
    assert sheet["E3"].number_format == "0.0%"


def test_workbook_formula_text_neutralised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "results"
    _write(root, "evil.json", document("e-2026", 2026, country='=HYPERLINK("x")'))
    output = tmp_path / "annual.xlsx"

    run(["annual-report", str(root), "--year", "2026", "-o", str(output)], capsys)

    cell = load_workbook(output)["Exercises by country"]["B3"]
    assert cell.value == '=HYPERLINK("x")'
    assert cell.data_type == "s"
    assert cell.quotePrefix


# The exercise options of ccpm score


def test_score_writes_exercise_block(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ccpm_core.questionnaire import standard_questionnaire
    from ccpm_core.sample import sample_responses

    responses = tmp_path / "responses.csv"
    sample_responses(standard_questionnaire()).to_csv(responses, index=False)
    output = tmp_path / "results.json"

    code, _, err = run(
        [
            "score",
            str(responses),
            "--format",
            "json",
            "-o",
            str(output),
            "--cluster",
            "Health",
            "--country",
            "South Sudan",
            "--survey-date",
            "2026-03-04",
        ],
        capsys,
    )

    assert code == 0, err
    block = json.loads(output.read_text(encoding="utf-8"))["exercise"]
    assert block == {
        "id": "south-sudan-health-2026",
        "cluster": "Health",
        "country": "South Sudan",
        "region": None,
        "year": 2026,
        "survey_date": "2026-03-04",
    }


def test_score_exercise_needs_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        [
            "score",
            str(tmp_path / "r.csv"),
            "--cluster",
            "Health",
            "--country",
            "Chad",
            "--year",
            "2026",
        ],
        capsys,
    )

    assert code == 2
    assert "need --format json" in err


def test_score_exercise_incomplete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        ["score", str(tmp_path / "r.csv"), "--format", "json", "--cluster", "Health"], capsys
    )

    assert code == 2
    assert "need --country, --year as well" in err
