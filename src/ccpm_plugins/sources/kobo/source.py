"""The ``kobo`` survey source: KoboToolbox projects through the API, and Kobo export files.

With ``--server`` and ``--asset`` the source reads a project's submissions
through the KoboToolbox API, with the token from the environment variable
``KOBO_TOKEN`` (or the one ``--token-env`` names). Given a file instead, it
reads a CSV or XLSX export of KoboToolbox. The plugin also adds the
``ccpm kobo`` commands, which deploy and close the survey.

This module is loaded whenever the command line starts, so it imports the
modules that do the work (and requests, pandas and openpyxl through them)
only inside its functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

import click

from ccpm_core.errors import InputError
from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import SourceOption, SourceRequest, SurveySource

if TYPE_CHECKING:
    from ccpm_core.responses import RawResponses
    from ccpm_plugins.sources.http_client import RetryPolicy
    from ccpm_plugins.sources.kobo.download import DownloadSettings

__all__ = ["KoboSource", "ccpm_register_commands", "ccpm_register_sources"]

TOKEN_VARIABLE = "KOBO_TOKEN"


class KoboSource(SurveySource):
    """Reads responses from a KoboToolbox project, or from a file exported from KoboToolbox.

    ``policy``, ``page_size`` and ``progress_stream`` tune the API reads; the
    registered source uses the defaults of
    :class:`~ccpm_plugins.sources.kobo.client.KoboClient`.
    """

    name = "kobo"
    description = (
        "KoboToolbox: a project's submissions through the API (--server, --asset, token in "
        "KOBO_TOKEN), or a CSV or XLSX file exported from KoboToolbox"
    )
    options = (
        SourceOption("server", "KoboToolbox server address, such as https://kf.kobotoolbox.org."),
        SourceOption("asset", "Uid of the KoboToolbox project, from its address (/forms/UID)."),
        SourceOption(
            "token_env",
            "Environment variable that holds the KoboToolbox API token (default KOBO_TOKEN).",
            env_var=TOKEN_VARIABLE,
        ),
        SourceOption(
            "validation",
            "'approved' reads only submissions approved in KoboToolbox; 'all' (default) every one.",
        ),
    )

    def __init__(
        self,
        *,
        policy: RetryPolicy | None = None,
        page_size: int | None = None,
        progress_stream: TextIO | None = None,
    ) -> None:
        self._policy = policy
        self._page_size = page_size
        self._progress_stream = progress_stream

    def read(self, request: SourceRequest) -> RawResponses:
        """Read every submission of the project, or the export file at ``request.location``."""
        from ccpm_plugins.sources.kobo.exclusions import check_validation_choice

        validation = check_validation_choice(request.option("validation"))
        if request.location:
            return self._read_file(request, validation, allow_empty=False)

        from ccpm_plugins.sources.kobo.download import download_responses

        return download_responses(self._settings(request, validation), request.questionnaire)

    def read_progress(self, request: SourceRequest) -> list[tuple[str, RawResponses]]:
        """Read only the profile and count fields of every submission, to count responses.

        A project or file without submissions counts zero, as it does while a survey runs.
        """
        if request.location:
            from ccpm_plugins.sources.kobo.exclusions import check_validation_choice

            validation = check_validation_choice(request.option("validation"))
            return [("responses", self._read_file(request, validation, allow_empty=True))]

        from ccpm_plugins.sources.kobo.download import download_responses
        from ccpm_plugins.sources.kobo.exclusions import check_validation_choice

        validation = check_validation_choice(request.option("validation"))
        settings = self._settings(request, validation)
        raw = download_responses(settings, request.questionnaire, progress_only=True)
        return [("responses", raw)]

    def _settings(self, request: SourceRequest, validation: str) -> DownloadSettings:
        from ccpm_plugins.sources.kobo.client import PAGE_SIZE, read_token
        from ccpm_plugins.sources.kobo.download import DownloadSettings

        server = request.option("server")
        asset = request.option("asset")
        if not server or not asset:
            msg = (
                "the kobo source needs --server and --asset to read a project through the API "
                "(such as --server https://kf.kobotoolbox.org --asset aBcD1234), or the path "
                "of a file exported from KoboToolbox"
            )
            raise InputError(msg)

        variable = request.option("token_env", TOKEN_VARIABLE) or TOKEN_VARIABLE
        return DownloadSettings(
            server=server,
            asset=asset.strip(),
            token=read_token(variable),
            token_variable=variable,
            validation=validation,
            policy=self._policy,
            page_size=self._page_size or PAGE_SIZE,
            progress_stream=self._progress_stream,
        )

    def _read_file(
        self, request: SourceRequest, validation: str, *, allow_empty: bool
    ) -> RawResponses:
        """Read an export file; unless ``allow_empty``, raise when it has no submission.

        An export without rows gives the same error as a project without
        submissions, so that scoring and fetching stop alike on both.
        """
        from ccpm_plugins.sources.kobo.download import NoSubmissionsError
        from ccpm_plugins.sources.kobo.export_files import read_export_file

        self._check_no_server_options(request)
        location = request.location or ""
        raw = read_export_file(location, request.questionnaire, validation)
        if not allow_empty and not len(raw.table) and not raw.exclusions:
            msg = (
                f"{location}: the export holds no submissions, so there is nothing to score or "
                "report; export the data again once the project has submissions"
            )
            raise NoSubmissionsError(msg)
        return raw

    @staticmethod
    def _check_no_server_options(request: SourceRequest) -> None:
        given = [name for name in ("server", "asset") if request.option(name)]
        if given:
            flags = " and ".join(f"--{name}" for name in given)
            msg = (
                f"{request.location}: give either an export file or {flags}, not both; "
                "the file is read as it is"
            )
            raise InputError(msg)


@hookimpl
def ccpm_register_sources(register: Callable[[SurveySource], None]) -> None:
    """Register the ``kobo`` source."""
    register(KoboSource())


# Optional, so that a plugin host without the command-line hooks can load this module.
@hookimpl(optionalhook=True)
def ccpm_register_commands(cli: click.Group) -> None:
    """Add the ``ccpm kobo`` command group (deploy, close)."""
    from ccpm_plugins.sources.kobo.commands import kobo

    cli.add_command(kobo)
