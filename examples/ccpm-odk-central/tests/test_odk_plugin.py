"""The plugin as ccpm loads it: the hook, the entry point and a whole ``ccpm score`` run."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.plugins import PluginHost
from ccpm_core.questionnaire import PROFILE_CODES, standard_questionnaire
from ccpm_core.sample import sample_responses
from ccpm_core.scoring import score

import ccpm_odk_central.plugin
from ccpm_odk_central import OdkCentralSource
from fake_odk_central import EMAIL, PASSWORD, FakeOdkCentral, submission

DISTRIBUTION = "ccpm-odk-central"


def nested_answers(row: pd.Series) -> dict[str, Any]:
    """Arrange one canonical row as ODK Central nests it: groups per function and item."""
    answers: dict[str, Any] = {"profile": {}, "counts": {}, "comments": {}}
    for code, text in zip(row.index.astype(str), row.astype(str), strict=True):
        value: Any = text if text != "" else None
        if code in PROFILE_CODES:
            answers["profile"][code] = value
        elif code.startswith(("c_orgs_", "c_attending_")):
            answers["counts"][code] = int(text) if text.isdecimal() else value
        elif "_comment_" in code:
            answers["comments"][code] = value
        else:
            function = answers.setdefault(f"function_{code[1]}", {})
            function.setdefault(f"item_{code[1:3]}", {})[code] = value
    return answers


def run_ccpm(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ccpm_plugins.cli.main", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def plugin_env(**variables: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ODK_")}
    return {**env, "CCPM_PLUGINS": DISTRIBUTION, **variables}


def test_plugin_hook_registers_source() -> None:
    host = PluginHost(load_entry_points=False)
    host.register_plugin(ccpm_odk_central.plugin)

    assert isinstance(host.source("odk-central"), OdkCentralSource)


def test_plugin_options_declared() -> None:
    names = [option.name for option in OdkCentralSource.options]

    assert names == [
        "server",
        "project_id",
        "form_id",
        "email_env",
        "password_env",
        "token_env",
        "review_state",
    ]


def test_plugin_entry_point_installed() -> None:
    entry_points = importlib.metadata.distribution(DISTRIBUTION).entry_points

    assert [(e.group, e.name, e.value) for e in entry_points] == [
        ("ccpm", "odk_central", "ccpm_odk_central.plugin")
    ]


def test_plugin_loaded_when_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPM_PLUGINS", DISTRIBUTION)

    assert "odk-central" in PluginHost().sources()


def test_plugin_not_loaded_when_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCPM_PLUGINS", "")

    assert "odk-central" not in PluginHost().sources()


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return sample_responses()


def csv_results(sample: pd.DataFrame, path: Path) -> dict[str, Any]:
    """Score the sample through the CSV source, as ``ccpm score FILE --format json`` does."""
    sample.to_csv(path, index=False)
    host = PluginHost(("ccpm_plugins.sources.csv_file",), load_entry_points=False)
    questionnaire = standard_questionnaire()
    raw = host.source("csv").read(SourceRequest(questionnaire, str(path)))
    document = score(normalise_responses(raw, questionnaire)).to_dict()
    parsed: dict[str, Any] = json.loads(json.dumps(document))
    return parsed


def test_score_command_matches_csv(
    central: FakeOdkCentral, sample: pd.DataFrame, tmp_path: Path
) -> None:
    rows = [nested_answers(row) for _, row in sample.iterrows()]
    central.add_form(3, "ccpm", [submission(answers, n) for n, answers in enumerate(rows, 1)])
    env = plugin_env(ODK_CENTRAL_EMAIL=EMAIL, ODK_CENTRAL_PASSWORD=PASSWORD)

    result = run_ccpm(
        "score",
        "--source",
        "odk-central",
        "--server",
        central.url,
        "--project-id",
        "3",
        "--form-id",
        "ccpm",
        "--format",
        "json",
        env=env,
    )

    assert result.returncode == 0, result.stderr
    odk_results = json.loads(result.stdout)
    assert odk_results["levels"] == csv_results(sample, tmp_path / "responses.csv")["levels"]
    assert odk_results["data_quality"]["rows_read"] == len(sample)
    assert len(central.requests_to("/Submissions")) == (len(sample) + 1) // 2
    output = result.stdout + result.stderr
    assert "uuid:" not in output
    assert "Field Officer" not in output
    assert PASSWORD not in output


def test_score_command_wrong_password(central: FakeOdkCentral) -> None:
    central.add_form(3, "ccpm", [])
    env = plugin_env(ODK_CENTRAL_EMAIL=EMAIL, ODK_CENTRAL_PASSWORD="not the password")

    result = run_ccpm(
        "score",
        "--source",
        "odk-central",
        "--server",
        central.url,
        "--project-id",
        "3",
        "--form-id",
        "ccpm",
        env=env,
    )

    assert result.returncode == 1
    assert "ODK_CENTRAL_PASSWORD" in result.stderr
    assert "not the password" not in result.stderr
    assert "Traceback" not in result.stderr


def test_score_command_plugin_disabled(central: FakeOdkCentral) -> None:
    env = plugin_env(CCPM_PLUGINS="")

    result = run_ccpm("score", "--source", "odk-central", env=env)

    assert result.returncode != 0
    assert "unknown survey source 'odk-central'" in result.stderr
