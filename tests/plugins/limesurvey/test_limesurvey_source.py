"""The limesurvey source reading a fake LimeSurvey server: paging, states, quirks, options."""

from __future__ import annotations

from typing import Any

import pytest
from limesurvey_fake_server import FAST, PASSWORD, FakeLimeSurvey, FakeQuestion, FakeSurvey
from limesurvey_questionnaires import small_questionnaire

from ccpm_core.errors import InputError, SourceError
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.responses import ExclusionReason
from ccpm_plugins.sources.limesurvey.deployment import deploy_questionnaire
from ccpm_plugins.sources.limesurvey.errors import NoResponsesError, SurveyNotActiveError
from ccpm_plugins.sources.limesurvey.rpc_client import RemoteControlClient
from ccpm_plugins.sources.limesurvey.source import LimesurveySource

PARTNER = {"instrument": "AO01", "organisationtype": "ingo", "p1[1]": "A3", "p1[2]": "A4"}
COORDINATOR = {"instrument": "AO02", "corgsingo": "10", "c1": "A2"}


def deployed(fake: FakeLimeSurvey, url: str, *, activate: bool = True) -> FakeSurvey:
    with RemoteControlClient(url, "admin", PASSWORD, policy=FAST) as client:
        deployment = deploy_questionnaire(client, small_questionnaire(), activate=activate)
    return fake.surveys[deployment.survey_id]


def request(url: str, survey: FakeSurvey, **options: str) -> SourceRequest:
    given = {"url": url, "survey": str(survey.sid), "user": "admin", **options}
    return SourceRequest(questionnaire=small_questionnaire(), options=given)


def source(**options: Any) -> LimesurveySource:
    return LimesurveySource(policy=FAST, **options)


def exports(fake: FakeLimeSurvey) -> list[list[Any]]:
    """Return the parameters after the survey id of every export call."""
    return [call.params[2:] for call in fake.calls if call.method == "export_responses"]


@pytest.mark.usefixtures("password_env")
def test_reads_and_maps_responses(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url)
    survey.add_response(PARTNER)
    survey.add_response(COORDINATOR)

    raw = source().read(request(server_url, survey))
    responses = normalise_responses(raw, small_questionnaire())

    assert raw.table["instrument"].tolist() == ["partner", "coordinator"]
    assert raw.table["p1_1"].tolist() == ["3", ""]
    assert responses.choices[:, 0].tolist() == [3, -1]
    assert responses.counts["c_orgs_ingo"].tolist()[1] == 10.0
    assert raw.source == f"LimeSurvey survey {survey.sid} at {server_url}"


@pytest.mark.usefixtures("password_env")
def test_incomplete_excluded_by_default(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url)
    survey.add_response(PARTNER)
    survey.add_response(PARTNER, complete=False, lastpage="1")
    survey.add_response(COORDINATOR)

    raw = source().read(request(server_url, survey))

    assert len(raw.table) == 2
    assert [(e.row, e.reason) for e in raw.exclusions] == [(3, ExclusionReason.INCOMPLETE)]


@pytest.mark.usefixtures("password_env")
def test_incomplete_included_on_request(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url)
    survey.add_response(PARTNER, complete=False)

    raw = source().read(request(server_url, survey, include_incomplete="yes"))

    assert len(raw.table) == 1
    assert raw.exclusions == ()


@pytest.mark.usefixtures("password_env")
def test_id_ranges_with_gaps(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url)
    for response_id in (20, 1, 9, 2, 10, 5):
        survey.add_response({**PARTNER, "hub": f"hub {response_id}"}, response_id=response_id)

    raw = source(page_size=2).read(request(server_url, survey))

    assert exports(fake) == [
        ["json", None, "all", "code", "short", None, None, ["id"]],
        ["json", None, "all", "code", "short", 1, 2, None],
        ["json", None, "all", "code", "short", 5, 9, None],
        ["json", None, "all", "code", "short", 10, 20, None],
    ]
    assert raw.table["hub"].tolist() == [f"hub {n}" for n in (1, 2, 5, 9, 10, 20)]
    assert list(raw.row_numbers) == [2, 3, 4, 5, 6, 7]


@pytest.mark.usefixtures("password_env")
def test_deleted_during_export_noted(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url)
    for response_id in (1, 2, 3, 4):
        survey.add_response(PARTNER, response_id=response_id)

    def delete_page(target: FakeSurvey, params: list[Any]) -> None:
        # The page of ids 3 and 4 finds them deleted and gets LimeSurvey's all-empty record.
        if params[5] == 3:
            target.responses = [r for r in target.responses if r["id"] in ("1", "2")]

    fake.before_export = delete_page
    raw = source(page_size=2).read(request(server_url, survey))

    assert len(raw.table) == 2
    assert any("2 responses listed at the start" in note for note in raw.notes)


@pytest.mark.usefixtures("password_env")
def test_old_json_layout(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url)
    survey.add_response(PARTNER)
    fake.keyed_json = True

    raw = source().read(request(server_url, survey))

    assert raw.table["instrument"].tolist() == ["partner"]


@pytest.mark.usefixtures("password_env")
@pytest.mark.parametrize(
    "rewrite",
    [str.upper, str.lower, lambda text: text.rstrip("."), lambda text: f"  {text}  "],
    ids=["upper", "lower", "no-stop", "spaces"],
)
def test_not_active_whatever_wording(fake: FakeLimeSurvey, server_url: str, rewrite: Any) -> None:
    survey = deployed(fake, server_url, activate=False)
    fake.status_text = rewrite

    with pytest.raises(SurveyNotActiveError) as error:
        source().read(request(server_url, survey))

    assert f"survey {survey.sid}" in str(error.value)
    assert "is not active" in str(error.value)


@pytest.mark.usefixtures("password_env")
def test_no_responses_is_clear(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url)

    with pytest.raises(NoResponsesError, match="has no responses yet"):
        source().read(request(server_url, survey))


@pytest.mark.usefixtures("password_env")
@pytest.mark.parametrize("active", [True, False])
def test_legacy_no_data_told_apart(fake: FakeLimeSurvey, server_url: str, active: bool) -> None:
    survey = deployed(fake, server_url, activate=active)
    fake.legacy_no_data = True

    expected = NoResponsesError if active else SurveyNotActiveError
    with pytest.raises(expected):
        source().read(request(server_url, survey))


@pytest.mark.usefixtures("password_env")
def test_error_code_of_limesurvey_7(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url, activate=False)
    fake.error_codes = True
    fake.status_text = lambda text: "There is nothing to export"

    with pytest.raises(SurveyNotActiveError):
        source().read(request(server_url, survey))


@pytest.mark.usefixtures("password_env")
def test_unknown_survey_reported(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = FakeSurvey(sid=999, languages=["en"])

    with pytest.raises(SourceError, match=r"survey 999 .* does not exist"):
        source().read(request(server_url, survey))


@pytest.mark.usefixtures("password_env")
def test_answer_options_of_hand_built_survey(fake: FakeLimeSurvey, server_url: str) -> None:
    # Digit codes 0 to 5 in order come back from PHP as a JSON list.
    texts = ["Level 0", "Level 1", "Level 2", "Level 3", "Level 4", "Don't know"]
    answers = [(str(n), {"en": text}) for n, text in enumerate(texts)]
    survey = fake.add_survey(
        FakeSurvey(
            sid=4242,
            languages=["en"],
            active=True,
            questions=[
                FakeQuestion(
                    qid=1,
                    gid=1,
                    title="instrument",
                    type="L",
                    answers=[
                        ("P", {"en": "Cluster partner"}),
                        ("C", {"en": "Cluster coordinator"}),
                    ],
                ),
                FakeQuestion(qid=2, gid=1, title="c1", type="L", answers=answers),
            ],
        )
    )
    survey.add_response({"instrument": "C", "c1": "5"})

    raw = source().read(request(server_url, survey))

    assert raw.table["instrument"].tolist() == ["coordinator"]
    assert raw.table["c1"].tolist() == ["99"]


@pytest.mark.usefixtures("password_env")
def test_progress_groups(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url)
    survey.add_response(PARTNER)
    survey.add_response(PARTNER, complete=False)
    survey.add_response(COORDINATOR)

    groups = source().read_progress(request(server_url, survey))

    assert [name for name, _ in groups] == ["complete", "incomplete"]
    assert [raw.table["instrument"].tolist() for _, raw in groups] == [
        ["partner", "coordinator"],
        ["partner"],
    ]


@pytest.mark.usefixtures("password_env")
def test_progress_without_responses(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url)

    groups = source().read_progress(request(server_url, survey))

    assert [len(raw.table) for _, raw in groups] == [0, 0]
    responses = normalise_responses(groups[0][1], small_questionnaire())
    assert len(responses) == 0


@pytest.mark.usefixtures("password_env")
def test_key_released_after_read(fake: FakeLimeSurvey, server_url: str) -> None:
    survey = deployed(fake, server_url)
    survey.add_response(PARTNER)

    source().read(request(server_url, survey))

    assert fake.session_keys == set()


def test_password_from_named_variable(
    fake: FakeLimeSurvey, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIMESURVEY_PASSWORD", raising=False)
    monkeypatch.setenv("MY_LS_SECRET", PASSWORD)
    survey = deployed(fake, server_url)
    survey.add_response(PARTNER)

    raw = source().read(request(server_url, survey, password_env="MY_LS_SECRET"))

    assert len(raw.table) == 1


def test_missing_password_names_variable(
    fake: FakeLimeSurvey, server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIMESURVEY_PASSWORD", raising=False)
    survey = FakeSurvey(sid=1, languages=["en"])

    with pytest.raises(InputError, match="set the environment variable LIMESURVEY_PASSWORD"):
        source().read(request(server_url, survey))


def test_password_value_as_variable_rejected(server_url: str) -> None:
    survey = FakeSurvey(sid=1, languages=["en"])

    with pytest.raises(InputError, match="not an environment variable name") as error:
        source().read(request(server_url, survey, password_env="my secret!"))

    assert "my secret!" in str(error.value)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"url": "http://127.0.0.1:9/x"}, "needs --survey, --user"),
        ({"url": "http://127.0.0.1:9/x", "survey": "abc", "user": "a"}, "numeric"),
        (
            {
                "url": "http://127.0.0.1:9/x",
                "survey": "1",
                "user": "a",
                "include_incomplete": "perhaps",
            },
            "takes yes or no",
        ),
    ],
)
def test_bad_options_rejected(options: dict[str, str], message: str) -> None:
    request_ = SourceRequest(questionnaire=small_questionnaire(), options=options)

    with pytest.raises(InputError, match=message):
        source().read(request_)


def test_file_and_server_options_rejected(tmp_path: Any) -> None:
    request_ = SourceRequest(
        questionnaire=small_questionnaire(),
        location=str(tmp_path / "export.csv"),
        options={"url": "http://127.0.0.1:9/x"},
    )

    with pytest.raises(InputError, match="either an export file or the server options"):
        source().read(request_)
