"""Merge an edited copy of an action plan, such as an imported workbook, into the stored plan.

The rules keep history and other people's work:

- an action may not disappear: to stop one, set its status to dropped;
- stored progress notes may not be removed or changed, only added to;
- baselines come from the results, so they are taken from the stored plan;
- a status changed without a new note gets a note that records the change;
- an action edited in the copy but changed in the store since the copy was
  made is a conflict, because saving it would overwrite the other change;
  an action the copy holds as exported keeps its stored state, whatever
  changed in the store meanwhile.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection

import attrs

from ccpm_core.action_plan import Action, ActionPlan, ActionStatus, ProgressNote
from ccpm_core.exercise_errors import ActionPlanError, ConflictError

__all__ = ["PlanChanges", "merge_edited_plan"]


@attrs.frozen
class PlanChanges:
    """The merged plan and what differs from the stored one."""

    plan: ActionPlan
    changed: tuple[Action, ...]
    """Stored actions with new content or notes; their ``version`` is the stored one."""
    added: tuple[Action, ...]
    """New actions, numbered after the stored ones."""

    @property
    def is_empty(self) -> bool:
        """Whether the copy contains no change."""
        return not self.changed and not self.added


def merge_edited_plan(
    stored: ActionPlan,
    edited: ActionPlan,
    on: dt.date,
    unedited: Collection[int] = (),
) -> PlanChanges:
    """Merge ``edited`` into ``stored``; ``on`` dates the notes that record status changes.

    ``unedited`` numbers the actions that the copy holds exactly as exported
    (see :meth:`~ccpm_core.action_plan.Action.fingerprint`): they keep their
    stored state, so a stale copy only conflicts where it was edited.

    Raises ActionPlanError when the copy belongs to another exercise or level,
    drops an action or a stored note, and ConflictError when an edited action
    changed in the store since the copy was made.
    """
    _check_same_plan(stored, edited)
    edited_by_number = {a.number: a for a in edited.actions if a.number is not None}
    _check_nothing_removed(stored, edited_by_number)

    changed: list[Action] = []
    conflicts: list[str] = []
    merged_actions: list[Action] = []
    for old in stored.actions:
        assert old.number is not None
        if old.number in unedited:
            merged_actions.append(old)
            continue
        new = _merge_action(stored, old, edited_by_number[old.number], on)
        if new == old:
            merged_actions.append(old)
            continue
        if edited_by_number[old.number].version != old.version:
            conflicts.append(
                f"action {old.number} (section {old.section_id}) was read at version "
                f"{edited_by_number[old.number].version} but is now at version {old.version}"
            )
        changed.append(new)
        merged_actions.append(new)

    if conflicts:
        msg = (
            "these actions were changed by someone else after the copy was made: "
            + "; ".join(conflicts)
            + ". Export the plan again and redo these edits"
        )
        raise ConflictError(msg)

    unknown = sorted(set(edited_by_number) - {a.number for a in stored.actions})
    if unknown:
        msg = (
            f"actions {unknown} are not in the stored plan; leave the number empty for a new action"
        )
        raise ActionPlanError(msg)

    added = _number_new_actions(stored, edited, on)
    plan = attrs.evolve(stored, actions=(*merged_actions, *added))
    return PlanChanges(plan=plan, changed=tuple(changed), added=added)


def _check_same_plan(stored: ActionPlan, edited: ActionPlan) -> None:
    if edited.exercise_id != stored.exercise_id:
        msg = (
            f"the edited plan belongs to exercise {edited.exercise_id}, not to exercise "
            f"{stored.exercise_id}; import it into its own exercise"
        )
        raise ActionPlanError(msg)
    if edited.hub != stored.hub:
        msg = (
            f"the edited plan is for level {edited.hub or 'national'!r}, the stored one for "
            f"{stored.hub or 'national'!r}"
        )
        raise ActionPlanError(msg)


def _check_nothing_removed(stored: ActionPlan, edited_by_number: dict[int, Action]) -> None:
    missing = [a for a in stored.actions if a.number not in edited_by_number]
    if missing:
        listed = ", ".join(f"{a.number} (section {a.section_id})" for a in missing)
        msg = (
            f"actions {listed} are missing from the edited plan; keep every action and "
            "set its status to dropped to stop it"
        )
        raise ActionPlanError(msg)


def _merge_action(stored: ActionPlan, old: Action, new: Action, on: dt.date) -> Action:
    added_notes = _added_notes(old, new)
    baseline = stored.baseline(new.section_id)
    status = new.status
    if status is old.status:
        status_notes = [note.status for note in added_notes if note.status is not None]
        status = status_notes[-1] if status_notes else old.status
    elif not any(note.status is status for note in added_notes):
        added_notes.append(
            ProgressNote(
                on=on,
                text=f"Status changed from {old.status.label.lower()} to {status.label.lower()}.",
                status=status,
            )
        )

    return attrs.evolve(
        new,
        baseline_status=baseline.status,
        baseline_score=baseline.score,
        status=status,
        notes=(*old.notes, *added_notes),
        version=old.version,
    )


def _added_notes(old: Action, new: Action) -> list[ProgressNote]:
    remaining = Counter(new.notes)
    remaining.subtract(Counter(old.notes))
    removed = [note for note, count in remaining.items() if count < 0]
    if removed:
        first = removed[0]
        msg = (
            f"action {old.number}: the progress note of {first.on} ({first.text[:40]!r}) "
            "is missing or changed; notes are history, so add a new note instead"
        )
        raise ActionPlanError(msg)

    # Keep the new notes in the order of the edited copy.
    added: list[ProgressNote] = []
    for note in new.notes:
        if remaining[note] > 0:
            added.append(note)
            remaining[note] -= 1
    return added


def _number_new_actions(stored: ActionPlan, edited: ActionPlan, on: dt.date) -> tuple[Action, ...]:
    number = stored.next_number()
    added: list[Action] = []
    for action in edited.actions:
        if action.number is not None:
            continue
        baseline = stored.baseline(action.section_id)
        notes = list(action.notes)
        if action.status is not ActionStatus.NOT_STARTED and not any(
            note.status is action.status for note in notes
        ):
            notes.append(
                ProgressNote(
                    on=on, text=f"Added as {action.status.label.lower()}.", status=action.status
                )
            )
        added.append(
            attrs.evolve(
                action,
                number=number,
                baseline_status=baseline.status,
                baseline_score=baseline.score,
                notes=tuple(notes),
                version=0,
            )
        )
        number += 1
    return tuple(added)
