"""Files exported from KoboToolbox (CSV or XLSX), read as raw responses.

KoboToolbox writes its exports in several shapes, and this reader recognises
each of them from the file itself:

- CSV with ``;`` and every field quoted (the current exporter), or with ``,``
  and ``n/a`` for missing answers (the legacy exporter); XLSX of either kind;
- an optional row of HXL tags (``#adm1``) under the header;
- headers with or without group paths (``group/question``), as XML names or
  as labels in any language of the questionnaire;
- select_multiple questions as one summary column, as one ``question/choice``
  column of 1/0 (or True/False) per choice, or both. Choice columns are
  collapsed back into one space-separated answer per question.

Headers are matched to questions by code, then by label. Labels that two
questions share (the partner and coordinator versions of a question) are told
apart by which instrument's rows answered the column. Metadata columns are
dropped with one note, and superseded or unapproved submissions are excluded
as for the API when the file carries the columns to tell.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from ccpm_core.errors import InputError
from ccpm_core.framework import Instrument
from ccpm_core.labels import match_key, normalise_code
from ccpm_core.questionnaire import PROFILE_INSTRUMENT, Questionnaire
from ccpm_core.responses import RawResponses
from ccpm_plugins.sources.csv_file import (
    column_letter,
    drop_unnamed_empty_columns,
    read_file_bytes,
    read_text_table,
)
from ccpm_plugins.sources.kobo.exclusions import (
    select_approved,
    select_latest_versions,
    validation_uid,
)
from ccpm_plugins.sources.kobo.form_content import QuestionNames
from ccpm_plugins.sources.kobo.metadata import is_metadata_name, metadata_note

__all__ = ["WORKBOOK_SUFFIXES", "read_export_file"]

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_LEGACY_MISSING = "n/a"
_CHOICE_FLAGS = frozenset({"", "0", "1", "true", "false", _LEGACY_MISSING})
_CHOSEN = frozenset({"1", "true"})
_HXL_TAG = re.compile(r"^#[A-Za-z][\w+]*$")
_GROUP_SEPARATORS = ("/", ".")


@attrs.frozen(eq=False)
class _Sheet:
    """Headers and text cells of an export's main table."""

    header: list[str]
    cells: pd.DataFrame
    """Data rows with columns numbered from 0, every cell a string."""
    first_row: int
    """Spreadsheet row number of the first data row."""
    notes: tuple[str, ...] = ()


def read_export_file(path: str, questionnaire: Questionnaire, validation: str) -> RawResponses:
    """Read a CSV or XLSX file that KoboToolbox exported, for ``questionnaire``.

    ``validation`` is ``all`` or ``approved``, as checked by
    :func:`~ccpm_plugins.sources.kobo.exclusions.check_validation_choice`.
    Raises :class:`InputError` naming the file when it cannot be read, when
    two columns answer one question, or when approved submissions are requested
    and the file has no ``_validation_status`` column.
    """
    sheet = _read_sheet(path)
    sheet = _drop_hxl_row(sheet)
    cells, legacy_note = _clear_legacy_missing(sheet.cells)
    header = sheet.header

    choice_columns, summaries, choice_note = _collapse_choice_columns(header, cells, questionnaire)
    header = [*header, *summaries]
    cells = pd.concat([cells, *summaries.values()], axis=1) if summaries else cells
    cells.columns = pd.RangeIndex(len(header))

    plan = _plan_columns(path, header, cells, questionnaire, skip=choice_columns)
    row_numbers = np.arange(sheet.first_row, sheet.first_row + len(cells), dtype=np.int64)
    selection = _select_rows(path, header, cells, plan.metadata, row_numbers, validation)

    table, sources = _answer_table(header, cells, plan)
    keep = selection.keep
    if not keep.all():
        table = table.loc[keep].reset_index(drop=True)
    notes = [
        *sheet.notes,
        legacy_note,
        metadata_note({header[index] for index in plan.metadata}),
        choice_note,
        *plan.notes,
        *selection.notes,
    ]
    return RawResponses(
        source=path,
        table=table,
        row_numbers=row_numbers[keep].tolist(),
        notes=tuple(note for note in notes if note),
        exclusions=selection.exclusions,
        column_sources=sources,
    )


# --- Reading -----------------------------------------------------------------


def _read_sheet(path: str) -> _Sheet:
    if path.lower().endswith(WORKBOOK_SUFFIXES):
        return _read_workbook(path)
    if path.lower().endswith(".xls"):
        msg = (
            f"{path}: the old Excel .xls format cannot be read; export the data from "
            "KoboToolbox as XLS (which gives .xlsx) or CSV, or save the file as .xlsx"
        )
        raise InputError(msg)

    text_table = read_text_table(path)
    header = [name.strip() for name in text_table.header]
    cells = _drop_unnamed(header, text_table.rows, path, first_row=2)
    return _Sheet(header=[h for h in header if h], cells=cells, first_row=2, notes=text_table.notes)


def _read_workbook(path: str) -> _Sheet:
    from openpyxl import load_workbook

    data = read_file_bytes(path)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbooks without a default style, which other tools often write.
            warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError and XML errors alike
        msg = f"{path}: the file is not a readable .xlsx workbook ({error}); export it again"
        raise InputError(msg) from None

    try:
        # The first sheet contains the submissions, and later ones contain repeat groups.
        rows = [[_cell_text(value) for value in row] for row in workbook.worksheets[0].values]
    finally:
        workbook.close()

    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows or not any(cell.strip() for cell in rows[0]):
        msg = f"{path}: the first sheet has no header row; export the data from KoboToolbox again"
        raise InputError(msg)

    width = max(len(row) for row in rows)
    padded = [row + [""] * (width - len(row)) for row in rows]
    header = [name.strip() for name in padded[0]]
    cells = pd.DataFrame(padded[1:], columns=pd.RangeIndex(width), dtype=object)
    cells = _drop_unnamed(header, cells, path, first_row=2)
    return _Sheet(header=[h for h in header if h], cells=cells, first_row=2)


def _drop_unnamed(
    header: list[str], cells: pd.DataFrame, path: str, first_row: int
) -> pd.DataFrame:
    """Drop empty columns without a header, and raise when one contains a value."""
    cells = cells.copy()
    cells.columns = pd.Index(header)
    cells = drop_unnamed_empty_columns(cells, path, first_row)
    cells.columns = pd.RangeIndex(cells.shape[1])
    return cells


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _drop_hxl_row(sheet: _Sheet) -> _Sheet:
    """Drop the row of HXL tags that may follow the header."""
    if sheet.cells.empty:
        return sheet
    first = [str(cell).strip() for cell in sheet.cells.iloc[0].tolist()]
    filled = [cell for cell in first if cell]
    if not filled or not all(_HXL_TAG.match(cell) for cell in filled):
        return sheet
    cells = sheet.cells.iloc[1:].reset_index(drop=True)
    return attrs.evolve(sheet, cells=cells, first_row=sheet.first_row + 1)


def _clear_legacy_missing(cells: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Turn ``n/a`` into empty cells when the file comes from the legacy exporter.

    The legacy exporter writes ``n/a`` for every missing answer, so its files
    have no empty cell; the current exporter never writes ``n/a`` itself.
    """
    legacy_missing = pd.DataFrame(index=cells.index)
    for position, (_, column) in enumerate(cells.items()):
        stripped = column.str.strip()
        if (stripped == "").any():
            return cells, ""
        legacy_missing[position] = stripped == _LEGACY_MISSING
    if legacy_missing.empty or not legacy_missing.to_numpy().any():
        return cells, ""

    cleared = cells.mask(legacy_missing.to_numpy(), "")
    note = (
        "the file looks like a legacy KoboToolbox export (no empty cell, 'n/a' for missing "
        "answers), so 'n/a' was read as a missing answer"
    )
    return cleared, note


# --- select_multiple choice columns ------------------------------------------


def _collapse_choice_columns(
    header: list[str], cells: pd.DataFrame, questionnaire: Questionnaire
) -> tuple[set[int], dict[str, pd.Series], str]:
    """Find ``question/choice`` columns of 0/1 and fold each question's into one answer.

    Returns three things. The positions of the choice columns come first,
    because these columns are not read as questions. Then come the summary
    columns built for questions that had only choice columns, by header, and
    a note.
    """
    names = QuestionNames(questionnaire)
    labels = _LabelIndex(questionnaire)
    present = set(header)
    groups: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        if "/" not in name or is_metadata_name(name):
            continue
        # A question's own column is never a choice column, even when its answers are 0 or 1.
        if names.code_of_path(name) is not None or labels.codes_of(name):
            continue
        groups.setdefault(name.rsplit("/", 1)[0], []).append(index)

    choice_columns: set[int] = set()
    summaries: dict[str, pd.Series] = {}
    for prefix, indices in groups.items():
        if prefix not in present and len(indices) < 2:
            continue
        flags = cells.iloc[:, indices]
        folded = flags.apply(lambda column: column.str.strip().str.lower())
        if not folded.isin(_CHOICE_FLAGS).all().all():
            continue
        choice_columns.update(indices)
        if prefix not in present:
            choices = [header[index].rsplit("/", 1)[1] for index in indices]
            summaries[prefix] = _summary_answers(folded, choices)

    note = ""
    if choice_columns:
        count = len({header[index].rsplit("/", 1)[0] for index in choice_columns})
        note = (
            f"{len(choice_columns)} select_multiple choice columns of {count} "
            f"{'question' if count == 1 else 'questions'} were read as one answer per question"
        )
    return choice_columns, summaries, note


def _summary_answers(folded: pd.DataFrame, choices: list[str]) -> pd.Series:
    """Join the chosen choices of each row with spaces; '' where no cell is filled."""
    chosen: list[list[bool]] = folded.isin(_CHOSEN).to_numpy().tolist()
    filled_cells = (~folded.isin({"", _LEGACY_MISSING})).to_numpy()
    answered: list[bool] = np.any(filled_cells, axis=1).tolist()
    answers = [
        " ".join(choice for choice, picked in zip(choices, row, strict=True) if picked)
        if filled
        else ""
        for row, filled in zip(chosen, answered, strict=True)
    ]
    return pd.Series(answers, dtype=object)


# --- Columns -------------------------------------------------------------------


@attrs.frozen
class _Plan:
    """Columns of the export sorted by content: questions, metadata and unknown fields."""

    questions: dict[int, str]
    """Question code answered by each question column."""
    metadata: set[int]
    unknown: list[int]
    notes: tuple[str, ...] = ()


def _plan_columns(
    path: str,
    header: list[str],
    cells: pd.DataFrame,
    questionnaire: Questionnaire,
    skip: set[int],
) -> _Plan:
    names = QuestionNames(questionnaire)
    labels = _LabelIndex(questionnaire)
    questions: dict[int, str] = {}
    metadata: set[int] = set()
    unknown: list[int] = []
    ambiguous: dict[int, list[str]] = {}

    for index, name in enumerate(header):
        if index in skip:
            continue
        if is_metadata_name(name):
            metadata.add(index)
            continue
        code = _code_of_header(names, name)
        candidates = [code] if code is not None else labels.codes_of(name)
        if len(candidates) == 1:
            questions[index] = candidates[0]
        elif candidates:
            ambiguous[index] = candidates
        else:
            unknown.append(index)

    notes: list[str] = []
    if ambiguous:
        instruments = _row_instruments(questions, cells, questionnaire)
        resolved, left, note = _resolve_shared_labels(
            header, cells, questionnaire, ambiguous, instruments
        )
        questions.update(resolved)
        unknown.extend(left)
        if note:
            notes.append(note)

    _check_one_column_per_question(path, header, questions)
    return _Plan(questions, metadata, sorted(unknown), tuple(notes))


def _code_of_header(names: QuestionNames, header: str) -> str | None:
    code = names.code_of(header)
    for separator in _GROUP_SEPARATORS:
        if code is None and separator in header:
            code = names.code_of(header.rsplit(separator, 1)[-1])
    return code


class _LabelIndex:
    """Finds the questions whose label, in any language, a header shows."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self._codes: dict[str, list[str]] = {}
        for question in questionnaire.questions:
            for text in question.label.values():
                codes = self._codes.setdefault(match_key(text), [])
                if question.code not in codes:
                    codes.append(question.code)

    def codes_of(self, header: str) -> list[str]:
        """Return the codes of the questions labelled as ``header`` or as its end after a ``/``.

        Group labels may precede the label, and labels may hold ``/`` themselves,
        so every tail of the header is tried, the longest first.
        """
        parts = header.split("/")
        for start in range(len(parts)):
            codes = self._codes.get(match_key("/".join(parts[start:])))
            if codes:
                return list(codes)
        return []


def _row_instruments(
    questions: dict[int, str], cells: pd.DataFrame, questionnaire: Questionnaire
) -> list[Instrument | None]:
    """Return each row's instrument from its instrument column, None where it names none."""
    column = next((i for i, code in questions.items() if code == PROFILE_INSTRUMENT), None)
    if column is None:
        return [None] * len(cells)
    scale = questionnaire.scale_of(questionnaire.question(PROFILE_INSTRUMENT))
    by_text: dict[str, Instrument] = {}
    for option in scale.options:
        instrument = Instrument(option.code)
        for text in (option.code, *option.label.values(), *option.aliases):
            by_text[match_key(text)] = instrument
    return [
        by_text.get(match_key(normalise_code(value))) for value in cells.iloc[:, column].tolist()
    ]


def _resolve_shared_labels(
    header: list[str],
    cells: pd.DataFrame,
    questionnaire: Questionnaire,
    ambiguous: dict[int, list[str]],
    instruments: Sequence[Instrument | None],
) -> tuple[dict[int, str], list[int], str]:
    """Assign columns whose label several questions share, by the instrument of their answers.

    A column answered only in partner rows goes to the partner question.
    Columns that the answers cannot decide take the remaining questions in
    questionnaire order when as many remain, and are left unknown otherwise.
    """
    order = {question.code: i for i, question in enumerate(questionnaire.questions)}
    resolved: dict[int, str] = {}
    left: list[int] = []
    by_order = False

    sets: dict[tuple[str, ...], list[int]] = {}
    for index, candidates in ambiguous.items():
        sets.setdefault(tuple(sorted(candidates, key=order.__getitem__)), []).append(index)

    for candidate_codes, columns in sets.items():
        free = list(candidate_codes)
        undecided: list[int] = []
        for index in columns:
            answered_by = {
                instruments[row]
                for row, value in enumerate(cells.iloc[:, index].tolist())
                if value.strip() and instruments[row] is not None
            }
            fitting = [
                code
                for code in free
                if answered_by
                and all(questionnaire.question(code).instrument in (None, i) for i in answered_by)
            ]
            if len(fitting) == 1:
                resolved[index] = fitting[0]
                free.remove(fitting[0])
            else:
                undecided.append(index)
        if len(undecided) == len(free):
            resolved.update(zip(undecided, free, strict=True))
            by_order = by_order or bool(undecided)
        else:
            left.extend(undecided)

    note = ""
    if left or by_order:
        listed = ", ".join(
            repr(header[i]) for i in sorted(set(left) | set(ambiguous) - set(resolved))
        )
        note = (
            "some headers show a label that several questions share, and the answers could "
            "not tell which question each column holds; they were matched in questionnaire "
            "order or left unread"
            + (f" ({listed})" if listed else "")
            + ". Export with 'XML values and headers' to avoid this"
        )
    return resolved, left, note


def _check_one_column_per_question(path: str, header: list[str], questions: dict[int, str]) -> None:
    first_column: dict[str, int] = {}
    for index, code in sorted(questions.items()):
        other = first_column.setdefault(code, index)
        if other != index:
            msg = (
                f"{path}: the columns {header[other]!r} ({column_letter(other)}) and "
                f"{header[index]!r} ({column_letter(index)}) both answer question {code!r}; "
                "export with 'Include groups in headers' and 'XML values and headers', or "
                "delete one of the columns"
            )
            raise InputError(msg)


# --- Rows and the table --------------------------------------------------------


@attrs.frozen
class _RowSelection:
    keep: npt.NDArray[np.bool_]
    exclusions: tuple[Any, ...]
    notes: tuple[str, ...]


def _select_rows(
    path: str,
    header: list[str],
    cells: pd.DataFrame,
    metadata: set[int],
    row_numbers: npt.NDArray[np.int64],
    validation: str,
) -> _RowSelection:
    """Exclude superseded edits and, on request, unapproved submissions, by their metadata."""
    position = {header[index]: index for index in sorted(metadata, reverse=True)}
    numbers = row_numbers.tolist()
    count = len(numbers)

    def values(name: str) -> list[Any]:
        index = position.get(name)
        return [None] * count if index is None else cells.iloc[:, index].tolist()

    keep = np.ones(count, dtype=bool)
    exclusions: list[Any] = []
    notes: list[str] = []
    if "meta/rootUuid" in position:
        latest = select_latest_versions(
            values("meta/rootUuid"), values("_submission_time"), values("_id"), numbers
        )
        keep &= latest.keep
        exclusions.extend(latest.exclusions)
        notes.extend(latest.notes)

    if "_validation_status" in position:
        statuses = [validation_uid(value) for value in values("_validation_status")]
        approved = select_approved(statuses, numbers, validation, keep)
        keep &= approved.keep
        exclusions.extend(approved.exclusions)
        notes.extend(approved.notes)
    elif validation == "approved":
        msg = (
            f"{path}: the file has no _validation_status column, so approved submissions "
            "cannot be told apart; export again with that column, or leave out --validation"
        )
        raise InputError(msg)
    return _RowSelection(keep, tuple(exclusions), tuple(notes))


def _answer_table(
    header: list[str], cells: pd.DataFrame, plan: _Plan
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the question and unknown columns, question columns renamed to their codes."""
    columns: dict[str, pd.Series] = {}
    sources: dict[str, str] = {}
    for index in sorted([*plan.questions, *plan.unknown]):
        code = plan.questions.get(index)
        name = code if code is not None else header[index]
        if name in columns:
            # Exports without group paths repeat a header for questions of the same name.
            name = f"{name} [{column_letter(index)}]"
        if name != header[index]:
            sources[name] = header[index]
        columns[name] = cells.iloc[:, index].reset_index(drop=True)
    table = pd.DataFrame(columns, index=pd.RangeIndex(len(cells)), dtype=object)
    return table, sources
