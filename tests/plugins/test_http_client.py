"""The backend HTTP client against a real server on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.http_client import (
    HttpClient,
    RetryPolicy,
    clean_server_text,
    is_loopback_host,
    redact_userinfo,
)

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


class TricklingServer:
    """Sends the headers of a 100 000-byte response, then one byte every 0.1 s."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                # 100 bytes at most, so the thread ends even if the client never gives up.
                try:
                    for _ in range(100):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.1)
                except OSError:
                    return

            def log_message(self, format: str, *args: object) -> None:
                """Skip the access log."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/feed"

    def __enter__(self) -> TricklingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


TRICKLE_POLICY = RetryPolicy(read_timeout=5, max_attempts=3, backoff_initial=0.01, deadline=1)


def test_trickling_body_stops_at_deadline() -> None:
    with TricklingServer() as server, pytest.raises(SourceError) as error:
        HttpClient(policy=TRICKLE_POLICY, sleep=Waits()).request("GET", server.url)

    assert "deadline of 1 s" in str(error.value)
    assert "127.0.0.1" in str(error.value)
    assert "after 1 attempt:" in str(error.value)


def test_trickling_body_stops_request_body() -> None:
    with TricklingServer() as server, pytest.raises(SourceError, match="deadline of 1 s"):
        HttpClient(policy=TRICKLE_POLICY, sleep=Waits()).request_body("GET", server.url)


def test_request_body_returns_whole_body(httpserver: HTTPServer) -> None:
    data = bytes(range(256)) * 10_000
    httpserver.expect_request("/big").respond_with_data(data)

    response, body = HttpClient(policy=FAST).request_body("GET", httpserver.url_for("/big"))

    assert body == data
    assert response.content == data


def test_tls_to_plain_http_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data("plain")
    url = httpserver.url_for("/").replace("http://", "https://")
    waits = Waits()

    with pytest.raises(SourceError) as error:
        HttpClient(policy=FAST, sleep=waits).request("GET", url)

    assert "after 1 attempt" in str(error.value)
    assert "plain http" in str(error.value)
    assert "SSL" not in str(error.value)
    assert waits.delays == []


def test_error_body_secret_redacted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/login").respond_with_json(
        {"message": "Could not authenticate: echo:hunter2-pass \u0007\u001b[31m"}, status=401
    )
    client = HttpClient(policy=FAST, secrets=["hunter2-pass"])

    with pytest.raises(SourceError) as error:
        client.request("POST", httpserver.url_for("/login"))

    assert "hunter2-pass" not in str(error.value)
    assert "echo:[redacted]" in str(error.value)
    assert "\u0007" not in str(error.value)
    assert "\u001b" not in str(error.value)


def test_error_body_token_redacted(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/me").respond_with_json(
        {"detail": "token tok-123456 has expired"}, status=401
    )
    client = HttpClient(policy=FAST, headers={"Authorization": "Bearer tok-123456"})

    with pytest.raises(SourceError) as error:
        client.request("GET", httpserver.url_for("/me"))

    assert "tok-123456" not in str(error.value)
    assert "token [redacted] has expired" in str(error.value)


def test_error_body_cut(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/long").respond_with_data("x" * 5000, status=400)

    with pytest.raises(SourceError) as error:
        HttpClient(policy=FAST).request("GET", httpserver.url_for("/long"))

    assert f"({'x' * 197}...)" in str(error.value)
    assert "x" * 198 not in str(error.value)


def test_clean_server_text_cases() -> None:
    assert clean_server_text("a\u0007b\u001b[0mc\u202ed") == "ab[0mcd"
    assert clean_server_text("one\n\ttwo   three") == "one two three"
    assert clean_server_text("abcdef", limit=5) == "ab..."
    assert clean_server_text('pw "q" here', ['"q"']) == "pw [redacted] here"
    assert clean_server_text('{"p": "a\\"b"}', ['a"b']) == '{"p": "[redacted]"}'
    assert clean_server_text("u=a%2Fb", ["a/b"]) == "u=[redacted]"
    assert clean_server_text("لا يوجد") == "لا يوجد"


def test_clean_server_text_redacts_before_cut() -> None:
    text = "x" * 195 + "secret-value"

    cleaned = clean_server_text(text, ["secret-value"], limit=200)

    assert "secr" not in cleaned
    assert cleaned == "x" * 195 + "[r..."


def test_redact_userinfo_cases() -> None:
    assert redact_userinfo("ftp://me:hunter2@127.0.0.1") == "ftp://***@127.0.0.1"
    assert redact_userinfo("https://me:hunter2@") == "https://***@"
    assert redact_userinfo("me:hunter2@host:8443/x") == "***@host:8443/x"
    assert redact_userinfo("https://me:p/w@d@host/") == "https://***@host/"
    assert redact_userinfo(" https://central.example.org/ ") == "https://central.example.org/"


def test_slow_headers_stop_at_deadline(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("late")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    policy = RetryPolicy(read_timeout=5, max_attempts=3, backoff_initial=0.01, deadline=0.5)

    with pytest.raises(SourceError) as error:
        HttpClient(policy=policy, sleep=Waits()).request("GET", httpserver.url_for("/slow"))

    assert "deadline of 0.5 s" in str(error.value)
    assert "after 1 attempt:" in str(error.value)
