"""``ccpm action-plan``: draft the plan from the results, edit it as a workbook, track progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ccpm_plugins.cli.inputs import (
    ResponseInputCommand,
    load_questionnaire_option,
    read_responses,
    response_input_options,
)
from ccpm_plugins.cli.plain_text import plural
from ccpm_plugins.cli.scoring_options import partners_only_option, strategy_option
from ccpm_plugins.cli.store_options import DATE, open_store_option, store_option, today_utc

if TYPE_CHECKING:
    from ccpm_core.action_plan import ActionPlan
    from ccpm_core.exercise import Exercise
    from ccpm_core.questionnaire import Questionnaire
    from ccpm_core.results import Results

__all__ = ["action_plan", "format_action_plan"]

STATUS_CHOICES = ("not-started", "in-progress", "done", "dropped")
SUPPORT_CHOICES = (
    "hc-hct",
    "cluster-lead-agency",
    "ocha",
    "global-cluster",
    "national-authorities",
    "partners",
)

_EDITING = "the action plan can be edited"


@click.group("action-plan")
def action_plan() -> None:
    """Draft, edit and follow the action plan of an exercise.

    The plan is drafted from the results with one action to write per section
    rated unsatisfactory or weak. Edit it here or in a workbook (export, edit,
    import), and record progress with dated notes.
    """


def _check_stage(record: Exercise, action: str, *stages: str) -> None:
    """Raise TransitionError unless the exercise is in one of ``stages`` (stage values)."""
    from ccpm_core.exercise_errors import TransitionError

    if record.stage.value in stages:
        return
    allowed = " or ".join(stage.replace("_", "-") for stage in stages)
    msg = (
        f"exercise {record.id} is in the {record.stage.label.lower()} stage; "
        f"{action} only in the {allowed} stage"
    )
    raise TransitionError(msg)


def _score_for_exercise(
    record: Exercise,
    input_path: str | None,
    source_name: str | None,
    questionnaire: Questionnaire,
    strategy: str,
    partners_only: bool,
    source_options: dict[str, Any],
) -> Results:
    from ccpm_core.errors import InputError
    from ccpm_core.scoring import score

    recorded = (record.questionnaire_id, record.questionnaire_version)
    if record.questionnaire_id and recorded != (questionnaire.id, questionnaire.version):
        msg = (
            f"exercise {record.id} uses questionnaire {recorded[0]} {recorded[1]}, but the "
            f"responses were matched to {questionnaire.id} {questionnaire.version}; pass "
            "the exercise's questionnaire with --questionnaire"
        )
        raise InputError(msg)
    responses = read_responses(input_path, source_name, questionnaire, source_options)
    return score(responses, strategy, partners_only=partners_only)


@action_plan.command("draft", cls=ResponseInputCommand)
@click.argument("exercise_id", type=int)
@response_input_options
@strategy_option
@partners_only_option
@store_option
def draft(
    exercise_id: int,
    input_path: str | None,
    source_name: str | None,
    questionnaire_path: Path | None,
    strategy: str,
    partners_only: bool,
    store_location: str | None,
    **source_options: Any,
) -> None:
    """Score INPUT, store the results, and draft the action plan of the exercise.

    One action is drafted, still to be written, for each section rated
    unsatisfactory or weak at the exercise's level.
    """
    from ccpm_core.action_plan import draft_action_plan

    questionnaire = load_questionnaire_option(questionnaire_path)
    with open_store_option(store_location) as store:
        record = store.exercise(exercise_id)
        _check_stage(record, "the action plan is drafted", "analysis")
        results = _score_for_exercise(
            record,
            input_path,
            source_name,
            questionnaire,
            strategy,
            partners_only,
            source_options,
        )
        plan = draft_action_plan(results, record.hub, exercise_id=exercise_id)
        now = dt.datetime.now(dt.UTC)
        store.add_results(exercise_id, results.to_dict(), now)
        stored = store.add_action_plan(plan, now)

    sections = ", ".join(action.section_id for action in stored.actions) or "none"
    drafted = plural(len(stored.actions), "action")
    click.echo(
        f"Action plan of exercise {exercise_id} drafted with {drafted} "
        f"to write (sections {sections}); results stored."
    )


@action_plan.command("show")
@click.argument("exercise_id", type=int)
@click.option("--as-of", type=DATE, help="Mark overdue actions as of this day (default: today).")
@store_option
def show(exercise_id: int, as_of: dt.datetime | None, store_location: str | None) -> None:
    """Print the action plan of an exercise."""
    with open_store_option(store_location) as store:
        plan = _stored_plan(store, exercise_id)
    day = as_of.date() if as_of else today_utc()
    click.echo(format_action_plan(plan, day), nl=False)


def _stored_plan(store: Any, exercise_id: int) -> ActionPlan:
    from ccpm_core.exercise_errors import NotFoundError

    plan: ActionPlan | None = store.action_plan(exercise_id)
    if plan is None:
        msg = (
            f"exercise {exercise_id} has no action plan; draft one with "
            f"`ccpm action-plan draft {exercise_id} RESPONSES`"
        )
        raise NotFoundError(msg)
    return plan


def format_action_plan(plan: ActionPlan, as_of: dt.date) -> str:
    """Format the plan as plain text, one block per action."""
    lines = [f"Action plan of exercise {plan.exercise_id} ({plan.hub or 'national'})"]
    for action in plan.actions:
        score = "" if action.baseline_score is None else f" {action.baseline_score:.1f}%"
        overdue = "  OVERDUE" if action.is_overdue(as_of) else ""
        lines += [
            "",
            f"{action.number}. Section {action.section_id} (baseline "
            f"{action.baseline_status.value}{score}): {action.status.label}{overdue}",
            f"   Action: {action.text or '(to be written)'}",
        ]
        if action.responsible:
            lines.append(f"   Responsible: {action.responsible}")
        if action.deadline:
            lines.append(f"   Deadline: {action.deadline}")
        if action.support_required or action.support_from:
            sources = ", ".join(source.label for source in action.support_from)
            lines.append(f"   Support: {action.support_required} [{sources}]")
        for note in action.notes:
            status = f" [{note.status.label.lower()}]" if note.status else ""
            lines.append(f"   {note.on}{status} {note.text}")
    missing = plan.sections_without_action()
    if missing:
        lines += ["", f"Sections still without a written action: {', '.join(missing)}"]
    return "\n".join(lines) + "\n"


@action_plan.command("export")
@click.argument("exercise_id", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Workbook file to write (.xlsx).",
)
@store_option
def export(exercise_id: int, output: Path, store_location: str | None) -> None:
    """Write the action plan as an editable XLSX workbook."""
    from ccpm_core.errors import InputError
    from ccpm_plugins.workbooks.action_plan_xlsx import write_action_plan_workbook

    if output.suffix.lower() != ".xlsx":
        msg = f"{output}: the action-plan workbook is an .xlsx file; name it so"
        raise InputError(msg)
    with open_store_option(store_location) as store:
        plan = _stored_plan(store, exercise_id)
    write_action_plan_workbook(plan, output)
    click.echo(f"Action plan written to {output}", err=True)


@action_plan.command("import")
@click.argument("exercise_id", type=int)
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--on",
    "on_date",
    type=DATE,
    help="Date of the notes that record status changes (default: today).",
)
@store_option
def import_workbook(
    exercise_id: int, workbook: Path, on_date: dt.datetime | None, store_location: str | None
) -> None:
    """Save the edits of an action-plan workbook into the store.

    Every action must still be there (drop one by setting its status), stored
    notes must be unchanged, and an action edited in the workbook must not
    have been changed by someone else since the export.
    """
    from ccpm_core.action_plan_merge import merge_edited_plan
    from ccpm_plugins.workbooks.action_plan_xlsx import read_action_plan_workbook, unedited_actions

    edited = read_action_plan_workbook(workbook)
    unedited = unedited_actions(workbook, edited)
    day = on_date.date() if on_date else today_utc()
    with open_store_option(store_location) as store:
        _check_stage(store.exercise(exercise_id), _EDITING, "analysis", "follow_up")
        stored = _stored_plan(store, exercise_id)
        changes = merge_edited_plan(stored, edited, day, unedited)
        if changes.is_empty:
            click.echo(f"{workbook}: no change to the action plan.", err=True)
            return
        store.save_plan_changes(exercise_id, changes)
    changed = plural(len(changes.changed), "action")
    click.echo(
        f"{workbook}: {changed} changed, {len(changes.added)} added.",
        err=True,
    )


_edit_options = [
    click.option("--text", help="The action."),
    click.option("--responsible", help="Person or body responsible."),
    click.option("--deadline", type=DATE, help="Deadline, YYYY-MM-DD."),
    click.option("--support-required", help="Support required, free text."),
    click.option(
        "--support-from",
        multiple=True,
        type=click.Choice(SUPPORT_CHOICES),
        help="Body asked for support; repeat for several. Replaces the recorded ones.",
    ),
]


def _with_edit_options(function: Any) -> Any:
    for decorator in reversed(_edit_options):
        function = decorator(function)
    return function


def _edits(
    text: str | None,
    responsible: str | None,
    deadline: dt.datetime | None,
    support_required: str | None,
    support_from: tuple[str, ...],
) -> dict[str, Any]:
    from ccpm_core.action_plan import SupportSource

    fields: dict[str, Any] = {}
    if text is not None:
        if not text.strip():
            msg = "the action text cannot be empty; give the action, such as --text 'Map partners'"
            raise click.BadParameter(msg, param_hint="--text")
        fields["text"] = text
    if responsible is not None:
        fields["responsible"] = responsible
    if deadline is not None:
        fields["deadline"] = deadline.date()
    if support_required is not None:
        fields["support_required"] = support_required
    if support_from:
        fields["support_from"] = tuple(
            dict.fromkeys(SupportSource(value.replace("-", "_")) for value in support_from)
        )
    return fields


@action_plan.command("update")
@click.argument("exercise_id", type=int)
@click.argument("number", type=int)
@_with_edit_options
@click.option("--status", type=click.Choice(STATUS_CHOICES), help="New progress status.")
@click.option("--note", default="", help="Progress note, dated --on.")
@click.option("--on", "on_date", type=DATE, help="Date of the note (default: today).")
@store_option
def update(
    exercise_id: int,
    number: int,
    text: str | None,
    responsible: str | None,
    deadline: dt.datetime | None,
    support_required: str | None,
    support_from: tuple[str, ...],
    status: str | None,
    note: str,
    on_date: dt.datetime | None,
    store_location: str | None,
) -> None:
    """Change action NUMBER of the plan, or record its progress with a dated note."""
    import attrs

    from ccpm_core.action_plan import ActionStatus, record_progress

    fields = _edits(text, responsible, deadline, support_required, support_from)
    new_status = ActionStatus(status.replace("-", "_")) if status else None
    if not fields and new_status is None and not note.strip():
        msg = "give at least one change, such as --status, --note or --responsible"
        raise click.UsageError(msg)

    with open_store_option(store_location) as store:
        _check_stage(store.exercise(exercise_id), _EDITING, "analysis", "follow_up")
        action = _stored_plan(store, exercise_id).action(number)
        changed = attrs.evolve(action, **fields)
        if new_status is not None or note.strip():
            day = on_date.date() if on_date else today_utc()
            changed = record_progress(changed, day, note, new_status)
        saved = store.save_action(exercise_id, changed)
    click.echo(f"Action {saved.number} of exercise {exercise_id} saved ({saved.status.label}).")


@action_plan.command("add")
@click.argument("exercise_id", type=int)
@click.argument("section")
@_with_edit_options
@store_option
def add(
    exercise_id: int,
    section: str,
    text: str | None,
    responsible: str | None,
    deadline: dt.datetime | None,
    support_required: str | None,
    support_from: tuple[str, ...],
    store_location: str | None,
) -> None:
    """Add an action for SECTION (such as 2.2) to the plan."""
    from ccpm_core.action_plan import Action

    fields = _edits(text, responsible, deadline, support_required, support_from)
    with open_store_option(store_location) as store:
        _check_stage(store.exercise(exercise_id), _EDITING, "analysis", "follow_up")
        plan = _stored_plan(store, exercise_id)
        baseline = plan.baseline(section)
        action = Action(
            section_id=section,
            baseline_status=baseline.status,
            baseline_score=baseline.score,
            **fields,
        )
        saved = store.save_action(exercise_id, action)
    click.echo(f"Action {saved.number} added to exercise {exercise_id} for section {section}.")


@action_plan.command("report", cls=ResponseInputCommand)
@click.argument("exercise_id", type=int)
@response_input_options
@strategy_option
@partners_only_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Report file; its ending picks the format (.docx or .md).",
)
@click.option(
    "--date",
    "report_date",
    type=DATE,
    help="Report date for the cover, YYYY-MM-DD (default: today).",
)
@click.option("--survey-period", default="", help="Survey period for the cover, free text.")
@store_option
def report(
    exercise_id: int,
    input_path: str | None,
    source_name: str | None,
    questionnaire_path: Path | None,
    strategy: str,
    partners_only: bool,
    output: Path,
    report_date: dt.datetime | None,
    survey_period: str,
    store_location: str | None,
    **source_options: Any,
) -> None:
    """Write the final report: the preliminary report of INPUT with the action plan appended."""
    from ccpm_core.followup_report import build_final_report
    from ccpm_core.report_builder import ReportMetadata
    from ccpm_plugins import plugin_host

    questionnaire = load_questionnaire_option(questionnaire_path)
    with open_store_option(store_location) as store:
        record = store.exercise(exercise_id)
        plan = _stored_plan(store, exercise_id)
    results = _score_for_exercise(
        record,
        input_path,
        source_name,
        questionnaire,
        strategy,
        partners_only,
        source_options,
    )
    metadata = ReportMetadata(
        cluster=record.cluster,
        country=record.country,
        date=report_date.date() if report_date else today_utc(),
        survey_period=survey_period,
    )
    model = build_final_report(results, questionnaire, plan, metadata)
    written = plugin_host().renderer_for_file(output.name).render(model, output)
    click.echo(f"Final report written to {written[0]}", err=True)
