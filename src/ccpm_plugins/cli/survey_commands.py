"""``ccpm fetch`` and ``ccpm progress``: pull responses from a backend, count them while open."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ccpm_plugins.cli.inputs import (
    ResponseInputCommand,
    load_questionnaire_option,
    read_responses,
    resolve_source,
    response_input_options,
)
from ccpm_plugins.cli.plain_text import plural
from ccpm_plugins.cli.store_options import store_option

if TYPE_CHECKING:
    from ccpm_core.progress import SurveyProgress

__all__ = ["fetch", "format_progress_table", "progress"]


@click.command(cls=ResponseInputCommand)
@response_input_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV file to write the responses to, in the canonical layout.",
)
def fetch(
    input_path: str | None,
    source_name: str | None,
    questionnaire_path: Path | None,
    output: Path,
    **source_options: Any,
) -> None:
    """Read responses from a survey source and write them in the canonical layout.

    INPUT is a file, or the name of a backend source such as kobo.

    The file can then be scored and reported on with `ccpm score` and
    `ccpm report`. SOURCE options such as --server are those of the source.
    Rows excluded and answers not recognised while fetching are not in the
    file, so they are listed beside it in OUTPUT.quality.json.
    """
    questionnaire = load_questionnaire_option(questionnaire_path)
    responses = read_responses(input_path, source_name, questionnaire, source_options)

    output.parent.mkdir(parents=True, exist_ok=True)
    # NOTE: comments are written as given, so a comment such as "=1+1" runs as a
    # formula if a spreadsheet program opens this file. The file is input for
    # ccpm, and a protective prefix would change the comment that ccpm reads back.
    responses.to_frame(with_comments=True).to_csv(output, index=False, encoding="utf-8")
    quality = responses.quality
    quality_path = output.with_name(output.name + ".quality.json")
    quality_path.write_text(
        json.dumps(quality.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )

    click.echo(
        f"{quality.rows_scored} responses written to {output} "
        f"({quality.rows_read} read, {len(quality.exclusions)} excluded, "
        f"{sum(u.count for u in quality.unrecognised_values)} unrecognised answers)",
        err=True,
    )
    for reason, count in quality.exclusion_counts().items():
        click.echo(f"  excluded as {reason}: {count}", err=True)
    for note in quality.notes:
        click.echo(f"  note: {note}", err=True)
    click.echo(f"Data-quality record written to {quality_path}", err=True)


@click.command(cls=ResponseInputCommand)
@response_input_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for reading, json for scripts.",
)
@click.option(
    "--exercise",
    "exercise_id",
    type=int,
    help="Store the counts for this exercise and show the change since its last count.",
)
@store_option
def progress(
    input_path: str | None,
    source_name: str | None,
    questionnaire_path: Path | None,
    output_format: str,
    exercise_id: int | None,
    store_location: str | None,
    **source_options: Any,
) -> None:
    """Count responses so far by instrument, level and organisation type, with response rates.

    With --exercise, the counts are also stored with their time for that
    exercise, whose survey must be open, for the weekly progress note.
    """
    from ccpm_core.normalise import normalise_responses
    from ccpm_core.progress import survey_progress

    questionnaire = load_questionnaire_option(questionnaire_path)
    source, request = resolve_source(input_path, source_name, questionnaire, source_options)
    groups = [
        survey_progress(normalise_responses(raw, questionnaire), group)
        for group, raw in source.read_progress(request)
    ]
    change = None
    if exercise_id is not None:
        from ccpm_plugins.cli.progress_snapshots import record_snapshot

        change = record_snapshot(store_location, exercise_id, groups)

    if output_format == "json":
        document = {"schema": "ccpm.progress/1", "groups": [g.to_dict() for g in groups]}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(format_progress_table(groups), nl=False)
    if change is not None:
        click.echo(change, nl=False, err=output_format == "json")


def format_progress_table(groups: list[SurveyProgress]) -> str:
    """Format response counts as plain text, one block per group and level."""
    lines: list[str] = []
    for group in groups:
        lines.append(
            f"{group.group.capitalize()}: {plural(group.partners, 'partner')}, "
            f"{plural(group.coordinators, 'coordinator')}"
        )
        for level in group.levels:
            name = "National level" if level.hub is None else f"Hub: {level.hub}"
            overall = level.rates.overall.percent
            effective = level.rates.effective.percent
            rate_text = (
                "response rate unknown until the coordinator gives the counts"
                if overall is None
                else f"overall rate {overall:.1f}%"
                + ("" if effective is None else f", effective rate {effective:.1f}%")
            )
            lines.append(
                f"  {name}: {plural(level.partners, 'partner')}, "
                f"{plural(level.coordinators, 'coordinator')}; "
                f"{rate_text}"
            )
            for organisation_type, count in level.partners_by_type:
                if count:
                    lines.append(f"    {organisation_type:<24} {count:>5}")
        for reason, count in group.excluded.items():
            lines.append(f"  excluded as {reason}: {count}")
        lines.append("")
    return "\n".join(lines)
