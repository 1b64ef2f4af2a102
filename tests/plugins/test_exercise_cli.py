"""The exercise, action-plan and follow-up commands, run through a whole exercise on the sample."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import docx
import openpyxl
import pytest
from cli_runner import run
from store_databases import store_url

from ccpm_core.sample import sample_responses

__all__ = ["store_url"]


@pytest.fixture(scope="module")
def sample_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "responses.csv"
    sample_responses().to_csv(path, index=False)
    return path


@pytest.fixture
def store_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "store.sqlite3"
    monkeypatch.setenv("CCPM_STORE", str(path))
    monkeypatch.setenv("CCPM_USER", "Amina")
    return path


NEW = [
    "exercise",
    "new",
    "--cluster",
    "Health",
    "--country",
    "Chad",
    "--trigger",
    "new-emergency",
    "--since",
    "2026-08-01",
    "--lead-agency",
    "WHO",
    "--focal-point",
    "Amina",
    "--at",
    "2026-11-02T09:00",
]


def start_survey(capsys: pytest.CaptureFixture[str], sample_csv: Path) -> None:
    """Create exercise 1, open its survey and store one count."""
    assert run(NEW, capsys)[0] == 0
    link = ["exercise", "edit", "1", "--link", "https://survey.example.org/ccpm"]
    assert run(link, capsys)[0] == 0
    assert run(["exercise", "advance", "1", "survey", "--at", "2026-11-05T08:00"], capsys)[0] == 0
    assert run(["progress", str(sample_csv), "--exercise", "1"], capsys)[0] == 0


def write_actions(path: Path) -> None:
    """Fill in every drafted action of an exported workbook, as the workshop would."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Actions"]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value is None:
            break
        sheet.cell(row=row, column=6).value = f"Action for section {sheet.cell(row, 2).value}"
        sheet.cell(row=row, column=7).value = "Coordinator"
        sheet.cell(row=row, column=8).value = dt.datetime(2027, 3, 31)
        sheet.cell(row=row, column=10).value = "OCHA"
    workbook.save(path)


def test_new_exercise_recorded(capsys: pytest.CaptureFixture[str], store_env: Path) -> None:
    code, out, _ = run(NEW, capsys)

    assert code == 0
    assert out == "Exercise 1 created: Health, Chad, national; stage planning.\n"
    assert store_env.is_file()


def test_list_as_json(capsys: pytest.CaptureFixture[str], store_env: Path) -> None:
    run(NEW, capsys)

    code, out, _ = run(["exercise", "list", "--format", "json"], capsys)
    listed = json.loads(out)["exercises"]

    assert code == 0
    assert listed[0]["stage"] == "planning"
    assert listed[0]["transitions"][0]["by"] == "Amina"
    assert listed[0]["transitions"][0]["at"] == "2026-11-02T09:00:00+00:00"


def test_survey_needs_link(capsys: pytest.CaptureFixture[str], store_env: Path) -> None:
    run(NEW, capsys)

    code, _, err = run(["exercise", "advance", "1", "survey"], capsys)

    assert code == 1
    assert err.startswith("Error: the survey of exercise 1 cannot open without a deployed")
    assert err.count("\n") == 1


def test_progress_stores_counts_and_change(
    capsys: pytest.CaptureFixture[str], store_env: Path, sample_csv: Path
) -> None:
    start_survey(capsys, sample_csv)

    code, out, _ = run(["progress", str(sample_csv), "--exercise", "1"], capsys)

    assert code == 0
    assert "Change since the count of" in out
    assert "  National level: +0 partners, +0 coordinators" in out


def test_progress_outside_survey_rejected(
    capsys: pytest.CaptureFixture[str], store_env: Path, sample_csv: Path
) -> None:
    run(NEW, capsys)

    code, _, err = run(["progress", str(sample_csv), "--exercise", "1"], capsys)

    assert code == 1
    assert "counts are stored only while its survey is open" in err


def test_progress_note_written(
    capsys: pytest.CaptureFixture[str], store_env: Path, sample_csv: Path, tmp_path: Path
) -> None:
    start_survey(capsys, sample_csv)

    code, _, _ = run(["exercise", "progress-note", "1", "-o", str(tmp_path / "note.md")], capsys)
    text = (tmp_path / "note.md").read_text(encoding="utf-8")

    assert code == 0
    assert "# CCPM survey progress note" in text
    assert "| National | 62 | +62 | 1 | +1 |" in text


def test_draft_only_in_analysis(
    capsys: pytest.CaptureFixture[str], store_env: Path, sample_csv: Path
) -> None:
    run(NEW, capsys)

    code, _, err = run(["action-plan", "draft", "1", str(sample_csv)], capsys)

    assert code == 1
    assert "the action plan is drafted only in the analysis stage" in err


def test_whole_exercise(
    capsys: pytest.CaptureFixture[str], store_env: Path, sample_csv: Path, tmp_path: Path
) -> None:
    start_survey(capsys, sample_csv)
    assert run(["exercise", "advance", "1", "analysis", "--at", "2026-11-20T08:00"], capsys)[0] == 0

    code, out, _ = run(["action-plan", "draft", "1", str(sample_csv)], capsys)
    assert code == 0
    assert "drafted with 5 actions to write (sections 3.3, 4.1, 4.2, 6, 7)" in out

    code, _, err = run(["exercise", "advance", "1", "follow-up"], capsys)
    assert code == 1
    assert "sections 3.3, 4.1, 4.2, 6, 7 are rated unsatisfactory or weak" in err

    workbook = tmp_path / "plan.xlsx"
    assert run(["action-plan", "export", "1", "-o", str(workbook)], capsys)[0] == 0
    write_actions(workbook)
    code, _, err = run(["action-plan", "import", "1", str(workbook), "--on", "2026-11-25"], capsys)
    assert code == 0
    assert "5 actions changed, 0 added" in err

    assert (
        run(["exercise", "advance", "1", "follow-up", "--at", "2026-11-26T08:00"], capsys)[0] == 0
    )
    update = ["action-plan", "update", "1", "2", "--status", "done", "--note", "Held"]
    assert run([*update, "--on", "2027-01-15"], capsys)[0] == 0

    final = tmp_path / "final.docx"
    code, _, _ = run(["action-plan", "report", "1", str(sample_csv), "-o", str(final)], capsys)
    headings = [p.text for p in docx.Document(str(final)).paragraphs if p.style.name == "Heading 1"]
    assert code == 0
    assert headings[-1] == "Action plan"

    quarterly = tmp_path / "quarterly.md"
    report = ["followup", "report", "1", "-o", str(quarterly), "--as-of", "2027-04-15"]
    assert run(report, capsys)[0] == 0
    text = quarterly.read_text(encoding="utf-8")
    assert "5 actions: 1 done, 0 in progress, 4 not started, 0 dropped." in text
    assert "4 open actions are past their deadline." in text

    code, out, _ = run(["exercise", "due", "--as-of", "2027-10-15"], capsys)
    assert code == 0
    assert "due by 2027-11-26" in out


def test_import_conflict_after_other_edit(
    capsys: pytest.CaptureFixture[str], store_env: Path, sample_csv: Path, tmp_path: Path
) -> None:
    start_survey(capsys, sample_csv)
    run(["exercise", "advance", "1", "analysis"], capsys)
    run(["action-plan", "draft", "1", str(sample_csv)], capsys)
    workbook = tmp_path / "plan.xlsx"
    run(["action-plan", "export", "1", "-o", str(workbook)], capsys)
    run(["action-plan", "update", "1", "1", "--responsible", "Someone else"], capsys)
    write_actions(workbook)

    code, _, err = run(["action-plan", "import", "1", str(workbook)], capsys)

    assert code == 1
    assert "changed by someone else after the copy was made" in err


def test_show_unknown_exercise(capsys: pytest.CaptureFixture[str], store_env: Path) -> None:
    code, _, err = run(["exercise", "show", "5"], capsys)

    assert code == 1
    assert err.startswith("Error: no exercise 5 in the store")


def test_commands_on_any_store(
    capsys: pytest.CaptureFixture[str], store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CCPM_STORE", raising=False)
    run([*NEW, "--store", store_url], capsys)

    code, out, _ = run(["exercise", "show", "1", "--store", store_url], capsys)

    assert code == 0
    assert out.startswith("Exercise 1: Health, Chad, national\nStage: Planning")


def test_closed_exercise_not_edited(store_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(NEW, capsys)
    run(["exercise", "advance", "1", "closed", "--note", "Cancelled by the HCT"], capsys)

    code, _, err = run(["exercise", "edit", "1", "--link", "https://example.org/s"], capsys)

    assert code == 1
    assert "exercise 1 is closed" in err


def test_future_time_rejected(store_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run([*NEW[:-1], "2099-01-01T00:00"], capsys)

    assert code == 2
    assert "is in the future" in err


def test_update_refuses_empty_text(
    capsys: pytest.CaptureFixture[str], store_env: Path, sample_csv: Path
) -> None:
    start_survey(capsys, sample_csv)
    run(["exercise", "advance", "1", "analysis"], capsys)
    run(["action-plan", "draft", "1", str(sample_csv)], capsys)

    code, _, err = run(["action-plan", "update", "1", "1", "--text", "  "], capsys)

    assert code == 2
    assert "the action text cannot be empty" in err


def test_stale_copy_editing_other_action(
    capsys: pytest.CaptureFixture[str], store_env: Path, sample_csv: Path, tmp_path: Path
) -> None:
    start_survey(capsys, sample_csv)
    run(["exercise", "advance", "1", "analysis"], capsys)
    run(["action-plan", "draft", "1", str(sample_csv)], capsys)
    workbook = tmp_path / "plan.xlsx"
    run(["action-plan", "export", "1", "-o", str(workbook)], capsys)
    run(["action-plan", "update", "1", "1", "--responsible", "Someone else"], capsys)
    copy = openpyxl.load_workbook(workbook)
    copy["Actions"]["G3"] = "Information manager"
    copy.save(workbook)

    code, _, err = run(["action-plan", "import", "1", str(workbook)], capsys)
    run(["action-plan", "export", "1", "-o", str(tmp_path / "after.xlsx")], capsys)
    after = openpyxl.load_workbook(tmp_path / "after.xlsx")["Actions"]

    assert code == 0
    assert "1 action changed, 0 added" in err
    assert after["G2"].value == "Someone else"
    assert after["G3"].value == "Information manager"
