"""The LimeSurvey survey that a questionnaire becomes, whatever the file format.

The ``.lss`` and the tab-separated text exporters write the structure built
here, so both formats hold the same survey:

- Every language of the questionnaire, the requested one first as the base
  language.
- A first group, titled with the questionnaire title, with the questions that
  both instruments ask (instrument, hub, organisation type). The instrument
  question is mandatory, because it decides what follows.
- For each instrument, its profile questions (the coordinator's organisation
  counts) in a group named after the instrument, then one group per CCPM
  function.
- Each question and group of one instrument carries the relevance equation
  ``instrument.NAOK == "<answer code>"``, so a respondent sees only the
  questions of the instrument they chose.
- Rating questions become list questions (type ``L``), matrix items array
  questions (type ``F``), free text short (``S``) or long (``T``) text
  questions, and counts numerical input (``N``). Every answer option of the
  scale, the special answers included, becomes an answer option.
- A select_multiple question becomes a multiple choice question (type
  ``M``) with one subquestion per option of its scale and no answer options;
  LimeSurvey exports each choice as a column ``code[subquestion]`` holding
  ``Y`` when chosen.

Codes follow :mod:`ccpm_plugins.sources.limesurvey.codes`, so responses read
back map onto the same questionnaire.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import attrs

from ccpm_core.errors import QuestionnaireError
from ccpm_core.framework import SECTIONS, function_by_number
from ccpm_core.i18n import translator
from ccpm_core.questionnaire import (
    PROFILE_INSTRUMENT,
    AnswerType,
    Question,
    QuestionKind,
    Questionnaire,
)
from ccpm_plugins.sources.limesurvey.codes import LimeSurveyCodes, QuestionUnit

__all__ = [
    "SURVEY_SETTINGS",
    "LsAnswer",
    "LsGroup",
    "LsQuestion",
    "LsSubquestion",
    "LsSurvey",
    "build_survey",
]

Texts = dict[str, str]
"""HTML text per language code."""

SURVEY_SETTINGS: Mapping[str, str] = {
    "anonymized": "Y",
    "datestamp": "N",
    "ipaddr": "N",
    "refurl": "N",
    "savetimings": "N",
    "format": "G",
    "allowprev": "Y",
    "allowsave": "Y",
    "showprogress": "Y",
    "usecookie": "N",
    "tokenanswerspersistence": "N",
}
"""Survey settings written besides the languages.

The survey is anonymous: no access codes, no IP address, no referrer URL and
no dates, so nothing in a response points to a respondent. Respondents see one
group per page and can go back.
"""

_INSTRUMENT_GROUP = "both"
_PROFILE = "profile"


@attrs.frozen
class LsAnswer:
    """An answer option of a list or array question."""

    code: str
    texts: Texts


@attrs.frozen
class LsSubquestion:
    """A row of an array question, or a choice of a multiple choice question."""

    code: str
    texts: Texts


@attrs.frozen
class LsQuestion:
    """A LimeSurvey question with its rows, answer options and attributes."""

    code: str
    type: str
    """LimeSurvey question type letter: ``L``, ``F``, ``M``, ``S``, ``T`` or ``N``."""
    texts: Texts
    help: Texts
    relevance: str
    mandatory: bool = False
    subquestions: tuple[LsSubquestion, ...] = ()
    answers: tuple[LsAnswer, ...] = ()
    attributes: Mapping[str, str] = attrs.field(factory=dict)
    """Question attributes that do not depend on the language."""


@attrs.frozen
class LsGroup:
    """A question group, shown as one page."""

    names: Texts
    relevance: str
    questions: tuple[LsQuestion, ...]


@attrs.frozen
class LsSurvey:
    """A whole survey, ready to be written as ``.lss`` or tab-separated text."""

    languages: tuple[str, ...]
    """Language codes, the base language first."""
    titles: Texts
    groups: tuple[LsGroup, ...]
    settings: Mapping[str, str]

    @property
    def base_language(self) -> str:
        """The language LimeSurvey falls back to."""
        return self.languages[0]


def build_survey(questionnaire: Questionnaire, language: str | None = None) -> LsSurvey:
    """Build the LimeSurvey survey of a questionnaire, with ``language`` as base language.

    Raises :class:`QuestionnaireError` when ``language`` is not a language of
    the questionnaire, or when the questionnaire cannot be expressed in
    LimeSurvey codes.
    """
    languages = _ordered_languages(questionnaire, language)
    codes = LimeSurveyCodes.for_questionnaire(questionnaire)
    builder = _SurveyBuilder(questionnaire, codes, languages)
    return LsSurvey(
        languages=languages,
        titles={lang: _html(questionnaire.label(questionnaire.title, lang)) for lang in languages},
        groups=builder.groups(),
        settings=dict(SURVEY_SETTINGS),
    )


def _ordered_languages(questionnaire: Questionnaire, language: str | None) -> tuple[str, ...]:
    if language is None:
        return tuple(questionnaire.languages)
    if language not in questionnaire.languages:
        msg = (
            f"questionnaire {questionnaire.id!r} has no labels in language {language!r}; "
            f"choose one of: {', '.join(questionnaire.languages)}"
        )
        raise QuestionnaireError(msg)
    others = [lang for lang in questionnaire.languages if lang != language]
    return (language, *others)


class _SurveyBuilder:
    """Turns the questions of a questionnaire into groups of LimeSurvey questions."""

    def __init__(
        self, questionnaire: Questionnaire, codes: LimeSurveyCodes, languages: Sequence[str]
    ) -> None:
        self._questionnaire = questionnaire
        self._codes = codes
        self._languages = tuple(languages)

    def groups(self) -> tuple[LsGroup, ...]:
        """Return the groups in order of their first question in the questionnaire."""
        members: dict[tuple[str, str], list[LsQuestion]] = {}
        for unit in self._codes.questions.units:
            first = self._questionnaire.question(unit.questions[0])
            members.setdefault(self._group_key(first), []).append(self._question(unit))

        return tuple(
            LsGroup(
                names=self._group_names(key),
                relevance=self._relevance(None if key[0] == _INSTRUMENT_GROUP else key[0]),
                questions=tuple(questions),
            )
            for key, questions in members.items()
        )

    def _group_key(self, question: Question) -> tuple[str, str]:
        instrument = _INSTRUMENT_GROUP if question.instrument is None else question.instrument.value
        if question.kind is QuestionKind.RATING:
            return instrument, str(SECTIONS[self._questionnaire.section_of(question)].function)
        if question.kind is QuestionKind.COMMENT:
            return instrument, str(question.function)
        return instrument, _PROFILE

    def _group_names(self, key: tuple[str, str]) -> Texts:
        instrument, part = key
        questionnaire = self._questionnaire
        names: Texts = {}
        for lang in self._languages:
            if part != _PROFILE:
                function = function_by_number(int(part))
                names[lang] = f"{function.number}. {translator(lang)(function.title)}"
            elif instrument == _INSTRUMENT_GROUP:
                names[lang] = questionnaire.label(questionnaire.title, lang)
            else:
                scale = questionnaire.scale_of(questionnaire.question(PROFILE_INSTRUMENT))
                names[lang] = questionnaire.label(scale.option(instrument).label, lang)
        return {lang: _html(name) for lang, name in names.items()}

    def _relevance(self, instrument: str | None) -> str:
        """Return the equation that shows a question or group to one instrument's respondents."""
        if instrument is None:
            return "1"
        question = self._questionnaire.question(PROFILE_INSTRUMENT)
        code = self._codes.questions.heading(PROFILE_INSTRUMENT)
        answer = self._codes.answer_codes(question.scale or "")[instrument]
        return f'{code}.NAOK == "{answer}"'

    def _question(self, unit: QuestionUnit) -> LsQuestion:
        questions = [self._questionnaire.question(code) for code in unit.questions]
        first = questions[0]
        instrument = None if first.instrument is None else first.instrument.value
        relevance = self._relevance(instrument)

        if unit.is_array:
            return self._array_question(unit, questions, relevance)
        if first.type is AnswerType.SELECT_MULTIPLE:
            return self._multiple_choice_question(unit, first, relevance)
        return LsQuestion(
            code=unit.code,
            type=_question_type(first),
            texts=self._texts(first.label),
            help=self._texts(first.hint),
            relevance=relevance,
            mandatory=first.code == PROFILE_INSTRUMENT,
            answers=self._answers(first),
            attributes=_attributes(first),
        )

    def _array_question(
        self, unit: QuestionUnit, questions: list[Question], relevance: str
    ) -> LsQuestion:
        texts: Texts = {}
        rows: list[Texts] = [{} for _ in questions]
        for lang in self._languages:
            labels = [self._questionnaire.label(question.label, lang) for question in questions]
            common, rests = _split_common_words(labels)
            texts[lang] = _html(common)
            for row, rest in zip(rows, rests, strict=True):
                row[lang] = _html(rest)

        return LsQuestion(
            code=unit.code,
            type="F",
            texts=texts,
            help=self._joined_hints(questions),
            relevance=relevance,
            subquestions=tuple(
                LsSubquestion(code=row.code, texts=row_texts)
                for row, row_texts in zip(unit.subquestions, rows, strict=True)
            ),
            answers=self._answers(questions[0]),
        )

    def _multiple_choice_question(
        self, unit: QuestionUnit, question: Question, relevance: str
    ) -> LsQuestion:
        scale_name = question.scale or ""
        codes = self._codes.choice_codes(scale_name)
        return LsQuestion(
            code=unit.code,
            type="M",
            texts=self._texts(question.label),
            help=self._texts(question.hint),
            relevance=relevance,
            subquestions=tuple(
                LsSubquestion(code=codes[option.code], texts=self._texts(option.label))
                for option in self._questionnaire.scales[scale_name].options
            ),
        )

    def _answers(self, question: Question) -> tuple[LsAnswer, ...]:
        if question.scale is None:
            return ()
        codes = self._codes.answer_codes(question.scale)
        return tuple(
            LsAnswer(code=codes[option.code], texts=self._texts(option.label))
            for option in self._questionnaire.scales[question.scale].options
        )

    def _texts(self, labels: Mapping[str, str]) -> Texts:
        return {lang: _html(self._label(labels, lang)) for lang in self._languages}

    def _label(self, labels: Mapping[str, str], lang: str) -> str:
        """Pick a text in ``lang``, else in the default language, else any; hints may lack some."""
        default = self._questionnaire.default_language
        return labels.get(lang) or labels.get(default) or next(iter(labels.values()), "")

    def _joined_hints(self, questions: list[Question]) -> Texts:
        hints: Texts = {}
        for lang in self._languages:
            distinct: list[str] = []
            for question in questions:
                hint = self._label(question.hint, lang)
                if hint and hint not in distinct:
                    distinct.append(hint)
            hints[lang] = _html(" ".join(distinct))
        return hints


_MIN_COMMON_WORDS = 3
"""Words that array rows must share for the shared words to become the question text."""


def _split_common_words(labels: list[str]) -> tuple[str, list[str]]:
    """Split labels into their shared leading words, ending in "…", and the rest of each.

    When the labels share fewer than three leading words, or one label is all
    shared words, the question text is empty and each row keeps its whole label.
    """
    words = [label.split() for label in labels]
    shared = 0
    for column in zip(*words, strict=False):
        if any(word != column[0] for word in column):
            break
        shared += 1

    rests = [" ".join(label_words[shared:]) for label_words in words]
    if shared < _MIN_COMMON_WORDS or not all(rests):
        return "", list(labels)
    return " ".join(words[0][:shared]) + " …", rests


def _question_type(question: Question) -> str:
    if question.type is AnswerType.SELECT_ONE:
        return "L"
    if question.type is AnswerType.TEXT:
        return "T" if question.kind is QuestionKind.COMMENT else "S"
    return "N"


def _attributes(question: Question) -> dict[str, str]:
    attributes: dict[str, str] = {}
    if question.type is AnswerType.INTEGER:
        attributes["num_value_int_only"] = "1"
    if question.count is not None:
        attributes["min_num_value_n"] = "0"
    return attributes


def _html(text: str) -> str:
    """Return plain text as LimeSurvey's HTML question text, line breaks kept."""
    return html.escape(text, quote=False).replace("\n", "<br />")
