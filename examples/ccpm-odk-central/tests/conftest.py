"""Fixtures of the ODK Central plugin tests: the fake server and the credentials."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from fake_odk_central import EMAIL, PASSWORD, FakeOdkCentral

# Other installed plugins must not change what these tests see. The tests that
# need the plugin host register this plugin themselves, and the command-line
# tests allow it by name.
os.environ["CCPM_PLUGINS"] = ""


@pytest.fixture
def central() -> Iterator[FakeOdkCentral]:
    """A fake ODK Central server that serves at most two submissions per page."""
    with FakeOdkCentral(page_cap=2) as server:
        yield server


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the test account into the default environment variables, and no token."""
    monkeypatch.setenv("ODK_CENTRAL_EMAIL", EMAIL)
    monkeypatch.setenv("ODK_CENTRAL_PASSWORD", PASSWORD)
    monkeypatch.delenv("ODK_CENTRAL_TOKEN", raising=False)
