"""The rule that turns codebook codes into LimeSurvey codes, and LimeSurvey codes back.

LimeSurvey (3.x to 6.x, ``Question`` and ``Answer`` model rules) accepts:

- question codes of 1 to 20 characters, letters and digits only, starting with
  a letter, and none of the ExpressionScript names ``LANG``, ``SID``,
  ``SAVEDID``, ``TOKEN``, ``QID``, ``GID``, ``SGQ``, ``self``, ``that``, ``this``;
- subquestion codes of 1 to 20 letters and digits, other than ``time``, and
  other than ``other`` or a ``comment`` ending on questions that use them;
- answer codes of 1 to 5 letters and digits, unique per question.

Codebook codes may contain underscores and be longer, so they go through one
rule, applied to the questions in questionnaire order:

1. **Matrix items become an array.** Two or more consecutive rating questions
   with the same instrument, function and answer scale, whose codes share the
   part before their last underscore (``p222_1`` to ``p222_5``), become one
   array question named after that stem, with the parts after the underscore
   as subquestion codes (``p222[1]`` to ``p222[5]``). The parts must be valid
   subquestion codes, unique without regard to case, and the stem must not be a
   question code of its own; otherwise the questions stay separate.
2. **Question codes lose their underscores.** ``p_comment_1`` becomes
   ``pcomment1``. Such a code is kept when it has at most 20 characters, is
   not reserved, and no earlier question got the same code (compared without
   regard to case). Reserved are the ExpressionScript names above and the
   names of LimeSurvey's response metadata columns (``id``, ``submitdate``,
   ``lastpage``, ``startlanguage``, ``seed``, ``token``, ``startdate``,
   ``datestamp``, ``ipaddr``, ``refurl``), so that no heading of an export
   is ambiguous.
3. **Other codes are numbered.** A question whose code rule 2 does not keep
   gets the first free code made of its underscore-free code cut to fit,
   followed by 1, 2, 3 and so on: ``c_attending_national_authority`` becomes
   ``cattendingnationala1``.
4. **Answer codes are set per scale.** When every option code of a scale
   has 1 to 5 letters and digits, starts with a letter and differs from the
   others without regard to case, the codes are kept. Otherwise, when every
   option code has 1 to 4 digits, each gets the prefix ``A`` (``0`` becomes
   ``A0``, ``9999`` becomes ``A9999``), because PHP turns digit-only array
   keys into integers, which changes how LimeSurvey's RemoteControl returns
   them. Otherwise the options are numbered ``AO01``, ``AO02`` and so on in
   scale order, like LimeSurvey's own default codes.
5. **Choices of a select_multiple question are subquestions.** LimeSurvey
   asks such a question as multiple choice (type ``M``), one subquestion per
   option. When every option code of the scale is a valid subquestion code,
   differs from the others without regard to case, and is none of ``time``,
   ``other`` and ``comment``, the codes are kept. Otherwise the options are
   numbered ``SQ001``, ``SQ002`` and so on in scale order, like LimeSurvey's
   own default subquestion codes. An export heads the choices ``q[SQ001]``.

Decoding uses the tables that encoding built, so every LimeSurvey code maps
back to exactly one codebook code of the same questionnaire, and the mapping
round-trips for every valid questionnaire.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs

from ccpm_core.errors import QuestionnaireError

if TYPE_CHECKING:
    from ccpm_core.questionnaire import Question, Questionnaire, Scale

__all__ = [
    "MAX_ANSWER_CODE_LENGTH",
    "MAX_QUESTION_CODE_LENGTH",
    "RESPONSE_METADATA_COLUMNS",
    "CodeEntry",
    "LimeSurveyCodes",
    "QuestionCodes",
    "QuestionUnit",
    "Subquestion",
    "answer_codes",
    "assign_question_codes",
    "choice_codes",
    "split_heading",
]

MAX_QUESTION_CODE_LENGTH = 20
"""Maximum length of a LimeSurvey question or subquestion code."""

MAX_ANSWER_CODE_LENGTH = 5
"""Maximum length of a LimeSurvey answer code."""

RESPONSE_METADATA_COLUMNS: tuple[str, ...] = (
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "token",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
)
"""Columns that LimeSurvey exports before the answers, as named with code headings."""

_EXPRESSION_NAMES = ("LANG", "SID", "SAVEDID", "TOKEN", "QID", "GID", "SGQ", "self", "that", "this")
_RESERVED_QUESTION_CODES = frozenset(
    name.casefold() for name in (*_EXPRESSION_NAMES, *RESPONSE_METADATA_COLUMNS)
)
_RESERVED_SUBQUESTION_CODES = frozenset({"time", "other", "comment"})

_QUESTION_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,19}")
_SUBQUESTION_CODE = re.compile(r"[A-Za-z0-9]{1,20}")
_KEPT_ANSWER_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,4}")
_DIGIT_ANSWER_CODE = re.compile(r"[0-9]{1,4}")
_MAX_NUMBERED_ANSWERS = 999
"""Options that ``AO`` and at most three digits can number within 5 characters."""
_HEADING = re.compile(r"(?P<question>[A-Za-z][A-Za-z0-9]*)(?:\[(?P<subquestion>[^\[\]]*)\])?")


@attrs.frozen
class CodeEntry:
    """A codebook code to encode, with the key that lets it join an array.

    Consecutive entries with equal, non-None ``array_key`` values may become one
    array question; an entry whose key is None always stays a question of its own.
    """

    code: str
    array_key: Hashable | None = None


@attrs.frozen
class Subquestion:
    """One row of an array question."""

    code: str
    """LimeSurvey subquestion code."""
    question: str
    """Codebook code of the question this row asks."""


@attrs.frozen
class QuestionUnit:
    """One LimeSurvey question: a single codebook question, or an array of several."""

    code: str
    """LimeSurvey question code."""
    questions: tuple[str, ...]
    """Codebook codes, in questionnaire order."""
    subquestions: tuple[Subquestion, ...] = ()

    @property
    def is_array(self) -> bool:
        """Whether this question is an array whose rows are codebook questions."""
        return bool(self.subquestions)


class QuestionCodes:
    """Codebook codes and LimeSurvey questions, mapped both ways."""

    def __init__(self, units: Sequence[QuestionUnit]) -> None:
        self.units: tuple[QuestionUnit, ...] = tuple(units)
        self._unit_by_code = {unit.code.casefold(): unit for unit in self.units}
        self._heading_of: dict[str, str] = {}
        self._unit_of: dict[str, QuestionUnit] = {}
        self._question_of: dict[tuple[str, str | None], str] = {}

        for unit in self.units:
            if unit.is_array:
                for row in unit.subquestions:
                    self._add(unit, row.question, row.code)
            else:
                self._add(unit, unit.questions[0], None)

    def _add(self, unit: QuestionUnit, question: str, subquestion: str | None) -> None:
        heading = unit.code if subquestion is None else f"{unit.code}[{subquestion}]"
        self._heading_of[question] = heading
        self._unit_of[question] = unit
        key = (unit.code.casefold(), None if subquestion is None else subquestion.casefold())
        self._question_of[key] = question

    def heading(self, question: str) -> str:
        """Return the export heading of a codebook question: ``p111`` or ``p222[1]``."""
        try:
            return self._heading_of[question]
        except KeyError:
            msg = f"no LimeSurvey code was assigned to the question {question!r}"
            raise KeyError(msg) from None

    def unit_of(self, question: str) -> QuestionUnit:
        """Return the LimeSurvey question that asks a codebook question."""
        try:
            return self._unit_of[question]
        except KeyError:
            msg = f"no LimeSurvey code was assigned to the question {question!r}"
            raise KeyError(msg) from None

    def unit(self, code: str) -> QuestionUnit | None:
        """Return the LimeSurvey question with this code, compared without regard to case."""
        return self._unit_by_code.get(code.casefold())

    def question(self, code: str, subquestion: str | None = None) -> str | None:
        """Return the codebook code that a LimeSurvey question, or one of its rows, asks."""
        key = (code.casefold(), None if subquestion is None else subquestion.casefold())
        return self._question_of.get(key)

    def question_for_heading(self, heading: str) -> str | None:
        """Return the codebook code that an export heading such as ``p222[1]`` answers."""
        parts = split_heading(heading)
        if parts is None:
            return None
        return self.question(*parts)


def split_heading(heading: str) -> tuple[str, str | None] | None:
    """Split a code heading into question code and bracketed part: ``Q1[SQ001]``.

    Returns None for a heading that is not in this form, such as a full-text
    heading or a dual-scale heading with two bracketed parts.
    """
    match = _HEADING.fullmatch(heading.strip())
    if match is None:
        return None
    return match["question"], match["subquestion"]


def assign_question_codes(entries: Sequence[CodeEntry]) -> QuestionCodes:
    """Encode codebook codes as LimeSurvey questions with rules 1 to 3 of this module."""
    groups = _group_arrays(entries)
    codes = _assign_unit_codes([name for name, _ in groups])

    units = [_unit(code, rows) for (_, rows), code in zip(groups, codes, strict=True)]
    return QuestionCodes(units)


def _unit(code: str, rows: list[tuple[str, str | None]]) -> QuestionUnit:
    questions = tuple(question for question, _ in rows)
    subquestions = tuple(
        Subquestion(code=suffix, question=question) for question, suffix in rows if suffix
    )
    return QuestionUnit(code=code, questions=questions, subquestions=subquestions)


# A group is the name its LimeSurvey code derives from, with its rows as
# (codebook code, subquestion code). A single question has one row and no
# subquestion code.
_Group = tuple[str, list[tuple[str, str | None]]]


def _group_arrays(entries: Sequence[CodeEntry]) -> list[_Group]:
    all_codes = {entry.code for entry in entries}
    groups: list[_Group] = []

    for _, run in itertools.groupby(entries, key=lambda entry: _run_key(entry, all_codes)):
        members = list(run)
        stem_and_suffixes = [_split_stem(member.code) for member in members]
        suffixes = [suffix.casefold() for _, suffix in stem_and_suffixes]
        can_group = (
            len(members) >= 2
            and _run_key(members[0], all_codes) is not None
            and len(set(suffixes)) == len(suffixes)
        )
        if can_group:
            stem = stem_and_suffixes[0][0]
            rows: list[tuple[str, str | None]] = [
                (member.code, suffix)
                for member, (_, suffix) in zip(members, stem_and_suffixes, strict=True)
            ]
            groups.append((stem, rows))
        else:
            groups.extend((member.code, [(member.code, None)]) for member in members)
    return groups


def _run_key(entry: CodeEntry, all_codes: set[str]) -> tuple[object, ...] | None:
    """Return the key that consecutive members of one array share, or None when it cannot join.

    None compares equal to None, so groupby puts neighbours without a key in one
    run; such runs are split again into single questions.
    """
    if entry.array_key is None or "_" not in entry.code:
        return None
    stem, suffix = _split_stem(entry.code)
    valid_suffix = (
        _SUBQUESTION_CODE.fullmatch(suffix) is not None
        and suffix.casefold() not in _RESERVED_SUBQUESTION_CODES
    )
    if not stem or not valid_suffix or stem in all_codes or not _natural_code(stem):
        return None
    return (entry.array_key, stem)


def _split_stem(code: str) -> tuple[str, str]:
    stem, _, suffix = code.rpartition("_")
    return stem, suffix


def _natural_code(name: str) -> str:
    """Return ``name`` without the characters that LimeSurvey codes do not allow."""
    letters_and_digits = "".join(
        character for character in name if character.isascii() and character.isalnum()
    )
    if letters_and_digits and not letters_and_digits[0].isalpha():
        letters_and_digits = "q" + letters_and_digits
    return letters_and_digits


def _assign_unit_codes(names: Sequence[str]) -> list[str]:
    """Give each name its LimeSurvey code: natural codes first, then numbered ones."""
    naturals = [_natural_code(name) or "q" for name in names]
    used_codes: set[str] = set()
    assigned: list[str | None] = []

    for natural in naturals:
        key = natural.casefold()
        keep = (
            len(natural) <= MAX_QUESTION_CODE_LENGTH
            and key not in _RESERVED_QUESTION_CODES
            and key not in used_codes
        )
        assigned.append(natural if keep else None)
        if keep:
            used_codes.add(key)

    result: list[str] = []
    for natural, code in zip(naturals, assigned, strict=True):
        if code is None:
            code = _numbered_code(natural, used_codes)
            used_codes.add(code.casefold())
        result.append(code)
    return result


def _numbered_code(natural: str, used_codes: set[str]) -> str:
    for number in itertools.count(1):
        suffix = str(number)
        candidate = natural[: MAX_QUESTION_CODE_LENGTH - len(suffix)] + suffix
        key = candidate.casefold()
        if key not in used_codes and key not in _RESERVED_QUESTION_CODES:
            return candidate
    msg = "itertools.count() never ends"
    raise AssertionError(msg)  # pragma: no cover


def answer_codes(scale_name: str, scale: Scale) -> dict[str, str]:
    """Encode the option codes of a scale as LimeSurvey answer codes with rule 4.

    Raises :class:`QuestionnaireError` for a scale of more than 999 options,
    which no LimeSurvey answer code of 5 characters can number.
    """
    option_codes = [option.code for option in scale.options]
    folded = {code.casefold() for code in option_codes}

    if len(folded) == len(option_codes) and all(
        _KEPT_ANSWER_CODE.fullmatch(code) for code in option_codes
    ):
        return {code: code for code in option_codes}
    if all(_DIGIT_ANSWER_CODE.fullmatch(code) for code in option_codes):
        return {code: "A" + code for code in option_codes}

    if len(option_codes) > _MAX_NUMBERED_ANSWERS:
        msg = (
            f"scale {scale_name!r} has {len(option_codes)} options, but LimeSurvey answer codes "
            f"can number at most {_MAX_NUMBERED_ANSWERS}; split the scale"
        )
        raise QuestionnaireError(msg)
    return {code: f"AO{position:02d}" for position, code in enumerate(option_codes, start=1)}


def choice_codes(scale: Scale) -> dict[str, str]:
    """Encode the option codes of a scale as multiple choice subquestion codes with rule 5."""
    option_codes = [option.code for option in scale.options]
    folded = [code.casefold() for code in option_codes]

    keep = len(set(folded)) == len(folded) and all(
        _SUBQUESTION_CODE.fullmatch(code) and code.casefold() not in _RESERVED_SUBQUESTION_CODES
        for code in option_codes
    )
    if keep:
        return {code: code for code in option_codes}
    return {code: f"SQ{position:03d}" for position, code in enumerate(option_codes, start=1)}


class LimeSurveyCodes:
    """Every LimeSurvey code of a questionnaire: questions, subquestions and answers.

    ``choices`` maps the name of each scale that a select_multiple question
    uses to the subquestion code of each of its option codes.
    """

    def __init__(
        self,
        questions: QuestionCodes,
        answers: Mapping[str, Mapping[str, str]],
        choices: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.questions = questions
        self._answers = {name: dict(codes) for name, codes in answers.items()}
        self._options = {
            name: {code.casefold(): option for option, code in codes.items()}
            for name, codes in self._answers.items()
        }
        self._choices = {name: dict(codes) for name, codes in (choices or {}).items()}
        self._choice_options = {
            name: {code.casefold(): option for option, code in codes.items()}
            for name, codes in self._choices.items()
        }

    @classmethod
    def for_questionnaire(cls, questionnaire: Questionnaire) -> LimeSurveyCodes:
        """Apply the rule of this module to every question and answer scale."""
        entries = [
            CodeEntry(question.code, _array_key(questionnaire, question))
            for question in questionnaire.questions
        ]
        from ccpm_core.questionnaire import AnswerType

        answers = {name: answer_codes(name, scale) for name, scale in questionnaire.scales.items()}
        choices = {
            question.scale: choice_codes(questionnaire.scales[question.scale])
            for question in questionnaire.questions
            if question.type is AnswerType.SELECT_MULTIPLE and question.scale is not None
        }
        return cls(assign_question_codes(entries), answers, choices)

    def answer_codes(self, scale_name: str) -> Mapping[str, str]:
        """Return the LimeSurvey answer code of each option code of a scale."""
        return self._answers[scale_name]

    def option_for_answer(self, scale_name: str, answer_code: str) -> str | None:
        """Return the option code that a LimeSurvey answer code encodes, or None."""
        return self._options.get(scale_name, {}).get(answer_code.strip().casefold())

    def choice_codes(self, scale_name: str) -> Mapping[str, str]:
        """Return the subquestion code of each option code of a select_multiple question's scale."""
        return self._choices[scale_name]

    def option_for_choice(self, scale_name: str, subquestion_code: str) -> str | None:
        """Return the option code that a multiple choice subquestion code encodes, or None."""
        return self._choice_options.get(scale_name, {}).get(subquestion_code.strip().casefold())

    def headings(self, codes: Iterable[str]) -> list[str]:
        """Return the export heading of each codebook code."""
        return [self.questions.heading(code) for code in codes]


def _array_key(questionnaire: Questionnaire, question: Question) -> Hashable | None:
    """Return what rating questions of one array must share: instrument, function and scale."""
    from ccpm_core.framework import SECTIONS
    from ccpm_core.questionnaire import AnswerType, QuestionKind

    if question.kind is not QuestionKind.RATING or question.type is not AnswerType.SELECT_ONE:
        return None
    function = SECTIONS[questionnaire.section_of(question)].function
    return (question.instrument, function, question.scale)
