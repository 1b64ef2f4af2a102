"""Calls to the ODK Central API (version 1), through ccpm's :class:`HttpClient`.

The client signs in with ``POST /v1/sessions`` when it has an e-mail address
and password, and sends the session token, or the token it was given, as
``Authorization: Bearer``. Submissions come from the form's OData service,
``/v1/projects/{projectId}/forms/{xmlFormId}.svc/Submissions``, in pages of
``$top`` submissions from ``$skip``. With ``$count=true`` each page carries
the total in ``@odata.count``, and every page but the last links the next
one in ``@odata.nextLink``. Reading stops with an error when the pages could
go on without end: a next link to a page already read, an empty page that
links another, more submissions than the count, or more pages than the count
needs.

Credentials travel only in the request body of the sign-in and in headers,
never in a URL, a message or a log. Text from the server reaches a message
only through :meth:`HttpClient.clean`, which removes the password and tokens.
"""

from __future__ import annotations

import logging
import math
import urllib.parse
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import attrs
from ccpm_core.errors import SourceError
from ccpm_plugins.sources.http_client import HttpClient, RetryPolicy, display_url

from ccpm_odk_central.settings import Credentials, FormAddress

if TYPE_CHECKING:
    import requests

__all__ = ["PAGE_SIZE", "OdkCentralClient", "PagingCheck", "SubmissionPage"]

logger = logging.getLogger(__name__)

PAGE_SIZE = 1000
"""Submissions requested per page (``$top``).

A page of 1000 submissions of the standard questionnaire is a few megabytes
of JSON (an estimate). The client follows ``@odata.nextLink`` and never
relies on a page being full, so a server that serves fewer still works.
"""


@attrs.frozen
class SubmissionPage:
    """One page of the OData feed: its submissions, the total and the next page's address."""

    url: str
    submissions: list[dict[str, Any]]
    count: int
    next_url: str | None


class OdkCentralClient:
    """Client of one ODK Central server, signed in as one user."""

    def __init__(
        self,
        server: str,
        credentials: Credentials,
        *,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.server = server
        self._credentials = credentials
        self._http = HttpClient(
            policy=policy,
            headers={"Accept": "application/json"},
            secrets=[secret for secret in (credentials.password, credentials.token) if secret],
        )
        self._token: str | None = credentials.token

    def close(self) -> None:
        """Close the connections to the server."""
        self._http.close()

    def __enter__(self) -> OdkCentralClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def sign_in(self) -> None:
        """Open a session with the e-mail address and password, unless a token was given.

        Raises :class:`SourceError` naming the environment variables when the
        server rejects them.
        """
        if self._token is not None:
            return

        credentials = self._credentials
        url = f"{self.server}/v1/sessions"
        rejected = (
            f"ODK Central rejected the e-mail address in {credentials.email_variable} and the "
            f"password in {credentials.password_variable}; check both, and that the account "
            "is a Web User of this server"
        )
        response = self._http.request(
            "POST",
            url,
            json={"email": credentials.email, "password": credentials.password},
            hint=lambda status: rejected if status in (400, 401, 403) else "",
        )
        token = _json_object(response, url).get("token")
        if not isinstance(token, str) or not token:
            msg = f"POST {url} returned no session token; check that --server is ODK Central"
            raise SourceError(msg)
        self._http.add_secret(token)
        # NOTE: the session is not closed at the end, so it stays valid until it expires
        # on the server.
        self._token = token
        logger.info("Signed in to %s", self.server)

    def project(self, address: FormAddress) -> dict[str, Any]:
        """Return the project's details; raise SourceError when it does not exist or is hidden."""
        url = f"{address.server}/v1/projects/{address.project_id}"
        not_found = (
            f"ODK Central has no project {address.project_id} that this account can see; "
            "check --project-id, the number in the project's address (/#/projects/NUMBER)"
        )
        return _json_object(self._get(url, not_found), url)

    def form(self, address: FormAddress) -> dict[str, Any]:
        """Return the form's details; raise SourceError when the project has no such form."""
        not_found = (
            f"project {address.project_id} has no form with the Form ID {address.form_id!r}; "
            "check --form-id: it is the Form ID of the form's settings (its xmlFormId), "
            "not its title"
        )
        return _json_object(self._get(address.form_url, not_found), address.form_url)

    def submission_pages(
        self, address: FormAddress, page_size: int = PAGE_SIZE
    ) -> Iterator[SubmissionPage]:
        """Yield every page of the form's submissions, following ``@odata.nextLink``.

        Raises :class:`SourceError` when a page does not have the OData shape, and
        when a next link leaves the form's feed, because the token would go with
        it. Raises it too when the pages could go on without end: see
        :class:`PagingCheck`.
        """
        if page_size < 1:
            msg = f"the page size must be a positive number of submissions, not {page_size}"
            raise SourceError(msg)

        feed = f"{address.form_url}.svc/Submissions"
        query = urllib.parse.urlencode({"$top": page_size, "$skip": 0, "$count": "true"})
        url: str | None = f"{feed}?{query}"
        seen: set[str] = set()
        not_found = (
            f"the OData feed of form {address.form_id!r} in project {address.project_id} "
            "was not found; check --project-id and --form-id"
        )

        check = PagingCheck(self.server, page_size)

        while url is not None:
            seen.add(url)
            page = _parse_page(self._get(url, not_found), url, self._http.clean)
            logger.debug("Read %d submissions from %s", len(page.submissions), display_url(url))
            check.add(page)
            yield page
            url = page.next_url
            if url is not None:
                url = _checked_next_link(url, feed, seen, self._http.clean)

    def _get(self, url: str, not_found: str) -> requests.Response:
        credentials = self._credentials
        if credentials.token is not None:
            unauthorised = (
                f"ODK Central rejected the token in {credentials.token_variable}; it may have "
                "expired: set a new one, or unset it and sign in with "
                f"{credentials.email_variable} and {credentials.password_variable}"
            )
        else:
            unauthorised = "ODK Central ended the session; run the command again"
        forbidden = (
            "this account may not read the form's submissions; ask a project manager of "
            "ODK Central to give it a role such as Project Viewer"
        )

        def hint(status: int) -> str:
            return {401: unauthorised, 403: forbidden, 404: not_found}.get(status, "")

        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        return self._http.request("GET", url, headers=headers, hint=hint)


@attrs.define
class PagingCheck:
    """Guard that stops a read whose pages could go on without end, naming the server.

    A read fails on an empty page that still links a next page, when the
    submissions received exceed the latest ``@odata.count``, and when the
    pages outnumber what the count needs. The page size the server serves is
    the size of its first page that links another, or ``page_size``. The
    pages needed are the count divided by that size, plus a margin of 2 pages
    and 10 % for submissions that arrive during the read.
    """

    server: str
    page_size: int
    pages: int = 0
    received: int = 0
    served_page_size: int | None = None

    def add(self, page: SubmissionPage) -> None:
        """Count a page; raise SourceError when the read should stop."""
        self.pages += 1
        self.received += len(page.submissions)
        if page.next_url is not None and self.served_page_size is None and page.submissions:
            self.served_page_size = len(page.submissions)

        if page.next_url is not None and not page.submissions:
            problem = (
                f"sent an empty page of submissions that still links a next page "
                f"(page {self.pages}, after {self.received} submissions)"
            )
            raise SourceError(self._message(problem))
        if self.received > page.count:
            problem = (
                f"sent {self.received} submissions by page {self.pages} but counts only "
                f"{page.count}: its pages overlap and resent submissions, or submissions were "
                "deleted while they were read"
            )
            raise SourceError(self._message(problem))
        limit = self.page_limit(page.count)
        if self.pages > limit:
            problem = (
                f"sent more than {limit} pages for {page.count} submissions, the most that "
                f"pages of {self.served_page_size or self.page_size} submissions need with a margin"
            )
            raise SourceError(self._message(problem))

    def page_limit(self, count: int) -> int:
        """Return the maximum number of pages that ``count`` submissions may come in."""
        size = min(self.served_page_size or self.page_size, self.page_size)
        needed = max(math.ceil(count / size), 1)
        return needed + 2 + needed // 10

    def _message(self, problem: str) -> str:
        return (
            f"the ODK Central server {self.server} {problem}, so reading stopped. Run the "
            "command again; if it fails again, ask the server's administrator to check "
            "ODK Central"
        )


def _parse_page(
    response: requests.Response, url: str, clean: Callable[[str], str]
) -> SubmissionPage:
    body = _json_object(response, url)
    submissions = body.get("value")
    count = body.get("@odata.count")
    next_url = body.get("@odata.nextLink")

    if not isinstance(submissions, list) or not all(isinstance(s, dict) for s in submissions):
        msg = f"GET {url} returned no list of submissions in 'value'; check --server"
        raise SourceError(msg)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        msg = f"GET {url} returned no '@odata.count'; the server may not be ODK Central"
        raise SourceError(msg)
    if next_url is not None and not isinstance(next_url, str):
        msg = (
            f"GET {display_url(url)} returned an '@odata.nextLink' that is not an address: "
            f"{clean(repr(next_url))}"
        )
        raise SourceError(msg)
    return SubmissionPage(url, submissions, count, next_url or None)


def _checked_next_link(link: str, feed: str, seen: set[str], clean: Callable[[str], str]) -> str:
    """Resolve a next link and check that it stays on the form's feed and is new."""
    url = urllib.parse.urljoin(feed, link)
    target = urllib.parse.urlsplit(url)
    expected = urllib.parse.urlsplit(feed)
    same_feed = (target.scheme, target.netloc, target.path) == (
        expected.scheme,
        expected.netloc,
        expected.path,
    )
    if not same_feed:
        # Following it would send the token to another address.
        msg = (
            f"the server's '@odata.nextLink' {clean(repr(link))} leaves the form's feed {feed}; "
            "the pages were not read further. Check that the server's configured public "
            "address matches --server"
        )
        raise SourceError(msg)
    if url in seen:
        msg = (
            "the server's '@odata.nextLink' goes back to a page already read: "
            f"{clean(display_url(url))}"
        )
        raise SourceError(msg)
    return url


def _json_object(response: requests.Response, url: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        msg = (
            f"{response.request.method} {url} did not return a JSON object; check that "
            "--server is the address of ODK Central"
        )
        raise SourceError(msg)
    return body
