"""The KoboToolbox API client against the fake server: pages, errors, retries, imports."""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

import pytest
import requests
from fake_kobo import FAST, TOKEN, USER, FakeKobo, Fault

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.http_client import RetryPolicy
from ccpm_plugins.sources.kobo.client import KoboClient, normalise_server, read_token

CONTENT: dict[str, Any] = {"survey": [{"type": "text", "name": "instrument"}], "choices": []}


class Waits:
    """Records the waits a client asks for instead of sleeping them."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def records(count: int) -> list[dict[str, Any]]:
    return [{"_id": i, "instrument": "partner"} for i in range(1, count + 1)]


def client_for(fake: FakeKobo, **kwargs: Any) -> KoboClient:
    kwargs.setdefault("policy", FAST)
    return KoboClient(fake.url, TOKEN, **kwargs)


def all_ids(fake: FakeKobo, uid: str, **kwargs: Any) -> list[int]:
    with client_for(fake) as client:
        pages = client.submission_pages(uid, **kwargs)
        return [row["_id"] for page in pages for row in page.results]


def error_of(call: Any) -> str:
    with pytest.raises(SourceError) as caught:
        call()
    return str(caught.value)


# --- Pages --------------------------------------------------------------------


def test_fake_truncates_without_limit(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(250))
    url = f"{fake.url}/api/v2/assets/{asset.uid}/data/?format=json"

    body = requests.get(url, headers={"Authorization": f"Token {TOKEN}"}, timeout=5).json()

    assert len(body["results"]) == 100
    assert body["count"] == 250
    assert body["next"] is not None


def test_pages_followed_past_cap(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(2500))

    ids = all_ids(fake, asset.uid)

    assert ids == list(range(1, 2501))
    assert len(fake.data_requests()) == 3


def test_explicit_limit_requested(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(5))

    all_ids(fake, asset.uid)

    (request,) = fake.data_requests()
    assert request.query["limit"] == ["30000"]
    assert request.query["start"] == ["0"]
    assert request.query["format"] == ["json"]


def test_next_keeps_capped_limit(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(1500))

    all_ids(fake, asset.uid)

    second = fake.data_requests()[1]
    assert second.query["limit"] == ["1000"]
    assert second.query["start"] == ["1000"]


def test_old_server_cap_30000() -> None:
    with FakeKobo(default_page=30_000, max_page=30_000) as fake:
        asset = fake.add_asset(CONTENT, records(30_001))

        ids = all_ids(fake, asset.uid)

        assert len(ids) == 30_001
        assert len(fake.data_requests()) == 2


def test_smaller_page_size(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(25))

    ids = all_ids(fake, asset.uid, page_size=10)

    assert ids == list(range(1, 26))
    assert len(fake.data_requests()) == 3


def test_empty_project(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, [])

    assert all_ids(fake, asset.uid) == []


def test_fields_sent_as_json_array(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))

    all_ids(fake, asset.uid, fields=["instrument", "_id"])

    (request,) = fake.data_requests()
    assert json.loads(request.query["fields"][0]) == ["instrument", "_id"]


def test_short_page_is_count_mismatch(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(2500))
    fake.faults.append(Fault(path="/data/", drop_rows=50))

    message = error_of(lambda: all_ids(fake, asset.uid))

    assert "received 2450 of 2500 submissions" in message
    assert "cap the page size" in message
    assert f"/api/v2/assets/{asset.uid}/data/" in message


def test_page_size_must_be_positive(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))

    message = error_of(lambda: all_ids(fake, asset.uid, page_size=0))

    assert "positive number" in message
    assert fake.data_requests() == []


def test_next_on_other_host_rewritten(fake: FakeKobo, caplog: pytest.LogCaptureFixture) -> None:
    asset = fake.add_asset(CONTENT, records(1200))
    fake.next_origin = "http://kobo-internal.example:8000"

    with caplog.at_level(logging.WARNING):
        ids = all_ids(fake, asset.uid)

    assert len(ids) == 1200
    assert len(fake.data_requests()) == 2
    assert "kobo-internal.example" in caplog.text


def test_next_in_circle_stops(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(2500))
    fake.stuck_next = True

    message = error_of(lambda: all_ids(fake, asset.uid))

    assert "same page link twice" in message


def test_bare_list_named_v1(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))
    fake.faults.append(Fault(path="/data/", status=200, body=[{"_id": 1}]))

    message = error_of(lambda: all_ids(fake, asset.uid))

    assert "KoboCAT v1" in message


def test_html_answer_named(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))
    fake.faults.append(Fault(path="/data/", status=200, body="<html><body>Login</body></html>"))

    message = error_of(lambda: all_ids(fake, asset.uid))

    assert "did not answer with JSON" in message
    assert "text/html" in message


def test_page_without_results_rejected(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))
    fake.faults.append(Fault(path="/data/", status=200, body={"detail": "odd"}))

    message = error_of(lambda: all_ids(fake, asset.uid))

    assert "not a page of submissions" in message


# --- Errors --------------------------------------------------------------------


def test_not_deployed_says_deploy(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3), deployed=False)

    message = error_of(lambda: all_ids(fake, asset.uid))

    assert "HTTP 400 (The specified asset has not been deployed)" in message
    assert "ccpm kobo deploy" in message


def test_rejected_parameters_shown(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))
    body = {"limit": "A positive integer is required"}
    fake.faults.append(Fault(path="/data/", status=400, body=body))

    message = error_of(lambda: all_ids(fake, asset.uid))

    assert "HTTP 400 ({'limit': 'A positive integer is required'})" in message
    assert "rejected the request's parameters" in message


def test_invalid_token_says_check(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))

    with KoboClient(fake.url, "wrong-token", policy=FAST, token_variable="MY_TOKEN") as client:
        message = error_of(lambda: client.asset(asset.uid))

    assert "HTTP 401 (Invalid token.)" in message
    assert "environment variable MY_TOKEN" in message


def test_no_permission_says_share(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))
    asset.viewers = {USER: "view_asset"}

    message = error_of(lambda: all_ids(fake, asset.uid))

    assert "HTTP 403" in message
    assert "View submissions" in message


def test_unknown_asset_says_token(fake: FakeKobo) -> None:
    with client_for(fake) as client:
        message = error_of(lambda: client.asset("aUnknown123"))

    assert "HTTP 404 (Not found.)" in message
    assert "missing or wrong token" in message
    assert "wrong asset uid" in message
    assert "after 1 attempt." in message


def test_hidden_asset_is_404(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))
    asset.viewers = {"someone_else": "manage"}

    message = error_of(lambda: all_ids(fake, asset.uid))

    assert "HTTP 404" in message
    assert "KOBO_TOKEN" in message


def test_invalid_asset_uid_rejected(fake: FakeKobo) -> None:
    with client_for(fake) as client:
        message = error_of(lambda: client.asset("../other"))

    assert "not an asset uid" in message
    assert fake.requests == []


# --- Retries and timeouts ------------------------------------------------------


def test_429_honours_retry_after(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))
    fake.fail("/data/", 429, retry_after="2")
    waits = Waits()
    policy = RetryPolicy(read_timeout=2, max_attempts=3, backoff_initial=0.001, backoff_max=60)

    with KoboClient(fake.url, TOKEN, policy=policy, sleep=waits) as client:
        pages = list(client.submission_pages(asset.uid))

    assert len(pages[0].results) == 3
    assert waits.delays == [2.0]


def test_burst_of_5xx_retried(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(1500))
    fake.fail("/data/", 502)
    fake.fail("/data/", 503)
    fake.fail("/data/", 504)

    ids = all_ids(fake, asset.uid)

    assert len(ids) == 1500
    assert len(fake.data_requests()) == 5


def test_long_5xx_burst_fails(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))
    fake.fail("/data/", 503, times=10)

    message = error_of(lambda: all_ids(fake, asset.uid))

    assert "failed after 4 attempts" in message
    assert "HTTP 503" in message
    assert f"/api/v2/assets/{asset.uid}/data/" in message


def test_slow_page_retried(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))
    fake.faults.append(Fault(path="/data/", delay=1.0))

    ids = all_ids(fake, asset.uid)

    assert ids == [1, 2, 3]
    assert len(fake.data_requests()) == 2


def test_stalled_body_retried(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(500))
    fake.faults.append(Fault(path="/data/", stall=1.0))

    ids = all_ids(fake, asset.uid)

    assert ids == list(range(1, 501))
    assert len(fake.data_requests()) == 2


def test_always_slow_times_out(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3))
    fake.faults.append(Fault(path="/data/", delay=0.8, times=2))
    policy = RetryPolicy(read_timeout=0.3, max_attempts=2, backoff_initial=0.001, deadline=10)

    with KoboClient(fake.url, TOKEN, policy=policy) as client:
        message = error_of(lambda: list(client.submission_pages(asset.uid)))

    assert "timed out" in message
    assert "after 2 attempts" in message


def test_client_errors_not_retried(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(3), deployed=False)

    error_of(lambda: all_ids(fake, asset.uid))

    assert len(fake.data_requests()) == 1


# --- Token and server address --------------------------------------------------


def test_token_only_in_header(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, records(1200))

    all_ids(fake, asset.uid)

    for request in fake.requests:
        assert request.headers["Authorization"] == f"Token {TOKEN}"
        assert TOKEN not in request.path
        assert TOKEN not in urllib.parse.urlencode(request.query, doseq=True)


def test_read_token_from_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTHER_KOBO", "  abc123  ")
    assert read_token("OTHER_KOBO") == "abc123"


def test_missing_token_names_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOBO_TOKEN", raising=False)

    message = error_of(read_token)

    assert "set the environment variable KOBO_TOKEN" in message


def test_empty_token_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOBO_TOKEN", "   ")

    assert "KOBO_TOKEN" in error_of(read_token)


def test_token_given_as_variable_name(monkeypatch: pytest.MonkeyPatch) -> None:
    message = error_of(lambda: read_token("abc-123-secret"))

    assert "not a valid environment variable name" in message


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://kf.kobotoolbox.org", "https://kf.kobotoolbox.org"),
        ("https://kf.kobotoolbox.org/", "https://kf.kobotoolbox.org"),
        ("https://kf.kobotoolbox.org/api/v2/", "https://kf.kobotoolbox.org"),
        ("https://kobo.example.org/kpi", "https://kobo.example.org/kpi"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://localhost:8000/", "http://localhost:8000"),
    ],
)
def test_server_normalised(given: str, expected: str) -> None:
    assert normalise_server(given) == expected


def test_server_without_scheme_rejected() -> None:
    message = error_of(lambda: normalise_server("eu.kobotoolbox.org"))

    assert "add https:// in front of it" in message
    assert "--server https://eu.kobotoolbox.org" in message


def test_plain_http_remote_rejected() -> None:
    message = error_of(lambda: normalise_server("http://kf.kobotoolbox.org"))

    assert "unencrypted" in message


@pytest.mark.parametrize("given", ["ftp://kf.kobotoolbox.org", "https://", ""])
def test_bad_server_rejected(given: str) -> None:
    assert "not a server address" in error_of(lambda: normalise_server(given))


# --- Imports and deployment ------------------------------------------------------


PATIENT = RetryPolicy(read_timeout=20, max_attempts=2, backoff_initial=0.001)
"""A policy that waits for the fake to convert a whole XLSForm with pyxform."""


def xlsform_bytes() -> bytes:
    from kobo_forms import small_questionnaire

    from ccpm_plugins.exporters.xlsform import XlsFormExporter

    return XlsFormExporter().export(small_questionnaire())


def test_import_polls_until_complete() -> None:
    with FakeKobo(import_polls=2) as fake:
        waits = Waits()
        with client_for(fake, sleep=waits, policy=PATIENT) as client:
            import_uid = client.import_xlsform(xlsform_bytes(), "ccpm.xlsx", "CCPM Health")
            uid = client.wait_for_import(import_uid)

        assert uid in fake.assets
        assert waits.delays == [0.5, 1.0]


def test_import_sends_multipart_once(fake: FakeKobo) -> None:
    fake.fail("/imports/", 503, method="POST")

    with client_for(fake) as client:
        message = error_of(lambda: client.import_xlsform(b"x", "ccpm.xlsx"))

    assert "after 1 attempt" in message
    assert [r.method for r in fake.requests] == ["POST"]


def test_import_error_shows_messages(fake: FakeKobo) -> None:
    with client_for(fake, sleep=Waits()) as client:
        import_uid = client.import_xlsform(b"not a workbook", "ccpm.xlsx")
        message = error_of(lambda: client.wait_for_import(import_uid))

    assert "could not import the XLSForm" in message
    assert "PyXFormError" in message


def test_import_timeout_bounded() -> None:
    with FakeKobo(import_polls=1000) as fake:
        waits = Waits()
        with client_for(fake, sleep=waits, import_timeout=10, policy=PATIENT) as client:
            import_uid = client.import_xlsform(xlsform_bytes(), "ccpm.xlsx")
            message = error_of(lambda: client.wait_for_import(import_uid))

    assert "still 'processing'" in message
    assert sum(waits.delays) <= 10


def test_deploy_twice_says_deployed(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT, deployed=False)

    with client_for(fake) as client:
        deployed = client.deploy(asset.uid)
        message = error_of(lambda: client.deploy(asset.uid))

    assert deployed["has_deployment"] is True
    assert "HTTP 405" in message
    assert "deployed already" in message


def test_archive_and_reopen(fake: FakeKobo) -> None:
    asset = fake.add_asset(CONTENT)

    with client_for(fake) as client:
        client.set_active(asset.uid, False)
        archived = asset.active
        client.set_active(asset.uid, True)

    assert archived is False
    assert asset.active is True


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        ({"offline_url": "https://ee.example.org/a", "url": "https://ee.example.org/x"}, "a"),
        ({"url": "https://ee.example.org/x"}, "x"),
        ({}, None),
        (None, None),
    ],
)
def test_survey_link_preference(links: Any, expected: str | None) -> None:
    from ccpm_plugins.sources.kobo.deployment import survey_link

    link = survey_link({"deployment__links": links})

    assert link == (None if expected is None else f"https://ee.example.org/{expected}")


def test_server_with_credentials_rejected() -> None:
    from ccpm_core.errors import SourceError
    from ccpm_plugins.sources.kobo.client import normalise_server

    with pytest.raises(SourceError, match="user name or password") as error:
        normalise_server("https://me:s3cretpw@kf.kobotoolbox.org")

    assert "s3cretpw" not in str(error.value)
