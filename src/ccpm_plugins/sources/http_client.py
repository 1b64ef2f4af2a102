"""HTTP for survey backends: timeouts on every request, bounded retries, clear failures.

Sources that talk to a server (KoboToolbox, LimeSurvey, ODK Central) send
their requests through :class:`HttpClient`. It retries the statuses that mean
"try again later" (429, 502, 503, 504) and connection failures, with
exponential backoff that honours ``Retry-After``, until either the attempt
limit or the overall deadline is reached. The body is read in chunks against
the same deadline, so a server that sends a byte now and then cannot hold a
request open for longer. Failures become
:class:`~ccpm_core.errors.SourceError` messages that name the URL, the number
of attempts and what to check.

Credentials travel in headers set by the caller and never appear in URLs,
messages or logs. Text from a server (error bodies, addresses it links to)
reaches a message only through :func:`clean_server_text`, which removes known
secret values and control characters and shortens it.
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import logging
import re
import time
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.errors import SourceError

if TYPE_CHECKING:
    import requests

__all__ = [
    "HintForResponse",
    "HintForStatus",
    "HttpClient",
    "RetryPolicy",
    "clean_server_text",
    "display_url",
    "is_loopback_host",
    "redact_userinfo",
]

logger = logging.getLogger(__name__)


@attrs.frozen
class RetryPolicy:
    """How long to wait for a server and how often to try again. Times are in seconds."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_attempts: int = 5
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    deadline: float = 300.0
    """Overall time budget for one request, retries, waits and reading the body included."""
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})


HintForStatus = Callable[[int], str]
HintForResponse = Callable[["requests.Response"], str]
"""Advice for a final error status, built from the whole response, such as its JSON body."""

_CHUNK_SIZE = 1 << 20
"""Maximum bytes taken from the connection per read of a body; a read returns what has arrived."""

_ERROR_BODY_LIMIT = 64 * 1024
"""Bytes of an error response read for its message; the rest is not waited for."""

REDACTED = "[redacted]"
"""Text that replaces a secret value in text from a server."""


class _DeadlineExceeded(Exception):
    """The response had not fully arrived when the request's deadline passed."""


class HttpClient:
    """Sends requests with the retry policy, through one ``requests.Session``."""

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        verify: bool | str = True,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        secrets: Iterable[str] = (),
    ) -> None:
        """Set up the client. ``secrets`` are values that no message may show, such as a password.

        The credential of every ``Authorization`` header sent is added to
        ``secrets`` automatically.
        """
        import requests

        self.session = session if session is not None else requests.Session()
        self.policy = policy or RetryPolicy()
        self._headers = dict(headers or {})
        self._verify = verify
        self._sleep = sleep
        self._clock = clock
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add_secret(secret)
        self._add_header_secrets(self._headers)

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()

    def add_secret(self, value: str | None) -> None:
        """Add a value that messages must never show, such as a session token just received."""
        if value:
            self._secrets.add(value)

    def clean(self, text: str, limit: int = 200) -> str:
        """Return server text fit for a message: see :func:`clean_server_text`."""
        return clean_server_text(text, self._secrets, limit)

    def _add_header_secrets(self, headers: Mapping[str, str]) -> None:
        for name, value in headers.items():
            if name.lower() in ("authorization", "proxy-authorization"):
                self.add_secret(value)
                # "Bearer abc": the credential alone may also come back in a body.
                self.add_secret(value.partition(" ")[2].strip())

    def request(
        self,
        method: str,
        url: str,
        *,
        hint: HintForStatus | None = None,
        response_hint: HintForResponse | None = None,
        retry: bool = True,
        **kwargs: Any,
    ) -> requests.Response:
        """Send a request and return a response whose status is below 400.

        ``hint`` turns a final error status into advice for the user, such as
        "check the token". ``response_hint`` builds that advice from the whole
        response, for statuses whose meaning depends on the body. With
        ``retry=False`` the request is sent once, for calls that must not be
        repeated.
        """
        response, _ = self._send(method, url, hint, response_hint, retry, kwargs)
        return response

    def request_body(
        self,
        method: str,
        url: str,
        *,
        hint: HintForStatus | None = None,
        response_hint: HintForResponse | None = None,
        retry: bool = True,
        **kwargs: Any,
    ) -> tuple[requests.Response, bytes]:
        """Send a request like :meth:`request` and return the response with its whole body.

        The body is read in chunks of up to 1 MB as they arrive, instead of
        the 10 KB chunks of ``Response.content``: one call per 10 KB cost about
        6 ms of CPU time per 2.3 MB page in ``benchmarks/bench_kobo_fetch.py``.
        A timeout or broken connection while the body arrives is retried like
        a failed request.
        """
        return self._send(method, url, hint, response_hint, retry, kwargs)

    def _send(
        self,
        method: str,
        url: str,
        hint: HintForStatus | None,
        response_hint: HintForResponse | None,
        retry: bool,
        kwargs: dict[str, Any],
    ) -> tuple[requests.Response, bytes]:
        import requests
        import urllib3.exceptions

        policy = self.policy
        started = self._clock()
        attempts = 0
        wait = policy.backoff_initial
        headers = {**self._headers, **kwargs.pop("headers", {})}
        self._add_header_secrets(headers)
        # The body is read by _read_body, which checks the deadline between chunks.
        kwargs["stream"] = True

        while True:
            attempts += 1
            failure: str
            retry_after: float | None = None
            try:
                response = self.session.request(
                    method,
                    url,
                    headers=headers,
                    timeout=self._timeouts(started),
                    verify=self._verify,
                    **kwargs,
                )
                body = self._read_body(response, started)
            except _DeadlineExceeded:
                raise self._deadline_error(method, url, attempts) from None
            except requests.exceptions.SSLError as error:
                # Retrying does not fix a TLS failure, because its cause is the address,
                # its scheme or the certificate.
                failure = f"the TLS connection failed: {_tls_reason(error)}"
                retry = False
            except (requests.Timeout, urllib3.exceptions.ReadTimeoutError):
                if self._clock() - started >= policy.deadline:
                    # The timeouts were cut to the time left, so the deadline is what ran out.
                    raise self._deadline_error(method, url, attempts) from None
                failure = (
                    f"timed out (connect {policy.connect_timeout:g} s, "
                    f"read {policy.read_timeout:g} s)"
                )
            except requests.ConnectionError as error:
                failure = f"could not connect: {_short_reason(error)}"
                # A host name that does not resolve is a wrong address, not a passing fault.
                if failure.endswith(_UNRESOLVED):
                    retry = False
            except urllib3.exceptions.HTTPError as error:
                failure = f"the connection broke while the response arrived: {_short_reason(error)}"
            else:
                if response.status_code < 400:
                    return response, body
                if response.status_code not in policy.retry_statuses:
                    raise self._status_error(method, url, response, attempts, hint, response_hint)
                failure = f"HTTP {response.status_code}"
                retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
                response.close()

            elapsed = self._clock() - started
            delay = min(retry_after if retry_after is not None else wait, policy.backoff_max)
            out_of_attempts = not retry or attempts >= policy.max_attempts
            out_of_time = elapsed + delay > policy.deadline
            if out_of_attempts or out_of_time:
                msg = (
                    f"{method} {display_url(url)} failed after {attempts} attempt"
                    f"{'s' if attempts != 1 else ''} in {elapsed:.0f} s: {failure}. "
                    "Check that the server address is right and reachable, "
                    "or try again later."
                )
                raise SourceError(self.clean(msg, limit=len(msg)))

            logger.warning(
                "%s %s: %s; retrying in %.1f s (attempt %d of %d)",
                method,
                display_url(url),
                self.clean(failure),
                delay,
                attempts + 1,
                policy.max_attempts,
            )
            self._sleep(delay)
            wait = min(wait * 2, policy.backoff_max)

    def _timeouts(self, started: float) -> tuple[float, float]:
        """Return the connect and read timeouts, never longer than the time left."""
        # NOTE: the timeout applies to each read of the status line and headers, so
        # headers sent a byte at a time can still outlast the deadline.
        policy = self.policy
        left = max(policy.deadline - (self._clock() - started), 0.001)
        return min(policy.connect_timeout, left), min(policy.read_timeout, left)

    def _read_body(self, response: requests.Response, started: float) -> bytes:
        """Read the body in chunks as they arrive, and stop when the deadline has passed.

        requests' read timeout applies to each read from the socket, so a
        server that sends a byte every few seconds would never time out. The
        body is stored in the response, so ``response.json()`` and
        ``response.text`` work as usual. Of an error response only the first
        64 KB are read.
        """
        limit = _ERROR_BODY_LIMIT if response.status_code >= 400 else None
        chunks: list[bytes] = []
        size = 0
        while limit is None or size < limit:
            # NOTE: one read can take up to the read timeout, so the deadline may be
            # passed by that much before this check runs.
            chunk = response.raw.read1(_CHUNK_SIZE, decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if self._clock() - started > self.policy.deadline:
                response.close()
                raise _DeadlineExceeded

        body = b"".join(chunks)
        # requests keeps a read body in these attributes, and Response.content returns it.
        response._content = body
        response._content_consumed = True  # type: ignore[attr-defined]
        return body

    def _deadline_error(self, method: str, url: str, attempts: int) -> SourceError:
        host = urllib.parse.urlsplit(url).netloc
        msg = (
            f"{method} {display_url(url)} failed after {attempts} attempt"
            f"{'s' if attempts != 1 else ''}: the server {host} had not finished sending "
            f"its response when the deadline of {self.policy.deadline:g} s passed. "
            "Check that the server works, or try again later."
        )
        return SourceError(self.clean(msg, limit=len(msg)))

    def _status_error(
        self,
        method: str,
        url: str,
        response: requests.Response,
        attempts: int,
        hint: HintForStatus | None,
        response_hint: HintForResponse | None,
    ) -> SourceError:
        detail = self.clean(_error_detail(response))
        advice = ""
        if hint is not None:
            advice = hint(response.status_code)
        elif response_hint is not None:
            advice = response_hint(response)
        msg = (
            f"{method} {display_url(url)} failed with HTTP {response.status_code}"
            f"{f' ({detail})' if detail else ''} after {attempts} attempt"
            f"{'s' if attempts != 1 else ''}."
            f"{f' {advice}' if advice else ''}"
        )
        # The advice may quote the body too, so the whole message is cleaned.
        return SourceError(self.clean(msg, limit=len(msg)))


def _retry_after_seconds(value: str | None) -> float | None:
    """Read ``Retry-After`` as seconds, from either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _error_detail(response: requests.Response) -> str:
    """Return the description in an error body, JSON or text, still to be cleaned and cut."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        if text.lower().startswith(("<!doctype", "<html")):
            return "the server answered with an HTML page"
        return text
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("message") or body.get("error")
        if isinstance(detail, str):
            return detail
    return str(body)


_OS_ERROR = re.compile(r"\[Errno -?\d+\] ([^'\")(]+)")
_RESOLUTION_FAILURES = ("NameResolutionError", "getaddrinfo failed", "Name or service not known")


_UNRESOLVED = "the host name could not be resolved"


def _short_reason(error: Exception) -> str:
    """Return the cause of a connection failure in a few words, without urllib3's wrapping.

    requests reports a refused connection as a nested repr of several
    exceptions and an object address; the message needs only the cause.
    """
    reason = str(error)
    if any(marker in reason for marker in _RESOLUTION_FAILURES):
        return _UNRESOLVED
    found = _OS_ERROR.search(reason)
    if found is not None:
        return found.group(1).strip().rstrip(".").lower()
    if "CERTIFICATE_VERIFY_FAILED" in reason:
        return "the server's TLS certificate could not be verified"
    return reason if len(reason) <= 200 else reason[:197] + "..."


def _tls_reason(error: Exception) -> str:
    reason = str(error)
    if "CERTIFICATE_VERIFY_FAILED" in reason:
        return "the server's TLS certificate could not be verified"
    if "WRONG_VERSION_NUMBER" in reason or "record layer failure" in reason:
        return (
            "the server did not answer in TLS, so it may serve plain http at this address; "
            "check the scheme and port of --server"
        )
    return "the TLS handshake with the server failed"


_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_server_text(text: str, secrets: Iterable[str] = (), limit: int = 200) -> str:
    """Make text that a server sent safe to show: no secret, no control character, short.

    Each secret value is replaced by ``[redacted]``, also in its JSON-escaped
    and URL-encoded forms, before the text is cut, so a cut never leaves part
    of a secret behind. Control characters (such as ESC and BEL, which a
    terminal acts on) and bidirectional overrides are removed, runs of white
    space become one space, and text longer than ``limit`` characters is cut
    with "...".
    """
    forms = {
        form
        for secret in secrets
        if secret
        for form in (secret, json.dumps(secret)[1:-1], urllib.parse.quote(secret, safe=""))
    }
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)

    kept = (
        " " if character.isspace() else character
        for character in text
        if character.isspace()
        or (unicodedata.category(character) != "Cc" and character not in _BIDI_CONTROLS)
    )
    text = " ".join("".join(kept).split())
    if len(text) > limit:
        text = text[: max(limit - 3, 0)] + "..."
    return text


def redact_userinfo(address: str) -> str:
    """Return ``address`` for a message, with any user name and password replaced by ``***``.

    This works on text that is not a valid URL too, such as ``me:secret@host``
    without a scheme, because it is used to report such text.
    """
    text = address.strip()
    prefix, separator, rest = text.partition("://")
    if separator:
        prefix += separator
    else:
        prefix, rest = "", text
    if "@" not in rest:
        return f"{prefix}{rest}"
    # The last "@" ends the user information, because a password may contain "/" or "@".
    host_and_path = rest.rpartition("@")[2]
    return f"{prefix}***@{host_and_path}"


def display_url(url: str) -> str:
    """Return ``url`` for a message, with a query string over 60 characters cut to 40.

    A page request of a backend can carry a long ``fields`` list, which would
    bury the message. The path still names the server and the project.
    Control characters are removed, because the address may come from a server.
    """
    url = "".join(character for character in url if unicodedata.category(character) != "Cc")
    base, separator, query = url.partition("?")
    if not separator or len(query) <= 60:
        return url
    return f"{base}?{query[:40]}..."


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` is this machine, where plain http exposes no secret on a network."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
