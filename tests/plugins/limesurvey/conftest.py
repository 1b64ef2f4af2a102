"""Fixtures of the LimeSurvey tests: a fake RemoteControl server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from limesurvey_fake_server import PASSWORD, FakeLimeSurvey


@pytest.fixture
def fake() -> FakeLimeSurvey:
    return FakeLimeSurvey({"admin": PASSWORD})


@pytest.fixture
def server_url(fake: FakeLimeSurvey) -> Iterator[str]:
    with fake.serve() as url:
        yield url


@pytest.fixture
def password_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LIMESURVEY_PASSWORD", PASSWORD)
    return "LIMESURVEY_PASSWORD"
