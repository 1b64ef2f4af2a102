"""Calls to the KoboToolbox API (kpi, version 2), through :class:`HttpClient`.

Every request carries the token in the ``Authorization`` header, never in a
URL, and goes through the retry policy of :mod:`ccpm_plugins.sources.http_client`.
Error messages name the URL and what to check. KoboToolbox answers 404, not 401,
for a project that the caller may not see, so a 404 usually means a missing
or wrong token rather than a wrong address.

Submissions come in pages. The client asks for :data:`PAGE_SIZE` per page and
lets the server cap it (at 1000 on current servers), follows ``next`` until it
is null, and compares the number of submissions received with the ``count``
the server reports.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.http_client import (
    HttpClient,
    RetryPolicy,
    is_loopback_host,
    redact_userinfo,
)

if TYPE_CHECKING:
    import requests

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_TOKEN_VARIABLE",
    "PAGE_SIZE",
    "KoboClient",
    "SubmissionPage",
    "normalise_server",
    "read_token",
]

logger = logging.getLogger(__name__)

DEFAULT_TOKEN_VARIABLE = "KOBO_TOKEN"

PAGE_SIZE = 30_000
"""Submissions requested per page: the largest page that older KoboToolbox versions serve.

Current servers cap the page at 1000, and a self-hosted server may set its
own cap. The client never relies on getting this many: it follows ``next``
and checks the total against ``count``.
"""

DEFAULT_POLICY = RetryPolicy(read_timeout=130.0, deadline=600.0)
"""Timeouts and retries for KoboToolbox.

The read timeout is a little longer than the two minutes or so after which
KoboToolbox stops a submissions query itself, so the server reports the
failure first.
"""

_TOKEN_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ASSET_UID = re.compile(r"^[A-Za-z0-9]+$")
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_IMPORT_POLL_WAITS = (0.5, 1.0, 2.0, 4.0, 5.0)
"""Seconds between checks of an import; the last value repeats."""


@attrs.frozen
class SubmissionPage:
    """One page of submissions and the total the server reported with it."""

    url: str
    results: list[dict[str, Any]]
    count: int


def read_token(variable: str | None = None) -> str:
    """Return the API token from the environment variable ``variable`` (``KOBO_TOKEN``).

    Raises :class:`SourceError` naming the variable when it is not set or
    empty, or when ``variable`` is not a valid variable name. The token itself
    never appears in a message.
    """
    name = variable or DEFAULT_TOKEN_VARIABLE
    if not _TOKEN_VARIABLE_NAME.match(name):
        msg = (
            f"{name!r} is not a valid environment variable name; give the name of the "
            "variable that holds the token, such as KOBO_TOKEN, not the token itself"
        )
        raise SourceError(msg)

    token = os.environ.get(name, "").strip()
    if not token:
        msg = (
            f"the KoboToolbox API token is missing: set the environment variable {name}. "
            "Find the token in KoboToolbox under Account settings, Security, or at "
            "https://<server>/token/?format=json"
        )
        raise SourceError(msg)
    return token


def normalise_server(server: str) -> str:
    """Return the server address as ``scheme://host[:port]`` without a trailing slash.

    Raises :class:`SourceError` for an address without a scheme, one that is
    not http or https or has no host, and one that uses plain http on a host
    other than this machine, which would send the token unencrypted. A
    scheme-less address such as ``kf.kobotoolbox.org`` is rejected rather than
    guessed, because a guess would send the token to an address the user did not type.
    Messages show the address without its user name or password.
    """
    text = server.strip()
    address_shown = redact_userinfo(text)
    # Checked first, so that no later message can show a password typed into the address.
    # requests would send user information as Basic authentication in place of the token.
    if "@" in text.partition("?")[0].partition("#")[0]:
        msg = (
            f"the KoboToolbox server address {address_shown!r} contains a user name or password; "
            "remove them and put the API token in the environment variable KOBO_TOKEN "
            "(or --token-env)"
        )
        raise SourceError(msg)
    if text and "://" not in text:
        msg = (
            f"the server address {address_shown!r} has no scheme; add https:// in front of it, "
            f"as in --server https://{address_shown}"
        )
        raise SourceError(msg)
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        msg = (
            f"{address_shown!r} is not a server address; give one such as "
            "https://kf.kobotoolbox.org or https://eu.kobotoolbox.org"
        )
        raise SourceError(msg)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        msg = (
            f"{address_shown!r} uses http://, which would send the API token unencrypted; "
            "use the https:// address of the server"
        )
        raise SourceError(msg)

    path = parts.path.rstrip("/")
    # A copied API address such as https://kf.kobotoolbox.org/api/v2 names the same server.
    for suffix in ("/api/v2", "/api"):
        path = path.removesuffix(suffix)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class KoboClient:
    """Client of one KoboToolbox server, authenticated with one API token."""

    def __init__(
        self,
        server: str,
        token: str,
        *,
        token_variable: str = DEFAULT_TOKEN_VARIABLE,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        import_timeout: float = 300.0,
    ) -> None:
        self.server = normalise_server(server)
        self._token_variable = token_variable
        self._sleep = sleep
        self._import_timeout = import_timeout
        self._http = HttpClient(
            policy=policy or DEFAULT_POLICY,
            headers={"Authorization": f"Token {token}", "Accept": "application/json"},
            sleep=sleep,
        )

    def close(self) -> None:
        """Close the connections to the server."""
        self._http.close()

    def __enter__(self) -> KoboClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- Assets ---------------------------------------------------------------

    def asset(self, uid: str) -> dict[str, Any]:
        """Return an asset (project) with its draft ``content`` and deployment fields."""
        url = self._asset_url(uid)
        return self._json_object(self._get(url, uid), url)

    def asset_version(self, uid: str, version_id: str) -> dict[str, Any]:
        """Return one version of an asset, with the ``content`` deployed in that version."""
        quoted = urllib.parse.quote(version_id, safe="")
        url = f"{self._asset_url(uid)}versions/{quoted}/"
        return self._json_object(self._get(url, uid), url)

    def rename_asset(self, uid: str, name: str) -> None:
        """Set an asset's name, as shown in the project list."""
        url = self._asset_url(uid)
        self._http.request("PATCH", url, json={"name": name}, response_hint=self._hint_for(uid))

    # --- Submissions --------------------------------------------------------------

    def submission_pages(
        self,
        uid: str,
        fields: Sequence[str] | None = None,
        page_size: int = PAGE_SIZE,
        *,
        check_count: bool = True,
    ) -> Iterator[SubmissionPage]:
        """Yield every page of an asset's submissions, in the server's order (ascending ``_id``).

        ``fields`` limits each submission to those keys (the server adds
        ``_uuid`` and ``meta/rootUuid``). Raises :class:`SourceError` when a
        page does not have the expected shape, when ``next`` goes round in a
        circle, when more submissions arrive than the server counts, and, with
        ``check_count``, when fewer arrive. A caller that passes
        ``check_count=False`` compares the rows received with the last page's
        ``count`` itself, and reports the difference.
        """
        if page_size < 1:
            msg = f"the page size must be a positive number of submissions, not {page_size}"
            raise SourceError(msg)

        params: dict[str, str] = {"format": "json", "start": "0", "limit": str(page_size)}
        if fields is not None:
            params["fields"] = json.dumps(list(fields), separators=(",", ":"))
        first_url = f"{self._asset_url(uid)}data/?{urllib.parse.urlencode(params)}"

        url: str | None = first_url
        seen: set[str] = set()
        received = 0
        count = 0
        while url is not None:
            seen.add(url)
            body = self._submission_page(url, uid)
            count = body["count"]
            results = body["results"]
            received += len(results)
            if received > count:
                raise _too_many_error(url, received, count)
            yield SubmissionPage(url=url, results=results, count=count)

            url = self._next_url(body["next"], url)
            if url is not None and url in seen:
                msg = (
                    f"{url}: the server sent the same page link twice, so reading would never "
                    "end; report this to the server's administrator"
                )
                raise SourceError(msg)

        if check_count and received != count:
            raise _count_mismatch_error(first_url, received, count, page_size)

    def _submission_page(self, url: str, uid: str) -> dict[str, Any]:
        response, data = self._http.request_body("GET", url, response_hint=self._hint_for(uid))
        body = _decode_json(data, response, url)
        if isinstance(body, list):
            msg = (
                f"{url}: the server answered with a bare list, as the removed KoboCAT v1 API "
                "did; give the address of the KoboToolbox server itself, such as "
                "https://kf.kobotoolbox.org"
            )
            raise SourceError(msg)
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("results"), list)
            or not isinstance(body.get("count"), int)
            or not isinstance(body.get("next"), str | None)
        ):
            msg = (
                f"{url}: the answer is not a page of submissions (expected 'count', 'next' and "
                "'results'); check that --server is the KoboToolbox address"
            )
            raise SourceError(msg)
        return body

    def _next_url(self, next_url: str | None, current: str) -> str | None:
        """Resolve ``next`` against the page URL and keep the token on the configured server.

        A server behind a proxy may build ``next`` with another scheme or host,
        such as http:// or an internal name. The path and query then go to the
        configured server instead.
        """
        if not next_url:
            return None
        absolute = urllib.parse.urljoin(current, next_url)
        server = urllib.parse.urlsplit(self.server)
        parts = urllib.parse.urlsplit(absolute)
        if (parts.scheme, parts.netloc) != (server.scheme, server.netloc):
            logger.warning(
                "the next-page link points to %s://%s; sending it to %s instead",
                parts.scheme,
                parts.netloc,
                self.server,
            )
            absolute = urllib.parse.urlunsplit(
                (server.scheme, server.netloc, parts.path, parts.query, "")
            )
        return absolute

    # --- Imports and deployment -------------------------------------------------

    def import_xlsform(self, data: bytes, filename: str, name: str | None = None) -> str:
        """Upload an XLSForm as a new project and return the import's uid.

        The upload is sent once: retrying it could create two projects.
        """
        url = f"{self.server}/api/v2/imports/"
        form: dict[str, str] = {"library": "false"}
        if name:
            form["name"] = name
        files = {"file": (filename, data, _XLSX_TYPE)}
        response = self._http.request(
            "POST", url, data=form, files=files, retry=False, response_hint=self._hint_for("")
        )
        body = self._json_object(response, url)
        uid = body.get("uid")
        if not isinstance(uid, str) or not uid:
            msg = f"POST {url}: the response names no import uid; check the server address"
            raise SourceError(msg)
        return uid

    def wait_for_import(self, import_uid: str) -> str:
        """Poll an import until it is complete or failed, and return the new asset's uid.

        Raises :class:`SourceError` with the server's messages when the import
        failed, and when it has not finished within the import timeout.
        """
        url = f"{self.server}/api/v2/imports/{urllib.parse.quote(import_uid, safe='')}/"
        waited = 0.0
        checks = 0
        while True:
            body = self._json_object(self._get(url, ""), url)
            status = body.get("status")
            if status == "complete":
                return _created_asset_uid(body, url)
            if status == "error":
                raise _import_error(url, body)
            if status not in ("created", "processing"):
                msg = f"GET {url}: the import has the unknown status {status!r}"
                raise SourceError(msg)

            wait = _IMPORT_POLL_WAITS[min(checks, len(_IMPORT_POLL_WAITS) - 1)]
            if waited + wait > self._import_timeout:
                msg = (
                    f"GET {url}: the import was still {status!r} after {waited:.0f} s; look for "
                    "the new project in the KoboToolbox project list, or try again later"
                )
                raise SourceError(msg)
            self._sleep(wait)
            waited += wait
            checks += 1

    def deploy(self, uid: str) -> dict[str, Any]:
        """Deploy an asset's current version and return the asset as the server then shows it."""
        url = f"{self._asset_url(uid)}deployment/"
        response = self._http.request(
            "POST", url, json={"active": True}, retry=False, response_hint=self._hint_for(uid)
        )
        body = self._json_object(response, url)
        asset = body.get("asset")
        if isinstance(asset, dict) and isinstance(asset.get("deployment__links"), dict):
            return asset
        return self.asset(uid)

    def set_active(self, uid: str, active: bool) -> None:
        """Archive (``active=False``) or reopen a deployed asset."""
        url = f"{self._asset_url(uid)}deployment/"
        self._http.request("PATCH", url, json={"active": active}, response_hint=self._hint_for(uid))

    # --- Helpers ---------------------------------------------------------------

    def _asset_url(self, uid: str) -> str:
        if not _ASSET_UID.match(uid):
            msg = (
                f"{uid!r} is not an asset uid; copy the uid from the project's address in "
                "KoboToolbox (the part after /forms/, such as aBcD1234eFgH5678)"
            )
            raise SourceError(msg)
        return f"{self.server}/api/v2/assets/{uid}/"

    def _get(self, url: str, uid: str) -> requests.Response:
        return self._http.request("GET", url, response_hint=self._hint_for(uid))

    def _json_object(self, response: requests.Response, url: str) -> dict[str, Any]:
        body = _decode_json(response.content, response, url)
        if not isinstance(body, dict):
            msg = f"{url}: expected a JSON object; check that --server is the KoboToolbox address"
            raise SourceError(msg)
        return body

    def _hint_for(self, uid: str) -> Callable[[requests.Response], str]:
        variable = self._token_variable

        def hint(response: requests.Response) -> str:
            return _status_advice(response, uid, variable)

        return hint


def _status_advice(response: requests.Response, uid: str, variable: str) -> str:
    """Return advice on what to check after a final error status from the server."""
    status = response.status_code
    asset = f"asset {uid!r}" if uid else "the project"
    if status == 400 and "not been deployed" in response.text:
        return (
            f"Deploy {asset} first: run 'ccpm kobo deploy', or open the project in "
            "KoboToolbox and click Deploy."
        )
    if status == 400:
        return (
            "The server rejected the request's parameters; check that --server is a "
            "KoboToolbox server with the API v2, and report it if it is."
        )
    if status == 401:
        return (
            f"Check the token in the environment variable {variable}: it is wrong or expired. "
            "Copy it again from Account settings, Security."
        )
    if status == 403:
        return (
            f"Ask the owner of {asset} to share it with 'View submissions' for the account "
            f"of the token in {variable}."
        )
    if status == 404:
        return (
            "This usually means a missing or wrong token, because KoboToolbox answers 404 for "
            f"projects the caller may not see, or a wrong asset uid; check {variable}, the "
            "asset uid and the server address."
        )
    if status == 405:
        return "The project is probably deployed already."
    if status >= 500:
        return (
            "The server failed while answering; try again in a few minutes, and if it "
            "fails again, report the time and address to the server's administrator."
        )
    return ""


def _decode_json(data: bytes, response: requests.Response, url: str) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        content_type = response.headers.get("Content-Type", "unknown")
        msg = (
            f"{url}: the server did not answer with JSON (content type {content_type}); check "
            "that --server is the KoboToolbox address, such as https://kf.kobotoolbox.org"
        )
        raise SourceError(msg) from None


def _created_asset_uid(body: Mapping[str, Any], url: str) -> str:
    messages = body.get("messages")
    created = messages.get("created") if isinstance(messages, dict) else None
    if isinstance(created, list) and created and isinstance(created[0], dict):
        uid = created[0].get("uid")
        if isinstance(uid, str) and uid:
            return uid
    msg = f"GET {url}: the import is complete but names no created project (messages.created)"
    raise SourceError(msg)


def _import_error(url: str, body: Mapping[str, Any]) -> SourceError:
    messages = body.get("messages")
    details: list[str] = []
    if isinstance(messages, dict):
        error_type = messages.get("error_type")
        error = messages.get("error")
        if error:
            details.append(f"{error_type}: {error}" if error_type else str(error))
        for key, value in messages.items():
            if key not in ("error", "error_type", "created", "updated") and value:
                details.append(f"{key}: {value}")
    said = "; ".join(details) if details else "no message"
    msg = (
        f"GET {url}: the server could not import the XLSForm ({said}). Check the form with "
        "'ccpm questionnaire export --format xlsform' and an XLSForm validator"
    )
    return SourceError(msg)


def _too_many_error(url: str, received: int, count: int) -> SourceError:
    msg = (
        f"{url}: received {received} submissions although the server counts {count}; the "
        "server's page links overlap, so the download stopped. Try again, and report it to "
        "the server's administrator if it persists"
    )
    return SourceError(msg)


def _count_mismatch_error(url: str, received: int, count: int, page_size: int) -> SourceError:
    msg = (
        f"{url}: received {received} of {count} submissions. The server may cap the page "
        f"size below the {page_size} asked for and build its next-page links wrongly, or "
        "submissions were added or deleted during the download; run the command again"
    )
    return SourceError(msg)
