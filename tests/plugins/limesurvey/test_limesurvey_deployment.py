"""Deploying and closing surveys: import, activation, expiry time and survey links."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from limesurvey_fake_server import FAST, PASSWORD, FakeLimeSurvey
from limesurvey_questionnaires import small_questionnaire

from ccpm_core.errors import SourceError
from ccpm_plugins.sources.limesurvey.deployment import (
    ACTIVATION_SETTINGS,
    close_survey,
    default_expiry,
    deploy_questionnaire,
    survey_link,
)
from ccpm_plugins.sources.limesurvey.rpc_client import RemoteControlClient


def client_for(url: str) -> RemoteControlClient:
    return RemoteControlClient(url, "admin", PASSWORD, policy=FAST)


def test_deploy_imports_lss_and_activates(fake: FakeLimeSurvey, server_url: str) -> None:
    with client_for(server_url) as client:
        deployment = deploy_questionnaire(client, small_questionnaire())

    survey = fake.surveys[deployment.survey_id]
    imported = next(c for c in fake.calls if c.method == "import_survey")
    activated = next(c for c in fake.calls if c.method == "activate_survey")
    assert deployment.activated
    assert survey.active
    assert imported.params[2:] == ["lss", None, None]
    assert base64.b64decode(imported.params[1]).startswith(b'<?xml version="1.0"')
    assert activated.params[1:] == [deployment.survey_id, ACTIVATION_SETTINGS]
    assert [q.title for q in survey.top_level()] == [
        "instrument",
        "hub",
        "organisationtype",
        "p1",
        "pcomment1",
        "corgsingo",
        "c1",
    ]


def test_activation_failure_names_survey(fake: FakeLimeSurvey, server_url: str) -> None:
    fake.activation_failure = "Error: Survey does not pass consistency check"

    with pytest.raises(SourceError) as error, client_for(server_url) as client:
        deploy_questionnaire(client, small_questionnaire())

    survey_id = next(iter(fake.surveys))
    assert f"imported as survey {survey_id}" in str(error.value)
    assert "consistency check" in str(error.value)


def test_import_failure_reported(fake: FakeLimeSurvey, server_url: str) -> None:
    fake.import_failure = "No permission"

    with pytest.raises(SourceError) as error, client_for(server_url) as client:
        deploy_questionnaire(client, small_questionnaire())

    assert "could not import the questionnaire: No permission" in str(error.value)
    assert "the user 'admin' may not create surveys" in str(error.value)
    assert fake.surveys == {}


def test_close_writes_expiry(fake: FakeLimeSurvey, server_url: str) -> None:
    with client_for(server_url) as client:
        deployment = deploy_questionnaire(client, small_questionnaire())
        written = close_survey(client, deployment.survey_id, "2026-12-31 18:00:00")

    assert written == "2026-12-31 18:00:00"
    assert fake.surveys[deployment.survey_id].expires == "2026-12-31 18:00:00"


def test_close_unknown_survey(server_url: str) -> None:
    with (
        pytest.raises(
            SourceError,
            match="could not close survey 31: Error: Invalid survey ID; check the survey id",
        ),
        client_for(server_url) as client,
    ):
        close_survey(client, 31)


def test_default_expiry_twelve_hours_back() -> None:
    now = dt.datetime(2026, 12, 4, 10, 30, tzinfo=dt.UTC)

    assert default_expiry(lambda: now) == "2026-12-03 22:30:00"


def test_default_expiry_converts_to_utc() -> None:
    now = dt.datetime(2026, 12, 4, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=3)))

    assert default_expiry(lambda: now) == "2026-12-03 19:30:00"


@pytest.mark.parametrize(
    ("url", "link"),
    [
        (
            "https://s.example.org/index.php/admin/remotecontrol",
            "https://s.example.org/index.php/123",
        ),
        ("https://s.example.org/ls/admin/remotecontrol/", "https://s.example.org/ls/123"),
        (
            "https://s.example.org/index.php?r=admin/remotecontrol",
            "https://s.example.org/index.php?r=survey/index&sid=123",
        ),
        ("https://s.example.org/rpc", None),
    ],
)
def test_survey_link_forms(url: str, link: str | None) -> None:
    assert survey_link(url, 123) == link
