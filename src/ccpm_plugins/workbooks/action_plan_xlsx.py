"""The action plan as an editable XLSX workbook: export, edit in a spreadsheet, import.

Sheets:

``Actions``
    One row per action. The number, baseline and version columns come from
    the store; the action, responsible, deadline, support and status columns
    are for editing. A row with an empty number is a new action. Status,
    section and support cells offer drop-down lists. Several support sources
    can be typed into one cell, separated by ``;``: the spreadsheet warns,
    and keeps them.
``Progress notes``
    One row per dated note: action number, date, an optional new status and
    the text. Add rows to add notes.
``Sections``
    The baseline of every section, for reference.
``About``
    The format, exercise id and level, which the import checks.

Text that starts with ``=``, ``+``, ``-`` or ``@`` is written as a text cell
marked to stay text, so a spreadsheet never runs it as a formula. Dates are
real date cells. Reading collects every problem and raises one
:class:`~ccpm_core.exercise_errors.ActionPlanError` that names the sheet, row
and column of each.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ccpm_core.action_plan import Action, ActionPlan, ActionStatus, ProgressNote, SupportSource
from ccpm_core.exercise_errors import ActionPlanError
from ccpm_core.framework import SECTION_IDS, SECTIONS, Status
from ccpm_core.results_summary import UnitStatus

__all__ = [
    "WORKBOOK_FORMAT",
    "read_action_plan_workbook",
    "unedited_actions",
    "write_action_plan_workbook",
]

WORKBOOK_FORMAT = "ccpm.action-plan-workbook/1"

ACTIONS_SHEET = "Actions"
NOTES_SHEET = "Progress notes"
SECTIONS_SHEET = "Sections"
ABOUT_SHEET = "About"

ACTION_COLUMNS = (
    "No.",
    "Section",
    "Section title",
    "Baseline status",
    "Baseline score (%)",
    "Action",
    "Responsible",
    "Deadline",
    "Support required",
    "Support from",
    "Status",
    "Version",
)
NOTE_COLUMNS = ("No.", "Date", "New status", "Note")
SECTION_COLUMNS = ("Section", "Title", "Status", "Score (%)", "Respondents")

EXTRA_ROWS = 300
"""Empty rows below the data that get the drop-down lists, for actions and notes added by hand."""

_FINGERPRINT_KEY = "Exported action"
"""About-sheet key of each stored action's fingerprint at export, followed by its number."""

_DATE_FORMAT = "yyyy-mm-dd"
_FORMULA_STARTS = ("=", "+", "-", "@")
_SUPPORT_SEPARATOR = re.compile(r"[;\n]")
_MAX_LISTED_PROBLEMS = 25

_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_READ_ONLY_FILL = PatternFill("solid", fgColor="F2F2F2")
_WIDTHS = {
    "No.": 6,
    "Section": 9,
    "Section title": 40,
    "Baseline status": 16,
    "Baseline score (%)": 12,
    "Action": 50,
    "Responsible": 24,
    "Deadline": 12,
    "Support required": 36,
    "Support from": 28,
    "Status": 14,
    "Version": 9,
    "Date": 12,
    "New status": 14,
    "Note": 60,
    "Title": 60,
    "Score (%)": 10,
    "Respondents": 12,
}


# Writing


def write_action_plan_workbook(plan: ActionPlan, path: Path) -> Path:
    """Write the plan as an editable workbook at ``path`` and return the path."""
    workbook = Workbook()
    actions_sheet = workbook.active
    assert actions_sheet is not None
    actions_sheet.title = ACTIONS_SHEET

    _write_actions(actions_sheet, plan)
    _write_notes(workbook.create_sheet(NOTES_SHEET), plan)
    _write_sections(workbook.create_sheet(SECTIONS_SHEET), plan.baselines)
    _write_about(workbook.create_sheet(ABOUT_SHEET), plan)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def _write_actions(sheet: Worksheet, plan: ActionPlan) -> None:
    _write_header(sheet, ACTION_COLUMNS)
    for row, action in enumerate(plan.actions, start=2):
        values: tuple[Any, ...] = (
            action.number,
            action.section_id,
            SECTIONS[action.section_id].title,
            _status_label(action.baseline_status),
            action.baseline_score,
            action.text,
            action.responsible,
            action.deadline,
            action.support_required,
            "; ".join(source.label for source in action.support_from),
            action.status.label,
            action.version,
        )
        for column, value in enumerate(values, start=1):
            _write_cell(sheet.cell(row=row, column=column), value)
        for column in (3, 4, 5, 12):
            sheet.cell(row=row, column=column).fill = _READ_ONLY_FILL

    last = len(plan.actions) + 1 + EXTRA_ROWS
    _add_list(sheet, "B", last, SECTION_IDS, "Section", strict=True)
    _add_list(
        sheet,
        "J",
        last,
        [source.label for source in SupportSource],
        "Support from",
        strict=False,
        hint="Pick one, or type several separated by ';'.",
    )
    _add_list(sheet, "K", last, [status.label for status in ActionStatus], "Status", strict=True)
    _add_date_check(sheet, "H", last)
    _format_dates(sheet, "H")
    sheet.freeze_panes = "C2"


def _write_notes(sheet: Worksheet, plan: ActionPlan) -> None:
    _write_header(sheet, NOTE_COLUMNS)
    row = 2
    for action in plan.actions:
        for note in action.notes:
            values = (
                action.number,
                note.on,
                note.status.label if note.status is not None else None,
                note.text,
            )
            for column, value in enumerate(values, start=1):
                _write_cell(sheet.cell(row=row, column=column), value)
            row += 1

    last = row - 1 + EXTRA_ROWS
    _add_list(
        sheet, "C", last, [status.label for status in ActionStatus], "New status", strict=True
    )
    _add_date_check(sheet, "B", last)
    _format_dates(sheet, "B")
    sheet.freeze_panes = "A2"


def _write_sections(sheet: Worksheet, baselines: tuple[UnitStatus, ...]) -> None:
    _write_header(sheet, SECTION_COLUMNS)
    for row, unit in enumerate(baselines, start=2):
        values = (unit.id, SECTIONS[unit.id].title, _status_label(unit.status), unit.score, unit.n)
        for column, value in enumerate(values, start=1):
            _write_cell(sheet.cell(row=row, column=column), value)


def _write_about(sheet: Worksheet, plan: ActionPlan) -> None:
    rows: tuple[tuple[str, Any], ...] = (
        ("Format", WORKBOOK_FORMAT),
        ("Exercise", plan.exercise_id),
        ("Hub", plan.hub),
        (
            "How to edit",
            "Write each action, who is responsible, the deadline and the support needed on "
            "the Actions sheet. Add a row with an empty number for a new action. Never "
            "delete a row: set the status to Dropped instead. Add dated notes on the "
            "Progress notes sheet. Leave the grey columns as they are.",
        ),
        *((f"{_FINGERPRINT_KEY} {a.number}", a.fingerprint()) for a in plan.actions if a.number),
    )
    for row, (key, value) in enumerate(rows, start=1):
        _write_cell(sheet.cell(row=row, column=1), key)
        sheet.cell(row=row, column=1).font = Font(bold=True)
        _write_cell(sheet.cell(row=row, column=2), value)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 90
    sheet.cell(row=4, column=2).alignment = Alignment(wrap_text=True, vertical="top")


def _write_header(sheet: Worksheet, columns: tuple[str, ...]) -> None:
    for column, title in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=column)
        _write_cell(cell, title)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(column)].width = _WIDTHS.get(title, 14)


def _write_cell(cell: Cell | MergedCell, value: Any) -> None:
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = _DATE_FORMAT
        return
    if not isinstance(value, str):
        cell.value = value
        return
    if not value:
        return

    cell.value = value
    if value.startswith(_FORMULA_STARTS):
        # openpyxl takes a leading "=" as a formula, so the text type is forced.
        # The quote prefix keeps a spreadsheet from re-reading the cell as a
        # formula when someone edits it.
        cell.data_type = "s"
        cell.quotePrefix = True
    if "\n" in value:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _add_list(
    sheet: Worksheet,
    column: str,
    last_row: int,
    values: Iterable[str],
    title: str,
    *,
    strict: bool,
    hint: str = "",
) -> None:
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(values) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop" if strict else "warning",
        errorTitle=f"Invalid {title.lower()}",
        error=f"Choose a {title.lower()} from the list." + (f" {hint}" if hint else ""),
        promptTitle=title,
        prompt=hint or f"Choose a {title.lower()} from the list.",
        showInputMessage=bool(hint),
    )
    validation.add(f"{column}2:{column}{last_row}")
    sheet.add_data_validation(validation)


def _format_dates(sheet: Worksheet, column: str) -> None:
    # A column style, rather than one per empty cell, keeps the file small and
    # lets dates typed into new rows show as dates.
    sheet.column_dimensions[column].number_format = _DATE_FORMAT


def _add_date_check(sheet: Worksheet, column: str, last_row: int) -> None:
    validation = DataValidation(
        type="date",
        operator="between",
        formula1="DATE(1900,3,1)",
        formula2="DATE(9999,12,31)",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Invalid date",
        error="Enter a date, such as 2027-03-31.",
    )
    validation.add(f"{column}2:{column}{last_row}")
    sheet.add_data_validation(validation)


def _status_label(status: Status) -> str:
    return status.value.replace("_", " ").capitalize()


# Reading


@attrs.define
class _Problems:
    """Problems found while reading, each naming its sheet, row and column."""

    messages: list[str] = attrs.field(factory=list)

    def add(self, sheet: str, row: int, column: str, text: str) -> None:
        self.messages.append(f"sheet {sheet!r}, row {row}, column {column!r}: {text}")

    def raise_if_any(self, path: Path) -> None:
        if not self.messages:
            return
        shown = self.messages[:_MAX_LISTED_PROBLEMS]
        more = len(self.messages) - len(shown)
        text = "; ".join(shown) + (f"; and {more} more" if more else "")
        count = "1 problem" if len(self.messages) == 1 else f"{len(self.messages)} problems"
        msg = f"{path}: {count} in the action plan workbook: {text}"
        raise ActionPlanError(msg)


@attrs.frozen
class _SheetRow:
    sheet: str
    number: int
    values: dict[str, Cell | MergedCell]


def read_action_plan_workbook(path: Path) -> ActionPlan:
    """Read an action plan from a workbook written by :func:`write_action_plan_workbook`.

    Raises ActionPlanError listing every invalid cell by sheet, row and column,
    or naming the missing sheet or column.
    """
    path = Path(path)
    try:
        workbook = load_workbook(path, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        msg = f"{path}: not an XLSX workbook that ccpm can read ({error})"
        raise ActionPlanError(msg) from None

    problems = _Problems()
    exercise_id, hub = _read_about(_sheet(workbook, ABOUT_SHEET, path), path)
    baselines = _read_sections(_sheet(workbook, SECTIONS_SHEET, path), path, problems)
    actions, numbers = _read_actions(_sheet(workbook, ACTIONS_SHEET, path), path, problems)
    notes = _read_notes(_sheet(workbook, NOTES_SHEET, path), path, problems, numbers)
    _check_numbers_once(actions, problems)

    # Rows with a problem are already left out, so every problem of the
    # workbook is reported in one error below, not pass by pass.
    by_section = {unit.id: unit for unit in baselines}
    built: list[Action] = []
    for row_number, fields in actions:
        number = fields["number"]
        baseline = by_section.get(fields["section_id"])
        if fields["baseline_status"] is None and baseline is not None:
            # A row added by hand may leave the baseline to the Sections sheet.
            fields["baseline_status"] = baseline.status
            fields["baseline_score"] = baseline.score
        if fields["baseline_status"] is None:
            problems.add(
                ACTIONS_SHEET,
                row_number,
                "Baseline status",
                f"section {fields['section_id']} has no baseline on sheet {SECTIONS_SHEET!r}",
            )
            continue
        try:
            built.append(Action(**fields, notes=notes.get(number, ()) if number else ()))
        except ActionPlanError as error:
            problems.add(ACTIONS_SHEET, row_number, "Action", str(error))
    problems.raise_if_any(path)
    try:
        plan = ActionPlan(
            baselines=baselines, actions=tuple(built), exercise_id=exercise_id, hub=hub
        )
    except ActionPlanError as error:
        problems.add(ACTIONS_SHEET, 1, "No.", str(error))
    problems.raise_if_any(path)
    return plan


def unedited_actions(path: Path, plan: ActionPlan) -> frozenset[int]:
    """Return the numbers of the actions in ``plan`` that are exactly as exported to ``path``.

    ``plan`` is what :func:`read_action_plan_workbook` read from ``path``. A
    workbook from an older export has no fingerprints: then no action counts
    as unedited, and every action is merged as edited.
    """
    workbook = load_workbook(Path(path), read_only=True)
    try:
        sheet = workbook[ABOUT_SHEET]
        exported = {
            str(key): str(value)
            for key, value, *_ in sheet.iter_rows(min_col=1, max_col=2, values_only=True)
            if isinstance(key, str) and key.startswith(_FINGERPRINT_KEY)
        }
    finally:
        workbook.close()

    return frozenset(
        action.number
        for action in plan.actions
        if action.number is not None
        and exported.get(f"{_FINGERPRINT_KEY} {action.number}") == action.fingerprint()
    )


def _check_numbers_once(actions: list[tuple[int, dict[str, Any]]], problems: _Problems) -> None:
    rows_by_number: dict[int, list[int]] = {}
    for row_number, fields in actions:
        if fields["number"] is not None:
            rows_by_number.setdefault(fields["number"], []).append(row_number)

    for number, rows in rows_by_number.items():
        if len(rows) > 1:
            listed = ", ".join(str(row) for row in rows)
            for row in rows:
                problems.add(
                    ACTIONS_SHEET,
                    row,
                    "No.",
                    f"action number {number} is on rows {listed}; number each action once, "
                    "and leave the number empty for a new action",
                )


def _sheet(workbook: Workbook, name: str, path: Path) -> Worksheet:
    if name not in workbook.sheetnames:
        msg = (
            f"{path}: the sheet {name!r} is missing; export the action plan again and "
            "edit that workbook"
        )
        raise ActionPlanError(msg)
    sheet = workbook[name]
    assert isinstance(sheet, Worksheet)
    return sheet


def _rows(sheet: Worksheet, columns: tuple[str, ...], path: Path) -> list[_SheetRow]:
    header = [cell.value for cell in sheet[1]]
    positions: dict[str, int] = {}
    for title in columns:
        if title not in header:
            msg = f"{path}: sheet {sheet.title!r} has no column {title!r} in its first row"
            raise ActionPlanError(msg)
        positions[title] = header.index(title)

    rows: list[_SheetRow] = []
    for number, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
        values = {title: cells[index] for title, index in positions.items() if index < len(cells)}
        if all(_is_blank(cell.value) for cell in values.values()):
            continue
        rows.append(_SheetRow(sheet.title, number, values))
    return rows


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_about(sheet: Worksheet, path: Path) -> tuple[int | None, str | None]:
    entries = {
        str(row[0].value): row[1].value for row in sheet.iter_rows(min_row=1) if len(row) > 1
    }
    if entries.get("Format") != WORKBOOK_FORMAT:
        msg = (
            f"{path}: sheet {ABOUT_SHEET!r} says format {entries.get('Format')!r}, "
            f"expected {WORKBOOK_FORMAT!r}; export the action plan again"
        )
        raise ActionPlanError(msg)
    exercise = entries.get("Exercise")
    if exercise is not None and not isinstance(exercise, int):
        msg = f"{path}: sheet {ABOUT_SHEET!r}: the exercise id {exercise!r} is not a number"
        raise ActionPlanError(msg)
    hub = entries.get("Hub")
    return exercise, (str(hub) if not _is_blank(hub) else None)


def _read_sections(sheet: Worksheet, path: Path, problems: _Problems) -> tuple[UnitStatus, ...]:
    units: list[UnitStatus] = []
    for row in _rows(sheet, SECTION_COLUMNS, path):
        read = _CellReader(row, problems)
        section = read.section("Section")
        status = read.choice("Status", _BASELINE_STATUSES, required=True)
        score = read.number("Score (%)")
        n = read.integer("Respondents")
        if section is not None and isinstance(status, Status):
            units.append(UnitStatus(section, status, score, n or 0))
    return tuple(units)


def _read_actions(
    sheet: Worksheet, path: Path, problems: _Problems
) -> tuple[list[tuple[int, dict[str, Any]]], set[int]]:
    """Return the valid rows as Action fields, and every action number given, valid row or not."""
    actions: list[tuple[int, dict[str, Any]]] = []
    numbers: set[int] = set()
    for row in _rows(sheet, ACTION_COLUMNS, path):
        read = _CellReader(row, problems)
        before = len(problems.messages)
        number = read.integer("No.")
        if number is not None:
            numbers.add(number)
        fields: dict[str, Any] = {
            "number": number,
            "section_id": read.section("Section"),
            "baseline_status": read.choice("Baseline status", _BASELINE_STATUSES, required=False),
            "baseline_score": read.number("Baseline score (%)"),
            "text": read.text("Action"),
            "responsible": read.text("Responsible"),
            "deadline": read.date("Deadline"),
            "support_required": read.text("Support required"),
            "support_from": read.support("Support from"),
            "status": read.choice("Status", _ACTION_STATUSES, required=False)
            or ActionStatus.NOT_STARTED,
            "version": read.integer("Version") or 0,
        }
        if len(problems.messages) == before:
            actions.append((row.number, fields))
    return actions, numbers


def _read_notes(
    sheet: Worksheet, path: Path, problems: _Problems, known: set[int]
) -> dict[int, tuple[ProgressNote, ...]]:
    notes: dict[int, list[ProgressNote]] = {}
    for row in _rows(sheet, NOTE_COLUMNS, path):
        read = _CellReader(row, problems)
        before = len(problems.messages)
        number = read.integer("No.")
        day = read.date("Date")
        status = read.choice("New status", _ACTION_STATUSES, required=False)
        text = read.text("Note")
        if len(problems.messages) > before:
            continue
        if number is None:
            problems.add(row.sheet, row.number, "No.", "give the number of the action")
            continue
        if number not in known:
            problems.add(
                row.sheet,
                row.number,
                "No.",
                f"no action {number} on sheet {ACTIONS_SHEET!r}; a note on a new action "
                "can be added once the action has its number",
            )
            continue
        if day is None:
            problems.add(row.sheet, row.number, "Date", "give the date of the note")
            continue
        try:
            note = ProgressNote(on=day, text=text, status=status)
        except ActionPlanError as error:
            problems.add(row.sheet, row.number, "Note", str(error))
            continue
        notes.setdefault(number, []).append(note)
    return {number: tuple(entries) for number, entries in notes.items()}


def _choices(values: Iterable[Any], label: Callable[[Any], str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for value in values:
        found[label(value).lower()] = value
        found[str(value.value).lower()] = value
    return found


_BASELINE_STATUSES = _choices(Status, _status_label)
_ACTION_STATUSES = _choices(ActionStatus, lambda status: status.label)
_SUPPORT_SOURCES = _choices(SupportSource, lambda source: source.label)


@attrs.frozen
class _CellReader:
    """Reads typed values from one sheet row, recording a problem for each invalid cell."""

    row: _SheetRow
    problems: _Problems

    def _value(self, column: str) -> Any:
        cell = self.row.values.get(column)
        if cell is None:
            return None
        if cell.data_type == "f":
            self._problem(column, f"holds the formula {cell.value!r}; type the value instead")
            return None
        return cell.value

    def _problem(self, column: str, text: str) -> None:
        self.problems.add(self.row.sheet, self.row.number, column, text)

    def text(self, column: str) -> str:
        value = self._value(column)
        if _is_blank(value):
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def integer(self, column: str) -> int | None:
        value = self._value(column)
        if _is_blank(value):
            return None
        if isinstance(value, bool):
            self._problem(column, f"{value!r} is not a whole number")
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or value < 0:
            self._problem(column, f"{value!r} is not a whole number")
            return None
        return value

    def number(self, column: str) -> float | None:
        value = self._value(column)
        if _is_blank(value):
            return None
        if isinstance(value, str):
            try:
                return float(value.strip().rstrip("%"))
            except ValueError:
                pass
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        self._problem(column, f"{value!r} is not a number")
        return None

    def date(self, column: str) -> dt.date | None:
        value = self._value(column)
        if _is_blank(value):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self._problem(column, f"{value!r} is not a date; write a date such as 2027-03-31")
        return None

    def section(self, column: str) -> str | None:
        value = self._value(column)
        if _is_blank(value):
            self._problem(column, f"give the section, one of {', '.join(SECTION_IDS)}")
            return None
        # A spreadsheet may turn a typed 1.1 or 5 into a number.
        text = f"{value:g}" if isinstance(value, float) else str(value).strip()
        if text not in SECTION_IDS:
            self._problem(
                column, f"{value!r} is not a CCPM section; use one of {', '.join(SECTION_IDS)}"
            )
            return None
        return text

    def choice(self, column: str, choices: dict[str, Any], *, required: bool) -> Any:
        value = self._value(column)
        if _is_blank(value):
            if required:
                self._problem(column, "the cell is empty; choose a value from the list")
            return None
        found = choices.get(str(value).strip().lower())
        if found is None:
            labels = sorted({_label_of(choice) for choice in choices.values()})
            self._problem(column, f"{value!r} is not one of: {', '.join(labels)}")
        return found

    def support(self, column: str) -> tuple[SupportSource, ...]:
        value = self.text(column)
        sources: list[SupportSource] = []
        for part in _SUPPORT_SEPARATOR.split(value):
            name = part.strip()
            if not name:
                continue
            source = _SUPPORT_SOURCES.get(name.lower())
            if source is None:
                labels = ", ".join(source.label for source in SupportSource)
                self._problem(
                    column,
                    f"{name!r} is not a support source; use {labels}, separated by ';'",
                )
                continue
            if source not in sources:
                sources.append(source)
        return tuple(sources)


def _label_of(value: Any) -> str:
    if isinstance(value, Status):
        return _status_label(value)
    label: str = value.label
    return label
