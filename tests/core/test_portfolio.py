"""Portfolio frames built from results documents: columns, values, regions and bad documents."""

from __future__ import annotations

import math
from typing import Any

import pytest
from portfolio_fixtures import document, level

from ccpm_core.portfolio import (
    PORTFOLIO_COLUMNS,
    ExerciseDocument,
    Portfolio,
    build_portfolio,
)
from ccpm_core.portfolio_regions import region_of
from ccpm_core.results_document import ResultsDocumentError, exercise_from_dict


def _entry(doc: dict[str, Any], source: str = "a.json") -> ExerciseDocument:
    exercise = exercise_from_dict(doc, source)
    assert exercise is not None
    return ExerciseDocument(exercise=exercise, document=doc, source=source)


def _portfolio(*docs: dict[str, Any]) -> Portfolio:
    return build_portfolio(_entry(doc, f"{index}.json") for index, doc in enumerate(docs))


def test_columns_exact() -> None:
    portfolio = _portfolio(document("td-2026", 2026))

    assert tuple(portfolio.scores.columns) == PORTFOLIO_COLUMNS


def test_one_row_per_level_section() -> None:
    doc = document("td-2026", 2026, level(), level("East"))

    scores = _portfolio(doc).scores

    assert len(scores) == 26


def test_row_values() -> None:
    doc = document("td-2026", 2026, level(scores={"2.2": 30.0}, partners=12))

    row = _portfolio(doc).scores.set_index("section").loc["2.2"]

    assert row["exercise"] == "td-2026"
    assert row["year"] == 2026
    assert row["region"] == "Africa"
    assert row["level"] == "national"
    assert row["hub"] is None
    assert row["function"] == "2"
    assert row["score"] == 30.0
    assert row["status"] == "unsatisfactory"
    assert row["n"] == 10
    assert row["partners"] == 12
    assert row["coordinators"] == 1


def test_rates_are_fractions() -> None:
    doc = document("td-2026", 2026, level(responses=(5, 5), organisations=(10.0, 10.0)))

    row = _portfolio(doc).scores.iloc[0]

    assert row["response_rate"] == pytest.approx(0.5)
    assert row["effective_response_rate"] == pytest.approx(10 / 16)


def test_rate_without_base_nan() -> None:
    doc = document("td-2026", 2026, level(organisations=(None, None)))

    row = _portfolio(doc).scores.iloc[0]

    assert math.isnan(row["response_rate"])


def test_no_data_score_nan() -> None:
    doc = document("td-2026", 2026, level(scores={"7": None}))

    scores = _portfolio(doc).scores
    score = float(scores.loc[scores["section"] == "7", "score"].iloc[0])

    assert math.isnan(score)
    assert scores.loc[scores["section"] == "7", "status"].iloc[0] == "no_data"


def test_hub_level_subnational() -> None:
    doc = document("td-2026", 2026, level(), level("East"))

    hubs = _portfolio(doc).scores.drop_duplicates("level")[["level", "hub"]]

    assert hubs.values.tolist() == [["national", None], ["subnational", "East"]]


def test_dtypes() -> None:
    scores = _portfolio(document("td-2026", 2026)).scores

    assert str(scores["year"].dtype) == "int64"
    assert str(scores["score"].dtype) == "float64"
    assert str(scores["n"].dtype) == "int64"
    assert str(scores["partners"].dtype) == "int64"


def test_unknown_country_region() -> None:
    doc = document("x-2026", 2026, country="Atlantis")

    assert set(_portfolio(doc).scores["region"]) == {"Unknown"}


def test_document_region_wins() -> None:
    doc = document("td-2026", 2026, region="WCA")

    assert set(_portfolio(doc).scores["region"]) == {"WCA"}


def test_region_lookup_ignores_case() -> None:
    assert region_of("  democratic republic of the CONGO ") == "Africa"


def test_region_lookup_unknown() -> None:
    assert region_of("Atlantis") is None


def test_duplicate_exercise_id_rejected() -> None:
    first = document("same", 2026)
    second = document("same", 2025)

    with pytest.raises(ResultsDocumentError, match=r"exercise id 'same' is also used by 0\.json"):
        _portfolio(first, second)


def test_wrong_schema_named() -> None:
    doc = {**document("td-2026", 2026), "schema": "other/1"}

    with pytest.raises(ResultsDocumentError, match=r"^0.json: \$.schema"):
        _portfolio(doc)


def test_bad_status_named() -> None:
    doc = document("td-2026", 2026)
    doc["levels"][0]["sections"][3]["status"] = "fine"

    with pytest.raises(ResultsDocumentError, match=r"\$.levels\[0\].sections\[3\].status"):
        _portfolio(doc)


def test_nan_score_rejected() -> None:
    doc = document("td-2026", 2026)
    doc["levels"][0]["sections"][0]["score"] = float("nan")

    with pytest.raises(ResultsDocumentError, match=r"sections\[0\].score: expected a finite"):
        _portfolio(doc)


def test_unknown_section_rejected() -> None:
    doc = document("td-2026", 2026)
    doc["levels"][0]["sections"][0]["id"] = "8.1"

    with pytest.raises(ResultsDocumentError, match=r"sections\[0\].id: expected a section id"):
        _portfolio(doc)


def test_missing_rates_named() -> None:
    doc = document("td-2026", 2026)
    del doc["levels"][0]["response_rates"]

    with pytest.raises(ResultsDocumentError, match=r"\$.levels\[0\].response_rates: missing"):
        _portfolio(doc)


def test_score_out_of_range_rejected() -> None:
    doc = document("td-2026", 2026)
    doc["levels"][0]["sections"][0]["score"] = 150.0

    with pytest.raises(ResultsDocumentError, match=r"score: expected a score from 0 to 100"):
        _portfolio(doc)


def test_for_year_filters() -> None:
    portfolio = _portfolio(document("a", 2025), document("b", 2026))

    assert portfolio.for_year(2026).exercises["exercise"].tolist() == ["b"]


def test_years_listed() -> None:
    portfolio = _portfolio(document("a", 2026), document("b", 2024))

    assert portfolio.years == [2024, 2026]


def test_organisation_type_rows() -> None:
    doc = document("a", 2026, level(responses=(4, 6), organisations=(10.0, None)))

    types = _portfolio(doc).organisation_types

    assert types["organisation_type"].tolist() == ["international_ngo", "national_ngo"]
    assert types["responses"].tolist() == [4, 6]
    assert math.isnan(types["organisations"].iloc[1])


def test_exercise_rows() -> None:
    doc = document("a", 2026, rows_read=20, rows_scored=18)

    exercises = _portfolio(doc).exercises

    assert exercises[["rows_read", "rows_scored"]].values.tolist() == [[20, 18]]


def test_empty_portfolio() -> None:
    portfolio = build_portfolio([])

    assert portfolio.scores.empty
    assert tuple(portfolio.scores.columns) == PORTFOLIO_COLUMNS


def test_status_without_score_rejected() -> None:
    doc = document("td-2026", 2026)
    doc["levels"][0]["sections"][0]["status"] = "no_data"

    with pytest.raises(ResultsDocumentError, match=r"sections\[0\]: score 60.0 and status"):
        _portfolio(doc)
