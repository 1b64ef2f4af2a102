"""Stage changes of an exercise and the rules each one must meet.

Stages move forward one at a time: planning, survey, analysis, follow-up,
closed. An exercise can also be closed early from any stage, with a note
that gives the reason. The rules:

- the survey opens only with a deployed survey link;
- the survey closes with no recorded response only when a note gives the reason;
- follow-up starts only when every section rated unsatisfactory or weak has
  at least one written action that is not dropped;
- a closed exercise does not change any more.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from ccpm_core.exercise import Exercise, Stage, Transition, utc_time
from ccpm_core.exercise_errors import TransitionError

if TYPE_CHECKING:
    from ccpm_core.action_plan import ActionPlan

__all__ = ["advance", "next_stage"]


def next_stage(stage: Stage) -> Stage | None:
    """Return the stage after ``stage``, or None after closed."""
    order = list(Stage)
    position = order.index(stage)
    return order[position + 1] if position + 1 < len(order) else None


def advance(
    exercise: Exercise,
    target: Stage,
    *,
    at: dt.datetime,
    by: str,
    note: str = "",
    responses: int | None = None,
    action_plan: ActionPlan | None = None,
) -> Exercise:
    """Move the exercise to ``target`` and return it with the transition recorded.

    ``responses`` is the number of responses recorded so far (None when none
    was ever counted); it matters when the survey closes. ``action_plan`` is
    the exercise's plan; it matters when follow-up starts. Raises
    TransitionError naming the rule that the move breaks.
    """
    moment = utc_time(at)
    author = by.strip()
    reason = note.strip()
    where = f"exercise {exercise.id}" if exercise.id is not None else "the exercise"

    _check_move(exercise, target, reason, where)
    _check_author_and_time(exercise, moment, author, where)
    if target is Stage.SURVEY:
        _check_survey_can_open(exercise, where)
    elif target is Stage.ANALYSIS:
        _check_survey_can_close(responses, reason, where)
    elif target is Stage.FOLLOW_UP:
        _check_plan_covers_sections(action_plan, where)

    transition = Transition(exercise.stage, target, moment, author, reason)
    return attrs.evolve(exercise, transitions=(*exercise.transitions, transition))


def _check_move(exercise: Exercise, target: Stage, reason: str, where: str) -> None:
    current = exercise.stage
    if current is Stage.CLOSED:
        msg = f"{where} is closed; create a new exercise instead"
        raise TransitionError(msg)
    if target is current:
        msg = f"{where} is already in the {current.label.lower()} stage"
        raise TransitionError(msg)

    expected = next_stage(current)
    if target is expected:
        return
    if target is Stage.CLOSED:
        if not reason:
            msg = (
                f"{where} is in the {current.label.lower()} stage; closing it before "
                "follow-up needs a note with the reason"
            )
            raise TransitionError(msg)
        return
    if target.position < current.position:
        msg = (
            f"{where} is in the {current.label.lower()} stage and cannot go back to "
            f"{target.label.lower()}; stages only move forward"
        )
        raise TransitionError(msg)
    assert expected is not None
    msg = (
        f"{where} is in the {current.label.lower()} stage; it moves to "
        f"{expected.label.lower()} next, not to {target.label.lower()}"
    )
    raise TransitionError(msg)


def _check_author_and_time(
    exercise: Exercise, moment: dt.datetime, author: str, where: str
) -> None:
    if not author:
        msg = f"say who moves {where} to the next stage"
        raise TransitionError(msg)
    last = exercise.transitions[-1].at
    if moment < last:
        msg = (
            f"{where} last changed stage at {last.isoformat()}, after the time given "
            f"({moment.isoformat()}); a stage change cannot be dated before the previous one"
        )
        raise TransitionError(msg)


def _check_survey_can_open(exercise: Exercise, where: str) -> None:
    if not exercise.survey_link:
        msg = (
            f"the survey of {where} cannot open without a deployed survey link; "
            "deploy the survey and record its link first"
        )
        raise TransitionError(msg)


def _check_survey_can_close(responses: int | None, reason: str, where: str) -> None:
    if responses and responses > 0:
        return
    if reason:
        return
    counted = "no response count was recorded" if responses is None else "0 responses are recorded"
    msg = (
        f"the survey of {where} cannot close: {counted}; record a count of the "
        "responses first, or give the reason for closing without responses in a note"
    )
    raise TransitionError(msg)


def _check_plan_covers_sections(action_plan: ActionPlan | None, where: str) -> None:
    if action_plan is None:
        msg = f"{where} has no action plan; draft one from the results before follow-up"
        raise TransitionError(msg)
    missing = action_plan.sections_without_action()
    if missing:
        msg = (
            f"{where} cannot enter follow-up: sections {', '.join(missing)} are rated "
            "unsatisfactory or weak and have no written action; write at least one "
            "action for each"
        )
        raise TransitionError(msg)
