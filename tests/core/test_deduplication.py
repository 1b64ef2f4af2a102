"""Repeated submissions: exact copies collapse, differing copies keep the latest."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest
from conftest_questionnaire import small_questionnaire

from ccpm_core.deduplication import remove_repeated_submissions
from ccpm_core.normalise import normalise_responses
from ccpm_core.responses import ExclusionReason, RawResponses


def _raw(header: Sequence[str], rows: Sequence[Sequence[str]]) -> RawResponses:
    table = pd.DataFrame([list(row) for row in rows], columns=list(header), dtype=object)
    return RawResponses(source="test.csv", table=table, row_numbers=range(2, len(rows) + 2))


def test_dedup_without_id_column() -> None:
    raw = _raw(["instrument", "p111"], [["partner", "1"], ["partner", "1"]])
    remaining, deduplication = remove_repeated_submissions(raw)
    assert remaining is raw
    assert deduplication is None


def test_dedup_exact_copies() -> None:
    rows = [["a", "partner", "1"], ["a", "partner", "1"], ["b", "partner", "1"]]
    remaining, deduplication = remove_repeated_submissions(
        _raw(["_uuid", "instrument", "p111"], rows)
    )
    assert list(remaining.row_numbers) == [2, 4]
    assert remaining.exclusions[0].row == 3
    assert remaining.exclusions[0].reason is ExclusionReason.DUPLICATE
    assert remaining.exclusions[0].detail == "same cells as row 2"
    assert deduplication is not None
    assert (deduplication.rows_before, deduplication.rows_after) == (3, 2)
    assert deduplication.exact_duplicates == 1
    assert deduplication.conflicts == 0


def test_dedup_empty_ids_kept() -> None:
    rows = [["", "partner", "1"], [" ", "partner", "1"]]
    remaining, deduplication = remove_repeated_submissions(
        _raw(["_uuid", "instrument", "p111"], rows)
    )
    assert len(remaining.table) == 2
    assert deduplication is not None
    assert deduplication.rows_after == 2


def test_dedup_latest_time_kept() -> None:
    header = ["_uuid", "_submission_time", "p111"]
    rows = [
        ["a", "2026-03-02T10:00:00+02:00", "4"],
        ["a", "2026-03-02T09:30:00Z", "2"],
    ]
    remaining, _ = remove_repeated_submissions(_raw(header, rows))
    # 10:00+02:00 is 08:00 UTC, so the second row, at 09:30 UTC, is the later one.
    assert remaining.table["p111"].tolist() == ["2"]
    assert remaining.exclusions[0].row == 2
    assert remaining.exclusions[0].reason is ExclusionReason.SUPERSEDED
    assert remaining.exclusions[0].detail == "row 3 of the same submission was kept instead"


def test_dedup_unreadable_time_keeps_last() -> None:
    header = ["meta/rootUuid", "end", "p111"]
    rows = [["a", "yesterday", "4"], ["a", "2026-03-01", "2"]]
    remaining, deduplication = remove_repeated_submissions(_raw(header, rows))
    assert remaining.table["p111"].tolist() == ["2"]
    assert deduplication is not None
    assert deduplication.time_column == "end"
    assert "a submission time is missing or not a date" in remaining.notes[0]


def test_dedup_note_names_rows_and_columns() -> None:
    header = ["_uuid", "p111", "p121"]
    rows = [["a", "1", "1"], ["a", "2", "1"]]
    remaining, _ = remove_repeated_submissions(_raw(header, rows))
    assert remaining.notes[0].startswith(
        "rows 2, 3 have the same submission id but differ in column 'p111'"
    )


def test_dedup_note_hides_id() -> None:
    rows = [["secret-id", "1"], ["secret-id", "2"]]
    remaining, _ = remove_repeated_submissions(_raw(["_uuid", "p111"], rows))
    assert all("secret-id" not in note for note in remaining.notes)
    assert all("secret-id" not in exclusion.detail for exclusion in remaining.exclusions)


def test_dedup_root_uuid_preferred() -> None:
    header = ["_uuid", "meta/rootUuid", "p111"]
    rows = [["v1", "root", "1"], ["v2", "root", "2"]]
    _, deduplication = remove_repeated_submissions(_raw(header, rows))
    assert deduplication is not None
    assert deduplication.id_column == "meta/rootUuid"
    assert deduplication.conflicts == 1


@pytest.mark.parametrize("header", ["_uuid", "meta/instanceID", "grp.uuid", "UUID"])
def test_dedup_id_headers(header: str) -> None:
    _, deduplication = remove_repeated_submissions(_raw([header, "p111"], [["a", "1"]]))
    assert deduplication is not None
    assert deduplication.id_column == header


def test_dedup_counts_in_data_quality() -> None:
    header = ["_uuid", "instrument", "p111"]
    rows = [
        ["a", "partner", "1"],
        ["a", "partner", "1"],
        ["a", "partner", "2"],
        ["b", "partner", "3"],
    ]
    responses = normalise_responses(_raw(header, rows), small_questionnaire())
    quality = responses.quality
    assert quality.rows_read == 4
    assert quality.rows_scored == 2
    assert quality.exclusion_counts() == {"duplicate": 1, "superseded": 1}
    document = quality.to_dict()["deduplication"]
    assert document["rows_before"] == 4
    assert document["rows_after"] == 2
