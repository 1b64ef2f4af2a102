"""Page orientation, table font sizes and number-like cells of DOCX reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Length

from ccpm_core.report_model import Block, Cell, Cover, Heading, Paragraph, Report, Table
from ccpm_plugins.renderers.docx import DocxRenderer

COVER = Cover(
    title="CCPM preliminary report",
    cluster="Health",
    country="Chad",
    level="National",
    date=dt.date(2024, 5, 31),
)

LEVELS = ("National", "Coastal hub", "North-East hub")
SECTIONS = ("1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "5", "6", "7")
WIDE_TABLE = Table(
    header=("Level", "Respondents", *SECTIONS),
    rows=tuple(
        (Cell(level), Cell("63", numeric=True), *(Cell("83.3%", numeric=True) for _ in SECTIONS))
        for level in LEVELS
    ),
    caption="Section scores at the national level and in each hub",
)
NARROW_TABLE = Table(
    header=("Section", "Partners", "Coordinator", "Gap (points)"),
    rows=((Cell("1.1"), Cell("83.3% (62)"), Cell("93.8% (1)"), Cell("+10.4")),),
)


def render(tmp_path: Path, *blocks: Block, language: str = "en") -> Document:
    path = tmp_path / "report.docx"
    report = Report(cover=COVER, blocks=tuple(blocks), language=language)
    DocxRenderer().render(report, path)
    return docx.Document(str(path))


def centimetres(length: Length | None) -> float:
    assert length is not None
    return round(float(length.cm), 2)


def run_sizes(table_element: object) -> set[str | None]:
    """Return the w:sz and w:szCs values of every run in a table."""
    sizes: set[str | None] = set()
    for run in table_element.iter(qn("w:r")):  # type: ignore[attr-defined]
        for tag in ("w:sz", "w:szCs"):
            element = run.find(f"{qn('w:rPr')}/{qn(tag)}")
            sizes.add(None if element is None else element.get(qn("w:val")))
    return sizes


@pytest.fixture(scope="module")
def wide_document(tmp_path_factory: pytest.TempPathFactory) -> Document:
    """Return a report with a narrow table, a heading and a wide table, then a paragraph."""
    return render(
        tmp_path_factory.mktemp("docx"),
        NARROW_TABLE,
        Heading("Levels compared", level=2),
        WIDE_TABLE,
        Paragraph("After the wide table."),
    )


def test_wide_table_landscape(wide_document: Document) -> None:
    orientations = [section.orientation for section in wide_document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]


def test_landscape_page_size(wide_document: Document) -> None:
    landscape = wide_document.sections[1]
    assert centimetres(landscape.page_width) == 29.7
    assert centimetres(landscape.page_height) == 21.0


def test_portrait_after_wide_table(wide_document: Document) -> None:
    last = wide_document.sections[2]
    assert centimetres(last.page_width) == 21.0
    assert centimetres(last.page_height) == 29.7


def test_heading_joins_wide_table(wide_document: Document) -> None:
    # The heading and the table sit between the first and the second section break.
    body = list(wide_document.element.body)
    breaks = [
        index
        for index, element in enumerate(body)
        if element.find(f".//{qn('w:sectPr')}") is not None
    ]
    heading = next(
        index
        for index, element in enumerate(body)
        if "".join(node.text or "" for node in element.iter(qn("w:t"))) == "Levels compared"
    )
    wide = [index for index, element in enumerate(body) if element.tag == qn("w:tbl")][1]
    assert breaks[0] < heading < wide < breaks[1]


def test_later_sections_number_first_page(wide_document: Document) -> None:
    flags = [section.different_first_page_header_footer for section in wide_document.sections]
    assert flags == [True, False, False]


def test_wide_table_small_font(wide_document: Document) -> None:
    wide = wide_document.tables[1]._tbl
    assert run_sizes(wide) == {"18"}


def test_narrow_table_body_font(wide_document: Document) -> None:
    narrow = wide_document.tables[0]._tbl
    assert run_sizes(narrow) == {None}


def test_wide_table_fixed_layout(wide_document: Document) -> None:
    layout = wide_document.tables[1]._tbl.tblPr.find(qn("w:tblLayout"))
    assert layout is not None
    assert layout.get(qn("w:type")) == "fixed"


def test_wide_table_fills_landscape_width(wide_document: Document) -> None:
    widths = [centimetres(column.width) for column in wide_document.tables[1].columns]
    assert sum(widths) == pytest.approx(24.7, abs=0.05)


def test_wide_table_first_column_widest(wide_document: Document) -> None:
    widths = [centimetres(column.width) for column in wide_document.tables[1].columns]
    assert widths[0] == max(widths)


def test_wide_table_words_whole(wide_document: Document) -> None:
    # At 9 pt a character takes 0.22 * 9 / 11 = 0.18 cm: "North-East" (10 characters)
    # needs 10 * 0.18 + 0.4 = 2.2 cm and "83.3%" 5 * 0.18 + 0.4 = 1.3 cm.
    widths = [centimetres(column.width) for column in wide_document.tables[1].columns]
    assert widths[0] >= 2.2
    assert min(widths[2:]) >= 1.3


def test_narrow_document_single_section(tmp_path: Path) -> None:
    document = render(tmp_path, NARROW_TABLE)
    assert len(document.sections) == 1


def test_crowded_table_smaller_font(tmp_path: Path) -> None:
    # Seven columns of 14-character words need 7 * (14 * 0.22 + 0.4) = 24.36 cm at 11 pt,
    # and 7 * (14 * 0.18 + 0.4) = 20.44 cm at 9 pt, but 7 * (14 * 0.16 + 0.4) = 18.48 cm
    # at 8 pt still exceeds 16 cm, so the table takes the smallest size, 8 pt.
    header = tuple(f"Column {number}" for number in range(1, 8))
    table = Table(header=header, rows=((*(Cell("Unsatisfactory") for _ in header),),))
    document = render(tmp_path, table)
    assert run_sizes(document.tables[0]._tbl) == {"16"}


def test_score_and_count_no_break_space(tmp_path: Path) -> None:
    document = render(tmp_path, NARROW_TABLE)
    assert document.tables[0].rows[1].cells[1].text == "83.3%\u00a0(62)"


def test_arabic_gap_left_to_right(tmp_path: Path) -> None:
    document = render(tmp_path, NARROW_TABLE, language="ar")
    assert document.tables[0].rows[1].cells[3].text == "\u200e+10.4\u200e"


def test_arabic_score_left_to_right(tmp_path: Path) -> None:
    document = render(tmp_path, NARROW_TABLE, language="ar")
    assert document.tables[0].rows[1].cells[1].text == "\u200e83.3%\u00a0(62)\u200e"


def test_arabic_number_run_not_rtl(tmp_path: Path) -> None:
    document = render(tmp_path, NARROW_TABLE, language="ar")
    run = document.tables[0].rows[1].cells[3]._tc.find(f".//{qn('w:r')}")
    assert run.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is None


def test_english_gap_without_marks(tmp_path: Path) -> None:
    document = render(tmp_path, NARROW_TABLE)
    assert document.tables[0].rows[1].cells[3].text == "+10.4"


def test_arabic_text_cell_without_marks(tmp_path: Path) -> None:
    table = Table(header=("القسم",), rows=((Cell("جيد"),),))
    document = render(tmp_path, table, language="ar")
    assert document.tables[0].rows[1].cells[0].text == "جيد"
