"""Reading ccpm.results/1 documents back: round trips and every kind of invalid field."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from portfolio_fixtures import level, results, sample_results
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.errors import InputError
from ccpm_core.framework import Status
from ccpm_core.labels import match_key
from ccpm_core.rates import RateFigure, ResponseRates, TypeRates
from ccpm_core.responses import (
    DataQuality,
    Deduplication,
    Exclusion,
    ExclusionReason,
    UnrecognisedValue,
)
from ccpm_core.results import LevelResult, Results, Score, UnitScore
from ccpm_core.results_document import (
    ExerciseInfo,
    ResultsDocumentError,
    exercise_from_dict,
    results_from_dict,
    with_exercise,
)
from ccpm_core.scoring import classify, score


def _without_unwritten(results: Results) -> Results:
    """Drop what the document does not carry: answer distributions and comments."""
    levels = tuple(attrs.evolve(level, distributions=()) for level in results.levels)
    return attrs.evolve(results, levels=levels, comments=())


def _through_json(document: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(document))
    return loaded


def test_sample_round_trip() -> None:
    scored = sample_results()

    back = results_from_dict(_through_json(scored.to_dict()), "sample.json")

    assert back == _without_unwritten(scored)


# Hypothesis strategies for Results built from parts, so that shapes the
# sample never has (no levels, no data, many exclusions) are covered too.

_percents = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))


@st.composite
def _scores(draw: st.DrawFn) -> Score:
    percent = draw(_percents)
    if percent is None:
        return Score(None, None, Status.NO_DATA, draw(st.integers(0, 5)))
    return Score(percent / 25, percent, classify(percent), draw(st.integers(0, 500)))


_units = st.builds(
    UnitScore,
    id=st.sampled_from(["1.1", "2.3", "5", "7", "1.1.2"]),
    overall=_scores(),
    partner=_scores(),
    coordinator=_scores(),
)
# Bases are counts or means of counts: zero or at least 0.5, never a tiny float
# whose percentage would overflow to infinity.
_bases = st.one_of(st.none(), st.just(0.0), st.floats(0.5, 1e6))
_figures = st.builds(RateFigure, responses=st.integers(0, 1000), base=_bases)
_rates = st.builds(
    ResponseRates,
    overall=_figures,
    effective=_figures,
    by_type=st.lists(
        st.builds(
            TypeRates,
            organisation_type=st.sampled_from(["un", "ngo"]),
            overall=_figures,
            effective=_figures,
        ),
        max_size=3,
    ).map(tuple),
    partners_without_type=st.integers(0, 50),
    coordinators_reporting=st.integers(0, 3),
    types_without_count=st.lists(st.sampled_from(["un", "ngo"]), max_size=2).map(tuple),
)
# A level lists each unit id once, and results list each level once.
_levels = st.builds(
    LevelResult,
    hub=st.one_of(st.none(), st.text(min_size=1, max_size=12)),
    partners=st.integers(0, 500),
    coordinators=st.integers(0, 3),
    sections=st.lists(_units, max_size=3, unique_by=lambda unit: unit.id).map(tuple),
    functions=st.lists(_units, max_size=2, unique_by=lambda unit: unit.id).map(tuple),
    items=st.lists(_units, max_size=2, unique_by=lambda unit: unit.id).map(tuple),
    distributions=st.just(()),
    rates=_rates,
)


def _level_key(level: LevelResult) -> str:
    return "national" if level.hub is None else match_key(level.hub)


_deduplications = st.one_of(
    st.none(),
    st.builds(
        Deduplication,
        id_column=st.text(max_size=8),
        time_column=st.one_of(st.none(), st.text(max_size=8)),
        rows_before=st.integers(0, 99),
        rows_after=st.integers(0, 99),
        exact_duplicates=st.integers(0, 9),
        conflicts=st.integers(0, 9),
    ),
)


@st.composite
def _quality(draw: st.DrawFn) -> DataQuality:
    exclusions = draw(
        st.lists(
            st.builds(
                Exclusion,
                row=st.integers(2, 999),
                reason=st.sampled_from(ExclusionReason),
                detail=st.text(max_size=10),
            ),
            max_size=4,
        )
    )
    scored = draw(st.integers(0, 1000))
    return DataQuality(
        source=draw(st.text(max_size=20)),
        rows_read=scored + len(exclusions),
        rows_scored=scored,
        exclusions=tuple(exclusions),
        unrecognised_values=tuple(
            draw(
                st.lists(
                    st.builds(
                        UnrecognisedValue,
                        column=st.text(max_size=5),
                        value=st.text(max_size=5),
                        count=st.integers(1, 9),
                        rows=st.lists(st.integers(2, 99), max_size=3).map(tuple),
                    ),
                    max_size=2,
                )
            )
        ),
        unknown_columns=tuple(draw(st.lists(st.text(max_size=5), max_size=2))),
        missing_questions=tuple(draw(st.lists(st.text(max_size=5), max_size=2))),
        notes=tuple(draw(st.lists(st.text(max_size=20), max_size=2))),
        deduplication=draw(_deduplications),
    )


_results = st.builds(
    Results,
    strategy=st.sampled_from(["median", "mean-of-item-means"]),
    partners_only=st.booleans(),
    questionnaire_id=st.text(max_size=10),
    questionnaire_version=st.text(max_size=10),
    levels=st.lists(_levels, max_size=3, unique_by=_level_key).map(tuple),
    quality=_quality(),
)


# No deadline: a large drawn example can take longer than the default on a busy machine.
@settings(deadline=None, max_examples=60)
@given(_results)
def test_round_trip_property(scored: Results) -> None:
    assert results_from_dict(_through_json(scored.to_dict())) == scored


# Invalid documents: each case changes one field and names the path in the message.


def _valid() -> dict[str, Any]:
    return _through_json(results().to_dict())


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def _drop(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target: Any = changed
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return changed


@pytest.mark.parametrize(
    ("path", "value", "shown"),
    [
        (("schema",), "ccpm.results/2", "$.schema"),
        (("strategy",), 3, "$.strategy"),
        (("partners_only",), "no", "$.partners_only"),
        (("questionnaire",), [], "$.questionnaire"),
        (("levels",), {}, "$.levels"),
        (("levels", 0, "hub"), 5, "$.levels[0].hub"),
        (("levels", 0, "respondents", "partner"), -1, "$.levels[0].respondents.partner"),
        (("levels", 0, "respondents", "partner"), 2.5, "$.levels[0].respondents.partner"),
        (("levels", 0, "sections", 2, "status"), "excellent", "$.levels[0].sections[2].status"),
        (("levels", 0, "sections", 2, "score"), "60", "$.levels[0].sections[2].score"),
        (("levels", 0, "sections", 2, "score"), math.nan, "$.levels[0].sections[2].score"),
        (("levels", 0, "sections", 2, "score"), 120.0, "$.levels[0].sections[2].score"),
        (("levels", 0, "sections", 2, "value"), math.inf, "$.levels[0].sections[2].value"),
        (("levels", 0, "sections", 2, "n"), True, "$.levels[0].sections[2].n"),
        (("levels", 0, "sections", 2, "partner"), None, "$.levels[0].sections[2].partner"),
        (
            ("levels", 0, "response_rates", "overall", "base"),
            -3.0,
            "$.levels[0].response_rates.overall.base",
        ),
        (
            ("levels", 0, "response_rates", "overall", "percent"),
            12.0,
            "$.levels[0].response_rates.overall.percent",
        ),
        (
            ("levels", 0, "response_rates", "by_organisation_type", 0, "organisation_type"),
            "",
            "$.levels[0].response_rates.by_organisation_type[0].organisation_type",
        ),
        (("data_quality", "rows_read"), 99, "$.data_quality.rows_read"),
        (("data_quality", "rows_excluded"), 7, "$.data_quality.rows_excluded"),
        (
            ("data_quality", "exclusions", 0, "reason"),
            "lost",
            "$.data_quality.exclusions[0].reason",
        ),
        (("data_quality", "notes"), "none", "$.data_quality.notes"),
    ],
)
def test_invalid_field_named(path: tuple[Any, ...], value: Any, shown: str) -> None:
    document = _set(_valid(), path, value)

    with pytest.raises(ResultsDocumentError) as raised:
        results_from_dict(document, "chad.json")

    assert str(raised.value).startswith(f"chad.json: {shown}")


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (("schema",), "$.schema: missing"),
        (("questionnaire", "version"), "$.questionnaire.version: missing"),
        (
            ("levels", 0, "sections", 0, "coordinator"),
            "$.levels[0].sections[0].coordinator: missing",
        ),
        (("levels", 0, "response_rates"), "$.levels[0].response_rates: missing"),
        (("data_quality",), "$.data_quality: missing"),
    ],
)
def test_missing_field_named(path: tuple[Any, ...], shown: str) -> None:
    document = _drop(_valid(), path)

    with pytest.raises(ResultsDocumentError) as raised:
        results_from_dict(document, "chad.json")

    assert f"chad.json: {shown}" in str(raised.value)


def test_error_says_what_to_do() -> None:
    document = _set(_valid(), ("levels", 0, "sections", 0, "status"), "great")

    with pytest.raises(ResultsDocumentError) as raised:
        results_from_dict(document, "chad.json")

    assert "ccpm score --format json" in str(raised.value)


def test_error_is_input_error() -> None:
    assert issubclass(ResultsDocumentError, InputError)


def test_no_data_with_score_rejected() -> None:
    document = _set(_valid(), ("levels", 0, "sections", 1, "status"), "no_data")

    with pytest.raises(ResultsDocumentError, match=r"sections\[1\]: score, value and status"):
        results_from_dict(document)


def test_non_object_rejected() -> None:
    with pytest.raises(ResultsDocumentError, match=r"^x.json: \$: expected an object"):
        results_from_dict([], "x.json")  # type: ignore[arg-type]


def test_exercise_block_round_trip() -> None:
    exercise = ExerciseInfo(
        id="td-health-2025",
        cluster="Health",
        country="Chad",
        year=2025,
        region="Africa",
        survey_date=dt.date(2025, 3, 1),
    )
    document = _through_json(with_exercise(_valid(), exercise))

    assert exercise_from_dict(document) == exercise


def test_exercise_block_absent() -> None:
    assert exercise_from_dict(_valid()) is None


def test_exercise_year_from_date() -> None:
    block = {"id": "a", "cluster": "Health", "country": "Chad", "survey_date": "2024-11-02"}
    document = {**_valid(), "exercise": block}

    exercise = exercise_from_dict(document)

    assert exercise is not None
    assert exercise.year == 2024


def test_exercise_blank_region_none() -> None:
    block = {"id": "a", "cluster": "Health", "country": "Chad", "year": 2024, "region": " "}

    exercise = exercise_from_dict({**_valid(), "exercise": block})

    assert exercise is not None
    assert exercise.region is None


@pytest.mark.parametrize(
    ("block", "shown"),
    [
        ({"cluster": "Health", "country": "Chad", "year": 2024}, "$.exercise.id: missing"),
        ({"id": "a", "country": "Chad", "year": 2024}, "$.exercise.cluster: missing"),
        ({"id": "a", "cluster": "Health", "country": "", "year": 2024}, "$.exercise.country"),
        ({"id": "a", "cluster": "Health", "country": "Chad"}, "needs a year or a survey_date"),
        ({"id": "a", "cluster": "Health", "country": "Chad", "year": "2024"}, "$.exercise.year"),
        ({"id": "a", "cluster": "Health", "country": "Chad", "year": 24}, "$.exercise.year"),
        (
            {"id": "a", "cluster": "Health", "country": "Chad", "survey_date": "1/3/2024"},
            "YYYY-MM-DD",
        ),
        (
            {
                "id": "a",
                "cluster": "Health",
                "country": "Chad",
                "year": 2023,
                "survey_date": "2024-01-03",
            },
            "differs from the year of survey_date",
        ),
        ([], "$.exercise: expected an object"),
    ],
)
def test_exercise_block_invalid(block: Any, shown: str) -> None:
    with pytest.raises(ResultsDocumentError) as raised:
        exercise_from_dict({**_valid(), "exercise": block}, "chad.json")

    assert shown in str(raised.value)


def test_older_document_without_deduplication() -> None:
    document = _valid()
    del document["data_quality"]["deduplication"]

    assert results_from_dict(document).quality.deduplication is None


def test_deduplication_field_named() -> None:
    document = _valid()
    document["data_quality"]["deduplication"] = {"id_column": "_uuid", "time_column": None}

    with pytest.raises(ResultsDocumentError, match=r"\$.data_quality.deduplication.rows_before"):
        results_from_dict(document)


# A status must be the one scoring gives the score. The valid document's
# sections score 60 % (value 2.4, satisfactory).


def _scored_figure(document: dict[str, Any], percent: float, value: float, status: str) -> None:
    figure = document["levels"][0]["sections"][0]
    figure.update({"score": percent, "value": value, "status": status})


def test_status_contradicting_score_rejected() -> None:
    document = _set(_valid(), ("levels", 0, "sections", 0, "status"), "weak")

    with pytest.raises(ResultsDocumentError) as raised:
        results_from_dict(document, "chad.json")

    message = str(raised.value)
    assert message.startswith("chad.json: $.levels[0].sections[0].status: 'weak' contradicts")
    assert "'satisfactory'" in message
    assert "edited by hand" in message
    assert "ccpm score --format json" in message


def test_pool_status_contradiction_named() -> None:
    document = _set(_valid(), ("levels", 0, "sections", 3, "partner", "status"), "good")

    with pytest.raises(ResultsDocumentError) as raised:
        results_from_dict(document, "chad.json")

    assert str(raised.value).startswith("chad.json: $.levels[0].sections[3].partner.status")


@pytest.mark.parametrize(
    ("percent", "status"),
    [
        (25.0, "unsatisfactory"),
        (50.0, "satisfactory"),
        (75.0, "good"),
        (75.5, "satisfactory"),
        (0.0, "no_data"),
    ],
)
def test_bound_status_rejected(percent: float, status: str) -> None:
    document = _valid()
    _scored_figure(document, percent, percent / 25, status)

    with pytest.raises(ResultsDocumentError, match=r"sections\[0\]"):
        results_from_dict(document)


@pytest.mark.parametrize(
    ("percent", "status"),
    [
        (0.0, "weak"),
        (25.0, "weak"),
        (50.0, "unsatisfactory"),
        (75.0, "satisfactory"),
        (75.5, "good"),
        (100.0, "good"),
    ],
)
def test_bound_status_accepted(percent: float, status: str) -> None:
    document = _valid()
    _scored_figure(document, percent, percent / 25, status)

    figure = results_from_dict(document).levels[0].sections[0].overall

    assert figure.status is Status(status)


@pytest.mark.parametrize("status", ["satisfactory", "good"])
def test_float_just_above_bound_either(status: str) -> None:
    # Float arithmetic can turn an exact 75 into 75.00000000000001, which scoring
    # classifies as satisfactory. As an exact float it lies above 75, so both are accepted.
    document = _valid()
    _scored_figure(document, 75.00000000000001, 3.0000000000000004, status)

    figure = results_from_dict(document).levels[0].sections[0].overall

    assert figure.status is Status(status)


def test_score_value_mismatch_rejected() -> None:
    document = _set(_valid(), ("levels", 0, "sections", 0, "score"), 10.0)

    with pytest.raises(ResultsDocumentError) as raised:
        results_from_dict(document, "chad.json")

    message = str(raised.value)
    assert message.startswith("chad.json: $.levels[0].sections[0].score: 10.0 is not value 2.4")
    assert "edited by hand" in message


def test_rounded_score_and_value_accepted() -> None:
    document = _valid()
    _scored_figure(document, 83.4, 3.336, "good")

    assert results_from_dict(document).levels[0].sections[0].overall.percent == 83.4


# Scores as the scorer computes them, from random answers: every document
# ccpm writes must read back, whatever fractions the answers give.

_SMALL = small_questionnaire()
_answers = st.sampled_from(["", "0", "1", "2", "3", "4", "99"])


@st.composite
def _rows(draw: st.DrawFn) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for _ in range(draw(st.integers(1, 12))):
        instrument = draw(st.sampled_from(["partner", "partner", "coordinator"]))
        prefix = instrument[0]
        row = {
            "instrument": instrument,
            "organisation_type": "national_ngo",
            "hub": draw(st.sampled_from(["", "North", "South"])),
        }
        for question in _SMALL.questions:
            if question.code.startswith(prefix) and question.code[1:].isdigit():
                row[question.code] = draw(_answers)
        rows.append(row)
    return rows


@settings(deadline=None, max_examples=80)
@given(_rows(), st.sampled_from(["median", "mean-of-item-means"]), st.booleans())
def test_scored_documents_read_back(
    rows: list[dict[str, str]], strategy: str, partners_only: bool
) -> None:
    scored = score(response_set(_SMALL, rows), strategy, partners_only=partners_only)

    back = results_from_dict(_through_json(scored.to_dict()))

    assert back == _without_unwritten(scored)


# Repeated levels and unit ids: readers would pick one copy and hide the other.


def test_repeated_section_rejected() -> None:
    document = _valid()
    sections = document["levels"][0]["sections"]
    sections.append(copy.deepcopy(sections[0]))

    with pytest.raises(ResultsDocumentError) as raised:
        results_from_dict(document, "chad.json")

    message = str(raised.value)
    assert message.startswith("chad.json: $.levels[0].sections[13].id: '1.1' is listed twice")
    assert "also at $.levels[0].sections[0]" in message
    assert "ccpm score --format json" in message


@pytest.mark.parametrize("key", ["functions", "items"])
def test_repeated_unit_rejected(key: str) -> None:
    document = _through_json(sample_results().to_dict())
    units = document["levels"][1][key]
    units.append(copy.deepcopy(units[2]))
    shown = f"$.levels[1].{key}[{len(units) - 1}].id"

    with pytest.raises(ResultsDocumentError) as raised:
        results_from_dict(document, "chad.json")

    assert str(raised.value).startswith(f"chad.json: {shown}")
    assert f"also at $.levels[1].{key}[2]" in str(raised.value)


def test_second_national_rejected() -> None:
    document = _through_json(results(level(), level("North"), level()).to_dict())

    with pytest.raises(ResultsDocumentError) as raised:
        results_from_dict(document, "chad.json")

    message = str(raised.value)
    assert message.startswith("chad.json: $.levels[2].hub: the national level is listed twice")
    assert "also at $.levels[0]" in message


def test_hub_named_national_rejected() -> None:
    document = _through_json(results(level(), level("National")).to_dict())

    with pytest.raises(ResultsDocumentError, match=r"\$.levels\[1\].hub: the national level"):
        results_from_dict(document, "chad.json")


def test_same_hub_other_case_rejected() -> None:
    document = _through_json(results(level("North hub"), level(" NORTH  hub")).to_dict())

    with pytest.raises(ResultsDocumentError) as raised:
        results_from_dict(document, "chad.json")

    message = str(raised.value)
    assert message.startswith("chad.json: $.levels[1].hub: hub ' NORTH  hub' (as 'North hub')")
    assert "also at $.levels[0]" in message


def test_distinct_hubs_accepted() -> None:
    document = _through_json(results(level(), level("North"), level("North-East")).to_dict())

    hubs = [entry.hub for entry in results_from_dict(document).levels]

    assert hubs == [None, "North", "North-East"]
