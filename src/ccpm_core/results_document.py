"""Read ``ccpm.results/1`` documents back into :class:`~ccpm_core.results.Results`.

A results document is what ``ccpm score --format json`` prints and what the
exercise store keeps. Reading one back checks every field: the schema name,
each field's presence and JSON type, status names, and that no number is NaN
or infinite. Each problem raises :class:`ResultsDocumentError`, whose message
names the document (``source``), the JSON path of the field, such as
``$.levels[0].sections[2].status``, and what to do.

The document does not carry answer distributions or comments, so results read
back have none. Fields derived from others (``percent`` of a rate,
``rows_excluded`` and ``exclusion_counts``) are checked against what they are
derived from, and each figure's status against the band its score falls in.
Levels (hubs compared as :func:`~ccpm_core.labels.same_hub` does) and the ids
of a level's sections, functions and items must not repeat. Per-option counts
of select_multiple questions are checked against each other: no option is
chosen by more respondents than answered, each pool lists the same options,
and the pooled figures are the partners' plus the coordinators'. Documents
written before these counts existed have no ``selections`` key and read back
with none.

The optional ``exercise`` block names the exercise the results belong to; see
:class:`ExerciseInfo`. This module reads mappings only: opening files is left
to the callers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeVar

import attrs

from ccpm_core.errors import InputError
from ccpm_core.framework import Status
from ccpm_core.labels import same_hub
from ccpm_core.rates import RateFigure, ResponseRates, TypeRates
from ccpm_core.responses import (
    DataQuality,
    Deduplication,
    Exclusion,
    ExclusionReason,
    UnrecognisedValue,
)
from ccpm_core.results import (
    RESULTS_SCHEMA,
    LevelResult,
    OptionCounts,
    Results,
    Score,
    SelectionCounts,
    UnitScore,
)
from ccpm_core.scoring import classify

__all__ = [
    "UNKNOWN_REGION",
    "ExerciseInfo",
    "ResultsDocumentError",
    "exercise_from_dict",
    "results_from_dict",
    "with_exercise",
]

UNKNOWN_REGION = "Unknown"
"""Region of an exercise whose region is neither given nor found for its country."""

_REMEDY = "re-create the document with `ccpm score --format json`, or correct the field"
_EDITED_BY_HAND = (
    "the document was edited by hand, so its figures cannot be trusted; "
    "re-create it with `ccpm score --format json`"
)

_T = TypeVar("_T")


class ResultsDocumentError(InputError):
    """A ``ccpm.results/1`` document is invalid; the message names the document and field."""


@attrs.frozen
class ExerciseInfo:
    """The exercise a results document belongs to: the optional ``exercise`` block.

    ``year`` is the year the survey ran; when only ``survey_date`` is given,
    the year is taken from it. ``region`` is None when the document gives
    none; loaders fill it from the country, or use ``"Unknown"``.
    """

    id: str
    cluster: str
    country: str
    year: int
    region: str | None = None
    survey_date: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the ``exercise`` block of a ``ccpm.results/1`` document."""
        return {
            "id": self.id,
            "cluster": self.cluster,
            "country": self.country,
            "region": self.region,
            "year": self.year,
            "survey_date": None if self.survey_date is None else self.survey_date.isoformat(),
        }


def with_exercise(document: Mapping[str, Any], exercise: ExerciseInfo) -> dict[str, Any]:
    """Return a copy of a results document with its ``exercise`` block set to ``exercise``."""
    return {**document, "exercise": exercise.to_dict()}


def results_from_dict(document: Mapping[str, Any], source: str = "") -> Results:
    """Read a ``ccpm.results/1`` document into the Results it was written from.

    ``source`` names the document in messages, such as its file name. Raises
    ResultsDocumentError on a wrong or missing schema, a missing field, a
    value of the wrong type, an unknown status or reason, a NaN, a status
    that contradicts its score, or a level, section, function or item listed
    twice.
    """
    reader = _Reader(source)
    root = reader.mapping(document, "$")
    _check_schema(reader, root)

    questionnaire = reader.mapping(reader.field(root, "questionnaire", "$"), "$.questionnaire")
    levels = reader.array(reader.field(root, "levels", "$"), "$.levels")
    read_levels = tuple(
        _level(reader, level, f"$.levels[{index}]") for index, level in enumerate(levels)
    )
    _check_unique_levels(reader, read_levels)
    return Results(
        strategy=reader.text(reader.field(root, "strategy", "$"), "$.strategy"),
        partners_only=reader.boolean(reader.field(root, "partners_only", "$"), "$.partners_only"),
        questionnaire_id=reader.text(
            reader.field(questionnaire, "id", "$.questionnaire"), "$.questionnaire.id"
        ),
        questionnaire_version=reader.text(
            reader.field(questionnaire, "version", "$.questionnaire"), "$.questionnaire.version"
        ),
        levels=read_levels,
        quality=_quality(reader, reader.field(root, "data_quality", "$"), "$.data_quality"),
    )


def exercise_from_dict(document: Mapping[str, Any], source: str = "") -> ExerciseInfo | None:
    """Read the optional ``exercise`` block of a results document; None when it has none.

    The block needs ``id``, ``cluster``, ``country`` and either ``year`` or
    ``survey_date`` (ISO ``YYYY-MM-DD``); ``region`` may be null. When both
    are given, the year must be the survey date's year.
    """
    reader = _Reader(source)
    root = reader.mapping(document, "$")
    block = root.get("exercise")
    if block is None:
        return None

    path = "$.exercise"
    fields = reader.mapping(block, path)
    survey_date = _optional_date(reader, fields.get("survey_date"), f"{path}.survey_date")
    year_value = fields.get("year")
    if year_value is not None:
        year = reader.integer(year_value, f"{path}.year")
    elif survey_date is not None:
        year = survey_date.year
    else:
        msg = f"{reader.where}{path}: the exercise needs a year or a survey_date; add one of them"
        raise ResultsDocumentError(msg)
    if not 1900 <= year <= 9999:
        year_path = f"{path}.year"
        raise reader.fail(year_path, "a year such as 2026", year_value)
    if survey_date is not None and survey_date.year != year:
        msg = (
            f"{reader.where}{path}.year: year {year} differs from the year of survey_date "
            f"{survey_date.isoformat()}; correct one of them"
        )
        raise ResultsDocumentError(msg)

    region_value = fields.get("region")
    region = None
    if region_value is not None:
        region = reader.text(region_value, f"{path}.region").strip() or None
    return ExerciseInfo(
        id=reader.name(reader.field(fields, "id", path), f"{path}.id"),
        cluster=reader.name(reader.field(fields, "cluster", path), f"{path}.cluster"),
        country=reader.name(reader.field(fields, "country", path), f"{path}.country"),
        year=year,
        region=region,
        survey_date=survey_date,
    )


def _check_schema(reader: _Reader, root: Mapping[str, Any]) -> None:
    if "schema" not in root:
        msg = (
            f"{reader.where}$.schema: missing; this is not a ccpm results document "
            f"(expected schema {RESULTS_SCHEMA!r}); {_REMEDY}"
        )
        raise ResultsDocumentError(msg)
    schema = root["schema"]
    if schema != RESULTS_SCHEMA:
        msg = (
            f"{reader.where}$.schema: expected {RESULTS_SCHEMA!r}, found {schema!r}; "
            "score the responses again with this version of ccpm"
        )
        raise ResultsDocumentError(msg)


def _level(reader: _Reader, value: Any, path: str) -> LevelResult:
    level = reader.mapping(value, path)
    hub_value = reader.field(level, "hub", path)
    respondents = reader.mapping(reader.field(level, "respondents", path), f"{path}.respondents")

    def units(key: str) -> tuple[UnitScore, ...]:
        listed = reader.array(reader.field(level, key, path), f"{path}.{key}")
        read = tuple(_unit(reader, unit, f"{path}.{key}[{i}]") for i, unit in enumerate(listed))
        _check_unique_units(reader, read, f"{path}.{key}")
        return read

    return LevelResult(
        hub=None if hub_value is None else reader.text(hub_value, f"{path}.hub"),
        partners=reader.count(
            reader.field(respondents, "partner", f"{path}.respondents"),
            f"{path}.respondents.partner",
        ),
        coordinators=reader.count(
            reader.field(respondents, "coordinator", f"{path}.respondents"),
            f"{path}.respondents.coordinator",
        ),
        sections=units("sections"),
        functions=units("functions"),
        items=units("items"),
        distributions=(),
        rates=_rates(reader, reader.field(level, "response_rates", path), f"{path}.response_rates"),
        selections=_selections(reader, level.get("selections", []), f"{path}.selections"),
    )


def _check_unique_levels(reader: _Reader, levels: Sequence[LevelResult]) -> None:
    """Reject a level listed twice: two national levels, or two hubs equal under ``same_hub``.

    Readers pick one of the copies, so a repeated level would silently hide the other.
    """
    for index, level in enumerate(levels):
        for earlier_index, earlier in enumerate(levels[:index]):
            if not same_hub(earlier.hub, level.hub):
                continue
            if level.hub is None or earlier.hub is None:
                what = "the national level"
            else:
                what = f"hub {level.hub!r} (as {earlier.hub!r})"
            msg = (
                f"{reader.where}$.levels[{index}].hub: {what} is listed twice, "
                f"also at $.levels[{earlier_index}]; {_EDITED_BY_HAND}"
            )
            raise ResultsDocumentError(msg)


def _check_unique_units(reader: _Reader, units: Sequence[UnitScore], path: str) -> None:
    """Reject a section, function or item id listed twice within one level."""
    first_index: dict[str, int] = {}
    for index, unit in enumerate(units):
        if unit.id in first_index:
            msg = (
                f"{reader.where}{path}[{index}].id: {unit.id!r} is listed twice at this "
                f"level, also at {path}[{first_index[unit.id]}]; {_EDITED_BY_HAND}"
            )
            raise ResultsDocumentError(msg)
        first_index[unit.id] = index


def _unit(reader: _Reader, value: Any, path: str) -> UnitScore:
    unit = reader.mapping(value, path)
    return UnitScore(
        id=reader.name(reader.field(unit, "id", path), f"{path}.id"),
        overall=_score(reader, unit, path),
        partner=_score(reader, reader.field(unit, "partner", path), f"{path}.partner"),
        coordinator=_score(reader, reader.field(unit, "coordinator", path), f"{path}.coordinator"),
    )


def _score(reader: _Reader, value: Any, path: str) -> Score:
    fields = reader.mapping(value, path)
    percent = reader.optional_number(reader.field(fields, "score", path), f"{path}.score")
    scale_value = reader.optional_number(reader.field(fields, "value", path), f"{path}.value")
    status = reader.choice(reader.field(fields, "status", path), f"{path}.status", Status)
    n = reader.count(reader.field(fields, "n", path), f"{path}.n")

    if percent is not None and not 0 <= percent <= 100:
        msg = f"{reader.where}{path}.score: {percent!r} is outside 0 to 100; {_REMEDY}"
        raise ResultsDocumentError(msg)
    if scale_value is not None and not 0 <= scale_value <= 4:
        msg = f"{reader.where}{path}.value: {scale_value!r} is outside 0 to 4; {_REMEDY}"
        raise ResultsDocumentError(msg)
    if (percent is None) != (status is Status.NO_DATA) or (percent is None) != (
        scale_value is None
    ):
        msg = (
            f"{reader.where}{path}: score, value and status disagree (score {percent!r}, "
            f"value {scale_value!r}, status {status.value!r}); a figure with no data has "
            f"null score and value and status 'no_data'; {_REMEDY}"
        )
        raise ResultsDocumentError(msg)
    if percent is not None and scale_value is not None:
        _check_score_agrees(reader, percent, scale_value, status, path)
    return Score(value=scale_value, percent=percent, status=status, n=n)


def _check_score_agrees(
    reader: _Reader, percent: float, scale_value: float, status: Status, path: str
) -> None:
    """Check that a figure's value, score and status are one figure, as scoring writes it.

    Scoring writes ``value`` and ``score`` (the value times 25) as the floats
    nearest their exact fractions, and classifies the exact score. Classifying
    the float again gives the same status, except within 5e-10 of a band
    bound, where :func:`~ccpm_core.scoring.classify` rounds a float and the
    exact float may lie on the other side. So either classification is
    accepted, and a status from any other band is rejected.
    """
    if not math.isclose(scale_value * 25, percent, rel_tol=1e-9, abs_tol=1e-9):
        msg = (
            f"{reader.where}{path}.score: {percent!r} is not value {scale_value!r} times 25; "
            f"{_EDITED_BY_HAND}"
        )
        raise ResultsDocumentError(msg)

    allowed = {classify(percent), classify(Fraction(percent))}
    if status not in allowed:
        expected = " or ".join(sorted(repr(band.value) for band in allowed))
        msg = (
            f"{reader.where}{path}.status: {status.value!r} contradicts score {percent!r}, "
            f"whose status is {expected} by the scoring bands; {_EDITED_BY_HAND}"
        )
        raise ResultsDocumentError(msg)


def _selections(reader: _Reader, value: Any, path: str) -> tuple[SelectionCounts, ...]:
    entries = reader.array(value, path)
    selections = tuple(
        _selection(reader, entry, f"{path}[{index}]") for index, entry in enumerate(entries)
    )
    seen: set[str] = set()
    for index, counts in enumerate(selections):
        if counts.question in seen:
            msg = (
                f"{reader.where}{path}[{index}].question: question {counts.question!r} is "
                f"listed twice at this level; {_REMEDY}"
            )
            raise ResultsDocumentError(msg)
        seen.add(counts.question)
    return selections


def _selection(reader: _Reader, value: Any, path: str) -> SelectionCounts:
    fields = reader.mapping(value, path)
    overall = _option_counts(reader, fields, path)
    partner = _option_counts(
        reader,
        reader.mapping(reader.field(fields, "partner", path), f"{path}.partner"),
        f"{path}.partner",
    )
    coordinator = _option_counts(
        reader,
        reader.mapping(reader.field(fields, "coordinator", path), f"{path}.coordinator"),
        f"{path}.coordinator",
    )
    _check_pool_options(reader, overall, partner, f"{path}.partner.counts")
    _check_pool_options(reader, overall, coordinator, f"{path}.coordinator.counts")
    _check_pooled_sum(reader, overall, partner, coordinator, path)
    return SelectionCounts(
        question=reader.name(reader.field(fields, "question", path), f"{path}.question"),
        overall=overall,
        partner=partner,
        coordinator=coordinator,
    )


def _option_counts(reader: _Reader, fields: Mapping[str, Any], path: str) -> OptionCounts:
    respondents = reader.count(reader.field(fields, "respondents", path), f"{path}.respondents")
    listed = reader.array(reader.field(fields, "counts", path), f"{path}.counts")
    counts: list[tuple[str, int]] = []
    for index, entry in enumerate(listed):
        entry_path = f"{path}.counts[{index}]"
        entry_fields = reader.mapping(entry, entry_path)
        option = reader.name(
            reader.field(entry_fields, "option", entry_path), f"{entry_path}.option"
        )
        count = reader.count(reader.field(entry_fields, "count", entry_path), f"{entry_path}.count")
        if option in (code for code, _ in counts):
            msg = f"{reader.where}{entry_path}.option: option {option!r} is listed twice; {_REMEDY}"
            raise ResultsDocumentError(msg)
        if count > respondents:
            msg = (
                f"{reader.where}{entry_path}.count: {count} respondents chose option "
                f"{option!r}, but only {respondents} answered the question; {_REMEDY}"
            )
            raise ResultsDocumentError(msg)
        counts.append((option, count))
    return OptionCounts(respondents=respondents, counts=tuple(counts))


def _check_pool_options(
    reader: _Reader, overall: OptionCounts, pool: OptionCounts, path: str
) -> None:
    expected = [code for code, _ in overall.counts]
    found = [code for code, _ in pool.counts]
    if found != expected:
        msg = (
            f"{reader.where}{path}: options {found!r} differ from the pooled options "
            f"{expected!r}; every pool lists the same options in scale order; {_REMEDY}"
        )
        raise ResultsDocumentError(msg)


def _check_pooled_sum(
    reader: _Reader,
    overall: OptionCounts,
    partner: OptionCounts,
    coordinator: OptionCounts,
    path: str,
) -> None:
    """Check that the pooled figures are the partners' plus the coordinators'."""
    if overall.respondents != partner.respondents + coordinator.respondents:
        msg = (
            f"{reader.where}{path}.respondents: {overall.respondents} is not the partners' "
            f"{partner.respondents} plus the coordinators' {coordinator.respondents}; {_REMEDY}"
        )
        raise ResultsDocumentError(msg)
    columns = zip(overall.counts, partner.counts, coordinator.counts, strict=True)
    for index, ((option, total), (_, first), (_, second)) in enumerate(columns):
        if total != first + second:
            msg = (
                f"{reader.where}{path}.counts[{index}].count: {total} for option {option!r} "
                f"is not the partners' {first} plus the coordinators' {second}; {_REMEDY}"
            )
            raise ResultsDocumentError(msg)


def _rates(reader: _Reader, value: Any, path: str) -> ResponseRates:
    fields = reader.mapping(value, path)
    by_type = reader.array(
        reader.field(fields, "by_organisation_type", path), f"{path}.by_organisation_type"
    )
    without_count = fields.get("types_without_count", [])
    return ResponseRates(
        overall=_rate(reader, reader.field(fields, "overall", path), f"{path}.overall"),
        effective=_rate(reader, reader.field(fields, "effective", path), f"{path}.effective"),
        by_type=tuple(
            _type_rates(reader, entry, f"{path}.by_organisation_type[{index}]")
            for index, entry in enumerate(by_type)
        ),
        partners_without_type=reader.count(
            reader.field(fields, "partners_without_type", path), f"{path}.partners_without_type"
        ),
        coordinators_reporting=reader.count(
            reader.field(fields, "coordinators_reporting", path),
            f"{path}.coordinators_reporting",
        ),
        types_without_count=reader.texts(without_count, f"{path}.types_without_count"),
    )


def _type_rates(reader: _Reader, value: Any, path: str) -> TypeRates:
    fields = reader.mapping(value, path)
    return TypeRates(
        organisation_type=reader.name(
            reader.field(fields, "organisation_type", path), f"{path}.organisation_type"
        ),
        overall=_rate(reader, reader.field(fields, "overall", path), f"{path}.overall"),
        effective=_rate(reader, reader.field(fields, "effective", path), f"{path}.effective"),
    )


def _rate(reader: _Reader, value: Any, path: str) -> RateFigure:
    fields = reader.mapping(value, path)
    responses = reader.count(reader.field(fields, "responses", path), f"{path}.responses")
    base = reader.optional_number(reader.field(fields, "base", path), f"{path}.base")
    if base is not None and base < 0:
        msg = f"{reader.where}{path}.base: {base!r} is negative; {_REMEDY}"
        raise ResultsDocumentError(msg)
    figure = RateFigure(responses=responses, base=base)

    # ``percent`` is derived from the two fields above. A document whose percent
    # disagrees was edited by hand, and its figures cannot be trusted.
    if "percent" in fields:
        percent = reader.optional_number(fields["percent"], f"{path}.percent")
        expected = figure.percent
        consistent = (percent is None and expected is None) or (
            percent is not None
            and expected is not None
            and math.isclose(percent, expected, rel_tol=1e-9, abs_tol=1e-9)
        )
        if not consistent:
            msg = (
                f"{reader.where}{path}.percent: {percent!r} does not match responses "
                f"{responses} over base {base!r}; {_REMEDY}"
            )
            raise ResultsDocumentError(msg)
    return figure


def _quality(reader: _Reader, value: Any, path: str) -> DataQuality:
    fields = reader.mapping(value, path)
    exclusions = tuple(
        _exclusion(reader, entry, f"{path}.exclusions[{index}]")
        for index, entry in enumerate(
            reader.array(reader.field(fields, "exclusions", path), f"{path}.exclusions")
        )
    )
    quality = DataQuality(
        source=reader.text(reader.field(fields, "source", path), f"{path}.source"),
        rows_read=reader.count(reader.field(fields, "rows_read", path), f"{path}.rows_read"),
        rows_scored=reader.count(reader.field(fields, "rows_scored", path), f"{path}.rows_scored"),
        exclusions=exclusions,
        unrecognised_values=tuple(
            _unrecognised(reader, entry, f"{path}.unrecognised_values[{index}]")
            for index, entry in enumerate(
                reader.array(
                    reader.field(fields, "unrecognised_values", path),
                    f"{path}.unrecognised_values",
                )
            )
        ),
        unknown_columns=reader.texts(
            reader.field(fields, "unknown_columns", path), f"{path}.unknown_columns"
        ),
        missing_questions=reader.texts(
            reader.field(fields, "missing_questions", path), f"{path}.missing_questions"
        ),
        notes=reader.texts(reader.field(fields, "notes", path), f"{path}.notes"),
        deduplication=_deduplication(reader, fields.get("deduplication"), f"{path}.deduplication"),
    )
    _check_quality_totals(reader, fields, quality, path)
    return quality


def _check_quality_totals(
    reader: _Reader, fields: Mapping[str, Any], quality: DataQuality, path: str
) -> None:
    excluded = len(quality.exclusions)
    if "rows_excluded" in fields:
        stated = reader.count(fields["rows_excluded"], f"{path}.rows_excluded")
        if stated != excluded:
            msg = (
                f"{reader.where}{path}.rows_excluded: {stated} does not match the "
                f"{excluded} exclusions listed; {_REMEDY}"
            )
            raise ResultsDocumentError(msg)
    if quality.rows_read != quality.rows_scored + excluded:
        msg = (
            f"{reader.where}{path}.rows_read: {quality.rows_read} is not rows_scored "
            f"({quality.rows_scored}) plus the {excluded} exclusions; {_REMEDY}"
        )
        raise ResultsDocumentError(msg)
    if "exclusion_counts" in fields:
        counts = reader.mapping(fields["exclusion_counts"], f"{path}.exclusion_counts")
        if dict(counts) != quality.exclusion_counts():
            msg = (
                f"{reader.where}{path}.exclusion_counts: {dict(counts)!r} does not match "
                f"the exclusions listed ({quality.exclusion_counts()!r}); {_REMEDY}"
            )
            raise ResultsDocumentError(msg)


def _deduplication(reader: _Reader, value: Any, path: str) -> Deduplication | None:
    """Read the optional deduplication entry; documents written before it existed have none."""
    if value is None:
        return None
    fields = reader.mapping(value, path)
    time_column = reader.field(fields, "time_column", path)
    return Deduplication(
        id_column=reader.text(reader.field(fields, "id_column", path), f"{path}.id_column"),
        time_column=None
        if time_column is None
        else reader.text(time_column, f"{path}.time_column"),
        rows_before=reader.count(reader.field(fields, "rows_before", path), f"{path}.rows_before"),
        rows_after=reader.count(reader.field(fields, "rows_after", path), f"{path}.rows_after"),
        exact_duplicates=reader.count(
            reader.field(fields, "exact_duplicates", path), f"{path}.exact_duplicates"
        ),
        conflicts=reader.count(reader.field(fields, "conflicts", path), f"{path}.conflicts"),
    )


def _exclusion(reader: _Reader, value: Any, path: str) -> Exclusion:
    fields = reader.mapping(value, path)
    return Exclusion(
        row=reader.count(reader.field(fields, "row", path), f"{path}.row"),
        reason=reader.choice(
            reader.field(fields, "reason", path), f"{path}.reason", ExclusionReason
        ),
        detail=reader.text(fields.get("detail", ""), f"{path}.detail"),
    )


def _unrecognised(reader: _Reader, value: Any, path: str) -> UnrecognisedValue:
    fields = reader.mapping(value, path)
    rows = reader.array(reader.field(fields, "rows", path), f"{path}.rows")
    return UnrecognisedValue(
        column=reader.text(reader.field(fields, "column", path), f"{path}.column"),
        value=reader.text(reader.field(fields, "value", path), f"{path}.value"),
        count=reader.count(reader.field(fields, "count", path), f"{path}.count"),
        rows=tuple(reader.count(row, f"{path}.rows[{index}]") for index, row in enumerate(rows)),
    )


def _optional_date(reader: _Reader, value: Any, path: str) -> dt.date | None:
    if value is None:
        return None
    text = reader.text(value, path)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"{reader.where}{path}: {text!r} is not a date; write it as YYYY-MM-DD"
        raise ResultsDocumentError(msg) from None


class _Reader:
    """Type checks for one document; every failure names the document and the JSON path."""

    def __init__(self, source: str) -> None:
        self.where = f"{source}: " if source else ""

    def fail(self, path: str, expected: str, value: Any) -> ResultsDocumentError:
        shown = _describe(value)
        msg = f"{self.where}{path}: expected {expected}, found {shown}; {_REMEDY}"
        return ResultsDocumentError(msg)

    def field(self, fields: Mapping[str, Any], key: str, path: str) -> Any:
        if key not in fields:
            msg = f"{self.where}{path}.{key}: missing; {_REMEDY}"
            raise ResultsDocumentError(msg)
        return fields[key]

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, "an object", value)
        return value

    def array(self, value: Any, path: str) -> Sequence[Any]:
        if not isinstance(value, list | tuple):
            raise self.fail(path, "an array", value)
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise self.fail(path, "a string", value)
        return value

    def name(self, value: Any, path: str) -> str:
        text = self.text(value, path)
        if not text.strip():
            raise self.fail(path, "a non-empty string", value)
        return text

    def texts(self, value: Any, path: str) -> tuple[str, ...]:
        entries = self.array(value, path)
        return tuple(self.text(entry, f"{path}[{index}]") for index, entry in enumerate(entries))

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, "true or false", value)
        return value

    def integer(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(path, "an integer", value)
        return value

    def count(self, value: Any, path: str) -> int:
        number = self.integer(value, path)
        if number < 0:
            raise self.fail(path, "a count of 0 or more", value)
        return number

    def optional_number(self, value: Any, path: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(path, "a number or null", value)
        number = float(value)
        if not math.isfinite(number):
            raise self.fail(path, "a finite number or null", value)
        return number

    def choice(self, value: Any, path: str, kind: type[_T]) -> _T:
        members: list[Any] = list(kind)  # type: ignore[call-overload]
        for member in members:
            if value == member.value:
                found: _T = member
                return found
        allowed = ", ".join(repr(member.value) for member in members)
        raise self.fail(path, f"one of {allowed}", value)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{type(value).__name__} {shown}"
