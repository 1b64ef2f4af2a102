"""Self-contained HTML rendering of a report: one file that opens offline, prints and reads well.

The file needs nothing else: the style sheet sits in a ``<style>`` element,
charts are inline SVG with their text drawn as outlines, and there is no
script, web font or link to another file. Printing starts every report part
on a new page, repeats table headers and keeps table rows whole.

For assistive technology the page has real headings: the cover title is
``h1`` and report parts are ``h2``. Tables have a caption and header cells
scoped to their column or row, and charts carry their text alternative.
Status cells show the status label as well as its colour. The page language
comes from the report, and right-to-left languages such as Arabic get
``dir="rtl"``.

Every piece of report text is escaped, so a comment such as ``<script>``
shows as typed. The same report gives the same bytes on every run.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

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
from ccpm_core.report_text import status_label
from ccpm_plugins.renderers.charts import render_chart_svg
from ccpm_plugins.renderers.file_output import write_atomically
from ccpm_plugins.renderers.html_style import STYLE_SHEET, status_class
from ccpm_plugins.renderers.svg_inline import inline_svg

__all__ = ["HtmlRenderer", "ccpm_register_renderers", "render_html"]

Translate = Callable[[str], str]

_MAX_HTML_HEADING_LEVEL = 6

# A BCP 47 tag in its common shape: a 2 to 8 letter language and subtags.
# Underscores, as in gettext's "fr_CA", are accepted and written as hyphens.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*")
_SAFE_CHART_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

_AUTO_DIRECTION = ' dir="auto"'
"""Attribute for survey text, such as comments, whose direction follows its first letter."""

# Characters that HTML 5 reports as parse errors in text: C0 and C1 controls
# other than tab, line feed and carriage return, noncharacters, and lone
# surrogates, which UTF-8 cannot encode.
_HTML_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]"
)


class HtmlRenderer(ReportRenderer):
    """Writes a report as one self-contained HTML file."""

    name = "html"
    file_suffixes = (".html", ".htm")

    def render(self, report: Report, path: Path) -> list[Path]:
        """Write the report to ``path`` as UTF-8 HTML and return ``[path]``.

        Creates the parent folder when it is missing. Raises
        :class:`~ccpm_core.errors.RenderError` for an invalid block, chart key,
        chart score or language tag, or when the file cannot be written.
        """
        path = Path(path)
        write_atomically(path, render_html(report).encode("utf-8"))
        return [path]


@hookimpl
def ccpm_register_renderers(register: Callable[[ReportRenderer], None]) -> None:
    """Register the HTML renderer."""
    register(HtmlRenderer())


def render_html(report: Report) -> str:
    """Return the report as one HTML document, the same text for the same report.

    Raises :class:`~ccpm_core.errors.RenderError` for a heading level below
    1, an unsafe or repeated chart key, an invalid chart score, or a language
    that is not a BCP 47 tag such as ``en`` or ``fr-CA``.
    """
    _check_language(report.language)
    _check_chart_keys(report.blocks)
    page = _PageWriter(report)
    return page.document()


def _check_language(language: str) -> None:
    if not _LANGUAGE_TAG.fullmatch(language):
        msg = (
            f"report language {language!r} is not a language tag; "
            "use a BCP 47 tag such as 'en', 'fr' or 'ar'"
        )
        raise RenderError(msg)


def _check_chart_keys(blocks: Sequence[Block]) -> None:
    seen: set[str] = set()
    for block in blocks:
        if not isinstance(block, Chart):
            continue
        if not _SAFE_CHART_KEY.fullmatch(block.key):
            msg = (
                f"chart key {block.key!r} cannot name an HTML element; use letters, digits, "
                "'.', '_' and '-', starting with a letter or digit"
            )
            raise RenderError(msg)
        if block.key in seen:
            msg = f"two charts have the key {block.key!r}; give each chart its own key"
            raise RenderError(msg)
        seen.add(block.key)


class _PageWriter:
    """Builds the HTML of one report, numbering element ids in reading order."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.gettext = translator(report.language)
        self.right_to_left = is_right_to_left(report.language)
        headings = [
            index for index, block in enumerate(report.blocks) if isinstance(block, Heading)
        ]
        self.heading_ids = {index: f"heading-{number}" for number, index in enumerate(headings, 1)}
        self._counter = 0

    def document(self) -> str:
        report = self.report
        direction = "rtl" if is_right_to_left(report.language) else "ltr"
        lines = [
            "<!DOCTYPE html>",
            f'<html lang="{report.language.replace("_", "-")}" dir="{direction}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="color-scheme" content="light">',
            f"<title>{_one_line(_document_title(report.cover))}</title>",
            f"<style>\n{STYLE_SHEET}</style>",
            "</head>",
            "<body>",
            *self._cover(report.cover),
            *self._contents(),
            "<main>",
            *self._body(),
            "</main>",
            "</body>",
            "</html>",
        ]
        return "\n".join(lines) + "\n"

    def _next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}-{self._counter}"

    # Cover and contents

    def _cover(self, cover: Cover) -> list[str]:
        _ = self.gettext
        lines = ['<header class="cover">', f"<h1>{_inline(cover.title)}</h1>"]
        if cover.subtitle.strip():
            lines.append(f'<p class="subtitle">{_inline(cover.subtitle)}</p>')

        facts = [
            (_("Cluster"), cover.cluster),
            (_("Country"), cover.country),
            (_("Level"), cover.level),
            (_("Date"), format_date(cover.date, self.report.language) if cover.date else ""),
            (_("Survey period"), cover.survey_period),
        ]
        filled = [(label, value) for label, value in facts if value.strip()]
        if filled:
            lines.append('<dl class="facts">')
            lines.extend(
                f"<div><dt>{_inline(label)}</dt><dd{_AUTO_DIRECTION}>{_inline(value)}</dd></div>"
                for label, value in filled
            )
            lines.append("</dl>")
        lines.append("</header>")
        return lines

    def _contents(self) -> list[str]:
        _ = self.gettext
        parts = [
            (self.heading_ids[index], block.text)
            for index, block in enumerate(self.report.blocks)
            if isinstance(block, Heading) and block.level == 1
        ]
        if not parts:
            return []
        lines = [
            '<nav class="contents" aria-labelledby="contents-title">',
            f'<h2 id="contents-title">{_inline(_("Contents"))}</h2>',
            "<ol>",
        ]
        lines.extend(
            f'<li><a href="#{heading_id}">{_inline(text)}</a></li>' for heading_id, text in parts
        )
        lines += ["</ol>", "</nav>"]
        return lines

    # Body: each level-1 heading opens a <section> that runs to the next one.

    def _body(self) -> Iterator[str]:
        section_open = False
        for index, block in enumerate(self.report.blocks):
            if isinstance(block, Heading) and block.level == 1:
                if section_open:
                    yield "</section>"
                yield f'<section class="part" aria-labelledby="{self.heading_ids[index]}">'
                section_open = True
            yield self._block(block, index)
        if section_open:
            yield "</section>"

    def _block(self, block: Block, index: int) -> str:
        match block:
            case Heading():
                return _heading(block, self.heading_ids[index], self.right_to_left)
            case Paragraph():
                return _paragraph(block, self.right_to_left)
            case BulletList():
                return _bullet_list(block)
            case Table():
                return self._table(block)
            case Chart():
                return _chart(block, self.gettext)
            case EditableField():
                return self._editable_field(block)
        msg = f"the HTML renderer cannot draw a block of type {type(block).__name__}"
        raise RenderError(msg)

    # Tables

    def _table(self, table: Table) -> str:
        _ = self.gettext
        if not table.header:
            # A table without columns has nothing to show but its caption.
            return f'<p class="caption">{_inline(table.caption)}</p>' if table.caption else ""

        table_id = self._next_id("table")
        numeric_columns = [
            bool(table.rows) and all(row[column].numeric for row in table.rows)
            for column in range(len(table.header))
        ]
        if table.caption.strip():
            region_name = f'aria-labelledby="{table_id}-caption"'
        else:
            region_name = f'aria-label="{_attribute(_("Table"))}"'

        # The wrapper scrolls a wide table on a narrow screen, and takes focus so
        # that keyboard users can scroll it too.
        lines = [
            f'<div class="table-scroll" role="region" {region_name} tabindex="0">',
            f'<table id="{table_id}">',
        ]
        if table.caption.strip():
            lines.append(f'<caption id="{table_id}-caption">{_inline(table.caption)}</caption>')
        header_cells = "".join(
            f'<th scope="col"{_class_attribute(["num"] if numeric else [])}>{_inline(text)}</th>'
            for text, numeric in zip(table.header, numeric_columns, strict=True)
        )
        lines += ["<thead>", f"<tr>{header_cells}</tr>", "</thead>", "<tbody>"]
        lines.extend(self._table_row(row) for row in table.rows)
        lines += ["</tbody>", "</table>", "</div>"]
        return "\n".join(lines)

    def _table_row(self, row: Sequence[Cell]) -> str:
        cells = []
        for column, cell in enumerate(row):
            # The first column names the row (a section, an item, a level), unless it is alone.
            is_row_header = column == 0 and len(row) > 1
            tag = "th" if is_row_header else "td"
            scope = ' scope="row"' if is_row_header else ""
            classes = ["num"] if cell.numeric else []
            if cell.status is not None:
                classes += ["status", status_class(cell.status)]
            content = self._cell_content(cell)
            # Text cells may hold survey data in another script than the report,
            # such as a Latin hub name in an Arabic report, so each takes its own direction.
            direction = "" if cell.numeric or cell.status else _AUTO_DIRECTION
            cells.append(f"<{tag}{scope}{_class_attribute(classes)}{direction}>{content}</{tag}>")
        return f"<tr>{''.join(cells)}</tr>"

    def _cell_content(self, cell: Cell) -> str:
        """Return a cell's text, followed by its status label unless the text is the label."""
        content = _inline(cell.text)
        if cell.status is None:
            return content
        label = status_label(cell.status, self.report.language)
        if cell.text.strip().casefold() == label.casefold():
            return content
        label_html = f'<span class="status-label">{_inline(label)}</span>'
        return f"{content} {label_html}" if content else label_html

    # Fields to fill in

    def _editable_field(self, field: EditableField) -> str:
        _ = self.gettext
        label_id = self._next_id("field")
        classes = ["field", "field-required"] if field.required else ["field"]
        label = f"<strong>{_inline(field.label)}</strong>"
        if field.required:
            label += f' <span class="required">({_inline(_("required"))})</span>'

        lines = [
            f'<div{_class_attribute(classes)} role="group" aria-labelledby="{label_id}">',
            f'<p class="field-label" id="{label_id}">{label}</p>',
        ]
        lines.extend(
            f'<p class="field-prompt">{_inline(part)}</p>'
            for part in _split_at_blank_lines(field.prompt)
        )
        lines += ['<div class="field-space"></div>', "</div>"]
        return "\n".join(lines)


def _heading(heading: Heading, heading_id: str, page_right_to_left: bool = False) -> str:
    if heading.level < 1:
        msg = f"heading {heading.text!r} has level {heading.level}; levels start at 1"
        raise RenderError(msg)
    # The cover title is the only h1, so report parts start at h2.
    level = min(heading.level + 1, _MAX_HTML_HEADING_LEVEL)
    direction = _direction_attribute(heading.text, page_right_to_left)
    return f'<h{level} id="{heading_id}"{direction}>{_inline(heading.text)}</h{level}>'


def _paragraph(paragraph: Paragraph, page_right_to_left: bool = False) -> str:
    css_class = ' class="note"' if paragraph.emphasis else ""
    return "\n".join(
        f"<p{css_class}{_direction_attribute(part, page_right_to_left)}>{_inline(part)}</p>"
        for part in _split_at_blank_lines(paragraph.text)
    )


def _bullet_list(bullets: BulletList) -> str:
    if not bullets.items:
        return ""
    items = "\n".join(
        f"<li{_AUTO_DIRECTION}>{_inline(item.strip())}</li>" for item in bullets.items
    )
    return f"<ul>\n{items}\n</ul>"


def _chart(chart: Chart, gettext: Translate) -> str:
    alt_text = chart.alt_text.strip() or chart.title.strip() or gettext("Bar chart")
    svg = inline_svg(render_chart_svg(chart), f"chart-{chart.key}", _one_line(alt_text))
    lines = [f'<figure class="chart" id="chart-{chart.key}">', svg]
    if chart.title.strip():
        lines.append(f"<figcaption>{_inline(chart.title)}</figcaption>")
    lines.append("</figure>")
    return "\n".join(lines)


# Text


def _clean(text: str) -> str:
    """Unify line breaks to ``\\n`` and show characters that HTML forbids as U+FFFD."""
    unified = text.replace("\r\n", "\n").replace("\r", "\n")
    return _HTML_FORBIDDEN.sub("\ufffd", unified)


def _inline(text: str) -> str:
    """Escape plain text for element content, with line breaks as ``<br>``.

    Text that mixes directions gets its embedded parts isolated in ``<bdi>``
    (see :func:`_embedded_spans`), so that an Arabic phrase such as "تحسين
    التنسيق مع WASH في 3 مواقع" keeps its order, with the acronym and the
    digit in place, inside English text and the other way round.
    """
    cleaned = _clean(text).strip("\n")
    parts: list[str] = []
    position = 0
    for start, end in _embedded_spans(cleaned):
        parts.append(_escape_lines(cleaned[position:start]))
        parts.append(f"<bdi>{_escape_lines(cleaned[start:end])}</bdi>")
        position = end
    parts.append(_escape_lines(cleaned[position:]))
    return "".join(parts)


def _escape_lines(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


_BRACKETS = {"(": ")", "[": "]", "«": "»", '"': '"'}


def _embedded_spans(text: str) -> list[tuple[int, int]]:
    """Return the start and end of each part of ``text`` written in the other direction.

    The text's direction is that of its first strong letter (rule P2 of the
    Unicode bidirectional algorithm, UAX #9), which is the direction of its
    element: ``dir="auto"``, or the page direction where both agree.

    - In left-to-right text, the right-to-left part runs from the first to
      the last right-to-left letter, with the digits that follow, so that an
      Arabic phrase with a Latin acronym inside stays one phrase.
      NOTE: two Arabic names in one English sentence are then isolated as one
      span, words between them included, because the renderer cannot tell
      where survey text ends inside a sentence the report built.
    - In right-to-left text, each run of Latin letters is isolated on its
      own, with the brackets around it, such as "(Partner)" after an Arabic comment.
    """
    directions = [_strong_direction(character) for character in text]
    strong = [direction for direction in directions if direction]
    if not strong:
        return []
    if strong[0] == "L":
        return _right_to_left_span(text, directions)
    return _left_to_right_runs(text, directions)


def _strong_direction(character: str) -> str:
    """Return ``L`` or ``R`` for a letter with a strong direction, else ''."""
    direction = unicodedata.bidirectional(character)
    if direction == "L":
        return "L"
    return "R" if direction in ("R", "AL") else ""


def _right_to_left_span(text: str, directions: list[str]) -> list[tuple[int, int]]:
    positions = [index for index, direction in enumerate(directions) if direction == "R"]
    if not positions:
        return []
    end = positions[-1] + 1
    while end < len(text) and unicodedata.bidirectional(text[end]) in ("EN", "AN"):
        end += 1
    return [(positions[0], end)]


def _left_to_right_runs(text: str, directions: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = last = -1
    for index, direction in enumerate([*directions, "R"]):
        if direction == "L":
            start = index if start < 0 else start
            last = index
        elif direction == "R" and start >= 0:
            spans.append(_with_brackets(text, *_whole_token(text, start, last + 1)))
            start = last = -1
    return spans


_TOKEN_JOINERS = frozenset("-_./:")


def _whole_token(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a Latin run over the digits it is written with, such as "4W" or "COVID-19".

    Isolating the letters alone would leave the digits outside, where the
    right-to-left paragraph moves them to the other side of the letters.
    """

    def joins(index: int, neighbour: int) -> bool:
        if not 0 <= index < len(text):
            return False
        if text[index].isdigit():
            return True
        return (
            text[index] in _TOKEN_JOINERS
            and 0 <= neighbour < len(text)
            and text[neighbour].isalnum()
            and _strong_direction(text[neighbour]) != "R"
        )

    while joins(start - 1, start - 2):
        start -= 1
    while joins(end, end + 1):
        end += 1
    return start, end


def _with_brackets(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to the brackets right around it, which belong to the isolated text."""
    if start > 0 and end < len(text) and _BRACKETS.get(text[start - 1]) == text[end]:
        return start - 1, end + 1
    return start, end


def _direction_attribute(text: str, page_right_to_left: bool) -> str:
    """Return ``dir="auto"`` when the first strong letter of ``text`` runs against the page.

    Text without a strong letter, such as "1.1", keeps the page direction.
    """
    first = next((d for d in map(_strong_direction, text) if d), "")
    if not first or (first == "R") == page_right_to_left:
        return ""
    return _AUTO_DIRECTION


def _one_line(text: str) -> str:
    """Escape plain text for a place that takes one line, such as ``<title>``."""
    return html.escape(" ".join(_clean(text).split()), quote=True)


def _attribute(text: str) -> str:
    return html.escape(_clean(text), quote=True)


def _split_at_blank_lines(text: str) -> list[str]:
    parts = re.split(r"\n[ \t]*\n", _clean(text).strip("\n"))
    return [part.strip("\n") for part in parts if part.strip()]


def _class_attribute(classes: Sequence[str]) -> str:
    return f' class="{" ".join(classes)}"' if classes else ""


def _document_title(cover: Cover) -> str:
    details = [part for part in (cover.cluster, cover.country, cover.level) if part.strip()]
    return " – ".join([cover.title, *details]) if details else cover.title
