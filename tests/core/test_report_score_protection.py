"""Scores withheld where fewer than k partners give them, and status labels beside colours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.framework import Status
from ccpm_core.report_builder import build_preliminary_report
from ccpm_core.report_model import Cell, Paragraph, Report, Table
from ccpm_core.report_suppression import (
    level_rests_on_few_partners,
    level_scores_withheld,
    partner_score_withheld,
)
from ccpm_core.results import Score
from ccpm_core.scoring import score

QUESTIONNAIRE = small_questionnaire()
LEVELS_CAPTION = "Section scores at the national level and in each hub"
STATUS_CAPTION = "Performance status by section"


def partner(hub: str = "", answer: str = "3") -> dict[str, Any]:
    return {
        "instrument": "partner",
        "organisation_type": "international_ngo",
        "hub": hub,
        "p111": answer,
    }


def coordinator(hub: str = "") -> dict[str, Any]:
    return {"instrument": "coordinator", "hub": hub, "c121": "3"}


def build(rows: Sequence[Mapping[str, Any]], k: int = 3, hub: str | None = None) -> Report:
    results = score(response_set(QUESTIONNAIRE, rows))
    return build_preliminary_report(results, QUESTIONNAIRE, hub=hub, min_cell_size=k)


def table(report: Report, caption: str) -> Table:
    return next(b for b in report.blocks if isinstance(b, Table) and b.caption == caption)


def level_row(report: Report, name: str) -> tuple[Cell, ...]:
    return next(row for row in table(report, LEVELS_CAPTION).rows if row[0].text == name)


def paragraphs(report: Report) -> list[str]:
    return [b.text for b in report.blocks if isinstance(b, Paragraph)]


# National: 4 partners answering 1.1.1 with 3 (75 %) and a coordinator answering
# 1.2.1 with 3 (75 %). Hub Small: 2 partners answering 1 (25 %). Hub Large: 3
# partners answering 4 (100 %) and a coordinator.
LEVEL_ROWS = [
    *(partner() for _ in range(4)),
    coordinator(),
    *(partner("Small", "1") for _ in range(2)),
    *(partner("Large", "4") for _ in range(3)),
    coordinator("Large"),
]


# Levels compared: scores, then a row of status labels


def test_levels_score_row() -> None:
    row = level_row(build(LEVEL_ROWS), "Large")

    assert row[2].text == "100.0%"
    assert row[2].status is None


def test_levels_status_row_label() -> None:
    row = level_row(build(LEVEL_ROWS), "Large: status")

    assert row[2].text == "Good"
    assert row[2].status is Status.GOOD


def test_levels_status_row_no_data() -> None:
    # Section 5 has no answer at any level.
    report = build(LEVEL_ROWS)
    row = level_row(report, "National: status")
    header = table(report, LEVELS_CAPTION).header

    assert row[header.index("5")].text == "No data"
    assert row[header.index("5")].status is Status.NO_DATA


def test_levels_small_hub_scores_withheld() -> None:
    row = level_row(build(LEVEL_ROWS), "Small")

    assert [cell.text for cell in row[2:]] == ["withheld"] * (len(row) - 2)


def test_levels_small_hub_status_withheld() -> None:
    row = level_row(build(LEVEL_ROWS), "Small: status")

    assert all(cell.status is None for cell in row[2:])
    assert [cell.text for cell in row[2:]] == ["withheld"] * (len(row) - 2)


def test_small_hub_shown_k_one() -> None:
    row = level_row(build(LEVEL_ROWS, k=1), "Small")

    assert row[2].text == "25.0%"


def test_levels_national_kept_when_small() -> None:
    # Two national partners are fewer than k = 3, but the national level is the
    # level of this report, so its scores stay.
    rows = [*(partner() for _ in range(2)), *(partner("Large", "4") for _ in range(3))]

    assert level_row(build(rows), "National")[2].text == "75.0%"


def test_levels_note_on_withheld_hub() -> None:
    expected = "The scores of a hub with fewer than 3 partners are withheld."

    assert expected in paragraphs(build(LEVEL_ROWS))


def test_levels_no_note_without_withheld_hub() -> None:
    rows = [*(partner() for _ in range(4)), *(partner("Large", "4") for _ in range(3))]

    assert not any("are withheld." in text for text in paragraphs(build(rows)))


def test_coordinator_only_hub_shown() -> None:
    # A hub without partners scores its coordinator alone, who takes part by name.
    rows = [*(partner() for _ in range(4)), coordinator("Solo")]

    assert level_row(build(rows), "Solo")[3].text == "75.0%"


# Notes on a level that rests on few partners


FEW_PARTNERS_NATIONAL = (
    "The scores of this report rest on fewer than 3 partners, so a reader who knows "
    "which partners answered may infer their answers from them."
)
FEW_PARTNERS_HUB = (
    "The scores of this hub rest on fewer than 3 partners, so a reader who knows which "
    "partners answered may infer their answers from them. The national report withholds "
    "this hub's scores."
)


def test_national_few_partners_note() -> None:
    rows = [*(partner() for _ in range(2)), coordinator()]

    assert FEW_PARTNERS_NATIONAL in paragraphs(build(rows))


def test_national_few_partners_scores_kept() -> None:
    rows = [*(partner() for _ in range(2)), coordinator()]
    row = next(r for r in table(build(rows), STATUS_CAPTION).rows if r[0].text == "1.1")

    assert row[2].text == "75.0%"
    assert row[3].text == "Satisfactory"


def test_national_enough_partners_no_note() -> None:
    texts = paragraphs(build(LEVEL_ROWS))

    assert FEW_PARTNERS_NATIONAL not in texts


def test_hub_report_few_partners_note() -> None:
    assert FEW_PARTNERS_HUB in paragraphs(build(LEVEL_ROWS, hub="Small"))


def test_hub_report_keeps_own_scores() -> None:
    rows = table(build(LEVEL_ROWS, hub="Small"), STATUS_CAPTION).rows
    row = next(r for r in rows if r[0].text == "1.1")

    assert row[2].text == "25.0%"
    assert row[3].status is Status.WEAK


def test_few_partners_note_absent_k_one() -> None:
    rows = [*(partner() for _ in range(2)), coordinator()]

    assert FEW_PARTNERS_NATIONAL not in paragraphs(build(rows, k=1))


def test_method_note_names_scores() -> None:
    texts = paragraphs(build(LEVEL_ROWS))

    assert any("A score built on fewer than 3 partners is withheld too" in t for t in texts)


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_few_partners_note_translated(language: str) -> None:
    results = score(response_set(QUESTIONNAIRE, [*(partner() for _ in range(2)), coordinator()]))
    report = build_preliminary_report(results, QUESTIONNAIRE, language=language)
    texts = paragraphs(report)

    assert FEW_PARTNERS_NATIONAL not in texts
    assert not any("rest on fewer than" in text for text in texts)


# The rules on their own


def figure(n: int) -> Score:
    return Score(2.0, 50.0, Status.UNSATISFACTORY, n)


@given(st.integers(0, 10), st.integers(1, 6))
def test_partner_score_rule(partners: int, k: int) -> None:
    assert partner_score_withheld(figure(partners), k) == (0 < partners < k)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 6), st.integers(1, 5), st.booleans())
def test_level_score_rule(partners: int, k: int, national: bool) -> None:
    results = score(
        response_set(QUESTIONNAIRE, [*(partner("H") for _ in range(partners)), coordinator("H")])
    )
    level = results.level("H")
    if national:
        level = attrs.evolve(level, hub=None)

    assert level_rests_on_few_partners(level, k) == (0 < partners < k)
    assert level_scores_withheld(level, k) == (not national and 0 < partners < k)
