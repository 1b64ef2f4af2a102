"""``ccpm trends``: how one cluster's sections moved between its exercises.

The command reads a portfolio (a folder of results files or a store) and
picks one cluster at one level. It writes the sections that rose or fell by
a status band between consecutive exercises, and the functions weak in two
exercises in a row, as text, JSON or CSV. The definitions are those of
:mod:`ccpm_core.portfolio_trends`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import pandas as pd

    from ccpm_core.portfolio import Portfolio
    from ccpm_core.portfolio_trends import ClusterTrend

__all__ = ["TREND_FORMATS", "trend_csv", "trend_document", "trend_text", "trends"]

TREND_FORMATS = ("text", "json", "csv")

TREND_CSV_COLUMNS: tuple[str, ...] = (
    "kind",
    "function",
    "section",
    "previous_exercise",
    "exercise",
    "previous_year",
    "year",
    "previous_status",
    "status",
    "bands",
)
"""Columns of the CSV output. ``kind`` is ``band_change`` or ``confirmed_weakening``."""

_TIMING_RULE = (
    "CCPM guidance asks for a new exercise sooner than the yearly one when the "
    "weakening of core functions is confirmed, and when several functions are rated weak."
)


@click.command("trends")
@click.argument("source")
@click.option("--country", required=True, help="Country or operation of the cluster.")
@click.option("--cluster", required=True, help="Cluster, such as Health.")
@click.option("--hub", default=None, help="Sub-national hub; default: the national level.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(TREND_FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write; default: standard output.",
)
def trends(
    source: str,
    country: str,
    cluster: str,
    hub: str | None,
    output_format: str,
    output: Path | None,
) -> None:
    """Show how one cluster's sections moved between its exercises in SOURCE.

    SOURCE is a folder of results files or an exercise store: a database URL
    or a SQLite file. Write each results file with ccpm score --format json
    and the options --cluster, --country and --year, such as:

    \b
      ccpm score responses.csv --format json --cluster Health \\
        --country Chad --year 2026 -o results/chad-health-2026.json

    The output lists the
    sections whose status rose or fell by one band or more from one exercise
    to the next. It then lists the functions weak in two exercises in a row,
    where a function is weak when any of its sections is rated weak. Names
    match whatever their case and spacing.
    """
    from ccpm_core.portfolio_trends import check_cluster, cluster_trend
    from ccpm_plugins.portfolio.loading import echo_note, read_portfolio
    from ccpm_plugins.renderers.file_output import check_output_folders

    if output is not None:
        check_output_folders(output)
    portfolio = read_portfolio(source, on_note=echo_note)
    check_cluster(portfolio, country, cluster, hub)
    trend = cluster_trend(portfolio, country, cluster, hub)

    if output_format == "json":
        text = json.dumps(trend_document(trend, portfolio), ensure_ascii=False, indent=2) + "\n"
        data = text.encode("utf-8")
    elif output_format == "csv":
        data = trend_csv(trend, portfolio)
    else:
        data = trend_text(trend, portfolio).encode("utf-8")

    if output is None:
        click.echo(data.decode("utf-8").removeprefix("\ufeff"), nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    click.echo(f"Trends written to {output}")


def trend_document(trend: ClusterTrend, portfolio: Portfolio) -> dict[str, Any]:
    """Return the trend as a JSON-ready object: the cluster, its exercises and both lists."""
    years = _exercise_years(portfolio)
    return {
        "country": trend.country,
        "cluster": trend.cluster,
        "level": "national" if trend.hub is None else "subnational",
        "hub": _hub_name(trend, portfolio),
        "exercises": [
            {"exercise": exercise, "year": years[exercise]} for exercise in trend.exercises
        ],
        "band_changes": [
            {
                "section": change.section,
                "function": change.function,
                "previous_exercise": change.previous_exercise,
                "exercise": change.exercise,
                "previous_status": change.previous_status.value,
                "status": change.status.value,
                "bands": change.bands,
            }
            for change in trend.changes
        ],
        "confirmed_weakening": [
            {
                "function": item.function,
                "previous_exercise": item.previous_exercise,
                "exercise": item.exercise,
                "previous_year": item.previous_year,
                "year": item.year,
            }
            for item in trend.weakening
        ],
        "weak_functions_in_latest": _weak_functions(trend, portfolio),
    }


def trend_csv(trend: ClusterTrend, portfolio: Portfolio) -> bytes:
    """Return both lists as one CSV table (columns: TREND_CSV_COLUMNS), formulas inert."""
    import pandas as pd

    from ccpm_plugins.results_csv import frame_csv

    years = _exercise_years(portfolio)
    rows: list[dict[str, Any]] = [
        {
            "kind": "band_change",
            "function": change.function,
            "section": change.section,
            "previous_exercise": change.previous_exercise,
            "exercise": change.exercise,
            "previous_year": years[change.previous_exercise],
            "year": years[change.exercise],
            "previous_status": change.previous_status.value,
            "status": change.status.value,
            "bands": change.bands,
        }
        for change in trend.changes
    ]
    rows += [
        {
            "kind": "confirmed_weakening",
            "function": item.function,
            "section": None,
            "previous_exercise": item.previous_exercise,
            "exercise": item.exercise,
            "previous_year": item.previous_year,
            "year": item.year,
            "previous_status": None,
            "status": None,
            "bands": None,
        }
        for item in trend.weakening
    ]
    frame = pd.DataFrame(rows, columns=list(TREND_CSV_COLUMNS)).astype(
        {"previous_year": "Int64", "year": "Int64", "bands": "Int64"}
    )
    return frame_csv(frame).data


def trend_text(trend: ClusterTrend, portfolio: Portfolio) -> str:
    """Return the trend as plain text for a terminal, oldest exercise first."""
    from ccpm_core.framework import function_by_number, section_by_id

    years = _exercise_years(portfolio)
    where = "national level" if trend.hub is None else f"hub {_hub_name(trend, portfolio)}"
    exercises = _count(len(trend.exercises), "exercise")
    lines = [
        f"{trend.cluster} cluster in {trend.country}, {where}: {exercises}",
        "  " + ", ".join(f"{exercise} ({years[exercise]})" for exercise in trend.exercises),
        "",
        "Sections that moved by a status band between consecutive exercises",
    ]
    if not trend.changes:
        lines.append("  none")
    pair: tuple[str, str] | None = None
    for change in trend.changes:
        if pair != (change.previous_exercise, change.exercise):
            pair = (change.previous_exercise, change.exercise)
            lines.append(f"  {change.previous_exercise} -> {change.exercise}")
        direction = "up  " if change.improved else "down"
        title = section_by_id(change.section).title
        lines.append(
            f"    {direction} {change.section} {title}: {change.previous_status.value} -> "
            f"{change.status.value} ({change.bands:+d} {_plural(abs(change.bands), 'band')})"
        )

    lines += ["", "Functions weak in two exercises in a row (confirmed weakening)"]
    if not trend.weakening:
        lines.append("  none")
    for item in trend.weakening:
        title = function_by_number(int(item.function)).short_title
        lines.append(
            f"  {item.function}. {title}: weak in {item.previous_exercise} ({item.previous_year}) "
            f"and {item.exercise} ({item.year})"
        )

    weak = _weak_functions(trend, portfolio)
    latest = trend.exercises[-1]
    lines += ["", f"Weak functions in the latest exercise, {latest}: {', '.join(weak) or 'none'}"]
    if trend.weakening or len(weak) > 1:
        lines += ["", _TIMING_RULE]
    return "\n".join(lines) + "\n"


def _exercise_years(portfolio: Portfolio) -> dict[str, int]:
    exercises = portfolio.exercises
    return {
        str(exercise): int(year)
        for exercise, year in zip(exercises["exercise"], exercises["year"], strict=True)
    }


def _weak_functions(trend: ClusterTrend, portfolio: Portfolio) -> list[str]:
    """Return the functions with a section rated weak in the latest exercise, in order."""
    from ccpm_core.framework import Status

    rows = _trend_rows(trend, portfolio)
    latest = rows[(rows["exercise"] == trend.exercises[-1]) & (rows["status"] == Status.WEAK.value)]
    return sorted({str(function) for function in latest["function"]}, key=int)


def _trend_rows(trend: ClusterTrend, portfolio: Portfolio) -> pd.DataFrame:
    from ccpm_core.portfolio_trends import name_key

    scores = portfolio.scores
    hub_key = "" if trend.hub is None else " ".join(trend.hub.casefold().split())
    selected = (
        (name_key(scores["country"]) == " ".join(trend.country.casefold().split()))
        & (name_key(scores["cluster"]) == " ".join(trend.cluster.casefold().split()))
        & (name_key(scores["hub"].fillna("")) == hub_key)
    )
    return scores[selected]


def _hub_name(trend: ClusterTrend, portfolio: Portfolio) -> str | None:
    """Return the hub as the results spell it, which may differ in case from the request."""
    if trend.hub is None:
        return None
    return str(_trend_rows(trend, portfolio)["hub"].iloc[0])


def _count(number: int, noun: str) -> str:
    return f"{number} {_plural(number, noun)}"


def _plural(number: int, noun: str) -> str:
    return noun if number == 1 else f"{noun}s"
