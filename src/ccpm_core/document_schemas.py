"""JSON Schemas of the documents ccpm writes: results, codebook and the canonical response layout.

The ``ccpm.results/1`` and ``ccpm.codebook/1`` documents are described here by
pydantic models, and their JSON Schemas are generated from those models. The
models forbid unknown fields, so validating a real document against them
fails as soon as the code writes a field that the schema does not describe.
The published JSON Schemas allow unknown fields instead, because within one
schema version fields are only ever added, and a consumer written against an
older schema must accept a newer document.

The canonical response layout has one column per question, so its schema is
generated from a questionnaire. Write every schema to a folder with::

    python -m ccpm_core.document_schemas docs/schemas
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ccpm_core.framework import Instrument, Status
from ccpm_core.questionnaire import (
    AnswerType,
    CountKind,
    Question,
    QuestionKind,
    Questionnaire,
    SpecialAnswer,
)
from ccpm_core.responses import ExclusionReason

__all__ = [
    "CodebookDocument",
    "ResultsDocument",
    "document_schemas",
    "response_row_schema",
    "schema_text",
    "write_schemas",
]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionnaireRef(_Strict):
    """The questionnaire a document was made from."""

    id: str
    version: str


# --- ccpm.results/1 -------------------------------------------------------


class Figure(_Strict):
    """One figure for one respondent pool."""

    score: float | None = Field(
        ge=0, le=100, description="Percentage, unrounded; null without data."
    )
    value: float | None = Field(
        ge=0, le=4, description="The same figure on the 0 to 4 answer scale."
    )
    status: Status = Field(description="Status band, classified on the exact value.")
    n: int = Field(
        ge=0, description="Respondents with at least one scored answer behind the figure."
    )


class UnitFigures(Figure):
    """A section, function or item: the pooled figure, then each instrument's."""

    id: str = Field(
        description="Section such as 1.1, function number such as 4, item such as 1.1.2."
    )
    partner: Figure
    coordinator: Figure


class Respondents(_Strict):
    """Responses scored at one level, per instrument."""

    partner: int = Field(ge=0)
    coordinator: int = Field(ge=0)


class RateFigure(_Strict):
    """Partner responses against a base count from the coordinator."""

    responses: int = Field(ge=0)
    base: float | None = Field(description="Null where the coordinator gave no count.")
    percent: float | None = Field(description="Null where the base is unknown or 0.")


class TypeRates(_Strict):
    """Response rates of one organisation type."""

    organisation_type: str
    overall: RateFigure
    effective: RateFigure


class ResponseRates(_Strict):
    """Overall and effective response rates of one level."""

    overall: RateFigure
    effective: RateFigure
    by_organisation_type: list[TypeRates]
    partners_without_type: int = Field(ge=0)
    coordinators_reporting: int = Field(ge=0)
    types_without_count: list[str] = Field(
        description="Types with partner responses but no count; the totals then have no base."
    )


class OptionCount(_Strict):
    """Respondents who chose one option of a select_multiple question."""

    option: str = Field(min_length=1, description="Option code.")
    count: int = Field(ge=0)


class OptionCounts(_Strict):
    """Per-option counts of a select_multiple question for one respondent pool."""

    respondents: int = Field(ge=0, description="Respondents who answered the question.")
    counts: list[OptionCount] = Field(
        description="Every option in scale order, zero counts included; they need not add up "
        "to respondents, who may choose several options or none."
    )


class SelectionFigures(OptionCounts):
    """A select_multiple question: partners and coordinators pooled, then each instrument's."""

    question: str = Field(min_length=1, description="Question code.")
    partner: OptionCounts
    coordinator: OptionCounts


class Level(_Strict):
    """The results of one level."""

    hub: str | None = Field(description="Hub name; null for the national level.")
    respondents: Respondents
    sections: list[UnitFigures] = Field(description="The 13 sections in CCPM order.")
    functions: list[UnitFigures] = Field(description="The 7 functions; id is the number as text.")
    items: list[UnitFigures] = Field(description="Every item of the questionnaire.")
    response_rates: ResponseRates
    selections: list[SelectionFigures] = Field(
        default_factory=list,
        description="Per-option counts of each select_multiple question, in questionnaire "
        "order; never scored. Absent from documents written before these counts existed.",
    )


class ExclusionEntry(_Strict):
    """A row that was read but not scored."""

    row: int = Field(description="Row number in the source; the header is row 1.")
    reason: ExclusionReason
    detail: str


class UnrecognisedEntry(_Strict):
    """An answer that matches no option; never scored."""

    column: str
    value: str
    count: int = Field(ge=1)
    rows: list[int] = Field(description="The first rows (at most 10) where the value appears.")


class DeduplicationEntry(_Strict):
    """Rows that repeat a submission id, and their reduction to one row per submission."""

    id_column: str
    time_column: str | None
    rows_before: int = Field(ge=0)
    rows_after: int = Field(ge=0)
    exact_duplicates: int = Field(ge=0)
    conflicts: int = Field(ge=0)


class DataQualityEntry(_Strict):
    """What happened to every row and answer of the input."""

    source: str = Field(description="File name or address; never contains a secret.")
    rows_read: int = Field(ge=0, description="Always rows_scored + rows_excluded.")
    rows_scored: int = Field(ge=0)
    rows_excluded: int = Field(ge=0)
    exclusion_counts: dict[str, int]
    exclusions: list[ExclusionEntry]
    unrecognised_values: list[UnrecognisedEntry]
    unknown_columns: list[str]
    missing_questions: list[str]
    notes: list[str]
    deduplication: DeduplicationEntry | None = Field(
        description="Null when the input has no submission id column."
    )


class ExerciseEntry(_Strict):
    """The exercise the results belong to."""

    id: str = Field(min_length=1)
    cluster: str = Field(min_length=1)
    country: str = Field(min_length=1)
    region: str | None = Field(
        default=None, description="Null when not given; readers then take it from the country."
    )
    year: int | None = Field(
        default=None,
        ge=1900,
        le=9999,
        description="Year the survey ran; may be left out when survey_date is given.",
    )
    survey_date: dt.date | None = Field(default=None, description="ISO date, YYYY-MM-DD.")


class ResultsDocument(_Strict):
    """The ``ccpm.results/1`` document: ``ccpm score --format json`` and ``Results.to_dict()``."""

    model_config = ConfigDict(title="ccpm.results/1")

    schema_: Literal["ccpm.results/1"] = Field(alias="schema")
    strategy: Literal["median", "mean-of-item-means"]
    partners_only: bool
    questionnaire: QuestionnaireRef
    levels: list[Level] = Field(description="The national level first, then each hub by name.")
    data_quality: DataQualityEntry
    exercise: ExerciseEntry | None = Field(
        default=None, description="The exercise the results belong to; absent when not known."
    )


# --- ccpm.codebook/1 ------------------------------------------------------


class CodebookSection(_Strict):
    """A scored section."""

    id: str
    function: int
    title: str


class CodebookOption(_Strict):
    """An answer option of a question."""

    code: str
    value: float | None = Field(description="Value on the 0 to 4 scale; null for special answers.")
    label: str
    special: SpecialAnswer | None


class CodebookQuestion(_Strict):
    """A question with everything needed to read its column."""

    code: str = Field(description="Column name in the canonical response layout.")
    instrument: Instrument | None = Field(description="Null for questions of both instruments.")
    kind: QuestionKind
    type: AnswerType
    section: str | None = Field(description="Scored section; rating questions only.")
    item: str | None = Field(description="Item id such as 1.1.2; rating questions only.")
    function: int | None = Field(description="CCPM function; comment questions only.")
    count: CountKind | None
    organisation_type: str | None
    label: str
    options: list[CodebookOption]


class CodebookDocument(_Strict):
    """The ``ccpm.codebook/1`` document: ``ccpm questionnaire export --format json``."""

    model_config = ConfigDict(title="ccpm.codebook/1")

    schema_: Literal["ccpm.codebook/1"] = Field(alias="schema")
    questionnaire: QuestionnaireRef
    language: str
    sections: list[CodebookSection]
    questions: list[CodebookQuestion]


# --- generation -----------------------------------------------------------


def response_row_schema(questionnaire: Questionnaire) -> dict[str, Any]:
    """Build the JSON Schema of one row of the canonical response layout for a questionnaire.

    A row is an object keyed by column name, as a CSV reader gives it, with
    empty cells as null. Rating and other single-choice columns take option
    codes; ``ResponseSet.to_frame()`` writes codes, while ccpm also reads
    labels in any of the questionnaire's languages. Unknown columns are
    allowed, because ccpm reads past them and lists them in the data-quality
    report. Only ``instrument`` is required, since missing questions are
    listed rather than rejected.
    """
    properties = {
        question.code: _column_schema(questionnaire, question)
        for question in questionnaire.questions
    }
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"Canonical response row, {questionnaire.id} {questionnaire.version}",
        "description": "One response of the canonical layout; empty cells are null.",
        "type": "object",
        "required": ["instrument"],
        "properties": properties,
    }


def _column_schema(questionnaire: Questionnaire, question: Question) -> dict[str, Any]:
    label = questionnaire.label(question.label)
    if question.type is AnswerType.SELECT_ONE and question.scale is not None:
        codes: list[str | None] = [
            option.code for option in questionnaire.scale_of(question).options
        ]
        return {"description": label, "enum": [*codes, None]}
    if question.type is AnswerType.INTEGER:
        return {"description": label, "type": ["integer", "null"], "minimum": 0}
    if question.type is AnswerType.DECIMAL:
        return {"description": label, "type": ["number", "null"], "minimum": 0}
    # Free text, and select_multiple answers, whose cells are text as well.
    return {"description": label, "type": ["string", "null"]}


def document_schemas(questionnaire: Questionnaire | None = None) -> dict[str, dict[str, Any]]:
    """Generate every published schema, keyed by file name.

    ``responses.json`` is generated from ``questionnaire``, by default the
    standard CCPM questionnaire.
    """
    from ccpm_core.questionnaire import standard_questionnaire

    return {
        "codebook.json": _published_schema(CodebookDocument),
        "results.json": _published_schema(ResultsDocument),
        "responses.json": response_row_schema(questionnaire or standard_questionnaire()),
    }


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema of :func:`document_schemas` into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in document_schemas().items():
        path = folder / name
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written


def schema_text(schema: dict[str, Any]) -> str:
    """Serialise a schema the way the checked-in files are written."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _published_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True)
    _allow_extra_fields(schema)
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}


def _allow_extra_fields(node: Any) -> None:
    """Drop ``additionalProperties: false`` everywhere, as consumers must accept added fields."""
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        for value in node.values():
            _allow_extra_fields(value)
    elif isinstance(node, list):
        for value in node:
            _allow_extra_fields(value)


if __name__ == "__main__":
    for written_path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas")):
        print(written_path)
