"""The RemoteControl client against a fake LimeSurvey server over real HTTP."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import requests
from limesurvey_fake_server import FAST, PASSWORD, FakeLimeSurvey, FakeQuestion, FakeSurvey

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.limesurvey.rpc_client import (
    RemoteControlClient,
    RemoteControlError,
    StatusError,
    StatusKind,
    classify_status,
)

SURVEY_ID = 555111


def client_for(url: str, password: str = PASSWORD, **options: Any) -> RemoteControlClient:
    return RemoteControlClient(url, "admin", password, policy=FAST, **options)


def add_survey(fake: FakeLimeSurvey) -> FakeSurvey:
    question = FakeQuestion(qid=1, gid=1, title="q1", type="L", answers=[("A1", {"en": "Yes"})])
    return fake.add_survey(FakeSurvey(sid=SURVEY_ID, languages=["en"], questions=[question]))


# --- status wording ---


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("Invalid session key", StatusKind.INVALID_SESSION_KEY),
        ("Invalid Session key", StatusKind.INVALID_SESSION_KEY),
        ("Invalid S ession Key", StatusKind.INVALID_SESSION_KEY),
        ("INVALID SESSION KEY.", StatusKind.INVALID_SESSION_KEY),
        ("No Data, survey table does not exist.", StatusKind.SURVEY_NOT_ACTIVE),
        ("no data, survey table does not exist", StatusKind.SURVEY_NOT_ACTIVE),
        ("No Data, could not get max id.", StatusKind.NO_RESPONSES),
        ("NO DATA, COULD NOT GET MAX ID", StatusKind.NO_RESPONSES),
        ("No Data", StatusKind.NO_DATA),
        ("Error: Invalid survey ID", StatusKind.INVALID_SURVEY),
        ("Invalid surveyid", StatusKind.INVALID_SURVEY),
        ("No permission", StatusKind.NO_PERMISSION),
        ("Invalid user name or password", StatusKind.INVALID_LOGIN),
        ("Language code not found for this survey.", StatusKind.LANGUAGE_NOT_FOUND),
        ("No questions found", StatusKind.NOTHING_FOUND),
        ("Something else", StatusKind.OTHER),
    ],
)
def test_status_classified(status: str, kind: StatusKind) -> None:
    assert classify_status(status) is kind


def test_status_error_code_consulted_last() -> None:
    assert classify_status("Nothing to export", "ERR_NO_DATA") is StatusKind.NO_DATA
    assert (
        classify_status("No Data, could not get max id.", "ERR_NO_DATA") is StatusKind.NO_RESPONSES
    )


# --- protocol ---


def test_call_sends_positional_params(fake: FakeLimeSurvey, server_url: str) -> None:
    add_survey(fake)

    with client_for(server_url) as client:
        questions = client.list_questions(SURVEY_ID)

    call = next(c for c in fake.calls if c.method == "list_questions")
    assert isinstance(call.params, list)
    assert call.params[1:] == [SURVEY_ID, None, None]
    assert call.request_id >= 1
    assert call.content_type == "application/json"
    assert [q["title"] for q in questions] == ["q1"]


def test_export_fills_every_slot(fake: FakeLimeSurvey, server_url: str) -> None:
    add_survey(fake).active = True
    fake.surveys[SURVEY_ID].add_response({"q1": "A1"})

    with client_for(server_url) as client:
        client.export_responses(SURVEY_ID, from_id=1, to_id=9, fields=["id"])

    call = next(c for c in fake.calls if c.method == "export_responses")
    assert call.params[1:] == [SURVEY_ID, "json", None, "all", "code", "short", 1, 9, ["id"]]


@pytest.mark.parametrize("content_type", ["text/javascript", "text/html", "application/json"])
def test_reply_parsed_whatever_content_type(
    fake: FakeLimeSurvey, server_url: str, content_type: str
) -> None:
    add_survey(fake)
    fake.reply_content_type = content_type

    with client_for(server_url) as client:
        properties = client.get_survey_properties(SURVEY_ID, ["active"])

    assert properties == {"active": "N"}


def test_empty_body_names_url(fake: FakeLimeSurvey, server_url: str) -> None:
    fake.empty_body = True

    with pytest.raises(RemoteControlError) as error, client_for(server_url) as client:
        client.login()

    assert server_url in str(error.value)
    assert "empty body" in str(error.value)
    assert "RemoteControl interface" in str(error.value)


def test_html_page_reported(fake: FakeLimeSurvey, server_url: str) -> None:
    fake.html_page = True

    with pytest.raises(RemoteControlError) as error, client_for(server_url) as client:
        client.login()

    assert "HTML page" in str(error.value)
    assert server_url in str(error.value)


def test_html_error_status_reported(fake: FakeLimeSurvey, server_url: str) -> None:
    fake.html_error = True

    with pytest.raises(SourceError) as error, client_for(server_url) as client:
        client.login()

    assert "HTTP 500" in str(error.value)
    assert "HTML page" in str(error.value)
    assert "get_session_key" in str(error.value)


def test_rpc_error_string_reported(fake: FakeLimeSurvey, server_url: str) -> None:
    fake.rpc_error = "unknown method or incorrect parameters"

    with pytest.raises(RemoteControlError) as error, client_for(server_url) as client:
        client.login()

    assert "unknown method or incorrect parameters" in str(error.value)


def test_reply_to_other_request_rejected(fake: FakeLimeSurvey, server_url: str) -> None:
    fake.wrong_reply_id = True

    with (
        pytest.raises(RemoteControlError, match="reply to request"),
        client_for(server_url) as client,
    ):
        client.login()


def test_status_result_raises(fake: FakeLimeSurvey, server_url: str) -> None:
    with pytest.raises(StatusError) as error, client_for(server_url) as client:
        client.get_survey_properties(404, ["active"])

    assert error.value.kind is StatusKind.INVALID_SURVEY
    assert error.value.method == "get_survey_properties"


def test_no_questions_is_empty_list(fake: FakeLimeSurvey, server_url: str) -> None:
    fake.add_survey(FakeSurvey(sid=SURVEY_ID, languages=["en"]))

    with client_for(server_url) as client:
        assert client.list_questions(SURVEY_ID) == []


# --- session keys ---


@pytest.mark.parametrize(
    "wording", ["Invalid session key", "Invalid S ession Key", "INVALID SESSION KEY."]
)
def test_expired_key_logs_in_again(fake: FakeLimeSurvey, server_url: str, wording: str) -> None:
    add_survey(fake)
    fake.invalid_key_text = wording
    fake.keys_to_reject = 1

    with client_for(server_url) as client:
        properties = client.get_survey_properties(SURVEY_ID, ["active"])

    assert properties == {"active": "N"}
    assert [c.method for c in fake.calls].count("get_session_key") == 2


def test_key_rejected_twice_raises(fake: FakeLimeSurvey, server_url: str) -> None:
    add_survey(fake)
    fake.keys_to_reject = 2

    with pytest.raises(StatusError) as error, client_for(server_url) as client:
        client.get_survey_properties(SURVEY_ID, ["active"])

    assert error.value.kind is StatusKind.INVALID_SESSION_KEY
    assert [c.method for c in fake.calls].count("get_session_key") == 2


def test_key_released_on_exit(fake: FakeLimeSurvey, server_url: str) -> None:
    add_survey(fake)

    with client_for(server_url) as client:
        client.get_survey_properties(SURVEY_ID, ["active"])

    assert len(fake.released_keys) == 1
    assert fake.session_keys == set()


def test_key_released_after_error(fake: FakeLimeSurvey, server_url: str) -> None:
    with pytest.raises(StatusError), client_for(server_url) as client:
        client.get_survey_properties(404, ["active"])

    assert len(fake.released_keys) == 1
    assert fake.session_keys == set()


def test_wrong_password_message(fake: FakeLimeSurvey, server_url: str) -> None:
    with pytest.raises(RemoteControlError) as error, client_for(server_url, "wrong") as client:
        client.login()

    assert "'admin'" in str(error.value)
    assert "invalid user name or password" in str(error.value).lower()
    assert "wrong" not in str(error.value)


# --- retries ---


def test_reads_retried(fake: FakeLimeSurvey, server_url: str) -> None:
    add_survey(fake)
    fake.transient_failures["get_survey_properties"] = 1

    with client_for(server_url) as client:
        properties = client.get_survey_properties(SURVEY_ID, ["active"])

    assert properties == {"active": "N"}
    assert [c.method for c in fake.calls].count("get_survey_properties") == 2


def test_changes_not_retried(fake: FakeLimeSurvey, server_url: str) -> None:
    fake.transient_failures["import_survey"] = 1

    with pytest.raises(SourceError, match="after 1 attempt"), client_for(server_url) as client:
        client.import_survey("PGRvY3VtZW50Lz4=", "lss")

    assert [c.method for c in fake.calls].count("import_survey") == 1


def test_login_not_retried(fake: FakeLimeSurvey, server_url: str) -> None:
    fake.transient_failures["get_session_key"] = 1

    with pytest.raises(SourceError, match="after 1 attempt"), client_for(server_url) as client:
        client.login()

    assert [c.method for c in fake.calls].count("get_session_key") == 1


# --- configuration and secrets ---


class RecordingSession(requests.Session):
    """A session that counts its requests and whether it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0
        self.closed = False

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent += 1
        return super().request(*args, **kwargs)

    def close(self) -> None:
        self.closed = True
        super().close()


def test_caller_session_used_and_kept_open(fake: FakeLimeSurvey, server_url: str) -> None:
    add_survey(fake)
    session = RecordingSession()

    with client_for(server_url, session=session) as client:
        client.get_survey_properties(SURVEY_ID, ["active"])

    assert session.sent == 3
    assert not session.closed


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/index.php/admin/remotecontrol",
        "survey.example.org/index.php/admin/remotecontrol",
        "https://admin:secret@example.org/index.php/admin/remotecontrol",
    ],
)
def test_bad_url_rejected(url: str) -> None:
    with pytest.raises(SourceError) as error:
        RemoteControlClient(url, "admin", PASSWORD)

    assert "secret" not in str(error.value)


def test_password_never_logged_or_shown(
    fake: FakeLimeSurvey, server_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    add_survey(fake)
    fake.keys_to_reject = 1
    caplog.set_level(logging.DEBUG)

    with client_for(server_url) as client:
        client.get_survey_properties(SURVEY_ID, ["active"])
        shown = repr(client)
    with pytest.raises(StatusError) as error, client_for(server_url) as client:
        client.get_survey_properties(404, ["active"])

    assert caplog.records
    assert PASSWORD not in caplog.text
    assert PASSWORD not in shown
    assert PASSWORD not in str(error.value)


def test_remote_plain_http_rejected() -> None:
    from ccpm_core.errors import SourceError
    from ccpm_plugins.sources.limesurvey.rpc_client import RemoteControlClient

    with pytest.raises(SourceError, match="unencrypted"):
        RemoteControlClient(
            "http://survey.example.org/index.php/admin/remotecontrol", "admin", "secret"
        ).login()
