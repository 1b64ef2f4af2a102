"""The XLSX renderer, checked by opening its workbooks again with openpyxl and as raw XML."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import Cell as XlsxCell
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from report_samples import FORMULA_HUB, HOSTILE_COMMENT, make_report, small_report

from ccpm_core.errors import RenderError
from ccpm_core.framework import Status
from ccpm_core.report_model import (
    Block,
    BulletList,
    Cell,
    Chart,
    ChartBar,
    Heading,
    Paragraph,
    Table,
)
from ccpm_plugins import plugin_host
from ccpm_plugins.renderers.spreadsheet_text import (
    MAX_CELL_CHARACTERS,
    cut_to_cell_limit,
    is_formula_like,
    utf16_length,
)
from ccpm_plugins.renderers.styling import STATUS_STYLES, TABLE_HEADER_FILL
from ccpm_plugins.renderers.xlsx import XlsxRenderer, render_xlsx
from ccpm_plugins.renderers.xlsx_cells import NumberText, parse_number_text
from ccpm_plugins.renderers.xlsx_plan import sheet_title

HOSTILE_TEXTS = ("=1+1", "@SUM(A1:A2)", "+33 6 12 34 56 78", "\t=2+2", "-2+3", "\r=3+3")

INJECTION_TABLE = Table(
    header=("=SUM(1,2)", "Text", "Number"),
    rows=tuple(
        (Cell(f"row {index}"), Cell(text), Cell("-5", numeric=True))
        for index, text in enumerate(HOSTILE_TEXTS)
    ),
    caption="Injection",
)


def load(data: bytes) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def render(*blocks: Block, language: str = "en") -> Workbook:
    return load(render_xlsx(make_report(*blocks, language=language)))


def column_values(sheet: Worksheet, column: int) -> list[object]:
    return [row[column - 1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def cell(sheet: Worksheet, reference: str) -> XlsxCell:
    found = sheet[reference]
    assert isinstance(found, XlsxCell)
    return found


def sheet_xml(data: bytes, title: str) -> str:
    """Return the worksheet XML of the sheet called ``title``."""
    workbook = load(data)
    index = workbook.sheetnames.index(title) + 1
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


@pytest.fixture(scope="module")
def sample_bytes() -> bytes:
    return render_xlsx(make_report())


@pytest.fixture(scope="module")
def sample(sample_bytes: bytes) -> Workbook:
    return load(sample_bytes)


@pytest.fixture(scope="module")
def small_bytes() -> bytes:
    return render_xlsx(small_report())


@pytest.fixture(scope="module")
def small(small_bytes: bytes) -> Workbook:
    return load(small_bytes)


@pytest.fixture(scope="module")
def injection_bytes() -> bytes:
    return render_xlsx(make_report(INJECTION_TABLE))


@pytest.fixture(scope="module")
def injection(injection_bytes: bytes) -> Worksheet:
    return load(injection_bytes)["Injection"]


# Files and registration


def test_render_writes_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.xlsx"
    written = XlsxRenderer().render(make_report(), path)

    assert written == [path]
    assert zipfile.is_zipfile(path)


def test_renderer_registered() -> None:
    assert plugin_host().renderer_for_file("Report.XLSX").name == "xlsx"


def test_byte_identical_runs(small_bytes: bytes) -> None:
    assert render_xlsx(small_report()) == small_bytes


def test_content_identical_runs(sample_bytes: bytes) -> None:
    again = render_xlsx(make_report())
    with (
        zipfile.ZipFile(io.BytesIO(sample_bytes)) as first,
        zipfile.ZipFile(io.BytesIO(again)) as second,
    ):
        assert first.namelist() == second.namelist()
        for name in first.namelist():
            assert first.read(name) == second.read(name), name


def test_zip_entries_fixed_time(sample_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as package:
        assert {entry.date_time for entry in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_document_dates_from_cover(sample: Workbook) -> None:
    assert sample.properties.created == dt.datetime(2026, 11, 30)
    assert sample.properties.modified == dt.datetime(2026, 11, 30)


# Sheets


def test_sheet_order(sample: Workbook) -> None:
    assert sample.sheetnames == [
        "Cover",
        "Contents",
        "Status per section",
        "Chart data",
        "Summary",
        "Comments",
        "Notes",
    ]


def test_small_report_sheets(small: Workbook) -> None:
    assert small.sheetnames[:3] == ["Cover", "Contents", "Response rates"]
    assert "Item scores" in small.sheetnames
    assert "Comments" in small.sheetnames
    assert small.sheetnames[-1] == "Notes"


def test_header_rows_bold_filled_frozen(small: Workbook) -> None:
    for sheet in small.worksheets:
        header = sheet[1]
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(c.font.bold for c in header), sheet.title
        assert {c.fill.fgColor.rgb for c in header} == {"00" + TABLE_HEADER_FILL[1:].upper()}


def test_filters_cover_tables(small: Workbook) -> None:
    sheet = small["Response rates"]
    assert sheet.auto_filter.ref == f"A1:F{sheet.max_row}"


def test_cover_sheet(sample: Workbook) -> None:
    sheet = sample["Cover"]
    facts = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}

    assert facts["Cluster"] == "Health & Nutrition"
    assert facts["Date"] == dt.datetime(2026, 11, 30)
    assert facts["Language"] == "en"


def test_cover_date_is_date_cell(sample: Workbook) -> None:
    date_cell = cell(sample["Cover"], "B7")
    assert date_cell.is_date
    assert date_cell.number_format == "yyyy-mm-dd"


def test_tables_with_same_header_share_sheet(small: Workbook) -> None:
    sheet = small["Item scores"]
    header = [c.value for c in sheet[1]]
    tables = set(column_values(sheet, 1))

    assert header[:3] == ["Table", "Item", "Title"]
    assert "Item scores for section 1.1" in tables
    assert "Item scores for section 7" in tables


def test_single_table_sheet_has_no_table_column(sample: Workbook) -> None:
    assert [c.value for c in sample["Status per section"][1]] == ["Section", "Score", "Status"]


def test_long_caption_uses_heading(small: Workbook) -> None:
    assert "Levels compared" in small.sheetnames


def test_comments_sheet(small: Workbook) -> None:
    sheet = small["Comments"]
    entries = column_values(sheet, 2)
    contexts = column_values(sheet, 1)

    assert f"{HOSTILE_COMMENT} (partner)" in entries
    assert contexts[0] == "Function 1: Supporting service delivery"


def test_list_after_paragraph_takes_it_as_context() -> None:
    workbook = render(Heading("Annex", 1), Paragraph("Unknown columns:"), BulletList(("x", "y")))
    assert column_values(workbook["Annex"], 1) == ["Unknown columns:", "Unknown columns:"]


def test_chart_data_sheet(sample: Workbook) -> None:
    sheet = sample["Chart data"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))

    assert [c.value for c in sheet[1]] == ["Chart", "Label", "Score", "Status"]
    assert rows[0] == ("Performance by section", "1.1 Platform", 0.9175, "Good")
    assert rows[2] == ("Performance by section", "3.1 Strategy", None, "No data")


def test_chart_score_format(sample: Workbook) -> None:
    assert cell(sample["Chart data"], "C2").number_format == "0.0%"


def test_chart_status_filled(sample: Workbook) -> None:
    status_cell = cell(sample["Chart data"], "D3")
    assert status_cell.fill.fgColor.rgb == "00" + STATUS_STYLES[Status.WEAK].fill_hex


def test_invalid_chart_score() -> None:
    bad = Chart("t", (ChartBar("A", float("nan"), Status.GOOD),), "alt", "k")
    with pytest.raises(RenderError, match="nan"):
        render_xlsx(make_report(bad))


def test_contents_outline(sample: Workbook) -> None:
    sheet = sample["Contents"]
    kinds = column_values(sheet, 2)

    assert kinds[:4] == ["Heading 1", "Paragraph", "Note", "List"]
    assert "Field to complete (required)" in kinds
    assert "Chart" in kinds


def test_contents_links_to_table_rows(small: Workbook) -> None:
    sheet = small["Contents"]
    for row in sheet.iter_rows(min_row=2):
        link = row[3].hyperlink
        if link is None or row[1].value != "Table":
            continue
        title, reference = link.location.rsplit("!", 1)
        target = small[title.strip("'").replace("''", "'")]
        first_cell = target[reference].value
        assert first_cell is not None, link.location


def test_contents_field_text(sample: Workbook) -> None:
    texts = column_values(sample["Contents"], 3)
    assert "Actions for 2.2\nWho does what by when?" in texts


def test_heading_level_zero() -> None:
    with pytest.raises(RenderError, match="level 0"):
        render_xlsx(make_report(Heading("x", 0)))


def test_right_to_left_sheets() -> None:
    workbook = render(Paragraph("مرحبا"), language="ar")
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)


def test_left_to_right_sheets(sample: Workbook) -> None:
    assert not any(sheet.sheet_view.rightToLeft for sheet in sample.worksheets)


# Cells: numbers, statuses


def test_percent_becomes_number(sample: Workbook) -> None:
    score = cell(sample["Status per section"], "B2")

    assert score.value == pytest.approx(0.918)
    assert score.number_format == "0.0%"


def test_no_value_dash_becomes_empty(sample: Workbook) -> None:
    assert cell(sample["Status per section"], "B4").value is None


def test_counts_are_numbers(small: Workbook) -> None:
    counts = column_values(small["Response rates"], 2)
    assert all(isinstance(count, int) for count in counts)


def test_status_cell_colour_and_label(sample: Workbook) -> None:
    status = cell(sample["Status per section"], "C3")

    assert status.value == "Weak"
    assert status.fill.fgColor.rgb == "00" + STATUS_STYLES[Status.WEAK].fill_hex
    assert status.font.color.rgb == "00" + STATUS_STYLES[Status.WEAK].text_hex


def test_score_cell_gets_label_in_text() -> None:
    table = Table(
        header=("Item", "Partners"),
        rows=((Cell("1.1.1"), Cell("62.5% (3)", status=Status.SATISFACTORY, numeric=True)),),
        caption="Scores",
    )
    assert cell(render(table)["Scores"], "B2").value == "62.5% (3) · Satisfactory"


def test_numeric_status_cell_keeps_number() -> None:
    table = Table(
        header=("Item", "Score"),
        rows=((Cell("1.1.1"), Cell("62.5%", status=Status.SATISFACTORY, numeric=True)),),
        caption="Scores",
    )
    score = cell(render(table)["Scores"], "B2")

    assert score.value == pytest.approx(0.625)
    assert score.number_format == '0.0%" · Satisfactory"'
    assert score.fill.fgColor.rgb == "00" + STATUS_STYLES[Status.SATISFACTORY].fill_hex


def test_french_numbers_parsed() -> None:
    table = Table(
        header=("A", "B", "C"),
        rows=((Cell("x"), Cell("62,5\u00a0%", numeric=True), Cell("1\u202f234", numeric=True)),),
        caption="Nombres",
    )
    sheet = render(table, language="fr")["Nombres"]

    assert cell(sheet, "B2").value == pytest.approx(0.625)
    assert cell(sheet, "C2").value == 1234


def test_text_number_in_text_cell_stays_text() -> None:
    table = Table(header=("A", "B"), rows=((Cell("x"), Cell("12")),), caption="T")
    assert cell(render(table)["T"], "B2").value == "12"


# Formula injection


@pytest.mark.parametrize(("row", "text"), list(enumerate(HOSTILE_TEXTS, start=2)))
def test_formula_text_stays_text(injection: Worksheet, row: int, text: str) -> None:
    target = cell(injection, f"B{row}")

    assert target.data_type == "s"
    assert target.value == text.replace("\r", "\n")
    assert target.quotePrefix


def test_header_formula_stays_text(injection: Worksheet) -> None:
    header = cell(injection, "A1")

    assert header.data_type == "s"
    assert header.value == "=SUM(1,2)"
    assert header.quotePrefix


def test_negative_number_stays_number(injection: Worksheet) -> None:
    number = cell(injection, "C2")

    assert number.data_type == "n"
    assert number.value == -5


def test_no_formula_in_xml(injection_bytes: bytes) -> None:
    assert "<f>" not in sheet_xml(injection_bytes, "Injection")
    assert "<f " not in sheet_xml(injection_bytes, "Injection")


def test_error_code_text_stays_text() -> None:
    table = Table(header=("A", "B"), rows=((Cell("x"), Cell("#N/A")),), caption="T")
    target = cell(render(table)["T"], "B2")

    assert target.data_type == "s"
    assert target.value == "#N/A"


def test_notes_count_quote_prefixed(injection_bytes: bytes) -> None:
    notes = [
        row[2] for row in load(injection_bytes)["Notes"].iter_rows(min_row=2, values_only=True)
    ]
    # The six hostile texts and the hostile header.
    assert any(str(note).startswith("7 text cells start with") for note in notes)


def test_hub_name_formula_stays_text(small: Workbook) -> None:
    levels = small["Levels compared"]
    names = column_values(levels, 1)
    (hub_cell,) = [c for c in levels["A"] if c.value == FORMULA_HUB]

    assert FORMULA_HUB in names
    assert hub_cell.quotePrefix


# Characters and length


def test_xml_forbidden_replaced_and_counted() -> None:
    workbook = render(Heading("Part", 1), BulletList(("a\x00b\x1fc\ufffe",)))
    entry = cell(workbook["Part"], "B2")
    notes = list(workbook["Notes"].iter_rows(min_row=2, values_only=True))

    assert entry.value == "a\ufffdb\ufffdc\ufffd"
    assert notes == [
        ("Part", "B2", "3 characters that XML 1.0 does not allow were replaced with U+FFFD.")
    ]


def test_single_forbidden_character_singular() -> None:
    notes = render(Heading("Part", 1), BulletList(("a\x01",)))["Notes"]
    assert cell(notes, "C2").value == (
        "1 character that XML 1.0 does not allow was replaced with U+FFFD."
    )


def test_long_text_cut_and_listed() -> None:
    workbook = render(Heading("Part", 1), BulletList(("x" * 40_000,)))
    entry = str(cell(workbook["Part"], "B2").value)
    notes = list(workbook["Notes"].iter_rows(min_row=2, values_only=True))

    assert len(entry) == MAX_CELL_CHARACTERS
    assert entry.endswith("[cut to fit one Excel cell; see the Notes sheet]")
    assert entry.startswith("x" * 30_000)
    assert notes == [
        (
            "Part",
            "B2",
            "Text of 40,000 characters was cut to 32,767, the most one Excel cell holds.",
        )
    ]


def test_astral_text_cut_whole_characters() -> None:
    workbook = render(Heading("Part", 1), BulletList(("😀" * 20_000,)))
    entry = str(cell(workbook["Part"], "B2").value)

    assert utf16_length(entry) <= MAX_CELL_CHARACTERS
    assert entry.startswith("😀" * 16_000)


def test_text_at_limit_not_cut() -> None:
    workbook = render(Heading("Part", 1), BulletList(("y" * MAX_CELL_CHARACTERS,)))
    assert cell(workbook["Part"], "B2").value == "y" * MAX_CELL_CHARACTERS


def test_excel_escape_sequence_literal() -> None:
    workbook = render(Heading("Part", 1), BulletList(("_x0041_ stays",)))
    # Excel reads _x0041_ as "A" and _x005F_ as "_", so it shows the text as
    # typed; openpyxl returns inline strings without decoding them.
    assert cell(workbook["Part"], "B2").value == "_x005F_x0041_ stays"


@pytest.mark.parametrize("text", ["a\r\nb", "a\rb", "a\nb"])
def test_line_breaks_unified(text: str) -> None:
    target = cell(render(Heading("Part", 1), BulletList((text,)))["Part"], "B2")

    assert target.value == "a\nb"
    assert target.alignment.wrap_text


def test_notes_when_nothing_changed() -> None:
    notes = list(render(Paragraph("plain"))["Notes"].iter_rows(min_row=2, values_only=True))
    assert notes == [(None, None, "No text was changed to fit the workbook.")]


# Sheet names


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("Annex: data quality", "Annex data quality"),
        ("a/b\\c?d*e[f]g", "a b c d e f g"),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
        ("History", "History (2)"),
        ("Response rates by organisation type", "Response rates by organisation"),
        ("x" * 40, "x" * 31),
    ],
)
def test_sheet_title(candidate: str, expected: str) -> None:
    assert sheet_title(candidate, set()) == expected


def test_sheet_title_unique_ignoring_case() -> None:
    taken: set[str] = set()
    names = [sheet_title(name, taken) for name in ("Notes", "NOTES", "notes")]
    assert names == ["Notes", "NOTES (2)", "notes (3)"]


def test_sheet_title_suffix_fits() -> None:
    taken = {"y" * 31}
    assert sheet_title("y" * 40, taken) == "y" * 27 + " (2)"


@given(st.text(max_size=60))
def test_sheet_title_always_valid(candidate: str) -> None:
    title = sheet_title(candidate, set())

    assert 1 <= utf16_length(title) <= 31
    assert not set(title) & set("[]:*?/\\")
    assert not title.startswith("'")
    assert not title.endswith("'")


def test_sheet_name_with_apostrophe_links() -> None:
    blocks = (Table(header=("A",), rows=((Cell("x"),),), caption="Partners' scores"),)
    workbook = render(*blocks)
    link = cell(workbook["Contents"], "D2").hyperlink

    assert link is not None
    assert link.location == "'Partners'' scores'!A2"


# Number text


@pytest.mark.parametrize(
    ("text", "separator", "expected"),
    [
        ("12", ".", NumberText(12, "0")),
        ("-5", ".", NumberText(-5, "0")),
        ("4.50", ".", NumberText(4.5, "0.00")),
        ("62.5%", ".", NumberText(0.625, "0.0%")),
        ("1,234", ".", NumberText(1234, "#,##0")),
        ("62,5\u00a0%", ",", NumberText(0.625, "0.0%")),
        ("1.234,5", ",", NumberText(1234.5, "#,##0.0")),
        ("%62,5", ",", NumberText(0.625, "0.0%")),
        ("\u200e62.5%\u200e", ".", NumberText(0.625, "0.0%")),
        ("\u22125", ".", NumberText(-5, "0")),
    ],
)
def test_parse_number_text(text: str, separator: str, expected: NumberText) -> None:
    assert parse_number_text(text, separator) == expected


@pytest.mark.parametrize(
    "text", ["", "–", "1,5", "62.5% (3)", "1.2.3", "abc", "1234567890123456", "12 34"]
)
def test_parse_number_text_rejects(text: str) -> None:
    assert parse_number_text(text, ".") is None


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_parse_integer_round_trip(number: int) -> None:
    assert parse_number_text(str(number)) == NumberText(number, "0")


# Text rules


@pytest.mark.parametrize("text", [*HOSTILE_TEXTS, "=", "-", "@", "+a", "- bullet point"])
def test_formula_like(text: str) -> None:
    assert is_formula_like(text)


@pytest.mark.parametrize("text", ["-5", "+5", "-2.5", "1e3", "-1.5e-3", "plain", "", "a=1", " =1"])
def test_not_formula_like(text: str) -> None:
    assert not is_formula_like(text)


@given(st.text(min_size=1, max_size=20).filter(lambda t: not re.fullmatch(r"[+-]?[\d.eE+-]+", t)))
def test_trigger_start_always_formula_like(tail: str) -> None:
    for trigger in ("=", "@", "\t", "\r"):
        assert is_formula_like(trigger + tail)


def test_cut_marker_longer_than_limit() -> None:
    with pytest.raises(ValueError, match="longer than the limit"):
        cut_to_cell_limit("x" * 20, "m" * 10, limit=5)


@given(st.text(max_size=200), st.integers(min_value=20, max_value=120))
def test_cut_fits_limit(text: str, limit: int) -> None:
    cut, was_cut = cut_to_cell_limit(text, "[cut]", limit)

    assert utf16_length(cut) <= limit
    assert was_cut == (utf16_length(text) > limit)
