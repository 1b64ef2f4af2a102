"""Scoring strategies, status bands and response rates, on cases computed by hand."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.errors import ScoringError
from ccpm_core.framework import SECTION_IDS, Status
from ccpm_core.scoring import STRATEGIES, classify, score

QUESTIONNAIRE = small_questionnaire()

# The worked example: section 1.2 with partners A, B, C and one coordinator.
PARTNER_A = {"instrument": "partner", "p121": "3", "p122": "99", "p123": "4"}
PARTNER_B = {"instrument": "partner", "p121": "2", "p122": "2", "p123": "1"}
PARTNER_C = {"instrument": "partner", "p121": "9999", "p122": "9999"}
COORDINATOR = {"instrument": "coordinator", "c121": "4", "c122": "3", "c123": "4"}
PARTNER_D = {"instrument": "partner", "p121": "1", "p122": "1", "p123": "2"}


def test_classify_band_boundaries() -> None:
    assert classify(0) is Status.WEAK
    assert classify(25) is Status.WEAK
    assert classify(Fraction(2501, 100)) is Status.UNSATISFACTORY
    assert classify(50) is Status.UNSATISFACTORY
    assert classify(50.01) is Status.SATISFACTORY
    assert classify(75) is Status.SATISFACTORY
    assert classify(Fraction(7501, 100)) is Status.GOOD
    assert classify(100) is Status.GOOD


def test_classify_float_error_at_75() -> None:
    assert classify(75.00000000000001) is Status.SATISFACTORY
    assert classify(74.99999999999999) is Status.SATISFACTORY
    assert classify(75.0001) is Status.GOOD


def test_classify_none_is_no_data() -> None:
    assert classify(None) is Status.NO_DATA


def test_median_worked_example_odd() -> None:
    responses = response_set(QUESTIONNAIRE, [PARTNER_A, PARTNER_B, PARTNER_C, COORDINATOR])

    section = score(responses).level().section("1.2").overall

    # Respondent means 3.5, 5/3 and 11/3; partner C has no scored answer.
    assert section.value == 3.5
    assert section.percent == 87.5
    assert section.status is Status.GOOD
    assert section.n == 3


def test_median_worked_example_even() -> None:
    rows = [PARTNER_A, PARTNER_B, PARTNER_C, COORDINATOR, PARTNER_D]
    section = score(response_set(QUESTIONNAIRE, rows)).level().section("1.2").overall

    # Means 4/3, 5/3, 3.5, 11/3: median (5/3 + 7/2) / 2 = 31/12, never rounded to 2.58.
    assert section.value == pytest.approx(31 / 12)
    assert section.percent == pytest.approx(31 / 12 * 25)
    assert section.status is Status.SATISFACTORY
    assert section.n == 4


def test_mean_of_item_means_worked_example() -> None:
    responses = response_set(QUESTIONNAIRE, [PARTNER_A, PARTNER_B, PARTNER_C, COORDINATOR])

    section = score(responses, "mean-of-item-means").level().section("1.2").overall

    # Item 1.2.1: (3 + 2 + 4) / 3 = 3; 1.2.2: (2 + 3) / 2 = 2.5; 1.2.3: (4 + 1 + 4) / 3 = 3.
    assert section.value == pytest.approx(8.5 / 3)
    assert section.percent == pytest.approx(8.5 / 3 * 25)
    assert section.status is Status.SATISFACTORY
    assert section.n == 3


def test_partner_and_coordinator_side_by_side() -> None:
    responses = response_set(QUESTIONNAIRE, [PARTNER_A, PARTNER_B, PARTNER_C, COORDINATOR])

    section = score(responses).level().section("1.2")

    # Partners alone: means 3.5 and 5/3, median 31/12. The coordinator alone: 11/3.
    assert section.partner.value == pytest.approx(31 / 12)
    assert section.partner.n == 2
    assert section.coordinator.value == pytest.approx(11 / 3)
    assert section.coordinator.n == 1


def test_partners_only_leaves_coordinator_out() -> None:
    responses = response_set(QUESTIONNAIRE, [PARTNER_A, PARTNER_B, COORDINATOR])

    section = score(responses, partners_only=True).level().section("1.2")

    assert section.overall.value == pytest.approx(31 / 12)
    assert section.overall.n == 2
    assert section.coordinator.n == 1


def test_specials_are_never_zero() -> None:
    rows = [{"instrument": "partner", "p121": "4", "p122": "99", "p123": "999"}]

    section = score(response_set(QUESTIONNAIRE, rows)).level().section("1.2").overall

    assert section.value == 4
    assert section.status is Status.GOOD


def test_section_without_answers_is_no_data() -> None:
    rows = [{"instrument": "partner", "p121": "9999", "p122": "99", "p123": ""}]

    level = score(response_set(QUESTIONNAIRE, rows)).level()

    assert level.section("1.2").overall.status is Status.NO_DATA
    assert level.section("1.2").overall.percent is None
    assert level.section("1.2").overall.n == 0
    assert level.section("2.1").overall.status is Status.NO_DATA


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (("3", "3"), Status.SATISFACTORY),  # exactly 75
        (("2", "2"), Status.UNSATISFACTORY),  # exactly 50
        (("1", "1"), Status.WEAK),  # exactly 25
        (("3", "4"), Status.GOOD),  # 87.5
        (("0", "0"), Status.WEAK),  # 0
    ],
)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_status_at_band_boundaries(
    answers: tuple[str, str], expected: Status, strategy: str
) -> None:
    rows = [{"instrument": "partner", "p121": a, "p122": a} for a in answers]

    section = score(response_set(QUESTIONNAIRE, rows), strategy).level().section("1.2").overall

    assert section.status is expected


def test_exact_75_survives_float_error() -> None:
    # Item means 5/3, 3, 4 and 10/3 average exactly 3 (75%), but the float sum
    # of those means gives 75.00000000000001.
    rows = [
        {"instrument": "partner", "p111": "2", "p112": "3", "p113": "4", "p114": "4"},
        {"instrument": "partner", "p111": "2", "p114": "3"},
        {"instrument": "partner", "p111": "1", "p114": "3"},
    ]
    assert (5 / 3 + 3 + 4 + 10 / 3) / 4 * 25 > 75

    section = score(response_set(QUESTIONNAIRE, rows), "mean-of-item-means").level().section("1.1")

    assert section.overall.status is Status.SATISFACTORY
    assert section.overall.percent == pytest.approx(75)


def test_exact_50_survives_float_error() -> None:
    # Item means 1, 10/3 and 5/3 average exactly 2 (50%); floats give 50.000000000000014.
    rows = [
        {"instrument": "partner", "p111": "1", "p112": "4", "p113": "2"},
        {"instrument": "partner", "p112": "3", "p113": "2"},
        {"instrument": "partner", "p112": "3", "p113": "1"},
    ]

    section = score(response_set(QUESTIONNAIRE, rows), "mean-of-item-means").level().section("1.1")

    assert section.overall.status is Status.UNSATISFACTORY


def test_function_score_pools_its_sections() -> None:
    rows = [
        {"instrument": "partner", "p111": "4", "p121": "2"},
        {"instrument": "partner", "p111": "4", "p121": "4"},
    ]

    function = score(response_set(QUESTIONNAIRE, rows)).level().function(1).overall

    # Respondent means over function 1: (4 + 2) / 2 = 3 and 4; median 3.5.
    assert function.value == 3.5
    assert function.n == 2


def test_item_scores() -> None:
    rows = [
        {"instrument": "partner", "p121": "1"},
        {"instrument": "partner", "p121": "2"},
        {"instrument": "coordinator", "c121": "4"},
    ]

    item = score(response_set(QUESTIONNAIRE, rows)).level().item("1.2.1")

    assert item.overall.value == 2
    assert item.partner.value == 1.5
    assert item.coordinator.value == 4


def test_levels_are_separate() -> None:
    rows = [
        {"instrument": "partner", "p121": "4"},
        {"instrument": "partner", "hub": "North", "p121": "0"},
        {"instrument": "partner", "hub": "East", "p121": "2"},
    ]

    results = score(response_set(QUESTIONNAIRE, rows))

    assert results.hubs == [None, "East", "North"]
    assert results.level().section("1.2").overall.value == 4
    assert results.level("North").section("1.2").overall.value == 0
    assert results.level("East").section("1.2").overall.value == 2


def test_unknown_level_lists_known_ones() -> None:
    results = score(response_set(QUESTIONNAIRE, [PARTNER_A]))

    with pytest.raises(KeyError, match="national"):
        results.level("Nowhere")


def test_unknown_strategy_rejected() -> None:
    with pytest.raises(ScoringError, match="mean-of-item-means"):
        score(response_set(QUESTIONNAIRE, [PARTNER_A]), "average")


def test_answer_distribution() -> None:
    responses = response_set(QUESTIONNAIRE, [PARTNER_A, PARTNER_B, PARTNER_C, COORDINATOR])

    distribution = dict(score(responses).level().distribution("p122").counts)

    assert distribution["2"] == 1
    assert distribution["99"] == 1
    assert distribution["9999"] == 1
    assert distribution["0"] == 0


def test_response_rates_by_type() -> None:
    rows = [
        {"instrument": "partner", "organisation_type": "international_ngo"},
        {"instrument": "partner", "organisation_type": "international_ngo"},
        {"instrument": "partner", "organisation_type": "international_ngo"},
        {"instrument": "partner", "organisation_type": "national_ngo"},
        {"instrument": "partner"},
        {
            "instrument": "coordinator",
            "c_orgs_international_ngo": "10",
            "c_attending_international_ngo": "5",
            "c_orgs_national_ngo": "4",
            "c_attending_national_ngo": "2",
        },
    ]

    rates = score(response_set(QUESTIONNAIRE, rows)).level().rates
    by_type = {t.organisation_type: t for t in rates.by_type}

    assert rates.overall.responses == 5
    assert rates.overall.base == 14
    assert rates.overall.percent == pytest.approx(500 / 14)
    assert rates.effective.percent == pytest.approx(500 / 7)
    assert by_type["international_ngo"].overall.percent == pytest.approx(30)
    assert by_type["international_ngo"].effective.percent == pytest.approx(60)
    assert by_type["national_ngo"].overall.percent == pytest.approx(25)
    assert by_type["national_ngo"].effective.percent == pytest.approx(50)
    assert rates.partners_without_type == 1
    assert rates.coordinators_reporting == 1


def test_total_rate_needs_every_answering_type() -> None:
    rows = [
        {"instrument": "partner", "organisation_type": "international_ngo"},
        {"instrument": "partner", "organisation_type": "national_ngo"},
        {"instrument": "coordinator", "c_orgs_international_ngo": "2"},
    ]

    rates = score(response_set(QUESTIONNAIRE, rows)).level().rates

    # National NGOs answered but were not counted, so 2 / 2 would overstate the total.
    assert rates.types_without_count == ("national_ngo",)
    assert rates.overall.base is None
    assert rates.overall.percent is None
    assert rates.by_type[0].overall.percent == 50


def test_rates_above_base_listed_per_type() -> None:
    rows = [
        {"instrument": "partner", "organisation_type": "national_ngo"},
        {"instrument": "partner", "organisation_type": "national_ngo"},
        {
            "instrument": "coordinator",
            "c_orgs_national_ngo": "1",
            "c_orgs_international_ngo": "9",
        },
    ]

    rates = score(response_set(QUESTIONNAIRE, rows)).level().rates

    assert rates.types_above_base == ("national_ngo",)
    assert not rates.overall.exceeds_base


def test_response_rates_without_counts() -> None:
    rates = score(response_set(QUESTIONNAIRE, [PARTNER_A])).level().rates

    assert rates.overall.base is None
    assert rates.overall.percent is None
    assert rates.coordinators_reporting == 0


def test_response_rate_above_base_flagged() -> None:
    rows = [
        {"instrument": "partner", "organisation_type": "national_ngo"},
        {"instrument": "partner", "organisation_type": "national_ngo"},
        {"instrument": "coordinator", "c_orgs_national_ngo": "3", "c_attending_national_ngo": "1"},
    ]

    rates = score(response_set(QUESTIONNAIRE, rows)).level().rates

    assert rates.effective.exceeds_base
    assert not rates.overall.exceeds_base


def test_results_document_shape() -> None:
    document = score(response_set(QUESTIONNAIRE, [PARTNER_A, COORDINATOR])).to_dict()

    assert document["schema"] == "ccpm.results/1"
    assert document["strategy"] == "median"
    assert document["levels"][0]["hub"] is None
    assert document["levels"][0]["respondents"] == {"partner": 1, "coordinator": 1}
    assert [s["id"] for s in document["levels"][0]["sections"]] == list(SECTION_IDS)
    assert set(document["levels"][0]["sections"][0]) >= {"id", "score", "status", "n"}
    assert document["data_quality"]["rows_read"] == 2


def test_results_frame_is_tidy() -> None:
    frame = score(response_set(QUESTIONNAIRE, [PARTNER_A, COORDINATOR])).to_frame()

    assert list(frame.columns) == [
        "hub",
        "level",
        "unit",
        "id",
        "pool",
        "value",
        "score",
        "status",
        "n",
    ]
    section_rows = frame[(frame.unit == "section") & (frame.pool == "all")]
    assert len(section_rows) == 13
    # Means 3.5 and 11/3: median 43/12, so 43/12 * 25 percent.
    section_1_2 = section_rows[section_rows.id == "1.2"]
    assert section_1_2["score"].item() == pytest.approx(43 / 12 * 25)


answer_codes = st.sampled_from(["", "0", "1", "2", "3", "4", "99", "999", "9999"])
respondent_rows = st.fixed_dictionaries(
    {
        "instrument": st.sampled_from(["partner", "coordinator"]),
        "hub": st.sampled_from(["", "North", "South"]),
        "p111": answer_codes,
        "p112": answer_codes,
        "p121": answer_codes,
        "p122": answer_codes,
        "c121": answer_codes,
        "c123": answer_codes,
        "p51": answer_codes,
    }
)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(respondent_rows, min_size=1, max_size=25), seed=st.randoms())
def test_results_ignore_row_order(rows: list[dict[str, str]], seed: object) -> None:
    shuffled = list(rows)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]

    for strategy in STRATEGIES:
        original = score(response_set(QUESTIONNAIRE, rows), strategy).to_dict()
        reordered = score(response_set(QUESTIONNAIRE, shuffled), strategy).to_dict()
        assert original == reordered


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(respondent_rows, min_size=1, max_size=25))
def test_scores_stay_within_range(rows: list[dict[str, str]]) -> None:
    for strategy in STRATEGIES:
        frame = score(response_set(QUESTIONNAIRE, rows), strategy).to_frame()
        scored = frame["score"].dropna()
        assert (scored >= 0).all()
        assert (scored <= 100).all()
        no_data = frame[frame["status"] == "no_data"]
        assert no_data["score"].isna().all()
        assert not math.isnan(frame["n"].sum())


def test_level_found_whatever_the_case() -> None:
    rows = [{"instrument": "partner", "hub": "Coastal hub", "p121": "3"}]
    results = score(response_set(QUESTIONNAIRE, rows))

    assert results.level("coastal  HUB").hub == "Coastal hub"
