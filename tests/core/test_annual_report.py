"""The annual report: its tables computed by hand, withheld counts, and the report blocks."""

from __future__ import annotations

import functools
import math
from typing import Any

import pytest
from portfolio_fixtures import document, level

from ccpm_core.annual_report import build_annual_report, format_table_cell, hub_label
from ccpm_core.errors import InputError
from ccpm_core.portfolio import ExerciseDocument, Portfolio, build_portfolio
from ccpm_core.portfolio_tables import ColumnKind, PortfolioTable, annual_tables
from ccpm_core.report_model import Chart, Heading, Table
from ccpm_core.results_document import exercise_from_dict


def _portfolio(*docs: dict[str, Any]) -> Portfolio:
    entries = []
    for index, doc in enumerate(docs):
        exercise = exercise_from_dict(doc)
        assert exercise is not None
        entries.append(ExerciseDocument(exercise=exercise, document=doc, source=f"{index}.json"))
    return build_portfolio(entries)


# 2026: Chad health (national + East hub), Chad WASH, Peru health; 2025: Chad health.
DOCS = (
    document(
        "td-health-2026",
        2026,
        level(scores={"4.1": 20.0}, responses=(6, 4), organisations=(10.0, 10.0)),
        level("East", responses=(3, 2), organisations=(5.0, 5.0), attending=(4.0, 4.0)),
        rows_read=20,
        rows_scored=19,
    ),
    document(
        "td-wash-2026",
        2026,
        level(default=80.0, responses=(5, 5), organisations=(20.0, None)),
        cluster="WASH",
        rows_read=10,
        rows_scored=10,
    ),
    document("pe-health-2026", 2026, level(default=40.0), country="Peru"),
    document("td-health-2025", 2025, level(default=30.0, scores={"4.1": 10.0})),
)


@functools.cache
def _tables(min_cell_size: int = 3) -> dict[str, PortfolioTable]:
    tables = annual_tables(_portfolio(*DOCS), 2026, min_cell_size)
    return {table.key: table for table in tables}


def test_exercises_by_region() -> None:
    frame = _tables()["by_region"].frame.set_index("region")

    assert frame.loc["Africa", "exercises"] == 2
    assert frame.loc["Africa", "clusters"] == 2
    assert frame.loc["Africa", "hubs"] == 1
    assert frame.loc["Americas", "exercises"] == 1


def test_exercises_by_country() -> None:
    frame = _tables()["by_country"].frame.set_index("country")

    assert frame.loc["Chad", "clusters"] == "Health, WASH"


def test_exercises_by_cluster() -> None:
    frame = _tables()["by_cluster"].frame.set_index("cluster")

    assert frame.loc["Health", "countries"] == 2


def test_rates_by_region_pooled() -> None:
    frame = _tables()["rates_by_region"].frame.set_index("region")

    # Africa: 10 + 5 + 10 responses; counted bases 20 + 10 + 20 (WASH has only
    # the first type counted, so its total base is 20 and its 10 responses count).
    assert frame.loc["Africa", "responses"] == 25
    assert frame.loc["Africa", "response_rate"] == pytest.approx(25 / 50)
    assert frame.loc["Africa", "completion_rate"] == pytest.approx(29 / 30)


def test_rates_by_organisation_type() -> None:
    frame = _tables()["rates_by_organisation_type"].frame.set_index("organisation_type")

    # national_ngo: responses 4 + 2 + 5 + 5 = 16; counted 10 + 5 + 10 = 25 for
    # responses 4 + 2 + 5 = 11, since WASH gave no count for this type.
    assert frame.loc["national_ngo", "responses"] == 16
    assert frame.loc["national_ngo", "response_rate"] == pytest.approx(11 / 25)


def test_rates_by_level() -> None:
    frame = _tables()["rates_by_level"].frame

    assert frame["level"].tolist() == ["national", "subnational"]
    assert frame["levels"].tolist() == [3, 1]
    assert frame["effective_response_rate"].iloc[1] == pytest.approx(5 / 8)


def test_small_count_withheld() -> None:
    table = _tables(min_cell_size=6)["rates_by_level"]

    assert (1, "responses") in table.withheld
    assert (1, "response_rate") in table.withheld
    assert math.isnan(table.frame["responses"].iloc[1])


def test_status_by_function() -> None:
    frame = _tables()["status_by_function"].frame.set_index("function")

    # Function 4 at the national levels: td-health 4.1 weak and 4.2 satisfactory,
    # WASH good twice, Peru unsatisfactory twice.
    assert frame.loc["4", "weak"] == 1
    assert frame.loc["4", "good"] == 2
    assert frame.loc["4", "unsatisfactory"] == 2
    assert frame.loc["4", "mean_score"] == pytest.approx((20 + 60 + 80 + 80 + 40 + 40) / 6)


def test_function_ranking_weakest_first() -> None:
    frame = _tables()["function_ranking"].frame

    assert frame["function"].iloc[0] == "4"


def test_change_from_previous_year() -> None:
    frame = _tables()["change_from_previous_year"].frame

    assert frame[["country", "cluster"]].values.tolist() == [["Chad", "Health"]]
    assert frame["previous_score"].iloc[0] == pytest.approx((12 * 30 + 10) / 13)
    assert frame["score"].iloc[0] == pytest.approx((12 * 60 + 20) / 13)
    assert frame["improved"].iloc[0] == 12
    assert frame["fell"].iloc[0] == 0


def test_confirmed_weakening_table() -> None:
    frame = _tables()["confirmed_weakening"].frame

    assert frame[["country", "function", "exercise"]].values.tolist() == [
        ["Chad", "4", "td-health-2026"]
    ]


def test_year_without_exercises() -> None:
    with pytest.raises(
        InputError, match="no exercise ran in 2019; years with exercises: 2025, 2026"
    ):
        annual_tables(_portfolio(*DOCS), 2019)


def test_report_headings() -> None:
    report = build_annual_report(_portfolio(*DOCS), 2026)

    assert report.headings(1) == [
        "Summary",
        "Where the exercises ran",
        "Response and completion rates",
        "Performance",
        "Change",
    ]


def test_report_summary_text() -> None:
    report = build_annual_report(_portfolio(*DOCS), 2026)

    texts = [getattr(block, "text", "") for block in report.blocks]
    assert "Exercises: 3. Countries: 2. Regions: 2. Clusters: 2. Sub-national levels: 1." in texts


def test_report_has_chart() -> None:
    report = build_annual_report(_portfolio(*DOCS), 2026)

    assert any(isinstance(block, Chart) for block in report.blocks)


def test_report_withheld_cells() -> None:
    report = build_annual_report(_portfolio(*DOCS), 2026, min_cell_size=6)

    cells = [
        cell.text
        for block in report.blocks
        if isinstance(block, Table)
        for row in block.rows
        for cell in row
    ]
    assert "withheld" in cells


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "Synthèse"), ("es", "Resumen"), ("ar", "الملخص")],
)
def test_report_translated(language: str, heading: str) -> None:
    report = build_annual_report(_portfolio(*DOCS), 2026, language=language)

    first = report.blocks[0]
    assert isinstance(first, Heading)
    assert report.language == language
    assert first.text == heading


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (0.615, ColumnKind.RATE, "61.5%"),
        (75.0, ColumnKind.SCORE, "75.0%"),
        (2.0, ColumnKind.COUNT, "2"),
        (4.25, ColumnKind.CHANGE, "+4.3"),
        (-4.0, ColumnKind.CHANGE, "-4"),
        (float("nan"), ColumnKind.SCORE, "–"),
        ("Chad", ColumnKind.TEXT, "Chad"),
    ],
)
def test_cell_format(value: Any, kind: ColumnKind, text: str) -> None:
    assert format_table_cell(value, kind, "en") == text


# Health in Chad: function 4 weak in both years nationally and in the East hub,
# function 3 weak in both years in the East hub only. WASH in Chad: function 4
# weak in both years nationally. Four rows, three cluster functions, two clusters.
WEAK_DOCS = (
    document(
        "td-health-2025",
        2025,
        level(scores={"4.1": 10.0}),
        level("East", scores={"4.1": 10.0, "3.1": 10.0}),
    ),
    document(
        "td-health-2026",
        2026,
        level(scores={"4.1": 20.0}),
        level("East", scores={"4.1": 20.0, "3.1": 20.0}),
    ),
    document("td-wash-2025", 2025, level(scores={"4.2": 15.0}), cluster="WASH"),
    document("td-wash-2026", 2026, level(scores={"4.2": 15.0}, default=65.0), cluster="WASH"),
)


def _texts(report: Any) -> list[str]:
    return [getattr(block, "text", "") for block in report.blocks]


def test_weakening_summary_counts_clusters() -> None:
    report = build_annual_report(_portfolio(*WEAK_DOCS), 2026)

    assert (
        "Clusters with a function weak in two exercises in a row: 2. Functions weak in two "
        "exercises in a row, counted once per cluster: 3 (4 when the national level and each "
        "hub count apart)."
    ) in _texts(report)


def test_summary_compared_clusters() -> None:
    report = build_annual_report(_portfolio(*WEAK_DOCS), 2026)

    assert "Clusters compared with the previous year: 2." in _texts(report)


def _weakening_rows(language: str) -> list[list[str]]:
    """Return the rows of the last table, which lists the confirmed weakening."""
    report = build_annual_report(_portfolio(*WEAK_DOCS), 2026, language=language)
    table = [block for block in report.blocks if isinstance(block, Table)][-1]
    return [[cell.text for cell in row] for row in table.rows]


def test_weakening_hub_column_national() -> None:
    hubs = [row[3] for row in _weakening_rows("en")]

    assert hubs == ["National", "East", "East", "National"]


def test_weakening_hub_column_translated() -> None:
    hubs = [row[3] for row in _weakening_rows("fr")]

    assert hubs[0] == "National"
    assert hubs[1] == "East"


def test_weakening_hub_column_arabic() -> None:
    assert _weakening_rows("ar")[0][3] == "الوطني"


def test_tables_without_repeated_caption() -> None:
    report = build_annual_report(_portfolio(*DOCS), 2026)

    captions = [block.caption for block in report.blocks if isinstance(block, Table)]
    assert captions
    assert set(captions) == {""}


def test_hub_label_national() -> None:
    assert hub_label("", "es") == "Nacional"


def test_hub_label_keeps_hub_name() -> None:
    assert hub_label("Abéché", "ar") == "Abéché"
