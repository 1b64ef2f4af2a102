"""Same input and options, same bytes: scores and reports across processes with other hash seeds.

Two interpreters with different ``PYTHONHASHSEED`` values score the same
survey and write its report in every format. Set and dict orders that
depend on string hashing, times and random ids would make the files differ.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from report_samples import SMALL_ROWS

FORMATS = ("md", "html", "docx", "xlsx")

# Runs in a fresh interpreter: the command line, in-process, once per output.
_SCRIPT = """
import sys
from ccpm_plugins.cli.main import main

survey, folder = sys.argv[1], sys.argv[2]
for suffix in {formats!r}:
    try:
        main(["report", survey, "--date", "2026-11-30", "--cluster", "Health",
              "-o", f"{{folder}}/report.{{suffix}}"])
    except SystemExit as done:
        if done.code:
            raise
"""

_SCORE_SCRIPT = """
import sys
from ccpm_plugins.cli.main import main

try:
    main(["score", sys.argv[1], "--format", sys.argv[2]])
except SystemExit as done:
    if done.code:
        raise
"""


def run_python(code: str, arguments: list[str], seed: str) -> bytes:
    environment = {**os.environ, "PYTHONHASHSEED": seed}
    completed = subprocess.run(
        [sys.executable, "-c", code, *arguments],
        capture_output=True,
        env=environment,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr.decode("utf-8", "replace")
    return completed.stdout


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("survey") / "survey.csv"
    rows = [
        *SMALL_ROWS,
        {"instrument": "partner", "hub": "", "p111": "2", "p_comment_1": "تحسين التنسيق مع WASH"},
    ]
    pd.DataFrame(rows).fillna("").to_csv(path, index=False, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report_folders(survey: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Write every report format in two processes, with hash seeds 1 and 2."""
    folders = [tmp_path_factory.mktemp(f"seed{seed}") for seed in ("1", "2")]
    code = _SCRIPT.format(formats=FORMATS)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(survey), str(folder)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for seed, folder in zip(("1", "2"), folders, strict=True)
    ]
    for process in processes:
        _, errors = process.communicate(timeout=600)
        assert process.returncode == 0, errors.decode("utf-8", "replace")
    return folders


@pytest.mark.parametrize("output_format", ["json", "csv"])
def test_score_output_identical(survey: Path, output_format: str) -> None:
    first = run_python(_SCORE_SCRIPT, [str(survey), output_format], "1")
    second = run_python(_SCORE_SCRIPT, [str(survey), output_format], "2")

    assert first
    assert first == second


@pytest.mark.parametrize("suffix", FORMATS)
def test_report_bytes_identical(report_folders: list[Path], suffix: str) -> None:
    first, second = (folder / f"report.{suffix}" for folder in report_folders)

    assert first.read_bytes() == second.read_bytes()


def test_chart_files_identical(report_folders: list[Path]) -> None:
    first, second = report_folders
    names = sorted(path.relative_to(first) for path in first.rglob("*.png"))

    assert names
    assert names == sorted(path.relative_to(second) for path in second.rglob("*.png"))
    assert all((first / name).read_bytes() == (second / name).read_bytes() for name in names)
