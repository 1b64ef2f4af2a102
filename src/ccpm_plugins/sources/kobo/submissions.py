"""JSON submissions from the KoboToolbox API, turned into raw responses.

A submission's answers are all strings, and an unanswered question is an
absent key. Fields that answer a question become a column named by the
question code, with the field path kept as the column's source header. Other
fields become columns under their path, so the data-quality record lists them
as unknown, exactly as for a CSV file. Metadata fields are dropped with one
note (:mod:`ccpm_plugins.sources.kobo.metadata`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from ccpm_core.questionnaire import PROFILE_INSTRUMENT, Questionnaire
from ccpm_core.responses import Exclusion, RawResponses
from ccpm_plugins.sources.kobo.exclusions import (
    select_approved,
    select_latest_versions,
    validation_uid,
)
from ccpm_plugins.sources.kobo.form_content import FormMapping, QuestionNames
from ccpm_plugins.sources.kobo.metadata import metadata_note
from ccpm_plugins.sources.kobo.submission_columns import SubmissionColumns

__all__ = ["group_field_of", "raw_responses_from_columns"]


@attrs.frozen
class _Column:
    """A column of the response table: its name, the fields it reads and its source header."""

    name: str
    paths: tuple[str, ...]
    code: str | None
    """The question it answers, or None for an unknown field."""


def raw_responses_from_columns(
    columns: SubmissionColumns,
    mapping: FormMapping,
    questionnaire: Questionnaire,
    *,
    source: str,
    validation: str = "all",
    notes: Sequence[str] = (),
    requested: Iterable[str] | None = None,
) -> RawResponses:
    """Build the raw responses of collected submissions.

    Every field of the deployed form that answers a question gets a column,
    even when no submission answered it. With ``requested``, only the fields
    requested from the server get one. Superseded versions of edited submissions are
    excluded, and with ``validation="approved"`` unapproved ones too. Row
    numbers count the submissions in the order the server listed them, as
    rows of a spreadsheet whose header is row 1.
    """
    row_numbers = np.arange(2, columns.rows + 2, dtype=np.int64)
    keep, exclusions, selection_notes = _select_rows(columns, row_numbers, validation)

    expected = list(mapping.codes) if requested is None else list(requested)
    plan = _plan_columns(columns, mapping, questionnaire, expected)
    values, plan, column_notes = _fill_table(columns, mapping, plan)
    if not keep.all():
        values = values[keep]
    # Object columns as read: letting pandas infer its string dtype would copy every cell.
    names = pd.Index([column.name for column in plan], dtype=object)
    table = pd.DataFrame(values, columns=names, dtype=object, copy=False)
    column_sources = {
        c.name: c.paths[0] for c in plan if c.code is not None and c.name != c.paths[0]
    }

    dropped = columns.metadata_seen | (mapping.metadata & set(columns.fields))
    all_notes = [
        metadata_note(dropped),
        *mapping.notes,
        *column_notes,
        *selection_notes,
        *notes,
    ]
    return RawResponses(
        source=source,
        table=table,
        row_numbers=row_numbers[keep].tolist(),
        notes=tuple(note for note in all_notes if note),
        exclusions=exclusions,
        column_sources=column_sources,
    )


def _select_rows(
    columns: SubmissionColumns, row_numbers: npt.NDArray[np.int64], validation: str
) -> tuple[npt.NDArray[np.bool_], tuple[Exclusion, ...], list[str]]:
    numbers = row_numbers.tolist()
    latest = select_latest_versions(
        columns.column("meta/rootUuid").tolist(),
        columns.column("_submission_time").tolist(),
        columns.column("_id").tolist(),
        numbers,
    )
    statuses = [
        (value.get("uid") or "") if type(value) is dict else validation_uid(value)
        for value in columns.column("_validation_status").tolist()
    ]
    approved = select_approved(statuses, numbers, validation, latest.keep)
    keep = latest.keep & approved.keep
    return keep, (*latest.exclusions, *approved.exclusions), [*latest.notes, *approved.notes]


def _plan_columns(
    columns: SubmissionColumns,
    mapping: FormMapping,
    questionnaire: Questionnaire,
    expected: list[str],
) -> list[_Column]:
    """Decide the table's columns: one per question answered, one per unknown field."""
    names = QuestionNames(questionnaire)
    paths_by_code: dict[str, list[str]] = {}
    unknown: list[str] = []

    # Expected fields come first, so that a question nobody answered still has its
    # column. Fields seen only in submissions follow.
    for path in (*(p for p in expected if p in mapping.codes), *columns.fields):
        if path in mapping.metadata:
            continue
        code = mapping.codes.get(path) or names.code_of_path(path)
        if code is None:
            if path not in unknown:
                unknown.append(path)
            continue
        paths = paths_by_code.setdefault(code, [])
        if path not in paths:
            paths.append(path)

    plan = [_Column(code, tuple(paths), code) for code, paths in paths_by_code.items()]
    taken = {column.name for column in plan}
    plan.extend(_Column(path, (path,), None) for path in unknown if path not in taken)
    return plan


def _fill_table(
    columns: SubmissionColumns, mapping: FormMapping, plan: list[_Column]
) -> tuple[npt.NDArray[np.object_], list[_Column], list[str]]:
    """Fill a 2-D array with the planned columns; return it, the final plan and notes.

    A question that two fields answer in the same submission keeps one column
    per field, named by the field path, so that the normaliser reports the
    conflict naming both.
    """
    final: list[_Column] = []
    for column in plan:
        if len(column.paths) > 1 and _answered_together(columns, column.paths):
            final.extend(_Column(path, (path,), column.code) for path in column.paths)
        else:
            final.append(column)

    values = np.empty((columns.rows, len(final)), dtype=object, order="F")
    notes: list[str] = []
    for j, column in enumerate(final):
        target = values[:, j]
        if len(column.paths) == 1 and _is_plain(columns, mapping, column.paths[0], column.code):
            columns.fill(column.paths[0], target)
            continue
        target[:] = _merged_values(columns, mapping, column)
        if len(column.paths) > 1:
            listed = ", ".join(repr(path) for path in column.paths)
            notes.append(
                f"question {column.code!r} was read from the fields {listed}, which different "
                "form versions use"
            )
    return values, final, notes


def _is_plain(
    columns: SubmissionColumns, mapping: FormMapping, path: str, code: str | None
) -> bool:
    """Tell whether a field's values go into the table as they are."""
    return columns.has_only_text(path) and not _translation_of(mapping, path, code)


def _answered_together(columns: SubmissionColumns, paths: tuple[str, ...]) -> bool:
    answered = np.vstack([columns.column(path) != "" for path in paths])
    return bool((answered.sum(axis=0) > 1).any())


def _merged_values(
    columns: SubmissionColumns, mapping: FormMapping, column: _Column
) -> npt.NDArray[np.object_]:
    """Return a column's values as text, choices translated and fields combined."""
    merged: npt.NDArray[np.object_] | None = None
    for path in column.paths:
        values = _as_text(columns.column(path))
        translation = _translation_of(mapping, path, column.code)
        if translation:
            values = _translate(values, translation)
        if merged is None:
            merged = values
        else:
            answered = values != ""
            merged[answered] = values[answered]
    assert merged is not None  # a planned column reads at least one field
    return merged


def _translation_of(
    mapping: FormMapping, path: str, code: str | None = None
) -> Mapping[str, str] | None:
    translation = mapping.choice_codes.get(path)
    if translation is None and path not in mapping.codes:
        # A field known only by its name, from a form version whose content is unknown,
        # most likely uses the choices of the field that answers the same question.
        code = code or mapping.codes.get(path)
        for other in mapping.paths_of([code] if code else []):
            if other in mapping.choice_codes:
                return mapping.choice_codes[other]
    return translation


def _translate(
    values: npt.NDArray[np.object_], translation: Mapping[str, str]
) -> npt.NDArray[np.object_]:
    codes, uniques = pd.factorize(values)
    translated = [translation.get(text, text) for text in uniques.tolist()]
    # pandas marks missing values with -1, which picks the '' appended last.
    return np.array([*translated, ""], dtype=object)[codes]


def _as_text(values: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    """Return the values as text: JSON for lists and objects (repeat groups), '' for null."""
    if len(values) == 0 or pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    converted = np.empty(len(values), dtype=object)
    converted[:] = [_text(value) for value in values.tolist()]
    return converted


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def group_field_of(mapping: FormMapping) -> str | None:
    """Return the path of the instrument question, to split pages by, or None."""
    paths = mapping.paths_of([PROFILE_INSTRUMENT])
    return paths[0] if len(paths) == 1 else None
