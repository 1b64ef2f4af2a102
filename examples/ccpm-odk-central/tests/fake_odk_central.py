"""A fake ODK Central server for the tests, serving real HTTP on 127.0.0.1.

It serves the few endpoints the source uses: ``POST /v1/sessions``, a
project, a form and the form's OData ``Submissions`` feed with ``$top``,
``$skip``, ``$count`` and ``@odata.nextLink``. Errors have the JSON bodies
of ODK Central (``{"code": 404.1, "message": ...}``). Every request is
recorded, so that tests can check what the client sent.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
from ccpm_plugins.sources.http_client import RetryPolicy

EMAIL = "coordinator@example.org"
PASSWORD = "correct horse battery staple"
SESSION_TOKEN = "session-token-0123456789abcdef"
API_TOKEN = "long-lived-token-fedcba9876543210"

FAST = RetryPolicy(
    connect_timeout=2,
    read_timeout=5,
    max_attempts=2,
    backoff_initial=0.001,
    backoff_max=0.01,
    deadline=10,
)
"""A retry policy whose waits take milliseconds."""

_NOT_FOUND = {"code": 404.1, "message": "Could not find the resource you were looking for."}
_BAD_CREDENTIALS = {
    "code": 401.2,
    "message": "Could not authenticate with the provided credentials.",
}


@attrs.define
class RecordedRequest:
    """A request as the fake server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@attrs.define
class FakeForm:
    """A form and its submissions, as ODK Central stores them."""

    project_id: int
    form_id: str
    submissions: list[dict[str, Any]] = attrs.field(factory=list)
    project_name: str = "CCPM 2026"


class FakeOdkCentral:
    """The fake server. Use it as a context manager; ``url`` is its address."""

    def __init__(self, *, page_cap: int | None = None) -> None:
        self.forms: dict[tuple[int, str], FakeForm] = {}
        self.requests: list[RecordedRequest] = []
        self.page_cap = page_cap
        """Maximum page size served, whatever ``$top`` requests, to force paging."""
        self.next_link_base: str | None = None
        """Address put in front of next links in place of the server's own."""
        self.count_offset = 0
        """Added to ``@odata.count``, to fake submissions arriving during a read."""
        self.endless_empty_pages = False
        """Serve empty pages, each linking a new next page, as a broken server might."""
        self.overlap = 0
        """Submissions each next link goes back by, so that pages resend some."""
        self.later_page_cap: int | None = None
        """Maximum page size after the first page, to fake a server that slows to a trickle."""
        self.echo_password = False
        """Repeat the password sent, and a bell character, in the sign-in error message."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # A short poll interval lets shutdown() return at once instead of after 0.5 s.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def add_form(self, project_id: int, form_id: str, submissions: list[dict[str, Any]]) -> None:
        """Add a form with its submissions, in the order the feed lists them."""
        self.forms[(project_id, form_id)] = FakeForm(project_id, form_id, submissions)

    def requests_to(self, path_end: str) -> list[RecordedRequest]:
        """Return the recorded requests whose path ends with ``path_end``."""
        return [request for request in self.requests if request.path.endswith(path_end)]

    def __enter__(self) -> FakeOdkCentral:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # --- Responses -----------------------------------------------------------------

    def answer(self, request: RecordedRequest, host: str) -> tuple[int, dict[str, Any]]:
        """Return the status and JSON body for a request that arrived at ``host``."""
        self.requests.append(request)
        if request.method == "POST" and request.path == "/v1/sessions":
            return self._sign_in(request)
        if request.method != "GET":
            return 405, {"code": 405.1, "message": "Method not allowed."}
        if request.headers.get("authorization") not in (
            f"Bearer {SESSION_TOKEN}",
            f"Bearer {API_TOKEN}",
        ):
            return 401, _BAD_CREDENTIALS
        return self._feed(request, host) or self._resource(request)

    def _sign_in(self, request: RecordedRequest) -> tuple[int, dict[str, Any]]:
        try:
            body = json.loads(request.body)
        except ValueError:
            return 400, {"code": 400.1, "message": "Could not parse the given data."}
        if body.get("email") != EMAIL or body.get("password") != PASSWORD:
            if self.echo_password:
                message = f"Could not authenticate \u0007with password {body.get('password')}"
                return 401, {**_BAD_CREDENTIALS, "message": message}
            return 401, _BAD_CREDENTIALS
        return 200, {
            "token": SESSION_TOKEN,
            "csrf": "csrf-token",
            "expiresAt": "2026-12-05T22:00:00.000Z",
            "createdAt": "2026-12-04T22:00:00.000Z",
        }

    def _resource(self, request: RecordedRequest) -> tuple[int, dict[str, Any]]:
        parts = request.path.strip("/").split("/")
        if len(parts) < 3 or parts[:2] != ["v1", "projects"] or not parts[2].isdecimal():
            return 404, _NOT_FOUND
        project_id = int(parts[2])
        projects = {form.project_id: form.project_name for form in self.forms.values()}
        if project_id not in projects:
            return 404, _NOT_FOUND
        if len(parts) == 3:
            return 200, {"id": project_id, "name": projects[project_id]}
        if len(parts) != 5 or parts[3] != "forms":
            return 404, _NOT_FOUND

        form = self.forms.get((project_id, urllib.parse.unquote(parts[4])))
        if form is not None:
            return 200, {"projectId": project_id, "xmlFormId": form.form_id, "name": "CCPM"}
        return 404, _NOT_FOUND

    def _feed(self, request: RecordedRequest, host: str) -> tuple[int, dict[str, Any]] | None:
        """Return the response to a request for a form's feed, or None for another path."""
        parts = request.path.strip("/").split("/")
        if len(parts) != 6 or parts[5] != "Submissions" or not parts[4].endswith(".svc"):
            return None
        form = self.forms.get((int(parts[2]), urllib.parse.unquote(parts[4]).removesuffix(".svc")))
        if form is None or parts[:2] != ["v1", "projects"]:
            return 404, _NOT_FOUND

        top = int(request.query.get("$top", ["250"])[0])
        skip = int(request.query.get("$skip", ["0"])[0])
        size = min(top, self.page_cap) if self.page_cap else top
        if skip > 0 and self.later_page_cap is not None:
            size = min(size, self.later_page_cap)
        page = form.submissions[skip : skip + size]
        service = request.path.rsplit("/", 1)[0]
        body: dict[str, Any] = {
            "@odata.context": f"http://{host}{service}/$metadata#Submissions",
            "value": page,
        }
        if request.query.get("$count") == ["true"]:
            body["@odata.count"] = len(form.submissions) + self.count_offset
        base = self.next_link_base or f"http://{host}"
        if self.endless_empty_pages:
            body["value"] = []
            number = int(request.query.get("n", ["0"])[0]) + 1
            query = urllib.parse.urlencode(
                {"$top": top, "$skip": skip, "$count": "true", "n": number}
            )
            body["@odata.nextLink"] = f"{base}{request.path}?{query}"
        elif skip + size < len(form.submissions):
            next_skip = max(skip + size - self.overlap, skip + 1)
            query = urllib.parse.urlencode({"$top": top, "$skip": next_skip, "$count": "true"})
            body["@odata.nextLink"] = f"{base}{request.path}?{query}"
        return 200, body


def _handler_for(server: FakeOdkCentral) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def _answer(self) -> None:
            split = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = RecordedRequest(
                method=self.command,
                path=split.path,
                query=urllib.parse.parse_qs(split.query),
                headers={key.lower(): value for key, value in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            status, body = server.answer(request, self.headers.get("Host", ""))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Skip the access log, which would fill test output."""

    return Handler


def submission(
    answers: dict[str, Any], number: int, review_state: str | None = None
) -> dict[str, Any]:
    """Wrap answers in the system fields that ODK Central adds to a submission."""
    instance = f"uuid:00000000-0000-4000-8000-{number:012d}"
    return {
        "__id": instance,
        "__system": {
            "submissionDate": "2026-11-20T10:00:00.000Z",
            "updatedAt": None,
            "submitterId": "7",
            "submitterName": "Field Officer",
            "attachmentsPresent": 0,
            "attachmentsExpected": 0,
            "status": None,
            "reviewState": review_state,
            "deviceId": "collect:abc123",
            "edits": 0,
            "formVersion": "2026.1",
        },
        "meta": {"instanceID": instance},
        **answers,
    }


def submissions_of(rows: Iterator[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number answers from ``rows`` as submissions, from 1."""
    return [submission(answers, number) for number, answers in enumerate(rows, start=1)]
