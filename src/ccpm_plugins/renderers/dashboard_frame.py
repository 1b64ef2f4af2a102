"""Checking a portfolio frame and grouping it into the rows of the dashboard.

A portfolio frame has one row per exercise, level or hub, and section (see
:data:`~ccpm_plugins.renderers.dashboard_checks.FRAME_COLUMNS`). The
dashboard shows one heatmap row per exercise and level or hub, so the
frame's rows are grouped by ``(exercise, hub)`` and their section scores laid
out in CCPM section order. A section the frame has no row for shows as no data.

Every value is checked before it is used. A bad value raises
:class:`~ccpm_core.errors.InputError` naming the frame's row label, the
column and the value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.errors import InputError
from ccpm_core.framework import SECTION_IDS, SECTIONS, Status
from ccpm_plugins.renderers.dashboard_checks import (
    FRAME_COLUMNS,
    check_choice_column,
    check_columns,
    check_text_column,
    float_column,
    integer_column,
    missing_mask,
    raise_bad_value,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd

__all__ = [
    "FRAME_COLUMNS",
    "NATIONAL",
    "SUBNATIONAL",
    "DashboardRow",
    "ExerciseFacts",
    "PortfolioRows",
    "group_frame",
]

NATIONAL = "national"
SUBNATIONAL = "subnational"

_EXERCISE_COLUMNS = ("year", "region", "country", "cluster")
_LEVEL_COLUMNS = ("response_rate", "effective_response_rate", "partners", "coordinators")
_STATUSES: tuple[Status, ...] = tuple(Status)


@attrs.frozen
class ExerciseFacts:
    """Identity of an exercise in the filters: its id, year, region, country and cluster."""

    exercise: str
    year: int
    region: str
    country: str
    cluster: str


@attrs.frozen
class DashboardRow:
    """One heatmap row: an exercise at the national level or in one hub."""

    exercise: ExerciseFacts
    hub: str | None
    """Hub name, or None for the national level."""
    response_rate: float | None
    effective_response_rate: float | None
    partners: int
    coordinators: int
    scores: tuple[float | None, ...]
    """Score per section in CCPM section order; None where the frame has no score."""
    statuses: tuple[Status, ...]
    """Status per section; :attr:`Status.NO_DATA` where the frame has no row for the section."""
    counts: tuple[int | None, ...]
    """Respondents per section; None where the frame has no row for the section."""


@attrs.frozen
class PortfolioRows:
    """The dashboard rows of a frame, ordered by year, country, cluster, exercise and hub."""

    rows: tuple[DashboardRow, ...]
    exercise_count: int


@attrs.frozen
class _Columns:
    """The checked columns of a frame, numbers as NumPy arrays."""

    frame: pd.DataFrame
    """The frame's columns of :data:`FRAME_COLUMNS`, with ``hub`` as ``""`` on national rows."""
    scores: npt.NDArray[np.float64]
    counts: npt.NDArray[np.int64]
    status_codes: npt.NDArray[np.int64]
    section_positions: npt.NDArray[np.int64]


def group_frame(frame: pd.DataFrame) -> PortfolioRows:
    """Check a portfolio frame and group it into dashboard rows.

    Raises :class:`~ccpm_core.errors.InputError` when ``frame`` is not a
    DataFrame, lacks a column of :data:`FRAME_COLUMNS`, contains a value of the
    wrong type or range, repeats a section for one exercise and level or hub,
    or gives one exercise (or one level or hub of it) two values for a fact
    that must be the same on all its rows, such as its year or response rate.
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        msg = f"the dashboard needs a pandas DataFrame, not {type(frame).__name__}"
        raise InputError(msg)
    check_columns(frame)

    columns = _checked_columns(frame)
    _check_exercise_facts(columns.frame)
    _check_unique_sections(columns.frame)
    _check_level_facts(columns.frame)
    return _grouped_rows(columns)


# Checks


def _checked_columns(frame: pd.DataFrame) -> _Columns:
    import numpy as np

    table = frame[list(FRAME_COLUMNS)].copy()
    for column in ("exercise", "region", "country", "cluster"):
        check_text_column(table[column])
    check_choice_column(table["level"], (NATIONAL, SUBNATIONAL), f"{NATIONAL!r} or {SUBNATIONAL!r}")
    check_choice_column(table["section"], SECTIONS, "one of " + ", ".join(SECTION_IDS))
    _check_functions(table)
    statuses = {status.value: code for code, status in enumerate(_STATUSES)}
    check_choice_column(
        table["status"], statuses, "one of " + ", ".join(repr(value) for value in statuses)
    )

    table["year"] = integer_column(table["year"], minimum=None)
    counts = integer_column(table["n"], minimum=0)
    for column in ("partners", "coordinators"):
        table[column] = integer_column(table[column], minimum=0)
    scores = float_column(table["score"], maximum=100.0)
    for column in ("response_rate", "effective_response_rate"):
        table[column] = float_column(table[column], maximum=None)

    table["hub"] = _checked_hubs(table)
    status_codes: npt.NDArray[np.int64] = np.asarray(table["status"].map(statuses), dtype=np.int64)
    _check_missing_scores(table, scores, status_codes)
    positions = {section: position for position, section in enumerate(SECTION_IDS)}
    section_positions: npt.NDArray[np.int64] = np.asarray(
        table["section"].map(positions), dtype=np.int64
    )
    return _Columns(
        frame=table,
        scores=scores,
        counts=counts,
        status_codes=status_codes,
        section_positions=section_positions,
    )


def _check_functions(table: pd.DataFrame) -> None:
    import numpy as np

    functions = {section.id: str(section.function) for section in SECTIONS.values()}
    expected = table["section"].map(functions)
    wrong = np.flatnonzero((table["function"] != expected).to_numpy(dtype=bool))
    if wrong.size:
        position = int(wrong[0])
        section = table["section"].iat[position]
        raise_bad_value(
            table.index[position],
            "function",
            table["function"].iat[position],
            f"{expected.iat[position]!r}, the function of section {section}",
        )


def _checked_hubs(table: pd.DataFrame) -> pd.Series[Any]:
    """Return the hub column with ``""`` on national rows, after checking both kinds of row."""
    import numpy as np

    national = (table["level"] == NATIONAL).to_numpy(dtype=bool)
    missing = missing_mask(table["hub"])
    named_national = np.flatnonzero(national & ~missing)
    if named_national.size:
        position = int(named_national[0])
        raise_bad_value(
            table.index[position], "hub", table["hub"].iat[position], "None on a national row"
        )

    check_text_column(table["hub"][~national], "a hub name on a subnational row")
    return table["hub"].where(~national, "")


def _check_missing_scores(
    table: pd.DataFrame, scores: npt.NDArray[np.float64], status_codes: npt.NDArray[np.int64]
) -> None:
    import numpy as np

    no_data = _STATUSES.index(Status.NO_DATA)
    wrong = np.flatnonzero(np.isnan(scores) & (status_codes != no_data))
    if wrong.size:
        position = int(wrong[0])
        raise_bad_value(
            table.index[position],
            "status",
            table["status"].iat[position],
            f"{Status.NO_DATA.value!r} where the score is NaN",
        )


def _check_exercise_facts(table: pd.DataFrame) -> None:
    """Raise InputError when an exercise has two years, regions, countries or clusters."""
    distinct = table.groupby("exercise", sort=False)[list(_EXERCISE_COLUMNS)].nunique()
    for column in _EXERCISE_COLUMNS:
        conflicting = distinct.index[distinct[column] > 1]
        if len(conflicting):
            exercise = conflicting[0]
            rows = table[table["exercise"] == exercise]
            _raise_conflict(rows, column, f"exercise {exercise!r}", "an exercise")


def _check_unique_sections(table: pd.DataFrame) -> None:
    import numpy as np

    repeated = np.flatnonzero(table.duplicated(["exercise", "hub", "section"]).to_numpy())
    if repeated.size:
        position = int(repeated[0])
        row = table.iloc[position]
        msg = (
            f"portfolio frame row {table.index[position]!r}: exercise {row['exercise']!r} "
            f"({_level_name(row['hub'])}) has section {row['section']!r} twice; "
            "keep one row per section"
        )
        raise InputError(msg)


def _check_level_facts(table: pd.DataFrame) -> None:
    """Raise InputError when a level or hub has two response rates or response counts."""
    grouped = table.groupby(["exercise", "hub"], sort=False)[list(_LEVEL_COLUMNS)]
    distinct = grouped.nunique(dropna=False)
    for column in _LEVEL_COLUMNS:
        conflicting = distinct.index[distinct[column] > 1]
        if len(conflicting):
            exercise, hub = conflicting[0]
            rows = table[(table["exercise"] == exercise) & (table["hub"] == hub)]
            where = f"exercise {exercise!r} ({_level_name(hub)})"
            _raise_conflict(rows, column, where, "a level or hub")


def _raise_conflict(rows: pd.DataFrame, column: str, where: str, owner: str) -> None:
    labels = list(rows.index)
    values = rows[column].tolist()
    for label, value in zip(labels[1:], values[1:], strict=True):
        if not _same_value(value, values[0]):
            msg = (
                f"portfolio frame rows {labels[0]!r} and {label!r}: {where} has two values "
                f"in column {column!r} ({values[0]!r} and {value!r}); "
                f"{owner} has one value on all its rows"
            )
            raise InputError(msg)


def _same_value(first: Any, second: Any) -> bool:
    # NaN is the only value that differs from itself, and two NaN rates agree.
    return bool(first == second or (first != first and second != second))


def _level_name(hub: str) -> str:
    return "national level" if hub == "" else f"hub {hub!r}"


# Grouping


def _grouped_rows(columns: _Columns) -> PortfolioRows:
    import numpy as np

    table = columns.frame
    row_ids = table.groupby(["exercise", "hub"], sort=False).ngroup().to_numpy(dtype=np.int64)
    row_count = int(row_ids.max()) + 1 if row_ids.size else 0
    section_count = len(SECTION_IDS)

    # One matrix per cell value. Cells the frame has no row for keep the fill.
    scores = np.full((row_count, section_count), np.nan)
    statuses = np.full((row_count, section_count), _STATUSES.index(Status.NO_DATA))
    counts = np.full((row_count, section_count), -1, dtype=np.int64)
    scores[row_ids, columns.section_positions] = columns.scores
    statuses[row_ids, columns.section_positions] = columns.status_codes
    counts[row_ids, columns.section_positions] = columns.counts

    _, first_positions = np.unique(row_ids, return_index=True)
    firsts = table.iloc[first_positions]
    rows = [
        _row(fact, score_row, status_row, count_row)
        for fact, score_row, status_row, count_row in zip(
            firsts.itertuples(index=False),
            scores.tolist(),
            statuses.tolist(),
            counts.tolist(),
            strict=True,
        )
    ]
    rows.sort(key=_row_order)
    exercise_count = len({row.exercise.exercise for row in rows})
    return PortfolioRows(rows=tuple(rows), exercise_count=exercise_count)


def _row(first: Any, scores: list[float], statuses: list[int], counts: list[int]) -> DashboardRow:
    """Build a row from its first frame record (a named tuple) and its section cells."""
    return DashboardRow(
        exercise=ExerciseFacts(
            exercise=first.exercise,
            year=int(first.year),
            region=first.region,
            country=first.country,
            cluster=first.cluster,
        ),
        hub=first.hub or None,
        response_rate=_optional(first.response_rate),
        effective_response_rate=_optional(first.effective_response_rate),
        partners=int(first.partners),
        coordinators=int(first.coordinators),
        scores=tuple(None if score != score else score for score in scores),
        statuses=tuple(_STATUSES[code] for code in statuses),
        counts=tuple(None if count < 0 else count for count in counts),
    )


def _optional(value: float) -> float | None:
    # NaN is the only float that differs from itself.
    return None if value != value else float(value)


def _row_order(row: DashboardRow) -> tuple[int, str, str, str, int, str]:
    facts = row.exercise
    national_first = 0 if row.hub is None else 1
    return (facts.year, facts.country, facts.cluster, facts.exercise, national_first, row.hub or "")
