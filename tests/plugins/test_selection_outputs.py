"""Select_multiple counts and repeated submissions in rendered reports and in the results schema."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import docx
import jsonschema
import pydantic
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from selection_fixtures import sectors_questionnaire, sectors_responses

from ccpm_core.document_schemas import ResultsDocument
from ccpm_core.report_builder import build_preliminary_report
from ccpm_core.report_model import Report
from ccpm_core.results import Results
from ccpm_core.results_document import (
    ExerciseInfo,
    exercise_from_dict,
    results_from_dict,
    with_exercise,
)
from ccpm_core.scoring import score
from ccpm_plugins.renderers.docx import DocxRenderer
from ccpm_plugins.renderers.markdown import MarkdownRenderer

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "results.json"
QUESTIONNAIRE = sectors_questionnaire()
EXERCISE = ExerciseInfo(
    id="drc-wash-2026",
    cluster="WASH",
    country="COD",
    year=2026,
    region=None,
    survey_date=dt.date(2026, 3, 1),
)


@pytest.fixture(scope="module")
def results() -> Results:
    return score(sectors_responses(questionnaire=QUESTIONNAIRE))


@pytest.fixture(scope="module")
def report(results: Results) -> Report:
    return build_preliminary_report(results, QUESTIONNAIRE, hub="Goma", min_cell_size=3)


@pytest.fixture(scope="module")
def document(results: Results) -> dict[str, Any]:
    exercised = with_exercise(results.to_dict(), EXERCISE)
    loaded: dict[str, Any] = json.loads(json.dumps(exercised, ensure_ascii=False))
    return loaded


@pytest.fixture(scope="module")
def markdown_text(report: Report, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("markdown") / "report.md"
    MarkdownRenderer().render(report, path)
    return path.read_text(encoding="utf-8")


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(document)]


# --- Rendered reports --------------------------------------------------------


def test_markdown_profile_table(markdown_text: str) -> None:
    assert "# Respondent profile" in markdown_text
    assert "| Health | 5 | 100.0% | 0 | – |" in markdown_text
    assert "| WASH | withheld | withheld | 0 | – |" in markdown_text


def test_markdown_repeated_submissions(markdown_text: str) -> None:
    assert "| Rows before removing repeated submissions | 11 |" in markdown_text
    assert "| Rows after removing repeated submissions | 9 |" in markdown_text
    assert "id-07" not in markdown_text


def test_docx_both_parts(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    DocxRenderer().render(report, path)
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows]
        for table in docx.Document(str(path)).tables
    ]
    assert ["Health", "5", "100.0%", "0", "–"] in (row for table in tables for row in table)
    assert ["Conflicting submissions superseded", "1"] in (row for table in tables for row in table)


# --- Results schema ----------------------------------------------------------


def test_schema_exercise_and_selections(document: dict[str, Any]) -> None:
    assert schema_errors(document) == []


def test_model_exercise_and_selections(document: dict[str, Any]) -> None:
    model = ResultsDocument.model_validate(document)
    assert model.exercise is not None
    assert model.levels[1].selections[0].partner.counts[2].count == 3


def test_model_exercise_date_only(document: dict[str, Any]) -> None:
    dated = copy.deepcopy(document)
    del dated["exercise"]["year"]
    assert ResultsDocument.model_validate(dated).exercise is not None


def test_model_rejects_empty_exercise_id(document: dict[str, Any]) -> None:
    broken = copy.deepcopy(document)
    broken["exercise"]["id"] = ""
    with pytest.raises(pydantic.ValidationError, match=r"exercise\.id"):
        ResultsDocument.model_validate(broken)


def test_model_rejects_negative_count(document: dict[str, Any]) -> None:
    broken = copy.deepcopy(document)
    broken["levels"][0]["selections"][0]["counts"][0]["count"] = -1
    with pytest.raises(pydantic.ValidationError, match="greater than or equal to 0"):
        ResultsDocument.model_validate(broken)


def test_schema_rejects_selection_without_question(document: dict[str, Any]) -> None:
    broken = copy.deepcopy(document)
    del broken["levels"][0]["selections"][0]["question"]
    assert schema_errors(broken) == ["'question' is a required property"]


def test_model_older_document_without_selections(document: dict[str, Any]) -> None:
    older = copy.deepcopy(document)
    del older["exercise"]
    for level in older["levels"]:
        del level["selections"]
    assert ResultsDocument.model_validate(older).levels[0].selections == []


def test_document_reads_back_with_exercise(document: dict[str, Any], results: Results) -> None:
    again = results_from_dict(document, source="results.json")
    assert again.level("Goma").selections == results.level("Goma").selections
    assert exercise_from_dict(document, source="results.json") == EXERCISE
