"""Long lists of the annual report: counts per group, the worst rows, and the rows left out."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest
from portfolio_fixtures import document, level

from ccpm_core.annual_report import build_annual_report
from ccpm_core.annual_report_lists import shorten_table
from ccpm_core.errors import InputError
from ccpm_core.portfolio import ExerciseDocument, Portfolio, build_portfolio
from ccpm_core.portfolio_tables import ColumnKind, PortfolioTable, TableColumn, annual_tables
from ccpm_core.report_model import Heading, Paragraph, Table
from ccpm_core.results_document import exercise_from_dict

CHANGE_COLUMNS = (
    TableColumn("region", "Region", ColumnKind.TEXT),
    TableColumn("country", "Country", ColumnKind.TEXT),
    TableColumn("cluster", "Cluster", ColumnKind.TEXT),
    TableColumn("change", "Change (points)", ColumnKind.CHANGE),
    TableColumn("improved", "Sections up a band", ColumnKind.COUNT),
    TableColumn("fell", "Sections down a band", ColumnKind.COUNT),
)


def _change_table() -> PortfolioTable:
    frame = pd.DataFrame(
        {
            "region": ["Africa", "Africa", "Asia", "Asia"],
            "country": ["Chad", "Mali", "Nepal", "Yemen"],
            "cluster": ["Health", "WASH", "Health", "Food Security"],
            "change": [-10.0, 5.0, -30.0, math.nan],
            "improved": [0, 1, 0, 0],
            "fell": [2, 0, 3, 0],
        }
    )
    return PortfolioTable(
        key="change_from_previous_year", title="Change", columns=CHANGE_COLUMNS, frame=frame
    )


def _weakening_table() -> PortfolioTable:
    frame = pd.DataFrame(
        {
            "region": ["Africa", "Africa", "Africa", "Asia"],
            "country": ["Chad", "Chad", "Chad", "Nepal"],
            "cluster": ["Health", "Health", "Health", "WASH"],
            "hub": ["", "", "East", ""],
            "function": ["2", "4", "4", "1"],
            "title": ["Strategy", "Monitoring", "Monitoring", "Service delivery"],
            "previous_exercise": ["td-25", "td-25", "td-25", "np-25"],
            "exercise": ["td-26", "td-26", "td-26", "np-26"],
        }
    )
    columns = tuple(TableColumn(key, key, ColumnKind.TEXT) for key in frame.columns)
    return PortfolioTable(key="confirmed_weakening", title="Weak", columns=columns, frame=frame)


def test_short_table_kept() -> None:
    assert shorten_table(_change_table(), limit=4) is None


def test_change_by_region() -> None:
    shortened = shorten_table(_change_table(), limit=2)
    assert shortened is not None

    summary = shortened.summaries[0].frame.set_index("region")

    assert summary.loc["Africa", "clusters"] == 2
    assert summary.loc["Africa", "lower"] == 1
    assert summary.loc["Africa", "change"] == pytest.approx(-2.5)
    assert summary.loc["Africa", "improved"] == 1
    assert summary.loc["Africa", "fell"] == 2
    assert summary.loc["Asia", "clusters"] == 2
    assert summary.loc["Asia", "lower"] == 1
    assert summary.loc["Asia", "change"] == pytest.approx(-30.0)


def test_change_largest_falls_first() -> None:
    shortened = shorten_table(_change_table(), limit=2)
    assert shortened is not None

    assert shortened.worst.frame["country"].tolist() == ["Nepal", "Chad"]
    assert shortened.omitted == 2


def test_change_without_score_last() -> None:
    shortened = shorten_table(_change_table(), limit=3)
    assert shortened is not None

    assert "Yemen" not in shortened.worst.frame["country"].tolist()
    assert shortened.omitted == 1


def test_weakening_by_region() -> None:
    shortened = shorten_table(_weakening_table(), limit=1)
    assert shortened is not None

    summary = shortened.summaries[0].frame.set_index("region")

    # Chad's national level and its East hub count as two.
    assert summary.loc["Africa", "clusters"] == 2
    assert summary.loc["Africa", "functions"] == 3
    assert summary.loc["Asia", "clusters"] == 1


def test_weakening_by_function() -> None:
    shortened = shorten_table(_weakening_table(), limit=1)
    assert shortened is not None

    summary = shortened.summaries[1].frame

    assert summary[["function", "clusters"]].values.tolist() == [["1", 1], ["2", 1], ["4", 2]]


def test_weakening_most_functions_first() -> None:
    shortened = shorten_table(_weakening_table(), limit=2)
    assert shortened is not None

    worst = shortened.worst.frame

    assert worst[["country", "hub", "function"]].values.tolist() == [
        ["Chad", "", "2"],
        ["Chad", "", "4"],
    ]
    assert shortened.omitted == 2


def test_limit_below_one() -> None:
    with pytest.raises(ValueError, match="row limit 0"):
        shorten_table(_change_table(), limit=0)


def test_other_table_rejected() -> None:
    table = PortfolioTable(key="by_region", title="t", columns=(), frame=pd.DataFrame())

    with pytest.raises(KeyError, match="by_region"):
        shorten_table(table)


# The report with shortened lists


def _portfolio(*docs: dict[str, Any]) -> Portfolio:
    entries = []
    for index, doc in enumerate(docs):
        exercise = exercise_from_dict(doc)
        assert exercise is not None
        entries.append(ExerciseDocument(exercise=exercise, document=doc, source=f"{index}.json"))
    return build_portfolio(entries)


# Chad and Peru health, both weak in 4.1 in 2025 and 2026: two clusters
# compared and two functions weak in two exercises in a row.
DOCS = (
    document("td-2025", 2025, level(default=60.0, scores={"4.1": 10.0})),
    document("td-2026", 2026, level(default=40.0, scores={"4.1": 20.0})),
    document("pe-2025", 2025, level(default=60.0, scores={"4.1": 10.0}), country="Peru"),
    document("pe-2026", 2026, level(default=70.0, scores={"4.1": 20.0}), country="Peru"),
)


def _paragraphs(row_limit: int) -> list[str]:
    report = build_annual_report(_portfolio(*DOCS), 2026, row_limit=row_limit)
    return [block.text for block in report.blocks if isinstance(block, Paragraph)]


def test_report_says_rows_left_out() -> None:
    texts = _paragraphs(row_limit=1)

    sentence = (
        "This table shows 1 row of 2. 1 more row is listed in the workbook (XLSX) of this report."
    )
    assert texts.count(sentence) == 2


def test_report_worst_row_shown() -> None:
    report = build_annual_report(_portfolio(*DOCS), 2026, row_limit=1)

    headings = report.headings(3)
    worst = report.blocks[
        report.blocks.index(Heading("Clusters with the largest fall in mean score", 3)) + 1
    ]
    assert "Change against the previous year by region" in headings
    assert isinstance(worst, Table)
    assert [cell.text for cell in worst.rows[0]][:3] == ["Africa", "Chad", "Health"]


def test_report_full_lists_fit() -> None:
    texts = _paragraphs(row_limit=2)

    assert not any(text.startswith("This table shows") for text in texts)


def test_report_reuses_tables() -> None:
    portfolio = _portfolio(*DOCS)
    tables = annual_tables(portfolio, 2026)

    shared = build_annual_report(portfolio, 2026, tables=tables)
    computed = build_annual_report(portfolio, 2026)

    assert shared.blocks == computed.blocks


def test_report_tables_incomplete() -> None:
    portfolio = _portfolio(*DOCS)
    tables = annual_tables(portfolio, 2026)[:-1]

    with pytest.raises(InputError, match="lack confirmed_weakening"):
        build_annual_report(portfolio, 2026, tables=tables)


def test_report_summary_translated() -> None:
    report = build_annual_report(_portfolio(*DOCS), 2026, language="fr", row_limit=1)

    texts = [block.text for block in report.blocks if isinstance(block, Paragraph)]
    assert not any("more row is listed" in text for text in texts)
