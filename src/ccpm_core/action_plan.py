"""The action plan: what the cluster does about each section rated unsatisfactory or weak.

The plan is drafted from the results with one entry per section that needs
action, each carrying the section's baseline status and score. The workshop
writes the action, who is responsible, the deadline and the support required.
During follow-up each action gets a progress status and dated progress notes.

Text fields are stored as the user typed them, except that surrounding white
space is removed and line ends become ``\\n``. Text and dates are limited to
what a spreadsheet cell holds, so a plan always fits the action-plan workbook.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.exercise_errors import ActionPlanError
from ccpm_core.framework import SECTION_IDS, Status
from ccpm_core.results_summary import LevelSummary, UnitStatus, summarise_results

if TYPE_CHECKING:
    from ccpm_core.results import Results

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "MAX_TEXT_LENGTH",
    "Action",
    "ActionPlan",
    "ActionStatus",
    "ProgressNote",
    "SupportSource",
    "draft_action_plan",
    "draft_from_summary",
    "record_progress",
]

MAX_TEXT_LENGTH = 32_767
"""Maximum characters of one text field: what one spreadsheet cell holds."""

EARLIEST_DATE = dt.date(1900, 3, 1)
LATEST_DATE = dt.date(9999, 12, 31)
"""Dates outside this range cannot be stored as spreadsheet date cells.

Spreadsheets count days from 1900 and wrongly treat 1900 as a leap year, so
dates before March 1900 are not reliable either.
"""

# XML 1.0, and so XLSX, cannot hold these characters; tab and line feed are fine.
_FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class ActionStatus(enum.StrEnum):
    """Progress of one action."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        """The status as people write it, such as ``In progress``."""
        return self.value.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        """Whether the action still has to be carried out."""
        return self in (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


class SupportSource(enum.StrEnum):
    """Bodies a cluster can ask for support in carrying out an action."""

    HC_HCT = "hc_hct"
    CLUSTER_LEAD_AGENCY = "cluster_lead_agency"
    OCHA = "ocha"
    GLOBAL_CLUSTER = "global_cluster"
    NATIONAL_AUTHORITIES = "national_authorities"
    PARTNERS = "partners"

    @property
    def label(self) -> str:
        """The body's usual name, such as ``HC/HCT``."""
        return _SUPPORT_LABELS[self]


_SUPPORT_LABELS = {
    SupportSource.HC_HCT: "HC/HCT",
    SupportSource.CLUSTER_LEAD_AGENCY: "Cluster lead agency",
    SupportSource.OCHA: "OCHA",
    SupportSource.GLOBAL_CLUSTER: "Global cluster",
    SupportSource.NATIONAL_AUTHORITIES: "National authorities",
    SupportSource.PARTNERS: "Cluster partners",
}


def _clean_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_text(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    where = _describe(instance)
    if len(value) > MAX_TEXT_LENGTH:
        msg = (
            f"{where}: {attribute.name} has {len(value)} characters; at most "
            f"{MAX_TEXT_LENGTH} fit in a spreadsheet cell, so shorten it"
        )
        raise ActionPlanError(msg)
    forbidden = _FORBIDDEN_CHARACTERS.search(value)
    if forbidden:
        msg = (
            f"{where}: {attribute.name} contains the control character "
            f"U+{ord(forbidden.group()):04X}, which a workbook cannot hold; remove it"
        )
        raise ActionPlanError(msg)


def _check_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        msg = f"{_describe(instance)}: {attribute.name} must be a date, not {value!r}"
        raise ActionPlanError(msg)
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        msg = (
            f"{_describe(instance)}: {attribute.name} {value} is out of range; use a date "
            f"from {EARLIEST_DATE} to {LATEST_DATE}"
        )
        raise ActionPlanError(msg)


def _describe(instance: object) -> str:
    if isinstance(instance, Action):
        return "new action" if instance.number is None else f"action {instance.number}"
    return "progress note"


@attrs.frozen
class ProgressNote:
    """A dated note on an action; ``status`` is set when the note records a status change."""

    on: dt.date = attrs.field(validator=_check_date)
    text: str = attrs.field(default="", converter=_clean_text, validator=_check_text)
    status: ActionStatus | None = None


def _support_tuple(sources: Iterable[SupportSource]) -> tuple[SupportSource, ...]:
    return tuple(sources)


def _sorted_notes(notes: Iterable[ProgressNote]) -> tuple[ProgressNote, ...]:
    # sorted() is stable, so notes of one day keep the order they were written in.
    return tuple(sorted(notes, key=lambda note: note.on))


@attrs.frozen
class Action:
    """One entry of the action plan, linked to the section whose status it responds to.

    ``number`` is unique within the plan and stays with the action; it is None
    for an action that was added in a workbook and not yet stored.
    """

    section_id: str
    baseline_status: Status
    baseline_score: float | None
    number: int | None = None
    text: str = attrs.field(default="", converter=_clean_text, validator=_check_text)
    """The action itself; empty while it is still to be written."""
    responsible: str = attrs.field(default="", converter=_clean_text, validator=_check_text)
    """The person or body responsible."""
    deadline: dt.date | None = attrs.field(default=None, validator=_check_date)
    support_required: str = attrs.field(default="", converter=_clean_text, validator=_check_text)
    support_from: tuple[SupportSource, ...] = attrs.field(default=(), converter=_support_tuple)
    status: ActionStatus = ActionStatus.NOT_STARTED
    notes: tuple[ProgressNote, ...] = attrs.field(default=(), converter=_sorted_notes)
    version: int = 0
    """Store version the action was read at; 0 for an action not yet stored."""

    def __attrs_post_init__(self) -> None:
        if self.section_id not in SECTION_IDS:
            msg = (
                f"{_describe(self)}: unknown section {self.section_id!r}; "
                f"use one of {', '.join(SECTION_IDS)}"
            )
            raise ActionPlanError(msg)
        if self.number is not None and self.number < 1:
            msg = f"action number {self.number} is invalid; numbers start at 1"
            raise ActionPlanError(msg)
        if self.baseline_score is not None and not 0 <= self.baseline_score <= 100:
            msg = (
                f"{_describe(self)}: baseline score {self.baseline_score} is not between 0 and 100"
            )
            raise ActionPlanError(msg)
        if len(set(self.support_from)) != len(self.support_from):
            msg = f"{_describe(self)}: a support source is listed twice"
            raise ActionPlanError(msg)

    @property
    def is_written(self) -> bool:
        """Whether the action text has been written."""
        return bool(self.text)

    def is_overdue(self, as_of: dt.date) -> bool:
        """Return whether the deadline has passed while the action is still open."""
        return self.deadline is not None and self.deadline < as_of and self.status.is_open

    def status_on(self, day: dt.date) -> ActionStatus:
        """Return the status recorded by the last status note on or before ``day``.

        An action with no status note by then counts as not started.
        """
        status = ActionStatus.NOT_STARTED
        for note in self.notes:
            if note.on > day:
                break
            if note.status is not None:
                status = note.status
        return status

    def fingerprint(self) -> str:
        """Return a short digest of what people edit: content, status and notes.

        An exported copy records each action's fingerprint, so an import can
        tell an action left as exported from one edited in the copy.
        """
        import hashlib
        import json

        edited = [
            self.section_id,
            self.text,
            self.responsible,
            self.deadline.isoformat() if self.deadline else None,
            self.support_required,
            [source.value for source in self.support_from],
            self.status.value,
            [
                [note.on.isoformat(), note.status.value if note.status else None, note.text]
                for note in self.notes
            ],
        ]
        encoded = json.dumps(edited, ensure_ascii=False, separators=(",", ":")).encode()
        return hashlib.sha256(encoded).hexdigest()[:16]

    def same_content(self, other: Action) -> bool:
        """Return whether the fields people edit are equal, ignoring notes and the store version."""
        return attrs.evolve(self, notes=(), version=0) == attrs.evolve(other, notes=(), version=0)


@attrs.frozen
class ActionPlan:
    """The action plan of one exercise at one level, with the baseline of all 13 sections."""

    baselines: tuple[UnitStatus, ...]
    actions: tuple[Action, ...] = ()
    exercise_id: int | None = None
    hub: str | None = None

    def __attrs_post_init__(self) -> None:
        ids = tuple(unit.id for unit in self.baselines)
        if ids != SECTION_IDS:
            msg = f"an action plan needs the baseline of every section in order; got {ids}"
            raise ActionPlanError(msg)
        numbers = [action.number for action in self.actions if action.number is not None]
        repeated = sorted({number for number in numbers if numbers.count(number) > 1})
        if repeated:
            msg = f"action numbers {repeated} are used twice in the plan; number each action once"
            raise ActionPlanError(msg)

    def baseline(self, section_id: str) -> UnitStatus:
        """Return the baseline status and score of one section."""
        for unit in self.baselines:
            if unit.id == section_id:
                return unit
        msg = f"unknown section {section_id!r}; use one of {', '.join(SECTION_IDS)}"
        raise ActionPlanError(msg)

    def action(self, number: int) -> Action:
        """Return the action with this number."""
        for action in self.actions:
            if action.number == number:
                return action
        known = ", ".join(str(a.number) for a in self.actions if a.number is not None) or "none"
        msg = f"the action plan has no action {number}; actions: {known}"
        raise ActionPlanError(msg)

    def next_number(self) -> int:
        """Return the number the next new action gets."""
        numbers = [action.number for action in self.actions if action.number is not None]
        return max(numbers, default=0) + 1

    def sections_needing_action(self) -> tuple[str, ...]:
        """Return the sections rated unsatisfactory or weak, in CCPM order."""
        return tuple(unit.id for unit in self.baselines if unit.status.needs_action)

    def sections_without_action(self) -> tuple[str, ...]:
        """Return the sections that need action but have no written action that is not dropped."""
        covered = {
            action.section_id
            for action in self.actions
            if action.is_written and action.status is not ActionStatus.DROPPED
        }
        needing = self.sections_needing_action()
        return tuple(section for section in needing if section not in covered)

    def add_action(self, section_id: str, **fields: object) -> ActionPlan:
        """Return the plan with a new action for ``section_id``, numbered after the others."""
        baseline = self.baseline(section_id)
        action = Action(
            section_id=section_id,
            baseline_status=baseline.status,
            baseline_score=baseline.score,
            number=self.next_number(),
            **fields,  # type: ignore[arg-type]
        )
        return attrs.evolve(self, actions=(*self.actions, action))

    def replace_action(self, action: Action) -> ActionPlan:
        """Return the plan with the action of the same number replaced by ``action``."""
        if action.number is None:
            msg = "a new action has no number yet; add it with add_action"
            raise ActionPlanError(msg)
        self.action(action.number)
        actions = tuple(action if a.number == action.number else a for a in self.actions)
        return attrs.evolve(self, actions=actions)


def draft_action_plan(
    results: Results, hub: str | None = None, *, exercise_id: int | None = None
) -> ActionPlan:
    """Draft the plan of one level: one action to write per section rated unsatisfactory or weak.

    Raises ActionPlanError when the results have no such level.
    """
    try:
        level = summarise_results(results).level(hub)
    except KeyError as error:
        raise ActionPlanError(error.args[0]) from None
    return draft_from_summary(level, exercise_id=exercise_id)


def draft_from_summary(level: LevelSummary, *, exercise_id: int | None = None) -> ActionPlan:
    """Draft the plan from the section statuses of one level."""
    actions = tuple(
        Action(
            section_id=unit.id,
            baseline_status=unit.status,
            baseline_score=unit.score,
            number=number,
        )
        for number, unit in enumerate(
            (unit for unit in level.sections if unit.status.needs_action), start=1
        )
    )
    return ActionPlan(
        baselines=level.sections, actions=actions, exercise_id=exercise_id, hub=level.hub
    )


def record_progress(
    action: Action, on: dt.date, text: str = "", status: ActionStatus | None = None
) -> Action:
    """Return the action with a progress note added and, when given, its status changed.

    A note needs text or a status change; a status equal to the current one is
    recorded as a plain note.
    """
    if not _clean_text(text) and (status is None or status is action.status):
        msg = f"action {action.number}: a progress note needs text or a new status"
        raise ActionPlanError(msg)

    changed = status if status is not None and status is not action.status else None
    note = ProgressNote(on=on, text=text, status=changed)
    return attrs.evolve(
        action,
        notes=(*action.notes, note),
        status=changed if changed is not None else action.status,
    )
