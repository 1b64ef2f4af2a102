"""The kobo source on awkward servers: validation with a short count, empty projects, failures.

Every case runs against the fake KoboToolbox server on 127.0.0.1, and the
fuzzing feeds odd JSON submissions both to the parsing functions and, for a
few examples, through the server.
"""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fake_kobo import FAST, FakeAsset, FakeKobo, Fault, content_from_xlsform, submission
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kobo_forms import small_questionnaire

from ccpm_core.errors import CcpmError, SourceError
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.progress import survey_progress
from ccpm_core.responses import ExclusionReason, RawResponses
from ccpm_plugins.exporters.xlsform import XlsFormExporter
from ccpm_plugins.sources.kobo.download import NoSubmissionsError
from ccpm_plugins.sources.kobo.form_content import map_form, parse_form_content
from ccpm_plugins.sources.kobo.source import KoboSource
from ccpm_plugins.sources.kobo.submission_columns import SubmissionColumns
from ccpm_plugins.sources.kobo.submissions import group_field_of, raw_responses_from_columns

QUESTIONNAIRE = small_questionnaire()
EXPORTED = content_from_xlsform(XlsFormExporter().export(QUESTIONNAIRE))
MAPPING = map_form(parse_form_content(EXPORTED, "form"), QUESTIONNAIRE)


def partner(number: int, **extra: Any) -> dict[str, Any]:
    answers = {
        "instrument": "partner",
        "profile/hub": "North",
        "profile/organisation_type": "ingo",
        "partner_function_1/p11": "3",
    }
    return submission(answers, number, **extra)


def request_for(fake: FakeKobo, asset: FakeAsset, **options: str) -> SourceRequest:
    return SourceRequest(QUESTIONNAIRE, None, {"server": fake.url, "asset": asset.uid, **options})


def read(fake: FakeKobo, asset: FakeAsset, **options: str) -> RawResponses:
    return KoboSource(policy=FAST).read(request_for(fake, asset, **options))


def message_of(error: pytest.ExceptionInfo[BaseException]) -> str:
    return str(error.value)


@pytest.fixture(autouse=True)
def _token(token: str) -> None:
    """Every test here reads with the test token in KOBO_TOKEN."""


@pytest.fixture
def mixed_statuses(fake: FakeKobo) -> FakeAsset:
    """Asset of four submissions whose data page serves three while "count" is still 4.

    The served rows are not approved, without status ({}) and approved.
    """
    rows = [
        partner(1, validation="validation_status_not_approved"),
        partner(2),
        partner(3, validation="validation_status_approved"),
        partner(4, validation="validation_status_approved"),
    ]
    asset = fake.add_asset(copy.deepcopy(EXPORTED), rows)
    # The data page leaves out the last submission, but its "count" stays 4.
    fake.faults.append(Fault(path="/data/", times=10, drop_rows=1))
    return asset


# --- Validation status and a count one above the data -----------------------------


def test_validation_all_keeps_every_row(fake: FakeKobo, mixed_statuses: FakeAsset) -> None:
    raw = read(fake, mixed_statuses)

    assert raw.row_numbers == [2, 3, 4]
    assert raw.exclusions == ()


def test_validation_all_notes_unapproved(fake: FakeKobo, mixed_statuses: FakeAsset) -> None:
    raw = read(fake, mixed_statuses)

    assert any("2 submissions are not approved" in note for note in raw.notes)
    assert any("1 no validation status, 1 not approved" in note for note in raw.notes)


def test_validation_approved_excludes(fake: FakeKobo, mixed_statuses: FakeAsset) -> None:
    raw = read(fake, mixed_statuses, validation="approved")

    assert raw.row_numbers == [4]
    assert [(e.row, e.reason, e.detail) for e in raw.exclusions] == [
        (2, ExclusionReason.NOT_APPROVED, "not approved"),
        (3, ExclusionReason.NOT_APPROVED, "no validation status"),
    ]


def test_count_shortfall_noted(fake: FakeKobo, mixed_statuses: FakeAsset) -> None:
    raw = read(fake, mixed_statuses)

    (note,) = [note for note in raw.notes if "the server counts" in note]
    assert "counts 4 submissions but sent 3, so 1 is missing" in note
    assert "run the command again" in note


def test_count_shortfall_in_data_quality(fake: FakeKobo, mixed_statuses: FakeAsset) -> None:
    raw = read(fake, mixed_statuses, validation="approved")

    quality = normalise_responses(raw, QUESTIONNAIRE).quality

    assert quality.rows_read == 3
    assert quality.rows_scored == 1
    assert quality.exclusion_counts() == {"not_approved": 2}
    assert any("counts 4 submissions but sent 3" in note for note in quality.notes)


def test_count_shortfall_logged(
    fake: FakeKobo, mixed_statuses: FakeAsset, caplog: pytest.LogCaptureFixture
) -> None:
    read(fake, mixed_statuses)

    assert any("received 3 of 4 submissions" in record.message for record in caplog.records)


def test_invalid_validation_choice(fake: FakeKobo, mixed_statuses: FakeAsset) -> None:
    with pytest.raises(CcpmError) as caught:
        read(fake, mixed_statuses, validation="yes")

    assert "'approved'" in message_of(caught)
    assert fake.data_requests() == []


# --- Empty projects ----------------------------------------------------------------


def test_empty_project_read_is_error(fake: FakeKobo) -> None:
    asset = fake.add_asset(copy.deepcopy(EXPORTED), [])

    with pytest.raises(NoSubmissionsError) as caught:
        read(fake, asset)

    assert "has no submissions yet" in message_of(caught)
    assert "ccpm progress --source kobo" in message_of(caught)


def test_empty_project_progress_counts_zero(fake: FakeKobo) -> None:
    asset = fake.add_asset(copy.deepcopy(EXPORTED), [])

    groups = KoboSource(policy=FAST).read_progress(request_for(fake, asset))

    ((name, raw),) = groups
    progress = survey_progress(normalise_responses(raw, QUESTIONNAIRE), name)
    assert len(raw.table) == 0
    assert progress.partners == 0
    assert progress.coordinators == 0


def test_empty_export_file_is_error(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("instrument,profile/hub\n", encoding="utf-8")

    with pytest.raises(NoSubmissionsError) as caught:
        KoboSource().read(SourceRequest(QUESTIONNAIRE, str(path), {}))

    assert "export.csv: the export holds no submissions" in message_of(caught)


def test_empty_export_file_progress_zero(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("instrument,profile/hub\n", encoding="utf-8")

    ((name, raw),) = KoboSource().read_progress(SourceRequest(QUESTIONNAIRE, str(path), {}))

    assert name == "responses"
    assert len(raw.table) == 0


def test_count_without_rows_is_error(fake: FakeKobo) -> None:
    asset = fake.add_asset(copy.deepcopy(EXPORTED), [partner(1)])
    fake.faults.append(Fault(path="/data/", drop_rows=1))

    with pytest.raises(SourceError) as caught:
        read(fake, asset)

    assert "counts 1 submissions but sent none" in message_of(caught)
    assert not isinstance(caught.value, NoSubmissionsError)


# --- Server failures ------------------------------------------------------------


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_server_down_one_line() -> None:
    request = SourceRequest(
        QUESTIONNAIRE, None, {"server": f"http://127.0.0.1:{closed_port()}", "asset": "aBc123"}
    )

    with pytest.raises(SourceError) as caught:
        KoboSource(policy=FAST).read(request)

    message = message_of(caught)
    assert "could not connect: connection refused." in message
    assert "\n" not in message
    assert "ConnectionPool" not in message
    assert " object at 0x" not in message


def test_server_error_names_next_step(fake: FakeKobo) -> None:
    asset = fake.add_asset(copy.deepcopy(EXPORTED), [partner(1)])
    fake.fail("/data/", 500, times=10)

    with pytest.raises(SourceError) as caught:
        read(fake, asset)

    assert "HTTP 500" in message_of(caught)
    assert "try again in a few minutes" in message_of(caught)
    assert "administrator" in message_of(caught)


def test_forbidden_message_short(fake: FakeKobo) -> None:
    asset = fake.add_asset(copy.deepcopy(EXPORTED), [partner(1)])
    asset.viewers = {"ccpm_tester": "view_asset"}

    with pytest.raises(SourceError) as caught:
        read(fake, asset, token_env="KOBO_TOKEN")

    message = message_of(caught)
    assert "HTTP 403" in message
    assert "'View submissions'" in message
    assert "KOBO_TOKEN" in message
    assert "fields=" not in message or "..." in message
    assert len(message) < 400


def test_server_without_scheme_not_contacted(fake: FakeKobo) -> None:
    host = fake.url.removeprefix("http://")
    request = SourceRequest(QUESTIONNAIRE, None, {"server": host, "asset": "aBc123"})

    with pytest.raises(SourceError) as caught:
        KoboSource(policy=FAST).read(request)

    assert f"--server https://{host}" in message_of(caught)
    assert fake.requests == []


# --- Fuzzing ---------------------------------------------------------------------

FIELDS = [
    "instrument",
    "profile/hub",
    "profile/organisation_type",
    "partner_function_1/p11",
    "partner_function_1/p_comment_1",
    "organisation_counts/c_orgs_ingo",
    "repeat_group",
    "group/nested/deep",
    "_validation_status",
    "_submission_time",
    "meta/rootUuid",
    "_id",
    "__version__",
]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["", " ", "partner", "coordinator", "3", "-5", "=1+1", "x" * 5000]),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(max_size=8), children, max_size=3),
    ),
    max_leaves=8,
)
_submissions = st.lists(
    st.one_of(
        st.dictionaries(st.sampled_from(FIELDS), _values, max_size=8),
        _values,
    ),
    max_size=6,
)


def result_or_error(action: Callable[[], RawResponses]) -> RawResponses | CcpmError:
    """Run ``action`` and return its result, or the ccpm error it raised."""
    try:
        return action()
    except CcpmError as error:
        return error


def read_records(records: list[Any], validation: str) -> RawResponses:
    columns = SubmissionColumns(group_field_of(MAPPING), MAPPING.metadata)
    columns.add_page(records, "page 1")
    return raw_responses_from_columns(
        columns, MAPPING, QUESTIONNAIRE, source="fuzz", validation=validation
    )


@settings(max_examples=60, deadline=None)
@given(records=_submissions, validation=st.sampled_from(["all", "approved"]))
def test_fuzzed_submissions_read_or_rejected(records: list[Any], validation: str) -> None:
    raw = result_or_error(lambda: read_records(records, validation))

    if isinstance(raw, CcpmError):
        assert str(raw)
        return
    assert len(raw.table) + len(raw.exclusions) == len(records)
    normalise_responses(raw, QUESTIONNAIRE)


_pages = st.one_of(
    st.fixed_dictionaries(
        {
            "count": st.one_of(st.integers(min_value=-1, max_value=5), st.text(max_size=3)),
            "next": st.one_of(st.none(), st.just(""), st.integers()),
            "results": st.one_of(_submissions, _scalars),
        }
    ),
    _values,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(page=_pages)
def test_fuzzed_pages_served(fake: FakeKobo, page: Any) -> None:
    asset = fake.add_asset(copy.deepcopy(EXPORTED), [partner(1)])
    fake.faults.append(Fault(path=f"/assets/{asset.uid}/data/", status=200, body=page))

    raw = result_or_error(lambda: read(fake, asset))

    if isinstance(raw, CcpmError):
        assert str(raw)
        return
    assert json.dumps(raw.notes)
