"""Plugin that adds ``ccpm annual-report``: the yearly report across many exercises.

The command imports only click at start-up; pandas, the store and the
renderers load when it runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import click

from ccpm_core.hookspecs import hookimpl

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
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write; its ending picks the format: .docx, .html or .xlsx.",
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
def annual_report(source: str, year: int, output: Path, language: str, min_cell_size: int) -> None:
    """Write the annual CCPM report of the exercises in SOURCE.

    SOURCE is a folder of results files (``ccpm score --format json`` with
    the exercise options) or an exercise store: a database URL or a SQLite
    file. The report counts the exercises by region, country and cluster,
    gives response and completion rates, the statuses per function, and the
    change against the previous year.
    """
    ending = output.suffix.lower()
    if ending not in (*_DOCUMENT_ENDINGS, ".xlsx"):
        msg = f"{output}: unknown file ending {ending or '(none)'!r}; use .docx, .html or .xlsx"
        raise click.UsageError(msg)

    from ccpm_core.annual_report import build_annual_report
    from ccpm_core.portfolio_tables import check_year
    from ccpm_plugins import plugin_host
    from ccpm_plugins.portfolio.loading import read_portfolio
    from ccpm_plugins.portfolio.workbook import write_annual_workbook

    portfolio = read_portfolio(source)
    check_year(portfolio, year)
    labels = organisation_type_labels(language)

    if ending == ".xlsx":
        written = write_annual_workbook(
            portfolio, year, output, language, min_cell_size, organisation_type_label=labels
        )
    else:
        report = build_annual_report(
            portfolio,
            year,
            language,
            min_cell_size,
            date=dt.datetime.now(dt.UTC).date(),
            organisation_type_label=labels,
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        written = plugin_host().renderer_for_file(output.name).render(report, output)[0]
    click.echo(f"Annual report written to {written}")


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
    """Add the ``annual-report`` command."""
    cli.add_command(annual_report)
