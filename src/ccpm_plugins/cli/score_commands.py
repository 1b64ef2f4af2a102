"""``ccpm score`` and ``ccpm report``: the main job, from responses to results and reports."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import click

from ccpm_core.disclosure import DEFAULT_MIN_CELL_SIZE
from ccpm_plugins.cli.inputs import (
    ResponseInputCommand,
    load_questionnaire_option,
    read_responses,
    response_input_options,
)
from ccpm_plugins.cli.plain_text import plural
from ccpm_plugins.cli.scoring_options import partners_only_option, strategy_option
from ccpm_plugins.portfolio.exercise_options import exercise_options, pop_exercise_info

if TYPE_CHECKING:
    from ccpm_core.questionnaire import Questionnaire
    from ccpm_core.report_builder import ReportMetadata
    from ccpm_core.results import Results
    from ccpm_core.results_document import ExerciseInfo

__all__ = [
    "PreviousResults",
    "ReportProtection",
    "check_previous_results",
    "format_results_table",
    "read_previous_results",
    "report",
    "report_language",
    "require_scored_rows",
    "score",
    "shorten_title",
    "write_level_reports",
    "write_report",
]


@attrs.frozen
class ReportProtection:
    """Anonymity options of a report: minimum cell size and removal of contacts in comments."""

    min_cell_size: int = DEFAULT_MIN_CELL_SIZE
    redact_contacts: bool = False


@attrs.frozen
class PreviousResults:
    """The previous exercise's results as read from ``path``, with its optional exercise block."""

    results: Results
    exercise: ExerciseInfo | None
    path: Path


@click.command(cls=ResponseInputCommand)
@response_input_options
@strategy_option
@partners_only_option
@exercise_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for reading, json for the ccpm.results/1 document, csv for spreadsheets "
    "(one row per level, unit and respondent pool; UTF-8 with a byte order mark).",
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
    from ccpm_core.results_document import with_exercise
    from ccpm_core.scoring import score as score_responses

    exercise = pop_exercise_info(source_options)
    if exercise is not None and output_format != "json":
        msg = "the exercise options (--cluster, --country, --year...) need --format json"
        raise click.UsageError(msg)
    questionnaire = load_questionnaire_option(questionnaire_path)
    responses = read_responses(input_path, source_name, questionnaire, source_options)
    results = score_responses(responses, strategy, partners_only=partners_only)
    require_scored_rows(results)

    if output_format == "csv":
        _write_results_csv(results, output)
        return
    if output_format == "json":
        document = results.to_dict()
        if exercise is not None:
            document = with_exercise(document, exercise)
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    else:
        text = format_results_table(results)

    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        click.echo(f"Results written to {output}", err=True)


@click.command(cls=ResponseInputCommand)
@response_input_options
@strategy_option
@partners_only_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Report file; its ending picks the format: .docx, .md, .html, .xlsx or .pdf.",
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
@click.option(
    "--lang",
    "language",
    default=None,
    metavar="CODE",
    help="Report language, one of the questionnaire's: en, fr, es or ar for the standard "
    "one (default: the questionnaire's first language).",
)
@click.option(
    "--min-cell-size",
    type=click.IntRange(min=1),
    default=DEFAULT_MIN_CELL_SIZE,
    show_default=True,
    metavar="K",
    help="Withhold partner counts below K respondents, with any count a total would reveal: "
    "by organisation type, answer option and hub, and behind each score. Also withhold "
    "partners' own scores and hubs' compared scores built on fewer than K partners. "
    "1 shows every count and score.",
)
@click.option(
    "--redact-contacts",
    is_flag=True,
    help="Replace e-mail addresses and phone numbers in comments by a marker.",
)
@click.option(
    "--previous",
    "previous_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="RESULTS.json",
    help="Results of the previous exercise, as `ccpm score --format json` writes them, "
    "scored from the same questionnaire; the report then shows each section's change "
    "since then. When the file names its exercise, its cluster and country must match "
    "--cluster and --country, and it must not postdate --date.",
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
    language: str | None,
    min_cell_size: int,
    redact_contacts: bool,
    previous_path: Path | None,
    **source_options: Any,
) -> None:
    """Write the preliminary CCPM report of INPUT, ready to edit at the workshop."""
    from ccpm_core.report_builder import ReportMetadata
    from ccpm_core.scoring import score as score_responses

    if hub is not None and all_levels:
        msg = "give either --hub or --all-levels, not both"
        raise click.UsageError(msg)

    questionnaire = load_questionnaire_option(questionnaire_path)
    language = report_language(questionnaire, language)
    previous = None if previous_path is None else read_previous_results(previous_path)
    responses = read_responses(input_path, source_name, questionnaire, source_options)
    results = score_responses(responses, strategy, partners_only=partners_only)
    require_scored_rows(results)
    metadata = ReportMetadata(
        cluster=cluster,
        country=country,
        date=(report_date.date() if report_date else dt.date.today()),
        survey_period=survey_period,
    )
    if previous is not None:
        check_previous_results(results, previous, metadata)

    protection = ReportProtection(min_cell_size, redact_contacts)
    if all_levels:
        written = write_level_reports(
            results, questionnaire, metadata, output, results.hubs, language, protection, previous
        )
    else:
        written = [
            write_report(
                results, questionnaire, metadata, output, hub, language, protection, previous
            )
        ]
    for path in written:
        click.echo(f"Report written to {path}", err=True)


def write_level_reports(
    results: Results,
    questionnaire: Questionnaire,
    metadata: ReportMetadata,
    output: Path,
    hubs: list[str | None],
    language: str | None = None,
    protection: ReportProtection | None = None,
    previous: PreviousResults | None = None,
) -> list[Path]:
    """Render the report of each level: ``output`` for national, ``<stem>-<hub>`` for a hub.

    Reports are in ``language``, by default the questionnaire's first language.
    With the ``previous`` exercise's results, each shows its level's change since then.
    """
    paths = _level_paths(output, hubs)
    return [
        write_report(results, questionnaire, metadata, path, hub, language, protection, previous)
        for hub, path in zip(hubs, paths, strict=True)
    ]


def _level_paths(output: Path, hubs: list[str | None]) -> list[Path]:
    """Name each level's file, numbering hubs whose names give the same file name."""
    taken: set[str] = set()
    paths: list[Path] = []
    for hub in hubs:
        stem = output.stem if hub is None else f"{output.stem}-{_slug(hub)}"
        candidate, number = stem, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{stem}-{number}"
        taken.add(candidate.casefold())
        paths.append(output.with_name(candidate + output.suffix))
    return paths


def write_report(
    results: Results,
    questionnaire: Questionnaire,
    metadata: ReportMetadata,
    path: Path,
    hub: str | None,
    language: str | None = None,
    protection: ReportProtection | None = None,
    previous: PreviousResults | None = None,
) -> Path:
    """Render the report of one level to ``path``, with the renderer picked by the file ending.

    The report is in ``language``, by default the questionnaire's first language.
    With the ``previous`` exercise's results, it shows the level's change since then.
    """
    from ccpm_core.errors import InputError
    from ccpm_core.report_builder import build_preliminary_report
    from ccpm_plugins import plugin_host

    renderer = plugin_host().renderer_for_file(path.name)
    protection = protection or ReportProtection()
    try:
        model = build_preliminary_report(
            results,
            questionnaire,
            metadata,
            hub=_known_hub(results, hub),
            language=language or questionnaire.default_language,
            min_cell_size=protection.min_cell_size,
            redact_comment_contacts=protection.redact_contacts,
            previous=None if previous is None else previous.results,
            previous_exercise=None if previous is None else previous.exercise,
        )
    except KeyError as error:
        msg = f"{error.args[0]}; choose a level with --hub NAME, or use --all-levels"
        raise InputError(msg) from None
    return renderer.render(model, path)[0]


def _known_hub(results: Results, hub: str | None) -> str | None:
    """Return the level ``--hub`` names: ``national`` is the national level, case is ignored."""
    from ccpm_core.labels import match_key

    if hub is None or match_key(hub) == "national":
        return None
    for known in results.hubs:
        if known is not None and match_key(known) == match_key(hub):
            return known
    return hub


def read_previous_results(path: Path) -> PreviousResults:
    """Read the previous exercise's ``ccpm.results/1`` document from ``path``.

    Raises InputError, naming the file and what to do, when the file cannot be
    read, is not JSON or is not a valid results document.
    """
    from ccpm_core.results_document import exercise_from_dict, results_from_dict
    from ccpm_plugins.portfolio.loading import read_results_file

    document = read_results_file(path)
    return PreviousResults(
        results=results_from_dict(document, source=str(path)),
        exercise=exercise_from_dict(document, source=str(path)),
        path=path,
    )


def check_previous_results(
    results: Results, previous: PreviousResults, metadata: ReportMetadata
) -> None:
    """Raise InputError, naming the previous file, when its results cannot be compared.

    They cannot be compared when they come from another questionnaire, or when
    the file names an exercise of another cluster or country than the report's
    ``metadata``, or one that ran after the report date. Results identical to
    the current ones are compared, with a warning on stderr.
    """
    from ccpm_core.errors import InputError
    from ccpm_core.report_change import (
        ComparisonError,
        check_previous_exercise,
        compare_results,
    )

    try:
        check_previous_exercise(
            previous.exercise, metadata.cluster, metadata.country, metadata.date
        )
        change = compare_results(results, previous.results, previous.exercise)
    except ComparisonError as error:
        msg = f"{previous.path}: {error}"
        raise InputError(msg) from None
    if change.identical:
        click.echo(
            f"Warning: {previous.path} contains the same results as INPUT, so every change "
            "is zero; check that the right file was given to --previous.",
            err=True,
        )


def require_scored_rows(results: Results) -> None:
    """Raise InputError when no row of the input could be scored, naming why."""
    from ccpm_core.errors import InputError

    quality = results.quality
    if quality.rows_scored:
        return
    reasons = ", ".join(f"{count} {reason}" for reason, count in quality.exclusion_counts().items())
    detail = f" ({reasons})" if reasons else ""
    msg = (
        f"{quality.source}: no response could be scored: {quality.rows_read} rows read, "
        f"{len(quality.exclusions)} excluded{detail}; check that the file has response "
        "rows and an instrument column saying partner or coordinator"
    )
    raise InputError(msg)


def report_language(questionnaire: Questionnaire, language: str | None) -> str:
    """Check a ``--lang`` value against the questionnaire's languages and return the language.

    None gives the questionnaire's first language. Raises
    :class:`click.BadParameter` for a language the questionnaire has no labels
    in. A language without a message catalog is accepted with a warning on
    stderr, because the report's own text then stays English.
    """
    from ccpm_core.errors import QuestionnaireError
    from ccpm_core.i18n import catalog_languages

    if language is None:
        return questionnaire.default_language
    try:
        language = questionnaire.label_language(language)
    except QuestionnaireError as error:
        raise click.BadParameter(str(error), param_hint="'--lang'") from None
    if language not in catalog_languages():
        click.echo(
            f"Warning: ccpm has no translation into {language!r}; headings, status labels "
            "and notes stay English, while questionnaire labels follow the questionnaire.",
            err=True,
        )
    return language


def _write_results_csv(results: Results, output: Path | None) -> None:
    """Write the results frame as CSV to ``output``, or as bytes to standard output."""
    from ccpm_plugins.results_csv import results_csv

    csv = results_csv(results)
    if output is None:
        # Bytes, not text, so the byte order mark and UTF-8 survive any terminal encoding.
        sys.stdout.flush()
        sys.stdout.buffer.write(csv.data)
        sys.stdout.buffer.flush()
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(csv.data)
        click.echo(f"Results written to {output}", err=True)
    if csv.neutralised_cells:
        click.echo(
            f"{csv.neutralised_cells} text cells start with =, +, -, @, a tab or a carriage "
            "return; each got a leading ' so that spreadsheets show it as text.",
            err=True,
        )


def _slug(name: str) -> str:
    slug = re.sub(r"[^\w]+", "-", name.strip().lower(), flags=re.UNICODE).strip("-")
    return slug or "hub"


TITLE_WIDTH = 60
"""Maximum number of characters of a section title in the plain-text results table."""


def shorten_title(title: str, width: int = TITLE_WIDTH) -> str:
    """Shorten ``title`` to at most ``width`` characters, cutting at a space and ending with "…".

    A title without a space early enough to cut at is cut inside its first
    word. Titles that fit are returned unchanged.
    """
    if len(title) <= width:
        return title

    room = width - 1
    cut = title.rfind(" ", 0, room + 1)
    shortened = title[:cut] if cut > 0 else title[:room]
    return shortened.rstrip(" ,;:-–") + "…"


def format_results_table(results: Results) -> str:
    """Format the section scores of every level as a plain-text table."""
    from ccpm_core.framework import SECTIONS
    from ccpm_core.locale_format import format_score
    from ccpm_core.report_builder import status_label

    strategy = results.strategy + (", partners only" if results.partners_only else "")
    lines: list[str] = [f"Strategy: {strategy}"]
    for level in results.levels:
        title = "National level" if level.hub is None else f"Hub: {level.hub}"
        lines += [
            "",
            f"{title} ({plural(level.partners, 'partner')}, "
            f"{plural(level.coordinators, 'coordinator')})",
            f"{'Section':<8} {'Score':>7}  {'Status':<15} {'n':>5}  Title",
        ]
        for section in level.sections:
            figure = section.overall
            shown = format_score(figure.percent, "en")
            title_text = SECTIONS[section.id].title
            lines.append(
                f"{section.id:<8} {shown:>7}  {status_label(figure.status):<15} {figure.n:>5}  "
                f"{shorten_title(title_text)}"
            )

    quality = results.quality
    lines += [
        "",
        f"Rows read: {quality.rows_read}, scored: {quality.rows_scored}, "
        f"excluded: {len(quality.exclusions)}, unrecognised answers: "
        f"{sum(u.count for u in quality.unrecognised_values)}, "
        f"unknown columns: {len(quality.unknown_columns)}",
    ]
    lines += [f"Note: {note}" for note in quality.notes]
    if quality.exclusions or quality.unrecognised_values or quality.unknown_columns:
        lines.append("Details: --format json (data_quality), or the annex of `ccpm report`.")
    return "\n".join(lines) + "\n"
