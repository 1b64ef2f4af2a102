"""``ccpm report --previous``: the change since the previous exercise, end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ccpm_core.framework import Status
from ccpm_core.locale_format import format_score
from ccpm_core.report_text import format_points, status_label
from ccpm_core.sample import sample_responses
from ccpm_plugins.cli.main import main
from cli_runner import run


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


# Hand-edited previous results, and previous results of another exercise.


def edited(previous: Path, target: Path, edit: Any) -> Path:
    """Write a copy of the previous results with ``edit`` applied to the document."""
    document = json.loads(previous.read_text(encoding="utf-8"))
    edit(document)
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def test_contradicting_status_rejected(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, previous = exercise

    def set_weak_where_good(document: dict[str, Any]) -> None:
        level = document["levels"][0]
        good = next(unit for unit in level["sections"] if unit["status"] == "good")
        good["status"] = "weak"

    changed = edited(previous, tmp_path / "edited.json", set_weak_where_good)

    code, _, err = run(report_args(current, changed, tmp_path / "r.md"), capsys)

    assert_one_line_error(code, err, "edited.json: $.levels[0].sections[")
    assert "'weak' contradicts" in err
    assert "edited by hand" in err
    assert "ccpm score --format json" in err


def test_repeated_section_rejected(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, previous = exercise

    def repeat_first_section(document: dict[str, Any]) -> None:
        sections = document["levels"][0]["sections"]
        sections.append(dict(sections[0]))

    changed = edited(previous, tmp_path / "twice.json", repeat_first_section)

    code, _, err = run(report_args(current, changed, tmp_path / "r.md"), capsys)

    assert_one_line_error(code, err, "twice.json: $.levels[0].sections[13].id")
    assert "listed twice" in err


def test_repeated_national_rejected(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, previous = exercise

    def repeat_national(document: dict[str, Any]) -> None:
        document["levels"].append(dict(document["levels"][0]))

    changed = edited(previous, tmp_path / "national.json", repeat_national)

    code, _, err = run(report_args(current, changed, tmp_path / "r.md"), capsys)

    assert_one_line_error(code, err, "national.json: $.levels[")
    assert "the national level is listed twice" in err


def with_exercise_block(**fields: Any) -> Any:
    block = {"id": "syria-wash-2025", "cluster": "WASH", "country": "Syria", "year": 2025}
    block.update(fields)

    def add(document: dict[str, Any]) -> None:
        document["exercise"] = block

    return add


def test_other_cluster_rejected(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, previous = exercise
    wash = edited(previous, tmp_path / "wash.json", with_exercise_block())
    args = [*report_args(current, wash, tmp_path / "r.md"), "--cluster", "Health"]

    code, _, err = run(args, capsys)

    assert_one_line_error(code, err, "wash.json")
    assert "cluster 'WASH'" in err
    assert "cluster 'Health'" in err


def test_other_country_rejected(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, previous = exercise
    syria = edited(previous, tmp_path / "syria.json", with_exercise_block())
    args = [*report_args(current, syria, tmp_path / "r.md"), "--country", "South Sudan"]

    code, _, err = run(args, capsys)

    assert_one_line_error(code, err, "syria.json")
    assert "country 'Syria'" in err
    assert "country 'South Sudan'" in err


def test_later_previous_rejected(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, previous = exercise
    later = edited(previous, tmp_path / "later.json", with_exercise_block(year=2026))
    args = [*report_args(current, later, tmp_path / "r.md"), "--date", "2025-01-01"]

    code, _, err = run(args, capsys)

    assert_one_line_error(code, err, "later.json")
    assert "ran in 2026" in err
    assert "report date 2025-01-01" in err


def test_named_previous_exercise_shown(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, previous = exercise
    named = edited(previous, tmp_path / "named.json", with_exercise_block())
    target = tmp_path / "r.md"
    args = [
        *report_args(current, named, target),
        *("--cluster", "wash", "--country", "Syria", "--date", "2026-02-01"),
    ]

    code, _, _ = run(args, capsys)

    assert code == 0
    expected = (
        "The previous results are those of exercise syria-wash-2025: cluster WASH in Syria, 2025."
    )
    assert expected in target.read_text(encoding="utf-8")


def test_unnamed_previous_exercise_said(national_markdown: str) -> None:
    assert "The previous results do not say which exercise" in national_markdown


def test_same_results_warned(
    exercise: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    current, _ = exercise
    same = tmp_path / "same.json"
    main(["score", str(current), "--format", "json", "-o", str(same)])
    capsys.readouterr()
    target = tmp_path / "r.md"

    code, _, err = run(report_args(current, same, target), capsys)

    assert code == 0
    assert "same.json contains the same results as INPUT" in err
    assert "The previous results are identical to these" in target.read_text(encoding="utf-8")


def test_different_results_not_warned(national_markdown: str) -> None:
    assert "identical to these" not in national_markdown
