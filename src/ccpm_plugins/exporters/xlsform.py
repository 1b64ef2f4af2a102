"""The ``xlsform`` questionnaire exporter: both instruments as one XLSForm workbook.

KoboToolbox and ODK build web and mobile forms from an XLSForm, a workbook
with a ``survey``, a ``choices`` and a ``settings`` sheet (https://xlsform.org).
The form asks the ``instrument`` question first; skip logic (``relevant``)
then shows each respondent only the questions of their instrument. Questions
are grouped by CCPM function, question names are the codebook codes and
choice names are the option codes, so the data that the survey tool collects
is already in the codebook's terms. A select_multiple question becomes an
XLSForm ``select_multiple`` over its scale's choice list; KoboToolbox exports
its answers as the chosen names separated by spaces, and can add one 1/0
column per choice, headed ``question/choice``. ccpm reads both.

Labels come in every language of the questionnaire, in columns such as
``label::English (en)``. The texts that ccpm adds itself, such as group titles,
go through :func:`ccpm_core.i18n.translator`, which falls back to English for
a language without a message catalog.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import attrs

from ccpm_core.errors import QuestionnaireError
from ccpm_core.framework import SECTIONS, Instrument, function_by_number
from ccpm_core.hookspecs import hookimpl
from ccpm_core.i18n import translator
from ccpm_core.plugin_api import QuestionnaireExporter

# ccpm_core.questionnaire imports pydantic, so it is imported where a form is
# built, not when the plugin host loads this module.
if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from ccpm_core.questionnaire import Question, Questionnaire

__all__ = [
    "LANGUAGE_NAMES",
    "XlsForm",
    "XlsFormExporter",
    "build_xlsform",
    "ccpm_register_exporters",
    "language_code_of",
    "xlsform_language",
    "xlsform_workbook",
]

LANGUAGE_NAMES: dict[str, str] = {
    "am": "Amharic",
    "ar": "Arabic",
    "bn": "Bengali",
    "es": "Spanish",
    "en": "English",
    "fa": "Persian",
    "fr": "French",
    "ha": "Hausa",
    "hi": "Hindi",
    "id": "Indonesian",
    "my": "Burmese",
    "ps": "Pashto",
    "pt": "Portuguese",
    "ru": "Russian",
    "so": "Somali",
    "sw": "Swahili",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "zh": "Chinese",
}
"""English names of common language codes, for XLSForm language columns."""

_CODE_IN_NAME = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\s*\)\s*$")
_INVALID_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9_]")
_INVALID_FORM_ID_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]")

SURVEY_SHEET = "survey"
CHOICES_SHEET = "choices"
SETTINGS_SHEET = "settings"


def xlsform_language(code: str) -> str:
    """Return the XLSForm name of a language code, such as ``English (en)``.

    ODK and KoboToolbox read the code in brackets as the form's language code.
    A code without a known English name is used as its own name: ``xx (xx)``.
    """
    name = LANGUAGE_NAMES.get(code.split("-")[0].lower(), code)
    return f"{name} ({code})"


def language_code_of(name: str | None) -> str | None:
    """Return the language code of an XLSForm language name, or None when it names none.

    ``English (en)`` and ``Français (fr)`` give their bracketed code in lower
    case; a bare English name such as ``French`` gives its code from
    :data:`LANGUAGE_NAMES`.
    """
    if not name:
        return None
    bracketed = _CODE_IN_NAME.search(name)
    if bracketed:
        return bracketed.group(1).lower()
    folded = name.strip().casefold()
    for code, english in LANGUAGE_NAMES.items():
        if english.casefold() == folded:
            return code
    return None


@attrs.frozen
class XlsForm:
    """The three sheets of an XLSForm, each row a mapping of column name to cell text."""

    survey: list[dict[str, str]]
    choices: list[dict[str, str]]
    settings: dict[str, str]
    languages: tuple[str, ...]
    """Language codes of the label columns, in column order."""


@attrs.frozen
class _Group:
    """A ``begin_group``/``end_group`` block and the questions inside it."""

    name: str
    labels: dict[str, str]
    questions: list[Question] = attrs.field(factory=list)


def build_xlsform(
    questionnaire: Questionnaire, language: str | None = None, title: str | None = None
) -> XlsForm:
    """Lay out ``questionnaire`` as XLSForm sheets.

    ``language`` is the form's default language (the questionnaire's first
    one when None) and ``title`` replaces the questionnaire's title. Raises
    :class:`QuestionnaireError` when ``language`` is not a language of the
    questionnaire, or when an option code of a select_multiple question
    contains white space.
    """
    from ccpm_core.questionnaire import PROFILE_INSTRUMENT

    if language is not None and language not in questionnaire.languages:
        msg = (
            f"questionnaire {questionnaire.id!r} has no labels in language {language!r}; "
            f"choose one of: {', '.join(questionnaire.languages)}"
        )
        raise QuestionnaireError(msg)

    _check_select_multiple_codes(questionnaire)
    default_language = language or questionnaire.default_language
    languages = (default_language, *(c for c in questionnaire.languages if c != default_language))
    list_names = _list_names(questionnaire)
    instrument_question = questionnaire.question(PROFILE_INSTRUMENT)

    survey = [_question_row(questionnaire, instrument_question, languages, list_names, "")]
    for group in _groups(questionnaire, languages):
        survey.extend(_group_rows(questionnaire, group, languages, list_names))

    form_title = title if title is not None else questionnaire.label(questionnaire.title)
    settings = {
        "form_title": form_title,
        "form_id": _form_id(questionnaire.id),
        "version": questionnaire.version,
        "default_language": xlsform_language(default_language),
        # Enketo, the web form of KoboToolbox, shows one group per page in this style.
        "style": "pages",
    }
    return XlsForm(
        survey=survey,
        choices=_choice_rows(questionnaire, languages, list_names),
        settings=settings,
        languages=languages,
    )


def xlsform_workbook(form: XlsForm) -> bytes:
    """Write the sheets of ``form`` as an ``.xlsx`` workbook and return its bytes."""
    from openpyxl import Workbook

    workbook = Workbook()
    survey_sheet = workbook.active
    assert survey_sheet is not None  # a new workbook always has one sheet
    survey_sheet.title = SURVEY_SHEET
    _fill_sheet(survey_sheet, _survey_columns(form), form.survey)
    _fill_sheet(workbook.create_sheet(CHOICES_SHEET), _choices_columns(form), form.choices)
    _fill_sheet(workbook.create_sheet(SETTINGS_SHEET), list(form.settings), [form.settings])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class XlsFormExporter(QuestionnaireExporter):
    """Exporter of the questionnaire as one XLSForm workbook (``.xlsx``) for both instruments."""

    name = "xlsform"
    binary = True

    def export(self, questionnaire: Questionnaire, language: str | None = None) -> bytes:
        """Return the XLSForm workbook of ``questionnaire``, with ``language`` as its default."""
        return xlsform_workbook(build_xlsform(questionnaire, language))


@hookimpl
def ccpm_register_exporters(register: Callable[[QuestionnaireExporter], None]) -> None:
    """Register the ``xlsform`` exporter."""
    register(XlsFormExporter())


# --- Survey sheet ------------------------------------------------------------


def _groups(questionnaire: Questionnaire, languages: tuple[str, ...]) -> list[_Group]:
    """Sort the questions, the instrument question aside, into groups in order of first use.

    Profile questions form one group, organisation counts another, and rating
    and comment questions one group per instrument and function.
    """
    from ccpm_core.questionnaire import PROFILE_INSTRUMENT

    taken = {question.code for question in questionnaire.questions}
    groups: dict[tuple[str, str | None, int], _Group] = {}

    for question in questionnaire.questions:
        if question.code == PROFILE_INSTRUMENT:
            continue
        key = _group_key(questionnaire, question)
        group = groups.get(key)
        if group is None:
            group = _Group(_free_name(_group_name(key), taken), _group_labels(key, languages))
            groups[key] = group
        group.questions.append(question)

    return list(groups.values())


def _group_key(questionnaire: Questionnaire, question: Question) -> tuple[str, str | None, int]:
    from ccpm_core.questionnaire import QuestionKind

    instrument = None if question.instrument is None else question.instrument.value
    if question.kind is QuestionKind.RATING:
        function = SECTIONS[questionnaire.section_of(question)].function
        return ("function", instrument, function)
    if question.kind is QuestionKind.COMMENT:
        # The questionnaire model requires a function on every comment question.
        assert question.function is not None
        return ("function", instrument, question.function)
    if question.count is not None:
        return ("counts", None, 0)
    return ("profile", None, 0)


def _group_name(key: tuple[str, str | None, int]) -> str:
    kind, instrument, function = key
    if kind == "function":
        prefix = f"{instrument}_" if instrument else ""
        return f"{prefix}function_{function}"
    if kind == "counts":
        return "organisation_counts"
    return "profile"


def _free_name(name: str, taken: set[str]) -> str:
    """Return ``name``, or ``name_group`` (then with a number) when a question already has it."""
    candidate = name
    number = 1
    while candidate in taken:
        candidate = f"{name}_group" if number == 1 else f"{name}_group{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _group_labels(key: tuple[str, str | None, int], languages: Iterable[str]) -> dict[str, str]:
    kind, _, function_number = key
    labels: dict[str, str] = {}
    for language in languages:
        _ = translator(language)
        if kind == "function":
            function = function_by_number(function_number)
            labels[language] = _("Function {number}: {title}").format(
                number=function.number, title=_(function.title)
            )
        elif kind == "counts":
            labels[language] = _("Organisations in the cluster")
        else:
            labels[language] = _("About you and your organisation")
    return labels


def _group_rows(
    questionnaire: Questionnaire,
    group: _Group,
    languages: tuple[str, ...],
    list_names: dict[str, str],
) -> list[dict[str, str]]:
    instruments = {question.instrument for question in group.questions}
    shared_instrument = next(iter(instruments)) if len(instruments) == 1 else None

    begin: dict[str, str] = {"type": "begin_group", "name": group.name}
    begin.update(_label_cells("label", group.labels, languages))
    begin["appearance"] = "field-list"
    if shared_instrument is not None:
        begin["relevant"] = _relevant(shared_instrument)

    rows = [begin]
    for question in group.questions:
        relevant = (
            ""
            if shared_instrument is not None or question.instrument is None
            else _relevant(question.instrument)
        )
        rows.append(_question_row(questionnaire, question, languages, list_names, relevant))
    rows.append({"type": "end_group", "name": group.name})
    return rows


def _question_row(
    questionnaire: Questionnaire,
    question: Question,
    languages: tuple[str, ...],
    list_names: dict[str, str],
    relevant: str,
) -> dict[str, str]:
    from ccpm_core.questionnaire import PROFILE_INSTRUMENT, QuestionKind

    row: dict[str, str] = {"type": _question_type(question, list_names), "name": question.code}
    row.update(_label_cells("label", question.label, languages))
    if question.hint:
        row.update(_label_cells("hint", question.hint, languages))
    if question.code == PROFILE_INSTRUMENT:
        # Without the instrument, a response can be scored neither as partner nor as coordinator.
        row["required"] = "yes"
    if relevant:
        row["relevant"] = relevant
    if question.count is not None:
        row["constraint"] = ". >= 0"
        messages = {language: translator(language)("Enter 0 or more.") for language in languages}
        row.update(_label_cells("constraint_message", messages, languages))
    if question.kind is QuestionKind.COMMENT:
        row["appearance"] = "multiline"
    return row


def _question_type(question: Question, list_names: dict[str, str]) -> str:
    if question.is_select:
        # The questionnaire model requires a scale on every select question.
        assert question.scale is not None
        return f"{question.type.value} {list_names[question.scale]}"
    return question.type.value


def _relevant(instrument: Instrument) -> str:
    from ccpm_core.questionnaire import PROFILE_INSTRUMENT

    return f"${{{PROFILE_INSTRUMENT}}} = '{instrument.value}'"


def _label_cells(column: str, labels: dict[str, str], languages: Iterable[str]) -> dict[str, str]:
    return {
        f"{column}::{xlsform_language(language)}": labels.get(language, "")
        for language in languages
    }


def _survey_columns(form: XlsForm) -> list[str]:
    languages = [xlsform_language(language) for language in form.languages]
    columns = ["type", "name", *(f"label::{name}" for name in languages)]
    if any(key.startswith("hint::") for row in form.survey for key in row):
        columns += [f"hint::{name}" for name in languages]
    columns += ["required", "relevant", "constraint"]
    columns += [f"constraint_message::{name}" for name in languages]
    columns.append("appearance")
    return columns


# --- Choices sheet -----------------------------------------------------------


def _list_names(questionnaire: Questionnaire) -> dict[str, str]:
    """Map each scale that a select_one or select_multiple question uses to a unique list name.

    A list name is an XML name, so characters other than letters, digits and
    ``_`` become ``_``.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for question in questionnaire.questions:
        scale = question.scale
        if scale is None or scale in names:
            continue
        name = _INVALID_NAME_CHARACTERS.sub("_", scale)
        if not name[:1].isalpha():
            name = f"list_{name}"
        names[scale] = _free_name(name, taken)
    return names


def _check_select_multiple_codes(questionnaire: Questionnaire) -> None:
    """Raise when a select_multiple question's option code contains white space.

    ODK and KoboToolbox store a select_multiple answer as the chosen names
    separated by spaces, so pyxform rejects such a choice name.
    """
    from ccpm_core.questionnaire import AnswerType

    for question in questionnaire.questions:
        if question.type is not AnswerType.SELECT_MULTIPLE:
            continue
        for option in questionnaire.scale_of(question).options:
            if any(character.isspace() for character in option.code):
                msg = (
                    f"option code {option.code!r} of scale {question.scale!r} contains white "
                    f"space, which XLSForm does not allow in the choices of a select_multiple "
                    f"question ({question.code!r}); replace the spaces, for example by '_'"
                )
                raise QuestionnaireError(msg)


def _choice_rows(
    questionnaire: Questionnaire, languages: tuple[str, ...], list_names: dict[str, str]
) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for scale_name, list_name in list_names.items():
        for option in questionnaire.scales[scale_name].options:
            row = {"list_name": list_name, "name": option.code}
            row.update(_label_cells("label", option.label, languages))
            rows.append(row)
    return rows


def _choices_columns(form: XlsForm) -> list[str]:
    return ["list_name", "name", *(f"label::{xlsform_language(c)}" for c in form.languages)]


# --- Settings and writing ------------------------------------------------------


def _form_id(questionnaire_id: str) -> str:
    """Return the questionnaire id as an XML element name, which an XForm's id must be."""
    form_id = _INVALID_FORM_ID_CHARACTERS.sub("_", questionnaire_id)
    if not (form_id[:1].isalpha() or form_id[:1] == "_"):
        form_id = f"ccpm_{form_id}"
    return form_id


def _fill_sheet(sheet: Worksheet, columns: list[str], rows: list[dict[str, str]]) -> None:
    from openpyxl.styles import Font

    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(column, "") or None for column in columns])
    sheet.freeze_panes = "A2"
