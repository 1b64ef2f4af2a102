"""The command line against a fake LimeSurvey server: deploy, progress, fetch, score, close."""

from __future__ import annotations

import json
import logging
import random
import re
from pathlib import Path
from typing import Any

import pytest
from limesurvey_fake_server import PASSWORD, FakeLimeSurvey, FakeSurvey, csv_export
from limesurvey_questionnaires import small_questionnaire, small_questionnaire_data

from ccpm_core.questionnaire import Questionnaire, standard_questionnaire
from ccpm_plugins.sources.limesurvey.codes import LimeSurveyCodes
from cli_runner import run

PARTNERS = 12
COORDINATORS = 2

# Most tests use a small questionnaire, because reading the standard one takes one
# answer-option call per question. The standard one is deployed and read end to end once.


def server_options(
    url: str, survey_id: int | None = None, questionnaire: Path | None = None
) -> list[str]:
    options = ["--url", url, "--user", "admin"]
    if survey_id is not None:
        options += ["--survey", str(survey_id)]
    if questionnaire is not None:
        options += ["--questionnaire", str(questionnaire)]
    return options


def deploy(url: str, capsys: pytest.CaptureFixture[str], questionnaire: Path | None = None) -> int:
    code, out, err = run(
        ["limesurvey", "deploy", *server_options(url, questionnaire=questionnaire)], capsys
    )
    assert code == 0, err
    match = re.search(r"Survey id: (\d+) \(active\)", out)
    assert match is not None, out
    return int(match.group(1))


def ls_record(
    questionnaire: Questionnaire, codes: LimeSurveyCodes, answers: dict[str, str]
) -> dict[str, str]:
    """Write canonical answers as LimeSurvey stores them: code headings and answer codes."""
    record = {}
    for code, value in answers.items():
        question = questionnaire.question(code)
        if question.scale is not None and value:
            value = codes.answer_codes(question.scale)[value]
        record[codes.questions.heading(code)] = value
    return record


def add_responses(survey: FakeSurvey, questionnaire: Questionnaire) -> None:
    """Add partners and coordinators at the national level and one hub, and one incomplete."""
    from ccpm_core.framework import Instrument
    from ccpm_core.questionnaire import QuestionKind

    codes = LimeSurveyCodes.for_questionnaire(questionnaire)
    rng = random.Random(11)
    types = [
        o.code for o in questionnaire.scale_of(questionnaire.question("organisation_type")).options
    ]

    def answers(instrument: Instrument, hub: str) -> dict[str, str]:
        result = {"instrument": instrument.value, "hub": hub}
        if instrument is Instrument.PARTNER:
            result["organisation_type"] = rng.choice(types)
        for question in questionnaire.questions_of(QuestionKind.RATING, instrument):
            options = questionnaire.scale_of(question).options
            result[question.code] = rng.choice(options).code
        for question in questionnaire.questions:
            if question.count is not None and instrument is Instrument.COORDINATOR:
                result[question.code] = str(rng.randint(1, 9))
        return result

    for number in range(PARTNERS):
        hub = "North" if number % 3 == 0 else ""
        survey.add_response(ls_record(questionnaire, codes, answers(Instrument.PARTNER, hub)))
    for hub in ("", "North"):
        survey.add_response(ls_record(questionnaire, codes, answers(Instrument.COORDINATOR, hub)))
    survey.add_response(
        ls_record(questionnaire, codes, answers(Instrument.PARTNER, "")), complete=False
    )


@pytest.fixture
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("questionnaire") / "small.json"
    path.write_text(json.dumps(small_questionnaire_data()), encoding="utf-8")
    return path


@pytest.fixture
def running_survey(
    fake: FakeLimeSurvey,
    server_url: str,
    password_env: str,
    small_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> int:
    survey_id = deploy(server_url, capsys, small_file)
    add_responses(fake.surveys[survey_id], small_questionnaire())
    return survey_id


@pytest.fixture
def options(server_url: str, running_survey: int, small_file: Path) -> list[str]:
    """Return the options that read the running survey with the small questionnaire."""
    return server_options(server_url, running_survey, small_file)


def test_deploy_prints_id_and_link(
    fake: FakeLimeSurvey, server_url: str, password_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["limesurvey", "deploy", *server_options(server_url)], capsys)

    survey_id = int(re.findall(r"Survey id: (\d+)", out)[0])
    link = server_url.replace("/admin/remotecontrol", f"/{survey_id}")
    assert code == 0
    assert f"Link: {link}" in out
    assert fake.surveys[survey_id].active
    assert fake.surveys[survey_id].languages == ["en", "fr", "es", "ar"]
    assert fake.session_keys == set()


def test_deploy_without_activation(
    fake: FakeLimeSurvey, server_url: str, password_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ["limesurvey", "deploy", *server_options(server_url), "--no-activate"], capsys
    )

    assert code == 0
    assert "(imported, not active)" in out
    assert not any(survey.active for survey in fake.surveys.values())


def test_deploy_wrong_password(
    server_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OTHER_SECRET", "not-the-password")

    code, out, err = run(
        ["limesurvey", "deploy", *server_options(server_url), "--password-env", "OTHER_SECRET"],
        capsys,
    )

    assert code == 1
    assert "rejected the login of user 'admin'" in err
    assert "environment variable OTHER_SECRET" in err
    assert "not-the-password" not in out + err


def test_progress_counts_both_groups(
    options: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["progress", "--source", "limesurvey", *options], capsys)

    assert code == 0, err
    assert f"Complete: {PARTNERS} partners, {COORDINATORS} coordinators" in out
    assert "Incomplete: 1 partner, 0 coordinators" in out
    assert "Hub: North" in out


def test_progress_json_groups(options: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["progress", "--source", "limesurvey", *options, "--format", "json"], capsys)

    groups = json.loads(out)["groups"]
    assert code == 0
    assert [group["group"] for group in groups] == ["complete", "incomplete"]
    assert [group["partners"] for group in groups] == [PARTNERS, 1]
    national = groups[0]["levels"][0]["partners_by_organisation_type"]
    assert sum(national.values()) == groups[0]["levels"][0]["partners"]


def score_levels(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[Any]:
    code, out, err = run(["score", *argv, "--format", "json"], capsys)
    assert code == 0, err
    levels: list[Any] = json.loads(out)["levels"]
    return levels


def test_fetch_then_score_equals_direct_score(
    options: list[str], small_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "responses.csv"

    code, _, err = run(["fetch", "limesurvey", *options, "-o", str(output)], capsys)
    from_file = score_levels([str(output), "--questionnaire", str(small_file)], capsys)
    direct = score_levels(["--source", "limesurvey", *options], capsys)

    assert code == 0
    assert f"{PARTNERS + COORDINATORS} responses written" in err
    assert "excluded as incomplete: 1" in err
    assert from_file == direct
    assert [level["hub"] for level in direct] == [None, "North"]


def test_standard_questionnaire_end_to_end(
    fake: FakeLimeSurvey,
    server_url: str,
    password_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    survey_id = deploy(server_url, capsys)
    add_responses(fake.surveys[survey_id], standard_questionnaire())
    options = server_options(server_url, survey_id)
    output = tmp_path / "responses.csv"

    fetched = run(["fetch", "limesurvey", *options, "-o", str(output)], capsys)
    from_file = score_levels([str(output)], capsys)
    direct = score_levels(["--source", "limesurvey", *options], capsys)

    assert fetched[0] == 0, fetched[2]
    assert "unrecognised answers" in fetched[2]
    assert " 0 unrecognised answers" in fetched[2]
    assert from_file == direct
    assert [level["hub"] for level in direct] == [None, "North"]


def test_include_incomplete_option(
    options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "responses.csv"

    code, _, err = run(
        ["fetch", "limesurvey", *options, "--include-incomplete", "-o", str(output)],
        capsys,
    )

    assert code == 0, err
    assert f"{PARTNERS + COORDINATORS + 1} responses written" in err


def test_score_of_exported_csv_file(
    fake: FakeLimeSurvey,
    running_survey: int,
    options: list[str],
    small_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    survey = fake.surveys[running_survey]
    export = tmp_path / "results-survey.csv"
    export.write_bytes(csv_export([dict(r) for r in survey.responses]))

    from_export = score_levels(
        [str(export), "--source", "limesurvey", "--questionnaire", str(small_file)], capsys
    )
    direct = score_levels(["--source", "limesurvey", *options], capsys)

    assert from_export == direct


def test_no_responses_said_plainly(
    server_url: str,
    password_env: str,
    small_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    survey_id = deploy(server_url, capsys, small_file)
    options = server_options(server_url, survey_id, small_file)

    fetch = run(["fetch", "limesurvey", *options, "-o", str(tmp_path / "r.csv")], capsys)
    report = run(
        ["report", "--source", "limesurvey", *options, "-o", str(tmp_path / "report.md")], capsys
    )
    progress = run(["progress", "--source", "limesurvey", *options], capsys)

    assert fetch[0] == 1
    assert "has no responses yet" in fetch[2]
    assert not (tmp_path / "r.csv").exists()
    assert report[0] == 1
    assert "has no responses yet" in report[2]
    assert not (tmp_path / "report.md").exists()
    assert progress[0] == 0
    assert "Complete: 0 partners, 0 coordinators" in progress[1]


def test_no_responses_in_export_file(
    small_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "results-survey.csv"
    export.write_bytes(csv_export([dict.fromkeys(["id", "submitdate", "instrument"], "")]))

    code, _, err = run(
        ["report", str(export), "--source", "limesurvey", "-o", str(tmp_path / "report.md")],
        capsys,
    )

    assert code == 1
    assert "the export holds no responses" in err


def test_not_active_said_plainly(
    fake: FakeLimeSurvey,
    server_url: str,
    password_env: str,
    small_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(
        [
            "limesurvey",
            "deploy",
            *server_options(server_url, questionnaire=small_file),
            "--no-activate",
        ],
        capsys,
    )
    survey_id = next(iter(fake.surveys))

    code, _, err = run(
        ["score", "--source", "limesurvey", *server_options(server_url, survey_id, small_file)],
        capsys,
    )

    assert code == 1
    assert f"LimeSurvey survey {survey_id} at {server_url} is not active" in err


def test_close_sets_expiry(
    fake: FakeLimeSurvey, server_url: str, running_survey: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["limesurvey", "close", *server_options(server_url, running_survey)], capsys
    )

    expires = fake.surveys[running_survey].expires
    assert code == 0, err
    assert expires is not None
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", expires)
    assert f"Survey {running_survey} closed: its expiry time is now {expires}" in out


def test_close_at_given_time(
    fake: FakeLimeSurvey, server_url: str, running_survey: int, capsys: pytest.CaptureFixture[str]
) -> None:
    close = ["limesurvey", "close", *server_options(server_url, running_survey)]

    code, out, _ = run([*close, "--expires", "2026-12-31 18:00"], capsys)
    bad = run([*close, "--expires", "tomorrow"], capsys)

    assert code == 0
    assert f"Survey {running_survey} will close at 2026-12-31 18:00:00" in out
    assert "closed" not in out
    assert fake.surveys[running_survey].expires == "2026-12-31 18:00:00"
    assert bad[0] == 2
    assert "'tomorrow'" in bad[2]


def test_close_unknown_survey(
    server_url: str, password_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["limesurvey", "close", *server_options(server_url, 777)], capsys)

    assert code == 1
    assert "could not close survey 777" in err


def test_password_never_output(
    server_url: str,
    running_survey: int,
    options: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="ccpm_plugins")
    outputs = [
        run(["fetch", "limesurvey", *options, "-o", str(tmp_path / "r.csv")], capsys),
        run(["progress", "--source", "limesurvey", *options], capsys),
        run(["score", "--source", "limesurvey", *options, "-o", str(tmp_path / "s.txt")], capsys),
        run(["limesurvey", "close", *server_options(server_url, running_survey)], capsys),
    ]

    assert all(code == 0 for code, _, _ in outputs)
    for _, out, err in outputs:
        assert PASSWORD not in out
        assert PASSWORD not in err
    assert caplog.records
    assert PASSWORD not in caplog.text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
