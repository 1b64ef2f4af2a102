"""Anonymity in the preliminary report: withheld small counts and contacts removed from comments."""

from __future__ import annotations

import pytest
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.disclosure import DisclosureError
from ccpm_core.framework import Instrument
from ccpm_core.report_builder import build_preliminary_report
from ccpm_core.report_model import BulletList, Chart, Paragraph, Report, Table
from ccpm_core.responses import Comment
from ccpm_core.scoring import score

QUESTIONNAIRE = small_questionnaire()
PARTNER = {"instrument": "partner", "organisation_type": "international_ngo", "p111": "3"}
ROWS = [
    *(dict(PARTNER) for _ in range(5)),
    {"instrument": "partner", "organisation_type": "national_ngo", "p111": "1"},
    *({"instrument": "partner", "p111": "3"} for _ in range(3)),
    {"instrument": "coordinator", "c_orgs_international_ngo": "10", "c_orgs_national_ngo": "4"},
]
COMMENTS = (
    Comment(
        "p_comment_1",
        1,
        Instrument.PARTNER,
        None,
        "Call Ana on +33 6 12 34 56 78 or ana.lima@org.int before 2025-01-31.",
        respondent=0,
    ),
)


def build(language: str = "en", **options: object) -> Report:
    results = score(response_set(QUESTIONNAIRE, ROWS, COMMENTS))
    return build_preliminary_report(results, QUESTIONNAIRE, language=language, **options)  # type: ignore[arg-type]


def table_with_caption(report: Report, caption: str) -> Table:
    for block in report.blocks:
        if isinstance(block, Table) and block.caption == caption:
            return block
    msg = f"no table captioned {caption!r}"
    raise AssertionError(msg)


def type_row(report: Report, label: str) -> list[str]:
    table = table_with_caption(report, "Response rates by organisation type")
    return [cell.text for cell in next(row for row in table.rows if row[0].text == label)]


def comments(report: Report) -> list[str]:
    return [
        item for block in report.blocks if isinstance(block, BulletList) for item in block.items
    ]


def test_single_partner_type_withheld() -> None:
    row = type_row(build(), "National NGO")

    assert row[1] == "withheld"
    assert row[2] == "4"
    assert row[3] == "withheld"
    assert row[5] == "withheld"


def test_complementary_type_withheld() -> None:
    # The national NGO count (1) could be worked out from the total (9) unless
    # one more count is withheld: the smallest, partners without a type (3).
    row = type_row(build(), "Type not given")

    assert row[1] == "withheld"


def test_large_type_shown() -> None:
    row = type_row(build(), "International NGO")

    assert row[1] == "5"
    assert row[3] == "50.0%"


def test_total_row_shown() -> None:
    row = type_row(build(), "Total")

    assert row[1] == "9"


def test_min_cell_size_one_shows_counts() -> None:
    row = type_row(build(min_cell_size=1), "National NGO")

    assert row[1] == "1"


def test_distribution_small_option_withheld() -> None:
    # One partner chose Little; the other eight chose Much, which the total would reveal.
    table = table_with_caption(build(), "Answer distributions for function 1")
    row = next(r for r in table.rows if r[0].text == "1.1.1")

    assert row[2].text == "Little: withheld\nMuch: withheld"


def test_distribution_shown_for_k_one() -> None:
    table = table_with_caption(build(min_cell_size=1), "Answer distributions for function 1")
    row = next(r for r in table.rows if r[0].text == "1.1.1")

    assert row[2].text == "Little: 1 (11.1%)\nMuch: 8 (88.9%)"


def test_method_note_states_k() -> None:
    notes = [b.text for b in build(min_cell_size=5).blocks if isinstance(b, Paragraph)]

    assert any("fewer than 5 partners" in text for text in notes)


def test_method_note_absent_for_k_one() -> None:
    notes = [b.text for b in build(min_cell_size=1).blocks if isinstance(b, Paragraph)]

    assert not any("anonymous" in text for text in notes)


def test_invalid_min_cell_size() -> None:
    with pytest.raises(DisclosureError, match="minimum cell size 0"):
        build(min_cell_size=0)


def test_contacts_redacted() -> None:
    texts = comments(build(redact_comment_contacts=True))

    assert "Call Ana on [phone removed] or [e-mail removed] before 2025-01-31. (partner)" in texts


def test_contacts_kept_by_default() -> None:
    texts = comments(build())

    assert any("ana.lima@org.int" in text for text in texts)


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_redaction_markers_translated(language: str) -> None:
    texts = comments(build(language, redact_comment_contacts=True))

    assert not any("[phone removed]" in text for text in texts)


def gap_table(report: Report) -> Table:
    return table_with_caption(report, "Partners' and coordinator's scores by section")


GAP_ROWS = [
    {"instrument": "partner", "organisation_type": "international_ngo", "p121": "1", "p122": "2"},
    {"instrument": "partner", "organisation_type": "international_ngo", "p121": "1", "p122": "2"},
    {"instrument": "coordinator", "c121": "3", "c122": "3"},
]


def build_gap(min_cell_size: int = 1) -> Report:
    results = score(response_set(QUESTIONNAIRE, GAP_ROWS, ()))
    return build_preliminary_report(results, QUESTIONNAIRE, min_cell_size=min_cell_size)


def gap_chart(report: Report) -> Chart:
    return next(b for b in report.blocks if isinstance(b, Chart) and b.key == "perception-gap")


def test_gap_row_values() -> None:
    # Partners' section 1.2 mean is 1.5 of 4 (37.5 %); the coordinator's is 3 of 4 (75 %).
    row = next(r for r in gap_table(build_gap()).rows if r[0].text == "1.2")

    assert row[2].text == "37.5% (2)"
    assert row[3].text == "75.0% (1)"
    assert row[4].text == "+37.5"


def test_gap_row_withheld() -> None:
    # Two partners are fewer than k = 3: their score, its status and the gap that
    # would reveal it are withheld. The coordinator's score is public.
    row = next(r for r in gap_table(build_gap(3)).rows if r[0].text == "1.2")

    assert row[2].text == "withheld"
    assert row[2].status is None
    assert row[3].text == "75.0% (1)"
    assert row[4].text == "withheld"


def test_gap_chart_leaves_out_withheld() -> None:
    labels = [bar.label for bar in gap_chart(build_gap(3)).bars]

    # Section 1.1 has no partner answer, so its bar shows no data rather than being left out.
    assert labels[:3] == ["1.1 partners", "1.1 coordinator", "1.2 coordinator"]


def test_gap_chart_note_names_sections() -> None:
    texts = [b.text for b in build_gap(3).blocks if isinstance(b, Paragraph)]
    expected = (
        "The partners' bar is left out for section 1.2, because fewer than 3 partners scored it."
    )

    assert expected in texts


def test_gap_chart_alt_text_withheld() -> None:
    alt_text = gap_chart(build_gap(3)).alt_text

    assert "1.2: partners withheld, coordinator 75.0%, gap withheld" in alt_text


def test_gap_withheld_scores_absent() -> None:
    texts = [cell.text for row in gap_table(build_gap(3)).rows for cell in row]

    assert not any("37.5" in text for text in texts)


def test_gap_without_coordinator() -> None:
    row = next(r for r in gap_table(build_gap()).rows if r[0].text == "1.1")

    assert row[4].text == "–"


def test_gap_chart_two_bars_per_section() -> None:
    chart = next(
        b for b in build_gap().blocks if isinstance(b, Chart) and b.key == "perception-gap"
    )
    labels = [bar.label for bar in chart.bars]

    assert labels[:4] == ["1.1 partners", "1.1 coordinator", "1.2 partners", "1.2 coordinator"]


def test_gap_chart_alt_text() -> None:
    chart = next(
        b for b in build_gap().blocks if isinstance(b, Chart) and b.key == "perception-gap"
    )

    assert "1.2: partners 37.5%, coordinator 75.0%, gap +37.5" in chart.alt_text


def test_gap_bar_labels_translated() -> None:
    results = score(response_set(QUESTIONNAIRE, GAP_ROWS, ()))
    report = build_preliminary_report(results, QUESTIONNAIRE, language="fr", min_cell_size=1)
    chart = gap_chart(report)

    assert chart.bars[0].label == "1.1 partenaires"


GAP_NOTES = {
    "fr": "La barre des partenaires est omise pour la section 1.2, car moins de 3 "
    "partenaires l’ont notée.",
    "es": "Se omite la barra de los socios en la sección 1.2, porque menos de 3 socios "
    "la puntuaron.",
    "ar": "حُذف عمود الشركاء في القسم 1.2، لأن أقل من 3 شركاء قيّموه.",
}


@pytest.mark.parametrize("language", sorted(GAP_NOTES))
def test_gap_chart_note_translated(language: str) -> None:
    results = score(response_set(QUESTIONNAIRE, GAP_ROWS, ()))
    report = build_preliminary_report(results, QUESTIONNAIRE, language=language)
    texts = [b.text for b in report.blocks if isinstance(b, Paragraph)]

    assert GAP_NOTES[language] in texts
