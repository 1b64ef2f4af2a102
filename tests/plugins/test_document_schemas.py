"""JSON Schemas of the data contracts: in sync with the models, and met by real output."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import jsonschema
import pydantic
import pytest

from ccpm_core.document_schemas import (
    CodebookDocument,
    ResultsDocument,
    document_schemas,
    response_row_schema,
    schema_text,
)
from ccpm_core.questionnaire import codebook, standard_questionnaire
from ccpm_core.responses import ResponseSet
from ccpm_core.results import Results
from ccpm_core.sample import sample_responses
from ccpm_core.scoring import score
from ccpm_plugins import read_responses

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "docs" / "schemas"
LANGUAGES = ("en", "fr", "es", "ar")


@pytest.fixture(scope="module")
def sample_set(tmp_path_factory: pytest.TempPathFactory) -> ResponseSet:
    path = tmp_path_factory.mktemp("sample") / "responses.csv"
    sample_responses().to_csv(path, index=False)
    return read_responses(path)


@pytest.fixture(scope="module")
def sample_results(sample_set: ResponseSet) -> Results:
    return score(sample_set)


def json_round_trip(document: dict[str, Any]) -> Any:
    """Return the document as a JSON reader sees it, as ``ccpm score --format json`` prints it."""
    return json.loads(json.dumps(document, ensure_ascii=False))


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", sorted(document_schemas()))
def test_checked_in_schema_current(name: str) -> None:
    expected = schema_text(document_schemas()[name])

    current = (SCHEMA_DIR / name).read_text(encoding="utf-8")

    assert current == expected, (
        f"docs/schemas/{name} is out of date; python -m ccpm_core.document_schemas docs/schemas"
    )


def test_no_stray_schema_files() -> None:
    assert sorted(path.name for path in SCHEMA_DIR.glob("*.json")) == sorted(document_schemas())


def test_results_meet_schema(sample_results: Results) -> None:
    document = json_round_trip(sample_results.to_dict())

    errors = [error.message for error in validator("results.json").iter_errors(document)]

    assert errors == []


@pytest.mark.parametrize("strategy", ["median", "mean-of-item-means"])
def test_results_meet_model(sample_set: ResponseSet, strategy: str) -> None:
    document = json_round_trip(score(sample_set, strategy, partners_only=True).to_dict())

    ResultsDocument.model_validate(document)


def test_results_model_rejects_undescribed_field(sample_results: Results) -> None:
    document = json_round_trip(sample_results.to_dict())
    document["levels"][0]["sections"][0]["median"] = 3

    with pytest.raises(pydantic.ValidationError, match="median"):
        ResultsDocument.model_validate(document)


def test_results_schema_accepts_added_field(sample_results: Results) -> None:
    document = json_round_trip(sample_results.to_dict())
    document["levels"][0]["sections"][0]["confidence"] = 0.9

    assert validator("results.json").is_valid(document)


def test_results_schema_rejects_bad_status(sample_results: Results) -> None:
    document = json_round_trip(sample_results.to_dict())
    document["levels"][0]["sections"][0]["status"] = "excellent"

    assert not validator("results.json").is_valid(document)


def test_results_schema_rejects_other_version(sample_results: Results) -> None:
    document = json_round_trip(sample_results.to_dict())
    document["schema"] = "ccpm.results/2"

    assert not validator("results.json").is_valid(document)


@pytest.mark.parametrize("language", LANGUAGES)
def test_codebook_meets_schema(language: str) -> None:
    document = json_round_trip(codebook(standard_questionnaire(), language))

    errors = [error.message for error in validator("codebook.json").iter_errors(document)]

    assert errors == []
    CodebookDocument.model_validate(document)


def test_codebook_schema_rejects_missing_questions() -> None:
    document = json_round_trip(codebook(standard_questionnaire()))
    del document["questions"]

    assert not validator("codebook.json").is_valid(document)


def test_response_rows_meet_schema(sample_set: ResponseSet) -> None:
    frame = sample_set.to_frame(with_comments=True)
    rows = [_without_nan(record) for record in frame.to_dict(orient="records")]
    check = validator("responses.json")

    errors = [error.message for row in rows for error in check.iter_errors(row)]

    assert len(rows) == 178
    assert errors == []


def test_response_schema_rejects_unknown_option() -> None:
    row = {"instrument": "partner", "p111": "5"}

    assert not validator("responses.json").is_valid(row)


def test_response_schema_rejects_negative_count() -> None:
    row = {"instrument": "coordinator", "c_orgs_international_ngo": -1}

    assert not validator("responses.json").is_valid(row)


def test_response_schema_needs_instrument() -> None:
    assert not validator("responses.json").is_valid({"p111": "3"})


def test_response_schema_allows_unknown_columns() -> None:
    row = {"instrument": "partner", "start_time": "2026-11-02T10:00"}

    assert validator("responses.json").is_valid(row)


def test_response_row_schema_lists_every_question() -> None:
    questionnaire = standard_questionnaire()

    schema = response_row_schema(questionnaire)

    assert list(schema["properties"]) == [question.code for question in questionnaire.questions]


def _without_nan(record: dict[Any, Any]) -> dict[Any, Any]:
    return {
        column: None if isinstance(value, float) and math.isnan(value) else value
        for column, value in record.items()
    }
