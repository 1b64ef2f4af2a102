"""The report's respondent profile, and the repeated-submission counts of its data-quality annex."""

from __future__ import annotations

import attrs
import pytest
from selection_fixtures import sectors_questionnaire, sectors_responses

from ccpm_core.disclosure import DisclosureError
from ccpm_core.questionnaire import Questionnaire
from ccpm_core.report_builder import build_preliminary_report
from ccpm_core.report_deduplication import deduplication_blocks
from ccpm_core.report_model import Heading, Paragraph, Report, Table
from ccpm_core.report_profile import profile_blocks
from ccpm_core.report_suppression import SelectionSuppression, selection_count_suppression
from ccpm_core.responses import Deduplication
from ccpm_core.results import OptionCounts, Results, SelectionCounts
from ccpm_core.scoring import score

QUESTIONNAIRE = sectors_questionnaire()


@pytest.fixture(scope="module")
def results() -> Results:
    return score(sectors_responses(questionnaire=QUESTIONNAIRE))


def build(
    results: Results,
    k: int = 1,
    hub: str | None = None,
    language: str = "en",
    questionnaire: Questionnaire = QUESTIONNAIRE,
) -> Report:
    return build_preliminary_report(
        results, questionnaire, hub=hub, language=language, min_cell_size=k
    )


def table(report: Report, caption: str) -> Table:
    return next(b for b in report.blocks if isinstance(b, Table) and b.caption == caption)


def texts(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows]


def headings(report: Report) -> list[str]:
    return [b.text for b in report.blocks if isinstance(b, Heading) and b.level == 1]


def paragraphs(report: Report) -> list[str]:
    return [b.text for b in report.blocks if isinstance(b, Paragraph)]


# --- Profile table -----------------------------------------------------------


def test_profile_after_response_rates(results: Results) -> None:
    assert headings(build(results))[:3] == [
        "Response rates",
        "Respondent profile",
        "Overall performance",
    ]


def test_profile_table_national(results: Results) -> None:
    sectors = table(build(results), "Sectors")
    assert sectors.header == (
        "Option",
        "Partners",
        "Share of partners",
        "Coordinators",
        "Share of coordinators",
    )
    assert texts(sectors) == [
        ["Health", "1", "50.0%", "0", "0.0%"],
        ["WASH", "2", "100.0%", "0", "0.0%"],
        ["Shelter", "0", "0.0%", "1", "100.0%"],
        ["Answered the question", "2", "", "1", ""],
    ]


def test_profile_table_french(results: Results) -> None:
    sectors = table(build(results, hub="Goma", language="fr"), "Secteurs")
    assert texts(sectors)[0] == ["Santé", "5", "100,0\xa0%", "0", "–"]


def test_profile_counts_numeric(results: Results) -> None:
    first = table(build(results), "Sectors").rows[0]
    assert [cell.numeric for cell in first] == [False, True, True, True, True]


def test_profile_partner_only_question(results: Results) -> None:
    questionnaire = sectors_questionnaire(instrument="partner")
    partner_results = score(sectors_responses(questionnaire=questionnaire))
    sectors = table(build(partner_results, questionnaire=questionnaire), "Sectors")
    assert sectors.header == ("Option", "Partners", "Share of partners")


def test_profile_nobody_answered(results: Results) -> None:
    rows = [["id-01", "", "partner", "", ""]]
    empty = score(sectors_responses(rows))
    report = build(empty)
    assert "No respondent answered this question." in paragraphs(report)
    assert not any(isinstance(b, Table) and b.caption == "Sectors" for b in report.blocks)


def test_profile_absent_without_question(results: Results) -> None:
    level = attrs.evolve(results.level(), selections=())
    assert profile_blocks(level, QUESTIONNAIRE) == []


def test_profile_unknown_question_codes(results: Results) -> None:
    other = sectors_questionnaire(code="areas")
    blocks = profile_blocks(results.level(), other, min_cell_size=1)
    sectors = next(b for b in blocks if isinstance(b, Table))
    assert sectors.caption == "sectors"
    assert [row[0].text for row in sectors.rows[:3]] == ["health", "wash", "shelter"]


def test_profile_invalid_cell_size(results: Results) -> None:
    with pytest.raises(DisclosureError, match="invalid minimum cell size 0"):
        profile_blocks(results.level(), QUESTIONNAIRE, min_cell_size=0)


# --- Suppression -------------------------------------------------------------


def test_suppression_few_partners(results: Results) -> None:
    # Two partners answered, so every split of them is below 3. Each partner count and
    # share, and the number who answered, are withheld, but the coordinator's stay.
    sectors = table(build(results, k=3), "Sectors")
    assert texts(sectors) == [
        ["Health", "withheld", "withheld", "0", "0.0%"],
        ["WASH", "withheld", "withheld", "0", "0.0%"],
        ["Shelter", "withheld", "withheld", "1", "100.0%"],
        ["Answered the question", "withheld", "", "1", ""],
    ]


def test_suppression_hub_splits(results: Results) -> None:
    # Five partners: health 5 of 5 is shown, wash 1 of 5 is withheld, and shelter 3 of 5
    # is withheld because 2 partners left it out.
    sectors = table(build(results, k=3, hub="Goma"), "Sectors")
    assert [row[1].text for row in sectors.rows] == ["5", "withheld", "withheld", "5"]
    assert [row[2].text for row in sectors.rows] == ["100.0%", "withheld", "withheld", ""]


def test_suppression_k_one_shows_all(results: Results) -> None:
    sectors = table(build(results, k=1, hub="Goma"), "Sectors")
    assert [row[1].text for row in sectors.rows] == ["5", "1", "3", "5"]


@pytest.mark.parametrize(
    ("respondents", "counts", "k", "expected"),
    [
        (10, (9, 2, 5, 0, 10), 3, SelectionSuppression((True, True, False, False, False), False)),
        (2, (1, 2, 0), 3, SelectionSuppression((True, True, True), True)),
        (2, (1, 2, 0), 2, SelectionSuppression((True, False, False), True)),
        (4, (1,), 3, SelectionSuppression((True,), False)),
        (0, (0, 0), 3, SelectionSuppression((False, False), False)),
        (1, (1,), 1, SelectionSuppression((False,), False)),
    ],
)
def test_selection_suppression_cases(
    respondents: int, counts: tuple[int, ...], k: int, expected: SelectionSuppression
) -> None:
    partner = OptionCounts(respondents, tuple((f"o{i}", c) for i, c in enumerate(counts)))
    assert selection_count_suppression(partner, k) == expected


def test_suppression_shares_follow_respondents(results: Results) -> None:
    # Two partners split one to one on health at k = 2, so the number who answered is
    # withheld. The share beside wash's shown count is withheld too, as it would reveal it.
    partner = OptionCounts(2, (("health", 1), ("wash", 2), ("shelter", 0)))
    nobody = OptionCounts(0, (("health", 0), ("wash", 0), ("shelter", 0)))
    counts = SelectionCounts("sectors", overall=partner, partner=partner, coordinator=nobody)
    level = attrs.evolve(results.level(), selections=(counts,))

    blocks = profile_blocks(level, QUESTIONNAIRE, min_cell_size=2)

    sectors = next(b for b in blocks if isinstance(b, Table))
    assert [row[1].text for row in sectors.rows] == ["withheld", "2", "0", "withheld"]
    assert [row[2].text for row in sectors.rows] == ["withheld", "withheld", "withheld", ""]


# --- Repeated submissions ----------------------------------------------------


def test_deduplication_table_english(results: Results) -> None:
    repeated = table(build(results), "Repeated submissions")
    assert texts(repeated) == [
        ["Rows before removing repeated submissions", "11"],
        ["Exact duplicates collapsed", "1"],
        ["Conflicting submissions superseded", "1"],
        ["Rows after removing repeated submissions", "9"],
    ]


def test_deduplication_rule_time_column(results: Results) -> None:
    rule = next(p for p in paragraphs(build(results)) if p.startswith("Rows with the same"))
    assert "column _uuid are one submission" in rule
    assert "latest time in the column _submission_time" in rule


def test_deduplication_rule_without_time() -> None:
    deduplication = Deduplication("uuid", None, 4, 3, 0, 1)
    rule = deduplication_blocks(deduplication)[0]
    assert isinstance(rule, Paragraph)
    assert "the last row in the file is kept" in rule.text


def test_deduplication_in_annex(results: Results) -> None:
    report = build(results)
    annex = next(i for i, b in enumerate(report.blocks) if b == Heading("Annex: data quality", 1))
    position = report.blocks.index(table(report, "Repeated submissions"))
    assert position > annex


def test_deduplication_no_submission_ids(results: Results) -> None:
    report = build(results)
    shown = " ".join(paragraphs(report))
    shown += " ".join(
        cell.text for b in report.blocks if isinstance(b, Table) for row in b.rows for cell in row
    )
    assert "id-0" not in shown


def test_deduplication_absent_without_id_column(results: Results) -> None:
    quality = attrs.evolve(results.quality, deduplication=None)
    report = build(attrs.evolve(results, quality=quality))
    assert not any(
        isinstance(b, Table) and b.caption == "Repeated submissions" for b in report.blocks
    )


def test_deduplication_table_arabic(results: Results) -> None:
    repeated = table(build(results, language="ar"), "الإرسالات المكررة")
    assert repeated.rows[0][0].text == "الصفوف قبل إزالة الإرسالات المكررة"
