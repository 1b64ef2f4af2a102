"""The ``limesurvey`` survey source: responses from a LimeSurvey server or an export file.

With ``--url``, ``--survey`` and ``--user`` the source reads the survey through
RemoteControl, with the password from an environment variable. With an INPUT
file it reads a CSV or JSON export saved from LimeSurvey. Either way the
responses are mapped onto the questionnaire by
:class:`~ccpm_plugins.sources.limesurvey.responses.ResponseMapper`, and
incomplete responses are left out unless ``--include-incomplete yes``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from ccpm_core.errors import InputError
from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import SourceOption, SourceRequest, SurveySource
from ccpm_plugins.sources.limesurvey.credentials import DEFAULT_PASSWORD_ENV

if TYPE_CHECKING:
    import requests

    from ccpm_core.responses import RawResponses
    from ccpm_plugins.sources.http_client import RetryPolicy
    from ccpm_plugins.sources.limesurvey.remote_export import RemoteExport
    from ccpm_plugins.sources.limesurvey.responses import ResponseMapper

__all__ = ["LimesurveySource", "ccpm_register_sources", "parse_yes_no"]

_CONNECTION_OPTIONS = ("url", "survey", "user")
_YES = frozenset({"yes", "y", "true", "1", "on"})
_NO = frozenset({"no", "n", "false", "0", "off"})


@attrs.frozen
class _Connection:
    url: str
    survey_id: int
    user: str
    password_env: str | None


class LimesurveySource(SurveySource):
    """Reads responses from LimeSurvey through RemoteControl 2, or from an export file.

    ``session`` is a prepared :class:`requests.Session` to send requests
    through. ``verify`` is the TLS check that requests applies: True, or the
    path of a CA bundle for a server with a private certificate. ``policy``
    sets timeouts and retries, and ``page_size`` the responses per export call.
    """

    name = "limesurvey"
    description = (
        "LimeSurvey: a survey read through RemoteControl 2 (--url, --survey, --user), or a "
        "CSV or JSON response export saved from LimeSurvey"
    )
    options = (
        SourceOption(
            "url",
            "LimeSurvey RemoteControl URL, such as "
            "https://survey.example.org/index.php/admin/remotecontrol",
        ),
        SourceOption("survey", "LimeSurvey survey id, a number such as 123456"),
        SourceOption("user", "LimeSurvey user name"),
        SourceOption(
            "password_env",
            f"Environment variable that holds the LimeSurvey password (default: "
            f"{DEFAULT_PASSWORD_ENV})",
            env_var=DEFAULT_PASSWORD_ENV,
        ),
        SourceOption(
            "include_incomplete",
            "Read responses that were not submitted too; they are excluded by default.",
            flag=True,
        ),
    )

    def __init__(
        self,
        *,
        session: requests.Session | None = None,
        verify: bool | str = True,
        policy: RetryPolicy | None = None,
        page_size: int | None = None,
    ) -> None:
        self._session = session
        self._verify = verify
        self._policy = policy
        self._page_size = page_size

    def read(self, request: SourceRequest) -> RawResponses:
        """Read the responses, leaving incomplete ones out unless the request includes them.

        Raises :class:`NoResponsesError` when the survey or file contains no
        response at all, so that nothing reports on zero responses.
        """
        include_incomplete = parse_yes_no(
            request.option("include_incomplete"), "--include-incomplete"
        )
        if request.location:
            return self._read_file(request, include_incomplete)

        connection = _connection(request)
        export, mapper = self._read_server(request, connection)
        if not export.has_responses or not len(export.table.table):
            from ccpm_plugins.sources.limesurvey.errors import NoResponsesError

            msg = (
                f"{export.table.source} has no responses yet, so there is nothing to score "
                "or report. Follow the survey with 'ccpm progress --source limesurvey' and "
                "read it again once responses arrive"
            )
            raise NoResponsesError(msg)
        return mapper.raw_responses(export.table, include_incomplete=include_incomplete)

    def read_progress(self, request: SourceRequest) -> list[tuple[str, RawResponses]]:
        """Read the responses in two groups, ``complete`` and ``incomplete``.

        A survey without responses gives two empty groups, because zero is a
        valid count while a survey runs.
        """
        from ccpm_plugins.sources.limesurvey.export_files import read_export_file
        from ccpm_plugins.sources.limesurvey.responses import ResponseMapper

        if request.location:
            _reject_connection_options(request)
            export_table = read_export_file(request.location)
            return ResponseMapper(request.questionnaire).progress_groups(export_table)

        connection = _connection(request)
        export, mapper = self._read_server(request, connection)
        if export.has_responses and len(export.table.table):
            return mapper.progress_groups(export.table)

        note = f"{export.table.source} has no responses yet"
        empty = mapper.empty_responses(export.table.source, [note])
        return [("complete", empty), ("incomplete", empty)]

    def _read_file(self, request: SourceRequest, include_incomplete: bool) -> RawResponses:
        from ccpm_plugins.sources.limesurvey.errors import NoResponsesError
        from ccpm_plugins.sources.limesurvey.export_files import read_export_file
        from ccpm_plugins.sources.limesurvey.responses import ResponseMapper

        _reject_connection_options(request)
        location = request.location or ""
        export_table = read_export_file(location)
        if not len(export_table.table):
            msg = (
                f"{location}: the export holds no responses, so there is nothing to score or "
                "report; export the responses again once the survey has some"
            )
            raise NoResponsesError(msg)
        mapper = ResponseMapper(request.questionnaire)
        return mapper.raw_responses(export_table, include_incomplete=include_incomplete)

    def _read_server(
        self, request: SourceRequest, connection: _Connection
    ) -> tuple[RemoteExport, ResponseMapper]:
        """Export every response, then read the answer options that decode them."""
        from ccpm_plugins.sources.limesurvey.answer_options import read_answer_options
        from ccpm_plugins.sources.limesurvey.credentials import password_from_environment
        from ccpm_plugins.sources.limesurvey.remote_export import (
            DEFAULT_PAGE_SIZE,
            export_all_responses,
        )
        from ccpm_plugins.sources.limesurvey.responses import ResponseMapper
        from ccpm_plugins.sources.limesurvey.rpc_client import RemoteControlClient

        password = password_from_environment(connection.password_env)
        with RemoteControlClient(
            connection.url,
            connection.user,
            password,
            session=self._session,
            verify=self._verify,
            policy=self._policy,
            password_env=connection.password_env or DEFAULT_PASSWORD_ENV,
        ) as client:
            export = export_all_responses(
                client, connection.survey_id, page_size=self._page_size or DEFAULT_PAGE_SIZE
            )
            answers = None
            if export.has_responses:
                answers = read_answer_options(client, connection.survey_id)
        return export, ResponseMapper(request.questionnaire, answers)


@hookimpl
def ccpm_register_sources(register: Callable[[SurveySource], None]) -> None:
    """Register the ``limesurvey`` source."""
    register(LimesurveySource())


def parse_yes_no(value: str | None, option: str) -> bool:
    """Read a yes/no option value: yes, y, true, 1, on or no, n, false, 0, off; None is no."""
    if value is None:
        return False
    folded = value.strip().casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    msg = f"{option} takes yes or no, not {value!r}"
    raise InputError(msg)


def _connection(request: SourceRequest) -> _Connection:
    missing = [name for name in _CONNECTION_OPTIONS if not request.option(name)]
    if missing:
        flags = ", ".join("--" + name for name in missing)
        msg = (
            f"the limesurvey source needs {flags} to read a survey from a server, or an "
            "INPUT file exported from LimeSurvey"
        )
        raise InputError(msg)

    survey = (request.option("survey") or "").strip()
    if not survey.isdigit() or int(survey) < 1:
        msg = f"--survey takes the numeric LimeSurvey survey id, such as 123456, not {survey!r}"
        raise InputError(msg)
    return _Connection(
        url=(request.option("url") or "").strip(),
        survey_id=int(survey),
        user=request.option("user") or "",
        password_env=request.option("password_env"),
    )


def _reject_connection_options(request: SourceRequest) -> None:
    given = [name for name in (*_CONNECTION_OPTIONS, "password_env") if request.option(name)]
    if given:
        flags = ", ".join("--" + name.replace("_", "-") for name in given)
        msg = (
            f"{request.location}: give either an export file or the server options, not "
            f"both; {flags} cannot be used with a file"
        )
        raise InputError(msg)
