"""Which KoboToolbox submissions to keep: the latest version of each, and approved ones on request.

An edited submission keeps its ``meta/rootUuid`` while its ``_uuid`` changes.
When several rows share a root uuid, the one with the latest
``_submission_time`` (then the highest ``_id``) is kept and the others are
excluded as superseded. A row without a root uuid is never collapsed.

KoboToolbox records a validation status per submission. By default every
submission is kept and a note says how many are not approved; with the
``approved`` selection, the others are excluded as not approved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from ccpm_core.errors import InputError
from ccpm_core.labels import match_key
from ccpm_core.responses import Exclusion, ExclusionReason

__all__ = [
    "APPROVED",
    "VALIDATION_CHOICES",
    "Selection",
    "check_validation_choice",
    "select_approved",
    "select_latest_versions",
    "validation_uid",
]

APPROVED = "validation_status_approved"

VALIDATION_CHOICES = ("all", "approved")
"""Values of the ``validation`` option: keep every submission, or approved ones only."""

_STATUS_NAMES = {
    APPROVED: "approved",
    "validation_status_not_approved": "not approved",
    "validation_status_on_hold": "on hold",
}
# Export files hold the status label instead of its uid unless exported with XML values.
_STATUS_BY_LABEL = {
    match_key("Approved"): APPROVED,
    match_key("Not Approved"): "validation_status_not_approved",
    match_key("On Hold"): "validation_status_on_hold",
}


@attrs.frozen
class Selection:
    """The rows kept, the exclusions of the others and what the reader should know."""

    keep: npt.NDArray[np.bool_]
    exclusions: tuple[Exclusion, ...] = ()
    notes: tuple[str, ...] = ()


def check_validation_choice(value: str | None) -> str:
    """Return the validation selection, ``all`` when None; raise for anything else."""
    choice = (value or "all").strip().lower()
    if choice not in VALIDATION_CHOICES:
        msg = (
            f"--validation {value!r} is not a choice; use 'approved' to read approved "
            "submissions only, or 'all' (the default)"
        )
        raise InputError(msg)
    return choice


def validation_uid(value: Any) -> str:
    """Return the status uid of a ``_validation_status`` value: a JSON object, a uid or a label.

    An unset status gives ''.
    """
    if isinstance(value, dict):
        uid = value.get("uid")
        return uid if isinstance(uid, str) else ""
    if not isinstance(value, str) or not value.strip():
        return ""
    text = value.strip()
    if text in _STATUS_NAMES:
        return text
    return _STATUS_BY_LABEL.get(match_key(text), text)


def select_latest_versions(
    root_uuids: Sequence[Any],
    submission_times: Sequence[Any],
    submission_ids: Sequence[Any],
    row_numbers: Sequence[int],
) -> Selection:
    """Keep the latest version of every edited submission and exclude the others as superseded.

    ``submission_times`` are ``_submission_time`` values: UTC, with or without
    an offset; missing or invalid times sort first.
    """
    count = len(row_numbers)
    if count == 0:
        return Selection(np.ones(0, dtype=bool))

    # A row without a root uuid gets a key of its own, which no uuid can equal.
    roots = [
        (value.strip() if type(value) is str else "") or f"\0row {position}"
        for position, value in enumerate(root_uuids)
    ]
    if len(set(roots)) == count:
        return Selection(np.ones(count, dtype=bool))

    frame = pd.DataFrame(
        {
            "root": roots,
            "time": _utc_times(submission_times),
            "id": pd.to_numeric(pd.Series(list(submission_ids), dtype=object), errors="coerce"),
            "position": np.arange(count),
        }
    )
    ordered = frame.sort_values(["time", "id", "position"], na_position="first", kind="stable")
    superseded_in_order = ordered.duplicated("root", keep="last").to_numpy()
    superseded = np.zeros(count, dtype=bool)
    superseded[ordered["position"].to_numpy()[superseded_in_order]] = True
    if not superseded.any():
        return Selection(np.ones(count, dtype=bool))

    latest = ordered.drop_duplicates("root", keep="last")
    latest_position = dict(zip(latest["root"].tolist(), latest["position"].tolist(), strict=True))
    exclusions = []
    for position in np.flatnonzero(superseded).tolist():
        kept = latest_position[roots[position]]
        exclusions.append(
            Exclusion(
                row=int(row_numbers[position]),
                reason=ExclusionReason.SUPERSEDED,
                detail=f"an edited version of the same submission is row {row_numbers[kept]}",
            )
        )

    edited = len({roots[position] for position in np.flatnonzero(superseded).tolist()})
    note = (
        f"{edited} {'submission was' if edited == 1 else 'submissions were'} edited: "
        f"{len(exclusions)} earlier {'version was' if len(exclusions) == 1 else 'versions were'} "
        "collapsed into the latest one and excluded as superseded"
    )
    return Selection(~superseded, tuple(exclusions), (note,))


def select_approved(
    statuses: Sequence[str], row_numbers: Sequence[int], choice: str, rows: npt.NDArray[np.bool_]
) -> Selection:
    """Apply the validation selection to the rows still kept (``rows``).

    ``statuses`` are status uids as :func:`validation_uid` returns them. With
    ``approved``, the rows whose status is not approved are excluded; with
    ``all``, they are kept and counted in a note.
    """
    count = len(row_numbers)
    not_approved = np.array([status != APPROVED for status in statuses], dtype=bool) & rows
    if not not_approved.any():
        return Selection(np.ones(count, dtype=bool))

    breakdown = _status_breakdown([statuses[i] for i in np.flatnonzero(not_approved).tolist()])
    total = int(np.count_nonzero(not_approved))
    subject = f"{total} {'submission is' if total == 1 else 'submissions are'} not approved"
    if choice != "approved" and not any(statuses):
        note = f"no submission has a validation status in KoboToolbox, so all {total} were read"
        return Selection(np.ones(count, dtype=bool), notes=(note,))
    if choice != "approved":
        note = (
            f"{subject} in KoboToolbox ({breakdown}) and {'was' if total == 1 else 'were'} "
            "read all the same; use --validation approved to read approved submissions only"
        )
        return Selection(np.ones(count, dtype=bool), notes=(note,))

    exclusions = tuple(
        Exclusion(
            row=int(row_numbers[position]),
            reason=ExclusionReason.NOT_APPROVED,
            detail=_STATUS_NAMES.get(statuses[position], "no validation status"),
        )
        for position in np.flatnonzero(not_approved).tolist()
    )
    note = f"{subject} ({breakdown}) and {'was' if total == 1 else 'were'} excluded"
    return Selection(~not_approved, exclusions, (note,))


def _status_breakdown(statuses: list[str]) -> str:
    counts: dict[str, int] = {}
    for status in statuses:
        name = _STATUS_NAMES.get(status, status or "no validation status")
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{count} {name}" for name, count in sorted(counts.items()))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _utc_times(values: Sequence[Any]) -> pd.Series:
    """Parse ``_submission_time`` values as aware UTC times; a time without offset is UTC."""
    texts = pd.Series([_text(value) or None for value in values], dtype=object)
    return pd.to_datetime(texts, format="ISO8601", utc=True, errors="coerce")
