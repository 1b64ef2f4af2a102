"""Failure messages of the HTTP client: one short line that names the cause and the address."""

from __future__ import annotations

import socket

import pytest
import requests

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.http_client import HttpClient, RetryPolicy, _short_reason, display_url

QUICK = RetryPolicy(
    connect_timeout=2, read_timeout=2, max_attempts=3, backoff_initial=0.001, backoff_max=0.001
)

_WRAPPED_REFUSAL = (
    "HTTPConnectionPool(host='127.0.0.1', port=9): Max retries exceeded with url: /api/v2/ "
    "(Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at "
    "0x7f3a2c1d0e50>: Failed to establish a new connection: [Errno 111] Connection refused'))"
)
_WRAPPED_RESOLUTION = (
    "HTTPSConnectionPool(host='kobo.invalid', port=443): Max retries exceeded with url: / "
    '(Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object at 0x7f>: '
    "Failed to resolve 'kobo.invalid' ([Errno -2] Name or service not known)\"))"
)


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (_WRAPPED_REFUSAL, "connection refused"),
        (_WRAPPED_RESOLUTION, "the host name could not be resolved"),
        (
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
            "the server's TLS certificate could not be verified",
        ),
        ("something else", "something else"),
    ],
)
def test_short_reason_known_causes(text: str, reason: str) -> None:
    assert _short_reason(requests.ConnectionError(text)) == reason


def test_short_reason_cut_at_200() -> None:
    reason = _short_reason(requests.ConnectionError("x" * 500))

    assert len(reason) == 200
    assert reason.endswith("...")


def test_display_url_short_query_kept() -> None:
    url = "https://kf.kobotoolbox.org/api/v2/assets/aB1/data/?format=json&start=0"

    assert display_url(url) == url


def test_display_url_long_query_cut() -> None:
    query = "format=json&fields=" + "%22partner_function_1%2Fp11%22%2C" * 20
    url = f"https://kf.kobotoolbox.org/api/v2/assets/aB1/data/?{query}"

    shown = display_url(url)

    assert shown == f"https://kf.kobotoolbox.org/api/v2/assets/aB1/data/?{query[:40]}..."


def test_refused_connection_one_line() -> None:
    client = HttpClient(policy=QUICK)
    url = f"http://127.0.0.1:{closed_port()}/api/v2/assets/"

    with pytest.raises(SourceError) as caught:
        client.request("GET", url)
    client.close()

    message = str(caught.value)
    assert message.startswith(f"GET {url} failed after 3 attempts")
    assert "could not connect: connection refused." in message
    assert "0x" not in message
    assert "\n" not in message
