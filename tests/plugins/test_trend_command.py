"""The trends command: band changes and confirmed weakening of one cluster, as text, JSON, CSV."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from ccpm_core.framework import function_by_number, section_by_id
from cli_runner import run

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from portfolio_fixtures import document, level


def _write(folder: Path, name: str, doc: Any) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(doc), encoding="utf-8")


# Chad health: 1.1 rises from unsatisfactory (40) to good (80) in 2025; 2.2
# falls from satisfactory (60) to weak (20) in 2025 and stays weak (25) in
# 2026, so function 2 is weak in two exercises in a row. The East hub falls
# in 5 (60 to 45). Chad WASH and Peru health run once.
@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    _write(root, "td-2024.json", document("td-2024", 2024, level(scores={"1.1": 40.0})))
    _write(
        root,
        "td-2025.json",
        document("td-2025", 2025, level(scores={"1.1": 80.0, "2.2": 20.0}), level("East")),
    )
    _write(
        root,
        "td-2026.json",
        document(
            "td-2026",
            2026,
            level(scores={"1.1": 80.0, "2.2": 25.0}),
            level("East", scores={"5": 45.0}),
        ),
    )
    _write(root, "td-wash.json", document("tw-2026", 2026, level(default=50.0), cluster="WASH"))
    _write(root, "pe.json", document("pe-2026", 2026, level(default=70.0), country="Peru"))
    return root


def _trends(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run(["trends", str(folder), "--country", "Chad", "--cluster", "Health", *args], capsys)


def test_text_band_changes(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _trends(folder, capsys)

    lines = out.splitlines()
    assert code == 0, err
    assert lines[0] == "Health cluster in Chad, national level: 3 exercises"
    assert lines[1] == "  td-2024 (2024), td-2025 (2025), td-2026 (2026)"
    assert "  td-2024 -> td-2025" in lines
    assert f"    up   1.1 {section_by_id('1.1').title}: unsatisfactory -> good (+2 bands)" in lines
    assert f"    down 2.2 {section_by_id('2.2').title}: satisfactory -> weak (-2 bands)" in lines
    assert "  td-2025 -> td-2026" not in lines


def test_text_confirmed_weakening(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = _trends(folder, capsys)

    lines = out.splitlines()
    title = function_by_number(2).short_title
    assert f"  2. {title}: weak in td-2025 (2025) and td-2026 (2026)" in lines
    assert "Weak functions in the latest exercise, td-2026: 2" in lines
    assert any(line.startswith("CCPM guidance asks for a new exercise sooner") for line in lines)


def test_text_hub(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _trends(folder, capsys, "--hub", "east")

    lines = out.splitlines()
    assert code == 0, err
    assert lines[0] == "Health cluster in Chad, hub East: 2 exercises"
    assert (
        f"    down 5 {section_by_id('5').title}: satisfactory -> unsatisfactory (-1 band)" in lines
    )
    assert "Weak functions in the latest exercise, td-2026: none" in lines
    assert not any(line.startswith("CCPM guidance") for line in lines)


def test_json_output(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _trends(folder, capsys, "--format", "json")

    document = json.loads(out)
    assert code == 0, err
    assert document["level"] == "national"
    assert document["exercises"] == [
        {"exercise": "td-2024", "year": 2024},
        {"exercise": "td-2025", "year": 2025},
        {"exercise": "td-2026", "year": 2026},
    ]
    assert [(c["section"], c["bands"]) for c in document["band_changes"]] == [
        ("1.1", 2),
        ("2.2", -2),
    ]
    assert document["confirmed_weakening"] == [
        {
            "function": "2",
            "previous_exercise": "td-2025",
            "exercise": "td-2026",
            "previous_year": 2025,
            "year": 2026,
        }
    ]
    assert document["weak_functions_in_latest"] == ["2"]


def test_csv_file(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "out" / "trends.csv"

    code, out, err = _trends(folder, capsys, "--format", "csv", "-o", str(output))

    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig"))))
    assert code == 0, err
    assert f"Trends written to {output}" in out
    assert [(row["kind"], row["function"], row["section"], row["bands"]) for row in rows] == [
        ("band_change", "1", "1.1", "2"),
        ("band_change", "2", "2.2", "-2"),
        ("confirmed_weakening", "2", "", ""),
    ]
    assert rows[2]["previous_year"] == "2025"


def test_names_match_case(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["trends", str(folder), "--country", " CHAD ", "--cluster", "health"], capsys
    )

    assert code == 0, err
    assert out.startswith("Health cluster in Chad, national level: 3 exercises")


def test_single_exercise(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["trends", str(folder), "--country", "Peru", "--cluster", "Health"], capsys)

    assert code == 0
    assert "Peru, national level: 1 exercise\n" in out
    assert out.count("  none") == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--country", "Mali", "--cluster", "Health"],
            "Error: country 'Mali' not found in this portfolio; countries with exercises: "
            "Chad, Peru",
        ),
        (
            ["--country", "Chad", "--cluster", "Shelter"],
            "Error: cluster 'Shelter' not found in Chad; clusters with exercises there: "
            "Health, WASH",
        ),
        (
            ["--country", "Chad", "--cluster", "Health", "--hub", "North"],
            "Error: hub 'North' not found for the Health cluster in Chad; its hubs: East.",
        ),
        (
            ["--country", "Peru", "--cluster", "Health", "--hub", "North"],
            "its hubs: none (national level only)",
        ),
    ],
)
def test_unknown_names(
    folder: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["trends", str(folder), *args], capsys)

    assert code == 1
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_unknown_format(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _trends(folder, capsys, "--format", "xml")

    assert code == 2
    assert "Invalid value for '--format'" in err


def test_missing_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _trends(tmp_path / "nothing", capsys)

    assert code == 1
    assert "no such folder or store" in err
