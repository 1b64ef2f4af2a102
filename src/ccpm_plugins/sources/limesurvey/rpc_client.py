"""A client of LimeSurvey's RemoteControl 2 API over JSON-RPC.

The protocol, as LimeSurvey 2.05 to 6 implement it:

- Every call is an HTTP POST of ``{"method": ..., "params": [...], "id": n}``
  with the content type exactly ``application/json``. Parameters are sent
  positionally, because PHP 8 reads a JSON object as named arguments, whose
  names changed between LimeSurvey versions. The id is at least 1, because
  LimeSurvey treats an empty id (``0`` included) as a notification and answers
  with an empty body.
- The reply is ``{"id": n, "result": ..., "error": null}``, parsed whatever its
  content type says (``text/javascript`` before LimeSurvey's fix of November
  2023, ``application/json`` after). ``error`` is a plain string.
- Most failures come back as a successful result ``{"status": "..."}``, in
  wordings that differ in case and final full stop between versions (LimeSurvey
  7 adds an ``error_code``). :func:`classify_status` sorts them.
- An empty body means the RemoteControl interface is off or the URL is not
  its endpoint; an HTML page means a PHP error or a login page.

Session keys expire after two hours by default, without being renewed by
use, so a call rejected for an invalid key logs in again once and is retried.
:class:`RemoteControlClient` is a context manager that releases its key when
it closes, after an error too.

Reads are retried on transient HTTP failures by :class:`HttpClient`; calls
that change the server (import, activation, settings) and the login are sent
once, because a retry could repeat a change that already happened.
"""

from __future__ import annotations

import enum
import itertools
import json
import logging
import urllib.parse
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.http_client import HttpClient, RetryPolicy, is_loopback_host

if TYPE_CHECKING:
    import requests

__all__ = [
    "DEFAULT_POLICY",
    "RemoteControlClient",
    "RemoteControlError",
    "StatusError",
    "StatusKind",
    "classify_status",
]

logger = logging.getLogger(__name__)

DEFAULT_POLICY = RetryPolicy(read_timeout=120.0)
"""Timeouts and retries of RemoteControl calls.

The read timeout is 120 s because LimeSurvey builds an export file in full
before it sends the first byte.
"""

_SNIPPET_LENGTH = 200
"""Characters of an unexpected reply quoted in an error message."""


class RemoteControlError(SourceError):
    """A RemoteControl call failed: transport, protocol, or an error the server reported."""


class StatusKind(enum.Enum):
    """The meaning of a ``{"status": ...}`` failure result."""

    INVALID_SESSION_KEY = "invalid session key"
    INVALID_LOGIN = "invalid user name or password"
    NO_PERMISSION = "no permission"
    INVALID_SURVEY = "invalid survey id"
    SURVEY_NOT_ACTIVE = "no data, survey table does not exist"
    NO_RESPONSES = "no data, could not get max id"
    NO_DATA = "no data"
    """LimeSurvey 2.05 wording, and LimeSurvey 7 ``ERR_NO_DATA``: not active, or no responses."""
    LANGUAGE_NOT_FOUND = "language code not found for this survey"
    NOTHING_FOUND = "nothing found"
    """An empty list reported as a failure: ``No surveys found``, ``No questions found``."""
    OTHER = "other"


class StatusError(RemoteControlError):
    """A RemoteControl call returned a failure status instead of a result."""

    def __init__(
        self, message: str, *, method: str, status: str, error_code: str | None = None
    ) -> None:
        super().__init__(message)
        self.method = method
        self.status = status
        self.error_code = error_code
        self.kind = classify_status(status, error_code)


_EXACT_STATUSES = {
    "invalid user name or password": StatusKind.INVALID_LOGIN,
    "no permission": StatusKind.NO_PERMISSION,
    "error: no permission": StatusKind.NO_PERMISSION,
    "error: invalid survey id": StatusKind.INVALID_SURVEY,
    "invalid surveyid": StatusKind.INVALID_SURVEY,
    "invalid survey id": StatusKind.INVALID_SURVEY,
    "no data, survey table does not exist": StatusKind.SURVEY_NOT_ACTIVE,
    "no data, could not get max id": StatusKind.NO_RESPONSES,
    "no data": StatusKind.NO_DATA,
    "language code not found for this survey": StatusKind.LANGUAGE_NOT_FOUND,
    "no surveys found": StatusKind.NOTHING_FOUND,
    "no questions found": StatusKind.NOTHING_FOUND,
    "no groups found": StatusKind.NOTHING_FOUND,
}

_ERROR_CODES = {
    "ERR_NO_DATA": StatusKind.NO_DATA,
    "ERR_INVALID_SURVEY": StatusKind.INVALID_SURVEY,
    "ERR_NO_PERMISSION": StatusKind.NO_PERMISSION,
}


def classify_status(status: str, error_code: str | None = None) -> StatusKind:
    """Sort a failure status, whatever its case, spacing and final full stop.

    The session-key failure is also recognised with spaces inside words, as in
    ``Invalid S ession Key`` of some LimeSurvey versions. A known wording wins
    over ``error_code``, which is only consulted for wordings not listed here.
    """
    folded = " ".join(status.split()).rstrip(".").strip().casefold()
    if folded.replace(" ", "") == "invalidsessionkey":
        return StatusKind.INVALID_SESSION_KEY
    kind = _EXACT_STATUSES.get(folded)
    if kind is not None:
        return kind
    if error_code is not None:
        return _ERROR_CODES.get(error_code.strip().upper(), StatusKind.OTHER)
    return StatusKind.OTHER


class RemoteControlClient:
    """A logged-in connection to one LimeSurvey RemoteControl endpoint.

    ``url`` is the full endpoint, such as
    ``https://survey.example.org/index.php/admin/remotecontrol``; nothing is
    appended to it, because its form depends on the server's URL settings.
    The password is kept only to log in and never appears in messages or logs.
    Pass ``session`` to reuse a configured :class:`requests.Session`, or
    ``verify`` to trust a certificate bundle (a path) for HTTPS.
    ``password_env`` names the environment variable the password came from,
    so that the error for a rejected login names the variable to check.
    """

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        session: requests.Session | None = None,
        verify: bool | str = True,
        policy: RetryPolicy | None = None,
        auth_plugin: str = "Authdb",
        password_env: str = "LIMESURVEY_PASSWORD",
    ) -> None:
        _check_url(url)
        self.url = url
        self._password_env = password_env
        self.username = username
        self._password = password
        self._auth_plugin = auth_plugin
        self._owns_session = session is None
        self._http = HttpClient(
            session,
            policy=policy or DEFAULT_POLICY,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            verify=verify,
        )
        self._request_ids = itertools.count(1)
        self._session_key: str | None = None

    def __repr__(self) -> str:
        return f"RemoteControlClient(url={self.url!r}, username={self.username!r})"

    def __enter__(self) -> RemoteControlClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- session ---

    def login(self) -> None:
        """Get a session key with the user name and password given at construction."""
        logger.info("logging in to LimeSurvey at %s as %s", self.url, self.username)
        try:
            key = self.call(
                "get_session_key", self.username, self._password, self._auth_plugin, retry=False
            )
        except StatusError as error:
            if error.kind is StatusKind.INVALID_LOGIN:
                msg = (
                    f"LimeSurvey at {self.url} rejected the login of user {self.username!r}: "
                    f"{error.status}. Check the user name (--user) and the password in the "
                    f"environment variable {self._password_env} (--password-env)"
                )
                raise RemoteControlError(msg) from None
            raise
        if not isinstance(key, str) or not key:
            msg = (
                f"LimeSurvey at {self.url} answered the login with {_describe(key)} instead of "
                "a session key; check that the URL is the RemoteControl endpoint"
            )
            raise RemoteControlError(msg)
        self._session_key = key

    def close(self) -> None:
        """Release the session key, if any, and close the connections this client opened.

        A failure to release the key is logged and not raised, so that it does
        not hide the error that made the caller close. The key expires anyway.
        """
        key, self._session_key = self._session_key, None
        try:
            if key is not None:
                try:
                    self.call("release_session_key", key)
                except SourceError as error:
                    logger.warning(
                        "could not release the LimeSurvey session key at %s: %s", self.url, error
                    )
        finally:
            if self._owns_session:
                self._http.close()

    # --- calls ---

    def call_with_key(self, method: str, *params: Any, retry: bool = True) -> Any:
        """Call a method with the session key as first parameter, logging in when needed.

        When the server rejects the key as invalid or expired, the client logs
        in again once and repeats the call. The rejection happens before the
        method runs, so repeating is safe for calls that change the server too.
        """
        if self._session_key is None:
            self.login()
        try:
            return self.call(method, self._session_key, *params, retry=retry)
        except StatusError as error:
            if error.kind is not StatusKind.INVALID_SESSION_KEY:
                raise
        logger.warning(
            "LimeSurvey at %s rejected the session key for %s; logging in again", self.url, method
        )
        self._session_key = None
        self.login()
        return self.call(method, self._session_key, *params, retry=retry)

    def call(self, method: str, *params: Any, retry: bool = True) -> Any:
        """Send one JSON-RPC call with positional parameters and return its result.

        Raises :class:`StatusError` for a ``{"status": ...}`` failure result and
        :class:`RemoteControlError` for every other failure.
        """
        request_id = next(self._request_ids)
        payload = {"method": method, "params": list(params), "id": request_id}
        logger.debug("RemoteControl call %s (request %d) to %s", method, request_id, self.url)

        response = self._http.request(
            "POST",
            self.url,
            data=json.dumps(payload).encode("utf-8"),
            retry=retry,
            hint=lambda status: _status_hint(status, method),
        )
        body = self._parse_body(method, response.content)

        if body.get("error") is not None:
            msg = (
                f"LimeSurvey at {self.url} reported an error for {method}: {body['error']!r}. "
                f"{_error_advice(str(body['error']))}"
            )
            raise RemoteControlError(msg)
        if body.get("id") not in (request_id, str(request_id)):
            msg = (
                f"LimeSurvey at {self.url} answered {method} with the reply to request "
                f"{body.get('id')!r} instead of {request_id}; check for a proxy that caches or "
                "mixes up requests"
            )
            raise RemoteControlError(msg)

        result = body.get("result")
        self._raise_for_status(method, result)
        return result

    def _parse_body(self, method: str, content: bytes) -> dict[str, Any]:
        text = content.decode("utf-8-sig", errors="replace").strip()
        if not text:
            msg = (
                f"LimeSurvey at {self.url} answered {method} with an empty body. The RemoteControl "
                "interface is probably off (turn on JSON-RPC under Configuration > Global "
                "settings > Interfaces), or the URL is not the RemoteControl endpoint, which "
                "usually ends in /index.php/admin/remotecontrol"
            )
            raise RemoteControlError(msg)
        if text[:1] == "<":
            msg = (
                f"LimeSurvey at {self.url} answered {method} with an HTML page instead of JSON "
                f"({_snippet(text)}). The URL may point to a login or error page instead of the "
                "RemoteControl endpoint, or LimeSurvey failed with a PHP error; check the URL "
                "and the server's error log"
            )
            raise RemoteControlError(msg)
        try:
            body = json.loads(text)
        except json.JSONDecodeError:
            msg = (
                f"LimeSurvey at {self.url} answered {method} with text that is not JSON "
                f"({_snippet(text)}); check that the URL is the RemoteControl endpoint"
            )
            raise RemoteControlError(msg) from None
        if not isinstance(body, dict) or "result" not in body:
            msg = (
                f"LimeSurvey at {self.url} answered {method} with {_snippet(text)}, which is not "
                "a JSON-RPC reply; check that the URL is the RemoteControl endpoint"
            )
            raise RemoteControlError(msg)
        return body

    def _raise_for_status(self, method: str, result: Any) -> None:
        if not isinstance(result, Mapping) or "status" not in result:
            return
        status = result["status"]
        if status is None or str(status).strip().upper() == "OK":
            return
        error_code = result.get("error_code")
        status_text = str(status)
        msg = (
            f"LimeSurvey at {self.url} rejected {method}: {status_text}. Check the survey id "
            f"and the permissions of user {self.username!r} in LimeSurvey"
        )
        raise StatusError(
            msg,
            method=method,
            status=status_text,
            error_code=None if error_code is None else str(error_code),
        )

    # --- methods used by ccpm ---

    def list_questions(self, survey_id: int) -> list[dict[str, Any]]:
        """Return every question and subquestion of a survey, in the base language."""
        try:
            result = self.call_with_key("list_questions", survey_id, None, None)
        except StatusError as error:
            if error.kind is StatusKind.NOTHING_FOUND:
                return []
            raise
        if not isinstance(result, list):
            raise _unexpected(self.url, "list_questions", result, "a list of questions")
        return [dict(entry) for entry in result if isinstance(entry, Mapping)]

    def get_question_properties(
        self, question_id: int, settings: Sequence[str] | None = None
    ) -> dict[str, Any]:
        """Return properties of a question, such as ``answeroptions``."""
        result = self.call_with_key(
            "get_question_properties",
            question_id,
            None if settings is None else list(settings),
            None,
        )
        if not isinstance(result, Mapping):
            raise _unexpected(self.url, "get_question_properties", result, "a mapping")
        return dict(result)

    def get_survey_properties(self, survey_id: int, settings: Sequence[str]) -> dict[str, Any]:
        """Return survey settings, such as ``active`` or ``expires``."""
        result = self.call_with_key("get_survey_properties", survey_id, list(settings))
        if not isinstance(result, Mapping):
            raise _unexpected(self.url, "get_survey_properties", result, "a mapping")
        return dict(result)

    def export_responses(
        self,
        survey_id: int,
        *,
        document_type: str = "json",
        completion_status: str = "all",
        heading_type: str = "code",
        response_type: str = "short",
        from_id: int | None = None,
        to_id: int | None = None,
        fields: Sequence[str] | None = None,
    ) -> str:
        """Return the base64 text of a response export, every positional slot filled.

        Raises :class:`StatusError` for the "No Data" results, which callers
        sort with :attr:`StatusError.kind`.
        """
        result = self.call_with_key(
            "export_responses",
            survey_id,
            document_type,
            None,
            completion_status,
            heading_type,
            response_type,
            from_id,
            to_id,
            None if fields is None else list(fields),
        )
        if not isinstance(result, str):
            raise _unexpected(self.url, "export_responses", result, "base64 text")
        return result

    def import_survey(self, data_base64: str, data_type: str, name: str | None = None) -> int:
        """Import a survey file and return the new survey's id. Sent once, never retried."""
        result = self.call_with_key(
            "import_survey", data_base64, data_type, name, None, retry=False
        )
        try:
            return int(result)
        except (TypeError, ValueError):
            raise _unexpected(self.url, "import_survey", result, "a survey id") from None

    def activate_survey(self, survey_id: int, settings: Mapping[str, str]) -> dict[str, Any]:
        """Activate a survey with activation settings. Sent once, never retried.

        LimeSurvey 6 applies ``settings`` (such as ``anonymized``) before it
        activates; earlier versions ignore the parameter and keep the survey's
        own settings.
        """
        result = self.call_with_key("activate_survey", survey_id, dict(settings), retry=False)
        if not isinstance(result, Mapping):
            raise _unexpected(self.url, "activate_survey", result, "a mapping")
        return dict(result)

    def set_survey_properties(
        self, survey_id: int, properties: Mapping[str, str]
    ) -> dict[str, Any]:
        """Change survey settings; return, per setting, whether LimeSurvey saved it."""
        result = self.call_with_key(
            "set_survey_properties", survey_id, dict(properties), retry=False
        )
        if not isinstance(result, Mapping):
            raise _unexpected(self.url, "set_survey_properties", result, "a mapping")
        return dict(result)


def _check_url(url: str) -> None:
    """Reject an address that is not http(s), or that carries credentials, which would leak."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        msg = (
            f"the LimeSurvey address {url!r} is not an http:// or https:// URL; give the "
            "RemoteControl URL, such as https://survey.example.org/index.php/admin/remotecontrol"
        )
        raise SourceError(msg)
    if parts.username is not None or parts.password is not None:
        msg = (
            "the LimeSurvey address contains a user name or password; remove them from the "
            "URL, give the user name with --user and put the password in an environment variable"
        )
        raise SourceError(msg)
    if parts.scheme.lower() == "http" and not is_loopback_host(parts.hostname):
        msg = (
            f"the LimeSurvey address {url!r} uses http://, which would send the password "
            "unencrypted; use the https:// address of the server"
        )
        raise SourceError(msg)


def _status_hint(status: int, method: str) -> str:
    if status == 404:
        return (
            "Check the RemoteControl URL. It usually ends in /index.php/admin/remotecontrol, "
            "or in /admin/remotecontrol when the server hides index.php."
        )
    if status in (401, 403):
        return "The web server denied access. Check the URL and any proxy or firewall in front."
    if status >= 500:
        return (
            f"LimeSurvey failed while running {method}; the server's PHP error log has the "
            "cause, often a parameter that this LimeSurvey version does not accept."
        )
    return "Check the RemoteControl URL, and the web server's log for the cause."


def _error_advice(error: str) -> str:
    if "incorrect parameters" in error or "unknown method" in error:
        return (
            "This LimeSurvey version may not have the method, or rejected a parameter; "
            "LimeSurvey 2.x also reports every empty result this way"
        )
    return "Check the LimeSurvey server's log for details"


def _unexpected(url: str, method: str, result: Any, expected: str) -> RemoteControlError:
    msg = (
        f"LimeSurvey at {url} answered {method} with {_describe(result)} instead of {expected}; "
        "this LimeSurvey version may not be supported"
    )
    return RemoteControlError(msg)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {_snippet(json.dumps(value, default=str))}"


def _snippet(text: str) -> str:
    folded = " ".join(text.split())
    if len(folded) > _SNIPPET_LENGTH:
        folded = folded[: _SNIPPET_LENGTH - 3] + "..."
    return repr(folded)
