"""Cluster trends: band changes between consecutive exercises and confirmed weakening."""

from __future__ import annotations

from typing import Any

import pytest
from portfolio_fixtures import document, level

from ccpm_core.framework import Status
from ccpm_core.portfolio import ExerciseDocument, Portfolio, build_portfolio
from ccpm_core.portfolio_trends import (
    band_changes,
    cluster_trend,
    confirmed_weakening,
    exercise_order,
)
from ccpm_core.results_document import exercise_from_dict


def _portfolio(*docs: dict[str, Any]) -> Portfolio:
    entries = []
    for index, doc in enumerate(docs):
        exercise = exercise_from_dict(doc)
        assert exercise is not None
        entries.append(ExerciseDocument(exercise=exercise, document=doc, source=f"{index}.json"))
    return build_portfolio(entries)


# Three Chad health exercises: 2.2 falls from satisfactory (60) to weak (20)
# and stays weak; 1.1 rises from unsatisfactory (40) to good (80).
CHAD = (
    document("td-2024", 2024, level(scores={"1.1": 40.0})),
    document("td-2025", 2025, level(scores={"1.1": 80.0, "2.2": 20.0})),
    document("td-2026", 2026, level(scores={"1.1": 80.0, "2.2": 25.0})),
)


def test_order_by_year() -> None:
    portfolio = _portfolio(CHAD[2], CHAD[0], CHAD[1])

    assert list(exercise_order(portfolio).index) == ["td-2024", "td-2025", "td-2026"]


def test_band_changes_found() -> None:
    changes = band_changes(_portfolio(*CHAD))

    found = changes[["section", "previous_exercise", "exercise", "bands"]].values.tolist()
    assert found == [["1.1", "td-2024", "td-2025", 2], ["2.2", "td-2024", "td-2025", -2]]


def test_same_band_no_change() -> None:
    changes = band_changes(_portfolio(*CHAD))

    assert "td-2026" not in set(changes["exercise"])


def test_no_data_no_change() -> None:
    docs = (
        document("a", 2024, level(scores={"7": None})),
        document("b", 2025, level(scores={"7": 10.0})),
    )

    assert band_changes(_portfolio(*docs)).empty


def test_clusters_kept_apart() -> None:
    docs = (
        document("td", 2024, level(default=60.0)),
        document("ml", 2025, level(default=20.0), country="Mali"),
    )

    assert band_changes(_portfolio(*docs)).empty


def test_names_match_case() -> None:
    docs = (
        document("a", 2024, level(default=60.0), cluster="Health"),
        document("b", 2025, level(default=20.0), cluster=" health "),
    )

    assert len(band_changes(_portfolio(*docs))) == 13


def test_confirmed_weakening_found() -> None:
    weakening = confirmed_weakening(_portfolio(*CHAD))

    found = weakening[["function", "previous_exercise", "exercise", "year"]].values.tolist()
    assert found == [["2", "td-2025", "td-2026", 2026]]


def test_weak_once_not_confirmed() -> None:
    weakening = confirmed_weakening(_portfolio(CHAD[0], CHAD[1]))

    assert weakening.empty


def test_weak_not_consecutive() -> None:
    docs = (
        document("a", 2024, level(scores={"6": 10.0})),
        document("b", 2025, level()),
        document("c", 2026, level(scores={"6": 10.0})),
    )

    assert confirmed_weakening(_portfolio(*docs)).empty


def test_hub_levels_separate() -> None:
    docs = (
        document("a", 2025, level(), level("East", scores={"5": 10.0})),
        document("b", 2026, level(), level("East", scores={"5": 10.0})),
    )

    weakening = confirmed_weakening(_portfolio(*docs))

    assert weakening[["hub", "function"]].values.tolist() == [["East", "5"]]


def test_cluster_trend_values() -> None:
    trend = cluster_trend(_portfolio(*CHAD), "chad", "HEALTH")

    assert trend.exercises == ("td-2024", "td-2025", "td-2026")
    assert trend.scores.loc["2.2", "td-2025"] == 20.0
    assert [change.section for change in trend.changes] == ["1.1", "2.2"]
    assert trend.changes[0].improved
    assert trend.changes[1].status is Status.WEAK
    assert [item.function for item in trend.weakening] == ["2"]


def test_cluster_trend_frames() -> None:
    trend = cluster_trend(_portfolio(*CHAD), "Chad", "Health")

    assert len(trend.changes_frame()) == 2
    assert trend.weakening_frame()["exercise"].tolist() == ["td-2026"]


def test_cluster_trend_unknown() -> None:
    with pytest.raises(KeyError, match="no exercise of the WASH cluster in Chad"):
        cluster_trend(_portfolio(*CHAD), "Chad", "WASH")
