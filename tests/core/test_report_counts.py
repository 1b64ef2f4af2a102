"""Withheld counts in the levels compared, beside scores, and in the count checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.framework import Status
from ccpm_core.report_builder import build_preliminary_report
from ccpm_core.report_model import Paragraph, Report, Table
from ccpm_core.report_suppression import level_count_suppression, unit_count_suppression
from ccpm_core.results import LevelResult, Score, UnitScore
from ccpm_core.scoring import score

QUESTIONNAIRE = small_questionnaire()
LEVELS_CAPTION = "Section scores at the national level and in each hub"


def partner(hub: str = "", organisation_type: str = "international_ngo") -> dict[str, Any]:
    return {
        "instrument": "partner",
        "organisation_type": organisation_type,
        "hub": hub,
        "p111": "3",
    }


def coordinator(hub: str = "", **counts: str) -> dict[str, Any]:
    return {"instrument": "coordinator", "hub": hub, "c121": "3", **counts}


def build(rows: Sequence[Mapping[str, Any]], k: int = 3, hub: str | None = None) -> Report:
    results = score(response_set(QUESTIONNAIRE, rows))
    return build_preliminary_report(results, QUESTIONNAIRE, hub=hub, min_cell_size=k)


def table(report: Report, caption: str) -> Table:
    return next(b for b in report.blocks if isinstance(b, Table) and b.caption == caption)


def respondents(report: Report, level: str) -> str:
    rows = table(report, LEVELS_CAPTION).rows
    return next(row for row in rows if row[0].text == level)[1].text


def paragraphs(report: Report) -> list[str]:
    return [b.text for b in report.blocks if isinstance(b, Paragraph)]


# National: 5 partners and a coordinator. Hub A: 2 partners and a coordinator. Hub B:
# 4 partners and a coordinator.
THREE_LEVELS = [
    *(partner() for _ in range(5)),
    coordinator(),
    *(partner("A") for _ in range(2)),
    coordinator("A"),
    *(partner("B") for _ in range(4)),
    coordinator("B"),
]


def test_small_hub_withheld() -> None:
    assert respondents(build(THREE_LEVELS), "A") == "withheld"


def test_complementary_hub_withheld() -> None:
    # A's 2 partners could be worked out from the rows scored (14) less the others,
    # so the next smallest hub, B, is withheld too.
    assert respondents(build(THREE_LEVELS), "B") == "withheld"


def test_national_count_shown() -> None:
    # The national report states its own count, so withholding it would protect nothing.
    assert respondents(build(THREE_LEVELS), "National") == "6"


def test_hub_counts_shown_for_k_one() -> None:
    assert respondents(build(THREE_LEVELS, k=1), "A") == "3"


def test_single_small_hub_withheld() -> None:
    rows = [*(partner() for _ in range(5)), *(partner("A") for _ in range(2))]

    assert respondents(build(rows), "A") == "withheld"


def level_of(template: LevelResult, hub: str | None, partners: int) -> LevelResult:
    return attrs.evolve(template, hub=hub, partners=partners, coordinators=1)


TEMPLATE = score(response_set(QUESTIONNAIRE, THREE_LEVELS))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=8), min_size=1, max_size=6),
    st.integers(min_value=1, max_value=5),
)
def test_levels_table_property(hub_partners: list[int], k: int) -> None:
    template = TEMPLATE.level(None)
    levels = (
        level_of(template, None, 4),
        *(level_of(template, f"H{i}", n) for i, n in enumerate(hub_partners)),
    )
    results = attrs.evolve(TEMPLATE, levels=levels)
    report = build_preliminary_report(results, QUESTIONNAIRE, min_cell_size=k)
    shown = [
        level.partners for level in levels[1:] if respondents(report, level.hub or "") != "withheld"
    ]
    suppression = level_count_suppression(results, k)
    hidden = [level.partners for level, h in zip(levels, suppression.cells, strict=True) if h]

    assert all(n == 0 or n >= k for n in shown)
    assert respondents(report, "National") == "5"
    assert suppression.total or not hidden or (len(hidden) > 1 and sum(hidden) >= k)


# Counts beside scores: two partners and a coordinator answer section 1.2.
SECTION_ROWS = [
    {"instrument": "partner", "organisation_type": "international_ngo", "p121": "1", "p122": "2"},
    {"instrument": "partner", "organisation_type": "international_ngo", "p121": "1", "p122": "2"},
    {"instrument": "coordinator", "c121": "3", "c122": "3"},
]


def status_row(report: Report, section: str) -> list[str]:
    rows = table(report, "Performance status by section").rows
    return [cell.text for cell in next(row for row in rows if row[0].text == section)]


def test_section_respondents_withheld() -> None:
    assert status_row(build(SECTION_ROWS), "1.2")[4] == "withheld"


def test_section_partner_score_withheld() -> None:
    # Two partners are fewer than k = 3, so their score goes with their count.
    assert status_row(build(SECTION_ROWS), "1.2")[5] == "withheld"


def test_section_partner_status_withheld() -> None:
    rows = table(build(SECTION_ROWS), "Performance status by section").rows
    row = next(row for row in rows if row[0].text == "1.2")

    assert row[5].status is None


def test_coordinator_n_shown() -> None:
    assert status_row(build(SECTION_ROWS), "1.2")[6] == "75.0% (1)"


def test_item_partner_n_withheld() -> None:
    rows = table(build(SECTION_ROWS), "Item scores for section 1.2").rows
    row = next(r for r in rows if r[0].text == "1.2.1")

    assert row[4].text == "withheld"
    assert row[5].text == "withheld"


def test_section_sentence_withheld() -> None:
    # Pooled median of the respondent means 1.5, 1.5 and 3 is 1.5 of 4: 37.5 %.
    texts = paragraphs(build(SECTION_ROWS))

    assert "Status: Unsatisfactory, score 37.5%; the number of respondents is withheld." in texts


def test_section_counts_shown_for_k_one() -> None:
    row = status_row(build(SECTION_ROWS, k=1), "1.2")

    assert row[4] == "3"
    assert row[5] == "37.5% (2)"


def test_section_without_partners_shows_n() -> None:
    rows = [{"instrument": "coordinator", "c121": "3"}, *(partner() for _ in range(3))]

    assert status_row(build(rows), "1.2")[4] == "1"


def unit(partners: int, coordinators: int) -> UnitScore:
    def figure(n: int) -> Score:
        return Score(2.0, 50.0, Status.UNSATISFACTORY, n)

    return UnitScore("1.1", figure(partners + coordinators), figure(partners), figure(coordinators))


@given(st.integers(0, 10), st.integers(0, 3), st.integers(1, 6))
def test_unit_counts_property(partners: int, coordinators: int, k: int) -> None:
    withheld = unit_count_suppression(unit(partners, coordinators), k)

    assert withheld.partner == (0 < partners < k)
    assert withheld.overall == withheld.partner


# Count checks: two national NGOs answered where the coordinator counts one.
ABOVE_BASE_ROWS = [
    *(partner() for _ in range(5)),
    *(partner(organisation_type="national_ngo") for _ in range(2)),
    coordinator(c_orgs_international_ngo="10", c_orgs_national_ngo="1"),
]


def test_withheld_type_not_named() -> None:
    assert not any("National NGO" in text for text in paragraphs(build(ABOVE_BASE_ROWS)))


def test_withheld_type_no_excess_note() -> None:
    assert not any("More partners answered" in text for text in paragraphs(build(ABOVE_BASE_ROWS)))


def test_withheld_counts_not_checked_note() -> None:
    texts = paragraphs(build(ABOVE_BASE_ROWS))

    assert (
        "Withheld counts are not checked against the coordinator's counts in this report." in texts
    )


def test_shown_type_named() -> None:
    texts = paragraphs(build(ABOVE_BASE_ROWS, k=1))
    expected = (
        "More partners answered than the coordinator's counts allow; check the counts "
        "before using the rates. Organisation types concerned: National NGO."
    )

    assert expected in texts


def test_method_note_names_hubs() -> None:
    texts = paragraphs(build(THREE_LEVELS, k=4))

    assert any("fewer than 4 partners" in text and "by hub" in text for text in texts)
