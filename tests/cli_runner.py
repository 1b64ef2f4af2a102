"""Run the ``ccpm`` command line inside the test process."""

from __future__ import annotations

import pytest

from ccpm_plugins.cli.main import main

__all__ = ["run"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in this process and return its exit code, stdout and stderr."""
    try:
        main(argv)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    else:
        code = 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err
