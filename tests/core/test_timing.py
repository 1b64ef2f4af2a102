"""Due dates, overdue exercises, weakening and late-running warnings, on dates worked by hand."""

from __future__ import annotations

import datetime as dt

from exercise_fixtures import CREATED, empty_plan, level_summary, make_exercise
from hypothesis import given
from hypothesis import strategies as st

from ccpm_core.exercise import Exercise, Schedule, Stage, Trigger, TriggerKind
from ccpm_core.lifecycle import advance
from ccpm_core.timing import (
    DueState,
    Weakening,
    add_months,
    annual_window,
    detect_weakening,
    exercise_due,
    exercise_warnings,
    first_exercise_window,
    next_exercise_due,
    trigger_window,
    weakening_window,
)

ONSET = dt.date(2026, 8, 1)
DATES = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2200, 12, 31))


def test_add_months_same_day() -> None:
    assert add_months(dt.date(2026, 8, 1), 3) == dt.date(2026, 11, 1)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)


def test_add_months_backwards_over_year() -> None:
    assert add_months(dt.date(2027, 1, 31), -2) == dt.date(2026, 11, 30)


def test_first_window_three_to_six_months() -> None:
    window = first_exercise_window(ONSET)

    assert window.opens == dt.date(2026, 11, 1)
    assert window.due == dt.date(2027, 2, 1)


def test_annual_window() -> None:
    window = annual_window(dt.date(2026, 12, 3))

    assert window.due == dt.date(2027, 12, 3)
    assert window.opens == dt.date(2027, 10, 3)


def test_weakening_window() -> None:
    window = weakening_window(dt.date(2027, 3, 10))

    assert window.opens == dt.date(2027, 3, 10)
    assert window.due == dt.date(2027, 6, 10)


def test_protracted_without_earlier_ccpm_due_at_once() -> None:
    window = trigger_window(Trigger(TriggerKind.PROTRACTED_CRISIS), dt.date(2026, 11, 2))

    assert window.opens == dt.date(2026, 11, 2)
    assert window.due == dt.date(2026, 12, 28)


def test_protracted_with_earlier_ccpm_yearly() -> None:
    window = trigger_window(
        Trigger(TriggerKind.PROTRACTED_CRISIS, dt.date(2025, 12, 15)), dt.date(2026, 11, 2)
    )

    assert window.due == dt.date(2026, 12, 15)


def test_exercise_not_yet_due() -> None:
    status = exercise_due(make_exercise(), dt.date(2026, 10, 31))

    assert status.state is DueState.NOT_YET_DUE


def test_exercise_due_inside_window() -> None:
    status = exercise_due(make_exercise(), dt.date(2027, 1, 22))

    assert status.state is DueState.DUE
    assert status.days_left == 10


def test_exercise_overdue() -> None:
    status = exercise_due(make_exercise(), dt.date(2027, 2, 11))

    assert status.state is DueState.OVERDUE
    assert status.days_left == -10


def finished(completed: dt.datetime) -> Exercise:
    exercise = advance(make_exercise(), Stage.SURVEY, at=CREATED, by="A")
    exercise = advance(exercise, Stage.ANALYSIS, at=CREATED, by="A", responses=12)
    return advance(exercise, Stage.FOLLOW_UP, at=completed, by="A", action_plan=empty_plan())


def test_exercise_done_late() -> None:
    exercise = finished(dt.datetime(2027, 2, 11, 12, tzinfo=dt.UTC))

    status = exercise_due(exercise, dt.date(2027, 3, 1))

    assert status.state is DueState.DONE
    assert status.days_late == 10


def test_exercise_closed_early() -> None:
    closed = advance(make_exercise(), Stage.CLOSED, at=CREATED, by="A", note="Deactivated")

    assert exercise_due(closed, dt.date(2027, 3, 1)).state is DueState.CLOSED_EARLY


def test_next_exercise_unknown_while_running() -> None:
    assert next_exercise_due(make_exercise(), dt.date(2027, 3, 1)) is None


def test_next_exercise_yearly_after_completion() -> None:
    exercise = finished(dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC))

    status = next_exercise_due(exercise, dt.date(2027, 11, 1))

    assert status is not None
    assert status.window.due == dt.date(2027, 12, 3)
    assert status.state is DueState.DUE


def test_next_exercise_earlier_on_weakening() -> None:
    exercise = finished(dt.datetime(2026, 12, 3, 10, tzinfo=dt.UTC))
    weakening = Weakening(dt.date(2026, 12, 1), ("2", "4"), ())

    status = next_exercise_due(exercise, dt.date(2027, 3, 2), weakening)

    assert status is not None
    assert status.window.due == dt.date(2027, 3, 1)
    assert status.state is DueState.OVERDUE
    assert "functions 2, 4 rated weak" in status.window.reason


def test_next_exercise_after_early_close() -> None:
    closed = advance(make_exercise(), Stage.CLOSED, at=CREATED, by="A", note="Deactivated")

    status = next_exercise_due(closed, dt.date(2026, 11, 3))

    assert status is not None
    assert status.window.due == dt.date(2026, 12, 28)


def test_weakening_from_several_weak_functions() -> None:
    found = detect_weakening(level_summary(weak_functions=("2", "4")), dt.date(2027, 1, 5))

    assert found is not None
    assert found.weak_functions == ("2", "4")
    assert found.weak_twice == ()


def test_weakening_from_weak_twice_in_a_row() -> None:
    found = detect_weakening(
        level_summary(weak_functions=("5",)),
        dt.date(2027, 1, 5),
        level_summary(weak_functions=("5", "7")),
    )

    assert found is not None
    assert found.weak_twice == ("5",)
    assert found.weak_functions == ()


def test_no_weakening_from_one_weak_function() -> None:
    found = detect_weakening(
        level_summary(weak_functions=("5",)), dt.date(2027, 1, 5), level_summary()
    )

    assert found is None


def test_warning_after_eight_weeks() -> None:
    warnings = exercise_warnings(make_exercise(), dt.date(2027, 1, 5))

    assert len(warnings) == 1
    assert "run for 9 weeks since 2026-11-02" in warnings[0]


def test_no_warning_within_eight_weeks() -> None:
    assert exercise_warnings(make_exercise(), dt.date(2026, 12, 28)) == ()


def test_warning_survey_past_planned_close() -> None:
    schedule = Schedule(survey_open=dt.date(2026, 11, 3), survey_close=dt.date(2026, 11, 17))
    survey = advance(make_exercise(schedule=schedule), Stage.SURVEY, at=CREATED, by="A")

    warnings = exercise_warnings(survey, dt.date(2026, 11, 20))

    assert warnings == (
        "the survey of the exercise is still open 3 days after its planned close on "
        "2026-11-17; close it or record a new planned close date",
    )


def test_warning_survey_past_usual_window() -> None:
    survey = advance(make_exercise(), Stage.SURVEY, at=CREATED, by="A")

    warnings = exercise_warnings(survey, dt.date(2026, 11, 17))

    assert len(warnings) == 1
    assert "usual close on 2026-11-16" in warnings[0]


def test_warning_survey_not_opened_as_planned() -> None:
    exercise = make_exercise(schedule=Schedule(survey_open=dt.date(2026, 11, 5)))

    warnings = exercise_warnings(exercise, dt.date(2026, 11, 6))

    assert warnings == (
        "the survey of the exercise was planned to open on 2026-11-05 and is not open yet",
    )


def test_no_warnings_in_follow_up() -> None:
    exercise = finished(dt.datetime(2027, 3, 1, tzinfo=dt.UTC))

    assert exercise_warnings(exercise, dt.date(2027, 6, 1)) == ()


@given(DATES, DATES)
def test_first_due_monotonic_in_onset(first: dt.date, second: dt.date) -> None:
    earlier, later = sorted((first, second))

    assert first_exercise_window(earlier).due <= first_exercise_window(later).due
    assert first_exercise_window(earlier).opens <= first_exercise_window(later).opens


@given(DATES)
def test_window_opens_before_due(onset: dt.date) -> None:
    for window in (first_exercise_window(onset), annual_window(onset), weakening_window(onset)):
        assert onset < window.due
        assert window.opens <= window.due


@given(DATES, st.integers(min_value=-120, max_value=120))
def test_add_months_round_trip_bound(day: dt.date, months: int) -> None:
    moved = add_months(day, months)

    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


@given(DATES, DATES, st.integers(min_value=0, max_value=24))
def test_add_months_monotonic(first: dt.date, second: dt.date, months: int) -> None:
    earlier, later = sorted((first, second))

    assert add_months(earlier, months) <= add_months(later, months)
