"""The ccpm command line: the main job on the sample survey, and its errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from ccpm_core.sample import sample_responses
from ccpm_plugins.cli.main import main
from cli_runner import run


@pytest.fixture(scope="module")
def sample_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "responses.csv"
    sample_responses().to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "out"
    main(["demo", "-o", str(folder)])
    return folder


def test_demo_writes_every_output(demo_dir: Path) -> None:
    assert (demo_dir / "responses.csv").is_file()
    assert (demo_dir / "results.json").is_file()
    assert (demo_dir / "preliminary-report.docx").is_file()
    assert (demo_dir / "preliminary-report-north-east-hub.docx").is_file()
    assert (demo_dir / "preliminary-report-coastal-hub.docx").is_file()
    assert (demo_dir / "preliminary-report.md").is_file()
    assert (demo_dir / "preliminary-report_charts" / "function-1.png").is_file()


def test_demo_results_cover_three_levels(demo_dir: Path) -> None:
    document = json.loads((demo_dir / "results.json").read_text(encoding="utf-8"))

    assert [level["hub"] for level in document["levels"]] == [
        None,
        "Coastal hub",
        "North-East hub",
    ]
    assert document["levels"][0]["respondents"]["coordinator"] == 1
    assert document["data_quality"]["exclusion_counts"] == {"blank_row": 1}
    assert document["data_quality"]["unrecognised_values"][0]["value"] == "5"


def test_demo_docx_structure(demo_dir: Path) -> None:
    document = docx.Document(str(demo_dir / "preliminary-report.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]

    assert headings[0] == "Response rates"
    assert headings[1] == "Overall performance"
    assert headings[2] == "Function 1: Supporting service delivery"
    assert headings[-1] == "Annex: data quality"
    assert "1.2 Develop mechanisms to eliminate duplication of service delivery" in [
        p.text for p in document.paragraphs if p.style.name == "Heading 2"
    ]


def test_demo_docx_status_table(demo_dir: Path) -> None:
    document = docx.Document(str(demo_dir / "preliminary-report.docx"))
    status_table = next(
        t for t in document.tables if t.rows[0].cells[0].text == "Section" and len(t.rows) == 14
    )
    results = json.loads((demo_dir / "results.json").read_text(encoding="utf-8"))
    national = {s["id"]: s for s in results["levels"][0]["sections"]}

    for row in status_table.rows[1:]:
        section_id = row.cells[0].text
        status_text = row.cells[3].text
        assert status_text.lower().replace(" ", "_") == national[section_id]["status"]


def test_demo_docx_has_charts(demo_dir: Path) -> None:
    document = docx.Document(str(demo_dir / "preliminary-report.docx"))

    # One chart per function, and the partners' and coordinator's scores by section.
    assert len(document.inline_shapes) == 8


def test_score_json_document(sample_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", str(sample_csv), "--format", "json"], capsys)
    document = json.loads(out)

    assert code == 0
    assert document["schema"] == "ccpm.results/1"
    assert document["strategy"] == "median"
    assert len(document["levels"]) == 3
    assert [s["id"] for s in document["levels"][0]["sections"]][-3:] == ["5", "6", "7"]


def test_score_strategies_differ(sample_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, median_out, _ = run(["score", str(sample_csv), "--format", "json"], capsys)
    _, mean_out, _ = run(
        ["score", str(sample_csv), "--format", "json", "--strategy", "mean-of-item-means"],
        capsys,
    )

    assert json.loads(mean_out)["strategy"] == "mean-of-item-means"
    assert json.loads(mean_out)["levels"] != json.loads(median_out)["levels"]


def test_score_table(sample_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", str(sample_csv)], capsys)

    assert code == 0
    assert "National level (62 partners, 1 coordinator)" in out
    assert "Hub: Coastal hub" in out


def test_score_output_file(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nested" / "results.json"

    code, _, err = run(["score", str(sample_csv), "--format", "json", "-o", str(target)], capsys)

    assert code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "ccpm.results/1"
    assert str(target) in err


def test_report_markdown(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.md"

    code, _, _ = run(
        [
            "report",
            str(sample_csv),
            "-o",
            str(target),
            "--cluster",
            "Health",
            "--date",
            "2026-12-01",
        ],
        capsys,
    )
    text = target.read_text(encoding="utf-8")

    assert code == 0
    assert "**Cluster:** Health" in text
    assert "2026-12-01" in text
    assert "## Annex: data quality" in text


def test_report_of_one_hub(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "north.docx"

    code, _, _ = run(
        ["report", str(sample_csv), "-o", str(target), "--hub", "North-East hub"], capsys
    )
    document = docx.Document(str(target))

    assert code == 0
    assert "Level: North-East hub" in [p.text for p in document.paragraphs]


def test_report_unknown_hub(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["report", str(sample_csv), "-o", str(tmp_path / "r.docx"), "--hub", "Atlantis"], capsys
    )

    assert code == 1
    assert "Atlantis" in err
    assert "North-East hub" in err
    assert "Traceback" not in err


def test_report_unknown_format(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["report", str(sample_csv), "-o", str(tmp_path / "r.rtf")], capsys)

    assert code == 1
    assert "r.rtf" in err
    assert ".docx" in err


def test_missing_input_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.csv"

    code, out, err = run(["score", str(missing)], capsys)

    assert code == 1
    assert out == ""
    assert str(missing) in err
    assert err.startswith("Error: ")
    assert err.count("\n") == 1


def test_input_without_instrument_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("name,p111\nA,3\n", encoding="utf-8")

    code, _, err = run(["score", str(path)], capsys)

    assert code == 1
    assert "odd.csv" in err
    assert "instrument" in err


def test_unknown_input_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "responses.sav"
    path.write_bytes(b"\x00")

    code, _, err = run(["score", str(path)], capsys)

    assert code == 1
    assert "--source" in err


def test_unknown_source_name(sample_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score", str(sample_csv), "--source", "paper"], capsys)

    assert code == 1
    assert "unknown survey source 'paper'" in err


def test_unknown_strategy_is_usage_error(
    sample_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["score", str(sample_csv), "--strategy", "mode"], capsys)

    assert code == 2
    assert "mode" in err


def test_questionnaire_export_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["questionnaire", "export", "--format", "json"], capsys)
    document = json.loads(out)

    assert code == 0
    assert document["schema"] == "ccpm.codebook/1"
    assert len(document["sections"]) == 13


def test_questionnaire_export_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["questionnaire", "export", "--format", "paper"], capsys)

    assert code == 1
    assert "paper" in err


def test_invalid_custom_questionnaire(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("schema: ccpm.questionnaire/1\nid: x\n", encoding="utf-8")

    code, _, err = run(["score", str(sample_csv), "--questionnaire", str(path)], capsys)

    assert code == 1
    assert "mine.yaml" in err


def test_console_script_error_has_no_traceback(tmp_path: Path) -> None:
    """The installed entry point prints one line and exits 1 on a user error."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    completed = subprocess.run(
        [sys.executable, "-m", "ccpm_plugins.cli.main", "score", str(tmp_path / "none.csv")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert completed.stderr.startswith("Error: ")


def test_input_folder_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score", str(tmp_path)], capsys)

    assert code == 1
    assert "is a folder" in err


def test_missing_input_of_unknown_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["score", str(tmp_path / "answers.json")], capsys)

    assert code == 1
    assert "file not found" in err


def test_fetch_keeps_quality_record(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "fetched.csv"

    code, _, err = run(["fetch", str(sample_csv), "-o", str(target)], capsys)
    record = json.loads((tmp_path / "fetched.csv.quality.json").read_text(encoding="utf-8"))

    assert code == 0
    assert record["exclusion_counts"] == {"blank_row": 1}
    assert record["unrecognised_values"][0]["value"] == "5"
    assert "fetched.csv.quality.json" in err


def test_fetched_file_scores_like_source(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "fetched.csv"
    run(["fetch", str(sample_csv), "-o", str(target)], capsys)

    _, direct, _ = run(["score", str(sample_csv), "--format", "json"], capsys)
    _, again, _ = run(["score", str(target), "--format", "json"], capsys)

    assert json.loads(again)["levels"] == json.loads(direct)["levels"]


def test_header_only_file_is_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("instrument,hub,organisation_type,p111\n", encoding="utf-8")

    code, _, err = run(["score", str(path)], capsys)

    assert code == 1
    assert "no response could be scored" in err


def test_all_rows_excluded_is_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "french.csv"
    path.write_text("instrument,p111\nPartenaire,3\n,4\n", encoding="utf-8")

    code, _, err = run(["report", str(path), "-o", str(tmp_path / "r.md")], capsys)

    assert code == 1
    assert "1 unknown_instrument" in err
    assert "1 missing_instrument" in err
    assert not (tmp_path / "r.md").exists()


def test_hub_named_national_and_any_case(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    national = tmp_path / "national.md"
    coastal = tmp_path / "coastal.md"

    first, _, _ = run(["report", str(sample_csv), "-o", str(national), "--hub", "National"], capsys)
    second, _, _ = run(
        ["report", str(sample_csv), "-o", str(coastal), "--hub", "coastal HUB"], capsys
    )

    assert first == 0
    assert "**Level:** National" in national.read_text(encoding="utf-8")
    assert second == 0
    assert "**Level:** Coastal hub" in coastal.read_text(encoding="utf-8")


def test_all_levels_never_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hubs.csv"
    path.write_text(
        "instrument,hub,p111\npartner,North East,3\npartner,North-East,2\npartner,,4\n",
        encoding="utf-8",
    )

    code, _, err = run(["report", str(path), "-o", str(tmp_path / "r.md"), "--all-levels"], capsys)

    assert code == 0
    assert (tmp_path / "r.md").is_file()
    assert (tmp_path / "r-north-east.md").is_file()
    assert (tmp_path / "r-north-east-2.md").is_file()
    assert err.count("Report written to") == 3


def test_score_table_shows_status_labels(
    sample_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(["score", str(sample_csv)], capsys)

    assert "Satisfactory" in out
    assert "no_data" not in out
    assert "Details: --format json" in out


def test_export_help_names_every_builtin_format(capsys: pytest.CaptureFixture[str]) -> None:
    from ccpm_plugins import plugin_host

    _, out, _ = run(["questionnaire", "export", "--help"], capsys)
    flat = " ".join(out.replace("-\n", "-").split()).replace("- ", "-")

    for name in plugin_host().exporters():
        assert name in flat
