"""HTTP for survey backends: timeouts on every request, bounded retries, clear failures.

Sources that talk to a server (KoboToolbox, LimeSurvey, ODK Central) send
their requests through :class:`HttpClient`. It retries the statuses that mean
"try again later" (429, 502, 503, 504) and connection failures, with
exponential backoff that honours ``Retry-After``, until either the attempt
limit or the overall deadline is reached. Failures become
:class:`~ccpm_core.errors.SourceError` messages that name the URL, the number
of attempts and what to check.

Credentials travel in headers set by the caller and never appear in URLs,
messages or logs.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import re
import time
from collections.abc import Callable, Mapping
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
    "display_url",
    "is_loopback_host",
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
    """Overall time budget for one request, retries and waits included."""
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})


HintForStatus = Callable[[int], str]
HintForResponse = Callable[["requests.Response"], str]
"""Advice for a final error status, built from the whole response, such as its JSON body."""


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
    ) -> None:
        import requests

        self.session = session if session is not None else requests.Session()
        self.policy = policy or RetryPolicy()
        self._headers = dict(headers or {})
        self._verify = verify
        self._sleep = sleep
        self._clock = clock

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()

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
        response, _ = self._send(method, url, hint, response_hint, retry, False, kwargs)
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

        The body is read with one call instead of the 10 KB chunks of
        ``Response.content``. That saved about 6 ms of CPU time per 2.3 MB
        page in ``benchmarks/bench_kobo_fetch.py``. A timeout or broken
        connection while the body arrives is retried like a failed request.
        """
        response, body = self._send(method, url, hint, response_hint, retry, True, kwargs)
        assert body is not None  # _send always reads the body when asked to
        return response, body

    def _send(
        self,
        method: str,
        url: str,
        hint: HintForStatus | None,
        response_hint: HintForResponse | None,
        retry: bool,
        read_body: bool,
        kwargs: dict[str, Any],
    ) -> tuple[requests.Response, bytes | None]:
        import requests
        import urllib3.exceptions

        policy = self.policy
        started = self._clock()
        attempts = 0
        wait = policy.backoff_initial
        headers = {**self._headers, **kwargs.pop("headers", {})}
        if read_body:
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
                    timeout=(policy.connect_timeout, policy.read_timeout),
                    verify=self._verify,
                    **kwargs,
                )
                if read_body and response.status_code < 400:
                    # Reading to the end hands the connection back to the pool for reuse.
                    return response, response.raw.read(decode_content=True)
            except (requests.Timeout, urllib3.exceptions.ReadTimeoutError):
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
                    return response, None
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
                raise SourceError(msg)

            logger.warning(
                "%s %s: %s; retrying in %.1f s (attempt %d of %d)",
                method,
                display_url(url),
                failure,
                delay,
                attempts + 1,
                policy.max_attempts,
            )
            self._sleep(delay)
            wait = min(wait * 2, policy.backoff_max)

    @staticmethod
    def _status_error(
        method: str,
        url: str,
        response: requests.Response,
        attempts: int,
        hint: HintForStatus | None,
        response_hint: HintForResponse | None,
    ) -> SourceError:
        detail = _error_detail(response)
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
        return SourceError(msg)


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
    """Return a short description from an error body, JSON or text, at most 200 characters."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        if text.lower().startswith(("<!doctype", "<html")):
            return "the server answered with an HTML page"
        return text[:200]
    if isinstance(body, dict):
        detail = body.get("detail") or body.get("message") or body.get("error")
        if isinstance(detail, str):
            return detail[:200]
    return str(body)[:200]


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


def display_url(url: str) -> str:
    """Return ``url`` for a message: a query string longer than 60 characters is shortened.

    A page request of a backend can carry a long ``fields`` list, which would
    bury the message; the path still names the server and the project.
    """
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
