"""The preliminary report model: parts, status table, editable fields, comments, annex."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.framework import Instrument, Status
from ccpm_core.report_builder import ReportMetadata, build_preliminary_report
from ccpm_core.report_model import BulletList, Chart, EditableField, Heading, Paragraph, Table
from ccpm_core.responses import (
    Comment,
    DataQuality,
    Exclusion,
    ExclusionReason,
    UnrecognisedValue,
)
from ccpm_core.scoring import score

QUESTIONNAIRE = small_questionnaire()
ROWS = [
    {"instrument": "partner", "organisation_type": "national_ngo", "p111": "4", "p121": "1"},
    {"instrument": "partner", "organisation_type": "international_ngo", "p111": "3", "p121": "0"},
    {
        "instrument": "coordinator",
        "p111": "",
        "c121": "2",
        "c_orgs_national_ngo": "4",
        "c_attending_national_ngo": "2",
    },
    {"instrument": "partner", "hub": "North", "p111": "2"},
]
COMMENTS = (
    Comment("p_comment_1", 1, Instrument.PARTNER, None, "Meetings run late.", respondent=0),
    Comment("p_comment_1", 1, Instrument.PARTNER, "North", "Hub meetings are rare.", respondent=3),
)


def build(hub: str | None = None, min_cell_size: int = 1, **quality: object):
    """Build the report of the six sample rows; every count is shown unless min_cell_size says."""
    responses = response_set(QUESTIONNAIRE, ROWS, COMMENTS)
    if quality:
        quality_record = DataQuality(source="survey.csv", rows_read=6, rows_scored=4, **quality)
        responses = attrs.evolve(responses, quality=quality_record)
    results = score(responses)
    metadata = ReportMetadata(cluster="WASH", country="Chad", date=dt.date(2026, 12, 1))
    return build_preliminary_report(
        results, QUESTIONNAIRE, metadata, hub=hub, min_cell_size=min_cell_size
    )


def headings(report, level: int) -> list[str]:
    return report.headings(level)


def table_with_caption(report, caption: str) -> Table:
    for block in report.blocks:
        if isinstance(block, Table) and block.caption == caption:
            return block
    msg = f"no table captioned {caption!r}"
    raise AssertionError(msg)


def test_cover_facts() -> None:
    report = build()

    assert report.cover.cluster == "WASH"
    assert report.cover.country == "Chad"
    assert report.cover.level == "National"
    assert report.cover.date == dt.date(2026, 12, 1)


def test_parts_in_order() -> None:
    report = build()

    top = headings(report, 1)
    assert top[0] == "Response rates"
    assert top[1] == "Overall performance"
    assert top[2].startswith("Function 1:")
    assert top[8].startswith("Function 7:")
    assert top[9] == "Answer distributions and comments"
    assert top[10] == "Annex: data quality"


def test_status_table_has_13_sections() -> None:
    table = table_with_caption(build(), "Performance status by section")

    assert len(table.rows) == 13
    assert table.rows[0][0].text == "1.1"
    assert table.rows[0][3].status is Status.GOOD
    # Section 1.2: means 1, 0 and 2, median 1 -> 25% -> weak.
    assert table.rows[1][2].text == "25.0%"
    assert table.rows[1][3].status is Status.WEAK
    assert table.rows[1][3].text == "Weak"
    assert table.rows[2][3].status is Status.NO_DATA


def test_follow_up_required_for_weak_section() -> None:
    report = build()
    blocks = list(report.blocks)
    start = blocks.index(
        next(b for b in blocks if isinstance(b, Heading) and b.text.startswith("1.2 "))
    )
    fields = [b for b in blocks[start:] if isinstance(b, EditableField)][:2]

    assert fields[0].required is False
    assert fields[1].required is True
    assert "weak" in fields[1].prompt


def test_follow_up_optional_for_good_section() -> None:
    report = build()
    blocks = list(report.blocks)
    start = blocks.index(
        next(b for b in blocks if isinstance(b, Heading) and b.text.startswith("1.1 "))
    )
    fields = [b for b in blocks[start:] if isinstance(b, EditableField)][:2]

    assert fields[1].required is False


def test_one_chart_per_function() -> None:
    blocks = build().blocks
    charts = [b for b in blocks if isinstance(b, Chart) and b.key.startswith("function-")]

    assert [c.key for c in charts] == [f"function-{n}" for n in range(1, 8)]
    assert charts[0].alt_text.startswith("Bar chart of item scores for function 1.")
    assert len(charts[0].bars) == 7


def test_comments_of_level_only() -> None:
    national = [b for b in build().blocks if isinstance(b, BulletList)]
    north = [b for b in build("North").blocks if isinstance(b, BulletList)]

    assert national[0].items == ("Meetings run late. (partner)",)
    assert north[0].items == ("Hub meetings are rare. (partner)",)


def test_distribution_next_to_coordinator() -> None:
    table = table_with_caption(build(), "Answer distributions for function 1")
    row = next(r for r in table.rows if r[0].text == "1.2.1")

    assert row[2].text == "None: 1 (50.0%)\nLittle: 1 (50.0%)"
    assert row[3].text == "Some"


def test_response_rate_table() -> None:
    table = table_with_caption(build(), "Response rates by organisation type")
    national_ngo = next(r for r in table.rows if r[0].text == "National NGO")

    assert national_ngo[1].text == "1"
    assert national_ngo[2].text == "4"
    assert national_ngo[3].text == "25.0%"
    assert national_ngo[5].text == "50.0%"


def test_hub_comparison_only_in_national_report() -> None:
    assert "Levels compared" in headings(build(), 2)
    assert "Levels compared" not in headings(build("North"), 2)


def test_unknown_hub_rejected() -> None:
    with pytest.raises(KeyError, match="North"):
        build("South")


def test_annex_lists_exclusions_and_unrecognised() -> None:
    report = build(
        exclusions=(
            Exclusion(5, ExclusionReason.BLANK_ROW),
            Exclusion(6, ExclusionReason.UNKNOWN_INSTRUMENT, "donor"),
        ),
        unrecognised_values=(UnrecognisedValue("p111", "five", 2, (3, 4)),),
        unknown_columns=("remarks",),
    )

    excluded = table_with_caption(report, "Rows excluded from scoring")
    unrecognised = table_with_caption(report, "Unrecognised answers")
    assert [cell.text for cell in excluded.rows[1]] == ["6", "Unknown instrument", "donor"]
    assert [cell.text for cell in unrecognised.rows[0]] == [
        "p111",
        "1.1.1 Question p111",
        "five",
        "2",
        "3, 4",
    ]
    assert any(isinstance(b, BulletList) and b.items == ("remarks",) for b in report.blocks)


def test_annex_says_when_all_was_read() -> None:
    texts = [b.text for b in build().blocks if isinstance(b, Paragraph)]

    assert "Every row was scored and every answer recognised." in texts


def test_identical_comments_grouped() -> None:
    comments = (
        Comment("p_comment_1", 1, Instrument.PARTNER, None, "Meetings run late.", respondent=0),
        Comment("p_comment_1", 1, Instrument.PARTNER, None, "Meetings run late.", respondent=1),
        Comment("p_comment_1", 1, Instrument.PARTNER, None, "Minutes help.", respondent=1),
    )
    results = score(response_set(QUESTIONNAIRE, ROWS, comments))

    report = build_preliminary_report(results, QUESTIONNAIRE)
    lists = [b for b in report.blocks if isinstance(b, BulletList)]

    assert lists[0].items == ("Meetings run late. (partner) ×2", "Minutes help. (partner)")


def test_score_near_boundary_keeps_decimals() -> None:
    from ccpm_core.locale_format import format_score

    assert format_score(75.02, "en") == "75.02%"
    assert format_score(74.96, "en") == "74.96%"
    assert format_score(75.0, "en") == "75.0%"
    assert format_score(62.5, "en") == "62.5%"


def test_rates_without_count_explained() -> None:
    rows = [
        {"instrument": "partner", "organisation_type": "national_ngo"},
        {"instrument": "coordinator", "c_orgs_international_ngo": "3"},
    ]
    # With the default minimum cell size the single national NGO is withheld, and the
    # note names no type; 1 shows every count, so the note may name it.
    results = score(response_set(QUESTIONNAIRE, rows))
    report = build_preliminary_report(results, QUESTIONNAIRE, min_cell_size=1)
    texts = [b.text for b in report.blocks if isinstance(b, Paragraph)]

    assert any("National NGO" in text and "not computed" in text for text in texts)


def test_partners_only_on_cover() -> None:
    results = score(response_set(QUESTIONNAIRE, ROWS), partners_only=True)

    report = build_preliminary_report(results, QUESTIONNAIRE)

    assert report.cover.subtitle.endswith("partners only")
