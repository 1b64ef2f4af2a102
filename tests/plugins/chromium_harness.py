"""Headless Chromium for browser tests: load a local page over the DevTools protocol.

Chromium is driven through ``--remote-debugging-pipe``: it reads DevTools
protocol commands from file descriptor 3 and writes replies and events to
file descriptor 4, each message a JSON text ended by a NUL byte. This needs
no network port, no HTTP handshake and no websocket library, and a command
that gets no reply fails at a deadline instead of hanging. ``sh`` maps the
two descriptors onto the pipes of ``subprocess``, as browser automation
tools such as Puppeteer do.

Errors are collected from three protocol events. ``Runtime.exceptionThrown``
reports uncaught script errors, and ``Runtime.consoleAPICalled`` of type
error or assert reports ``console.error``. ``Log.entryAdded`` at level error
is how Chromium reports a resource that failed to load, a blocked request or
a security violation. ``Network.requestWillBeSent`` lists every URL the page
requested.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import attrs
import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser")

BASE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-breakpad",
    "--hide-scrollbars",
)

TIMEOUT_SECONDS = 60.0
"""Deadline for one protocol command or page load. A healthy load takes a few seconds."""


def find_chromium() -> str | None:
    """Return the path of a Chromium binary on PATH, or None."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium_or_skip() -> str:
    """Return the Chromium binary, or skip without one, except in CI, where its absence fails."""
    binary = find_chromium()
    if binary is not None:
        return binary
    if os.environ.get("CI") == "true":
        pytest.fail("CI needs Chromium for the browser tests; .ci/run installs Debian's chromium")
    pytest.skip("no chromium binary on PATH; install Debian's chromium package to run this test")


@attrs.define
class PageLoad:
    """What Chromium reported while loading a page."""

    exceptions: list[str] = attrs.field(factory=list)
    console_errors: list[str] = attrs.field(factory=list)
    log_errors: list[str] = attrs.field(factory=list)
    requested_urls: list[str] = attrs.field(factory=list)
    evaluated: Any = None
    """Value of the JavaScript expression evaluated after the load, if one was given."""

    @property
    def errors(self) -> list[str]:
        """Every error of any kind, for one assertion."""
        return [*self.exceptions, *self.console_errors, *self.log_errors]


def load_page(binary: str, url: str, profile: Path, expression: str | None = None) -> PageLoad:
    """Load ``url`` in headless Chromium and return the errors and requests it reported.

    ``expression`` is JavaScript evaluated in the page after its load event.
    Its JSON-serialisable value is returned in :attr:`PageLoad.evaluated`.
    """
    command = [
        "sh",
        "-c",
        'exec "$@" 3<&0 4>&1 0</dev/null 1>/dev/null',
        "sh",
        binary,
        *BASE_FLAGS,
        f"--user-data-dir={profile}",
        "--remote-debugging-pipe",
        "about:blank",
    ]
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        session = _DevToolsPipe(process)
        return session.load(url, expression)
    finally:
        _stop(process)


def take_screenshot(binary: str, url: str, profile: Path, target: Path) -> Path:
    """Save a PNG screenshot of ``url``, 1280 by 2000 pixels, with Chromium's ``--screenshot``."""
    command = [
        binary,
        *BASE_FLAGS,
        f"--user-data-dir={profile}",
        f"--screenshot={target}",
        "--window-size=1280,2000",
        url,
    ]
    subprocess.run(
        command,
        check=True,
        timeout=TIMEOUT_SECONDS * 2,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return target


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    if process.stdout is not None:
        process.stdout.close()


class _DevToolsPipe:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None
        assert process.stdout is not None
        self._writer = process.stdin
        self._reader = process.stdout.fileno()
        self._buffer = b""
        self._next_id = 0
        self._page = PageLoad()
        self._session_id: str | None = None
        self._loaded = False

    def load(self, url: str, expression: str | None) -> PageLoad:
        target = self._command("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self._command(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, False
        )
        self._session_id = attached["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            self._command(f"{domain}.enable", {})

        navigation = self._command("Page.navigate", {"url": url})
        if "errorText" in navigation:
            self._page.log_errors.append(f"navigation failed: {navigation['errorText']}")
            return self._page
        self._wait_for_load()

        # A round trip after the load event: events sent before its reply have arrived.
        result = self._command(
            "Runtime.evaluate", {"expression": expression or "0", "returnByValue": True}
        )
        if expression is not None:
            self._page.evaluated = result.get("result", {}).get("value")
        # Chromium may exit before it replies, so the reply is not awaited.
        self._send("Browser.close", {}, session=False)
        return self._page

    def _send(self, method: str, params: dict[str, Any], session: bool) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session_id
        self._writer.write(json.dumps(message).encode() + b"\0")
        self._writer.flush()
        return self._next_id

    def _command(self, method: str, params: dict[str, Any], session: bool = True) -> dict[str, Any]:
        command_id = self._send(method, params, session)
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            reply = self._read_message(deadline, f"a reply to {method}")
            if reply.get("id") == command_id:
                if "error" in reply:
                    msg = f"{method} failed: {reply['error']}"
                    raise RuntimeError(msg)
                result: dict[str, Any] = reply.get("result", {})
                return result
            self._record_event(reply)

    def _wait_for_load(self) -> None:
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while not self._loaded:
            self._record_event(self._read_message(deadline, "the page's load event"))

    def _read_message(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            readable, _, _ = select.select([self._reader], [], [], max(remaining, 0))
            if not readable:
                msg = f"Chromium sent no {waiting_for} within {TIMEOUT_SECONDS:.0f} s"
                raise TimeoutError(msg)
            chunk = os.read(self._reader, 1 << 16)
            if not chunk:
                msg = f"Chromium closed the DevTools pipe while the test waited for {waiting_for}"
                raise RuntimeError(msg)
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def _record_event(self, event: dict[str, Any]) -> None:
        method = event.get("method")
        params = event.get("params", {})
        if method == "Page.loadEventFired":
            self._loaded = True
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = details.get("exception", {}).get("description") or details.get("text")
            self._page.exceptions.append(str(description))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            texts = [str(arg.get("value", arg.get("description"))) for arg in params["args"]]
            self._page.console_errors.append(" ".join(texts))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            self._page.log_errors.append(f"{entry['text']} ({entry.get('url', '')})")
        elif method == "Network.requestWillBeSent":
            self._page.requested_urls.append(params["request"]["url"])
