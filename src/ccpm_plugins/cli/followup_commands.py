"""``ccpm followup``: the quarterly progress report on the action plan, for the HCT."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ccpm_plugins.cli.store_options import DATE, open_store_option, store_option, today_utc

__all__ = ["followup"]


@click.group()
def followup() -> None:
    """Report on the action plan during follow-up and monitoring."""


@followup.command("report")
@click.argument("exercise_id", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Report file; its ending picks the format (.docx or .md).",
)
@click.option("--as-of", type=DATE, help="End of the period, YYYY-MM-DD (default: today).")
@click.option(
    "--since",
    type=DATE,
    help="Start of the period, YYYY-MM-DD (default: three months before --as-of).",
)
@store_option
def report(
    exercise_id: int,
    output: Path,
    as_of: dt.datetime | None,
    since: dt.datetime | None,
    store_location: str | None,
) -> None:
    """Write the quarterly progress report: actions by status, overdue ones, and changes."""
    from ccpm_core.exercise_errors import NotFoundError
    from ccpm_core.followup_report import build_quarterly_report
    from ccpm_plugins import plugin_host

    with open_store_option(store_location) as store:
        record = store.exercise(exercise_id)
        plan = store.action_plan(exercise_id)
    if plan is None:
        msg = f"exercise {exercise_id} has no action plan to report on; draft one first"
        raise NotFoundError(msg)

    model = build_quarterly_report(
        record,
        plan,
        as_of.date() if as_of else today_utc(),
        since.date() if since else None,
    )
    written = plugin_host().renderer_for_file(output.name).render(model, output)
    click.echo(f"Quarterly progress report written to {written[0]}", err=True)
