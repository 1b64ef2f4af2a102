"""Response-count snapshots, the change between two, and the weekly progress note."""

from __future__ import annotations

import datetime as dt

import pytest
from exercise_fixtures import CREATED, make_exercise
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.errors import InputError
from ccpm_core.exercise import Exercise, Schedule, Stage
from ccpm_core.exercise_errors import ExerciseError
from ccpm_core.lifecycle import advance
from ccpm_core.progress import survey_progress
from ccpm_core.progress_note import build_progress_note
from ccpm_core.report_model import BulletList, Paragraph, Table
from ccpm_core.survey_snapshots import ProgressSnapshot, compare_snapshots, snapshot_before

QUESTIONNAIRE = small_questionnaire()
OPENED = CREATED + dt.timedelta(days=1)
COORDINATOR = {
    "instrument": "coordinator",
    "c_orgs_international_ngo": "10",
    "c_orgs_national_ngo": "10",
}


def partners(international: int, national: int, hub: str | None = None) -> list[dict[str, str]]:
    rows = [{"instrument": "partner", "organisation_type": "international_ngo"}] * international
    rows += [{"instrument": "partner", "organisation_type": "national_ngo"}] * national
    return [{**row, "hub": hub or ""} for row in rows]


def snapshot(taken_at: dt.datetime, rows: list[dict[str, str]]) -> ProgressSnapshot:
    progress = survey_progress(response_set(QUESTIONNAIRE, rows))
    return ProgressSnapshot(taken_at=taken_at, groups=(progress,))


def open_survey() -> Exercise:
    schedule = Schedule(survey_open=OPENED.date(), survey_close=dt.date(2026, 11, 20))
    return advance(make_exercise(schedule=schedule), Stage.SURVEY, at=OPENED, by="Jean")


FIRST = snapshot(OPENED + dt.timedelta(days=2), [*partners(2, 1), COORDINATOR])
SECOND = snapshot(OPENED + dt.timedelta(days=9), [*partners(5, 3), COORDINATOR])


def test_snapshot_round_trip() -> None:
    assert ProgressSnapshot.from_dict(SECOND.to_dict()) == SECOND


def test_snapshot_counts_main_group() -> None:
    assert SECOND.responses == 9


def test_snapshot_responses_of_hub() -> None:
    counted = snapshot(OPENED, [*partners(2, 1), *partners(1, 0, "East")])

    assert counted.responses_of(None) == 4
    assert counted.responses_of("East") == 1
    assert counted.responses_of("West") == 0


def test_snapshot_rejects_other_document() -> None:
    with pytest.raises(InputError, match=r"expected 'ccpm\.progress-snapshot/1'"):
        ProgressSnapshot.from_dict({"schema": "ccpm.results/1"})


def test_snapshot_rejects_malformed_document() -> None:
    broken = SECOND.to_dict()
    del broken["groups"][0]["levels"][0]["partners"]

    with pytest.raises(InputError, match="incomplete or malformed"):
        ProgressSnapshot.from_dict(broken)


def test_compare_counts_change_by_type() -> None:
    change = compare_snapshots(SECOND, FIRST)
    national = change.levels[0]

    assert change.responses_change == 5
    assert national.partners == 8
    assert national.partners_change == 5
    assert national.coordinators_change == 0
    assert [(t.organisation_type, t.partners, t.change) for t in national.by_type] == [
        ("international_ngo", 5, 3),
        ("national_ngo", 3, 2),
    ]


def test_compare_rate_change_in_points() -> None:
    national = compare_snapshots(SECOND, FIRST).levels[0]

    assert national.overall_rate == 40.0
    assert national.overall_rate_change == 25.0


def test_compare_without_earlier_counts_everything_new() -> None:
    change = compare_snapshots(FIRST, None)

    assert change.responses_change == 4
    assert change.levels[0].overall_rate_change is None


def test_compare_new_hub_counts_from_zero() -> None:
    later = snapshot(OPENED + dt.timedelta(days=9), [*partners(2, 1), *partners(1, 0, "East")])

    change = compare_snapshots(later, FIRST)

    assert [level.hub for level in change.levels] == [None, "East"]
    assert change.levels[1].partners_change == 1


def test_snapshot_before_picks_latest_not_after() -> None:
    assert snapshot_before([FIRST, SECOND], SECOND.taken_at) is SECOND
    assert snapshot_before([SECOND, FIRST], SECOND.taken_at - dt.timedelta(seconds=1)) is FIRST
    assert snapshot_before([FIRST], FIRST.taken_at - dt.timedelta(days=1)) is None


def test_note_compares_with_count_a_week_before() -> None:
    note = build_progress_note(open_survey(), [FIRST, SECOND], SECOND.taken_at)
    paragraphs = [block.text for block in note.blocks if isinstance(block, Paragraph)]

    assert "Count of 2026-11-12 09:00 UTC: 8 partner responses and 1 coordinator responses." in (
        paragraphs
    )
    assert "Change since the count of 2026-11-05 09:00 UTC: +5 responses." in paragraphs


def test_note_level_table() -> None:
    note = build_progress_note(open_survey(), [FIRST, SECOND], SECOND.taken_at)
    table = next(block for block in note.blocks if isinstance(block, Table))

    assert [cell.text for cell in table.rows[0]] == [
        "National",
        "8",
        "+5",
        "1",
        "+0",
        "40.0%",
        "+25.0",
        "–",
    ]


def test_note_type_labels_from_questionnaire() -> None:
    note = build_progress_note(
        open_survey(), [FIRST, SECOND], SECOND.taken_at, questionnaire=QUESTIONNAIRE
    )
    tables = [block for block in note.blocks if isinstance(block, Table)]

    assert [row[1].text for row in tables[1].rows] == ["International NGO", "National NGO"]


def test_note_within_first_week_counts_all_as_new() -> None:
    note = build_progress_note(open_survey(), [FIRST, SECOND], FIRST.taken_at)
    paragraphs = [block.text for block in note.blocks if isinstance(block, Paragraph)]

    assert any(
        "every response is counted as new since 2026-11-03 09:00 UTC" in p for p in paragraphs
    )


def test_note_warns_past_planned_close() -> None:
    late = snapshot(dt.datetime(2026, 11, 23, tzinfo=dt.UTC), partners(5, 3))

    note = build_progress_note(open_survey(), [FIRST, late], late.taken_at)
    warnings = [block for block in note.blocks if isinstance(block, BulletList)]

    assert len(warnings) == 1
    assert "3 days after its planned close on 2026-11-20" in warnings[0].items[0]


def test_note_cover() -> None:
    note = build_progress_note(open_survey(), [FIRST], FIRST.taken_at)

    assert note.cover.title == "CCPM survey progress note"
    assert note.cover.survey_period == "open since 2026-11-03, planned close 2026-11-20"


def test_note_needs_a_count() -> None:
    with pytest.raises(ExerciseError, match="has no response count taken by"):
        build_progress_note(open_survey(), [SECOND], FIRST.taken_at)
