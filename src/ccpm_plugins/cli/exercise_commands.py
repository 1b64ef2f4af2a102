"""``ccpm exercise``: create exercises, move them through their stages, see when they are due."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ccpm_plugins.cli.plain_text import plural
from ccpm_plugins.cli.store_options import (
    DATE,
    author_option,
    default_author,
    open_store_option,
    parse_time,
    store_option,
    today_utc,
)

if TYPE_CHECKING:
    from ccpm_core.exercise import Exercise
    from ccpm_core.results_summary import LevelSummary
    from ccpm_core.timing import DueStatus
    from ccpm_plugins.store import ExerciseStore

__all__ = ["exercise", "exercise_document", "format_exercise"]

TRIGGER_CHOICES = ("new-emergency", "protracted-crisis", "confirmed-weakening")
STAGE_CHOICES = ("survey", "analysis", "follow-up", "closed")


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


@click.group()
def exercise() -> None:
    """Create CCPM exercises, move them through their stages, and see when they are due.

    The stages are planning, survey, analysis (and action plan), follow-up and
    closed. Exercises live in the exercise store (see --store).
    """


_schedule_options = [
    click.option("--planned-start", type=DATE, help="Planned start, YYYY-MM-DD."),
    click.option("--planned-survey-open", type=DATE, help="Planned survey opening, YYYY-MM-DD."),
    click.option("--planned-survey-close", type=DATE, help="Planned survey close, YYYY-MM-DD."),
    click.option(
        "--planned-end",
        type=DATE,
        help="Planned adoption of the final report and action plan, YYYY-MM-DD.",
    ),
]


def _with_schedule_options(function: Any) -> Any:
    for decorator in reversed(_schedule_options):
        function = decorator(function)
    return function


@exercise.command("new")
@click.option("--cluster", required=True, help="Cluster name, such as 'Health'.")
@click.option("--country", required=True, help="Country or operation.")
@click.option("--hub", help="Sub-national hub; leave out for the national level.")
@click.option(
    "--national",
    "national_id",
    type=int,
    help="Id of the national exercise that this hub exercise belongs to.",
)
@click.option("--lead-agency", default="", help="Cluster lead agency.")
@click.option(
    "--focal-point", "focal_points", multiple=True, help="Focal point; repeat for several."
)
@click.option(
    "--trigger",
    type=click.Choice(TRIGGER_CHOICES),
    required=True,
    help="Why the exercise runs now.",
)
@click.option(
    "--since",
    type=DATE,
    help=(
        "Onset of the new emergency, end of the last CCPM of a protracted crisis, or "
        "the day a weakening was confirmed; YYYY-MM-DD."
    ),
)
@click.option(
    "--questionnaire",
    "questionnaire_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Questionnaire file to record (default: the standard questionnaire).",
)
@click.option("--backend", default="", help="Survey source that will hold the responses.")
@click.option("--link", default="", help="Survey link partners open, once deployed.")
@_with_schedule_options
@click.option("--note", default="", help="Note on the decision to run the exercise.")
@click.option("--at", "at_text", metavar="TIME", help="Time of the decision (default: now).")
@author_option
@store_option
def new(
    cluster: str,
    country: str,
    hub: str | None,
    national_id: int | None,
    lead_agency: str,
    focal_points: tuple[str, ...],
    trigger: str,
    since: dt.datetime | None,
    questionnaire_path: Path | None,
    backend: str,
    link: str,
    planned_start: dt.datetime | None,
    planned_survey_open: dt.datetime | None,
    planned_survey_close: dt.datetime | None,
    planned_end: dt.datetime | None,
    note: str,
    at_text: str | None,
    author: str | None,
    store_location: str | None,
) -> None:
    """Record a new exercise in the planning stage."""
    from ccpm_core.exercise import Schedule, Trigger, TriggerKind, new_exercise
    from ccpm_plugins.cli.inputs import load_questionnaire_option

    questionnaire = load_questionnaire_option(questionnaire_path)
    record = new_exercise(
        cluster,
        country,
        Trigger(TriggerKind(trigger.replace("-", "_")), _date(since)),
        at=parse_time(at_text, past_only=True),
        by=default_author(author),
        note=note,
        hub=hub,
        national_id=national_id,
        lead_agency=lead_agency,
        focal_points=focal_points,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        survey_backend=backend,
        survey_link=link,
        schedule=Schedule(
            start=_date(planned_start),
            survey_open=_date(planned_survey_open),
            survey_close=_date(planned_survey_close),
            end=_date(planned_end),
        ),
    )
    with open_store_option(store_location) as store:
        stored = store.add_exercise(record)
    click.echo(
        f"Exercise {stored.id} created: {stored.cluster}, {stored.country}, "
        f"{stored.level}; stage planning."
    )


@exercise.command("edit")
@click.argument("exercise_id", type=int)
@click.option("--lead-agency", help="Cluster lead agency.")
@click.option(
    "--focal-point",
    "focal_points",
    multiple=True,
    help="Focal point; repeat for several. Replaces the recorded ones.",
)
@click.option("--backend", help="Name of the survey source that stores the responses.")
@click.option("--link", help="Survey link partners open.")
@_with_schedule_options
@store_option
def edit(
    exercise_id: int,
    lead_agency: str | None,
    focal_points: tuple[str, ...],
    backend: str | None,
    link: str | None,
    planned_start: dt.datetime | None,
    planned_survey_open: dt.datetime | None,
    planned_survey_close: dt.datetime | None,
    planned_end: dt.datetime | None,
    store_location: str | None,
) -> None:
    """Change the lead agency, focal points, survey backend and link, or planned dates."""
    import attrs

    from ccpm_core.exercise import Stage
    from ccpm_core.exercise_errors import ExerciseError

    with open_store_option(store_location) as store:
        record = store.exercise(exercise_id)
        if record.stage is Stage.CLOSED:
            msg = f"exercise {exercise_id} is closed, so its record no longer changes"
            raise ExerciseError(msg)
        schedule = record.schedule
        schedule = attrs.evolve(
            schedule,
            start=_date(planned_start) or schedule.start,
            survey_open=_date(planned_survey_open) or schedule.survey_open,
            survey_close=_date(planned_survey_close) or schedule.survey_close,
            end=_date(planned_end) or schedule.end,
        )
        changed = attrs.evolve(
            record,
            lead_agency=lead_agency.strip() if lead_agency is not None else record.lead_agency,
            focal_points=tuple(p.strip() for p in focal_points if p.strip()) or record.focal_points,
            survey_backend=backend.strip() if backend is not None else record.survey_backend,
            survey_link=link.strip() if link is not None else record.survey_link,
            schedule=schedule,
        )
        if changed == record:
            click.echo(f"Exercise {exercise_id}: nothing to change.", err=True)
            return
        store.save_exercise(changed)
    click.echo(f"Exercise {exercise_id} updated.")


@exercise.command("list")
@click.option("--cluster", help="Only exercises of this cluster.")
@click.option("--country", help="Only exercises in this country.")
@click.option(
    "--stage",
    type=click.Choice(["planning", "survey", "analysis", "follow-up", "closed"]),
    help="Only exercises in this stage.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for reading, json for scripts.",
)
@store_option
def list_exercises(
    cluster: str | None,
    country: str | None,
    stage: str | None,
    output_format: str,
    store_location: str | None,
) -> None:
    """List the exercises in the store."""
    from ccpm_core.exercise import Stage

    with open_store_option(store_location) as store:
        found = store.exercises(
            cluster=cluster,
            country=country,
            stage=Stage(stage.replace("-", "_")) if stage else None,
        )

    if output_format == "json":
        document = {"exercises": [exercise_document(record) for record in found]}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("No exercises in the store.")
        return
    click.echo(f"{'Id':>4}  {'Cluster':<16} {'Country':<16} {'Level':<18} {'Stage':<10} Created")
    for record in found:
        click.echo(
            f"{record.id:>4}  {record.cluster[:16]:<16} {record.country[:16]:<16} "
            f"{record.level[:18]:<18} {record.stage.value:<10} "
            f"{record.created_at.date().isoformat()}"
        )


@exercise.command("show")
@click.argument("exercise_id", type=int)
@click.option("--as-of", type=DATE, help="Judge timing on this day, YYYY-MM-DD (default: today).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for reading, json for scripts.",
)
@store_option
def show(
    exercise_id: int,
    as_of: dt.datetime | None,
    output_format: str,
    store_location: str | None,
) -> None:
    """Show an exercise: its facts, stage history, timing, counts and action plan."""
    from ccpm_core.timing import exercise_due, exercise_warnings

    day = _date(as_of) or today_utc()
    with open_store_option(store_location) as store:
        record = store.exercise(exercise_id)
        snapshots = store.snapshots(exercise_id)
        plan = store.action_plan(exercise_id)
        results = store.latest_results(exercise_id)

    due = exercise_due(record, day)
    warnings = exercise_warnings(record, day)
    if output_format == "json":
        document = exercise_document(record)
        document["due"] = _due_document(due)
        document["warnings"] = list(warnings)
        document["responses"] = snapshots[-1].responses if snapshots else None
        document["action_plan"] = (
            None
            if plan is None
            else {
                "actions": len(plan.actions),
                "sections_without_action": list(plan.sections_without_action()),
            }
        )
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return

    click.echo(format_exercise(record), nl=False)
    click.echo(f"Due: {_describe_due(due)}")
    for warning in warnings:
        click.echo(f"Warning: {warning}")
    if snapshots:
        latest = snapshots[-1]
        click.echo(
            f"Responses: {latest.main.partners} partners, {latest.main.coordinators} "
            f"coordinators (count of {latest.taken_at:%Y-%m-%d %H:%M} UTC)"
        )
    if results is not None:
        click.echo(f"Results stored: {results.stored_at:%Y-%m-%d %H:%M} UTC")
    if plan is not None:
        missing = plan.sections_without_action()
        click.echo(
            f"Action plan: {plural(len(plan.actions), 'action')}"
            + (f"; sections without action: {', '.join(missing)}" if missing else "")
        )


def format_exercise(record: Exercise) -> str:
    """Format an exercise's facts and stage history as plain text."""
    schedule = record.schedule
    lines = [
        f"Exercise {record.id}: {record.cluster}, {record.country}, {record.level}",
        f"Stage: {record.stage.label} (output: {record.stage.output or 'none'})",
        f"Trigger: {record.trigger.describe()}",
    ]
    if record.national_id is not None:
        lines.append(f"National exercise: {record.national_id}")
    if record.lead_agency:
        lines.append(f"Lead agency: {record.lead_agency}")
    if record.focal_points:
        lines.append(f"Focal points: {', '.join(record.focal_points)}")
    if record.questionnaire_id:
        lines.append(
            f"Questionnaire: {record.questionnaire_id} {record.questionnaire_version}".rstrip()
        )
    if record.survey_backend or record.survey_link:
        lines.append(f"Survey: {record.survey_backend or '-'} {record.survey_link}".rstrip())

    planned = [
        ("start", schedule.start),
        ("survey open", schedule.survey_open),
        ("survey close", schedule.survey_close),
        ("end", schedule.end),
    ]
    known = [f"{name} {day}" for name, day in planned if day is not None]
    if known:
        lines.append(f"Planned: {', '.join(known)}")

    lines.append("History:")
    for transition in record.transitions:
        source = transition.source.value if transition.source is not None else "created"
        note = f" - {transition.note}" if transition.note else ""
        lines.append(
            f"  {transition.at:%Y-%m-%d %H:%M} UTC  {source} -> {transition.target.value}  "
            f"by {transition.by}{note}"
        )
    return "\n".join(lines) + "\n"


def exercise_document(record: Exercise) -> dict[str, Any]:
    """Return an exercise as a JSON-ready mapping."""
    schedule = record.schedule

    def day(value: dt.date | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": record.id,
        "version": record.version,
        "cluster": record.cluster,
        "country": record.country,
        "hub": record.hub,
        "national_id": record.national_id,
        "lead_agency": record.lead_agency,
        "focal_points": list(record.focal_points),
        "questionnaire": {"id": record.questionnaire_id, "version": record.questionnaire_version},
        "survey": {"backend": record.survey_backend, "link": record.survey_link},
        "trigger": {"kind": record.trigger.kind.value, "since": day(record.trigger.since)},
        "planned": {
            "start": day(schedule.start),
            "survey_open": day(schedule.survey_open),
            "survey_close": day(schedule.survey_close),
            "end": day(schedule.end),
        },
        "stage": record.stage.value,
        "transitions": [
            {
                "from": t.source.value if t.source is not None else None,
                "to": t.target.value,
                "at": t.at.isoformat(),
                "by": t.by,
                "note": t.note,
            }
            for t in record.transitions
        ],
    }


@exercise.command("advance")
@click.argument("exercise_id", type=int)
@click.argument("stage", type=click.Choice(STAGE_CHOICES))
@click.option("--note", default="", help="Note on the change; the reason when a rule asks for one.")
@click.option("--at", "at_text", metavar="TIME", help="Time of the change (default: now).")
@author_option
@store_option
def advance_command(
    exercise_id: int,
    stage: str,
    note: str,
    at_text: str | None,
    author: str | None,
    store_location: str | None,
) -> None:
    """Move an exercise to STAGE, checking the rules of the lifecycle.

    The survey opens only with a survey link (see `ccpm exercise edit --link`).
    It closes only with a recorded response count above zero (see `ccpm progress
    --exercise`), or with a --note that gives the reason. Follow-up starts only
    when every section rated unsatisfactory or weak has a written action.
    """
    from ccpm_core.exercise import Stage
    from ccpm_core.lifecycle import advance

    target = Stage(stage.replace("-", "_"))
    with open_store_option(store_location) as store:
        record = store.exercise(exercise_id)
        snapshots = store.snapshots(exercise_id) if target is Stage.ANALYSIS else []
        plan = store.action_plan(exercise_id) if target is Stage.FOLLOW_UP else None
        moved = advance(
            record,
            target,
            at=parse_time(at_text, past_only=True),
            by=default_author(author),
            note=note,
            responses=snapshots[-1].responses_of(record.hub) if snapshots else None,
            action_plan=plan,
        )
        store.save_exercise(moved)
    output = f" Its output: {target.output}." if target.output else ""
    click.echo(f"Exercise {exercise_id} is now in the {target.label.lower()} stage.{output}")


@exercise.command("due")
@click.argument("exercise_id", type=int, required=False)
@click.option("--as-of", type=DATE, help="Judge on this day, YYYY-MM-DD (default: today).")
@store_option
def due(exercise_id: int | None, as_of: dt.datetime | None, store_location: str | None) -> None:
    """Show when exercises are due or overdue, and when each cluster's next one is due.

    Without EXERCISE_ID, judges every exercise that is not finished. For each
    cluster, country and level whose latest exercise is finished, it shows
    when the next one is due: a year later, or earlier when the results show
    several functions rated weak, or a function weak in two exercises in a row.
    """
    from ccpm_core.timing import exercise_due, exercise_warnings

    day = _date(as_of) or today_utc()
    with open_store_option(store_location) as store:
        records = [store.exercise(exercise_id)] if exercise_id is not None else store.exercises()
        next_lines = _next_exercises(store, records, day)

    shown = 0
    for record in records:
        status = exercise_due(record, day)
        if exercise_id is None and status.state.value in ("done", "closed_early"):
            continue
        shown += 1
        click.echo(
            f"Exercise {record.id} ({record.cluster}, {record.country}, {record.level}): "
            f"{_describe_due(status)}"
        )
        for warning in exercise_warnings(record, day):
            click.echo(f"  Warning: {warning}")
    for line in next_lines:
        click.echo(line)
    if not shown and not next_lines:
        click.echo("No exercise in the store.")


def _next_exercises(store: ExerciseStore, records: list[Exercise], day: dt.date) -> list[str]:
    from ccpm_core.timing import detect_weakening, next_exercise_due

    series: dict[tuple[str, str, str | None], list[Exercise]] = {}
    for record in records:
        key = (record.cluster.lower(), record.country.lower(), record.hub)
        series.setdefault(key, []).append(record)

    lines = []
    for runs in series.values():
        latest = runs[-1]
        weakening = None
        latest_results = _level_results(store, latest)
        if latest_results is not None:
            previous_results = _level_results(store, runs[-2]) if len(runs) > 1 else None
            previous = previous_results[0] if previous_results is not None else None
            weakening = detect_weakening(latest_results[0], latest_results[1], previous)

        status = next_exercise_due(latest, day, weakening)
        if status is None:
            continue
        lines.append(
            f"Next exercise after {latest.id} ({latest.cluster}, {latest.country}, "
            f"{latest.level}): {_describe_due(status)}"
        )
    return lines


def _level_results(store: ExerciseStore, record: Exercise) -> tuple[LevelSummary, dt.date] | None:
    """Return the stored statuses of the exercise's level and the day they were stored."""
    from ccpm_core.results_summary import summarise_document

    stored = store.latest_results(record.id) if record.id is not None else None
    if stored is None:
        return None
    summary = summarise_document(stored.document, f"results of exercise {record.id}")
    try:
        return summary.level(record.hub), stored.stored_at.date()
    except KeyError:
        return None


def _describe_due(status: DueStatus) -> str:
    window = status.window
    state = status.state.value
    if state == "done":
        late = f", {status.days_late} days late" if status.days_late else ", on time"
        return f"done on {status.completed_on}{late} (due {window.due}: {window.reason})"
    if state == "closed_early":
        return f"closed before its final report (was due {window.due})"
    if state == "overdue":
        return f"OVERDUE by {-status.days_left} days (due {window.due}: {window.reason})"
    if state == "due":
        return f"due by {window.due}, in {status.days_left} days ({window.reason})"
    return f"not yet due; window opens {window.opens}, due by {window.due} ({window.reason})"


def _due_document(status: DueStatus) -> dict[str, Any]:
    return {
        "state": status.state.value,
        "opens": status.window.opens.isoformat(),
        "due": status.window.due.isoformat(),
        "reason": status.window.reason,
        "days_left": status.days_left,
        "completed_on": status.completed_on.isoformat() if status.completed_on else None,
    }


@exercise.command("progress-note")
@click.argument("exercise_id", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Note file; its ending picks the format (.docx or .md).",
)
@click.option(
    "--as-of", "at_text", metavar="TIME", help="Use the counts taken by this time (default: now)."
)
@click.option(
    "--questionnaire",
    "questionnaire_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Questionnaire whose organisation-type labels to show (default: the standard one).",
)
@store_option
def progress_note(
    exercise_id: int,
    output: Path,
    at_text: str | None,
    questionnaire_path: Path | None,
    store_location: str | None,
) -> None:
    """Write the weekly survey progress note from the stored response counts.

    It shows responses by level and organisation type, the response rates,
    and the change since the count taken a week before the latest one.
    """
    from ccpm_core.progress_note import build_progress_note
    from ccpm_plugins import plugin_host
    from ccpm_plugins.cli.inputs import load_questionnaire_option

    with open_store_option(store_location) as store:
        record = store.exercise(exercise_id)
        snapshots = store.snapshots(exercise_id)
    report = build_progress_note(
        record,
        snapshots,
        parse_time(at_text),
        questionnaire=load_questionnaire_option(questionnaire_path),
    )
    written = plugin_host().renderer_for_file(output.name).render(report, output)
    click.echo(f"Progress note written to {written[0]}", err=True)
