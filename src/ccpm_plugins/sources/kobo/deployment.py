"""Putting the CCPM survey on KoboToolbox and closing it.

Deploying uploads the questionnaire as an XLSForm (``POST /api/v2/imports/``),
waits for the server to turn it into a project, deploys that project and
returns its uid with the public link of the web form. Closing archives the
project, so that it accepts no more submissions but keeps those it has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from ccpm_core.questionnaire import Questionnaire
from ccpm_plugins.exporters.xlsform import build_xlsform, xlsform_workbook
from ccpm_plugins.sources.kobo.client import KoboClient

__all__ = ["Deployment", "close_survey", "deploy_questionnaire", "survey_link"]

_LINK_KEYS = ("offline_url", "url", "single_url")
"""Keys of ``deployment__links``, best first: ``offline_url`` is the web form that also
works offline and takes several submissions from one device."""


@attrs.frozen
class Deployment:
    """A deployed survey: its asset uid, name and web-form link (None if the server gave none)."""

    uid: str
    name: str
    link: str | None


def deploy_questionnaire(
    client: KoboClient, questionnaire: Questionnaire, name: str | None = None
) -> Deployment:
    """Upload ``questionnaire`` as a new KoboToolbox project, deploy it and return it.

    ``name`` names the project (default: the questionnaire's title).
    """
    title = name or questionnaire.label(questionnaire.title)
    form = build_xlsform(questionnaire, title=title)
    workbook = xlsform_workbook(form)

    import_uid = client.import_xlsform(workbook, f"{form.settings['form_id']}.xlsx", title)
    uid = client.wait_for_import(import_uid)
    asset = client.deploy(uid)
    if asset.get("name") != title:
        client.rename_asset(uid, title)
    return Deployment(uid=uid, name=title, link=survey_link(asset))


def close_survey(client: KoboClient, uid: str) -> None:
    """Archive a deployed project: it keeps its submissions and accepts no new ones."""
    client.set_active(uid, False)


def survey_link(asset: Mapping[str, Any]) -> str | None:
    """Return the web-form link of a deployed asset, or None when it has none yet."""
    links = asset.get("deployment__links")
    if not isinstance(links, Mapping):
        return None
    for key in _LINK_KEYS:
        link = links.get(key)
        if isinstance(link, str) and link:
            return link
    return None
