"""Exercise records and their stage changes: every lifecycle rule, with its error."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from exercise_fixtures import CREATED, LINK, empty_plan, make_exercise

from ccpm_core.action_plan import ActionStatus
from ccpm_core.exercise import Exercise, Schedule, Stage, Trigger, TriggerKind, new_exercise
from ccpm_core.exercise_errors import ExerciseError, TransitionError
from ccpm_core.framework import Status
from ccpm_core.lifecycle import advance, next_stage

LATER = CREATED + dt.timedelta(days=3)
WEAK_22 = {"2.2": Status.WEAK, "5": Status.UNSATISFACTORY}


def test_new_exercise_starts_in_planning() -> None:
    exercise = make_exercise()

    assert exercise.stage is Stage.PLANNING
    assert exercise.level == "national"
    assert exercise.created_at == CREATED
    assert exercise.transitions[0].source is None
    assert exercise.transitions[0].by == "Amina"


def test_new_exercise_trims_and_drops_blank_focal_points() -> None:
    exercise = new_exercise(
        " Health ",
        "Chad",
        Trigger(TriggerKind.PROTRACTED_CRISIS),
        at=CREATED,
        by="Amina",
        focal_points=(" Jean ", "  "),
    )

    assert exercise.cluster == "Health"
    assert exercise.focal_points == ("Jean",)


def test_new_exercise_rejects_naive_time() -> None:
    with pytest.raises(ExerciseError, match="no timezone"):
        make_exercise(at=dt.datetime(2026, 11, 2, 9, 0))


def test_new_exercise_converts_offset_to_utc() -> None:
    offset = dt.timezone(dt.timedelta(hours=3))
    exercise = make_exercise(at=dt.datetime(2026, 11, 2, 12, 0, tzinfo=offset))

    assert exercise.created_at == CREATED
    assert exercise.created_at.tzinfo is dt.UTC


def test_hub_exercise_needs_national_link() -> None:
    with pytest.raises(ExerciseError, match="linked to its national exercise"):
        new_exercise(
            "Health", "Chad", Trigger(TriggerKind.PROTRACTED_CRISIS), at=CREATED, by="A", hub="East"
        )


def test_hub_exercise_with_national_link() -> None:
    exercise = new_exercise(
        "Health",
        "Chad",
        Trigger(TriggerKind.PROTRACTED_CRISIS),
        at=CREATED,
        by="A",
        hub="East",
        national_id=3,
    )

    assert exercise.level == "East"
    assert exercise.national_id == 3


def test_empty_cluster_rejected() -> None:
    with pytest.raises(ExerciseError, match="cluster"):
        new_exercise(" ", "Chad", Trigger(TriggerKind.PROTRACTED_CRISIS), at=CREATED, by="A")


def test_trigger_needs_onset_for_emergency() -> None:
    with pytest.raises(ExerciseError, match="onset"):
        Trigger(TriggerKind.NEW_EMERGENCY)


def test_trigger_needs_date_for_weakening() -> None:
    with pytest.raises(ExerciseError, match="confirmed"):
        Trigger(TriggerKind.CONFIRMED_WEAKENING)


def test_schedule_dates_must_be_in_order() -> None:
    with pytest.raises(ExerciseError, match="survey close date 2026-11-01 is before"):
        Schedule(survey_open=dt.date(2026, 11, 5), survey_close=dt.date(2026, 11, 1))


def test_survey_link_must_be_web_address() -> None:
    with pytest.raises(ExerciseError, match="not a web address"):
        make_exercise(link="survey.example.org/x")


def test_stage_outputs() -> None:
    assert Stage.PLANNING.output == "decision to implement"
    assert Stage.SURVEY.output == "preliminary report"
    assert Stage.ANALYSIS.output == "final report and action plan"
    assert Stage.FOLLOW_UP.output == "quarterly progress reports"


def test_next_stage_order() -> None:
    assert next_stage(Stage.PLANNING) is Stage.SURVEY
    assert next_stage(Stage.FOLLOW_UP) is Stage.CLOSED
    assert next_stage(Stage.CLOSED) is None


def test_survey_opens_with_link() -> None:
    exercise = advance(make_exercise(), Stage.SURVEY, at=LATER, by="Jean", note="Launched")

    assert exercise.stage is Stage.SURVEY
    assert exercise.survey_opened_at == LATER
    assert exercise.transitions[-1].source is Stage.PLANNING
    assert exercise.transitions[-1].by == "Jean"
    assert exercise.transitions[-1].note == "Launched"


def test_survey_cannot_open_without_link() -> None:
    with pytest.raises(TransitionError, match="without a deployed survey link"):
        advance(make_exercise(link=""), Stage.SURVEY, at=LATER, by="Jean")


def test_survey_close_without_count_rejected() -> None:
    survey = advance(make_exercise(), Stage.SURVEY, at=LATER, by="Jean")

    with pytest.raises(TransitionError, match="no response count was recorded"):
        advance(survey, Stage.ANALYSIS, at=LATER, by="Jean")


def test_survey_close_with_zero_responses_rejected() -> None:
    survey = advance(make_exercise(), Stage.SURVEY, at=LATER, by="Jean")

    with pytest.raises(TransitionError, match="0 responses are recorded"):
        advance(survey, Stage.ANALYSIS, at=LATER, by="Jean", responses=0)


def test_survey_close_with_zero_responses_and_reason() -> None:
    survey = advance(make_exercise(), Stage.SURVEY, at=LATER, by="Jean")

    closed = advance(
        survey, Stage.ANALYSIS, at=LATER, by="Jean", responses=0, note="Access cut off"
    )

    assert closed.stage is Stage.ANALYSIS
    assert closed.transitions[-1].note == "Access cut off"


def test_survey_close_with_responses() -> None:
    survey = advance(make_exercise(), Stage.SURVEY, at=LATER, by="Jean")

    closed = advance(survey, Stage.ANALYSIS, at=LATER, by="Jean", responses=31)

    assert closed.survey_closed_at == LATER


def in_analysis() -> Exercise:
    survey = advance(make_exercise(), Stage.SURVEY, at=LATER, by="Jean")
    return advance(survey, Stage.ANALYSIS, at=LATER, by="Jean", responses=31)


def test_follow_up_needs_action_plan() -> None:
    analysis = in_analysis()

    with pytest.raises(TransitionError, match="has no action plan"):
        advance(analysis, Stage.FOLLOW_UP, at=LATER, by="Jean")


def test_follow_up_needs_action_per_weak_section() -> None:
    plan = empty_plan(WEAK_22).add_action("2.2", text="Hold a joint analysis workshop")

    with pytest.raises(TransitionError, match="sections 5 are rated"):
        advance(in_analysis(), Stage.FOLLOW_UP, at=LATER, by="Jean", action_plan=plan)


def test_follow_up_ignores_unwritten_and_dropped_actions() -> None:
    plan = (
        empty_plan(WEAK_22)
        .add_action("2.2")
        .add_action("5", text="Publish a monthly dashboard", status=ActionStatus.DROPPED)
    )

    with pytest.raises(TransitionError, match=r"sections 2\.2, 5 are rated"):
        advance(in_analysis(), Stage.FOLLOW_UP, at=LATER, by="Jean", action_plan=plan)


def test_follow_up_with_every_section_covered() -> None:
    plan = (
        empty_plan(WEAK_22)
        .add_action("2.2", text="Hold a joint analysis workshop")
        .add_action("5", text="Publish a monthly dashboard")
    )

    moved = advance(in_analysis(), Stage.FOLLOW_UP, at=LATER, by="Jean", action_plan=plan)

    assert moved.stage is Stage.FOLLOW_UP
    assert moved.completed_at == LATER


def test_stage_cannot_be_skipped() -> None:
    with pytest.raises(TransitionError, match="moves to survey next, not to analysis"):
        advance(make_exercise(), Stage.ANALYSIS, at=LATER, by="Jean", responses=3)


def test_stage_cannot_go_back() -> None:
    survey = advance(make_exercise(), Stage.SURVEY, at=LATER, by="Jean")

    with pytest.raises(TransitionError, match="cannot go back to planning"):
        advance(survey, Stage.PLANNING, at=LATER, by="Jean")


def test_same_stage_rejected() -> None:
    with pytest.raises(TransitionError, match="already in the planning stage"):
        advance(make_exercise(), Stage.PLANNING, at=LATER, by="Jean")


def test_early_close_needs_reason() -> None:
    with pytest.raises(TransitionError, match="needs a note with the reason"):
        advance(make_exercise(), Stage.CLOSED, at=LATER, by="Jean")


def test_early_close_with_reason() -> None:
    closed = advance(make_exercise(), Stage.CLOSED, at=LATER, by="Jean", note="Cluster deactivated")

    assert closed.stage is Stage.CLOSED
    assert closed.completed_at is None


def test_closed_exercise_is_final() -> None:
    closed = advance(make_exercise(), Stage.CLOSED, at=LATER, by="Jean", note="Deactivated")

    with pytest.raises(TransitionError, match="is closed"):
        advance(closed, Stage.SURVEY, at=LATER, by="Jean")


def test_change_before_previous_rejected() -> None:
    with pytest.raises(TransitionError, match="cannot be dated before the previous one"):
        advance(make_exercise(), Stage.SURVEY, at=CREATED - dt.timedelta(seconds=1), by="Jean")


def test_change_needs_author() -> None:
    with pytest.raises(TransitionError, match="say who"):
        advance(make_exercise(), Stage.SURVEY, at=LATER, by="  ")


def test_change_keeps_earlier_history() -> None:
    exercise = make_exercise()
    moved = advance(exercise, Stage.SURVEY, at=LATER, by="Jean")

    assert moved.transitions[:1] == exercise.transitions
    assert attrs.evolve(moved, transitions=exercise.transitions) == exercise


def test_link_check_accepts_https() -> None:
    assert make_exercise(link=LINK).survey_link == LINK
