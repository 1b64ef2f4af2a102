"""OData submissions of ODK Central, turned into the raw responses that ccpm scores.

ODK Central nests the answers of a group in an object named after the group,
so ``{"profile": {"instrument": "partner"}}`` becomes the column
``profile/instrument``. ccpm matches such a column to a question by the last
part of the path. Every value becomes text: null as ``""``, numbers as written,
booleans as ``true``/``false``, and a GeoJSON point as its JSON.

System fields never reach the table: ``__id`` (the submission id) is used
only to find a submission listed twice, ``__system`` only for the review
state, and ``meta``, the form's metadata questions (``start``, ``deviceid``
and the like) and the links to repeat groups are dropped with one note each.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from ccpm_core.errors import InputError
from ccpm_core.responses import Exclusion, ExclusionReason, RawResponses

__all__ = [
    "METADATA_QUESTIONS",
    "SYSTEM_FIELDS",
    "FlatSubmission",
    "ReviewFilter",
    "flatten_submission",
    "raw_responses",
]

SYSTEM_FIELDS = frozenset({"__id", "__system", "meta"})
"""Top-level fields that ODK Central adds to every submission."""

METADATA_QUESTIONS = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
    }
)
"""Names of XLSForm metadata questions, whose answers the device fills in and may identify."""

_ODATA_ANNOTATION = "@odata."


class ReviewFilter(enum.StrEnum):
    """Filter of the submissions to read, by their review state in ODK Central."""

    ALL = "all"
    APPROVED = "approved"
    NOT_REJECTED = "not-rejected"

    @classmethod
    def parse(cls, value: str | None) -> ReviewFilter:
        """Return the filter named by ``--review-state``; raise InputError for another value."""
        if value is None:
            return cls.ALL
        try:
            return cls(value.strip().lower())
        except ValueError:
            choices = ", ".join(repr(member.value) for member in cls)
            msg = f"--review-state {value!r} is not one of {choices}"
            raise InputError(msg) from None

    def keeps(self, review_state: str | None) -> bool:
        """Tell whether a submission in ``review_state`` (None: received, not reviewed) is read."""
        if self is ReviewFilter.APPROVED:
            return review_state == "approved"
        if self is ReviewFilter.NOT_REJECTED:
            return review_state != "rejected"
        return True


@attrs.frozen
class FlatSubmission:
    """One submission's answers by column path, and the fields set aside."""

    answers: dict[str, str]
    dropped: frozenset[str]
    """Paths of metadata fields that were not read."""
    repeats: frozenset[str]
    """Paths of repeat groups, which the OData feed links instead of including."""


def flatten_submission(submission: Mapping[str, Any]) -> FlatSubmission:
    """Flatten one OData submission into ``group/question`` paths with text values."""
    answers: dict[str, str] = {}
    dropped: set[str] = set()
    repeats: set[str] = set()

    for key, value in submission.items():
        if key in SYSTEM_FIELDS or key in METADATA_QUESTIONS:
            dropped.add(key)
            continue
        _flatten_into(answers, repeats, key, key, value)
    return FlatSubmission(answers, frozenset(dropped), frozenset(repeats))


def _flatten_into(
    answers: dict[str, str], repeats: set[str], key: str, path: str, value: Any
) -> None:
    if _ODATA_ANNOTATION in key:
        # "visits@odata.navigationLink": a repeat group, served at its own address.
        repeats.add(path.split("@", 1)[0])
        return
    if isinstance(value, dict) and not _is_geojson(value):
        for child_key, child in value.items():
            _flatten_into(answers, repeats, child_key, f"{path}/{child_key}", child)
        return
    answers[path] = _text(value)


def _is_geojson(value: Mapping[str, Any]) -> bool:
    return "type" in value and "coordinates" in value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def raw_responses(
    submissions: Sequence[Mapping[str, Any]],
    *,
    source: str,
    review: ReviewFilter = ReviewFilter.ALL,
    notes: Iterable[str] = (),
) -> RawResponses:
    """Build the raw responses of a form's submissions, in the order the server listed them.

    Row numbers count the submissions as rows of a spreadsheet whose header
    is row 1. A submission listed a second time is excluded as a duplicate,
    and one whose review state ``review`` leaves out as not approved.
    """
    import pandas as pd

    rows: list[dict[str, str]] = []
    row_numbers: list[int] = []
    exclusions: list[Exclusion] = []
    dropped: set[str] = set()
    repeats: set[str] = set()
    seen_ids: set[str] = set()

    for position, submission in enumerate(submissions):
        row = position + 2
        exclusion = _exclusion(submission, row, review, seen_ids)
        if exclusion is not None:
            exclusions.append(exclusion)
            continue
        flat = flatten_submission(submission)
        rows.append(flat.answers)
        row_numbers.append(row)
        dropped |= flat.dropped
        repeats |= flat.repeats

    columns = list(dict.fromkeys(path for row in rows for path in row))
    table = pd.DataFrame(
        [[row.get(path, "") for path in columns] for row in rows],
        columns=pd.Index(columns, dtype=object),
        dtype=object,
    )
    all_notes = [*_field_notes(dropped, repeats), *notes]
    return RawResponses(
        source=source,
        table=table,
        row_numbers=row_numbers,
        notes=tuple(all_notes),
        exclusions=tuple(exclusions),
    )


def _exclusion(
    submission: Mapping[str, Any], row: int, review: ReviewFilter, seen_ids: set[str]
) -> Exclusion | None:
    """Return why a submission is not read, or None; the submission id never leaves here."""
    submission_id = submission.get("__id")
    if isinstance(submission_id, str) and submission_id:
        if submission_id in seen_ids:
            detail = "the server listed this submission twice"
            return Exclusion(row, ExclusionReason.DUPLICATE, detail)
        seen_ids.add(submission_id)

    system = submission.get("__system")
    state = system.get("reviewState") if isinstance(system, Mapping) else None
    if not review.keeps(state):
        detail = f"review state in ODK Central: {state or 'received'}"
        return Exclusion(row, ExclusionReason.NOT_APPROVED, detail)
    return None


def _field_notes(dropped: set[str], repeats: set[str]) -> list[str]:
    notes: list[str] = []
    if dropped:
        notes.append(
            "ODK Central system and metadata fields were not read, because they can "
            f"identify respondents: {', '.join(sorted(dropped))}"
        )
    if repeats:
        notes.append(
            f"repeat groups were not read, because the CCPM questionnaire has none: "
            f"{', '.join(sorted(repeats))}"
        )
    return notes
