"""Response counts taken during the survey, kept with their time, and the change between two.

A snapshot holds every group that the survey source counted (such as complete
and incomplete responses). The first group is the main count: the one the
lifecycle rules and the progress notes use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ccpm_core.errors import InputError
from ccpm_core.exercise import utc_time
from ccpm_core.labels import same_hub
from ccpm_core.progress import LevelProgress, SurveyProgress
from ccpm_core.rates import RateFigure, ResponseRates, TypeRates

__all__ = [
    "SNAPSHOT_SCHEMA",
    "LevelChange",
    "ProgressChange",
    "ProgressSnapshot",
    "TypeChange",
    "compare_snapshots",
    "snapshot_before",
]

SNAPSHOT_SCHEMA = "ccpm.progress-snapshot/1"


@attrs.frozen
class ProgressSnapshot:
    """The response counts of one survey at one moment (UTC)."""

    taken_at: dt.datetime = attrs.field(converter=utc_time)
    groups: tuple[SurveyProgress, ...]

    def __attrs_post_init__(self) -> None:
        if not self.groups:
            msg = "a progress snapshot needs at least one group of counts"
            raise InputError(msg)

    @property
    def main(self) -> SurveyProgress:
        """The main count: the first group the source returned."""
        return self.groups[0]

    @property
    def responses(self) -> int:
        """Partner and coordinator responses in the main count."""
        return self.main.partners + self.main.coordinators

    def responses_of(self, hub: str | None) -> int:
        """Return the responses that count for an exercise at level ``hub``.

        A national exercise (``hub`` None) counts every level of its survey; a
        hub exercise counts only its hub, which is 0 when the hub has none yet.
        """
        if hub is None:
            return self.responses
        return sum(
            level.partners + level.coordinators
            for level in self.main.levels
            if same_hub(level.hub, hub)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the snapshot as a JSON-ready mapping."""
        return {
            "schema": SNAPSHOT_SCHEMA,
            "taken_at": self.taken_at.isoformat(),
            "groups": [group.to_dict() for group in self.groups],
        }

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> ProgressSnapshot:
        """Rebuild a snapshot from :meth:`to_dict` output; raise InputError when it is not one."""
        if document.get("schema") != SNAPSHOT_SCHEMA:
            msg = f"schema is {document.get('schema')!r}, expected {SNAPSHOT_SCHEMA!r}"
            raise InputError(msg)
        try:
            taken_at = dt.datetime.fromisoformat(document["taken_at"])
            groups = tuple(_progress_from_dict(group) for group in document["groups"])
        except (KeyError, TypeError, ValueError) as error:
            msg = f"progress snapshot is incomplete or malformed: {error}"
            raise InputError(msg) from None
        return cls(taken_at=taken_at, groups=groups)


def _progress_from_dict(document: Mapping[str, Any]) -> SurveyProgress:
    return SurveyProgress(
        group=str(document["group"]),
        levels=tuple(_level_from_dict(level) for level in document["levels"]),
        excluded={str(reason): int(count) for reason, count in document["excluded"].items()},
    )


def _level_from_dict(document: Mapping[str, Any]) -> LevelProgress:
    rates = document["response_rates"]
    return LevelProgress(
        hub=document["hub"],
        partners=int(document["partners"]),
        coordinators=int(document["coordinators"]),
        partners_by_type=tuple(
            (str(code), int(count))
            for code, count in document["partners_by_organisation_type"].items()
        ),
        rates=ResponseRates(
            overall=_rate_from_dict(rates["overall"]),
            effective=_rate_from_dict(rates["effective"]),
            by_type=tuple(
                TypeRates(
                    organisation_type=str(entry["organisation_type"]),
                    overall=_rate_from_dict(entry["overall"]),
                    effective=_rate_from_dict(entry["effective"]),
                )
                for entry in rates["by_organisation_type"]
            ),
            partners_without_type=int(rates["partners_without_type"]),
            coordinators_reporting=int(rates["coordinators_reporting"]),
        ),
    )


def _rate_from_dict(document: Mapping[str, Any]) -> RateFigure:
    base = document["base"]
    return RateFigure(int(document["responses"]), None if base is None else float(base))


@attrs.frozen
class TypeChange:
    """Partner responses of one organisation type, and the change since the earlier count."""

    organisation_type: str
    partners: int
    change: int


@attrs.frozen
class LevelChange:
    """Counts and rates of one level now, and their change since the earlier snapshot."""

    hub: str | None
    partners: int
    partners_change: int
    coordinators: int
    coordinators_change: int
    overall_rate: float | None
    overall_rate_change: float | None
    """Change of the overall response rate in percentage points; None when either is unknown."""
    effective_rate: float | None
    by_type: tuple[TypeChange, ...]


@attrs.frozen
class ProgressChange:
    """The main count of a snapshot compared with an earlier snapshot, level by level."""

    current: ProgressSnapshot
    previous: ProgressSnapshot | None
    levels: tuple[LevelChange, ...]

    @property
    def responses_change(self) -> int:
        """Change of partner and coordinator responses together."""
        before = self.previous.responses if self.previous is not None else 0
        return self.current.responses - before


def compare_snapshots(
    current: ProgressSnapshot, previous: ProgressSnapshot | None
) -> ProgressChange:
    """Compare the main counts of two snapshots; with no earlier one, every count is new.

    A level or organisation type missing from one snapshot counts as zero there.
    """
    before = {level.hub: level for level in previous.main.levels} if previous else {}
    levels = tuple(_level_change(level, before.get(level.hub)) for level in current.main.levels)
    return ProgressChange(current=current, previous=previous, levels=levels)


def _level_change(level: LevelProgress, earlier: LevelProgress | None) -> LevelChange:
    earlier_types = dict(earlier.partners_by_type) if earlier is not None else {}
    overall = level.rates.overall.percent
    overall_before = earlier.rates.overall.percent if earlier is not None else None
    rate_change = None
    if overall is not None and overall_before is not None:
        rate_change = overall - overall_before
    return LevelChange(
        hub=level.hub,
        partners=level.partners,
        partners_change=level.partners - (earlier.partners if earlier else 0),
        coordinators=level.coordinators,
        coordinators_change=level.coordinators - (earlier.coordinators if earlier else 0),
        overall_rate=overall,
        overall_rate_change=rate_change,
        effective_rate=level.rates.effective.percent,
        by_type=tuple(
            TypeChange(code, count, count - earlier_types.get(code, 0))
            for code, count in level.partners_by_type
        ),
    )


def snapshot_before(
    snapshots: Sequence[ProgressSnapshot], moment: dt.datetime
) -> ProgressSnapshot | None:
    """Return the latest snapshot taken at or before ``moment``, or None."""
    limit = utc_time(moment)
    earlier = [snapshot for snapshot in snapshots if snapshot.taken_at <= limit]
    return max(earlier, key=lambda snapshot: snapshot.taken_at, default=None)
