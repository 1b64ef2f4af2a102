"""The annual-report command writing several formats at once, with long lists shortened."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ccpm_core.portfolio_regions import REGIONS
from cli_runner import run

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from portfolio_fixtures import document, level

# 26 African countries whose health cluster ran in 2025 (sections at 60 and up) and
# 2026 (sections at 40 and up): 26 clusters compared, one more than the report shows.
COUNTRIES = REGIONS["Africa"][:26]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    root.mkdir()
    for number, country in enumerate(COUNTRIES):
        for year, score in ((2025, 60.0), (2026, 40.0)):
            # A tenth of a point per country keeps every document distinct.
            scores = level(default=score + number / 10)
            doc = document(f"ex-{number}-{year}", year, scores, country=country)
            (root / f"ex-{number}-{year}.json").write_text(json.dumps(doc), encoding="utf-8")
    return root


def test_three_formats_at_once(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = [tmp_path / f"annual.{ending}" for ending in ("docx", "html", "xlsx")]
    options = [part for output in outputs for part in ("-o", str(output))]

    code, out, err = run(["annual-report", str(folder), "--year", "2026", *options], capsys)

    assert code == 0, err
    for output in outputs:
        assert output.stat().st_size > 0
        assert f"Annual report written to {output}" in out


def test_html_shortens_change(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "annual.html"

    run(["annual-report", str(folder), "--year", "2026", "-o", str(output)], capsys)

    html = output.read_text(encoding="utf-8")
    assert (
        "This table shows 25 rows of 26. 1 more row is listed in the workbook (XLSX) of "
        "this report." in html
    )
    assert "Change against the previous year by region" in html


def test_workbook_keeps_every_row(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "annual.xlsx"

    run(["annual-report", str(folder), "--year", "2026", "-o", str(output)], capsys)

    workbook = load_workbook(output)
    [title] = [name for name in workbook.sheetnames if name.startswith("Change against")]
    sheet = workbook[title]
    countries = [sheet.cell(row, 2).value for row in range(3, 3 + len(COUNTRIES))]
    assert sorted(countries) == sorted(COUNTRIES)
    assert sheet.cell(3, 1).value == "Africa"


def test_output_named_twice(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = str(tmp_path / "annual.html")

    code, _, err = run(
        ["annual-report", str(folder), "--year", "2026", "-o", output, "-o", output], capsys
    )

    assert code == 2
    assert "given twice with -o" in err


def test_unknown_ending_among_outputs(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = tmp_path / "annual.html"

    code, _, err = run(
        [
            "annual-report",
            str(folder),
            "--year",
            "2026",
            "-o",
            str(html),
            "-o",
            str(tmp_path / "a.pdf"),
        ],
        capsys,
    )

    assert code == 2
    assert "use .docx, .html or .xlsx" in err
    assert not html.exists()


@pytest.fixture
def weak_folder(tmp_path: Path) -> Path:
    """Return results where function 4 of Chad's health cluster is weak in 2025 and 2026.

    It is weak at the national level and in the East hub, so the confirmed
    weakening table has two rows for one weak function of one cluster.
    """
    root = tmp_path / "weak"
    root.mkdir()
    for year, score in ((2025, 10.0), (2026, 20.0)):
        levels = (level(scores={"4.1": score}), level("East", scores={"4.1": score}))
        doc = document(f"td-health-{year}", year, *levels)
        (root / f"td-health-{year}.json").write_text(json.dumps(doc), encoding="utf-8")
    return root


def test_workbook_hub_national(
    weak_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "annual.xlsx"

    run(["annual-report", str(weak_folder), "--year", "2026", "-o", str(output)], capsys)

    sheet = load_workbook(output)["Functions weak in two exercises"]
    assert sheet.cell(2, 4).value == "Hub"
    assert [sheet.cell(row, 4).value for row in (3, 4)] == ["National", "East"]


def test_html_summary_counts_clusters(
    weak_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "annual.html"

    run(["annual-report", str(weak_folder), "--year", "2026", "-o", str(output)], capsys)

    html = output.read_text(encoding="utf-8")
    assert (
        "Functions weak in two exercises in a row, counted once per cluster: 1 (2 when the "
        "national level and each hub count apart)." in html
    )
    assert "<caption" not in html
