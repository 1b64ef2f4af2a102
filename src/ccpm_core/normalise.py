"""Matching of raw survey responses to a questionnaire.

:func:`normalise_responses` turns the text table that a survey source read
into a :class:`~ccpm_core.responses.ResponseSet`. Headers are matched to
question codes, answers to the options of their question's scale, and every
row ends either scored or excluded with a reason. Answers that match no option
are listed in the data-quality record and never scored, so a typing error can
neither count as 0 nor disappear.

Work is done per column on the distinct values of the column (pandas
``factorize``), because survey tools export the same few answer texts many
times and large files must stay fast.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from ccpm_core.deduplication import remove_repeated_submissions
from ccpm_core.errors import InputError
from ccpm_core.framework import Instrument
from ccpm_core.labels import match_key, normalise_code
from ccpm_core.questionnaire import (
    PROFILE_CODES,
    PROFILE_HUB,
    PROFILE_INSTRUMENT,
    PROFILE_ORGANISATION_TYPE,
    AnswerType,
    Question,
    QuestionKind,
    Questionnaire,
    Scale,
)
from ccpm_core.responses import (
    NO_ANSWER,
    NOT_SELECTED,
    SELECTED,
    Comment,
    DataQuality,
    Deduplication,
    Exclusion,
    ExclusionReason,
    RawResponses,
    ResponseSet,
    UnrecognisedValue,
)

__all__ = ["header_question", "normalise_responses", "parse_count"]

_MAX_EXAMPLE_ROWS = 10
"""Maximum number of example row numbers per unrecognised value."""

_FIRST_HEADERS_SHOWN = 8
"""Number of headers quoted by the error for a missing instrument column."""

_UNRECOGNISED = -2
"""Marker, in lookup tables, of an answer that matches no option. It never reaches ``choices``."""

_NATIONAL = match_key("national")
"""Hub value that means the national level rather than a sub-national hub."""

# Row status while rows are classified: the index into _INSTRUMENTS, or one of these.
_INSTRUMENTS = (Instrument.PARTNER, Instrument.COORDINATOR)
_STATUS_EMPTY = -1
_STATUS_UNKNOWN = -2


def normalise_responses(raw: RawResponses, questionnaire: Questionnaire) -> ResponseSet:
    """Match raw responses to ``questionnaire`` and return them ready to score.

    Raises :class:`~ccpm_core.errors.InputError` when the instrument column
    is missing, or when two columns answer the same question. Everything else
    that cannot be used (blank rows, unknown instruments, unrecognised answers,
    unknown columns) is recorded in the returned set's ``quality``.
    """
    columns = _map_columns(raw, questionnaire)
    raw, deduplication = remove_repeated_submissions(raw)
    rows = _classify_rows(raw, questionnaire, columns)
    answers = _AnswerReader(raw, questionnaire, columns, rows)

    rating_codes, choices = answers.rating_choices()
    hubs = answers.hubs()
    organisation_types = answers.organisation_types()
    counts = answers.counts()
    selections = answers.selections()
    comments = answers.comments(hubs)
    answers.note_unused_columns()

    quality = DataQuality(
        source=raw.source,
        rows_read=len(raw.table) + len(raw.exclusions),
        rows_scored=len(rows.positions),
        exclusions=tuple(sorted((*raw.exclusions, *rows.exclusions), key=lambda e: e.row)),
        unrecognised_values=answers.unrecognised_values(),
        unknown_columns=_unread_columns(columns.unknown, deduplication),
        missing_questions=columns.missing,
        notes=(*raw.notes, *answers.notes),
        deduplication=deduplication,
    )
    return ResponseSet(
        questionnaire=questionnaire,
        instrument=rows.instrument,
        hub=hubs,
        organisation_type=organisation_types,
        rating_codes=rating_codes,
        choices=choices,
        counts=counts,
        comments=comments,
        quality=quality,
        selections=selections,
    )


def _unread_columns(
    unknown: tuple[str, ...], deduplication: Deduplication | None
) -> tuple[str, ...]:
    """Return the unknown columns less those that found repeated submissions.

    The submission id and time columns match no question but were read; the
    ``deduplication`` record names them instead.
    """
    if deduplication is None:
        return unknown
    used = {deduplication.id_column, deduplication.time_column}
    return tuple(header for header in unknown if header not in used)


# --- Headers -----------------------------------------------------------------


@attrs.frozen
class _ColumnMap:
    """Columns of the raw table matched to questions, and the headers left over."""

    position: dict[str, int]
    """Question code to column position in the raw table."""
    header: dict[str, str]
    """Question code to the header as written in the file."""
    unknown: tuple[str, ...]
    missing: tuple[str, ...]
    choices: dict[str, dict[int, int]] = attrs.field(factory=dict)
    """Select_multiple question code to option index to the position of its 1/0 column."""
    choice_header: dict[int, str] = attrs.field(factory=dict)
    """Position of a select_multiple choice column to its header as written in the file."""


def _map_columns(raw: RawResponses, questionnaire: Questionnaire) -> _ColumnMap:
    target_of = _header_resolver(questionnaire)
    position: dict[str, int] = {}
    header: dict[str, str] = {}
    unknown: list[str] = []
    choices: dict[str, dict[int, int]] = defaultdict(dict)
    choice_header: dict[int, str] = {}

    for index, column in enumerate(raw.table.columns):
        name = str(column)
        file_header = _header_in_file(raw, name)
        target = target_of(name)
        if target is None:
            unknown.append(file_header)
            continue
        code, option = target
        if option is not None:
            if option in choices[code]:
                earlier = choice_header[choices[code][option]]
                msg = (
                    f"{raw.source}: the columns {earlier!r} and {file_header!r} both answer "
                    f"the same choice of question {code!r}; delete or rename one of them"
                )
                raise InputError(msg)
            choices[code][option] = index
            choice_header[index] = file_header
            continue
        if code in position:
            msg = (
                f"{raw.source}: the columns {header[code]!r} and {file_header!r} both answer "
                f"question {code!r}; delete or rename one of them"
            )
            raise InputError(msg)
        position[code] = index
        header[code] = file_header

    if PROFILE_INSTRUMENT not in position:
        raise _missing_instrument_column(raw)

    missing = tuple(
        q.code for q in questionnaire.questions if q.code not in position and q.code not in choices
    )
    return _ColumnMap(position, header, tuple(unknown), missing, dict(choices), choice_header)


_HeaderTarget = tuple[str, int | None]
"""A question code, with the option index when the header names one choice of a select_multiple."""

# Survey tools prefix grouped questions with their group path, "group/sub/code";
# some exports separate the groups with dots instead of slashes.
_PATH_SEPARATORS = re.compile(r"[/.]")


def header_question(questionnaire: Questionnaire) -> Callable[[str], Question | None]:
    """Build the function that returns the question a column header answers, or None.

    Headers match as :func:`normalise_responses` matches them: by question
    code in any case, after a group path written with ``/`` or ``.``, and as
    ``question/choice`` for one choice of a select_multiple question.
    """
    target_of = _header_resolver(questionnaire)

    def question_of(name: str) -> Question | None:
        target = target_of(name)
        return None if target is None else questionnaire.question(target[0])

    return question_of


def _header_resolver(questionnaire: Questionnaire) -> Callable[[str], _HeaderTarget | None]:
    """Build the function that finds the question, and choice, that a header names."""
    codes = [question.code for question in questionnaire.questions]
    exact = set(codes)
    by_folded: dict[str, str | None] = {}
    for code in codes:
        folded = code.casefold()
        # Codes that differ only in case (allowed, if unwise) are matched exactly only.
        by_folded[folded] = None if folded in by_folded else code
    choice_of = _choice_resolvers(questionnaire)

    def resolve_code(candidate: str) -> str | None:
        if candidate in exact:
            return candidate
        return by_folded.get(candidate.strip().casefold())

    def target_of(name: str) -> _HeaderTarget | None:
        code = resolve_code(name)
        if code is not None:
            return code, None
        segments = _PATH_SEPARATORS.split(name.strip())
        if len(segments) >= 2:
            # "question/choice" wins over "group/question": it is the more specific reading.
            parent = resolve_code(segments[-2])
            if parent is not None and parent in choice_of:
                option = choice_of[parent](segments[-1])
                if option is not None:
                    return parent, option
        code = resolve_code(segments[-1])
        return None if code is None else (code, None)

    return target_of


def _choice_resolvers(questionnaire: Questionnaire) -> dict[str, Callable[[str], int | None]]:
    """Map each select_multiple question to the function that finds an option by its code."""
    resolvers: dict[str, Callable[[str], int | None]] = {}
    for question in questionnaire.questions:
        if question.type is not AnswerType.SELECT_MULTIPLE:
            continue
        options = questionnaire.scale_of(question).options
        by_code = {option.code: index for index, option in enumerate(options)}
        by_folded = {option.code.casefold(): index for index, option in enumerate(options)}

        def find(
            text: str, by_code: dict[str, int] = by_code, by_folded: dict[str, int] = by_folded
        ) -> int | None:
            code = normalise_code(text)
            index = by_code.get(code)
            return by_folded.get(code.casefold()) if index is None else index

        resolvers[question.code] = find
    return resolvers


def _header_in_file(raw: RawResponses, column: str) -> str:
    return raw.column_sources.get(column, column)


def _missing_instrument_column(raw: RawResponses) -> InputError:
    headers = [_header_in_file(raw, str(column)) for column in raw.table.columns]
    listed = ", ".join(repr(header) for header in headers[:_FIRST_HEADERS_SHOWN])
    if len(headers) > _FIRST_HEADERS_SHOWN:
        listed += f" and {len(headers) - _FIRST_HEADERS_SHOWN} more"
    found = f"the headers found are {listed}" if headers else "no headers were found"
    msg = (
        f"{raw.source}: the 'instrument' column is missing ({found}). Responses need the "
        "canonical layout: the columns 'instrument', 'hub', 'organisation_type', then one "
        "column per question code; run 'ccpm questionnaire export --format json' to list "
        "the codes"
    )
    return InputError(msg)


# --- Columns as distinct values ------------------------------------------------


@attrs.frozen
class _Factorised:
    """A column as its distinct texts and, per row, the index of the row's text.

    The last text is always the empty string, and missing cells (NaN or None
    from a source that does not follow the all-text contract) point to it.
    """

    codes: npt.NDArray[np.intp]
    texts: list[str]

    def lookup(self, table: Sequence[object], dtype: npt.DTypeLike) -> npt.NDArray[Any]:
        """Map each row through ``table``, which has one entry per distinct text."""
        return np.asarray(table, dtype=dtype)[self.codes]

    def row_counts(self) -> list[int]:
        """Count the rows of each distinct text."""
        counts: list[int] = np.bincount(self.codes, minlength=len(self.texts)).tolist()
        return counts


def _factorise(values: npt.NDArray[np.object_]) -> _Factorised:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    texts = [value if isinstance(value, str) else str(value) for value in uniques.tolist()]
    texts.append("")
    codes = np.where(codes < 0, len(texts) - 1, codes)
    return _Factorised(codes.astype(np.intp, copy=False), texts)


def _column_values(raw: RawResponses, position: int) -> npt.NDArray[np.object_]:
    return raw.table.iloc[:, position].to_numpy(dtype=object)


# --- Rows --------------------------------------------------------------------


@attrs.frozen
class _Rows:
    """The rows that are scored, and why the others are not."""

    positions: npt.NDArray[np.intp]
    """Positions in the raw table of the scored rows, in table order."""
    numbers: npt.NDArray[np.int64]
    """Row number in the source of each scored row."""
    instrument: npt.NDArray[np.object_]
    """:class:`Instrument` of each scored row."""
    exclusions: tuple[Exclusion, ...]


def _classify_rows(raw: RawResponses, questionnaire: Questionnaire, columns: _ColumnMap) -> _Rows:
    row_numbers = np.asarray(raw.row_numbers, dtype=np.int64)
    column = _factorise(_column_values(raw, columns.position[PROFILE_INSTRUMENT]))
    scale = questionnaire.scale_of(questionnaire.question(PROFILE_INSTRUMENT))
    matcher = _OptionMatcher(scale)

    statuses = [_instrument_status(text, matcher, scale) for text in column.texts]
    status = column.lookup(statuses, np.int8)

    scored = np.flatnonzero(status >= 0)
    instrument = np.asarray(_INSTRUMENTS, dtype=object)[status[scored]]

    exclusions: list[Exclusion] = []
    empty = np.flatnonzero(status == _STATUS_EMPTY)
    blank = _blank_rows(raw, empty)
    for position, is_blank in zip(empty.tolist(), blank.tolist(), strict=True):
        reason = ExclusionReason.BLANK_ROW if is_blank else ExclusionReason.MISSING_INSTRUMENT
        exclusions.append(Exclusion(int(row_numbers[position]), reason))
    for position in np.flatnonzero(status == _STATUS_UNKNOWN).tolist():
        value = column.texts[column.codes[position]]
        exclusions.append(
            Exclusion(int(row_numbers[position]), ExclusionReason.UNKNOWN_INSTRUMENT, value)
        )

    return _Rows(scored, row_numbers[scored], instrument, tuple(exclusions))


def _instrument_status(text: str, matcher: _OptionMatcher, scale: Scale) -> int:
    if not text.strip():
        return _STATUS_EMPTY
    index = matcher.match(text)
    if index is None:
        return _STATUS_UNKNOWN
    return _INSTRUMENTS.index(Instrument(scale.options[index].code))


def _blank_rows(raw: RawResponses, positions: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
    """Tell, for each row at ``positions``, whether every cell is empty or white space."""
    blank = np.ones(len(positions), dtype=bool)
    if not len(positions):
        return blank
    for index in range(raw.table.shape[1]):
        column = _factorise(_column_values(raw, index)[positions])
        blank &= column.lookup([not text.strip() for text in column.texts], bool)
    return blank


# --- Answers -----------------------------------------------------------------


class _OptionMatcher:
    """Finds the option of a scale that an answer names, by code or by label."""

    def __init__(self, scale: Scale) -> None:
        self._by_code = {option.code: index for index, option in enumerate(scale.options)}
        self._by_key: dict[str, int] = {}
        for index, option in enumerate(scale.options):
            for text in (*option.label.values(), *option.aliases):
                self._by_key.setdefault(match_key(text), index)
        # A code typed in another case ("PARTNER") comes last, so that a label wins.
        for index, option in enumerate(scale.options):
            self._by_key.setdefault(match_key(option.code), index)

    def match(self, text: str) -> int | None:
        """Return the index of the option ``text`` names, or None when it names none."""
        index = self._by_code.get(normalise_code(text))
        if index is None:
            index = self._by_key.get(match_key(text))
        return index


class _AnswerReader:
    """Reads the answers of the scored rows, collecting unrecognised values and notes."""

    def __init__(
        self,
        raw: RawResponses,
        questionnaire: Questionnaire,
        columns: _ColumnMap,
        rows: _Rows,
    ) -> None:
        self._raw = raw
        self._questionnaire = questionnaire
        self._columns = columns
        self._rows = rows
        self._matchers: dict[str, _OptionMatcher] = {}
        self._is_instrument: dict[Instrument, npt.NDArray[np.bool_]] = {
            member: np.asarray(rows.instrument == member, dtype=bool) for member in Instrument
        }
        # (column position, entry) so that the final list follows the file's column order.
        self._unrecognised: list[tuple[int, UnrecognisedValue]] = []
        self.notes: list[str] = []

    def rating_choices(self) -> tuple[tuple[str, ...], npt.NDArray[np.int16]]:
        """Return the rating question codes and the option index of every answer."""
        questions = self._questionnaire.questions_of(QuestionKind.RATING)
        # Column-major, because the matrix is filled one question at a time.
        shape = (len(self._rows.positions), len(questions))
        choices = np.full(shape, NO_ANSWER, dtype=np.int16, order="F")

        for j, question in enumerate(questions):
            column = self._column(question.code)
            if column is None:
                continue
            matcher = self._matcher(question)
            table = [_option_or_marker(matcher, text) for text in column.texts]
            picked = column.lookup(table, np.int16)

            if question.instrument is not None:
                other = ~self._is_instrument[question.instrument]
                self._note_other_instrument(question, (picked != NO_ANSWER) & other)
                picked[other] = NO_ANSWER
            if _UNRECOGNISED in table:
                unrecognised = picked == _UNRECOGNISED
                self._record_unrecognised(question.code, column, unrecognised)
                picked[unrecognised] = NO_ANSWER
            choices[:, j] = picked

        return tuple(question.code for question in questions), choices

    def hubs(self) -> npt.NDArray[np.object_]:
        """Return each row's hub name, or None at the national level."""
        column = self._column(PROFILE_HUB)
        if column is None:
            return np.full(len(self._rows.positions), None, dtype=object)

        question = self._questionnaire.question(PROFILE_HUB)
        row_counts = column.row_counts()
        names = self._hub_names(question, column, row_counts)
        canonical = self._merge_hub_spellings(question, names, row_counts)
        return column.lookup([None if n is None else canonical.get(n) for n in names], object)

    def organisation_types(self) -> npt.NDArray[np.object_]:
        """Return each row's organisation type code, or None when not given or not recognised."""
        column = self._column(PROFILE_ORGANISATION_TYPE)
        if column is None:
            return np.full(len(self._rows.positions), None, dtype=object)

        question = self._questionnaire.question(PROFILE_ORGANISATION_TYPE)
        if question.scale is None:
            return column.lookup([_fold_spaces(text) or None for text in column.texts], object)

        options = self._questionnaire.scale_of(question).options
        matcher = self._matcher(question)
        indices = [_option_or_marker(matcher, text) for text in column.texts]
        unrecognised = column.lookup([index == _UNRECOGNISED for index in indices], bool)
        self._record_unrecognised(question.code, column, unrecognised)
        codes = [options[index].code if index >= 0 else None for index in indices]
        return column.lookup(codes, object)

    def counts(self) -> dict[str, npt.NDArray[np.float64]]:
        """Return each count question's answers, NaN where not given or not from a coordinator."""
        coordinator = self._is_instrument[Instrument.COORDINATOR]
        result: dict[str, npt.NDArray[np.float64]] = {}

        for question in self._questionnaire.questions:
            if question.count is None:
                continue
            values = np.full(len(self._rows.positions), np.nan)
            column = self._column(question.code)
            if column is not None:
                whole = question.type is AnswerType.INTEGER
                parsed = [_whole_or_none(parse_count(text), whole) for text in column.texts]
                numbers = column.lookup([np.nan if p is None else p for p in parsed], np.float64)
                invalid = column.lookup([p is None for p in parsed], bool)
                answered = invalid | ~np.isnan(numbers)

                self._note_counts_from_partners(question, answered & ~coordinator)
                self._record_unrecognised(question.code, column, invalid & coordinator)
                self._note_ambiguous_counts(question, column, invalid & coordinator)
                values = np.where(coordinator, numbers, np.nan).astype(np.float64)
            result[question.code] = values

        return result

    def selections(self) -> dict[str, npt.NDArray[np.int8]]:
        """Return each select_multiple question's answers, one column per option.

        A summary column (option codes or labels separated by spaces, commas or
        semicolons) and ``question/choice`` columns of 1/0 may both be present.
        They are combined so that an option chosen in either is chosen once.
        """
        result: dict[str, npt.NDArray[np.int8]] = {}
        for question in self._questionnaire.questions:
            if question.type is not AnswerType.SELECT_MULTIPLE:
                continue
            options = self._questionnaire.scale_of(question).options
            matrix = np.full((len(self._rows.positions), len(options)), NO_ANSWER, dtype=np.int8)
            self._read_selection_summary(question, matrix)
            for option, position in self._columns.choices.get(question.code, {}).items():
                picked = self._read_choice_column(question, position)
                matrix[:, option] = np.maximum(matrix[:, option], picked)

            answered = (matrix != NO_ANSWER).any(axis=1)
            applies = self._applies(question)
            self._note_other_instrument(question, answered & ~applies)
            matrix[~applies] = NO_ANSWER
            result[question.code] = matrix
        return result

    def comments(self, hubs: npt.NDArray[np.object_]) -> tuple[Comment, ...]:
        """Collect the non-empty comments, in row order and questionnaire order within a row."""
        found: list[tuple[int, int, Comment]] = []
        questions = self._questionnaire.questions_of(QuestionKind.COMMENT)

        for order, question in enumerate(questions):
            column = self._column(question.code)
            if column is None:
                continue
            # The questionnaire model requires a function on every comment question.
            assert question.function is not None
            texts = [text.strip() for text in column.texts]
            answered = column.lookup([bool(text) for text in texts], bool)
            applies = self._applies(question)
            self._note_other_instrument(question, answered & ~applies)

            for position in np.flatnonzero(answered & applies).tolist():
                comment = Comment(
                    question=question.code,
                    function=question.function,
                    instrument=self._rows.instrument[position],
                    hub=hubs[position],
                    text=texts[column.codes[position]],
                    respondent=position,
                )
                found.append((position, order, comment))

        found.sort(key=lambda entry: (entry[0], entry[1]))
        return tuple(comment for _, _, comment in found)

    def note_unused_columns(self) -> None:
        """Add a note naming columns that answer questions a response set does not store."""
        unused = [
            self._columns.header[question.code]
            for question in self._questionnaire.questions
            if question.code in self._columns.position and not _is_held(question)
        ]
        if len(unused) == 1:
            self.notes.append(
                f"the column {unused[0]!r} answers a question that is neither scored, counted "
                "nor reported as a comment, so its values are not used"
            )
        elif unused:
            listed = ", ".join(repr(header) for header in unused)
            self.notes.append(
                f"the columns {listed} answer questions that are neither scored, counted "
                "nor reported as comments, so their values are not used"
            )

    def unrecognised_values(self) -> tuple[UnrecognisedValue, ...]:
        """Return the unrecognised values found so far, in the file's column order."""
        ordered = sorted(self._unrecognised, key=lambda entry: entry[0])
        return tuple(value for _, value in ordered)

    # --- helpers ---

    def _read_selection_summary(self, question: Question, matrix: npt.NDArray[np.int8]) -> None:
        """Fill ``matrix`` from the column that lists every chosen option in one cell."""
        column = self._column(question.code)
        if column is None:
            return
        matcher = self._matcher(question)
        width = matrix.shape[1]
        rows: list[npt.NDArray[np.int8]] = []
        invalid: list[bool] = []
        for text in column.texts:
            row = np.full(width, NO_ANSWER, dtype=np.int8)
            chosen = _chosen_options(text, matcher)
            if chosen is not None:
                row[:] = NOT_SELECTED
                row[[index for index in chosen if index >= 0]] = SELECTED
            rows.append(row)
            invalid.append(chosen is not None and _UNRECOGNISED in chosen)

        matrix[:] = np.asarray(rows, dtype=np.int8)[column.codes]
        self._record_unrecognised(question.code, column, column.lookup(invalid, bool))

    def _read_choice_column(self, question: Question, position: int) -> npt.NDArray[np.int8]:
        """Return one ``question/choice`` column as SELECTED, NOT_SELECTED or NO_ANSWER per row."""
        column = self._column_at(position)
        flags = [_choice_flag(text) for text in column.texts]
        picked = column.lookup(flags, np.int8)
        unrecognised = picked == _UNRECOGNISED
        header = self._columns.choice_header[position]
        self._record_unrecognised(question.code, column, unrecognised, header, position)
        picked[unrecognised] = NO_ANSWER
        return picked

    def _column(self, code: str) -> _Factorised | None:
        """Return the scored rows of the column that answers ``code``, or None.

        The distinct texts are those of the whole column, so some may occur only
        in excluded rows. :meth:`_Factorised.row_counts` gives those a count of 0.
        """
        position = self._columns.position.get(code)
        if position is None:
            return None
        return self._column_at(position)

    def _column_at(self, position: int) -> _Factorised:
        """Return the scored rows of the column at ``position`` of the raw table."""
        column = _factorise(_column_values(self._raw, position))
        if len(self._rows.positions) == len(column.codes):
            return column
        return _Factorised(column.codes[self._rows.positions], column.texts)

    def _matcher(self, question: Question) -> _OptionMatcher:
        name = question.scale or ""
        matcher = self._matchers.get(name)
        if matcher is None:
            matcher = _OptionMatcher(self._questionnaire.scales[name])
            self._matchers[name] = matcher
        return matcher

    def _applies(self, question: Question) -> npt.NDArray[np.bool_]:
        """Tell, per row, whether ``question`` belongs to the row's instrument."""
        if question.instrument is None:
            return np.ones(len(self._rows.positions), dtype=bool)
        return self._is_instrument[question.instrument]

    def _record_unrecognised(
        self,
        code: str,
        column: _Factorised,
        mask: npt.NDArray[np.bool_],
        header: str | None = None,
        column_position: int | None = None,
    ) -> None:
        """List the values of ``column`` at the rows of ``mask`` as unrecognised.

        ``header`` and ``column_position`` default to those of the column that
        answers ``code``; a select_multiple choice column passes its own.
        """
        positions = np.flatnonzero(mask)
        if not len(positions):
            return

        # Group the rows by value with one stable sort, so that each group keeps row order
        # and a column of many distinct bad values stays linear in the number of rows.
        value_codes = column.codes[positions]
        order = np.argsort(value_codes, kind="stable")
        sorted_codes = value_codes[order]
        starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
        ends = np.r_[starts[1:], len(sorted_codes)]

        if header is None or column_position is None:
            header = self._columns.header[code]
            column_position = self._columns.position[code]
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            stop = min(end, start + _MAX_EXAMPLE_ROWS)
            example_rows = self._rows.numbers[positions[order[start:stop]]]
            text = column.texts[sorted_codes[start]]
            value = UnrecognisedValue(
                column=header,
                value=_HIDDEN_VALUE if code == PROFILE_ORGANISATION_TYPE else text,
                count=end - start,
                rows=tuple(example_rows.tolist()),
            )
            self._unrecognised.append((column_position, value))

    def _note_other_instrument(self, question: Question, mask: npt.NDArray[np.bool_]) -> None:
        count = int(np.count_nonzero(mask))
        if not count or question.instrument is None:
            return
        other = next(member for member in Instrument if member is not question.instrument)
        header = self._columns.header[question.code]
        self.notes.append(
            f"column {header!r}: {count} {_plural(count, 'answer')} from {other} rows "
            f"{'was' if count == 1 else 'were'} not used, because the question belongs to "
            f"the {question.instrument} questionnaire"
        )

    def _note_counts_from_partners(self, question: Question, mask: npt.NDArray[np.bool_]) -> None:
        count = int(np.count_nonzero(mask))
        if not count:
            return
        header = self._columns.header[question.code]
        self.notes.append(
            f"column {header!r}: {count} {_plural(count, 'answer')} from partner rows "
            f"{'was' if count == 1 else 'were'} not used, because organisation counts are "
            "taken from coordinator rows only"
        )

    def _note_ambiguous_counts(
        self, question: Question, column: _Factorised, mask: npt.NDArray[np.bool_]
    ) -> None:
        ambiguous = column.lookup([_is_ambiguous_count(text) for text in column.texts], bool)
        rows = np.flatnonzero(ambiguous & mask)
        if not len(rows):
            return
        header = self._columns.header[question.code]
        example = column.texts[column.codes[rows[0]]].strip()
        self.notes.append(
            f"column {header!r}: {len(rows)} {_plural(len(rows), 'value')} such as "
            f"{example!r} {'was' if len(rows) == 1 else 'were'} not counted, because a comma "
            "followed by three digits may be a thousands separator or a decimal comma; "
            "write the number without a thousands separator"
        )

    def _hub_names(
        self, question: Question, column: _Factorised, row_counts: list[int]
    ) -> list[str | None]:
        """Return the hub name of each distinct text, None for the national level."""
        if question.scale is None:
            return [_free_text_hub(text) for text in column.texts]

        scale = self._questionnaire.scale_of(question)
        matcher = self._matcher(question)
        names: list[str | None] = []
        unlisted: list[str] = []
        for text, count in zip(column.texts, row_counts, strict=True):
            index = matcher.match(text) if text.strip() else None
            if index is None:
                name = _free_text_hub(text)
                if name is not None and count:
                    unlisted.append(name)
                names.append(name)
            else:
                names.append(self._hub_option_name(scale, index))
        if unlisted:
            listed = ", ".join(repr(name) for name in unlisted)
            self.notes.append(
                f"column {self._columns.header[question.code]!r}: "
                f"{_plural(len(unlisted), 'hub')} {listed} "
                f"{'is not an option' if len(unlisted) == 1 else 'are not options'} of the "
                "question, so kept as written"
            )
        return names

    def _hub_option_name(self, scale: Scale, index: int) -> str | None:
        option = scale.options[index]
        keys = {match_key(option.code), *(match_key(text) for text in option.label.values())}
        if _NATIONAL in keys:
            return None
        return self._questionnaire.label(option.label)

    def _merge_hub_spellings(
        self, question: Question, names: list[str | None], row_counts: list[int]
    ) -> dict[str, str]:
        """Map every hub spelling of the scored rows to the most frequent spelling of its name."""
        rows_per_spelling: dict[str, int] = defaultdict(int)
        spellings_per_key: dict[str, list[str]] = defaultdict(list)
        for name, count in zip(names, row_counts, strict=True):
            if name is None or not count:
                continue
            if name not in rows_per_spelling:
                spellings_per_key[match_key(name)].append(name)
            rows_per_spelling[name] += count

        canonical: dict[str, str] = {}
        for spellings in spellings_per_key.values():
            # max() keeps the first of equals, which is the spelling seen first in the file.
            chosen = max(spellings, key=rows_per_spelling.__getitem__)
            canonical.update(dict.fromkeys(spellings, chosen))
            if len(spellings) > 1:
                merged = ", ".join(repr(s) for s in spellings if s != chosen)
                self.notes.append(
                    f"column {self._columns.header[question.code]!r}: the hub names {merged} "
                    f"were merged into {chosen!r}, the most frequent spelling of the same name"
                )
        return canonical


def _option_or_marker(matcher: _OptionMatcher, text: str) -> int:
    """Return the option index ``text`` names, NO_ANSWER when empty, or _UNRECOGNISED."""
    if not text.strip():
        return NO_ANSWER
    index = matcher.match(text)
    return _UNRECOGNISED if index is None else index


# Kobo's legacy exporter writes "n/a" in the choice columns of an unanswered select_multiple.
_MISSING_SELECTION = frozenset({match_key("n/a")})
# The Arabic comma (U+060C) separates lists in Arabic text as the comma does in Latin script.
_SELECTION_SEPARATORS = re.compile("[,;\u060c]")
_CHOICE_FLAGS = {
    **dict.fromkeys(("1", "true", "yes", "vrai", "verdadero"), SELECTED),
    **dict.fromkeys(("0", "false", "no", "faux", "falso"), NOT_SELECTED),
}
"""Cell texts of a choice column, as 1/0 or as the booleans of English, French and Spanish Excel."""


def _chosen_options(text: str, matcher: _OptionMatcher) -> list[int] | None:
    """Return the option indices a select_multiple cell names, or None when it has no answer.

    The whole cell is tried as one option first, so that a label containing a
    comma or a space still matches. Otherwise the cell is split at commas or
    semicolons when it has any, else at white space. A part that names no
    option is returned as ``_UNRECOGNISED``.
    """
    if not text.strip() or match_key(text) in _MISSING_SELECTION:
        return None
    whole = matcher.match(text)
    if whole is not None:
        return [whole]
    if _SELECTION_SEPARATORS.search(text):
        parts = _SELECTION_SEPARATORS.split(text)
    else:
        parts = text.split()
    chosen: list[int] = []
    for part in parts:
        if not part.strip():
            continue
        index = matcher.match(part)
        chosen.append(_UNRECOGNISED if index is None else index)
    return chosen


def _choice_flag(text: str) -> int:
    """Return SELECTED, NOT_SELECTED or NO_ANSWER for one cell of a choice column."""
    if not text.strip() or match_key(text) in _MISSING_SELECTION:
        return NO_ANSWER
    return _CHOICE_FLAGS.get(normalise_code(text).casefold(), _UNRECOGNISED)


def _is_held(question: Question) -> bool:
    """Tell whether a response set stores the answers to ``question``."""
    return (
        question.kind in (QuestionKind.RATING, QuestionKind.COMMENT)
        or question.code in PROFILE_CODES
        or question.count is not None
        or question.type is AnswerType.SELECT_MULTIPLE
    )


def _fold_spaces(text: str) -> str:
    return " ".join(text.split())


def _free_text_hub(text: str) -> str | None:
    name = _fold_spaces(text)
    if not name or match_key(name) == _NATIONAL:
        return None
    return name


def _plural(count: int, noun: str) -> str:
    return noun if count == 1 else f"{noun}s"


# --- Counts ------------------------------------------------------------------

# Non-breaking and narrow non-breaking spaces group thousands in French-language spreadsheets.
# The Arabic thousands separator (U+066C) groups digits as a space does, and the Arabic
# decimal separator (U+066B) is a decimal point.
_GROUP_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u066c": " ", "\u066b": "."})
_PLAIN_NUMBER = re.compile(r"\+?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_AMBIGUOUS_COMMA = re.compile(r"\+?\d{1,3},\d{3}")
_COMMA_GROUPS = re.compile(r"\+?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DOT_GROUPS = re.compile(r"\+?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_SPACE_GROUPS = re.compile(r"\+?\d{1,3}(?: \d{3})+(?:[.,]\d+)?")


_HIDDEN_VALUE = "(not shown: free text here may name the respondent's organisation)"
"""Shown instead of an unrecognised organisation type, which is often a typed organisation name."""


def parse_count(text: str) -> float | None:
    """Parse an organisation count, returning NaN when empty and None when invalid.

    Accepted: ``12``, ``12.0``, ``12,0`` and ``3,5`` (decimal comma), and
    thousands grouped unambiguously (``1,234,567``, ``1.234,5``, ``1,234.5``,
    ``1 234``). A single comma followed by exactly three digits (``1,234``)
    may be a thousands separator or a decimal comma, so it is rejected. A dot
    is a decimal point unless it groups thousands together with a decimal
    comma, or appears more than once.
    """
    number = text.strip().translate(_GROUP_SPACES)
    if not number:
        return float("nan")
    if _AMBIGUOUS_COMMA.fullmatch(number):
        return None
    if _PLAIN_NUMBER.fullmatch(number):
        return float(number.replace(",", "."))
    if _COMMA_GROUPS.fullmatch(number):
        return float(number.replace(",", ""))
    if _DOT_GROUPS.fullmatch(number):
        return float(number.replace(".", "").replace(",", "."))
    if _SPACE_GROUPS.fullmatch(number):
        return float(number.replace(" ", "").replace(",", "."))
    return None


def _whole_or_none(value: float | None, whole: bool) -> float | None:
    """Reject a fractional answer, such as 30.5 organisations, to an integer question."""
    if value is None or not whole or math.isnan(value) or value.is_integer():
        return value
    return None


def _is_ambiguous_count(text: str) -> bool:
    return _AMBIGUOUS_COMMA.fullmatch(text.strip().translate(_GROUP_SPACES)) is not None
