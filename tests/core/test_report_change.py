"""Change since the previous exercise: values, band movements, level matching and report part."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.framework import SECTION_IDS, Status
from ccpm_core.report_builder import build_preliminary_report
from ccpm_core.report_change import (
    BandMovement,
    ComparisonError,
    band_movement,
    check_previous_exercise,
    compare_levels,
    compare_results,
)
from ccpm_core.report_model import Heading, Paragraph, Report, Table
from ccpm_core.results import Results
from ccpm_core.results_document import ExerciseInfo
from ccpm_core.scoring import score

QUESTIONNAIRE = small_questionnaire()


def partner(hub: str = "", **answers: str) -> dict[str, Any]:
    return {
        "instrument": "partner",
        "organisation_type": "international_ngo",
        "hub": hub,
        **answers,
    }


# Previous exercise. National: 1.1 at 2 of 4 (50 %, unsatisfactory), 1.2 at 3 of 4
# (75 %, satisfactory), 5 at 4 of 4 (100 %, good). Hub "NORTH": 1.1 at 100 %, 1.2 at 75 %,
# nothing in 5. Hub "West" exists only then.
PREVIOUS_ROWS: list[Mapping[str, Any]] = [
    *(partner(p111="2", p121="3", p51="4") for _ in range(3)),
    *(partner("NORTH", p111="4", p121="3") for _ in range(3)),
    *(partner("West", p111="1") for _ in range(3)),
]
# This exercise. National: 1.1 at 2.5 of 4 (62.5 %, satisfactory), 1.2 at 1 of 4 (25 %,
# weak), nothing in 5. Hub "North": 1.1 at 75 %, 1.2 at 75 %, 5 at 50 %. Hub "East" is new.
CURRENT_ROWS: list[Mapping[str, Any]] = [
    *(partner(p111="2", p121="1") for _ in range(2)),
    *(partner(p111="3", p121="1") for _ in range(2)),
    *(partner("North", p111="3", p121="3", p51="2") for _ in range(3)),
    *(partner("East", p111="0") for _ in range(3)),
]


def scored(rows: list[Mapping[str, Any]], strategy: str = "median") -> Results:
    return score(response_set(QUESTIONNAIRE, rows), strategy)


PREVIOUS = scored(PREVIOUS_ROWS)
CURRENT = scored(CURRENT_ROWS)
CHANGE = compare_results(CURRENT, PREVIOUS)


def report(hub: str | None = None, language: str = "en", previous: Results = PREVIOUS) -> Report:
    return build_preliminary_report(
        CURRENT, QUESTIONNAIRE, hub=hub, language=language, previous=previous
    )


def change_table(built: Report, level: str) -> Table:
    for block in built.blocks:
        if isinstance(block, Table) and block.caption == f"Section scores then and now: {level}":
            return block
    msg = f"no change table for {level!r}"
    raise AssertionError(msg)


def row_texts(table: Table, section: str) -> list[str]:
    return [cell.text for cell in next(row for row in table.rows if row[0].text == section)]


def paragraphs(built: Report) -> list[str]:
    return [block.text for block in built.blocks if isinstance(block, Paragraph)]


def test_national_points_rise() -> None:
    assert CHANGE.level(None).section("1.1").points == pytest.approx(12.5)  # type: ignore[union-attr]


def test_national_points_fall() -> None:
    assert CHANGE.level(None).section("1.2").points == pytest.approx(-50.0)  # type: ignore[union-attr]


def test_national_improved() -> None:
    assert CHANGE.level(None).section("1.1").movement is BandMovement.IMPROVED  # type: ignore[union-attr]


def test_national_fell() -> None:
    assert CHANGE.level(None).section("1.2").movement is BandMovement.FELL  # type: ignore[union-attr]


def test_no_data_now() -> None:
    change = CHANGE.level(None).section("5")  # type: ignore[union-attr]

    assert change.movement is BandMovement.NO_DATA_NOW
    assert change.points is None


def test_no_data_then() -> None:
    change = CHANGE.level("North").section("5")  # type: ignore[union-attr]

    assert change.movement is BandMovement.NO_DATA_THEN


def test_no_data_either() -> None:
    assert CHANGE.level(None).section("2.1").movement is BandMovement.NO_DATA_EITHER  # type: ignore[union-attr]


def test_same_band_unchanged() -> None:
    change = CHANGE.level("North").section("1.2")  # type: ignore[union-attr]

    assert change.movement is BandMovement.UNCHANGED
    assert change.points == pytest.approx(0.0)


def test_hub_matched_whatever_case() -> None:
    # "North" now, "NORTH" then: 75 % against 100 %, so the hub fell by 25 points.
    change = CHANGE.level("north")

    assert change is not None
    assert change.hub == "North"
    assert change.section("1.1").points == pytest.approx(-25.0)


def test_new_hubs_listed() -> None:
    assert CHANGE.new_hubs == ("East",)


def test_former_hubs_listed() -> None:
    assert CHANGE.former_hubs == ("West",)


def test_new_hub_not_compared() -> None:
    assert CHANGE.level("East") is None


def test_other_questionnaire_rejected() -> None:
    other = attrs.evolve(PREVIOUS, questionnaire_id="another")

    with pytest.raises(ComparisonError, match="'another'"):
        compare_results(CURRENT, other)


def test_missing_section_kept() -> None:
    level = PREVIOUS.level(None)
    without_5 = attrs.evolve(level, sections=tuple(s for s in level.sections if s.id != "5"))
    change = compare_levels(CURRENT.level(None), without_5).section("5")

    assert change.previous is None
    assert change.movement is BandMovement.NOT_IN_PREVIOUS


def test_section_missing_now_kept() -> None:
    level = CURRENT.level(None)
    without_11 = attrs.evolve(level, sections=tuple(s for s in level.sections if s.id != "1.1"))
    change = compare_levels(without_11, PREVIOUS.level(None)).section("1.1")

    assert change.current is None
    assert change.movement is BandMovement.NOT_IN_CURRENT


def test_sections_in_framework_order() -> None:
    ids = [change.section for change in CHANGE.level(None).sections]  # type: ignore[union-attr]

    assert ids == list(SECTION_IDS)


@pytest.mark.parametrize(
    ("previous", "current", "movement"),
    [
        (Status.WEAK, Status.UNSATISFACTORY, BandMovement.IMPROVED),
        (Status.SATISFACTORY, Status.GOOD, BandMovement.IMPROVED),
        (Status.GOOD, Status.WEAK, BandMovement.FELL),
        (Status.UNSATISFACTORY, Status.WEAK, BandMovement.FELL),
        (Status.GOOD, Status.GOOD, BandMovement.UNCHANGED),
        (Status.NO_DATA, Status.GOOD, BandMovement.NO_DATA_THEN),
        (Status.WEAK, Status.NO_DATA, BandMovement.NO_DATA_NOW),
        (Status.NO_DATA, Status.NO_DATA, BandMovement.NO_DATA_EITHER),
    ],
)
def test_band_movement_table(previous: Status, current: Status, movement: BandMovement) -> None:
    assert band_movement(previous, current) is movement


@given(st.sampled_from(list(Status)), st.sampled_from(list(Status)))
def test_band_movement_reverses(first: Status, second: Status) -> None:
    mirrored = {
        BandMovement.IMPROVED: BandMovement.FELL,
        BandMovement.FELL: BandMovement.IMPROVED,
        BandMovement.UNCHANGED: BandMovement.UNCHANGED,
        BandMovement.NO_DATA_THEN: BandMovement.NO_DATA_NOW,
        BandMovement.NO_DATA_NOW: BandMovement.NO_DATA_THEN,
        BandMovement.NO_DATA_EITHER: BandMovement.NO_DATA_EITHER,
    }

    assert band_movement(second, first) is mirrored[band_movement(first, second)]


# The report part


def test_national_row_texts() -> None:
    row = row_texts(change_table(report(), "National"), "1.1")

    assert row == ["1.1", "50.0%", "Unsatisfactory", "62.5%", "Satisfactory", "+12.5", "Improved"]


def test_fall_uses_minus_sign() -> None:
    row = row_texts(change_table(report(), "National"), "1.2")

    assert row[5] == "\u221250.0"
    assert row[6] == "Fell"


def test_no_data_now_row() -> None:
    row = row_texts(change_table(report(), "National"), "5")

    assert row[3:] == ["–", "No data", "–", "No data now"]


def test_status_cells_carry_status() -> None:
    row = next(r for r in change_table(report(), "National").rows if r[0].text == "1.1")

    assert row[2].status is Status.UNSATISFACTORY
    assert row[4].status is Status.SATISFACTORY


def test_national_report_shows_hub_table() -> None:
    row = row_texts(change_table(report(), "North"), "1.1")

    assert row[5] == "\u221225.0"


def test_national_report_names_new_hub() -> None:
    assert "Hubs without previous results: East." in paragraphs(report())


def test_national_report_names_former_hub() -> None:
    assert "Hubs in the previous results only: West." in paragraphs(report())


def test_hub_report_own_level_only() -> None:
    built = report("North")
    captions = [b.caption for b in built.blocks if isinstance(b, Table)]

    assert "Section scores then and now: North" in captions
    assert "Section scores then and now: National" not in captions


def test_hub_report_without_previous_hub() -> None:
    texts = paragraphs(report("East"))

    assert "The previous results have no hub East, so this hub cannot be compared." in texts


def test_part_absent_without_previous() -> None:
    built = build_preliminary_report(CURRENT, QUESTIONNAIRE)

    assert "Change since the previous exercise" not in built.headings(1)


def test_part_heading_present() -> None:
    assert "Change since the previous exercise" in report().headings(1)


def test_part_before_function_review() -> None:
    headings = report().headings(1)

    assert headings.index("Change since the previous exercise") < headings.index(
        "Function 1: Supporting service delivery"
    )


def test_version_note() -> None:
    texts = paragraphs(report(previous=attrs.evolve(PREVIOUS, questionnaire_version="0.9")))

    assert any("version 0.9 of questionnaire small" in text for text in texts)


def test_no_version_note_same_version() -> None:
    assert not any("of questionnaire small" in text for text in paragraphs(report()))


def test_method_note() -> None:
    texts = paragraphs(report(previous=scored(PREVIOUS_ROWS, "mean-of-item-means")))

    assert any("scored as mean of item means" in text for text in texts)


def test_missing_section_row() -> None:
    level = PREVIOUS.level(None)
    without_5 = attrs.evolve(level, sections=tuple(s for s in level.sections if s.id != "5"))
    previous = attrs.evolve(PREVIOUS, levels=(without_5, *PREVIOUS.levels[1:]))
    row = row_texts(change_table(report(previous=previous), "National"), "5")

    assert row[1:3] == ["–", "–"]
    assert row[6] == "Not in the previous results"


def test_heading_level_two_per_level() -> None:
    levels = [b.text for b in report().blocks if isinstance(b, Heading) and b.level == 2]

    assert "North" in levels


@pytest.mark.parametrize(
    ("language", "header", "caption"),
    [
        ("fr", "Changement de niveau", "Scores des sections, alors et maintenant : National"),
        ("es", "Cambio de nivel", "Puntuaciones de las secciones, entonces y ahora: Nacional"),
        ("ar", "تغيّر الفئة", "درجات الأقسام آنذاك والآن: الوطني"),
    ],
)
def test_header_translated(language: str, header: str, caption: str) -> None:
    built = build_preliminary_report(CURRENT, QUESTIONNAIRE, language=language, previous=PREVIOUS)
    table = next(b for b in built.blocks if isinstance(b, Table) and b.caption == caption)

    assert table.header[6] == header


def test_french_points_comma() -> None:
    built = build_preliminary_report(CURRENT, QUESTIONNAIRE, language="fr", previous=PREVIOUS)
    caption = "Scores des sections, alors et maintenant : National"
    table = next(b for b in built.blocks if isinstance(b, Table) and b.caption == caption)

    assert row_texts(table, "1.1")[5] == "+12,5"
    assert row_texts(table, "1.1")[6] == "En progrès"


def test_same_results_unchanged() -> None:
    movements = {
        change.movement
        for level in compare_results(CURRENT, CURRENT).levels
        for change in level.sections
    }

    assert movements == {BandMovement.UNCHANGED, BandMovement.NO_DATA_EITHER}


# Which exercise the previous results are, and results given twice.

CHAD_2025 = ExerciseInfo(id="chad-health-2025", cluster="Health", country="Chad", year=2025)


def test_identical_results_flagged() -> None:
    assert compare_results(CURRENT, CURRENT).identical


def test_different_results_not_identical() -> None:
    assert not CHANGE.identical


def test_extra_level_not_identical() -> None:
    fewer = attrs.evolve(CURRENT, levels=CURRENT.levels[:1])

    assert not compare_results(CURRENT, fewer).identical


def test_other_counts_not_identical() -> None:
    national = attrs.evolve(CURRENT.levels[0], coordinators=5)
    changed = attrs.evolve(CURRENT, levels=(national, *CURRENT.levels[1:]))

    assert not compare_results(CURRENT, changed).identical


def test_identical_note_in_report() -> None:
    texts = paragraphs(report(previous=CURRENT))

    assert any(text.startswith("The previous results are identical to these") for text in texts)


def test_no_identical_note_otherwise() -> None:
    assert not any("identical" in text for text in paragraphs(report()))


def test_exercise_carried_into_change() -> None:
    change = compare_results(CURRENT, PREVIOUS, CHAD_2025)

    assert change.previous_exercise == CHAD_2025


def exercise_report(exercise: ExerciseInfo | None, language: str = "en") -> list[str]:
    built = build_preliminary_report(
        CURRENT, QUESTIONNAIRE, language=language, previous=PREVIOUS, previous_exercise=exercise
    )
    return paragraphs(built)


def test_previous_exercise_named() -> None:
    expected = (
        "The previous results are those of exercise chad-health-2025: cluster Health "
        "in Chad, 2025."
    )

    assert expected in exercise_report(CHAD_2025)


def test_previous_survey_date_named() -> None:
    dated = attrs.evolve(CHAD_2025, survey_date=dt.date(2025, 3, 14))
    expected = (
        "The previous results are those of exercise chad-health-2025: cluster Health "
        "in Chad, surveyed on 2025-03-14."
    )

    assert expected in exercise_report(dated)


def test_previous_exercise_named_french() -> None:
    dated = attrs.evolve(CHAD_2025, survey_date=dt.date(2025, 3, 14))
    expected = (
        "Les résultats précédents sont ceux de l’exercice chad-health-2025 : cluster "
        "Health, Chad, enquête du 14 mars 2025."
    )

    assert expected in exercise_report(dated, "fr")


def test_unnamed_previous_exercise_said() -> None:
    texts = exercise_report(None)

    assert any(text.startswith("The previous results do not say which exercise") for text in texts)


def test_check_same_exercise_passes() -> None:
    check_previous_exercise(CHAD_2025, " health ", "CHAD", dt.date(2026, 1, 5))


def test_check_without_exercise_passes() -> None:
    check_previous_exercise(None, "WASH", "Syria", dt.date(2000, 1, 1))


def test_check_empty_cover_passes() -> None:
    check_previous_exercise(CHAD_2025, "", "", None)


def test_check_other_cluster_rejected() -> None:
    with pytest.raises(ComparisonError) as raised:
        check_previous_exercise(CHAD_2025, "WASH", "Chad", dt.date(2026, 1, 5))

    message = str(raised.value)
    assert "cluster 'Health' (exercise 'chad-health-2025')" in message
    assert "this report of cluster 'WASH'" in message
    assert "give the previous results of the same cluster" in message


def test_check_other_country_rejected() -> None:
    with pytest.raises(ComparisonError) as raised:
        check_previous_exercise(CHAD_2025, "Health", "South Sudan", dt.date(2026, 1, 5))

    message = str(raised.value)
    assert "country 'Chad'" in message
    assert "country 'South Sudan'" in message


def test_check_later_year_rejected() -> None:
    with pytest.raises(ComparisonError) as raised:
        check_previous_exercise(CHAD_2025, "Health", "Chad", dt.date(2024, 12, 31))

    message = str(raised.value)
    assert "ran in 2025" in message
    assert "report date 2024-12-31" in message


def test_check_later_survey_date_rejected() -> None:
    dated = attrs.evolve(CHAD_2025, survey_date=dt.date(2025, 6, 2))

    with pytest.raises(ComparisonError) as raised:
        check_previous_exercise(dated, "Health", "Chad", dt.date(2025, 6, 1))

    message = str(raised.value)
    assert "surveyed on 2025-06-02" in message
    assert "report date 2025-06-01" in message


def test_check_same_year_without_date_passes() -> None:
    check_previous_exercise(CHAD_2025, "Health", "Chad", dt.date(2025, 1, 1))


def test_check_survey_on_report_date_passes() -> None:
    dated = attrs.evolve(CHAD_2025, survey_date=dt.date(2025, 6, 1))

    check_previous_exercise(dated, "Health", "Chad", dt.date(2025, 6, 1))
