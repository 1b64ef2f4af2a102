"""The ``ccpm dashboard`` command: output file, language, and one-line errors.

Most tests replace the portfolio loader by a module that returns a fixed
frame or raises, so they check the command alone; the last one runs the real
loader on results files written by ``ccpm score``.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from dashboard_samples import embedded_payload, sample_frame

from ccpm_core.errors import InputError
from ccpm_core.sample import sample_responses
from ccpm_plugins import BUILTIN_PLUGINS
from ccpm_plugins.cli.main import cli, main

LOADER_MODULE = "ccpm_plugins.portfolio.loading"


def _install_loader(monkeypatch: pytest.MonkeyPatch, load: Callable[[str], pd.DataFrame]) -> None:
    """Replace the portfolio loader module by one whose load_portfolio calls ``load``."""

    def load_portfolio(
        source: str, *, on_note: Callable[[str], None] | None = None
    ) -> pd.DataFrame:
        return load(source)

    module = types.ModuleType(LOADER_MODULE)
    module.load_portfolio = load_portfolio  # type: ignore[attr-defined]
    module.echo_note = print  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, LOADER_MODULE, module)


@pytest.fixture
def loaded_sources(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Install a loader that records its sources and returns the sample frame."""
    sources: list[str] = []

    def load_portfolio(source: str) -> pd.DataFrame:
        sources.append(source)
        return sample_frame()

    _install_loader(monkeypatch, load_portfolio)
    return sources


@pytest.fixture
def failing_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    def load_portfolio(source: str) -> pd.DataFrame:
        msg = f"{source}: no results documents found;\nadd exercises first"
        raise InputError(msg)

    _install_loader(monkeypatch, load_portfolio)


def test_plugin_listed() -> None:
    assert "ccpm_plugins.cli.dashboard_commands" in BUILTIN_PLUGINS


def test_command_registered(capsys: pytest.CaptureFixture[str]) -> None:
    main(["dashboard", "--help"])

    assert "dashboard" in cli.commands
    assert "Usage: ccpm dashboard [OPTIONS] SOURCE" in capsys.readouterr().out


def test_writes_dashboard(
    loaded_sources: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "d.html"

    main(["dashboard", "results-folder", "-o", str(target)])

    assert loaded_sources == ["results-folder"]
    assert target.is_file()
    assert capsys.readouterr().out == f"Dashboard written to {target}\n"


def test_language_option(loaded_sources: list[str], tmp_path: Path) -> None:
    target = tmp_path / "d.html"

    main(["dashboard", "src", "-o", str(target), "--lang", "ar", "--title", "Sahel"])

    document = target.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in document
    assert "<title>Sahel</title>" in document
    assert embedded_payload(document)["language"] == "ar"


def test_unknown_language(
    loaded_sources: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["dashboard", "src", "-o", str(tmp_path / "d.html"), "--lang", "de"])
    assert exit_info.value.code == 2
    assert "'de' is not one of" in capsys.readouterr().err


def test_loader_error_one_line(
    failing_loader: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["dashboard", "missing", "-o", str(tmp_path / "d.html")])

    err = capsys.readouterr().err
    assert exit_info.value.code == 1
    assert err == "Error: missing: no results documents found; add exercises first\n"
    assert "Traceback" not in err


def test_invalid_frame_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _install_loader(monkeypatch, lambda source: sample_frame().drop(columns="score"))

    with pytest.raises(SystemExit) as exit_info:
        main(["dashboard", "src", "-o", str(tmp_path / "d.html")])

    err = capsys.readouterr().err
    assert exit_info.value.code == 1
    assert err.startswith("Error: the portfolio frame has no column 'score'")
    assert err.count("\n") == 1
    assert not (tmp_path / "d.html").exists()


def test_results_folder_end_to_end(tmp_path: Path) -> None:
    responses = tmp_path / "responses.csv"
    sample_responses().to_csv(responses, index=False)
    folder = tmp_path / "results"
    for country, year in (("Chad", "2024"), ("Mali", "2025")):
        target = folder / f"{country}.json"
        exercise = ["--cluster", "Health", "--country", country, "--year", year]
        main(["score", str(responses), "--format", "json", "-o", str(target), *exercise])
    output = tmp_path / "dashboard.html"

    main(["dashboard", str(folder), "-o", str(output)])

    payload = embedded_payload(output.read_text(encoding="utf-8"))
    assert payload["countries"] == ["Chad", "Mali"]
    assert payload["years"] == [2024, 2025]
    assert len(payload["exercises"]) == 2
