"""Fixtures of the KoboToolbox tests: the fake server and the token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_kobo import TOKEN, FakeKobo


@pytest.fixture
def fake() -> Iterator[FakeKobo]:
    """A fake KoboToolbox server with a page cap of 1000."""
    with FakeKobo() as server:
        yield server


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    """Put the test token into ``KOBO_TOKEN`` and return it."""
    monkeypatch.setenv("KOBO_TOKEN", TOKEN)
    return TOKEN
