"""Long lists of the annual report, shortened for reading: counts per group and the worst rows.

With thousands of exercises, the annual report compares well over a thousand
clusters with the previous year, and lists hundreds of functions weak in two
exercises in a row. A document of that many table rows is slow to write and
hard to read. So the DOCX and HTML reports show these lists as counts per
region and function, followed by their worst rows only. A sentence under the
rows gives the number of rows left out, and the workbook keeps every row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ccpm_core.i18n import N_
from ccpm_core.portfolio_tables import ColumnKind, PortfolioTable, TableColumn

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_ROW_LIMIT",
    "SHORTENED_TABLE_KEYS",
    "ShortenedTable",
    "shorten_table",
]

DEFAULT_ROW_LIMIT = 25
"""Rows of a long list that the DOCX and HTML annual reports show before summarising it."""

SHORTENED_TABLE_KEYS = frozenset({"change_from_previous_year", "confirmed_weakening"})
"""Keys of the annual tables that :func:`shorten_table` summarises when they are long."""


@attrs.frozen(eq=False)
class ShortenedTable:
    """A long table as counts per group, its worst rows, and how many rows were left out."""

    summaries: tuple[PortfolioTable, ...]
    worst: PortfolioTable
    """The first rows of the table in order of concern, with the table's columns."""
    omitted: int
    """Number of rows of the full table that ``worst`` leaves out. The workbook lists them all."""


def shorten_table(table: PortfolioTable, limit: int = DEFAULT_ROW_LIMIT) -> ShortenedTable | None:
    """Summarise a long change or weakening table, or return None when it fits in ``limit`` rows.

    Raises ValueError when ``limit`` is below 1, and KeyError when the table
    is not one of :data:`SHORTENED_TABLE_KEYS`.
    """
    if limit < 1:
        msg = f"row limit {limit}: expected 1 or more rows"
        raise ValueError(msg)
    if table.key not in SHORTENED_TABLE_KEYS:
        known = ", ".join(sorted(SHORTENED_TABLE_KEYS))
        msg = f"table {table.key!r} has no short form; expected one of {known}"
        raise KeyError(msg)
    if len(table.frame) <= limit:
        return None

    summaries: tuple[PortfolioTable, ...]
    if table.key == "change_from_previous_year":
        summaries = (_change_by_region(table.frame),)
        ordered = _largest_falls_first(table.frame)
        title = N_("Clusters with the largest fall in mean score")
    else:
        summaries = (_weakening_by_region(table.frame), _weakening_by_function(table.frame))
        ordered = _most_weak_functions_first(table.frame)
        title = N_("Clusters with the most functions weak in two exercises in a row")

    worst = PortfolioTable(
        key=f"{table.key}_worst",
        title=title,
        columns=table.columns,
        frame=ordered.head(limit).reset_index(drop=True),
    )
    return ShortenedTable(summaries=summaries, worst=worst, omitted=len(table.frame) - limit)


def _change_by_region(frame: pd.DataFrame) -> PortfolioTable:
    counts = (
        frame.assign(lower=frame["change"] < 0)
        .groupby("region", sort=True)
        .agg(
            clusters=("cluster", "size"),
            lower=("lower", "sum"),
            change=("change", "mean"),
            improved=("improved", "sum"),
            fell=("fell", "sum"),
        )
        .reset_index()
        .astype({"clusters": "int64", "lower": "int64", "improved": "int64", "fell": "int64"})
    )
    return PortfolioTable(
        key="change_by_region",
        title=N_("Change against the previous year by region"),
        columns=(
            TableColumn("region", N_("Region"), ColumnKind.TEXT),
            TableColumn("clusters", N_("Clusters compared"), ColumnKind.COUNT),
            TableColumn("lower", N_("Clusters with a lower mean score"), ColumnKind.COUNT),
            TableColumn("change", N_("Mean change (points)"), ColumnKind.CHANGE),
            TableColumn("improved", N_("Sections up a band"), ColumnKind.COUNT),
            TableColumn("fell", N_("Sections down a band"), ColumnKind.COUNT),
        ),
        frame=counts,
    )


def _largest_falls_first(frame: pd.DataFrame) -> pd.DataFrame:
    # A cluster without a mean score in one year has no change, so it comes last.
    return frame.sort_values(
        ["change", "fell", "country", "cluster"],
        ascending=[True, False, True, True],
        kind="stable",
        na_position="last",
    )


def _cluster_levels(frame: pd.DataFrame) -> pd.Series:
    """Return one label per row naming its cluster and level, for counting them."""
    return frame["country"] + "\x1f" + frame["cluster"] + "\x1f" + frame["hub"]


def _weakening_by_region(frame: pd.DataFrame) -> PortfolioTable:
    counts = (
        frame.assign(cluster_level=_cluster_levels(frame))
        .groupby("region", sort=True)
        .agg(clusters=("cluster_level", "nunique"), functions=("function", "size"))
        .reset_index()
        .astype({"clusters": "int64", "functions": "int64"})
    )
    return PortfolioTable(
        key="confirmed_weakening_by_region",
        title=N_("Functions weak in two exercises in a row, by region"),
        columns=(
            TableColumn("region", N_("Region"), ColumnKind.TEXT),
            TableColumn("clusters", N_("Clusters and hubs"), ColumnKind.COUNT),
            TableColumn("functions", N_("Weak functions"), ColumnKind.COUNT),
        ),
        frame=counts,
        note=N_("A cluster counts once per level: its national level and each hub count apart."),
    )


def _weakening_by_function(frame: pd.DataFrame) -> PortfolioTable:
    counts = (
        frame.groupby(["function", "title"], sort=True)
        .size()
        .rename("clusters")
        .reset_index()
        .astype({"clusters": "int64"})
    )
    return PortfolioTable(
        key="confirmed_weakening_by_function",
        title=N_("Functions weak in two exercises in a row, by function"),
        columns=(
            TableColumn("function", N_("Function"), ColumnKind.TEXT),
            TableColumn("title", N_("Title"), ColumnKind.TEXT),
            TableColumn("clusters", N_("Clusters and hubs"), ColumnKind.COUNT),
        ),
        frame=counts,
    )


def _most_weak_functions_first(frame: pd.DataFrame) -> pd.DataFrame:
    cluster_level = _cluster_levels(frame)
    weak_functions = cluster_level.map(cluster_level.value_counts())
    ordered = frame.assign(weak_functions=weak_functions).sort_values(
        ["weak_functions", "country", "cluster", "hub", "function"],
        ascending=[False, True, True, True, True],
        kind="stable",
    )
    return ordered.drop(columns=["weak_functions"])
