"""A fake KoboToolbox server (kpi API v2) for tests and benchmarks, on 127.0.0.1.

It answers real HTTP through werkzeug and reproduces the behaviour that a
client has to cope with: page sizes (default 100, capped at 1000 or at
30,000 on older servers), ``count`` and ``next``, the JSON error bodies of
400, 401, 403 and 404, projects that were never deployed, imports that
complete or fail, deployment and archiving, and scripted faults (429 with
``Retry-After``, bursts of 5xx, slow answers and short pages).
"""

from __future__ import annotations

import io
import itertools
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs
from werkzeug import Request, Response
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ccpm_plugins.sources.http_client import RetryPolicy

TOKEN = "t0ken-4-tests-0123456789abcdef"
USER = "ccpm_tester"

FAST = RetryPolicy(
    connect_timeout=2,
    read_timeout=0.5,
    max_attempts=4,
    backoff_initial=0.001,
    backoff_max=0.01,
    deadline=10,
)
"""A retry policy whose waits take milliseconds, so that retry tests stay fast."""

_NOT_FOUND = {"detail": "Not found."}
_NOT_DEPLOYED = {"detail": "The specified asset has not been deployed"}
_NO_PERMISSION = {"detail": "You do not have permission to perform this action."}
_NO_CREDENTIALS = {"detail": "Authentication credentials were not provided."}
_INVALID_TOKEN = {"detail": "Invalid token."}


class _QuietHandler(WSGIRequestHandler):
    def setup(self) -> None:
        """Send small writes at once: Nagle's algorithm would hold each answer ~40 ms."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the access log, which would fill test output."""


@attrs.define
class Fault:
    """A scripted misbehaviour for requests whose path contains ``path``."""

    path: str
    times: int = 1
    method: str = "GET"
    status: int | None = None
    retry_after: str | None = None
    body: Any = None
    delay: float = 0.0
    """Seconds to wait before answering, to make the client time out."""
    drop_rows: int = 0
    """Submissions to leave out of a data page while keeping ``count``."""
    action: Callable[[], None] | None = None
    """Called before answering, for instance to add submissions between two pages."""
    stall: float = 0.0
    """Seconds to pause in the middle of a data page's body, after the headers."""


@attrs.define
class FakeAsset:
    """A project: its form content per version, deployment state and submissions."""

    uid: str
    name: str = "CCPM"
    asset_type: str = "survey"
    content: dict[str, Any] = attrs.field(factory=dict)
    """The current draft."""
    version_id: str = "vDraft0001"
    versions: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    deployed_version_id: str | None = None
    active: bool = False
    submissions: Sequence[dict[str, Any]] = attrs.field(factory=list)
    viewers: dict[str, str] = attrs.field(factory=lambda: {USER: "manage"})
    """Username to permission: ``manage``, ``view_submissions`` or ``view_asset``."""

    @property
    def deployed(self) -> bool:
        """Whether the project was ever deployed."""
        return self.deployed_version_id is not None

    def deploy_draft(self) -> None:
        """Deploy the current draft as a new deployed version."""
        self.versions[self.version_id] = self.content
        self.deployed_version_id = self.version_id
        self.active = True


@attrs.define
class FakeImport:
    """An XLSForm import: processing for some polls, then complete or failed."""

    uid: str
    polls_left: int
    asset_uid: str | None = None
    error: str | None = None


@attrs.frozen
class RecordedRequest:
    """A request as the fake received it; headers are kept to check what clients send."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class FakeKobo:
    """The fake server. Use it as a context manager, which starts and stops it."""

    def __init__(
        self,
        *,
        default_page: int = 100,
        max_page: int = 1000,
        tokens: Mapping[str, str] | None = None,
        import_polls: int = 1,
        cache_pages: bool = False,
    ) -> None:
        self.default_page = default_page
        self.max_page = max_page
        self.tokens = dict(tokens or {TOKEN: USER})
        self.import_polls = import_polls
        self.cache_pages = cache_pages
        self.assets: dict[str, FakeAsset] = {}
        self.imports: dict[str, FakeImport] = {}
        self.faults: list[Fault] = []
        self.requests: list[RecordedRequest] = []
        self.next_origin: str | None = None
        """Scheme and host to build ``next`` links with, as a misconfigured proxy would."""
        self.stuck_next = False
        """Whether ``next`` repeats the current page, as with a pagination parameter ignored."""
        self._page_cache: dict[str, bytes] = {}
        self._uids = (f"a{n:04d}FakeAsset{n:04d}" for n in itertools.count(1))
        self._lock = threading.Lock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    # --- Life cycle ------------------------------------------------------------

    def __enter__(self) -> FakeKobo:
        self._server = make_server(
            "127.0.0.1", 0, self._app, threaded=True, request_handler=_QuietHandler
        )
        # A short poll interval lets shutdown() return within milliseconds.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._server is not None
        assert self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        """The server's base address, such as ``http://127.0.0.1:51234``."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    # --- Set-up helpers -----------------------------------------------------------

    def add_asset(
        self,
        content: dict[str, Any],
        submissions: Sequence[dict[str, Any]] = (),
        *,
        deployed: bool = True,
        uid: str | None = None,
        **fields: Any,
    ) -> FakeAsset:
        """Add a project with ``content`` as its draft; deploy it unless ``deployed`` is False."""
        asset = FakeAsset(uid=uid or next(self._uids), content=content, **fields)
        asset.submissions = submissions if not isinstance(submissions, tuple) else list(submissions)
        if deployed:
            asset.deploy_draft()
        self.assets[asset.uid] = asset
        return asset

    def fail(self, path: str, status: int, times: int = 1, **fields: Any) -> None:
        """Answer the next ``times`` requests to ``path`` with ``status``."""
        self.faults.append(Fault(path=path, status=status, times=times, **fields))

    def data_requests(self) -> list[RecordedRequest]:
        """Return the requests made to data endpoints."""
        return [request for request in self.requests if request.path.endswith("/data/")]

    # --- WSGI -------------------------------------------------------------------

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        with self._lock:
            self.requests.append(
                RecordedRequest(
                    method=request.method,
                    path=request.path,
                    query={key: request.args.getlist(key) for key in request.args},
                    headers=dict(request.headers),
                )
            )
            fault = self._take_fault(request)
        try:
            response = self._respond(request, fault)
        finally:
            # Closes the temporary files of uploads.
            request.close()
        return response(environ, start_response)

    def _take_fault(self, request: Request) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.method == request.method and fault.path in request.path:
                fault.times -= 1
                return fault
        return None

    def _respond(self, request: Request, fault: Fault | None) -> Response:
        if fault is not None:
            if fault.action is not None:
                fault.action()
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status is not None:
                return _fault_response(fault)

        user = self._user(request)
        if isinstance(user, Response):
            return user
        parts = [part for part in request.path.split("/") if part]
        try:
            return self._route(request, parts, user, fault)
        except _Answer as answer:
            return answer.response

    def _user(self, request: Request) -> str | Response | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _, token = header.partition(" ")
        user = self.tokens.get(token.strip()) if scheme == "Token" else None
        if user is None:
            return _json(_INVALID_TOKEN, 401, {"WWW-Authenticate": "Token"})
        return user

    def _route(
        self, request: Request, parts: list[str], user: str | None, fault: Fault | None
    ) -> Response:
        method = request.method
        if parts[:2] != ["api", "v2"]:
            return _json(_NOT_FOUND, 404)
        if parts[2:3] == ["imports"]:
            if user is None:
                return _json(_NO_CREDENTIALS, 401, {"WWW-Authenticate": "Session"})
            if len(parts) == 3 and method == "POST":
                return self._create_import(request, user)
            if len(parts) == 4 and method == "GET":
                return self._import_status(parts[3])
            return _json(_NOT_FOUND, 404)

        if parts[2:3] != ["assets"] or len(parts) < 4:
            return _json(_NOT_FOUND, 404)
        asset = self._visible_asset(parts[3], user)
        rest = parts[4:]
        if not rest and method == "GET":
            return _json(self._asset_json(asset, request))
        if not rest and method == "PATCH":
            asset.name = str(request.get_json(force=True).get("name", asset.name))
            return _json(self._asset_json(asset, request))
        if rest[:1] == ["versions"] and len(rest) == 2 and method == "GET":
            return self._version(asset, rest[1])
        if rest == ["data"] and method == "GET":
            return self._data(request, asset, user, fault)
        if rest == ["deployment"]:
            return self._deployment(request, asset)
        return _json(_NOT_FOUND, 404)

    # --- Assets and versions ---------------------------------------------------------

    def _visible_asset(self, uid: str, user: str | None) -> FakeAsset:
        asset = self.assets.get(uid)
        # Anonymous callers and users without access get 404, which hides the project.
        if asset is None or user is None or user not in asset.viewers:
            raise _Answer(_json(_NOT_FOUND, 404))
        return asset

    def _asset_json(self, asset: FakeAsset, request: Request) -> dict[str, Any]:
        links: dict[str, str] = {}
        if asset.deployed:
            links = {
                "offline_url": f"https://ee.example.org/{asset.uid}",
                "url": f"https://ee.example.org/x/{asset.uid}",
                "iframe_url": f"https://ee.example.org/i/{asset.uid}",
                "preview_url": f"https://ee.example.org/preview/{asset.uid}",
            }
        return {
            "url": f"{request.host_url}api/v2/assets/{asset.uid}/",
            "uid": asset.uid,
            "name": asset.name,
            "asset_type": asset.asset_type,
            "owner__username": USER,
            "content": asset.content,
            "version_id": asset.version_id,
            "deployed_version_id": asset.deployed_version_id,
            "has_deployment": asset.deployed,
            "deployment__active": asset.active,
            "deployment__links": links,
            "deployment__submission_count": len(asset.submissions),
        }

    def _version(self, asset: FakeAsset, version_id: str) -> Response:
        content = asset.versions.get(version_id)
        if content is None:
            return _json(_NOT_FOUND, 404)
        return _json({"uid": version_id, "content_hash": "0" * 40, "content": content})

    # --- Submissions ------------------------------------------------------------

    def _data(
        self, request: Request, asset: FakeAsset, user: str | None, fault: Fault | None
    ) -> Response:
        if asset.viewers.get(user or "") == "view_asset":
            return _json(_NO_PERMISSION, 403)
        if not asset.deployed:
            return _json(_NOT_DEPLOYED, 400)

        start = _positive(request.args.get("start", "0"), "start", allow_zero=True)
        limit = _positive(request.args.get("limit", str(self.default_page)), "limit")
        limit = min(limit, self.max_page)
        fields = _fields(request.args.get("fields"))

        cache_key = request.full_path
        if self.cache_pages and fault is None and cache_key in self._page_cache:
            return Response(self._page_cache[cache_key], content_type="application/json")

        rows = list(asset.submissions[start : start + limit])
        if fault is not None and fault.drop_rows:
            rows = rows[: max(0, len(rows) - fault.drop_rows)]
        if fields is not None:
            rows = [_project(row, fields) for row in rows]
        count = len(asset.submissions)
        body = {
            "count": count,
            "next": self._next_link(request, asset, start + limit, limit, count),
            "previous": None,
            "results": rows,
        }
        data = json.dumps(body).encode("utf-8")
        if self.cache_pages and fault is None:
            self._page_cache[cache_key] = data
        if fault is not None and fault.stall:
            return _stalled_response(data, fault.stall)
        return Response(data, content_type="application/json")

    def _next_link(
        self, request: Request, asset: FakeAsset, start: int, limit: int, count: int
    ) -> str | None:
        if self.stuck_next:
            start -= limit
        elif start >= count:
            return None
        query: dict[str, str] = {"format": "json", "limit": str(limit), "start": str(start)}
        for kept in ("fields", "query", "sort"):
            if kept in request.args:
                query[kept] = request.args[kept]
        origin = self.next_origin or request.host_url.rstrip("/")
        return f"{origin}/api/v2/assets/{asset.uid}/data/?{urllib.parse.urlencode(query)}"

    # --- Imports and deployment --------------------------------------------------

    def _create_import(self, request: Request, user: str) -> Response:
        if request.form.get("library") != "false":
            return _json({"library": ["expected false"]}, 400)
        upload = request.files.get("file")
        if upload is None:
            return _json({"file": ["This field is required."]}, 400)
        data = upload.read()

        uid = f"iImport{len(self.imports) + 1:04d}"
        task = FakeImport(uid=uid, polls_left=self.import_polls)
        try:
            content = content_from_xlsform(data)
        except Exception as error:  # the fake reports any conversion error as kpi does
            task.error = f"{type(error).__name__}: {error}"
        else:
            name = request.form.get("name") or ""
            asset = self.add_asset(content, deployed=False, name="")
            # kpi names an imported project after the file, not after the 'name' field.
            asset.name = upload.filename.rsplit(".", 1)[0] if upload.filename else name
            asset.viewers = {user: "manage"}
            task.asset_uid = asset.uid
        self.imports[uid] = task
        url = f"{request.host_url}api/v2/imports/{uid}/"
        return _json({"uid": uid, "url": url, "status": "processing"}, 201)

    def _import_status(self, uid: str) -> Response:
        task = self.imports.get(uid)
        if task is None:
            return _json(_NOT_FOUND, 404)
        if task.polls_left > 0:
            task.polls_left -= 1
            return _json({"uid": uid, "status": "processing", "messages": {}})
        if task.error is not None:
            messages = {"error_type": "PyXFormError", "error": task.error}
            return _json({"uid": uid, "status": "error", "messages": messages})
        created = [{"uid": task.asset_uid, "kind": "asset", "owner__username": USER}]
        return _json({"uid": uid, "status": "complete", "messages": {"created": created}})

    def _deployment(self, request: Request, asset: FakeAsset) -> Response:
        body = request.get_json(force=True, silent=True) or {}
        if request.method == "POST":
            if asset.deployed:
                return _json({"detail": "Use PATCH to update an existing deployment"}, 405)
            asset.deploy_draft()
            asset.active = bool(body.get("active", False))
        elif request.method == "PATCH":
            if not asset.deployed:
                return _json(_NOT_FOUND, 404)
            if set(body) == {"active"}:
                asset.active = bool(body["active"])
            else:
                asset.deploy_draft()
        else:
            return _json(_NOT_FOUND, 404)
        answer = {
            "backend": "openrosa",
            "active": asset.active,
            "version_id": asset.deployed_version_id,
            "asset": self._asset_json(asset, request),
        }
        return _json(answer)


class _Answer(Exception):
    """Carries a finished response out of nested handlers."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status=status, content_type="application/json", headers=headers
    )


def _fault_response(fault: Fault) -> Response:
    headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
    if isinstance(fault.body, str):
        return Response(fault.body, status=fault.status, headers=headers, content_type="text/html")
    if fault.body is not None:
        return _json(fault.body, fault.status or 500, headers)
    text = {
        429: "Request was throttled.",
        502: "<html><body>502 Bad Gateway</body></html>",
        503: "Service temporarily unavailable",
        504: "<html><body>504 Gateway Time-out</body></html>",
    }.get(fault.status or 500, "Server Error (500)")
    return Response(text, status=fault.status, headers=headers, content_type="text/html")


def _stalled_response(data: bytes, seconds: float) -> Response:
    """Send the headers and half the body, pause, then send the rest."""

    def chunks() -> Iterator[bytes]:
        half = len(data) // 2
        yield data[:half]
        time.sleep(seconds)
        yield data[half:]

    headers = {"Content-Length": str(len(data))}
    return Response(chunks(), content_type="application/json", headers=headers)


def _positive(text: str, name: str, allow_zero: bool = False) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0 or (value == 0 and not allow_zero):
        suffix = "." if name == "start" else ""
        raise _Answer(_json({name: f"A positive integer is required{suffix}"}, 400))
    return value


def _fields(text: str | None) -> list[str] | None:
    if text is None:
        return None
    try:
        fields = json.loads(text)
    except ValueError:
        raise _Answer(_json({"fields": "Value must be valid JSON."}, 400)) from None
    if not isinstance(fields, list):
        raise _Answer(_json({"fields": "Value must be a JSON array."}, 400))
    return [str(field) for field in fields]


def _project(row: Mapping[str, Any], fields: list[str]) -> dict[str, Any]:
    """Keep ``fields`` of a submission as kpi does: ``_uuid`` and ``meta/rootUuid`` always."""
    wanted = [*fields, "_uuid", "meta/rootUuid"]
    projected = {key: row[key] for key in wanted if key in row}
    # kpi injects an empty validation status when the field was not asked for.
    projected.setdefault("_validation_status", {})
    return projected


# --- Forms and submissions -------------------------------------------------------------


def content_from_xlsform(data: bytes) -> dict[str, Any]:
    """Turn an XLSForm workbook into expanded asset content, as kpi stores it.

    The workbook is first converted with pyxform, so that a form pyxform
    rejects fails to import, as on a real server.
    """
    from openpyxl import load_workbook
    from pyxform.xls2xform import convert

    convert(data, file_type=".xlsx")
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    sheets = {sheet.title: _sheet_rows(sheet.values) for sheet in workbook.worksheets}
    workbook.close()

    survey_rows = sheets.get("survey", [])
    translations = _translations(survey_rows)
    survey = list(_expanded_survey(survey_rows, translations))
    choices = [
        {
            "list_name": row["list_name"],
            "name": row["name"],
            "$autovalue": row["name"],
            "$kuid": f"c{index:08d}",
            "label": [row.get(f"label::{name}") for name in translations],
        }
        for index, row in enumerate(sheets.get("choices", []))
    ]
    settings_rows = sheets.get("settings", [])
    return {
        "schema": "1",
        "survey": survey,
        "choices": choices,
        "settings": settings_rows[0] if settings_rows else {},
        "translations": translations,
        "translated": ["hint", "label", "constraint_message"],
    }


def _sheet_rows(values: Iterator[tuple[Any, ...]]) -> list[dict[str, Any]]:
    rows = list(values)
    if not rows:
        return []
    header = [str(cell) if cell is not None else "" for cell in rows[0]]
    return [
        {key: cell for key, cell in zip(header, row, strict=False) if key and cell is not None}
        for row in rows[1:]
    ]


def _translations(rows: list[dict[str, Any]]) -> list[str | None]:
    names: list[str | None] = []
    for row in rows:
        for key in row:
            if key.startswith("label::") and key[7:] not in names:
                names.append(key[7:])
    return names or [None]


def _expanded_survey(
    rows: list[dict[str, Any]], translations: list[str | None]
) -> Iterator[dict[str, Any]]:
    stack: list[tuple[str, str]] = []
    for index, row in enumerate(rows):
        kuid = f"k{index:08d}"
        kind, _, list_name = str(row["type"]).partition(" ")
        if kind.startswith("end_"):
            _, begin_kuid = stack.pop()
            yield {"type": kind, "$kuid": f"/{begin_kuid}"}
            continue
        name = row.get("name", "")
        path = "/".join([*(group for group, _ in stack), name])
        expanded: dict[str, Any] = {
            "type": kind,
            "name": name,
            "$autoname": name,
            "$kuid": kuid,
            "$xpath": path,
        }
        if list_name:
            expanded["select_from_list_name"] = list_name
        for column in ("label", "hint", "constraint_message"):
            if any(f"{column}::{t}" in row for t in translations if t):
                expanded[column] = [row.get(f"{column}::{t}") for t in translations]
        for column in ("relevant", "constraint", "appearance"):
            if column in row:
                expanded[column] = row[column]
        if "required" in row:
            expanded["required"] = str(row["required"]).lower() in ("yes", "true")
        if kind.startswith("begin_"):
            stack.append((name, kuid))
        yield expanded


def field_paths(content: Mapping[str, Any]) -> dict[str, str]:
    """Return each named survey row's full path, by its name."""
    return {
        row["name"]: row["$xpath"]
        for row in content["survey"]
        if row.get("name") and "$xpath" in row and not row["type"].startswith("begin_")
    }


def submission(
    answers: Mapping[str, str],
    submission_id: int,
    *,
    version: str = "vDraft0001",
    root_uuid: str | None = None,
    submission_time: str = "2026-05-04T08:30:00",
    validation: str | None = None,
    submitted_by: str | None = "enumerator_7",
) -> dict[str, Any]:
    """Build a submission as kpi returns it: metadata around ``answers`` (keyed by full path)."""
    instance = f"uuid:{submission_id:08d}-7c1e-4a52-9f0e-{submission_id:012d}"
    record: dict[str, Any] = {
        "_id": submission_id,
        "formhub/uuid": "4b8a1c2d9e0f4a5b8c7d6e5f4a3b2c1d",
        "start": "2026-05-04T10:10:12.120+02:00",
        "end": "2026-05-04T10:29:40.901+02:00",
        "__version__": version,
        "meta/instanceID": instance,
        "meta/rootUuid": root_uuid or instance,
        "_xform_id_string": "aFakeForm",
        "_uuid": instance.removeprefix("uuid:"),
        "_attachments": [],
        "_status": "submitted_via_web",
        "_geolocation": [None, None],
        "_submission_time": submission_time,
        "_tags": [],
        "_notes": [],
        "_submitted_by": submitted_by,
        "_validation_status": {},
    }
    if validation is not None:
        record["_validation_status"] = {
            "timestamp": 1777777777,
            "uid": validation,
            "by_whom": "supervisor_2",
            "label": validation.removeprefix("validation_status_").replace("_", " ").title(),
        }
    record.update(answers)
    return record


class GeneratedSubmissions(Sequence[dict[str, Any]]):
    """Submissions of a questionnaire's form made up on demand, the same for the same seed.

    Slicing builds only the submissions asked for, so that a fake project can
    hold 100,000 of them without keeping them in memory.
    """

    def __init__(self, questionnaire: Any, content: Mapping[str, Any], count: int, seed: int = 1):
        self._count = count
        self._seed = seed
        paths = field_paths(content)
        self._instrument = paths["instrument"]
        self._hub = paths["hub"]
        self._organisation_type = paths["organisation_type"]
        type_scale = questionnaire.scale_of(questionnaire.question("organisation_type"))
        self._types = [option.code for option in type_scale.options]
        self._questions: dict[str, list[tuple[str, list[str] | None, str]]] = {}
        for instrument in ("partner", "coordinator"):
            self._questions[instrument] = [
                (
                    paths[question.code],
                    None
                    if question.scale is None
                    else [o.code for o in questionnaire.scale_of(question).options],
                    question.kind.value if question.count is None else question.type.value,
                )
                for question in questionnaire.questions
                if question.instrument is not None
                and question.instrument.value == instrument
                and question.code in paths
            ]

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._make(i) for i in range(*index.indices(self._count))]
        if not -self._count <= index < self._count:
            raise IndexError(index)
        return self._make(index % self._count)

    def _make(self, index: int) -> dict[str, Any]:
        import random

        rng = random.Random(self._seed * 1_000_003 + index)
        # About one coordinator per forty responses, as in a cluster with forty partners.
        instrument = "coordinator" if index % 40 == 0 else "partner"
        answers: dict[str, str] = {
            self._instrument: instrument,
            self._organisation_type: rng.choice(self._types),
        }
        hub = ("", "North-East hub", "Coastal hub")[index % 3]
        if hub:
            answers[self._hub] = hub
        for path, codes, kind in self._questions[instrument]:
            if codes is not None:
                if rng.random() < 0.93:
                    answers[path] = rng.choice(codes)
            elif kind == "comment":
                if rng.random() < 0.3:
                    answers[path] = f"Comment {index}: meetings help, reports come late."
            elif kind == "integer":
                answers[path] = str(rng.randint(0, 40))
            else:
                answers[path] = f"{rng.randint(0, 20)}.5"
        minute = index % 60
        return submission(
            answers,
            index + 1,
            submission_time=f"2026-05-{1 + index % 28:02d}T10:{minute:02d}:00",
            validation="validation_status_approved" if index % 7 else None,
        )
