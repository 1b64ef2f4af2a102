"""The backend HTTP client against a real server on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.http_client import HttpClient, RetryPolicy, is_loopback_host

FAST = RetryPolicy(
    connect_timeout=2, read_timeout=0.5, max_attempts=4, backoff_initial=0.01, deadline=5
)


class Waits:
    """Records the waits the client asks for instead of sleeping them."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def test_success_returns_response(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ok").respond_with_json({"fine": True})

    response = HttpClient(policy=FAST).request("GET", httpserver.url_for("/ok"))

    assert response.json() == {"fine": True}


def test_retries_503_then_succeeds(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/busy").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/busy").respond_with_data("busy", status=502)
    httpserver.expect_ordered_request("/busy").respond_with_json({"done": 1})
    waits = Waits()

    response = HttpClient(policy=FAST, sleep=waits).request("GET", httpserver.url_for("/busy"))

    assert response.json() == {"done": 1}
    assert waits.delays == [0.01, 0.02]


def test_honours_retry_after(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/limited").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3"}
    )
    httpserver.expect_ordered_request("/limited").respond_with_json({})
    waits = Waits()

    HttpClient(policy=FAST, sleep=waits).request("GET", httpserver.url_for("/limited"))

    assert waits.delays == [3.0]


def test_gives_up_after_max_attempts(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("down", status=504)
    client = HttpClient(policy=FAST, sleep=Waits())

    with pytest.raises(SourceError) as error:
        client.request("GET", httpserver.url_for("/down"))

    assert "after 4 attempts" in str(error.value)
    assert httpserver.url_for("/down") in str(error.value)
    assert "HTTP 504" in str(error.value)


def test_retry_after_beyond_deadline_stops(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/later").respond_with_data(
        "", status=503, headers={"Retry-After": "600"}
    )
    policy = RetryPolicy(backoff_initial=0.01, max_attempts=5, deadline=5, backoff_max=900)
    waits = Waits()

    with pytest.raises(SourceError, match="after 1 attempt"):
        HttpClient(policy=policy, sleep=waits).request("GET", httpserver.url_for("/later"))

    assert waits.delays == []


def test_client_error_is_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/secret").respond_with_json({"detail": "Not found."}, status=404)

    with pytest.raises(SourceError) as error:
        HttpClient(policy=FAST).request(
            "GET", httpserver.url_for("/secret"), hint=lambda status: "Check the token."
        )

    assert "HTTP 404 (Not found.)" in str(error.value)
    assert "after 1 attempt." in str(error.value)
    assert "Check the token." in str(error.value)


def test_html_error_page_is_named(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data(
        "<!DOCTYPE html><html><body>Oops</body></html>", status=400, content_type="text/html"
    )

    with pytest.raises(SourceError, match="HTML page"):
        HttpClient(policy=FAST).request("GET", httpserver.url_for("/page"))


def test_slow_response_times_out(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    policy = RetryPolicy(read_timeout=0.2, max_attempts=2, backoff_initial=0.01, deadline=10)

    with pytest.raises(SourceError) as error:
        HttpClient(policy=policy, sleep=Waits()).request("GET", httpserver.url_for("/slow"))

    assert "timed out" in str(error.value)
    assert "after 2 attempts" in str(error.value)


def test_connection_refused_is_reported() -> None:
    # Port 9 on loopback (discard) has no listener in the test environment.
    client = HttpClient(policy=RetryPolicy(max_attempts=2, backoff_initial=0.01), sleep=Waits())

    with pytest.raises(SourceError, match="could not connect"):
        client.request("GET", "http://127.0.0.1:9/")


def test_headers_sent_but_not_in_errors(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/auth", headers={"Authorization": "Token s3cret-value"}
    ).respond_with_json({"detail": "Invalid token."}, status=401)
    client = HttpClient(policy=FAST, headers={"Authorization": "Token s3cret-value"})

    with pytest.raises(SourceError) as error:
        client.request("GET", httpserver.url_for("/auth"))

    assert "Invalid token." in str(error.value)
    assert "s3cret-value" not in str(error.value)


def test_loopback_hosts_recognised() -> None:
    assert is_loopback_host("localhost")
    assert is_loopback_host("127.0.0.1")
    assert is_loopback_host("::1")
    assert not is_loopback_host("kf.kobotoolbox.org")
    assert not is_loopback_host("10.0.0.1")
