"""Builders of exercises, section baselines and action plans for the lifecycle tests."""

from __future__ import annotations

import datetime as dt

from ccpm_core.action_plan import ActionPlan
from ccpm_core.exercise import Exercise, Schedule, Trigger, TriggerKind, new_exercise
from ccpm_core.framework import FUNCTIONS, SECTION_IDS, Status
from ccpm_core.results_summary import LevelSummary, UnitStatus

CREATED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
LINK = "https://survey.example.org/ccpm-health"


def make_exercise(
    *,
    trigger: Trigger | None = None,
    link: str = LINK,
    schedule: Schedule | None = None,
    at: dt.datetime = CREATED,
) -> Exercise:
    """Return a national Health exercise in Chad, in the planning stage."""
    return new_exercise(
        "Health",
        "Chad",
        trigger or Trigger(TriggerKind.NEW_EMERGENCY, dt.date(2026, 8, 1)),
        at=at,
        by="Amina",
        lead_agency="WHO",
        focal_points=("Amina", "Jean"),
        questionnaire_id="ccpm-standard",
        questionnaire_version="2026.1",
        survey_backend="kobo",
        survey_link=link,
        schedule=schedule,
    )


def level_summary(
    statuses: dict[str, Status] | None = None,
    weak_functions: tuple[str, ...] = (),
    hub: str | None = None,
) -> LevelSummary:
    """Return a level where every section is good except those in ``statuses``."""
    scores = {
        Status.GOOD: 80.0,
        Status.SATISFACTORY: 60.0,
        Status.UNSATISFACTORY: 40.0,
        Status.WEAK: 20.0,
    }
    given = statuses or {}
    sections = tuple(
        UnitStatus(
            section, given.get(section, Status.GOOD), scores[given.get(section, Status.GOOD)], 12
        )
        for section in SECTION_IDS
    )
    functions = tuple(
        UnitStatus(
            str(function.number),
            Status.WEAK if str(function.number) in weak_functions else Status.GOOD,
            20.0 if str(function.number) in weak_functions else 80.0,
            12,
        )
        for function in FUNCTIONS
    )
    return LevelSummary(hub=hub, sections=sections, functions=functions)


def baselines(statuses: dict[str, Status] | None = None) -> tuple[UnitStatus, ...]:
    """Return the 13 section baselines, good except those in ``statuses``."""
    return level_summary(statuses).sections


def empty_plan(statuses: dict[str, Status] | None = None, exercise_id: int = 7) -> ActionPlan:
    """Return a plan with baselines and no action."""
    return ActionPlan(baselines=baselines(statuses), exercise_id=exercise_id)
