"""The KoboToolbox commands end to end: deploy, progress, fetch, score, close; and the token."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fake_kobo import TOKEN, FakeKobo, GeneratedSubmissions, submission
from kobo_forms import small_questionnaire

from ccpm_core.questionnaire import standard_questionnaire
from ccpm_plugins.cli.main import main
from cli_runner import run

TITLE = "Cluster Coordination Performance Monitoring (CCPM) questionnaire"


@pytest.fixture(scope="module")
def small_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small test questionnaire as a JSON file, quicker to deploy than the standard one."""
    path = tmp_path_factory.mktemp("questionnaire") / "small.json"
    path.write_text(small_questionnaire().model_dump_json(by_alias=True), encoding="utf-8")
    return path


def deploy(fake: FakeKobo, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, out, err = run(["kobo", "deploy", "--server", fake.url, *extra], capsys)
    assert code == 0, err
    return out.splitlines()[0].removeprefix("Asset uid: ")


@pytest.fixture(scope="module")
def survey() -> Iterator[FakeKobo]:
    """A fake server holding the standard questionnaire deployed through the CLI, answered."""
    with pytest.MonkeyPatch.context() as patch, FakeKobo() as fake:
        patch.setenv("KOBO_TOKEN", TOKEN)
        main(["kobo", "deploy", "--server", fake.url])
        (asset,) = fake.assets.values()
        rows = list(GeneratedSubmissions(standard_questionnaire(), asset.content, 2600, seed=5))
        # Submission 3 was edited later: the first version must not be scored.
        first = dict(rows[2], _submission_time="2026-04-30T08:00:00", _id=9001)
        rows.append(first)
        asset.submissions = rows
        yield fake


def asset_uid(fake: FakeKobo) -> str:
    (uid,) = fake.assets
    return uid


# --- Deploy and close --------------------------------------------------------------


def test_standard_deployed_via_cli(survey: FakeKobo) -> None:
    (asset,) = survey.assets.values()
    assert asset.active is True
    assert asset.name == TITLE


def test_deploy_output(
    fake: FakeKobo, token: str, small_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["kobo", "deploy", "--server", fake.url, "--questionnaire", str(small_file)]

    code, out, err = run(argv, capsys)

    uid = asset_uid(fake)
    assert code == 0
    assert out.splitlines() == [
        f"Asset uid: {uid}",
        f"Survey link: https://ee.example.org/{uid}",
    ]
    assert "is deployed and accepts submissions" in err


def test_deploy_named_questionnaire(
    fake: FakeKobo, token: str, small_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uid = deploy(fake, capsys, "--questionnaire", str(small_file), "--name", "Health 2026")

    asset = fake.assets[uid]
    names = [row.get("name") for row in asset.content["survey"]]
    assert asset.name == "Health 2026"
    assert asset.active is True
    assert "p11" in names
    assert "p111" not in names


def test_deploy_uploads_xlsform(
    fake: FakeKobo, token: str, small_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deploy(fake, capsys, "--questionnaire", str(small_file))

    (upload,) = [r for r in fake.requests if r.path == "/api/v2/imports/"]
    assert upload.method == "POST"
    assert upload.headers["Content-Type"].startswith("multipart/form-data")


def test_close_archives(
    fake: FakeKobo, token: str, small_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uid = deploy(fake, capsys, "--questionnaire", str(small_file))

    code, out, _ = run(["kobo", "close", "--server", fake.url, "--asset", uid], capsys)

    assert code == 0
    assert f"Project {uid} is archived" in out
    assert fake.assets[uid].active is False


def test_deploy_without_token(
    fake: FakeKobo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("KOBO_TOKEN", raising=False)

    code, _, err = run(["kobo", "deploy", "--server", fake.url], capsys)

    assert code == 1
    assert (
        "Error: the KoboToolbox API token is missing: set the environment variable KOBO_TOKEN"
        in err
    )
    assert fake.requests == []


def test_deploy_other_variable(
    fake: FakeKobo,
    small_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("KOBO_TOKEN", raising=False)
    monkeypatch.setenv("HEALTH_KOBO", TOKEN)

    uid = deploy(fake, capsys, "--token-env", "HEALTH_KOBO", "--questionnaire", str(small_file))

    assert uid in fake.assets


def test_no_token_option(fake: FakeKobo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["kobo", "deploy", "--server", fake.url, "--token", TOKEN], capsys)

    assert code == 2
    assert "No such option '--token'" in err


# --- Progress, fetch and score ------------------------------------------------------


def test_progress_json(survey: FakeKobo, capsys: pytest.CaptureFixture[str]) -> None:
    uid = asset_uid(survey)
    argv = ["progress", "--source", "kobo", "--server", survey.url, "--asset", uid]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KOBO_TOKEN", TOKEN)
        code, out, err = run([*argv, "--format", "json"], capsys)

    document = json.loads(out)
    (group,) = document["groups"]
    assert code == 0, err
    assert group["coordinators"] == 65
    assert group["partners"] == 2535
    assert group["excluded"] == {"superseded": 1}
    assert [level["hub"] for level in group["levels"]] == [None, "Coastal hub", "North-East hub"]


def test_progress_table(survey: FakeKobo, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["progress", "--source", "kobo", "--server", survey.url, "--asset", asset_uid(survey)]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KOBO_TOKEN", TOKEN)
        code, out, _ = run(argv, capsys)

    assert code == 0
    assert out.startswith("Responses: 2535 partners, 65 coordinators")


def test_fetch_then_score_same_results(
    survey: FakeKobo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uid = asset_uid(survey)
    output = tmp_path / "responses.csv"
    backend = ["--server", survey.url, "--asset", uid]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KOBO_TOKEN", TOKEN)
        fetched = run(["fetch", "kobo", *backend, "-o", str(output)], capsys)
        direct = run(["score", "--source", "kobo", *backend, "--format", "json"], capsys)
    from_file = run(["score", str(output), "--format", "json"], capsys)

    assert fetched[0] == 0
    assert "2600 responses written" in fetched[2]
    assert "excluded as superseded: 1" in fetched[2]
    assert direct[0] == 0
    assert from_file[0] == 0
    assert json.loads(direct[1])["levels"] == json.loads(from_file[1])["levels"]


def test_fetched_file_anonymous(
    survey: FakeKobo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "responses.csv"
    argv = [
        "fetch",
        "kobo",
        "--server",
        survey.url,
        "--asset",
        asset_uid(survey),
        "-o",
        str(output),
    ]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KOBO_TOKEN", TOKEN)
        run(argv, capsys)

    table = pd.read_csv(output, dtype=str, keep_default_na=False)
    text = output.read_text(encoding="utf-8")
    assert list(table.columns[:3]) == ["instrument", "hub", "organisation_type"]
    for name in ("_id", "_uuid", "_submission_time", "meta/rootUuid", "start", "end"):
        assert name not in table.columns
    assert "enumerator_7" not in text
    assert "uuid:" not in text
    assert "7c1e-4a52" not in text


def test_score_reports_metadata_note(survey: FakeKobo, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["score", "--source", "kobo", "--server", survey.url, "--asset", asset_uid(survey)]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KOBO_TOKEN", TOKEN)
        code, out, _ = run([*argv, "--format", "json"], capsys)

    quality = json.loads(out)["data_quality"]
    assert code == 0
    assert quality["unknown_columns"] == []
    assert sum("metadata" in note for note in quality["notes"]) == 1
    assert "enumerator_7" not in out


def test_score_approved_only(survey: FakeKobo, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["score", "--source", "kobo", "--server", survey.url, "--asset", asset_uid(survey)]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KOBO_TOKEN", TOKEN)
        code, out, _ = run([*argv, "--validation", "approved", "--format", "json"], capsys)

    counts = json.loads(out)["data_quality"]["exclusion_counts"]
    assert code == 0
    # Every seventh of the 2600 generated submissions has no validation status.
    assert counts == {"not_approved": 372, "superseded": 1}


def test_score_export_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        '"instrument";"profile/hub";"partner_function_1/p111";"_id"\r\n'
        '"partner";"North";"3";"1"\r\n"partner";"North";"4";"2"\r\n',
        encoding="utf-8",
    )

    code, out, err = run(["score", str(path), "--source", "kobo", "--format", "json"], capsys)

    assert code == 0, err
    assert json.loads(out)["data_quality"]["rows_scored"] == 2


def test_fetch_unknown_asset_error(
    fake: FakeKobo, token: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "fetch",
        "kobo",
        "--server",
        fake.url,
        "--asset",
        "aMissing1",
        "-o",
        str(tmp_path / "x.csv"),
    ]

    code, _, err = run(argv, capsys)

    assert code == 1
    assert err.startswith("Error: GET ")
    assert "HTTP 404" in err
    assert "missing or wrong token" in err


def test_fetch_needs_asset(fake: FakeKobo, token: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["fetch", "kobo", "--server", fake.url, "-o", "x.csv"], capsys)

    assert code == 1
    assert "needs --server and --asset" in err


# --- The token never shows -----------------------------------------------------------


def test_token_in_no_output_log_or_file(
    fake: FakeKobo,
    token: str,
    small_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    uid = deploy(fake, capsys, "--questionnaire", str(small_file))
    asset = fake.assets[uid]
    asset.submissions = [submission({"instrument": "partner"}, n) for n in range(1, 1500)]
    fake.fail("/data/", 503)
    backend = ["--server", fake.url, "--asset", uid, "--questionnaire", str(small_file)]
    close = ["kobo", "close", "--server", fake.url, "--asset", uid]

    outputs = [
        run(["progress", "--source", "kobo", *backend], capsys),
        run(["fetch", "kobo", *backend, "-o", str(tmp_path / "out.csv")], capsys),
        run(["score", "--source", "kobo", *backend, "-o", str(tmp_path / "s.json")], capsys),
        run(["score", "--source", "kobo", "--server", fake.url, "--asset", "aNo1"], capsys),
        run(close, capsys),
    ]

    assert [code for code, _, _ in outputs] == [0, 0, 0, 1, 0]
    assert "retrying" in caplog.text
    for _, out, err in outputs:
        assert TOKEN not in out
        assert TOKEN not in err
    assert TOKEN not in caplog.text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path
