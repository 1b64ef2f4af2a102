"""Responses exported from a LimeSurvey server in pages of response ids.

One ``export_responses`` call for a whole large survey can exceed PHP's memory
or time limits, so the export runs in two steps:

1. list the response ids, with an export of the ``id`` field only;
2. export all fields for consecutive slices of that list, each slice as the
   id range from its first to its last id (both included).

Ids can have gaps (deleted responses), so slices follow the listed ids rather
than fixed ranges. A range then contains only listed ids, unless responses are
added during the export. The records are put in id order and each
listed id is checked off; ids that no page returned (responses deleted during
the export) are reported in a note, never silently dropped.

NOTE: LimeSurvey 2.05 ends an export without an upper id at the number of
responses instead of the highest id, so when ids have gaps its id list misses
the last ones. LimeSurvey 3 and later end at the highest id.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import attrs

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.limesurvey.errors import SurveyNotActiveError
from ccpm_plugins.sources.limesurvey.export_files import (
    ExportTable,
    decode_base64_export,
    parse_json_export,
    records_to_table,
)
from ccpm_plugins.sources.limesurvey.rpc_client import (
    RemoteControlClient,
    StatusError,
    StatusKind,
)

__all__ = ["DEFAULT_PAGE_SIZE", "RemoteExport", "export_all_responses", "survey_label"]

logger = logging.getLogger(__name__)

DEFAULT_PAGE_SIZE = 500
"""Responses per ``export_responses`` call.

An estimate: a page of the standard questionnaire (about 150 fields) is
around 1 MB of JSON, small enough for PHP's default limits.
"""


@attrs.frozen(eq=False)
class RemoteExport:
    """All responses of a survey, in id order, and whether the survey has any."""

    table: ExportTable
    has_responses: bool
    """False when LimeSurvey reports that the survey has no responses yet."""


def survey_label(client: RemoteControlClient, survey_id: int) -> str:
    """Return how messages name a survey: its id and the server address."""
    return f"LimeSurvey survey {survey_id} at {client.url}"


def export_all_responses(
    client: RemoteControlClient, survey_id: int, *, page_size: int = DEFAULT_PAGE_SIZE
) -> RemoteExport:
    """Export every response of a survey, complete or not, with code headings and short answers.

    Raises :class:`SurveyNotActiveError` when the survey was never activated.
    """
    if page_size < 1:
        msg = f"the page size must be at least 1 response, not {page_size}"
        raise ValueError(msg)
    source = survey_label(client, survey_id)

    ids = _response_ids(client, survey_id, source)
    if ids is None:
        return RemoteExport(table=records_to_table([], source), has_responses=False)

    records: dict[int, dict[str, str]] = {}
    unordered: list[dict[str, str]] = []
    for start in range(0, len(ids), page_size):
        page = ids[start : start + page_size]
        logger.info(
            "exporting responses %d to %d of %s (%d of %d)",
            page[0],
            page[-1],
            source,
            start + len(page),
            len(ids),
        )
        for record in _export_page(client, survey_id, page[0], page[-1], source):
            response_id = _response_id(record)
            if response_id is None:
                unordered.append(record)
            else:
                records.setdefault(response_id, record)

    ordered = [records[key] for key in sorted(records)] + unordered
    table = records_to_table(ordered, source)
    missing = sorted(set(ids) - set(records)) if not unordered else []
    if missing:
        note = (
            f"{source}: {len(missing)} response{'s' if len(missing) != 1 else ''} listed at the "
            "start of the export did not come back, probably because they were deleted "
            "during the export; run the command again for a consistent export"
        )
        table = attrs.evolve(table, notes=(*table.notes, note))
    return RemoteExport(table=table, has_responses=True)


def _response_ids(client: RemoteControlClient, survey_id: int, source: str) -> list[int] | None:
    """List the response ids of a survey, in ascending order; None when it has no responses."""
    try:
        encoded = client.export_responses(survey_id, fields=["id"])
    except StatusError as error:
        if _has_no_responses(client, survey_id, source, error):
            return None
        raise

    records = parse_json_export(decode_base64_export(encoded, source), source).records
    ids = sorted({response_id for r in records if (response_id := _response_id(r)) is not None})
    if len(ids) != len(records):
        msg = (
            f"{source}: the list of response ids holds {len(records)} records but "
            f"{len(ids)} distinct numeric ids; this LimeSurvey version may not be supported"
        )
        raise SourceError(msg)
    return ids or None


def _export_page(
    client: RemoteControlClient, survey_id: int, first: int, last: int, source: str
) -> Sequence[dict[str, str]]:
    try:
        encoded = client.export_responses(survey_id, from_id=first, to_id=last)
    except StatusError as error:
        # Every response of the range may have been deleted since the ids were listed.
        if _has_no_responses(client, survey_id, source, error):
            return []
        raise
    return parse_json_export(decode_base64_export(encoded, source), source).records


def _has_no_responses(
    client: RemoteControlClient, survey_id: int, source: str, error: StatusError
) -> bool:
    """Tell whether a failed export means "no responses"; raise when the survey is not active.

    Other failures return False, so that the caller re-raises them.
    """
    kind = error.kind
    if kind is StatusKind.NO_DATA:
        # LimeSurvey 2.05 and 7 report both cases alike, so the survey's state decides.
        active = client.get_survey_properties(survey_id, ["active"]).get("active")
        kind = StatusKind.NO_RESPONSES if active == "Y" else StatusKind.SURVEY_NOT_ACTIVE
    if kind is StatusKind.SURVEY_NOT_ACTIVE:
        msg = (
            f"{source} is not active, so it has no responses to read; activate it in "
            "LimeSurvey, or deploy it with 'ccpm limesurvey deploy'"
        )
        raise SurveyNotActiveError(msg) from error
    if kind is StatusKind.INVALID_SURVEY:
        msg = f"{source} does not exist; check the survey id"
        raise SourceError(msg) from error
    if kind is StatusKind.NO_PERMISSION:
        msg = (
            f"{source}: the user {client.username!r} may not export its responses; ask a "
            "LimeSurvey administrator for the permission to export responses"
        )
        raise SourceError(msg) from error
    return kind is StatusKind.NO_RESPONSES


def _response_id(record: dict[str, str]) -> int | None:
    value = record.get("id", "").strip()
    return int(value) if value.isdigit() else None
