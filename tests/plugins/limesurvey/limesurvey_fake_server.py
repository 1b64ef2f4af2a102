"""A fake LimeSurvey RemoteControl 2 server for tests, served over HTTP on 127.0.0.1.

It keeps surveys in memory and answers JSON-RPC as LimeSurvey does, quirks
included: application errors as ``{"status": ...}`` results, an empty body
for a request without the exact content type or with an empty id, a PHP
error page for named parameters, one all-empty record for an export filter
that matches nothing, and digit-only answer codes that PHP turns into a JSON
list. Switches on :class:`FakeLimeSurvey` reproduce older and newer versions
and broken servers.

Surveys are created by ``import_survey`` from an ``.lss`` document, which the
fake parses and checks against LimeSurvey's code rules, or by
:meth:`FakeLimeSurvey.add_survey` for a survey built by hand.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import re
import secrets
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from typing import Any

import attrs
from werkzeug import Request, Response
from werkzeug.serving import WSGIRequestHandler, make_server

from ccpm_plugins.sources.http_client import RetryPolicy

PASSWORD = "correct horse battery staple"
"""Password of the fake server's ``admin`` user in the tests."""

FAST = RetryPolicy(
    connect_timeout=2, read_timeout=10, max_attempts=3, backoff_initial=0.001, deadline=20
)
"""Timeouts for tests: retries wait a millisecond instead of a second."""

QUESTION_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,19}")
SUBQUESTION_CODE = re.compile(r"[A-Za-z0-9]{1,20}")
ANSWER_CODE = re.compile(r"[A-Za-z0-9]{1,5}")
METADATA = ("id", "submitdate", "lastpage", "startlanguage", "seed")


class _KeepAliveHandler(WSGIRequestHandler):
    """Keeps connections open between requests, as web servers in front of LimeSurvey do."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log nothing; test output stays readable."""


@attrs.define
class FakeQuestion:
    """A question or subquestion of a fake survey."""

    qid: int
    gid: int
    title: str
    type: str
    parent_qid: int = 0
    other: str = "N"
    texts: dict[str, str] = attrs.field(factory=dict)
    relevance: str = "1"
    mandatory: str = "N"
    answers: list[tuple[str, dict[str, str]]] = attrs.field(factory=list)
    """Answer code and text per language, in sort order."""


@attrs.define
class FakeSurvey:
    """A survey in memory: its questions in display order and its responses."""

    sid: int
    languages: list[str]
    questions: list[FakeQuestion] = attrs.field(factory=list)
    groups: list[tuple[int, str]] = attrs.field(factory=list)
    """Group id and relevance equation, in group order."""
    active: bool = False
    expires: str | None = None
    responses: list[dict[str, str | None]] = attrs.field(factory=list)

    def top_level(self) -> list[FakeQuestion]:
        return [question for question in self.questions if question.parent_qid == 0]

    def rows_of(self, question: FakeQuestion) -> list[FakeQuestion]:
        return [row for row in self.questions if row.parent_qid == question.qid]

    def headings(self) -> list[str]:
        """Return the code headings of an export: metadata, then one per answer field."""
        headings = list(METADATA)
        for question in self.top_level():
            rows = self.rows_of(question)
            if rows:
                headings.extend(f"{question.title}[{row.title}]" for row in rows)
                continue
            headings.append(question.title)
            if question.other == "Y":
                headings.append(f"{question.title}[other]")
            if question.type == "O":
                headings.append(f"{question.title}[comment]")
        return headings

    def add_response(
        self,
        answers: dict[str, str],
        *,
        complete: bool = True,
        response_id: int | None = None,
        lastpage: str = "3",
    ) -> int:
        """Store a response given by code heading; unknown headings raise KeyError."""
        headings = self.headings()
        unknown = set(answers) - set(headings)
        if unknown:
            msg = f"no such headings in survey {self.sid}: {sorted(unknown)}"
            raise KeyError(msg)
        if response_id is None:
            response_id = max((int(r["id"] or 0) for r in self.responses), default=0) + 1
        record: dict[str, str | None] = dict.fromkeys(headings)
        record.update(
            {
                "id": str(response_id),
                "submitdate": "1980-01-01 00:00:00" if complete else None,
                "lastpage": lastpage,
                "startlanguage": self.languages[0],
                "seed": "12345",
            }
        )
        record.update(answers)
        self.responses.append(record)
        self.responses.sort(key=lambda r: int(r["id"] or 0))
        return response_id


@attrs.define
class RecordedCall:
    """One request that reached the fake, as sent."""

    method: str
    params: Any
    request_id: Any
    content_type: str


class FakeLimeSurvey:
    """The server state and the switches that make it behave like one LimeSurvey or another."""

    def __init__(self, users: dict[str, str] | None = None) -> None:
        self.users = users or {"admin": "correct horse battery staple"}
        self.surveys: dict[int, FakeSurvey] = {}
        self.calls: list[RecordedCall] = []
        self.session_keys: set[str] = set()
        self.released_keys: list[str] = []
        self._survey_ids = itertools.count(123456)
        self._question_ids = itertools.count(1000)

        # Switches, off by default.
        self.reply_content_type = "application/json"
        self.keyed_json = False
        """Export JSON in the older layout: one object per response, keyed by its id."""
        self.status_text: Callable[[str], str] = lambda text: text
        """Rewrites every failure status, to try other cases and punctuation."""
        self.invalid_key_text = "Invalid session key"
        self.keys_to_reject = 0
        """Reject this many of the next keyed calls, as if their session keys had expired."""
        self.legacy_no_data = False
        """Report both "No Data" cases as LimeSurvey 2.05 does: ``No Data``."""
        self.error_codes = False
        """Add LimeSurvey 7's ``error_code`` to failures."""
        self.empty_body = False
        self.html_page = False
        self.html_error = False
        self.wrong_reply_id = False
        self.import_failure: str | None = None
        """Status text that ``import_survey`` fails with, such as ``No permission``."""
        self.activation_failure: str | None = None
        """Status text that ``activate_survey`` fails with, such as a consistency error."""
        self.rpc_error: str | None = None
        """Answer every call with this JSON-RPC error string."""
        self.transient_failures: dict[str, int] = {}
        """Method name to the number of HTTP 503 replies to give before answering."""
        self.before_export: Callable[[FakeSurvey, list[Any]], None] | None = None
        """Called before each export with the survey and the call's parameters."""
        self.export_result: Callable[[list[Any]], Any] | None = None
        """Called with the parameters of each export of an active survey; its return value
        is the result, in place of the export, to serve malformed exports."""

    # --- building ---

    def add_survey(self, survey: FakeSurvey) -> FakeSurvey:
        self.surveys[survey.sid] = survey
        return survey

    def new_question_id(self) -> int:
        return next(self._question_ids)

    # --- HTTP ---

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        """Serve on a free port of 127.0.0.1; yield the RemoteControl URL."""
        server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_KeepAliveHandler
        )
        thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/index.php/admin/remotecontrol"
        finally:
            server.shutdown()
            thread.join()
            server.server_close()

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._respond(request)
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        if request.method != "POST":
            return Response("", status=200)
        content_type = request.headers.get("Content-Type", "")
        try:
            payload = json.loads(request.get_data(as_text=True))
        except json.JSONDecodeError:
            return self._reply(
                {"id": None, "result": None, "error": "unable to decode malformed json"}
            )

        method = payload.get("method", "")
        params = payload.get("params")
        request_id = payload.get("id")
        self.calls.append(RecordedCall(method, params, request_id, content_type))

        # LimeSurvey 2.05 needs exactly this content type; every version ignores empty ids.
        if content_type != "application/json" or request_id in (None, 0, "", "0"):
            return Response("", status=200, content_type="text/html")
        if self.empty_body:
            return Response("", status=200, content_type="text/html")
        if self.html_page:
            return Response(
                "<!DOCTYPE html><html><body>Log in</body></html>", 200, content_type="text/html"
            )
        if self.html_error:
            return Response(
                "<!DOCTYPE html><html><body>PHP Fatal error</body></html>",
                500,
                content_type="text/html",
            )
        if self.transient_failures.get(method, 0) > 0:
            self.transient_failures[method] -= 1
            return Response("busy", status=503)
        if not isinstance(params, list):
            # PHP 8 reads a JSON object as named arguments and fails on unknown names.
            return Response(
                "<!DOCTYPE html><html><body>Unknown named parameter</body></html>",
                500,
                content_type="text/html",
            )

        if self.rpc_error is not None:
            return self._reply({"id": request_id, "result": None, "error": self.rpc_error})
        try:
            result = self._dispatch(method, params)
        except (TypeError, ValueError):
            # LimeSurvey answers a PHP error, such as a missing argument, with an error page.
            return Response(
                "<!DOCTYPE html><html><body>ArgumentCountError</body></html>",
                500,
                content_type="text/html",
            )
        reply_id = request_id + 1000 if self.wrong_reply_id else request_id
        return self._reply({"id": reply_id, "result": result, "error": None})

    def _reply(self, body: dict[str, Any]) -> Response:
        return Response(json.dumps(body), status=200, content_type=self.reply_content_type)

    # --- methods ---

    def _status(self, text: str, error_code: str | None = None) -> dict[str, str]:
        reply = {"status": self.status_text(text)}
        if self.error_codes and error_code is not None:
            reply["error_code"] = error_code
        return reply

    def _dispatch(self, method: str, params: list[Any]) -> Any:
        if method == "get_session_key":
            return self._get_session_key(*params[:2])
        if method == "release_session_key":
            self.session_keys.discard(params[0])
            self.released_keys.append(params[0])
            return "OK"

        handler = getattr(self, f"_rpc_{method}", None)
        if handler is None:
            return None
        key = params[0] if params else None
        if key not in self.session_keys or self.keys_to_reject > 0:
            self.keys_to_reject = max(0, self.keys_to_reject - 1)
            self.session_keys.discard(key)
            return self._status(self.invalid_key_text)
        return handler(*params[1:])

    def _get_session_key(self, username: str, password: str) -> Any:
        if self.users.get(username) != password:
            return self._status("Invalid user name or password")
        key = secrets.token_hex(16)
        self.session_keys.add(key)
        return key

    def _survey(self, survey_id: Any) -> FakeSurvey | None:
        try:
            return self.surveys.get(int(survey_id))
        except (TypeError, ValueError):
            return None

    def _rpc_get_survey_properties(self, survey_id: Any, settings: list[str] | None = None) -> Any:
        survey = self._survey(survey_id)
        if survey is None:
            return self._status("Error: Invalid survey ID", "ERR_INVALID_SURVEY")
        values = {
            "active": "Y" if survey.active else "N",
            "expires": survey.expires,
            "sid": survey.sid,
        }
        return {name: values.get(name) for name in settings or values}

    def _rpc_set_survey_properties(self, survey_id: Any, properties: Any) -> Any:
        survey = self._survey(survey_id)
        if survey is None:
            return self._status("Error: Invalid survey ID", "ERR_INVALID_SURVEY")
        if not isinstance(properties, dict) or not properties:
            return self._status("No valid Data")
        result = {}
        for name, value in properties.items():
            if name == "expires":
                survey.expires = value
                result[name] = True
            else:
                result[name] = False
        return result

    def _rpc_activate_survey(self, survey_id: Any, settings: Any = None) -> Any:
        survey = self._survey(survey_id)
        if survey is None:
            return self._status("No permission", "ERR_NO_PERMISSION")
        if survey.active:
            return self._status("Error: Survey already active")
        if self.activation_failure is not None:
            return self._status(self.activation_failure)
        survey.active = True
        return {"status": "OK", "pluginFeedback": None}

    def _rpc_import_survey(
        self, data: str, data_type: str, name: Any = None, wish: Any = None
    ) -> Any:
        if self.import_failure is not None:
            return self._status(self.import_failure, "ERR_NO_PERMISSION")
        if data_type not in ("lss", "txt", "csv", "lsa"):
            return self._status("Invalid extension")
        if data_type != "lss":
            return self._status("Error: the fake imports lss only")
        try:
            document = base64.b64decode(data, validate=True)
            survey = self._survey_from_lss(document)
        except (ValueError, ET.ParseError, KeyError) as error:
            return self._status(f"Error: {error}")
        return survey.sid

    def _rpc_list_questions(
        self, survey_id: Any, group_id: Any = None, language: Any = None
    ) -> Any:
        survey = self._survey(survey_id)
        if survey is None:
            return self._status("Error: Invalid survey ID", "ERR_INVALID_SURVEY")
        if not survey.questions:
            return self._status("No questions found")
        language = language or survey.languages[0]
        return [
            {
                "id": {"qid": question.qid, "language": language},
                "qid": str(question.qid),
                "parent_qid": str(question.parent_qid),
                "sid": str(survey.sid),
                "gid": str(question.gid),
                "type": question.type,
                "title": question.title,
                "other": question.other,
                "question": question.texts.get(language, ""),
                "language": language,
            }
            for question in survey.questions
        ]

    def _rpc_get_question_properties(
        self, question_id: Any, settings: Any = None, language: Any = None
    ) -> Any:
        for survey in self.surveys.values():
            for question in survey.questions:
                if question.qid == int(question_id):
                    language = language or survey.languages[0]
                    return {
                        "answeroptions": _php_answer_options(question, language),
                        "title": question.title,
                    }
        return self._status("Error: Invalid questionid")

    def _rpc_export_responses(self, survey_id: Any, *params: Any) -> Any:
        survey = self._survey(survey_id)
        if survey is None:
            return self._status("Error: Invalid survey ID", "ERR_INVALID_SURVEY")
        if len(params) < 2:
            # Missing positional parameters end in a PHP ArgumentCountError page in LimeSurvey.
            msg = "too few parameters"
            raise ValueError(msg)
        document_type, _, completion, heading, response_type, first, last, fields = (
            list(params) + [None] * 8
        )[:8]
        if (heading, response_type) != ("code", "short"):
            msg = "the fake exports code headings and short answers only"
            raise ValueError(msg)
        if self.before_export is not None:
            self.before_export(survey, list(params))
        if not survey.active:
            if self.legacy_no_data:
                return self._status("No Data", "ERR_NO_DATA")
            return self._status("No Data, survey table does not exist.", "ERR_NO_DATA")
        if self.export_result is not None:
            return self.export_result(list(params))
        if not survey.responses:
            if self.legacy_no_data:
                return self._status("No Data", "ERR_NO_DATA")
            return self._status("No Data, could not get max id.", "ERR_NO_DATA")

        max_id = max(int(r["id"] or 0) for r in survey.responses)
        low = int(first) if first is not None else 1
        high = int(last) if last is not None else max_id
        selected = [
            record
            for record in survey.responses
            if low <= int(record["id"] or 0) <= high
            and (
                completion in (None, "all")
                or (completion == "complete") == (record["submitdate"] is not None)
            )
        ]
        headings = survey.headings() if not fields else list(fields)
        if not selected:
            selected = [dict.fromkeys(headings, "")]
        records = [{heading: record.get(heading) for heading in headings} for record in selected]
        return base64.b64encode(self._export_document(records, document_type or "json")).decode(
            "ascii"
        )

    def _export_document(self, records: list[dict[str, Any]], document_type: str) -> bytes:
        if document_type == "csv":
            return csv_export(records)
        if self.keyed_json:
            items: list[Any] = [{str(record["id"]): record} for record in records]
        else:
            items = records
        return json.dumps({"responses": items}).encode("utf-8")

    # --- .lss import ---

    def _survey_from_lss(self, document: bytes) -> FakeSurvey:
        root = ET.fromstring(document)
        if root.findtext("LimeSurveyDocType") != "Survey":
            msg = "This is not a valid LimeSurvey survey structure XML file."
            raise ValueError(msg)
        int(root.findtext("DBVersion") or "")
        languages = [element.text or "" for element in root.findall("languages/language")]
        survey_rows = _rows(root, "surveys")
        base = survey_rows[0]["language"]
        additional = survey_rows[0]["additional_languages"].split()
        if [base, *additional] != languages:
            msg = f"languages {languages} differ from the survey's {[base, *additional]}"
            raise ValueError(msg)

        survey = FakeSurvey(sid=next(self._survey_ids), languages=languages)
        for row in _rows(root, "groups"):
            if row["language"] == base:
                survey.groups.append((int(row["gid"]), row["grelevance"]))

        new_ids: dict[str, int] = {}
        by_qid: dict[str, FakeQuestion] = {}
        for table in ("questions", "subquestions"):
            for row in _rows(root, table):
                question = by_qid.get(row["qid"])
                if question is None:
                    _check_code(row["title"], subquestion=table == "subquestions")
                    new_ids[row["qid"]] = self.new_question_id()
                    question = FakeQuestion(
                        qid=new_ids[row["qid"]],
                        gid=int(row["gid"]),
                        title=row["title"],
                        type=row["type"],
                        parent_qid=new_ids[row["parent_qid"]] if row["parent_qid"] != "0" else 0,
                        other=row["other"],
                        relevance=row["relevance"],
                        mandatory=row["mandatory"],
                    )
                    by_qid[row["qid"]] = question
                    survey.questions.append(question)
                question.texts[row["language"]] = row["question"]

        for row in _rows(root, "answers"):
            if not ANSWER_CODE.fullmatch(row["code"]):
                msg = f"Answer codes may only contain alphanumeric characters: {row['code']!r}"
                raise ValueError(msg)
            question = by_qid[row["qid"]]
            for code, texts in question.answers:
                if code == row["code"]:
                    texts[row["language"]] = row["answer"]
                    break
            else:
                question.answers.append((row["code"], {row["language"]: row["answer"]}))

        group_order = {gid: position for position, (gid, _) in enumerate(survey.groups)}
        survey.questions.sort(key=lambda q: group_order.get(q.gid, 0))
        self.surveys[survey.sid] = survey
        return survey


def _rows(root: ET.Element, table: str) -> list[dict[str, str]]:
    return [
        {child.tag: child.text or "" for child in row} for row in root.findall(f"{table}/rows/row")
    ]


def _check_code(code: str, *, subquestion: bool) -> None:
    pattern = SUBQUESTION_CODE if subquestion else QUESTION_CODE
    if not pattern.fullmatch(code):
        msg = f"Question code {code!r} is not valid"
        raise ValueError(msg)


def _php_answer_options(question: FakeQuestion, language: str) -> Any:
    """Return answer options as PHP's json_encode would: a list for keys 0, 1, 2 ... in order."""
    if not question.answers:
        return "No available answer options"
    options = {
        code: {
            "answer": texts.get(language, ""),
            "assessment_value": "0",
            "scale_id": "0",
            "order": str(order),
        }
        for order, (code, texts) in enumerate(question.answers)
    }
    codes = list(options)
    if codes == [str(position) for position in range(len(codes))]:
        return list(options.values())
    return options


def csv_export(records: list[dict[str, Any]], *, legacy: bool = False) -> bytes:
    """Write records as LimeSurvey writes a CSV export.

    LimeSurvey 3 to 6: UTF-8 with a byte-order mark, ``;``, every field quoted,
    CRLF after each record and a blank line at the end. LimeSurvey 2.x
    (``legacy``): ``,``, no byte-order mark, LF, no blank line.
    """
    if not records:
        msg = "an export has at least its heading row"
        raise ValueError(msg)
    headings = list(records[0])

    def quote(value: Any) -> str:
        text = "" if value is None else str(value)
        return '"' + text.replace('"', '""') + '"'

    separator, newline = (",", "\n") if legacy else (";", "\r\n")
    lines = [separator.join(quote(h) for h in headings)]
    lines += [separator.join(quote(record.get(h)) for h in headings) for record in records]
    if legacy:
        return newline.join(lines).encode("utf-8")
    return ("\ufeff" + newline.join(lines) + newline + newline).encode("utf-8")
