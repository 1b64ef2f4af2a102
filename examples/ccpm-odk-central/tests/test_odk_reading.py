"""Reading a form from the fake ODK Central server: sign-in, paging and every failure."""

from __future__ import annotations

import logging

import pytest
from ccpm_core.errors import InputError, SourceError
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import standard_questionnaire
from ccpm_core.responses import RawResponses

from ccpm_odk_central import OdkCentralSource
from fake_odk_central import (
    API_TOKEN,
    EMAIL,
    FAST,
    PASSWORD,
    SESSION_TOKEN,
    FakeOdkCentral,
    submission,
)

PROJECT = 3
FORM = "ccpm_partner"


def answers(number: int) -> dict[str, object]:
    return {
        "profile": {"instrument": "partner", "hub": None, "organisation_type": "un_agency"},
        "function_1": {"p111": str(number % 5)},
    }


def add_form(central: FakeOdkCentral, count: int) -> None:
    central.add_form(PROJECT, FORM, [submission(answers(n), n) for n in range(1, count + 1)])


def read(
    central: FakeOdkCentral,
    *,
    project: str = str(PROJECT),
    form: str = FORM,
    **options: str,
) -> RawResponses:
    request = SourceRequest(
        standard_questionnaire(),
        options={"server": central.url, "project_id": project, "form_id": form, **options},
    )
    return OdkCentralSource(policy=FAST).read(request)


@pytest.mark.usefixtures("signed_in")
def test_read_follows_pages(central: FakeOdkCentral) -> None:
    add_form(central, 5)

    raw = read(central)

    assert len(central.requests_to("/Submissions")) == 3
    assert raw.table["function_1/p111"].tolist() == ["1", "2", "3", "4", "0"]
    assert list(raw.row_numbers) == [2, 3, 4, 5, 6]


@pytest.mark.usefixtures("signed_in")
def test_read_first_page_query(central: FakeOdkCentral) -> None:
    add_form(central, 1)

    read(central)

    query = central.requests_to("/Submissions")[0].query
    assert query == {"$top": ["1000"], "$skip": ["0"], "$count": ["true"]}


@pytest.mark.usefixtures("signed_in")
def test_read_next_links_skip_forward(central: FakeOdkCentral) -> None:
    add_form(central, 5)

    read(central)

    skips = [request.query["$skip"] for request in central.requests_to("/Submissions")]
    assert skips == [["0"], ["2"], ["4"]]


@pytest.mark.usefixtures("signed_in")
def test_read_signs_in_once(central: FakeOdkCentral) -> None:
    add_form(central, 5)

    read(central)

    sign_ins = central.requests_to("/v1/sessions")
    assert len(sign_ins) == 1
    assert sign_ins[0].method == "POST"
    assert b'"email": "coordinator@example.org"' in sign_ins[0].body


@pytest.mark.usefixtures("signed_in")
def test_read_sends_session_token(central: FakeOdkCentral) -> None:
    add_form(central, 1)

    read(central)

    gets = [request for request in central.requests if request.method == "GET"]
    assert {request.headers["authorization"] for request in gets} == {f"Bearer {SESSION_TOKEN}"}


@pytest.mark.usefixtures("signed_in")
def test_read_secrets_never_in_addresses(central: FakeOdkCentral) -> None:
    add_form(central, 3)

    read(central)

    for request in central.requests:
        address = f"{request.path}?{request.query}"
        assert PASSWORD not in address
        assert SESSION_TOKEN not in address


def test_read_token_skips_sign_in(central: FakeOdkCentral, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODK_CENTRAL_TOKEN", API_TOKEN)
    add_form(central, 2)

    raw = read(central)

    assert central.requests_to("/v1/sessions") == []
    assert len(raw.table) == 2


def test_read_variables_named_by_options(
    central: FakeOdkCentral, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ODK_CENTRAL_TOKEN", raising=False)
    monkeypatch.setenv("CHAD_ODK_EMAIL", EMAIL)
    monkeypatch.setenv("CHAD_ODK_PASSWORD", PASSWORD)
    add_form(central, 1)

    raw = read(central, email_env="CHAD_ODK_EMAIL", password_env="CHAD_ODK_PASSWORD")

    assert len(raw.table) == 1


@pytest.mark.usefixtures("signed_in")
def test_read_wrong_password_names_variables(
    central: FakeOdkCentral, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODK_CENTRAL_PASSWORD", "wrong password")
    add_form(central, 1)

    with pytest.raises(SourceError) as error:
        read(central)

    message = str(error.value)
    assert "HTTP 401" in message
    assert "ODK_CENTRAL_EMAIL" in message
    assert "ODK_CENTRAL_PASSWORD" in message
    assert "wrong password" not in message


def test_read_rejected_token_names_variable(
    central: FakeOdkCentral, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODK_CENTRAL_TOKEN", "expired-token-000")
    add_form(central, 1)

    with pytest.raises(SourceError) as error:
        read(central)

    assert "ODK_CENTRAL_TOKEN" in str(error.value)
    assert "expired-token-000" not in str(error.value)


def test_read_missing_credentials_names_variables(
    central: FakeOdkCentral, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("ODK_CENTRAL_EMAIL", "ODK_CENTRAL_PASSWORD", "ODK_CENTRAL_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("ODK_CENTRAL_EMAIL", EMAIL)
    add_form(central, 1)

    with pytest.raises(SourceError) as error:
        read(central)

    assert "set ODK_CENTRAL_PASSWORD" in str(error.value)
    assert "ODK_CENTRAL_TOKEN" in str(error.value)
    assert central.requests == []


@pytest.mark.usefixtures("signed_in")
def test_read_secret_as_variable_name_hidden(central: FakeOdkCentral) -> None:
    with pytest.raises(SourceError) as error:
        read(central, password_env="hunter2 is my password")

    assert "--password-env" in str(error.value)
    assert "hunter2" not in str(error.value)


@pytest.mark.usefixtures("signed_in")
def test_read_unknown_project(central: FakeOdkCentral) -> None:
    add_form(central, 1)

    with pytest.raises(SourceError, match=r"HTTP 404.*no project 99.*--project-id"):
        read(central, project="99")


@pytest.mark.usefixtures("signed_in")
def test_read_unknown_form(central: FakeOdkCentral) -> None:
    add_form(central, 1)

    with pytest.raises(SourceError, match=r"HTTP 404.*'ccpm_coordinator'.*--form-id"):
        read(central, form="ccpm_coordinator")


@pytest.mark.usefixtures("signed_in")
def test_read_empty_form(central: FakeOdkCentral) -> None:
    add_form(central, 0)

    with pytest.raises(SourceError, match="has no submissions yet"):
        read(central)


@pytest.mark.usefixtures("signed_in")
def test_read_count_mismatch(central: FakeOdkCentral) -> None:
    add_form(central, 3)
    central.count_offset = 1

    with pytest.raises(SourceError, match="counts 4 submissions but sent 3"):
        read(central)


@pytest.mark.usefixtures("signed_in")
def test_read_next_link_elsewhere_not_followed(central: FakeOdkCentral) -> None:
    add_form(central, 3)
    central.next_link_base = "http://127.0.0.2:9"

    with pytest.raises(SourceError, match="leaves the form's feed"):
        read(central)

    assert len(central.requests_to("/Submissions")) == 1


@pytest.mark.usefixtures("signed_in")
def test_read_nothing_secret_logged(
    central: FakeOdkCentral, caplog: pytest.LogCaptureFixture
) -> None:
    add_form(central, 3)
    caplog.set_level(logging.DEBUG)

    read(central)

    assert PASSWORD not in caplog.text
    assert SESSION_TOKEN not in caplog.text


@pytest.mark.parametrize(
    "server",
    ["http://central.example.org", "http://10.0.0.5:8383"],
)
def test_read_plain_http_rejected(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODK_CENTRAL_TOKEN", API_TOKEN)
    request = SourceRequest(
        standard_questionnaire(),
        options={"server": server, "project_id": "3", "form_id": FORM},
    )

    with pytest.raises(SourceError, match=r"http://.*unencrypted"):
        OdkCentralSource().read(request)


def test_read_address_with_password_rejected() -> None:
    request = SourceRequest(
        standard_questionnaire(),
        options={"server": "https://me:pw@central.example.org", "project_id": "3", "form_id": FORM},
    )

    with pytest.raises(SourceError) as error:
        OdkCentralSource().read(request)

    assert "user name or password" in str(error.value)
    assert "me:pw" not in str(error.value)


@pytest.mark.parametrize("project", ["abc", "0", "-3", "3.5"])
def test_read_invalid_project_id(project: str) -> None:
    request = SourceRequest(
        standard_questionnaire(),
        options={"server": "https://central.example.org", "project_id": project, "form_id": FORM},
    )

    with pytest.raises(InputError, match="--project-id"):
        OdkCentralSource().read(request)


def test_read_missing_options() -> None:
    request = SourceRequest(standard_questionnaire(), options={"server": "https://x.example"})

    with pytest.raises(InputError, match="--server, --project-id and --form-id"):
        OdkCentralSource().read(request)


def test_read_file_rejected() -> None:
    request = SourceRequest(standard_questionnaire(), location="responses.csv")

    with pytest.raises(InputError, match=r"responses\.csv: the odk-central source reads"):
        OdkCentralSource().read(request)
