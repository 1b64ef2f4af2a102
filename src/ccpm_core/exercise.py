"""A CCPM exercise: who runs it, where, why now, its planned dates and its stage history.

An exercise covers one cluster in one country at one level: the national
level, or a named sub-national hub. A hub exercise is linked to the national
exercise it belongs to. The exercise moves through five stages (see
:class:`Stage`); :mod:`ccpm_core.lifecycle` checks each move, and every move
is kept as a :class:`Transition` with its UTC time, author and note.

Values here never change: a stage change returns a new :class:`Exercise`.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Iterable
from urllib.parse import urlsplit

import attrs

from ccpm_core.exercise_errors import ExerciseError

__all__ = [
    "Exercise",
    "Schedule",
    "Stage",
    "Transition",
    "Trigger",
    "TriggerKind",
    "check_survey_link",
    "new_exercise",
    "utc_time",
]


class Stage(enum.StrEnum):
    """The stages of an exercise, in order; each one ends with its output."""

    PLANNING = "planning"
    SURVEY = "survey"
    ANALYSIS = "analysis"
    """Analysis and action planning, usually at a workshop."""
    FOLLOW_UP = "follow_up"
    """Follow-up and monitoring of the action plan."""
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """The stage name for people, such as ``Analysis and action plan``."""
        return _STAGE_LABELS[self]

    @property
    def output(self) -> str:
        """What the stage produces, or an empty string for the closed stage."""
        return _STAGE_OUTPUTS[self]

    @property
    def position(self) -> int:
        """Position in the lifecycle, from 0 for planning to 4 for closed."""
        return list(Stage).index(self)


_STAGE_LABELS = {
    Stage.PLANNING: "Planning",
    Stage.SURVEY: "Survey",
    Stage.ANALYSIS: "Analysis and action plan",
    Stage.FOLLOW_UP: "Follow-up and monitoring",
    Stage.CLOSED: "Closed",
}

_STAGE_OUTPUTS = {
    Stage.PLANNING: "decision to implement",
    Stage.SURVEY: "preliminary report",
    Stage.ANALYSIS: "final report and action plan",
    Stage.FOLLOW_UP: "quarterly progress reports",
    Stage.CLOSED: "",
}


class TriggerKind(enum.StrEnum):
    """Why the exercise is run now."""

    NEW_EMERGENCY = "new_emergency"
    """The first CCPM after a new or sudden-onset emergency; it needs the onset date."""
    PROTRACTED_CRISIS = "protracted_crisis"
    """The yearly CCPM of a protracted crisis."""
    CONFIRMED_WEAKENING = "confirmed_weakening"
    """An extra CCPM because the core functions were confirmed to have weakened."""


@attrs.frozen
class Trigger:
    """The reason for the exercise and the date it counts from.

    ``since`` is the onset of a new emergency (required), the end of the last
    CCPM of a protracted crisis (optional: None when none was run), or the day
    the weakening of core functions was confirmed (required).
    """

    kind: TriggerKind
    since: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.since is None and self.kind is TriggerKind.NEW_EMERGENCY:
            msg = "a new-emergency trigger needs the onset date of the emergency"
            raise ExerciseError(msg)
        if self.since is None and self.kind is TriggerKind.CONFIRMED_WEAKENING:
            msg = "a confirmed-weakening trigger needs the date the weakening was confirmed"
            raise ExerciseError(msg)

    def describe(self) -> str:
        """Return the trigger as a short sentence part, such as ``new emergency (onset ...)``."""
        if self.kind is TriggerKind.NEW_EMERGENCY:
            return f"new emergency (onset {self.since})"
        if self.kind is TriggerKind.CONFIRMED_WEAKENING:
            return f"confirmed weakening of core functions (confirmed {self.since})"
        if self.since is None:
            return "protracted crisis (no earlier CCPM)"
        return f"protracted crisis (last CCPM ended {self.since})"


@attrs.frozen
class Schedule:
    """Planned dates; any of them may be unknown (None), but known ones must be in order."""

    start: dt.date | None = None
    survey_open: dt.date | None = None
    survey_close: dt.date | None = None
    end: dt.date | None = None
    """Planned adoption of the final report and action plan."""

    def __attrs_post_init__(self) -> None:
        named = [
            ("start", self.start),
            ("survey open", self.survey_open),
            ("survey close", self.survey_close),
            ("end", self.end),
        ]
        known = [(name, day) for name, day in named if day is not None]
        for (earlier_name, earlier), (later_name, later) in itertools.pairwise(known):
            if later < earlier:
                msg = (
                    f"planned {later_name} date {later} is before planned {earlier_name} "
                    f"date {earlier}; correct one of the two dates"
                )
                raise ExerciseError(msg)


@attrs.frozen
class Transition:
    """One stage change; ``source`` is None for the change that created the exercise."""

    source: Stage | None
    target: Stage
    at: dt.datetime
    """UTC time of the change, timezone-aware."""
    by: str
    note: str = ""


@attrs.frozen
class Exercise:
    """One CCPM exercise of a cluster in a country, at the national level or in one hub."""

    cluster: str
    country: str
    trigger: Trigger
    transitions: tuple[Transition, ...]
    hub: str | None = None
    """Sub-national hub, or None for the national level."""
    national_id: int | None = None
    """Id of the national exercise that a hub exercise belongs to."""
    lead_agency: str = ""
    focal_points: tuple[str, ...] = ()
    questionnaire_id: str = ""
    questionnaire_version: str = ""
    survey_backend: str = ""
    """Name of the survey source that holds the responses, such as ``kobo``."""
    survey_link: str = ""
    """The address partners open to answer; empty until the survey is deployed."""
    schedule: Schedule = Schedule()
    id: int | None = None
    """Store id; None until the exercise is stored."""
    version: int = 0
    """Store version, raised on every stored change; 0 until the exercise is stored."""

    def __attrs_post_init__(self) -> None:
        _check_text("cluster", self.cluster)
        _check_text("country", self.country)
        if self.hub is not None:
            _check_text("hub", self.hub)
            if self.national_id is None:
                msg = (
                    f"the exercise of hub {self.hub!r} must be linked to its national "
                    "exercise; create that one first and give its id"
                )
                raise ExerciseError(msg)
        elif self.national_id is not None:
            msg = "a national exercise cannot be linked to another national exercise"
            raise ExerciseError(msg)
        if self.survey_link:
            check_survey_link(self.survey_link)
        if not self.transitions:
            msg = "an exercise needs at least the transition that created it"
            raise ExerciseError(msg)

    @property
    def level(self) -> str:
        """The hub name, or ``national``."""
        return self.hub if self.hub is not None else "national"

    @property
    def stage(self) -> Stage:
        """The current stage: the target of the last transition."""
        return self.transitions[-1].target

    @property
    def created_at(self) -> dt.datetime:
        """When the exercise entered planning."""
        return self.transitions[0].at

    def entered(self, stage: Stage) -> dt.datetime | None:
        """Return when the exercise entered ``stage``, or None if it has not."""
        for transition in self.transitions:
            if transition.target is stage:
                return transition.at
        return None

    @property
    def survey_opened_at(self) -> dt.datetime | None:
        """Actual opening of the survey."""
        return self.entered(Stage.SURVEY)

    @property
    def survey_closed_at(self) -> dt.datetime | None:
        """Actual closing of the survey: the move to analysis."""
        return self.entered(Stage.ANALYSIS)

    @property
    def completed_at(self) -> dt.datetime | None:
        """Adoption of the final report and action plan: the move to follow-up."""
        return self.entered(Stage.FOLLOW_UP)

    @property
    def closed_at(self) -> dt.datetime | None:
        """When the exercise was closed."""
        return self.entered(Stage.CLOSED)


def new_exercise(
    cluster: str,
    country: str,
    trigger: Trigger,
    *,
    at: dt.datetime,
    by: str,
    note: str = "",
    hub: str | None = None,
    national_id: int | None = None,
    lead_agency: str = "",
    focal_points: Iterable[str] = (),
    questionnaire_id: str = "",
    questionnaire_version: str = "",
    survey_backend: str = "",
    survey_link: str = "",
    schedule: Schedule | None = None,
) -> Exercise:
    """Create an exercise in the planning stage, recording who created it and when."""
    _check_text("author", by)
    points = tuple(point.strip() for point in focal_points if point.strip())
    return Exercise(
        cluster=cluster.strip(),
        country=country.strip(),
        trigger=trigger,
        transitions=(Transition(None, Stage.PLANNING, utc_time(at), by.strip(), note.strip()),),
        hub=hub.strip() if hub is not None else None,
        national_id=national_id,
        lead_agency=lead_agency.strip(),
        focal_points=points,
        questionnaire_id=questionnaire_id.strip(),
        questionnaire_version=questionnaire_version.strip(),
        survey_backend=survey_backend.strip(),
        survey_link=survey_link.strip(),
        schedule=schedule or Schedule(),
    )


def utc_time(moment: dt.datetime) -> dt.datetime:
    """Return ``moment`` in UTC; raise ExerciseError for a time without a timezone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = f"time {moment.isoformat()} has no timezone; give it in UTC or with an offset"
        raise ExerciseError(msg)
    return moment.astimezone(dt.UTC)


def check_survey_link(link: str) -> None:
    """Raise ExerciseError unless ``link`` is an http or https address with a host."""
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        msg = (
            f"survey link {link!r} is not a web address; give the full link partners "
            "open, starting with https://"
        )
        raise ExerciseError(msg)


def _check_text(field: str, value: str) -> None:
    if not value.strip():
        msg = f"the {field} of an exercise must not be empty"
        raise ExerciseError(msg)
