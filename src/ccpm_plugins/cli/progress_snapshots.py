"""Storing a response count as a snapshot of an exercise, for ``ccpm progress --exercise``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccpm_core.progress import SurveyProgress
    from ccpm_core.survey_snapshots import ProgressChange

__all__ = ["format_change", "record_snapshot"]


def record_snapshot(
    store_location: str | None, exercise_id: int, groups: list[SurveyProgress]
) -> str:
    """Store the counts as a snapshot of an open survey and describe the change since the last one.

    Raises TransitionError when the exercise's survey is not open, because
    counts outside the survey stage would mislead the progress notes.
    """
    from ccpm_core.exercise import Stage
    from ccpm_core.exercise_errors import TransitionError
    from ccpm_core.survey_snapshots import ProgressSnapshot, compare_snapshots
    from ccpm_plugins.cli.store_options import open_store_option

    with open_store_option(store_location) as store:
        record = store.exercise(exercise_id)
        if record.stage is not Stage.SURVEY:
            msg = (
                f"exercise {exercise_id} is in the {record.stage.label.lower()} stage; "
                "response counts are stored only while its survey is open"
            )
            raise TransitionError(msg)
        earlier = store.snapshots(exercise_id)
        snapshot = ProgressSnapshot(taken_at=dt.datetime.now(dt.UTC), groups=tuple(groups))
        store.add_snapshot(exercise_id, snapshot)
    return format_change(compare_snapshots(snapshot, earlier[-1] if earlier else None))


def format_change(change: ProgressChange) -> str:
    """Describe the change between two snapshots in plain text, one line per level."""
    if change.previous is None:
        lines = ["First count stored for this exercise."]
    else:
        lines = [
            f"Change since the count of {change.previous.taken_at:%Y-%m-%d %H:%M} UTC: "
            f"{change.responses_change:+d} responses"
        ]
    for level in change.levels:
        name = "National level" if level.hub is None else f"Hub: {level.hub}"
        rate = (
            ""
            if level.overall_rate_change is None
            else f", overall rate {level.overall_rate_change:+.1f} points"
        )
        lines.append(
            f"  {name}: {level.partners_change:+d} partners, "
            f"{level.coordinators_change:+d} coordinators{rate}"
        )
    return "\n".join(lines) + "\n"
