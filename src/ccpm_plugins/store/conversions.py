"""Conversions between the store's table rows and the core's value objects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ccpm_core.action_plan import Action, ActionPlan, ActionStatus, ProgressNote, SupportSource
from ccpm_core.exercise import Exercise, Schedule, Stage, Transition, Trigger, TriggerKind
from ccpm_core.framework import Status
from ccpm_core.results_summary import UnitStatus
from ccpm_plugins.store.models import (
    ActionPlanRow,
    ActionRow,
    ExerciseRow,
    ProgressNoteRow,
    TransitionRow,
)

__all__ = [
    "action_from_row",
    "action_to_row",
    "baselines_from_json",
    "baselines_to_json",
    "exercise_from_row",
    "exercise_to_row",
    "plan_from_row",
]


def exercise_to_row(exercise: Exercise, row: ExerciseRow | None = None) -> ExerciseRow:
    """Copy the exercise's fields and any new transitions into ``row`` (a new row if None)."""
    row = row if row is not None else ExerciseRow(transitions=[])
    row.cluster = exercise.cluster
    row.country = exercise.country
    row.hub = exercise.hub
    row.national_id = exercise.national_id
    row.lead_agency = exercise.lead_agency
    row.focal_points = list(exercise.focal_points)
    row.questionnaire_id = exercise.questionnaire_id
    row.questionnaire_version = exercise.questionnaire_version
    row.survey_backend = exercise.survey_backend
    row.survey_link = exercise.survey_link
    row.trigger_kind = exercise.trigger.kind.value
    row.trigger_since = exercise.trigger.since
    row.planned_start = exercise.schedule.start
    row.planned_survey_open = exercise.schedule.survey_open
    row.planned_survey_close = exercise.schedule.survey_close
    row.planned_end = exercise.schedule.end
    row.stage = exercise.stage.value

    # Transitions are history: rows already stored stay as they are.
    for position in range(len(row.transitions), len(exercise.transitions)):
        transition = exercise.transitions[position]
        row.transitions.append(
            TransitionRow(
                position=position,
                source=transition.source.value if transition.source is not None else None,
                target=transition.target.value,
                at=transition.at,
                author=transition.by,
                note=transition.note,
            )
        )
    return row


def exercise_from_row(row: ExerciseRow) -> Exercise:
    """Build the exercise that a row and its transitions hold."""
    return Exercise(
        id=row.id,
        version=row.version,
        cluster=row.cluster,
        country=row.country,
        hub=row.hub,
        national_id=row.national_id,
        lead_agency=row.lead_agency,
        focal_points=tuple(row.focal_points),
        questionnaire_id=row.questionnaire_id,
        questionnaire_version=row.questionnaire_version,
        survey_backend=row.survey_backend,
        survey_link=row.survey_link,
        trigger=Trigger(TriggerKind(row.trigger_kind), row.trigger_since),
        schedule=Schedule(
            start=row.planned_start,
            survey_open=row.planned_survey_open,
            survey_close=row.planned_survey_close,
            end=row.planned_end,
        ),
        transitions=tuple(
            Transition(
                source=Stage(t.source) if t.source is not None else None,
                target=Stage(t.target),
                at=t.at,
                by=t.author,
                note=t.note,
            )
            for t in row.transitions
        ),
    )


def baselines_to_json(baselines: tuple[UnitStatus, ...]) -> list[dict[str, Any]]:
    """Return section baselines as JSON-ready mappings."""
    return [
        {"id": unit.id, "status": unit.status.value, "score": unit.score, "n": unit.n}
        for unit in baselines
    ]


def baselines_from_json(entries: list[dict[str, Any]]) -> tuple[UnitStatus, ...]:
    """Rebuild section baselines from :func:`baselines_to_json` output."""
    return tuple(
        UnitStatus(
            id=str(entry["id"]),
            status=Status(entry["status"]),
            score=entry["score"],
            n=int(entry["n"]),
        )
        for entry in entries
    )


def action_to_row(action: Action, row: ActionRow | None = None) -> ActionRow:
    """Copy the action's fields into ``row`` (a new row if None) and append its new notes."""
    if action.number is None:
        msg = "an action needs its number before it is stored"
        raise ValueError(msg)
    row = row if row is not None else ActionRow(notes=[])
    row.number = action.number
    row.section_id = action.section_id
    row.baseline_status = action.baseline_status.value
    row.baseline_score = action.baseline_score
    row.text = action.text
    row.responsible = action.responsible
    row.deadline = action.deadline
    row.support_required = action.support_required
    row.support_from = [source.value for source in action.support_from]
    row.status = action.status.value

    # Notes are history: the merge rules only ever add to them.
    for position in range(len(row.notes), len(action.notes)):
        note = action.notes[position]
        row.notes.append(
            ProgressNoteRow(
                position=position,
                noted_on=note.on,
                text=note.text,
                status=note.status.value if note.status is not None else None,
            )
        )
    return row


def action_from_row(row: ActionRow) -> Action:
    """Build the action that a row and its notes hold, with the row's version."""
    return Action(
        number=row.number,
        section_id=row.section_id,
        baseline_status=Status(row.baseline_status),
        baseline_score=row.baseline_score,
        text=row.text,
        responsible=row.responsible,
        deadline=row.deadline,
        support_required=row.support_required,
        support_from=tuple(SupportSource(value) for value in row.support_from),
        status=ActionStatus(row.status),
        notes=tuple(
            ProgressNote(
                on=note.noted_on,
                text=note.text,
                status=ActionStatus(note.status) if note.status is not None else None,
            )
            for note in row.notes
        ),
        version=row.version,
    )


def plan_from_row(row: ActionPlanRow) -> ActionPlan:
    """Build the action plan that a row and its actions hold."""
    return ActionPlan(
        baselines=baselines_from_json(row.baselines),
        actions=tuple(action_from_row(action) for action in row.actions),
        exercise_id=row.exercise_id,
        hub=row.hub,
    )


def utc_now() -> dt.datetime:
    """Return the current UTC time."""
    return dt.datetime.now(dt.UTC)
