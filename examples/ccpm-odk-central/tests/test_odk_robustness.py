"""Broken or hostile servers: endless paging, leaked secrets, odd JSON and bad addresses."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from ccpm_core.errors import SourceError
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import standard_questionnaire
from ccpm_core.responses import RawResponses
from ccpm_core.sample import sample_responses

from ccpm_odk_central import OdkCentralSource
from ccpm_odk_central.client import PagingCheck, SubmissionPage
from ccpm_odk_central.submissions import ReviewFilter, flatten_submission, raw_responses
from fake_odk_central import EMAIL, FAST, PASSWORD, FakeOdkCentral, submission
from test_odk_plugin import nested_answers, plugin_env, run_ccpm

PROJECT = 3
FORM = "ccpm_partner"


def answers(number: int) -> dict[str, object]:
    return {
        "profile": {"instrument": "partner", "hub": None, "organisation_type": "un_agency"},
        "function_1": {"p111": str(number % 5)},
    }


def add_form(central: FakeOdkCentral, count: int) -> None:
    central.add_form(PROJECT, FORM, [submission(answers(n), n) for n in range(1, count + 1)])


def read(central: FakeOdkCentral, server: str | None = None, **options: str) -> RawResponses:
    request = SourceRequest(
        standard_questionnaire(),
        options={
            "server": server or central.url,
            "project_id": str(PROJECT),
            "form_id": FORM,
            **options,
        },
    )
    return OdkCentralSource(policy=FAST).read(request)


def page(count: int, size: int, next_url: str | None = "next") -> SubmissionPage:
    return SubmissionPage("url", [{"q": "1"}] * size, count, next_url)


# --- Paging that could go on without end ------------------------------------------------


@pytest.mark.usefixtures("signed_in")
def test_empty_pages_with_next_link_stop(central: FakeOdkCentral) -> None:
    add_form(central, 5)
    central.endless_empty_pages = True

    with pytest.raises(SourceError) as error:
        read(central)

    assert "empty page of submissions that still links a next page" in str(error.value)
    assert central.url in str(error.value)
    assert "Run the command again" in str(error.value)
    assert len(central.requests_to("/Submissions")) == 1


@pytest.mark.usefixtures("signed_in")
def test_overlapping_pages_stop(central: FakeOdkCentral) -> None:
    add_form(central, 6)
    central.overlap = 1

    with pytest.raises(SourceError) as error:
        read(central)

    # Pages of 2 from skips 0, 1, 2 and 3: 8 submissions by page 4.
    assert "sent 8 submissions by page 4 but counts only 6" in str(error.value)
    assert "resent submissions" in str(error.value)
    assert "deleted while they were read" in str(error.value)


@pytest.mark.usefixtures("signed_in")
def test_trickling_pages_stop(central: FakeOdkCentral) -> None:
    add_form(central, 20)
    central.later_page_cap = 1

    with pytest.raises(SourceError) as error:
        read(central)

    # Pages of 2 need 10 pages for 20 submissions; the margin allows 2 + 10 // 10 more.
    assert "more than 13 pages for 20 submissions" in str(error.value)
    assert len(central.requests_to("/Submissions")) == 14


def test_page_limit_by_hand() -> None:
    check = PagingCheck("https://central.example.org", page_size=1000)

    assert check.page_limit(0) == 3
    assert check.page_limit(1000) == 3
    assert check.page_limit(25_000) == 25 + 2 + 2


def test_page_limit_uses_served_size() -> None:
    check = PagingCheck("https://central.example.org", page_size=1000)

    check.add(page(count=500, size=100))

    assert check.served_page_size == 100
    assert check.page_limit(500) == 5 + 2 + 0


def test_paging_check_last_empty_page_allowed() -> None:
    check = PagingCheck("https://central.example.org", page_size=2)

    check.add(page(count=2, size=2, next_url="next"))
    check.add(page(count=2, size=0, next_url=None))

    assert check.received == 2


@pytest.mark.usefixtures("signed_in")
def test_count_mismatch_names_causes(central: FakeOdkCentral) -> None:
    add_form(central, 3)
    central.count_offset = 1

    with pytest.raises(SourceError) as error:
        read(central)

    assert "counts 4 submissions but sent 3" in str(error.value)
    assert "arrived or were deleted" in str(error.value)
    assert "skipped some" in str(error.value)


# --- Review filter ---------------------------------------------------------------------


@pytest.mark.usefixtures("signed_in")
def test_review_filter_leaving_nothing(central: FakeOdkCentral) -> None:
    central.add_form(
        PROJECT,
        FORM,
        [
            submission(answers(1), 1),
            submission(answers(2), 2, "rejected"),
            submission(answers(3), 3),
        ],
    )

    with pytest.raises(SourceError) as error:
        read(central, review_state="approved")

    message = str(error.value)
    assert "--review-state approved left out all 3 submissions" in message
    assert "received 2, rejected 1" in message
    assert "--review-state all" in message
    assert "instrument" not in message


def test_review_filter_one_left_out() -> None:
    with pytest.raises(SourceError, match="left out all 1 submission of the form"):
        raw_responses([submission({"q": "1"}, 1)], source="test", review=ReviewFilter.APPROVED)


# --- Server text in messages -----------------------------------------------------------


def test_echoed_password_redacted(central: FakeOdkCentral, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ODK_CENTRAL_EMAIL", EMAIL)
    monkeypatch.setenv("ODK_CENTRAL_PASSWORD", "WrongPassXYZ")
    monkeypatch.delenv("ODK_CENTRAL_TOKEN", raising=False)
    central.echo_password = True
    add_form(central, 1)

    with pytest.raises(SourceError) as error:
        read(central)

    message = str(error.value)
    assert "WrongPassXYZ" not in message
    assert "with password [redacted]" in message
    assert "\u0007" not in message


@pytest.mark.usefixtures("signed_in")
def test_next_link_control_characters_removed(central: FakeOdkCentral) -> None:
    add_form(central, 3)
    central.next_link_base = "http://127.0.0.2:9/\u0007\u001b[2J"

    with pytest.raises(SourceError) as error:
        read(central)

    assert "leaves the form's feed" in str(error.value)
    assert "\u0007" not in str(error.value)
    assert "\u001b" not in str(error.value)


# --- Server addresses ------------------------------------------------------------------


@pytest.mark.parametrize(
    "server",
    [
        "ftp://me:hunter2@127.0.0.1",
        "https://me:hunter2@",
        "me:hunter2@127.0.0.1:8080",
        "https://me:hunter2@central.example.org",
    ],
)
def test_address_password_not_echoed(server: str, central: FakeOdkCentral) -> None:
    with pytest.raises(SourceError) as error:
        read(central, server=server)

    assert "hunter2" not in str(error.value)
    assert "***@" in str(error.value)
    assert central.requests == []


@pytest.mark.usefixtures("signed_in")
def test_address_without_scheme_rejected(central: FakeOdkCentral) -> None:
    add_form(central, 1)
    address = central.url.removeprefix("http://")

    with pytest.raises(SourceError) as error:
        read(central, server=address)

    assert "has no scheme" in str(error.value)
    assert f"--server https://{address}" in str(error.value)
    assert central.requests == []


@pytest.mark.parametrize("server", ["https://central.example.org:port", "https://:443"])
def test_address_invalid_rejected(server: str, central: FakeOdkCentral) -> None:
    with pytest.raises(SourceError, match="is not a server address"):
        read(central, server=server)


@pytest.mark.usefixtures("signed_in")
def test_tls_to_plain_http_not_retried(central: FakeOdkCentral) -> None:
    add_form(central, 1)

    with pytest.raises(SourceError) as error:
        read(central, server=central.url.replace("http://", "https://"))

    assert "after 1 attempt" in str(error.value)
    assert "did not answer in TLS" in str(error.value)
    assert len(central.requests) == 0


# --- Odd JSON --------------------------------------------------------------------------


def test_flatten_nested_metadata_dropped() -> None:
    flat = flatten_submission(
        {
            "profile": {"instrument": "partner", "deviceid": "collect:x", "email": "a@b.org"},
            "g": {"meta": {"instanceID": "uuid:1"}, "inner": {"phonenumber": "+1555"}},
        }
    )

    assert flat.answers == {"profile/instrument": "partner"}
    assert flat.dropped == {"profile/deviceid", "profile/email", "g/meta", "g/inner/phonenumber"}


def test_flatten_colliding_keys_rejected() -> None:
    with pytest.raises(SourceError) as error:
        flatten_submission({"answers/p113": "1", "answers": {"p113": "2"}})

    assert "'answers/p113' and 'answers' > 'p113'" in str(error.value)
    assert "column 'answers/p113'" in str(error.value)


def test_raw_responses_collision_names_row() -> None:
    submissions = [
        submission({"q": "1"}, 1),
        submission({"answers": {"p113": "2"}, "answers/p113": "1"}, 2),
    ]

    with pytest.raises(SourceError, match=r"^test, row 3: the fields 'answers' > 'p113' and"):
        raw_responses(submissions, source="test")


def test_flatten_group_as_list_rejected() -> None:
    with pytest.raises(SourceError) as error:
        flatten_submission({"profile": {"instrument": "partner"}, "answers": [1, 2]})

    assert "the field 'answers' is a list" in str(error.value)


def test_flatten_nan_read_as_missing() -> None:
    flat = flatten_submission({"a": math.nan, "b": {"c": math.inf}, "d": 1.5})

    assert flat.answers == {"a": "", "b/c": "", "d": "1.5"}
    assert flat.not_numbers == {"a", "b/c"}


@pytest.mark.usefixtures("signed_in")
def test_nan_from_server_noted(central: FakeOdkCentral) -> None:
    rows = [answers(1), answers(2)]
    rows[1]["function_1"] = {"p111": math.nan}
    central.add_form(PROJECT, FORM, [submission(row, n) for n, row in enumerate(rows, 1)])

    raw = read(central)

    assert raw.table["function_1/p111"].tolist() == ["1", ""]
    assert any("NaN or Infinity" in note and "function_1/p111 (1)" in note for note in raw.notes)


def test_fetch_command_writes_no_metadata(central: FakeOdkCentral, tmp_path: Path) -> None:
    sample = sample_responses().head(4)
    rows = [nested_answers(row) for _, row in sample.iterrows()]
    for row in rows:
        row["profile"]["deviceid"] = "collect:SECRETDEVICE"
        row["profile"]["email"] = "respondent@example.org"
    central.add_form(3, "ccpm", [submission(row, n) for n, row in enumerate(rows, 1)])
    output = tmp_path / "responses.csv"
    env = plugin_env(ODK_CENTRAL_EMAIL=EMAIL, ODK_CENTRAL_PASSWORD=PASSWORD)

    result = run_ccpm(
        "fetch",
        "--source",
        "odk-central",
        "--server",
        central.url,
        "--project-id",
        "3",
        "--form-id",
        "ccpm",
        "-o",
        str(output),
        env=env,
    )

    assert result.returncode == 0, result.stderr
    written = output.read_text() + Path(f"{output}.quality.json").read_text() + result.stderr
    assert "SECRETDEVICE" not in written
    assert "respondent@example.org" not in written
    assert "profile/deviceid" in result.stderr
