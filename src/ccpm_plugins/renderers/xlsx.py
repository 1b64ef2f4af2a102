"""Excel (XLSX) rendering of a report: its tables as a workbook for analysts.

Sheets, in order:

- **Cover**: the cover facts, the report language and the date as a date.
- **Contents**: every block in reading order (headings, paragraphs, fields
  to complete), with a link to the sheet and row of each table, chart and
  list.
- One sheet per table header: tables with the same columns, such as the
  item scores of every section, share a sheet, and a first column names the
  table each row comes from.
- **Chart data**: each chart's bars as label, score and status.
- One sheet per list heading, such as the comments of every function, with
  the context of each entry.
- **Notes**: every text that was changed to fit the workbook.

Header rows are bold, filled and frozen, with a filter. Status cells get the
status colour and show the status label. Cells marked numeric whose text is
a number (``12``, ``-5``, ``62.5%``) become numbers; all other text stays
text that never runs as a formula. The same report gives the same bytes on
every run: document dates come from the cover and ZIP entries get a fixed
timestamp.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ccpm_core.hookspecs import hookimpl
from ccpm_core.i18n import is_right_to_left, plural_translator, translator
from ccpm_core.locale_format import NO_VALUE, decimal_separator
from ccpm_core.plugin_api import ReportRenderer
from ccpm_core.report_model import (
    BulletList,
    Cell,
    Chart,
    Report,
    Table,
)
from ccpm_core.report_text import status_label
from ccpm_plugins.renderers.file_output import repack_zip_with_fixed_times, write_atomically
from ccpm_plugins.renderers.spreadsheet_text import XML_FORBIDDEN
from ccpm_plugins.renderers.styling import TABLE_HEADER_FILL
from ccpm_plugins.renderers.xlsx_cells import (
    CellChanges,
    CellValue,
    parse_number_text,
    write_cell,
)
from ccpm_plugins.renderers.xlsx_plan import (
    SheetPlan,
    WorkbookPlan,
    plan_workbook,
    sheet_title,
    table_sheet_name,
)

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["XlsxRenderer", "ccpm_register_renderers", "render_xlsx"]

_MIN_COLUMN_WIDTH = 8
_MAX_COLUMN_WIDTH = 60
_NO_VALUE_TEXTS = frozenset({"", "-", "—", NO_VALUE})
"""Texts of numeric cells that stand for no value, which become empty cells."""
_LABEL_SEPARATOR = " · "


class XlsxRenderer(ReportRenderer):
    """Writes a report's tables, charts and lists as an Excel workbook."""

    name = "xlsx"
    file_suffixes = (".xlsx",)

    def render(self, report: Report, path: Path) -> list[Path]:
        """Write the report to ``path`` as an XLSX workbook and return ``[path]``.

        Creates the parent folder when it is missing. Raises
        :class:`~ccpm_core.errors.RenderError` for an invalid block or chart
        score, or when the file cannot be written.
        """
        path = Path(path)
        write_atomically(path, render_xlsx(report))
        return [path]


@hookimpl
def ccpm_register_renderers(register: Callable[[ReportRenderer], None]) -> None:
    """Register the XLSX renderer."""
    register(XlsxRenderer())


def render_xlsx(report: Report) -> bytes:
    """Return the report as the bytes of an XLSX workbook, the same bytes for the same report."""
    plan = plan_workbook(report)
    workbook = _WorkbookWriter(report, plan).build()
    return _package_bytes(workbook)


class _WorkbookWriter:
    def __init__(self, report: Report, plan: WorkbookPlan) -> None:
        from openpyxl import Workbook

        self.report = report
        self.plan = plan
        self.gettext = translator(report.language)
        self.ngettext = plural_translator(report.language)
        self.changes = CellChanges(self.gettext, self.ngettext)
        self.decimal_separator = decimal_separator(report.language)
        self.workbook = Workbook()
        self.right_to_left = is_right_to_left(report.language)
        self._taken: set[str] = set()

    def build(self) -> Workbook:
        _ = self.gettext
        # Names are given in sheet order, so the first sheet of two alike keeps the plain name.
        # openpyxl starts a workbook with one empty sheet, which none of ours replaces.
        for empty in list(self.workbook.worksheets):
            self.workbook.remove(empty)
        cover = self._new_sheet(_("Cover"))
        contents = self._new_sheet(_("Contents"))
        for sheet in self.plan.data_sheets():
            candidate = sheet.requested_title or table_sheet_name(sheet, self.gettext)
            sheet.title = self._new_sheet(candidate).title
        notes = self._new_sheet(_("Notes"))

        self._write_cover(cover)
        for sheet in self.plan.tables:
            self._write_table_sheet(sheet)
        if self.plan.charts is not None:
            self._write_chart_sheet(self.plan.charts)
        for sheet in self.plan.lists:
            self._write_list_sheet(sheet)
        self._write_contents(contents)
        self._write_notes(notes)
        self._set_properties()
        return self.workbook

    def _new_sheet(self, candidate: str) -> Worksheet:
        sheet: Worksheet = self.workbook.create_sheet(sheet_title(candidate, self._taken))
        if self.right_to_left:
            sheet.sheet_view.rightToLeft = True
        return sheet

    # Sheets

    def _write_cover(self, sheet: Worksheet) -> None:
        _ = self.gettext
        cover = self.report.cover
        facts: list[tuple[str, CellValue, str | None]] = [
            (_("Title"), cover.title, None),
            (_("Subtitle"), cover.subtitle, None),
            (_("Cluster"), cover.cluster, None),
            (_("Country"), cover.country, None),
            (_("Level"), cover.level, None),
            (_("Date"), cover.date, "yyyy-mm-dd"),
            (_("Survey period"), cover.survey_period, None),
            (_("Language"), self.report.language, None),
        ]
        self._write_header(sheet, (_("Field"), _("Value")))
        for row, (label, value, number_format) in enumerate(facts, start=2):
            write_cell(sheet, row, 1, label, self.changes)
            write_cell(sheet, row, 2, value, self.changes, number_format=number_format)
        self._finish_sheet(sheet)

    def _write_table_sheet(self, plan: SheetPlan) -> None:
        sheet = self.workbook[plan.title]
        with_context = len(plan.placed) > 1
        header = (self.gettext("Table"), *plan.header) if with_context else plan.header
        self._write_header(sheet, header)

        row = 2
        for placed in plan.placed:
            plan.first_rows.append(row)
            assert isinstance(placed.block, Table)
            for cells in placed.block.rows:
                column = 1
                if with_context:
                    write_cell(sheet, row, 1, placed.context, self.changes)
                    column = 2
                for offset, cell in enumerate(cells):
                    self._write_report_cell(sheet, row, column + offset, cell)
                row += 1
        self._finish_sheet(sheet)

    def _write_chart_sheet(self, plan: SheetPlan) -> None:
        sheet = self.workbook[plan.title]
        self._write_header(sheet, plan.header)
        row = 2
        for placed in plan.placed:
            plan.first_rows.append(row)
            chart = placed.block
            assert isinstance(chart, Chart)
            for bar in chart.bars:
                write_cell(sheet, row, 1, chart.title, self.changes)
                write_cell(sheet, row, 2, bar.label, self.changes)
                score = None if bar.score is None else bar.score / 100
                write_cell(sheet, row, 3, score, self.changes, number_format="0.0%")
                label = status_label(bar.status, self.report.language)
                write_cell(sheet, row, 4, label, self.changes, status=bar.status)
                row += 1
        self._finish_sheet(sheet)

    def _write_list_sheet(self, plan: SheetPlan) -> None:
        sheet = self.workbook[plan.title]
        self._write_header(sheet, plan.header)
        row = 2
        for placed in plan.placed:
            plan.first_rows.append(row)
            assert isinstance(placed.block, BulletList)
            for item in placed.block.items:
                write_cell(sheet, row, 1, placed.context, self.changes)
                write_cell(sheet, row, 2, item, self.changes)
                row += 1
        self._finish_sheet(sheet)

    def _write_contents(self, sheet: Worksheet) -> None:
        from openpyxl.styles import Font
        from openpyxl.worksheet.hyperlink import Hyperlink

        _ = self.gettext
        self._write_header(sheet, (_("Part"), _("Kind"), _("Text"), _("Location")))
        for row, entry in enumerate(self.plan.outline, start=2):
            write_cell(sheet, row, 1, entry.part, self.changes)
            write_cell(sheet, row, 2, entry.kind, self.changes)
            write_cell(sheet, row, 3, entry.text, self.changes)
            if entry.target is None:
                continue
            target_sheet, index = entry.target
            location = f"{_quoted_sheet(target_sheet.title)}!A{target_sheet.first_rows[index]}"
            link_cell = write_cell(sheet, row, 4, location, self.changes)
            link_cell.hyperlink = Hyperlink(ref=link_cell.coordinate, location=location)
            link_cell.font = Font(underline="single")
        self._finish_sheet(sheet)

    def _write_notes(self, sheet: Worksheet) -> None:
        _ = self.gettext
        ngettext = self.ngettext
        changes = self.changes
        rows = list(changes.notes)
        if changes.quote_prefixed_cells:
            note = ngettext(
                "{count} text cell starts with =, +, -, @, a tab or a carriage return; "
                "it is stored as text with a quote prefix and never runs as a formula.",
                "{count} text cells start with =, +, -, @, a tab or a carriage return; "
                "they are stored as text with a quote prefix and never run as formulas.",
                changes.quote_prefixed_cells,
            )
            rows.append(("", "", note.format(count=changes.quote_prefixed_cells)))
        if not rows:
            rows.append(("", "", _("No text was changed to fit the workbook.")))

        # Notes are written with a fresh record, so that their own text is checked too.
        own_changes = CellChanges(self.gettext, self.ngettext)
        self._write_header(sheet, (_("Sheet"), _("Cell"), _("Note")))
        for row, values in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                write_cell(sheet, row, column, value, own_changes)
        self._finish_sheet(sheet)

    # Cells and layout

    def _write_report_cell(self, sheet: Worksheet, row: int, column: int, cell: Cell) -> None:
        if cell.numeric and cell.text.strip() in _NO_VALUE_TEXTS:
            write_cell(sheet, row, column, None, self.changes, status=cell.status)
            return
        number = parse_number_text(cell.text, self.decimal_separator) if cell.numeric else None
        label = None
        if cell.status is not None:
            label = status_label(cell.status, self.report.language)

        if number is not None:
            number_format = number.number_format
            if label is not None:
                # The label joins the number's display, so the cell stays a number.
                number_format += f'"{_LABEL_SEPARATOR}{label.replace(chr(34), "")}"'
            write_cell(
                sheet,
                row,
                column,
                number.value,
                self.changes,
                number_format=number_format,
                status=cell.status,
            )
            return

        text = cell.text
        if label is not None and text.strip().casefold() != label.casefold():
            text = f"{text}{_LABEL_SEPARATOR}{label}" if text.strip() else label
        write_cell(sheet, row, column, text, self.changes, status=cell.status)

    def _write_header(self, sheet: Worksheet, header: Sequence[str]) -> None:
        from openpyxl.styles import Font, PatternFill

        fill = PatternFill(fill_type="solid", fgColor=TABLE_HEADER_FILL[1:].upper())
        for column, text in enumerate(header, start=1):
            cell = write_cell(sheet, 1, column, text, self.changes)
            cell.font = Font(bold=True)
            cell.fill = fill
        sheet.freeze_panes = "A2"

    def _finish_sheet(self, sheet: Worksheet) -> None:
        """Set wrapping and column widths, and a filter on the header row."""
        from openpyxl.styles import Alignment
        from openpyxl.utils import get_column_letter

        widths: dict[int, int] = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                text = str(cell.value)
                longest = max(len(line) for line in text.split("\n"))
                widths[cell.column] = max(widths.get(cell.column, 0), longest)
                wrap = "\n" in text or longest > _MAX_COLUMN_WIDTH
                cell.alignment = Alignment(wrap_text=wrap, vertical="top")

        for column, longest in widths.items():
            width = min(max(longest, _MIN_COLUMN_WIDTH), _MAX_COLUMN_WIDTH) + 2
            sheet.column_dimensions[get_column_letter(column)].width = width
        if sheet.max_row > 1:
            last = get_column_letter(sheet.max_column)
            sheet.auto_filter.ref = f"A1:{last}{sheet.max_row}"

    def _set_properties(self) -> None:
        properties = self.workbook.properties
        cover = self.report.cover
        properties.title = XML_FORBIDDEN.sub("\ufffd", cover.title)
        properties.subject = XML_FORBIDDEN.sub("\ufffd", cover.subtitle)
        properties.creator = "ccpm"
        properties.lastModifiedBy = None
        properties.language = self.report.language
        properties.keywords = "CCPM"
        # Dates come from the cover, never from the clock, so a rerun gives the
        # same file. Without a cover date the workbook has no dates at all.
        stamp = dt.datetime.combine(cover.date, dt.time()) if cover.date else None
        properties.created = stamp
        properties.modified = stamp


def _quoted_sheet(title: str) -> str:
    """Quote a sheet name for a cell reference, doubling any apostrophe."""
    return "'" + title.replace("'", "''") + "'"


def _package_bytes(workbook: Workbook) -> bytes:
    """Save the workbook into memory without openpyxl's save-time clock stamp."""
    from openpyxl.writer.excel import ExcelWriter

    # openpyxl.save_workbook sets the modified date to now, but ExcelWriter alone does not.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return repack_zip_with_fixed_times(buffer.getvalue())
