"""The DOCX renderer, checked by opening its output again with python-docx."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Length, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell

from ccpm_core.errors import RenderError
from ccpm_core.framework import Status
from ccpm_core.report_model import (
    Block,
    BulletList,
    Cell,
    Chart,
    ChartBar,
    Cover,
    EditableField,
    Heading,
    Paragraph,
    Report,
    Table,
)
from ccpm_plugins import plugin_host
from ccpm_plugins.renderers.docx import DocxRenderer, xml_safe_text

COVER = Cover(
    title="CCPM preliminary report",
    cluster="Health",
    country="Chad",
    level="National",
    date=dt.date(2024, 5, 31),
    survey_period="1-15 May 2024",
    subtitle="For the review workshop",
)

TABLE = Table(
    header=("Section", "Score (%)", "Status"),
    rows=(
        (Cell("1.1 Platform"), Cell("91.8", numeric=True), Cell("Good", status=Status.GOOD)),
        (Cell("2.2 Analysis"), Cell("12.5", numeric=True), Cell("Weak", status=Status.WEAK)),
        (Cell("3.1 Strategy"), Cell("", numeric=True), Cell("No data", status=Status.NO_DATA)),
    ),
    caption="Status per section",
)

CHART = Chart(
    title="Performance by section",
    bars=(ChartBar("1.1 Platform", 91.8, Status.GOOD), ChartBar("2.2 Analysis", 12.5, Status.WEAK)),
    alt_text="Bar chart: 1.1 good at 92, 2.2 weak at 13",
    key="sections",
)

BLOCKS: tuple[Block, ...] = (
    Heading("Summary", 1),
    Paragraph("Results are preliminary."),
    Paragraph("Scores are medians of respondent means.", emphasis=True),
    BulletList(("Responses: 24", "Response rate: 60%")),
    Heading("Performance status", 2),
    TABLE,
    CHART,
    Heading("Follow-up actions", 3),
    EditableField("Actions for 2.2", required=True, prompt="Who does what by when?"),
    EditableField("Other remarks"),
)


def make_report(*blocks: Block, cover: Cover = COVER, language: str = "en") -> Report:
    return Report(cover=cover, blocks=blocks, language=language)


def render(tmp_path: Path, *blocks: Block, cover: Cover = COVER, language: str = "en") -> Document:
    path = tmp_path / "report.docx"
    DocxRenderer().render(make_report(*blocks, cover=cover, language=language), path)
    return docx.Document(str(path))


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> Document:
    """Return the sample report, rendered once for every test that only reads it."""
    return render(tmp_path_factory.mktemp("docx"), *BLOCKS)


def centimetres(length: Length | None) -> float:
    """Return a length in cm rounded to 0.1 mm, coarser than Word's twips (1/1440 in)."""
    assert length is not None
    return round(float(length.cm), 2)


def styled(document: Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def shading(cell: _Cell) -> str | None:
    properties = cell._tc.tcPr
    if properties is None:
        return None
    shade = properties.find(qn("w:shd"))
    return None if shade is None else shade.get(qn("w:fill"))


def data_table(document: Document) -> DocxTable:
    return document.tables[0]


def editable_tables(document: Document) -> list[DocxTable]:
    return [table for table in document.tables if len(table.rows[0].cells) == 1]


def test_render_returns_path(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    assert DocxRenderer().render(make_report(), path) == [path]


def test_cover_title(document: Document) -> None:
    assert styled(document, "Title") == ["CCPM preliminary report"]


def test_cover_subtitle(document: Document) -> None:
    assert styled(document, "Subtitle") == ["For the review workshop"]


@pytest.mark.parametrize(
    "fact",
    [
        "Cluster: Health",
        "Country: Chad",
        "Level: National",
        "Date: 2024-05-31",
        "Survey period: 1-15 May 2024",
    ],
)
def test_cover_fact(document: Document, fact: str) -> None:
    assert fact in [paragraph.text for paragraph in document.paragraphs]


def test_cover_fact_label_bold(document: Document) -> None:
    cluster = next(p for p in document.paragraphs if p.text == "Cluster: Health")
    assert cluster.runs[0].bold is True


def test_cover_skips_empty_facts(tmp_path: Path) -> None:
    cover = Cover(title="T", cluster="Health", country="", level="", date=None)
    document = render(tmp_path, cover=cover)
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts == ["T", "Cluster: Health"]


def test_page_break_after_cover(document: Document) -> None:
    texts = [paragraph.text for paragraph in document.paragraphs]
    break_index = next(
        index
        for index, paragraph in enumerate(document.paragraphs)
        if paragraph._p.xpath("./w:r/w:br[@w:type='page']")
    )
    assert texts[break_index - 1] == "Survey period: 1-15 May 2024"
    assert texts[break_index + 1] == "Summary"


def test_heading_styles(document: Document) -> None:
    assert styled(document, "Heading 1") == ["Summary"]
    assert styled(document, "Heading 2") == ["Performance status"]
    assert styled(document, "Heading 3") == ["Follow-up actions"]


def test_heading_deep_level(tmp_path: Path) -> None:
    assert styled(render(tmp_path, Heading("Deep", 12)), "Heading 9") == ["Deep"]


def test_heading_level_zero(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="level 0"):
        render(tmp_path, Heading("Bad", 0))


def test_paragraph_normal(document: Document) -> None:
    assert "Results are preliminary." in styled(document, "Normal")


def test_paragraph_emphasis_italic(document: Document) -> None:
    note = next(p for p in document.paragraphs if p.text.startswith("Scores are medians"))
    assert note.runs[0].italic is True


def test_paragraph_plain_not_italic(document: Document) -> None:
    plain = next(p for p in document.paragraphs if p.text == "Results are preliminary.")
    assert not plain.runs[0].italic


def test_paragraph_blank_line_splits(tmp_path: Path) -> None:
    document = render(tmp_path, Paragraph("First\n\nSecond"))
    assert styled(document, "Normal")[-2:] == ["First", "Second"]


def test_paragraph_line_break(tmp_path: Path) -> None:
    document = render(tmp_path, Paragraph("First\r\nSecond"))
    assert styled(document, "Normal")[-1] == "First\nSecond"


def test_markdown_syntax_literal(tmp_path: Path) -> None:
    document = render(tmp_path, Paragraph("=1+1 *bold* <script> # x [x](y)"))
    assert styled(document, "Normal")[-1] == "=1+1 *bold* <script> # x [x](y)"


def test_bullet_list(document: Document) -> None:
    assert styled(document, "List Bullet") == ["Responses: 24", "Response rate: 60%"]


def test_table_count(document: Document) -> None:
    # The data table and one box per editable field.
    assert len(document.tables) == 3


def test_table_caption(document: Document) -> None:
    assert "Status per section" in styled(document, "Caption")


def test_table_header_texts(document: Document) -> None:
    header = [cell.text for cell in data_table(document).rows[0].cells]
    assert header == ["Section", "Score (%)", "Status"]


def test_table_header_bold(document: Document) -> None:
    header = data_table(document).rows[0].cells
    assert all(cell.paragraphs[0].runs[0].bold for cell in header)


def test_table_header_repeats(document: Document) -> None:
    flags = data_table(document).rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert len(flags) == 1


def test_table_body_not_header(document: Document) -> None:
    assert not data_table(document).rows[1]._tr.xpath("./w:trPr/w:tblHeader")


def test_table_grid_style(document: Document) -> None:
    style = data_table(document).style
    assert style is not None
    assert style.name == "Table Grid"


def test_table_row_count(document: Document) -> None:
    assert len(data_table(document).rows) == 4


@pytest.mark.parametrize(
    ("row", "fill", "label"),
    [(1, "1FC63C", "Good"), (2, "E8342E", "Weak"), (3, "D9D9D9", "No data")],
)
def test_status_cell(document: Document, row: int, fill: str, label: str) -> None:
    cell = data_table(document).rows[row].cells[2]
    assert shading(cell) == fill
    assert cell.text == label


def test_status_cell_text_colour(document: Document) -> None:
    cell = data_table(document).rows[2].cells[2]
    assert cell.paragraphs[0].runs[0].font.color.rgb == RGBColor(0, 0, 0)


def test_plain_cell_not_shaded(document: Document) -> None:
    assert shading(data_table(document).rows[1].cells[0]) is None


def test_numeric_cell_right_aligned(document: Document) -> None:
    cell = data_table(document).rows[1].cells[1]
    assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_text_cell_not_right_aligned(document: Document) -> None:
    cell = data_table(document).rows[1].cells[0]
    assert cell.paragraphs[0].alignment is None


def test_numeric_header_right_aligned(document: Document) -> None:
    cell = data_table(document).rows[0].cells[1]
    assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_empty_table_header_only(tmp_path: Path) -> None:
    document = render(tmp_path, Table(header=("A", "B"), rows=(), caption="Empty"))
    assert [cell.text for cell in document.tables[0].rows[0].cells] == ["A", "B"]
    assert len(document.tables[0].rows) == 1


def test_table_without_columns(tmp_path: Path) -> None:
    document = render(tmp_path, Table(header=(), rows=(), caption="Nothing"))
    assert len(document.tables) == 0
    assert styled(document, "Caption") == ["Nothing"]


def test_chart_picture(document: Document) -> None:
    assert len(document.inline_shapes) == 1


def test_chart_alt_text(document: Document) -> None:
    description = document.inline_shapes[0]._inline.docPr.get("descr")
    assert description == "Bar chart: 1.1 good at 92, 2.2 weak at 13"


def test_chart_width_16_cm(document: Document) -> None:
    assert document.inline_shapes[0].width == Cm(16)


def test_chart_caption(document: Document) -> None:
    assert "Performance by section" in styled(document, "Caption")


def test_chart_image_is_png(tmp_path: Path) -> None:
    render(tmp_path, CHART)
    with zipfile.ZipFile(tmp_path / "report.docx") as package:
        image = package.read("word/media/image1.png")
    assert image.startswith(b"\x89PNG\r\n\x1a\n")


def test_tall_chart_fits_page(tmp_path: Path) -> None:
    bars = tuple(ChartBar(f"Item {n} " + "long label " * 6, 50.0, Status.WEAK) for n in range(40))
    chart = Chart(title="Items", bars=bars, alt_text="Items", key="items")
    shape = render(tmp_path, chart).inline_shapes[0]
    assert shape.height <= Cm(21)
    assert shape.width < Cm(16)


def test_editable_field_count(document: Document) -> None:
    assert len(editable_tables(document)) == 2


def test_editable_field_required_label(document: Document) -> None:
    label = editable_tables(document)[0].rows[0].cells[0].paragraphs[0]
    assert label.text == "Actions for 2.2 (required)"
    assert all(run.bold for run in label.runs)


def test_editable_field_optional_label(document: Document) -> None:
    label = editable_tables(document)[1].rows[0].cells[0].paragraphs[0]
    assert label.text == "Other remarks"


def test_editable_field_prompt_grey_italic(document: Document) -> None:
    prompt = editable_tables(document)[0].rows[0].cells[0].paragraphs[1]
    assert prompt.text == "Who does what by when?"
    assert prompt.runs[0].italic is True
    assert prompt.runs[0].font.color.rgb == RGBColor(0x59, 0x59, 0x59)


def test_editable_field_empty_paragraph(document: Document) -> None:
    paragraphs = editable_tables(document)[0].rows[0].cells[0].paragraphs
    assert paragraphs[-1].text == ""
    assert len(paragraphs) == 3


def test_editable_field_bordered(document: Document) -> None:
    style = editable_tables(document)[0].style
    assert style is not None
    assert style.name == "Table Grid"


def test_editable_field_minimum_height(document: Document) -> None:
    row = editable_tables(document)[0].rows[0]
    assert centimetres(row.height) == 3.0


def test_column_widths_fill_text_width(document: Document) -> None:
    widths = [centimetres(column.width) for column in data_table(document).columns]
    assert sum(widths) == pytest.approx(16, abs=0.05)


def test_column_widths_keep_words_whole(tmp_path: Path) -> None:
    # "Satisfactory" needs 12 * 0.22 + 0.4 = 3.04 cm. The bold header "Score"
    # counts as 5 * 1.15 characters: 5.75 * 0.22 + 0.4 = 1.665 cm.
    table = Table(
        header=("Title", "Status", "Score"),
        rows=((Cell("a long title " * 12), Cell("Satisfactory"), Cell("83.3%")),),
    )
    widths = [centimetres(column.width) for column in render(tmp_path, table).tables[0].columns]
    assert widths[1] == 3.04
    assert widths[2] == pytest.approx(1.665, abs=0.01)
    assert widths[0] == pytest.approx(16 - 3.04 - 1.665, abs=0.02)


def test_column_widths_capped(tmp_path: Path) -> None:
    # Word widths: the 500-character word counts as 18 characters, 18 * 0.22 + 0.4 = 4.36 cm;
    # the bold "No." counts as 3 * 1.15 characters, 3.45 * 0.22 + 0.4 = 1.159 cm. Lines
    # (capped at 40, at least 6) ask for 8.8 and 1.32 cm, so the spare 10.481 cm is shared
    # 4.44 : 0.161.
    table = Table(header=("Comment", "No."), rows=((Cell("x" * 500), Cell("1", numeric=True)),))
    widths = [centimetres(column.width) for column in render(tmp_path, table).tables[0].columns]
    assert widths[1] == pytest.approx(1.159 + 10.481 * 0.161 / 4.601, abs=0.01)
    assert widths[0] == pytest.approx(4.36 + 10.481 * 4.44 / 4.601, abs=0.01)


def test_cell_widths_match_grid(document: Document) -> None:
    table = data_table(document)
    grid = [column.width for column in table.columns]
    assert [cell.width for cell in table.rows[1].cells] == grid


def test_tables_separated(tmp_path: Path) -> None:
    document = render(tmp_path, EditableField("A"), EditableField("B"))
    body = document.element.body
    tables = body.findall(qn("w:tbl"))
    assert tables[0].getnext().tag == qn("w:p")


def test_core_properties(document: Document) -> None:
    properties = document.core_properties
    assert properties.title == "CCPM preliminary report"
    assert properties.author == ""
    assert properties.last_modified_by == ""
    assert properties.comments == ""


def test_core_dates_from_cover(document: Document) -> None:
    expected = dt.datetime(2024, 5, 31, tzinfo=dt.UTC)
    assert document.core_properties.created == expected
    assert document.core_properties.modified == expected


def test_core_dates_absent_without_cover_date(tmp_path: Path) -> None:
    cover = Cover(title="T", cluster="Health", country="Chad", level="National", date=None)
    properties = render(tmp_path, cover=cover).core_properties
    assert properties.created is None
    assert properties.modified is None


def test_no_thumbnail(tmp_path: Path) -> None:
    render(tmp_path)
    with zipfile.ZipFile(tmp_path / "report.docx") as package:
        assert "docProps/thumbnail.jpeg" not in package.namelist()


def test_page_is_a4(document: Document) -> None:
    section = document.sections[0]
    assert centimetres(section.page_width) == 21.0
    assert centimetres(section.page_height) == 29.7


def test_text_width_fits_chart(document: Document) -> None:
    section = document.sections[0]
    margins = centimetres(section.left_margin) + centimetres(section.right_margin)
    assert centimetres(section.page_width) - margins == pytest.approx(16.0)


def test_footer_page_number(document: Document) -> None:
    footer = document.sections[0].footer.paragraphs[0]
    instructions = [element.text for element in footer._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]


def test_cover_has_no_page_number(document: Document) -> None:
    assert document.sections[0].different_first_page_header_footer


def test_language_set(tmp_path: Path) -> None:
    document = render(tmp_path, language="fr")
    language = document.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}"
    )
    assert language is not None
    assert language.get(qn("w:val")) == "fr"


def test_arabic_right_to_left(tmp_path: Path) -> None:
    document = render(tmp_path, language="ar")
    flags = document.styles.element.xpath("./w:docDefaults/w:pPrDefault/w:pPr/w:bidi")
    assert len(flags) == 1


def test_arabic_tables_mirrored(tmp_path: Path) -> None:
    document = render(tmp_path, TABLE, EditableField("A"), language="ar")
    for table in document.tables:
        properties = table._tbl.tblPr
        children = [child.tag for child in properties]
        assert children.index(qn("w:bidiVisual")) == children.index(qn("w:tblStyle")) + 1


def test_english_tables_not_mirrored(document: Document) -> None:
    assert not document.element.body.xpath(".//w:bidiVisual")


def test_english_left_to_right(document: Document) -> None:
    flags = document.styles.element.xpath("./w:docDefaults/w:pPrDefault/w:pPr/w:bidi")
    assert flags == []


def test_byte_identical(tmp_path: Path) -> None:
    report = make_report(*BLOCKS)
    DocxRenderer().render(report, tmp_path / "a.docx")
    DocxRenderer().render(report, tmp_path / "b.docx")
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


def test_zip_entries_fixed_time(tmp_path: Path) -> None:
    render(tmp_path, *BLOCKS)
    with zipfile.ZipFile(tmp_path / "report.docx") as package:
        times = {entry.date_time for entry in package.infolist()}
    assert times == {(1980, 1, 1, 0, 0, 0)}


def test_forbidden_characters_replaced(tmp_path: Path) -> None:
    document = render(
        tmp_path,
        Heading("Head\x00ing"),
        Paragraph("a\x01b\x0bc\ud800d\uffff"),
        BulletList(("x\x1fy",)),
        Table(header=("H\x02",), rows=((Cell("c\x03"),),), caption="cap\x04"),
        EditableField("label\x05", prompt="prompt\x06"),
        cover=Cover(title="T\x07", cluster="C\x08", country="", level="", date=None),
    )
    texts = "".join(p.text for p in document.paragraphs)
    assert "a\ufffdb\ufffdc\ufffdd\ufffd" in texts
    assert "Head\ufffding" in styled(document, "Heading 1")
    assert document.tables[0].rows[1].cells[0].text == "c\ufffd"


def test_long_text(tmp_path: Path) -> None:
    long_text = "word " * 20_000
    document = render(
        tmp_path,
        Paragraph(long_text),
        Table(header=("Comment",), rows=((Cell(long_text),),)),
    )
    assert document.tables[0].rows[1].cells[0].text == long_text


def test_xml_safe_text_keeps_tab_and_newline() -> None:
    assert xml_safe_text("a\tb\nc") == "a\tb\nc"


def test_xml_safe_text_unifies_line_breaks() -> None:
    assert xml_safe_text("a\r\nb\rc") == "a\nb\nc"


def test_creates_parent_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "report.docx"
    DocxRenderer().render(make_report(), path)
    assert path.is_file()


def test_unwritable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(RenderError, match=r"file/report\.docx"):
        DocxRenderer().render(make_report(), blocker / "report.docx")


def test_path_is_folder(tmp_path: Path) -> None:
    folder = tmp_path / "report.docx"
    folder.mkdir()
    with pytest.raises(RenderError, match=r"report\.docx"):
        DocxRenderer().render(make_report(), folder)


def test_failed_write_leaves_no_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "report.docx"
    folder.mkdir()
    with pytest.raises(RenderError):
        DocxRenderer().render(make_report(), folder)
    assert [path.name for path in tmp_path.iterdir()] == ["report.docx"]


def test_overwrites_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"old")
    DocxRenderer().render(make_report(), path)
    assert zipfile.is_zipfile(io.BytesIO(path.read_bytes()))


def test_invalid_chart_score(tmp_path: Path) -> None:
    chart = Chart(title="t", bars=(ChartBar("x", -5.0, Status.WEAK),), alt_text="a", key="k")
    with pytest.raises(RenderError, match="0 to 100"):
        render(tmp_path, chart)


def test_host_finds_by_name() -> None:
    assert isinstance(plugin_host().renderer("docx"), DocxRenderer)


@pytest.mark.parametrize("name", ["x.docx", "REPORT.DOCX"])
def test_host_finds_by_suffix(name: str) -> None:
    assert isinstance(plugin_host().renderer_for_file(name), DocxRenderer)
