"""Submission metadata: the fields KoboToolbox adds to a submission, kept out of every output.

Metadata can identify a respondent: user names, device ids, submission ids,
times and locations. The kobo source therefore drops every metadata field,
whether it arrives in JSON from the API or as a column of an export file, and
records one note naming the fields instead of listing each as an unknown
column. A few metadata fields are read on the way to decide which submissions
to keep (edits and validation), and none of them reaches a response table.
"""

from __future__ import annotations

from collections.abc import Collection

__all__ = [
    "METADATA_NAMES",
    "META_QUESTION_TYPES",
    "is_metadata_name",
    "metadata_note",
]

METADATA_NAMES = frozenset(
    {
        # XLSForm metadata questions, which KoboToolbox moves to the top of a form.
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
"""Field names that are metadata wherever they appear at the top level of a submission."""

_METADATA_PREFIXES = ("_", "meta/", "formhub/")
"""Prefixes of metadata field names.

``_`` covers the system fields (``_id``, ``_uuid``, ``_submission_time``,
``_validation_status``, ``_submitted_by``, ``_geolocation``, ``__version__``,
``_index`` and the like). No question code of the standard questionnaire starts
with it. NOTE: a field named with a leading ``_`` in another form is read as metadata.
"""

META_QUESTION_TYPES = frozenset(
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
    }
)
"""XLSForm question types whose answers the device fills in, not the respondent."""

_NAMES_IN_NOTE = 30


def is_metadata_name(name: str) -> bool:
    """Tell whether a field name or export header is KoboToolbox metadata by its name alone."""
    return name in METADATA_NAMES or name.startswith(_METADATA_PREFIXES)


def metadata_note(names: Collection[str]) -> str:
    """Return the note naming the metadata fields that were not read, or '' for none."""
    if not names:
        return ""
    ordered = sorted(names, key=lambda name: (not name.startswith("_"), name))
    listed = ", ".join(ordered[:_NAMES_IN_NOTE])
    if len(ordered) > _NAMES_IN_NOTE:
        listed += f" and {len(ordered) - _NAMES_IN_NOTE} more"
    count = len(ordered)
    return (
        f"{count} KoboToolbox metadata {'field was' if count == 1 else 'fields were'} not read "
        f"({listed}), so that no output can identify a respondent"
    )
