"""GitHub-flavoured Markdown rendering of a report, with each chart as a PNG file beside it.

Charts go to ``<stem>_charts/<key>.png`` next to the Markdown file and are
linked by relative path, so the folder must travel with the file.

All report text is plain text, so every character that Markdown could read
as syntax is escaped: a comment such as ``*bold*``, ``# x``, ``[x](y)`` or
``<script>`` shows as typed.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path

from ccpm_core.errors import RenderError
from ccpm_core.hookspecs import hookimpl
from ccpm_core.i18n import translator
from ccpm_core.locale_format import format_date
from ccpm_core.plugin_api import ReportRenderer
from ccpm_core.report_model import (
    Block,
    BulletList,
    Chart,
    Cover,
    EditableField,
    Heading,
    Paragraph,
    Report,
    Table,
)
from ccpm_plugins.renderers.charts import render_chart_png

__all__ = [
    "MarkdownRenderer",
    "ccpm_register_renderers",
    "escape_line",
    "escape_table_cell",
]

Translate = Callable[[str], str]
"""A gettext function; parameters of this type are named ``gettext`` for message extraction."""

_MAX_HEADING_MARKS = 6
"""Markdown has six heading levels, so deeper report headings share the sixth."""

# Backslash escapes are defined for every ASCII punctuation character in
# CommonMark 0.31, and GitHub honours them for its extensions too: ``~``
# (strikethrough), ``|`` (tables) and ``$`` (math).
_INLINE_SYNTAX = re.compile(r"([\\`*_\[\]<>#|~&$])")
# At the start of a line: a bullet ("- ", "+ "), a setext underline or
# thematic break ("===", "---") or an ordered-list number ("1. ", "2) ").
_LINE_START_SYNTAX = re.compile(r"^([-+])(?=\s|$)|^([-=])(?=[-=\s]*$)|^(\d{1,9})([.)])(?=\s|$)")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SAFE_CHART_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class MarkdownRenderer(ReportRenderer):
    """Writes a report as a GitHub-flavoured Markdown file and its charts as PNG files."""

    name = "markdown"
    file_suffixes = (".md", ".markdown")

    def render(self, report: Report, path: Path) -> list[Path]:
        """Write the report to ``path`` and its charts beside it, and return every file written.

        The Markdown file comes first in the returned list.

        Raises :class:`~ccpm_core.errors.RenderError` for a chart key that is
        not a safe file name, two charts with one key, an invalid chart score,
        or a file that cannot be written.
        """
        path = Path(path)
        chart_folder = f"{path.stem}_charts"
        charts = _chart_files(report.blocks, chart_folder)

        gettext = translator(report.language)
        parts = [_cover(report.cover, gettext, report.language)]
        parts.extend(_block(block, gettext, chart_folder) for block in report.blocks)
        text = "\n\n".join(part for part in parts if part) + "\n"

        written = [path]
        _write_file(path, text.encode("utf-8"))
        for relative_name, png in charts:
            chart_path = path.parent / relative_name
            _write_file(chart_path, png)
            written.append(chart_path)
        return written


@hookimpl
def ccpm_register_renderers(register: Callable[[ReportRenderer], None]) -> None:
    """Register the Markdown renderer."""
    register(MarkdownRenderer())


def escape_line(text: str) -> str:
    """Escape one line of plain text so that Markdown shows it as typed.

    Inline syntax is escaped anywhere in the line, and list, heading and
    setext markers only where they start it. Leading and trailing spaces are
    dropped, because four leading spaces would start a code block.
    """
    line = _INLINE_SYNTAX.sub(r"\\\1", text.strip())
    return _LINE_START_SYNTAX.sub(_escape_line_start, line)


def escape_table_cell(text: str) -> str:
    """Escape plain text for one cell of a pipe table, with line breaks as ``<br>``."""
    return "<br>".join(escape_line(line) for line in _lines(text))


def _escape_line_start(match: re.Match[str]) -> str:
    bullet, underline, number, number_end = match.groups()
    if number:
        return f"{number}\\{number_end}"
    return "\\" + (bullet or underline)


def _lines(text: str) -> list[str]:
    """Split text into lines, with control characters shown as U+FFFD."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("\ufffd", normalised).split("\n")


def _text_blocks(text: str) -> list[list[str]]:
    """Split text into paragraphs at blank lines, each a list of non-empty escaped lines."""
    paragraphs: list[list[str]] = [[]]
    for line in _lines(text):
        if line.strip():
            paragraphs[-1].append(escape_line(line))
        elif paragraphs[-1]:
            paragraphs.append([])
    return [paragraph for paragraph in paragraphs if paragraph]


def _single_line(text: str) -> str:
    """Escape text for a place that takes one line, such as a heading or image alt text."""
    return " ".join(escape_line(line) for line in _lines(text) if line.strip())


def _hard_broken(lines: Sequence[str], indent: str = "") -> str:
    """Join lines with CommonMark hard line breaks (a backslash at the end of a line)."""
    return ("\\\n" + indent).join(lines)


def _cover(cover: Cover, gettext: Translate, language: str) -> str:
    parts = [f"# {_single_line(cover.title)}"]
    if cover.subtitle.strip():
        parts.append(f"*{_single_line(cover.subtitle)}*")

    facts = [
        (gettext("Cluster"), cover.cluster),
        (gettext("Country"), cover.country),
        (gettext("Level"), cover.level),
        (gettext("Date"), format_date(cover.date, language) if cover.date else ""),
        (gettext("Survey period"), cover.survey_period),
    ]
    # TRANSLATORS: a cover fact's label and the mark before its value, such as "Country:".
    label_format = gettext("{label}:")
    items = [
        f"- **{_single_line(label_format.format(label=label))}** {_single_line(value)}"
        for label, value in facts
        if value.strip()
    ]
    if items:
        parts.append("\n".join(items))
    return "\n\n".join(parts)


def _block(block: Block, gettext: Translate, chart_folder: str) -> str:
    match block:
        case Heading():
            return _heading(block)
        case Paragraph():
            return _paragraph(block)
        case BulletList():
            return _bullet_list(block)
        case Table():
            return _table(block)
        case Chart():
            return _chart(block, chart_folder)
        case EditableField():
            return _editable_field(block, gettext)
    msg = f"the Markdown renderer cannot draw a block of type {type(block).__name__}"
    raise RenderError(msg)


def _heading(heading: Heading) -> str:
    if heading.level < 1:
        msg = f"heading {heading.text!r} has level {heading.level}; levels start at 1"
        raise RenderError(msg)
    marks = "#" * min(heading.level + 1, _MAX_HEADING_MARKS)
    return f"{marks} {_single_line(heading.text)}"


def _paragraph(paragraph: Paragraph) -> str:
    rendered = []
    for lines in _text_blocks(paragraph.text):
        body = _hard_broken(lines)
        rendered.append(f"*{body}*" if paragraph.emphasis else body)
    return "\n\n".join(rendered)


def _bullet_list(bullets: BulletList) -> str:
    items = []
    for item in bullets.items:
        lines = [escape_line(line) for line in _lines(item) if line.strip()]
        # Continuation lines are indented to the item's text so they stay inside it.
        items.append("- " + _hard_broken(lines, indent="  "))
    return "\n".join(items)


def _table(table: Table) -> str:
    parts = []
    if table.caption.strip():
        parts.append(f"*{_single_line(table.caption)}*")
    if table.header:
        parts.append(_pipe_table(table))
    return "\n\n".join(parts)


def _pipe_table(table: Table) -> str:
    numeric_columns = [
        bool(table.rows) and all(row[column].numeric for row in table.rows)
        for column in range(len(table.header))
    ]
    delimiters = ["---:" if numeric else "---" for numeric in numeric_columns]

    lines = [
        _pipe_row([escape_table_cell(text) for text in table.header]),
        _pipe_row(delimiters),
    ]
    lines.extend(_pipe_row([escape_table_cell(cell.text) for cell in row]) for row in table.rows)
    return "\n".join(lines)


def _pipe_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _chart(chart: Chart, chart_folder: str) -> str:
    alt_text = _single_line(chart.alt_text) or _single_line(chart.title)
    target = urllib.parse.quote(f"{chart_folder}/{chart.key}.png")
    parts = [f"![{alt_text}]({target})"]
    if chart.title.strip():
        parts.append(f"*{_single_line(chart.title)}*")
    return "\n\n".join(parts)


def _editable_field(field: EditableField, gettext: Translate) -> str:
    label = f"**{_single_line(field.label)}**"
    if field.required:
        # Translated outside the f-string, where message extraction cannot see it.
        required = gettext("required")
        label += f" ({_single_line(required)})"

    lines = [f"> {label}"]
    for paragraph in _text_blocks(field.prompt):
        lines.extend([">", "> *" + _hard_broken(paragraph, indent="> ") + "*"])
    # The ellipsis marks the space to write in, because Markdown drops empty lines there.
    lines.extend([">", "> …"])
    return "\n".join(lines)


def _chart_files(blocks: Sequence[Block], chart_folder: str) -> list[tuple[str, bytes]]:
    """Draw every chart and return its path relative to the report, with its PNG bytes."""
    files: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    for block in blocks:
        if not isinstance(block, Chart):
            continue
        _check_chart_key(block.key, seen)
        seen.add(block.key.lower())
        files.append((f"{chart_folder}/{block.key}.png", render_chart_png(block)))
    return files


def _check_chart_key(key: str, seen: set[str]) -> None:
    if not _SAFE_CHART_KEY.fullmatch(key):
        msg = (
            f"chart key {key!r} cannot be a file name; use letters, digits, '.', '_' "
            "and '-', starting with a letter or digit"
        )
        raise RenderError(msg)
    # Keys that differ only in case would overwrite each other on Windows and macOS.
    if key.lower() in seen:
        msg = f"two charts have the key {key!r}; give each chart its own key"
        raise RenderError(msg)


def _write_file(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as error:
        msg = f"cannot write {path}: {error.strerror or error}; check that the folder is writable"
        raise RenderError(msg) from error
