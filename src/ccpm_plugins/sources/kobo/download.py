"""Reading a KoboToolbox project's submissions through the API, as raw responses.

The steps: read the asset, map its deployed form onto the questionnaire, fetch
every page of submissions (only the profile and count fields when counting
progress), map the fields of older form versions that submissions were
collected with, and build the raw responses.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, TextIO

import attrs

from ccpm_core.errors import SourceError
from ccpm_core.questionnaire import PROFILE_CODES, PROFILE_INSTRUMENT, Questionnaire
from ccpm_core.responses import RawResponses
from ccpm_plugins.sources.http_client import RetryPolicy
from ccpm_plugins.sources.kobo.client import PAGE_SIZE, KoboClient
from ccpm_plugins.sources.kobo.form_content import (
    FormMapping,
    map_form,
    parse_form_content,
)
from ccpm_plugins.sources.kobo.progress_bar import PageProgress
from ccpm_plugins.sources.kobo.submission_columns import KEPT_METADATA, SubmissionColumns
from ccpm_plugins.sources.kobo.submissions import group_field_of, raw_responses_from_columns

__all__ = ["DownloadSettings", "NoSubmissionsError", "download_responses", "progress_codes"]

logger = logging.getLogger(__name__)


class NoSubmissionsError(SourceError):
    """The project has no submissions, so there is nothing to score or report.

    Counting progress is not an error: a project without submissions counts zero.
    """


@attrs.frozen
class DownloadSettings:
    """How to reach the server and what to read."""

    server: str
    asset: str
    token: str = attrs.field(repr=False)
    """The API token; left out of the repr, so that no message or log can show it."""
    token_variable: str = "KOBO_TOKEN"
    validation: str = "all"
    policy: RetryPolicy | None = None
    page_size: int = PAGE_SIZE
    progress_stream: TextIO | None = None
    """Stream of the progress bar, standard error by default; the bar shows only on a terminal."""


def progress_codes(questionnaire: Questionnaire) -> list[str]:
    """Return the codes of the questions that counting responses needs: profile and counts."""
    return [
        question.code
        for question in questionnaire.questions
        if question.code in PROFILE_CODES or question.count is not None
    ]


def download_responses(
    settings: DownloadSettings, questionnaire: Questionnaire, *, progress_only: bool = False
) -> RawResponses:
    """Read the submissions of a project as raw responses.

    With ``progress_only``, the server sends only the fields that counting
    responses needs, which keeps the download small.
    """
    with KoboClient(
        settings.server,
        settings.token,
        token_variable=settings.token_variable,
        policy=settings.policy,
    ) as client:
        source = f"{client.server}/api/v2/assets/{settings.asset}/"
        asset = client.asset(settings.asset)
        content, notes = _deployed_content(client, settings.asset, asset, source)
        mapping = map_form(parse_form_content(content, source), questionnaire)
        _check_instrument_field(mapping, source)

        fields = None
        if progress_only:
            fields = [*mapping.paths_of(progress_codes(questionnaire)), *KEPT_METADATA]
        columns = SubmissionColumns(group_field_of(mapping), mapping.metadata)
        counts = _fetch_pages(client, settings, columns, fields)
        if len(set(counts)) > 1:
            notes.append(
                f"the number of submissions changed from {counts[0]} to {counts[-1]} during "
                "the download; run the command again for a consistent snapshot"
            )
        shortfall = _count_shortfall_note(columns.rows, counts[-1], source)
        if shortfall:
            notes.append(shortfall)
        if not progress_only:
            _check_has_submissions(columns.rows, counts[-1], source)

        deployed_version = asset.get("deployed_version_id")
        mapping, version_notes = _add_older_versions(
            client, settings.asset, columns, mapping, deployed_version, questionnaire
        )
        notes.extend(version_notes)

    return raw_responses_from_columns(
        columns,
        mapping,
        questionnaire,
        source=source,
        validation=settings.validation,
        notes=notes,
        requested=fields,
    )


def _deployed_content(
    client: KoboClient, uid: str, asset: Mapping[str, Any], source: str
) -> tuple[Any, list[str]]:
    """Return the content of the deployed version of the form, and notes.

    An asset's ``content`` is the current draft, which may differ from what
    was deployed, so the deployed version is read unless it is the draft.
    """
    if asset.get("asset_type", "survey") != "survey":
        msg = (
            f"{source}: the asset is a {asset.get('asset_type')}, not a survey; give the uid of "
            "the survey project"
        )
        raise SourceError(msg)
    if asset.get("has_deployment") is False:
        msg = (
            f"{source}: the project has not been deployed, so it has no submissions; deploy "
            "it first with 'ccpm kobo deploy', or with Deploy in KoboToolbox"
        )
        raise SourceError(msg)

    deployed = asset.get("deployed_version_id")
    draft = asset.get("content")
    if not isinstance(deployed, str) or not deployed or deployed == asset.get("version_id"):
        return draft, []

    try:
        version = client.asset_version(uid, deployed)
    except SourceError as error:
        return draft, [_draft_note(deployed, str(error))]
    content = version.get("content")
    if isinstance(content, Mapping) and isinstance(content.get("survey"), list):
        return content, []
    return draft, [_draft_note(deployed, "the version has no form content")]


def _draft_note(version: str, reason: str) -> str:
    return (
        f"the deployed form version {version} could not be read ({reason}), so fields were "
        "matched through the current draft of the form; redeploy the form if the draft "
        "differs from what respondents see"
    )


def _check_instrument_field(mapping: FormMapping, source: str) -> None:
    if not mapping.paths_of([PROFILE_INSTRUMENT]):
        msg = (
            f"{source}: the deployed form has no question named 'instrument', which tells "
            "partner from coordinator responses; build the form with 'ccpm questionnaire "
            "export --format xlsform', or rename that question in the form to 'instrument'"
        )
        raise SourceError(msg)


def _fetch_pages(
    client: KoboClient,
    settings: DownloadSettings,
    columns: SubmissionColumns,
    fields: list[str] | None,
) -> list[int]:
    """Add every page of submissions to ``columns`` and return the count each page reported."""
    counts: list[int] = []
    pages = client.submission_pages(settings.asset, fields, settings.page_size, check_count=False)
    with PageProgress("KoboToolbox", settings.progress_stream) as progress:
        for page in pages:
            columns.add_page(page.results, page.url)
            counts.append(page.count)
            progress.update(columns.rows, page.count)
    return counts


def _count_shortfall_note(received: int, count: int, source: str) -> str:
    """Return a note when fewer submissions arrived than the server's last ``count``, else ''.

    The download goes on with what arrived, because a submission deleted
    between two pages makes the same difference as a page the server cut short.
    """
    if received >= count:
        return ""
    missing = count - received
    logger.warning("%s: received %d of %d submissions", source, received, count)
    return (
        f"the server counts {count} submissions but sent {received}, so {missing} "
        f"{'is' if missing == 1 else 'are'} missing from this download. Submissions may have "
        "been deleted during the download, or the server's page links skip some; run the "
        "command again, and report it to the server's administrator if the numbers still differ"
    )


def _check_has_submissions(received: int, count: int, source: str) -> None:
    """Raise :class:`NoSubmissionsError` when the download contains no submission to score."""
    if received:
        return
    if count:
        msg = (
            f"{source}: the server counts {count} submissions but sent none; run the "
            "command again, and report it to the server's administrator if it persists"
        )
        raise SourceError(msg)
    msg = (
        f"{source}: the project has no submissions yet, so there is nothing to score or "
        "report. Follow the survey with 'ccpm progress --source kobo' and read it again once "
        "submissions arrive"
    )
    raise NoSubmissionsError(msg)


def _add_older_versions(
    client: KoboClient,
    uid: str,
    columns: SubmissionColumns,
    mapping: FormMapping,
    deployed_version: Any,
    questionnaire: Questionnaire,
) -> tuple[FormMapping, list[str]]:
    """Map the fields of the other form versions that submissions name in ``__version__``."""
    seen = {value for value in columns.column("__version__").tolist() if isinstance(value, str)}
    seen.discard("")
    versions = seen - {deployed_version}
    notes: list[str] = []
    for version in sorted(versions):
        try:
            content = client.asset_version(uid, version).get("content")
            older = map_form(parse_form_content(content, f"form version {version}"), questionnaire)
        except SourceError as error:
            notes.append(
                f"form version {version} could not be read ({error}); its fields were matched "
                "by their names only"
            )
            continue
        mapping = mapping.merged_with(older)
    if len(seen) > 1:
        notes.append(f"the submissions come from {len(seen)} form versions, read together")
    return mapping, notes
