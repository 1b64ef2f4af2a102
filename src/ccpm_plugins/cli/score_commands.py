"""``ccpm score`` and ``ccpm report``: the main job, from responses to results and reports."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ccpm_plugins.cli.inputs import (
    load_questionnaire_option,
    read_responses,
    response_input_options,
)

if TYPE_CHECKING:
    from ccpm_core.questionnaire import Questionnaire
    from ccpm_core.report_builder import ReportMetadata
    from ccpm_core.results import Results

__all__ = ["format_results_table", "report", "score", "write_level_reports", "write_report"]

STRATEGY_CHOICES = ("median", "mean-of-item-means")

_strategy_option = click.option(
    "--strategy",
    type=click.Choice(STRATEGY_CHOICES),
    default="median",
    show_default=True,
    help="Scoring strategy: median of respondent means, or mean of item means.",
)
_partners_only_option = click.option(
    "--partners-only",
    is_flag=True,
    help="Leave coordinators out of the pooled scores (they are still shown apart).",
)


@click.command()
@response_input_options
@_strategy_option
@_partners_only_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for reading, json for the ccpm.results/1 document.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def score(
    input_path: str | None,
    source_name: str | None,
    questionnaire_path: Path | None,
    strategy: str,
    partners_only: bool,
    output_format: str,
    output: Path | None,
    **source_options: Any,
) -> None:
    """Score CCPM responses from INPUT and print the results per level and section."""
    from ccpm_core.scoring import score as score_responses

    questionnaire = load_questionnaire_option(questionnaire_path)
    responses = read_responses(input_path, source_name, questionnaire, source_options)
    results = score_responses(responses, strategy, partners_only=partners_only)

    if output_format == "json":
        text = json.dumps(results.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = format_results_table(results)

    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        click.echo(f"Results written to {output}", err=True)


@click.command()
@response_input_options
@_strategy_option
@_partners_only_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Report file; its ending picks the format (.docx or .md).",
)
@click.option("--cluster", default="", help="Cluster name for the cover, such as 'Health'.")
@click.option("--country", default="", help="Country or operation for the cover.")
@click.option(
    "--date",
    "report_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Report date for the cover, as YYYY-MM-DD (default: today).",
)
@click.option("--survey-period", default="", help="Survey period for the cover, free text.")
@click.option(
    "--hub", default=None, help="Write the report of this hub instead of the national one."
)
@click.option(
    "--all-levels",
    is_flag=True,
    help="Write one report per level: OUTPUT for national, OUTPUT-<hub> for each hub.",
)
def report(
    input_path: str | None,
    source_name: str | None,
    questionnaire_path: Path | None,
    strategy: str,
    partners_only: bool,
    output: Path,
    cluster: str,
    country: str,
    report_date: dt.datetime | None,
    survey_period: str,
    hub: str | None,
    all_levels: bool,
    **source_options: Any,
) -> None:
    """Write the preliminary CCPM report of INPUT, ready to edit at the workshop."""
    from ccpm_core.report_builder import ReportMetadata
    from ccpm_core.scoring import score as score_responses

    if hub is not None and all_levels:
        msg = "give either --hub or --all-levels, not both"
        raise click.UsageError(msg)

    questionnaire = load_questionnaire_option(questionnaire_path)
    responses = read_responses(input_path, source_name, questionnaire, source_options)
    results = score_responses(responses, strategy, partners_only=partners_only)
    metadata = ReportMetadata(
        cluster=cluster,
        country=country,
        date=(report_date.date() if report_date else dt.date.today()),
        survey_period=survey_period,
    )

    if all_levels:
        written = write_level_reports(results, questionnaire, metadata, output, results.hubs)
    else:
        written = [write_report(results, questionnaire, metadata, output, hub)]
    for path in written:
        click.echo(f"Report written to {path}", err=True)


def write_level_reports(
    results: Results,
    questionnaire: Questionnaire,
    metadata: ReportMetadata,
    output: Path,
    hubs: list[str | None],
) -> list[Path]:
    """Render the report of each level: ``output`` for national, ``<stem>-<hub>`` for a hub."""
    written: list[Path] = []
    for hub in hubs:
        path = (
            output
            if hub is None
            else output.with_name(f"{output.stem}-{_slug(hub)}{output.suffix}")
        )
        written.append(write_report(results, questionnaire, metadata, path, hub))
    return written


def write_report(
    results: Results,
    questionnaire: Questionnaire,
    metadata: ReportMetadata,
    path: Path,
    hub: str | None,
) -> Path:
    """Render the report of one level to ``path``; the file ending picks the renderer."""
    from ccpm_core.errors import InputError
    from ccpm_core.report_builder import build_preliminary_report
    from ccpm_plugins import plugin_host

    renderer = plugin_host().renderer_for_file(path.name)
    try:
        model = build_preliminary_report(results, questionnaire, metadata, hub=hub)
    except KeyError as error:
        msg = f"{error.args[0]}; choose a level with --hub NAME, or use --all-levels"
        raise InputError(msg) from None
    return renderer.render(model, path)[0]


def _slug(name: str) -> str:
    slug = re.sub(r"[^\w]+", "-", name.strip().lower(), flags=re.UNICODE).strip("-")
    return slug or "hub"


def format_results_table(results: Results) -> str:
    """Format the section scores of every level as a plain-text table."""
    from ccpm_core.framework import SECTIONS

    lines: list[str] = [f"Strategy: {results.strategy}"]
    for level in results.levels:
        title = "National level" if level.hub is None else f"Hub: {level.hub}"
        lines += [
            "",
            f"{title} ({_plural(level.partners, 'partner')}, "
            f"{_plural(level.coordinators, 'coordinator')})",
            f"{'Section':<8} {'Score':>7}  {'Status':<15} {'n':>5}  Title",
        ]
        for section in level.sections:
            figure = section.overall
            shown = "-" if figure.percent is None else f"{figure.percent:.1f}"
            title_text = SECTIONS[section.id].title
            lines.append(
                f"{section.id:<8} {shown:>7}  {figure.status.value:<15} {figure.n:>5}  "
                f"{title_text[:60]}"
            )

    quality = results.quality
    lines += [
        "",
        f"Rows read: {quality.rows_read}, scored: {quality.rows_scored}, "
        f"excluded: {len(quality.exclusions)}, unrecognised answers: "
        f"{sum(u.count for u in quality.unrecognised_values)}, "
        f"unknown columns: {len(quality.unknown_columns)}",
    ]
    return "\n".join(lines) + "\n"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
