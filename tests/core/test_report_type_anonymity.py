"""Response rates by organisation type when very few partners answer: no withheld type is named."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.rates import RateFigure, ResponseRates, TypeRates
from ccpm_core.report_builder import build_preliminary_report
from ccpm_core.report_model import Paragraph, Report, Table
from ccpm_core.report_suppression import (
    shown_total_rates,
    type_count_suppression,
    withheld_organisation_types,
)
from ccpm_core.scoring import score

QUESTIONNAIRE = small_questionnaire()
CAPTION = "Response rates by organisation type"
TYPE_NAMES = ("International NGO", "National NGO")
GENERIC_NOTE = (
    "The coordinator gave no count for some organisation types, so the total rates are "
    "not computed."
)


def partner(organisation_type: str = "international_ngo") -> dict[str, Any]:
    return {"instrument": "partner", "organisation_type": organisation_type, "p111": "3"}


def coordinator(**counts: str) -> dict[str, Any]:
    return {"instrument": "coordinator", "c121": "3", **counts}


def build(rows: Sequence[Mapping[str, Any]], k: int = 3) -> Report:
    results = score(response_set(QUESTIONNAIRE, rows))
    return build_preliminary_report(results, QUESTIONNAIRE, min_cell_size=k)


def paragraphs(report: Report) -> list[str]:
    return [block.text for block in report.blocks if isinstance(block, Paragraph)]


def type_row(report: Report, label: str) -> list[str]:
    table = next(b for b in report.blocks if isinstance(b, Table) and b.caption == CAPTION)
    return [cell.text for cell in next(row for row in table.rows if row[0].text == label)]


def named_types(report: Report) -> list[str]:
    return [name for name in TYPE_NAMES for text in paragraphs(report) if name in text]


# One international NGO partner and no coordinator: the case of a one-row survey file.
ONE_PARTNER = [partner()]


def test_one_partner_type_withheld() -> None:
    assert type_row(build(ONE_PARTNER), "International NGO")[1] == "withheld"


def test_one_partner_total_shown() -> None:
    # The total is the number of partners the first paragraph states.
    assert type_row(build(ONE_PARTNER), "Total")[1] == "1"


def test_one_partner_headline() -> None:
    assert "Partners who answered: 1. Coordinator responses: 0." in paragraphs(build(ONE_PARTNER))


def test_one_partner_no_type_named() -> None:
    assert named_types(build(ONE_PARTNER)) == []


def test_one_partner_no_missing_count_note() -> None:
    # Without any coordinator count, the note that no rate can be computed is enough.
    texts = paragraphs(build(ONE_PARTNER))

    assert not any("no count for some organisation types" in text for text in texts)


def test_uncounted_withheld_type_not_named() -> None:
    report = build([partner(), coordinator(c_orgs_national_ngo="4")])

    assert named_types(report) == []


def test_uncounted_withheld_type_generic_note() -> None:
    report = build([partner(), coordinator(c_orgs_national_ngo="4")])

    assert GENERIC_NOTE in paragraphs(report)


def test_uncounted_empty_type_masks_total() -> None:
    # No national NGO answered, so the total base (5) is known despite the missing
    # national NGO count. That row is withheld, and a total rate would reveal it is empty.
    report = build([partner(), coordinator(c_orgs_international_ngo="5")])

    assert type_row(report, "Total")[1:] == ["1", "–", "–", "–", "–"]


def test_uncounted_empty_type_generic_note() -> None:
    report = build([partner(), coordinator(c_orgs_international_ngo="5")])

    assert GENERIC_NOTE in paragraphs(report)


def test_two_partners_two_types() -> None:
    report = build([partner(), partner("national_ngo"), coordinator(c_orgs_international_ngo="5")])

    assert named_types(report) == []
    assert type_row(report, "National NGO")[1] == "withheld"
    assert type_row(report, "Total")[1] == "2"


def test_three_partners_two_types() -> None:
    # Two international NGOs and one national NGO: both cells withheld, total 3 shown.
    rows = [partner(), partner(), partner("national_ngo"), coordinator(c_orgs_national_ngo="4")]
    report = build(rows)

    assert named_types(report) == []
    assert type_row(report, "International NGO")[1] == "withheld"
    assert type_row(report, "Total")[1] == "3"


def test_three_partners_one_type_named() -> None:
    # Three international NGOs are shown, so the note may name their type.
    report = build([partner(), partner(), partner(), coordinator(c_orgs_national_ngo="4")])
    expected = (
        "The coordinator gave no count for some organisation types whose partners answered "
        "(International NGO), so the total rates are not computed."
    )

    assert expected in paragraphs(report)


def test_excess_total_names_no_type() -> None:
    # One partner answered and the coordinator counts no organisation, so the public
    # total exceeds its base. The withheld type is still not named.
    report = build([partner(), coordinator(c_orgs_international_ngo="0", c_orgs_national_ngo="0")])
    texts = paragraphs(report)

    assert any(text.startswith("More partners answered") for text in texts)
    assert named_types(report) == []


def test_k_one_names_uncounted_type() -> None:
    report = build([partner(), coordinator(c_orgs_national_ngo="4")], k=1)

    assert "International NGO" in " ".join(paragraphs(report))


def rates_of(counts: Sequence[int], bases: Sequence[float | None]) -> ResponseRates:
    by_type = tuple(
        TypeRates(code, RateFigure(count, base), RateFigure(count, base))
        for code, count, base in zip(("a", "b"), counts, bases, strict=True)
    )
    total_base = None if any(b is None for b in bases) else sum(b or 0 for b in bases)
    return ResponseRates(
        overall=RateFigure(sum(counts), total_base),
        effective=RateFigure(sum(counts), total_base),
        by_type=by_type,
        partners_without_type=0,
        coordinators_reporting=1,
    )


def test_type_suppression_one_partner() -> None:
    suppression = type_count_suppression(rates_of([1, 0], [5, 4]), 3)

    assert withheld_organisation_types(rates_of([1, 0], [5, 4]), suppression) == {"a", "b"}


def test_shown_total_kept_when_counted() -> None:
    rates = rates_of([1, 0], [5, 4])

    assert shown_total_rates(rates, frozenset({"a", "b"}))[0].base == 9


def test_shown_total_dropped_when_uncounted() -> None:
    rates = rates_of([1, 0], [5, None])

    assert shown_total_rates(rates, frozenset({"a", "b"}))[0].base is None


def test_shown_total_unchanged_without_withheld() -> None:
    rates = rates_of([4, 0], [5, None])

    assert shown_total_rates(rates, frozenset()) == (rates.overall, rates.effective)
