"""Removal of rows that repeat one submission, before responses are matched.

Survey exports repeat a submission when a download is appended twice, when
files are merged by hand, or when a response is edited and both versions are
kept. A submission is recognised by its id column (``_uuid``, ``meta/rootUuid``,
``meta/instanceID`` or ``uuid``, after any group path). The rule:

- rows with an empty id are never treated as repeats;
- rows with the same id and identical cells collapse into the first of them,
  and the others are excluded as duplicates;
- when rows with the same id differ, the row with the latest submission time
  (``_submission_time``, ``SubmissionDate``, ``submitdate`` or ``end``) is
  kept. When a time is missing or not an ISO 8601 date, the last row in the
  file is kept instead. The others are excluded as superseded, and a note
  names the rows and the columns that differ.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence

import attrs

from ccpm_core.responses import Deduplication, Exclusion, ExclusionReason, RawResponses

__all__ = ["SUBMISSION_ID_NAMES", "SUBMISSION_TIME_NAMES", "remove_repeated_submissions"]

SUBMISSION_ID_NAMES = ("rootuuid", "_uuid", "instanceid", "uuid")
"""Folded last path segments of submission id headers, the preferred first.

An edited Kobo submission keeps its root uuid while its ``_uuid`` changes, so
the root uuid finds more repeats.
"""

SUBMISSION_TIME_NAMES = ("_submission_time", "submissiondate", "submitdate", "end")
"""Folded last path segments of submission time headers, the preferred first."""

_PATH_SEPARATORS = re.compile(r"[/.]")
_MAX_DIFFERING_COLUMNS_SHOWN = 5


def remove_repeated_submissions(raw: RawResponses) -> tuple[RawResponses, Deduplication | None]:
    """Drop repeated rows of one submission and return the remaining responses.

    Returns ``raw`` itself and None when the table has no submission id
    column. Dropped rows move to the returned responses' ``exclusions``, so
    that every row read stays accounted for.
    """
    id_position = _find_column(raw, SUBMISSION_ID_NAMES)
    if id_position is None:
        return raw, None
    time_position = _find_column(raw, SUBMISSION_TIME_NAMES)

    groups = _rows_per_id(raw, id_position)
    excluded: dict[int, Exclusion] = {}
    notes: list[str] = []
    exact_duplicates = 0
    conflicts = 0
    for positions in groups:
        distinct, duplicates = _collapse_identical(raw, positions)
        excluded.update(duplicates)
        exact_duplicates += len(duplicates)
        if len(distinct) > 1:
            superseded, note = _keep_latest(raw, distinct, time_position)
            excluded.update(superseded)
            conflicts += len(superseded)
            notes.append(note)

    kept = [position for position in range(len(raw.table)) if position not in excluded]
    deduplication = Deduplication(
        id_column=_header(raw, id_position),
        time_column=None if time_position is None else _header(raw, time_position),
        rows_before=len(raw.table),
        rows_after=len(kept),
        exact_duplicates=exact_duplicates,
        conflicts=conflicts,
    )
    if not excluded:
        return raw, deduplication

    remaining = attrs.evolve(
        raw,
        table=raw.table.iloc[kept].reset_index(drop=True),
        row_numbers=[raw.row_numbers[position] for position in kept],
        exclusions=(*raw.exclusions, *excluded.values()),
        notes=(*raw.notes, *notes),
    )
    return remaining, deduplication


def _find_column(raw: RawResponses, names: Sequence[str]) -> int | None:
    """Return the position of the first column whose header ends in one of ``names``."""
    positions: dict[str, int] = {}
    for position, column in enumerate(raw.table.columns):
        last = _PATH_SEPARATORS.split(str(column).strip())[-1].casefold()
        positions.setdefault(last, position)
    for name in names:
        if name in positions:
            return positions[name]
    return None


def _header(raw: RawResponses, position: int) -> str:
    column = str(raw.table.columns[position])
    return raw.column_sources.get(column, column)


def _rows_per_id(raw: RawResponses, id_position: int) -> list[list[int]]:
    """Group the positions of rows that share a non-empty id; groups of one are left out."""
    groups: dict[str, list[int]] = defaultdict(list)
    for position, value in enumerate(raw.table.iloc[:, id_position].tolist()):
        text = "" if value is None else str(value).strip()
        if text:
            groups[text].append(position)
    return [positions for positions in groups.values() if len(positions) > 1]


def _cells(raw: RawResponses, position: int) -> tuple[str, ...]:
    return tuple(str(value) for value in raw.table.iloc[position].tolist())


def _collapse_identical(
    raw: RawResponses, positions: list[int]
) -> tuple[list[int], dict[int, Exclusion]]:
    """Split rows of one id into the first of each distinct content and the exact copies."""
    first_with: dict[tuple[str, ...], int] = {}
    duplicates: dict[int, Exclusion] = {}
    for position in positions:
        cells = _cells(raw, position)
        original = first_with.setdefault(cells, position)
        if original != position:
            detail = f"same cells as row {raw.row_numbers[original]}"
            duplicates[position] = Exclusion(
                raw.row_numbers[position], ExclusionReason.DUPLICATE, detail
            )
    return list(first_with.values()), duplicates


def _keep_latest(
    raw: RawResponses, positions: list[int], time_position: int | None
) -> tuple[dict[int, Exclusion], str]:
    """Keep the latest of differing rows of one submission; return the others and a note."""
    times = [_submission_time(raw, position, time_position) for position in positions]
    if all(time is not None for time in times):
        # Equal times keep file order, so the later row wins a tie.
        order = sorted(range(len(positions)), key=lambda index: (times[index], index))
        kept = positions[order[-1]]
        reason = "it has the latest submission time"
    else:
        kept = positions[-1]
        reason = (
            "it is the last in the file (no submission time column)"
            if time_position is None
            else "it is the last in the file (a submission time is missing or not a date)"
        )

    kept_row = raw.row_numbers[kept]
    superseded = {
        position: Exclusion(
            raw.row_numbers[position],
            ExclusionReason.SUPERSEDED,
            f"row {kept_row} of the same submission was kept instead",
        )
        for position in positions
        if position != kept
    }
    rows = ", ".join(str(raw.row_numbers[position]) for position in positions)
    differing = _differing_columns(raw, positions)
    note = (
        f"rows {rows} have the same submission id but differ in {differing}; row {kept_row} "
        f"was kept because {reason}, and the others were excluded as superseded"
    )
    return superseded, note


def _differing_columns(raw: RawResponses, positions: list[int]) -> str:
    rows = [_cells(raw, position) for position in positions]
    differing = [
        _header(raw, index)
        for index in range(len(rows[0]))
        if len({row[index] for row in rows}) > 1
    ]
    shown = ", ".join(repr(header) for header in differing[:_MAX_DIFFERING_COLUMNS_SHOWN])
    if len(differing) > _MAX_DIFFERING_COLUMNS_SHOWN:
        shown += f" and {len(differing) - _MAX_DIFFERING_COLUMNS_SHOWN} more"
    return f"column {shown}" if len(differing) == 1 else f"columns {shown}"


def _submission_time(
    raw: RawResponses, position: int, time_position: int | None
) -> dt.datetime | None:
    """Return the row's submission time as naive UTC, or None when it is missing or invalid.

    A time without an offset is taken to be UTC already.
    """
    if time_position is None:
        return None
    text = str(raw.table.iat[position, time_position]).strip()
    try:
        time = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if time.tzinfo is not None:
        time = time.astimezone(dt.UTC).replace(tzinfo=None)
    return time
