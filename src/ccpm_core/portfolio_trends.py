"""Trends of one cluster across its exercises: status band changes and confirmed weakening.

A cluster is a country and cluster pair, matched whatever the case and
spacing of either name; each level (national, or a hub by name) has its own
trend. Exercises follow each other in the order of their year, survey date
and id.

- A *band change* is a section whose status moved up or down one band or more
  (weak, unsatisfactory, satisfactory, good) from one exercise to the next. A
  section without data in either exercise has no band change.
- A function is *weak* in an exercise when at least one of its sections is
  rated weak there. It is a *confirmed weakening* when the function is weak in
  two exercises in a row. CCPM guidance calls for a new exercise sooner than
  the yearly one when the weakening of core functions is confirmed, and when
  several functions are rated weak.

The functions here work on all clusters of a portfolio at once, with grouped
pandas operations. On the 3,000 generated exercises of
``benchmarks/bench_portfolio.py``, :func:`band_changes` and
:func:`confirmed_weakening` each took under half a second (2-core AMD EPYC,
Python 3.11).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ccpm_core.errors import InputError
from ccpm_core.framework import Status

if TYPE_CHECKING:
    import pandas as pd

    from ccpm_core.portfolio import Portfolio

__all__ = [
    "BAND_CHANGE_COLUMNS",
    "BAND_RANKS",
    "WEAKENING_COLUMNS",
    "BandChange",
    "ClusterTrend",
    "ConfirmedWeakening",
    "band_changes",
    "check_cluster",
    "cluster_trend",
    "confirmed_weakening",
    "exercise_order",
    "name_key",
]

BAND_RANKS: dict[str, int] = {
    Status.WEAK.value: 1,
    Status.UNSATISFACTORY.value: 2,
    Status.SATISFACTORY.value: 3,
    Status.GOOD.value: 4,
}
"""Rank of each status band, from weak (1) to good (4). ``no_data`` has no rank."""

_CLUSTER_COLUMNS = ["country", "cluster", "level", "hub"]

BAND_CHANGE_COLUMNS: tuple[str, ...] = (
    "country",
    "cluster",
    "level",
    "hub",
    "section",
    "function",
    "previous_exercise",
    "exercise",
    "previous_year",
    "year",
    "previous_status",
    "status",
    "bands",
)
"""Columns of :func:`band_changes`. ``bands`` is positive for a rise and negative for a fall."""

WEAKENING_COLUMNS: tuple[str, ...] = (
    "country",
    "cluster",
    "level",
    "hub",
    "function",
    "previous_exercise",
    "exercise",
    "previous_year",
    "year",
)
"""Columns of :func:`confirmed_weakening`: the function was weak in both exercises."""


@attrs.frozen
class BandChange:
    """A section whose status moved by one band or more between consecutive exercises."""

    section: str
    function: str
    previous_exercise: str
    exercise: str
    previous_status: Status
    status: Status
    bands: int
    """Bands moved: positive when the section improved, negative when it fell."""

    @property
    def improved(self) -> bool:
        """Whether the section moved to a better band."""
        return self.bands > 0


@attrs.frozen
class ConfirmedWeakening:
    """A function rated weak in two consecutive exercises of one cluster."""

    function: str
    previous_exercise: str
    exercise: str
    previous_year: int
    year: int


@attrs.frozen(eq=False)
class ClusterTrend:
    """The trend of one cluster at one level across its exercises, oldest first."""

    country: str
    cluster: str
    hub: str | None
    exercises: tuple[str, ...]
    scores: pd.DataFrame
    """Section scores (0 to 100, NaN without data): one row per section, one column per exercise."""
    changes: tuple[BandChange, ...]
    weakening: tuple[ConfirmedWeakening, ...]

    def changes_frame(self) -> pd.DataFrame:
        """Return the band changes as a DataFrame, one row per change."""
        import pandas as pd

        return pd.DataFrame(
            [attrs.asdict(change, recurse=False) for change in self.changes],
            columns=[field.name for field in attrs.fields(BandChange)],
        )

    def weakening_frame(self) -> pd.DataFrame:
        """Return the confirmed weakening as a DataFrame, one row per function and pair."""
        import pandas as pd

        return pd.DataFrame(
            [attrs.asdict(item, recurse=False) for item in self.weakening],
            columns=[field.name for field in attrs.fields(ConfirmedWeakening)],
        )


def exercise_order(portfolio: Portfolio) -> pd.Series:
    """Return each exercise's position in time (0 first), indexed by exercise id.

    Exercises are ordered by year, then survey date (exercises without one
    come first within their year), then id.
    """
    import pandas as pd

    exercises = portfolio.exercises[["exercise", "year", "survey_date"]].copy()
    exercises["survey_date"] = exercises["survey_date"].fillna("")
    ordered = exercises.sort_values(["year", "survey_date", "exercise"], kind="stable")
    return pd.Series(range(len(ordered)), index=ordered["exercise"].to_numpy(), name="position")


def band_changes(portfolio: Portfolio) -> pd.DataFrame:
    """Return every band change of every cluster and level (columns: BAND_CHANGE_COLUMNS)."""
    frame = _ordered_sections(portfolio)
    groups = frame.groupby([*_key_columns(), "section"], sort=False)
    frame["previous_exercise"] = groups["exercise"].shift()
    frame["previous_year"] = groups["year"].shift()
    frame["previous_status"] = groups["status"].shift()

    rank = frame["status"].map(BAND_RANKS)
    previous_rank = frame["previous_status"].map(BAND_RANKS)
    frame["bands"] = rank - previous_rank
    moved = frame[frame["bands"].notna() & (frame["bands"] != 0)].copy()
    moved["bands"] = moved["bands"].astype("int64")
    moved["previous_year"] = moved["previous_year"].astype("int64")
    return moved.loc[:, list(BAND_CHANGE_COLUMNS)].reset_index(drop=True)


def confirmed_weakening(portfolio: Portfolio) -> pd.DataFrame:
    """Return each function weak in two consecutive exercises of a cluster and level."""
    frame = _ordered_sections(portfolio)
    frame["weak"] = frame["status"] == Status.WEAK.value
    per_function = (
        frame.groupby([*_key_columns(), "function", "position"], sort=True, dropna=False)
        .agg(
            weak=("weak", "any"),
            exercise=("exercise", "first"),
            year=("year", "first"),
            **{column: (column, "first") for column in _CLUSTER_COLUMNS},
        )
        .reset_index()
    )
    groups = per_function.groupby([*_key_columns(), "function"], sort=False)
    per_function["previous_weak"] = groups["weak"].shift(fill_value=False)
    per_function["previous_exercise"] = groups["exercise"].shift()
    per_function["previous_year"] = groups["year"].shift()

    confirmed = per_function[per_function["weak"] & per_function["previous_weak"]].copy()
    confirmed["previous_year"] = confirmed["previous_year"].astype("int64")
    return confirmed.loc[:, list(WEAKENING_COLUMNS)].reset_index(drop=True)


def cluster_trend(
    portfolio: Portfolio, country: str, cluster: str, hub: str | None = None
) -> ClusterTrend:
    """Return the trend of one cluster at the national level, or at ``hub``.

    Names match whatever their case and surrounding spaces. Raises KeyError
    naming the cluster when the portfolio has no exercise of it at that level.
    """
    scores = portfolio.scores
    selected = _matches(scores, country, cluster, hub)
    if not bool(selected.any()):
        where = "the national level" if hub is None else f"hub {hub!r}"
        msg = f"no exercise of the {cluster} cluster in {country} at {where} in this portfolio"
        raise KeyError(msg)

    order = exercise_order(portfolio)
    rows = scores[selected]
    exercises = tuple(sorted(rows["exercise"].unique(), key=lambda exercise: order[exercise]))
    table = rows.pivot_table(
        index="section", columns="exercise", values="score", aggfunc="first", dropna=False
    ).reindex(columns=list(exercises))

    changes = band_changes(portfolio)
    changes = changes[_matches(changes, country, cluster, hub)]
    weakening = confirmed_weakening(portfolio)
    weakening = weakening[_matches(weakening, country, cluster, hub)]
    return ClusterTrend(
        country=str(rows["country"].iloc[0]),
        cluster=str(rows["cluster"].iloc[0]),
        hub=hub,
        exercises=exercises,
        scores=table,
        changes=tuple(
            BandChange(
                section=str(row["section"]),
                function=str(row["function"]),
                previous_exercise=str(row["previous_exercise"]),
                exercise=str(row["exercise"]),
                previous_status=Status(row["previous_status"]),
                status=Status(row["status"]),
                bands=int(row["bands"]),
            )
            for row in changes.to_dict("records")
        ),
        weakening=tuple(
            ConfirmedWeakening(
                function=str(row["function"]),
                previous_exercise=str(row["previous_exercise"]),
                exercise=str(row["exercise"]),
                previous_year=int(row["previous_year"]),
                year=int(row["year"]),
            )
            for row in weakening.to_dict("records")
        ),
    )


def check_cluster(portfolio: Portfolio, country: str, cluster: str, hub: str | None = None) -> None:
    """Raise InputError unless the portfolio has exercises of the cluster at the level.

    The message names the first name that matches nothing (country, then
    cluster, then hub) and lists the names the portfolio has there, so a typo
    can be corrected. Names match as in :func:`cluster_trend`.
    """
    scores = portfolio.scores
    in_country = scores[name_key(scores["country"]) == _folded(country)]
    if in_country.empty:
        known = _name_list(scores["country"])
        msg = f"country {country!r} not found in this portfolio; countries with exercises: {known}"
        raise InputError(msg)

    in_cluster = in_country[name_key(in_country["cluster"]) == _folded(cluster)]
    if in_cluster.empty:
        known = _name_list(in_country["cluster"])
        msg = (
            f"cluster {cluster!r} not found in {in_country['country'].iloc[0]}; "
            f"clusters with exercises there: {known}"
        )
        raise InputError(msg)

    hubs = in_cluster["hub"].dropna()
    if hub is None:
        if bool(in_cluster["hub"].isna().any()):
            return
        msg = (
            f"the {in_cluster['cluster'].iloc[0]} cluster in {in_cluster['country'].iloc[0]} "
            f"has no national level in this portfolio; its hubs: {_name_list(hubs)}. "
            "Choose one with --hub"
        )
        raise InputError(msg)
    if not bool((name_key(hubs) == _folded(hub)).any()):
        known = _name_list(hubs) if not hubs.empty else "none (national level only)"
        msg = (
            f"hub {hub!r} not found for the {in_cluster['cluster'].iloc[0]} cluster in "
            f"{in_cluster['country'].iloc[0]}; its hubs: {known}. Leave out --hub for the "
            "national level"
        )
        raise InputError(msg)


_LISTED_NAMES = 40
"""Names listed in a message before the rest are only counted."""


def _name_list(names: pd.Series) -> str:
    distinct = sorted({str(name) for name in names}, key=str.casefold)
    listed = ", ".join(distinct[:_LISTED_NAMES])
    if len(distinct) > _LISTED_NAMES:
        listed += f" and {len(distinct) - _LISTED_NAMES} more"
    return listed


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


def _key_columns() -> list[str]:
    return ["country_key", "cluster_key", "hub_key"]


def _ordered_sections(portfolio: Portfolio) -> pd.DataFrame:
    """Return the section rows with matching keys and each exercise's position, in time order."""
    frame = portfolio.scores[
        ["exercise", "year", *_CLUSTER_COLUMNS, "section", "function", "status"]
    ].copy()
    frame["country_key"] = name_key(frame["country"])
    frame["cluster_key"] = name_key(frame["cluster"])
    frame["hub_key"] = name_key(frame["hub"].fillna(""))
    frame["position"] = frame["exercise"].map(exercise_order(portfolio))
    return frame.sort_values([*_key_columns(), "section", "position"], kind="stable")


def name_key(names: pd.Series) -> pd.Series:
    """Return each name case-folded with its white space collapsed, for matching."""
    import numpy as np
    import pandas as pd

    # Names repeat on every section row, so only the distinct ones are folded.
    codes, distinct = pd.factorize(names, use_na_sentinel=False)
    folded = np.array([" ".join(str(name).casefold().split()) for name in distinct], dtype=object)
    return pd.Series(folded[codes], index=names.index)


def _matches(frame: pd.DataFrame, country: str, cluster: str, hub: str | None) -> pd.Series:
    import pandas as pd

    wanted_hub = "" if hub is None else " ".join(hub.casefold().split())
    keys = (
        (name_key(frame["country"]) == " ".join(country.casefold().split()))
        & (name_key(frame["cluster"]) == " ".join(cluster.casefold().split()))
        & (name_key(frame["hub"].fillna("")) == wanted_hub)
    )
    return pd.Series(keys, index=frame.index)
