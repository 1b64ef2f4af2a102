"""Word (DOCX) rendering of a report: the editable preliminary report for the CCPM workshop.

Everything is real Word structure that coordinators can edit: built-in
Title, Heading, List Bullet and Caption styles, tables with a repeated header
row, and charts as pictures with alternative text. Status cells carry both
the status colour and the status label, so they read correctly in black and
white print and with a screen reader.

The same report gives a byte-identical file on every run: the document has no
author and takes its dates from the cover, and the ZIP entries get a fixed
timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ccpm_core.errors import RenderError
from ccpm_core.hookspecs import hookimpl
from ccpm_core.i18n import is_right_to_left, translator
from ccpm_core.locale_format import format_date
from ccpm_core.plugin_api import ReportRenderer
from ccpm_core.report_model import (
    Block,
    BulletList,
    Cell,
    Chart,
    Cover,
    EditableField,
    Heading,
    Paragraph,
    Report,
    Table,
)
from ccpm_plugins.renderers.charts import CHART_WIDTH_CM, render_chart_png
from ccpm_plugins.renderers.file_output import repack_zip_with_fixed_times, write_atomically
from ccpm_plugins.renderers.spreadsheet_text import XML_FORBIDDEN
from ccpm_plugins.renderers.styling import MUTED_TEXT, TABLE_HEADER_FILL, status_style
from ccpm_plugins.renderers.text_direction import (
    has_right_to_left_letters,
    starts_right_to_left,
)

# python-docx takes a tenth of a second to import, so it is imported where a
# document is built, not when the plugin host loads this module.
if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.table import CT_Row
    from docx.oxml.xmlchemy import BaseOxmlElement
    from docx.section import Section
    from docx.shared import Length
    from docx.table import Table as DocxTable
    from docx.table import _Cell, _Row
    from docx.text.paragraph import Paragraph as DocxParagraph
    from docx.text.run import Run

__all__ = ["DocxRenderer", "ccpm_register_renderers", "xml_safe_text"]

Translate = Callable[[str], str]
"""A gettext function; parameters of this type are named ``gettext`` for message extraction."""

# A4 with 2.5 cm margins leaves 16 cm of text width, the chart width.
_PAGE_WIDTH_CM = 21.0
_PAGE_HEIGHT_CM = 29.7
_MARGIN_CM = 2.5
_TEXT_WIDTH_CM = _PAGE_WIDTH_CM - 2 * _MARGIN_CM
_LANDSCAPE_TEXT_WIDTH_CM = _PAGE_HEIGHT_CM - 2 * _MARGIN_CM
_MAX_PORTRAIT_COLUMNS = 7
"""Tables with more columns go on landscape pages, such as the levels-by-sections comparison."""
_MAX_PICTURE_HEIGHT_CM = 21.0
"""Maximum height of a chart picture, which leaves room on the page for its caption."""

_MAX_WORD_HEADING_LEVEL = 9

# Column weights in characters of the longest line, see _column_widths.
_MIN_COLUMN_WEIGHT = 6
_MAX_COLUMN_WEIGHT = 40
_CM_PER_CHARACTER = 0.22
"""Estimated width of an average character of 11 pt body text, in centimetres.

Calibri needs about 0.2 cm (an estimate). The extra room is for DejaVu Sans, which
LibreOffice uses in place of Calibri where neither Calibri nor Carlito is installed.
"""
_BOLD_WIDTH_FACTOR = 1.15
"""Estimated width of bold header text relative to regular text."""
_BODY_FONT_PT = 11.0
"""Font size of body text in python-docx's default template, which the report keeps."""
_SMALL_TABLE_FONTS_PT = (9.0, 8.0)
"""Smaller font sizes, tried in turn for a table whose words do not fit at the body size."""
_WIDE_TABLE_FONT_PT = 9.0
"""Largest font size of a landscape table."""
_CELL_PADDING_CM = 0.4
"""Left and right cell margins of Word's default table style together."""
_MAX_WORD_CHARACTERS = 18
"""Longer words (long codes, URLs) may wrap, so one of them cannot take the whole width."""

_EDITABLE_FIELD_MIN_HEIGHT_CM = 3.0

_NUMBER_CHARACTER = r"[\s\d.,%+\-\u2212\u066a-\u066c()]"
_NUMBER_LIKE = re.compile(f"{_NUMBER_CHARACTER}*\\d{_NUMBER_CHARACTER}*")
"""Cell text made of numbers, signs, percent marks and brackets, such as "+10.4" or "83.3% (62)"."""
_LEFT_TO_RIGHT_MARK = "\u200e"
_NO_BREAK_SPACE = "\u00a0"

# Elements that follow w:bidi in a paragraph's properties, in the order that
# the WordprocessingML schema (ECMA-376 CT_PPrBase) requires.
_AFTER_PARAGRAPH_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)

_THUMBNAIL_RELATIONSHIP = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
)


class DocxRenderer(ReportRenderer):
    """Writes a report as an editable Word document."""

    name = "docx"
    file_suffixes = (".docx",)

    def render(self, report: Report, path: Path) -> list[Path]:
        """Write the report to ``path`` as a DOCX file and return ``[path]``.

        Creates the parent folder when it is missing. Raises
        :class:`~ccpm_core.errors.RenderError` for an invalid block or chart
        score, or when the file cannot be written.
        """
        path = Path(path)
        document = _build_document(report)
        write_atomically(path, _package_bytes(document))
        return [path]


@hookimpl
def ccpm_register_renderers(register: Callable[[ReportRenderer], None]) -> None:
    """Register the DOCX renderer."""
    register(DocxRenderer())


def xml_safe_text(text: str) -> str:
    """Return text that Word can store: ``\\n`` line breaks, XML-forbidden characters as U+FFFD."""
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    return XML_FORBIDDEN.sub("\ufffd", unified)


def _build_document(report: Report) -> Document:
    import docx

    document = docx.Document()
    gettext = translator(report.language)

    _set_page_layout(document.sections[0])
    _set_language(document, report.language)
    _set_core_properties(document, report)
    _drop_thumbnail(document)

    _add_cover(document, report.cover, gettext, report.language)
    right_to_left = is_right_to_left(report.language)
    landscape = False
    for index, block in enumerate(report.blocks):
        needs_landscape = _needs_landscape(report.blocks, index)
        if needs_landscape != landscape:
            _start_section(document, landscape=needs_landscape)
            landscape = needs_landscape
        _add_block(document, block, gettext, landscape=landscape, right_to_left=right_to_left)

    if is_right_to_left(report.language):
        for table in document.tables:
            _mirror_columns(table)
        _mark_paragraphs_right_to_left(document)
    else:
        _mark_paragraphs_right_to_left(document, only_right_to_left_text=True)
    _mark_right_to_left_runs(document)
    return document


def _set_page_layout(section: Section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    section.page_width = Cm(_PAGE_WIDTH_CM)
    section.page_height = Cm(_PAGE_HEIGHT_CM)
    section.left_margin = Cm(_MARGIN_CM)
    section.right_margin = Cm(_MARGIN_CM)
    section.top_margin = Cm(_MARGIN_CM)
    section.bottom_margin = Cm(_MARGIN_CM)

    # Page numbers in the footer, except on the cover page.
    section.different_first_page_header_footer = True
    footer_paragraph = section.footer.paragraphs[0]
    footer_paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_page_number_field(footer_paragraph)


def _is_wide(block: Block) -> bool:
    return isinstance(block, Table) and len(block.header) > _MAX_PORTRAIT_COLUMNS


def _needs_landscape(blocks: Sequence[Block], index: int) -> bool:
    """Tell whether a block goes on a landscape page.

    Wide tables do, and so do the headings and paragraphs right before one,
    so that a table is not parted from the heading that introduces it.
    """
    for block in blocks[index:]:
        if _is_wide(block):
            return True
        if not isinstance(block, (Heading, Paragraph)):
            return False
    return False


def _start_section(document: Document, *, landscape: bool) -> None:
    """Start a new page in landscape or portrait orientation."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = document.add_section(WD_SECTION.NEW_PAGE)
    # The first section hides the page number on the cover page. Later
    # sections inherit its footer and show the number on every page.
    section.different_first_page_header_footer = False
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width = Cm(_PAGE_HEIGHT_CM)
        section.page_height = Cm(_PAGE_WIDTH_CM)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Cm(_PAGE_WIDTH_CM)
        section.page_height = Cm(_PAGE_HEIGHT_CM)


def _add_page_number_field(paragraph: DocxParagraph) -> None:
    """Append a PAGE field, which Word fills with the current page number."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"

    run = paragraph.add_run()
    run._r.append(_field_char("begin"))
    run._r.append(instruction)
    run._r.append(_field_char("separate"))
    run._r.append(placeholder)
    run._r.append(_field_char("end"))


def _field_char(kind: str) -> BaseOxmlElement:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _set_language(document: Document, language: str) -> None:
    """Set the proofing language, and right-to-left paragraphs for Arabic and similar scripts."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    language_element = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    # NOTE: the tag is written as given. Word documents usually carry a region
    # ("fr-FR"), and whether every Word version maps a bare "fr" is unverified.
    if language_element is not None:
        language_element.set(qn("w:val"), language)
        if is_right_to_left(language):
            # w:bidi is the proofing language of right-to-left (complex script) text.
            language_element.set(qn("w:bidi"), language)

    if is_right_to_left(language):
        paragraph_defaults = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        if paragraph_defaults is not None:
            paragraph_defaults.insert(0, OxmlElement("w:bidi"))


def _set_core_properties(document: Document, report: Report) -> None:
    properties = document.core_properties
    properties.title = xml_safe_text(report.cover.title)
    properties.subject = xml_safe_text(report.cover.subtitle)
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.keywords = "CCPM"
    properties.language = report.language
    properties.revision = 1

    # Dates come from the cover, never from the clock, so that a rerun gives
    # the same file. Without a cover date the document has no dates at all.
    if report.cover.date is None:
        properties._element._remove_created()
        properties._element._remove_modified()
    else:
        stamp = dt.datetime.combine(report.cover.date, dt.time())
        properties.created = stamp
        properties.modified = stamp


def _drop_thumbnail(document: Document) -> None:
    """Remove the template's preview image, which shows an empty python-docx page."""
    relationships = document.part.package.rels
    for relationship_id, relationship in list(relationships.items()):
        if relationship.reltype == _THUMBNAIL_RELATIONSHIP:
            del relationships[relationship_id]


def _add_cover(document: Document, cover: Cover, gettext: Translate, language: str) -> None:
    from docx.enum.text import WD_BREAK

    document.add_paragraph(xml_safe_text(cover.title), style="Title")
    if cover.subtitle.strip():
        document.add_paragraph(xml_safe_text(cover.subtitle), style="Subtitle")

    facts = [
        (gettext("Cluster"), cover.cluster),
        (gettext("Country"), cover.country),
        (gettext("Level"), cover.level),
        (gettext("Date"), format_date(cover.date, language) if cover.date else ""),
        (gettext("Survey period"), cover.survey_period),
    ]
    # TRANSLATORS: a cover fact's label and the mark before its value, such as "Country:".
    label_format = gettext("{label}:")
    for label, value in facts:
        if not value.strip():
            continue
        paragraph = document.add_paragraph()
        paragraph.add_run(xml_safe_text(label_format.format(label=label) + " ")).bold = True
        paragraph.add_run(xml_safe_text(value))

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _add_block(
    document: Document,
    block: Block,
    gettext: Translate,
    *,
    landscape: bool = False,
    right_to_left: bool = False,
) -> None:
    match block:
        case Heading():
            _add_heading(document, block)
        case Paragraph():
            _add_paragraph(document, block)
        case BulletList():
            for item in block.items:
                document.add_paragraph(xml_safe_text(item), style="List Bullet")
        case Table():
            text_width = _LANDSCAPE_TEXT_WIDTH_CM if landscape else _TEXT_WIDTH_CM
            _add_table(document, block, text_width, right_to_left=right_to_left)
        case Chart():
            _add_chart(document, block)
        case EditableField():
            _add_editable_field(document, block, gettext)
        case _:
            msg = f"the DOCX renderer cannot draw a block of type {type(block).__name__}"
            raise RenderError(msg)


def _add_heading(document: Document, heading: Heading) -> None:
    if heading.level < 1:
        msg = f"heading {heading.text!r} has level {heading.level}; levels start at 1"
        raise RenderError(msg)
    level = min(heading.level, _MAX_WORD_HEADING_LEVEL)
    document.add_heading(xml_safe_text(heading.text), level=level)


def _add_paragraph(document: Document, paragraph: Paragraph) -> None:
    """Add one Word paragraph per blank-line-separated part of the text."""
    for part in _split_at_blank_lines(xml_safe_text(paragraph.text)):
        run = document.add_paragraph().add_run(part)
        run.italic = paragraph.emphasis


def _split_at_blank_lines(text: str) -> list[str]:
    parts = re.split(r"\n[ \t]*\n", text.strip("\n"))
    return [part.strip("\n") for part in parts if part.strip()]


def _add_table(
    document: Document, table: Table, text_width_cm: float, *, right_to_left: bool = False
) -> None:
    if table.caption.strip():
        caption = document.add_paragraph(xml_safe_text(table.caption), style="Caption")
        caption.paragraph_format.keep_with_next = True
    if not table.header:
        return

    numeric_columns = [
        bool(table.rows) and all(row[column].numeric for row in table.rows)
        for column in range(len(table.header))
    ]
    from docx.oxml.ns import qn

    font_pt = _table_font_size(table, text_width_cm)
    word_table = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    word_table.style = "Table Grid"
    # Fixed layout: Word and LibreOffice keep the widths set here instead of
    # fitting columns to their contents.
    word_table.autofit = False

    header_row, *body_rows = word_table.rows
    _repeat_as_header(header_row._tr)
    for cell, text, numeric in zip(header_row.cells, table.header, numeric_columns, strict=True):
        _fill_cell(cell, text, bold=True, right_aligned=numeric, right_to_left=right_to_left)
        _shade(cell, TABLE_HEADER_FILL[1:].upper())

    for word_row, row in zip(body_rows, table.rows, strict=True):
        _fill_row(word_row, row, right_to_left=right_to_left)
    if font_pt != _BODY_FONT_PT:
        for row_element in word_table._tbl.tr_lst:
            for run_element in row_element.iter(qn("w:r")):
                _set_font_size(run_element, font_pt)
    _set_column_widths(word_table, _column_widths(table, text_width_cm, font_pt))
    _add_spacer(document)


def _table_font_size(table: Table, text_width_cm: float) -> float:
    """Return the largest font size, in points, at which every word of the table fits its width."""
    sizes = [_BODY_FONT_PT, *_SMALL_TABLE_FONTS_PT]
    if _is_wide(table):
        sizes = [size for size in sizes if size <= _WIDE_TABLE_FONT_PT]
    for size in sizes:
        if sum(_word_widths(table, size)) <= text_width_cm:
            return size
    return sizes[-1]


def _set_font_size(run_element: BaseOxmlElement, font_pt: float) -> None:
    """Set the size of a run's Latin and complex-script (Arabic) text."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.text.font import Font

    Font(run_element).size = Pt(font_pt)
    properties = run_element.get_or_add_rPr()
    complex_size = OxmlElement("w:szCs")
    complex_size.set(qn("w:val"), str(round(font_pt * 2)))
    properties.find(qn("w:sz")).addnext(complex_size)


def _column_widths(table: Table, text_width_cm: float, font_pt: float) -> list[Length]:
    """Share the text width between columns so that no word is broken, then by line length.

    Each column first gets room for its longest word ("Satisfactory", "83.3%"),
    so that words never wrap in the middle; the rest of the width goes to the
    columns with long lines, such as titles and comments, in proportion to
    their longest line within limits.
    """
    from docx.shared import Cm

    cm_per_character = _CM_PER_CHARACTER * font_pt / _BODY_FONT_PT
    word_widths = _word_widths(table, font_pt)
    weights: list[float] = []
    for lines in _column_lines(table):
        longest_line = max(len(line) for line in lines)
        weights.append(min(max(longest_line, _MIN_COLUMN_WEIGHT), _MAX_COLUMN_WEIGHT))

    needed = sum(word_widths)
    if needed >= text_width_cm:
        return [Cm(width) for width in _narrow_widest(word_widths, text_width_cm)]

    spare = text_width_cm - needed
    extra = [
        max(weight * cm_per_character - width, 0.0)
        for weight, width in zip(weights, word_widths, strict=True)
    ]
    total_extra = sum(extra) or 1.0
    return [
        Cm(width + spare * share / total_extra)
        for width, share in zip(word_widths, extra, strict=True)
    ]


def _narrow_widest(widths: Sequence[float], text_width_cm: float) -> list[float]:
    """Narrow the widest columns to one common width so that all columns fill the text width.

    The first column, which names the rows, keeps its width where it can, and
    so do the narrow columns of numbers. Only the longest words wrap.
    """
    # NOTE: thirteen section columns cannot fit "Unsatisfactory" whole even on
    # a landscape page at 8 pt, so status words in the levels comparison still wrap.
    first, *others = widths
    if not others or first >= text_width_cm / 2:
        return [text_width_cm * width / sum(widths) for width in widths]

    room = text_width_cm - first
    limit = room / len(others)
    # Raise the limit while the columns narrower than it leave room to spare.
    for count, width in enumerate(sorted(others)):
        wider = len(others) - count
        if width * wider + sum(sorted(others)[:count]) >= room:
            limit = (room - sum(sorted(others)[:count])) / wider
            break
    return [first, *(min(width, limit) for width in others)]


def _column_lines(table: Table) -> list[list[str]]:
    """Return the lines of each column, header included, as the cells show them."""
    columns: list[list[str]] = []
    for column, header in enumerate(table.header):
        texts = [
            _keep_numbers_together(text)
            for text in (header, *(row[column].text for row in table.rows))
        ]
        columns.append([line for text in texts for line in text.splitlines()] or [""])
    return columns


def _word_widths(table: Table, font_pt: float) -> list[float]:
    """Return each column's room for its longest word, in centimetres, at ``font_pt``."""
    cm_per_character = _CM_PER_CHARACTER * font_pt / _BODY_FONT_PT
    widths: list[float] = []
    for header, lines in zip(table.header, _column_lines(table), strict=True):
        # Only ordinary spaces part words: a no-break space joins "83.3% (62)".
        words = [word for line in lines for word in re.split(r"[ \t]+", line)]
        header_words = re.split(r"[ \t\n]+", header)
        longest_word = max(
            max((len(word) for word in words), default=0),
            max(len(word) for word in header_words) * _BOLD_WIDTH_FACTOR,
        )
        widths.append(min(longest_word, _MAX_WORD_CHARACTERS) * cm_per_character + _CELL_PADDING_CM)
    return widths


def _keep_numbers_together(text: str) -> str:
    """Join the parts of a number-like text, such as "83.3% (62)", with no-break spaces."""
    if _NUMBER_LIKE.fullmatch(text) is None:
        return text
    return re.sub(r"[ \t]+", _NO_BREAK_SPACE, text.strip())


def _set_column_widths(word_table: DocxTable, widths: Sequence[Length]) -> None:
    # Word and LibreOffice differ in whether they read the grid or the cell widths.
    for column, width in zip(word_table.columns, widths, strict=True):
        column.width = width
    for row in word_table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _fill_row(word_row: _Row, row: Sequence[Cell], *, right_to_left: bool = False) -> None:
    from docx.shared import RGBColor

    for word_cell, cell in zip(word_row.cells, row, strict=True):
        run = _fill_cell(
            word_cell, cell.text, right_aligned=cell.numeric, right_to_left=right_to_left
        )
        if cell.status is not None:
            style = status_style(cell.status)
            _shade(word_cell, style.fill_hex)
            run.font.color.rgb = RGBColor.from_string(style.text_hex)


def _fill_cell(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    right_aligned: bool = False,
    right_to_left: bool = False,
) -> Run:
    """Write a cell's text as one run, a number-like text kept on one line and in order.

    In a right-to-left paragraph, the bidirectional algorithm would move the
    sign of "+10.4" to the right of the digits and the brackets of "83.3% (62)"
    around the score. Left-to-right marks (U+200E) at both ends make the
    whole text one left-to-right stretch.
    """
    # NOTE: checked in LibreOffice's PDF export only, not in Word.
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = cell.paragraphs[0]
    if right_aligned:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    shown = _keep_numbers_together(text)
    if right_to_left and _NUMBER_LIKE.fullmatch(text) is not None:
        shown = _LEFT_TO_RIGHT_MARK + shown + _LEFT_TO_RIGHT_MARK
    run: Run = paragraph.add_run(xml_safe_text(shown))
    run.bold = bold or None
    return run


def _repeat_as_header(row_element: CT_Row) -> None:
    """Mark a table row to repeat at the top of every page the table spans."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    header_flag = OxmlElement("w:tblHeader")
    header_flag.set(qn("w:val"), "true")
    row_element.get_or_add_trPr().append(header_flag)


def _shade(cell: _Cell, fill_hex: str) -> None:
    """Fill a cell with a solid colour given as six hex digits."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill_hex)
    cell._tc.get_or_add_tcPr().append(shading)


def _mirror_columns(table: DocxTable) -> None:
    """Lay a table out right to left, so its first column is the rightmost."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr
    # Schema order puts bidiVisual right after the table style.
    style = properties.find(qn("w:tblStyle"))
    position = 0 if style is None else list(properties).index(style) + 1
    properties.insert(position, OxmlElement("w:bidiVisual"))


def _mark_paragraphs_right_to_left(
    document: Document, *, only_right_to_left_text: bool = False
) -> None:
    """Give body paragraphs, table cells included, right-to-left direction (w:bidi).

    In a right-to-left report every paragraph is marked. The document
    defaults already set it, and the mark on each paragraph is for editors
    that read paragraph properties but not the defaults. With
    ``only_right_to_left_text``, used for left-to-right reports, only
    paragraphs whose first strong letter is right-to-left are marked, as HTML's
    ``dir="auto"`` does. An Arabic comment such as "تحسين التنسيق مع WASH في 3
    مواقع" then keeps its phrase order around the Latin acronym and the digit.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for paragraph in document.element.body.iter(qn("w:p")):
        if only_right_to_left_text:
            text = "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
            if not starts_right_to_left(text):
                continue
        properties = paragraph.get_or_add_pPr()
        if properties.find(qn("w:bidi")) is None:
            properties.insert_element_before(OxmlElement("w:bidi"), *_AFTER_PARAGRAPH_BIDI)


def _mark_right_to_left_runs(document: Document) -> None:
    """Mark each run that contains right-to-left letters as right-to-left text (w:rtl).

    The mark gives the run right-to-left reading order whatever the paragraph
    direction. A marked run is formatted with the complex-script properties
    (ECMA-376 rtl element), so its bold and italic are copied to w:bCs and w:iCs.
    Runs of Latin letters and digits alone stay unmarked, in any document.
    """
    from docx.oxml.ns import qn
    from docx.text.font import Font

    for run_element in document.element.body.iter(qn("w:r")):
        text = "".join(node.text or "" for node in run_element.iter(qn("w:t")))
        if not has_right_to_left_letters(text):
            continue
        font = Font(run_element)
        font.rtl = True
        if font.bold is not None:
            font.cs_bold = font.bold
        if font.italic is not None:
            font.cs_italic = font.italic


def _add_spacer(document: Document) -> None:
    """Add an empty paragraph, because Word joins two tables that touch into one."""
    document.add_paragraph()


def _add_chart(document: Document, chart: Chart) -> None:
    png = render_chart_png(chart)
    width, height = _picture_size(png)
    document.add_picture(io.BytesIO(png), width=width, height=height)

    picture_paragraph = document.paragraphs[-1]
    picture_paragraph.paragraph_format.keep_with_next = True
    alt_text = xml_safe_text(chart.alt_text.strip() or chart.title)
    inline = document.inline_shapes[-1]._inline
    inline.docPr.set("descr", alt_text)
    inline.docPr.set("title", xml_safe_text(chart.title))

    if chart.title.strip():
        document.add_paragraph(xml_safe_text(chart.title), style="Caption")


def _picture_size(png: bytes) -> tuple[Length, Length]:
    """Return the printed size of a chart: 16 cm wide, or shrunk to fit the page height."""
    from docx.shared import Cm

    # Width and height are big-endian integers in the IHDR chunk, right after
    # the 8-byte signature and the chunk's length and type.
    pixel_width, pixel_height = struct.unpack(">II", png[16:24])
    width_cm = min(CHART_WIDTH_CM, _TEXT_WIDTH_CM)
    height_cm = width_cm * pixel_height / pixel_width
    if height_cm > _MAX_PICTURE_HEIGHT_CM:
        width_cm *= _MAX_PICTURE_HEIGHT_CM / height_cm
        height_cm = _MAX_PICTURE_HEIGHT_CM
    return Cm(width_cm), Cm(height_cm)


def _add_editable_field(document: Document, field: EditableField, gettext: Translate) -> None:
    """Add a bordered one-cell box: a bold label, the prompt in grey italic, then room to write."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Cm, RGBColor

    box = document.add_table(rows=1, cols=1)
    box.style = "Table Grid"
    row = box.rows[0]
    row.height = Cm(_EDITABLE_FIELD_MIN_HEIGHT_CM)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST

    cell = row.cells[0]
    label = cell.paragraphs[0]
    label.add_run(xml_safe_text(field.label)).bold = True
    if field.required:
        # Translated outside the f-string, where message extraction cannot see it.
        required = gettext("required")
        label.add_run(xml_safe_text(f" ({required})")).bold = True
    label.paragraph_format.keep_with_next = True

    if field.prompt.strip():
        prompt = cell.add_paragraph().add_run(xml_safe_text(field.prompt))
        prompt.italic = True
        prompt.font.color.rgb = RGBColor.from_string(MUTED_TEXT[1:].upper())
    # Typing starts in this empty paragraph, in the Normal style, not in grey.
    cell.add_paragraph()
    _add_spacer(document)


def _package_bytes(document: Document) -> bytes:
    """Save the document into memory and give every ZIP entry the fixed timestamp."""
    saved = io.BytesIO()
    document.save(saved)
    return repack_zip_with_fixed_times(saved.getvalue())
