"""``ccpm report --previous``: the change since the previous exercise, end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run

from ccpm_core.framework import Status
from ccpm_core.locale_format import format_score
from ccpm_core.report_text import format_points, status_label
from ccpm_core.sample import sample_responses
from ccpm_plugins.cli.main import main


@pytest.fixture(scope="module")
def exercise(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Write this exercise's responses and the previous exercise's results, from another seed."""
    folder = tmp_path_factory.mktemp("exercise")
    current = folder / "responses.csv"
    sample_responses().to_csv(current, index=False)
    earlier = folder / "previous.csv"
    sample_responses(seed=2024).to_csv(earlier, index=False)
    previous = folder / "previous.json"
    main(["score", str(earlier), "--format", "json", "-o", str(previous)])
    return current, previous


def report_args(current: Path, previous: Path, target: Path) -> list[str]:
    return ["report", str(current), "--previous", str(previous), "-o", str(target)]


@pytest.fixture(scope="module")
def national_markdown(exercise: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> str:
    current, previous = exercise
    target = tmp_path_factory.mktemp("national") / "report.md"
    main(report_args(current, previous, target))
    return target.read_text(encoding="utf-8")


def test_markdown_part_heading(national_markdown: str) -> None:
    assert "# Change since the previous exercise" in national_markdown


def test_markdown_national_table(national_markdown: str) -> None:
    assert "Section scores then and now: National" in national_markdown


def test_markdown_header_row(national_markdown: str) -> None:
    header = (
        "| Section | Previous score | Previous status | Score now | Status now "
        "| Change (points) | Band movement |"
    )

    assert header in national_markdown


def test_markdown_hub_table(national_markdown: str) -> None:
    assert "Section scores then and now: Coastal hub" in national_markdown


def national_section(document: dict[str, Any], section: str) -> dict[str, Any]:
    level = next(level for level in document["levels"] if level["hub"] is None)
    found: dict[str, Any] = next(unit for unit in level["sections"] if unit["id"] == section)
    return found


def test_markdown_rows_match_documents(
    exercise: tuple[Path, Path],
    national_markdown: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Each national row must restate both exercises' scores and statuses as
    # `ccpm score --format json` gives them, and their difference in points.
    current, previous = exercise
    now_path = tmp_path / "now.json"
    run(["score", str(current), "--format", "json", "-o", str(now_path)], capsys)
    then = json.loads(previous.read_text(encoding="utf-8"))
    now = json.loads(now_path.read_text(encoding="utf-8"))

    for section in ("1.1", "3.1", "5"):
        before, after = national_section(then, section), national_section(now, section)
        cells = [
            section,
            format_score(before["score"], "en"),
            status_label(Status(before["status"]), "en"),
            format_score(after["score"], "en"),
            status_label(Status(after["status"]), "en"),
            format_points(after["score"] - before["score"], "en"),
        ]
        assert "| " + " | ".join(cells) + " | " in national_markdown


def test_all_levels_each_compared(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, previous = exercise
    target = tmp_path / "report.md"

    code, _, _ = run([*report_args(current, previous, target), "--all-levels"], capsys)
    hub_text = (tmp_path / "report-coastal-hub.md").read_text(encoding="utf-8")

    assert code == 0
    assert "Section scores then and now: Coastal hub" in hub_text
    assert "Section scores then and now: National" not in hub_text


def assert_one_line_error(code: int, err: str, name: str) -> None:
    assert code == 1
    assert name in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_previous_not_json(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, _ = exercise
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")

    code, _, err = run(report_args(current, broken, tmp_path / "r.md"), capsys)

    assert_one_line_error(code, err, "broken.json")
    assert "ccpm score --format json" in err


def test_previous_missing_file(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, _ = exercise

    code, _, err = run(report_args(current, tmp_path / "absent.json", tmp_path / "r.md"), capsys)

    assert_one_line_error(code, err, "absent.json")


def test_previous_wrong_schema(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, _ = exercise
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"schema": "ccpm.questionnaire/1"}), encoding="utf-8")

    code, _, err = run(report_args(current, other, tmp_path / "r.md"), capsys)

    assert_one_line_error(code, err, "other.json")


def test_previous_other_questionnaire(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, previous = exercise
    document = json.loads(previous.read_text(encoding="utf-8"))
    document["questionnaire"]["id"] = "another"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document), encoding="utf-8")

    code, _, err = run(report_args(current, changed, tmp_path / "r.md"), capsys)

    assert_one_line_error(code, err, "changed.json")
    assert "'another'" in err


def test_previous_not_utf8(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, _ = exercise
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"schema": "é"}'.encode("latin-1"))

    code, _, err = run(report_args(current, latin, tmp_path / "r.md"), capsys)

    assert_one_line_error(code, err, "latin.json")
