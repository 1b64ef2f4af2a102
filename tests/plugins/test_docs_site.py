"""The documentation site builds in strict mode, offline, with the whole command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the site the way ``nox -s docs`` does, into a temporary folder."""
    output = tmp_path_factory.mktemp("site")
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CCPM_PLUGINS": ""}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(output)]

    done = subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=240
    )

    assert done.returncode == 0, done.stderr
    return output


def test_site_has_every_page(site: Path) -> None:
    pages = [
        page.relative_to(ROOT / "docs").with_suffix("")
        for page in (ROOT / "docs").rglob("*.md")
        if page.name != "index.md"
    ]

    missing = [str(page) for page in pages if not (site / page / "index.html").is_file()]

    assert missing == []


def test_site_lists_every_command(site: Path) -> None:
    from ccpm_plugins.cli.command_reference import builtin_cli

    html = (site / "cli" / "index.html").read_text(encoding="utf-8")

    missing = [name for name in builtin_cli.commands if f'id="ccpm-{name}"' not in html]

    assert missing == []


def test_site_ships_schemas(site: Path) -> None:
    names = sorted(path.name for path in (site / "schemas").glob("*.json"))

    assert names == ["codebook.json", "responses.json", "results.json"]


def test_site_loads_no_web_fonts(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")

    assert "fonts.googleapis.com" not in html
    assert "fonts.gstatic.com" not in html


def test_site_lists_builtin_options_only(site: Path) -> None:
    html = (site / "cli" / "index.html").read_text(encoding="utf-8")

    assert "[kobo]" in html
    assert "[odk-central]" not in html


def test_command_reference_leaves_root_group_alone() -> None:
    from ccpm_plugins.cli.command_reference import builtin_cli
    from ccpm_plugins.cli.main import cli

    assert builtin_cli is not cli
    assert "exercise" in builtin_cli.commands
    assert set(cli.commands) <= set(builtin_cli.commands)
