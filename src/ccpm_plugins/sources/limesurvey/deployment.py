"""Putting a questionnaire on a LimeSurvey server, and closing the survey afterwards.

Deploying imports the ``.lss`` export through ``import_survey`` and activates
the survey through ``activate_survey``, which creates its response table. The
survey then takes responses at its public link. Closing sets the survey's
``expires`` setting through ``set_survey_properties``: LimeSurvey then rejects
new responses and keeps the ones it has.

LimeSurvey compares ``expires`` with the server's local time. Without an
explicit time, closing writes the current UTC time minus 12 hours, which is
already past in every time zone (UTC-12 to UTC+14), so the survey closes at
once wherever the server is.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import urllib.parse
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.limesurvey.rpc_client import (
    RemoteControlClient,
    StatusError,
    StatusKind,
)

if TYPE_CHECKING:
    from ccpm_core.questionnaire import Questionnaire

__all__ = [
    "ACTIVATION_SETTINGS",
    "EXPIRY_FORMAT",
    "Deployment",
    "close_survey",
    "default_expiry",
    "deploy_questionnaire",
    "survey_link",
]

logger = logging.getLogger(__name__)

ACTIVATION_SETTINGS = {
    "anonymized": "Y",
    "datestamp": "N",
    "ipaddr": "N",
    "refurl": "N",
    "savetimings": "N",
}
"""Settings fixed at activation; they keep responses anonymous (LimeSurvey 6 applies them)."""

EXPIRY_FORMAT = "%Y-%m-%d %H:%M:%S"
"""The format of LimeSurvey's ``expires`` setting."""

_CLOSE_MARGIN = dt.timedelta(hours=12)


@attrs.frozen
class Deployment:
    """A survey created on a LimeSurvey server."""

    survey_id: int
    link: str | None
    """Public address of the survey, or None when the RemoteControl URL has an unknown form."""
    activated: bool


def deploy_questionnaire(
    client: RemoteControlClient,
    questionnaire: Questionnaire,
    *,
    language: str | None = None,
    activate: bool = True,
) -> Deployment:
    """Import a questionnaire as a new survey and activate it, unless ``activate`` is False.

    Raises :class:`SourceError` when the import or the activation fails; after
    a failed activation the message names the survey that was imported.
    """
    from ccpm_plugins.exporters.limesurvey_lss import LimesurveyLssExporter

    document = LimesurveyLssExporter().export(questionnaire, language)
    encoded = base64.b64encode(document).decode("ascii")
    try:
        survey_id = client.import_survey(encoded, "lss")
    except StatusError as error:
        msg = f"LimeSurvey at {client.url} could not import the questionnaire: {error.status}"
        if error.kind is StatusKind.NO_PERMISSION:
            msg += f"; the user {client.username!r} may not create surveys"
        raise SourceError(msg) from error
    logger.info("imported the questionnaire as survey %d at %s", survey_id, client.url)

    link = survey_link(client.url, survey_id)
    if not activate:
        return Deployment(survey_id=survey_id, link=link, activated=False)

    try:
        client.activate_survey(survey_id, ACTIVATION_SETTINGS)
    except SourceError as error:
        detail = error.status if isinstance(error, StatusError) else str(error)
        msg = (
            f"the questionnaire was imported as survey {survey_id} at {client.url}, but "
            f"activating it failed: {detail}. Activate it in LimeSurvey, or delete it "
            "before deploying again"
        )
        raise SourceError(msg) from error
    logger.info("activated survey %d at %s", survey_id, client.url)
    return Deployment(survey_id=survey_id, link=link, activated=True)


def default_expiry(now: Callable[[], dt.datetime] | None = None) -> str:
    """Return an expiry time that is past in every time zone: UTC now minus 12 hours."""
    current = now() if now is not None else dt.datetime.now(dt.UTC)
    return (current.astimezone(dt.UTC) - _CLOSE_MARGIN).strftime(EXPIRY_FORMAT)


def close_survey(client: RemoteControlClient, survey_id: int, expires: str | None = None) -> str:
    """Set a survey's expiry time so that it takes no more responses; return the time set.

    ``expires`` is a server-local time as ``YYYY-MM-DD HH:MM:SS``; by default
    :func:`default_expiry`. Raises :class:`SourceError` when the survey does
    not exist or LimeSurvey does not save the setting.
    """
    value = expires if expires is not None else default_expiry()
    try:
        result = client.set_survey_properties(survey_id, {"expires": value})
    except StatusError as error:
        msg = f"LimeSurvey at {client.url} could not close survey {survey_id}: {error.status}"
        if error.kind is StatusKind.INVALID_SURVEY:
            msg += "; check the survey id"
        elif error.kind is StatusKind.NO_PERMISSION:
            msg += f"; the user {client.username!r} may not change its settings"
        raise SourceError(msg) from error

    if result.get("expires") is not True:
        msg = (
            f"LimeSurvey at {client.url} did not save the expiry time {value!r} of survey "
            f"{survey_id}; close it in LimeSurvey under Settings > Publication & access"
        )
        raise SourceError(msg)
    logger.info("survey %d at %s expires at %s", survey_id, client.url, value)
    return value


def survey_link(remotecontrol_url: str, survey_id: int) -> str | None:
    """Derive a survey's public address from the RemoteControl URL, or return None.

    ``.../index.php/admin/remotecontrol`` gives ``.../index.php/<id>``,
    ``.../admin/remotecontrol`` gives ``.../<id>``, and
    ``.../index.php?r=admin/remotecontrol`` gives
    ``.../index.php?r=survey/index&sid=<id>``.
    """
    parts = urllib.parse.urlsplit(remotecontrol_url)
    path = parts.path.rstrip("/")
    suffix = "/admin/remotecontrol"
    if path.lower().endswith(suffix):
        base = path[: -len(suffix)]
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"{base}/{survey_id}", "", ""))

    route = urllib.parse.parse_qs(parts.query).get("r", [""])[0].strip("/")
    if route.lower() == "admin/remotecontrol":
        query = urllib.parse.urlencode({"r": "survey/index", "sid": survey_id}, safe="/")
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    return None
