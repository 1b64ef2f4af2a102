"""The weekly progress note of an open survey, as a renderer-neutral report.

Coordinators send it to remind partners to answer: responses so far by level
and organisation type, the response rates, and the change since the count
taken a week earlier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ccpm_core.exercise import Exercise, utc_time
from ccpm_core.exercise_errors import ExerciseError
from ccpm_core.i18n import translator
from ccpm_core.report_model import Block, BulletList, Cell, Cover, Heading, Paragraph, Report, Table
from ccpm_core.survey_snapshots import (
    LevelChange,
    ProgressChange,
    ProgressSnapshot,
    compare_snapshots,
    snapshot_before,
)
from ccpm_core.timing import DEFAULT_POLICY, TimingPolicy, exercise_warnings

if TYPE_CHECKING:
    from ccpm_core.questionnaire import Questionnaire

__all__ = ["NOTE_INTERVAL", "build_progress_note"]

NOTE_INTERVAL = dt.timedelta(days=7)
"""Time between two progress notes: the note compares with the count a week earlier."""

_NOT_GIVEN = "not_given"


def build_progress_note(
    exercise: Exercise,
    snapshots: Sequence[ProgressSnapshot],
    as_of: dt.datetime,
    *,
    questionnaire: Questionnaire | None = None,
    language: str = "en",
    policy: TimingPolicy = DEFAULT_POLICY,
) -> Report:
    """Build the progress note from the latest count at ``as_of`` and the count a week before.

    ``questionnaire`` gives the organisation-type labels; without it the type
    codes are shown. Raises ExerciseError when no count was taken by ``as_of``.
    """
    moment = utc_time(as_of)
    current = snapshot_before(snapshots, moment)
    if current is None:
        msg = (
            f"exercise {exercise.id} has no response count taken by {moment.isoformat()}; "
            "record a count of the responses first"
        )
        raise ExerciseError(msg)

    previous = snapshot_before(snapshots, current.taken_at - NOTE_INTERVAL)
    change = compare_snapshots(current, previous)
    _ = translator(language)
    type_label = _type_labeller(questionnaire, language, _)

    blocks: list[Block] = []
    blocks += _summary(exercise, change, _)
    blocks += _levels_table(change, _)
    blocks += _types_table(change, type_label, _)
    if len(current.groups) > 1:
        blocks += _groups_table(current, _)
    blocks += _timing(exercise, moment.date(), policy, _)

    cover = Cover(
        title=_("CCPM survey progress note"),
        cluster=exercise.cluster,
        country=exercise.country,
        level=_("National") if exercise.hub is None else exercise.hub,
        date=moment.date(),
        survey_period=_survey_period(exercise, _),
        subtitle=_("Cluster Coordination Performance Monitoring"),
    )
    return Report(cover=cover, blocks=tuple(blocks), language=language)


def _summary(exercise: Exercise, change: ProgressChange, _: Callable[[str], str]) -> list[Block]:
    current = change.current
    blocks: list[Block] = [
        Heading(_("Responses so far"), 1),
        Paragraph(
            _(
                "Count of {time} UTC: {partners} partner responses and {coordinators} "
                "coordinator responses."
            ).format(
                time=_format_time(current.taken_at),
                partners=current.main.partners,
                coordinators=current.main.coordinators,
            )
        ),
    ]
    if change.previous is None:
        opened = exercise.survey_opened_at
        since = _format_time(opened) + " UTC" if opened else _("the start of the survey")
        blocks.append(
            Paragraph(
                _(
                    "No count was taken a week or more before this one, so every response "
                    "is counted as new since {since}."
                ).format(since=since)
            )
        )
    else:
        blocks.append(
            Paragraph(
                _("Change since the count of {time} UTC: {change} responses.").format(
                    time=_format_time(change.previous.taken_at),
                    change=_signed(change.responses_change),
                )
            )
        )
    return blocks


def _levels_table(change: ProgressChange, _: Callable[[str], str]) -> list[Block]:
    rows = tuple(
        (
            Cell(_level_name(level, _)),
            Cell(str(level.partners), numeric=True),
            Cell(_signed(level.partners_change), numeric=True),
            Cell(str(level.coordinators), numeric=True),
            Cell(_signed(level.coordinators_change), numeric=True),
            Cell(_percent(level.overall_rate), numeric=True),
            Cell(_points(level.overall_rate_change), numeric=True),
            Cell(_percent(level.effective_rate), numeric=True),
        )
        for level in change.levels
    )
    return [
        Table(
            header=(
                _("Level"),
                _("Partners"),
                _("Change"),
                _("Coordinators"),
                _("Change"),
                _("Overall response rate"),
                _("Change (points)"),
                _("Effective response rate"),
            ),
            rows=rows,
            caption=_("Responses and response rates by level"),
        ),
        Paragraph(
            _(
                "Response rates divide partner responses by the organisation counts in the "
                "coordinator's answers; they are unknown until the coordinator has answered."
            ),
            emphasis=True,
        ),
    ]


def _types_table(
    change: ProgressChange, type_label: Callable[[str], str], _: Callable[[str], str]
) -> list[Block]:
    rows = tuple(
        (
            Cell(_level_name(level, _)),
            Cell(type_label(entry.organisation_type)),
            Cell(str(entry.partners), numeric=True),
            Cell(_signed(entry.change), numeric=True),
        )
        for level in change.levels
        for entry in level.by_type
        if entry.partners or entry.change
    )
    blocks: list[Block] = [Heading(_("Partner responses by organisation type"), 2)]
    if not rows:
        blocks.append(Paragraph(_("No partner has answered yet.")))
        return blocks
    blocks.append(
        Table(
            header=(_("Level"), _("Organisation type"), _("Partners"), _("Change")),
            rows=rows,
            caption=_("Partner responses by organisation type"),
        )
    )
    return blocks


def _groups_table(snapshot: ProgressSnapshot, _: Callable[[str], str]) -> list[Block]:
    return [
        Heading(_("All counts from the survey tool"), 2),
        Table(
            header=(_("Group"), _("Partners"), _("Coordinators")),
            rows=tuple(
                (
                    Cell(group.group),
                    Cell(str(group.partners), numeric=True),
                    Cell(str(group.coordinators), numeric=True),
                )
                for group in snapshot.groups
            ),
            caption=_("Responses per group; the first group is the count used above"),
        ),
    ]


def _timing(
    exercise: Exercise, as_of: dt.date, policy: TimingPolicy, _: Callable[[str], str]
) -> list[Block]:
    blocks: list[Block] = [Heading(_("Timing"), 2)]
    close = exercise.schedule.survey_close
    if close is not None:
        blocks.append(
            Paragraph(
                _("The survey is planned to close on {close} ({days} days from {today}).").format(
                    close=close.isoformat(), days=(close - as_of).days, today=as_of.isoformat()
                )
            )
        )
    warnings = exercise_warnings(exercise, as_of, policy)
    if warnings:
        blocks.append(BulletList(warnings))
    elif close is None:
        blocks.append(Paragraph(_("No close date is planned for the survey.")))
    return blocks


def _survey_period(exercise: Exercise, _: Callable[[str], str]) -> str:
    opened = exercise.survey_opened_at
    close = exercise.schedule.survey_close
    if opened is None:
        return ""
    text = _("open since {day}").format(day=opened.date().isoformat())
    if close is not None:
        text += ", " + _("planned close {day}").format(day=close.isoformat())
    return text


def _type_labeller(
    questionnaire: Questionnaire | None, language: str, _: Callable[[str], str]
) -> Callable[[str], str]:
    labels: dict[str, str] = {_NOT_GIVEN: _("Type not given")}
    if questionnaire is not None:
        from ccpm_core.questionnaire import PROFILE_ORGANISATION_TYPE

        scale = questionnaire.scale_of(questionnaire.question(PROFILE_ORGANISATION_TYPE))
        for option in scale.options:
            labels[option.code] = questionnaire.label(option.label, language)

    def label(code: str) -> str:
        return labels.get(code, code.replace("_", " "))

    return label


def _level_name(level: LevelChange, _: Callable[[str], str]) -> str:
    return _("National") if level.hub is None else level.hub


def _format_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")


def _signed(value: int) -> str:
    return f"{value:+d}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _points(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}"
