"""OData submissions of ODK Central, turned into the raw responses that ccpm scores.

ODK Central nests the answers of a group in an object named after the group,
so ``{"profile": {"instrument": "partner"}}`` becomes the column
``profile/instrument``. ccpm matches such a column to a question by the last
part of the path. Every value becomes text: null as ``""``, numbers as written,
booleans as ``true``/``false``, and a GeoJSON point as its JSON. NaN and
Infinity, which JSON does not allow, are read as missing answers with a note.

System fields never reach the table: ``__id`` (the submission id) is used
only to find a submission listed twice, ``__system`` only for the review
state, and ``meta``, the form's metadata questions (``start``, ``deviceid``
and the like, at any depth) and the links to repeat groups are dropped with
one note each. A submission whose shape ODK Central never sends, a list in
place of a group or two keys that give the same column, is an error.
"""

from __future__ import annotations

import enum
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from ccpm_core.errors import InputError, SourceError
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
"""Fields that ODK Central adds at the top of every submission, dropped at any depth."""

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
        "start-geopoint",
        "background-audio",
        "instanceID",
        "instanceName",
        "deprecatedID",
    }
)
"""Names of XLSForm metadata questions and submission identifiers, dropped at any depth.

The device fills these in, and they may identify the respondent.
"""

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
    not_numbers: frozenset[str] = frozenset()
    """Paths whose value was NaN or Infinity, read as missing answers."""


@attrs.define
class _Flattening:
    """The state of one submission's flattening: answers and the key chain behind each path."""

    answers: dict[str, str] = attrs.field(factory=dict)
    origins: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    dropped: set[str] = attrs.field(factory=set)
    repeats: set[str] = attrs.field(factory=set)
    not_numbers: set[str] = attrs.field(factory=set)

    def add(self, keys: tuple[str, ...], value: Any) -> None:
        key = keys[-1]
        path = "/".join(keys)
        if key in SYSTEM_FIELDS or key in METADATA_QUESTIONS:
            self.dropped.add(path)
            return
        if _ODATA_ANNOTATION in key:
            # "visits@odata.navigationLink": a repeat group, served at its own address.
            self.repeats.add(path.split("@", 1)[0])
            return
        if isinstance(value, dict) and not _is_geojson(value):
            for child_key, child in value.items():
                self.add((*keys, str(child_key)), child)
            return
        if isinstance(value, list):
            msg = (
                f"the field {_key_chain(keys)} is a list, which ODK Central sends for no "
                "question or group, so its answers cannot be read; check that --server "
                "is ODK Central"
            )
            raise SourceError(msg)

        if path in self.answers:
            msg = (
                f"the fields {_key_chain(self.origins[path])} and {_key_chain(keys)} both "
                f"give the column {path!r}, so one would hide the other; rename one of them "
                "in the form"
            )
            raise SourceError(msg)
        if isinstance(value, float) and not math.isfinite(value):
            self.not_numbers.add(path)
            value = None
        self.answers[path] = _text(value)
        self.origins[path] = keys


def _key_chain(keys: tuple[str, ...]) -> str:
    """Name a field by its JSON keys, such as 'answers' > 'p113', which a path cannot tell apart."""
    return " > ".join(repr(key) for key in keys)


def flatten_submission(submission: Mapping[str, Any]) -> FlatSubmission:
    """Flatten one OData submission into ``group/question`` paths with text values.

    Raises :class:`SourceError` for a list in place of a group or an answer,
    and for two keys that give the same column, such as a top-level key
    ``answers/p113`` and the key ``p113`` in the group ``answers``.
    """
    state = _Flattening()
    for key, value in submission.items():
        state.add((str(key),), value)
    return FlatSubmission(
        state.answers,
        frozenset(state.dropped),
        frozenset(state.repeats),
        frozenset(state.not_numbers),
    )


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
    Raises :class:`SourceError` naming the row for a submission that cannot
    be flattened, and when ``review`` leaves out every submission.
    """
    import pandas as pd

    rows: list[dict[str, str]] = []
    row_numbers: list[int] = []
    exclusions: list[Exclusion] = []
    dropped: set[str] = set()
    repeats: set[str] = set()
    not_numbers: Counter[str] = Counter()
    left_out_states: Counter[str] = Counter()
    seen_ids: set[str] = set()

    for position, submission in enumerate(submissions):
        row = position + 2
        exclusion = _exclusion(submission, row, review, seen_ids)
        if exclusion is not None:
            exclusions.append(exclusion)
            if exclusion.reason is ExclusionReason.NOT_APPROVED:
                left_out_states[_review_state(submission) or "received"] += 1
            continue
        try:
            flat = flatten_submission(submission)
        except SourceError as error:
            msg = f"{source}, row {row}: {error}"
            raise SourceError(msg) from None
        rows.append(flat.answers)
        row_numbers.append(row)
        dropped |= flat.dropped
        repeats |= flat.repeats
        not_numbers.update(flat.not_numbers)

    if not rows and left_out_states:
        raise SourceError(_all_left_out_message(source, review, left_out_states))

    columns = list(dict.fromkeys(path for row in rows for path in row))
    table = pd.DataFrame(
        [[row.get(path, "") for path in columns] for row in rows],
        columns=pd.Index(columns, dtype=object),
        dtype=object,
    )
    all_notes = [*_field_notes(dropped, repeats), *_not_number_notes(not_numbers), *notes]
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
    """Return why a submission is not read, or None. The exclusion leaves out the submission id."""
    submission_id = submission.get("__id")
    if isinstance(submission_id, str) and submission_id:
        if submission_id in seen_ids:
            detail = "the server listed this submission twice"
            return Exclusion(row, ExclusionReason.DUPLICATE, detail)
        seen_ids.add(submission_id)

    state = _review_state(submission)
    if not review.keeps(state):
        detail = f"review state in ODK Central: {state or 'received'}"
        return Exclusion(row, ExclusionReason.NOT_APPROVED, detail)
    return None


def _review_state(submission: Mapping[str, Any]) -> str | None:
    system = submission.get("__system")
    state = system.get("reviewState") if isinstance(system, Mapping) else None
    return state if isinstance(state, str) else None


def _all_left_out_message(source: str, review: ReviewFilter, states: Counter[str]) -> str:
    total = sum(states.values())
    counts = ", ".join(f"{state} {count}" for state, count in sorted(states.items()))
    return (
        f"{source}: --review-state {review.value} left out all {total} submission"
        f"{'s' if total != 1 else ''} of the form (review state in ODK Central: {counts}), "
        "so there is nothing to score. Review the submissions in ODK Central, or read "
        "them all with --review-state all"
    )


def _not_number_notes(not_numbers: Counter[str]) -> list[str]:
    if not not_numbers:
        return []
    columns = ", ".join(f"{path} ({count})" for path, count in sorted(not_numbers.items()))
    return [
        "the server sent NaN or Infinity, which JSON does not allow, in these columns "
        f"(answers each); they were read as missing answers: {columns}"
    ]


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
