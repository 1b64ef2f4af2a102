"""Files exported from KoboToolbox: CSV and XLSX, current and legacy, names and labels."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from kobo_forms import MEETING_LABEL, small_questionnaire
from openpyxl import Workbook

from ccpm_core.errors import InputError
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.responses import ExclusionReason, RawResponses
from ccpm_plugins.sources.kobo.source import KoboSource

QUESTIONNAIRE = small_questionnaire()

XML_HEADER = [
    "start",
    "end",
    "instrument",
    "profile/hub",
    "profile/organisation_type",
    "partner_function_1/p11",
    "partner_function_1/topics",
    "partner_function_1/topics/wash",
    "partner_function_1/topics/health",
    "partner_function_1/p_comment_1",
    "organisation_counts/c_orgs_ingo",
    "coordinator_function_1/c11",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "meta/rootUuid",
    "_index",
]
HXL_ROW = ["", "", "#role", "#adm1", "", "", "", "", "", "", "", "", "", "", "", "", "", ""]
HXL_ROW += ["", "", "", "", ""]


def meta(number: int, status: str = "", root: str = "", time: str = "") -> list[str]:
    return [
        str(number),
        f"uuid-{number}",
        time or f"2026-05-0{number}T10:00:00",
        status,
        "",
        "submitted_via_web",
        "enumerator_7",
        "vABC",
        "",
        root or f"uuid:root-{number}",
        str(number),
    ]


TIMES = ["2026-05-04T10:10:12.120+02:00", "2026-05-04T10:29:40.901+02:00"]
XML_ROWS = [
    [*TIMES, "partner", "North", "ingo", "3", "wash health", "1", "1", "Good", "", "", *meta(1)],
    [*TIMES, "partner", "", "nngo", "99", "", "", "", "", "", "", *meta(2)],
    [*TIMES, "coordinator", "", "ingo", "", "", "", "", "", "14", "4", *meta(3)],
]


def kobo_csv(path: Path, rows: list[list[str]], delimiter: str = ";") -> Path:
    """Write rows as the current exporter does: every field quoted, CRLF, UTF-8 without BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


def workbook(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "CCPM test"
    for row in rows:
        sheet.append(row)
    book.create_sheet("visits")
    book.save(path)
    return path


def read(path: Path, validation: str | None = None) -> RawResponses:
    options = {"validation": validation} if validation else {}
    return KoboSource().read(SourceRequest(QUESTIONNAIRE, str(path), options))


def column(raw: RawResponses, name: str) -> list[str]:
    return [str(value) for value in raw.table[name].tolist()]


def read_error(path: Path, validation: str | None = None) -> str:
    with pytest.raises(InputError) as caught:
        read(path, validation)
    return str(caught.value)


# --- Current CSV -----------------------------------------------------------------


@pytest.fixture
def xml_csv(tmp_path: Path) -> Path:
    return kobo_csv(tmp_path / "export.csv", [XML_HEADER, *XML_ROWS])


def test_current_csv_columns(xml_csv: Path) -> None:
    raw = read(xml_csv)
    assert list(raw.table.columns) == [
        "instrument",
        "hub",
        "organisation_type",
        "p11",
        "partner_function_1/topics",
        "p_comment_1",
        "c_orgs_ingo",
        "c11",
    ]
    assert raw.column_sources["hub"] == "profile/hub"


def test_current_csv_values(xml_csv: Path) -> None:
    raw = read(xml_csv)
    assert column(raw, "p11") == ["3", "99", ""]
    assert column(raw, "c_orgs_ingo") == ["", "", "14"]
    assert list(raw.row_numbers) == [2, 3, 4]


def test_current_csv_scores(xml_csv: Path) -> None:
    responses = normalise_responses(read(xml_csv), QUESTIONNAIRE)
    assert responses.quality.rows_scored == 3
    assert responses.quality.unrecognised_values == ()
    assert responses.quality.unknown_columns == ("partner_function_1/topics",)


def test_metadata_columns_one_note(xml_csv: Path) -> None:
    raw = read(xml_csv)
    (note,) = [note for note in raw.notes if "metadata" in note]
    assert note.startswith("13 KoboToolbox metadata fields were not read")
    assert "_submitted_by" in note
    assert "enumerator_7" not in raw.table.to_csv()


def test_summary_kept_choice_columns_dropped(xml_csv: Path) -> None:
    raw = read(xml_csv)
    assert column(raw, "partner_function_1/topics") == ["wash health", "", ""]
    assert "partner_function_1/topics/wash" not in raw.table.columns
    assert any("2 select_multiple choice columns of 1 question" in note for note in raw.notes)


def test_hxl_row_skipped(tmp_path: Path) -> None:
    raw = read(kobo_csv(tmp_path / "hxl.csv", [XML_HEADER, HXL_ROW, *XML_ROWS]))
    assert column(raw, "instrument") == ["partner", "partner", "coordinator"]
    assert list(raw.row_numbers) == [3, 4, 5]


def test_choice_columns_only_collapsed(tmp_path: Path) -> None:
    drop = XML_HEADER.index("partner_function_1/topics")
    header = [name for i, name in enumerate(XML_HEADER) if i != drop]
    rows = [[cell for i, cell in enumerate(row) if i != drop] for row in XML_ROWS]
    rows[1][6:8] = ["0", "1"]
    raw = read(kobo_csv(tmp_path / "details.csv", [header, *rows]))
    assert column(raw, "partner_function_1/topics") == ["wash health", "health", ""]
    quality = normalise_responses(raw, QUESTIONNAIRE).quality
    assert quality.unknown_columns == ("partner_function_1/topics",)


def test_comma_csv_also_read(tmp_path: Path) -> None:
    raw = read(kobo_csv(tmp_path / "comma.csv", [XML_HEADER, *XML_ROWS], delimiter=","))
    assert column(raw, "p11") == ["3", "99", ""]


def test_headers_without_groups(tmp_path: Path) -> None:
    header = [name.rsplit("/", 1)[-1] if "_" not in name[:1] else name for name in XML_HEADER]
    header[XML_HEADER.index("partner_function_1/topics/wash")] = "topics/wash"
    header[XML_HEADER.index("partner_function_1/topics/health")] = "topics/health"
    raw = read(kobo_csv(tmp_path / "flat.csv", [header, *XML_ROWS]))
    assert column(raw, "c11") == ["", "", "4"]
    assert "topics" in raw.table.columns


def test_duplicate_question_columns_rejected(tmp_path: Path) -> None:
    header = ["instrument", "p11", "other/p11"]
    path = kobo_csv(tmp_path / "dup.csv", [header, ["partner", "1", "2"]])
    message = read_error(path)
    assert "'p11' (B) and 'other/p11' (C) both answer question 'p11'" in message
    assert "Include groups in headers" in message


def test_duplicate_unknown_headers_kept(tmp_path: Path) -> None:
    header = ["instrument", "note", "note"]
    raw = read(kobo_csv(tmp_path / "dup.csv", [header, ["partner", "a", "b"]]))
    assert list(raw.table.columns) == ["instrument", "note", "note [C]"]
    assert raw.column_sources["note [C]"] == "note"


# --- Labels -------------------------------------------------------------------------


LABEL_HEADER = [
    "Your role",
    "Hub",
    "Organisation type",
    MEETING_LABEL,
    "Comments on function 1",
    "Number of INGOs",
    MEETING_LABEL,
    "_id",
    "_validation_status",
]
LABEL_ROWS = [
    ["Cluster partner", "North", "International NGO", "Often", "Fine", "", "", "1", "Approved"],
    ["Cluster partner", "", "National NGO", "Don't know", "", "", "", "2", "On Hold"],
    ["Cluster coordinator", "", "", "", "", "14", "Always", "3", ""],
]


def test_label_headers_matched(tmp_path: Path) -> None:
    raw = read(kobo_csv(tmp_path / "labels.csv", [LABEL_HEADER, *LABEL_ROWS]))
    assert raw.column_sources["p_comment_1"] == "Comments on function 1"
    assert column(raw, "hub") == ["North", "", ""]


def test_shared_label_told_apart_by_rows(tmp_path: Path) -> None:
    raw = read(kobo_csv(tmp_path / "labels.csv", [LABEL_HEADER, *LABEL_ROWS]))
    assert column(raw, "p11") == ["Often", "Don't know", ""]
    assert column(raw, "c11") == ["", "", "Always"]
    assert not any("share" in note for note in raw.notes)


def test_shared_label_reversed_columns(tmp_path: Path) -> None:
    header = [*LABEL_HEADER]
    rows = [[*row] for row in LABEL_ROWS]
    for row in [header, *rows]:
        row[3], row[6] = row[6], row[3]
    raw = read(kobo_csv(tmp_path / "labels.csv", [header, *rows]))
    assert column(raw, "p11") == ["Often", "Don't know", ""]
    assert column(raw, "c11") == ["", "", "Always"]


def test_shared_label_unanswered_by_order(tmp_path: Path) -> None:
    rows = [[*row[:3], "", *row[4:6], "", *row[7:]] for row in LABEL_ROWS]
    raw = read(kobo_csv(tmp_path / "labels.csv", [LABEL_HEADER, *rows]))
    assert raw.column_sources["p11"] == MEETING_LABEL
    assert raw.column_sources["c11"] == MEETING_LABEL
    assert any("XML values and headers" in note for note in raw.notes)


def test_label_values_score(tmp_path: Path) -> None:
    raw = read(kobo_csv(tmp_path / "labels.csv", [LABEL_HEADER, *LABEL_ROWS]))
    quality = normalise_responses(raw, QUESTIONNAIRE).quality
    assert quality.rows_scored == 3
    assert quality.unrecognised_values == ()
    assert quality.unknown_columns == ()


def test_french_label_headers(tmp_path: Path) -> None:
    header = ["Votre rôle", "Antenne", "Type d'organisation", "Lacunes ?"]
    raw = read(kobo_csv(tmp_path / "fr.csv", [header, ["Partenaire", "Nord", "", "Souvent"]]))
    assert list(raw.table.columns) == ["instrument", "hub", "organisation_type", "p22"]


def test_group_labels_in_headers(tmp_path: Path) -> None:
    header = ["Your role", f"Function 1: Supporting service delivery/{MEETING_LABEL}"]
    raw = read(kobo_csv(tmp_path / "groups.csv", [header, ["Cluster partner", "Often"]]))
    assert column(raw, "p11") == ["Often"]


def test_grouped_counts_not_choices(tmp_path: Path) -> None:
    header = [
        "Your role",
        "Organisations in the cluster/Number of INGOs",
        "Organisations in the cluster/INGOs attending",
    ]
    rows = [["Cluster coordinator", "1", "0"], ["Cluster partner", "", ""]]
    raw = read(kobo_csv(tmp_path / "counts.csv", [header, *rows]))
    assert column(raw, "c_orgs_ingo") == ["1", ""]
    assert column(raw, "c_attending_ingo") == ["0", ""]
    assert not any("select_multiple" in note for note in raw.notes)


def test_validation_labels_approved_only(tmp_path: Path) -> None:
    raw = read(kobo_csv(tmp_path / "labels.csv", [LABEL_HEADER, *LABEL_ROWS]), "approved")
    assert list(raw.row_numbers) == [2]
    assert [(e.row, e.reason) for e in raw.exclusions] == [
        (3, ExclusionReason.NOT_APPROVED),
        (4, ExclusionReason.NOT_APPROVED),
    ]


def test_validation_without_column_rejected(tmp_path: Path) -> None:
    path = kobo_csv(tmp_path / "plain.csv", [["instrument", "p11"], ["partner", "1"]])
    message = read_error(path, "approved")
    assert "no _validation_status column" in message


def test_invalid_validation_choice(tmp_path: Path) -> None:
    path = kobo_csv(tmp_path / "plain.csv", [["instrument", "p11"], ["partner", "1"]])
    assert "--validation 'yes' is not a choice" in read_error(path, "yes")


def test_edited_rows_superseded(tmp_path: Path) -> None:
    rows = [[*row] for row in XML_ROWS]
    rows[1][-11:] = meta(2, root="uuid:root-1", time="2026-05-09T10:00:00")
    raw = read(kobo_csv(tmp_path / "edits.csv", [XML_HEADER, *rows]))
    assert list(raw.row_numbers) == [3, 4]
    (exclusion,) = raw.exclusions
    assert exclusion.row == 2
    assert exclusion.reason is ExclusionReason.SUPERSEDED


# --- Legacy and workbooks -----------------------------------------------------------


LEGACY_HEADER = [
    "instrument",
    "profile/hub",
    "partner_function_1/p11",
    "partner_function_1/topics",
    "partner_function_1/topics/wash",
    "partner_function_1/topics/health",
    "organisation_counts/c_orgs_ingo",
    "_id",
    "_submission_time",
]
LEGACY_ROWS = [
    ["partner", "North", "3", "wash", "True", "False", "n/a", "1", "2026-05-01T10:00:00"],
    ["partner", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "2", "2026-05-02T10:00:00"],
    ["coordinator", "n/a", "n/a", "n/a", "n/a", "n/a", "14", "3", "2026-05-03T10:00:00"],
]


def test_legacy_csv_missing_read(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_text("\n".join(",".join(row) for row in [LEGACY_HEADER, *LEGACY_ROWS]) + "\n")
    raw = read(path)
    assert column(raw, "hub") == ["North", "", ""]
    assert column(raw, "p11") == ["3", "", ""]
    assert any("legacy KoboToolbox export" in note for note in raw.notes)


def test_legacy_true_false_choices(tmp_path: Path) -> None:
    header = [name for name in LEGACY_HEADER if name != "partner_function_1/topics"]
    rows = [[cell for i, cell in enumerate(row) if i != 3] for row in LEGACY_ROWS]
    path = tmp_path / "legacy.csv"
    path.write_text("\n".join(",".join(row) for row in [header, *rows]) + "\n")
    raw = read(path)
    assert column(raw, "partner_function_1/topics") == ["wash", "", ""]


def test_current_na_is_an_answer(tmp_path: Path) -> None:
    rows = [["partner", "n/a", ""], ["partner", "", "1"]]
    raw = read(kobo_csv(tmp_path / "na.csv", [["instrument", "p_comment_1", "p11"], *rows]))
    assert column(raw, "p_comment_1") == ["n/a", ""]


def test_xlsx_typed_cells(tmp_path: Path) -> None:
    header = [
        "instrument",
        "profile/hub",
        "partner_function_1/p11",
        "organisation_counts/c_orgs_ingo",
    ]
    header += ["organisation_counts/c_attending_ingo", "_submission_time"]
    rows: list[list[Any]] = [
        ["partner", "North", 3, None, None, "2026-05-01T10:00:00"],
        ["coordinator", None, None, 14, 2.5, "2026-05-02T10:00:00"],
        [None, None, None, None, None, None],
    ]
    raw = read(workbook(tmp_path / "export.xlsx", [header, HXL_ROW[:6], *rows]))
    assert column(raw, "p11") == ["3", ""]
    assert column(raw, "c_orgs_ingo") == ["", "14"]
    assert column(raw, "c_attending_ingo") == ["", "2.5"]
    assert list(raw.row_numbers) == [3, 4]


def test_xlsx_legacy_booleans(tmp_path: Path) -> None:
    header = ["instrument", "g/topics/wash", "g/topics/health", "_id"]
    rows: list[list[Any]] = [["partner", True, True, 1], ["partner", "n/a", "n/a", 2]]
    raw = read(workbook(tmp_path / "legacy.xlsx", [header, *rows]))
    assert column(raw, "g/topics") == ["wash health", ""]


def test_xlsx_unnamed_column_with_value_rejected(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["instrument", "p11"], ["partner", "1", "stray"]]
    message = read_error(workbook(tmp_path / "stray.xlsx", rows))
    assert "column C has no header but holds a value in row 2" in message


def test_xls_rejected(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "old Excel .xls format" in read_error(path)


def test_broken_xlsx_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    assert "not a readable .xlsx workbook" in read_error(path)


def test_missing_file_rejected(tmp_path: Path) -> None:
    assert "file not found" in read_error(tmp_path / "absent.csv")


def test_file_and_server_rejected(xml_csv: Path) -> None:
    request = SourceRequest(QUESTIONNAIRE, str(xml_csv), {"server": "https://kf.example.org"})
    with pytest.raises(InputError, match="either an export file or --server"):
        KoboSource().read(request)
