"""Plugin that adds ``ccpm annual-report`` and ``ccpm trends``: commands across many exercises.

The command imports only click at start-up; pandas, the store and the
renderers load when it runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ccpm_core.hookspecs import hookimpl

if TYPE_CHECKING:
    from ccpm_core.portfolio import Portfolio
    from ccpm_core.portfolio_tables import PortfolioTable

__all__ = ["annual_report", "ccpm_register_commands", "organisation_type_labels"]

REPORT_LANGUAGES = ("en", "fr", "es", "ar")
_DOCUMENT_ENDINGS = (".docx", ".html", ".htm")


@click.command("annual-report")
@click.argument("source")
@click.option(
    "--year",
    type=click.IntRange(1900, 9999),
    required=True,
    help="Year to report on, such as 2026; the previous year is used for the change.",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    multiple=True,
    help="File to write; its ending picks the format: .docx, .html or .xlsx. Repeat the "
    "option to write several formats from one reading of SOURCE.",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(REPORT_LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the report.",
)
@click.option(
    "--min-cell-size",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="Smallest count of partner responses shown; smaller counts are withheld.",
)
def annual_report(
    source: str, year: int, outputs: tuple[Path, ...], language: str, min_cell_size: int
) -> None:
    """Write the annual CCPM report of the exercises in SOURCE.

    SOURCE is a folder of results files or an exercise store: a database URL
    or a SQLite file. Write each results file with ccpm score --format json
    and the options --cluster, --country and --year, such as:

    \b
      ccpm score responses.csv --format json --cluster Health \\
        --country Chad --year 2026 -o results/chad-health-2026.json

    The report counts the exercises by region, country and cluster,
    gives response and completion rates, the statuses per function, and the
    change against the previous year. The DOCX and HTML reports show the
    long lists (change and confirmed weakening) as counts per region and
    function with their worst rows. The XLSX workbook lists every row.
    """
    _check_outputs(outputs)

    from ccpm_core.portfolio_tables import annual_tables, check_year
    from ccpm_plugins.portfolio.loading import echo_note, read_portfolio
    from ccpm_plugins.portfolio.workbook import write_annual_workbook

    portfolio = read_portfolio(source, on_note=echo_note)
    check_year(portfolio, year)
    labels = organisation_type_labels(language)
    # One computation of the tables serves the report and the workbook.
    tables = annual_tables(portfolio, year, min_cell_size, labels)

    documents = [output for output in outputs if output.suffix.lower() in _DOCUMENT_ENDINGS]
    for written in _write_documents(portfolio, year, documents, language, min_cell_size, tables):
        click.echo(f"Annual report written to {written}")
    for output in outputs:
        if output.suffix.lower() == ".xlsx":
            written = write_annual_workbook(
                portfolio, year, output, language, min_cell_size, labels, tables=tables
            )
            click.echo(f"Annual report written to {written}")


def _check_outputs(outputs: Sequence[Path]) -> None:
    """Raise click.UsageError for an unknown file ending or a file named twice.

    Raises RenderError when a folder part of an output path is a file.
    """
    from ccpm_plugins.renderers.file_output import check_output_folders

    seen: set[Path] = set()
    for output in outputs:
        ending = output.suffix.lower()
        if ending not in (*_DOCUMENT_ENDINGS, ".xlsx"):
            msg = f"{output}: unknown file ending {ending or '(none)'!r}; use .docx, .html or .xlsx"
            raise click.UsageError(msg)
        check_output_folders(output)
        resolved = output.expanduser().resolve()
        if resolved in seen:
            msg = f"{output}: given twice with -o; name each output file once"
            raise click.UsageError(msg)
        seen.add(resolved)


def _write_documents(
    portfolio: Portfolio,
    year: int,
    outputs: Sequence[Path],
    language: str,
    min_cell_size: int,
    tables: Sequence[PortfolioTable],
) -> list[Path]:
    """Build the report once, render it to each DOCX or HTML file and return the files written."""
    if not outputs:
        return []

    from ccpm_core.annual_report import build_annual_report
    from ccpm_plugins import plugin_host

    report = build_annual_report(
        portfolio,
        year,
        language,
        min_cell_size,
        date=dt.datetime.now(dt.UTC).date(),
        tables=tables,
    )
    host = plugin_host()
    written: list[Path] = []
    for output in outputs:
        output.parent.mkdir(parents=True, exist_ok=True)
        written.append(host.renderer_for_file(output.name).render(report, output)[0])
    return written


def organisation_type_labels(language: str) -> Callable[[str], str]:
    """Return a function that labels the organisation type codes of the standard questionnaire.

    Codes the standard questionnaire does not list are shown as they are.
    """
    from ccpm_core.questionnaire import PROFILE_ORGANISATION_TYPE, standard_questionnaire

    questionnaire = standard_questionnaire()
    scale = questionnaire.scale_of(questionnaire.question(PROFILE_ORGANISATION_TYPE))
    labels = {option.code: questionnaire.label(option.label, language) for option in scale.options}

    def label(code: str) -> str:
        return labels.get(code, code)

    return label


@hookimpl
def ccpm_register_commands(cli: click.Group) -> None:
    """Add the ``annual-report`` and ``trends`` commands."""
    from ccpm_plugins.portfolio.trend_commands import trends

    cli.add_command(annual_report)
    cli.add_command(trends)
