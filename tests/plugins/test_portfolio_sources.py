"""What the portfolio loader accepts as a source, and how it reports what it cannot read.

Covers a file given as the source, stores opened read-only, folder entries
that are left out or unreadable, documents without levels or sections, byte
order marks, identical documents, and output paths whose folder part is a file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from store_databases import store_url

from ccpm_core.errors import InputError, RenderError
from ccpm_core.exercise import Trigger, TriggerKind, new_exercise
from ccpm_core.exercise_errors import StoreError
from ccpm_core.results_document import ResultsDocumentError
from ccpm_plugins.portfolio.loading import read_portfolio, read_results_file
from ccpm_plugins.renderers.file_output import check_output_folders, write_atomically
from ccpm_plugins.store.read_only import SQLITE_HEADER, open_store_read_only
from ccpm_plugins.store.store import open_store
from cli_runner import run

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from portfolio_fixtures import document, level, results

__all__ = ["store_url"]

CREATED = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TRIGGER = Trigger(TriggerKind.NEW_EMERGENCY, dt.date(2026, 1, 1))


def _write(folder: Path, name: str, doc: Any) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _read_with_notes(source: Path | str) -> tuple[list[str], list[str]]:
    """Return the exercise ids read from ``source`` and the notes given."""
    notes: list[str] = []
    portfolio = read_portfolio(source, on_note=notes.append)
    return sorted(portfolio.exercises["exercise"]), notes


def _fill_store(url: str) -> None:
    with open_store(url) as store:
        national = store.add_exercise(
            new_exercise("Health", "Chad", TRIGGER, at=CREATED, by="Amina")
        )
        assert national.id is not None
        store.add_results(national.id, results(level()).to_dict(), CREATED)


# A file as the source


def test_results_file_as_source(tmp_path: Path) -> None:
    path = _write(tmp_path, "chad.json", document("td", 2026, level()))

    with pytest.raises(InputError, match=r"chad\.json: a single file; give the folder") as info:
        read_portfolio(path)

    assert str(tmp_path) in str(info.value)


def test_csv_file_as_source(tmp_path: Path) -> None:
    path = tmp_path / "responses.csv"
    path.write_text("instrument,respondent\npartner,1\n", encoding="utf-8")

    with pytest.raises(InputError, match="neither a folder of results files nor an exercise store"):
        read_portfolio(path)


def test_empty_file_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    path.write_bytes(b"")

    with pytest.raises(InputError, match=r"store\.db: an empty file, neither"):
        read_portfolio(path)

    assert path.stat().st_size == 0


def test_cli_file_source_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")

    code, _, err = run(["dashboard", str(path), "-o", str(tmp_path / "d.html")], capsys)

    assert code == 1
    assert err.startswith(f"Error: {path}: a file, neither a folder")
    assert err.count("\n") == 1


# The store, opened read-only


def test_missing_store_not_created(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.sqlite"

    with pytest.raises(StoreError, match=r"no exercise store at .*new\.sqlite; create one with"):
        read_portfolio(f"sqlite:///{path}")

    assert not path.parent.exists()


def test_cli_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.sqlite"

    code, _, err = run(["dashboard", f"sqlite:///{path}", "-o", str(tmp_path / "d.html")], capsys)

    assert code == 1
    assert "`ccpm exercise new --store" in err
    assert not path.exists()


def test_foreign_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (text TEXT)")
    connection.close()
    before = path.read_bytes()

    with pytest.raises(StoreError, match="the database has no ccpm tables"):
        read_portfolio(path)

    assert path.read_bytes() == before


def test_corrupt_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite"
    path.write_bytes(SQLITE_HEADER + b"\xff" * 200)

    with pytest.raises(StoreError, match=r"cannot open the store .*broken\.sqlite"):
        read_portfolio(path)


def test_store_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    _fill_store(f"sqlite+pysqlite:///{path}")
    before = path.read_bytes()

    ids, _ = _read_with_notes(path)

    assert ids == ["1"]
    assert path.read_bytes() == before
    assert sorted(item.name for item in tmp_path.iterdir()) == ["store.sqlite3"]


def test_store_path_with_uri_characters(tmp_path: Path) -> None:
    path = tmp_path / "a ?#% b" / "store.sqlite3"
    path.parent.mkdir()
    _fill_store(str(path))

    ids, _ = _read_with_notes(path)

    assert ids == ["1"]


def test_older_schema_not_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    open_store(f"sqlite+pysqlite:///{path}", revision="0001").close()

    with pytest.raises(StoreError, match="older schema revision '0001'; upgrade it"):
        read_portfolio(path)

    with sqlite3.connect(path) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    connection.close()
    assert revision == "0001"


def test_read_only_store_rejects_writes(store_url: str) -> None:
    _fill_store(store_url)

    with (
        open_store_read_only(store_url) as store,
        pytest.raises(StoreError, match="failed"),
    ):
        store.add_exercise(new_exercise("WASH", "Mali", TRIGGER, at=CREATED, by="Ali"))

    with open_store(store_url) as store:
        assert len(store.exercises()) == 1


def test_database_without_store(store_url: str) -> None:
    if store_url.startswith("sqlite"):
        # An empty SQLite file, as sqlite3 leaves it after a connection.
        sqlite3.connect(sa.make_url(store_url).database or "").close()
        match = "not a SQLite database|no ccpm tables"
    else:
        match = "no ccpm tables"

    with pytest.raises((StoreError, InputError), match=match):
        read_portfolio(store_url)


def test_store_read_from_url(store_url: str) -> None:
    _fill_store(store_url)

    ids, notes = _read_with_notes(store_url)

    assert ids == ["1"]
    assert notes == []


# Folder entries


def test_upper_case_ending_read(tmp_path: Path) -> None:
    _write(tmp_path, "a.json", document("a", 2026, level()))
    _write(tmp_path, "B.JSON", document("b", 2026, level(default=30.0), country="Mali"))

    ids, _ = _read_with_notes(tmp_path)

    assert ids == ["a", "b"]


def test_broken_link_named(tmp_path: Path) -> None:
    _write(tmp_path, "a.json", document("a", 2026, level()))
    (tmp_path / "b.json").symlink_to(tmp_path / "gone.json")

    with pytest.raises(InputError, match=r"b\.json: a symbolic link to .*gone\.json, which does"):
        read_portfolio(tmp_path)


def test_link_to_itself_named(tmp_path: Path) -> None:
    _write(tmp_path, "a.json", document("a", 2026, level()))
    (tmp_path / "self.json").symlink_to(tmp_path / "self.json")

    with pytest.raises(InputError, match=r"self\.json: a symbolic link"):
        read_portfolio(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_unreadable_folder_named(tmp_path: Path) -> None:
    _write(tmp_path, "a.json", document("a", 2026, level()))
    locked = tmp_path / "locked"
    _write(locked, "b.json", document("b", 2026, level(), country="Mali"))
    locked.chmod(0)
    try:
        with pytest.raises(InputError, match=r"locked: cannot list the folder"):
            read_portfolio(tmp_path)
    finally:
        locked.chmod(0o755)


def test_scan_error_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Root reads folders whatever their mode, so the denial is simulated here.
    _write(tmp_path, "a.json", document("a", 2026, level()))
    locked = tmp_path / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr("ccpm_plugins.portfolio.results_folder.os.scandir", scandir)

    with pytest.raises(InputError, match=r"locked: cannot list the folder \(Permission denied\)"):
        read_portfolio(tmp_path)


def test_pipe_named_json_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "a.json", document("a", 2026, level()))
    os.mkfifo(tmp_path / "pipe.json")

    with pytest.raises(InputError, match=r"pipe\.json: not a regular file"):
        read_portfolio(tmp_path)


def test_left_out_entries_noted(tmp_path: Path) -> None:
    _write(tmp_path, "a.json", document("a", 2026, level()))
    _write(tmp_path, ".hidden/b.json", document("b", 2026, level(), country="Mali"))
    (tmp_path / "README.md").write_text("results", encoding="utf-8")

    ids, notes = _read_with_notes(tmp_path)

    assert ids == ["a"]
    assert notes == [
        f"{tmp_path}: left out 1 entry whose names start with a dot: .hidden",
        f"{tmp_path}: left out 1 file not ending in .json: README.md",
    ]


def test_link_loop_noted(tmp_path: Path) -> None:
    _write(tmp_path, "a.json", document("a", 2026, level()))
    (tmp_path / "loop").symlink_to(tmp_path)

    ids, notes = _read_with_notes(tmp_path)

    assert ids == ["a"]
    assert notes == [f"{tmp_path}: left out 1 link to a folder that contains this one: loop"]


def test_linked_folder_followed(tmp_path: Path) -> None:
    source = tmp_path / "source"
    _write(source, "a.json", document("a", 2026, level()))
    _write(tmp_path / "elsewhere", "b.json", document("b", 2025, level(), country="Mali"))
    (source / "2025").symlink_to(tmp_path / "elsewhere")
    (source / "again").symlink_to(tmp_path / "elsewhere")

    ids, _ = _read_with_notes(source)

    assert ids == ["a", "b"]


def test_folder_of_other_files(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b\n", encoding="utf-8")

    with pytest.raises(InputError, match="no results files"):
        read_portfolio(tmp_path, on_note=lambda note: None)


# Documents


def test_no_levels_named(tmp_path: Path) -> None:
    doc = document("a", 2026, level())
    doc["levels"] = []
    _write(tmp_path, "a.json", doc)

    with pytest.raises(ResultsDocumentError, match=r"a\.json: \$\.levels: empty"):
        read_portfolio(tmp_path)


def test_no_sections_named(tmp_path: Path) -> None:
    doc = document("a", 2026, level(), level("East"))
    doc["levels"][1]["sections"] = []
    _write(tmp_path, "a.json", doc)

    with pytest.raises(ResultsDocumentError, match=r"a\.json: \$\.levels\[1\]\.sections: empty"):
        read_portfolio(tmp_path)


def test_two_national_levels_named(tmp_path: Path) -> None:
    doc = document("a", 2026, level(), level("East"))
    doc["levels"][1]["hub"] = None
    _write(tmp_path, "two.json", doc)

    with pytest.raises(
        ResultsDocumentError,
        match=r"two\.json: \$\.levels\[1\]: the national level \(hub null\) again, after "
        r"\$\.levels\[0\]",
    ):
        read_portfolio(tmp_path)


def test_hub_twice_across_case(tmp_path: Path) -> None:
    doc = document("a", 2026, level(), level("East"), level("EAST "))
    _write(tmp_path, "hubs.json", doc)

    with pytest.raises(ResultsDocumentError, match=r"hubs\.json: \$\.levels\[2\]: hub 'EAST '"):
        read_portfolio(tmp_path)


def test_section_twice_named(tmp_path: Path) -> None:
    doc = document("a", 2026, level())
    doc["levels"][0]["sections"][3] = doc["levels"][0]["sections"][0]
    _write(tmp_path, "a.json", doc)

    with pytest.raises(
        ResultsDocumentError,
        match=r"a\.json: \$\.levels\[0\]\.sections\[3\]: section '1\.1' again",
    ):
        read_portfolio(tmp_path)


def test_utf8_bom_accepted(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    text = json.dumps(document("a", 2026, level()))
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    assert read_results_file(path)["exercise"]["id"] == "a"


def test_utf16_rejected_clearly(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(json.dumps(document("a", 2026, level())).encode("utf-16"))

    with pytest.raises(ResultsDocumentError, match=r"a\.json: .*UTF-16; save it as UTF-8"):
        read_results_file(path)


def test_identical_documents_noted(tmp_path: Path) -> None:
    _write(tmp_path, "a.json", document("a", 2026, level()))
    _write(tmp_path, "b.json", document("b", 2026, level(), country="Mali"))
    _write(tmp_path, "c.json", document("c", 2026, level(default=20.0)))

    ids, notes = _read_with_notes(tmp_path)

    assert ids == ["a", "b", "c"]
    assert len(notes) == 1
    assert notes[0].startswith(f"{tmp_path / 'a.json'}, {tmp_path / 'b.json'} hold identical")
    assert "2 exercise ids ('a', 'b')" in notes[0]


def test_cli_prints_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "results"
    _write(folder, "a.json", document("a", 2026, level()))
    _write(folder, "b.json", document("b", 2026, level(), country="Mali"))

    code, _, err = run(["dashboard", str(folder), "-o", str(tmp_path / "d.html")], capsys)

    assert code == 0
    assert err.startswith("Note: ")
    assert "hold identical results" in err


# Output paths


def test_folder_part_is_file(tmp_path: Path) -> None:
    blocker = tmp_path / "a.json"
    blocker.write_text("{}", encoding="utf-8")

    with pytest.raises(RenderError, match=r"a\.json is a file, not a folder"):
        check_output_folders(blocker / "sub" / "x.html")


def test_write_into_file_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "a.json"
    blocker.write_text("{}", encoding="utf-8")

    with pytest.raises(RenderError, match=r"a\.json is a file, not a folder"):
        write_atomically(blocker / "x.html", b"<html></html>")


def test_cli_output_under_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "results"
    blocker = _write(folder, "a.json", document("a", 2026, level()))

    code, _, err = run(["dashboard", str(folder), "-o", str(blocker / "x.html")], capsys)

    assert code == 1
    assert f"{blocker} is a file, not a folder" in err


def test_annual_report_output_under_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "results"
    blocker = _write(folder, "a.json", document("a", 2026, level()))
    output = blocker / "x.xlsx"

    code, _, err = run(["annual-report", str(folder), "--year", "2026", "-o", str(output)], capsys)

    assert code == 1
    assert f"{blocker} is a file, not a folder" in err
