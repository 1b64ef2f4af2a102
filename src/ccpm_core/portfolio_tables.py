"""The tables of the annual CCPM report, as DataFrames of plain numbers.

The annual report (:mod:`ccpm_core.annual_report`) formats these tables for
reading, and the workbook export writes them with numbers left numeric.
Each table is computed for one year with grouped pandas operations over the
whole portfolio.

Rates pool their parts: a region's response rate is the sum of its partner
responses over the sum of the organisations counted, taking only levels
whose coordinator gave a count. Scores per function use the national level
of each exercise. The completion rate is the share of the responses received
that were complete and scored (rows scored over rows read).

Counts of partner responses below the minimum cell size are withheld, with
the rates computed from them, following :mod:`ccpm_core.disclosure`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from ccpm_core.disclosure import DEFAULT_MIN_CELL_SIZE, check_min_cell_size, suppress_small_cells
from ccpm_core.errors import InputError
from ccpm_core.framework import FUNCTIONS, Status
from ccpm_core.i18n import N_
from ccpm_core.portfolio_trends import BAND_RANKS, confirmed_weakening, exercise_order, name_key

if TYPE_CHECKING:
    import pandas as pd

    from ccpm_core.portfolio import Portfolio

__all__ = [
    "ColumnKind",
    "PortfolioTable",
    "TableColumn",
    "annual_tables",
    "check_year",
]


class ColumnKind(enum.StrEnum):
    """Kind of the values in a column, which sets how they are formatted."""

    TEXT = "text"
    COUNT = "count"
    RATE = "rate"
    """A fraction, 0 to 1 (above 1 when more partners answered than were counted)."""
    SCORE = "score"
    """A percentage score, 0 to 100."""
    CHANGE = "change"
    """A difference of percentage scores, in points."""


@attrs.frozen
class TableColumn:
    """One column: its key in the frame, its English header (translated when shown) and kind."""

    key: str
    header: str
    kind: ColumnKind


@attrs.frozen(eq=False)
class PortfolioTable:
    """One table of the annual report.

    ``title`` and ``note`` are English and translated when shown. Numbers
    are NaN where they do not exist. ``withheld`` lists the cells, as (row
    position, column key), that must not be shown to keep respondents
    anonymous. Their frame value is NaN too.
    """

    key: str
    title: str
    columns: tuple[TableColumn, ...]
    frame: pd.DataFrame
    note: str = ""
    withheld: frozenset[tuple[int, str]] = frozenset()


def check_year(portfolio: Portfolio, year: int) -> None:
    """Raise InputError when the portfolio has no exercise in ``year``, naming the years it has."""
    if year in portfolio.years:
        return
    known = ", ".join(str(known_year) for known_year in portfolio.years) or "none"
    msg = f"no exercise ran in {year}; years with exercises: {known}. Choose one with --year"
    raise InputError(msg)


def annual_tables(
    portfolio: Portfolio,
    year: int,
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    organisation_type_label: Callable[[str], str] | None = None,
) -> tuple[PortfolioTable, ...]:
    """Compute the tables of the annual report for ``year``.

    ``organisation_type_label`` turns an organisation type code into the
    text to show. By default the code is shown. Raises InputError when no
    exercise ran in ``year``, and DisclosureError for an invalid
    ``min_cell_size``.
    """
    check_year(portfolio, year)
    check_min_cell_size(min_cell_size)
    current = portfolio.for_year(year)
    label = organisation_type_label or str
    return (
        _exercises_by_region(current),
        _exercises_by_country(current),
        _exercises_by_cluster(current),
        _rates_by_region(current, min_cell_size),
        _rates_by_organisation_type(current, min_cell_size, label),
        _rates_by_level(current, min_cell_size),
        _status_by_function(current),
        _function_ranking(current),
        _change_from_previous_year(portfolio, year),
        _confirmed_weakening(portfolio, year),
    )


# Where the exercises ran


def _exercises_by_region(portfolio: Portfolio) -> PortfolioTable:
    levels = portfolio.levels
    frame = (
        portfolio.exercises.groupby("region", sort=True)
        .agg(
            exercises=("exercise", "nunique"),
            countries=("country", "nunique"),
            clusters=("cluster", "nunique"),
        )
        .join(
            levels[levels["level"] == "subnational"].groupby("region").size().rename("hubs"),
        )
        .fillna({"hubs": 0})
        .reset_index()
    )
    frame["hubs"] = frame["hubs"].astype("int64")
    return PortfolioTable(
        key="by_region",
        title=N_("Exercises by region"),
        columns=(
            TableColumn("region", N_("Region"), ColumnKind.TEXT),
            TableColumn("exercises", N_("Exercises"), ColumnKind.COUNT),
            TableColumn("countries", N_("Countries"), ColumnKind.COUNT),
            TableColumn("clusters", N_("Clusters"), ColumnKind.COUNT),
            TableColumn("hubs", N_("Sub-national levels"), ColumnKind.COUNT),
        ),
        frame=frame,
    )


def _exercises_by_country(portfolio: Portfolio) -> PortfolioTable:
    exercises = portfolio.exercises
    frame = (
        exercises.groupby(["region", "country"], sort=True)
        .agg(
            exercises=("exercise", "nunique"),
            clusters=("cluster", lambda names: ", ".join(sorted(set(names)))),
        )
        .reset_index()
    )
    return PortfolioTable(
        key="by_country",
        title=N_("Exercises by country"),
        columns=(
            TableColumn("region", N_("Region"), ColumnKind.TEXT),
            TableColumn("country", N_("Country"), ColumnKind.TEXT),
            TableColumn("exercises", N_("Exercises"), ColumnKind.COUNT),
            TableColumn("clusters", N_("Clusters"), ColumnKind.TEXT),
        ),
        frame=frame,
    )


def _exercises_by_cluster(portfolio: Portfolio) -> PortfolioTable:
    frame = (
        portfolio.exercises.groupby("cluster", sort=True)
        .agg(exercises=("exercise", "nunique"), countries=("country", "nunique"))
        .reset_index()
    )
    return PortfolioTable(
        key="by_cluster",
        title=N_("Exercises by cluster"),
        columns=(
            TableColumn("cluster", N_("Cluster"), ColumnKind.TEXT),
            TableColumn("exercises", N_("Exercises"), ColumnKind.COUNT),
            TableColumn("countries", N_("Countries"), ColumnKind.COUNT),
        ),
        frame=frame,
    )


# Response and completion rates

_RATE_COLUMNS = (
    TableColumn("responses", N_("Partner responses"), ColumnKind.COUNT),
    TableColumn("organisations", N_("Organisations counted"), ColumnKind.COUNT),
    TableColumn("response_rate", N_("Response rate"), ColumnKind.RATE),
    TableColumn("effective_response_rate", N_("Effective response rate"), ColumnKind.RATE),
)

_WITHHELD_RATE_COLUMNS = ("responses", "response_rate", "effective_response_rate")
"""Columns withheld in a row whose partner response count is below the minimum cell size."""


def _pooled_rates(frame: pd.DataFrame, by: str | list[str]) -> pd.DataFrame:
    """Sum responses and counts per group. A rate takes only the rows with a count."""
    import numpy as np

    parts = frame.assign(
        counted_responses=np.where(frame["organisations"].notna(), frame["responses"], 0),
        attended_responses=np.where(frame["attending"].notna(), frame["responses"], 0),
    )
    sums = parts.groupby(by, sort=True).agg(
        responses=("responses", "sum"),
        organisations=("organisations", "sum"),
        attending=("attending", "sum"),
        counted_responses=("counted_responses", "sum"),
        attended_responses=("attended_responses", "sum"),
    )
    sums["response_rate"] = sums["counted_responses"] / sums["organisations"].where(
        sums["organisations"] > 0
    )
    sums["effective_response_rate"] = sums["attended_responses"] / sums["attending"].where(
        sums["attending"] > 0
    )
    return sums.drop(columns=["counted_responses", "attended_responses"])


def _withhold(
    frame: pd.DataFrame, min_cell_size: int, columns: tuple[str, ...]
) -> tuple[pd.DataFrame, frozenset[tuple[int, str]]]:
    """Withhold small response counts, and the figures computed from them, row by row."""
    counts = [int(count) for count in frame["responses"].tolist()]
    if not counts:
        return frame, frozenset()
    suppression = suppress_small_cells(counts, min_cell_size)
    hidden_rows = [row for row, hidden in enumerate(suppression.cells) if hidden]
    shown = frame.copy()
    shown["responses"] = shown["responses"].astype("float64")
    hidden_labels = shown.index[hidden_rows]
    for column in columns:
        shown.loc[hidden_labels, column] = float("nan")
    withheld = frozenset((row, column) for row in hidden_rows for column in columns)
    return shown, withheld


def _rates_by_region(portfolio: Portfolio, min_cell_size: int) -> PortfolioTable:
    rates = _pooled_rates(portfolio.levels, "region")
    completion = portfolio.exercises.groupby("region").agg(
        exercises=("exercise", "nunique"),
        rows_read=("rows_read", "sum"),
        rows_scored=("rows_scored", "sum"),
    )
    completion["completion_rate"] = completion["rows_scored"] / completion["rows_read"].where(
        completion["rows_read"] > 0
    )
    frame = completion[["exercises", "completion_rate"]].join(rates).reset_index()
    frame, withheld = _withhold(frame, min_cell_size, _WITHHELD_RATE_COLUMNS)
    return PortfolioTable(
        key="rates_by_region",
        title=N_("Response and completion rates by region"),
        columns=(
            TableColumn("region", N_("Region"), ColumnKind.TEXT),
            TableColumn("exercises", N_("Exercises"), ColumnKind.COUNT),
            *_RATE_COLUMNS,
            TableColumn("completion_rate", N_("Completion rate"), ColumnKind.RATE),
        ),
        frame=frame,
        note=N_(
            "Rates pool all levels of the region's exercises: partner responses over the "
            "organisations the coordinators counted. The completion rate is the share of "
            "responses received that were complete and scored."
        ),
        withheld=withheld,
    )


def _rates_by_organisation_type(
    portfolio: Portfolio, min_cell_size: int, label: Callable[[str], str]
) -> PortfolioTable:
    frame = _pooled_rates(portfolio.organisation_types, "organisation_type").reset_index()
    frame["organisation_type"] = frame["organisation_type"].map(label)
    frame, withheld = _withhold(frame, min_cell_size, _WITHHELD_RATE_COLUMNS)
    return PortfolioTable(
        key="rates_by_organisation_type",
        title=N_("Response rates by organisation type"),
        columns=(
            TableColumn("organisation_type", N_("Organisation type"), ColumnKind.TEXT),
            *_RATE_COLUMNS,
        ),
        frame=frame,
        note=N_(
            "Counts by organisation type add up all exercises of the year; partners who "
            "gave no organisation type are not in this table."
        ),
        withheld=withheld,
    )


def _rates_by_level(portfolio: Portfolio, min_cell_size: int) -> PortfolioTable:
    frame = _pooled_rates(portfolio.levels, "level")
    frame = frame.join(portfolio.levels.groupby("level").size().rename("levels")).reset_index()
    frame = frame.sort_values("level", key=lambda levels: levels != "national", kind="stable")
    frame = frame.reset_index(drop=True)
    frame, withheld = _withhold(frame, min_cell_size, _WITHHELD_RATE_COLUMNS)
    return PortfolioTable(
        key="rates_by_level",
        title=N_("National and sub-national levels"),
        columns=(
            TableColumn("level", N_("Level"), ColumnKind.TEXT),
            TableColumn("levels", N_("Levels"), ColumnKind.COUNT),
            *_RATE_COLUMNS,
        ),
        frame=frame,
        withheld=withheld,
    )


# Performance


_STATUS_ORDER = (
    Status.GOOD.value,
    Status.SATISFACTORY.value,
    Status.UNSATISFACTORY.value,
    Status.WEAK.value,
    Status.NO_DATA.value,
)


def _national(portfolio: Portfolio) -> pd.DataFrame:
    scores = portfolio.scores
    return scores[scores["level"] == "national"]


def _function_frame() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "function": [str(function.number) for function in FUNCTIONS],
            "title": [function.short_title for function in FUNCTIONS],
        }
    )


def _status_by_function(portfolio: Portfolio) -> PortfolioTable:
    national = _national(portfolio)
    counts = (
        national.groupby(["function", "status"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(_STATUS_ORDER), fill_value=0)
    )
    means = national.groupby("function")["score"].mean().rename("mean_score")
    frame = _function_frame().set_index("function").join(counts).join(means)
    frame[list(_STATUS_ORDER)] = frame[list(_STATUS_ORDER)].fillna(0).astype("int64")
    frame = frame.reset_index()
    return PortfolioTable(
        key="status_by_function",
        title=N_("Statuses per function"),
        columns=(
            TableColumn("function", N_("Function"), ColumnKind.TEXT),
            TableColumn("title", N_("Title"), ColumnKind.TEXT),
            TableColumn(Status.GOOD.value, N_("Good"), ColumnKind.COUNT),
            TableColumn(Status.SATISFACTORY.value, N_("Satisfactory"), ColumnKind.COUNT),
            TableColumn(Status.UNSATISFACTORY.value, N_("Unsatisfactory"), ColumnKind.COUNT),
            TableColumn(Status.WEAK.value, N_("Weak"), ColumnKind.COUNT),
            TableColumn(Status.NO_DATA.value, N_("No data"), ColumnKind.COUNT),
            TableColumn("mean_score", N_("Mean score"), ColumnKind.SCORE),
        ),
        frame=frame,
        note=N_(
            "Each count is a section of the function rated with that status at the national "
            "level of one exercise."
        ),
    )


def _function_ranking(portfolio: Portfolio) -> PortfolioTable:
    national = _national(portfolio).assign(
        needs_action=lambda rows: rows["status"].isin(
            [Status.UNSATISFACTORY.value, Status.WEAK.value]
        )
    )
    scored = national[national["status"] != Status.NO_DATA.value]
    summary = scored.groupby("function").agg(
        mean_score=("score", "mean"),
        median_score=("score", "median"),
        needs_action=("needs_action", "mean"),
    )
    frame = _function_frame().set_index("function").join(summary).reset_index()
    frame = frame.sort_values(["mean_score", "function"], kind="stable", na_position="last")
    frame = frame.reset_index(drop=True)
    return PortfolioTable(
        key="function_ranking",
        title=N_("Functions from weakest to strongest"),
        columns=(
            TableColumn("function", N_("Function"), ColumnKind.TEXT),
            TableColumn("title", N_("Title"), ColumnKind.TEXT),
            TableColumn("mean_score", N_("Mean score"), ColumnKind.SCORE),
            TableColumn("median_score", N_("Median score"), ColumnKind.SCORE),
            TableColumn("needs_action", N_("Sections needing action"), ColumnKind.RATE),
        ),
        frame=frame,
        note=N_(
            "Scores are the section scores of the function at the national level of each "
            "exercise. Sections rated unsatisfactory or weak need follow-up actions."
        ),
    )


# Change against the previous year


def _change_from_previous_year(portfolio: Portfolio, year: int) -> PortfolioTable:
    import pandas as pd

    national = _national(portfolio)
    national = national[national["year"].isin([year - 1, year])].copy()
    national["position"] = national["exercise"].map(exercise_order(portfolio))
    national["country_key"] = name_key(national["country"])
    national["cluster_key"] = name_key(national["cluster"])
    keys = ["country_key", "cluster_key"]

    # The latest exercise of each cluster in each year is the one used for that year.
    latest = national.groupby([*keys, "year"])["position"].transform("max")
    national = national[national["position"] == latest]
    both = national.groupby(keys)["year"].transform("nunique") == 2
    national = national[both]

    current = national[national["year"] == year]
    previous = national[national["year"] == year - 1]
    paired = current.merge(
        previous[[*keys, "section", "score", "status"]],
        on=[*keys, "section"],
        how="left",
        suffixes=("", "_previous"),
    )
    paired["bands"] = paired["status"].map(BAND_RANKS) - paired["status_previous"].map(BAND_RANKS)
    paired["improved"] = paired["bands"] > 0
    paired["fell"] = paired["bands"] < 0

    frame = (
        paired.groupby(keys, sort=True)
        .agg(
            region=("region", "first"),
            country=("country", "first"),
            cluster=("cluster", "first"),
            previous_score=("score_previous", "mean"),
            score=("score", "mean"),
            improved=("improved", "sum"),
            fell=("fell", "sum"),
        )
        .reset_index(drop=True)
    )
    if frame.empty:
        frame = pd.DataFrame(
            columns=["region", "country", "cluster", "previous_score", "score", "improved", "fell"]
        )
    frame["change"] = frame["score"] - frame["previous_score"]
    frame = frame.astype({"improved": "int64", "fell": "int64"})
    return PortfolioTable(
        key="change_from_previous_year",
        title=N_("Change against the previous year"),
        columns=(
            TableColumn("region", N_("Region"), ColumnKind.TEXT),
            TableColumn("country", N_("Country"), ColumnKind.TEXT),
            TableColumn("cluster", N_("Cluster"), ColumnKind.TEXT),
            TableColumn("previous_score", N_("Previous mean score"), ColumnKind.SCORE),
            TableColumn("score", N_("Mean score"), ColumnKind.SCORE),
            TableColumn("change", N_("Change (points)"), ColumnKind.CHANGE),
            TableColumn("improved", N_("Sections up a band"), ColumnKind.COUNT),
            TableColumn("fell", N_("Sections down a band"), ColumnKind.COUNT),
        ),
        frame=frame[
            [
                "region",
                "country",
                "cluster",
                "previous_score",
                "score",
                "change",
                "improved",
                "fell",
            ]
        ],
        note=N_(
            "Clusters of the same country that ran an exercise in both years, compared at the "
            "national level; the mean score is the mean of the section scores, and a section "
            "counts when its status moved by one band or more."
        ),
    )


def _confirmed_weakening(portfolio: Portfolio, year: int) -> PortfolioTable:
    weakening = confirmed_weakening(portfolio)
    weakening = weakening[weakening["year"] == year]
    titles = _function_frame().set_index("function")["title"]
    regions = portfolio.exercises.set_index("exercise")["region"]
    frame = weakening.assign(
        region=weakening["exercise"].map(regions),
        title=weakening["function"].map(titles),
        hub=weakening["hub"].fillna(""),
    )[
        [
            "region",
            "country",
            "cluster",
            "hub",
            "function",
            "title",
            "previous_exercise",
            "exercise",
        ]
    ]
    frame = frame.sort_values(["region", "country", "cluster", "hub", "function"], kind="stable")
    return PortfolioTable(
        key="confirmed_weakening",
        title=N_("Functions weak in two exercises in a row"),
        columns=(
            TableColumn("region", N_("Region"), ColumnKind.TEXT),
            TableColumn("country", N_("Country"), ColumnKind.TEXT),
            TableColumn("cluster", N_("Cluster"), ColumnKind.TEXT),
            TableColumn("hub", N_("Hub"), ColumnKind.TEXT),
            TableColumn("function", N_("Function"), ColumnKind.TEXT),
            TableColumn("title", N_("Title"), ColumnKind.TEXT),
            TableColumn("previous_exercise", N_("Previous exercise"), ColumnKind.TEXT),
            TableColumn("exercise", N_("Exercise"), ColumnKind.TEXT),
        ),
        frame=frame.reset_index(drop=True),
        note=N_(
            "A function is weak when at least one of its sections is rated weak. Weakness "
            "confirmed in two exercises in a row calls for a new exercise sooner than the "
            "yearly one."
        ),
    )
