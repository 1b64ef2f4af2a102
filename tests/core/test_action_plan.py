"""Action plans: drafting from results, validation, progress notes and merging edited copies."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from exercise_fixtures import baselines, empty_plan
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.action_plan import (
    Action,
    ActionPlan,
    ActionStatus,
    ProgressNote,
    SupportSource,
    draft_action_plan,
    record_progress,
)
from ccpm_core.action_plan_merge import merge_edited_plan
from ccpm_core.exercise_errors import ActionPlanError, ConflictError
from ccpm_core.framework import SECTION_IDS, Status
from ccpm_core.scoring import score

WEAK = {"2.2": Status.WEAK, "5": Status.UNSATISFACTORY}
DAY = dt.date(2027, 1, 10)


def stored_plan() -> ActionPlan:
    """Return a plan as the store gives it: numbered actions at version 1."""
    plan = (
        empty_plan(WEAK)
        .add_action("2.2", text="Hold a joint analysis workshop", responsible="IMO")
        .add_action("5", text="Publish a monthly dashboard")
    )
    return attrs.evolve(plan, actions=tuple(attrs.evolve(a, version=1) for a in plan.actions))


def test_draft_from_results_one_action_per_weak_section() -> None:
    questionnaire = small_questionnaire()
    weak_partner = {"instrument": "partner", "p111": "0", "p112": "1", "p121": "4", "p51": "2"}
    results = score(response_set(questionnaire, [weak_partner]))

    plan = draft_action_plan(results, exercise_id=4)

    assert [a.section_id for a in plan.actions] == ["1.1", "5"]
    assert [a.number for a in plan.actions] == [1, 2]
    assert plan.actions[0].baseline_status is Status.WEAK
    assert plan.actions[0].baseline_score == 12.5
    assert plan.actions[1].baseline_status is Status.UNSATISFACTORY
    assert plan.actions[1].baseline_score == 50.0
    assert plan.exercise_id == 4
    assert [unit.id for unit in plan.baselines] == list(SECTION_IDS)


def test_draft_leaves_actions_to_write() -> None:
    questionnaire = small_questionnaire()
    results = score(response_set(questionnaire, [{"instrument": "partner", "p111": "0"}]))

    plan = draft_action_plan(results)

    assert plan.actions[0].text == ""
    assert plan.actions[0].status is ActionStatus.NOT_STARTED
    assert plan.sections_without_action() == ("1.1",)


def test_draft_for_missing_level() -> None:
    questionnaire = small_questionnaire()
    results = score(response_set(questionnaire, [{"instrument": "partner", "p111": "0"}]))

    with pytest.raises(ActionPlanError, match="no hub 'East'"):
        draft_action_plan(results, "East")


def test_draft_rounds_scores_to_hundredths() -> None:
    questionnaire = small_questionnaire()
    rows = [
        {"instrument": "partner", "p111": "1", "p112": "1", "p113": "0"},
    ]
    plan = draft_action_plan(score(response_set(questionnaire, rows)))

    assert plan.actions[0].baseline_score == 16.67


def test_action_text_cleaned() -> None:
    action = Action("2.2", Status.WEAK, 20.0, text="  First line\r\nsecond\rthird  ")

    assert action.text == "First line\nsecond\nthird"


def test_action_rejects_control_character() -> None:
    with pytest.raises(ActionPlanError, match="U\\+0007"):
        Action("2.2", Status.WEAK, 20.0, number=3, text="bell\x07")


def test_action_rejects_unknown_section() -> None:
    with pytest.raises(ActionPlanError, match="unknown section '8'"):
        Action("8", Status.WEAK, 20.0)


def test_action_rejects_date_out_of_range() -> None:
    with pytest.raises(ActionPlanError, match="deadline 1899-12-31 is out of range"):
        Action("2.2", Status.WEAK, 20.0, deadline=dt.date(1899, 12, 31))


def test_action_rejects_too_long_text() -> None:
    with pytest.raises(ActionPlanError, match="32768 characters"):
        Action("2.2", Status.WEAK, 20.0, responsible="x" * 32_768)


def test_action_rejects_repeated_support_source() -> None:
    with pytest.raises(ActionPlanError, match="listed twice"):
        Action("2.2", Status.WEAK, 20.0, support_from=(SupportSource.OCHA, SupportSource.OCHA))


def test_plan_rejects_repeated_numbers() -> None:
    action = Action("2.2", Status.WEAK, 20.0, number=1)

    with pytest.raises(ActionPlanError, match=r"\[1\] are used twice"):
        ActionPlan(baselines=baselines(WEAK), actions=(action, action))


def test_plan_needs_all_baselines() -> None:
    with pytest.raises(ActionPlanError, match="baseline of every section"):
        ActionPlan(baselines=baselines()[:5])


def test_notes_sorted_by_date_keeping_order() -> None:
    first = ProgressNote(dt.date(2027, 2, 1), "b")
    second = ProgressNote(dt.date(2027, 1, 1), "a")
    third = ProgressNote(dt.date(2027, 2, 1), "c")

    action = Action("2.2", Status.WEAK, 20.0, notes=(first, second, third))

    assert [note.text for note in action.notes] == ["a", "b", "c"]


def test_record_progress_changes_status() -> None:
    action = stored_plan().action(1)

    moved = record_progress(action, DAY, "Workshop booked", ActionStatus.IN_PROGRESS)

    assert moved.status is ActionStatus.IN_PROGRESS
    assert moved.notes[-1] == ProgressNote(DAY, "Workshop booked", ActionStatus.IN_PROGRESS)


def test_record_progress_same_status_is_plain_note() -> None:
    action = stored_plan().action(1)

    moved = record_progress(action, DAY, "Still waiting", ActionStatus.NOT_STARTED)

    assert moved.notes[-1].status is None


def test_record_progress_needs_text_or_status() -> None:
    with pytest.raises(ActionPlanError, match="needs text or a new status"):
        record_progress(stored_plan().action(1), DAY, "  ")


def test_status_on_follows_notes() -> None:
    action = record_progress(stored_plan().action(1), DAY, "", ActionStatus.IN_PROGRESS)
    action = record_progress(action, dt.date(2027, 3, 1), "", ActionStatus.DONE)

    assert action.status_on(dt.date(2027, 1, 9)) is ActionStatus.NOT_STARTED
    assert action.status_on(DAY) is ActionStatus.IN_PROGRESS
    assert action.status_on(dt.date(2027, 3, 2)) is ActionStatus.DONE


def test_overdue_only_while_open() -> None:
    action = attrs.evolve(stored_plan().action(1), deadline=dt.date(2027, 1, 1))

    assert action.is_overdue(DAY)
    assert not attrs.evolve(action, status=ActionStatus.DONE).is_overdue(DAY)
    assert not action.is_overdue(dt.date(2027, 1, 1))


def test_plan_unknown_action() -> None:
    with pytest.raises(ActionPlanError, match="no action 9; actions: 1, 2"):
        stored_plan().action(9)


def test_merge_unchanged_copy_is_empty() -> None:
    plan = stored_plan()

    changes = merge_edited_plan(plan, plan, DAY)

    assert changes.is_empty
    assert changes.plan == plan


def test_merge_edit_keeps_stored_version() -> None:
    plan = stored_plan()
    edited = plan.replace_action(attrs.evolve(plan.action(1), responsible="Health IMO"))

    changes = merge_edited_plan(plan, edited, DAY)

    assert [a.number for a in changes.changed] == [1]
    assert changes.changed[0].responsible == "Health IMO"
    assert changes.changed[0].version == 1


def test_merge_status_change_adds_note() -> None:
    plan = stored_plan()
    edited = plan.replace_action(attrs.evolve(plan.action(2), status=ActionStatus.DONE))

    changes = merge_edited_plan(plan, edited, DAY)

    note = changes.changed[0].notes[-1]
    assert note == ProgressNote(DAY, "Status changed from not started to done.", ActionStatus.DONE)


def test_merge_note_with_status_sets_status() -> None:
    plan = stored_plan()
    note = ProgressNote(dt.date(2027, 1, 5), "Started", ActionStatus.IN_PROGRESS)
    edited = plan.replace_action(attrs.evolve(plan.action(2), notes=(note,)))

    changes = merge_edited_plan(plan, edited, DAY)

    assert changes.changed[0].status is ActionStatus.IN_PROGRESS
    assert changes.changed[0].notes == (note,)


def test_merge_conflict_on_changed_stored_action() -> None:
    plan = stored_plan()
    edited = plan.replace_action(attrs.evolve(plan.action(1), text="Another workshop"))
    newer = plan.replace_action(attrs.evolve(plan.action(1), version=2))

    with pytest.raises(
        ConflictError, match=r"action 1 .* read at version 1 but is now at version 2"
    ):
        merge_edited_plan(newer, edited, DAY)


def test_merge_keeps_stored_unedited_action() -> None:
    plan = stored_plan()
    newer = plan.replace_action(
        attrs.evolve(plan.action(1), responsible="Someone else", version=2)
    )
    edited = plan.replace_action(attrs.evolve(plan.action(2), text="Map partners"))

    changes = merge_edited_plan(newer, edited, DAY, unedited={1})

    assert changes.plan.action(1).responsible == "Someone else"
    assert changes.plan.action(2).text == "Map partners"
    assert [action.number for action in changes.changed] == [2]


def test_fingerprint_follows_edits() -> None:
    action = stored_plan().action(1)

    assert action.fingerprint() == attrs.evolve(action, version=7).fingerprint()
    assert action.fingerprint() != attrs.evolve(action, text="Other").fingerprint()


def test_merge_no_conflict_on_untouched_action() -> None:
    plan = stored_plan()
    newer = plan.replace_action(attrs.evolve(plan.action(1), version=2))

    assert merge_edited_plan(newer, plan, DAY).is_empty


def test_merge_rejects_removed_action() -> None:
    plan = stored_plan()
    edited = attrs.evolve(plan, actions=plan.actions[:1])

    with pytest.raises(ActionPlanError, match=r"actions 2 \(section 5\) are missing"):
        merge_edited_plan(plan, edited, DAY)


def test_merge_rejects_removed_note() -> None:
    plan = stored_plan()
    noted = plan.replace_action(record_progress(plan.action(1), DAY, "Booked"))

    with pytest.raises(ActionPlanError, match=r"note of 2027-01-10 .* is missing or changed"):
        merge_edited_plan(noted, plan, DAY)


def test_merge_numbers_new_actions() -> None:
    plan = stored_plan()
    new = Action("7", Status.GOOD, None, text="Set up a feedback line")
    edited = attrs.evolve(plan, actions=(*plan.actions, new))

    changes = merge_edited_plan(plan, edited, DAY)

    assert changes.added[0].number == 3
    assert changes.added[0].baseline_score == 80.0
    assert changes.plan.action(3).text == "Set up a feedback line"


def test_merge_takes_baseline_from_store() -> None:
    plan = stored_plan()
    edited = plan.replace_action(attrs.evolve(plan.action(1), baseline_score=99.0))

    assert merge_edited_plan(plan, edited, DAY).is_empty


def test_merge_rejects_other_exercise() -> None:
    plan = stored_plan()

    with pytest.raises(ActionPlanError, match="belongs to exercise 8, not to exercise 7"):
        merge_edited_plan(plan, attrs.evolve(plan, exercise_id=8), DAY)


def test_merge_rejects_unknown_number() -> None:
    plan = stored_plan()
    stranger = Action("5", Status.UNSATISFACTORY, 40.0, number=12, text="x")
    edited = attrs.evolve(plan, actions=(*plan.actions, stranger))

    with pytest.raises(ActionPlanError, match=r"actions \[12\] are not in the stored plan"):
        merge_edited_plan(plan, edited, DAY)
