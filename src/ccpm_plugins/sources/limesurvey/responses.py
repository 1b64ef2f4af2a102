"""LimeSurvey response tables mapped onto a questionnaire, as :class:`RawResponses`.

Headings are read in these forms:

- code headings: ``p111``, ``p222[1]`` (array row), ``organisationtype[other]``
  (the text of an "Other" answer), ``q1[comment]`` (a comment on a list
  answer), decoded with :mod:`ccpm_plugins.sources.limesurvey.codes`; a
  "code. text" heading is read by its code;
- multiple choice headings ``sectors[SQ001]``, one per option of a
  select_multiple question, holding ``Y`` (or ``1``) when the option was
  chosen; they become ``question/option`` columns of 1/0;
- full-text headings, the question text with the row or choice text in
  brackets, in any language of the questionnaire;
- the response metadata ``id``, ``submitdate``, ``lastpage`` and the other
  columns LimeSurvey writes first, by code or by their English full-text
  headings.

Answers are read as short answers (codes) or long answers (texts). A code is
turned back into the option it encodes: through the question's answer
options on the server, when they are known and their text names an option of
the scale, and through the answer code rule otherwise. Texts are left to the
questionnaire's label matching in :func:`ccpm_core.normalise.normalise_responses`.

A response is complete when its ``submitdate`` is set. Incomplete responses
are left out, as :attr:`ExclusionReason.INCOMPLETE` with their row, unless the
caller includes them. The metadata columns are dropped; ``token``, ``ipaddr``
and ``refurl`` could identify a respondent, so a note says when they were present.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from ccpm_core.errors import InputError
from ccpm_core.labels import match_key
from ccpm_core.responses import Exclusion, ExclusionReason, RawResponses
from ccpm_plugins.sources.limesurvey.codes import (
    RESPONSE_METADATA_COLUMNS,
    LimeSurveyCodes,
    split_heading,
)

if TYPE_CHECKING:
    import pandas as pd

    from ccpm_core.questionnaire import Question, Questionnaire, Scale
    from ccpm_plugins.sources.limesurvey.export_files import ExportTable

__all__ = ["OTHER_ANSWER", "ResponseMapper", "ServerAnswerOptions"]

OTHER_ANSWER = "-oth-"
"""Value of a list question whose respondent chose "Other" and typed a text."""

_IDENTIFYING_METADATA = ("token", "ipaddr", "refurl")

# English full-text headings of the metadata columns, from LimeSurvey's field map.
# NOTE: exports in other languages translate these headings, so they are then
# kept as unknown columns, and completion is unknown without ``submitdate``.
_METADATA_FULL_HEADINGS = {
    "response id": "id",
    "date submitted": "submitdate",
    "last page": "lastpage",
    "start language": "startlanguage",
    "seed": "seed",
    "token": "token",
    "access code": "token",
    "date started": "startdate",
    "date last action": "datestamp",
    "ip address": "ipaddr",
    "referrer url": "refurl",
    "referring url": "refurl",
}

_EXPRESSION_HEADING = re.compile(r"(?P<code>[A-Za-z][A-Za-z0-9]*)_(?P<part>[A-Za-z0-9]+)")
_CODE_TEXT_HEADING = re.compile(r"(?P<code>[A-Za-z][A-Za-z0-9]*(?:\[[A-Za-z0-9]+\])?)[.:)\s-]\s*\S")
_TAGS = re.compile(r"<[^>]*>")

ServerAnswerOptions = Mapping[str, Mapping[str, str]]
"""Answer options read from the server: LimeSurvey question code, then answer code to text."""


@attrs.frozen
class _Column:
    """The meaning of one heading of the export."""

    heading: str
    position: int
    question: str | None = None
    """Codebook code of the question answered, for answer, other, comment and choice columns."""
    role: str = "answer"
    """``answer``, ``other``, ``comment``, ``choice``, ``metadata`` or ``unknown``."""
    metadata: str | None = None
    """Metadata column name, such as ``submitdate``, for metadata columns."""
    option: str | None = None
    """Option code of a choice column: one subquestion of a multiple choice question."""


class ResponseMapper:
    """Maps LimeSurvey export tables onto one questionnaire.

    ``server_answers`` contains the answer options of the survey's list and array
    questions as the server reported them, keyed by LimeSurvey question code.
    """

    def __init__(
        self,
        questionnaire: Questionnaire,
        server_answers: ServerAnswerOptions | None = None,
    ) -> None:
        self._questionnaire = questionnaire
        self._codes = LimeSurveyCodes.for_questionnaire(questionnaire)
        self._server_answers = {
            code.casefold(): dict(options) for code, options in (server_answers or {}).items()
        }
        self._full_headings: dict[str, str] | None = None
        self._full_choice_headings: dict[str, tuple[str, str]] | None = None
        self._label_indexes: dict[str, dict[str, set[str]]] = {}

    @property
    def codes(self) -> LimeSurveyCodes:
        """The LimeSurvey codes of the questionnaire."""
        return self._codes

    def raw_responses(self, export: ExportTable, *, include_incomplete: bool) -> RawResponses:
        """Map an export, leaving incomplete responses out unless ``include_incomplete``."""
        mapped = self._map(export)
        if include_incomplete or mapped.complete is None:
            return mapped.responses()

        exclusions = tuple(
            Exclusion(row, ExclusionReason.INCOMPLETE, detail)
            for row, detail, complete in zip(
                mapped.row_numbers, mapped.details, mapped.complete, strict=True
            )
            if not complete
        )
        return mapped.responses(keep=mapped.complete, exclusions=exclusions)

    def progress_groups(self, export: ExportTable) -> list[tuple[str, RawResponses]]:
        """Map an export into two groups: ``complete`` and ``incomplete`` responses."""
        mapped = self._map(export)
        complete = mapped.complete or [True] * len(mapped.row_numbers)
        incomplete = [not flag for flag in complete]
        return [
            ("complete", mapped.responses(keep=complete)),
            ("incomplete", mapped.responses(keep=incomplete)),
        ]

    def empty_responses(self, source: str, notes: Sequence[str] = ()) -> RawResponses:
        """Return a response table without rows, with one column per question."""
        import pandas as pd

        columns = [question.code for question in self._questionnaire.questions]
        table = pd.DataFrame({code: pd.Series([], dtype=object) for code in columns})
        return RawResponses(source=source, table=table, row_numbers=[], notes=tuple(notes))

    # --- mapping ---

    def _map(self, export: ExportTable) -> _MappedExport:
        import pandas as pd

        columns = [
            self._column(str(heading), position)
            for position, heading in enumerate(export.table.columns)
        ]
        self._check_duplicates(columns, export.source)
        notes = list(export.notes)

        metadata = {column.metadata: column for column in columns if column.metadata}
        complete = self._completion(export, metadata.get("submitdate"), notes)
        details = self._details(export, metadata.get("lastpage"))
        self._note_identifying(columns, export.source, notes)

        output: dict[str, pd.Series[str]] = {}
        column_sources: dict[str, str] = {}
        other_texts = {c.question: c for c in columns if c.role == "other" and c.question}
        choice_columns: dict[str, list[_Column]] = {}
        for column in columns:
            values = export.table.iloc[:, column.position].astype(str)
            if column.role == "answer" and column.question is not None:
                other = other_texts.get(column.question)
                output[column.question] = self._answers(column, values, export, other, notes)
                column_sources[column.question] = column.heading
            elif column.role == "unknown":
                output[column.heading] = values
            elif column.role == "comment":
                _note_comments(column, values, export.source, notes)
            elif column.role == "choice" and column.question is not None:
                choice_columns.setdefault(column.question, []).append(column)

        for choices in choice_columns.values():
            for column, flags in zip(choices, _choice_flags(choices, export), strict=True):
                # NOTE: normalisation reads "question/option" headings, so an option code
                # that contains "/" or "." is not found and its column is left unknown.
                name = f"{column.question}/{column.option}"
                output[name] = flags
                column_sources[name] = column.heading

        # An "Other" text without its answer column has nothing to complete, so it is
        # kept under its own heading and listed as an unknown column.
        for column in other_texts.values():
            if column.question not in output:
                output[column.heading] = export.table.iloc[:, column.position].astype(str)

        table = pd.DataFrame(output) if output else pd.DataFrame(index=export.table.index)
        return _MappedExport(
            source=export.source,
            table=table.reset_index(drop=True),
            row_numbers=list(export.row_numbers),
            complete=complete,
            details=details,
            notes=notes,
            column_sources=column_sources,
        )

    def _column(self, heading: str, position: int) -> _Column:
        stripped = heading.strip()
        folded = stripped.casefold()
        if folded in RESPONSE_METADATA_COLUMNS:
            return _Column(heading, position, role="metadata", metadata=folded)

        parts = split_heading(stripped)
        if parts is not None:
            column = self._code_column(heading, position, *parts)
            if column is not None:
                return column

        column = self._other_code_column(stripped, position)
        if column is not None:
            return attrs.evolve(column, heading=heading)

        question = self._full_heading_question(stripped)
        if question is not None:
            return _Column(heading, position, question=question)
        choice = self._full_heading_choice(stripped)
        if choice is not None:
            question, option = choice
            return _Column(heading, position, question=question, role="choice", option=option)
        metadata = _METADATA_FULL_HEADINGS.get(match_key(_flatten(stripped)))
        if metadata is not None:
            return _Column(heading, position, role="metadata", metadata=metadata)

        code_text = _CODE_TEXT_HEADING.match(stripped)
        if code_text is not None:
            parts = split_heading(code_text["code"])
            if parts is not None:
                column = self._code_column(heading, position, *parts)
                if column is not None:
                    return column
        return _Column(heading, position, role="unknown")

    def _code_column(
        self, heading: str, position: int, code: str, bracketed: str | None
    ) -> _Column | None:
        questions = self._codes.questions
        if bracketed is not None and bracketed.casefold() in ("other", "comment"):
            question = questions.question(code)
            if question is None:
                return None
            return _Column(heading, position, question=question, role=bracketed.casefold())
        question = questions.question(code, bracketed)
        if question is None:
            if bracketed is None:
                return None
            return self._choice_column(heading, position, code, bracketed)
        return _Column(heading, position, question=question)

    def _choice_column(
        self, heading: str, position: int, code: str, subquestion: str
    ) -> _Column | None:
        """Map ``q[SQ001]``, one choice of a multiple choice question, to its option."""
        from ccpm_core.questionnaire import AnswerType

        question_code = self._codes.questions.question(code)
        if question_code is None:
            return None
        question = self._questionnaire.question(question_code)
        if question.type is not AnswerType.SELECT_MULTIPLE or question.scale is None:
            return None
        option = self._codes.option_for_choice(question.scale, subquestion)
        if option is None:
            return None
        return _Column(heading, position, question=question_code, role="choice", option=option)

    def _other_code_column(self, heading: str, position: int) -> _Column | None:
        """Map headings in ExpressionScript style (``p222_1``, ``q1_other``) or codebook codes."""
        expression = _EXPRESSION_HEADING.fullmatch(heading)
        if expression is not None:
            column = self._code_column(heading, position, expression["code"], expression["part"])
            if column is not None:
                return column
        if self._questionnaire.has_question(heading):
            return _Column(heading, position, question=heading)
        return None

    def _full_heading_question(self, heading: str) -> str | None:
        if self._full_headings is None:
            self._full_headings = self._expected_full_headings()
        return self._full_headings.get(match_key(_flatten(heading)))

    def _full_heading_choice(self, heading: str) -> tuple[str, str] | None:
        """Return the question and option of a multiple choice heading: ``Sectors [Health]``."""
        if self._full_choice_headings is None:
            self._full_choice_headings = self._expected_full_choice_headings()
        return self._full_choice_headings.get(match_key(_flatten(heading)))

    def _expected_full_choice_headings(self) -> dict[str, tuple[str, str]]:
        """Build the full-text heading of every choice of a multiple choice question.

        The heading is the question text with the option text in brackets, in
        every language. A heading shared by two choices names neither, so it is left out.
        """
        from ccpm_plugins.exporters.limesurvey_structure import build_survey

        survey = build_survey(self._questionnaire)
        found: dict[str, set[tuple[str, str]]] = {}
        for group in survey.groups:
            for ls_question in group.questions:
                unit = self._codes.questions.unit(ls_question.code)
                if ls_question.type != "M" or unit is None:
                    continue
                question = self._questionnaire.question(unit.questions[0])
                for sub in ls_question.subquestions:
                    option = self._codes.option_for_choice(question.scale or "", sub.code)
                    if option is None:
                        continue
                    for language in survey.languages:
                        parent = _flatten(ls_question.texts[language])
                        text = f"{parent} [{_flatten(sub.texts[language])}]"
                        found.setdefault(match_key(text), set()).add((question.code, option))
        return {key: next(iter(pairs)) for key, pairs in found.items() if len(pairs) == 1}

    def _expected_full_headings(self) -> dict[str, str]:
        """Build the full-text heading of every question, in every language, and its labels.

        A text shared by two questions (the same label asked in both
        instruments) names neither, so such keys are removed.
        """
        from ccpm_plugins.exporters.limesurvey_structure import build_survey

        survey = build_survey(self._questionnaire)
        found: dict[str, set[str]] = {}

        def add(text: str, question: str) -> None:
            found.setdefault(match_key(_flatten(text)), set()).add(question)

        for group in survey.groups:
            for ls_question in group.questions:
                unit = self._codes.questions.unit(ls_question.code)
                if unit is None:
                    continue
                for language in survey.languages:
                    if not unit.is_array:
                        add(ls_question.texts[language], unit.questions[0])
                        continue
                    parent = _flatten(ls_question.texts[language])
                    for row, sub in zip(unit.subquestions, ls_question.subquestions, strict=True):
                        add(f"{parent} [{_flatten(sub.texts[language])}]", row.question)
        for question in self._questionnaire.questions:
            for label in question.label.values():
                add(label, question.code)
        return {key: next(iter(codes)) for key, codes in found.items() if len(codes) == 1}

    @staticmethod
    def _check_duplicates(columns: list[_Column], source: str) -> None:
        seen: dict[tuple[str, str, str | None], str] = {}
        for column in columns:
            if column.question is None or column.role not in ("answer", "other", "choice"):
                continue
            key = (column.role, column.question, column.option)
            other = seen.setdefault(key, column.heading)
            if other != column.heading:
                answered = "question" if column.option is None else f"choice {column.option!r} of"
                msg = (
                    f"{source}: the columns {other!r} and {column.heading!r} both answer the "
                    f"{answered} question {column.question!r}; delete one of them"
                )
                raise InputError(msg)

    # --- completion ---

    @staticmethod
    def _completion(
        export: ExportTable, submitdate: _Column | None, notes: list[str]
    ) -> list[bool] | None:
        if submitdate is None:
            if len(export.table):
                notes.append(
                    f"{export.source}: there is no submitdate column, so complete and incomplete "
                    "responses cannot be told apart; every response was read. Export with the "
                    "column 'Date submitted' to leave incomplete responses out"
                )
            return None
        values = export.table.iloc[:, submitdate.position].astype(str)
        return [bool(value.strip()) for value in values.tolist()]

    @staticmethod
    def _details(export: ExportTable, lastpage: _Column | None) -> list[str]:
        if lastpage is None:
            return ["not submitted"] * len(export.table)
        pages = export.table.iloc[:, lastpage.position].astype(str).tolist()
        return [
            f"not submitted; last page reached: {page.strip()}" if page.strip() else "not submitted"
            for page in pages
        ]

    @staticmethod
    def _note_identifying(columns: list[_Column], source: str, notes: list[str]) -> None:
        present = [c.heading for c in columns if c.metadata in _IDENTIFYING_METADATA]
        if present:
            listed = ", ".join(repr(heading) for heading in present)
            notes.append(
                f"{source}: the columns {listed} were dropped, because they could identify "
                "respondents"
            )

    # --- answers ---

    def _answers(
        self,
        column: _Column,
        values: pd.Series[str],
        export: ExportTable,
        other: _Column | None,
        notes: list[str],
    ) -> pd.Series[str]:
        assert column.question is not None  # answer columns always name their question
        question = self._questionnaire.question(column.question)
        if question.scale is None:
            return values

        decoded = self._answer_decoder(question)
        distinct = {value: decoded(value) for value in values.unique().tolist()}
        result = values.map(distinct)

        chose_other = values.str.strip() == OTHER_ANSWER
        if chose_other.any():
            result = self._other_answers(question, result, chose_other, export, other, notes)
        return result

    def _answer_decoder(self, question: Question) -> _AnswerDecoder:
        scale_name = question.scale or ""
        label_index = self._label_indexes.get(scale_name)
        if label_index is None:
            label_index = _label_index(self._questionnaire.scales[scale_name])
            self._label_indexes[scale_name] = label_index
        unit = self._codes.questions.unit_of(question.code)
        server = self._server_answers.get(unit.code.casefold())
        return _AnswerDecoder(self._codes.answer_codes(scale_name), server, label_index)

    def _other_answers(
        self,
        question: Question,
        result: pd.Series[str],
        chose_other: pd.Series[bool],
        export: ExportTable,
        other: _Column | None,
        notes: list[str],
    ) -> pd.Series[str]:
        """Replace ``-oth-`` by the scale's "Other" option, or else by the text typed."""
        scale = self._questionnaire.scales[question.scale or ""]
        option = _other_option(scale)
        count = int(chose_other.sum())
        if option is not None:
            notes.append(
                f"{export.source}: {count} answer{'s' if count != 1 else ''} to {question.code!r} "
                f"chose 'Other' and {'was' if count == 1 else 'were'} read as the option "
                f"{option!r}; the texts typed with {'it' if count == 1 else 'them'} are not used"
            )
            return result.where(~chose_other, option)
        if other is None:
            return result
        typed = export.table.iloc[:, other.position].astype(str).str.strip()
        return result.where(~chose_other, typed)


class _AnswerDecoder:
    """Turns the answer codes of one question into option codes of its scale.

    ``rule_codes`` maps option codes to answer codes by the answer code rule.
    ``server`` maps answer codes to texts as the server reports the
    question's answer options, and is None when they are unknown.
    ``label_index`` maps the matching key of every label and alias of the
    scale to the codes of the options that carry it.
    """

    def __init__(
        self,
        rule_codes: Mapping[str, str],
        server: Mapping[str, str] | None,
        label_index: Mapping[str, set[str]],
    ) -> None:
        self._by_rule = {answer.casefold(): option for option, answer in rule_codes.items()}
        self._server = None if server is None else dict(server)
        self._label_index = label_index
        # When the server's codes are exactly the rule's, texts edited on the server do
        # not change what the codes mean.
        self._server_uses_rule = server is not None and (
            {answer.casefold() for answer in server} == set(self._by_rule)
        )

    def __call__(self, value: str) -> str:
        code = value.strip()
        if not code:
            return value
        server_text = None if self._server is None else self._server.get(code)
        if server_text is None:
            return self._by_rule.get(code.casefold(), value)

        options = self._label_index.get(match_key(_flatten(server_text)), set())
        if len(options) == 1:
            return next(iter(options))
        if self._server_uses_rule:
            return self._by_rule.get(code.casefold(), server_text)
        return _flatten(server_text)


def _label_index(scale: Scale) -> dict[str, set[str]]:
    """Map the matching key of each label and alias of a scale to the options that carry it."""
    index: dict[str, set[str]] = {}
    for option in scale.options:
        for label in (*option.label.values(), *option.aliases):
            index.setdefault(match_key(label), set()).add(option.code)
    return index


def _other_option(scale: Scale) -> str | None:
    """Return the code of the option that means "Other", by its code or English label."""
    for option in scale.options:
        if option.code.casefold() == "other" or match_key(option.label.get("en", "")) == "other":
            return option.code
    return None


_CHOSEN = frozenset({"y", "1"})
_LEFT_OUT = frozenset({"n", "0"})


def _choice_flags(columns: Sequence[_Column], export: ExportTable) -> list[pd.Series[str]]:
    """Turn the cells of one multiple choice question's columns into 1/0 choice flags.

    LimeSurvey stores ``Y`` for a chosen option (``1`` when exported with "Convert
    Y to 1") and leaves the other options empty, whether the respondent answered
    or not. So a row with a chosen option gets 0 in its empty cells, and a row
    without one has no answer. Other values are kept, so that normalisation
    reports them as unrecognised.
    """
    cells = [export.table.iloc[:, column.position].astype(str).str.strip() for column in columns]
    folded = [values.str.casefold() for values in cells]
    answered = folded[0].isin(_CHOSEN | _LEFT_OUT)
    for values in folded[1:]:
        answered |= values.isin(_CHOSEN | _LEFT_OUT)

    flags: list[pd.Series[str]] = []
    for values, folded_values in zip(cells, folded, strict=True):
        chosen = folded_values.isin(_CHOSEN)
        left_out = folded_values.isin(_LEFT_OUT) | ((values == "") & answered)
        flags.append(values.mask(chosen, "1").mask(left_out, "0"))
    return flags


def _note_comments(column: _Column, values: pd.Series[str], source: str, notes: list[str]) -> None:
    count = int((values.str.strip() != "").sum())
    notes.append(
        f"{source}: the column {column.heading!r} holds {count} comment"
        f"{'s' if count != 1 else ''} on the answers to {column.question!r}; ccpm does not "
        "use such comments"
    )


def _flatten(text: str) -> str:
    """Return HTML question text as LimeSurvey's full-text headings show it."""
    return " ".join(html.unescape(_TAGS.sub(" ", text)).split())


@attrs.frozen(eq=False)
class _MappedExport:
    """An export with its columns mapped, before rows are split by completion."""

    source: str
    table: pd.DataFrame
    row_numbers: list[int]
    complete: list[bool] | None
    details: list[str]
    notes: list[str]
    column_sources: dict[str, str]

    def responses(
        self, keep: Sequence[bool] | None = None, exclusions: tuple[Exclusion, ...] = ()
    ) -> RawResponses:
        """Return the rows flagged in ``keep`` (all by default) as raw responses."""
        table = self.table
        row_numbers = self.row_numbers
        if keep is not None:
            table = table.loc[list(keep)].reset_index(drop=True)
            row_numbers = [row for row, flag in zip(row_numbers, keep, strict=True) if flag]
        return RawResponses(
            source=self.source,
            table=table,
            row_numbers=row_numbers,
            notes=tuple(self.notes),
            exclusions=exclusions,
            column_sources=dict(self.column_sources),
        )
