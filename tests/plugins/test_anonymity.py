"""Respondent anonymity: values of identifying columns reach no output of the command line.

The input is the sample survey in the canonical layout plus the columns that
survey tools add to identify a submission or its respondent. Every value in
those columns is unique, so any output that contains one of them leaked it.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from ccpm_core.sample import sample_responses
from ccpm_plugins.cli.main import main

IDENTIFYING_COLUMNS = (
    "name",
    "email",
    "username",
    "deviceid",
    "_uuid",
    "_id",
    "ipaddr",
    "token",
    "_geolocation",
    "meta/instanceID",
    "_submitted_by",
)

CONTACT_EMAIL = "zq.contact@ngo-example.org"
CONTACT_PHONE = "+33 6 12 34 56 78"
CONTACT_COMMENT = f"{CONTACT_EMAIL} or {CONTACT_PHONE}."


def identifying_value(column: str, row: int) -> str:
    """Return a value shaped like the content of ``column`` that occurs nowhere else."""
    values = {
        "name": f"Amina Zqmark{row:03d}",
        "email": f"amina.zqmark{row:03d}@ngo-example.org",
        "username": f"zqmark_user{row:03d}",
        "deviceid": f"ee.kobo.org:ZQMK{row:03d}DEVICE",
        "_uuid": f"5e3a9c1f-zqmk-4c2e-9b1a-{row:012d}",
        "_id": f"9871{row:05d}3",
        "ipaddr": f"198.51.{row // 200}.{row % 200 + 17}",
        "token": f"tok-zqmk-{row:03d}-a81f",
        "_geolocation": f"[12.98{row:03d}1, -7.45{row:03d}9]",
        "meta/instanceID": f"uuid:zqmk-instance-{row:03d}",
        "_submitted_by": f"enumerator_zqmk{row:03d}",
    }
    return values[column]


@pytest.fixture(scope="module")
def identified_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    frame = sample_responses()
    markers: list[str] = []
    for column in IDENTIFYING_COLUMNS:
        values = [identifying_value(column, row) for row in range(len(frame))]
        frame[column] = pd.Series(values, index=frame.index)
        markers += values
    frame.loc[frame.index[0], "p_comment_1"] = f"Meetings start late. Reach me at {CONTACT_COMMENT}"
    path = tmp_path_factory.mktemp("identified") / "responses.csv"
    frame.to_csv(path, index=False)
    return path, markers


def output_texts(path: Path) -> list[str]:
    """Return the text of a file, or of every part of a DOCX or XLSX package."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as package:
            return [
                package.read(name).decode("utf-8", errors="replace") for name in package.namelist()
            ]
    return [path.read_text(encoding="utf-8-sig", errors="replace")]


def leaked_markers(paths: list[Path], markers: list[str]) -> list[str]:
    """Return the markers found in any of ``paths``, each with the name of its file."""
    found = []
    for path in paths:
        texts = [text.casefold() for text in output_texts(path)]
        for marker in markers:
            if any(marker.casefold() in text for text in texts):
                found.append(f"{marker} in {path.name}")
    return found


def exit_code(argv: list[str]) -> int:
    """Run the command line in this process and return its exit code."""
    try:
        main(argv)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0


@pytest.fixture(scope="module")
def cli_outputs(
    identified_csv: tuple[Path, list[str]], tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    source, _ = identified_csv
    folder = tmp_path_factory.mktemp("outputs")
    commands = [
        ["score", str(source), "--format", "json", "-o", str(folder / "results.json")],
        ["score", str(source), "--format", "csv", "-o", str(folder / "results.csv")],
        ["fetch", str(source), "-o", str(folder / "fetched.csv")],
        ["report", str(source), "--all-levels", "-o", str(folder / "report.docx")],
        *(
            ["report", str(source), "--hub", "Coastal hub", "-o", str(folder / f"report{suffix}")]
            for suffix in (".md", ".html", ".xlsx")
        ),
        *(
            [
                "report",
                str(source),
                "--redact-contacts",
                "--min-cell-size",
                "5",
                "-o",
                str(folder / f"protected{suffix}"),
            ]
            for suffix in (".md", ".docx")
        ),
        ["report", str(source), "-o", str(folder / "unredacted.md")],
    ]
    failures = [argv for argv in commands if exit_code(argv) != 0]
    assert failures == []
    return sorted(path for path in folder.rglob("*") if path.is_file() and path.suffix != ".png")


def test_outputs_cover_every_format(cli_outputs: list[Path]) -> None:
    suffixes = {path.suffix for path in cli_outputs}

    assert suffixes >= {".json", ".csv", ".docx", ".md", ".html", ".xlsx"}


def test_outputs_include_hub_reports(cli_outputs: list[Path]) -> None:
    names = {path.name for path in cli_outputs}

    assert "report-coastal-hub.docx" in names


def test_identifying_values_in_no_output(
    cli_outputs: list[Path], identified_csv: tuple[Path, list[str]]
) -> None:
    _, markers = identified_csv

    assert leaked_markers(cli_outputs, markers) == []


def test_unknown_columns_name_headers_only(
    cli_outputs: list[Path], identified_csv: tuple[Path, list[str]]
) -> None:
    _, markers = identified_csv
    results_path = next(path for path in cli_outputs if path.name == "results.json")
    quality = json.loads(results_path.read_text(encoding="utf-8"))["data_quality"]
    listed = quality["unknown_columns"]
    deduplication = quality["deduplication"]
    # The submission id and time columns are named in the deduplication record instead.
    used = {deduplication["id_column"], deduplication["time_column"]} if deduplication else set()

    assert set(IDENTIFYING_COLUMNS) <= set(listed) | used
    assert not [entry for entry in listed if entry in markers]


def test_fetched_csv_drops_identifying_columns(cli_outputs: list[Path]) -> None:
    fetched = next(path for path in cli_outputs if path.name == "fetched.csv")
    header = pd.read_csv(fetched, nrows=0).columns

    assert not set(header) & set(IDENTIFYING_COLUMNS)


@pytest.mark.parametrize("name", ["protected.md", "protected.docx"])
def test_redacted_report_drops_contacts(cli_outputs: list[Path], name: str) -> None:
    path = next(path for path in cli_outputs if path.name == name)

    assert leaked_markers([path], [CONTACT_EMAIL, CONTACT_PHONE]) == []


def test_redacted_report_keeps_comment(cli_outputs: list[Path]) -> None:
    path = next(path for path in cli_outputs if path.name == "protected.md")

    text = path.read_text(encoding="utf-8").replace("\\[", "[").replace("\\]", "]")

    assert "Meetings start late. Reach me at [e-mail removed] or [phone removed]." in text


def test_plain_report_keeps_contacts(cli_outputs: list[Path]) -> None:
    path = next(path for path in cli_outputs if path.name == "unredacted.md")

    assert CONTACT_EMAIL in path.read_text(encoding="utf-8")


def test_report_states_min_cell_size(cli_outputs: list[Path]) -> None:
    path = next(path for path in cli_outputs if path.name == "protected.md")

    assert "fewer than 5 partners" in path.read_text(encoding="utf-8")
