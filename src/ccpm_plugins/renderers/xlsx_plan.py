"""The plan of an XLSX workbook: which sheet each report block goes to, and sheet names.

Tables with the same header share a sheet, charts share the Chart data
sheet, and lists share a sheet per heading. The plan is made before any cell
is written, so that the Contents sheet can link to rows of sheets written
after it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from ccpm_core.errors import RenderError
from ccpm_core.i18n import N_, translator
from ccpm_core.report_model import (
    Block,
    BulletList,
    Chart,
    EditableField,
    Heading,
    Paragraph,
    Report,
    Table,
)
from ccpm_plugins.renderers.charts import check_chart_scores
from ccpm_plugins.renderers.spreadsheet_text import XML_FORBIDDEN, utf16_length

__all__ = [
    "MAX_SHEET_TITLE",
    "OutlineEntry",
    "PlacedBlock",
    "SheetPlan",
    "WorkbookPlan",
    "plan_workbook",
    "sheet_title",
    "table_sheet_name",
]

Translate = Callable[[str], str]

MAX_SHEET_TITLE = 31
"""Maximum length of an Excel sheet name."""

_SHEET_TITLE_FORBIDDEN = frozenset("[]:*?/\\")
_RESERVED_SHEET_TITLES = frozenset({"history"})
"""Sheet names Excel keeps for itself, compared in lower case."""

PATH_SEPARATOR = " › "
"""Joins the headings above a table when it has no caption to name it by."""


def sheet_title(candidate: str, taken: set[str]) -> str:
    """Return a valid, unused Excel sheet name made from ``candidate``, and add it to ``taken``.

    Excel names have at most 31 characters, none of ``[]:*?/\\``, do not
    start or end with an apostrophe, and differ from each other in more than
    letter case. A long candidate is cut at a word boundary where there is
    one; a taken name gets a number such as `` (2)``. ``taken`` contains
    names in lower case.
    """
    cleaned = "".join(
        " " if character in _SHEET_TITLE_FORBIDDEN else character
        for character in XML_FORBIDDEN.sub(" ", candidate)
    )
    base = " ".join(cleaned.split()).strip("'").strip() or "Sheet"

    title = _cut_title(base, MAX_SHEET_TITLE)
    number = 1
    while title.lower() in taken or title.lower() in _RESERVED_SHEET_TITLES:
        number += 1
        suffix = f" ({number})"
        title = _cut_title(base, MAX_SHEET_TITLE - len(suffix)) + suffix
    taken.add(title.lower())
    return title


def _cut_title(title: str, limit: int) -> str:
    if utf16_length(title) <= limit:
        return title
    cut = title
    while utf16_length(cut) > limit:
        cut = cut[:-1]
    # Prefer a cut between words when that keeps at least half the room.
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip().rstrip("'") or cut


@attrs.frozen
class PlacedBlock:
    """A table, chart or list with the context that distinguishes it on a shared sheet."""

    block: Table | Chart | BulletList
    context: str
    heading: str = ""
    """Text of the nearest heading above the block."""


@attrs.define
class SheetPlan:
    """One data sheet: its header and the report blocks whose rows it contains."""

    header: tuple[str, ...]
    placed: list[PlacedBlock] = attrs.field(factory=list)
    requested_title: str = ""
    """Requested sheet name, empty for table sheets, which are named from their captions."""
    title: str = ""
    first_rows: list[int] = attrs.field(factory=list)
    """Worksheet row of each placed block's first row, filled in while the sheet is written."""


@attrs.frozen
class OutlineEntry:
    """One row of the Contents sheet."""

    part: str
    kind: str
    text: str
    target: tuple[SheetPlan, int] | None = None
    """Sheet and index of the block among the sheet's placed blocks, for the link."""


@attrs.define
class WorkbookPlan:
    tables: list[SheetPlan]
    charts: SheetPlan | None
    lists: list[SheetPlan]
    outline: list[OutlineEntry]

    def data_sheets(self) -> list[SheetPlan]:
        """Return the sheets of tables, then chart data, then lists, in workbook order."""
        charts = [self.charts] if self.charts is not None else []
        return [*self.tables, *charts, *self.lists]


def plan_workbook(report: Report) -> WorkbookPlan:
    """Decide the sheet of every table, chart and list, and the Contents rows, in report order.

    Raises :class:`~ccpm_core.errors.RenderError` for a heading level below
    1, an invalid chart score or an unknown block type.
    """
    _ = translator(report.language)
    table_sheets: dict[tuple[str, ...], SheetPlan] = {}
    list_sheets: dict[str, SheetPlan] = {}
    outline: list[OutlineEntry] = []
    chart_sheet = SheetPlan(
        header=(_("Chart"), _("Label"), _("Score"), _("Status")),
        requested_title=_("Chart data"),
    )

    path: list[Heading] = []
    previous: Block | None = None
    for block in report.blocks:
        if isinstance(block, Heading):
            _check_heading(block)
            while path and path[-1].level >= block.level:
                path.pop()
            path.append(block)
        part = path[0].text if path else ""

        match block:
            case Heading():
                kind = _("Heading {level}").format(level=block.level)
                outline.append(OutlineEntry(part, kind, block.text))
            case Paragraph():
                kind = _("Note") if block.emphasis else _("Paragraph")
                outline.append(OutlineEntry(part, kind, block.text))
            case EditableField():
                outline.append(_field_entry(block, part, _))
            case Table():
                context = block.caption or PATH_SEPARATOR.join(h.text for h in path)
                sheet = table_sheets.setdefault(block.header, SheetPlan(header=block.header))
                sheet.placed.append(PlacedBlock(block, context, path[-1].text if path else ""))
                target = (sheet, len(sheet.placed) - 1)
                outline.append(OutlineEntry(part, _("Table"), context, target))
            case Chart():
                check_chart_scores(block)
                chart_sheet.placed.append(PlacedBlock(block, block.title))
                target = (chart_sheet, len(chart_sheet.placed) - 1)
                outline.append(OutlineEntry(part, _("Chart"), block.title, target))
            case BulletList():
                group = path[-1].text if path else _("Lists")
                context = _list_context(path, previous)
                sheet = list_sheets.setdefault(
                    group, SheetPlan(header=(_("Context"), _("Entry")), requested_title=group)
                )
                sheet.placed.append(PlacedBlock(block, context))
                target = (sheet, len(sheet.placed) - 1)
                outline.append(OutlineEntry(part, _("List"), context or group, target))
            case _:
                msg = f"the XLSX renderer cannot write a block of type {type(block).__name__}"
                raise RenderError(msg)
        previous = block

    return WorkbookPlan(
        tables=list(table_sheets.values()),
        charts=chart_sheet if chart_sheet.placed else None,
        lists=list(list_sheets.values()),
        outline=outline,
    )


def _check_heading(heading: Heading) -> None:
    if heading.level < 1:
        msg = f"heading {heading.text!r} has level {heading.level}; levels start at 1"
        raise RenderError(msg)


def _field_entry(field: EditableField, part: str, gettext: Translate) -> OutlineEntry:
    kind = gettext("Field to complete")
    if field.required:
        kind += f" ({gettext('required')})"
    text = f"{field.label}\n{field.prompt}" if field.prompt.strip() else field.label
    return OutlineEntry(part, kind, text)


def _list_context(path: Sequence[Heading], previous: Block | None) -> str:
    """Return what introduces a list: the paragraph just before it, or its parent heading."""
    if isinstance(previous, Paragraph):
        return previous.text
    return path[-2].text if len(path) >= 2 else ""


_SHORT_SHEET_NAMES = (
    ("Partners' and coordinator's scores by section", N_("Partners vs coordinator")),
    ("Section scores at the national level and in each hub", N_("Levels compared")),
    ("Item scores for section {section}", N_("Item scores")),
    ("Answer distributions for function {number}", N_("Answer distributions")),
)
"""Report captions, as message ids, whose sheets get a short name of their own.

These captions are too long for a sheet name in at least one language, or
differ per section or function, so that the words they share would read cut.
"""


def table_sheet_name(sheet: SheetPlan, gettext: Translate | None = None) -> str:
    """Return the requested name of a table sheet: a short name, its caption, or shared words.

    With ``gettext``, a sheet of tables whose captions come from one of the
    known long captions gets that caption's short name in the report language.
    """
    if gettext is not None:
        short_name = _short_sheet_name(sheet, gettext)
        if short_name:
            return short_name

    if len(sheet.placed) == 1:
        # A long caption gives way to a heading that fits, such as "Response rates".
        placed = sheet.placed[0]
        for candidate in (placed.context, placed.heading):
            if candidate.strip() and utf16_length(candidate) <= MAX_SHEET_TITLE:
                return candidate
        return placed.context

    contexts = [placed.context.split() for placed in sheet.placed]
    shared: list[str] = []
    for words in zip(*contexts, strict=False):
        if len(set(words)) != 1:
            break
        shared.append(words[0])
    return " ".join(shared) or sheet.placed[0].context


def _short_sheet_name(sheet: SheetPlan, gettext: Translate) -> str:
    """Return the short name of the sheet's caption, or "" when its captions have none."""
    for caption_id, short_id in _SHORT_SHEET_NAMES:
        # A caption with a placeholder matches on the translated text before it.
        caption = gettext(caption_id)
        fixed_part = caption.split("{", 1)[0]
        matches = [
            placed.context == caption
            or ("{" in caption and bool(fixed_part) and placed.context.startswith(fixed_part))
            for placed in sheet.placed
        ]
        if matches and all(matches):
            return gettext(short_id)
    return ""
