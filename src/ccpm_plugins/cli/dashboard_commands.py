"""Plugin that adds ``ccpm dashboard``: an offline HTML dashboard of many exercises.

The command reads a portfolio with
:func:`ccpm_plugins.portfolio.loading.load_portfolio` and writes it with
:func:`ccpm_plugins.renderers.dashboard_html.render_dashboard`. Both load
inside the command, so ``ccpm --help`` does not import pandas.
"""

from __future__ import annotations

from pathlib import Path

import click

from ccpm_core.hookspecs import hookimpl

__all__ = ["ccpm_register_commands", "dashboard"]

DASHBOARD_LANGUAGES = ("en", "fr", "es", "ar")


@click.command("dashboard")
@click.argument("source")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=Path("dashboard.html"),
    show_default=True,
    help="HTML file to write; its folder is created when missing.",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(DASHBOARD_LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the dashboard's text; Arabic pages read right to left.",
)
@click.option("--title", default=None, help="Page title (default: 'CCPM dashboard', translated).")
def dashboard(source: str, output: Path, language: str, title: str | None) -> None:
    """Write an offline HTML dashboard of the exercises in SOURCE.

    SOURCE is a folder of results files or an exercise store: a database URL
    or a SQLite file. Write each results file with ccpm score --format json
    and the options --cluster, --country and --year, such as:

    \b
      ccpm score responses.csv --format json --cluster Health \\
        --country Chad --year 2026 -o results/chad-health-2026.json

    The page filters by year, region, country, cluster and level, and needs
    no network.
    """
    from ccpm_plugins.portfolio.loading import echo_note, load_portfolio
    from ccpm_plugins.renderers.dashboard_html import render_dashboard

    frame = load_portfolio(source, on_note=echo_note)
    written = render_dashboard(frame, output, language=language, title=title)
    click.echo(f"Dashboard written to {written}")


@hookimpl
def ccpm_register_commands(cli: click.Group) -> None:
    """Add the ``dashboard`` command."""
    cli.add_command(dashboard)
