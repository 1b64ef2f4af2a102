"""Checking the names of a cluster against a portfolio before its trend is taken."""

from __future__ import annotations

from typing import Any

import pytest
from portfolio_fixtures import document, level

from ccpm_core.errors import InputError
from ccpm_core.portfolio import ExerciseDocument, Portfolio, build_portfolio
from ccpm_core.portfolio_trends import check_cluster
from ccpm_core.results_document import exercise_from_dict


def _portfolio(*docs: dict[str, Any], hubs_only: bool = False) -> Portfolio:
    entries = []
    for index, doc in enumerate(docs):
        exercise = exercise_from_dict(doc)
        assert exercise is not None
        hubs = ("East",) if hubs_only else None
        entries.append(
            ExerciseDocument(exercise=exercise, document=doc, source=f"{index}.json", hubs=hubs)
        )
    return build_portfolio(entries)


CHAD = document("td-2026", 2026, level(), level("East"), level("North"))


def test_known_names_pass() -> None:
    check_cluster(_portfolio(CHAD), " chad", "HEALTH", "north ")


def test_national_level_passes() -> None:
    check_cluster(_portfolio(CHAD), "Chad", "Health")


def test_unknown_hub_lists_hubs() -> None:
    with pytest.raises(InputError, match=r"hub 'South' not found .* its hubs: East, North"):
        check_cluster(_portfolio(CHAD), "Chad", "Health", "South")


def test_hub_exercise_without_national() -> None:
    portfolio = _portfolio(CHAD, hubs_only=True)

    with pytest.raises(InputError, match=r"has no national level .* its hubs: East\. Choose"):
        check_cluster(portfolio, "Chad", "Health")


def test_long_country_list_counted() -> None:
    docs = [
        document(f"c{number:02d}", 2026, level(default=float(number)), country=f"C{number:02d}")
        for number in range(41)
    ]

    with pytest.raises(InputError, match=r"C38, C39 and 1 more$"):
        check_cluster(_portfolio(*docs), "Mali", "Health")
