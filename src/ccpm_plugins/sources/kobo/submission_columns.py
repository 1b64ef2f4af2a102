"""Pages of JSON submissions collected as columns, one per field.

Each page is turned into column blocks as it arrives, so that its
dictionaries can be freed and 100,000 submissions stay within memory. The
work that looks at every value (reading it, checking that answers are text)
happens then, while the page is fresh in the processor's cache; later passes
only move references.

Rows are first split by their answer to the instrument question: partner and
coordinator submissions share few keys, and looking up absent keys would cost
as much as reading present ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.kobo.metadata import is_metadata_name

__all__ = ["KEPT_METADATA", "SubmissionColumns"]

KEPT_METADATA = ("_id", "_submission_time", "meta/rootUuid", "_validation_status", "__version__")
"""Metadata read to choose which submissions to keep; none of it reaches the response table."""

_SKIP = 0
_DATA = 1
_KEPT_METADATA = 2


@attrs.frozen(eq=False)
class _Block:
    """Values of some keys in some rows of a page: ``values[j][i]`` is key ``j`` in row ``i``."""

    positions: npt.NDArray[np.intp] | None
    """Rows of the page, or None for every row."""
    keys: dict[str, int]
    values: list[npt.NDArray[np.object_]]


@attrs.define
class _Page:
    size: int
    blocks: list[_Block] = attrs.field(factory=list)


class SubmissionColumns:
    """Collects pages of JSON submissions as one column per field.

    ``group_field`` is the path of the instrument question. Its answers split
    each page into rows with similar keys. ``metadata`` names further field
    paths to drop, such as metadata questions renamed in the form.
    """

    def __init__(self, group_field: str | None = None, metadata: Iterable[str] = ()) -> None:
        self._group_field = group_field
        self._extra_metadata = frozenset(metadata)
        self._pages: list[_Page] = []
        self._rows = 0
        self._kinds: dict[str, int] = {}
        self._fields: dict[str, None] = {}
        self._metadata_seen: set[str] = set()
        self._not_text: set[str] = set()

    @property
    def rows(self) -> int:
        """Submissions collected so far."""
        return self._rows

    @property
    def fields(self) -> list[str]:
        """Paths of the answer fields seen, in order of first appearance."""
        return list(self._fields)

    @property
    def metadata_seen(self) -> set[str]:
        """Names of the metadata fields seen, read or not."""
        return set(self._metadata_seen)

    def has_only_text(self, key: str) -> bool:
        """Tell whether every value of an answer field seen so far is a string."""
        return key not in self._not_text

    def add_page(self, records: list[Any], url: str) -> None:
        """Add the submissions of one page; raise :class:`SourceError` if one is not an object.

        The keys of the largest group are read from every row of the page, so
        their columns are complete. Keys found only in smaller groups are read
        from those groups' rows alone.
        """
        if not all(type(record) is dict for record in records):
            msg = f"{url}: a submission on this page is not a JSON object; report it to the server"
            raise SourceError(msg)

        page = _Page(len(records))
        read_for_every_row: set[str] = set()
        for rank, (positions, rows) in enumerate(self._groups(records)):
            keys = [
                key
                for key in set().union(*rows)
                if key not in read_for_every_row and self._is_read(key)
            ]
            if not keys:
                continue
            if rank == 0:
                read_for_every_row.update(keys)
                page.blocks.append(_Block(None, _index(keys), self._read(records, keys)))
            else:
                page.blocks.append(_Block(positions, _index(keys), self._read(rows, keys)))

        self._pages.append(page)
        self._rows += page.size

    def column(self, key: str) -> npt.NDArray[np.object_]:
        """Return the values of ``key`` in every row: '' where absent, None for metadata."""
        values = np.empty(self._rows, dtype=object)
        self.fill(key, values)
        return values

    def fill(self, key: str, out: npt.NDArray[np.object_]) -> None:
        """Write the values of ``key`` in every row into ``out``, as :meth:`column` returns them.

        Writing into a column of a larger array spares a copy of 100,000
        references per column.
        """
        default = None if key in KEPT_METADATA else ""
        offset = 0
        for page in self._pages:
            target = out[offset : offset + page.size]
            filled = False
            for block in page.blocks:
                index = block.keys.get(key)
                if index is None:
                    continue
                if block.positions is None:
                    target[:] = block.values[index]
                    filled = True
                    break
                if not filled:
                    target[:] = default
                    filled = True
                target[block.positions] = block.values[index]
            if not filled:
                target[:] = default
            offset += page.size

    def _read(
        self, rows: Sequence[dict[str, Any]], keys: list[str]
    ) -> list[npt.NDArray[np.object_]]:
        """Read ``keys`` from ``rows`` with defaults where absent, and note non-text answers."""
        columns: list[npt.NDArray[np.object_]] = []
        for key in keys:
            is_data = self._kinds[key] == _DATA
            # map() calls dict.get from compiled code: no Python frame per value.
            values = np.fromiter(
                map(dict.get, rows, repeat(key), repeat("" if is_data else None)),
                dtype=object,
                count=len(rows),
            )
            # A non-text answer, such as a repeat group, is rare, and the check is one C scan.
            if is_data and pd.api.types.infer_dtype(values, skipna=False) != "string":
                self._not_text.add(key)
            columns.append(values)
        return columns

    def _groups(
        self, records: list[dict[str, Any]]
    ) -> list[tuple[npt.NDArray[np.intp], Sequence[dict[str, Any]]]]:
        """Split a page's rows by their answer to the group field, the largest group first."""
        everything = (np.arange(len(records), dtype=np.intp), records)
        if self._group_field is None or not records:
            return [everything]
        buckets: dict[Any, list[int]] = {}
        try:
            for position, record in enumerate(records):
                buckets.setdefault(record.get(self._group_field), []).append(position)
        except TypeError:
            # An unhashable answer (a list) cannot name a group, so the page is read as one group.
            return [everything]
        if len(buckets) == 1:
            return [everything]

        groups: list[tuple[npt.NDArray[np.intp], Sequence[dict[str, Any]]]] = [
            (np.asarray(positions, dtype=np.intp), [records[p] for p in positions])
            for positions in buckets.values()
        ]
        groups.sort(key=lambda group: len(group[0]), reverse=True)
        return groups

    def _is_read(self, key: str) -> bool:
        kind = self._kinds.get(key)
        if kind is None:
            kind = self._classify(key)
        return kind != _SKIP

    def _classify(self, key: str) -> int:
        if key in KEPT_METADATA:
            kind = _KEPT_METADATA
            self._metadata_seen.add(key)
        elif key in self._extra_metadata or is_metadata_name(key):
            kind = _SKIP
            self._metadata_seen.add(key)
        else:
            kind = _DATA
            self._fields[key] = None
        self._kinds[key] = kind
        return kind


def _index(keys: list[str]) -> dict[str, int]:
    return {key: index for index, key in enumerate(keys)}
