"""The ``lss`` questionnaire exporter: a LimeSurvey survey structure file (``.lss``).

LimeSurvey imports the file under Surveys > Import, or through the
RemoteControl method ``import_survey`` (which ``ccpm limesurvey deploy``
calls). The file uses the layout of LimeSurvey 3.17 (database version 359),
with one row per language for groups, questions and answers. The import code
of later versions, LimeSurvey 6 included, still reads that layout and
converts it; LimeSurvey 3 does not read the newer layout with separate
translation tables, so the older one is the one that every supported version
imports.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import QuestionnaireExporter

if TYPE_CHECKING:
    from ccpm_core.questionnaire import Questionnaire
    from ccpm_plugins.exporters.limesurvey_structure import LsQuestion, LsSurvey

__all__ = [
    "LSS_DB_VERSION",
    "PLACEHOLDER_SURVEY_ID",
    "LimesurveyLssExporter",
    "ccpm_register_exporters",
    "survey_to_lss",
]

LSS_DB_VERSION = 359
"""Database version that the file declares: LimeSurvey 3.17."""

PLACEHOLDER_SURVEY_ID = 100000
"""Survey id written in the file; LimeSurvey keeps it when free and picks another when not."""

_GROUP_FIELDS = (
    "gid",
    "sid",
    "group_name",
    "group_order",
    "description",
    "language",
    "randomization_group",
    "grelevance",
)
_QUESTION_FIELDS = (
    "qid",
    "parent_qid",
    "sid",
    "gid",
    "type",
    "title",
    "question",
    "preg",
    "help",
    "other",
    "mandatory",
    "question_order",
    "language",
    "scale_id",
    "same_default",
    "relevance",
)
_ANSWER_FIELDS = ("qid", "code", "answer", "sortorder", "assessment_value", "language", "scale_id")
_ATTRIBUTE_FIELDS = ("qid", "attribute", "value", "language")
_LANGUAGE_SETTING_FIELDS = (
    "surveyls_survey_id",
    "surveyls_language",
    "surveyls_title",
    "surveyls_description",
    "surveyls_welcometext",
    "surveyls_endtext",
)

Row = Mapping[str, str | int]


class LimesurveyLssExporter(QuestionnaireExporter):
    """Exporter of the questionnaire as a LimeSurvey ``.lss`` survey structure file."""

    name = "lss"

    def export(self, questionnaire: Questionnaire, language: str | None = None) -> bytes:
        """Return the ``.lss`` file of ``questionnaire`` as UTF-8 XML.

        Every language of the questionnaire is included; ``language``, when
        given, becomes the survey's base language.
        """
        from ccpm_plugins.exporters.limesurvey_structure import build_survey

        return survey_to_lss(build_survey(questionnaire, language))


@hookimpl
def ccpm_register_exporters(register: Callable[[QuestionnaireExporter], None]) -> None:
    """Register the ``lss`` exporter."""
    register(LimesurveyLssExporter())


def survey_to_lss(survey: LsSurvey) -> bytes:
    """Write a survey as a LimeSurvey ``.lss`` document."""
    root = ET.Element("document")
    ET.SubElement(root, "LimeSurveyDocType").text = "Survey"
    ET.SubElement(root, "DBVersion").text = str(LSS_DB_VERSION)
    languages = ET.SubElement(root, "languages")
    for language in survey.languages:
        ET.SubElement(languages, "language").text = language

    rows = _LssRows(survey)
    _add_table(root, "answers", _ANSWER_FIELDS, rows.answers)
    _add_table(root, "groups", _GROUP_FIELDS, rows.groups)
    _add_table(root, "questions", _QUESTION_FIELDS, rows.questions)
    _add_table(root, "subquestions", _QUESTION_FIELDS, rows.subquestions)
    _add_table(root, "question_attributes", _ATTRIBUTE_FIELDS, rows.attributes)
    survey_fields = ("sid", "language", "additional_languages", *survey.settings)
    _add_table(root, "surveys", survey_fields, [_survey_row(survey)])
    _add_table(root, "surveys_languagesettings", _LANGUAGE_SETTING_FIELDS, _language_rows(survey))

    ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


class _LssRows:
    """The table rows of a survey, with the group and question ids they refer to."""

    def __init__(self, survey: LsSurvey) -> None:
        self.groups: list[Row] = []
        self.questions: list[Row] = []
        self.subquestions: list[Row] = []
        self.answers: list[Row] = []
        self.attributes: list[Row] = []
        self._languages = survey.languages
        self._ids = itertools.count(1)

        for group_id, group in enumerate(survey.groups, start=1):
            for language in survey.languages:
                self.groups.append(
                    {
                        "gid": group_id,
                        "sid": PLACEHOLDER_SURVEY_ID,
                        "group_name": group.names[language],
                        "group_order": group_id,
                        "description": "",
                        "language": language,
                        "randomization_group": "",
                        "grelevance": group.relevance,
                    }
                )
            for order, question in enumerate(group.questions, start=1):
                self._add_question(group_id, order, question)

    def _add_question(self, group_id: int, order: int, question: LsQuestion) -> None:
        question_id = next(self._ids)
        for language in self._languages:
            self.questions.append(
                _question_row(
                    question_id=question_id,
                    parent_id=0,
                    group_id=group_id,
                    type_=question.type,
                    code=question.code,
                    text=question.texts[language],
                    help_text=question.help[language],
                    mandatory=question.mandatory,
                    order=order,
                    language=language,
                    relevance=question.relevance,
                )
            )

        for row_order, row in enumerate(question.subquestions, start=1):
            row_id = next(self._ids)
            for language in self._languages:
                self.subquestions.append(
                    _question_row(
                        question_id=row_id,
                        parent_id=question_id,
                        group_id=group_id,
                        type_=question.type,
                        code=row.code,
                        text=row.texts[language],
                        help_text="",
                        mandatory=False,
                        order=row_order,
                        language=language,
                        relevance="1",
                    )
                )

        for sort_order, answer in enumerate(question.answers, start=1):
            for language in self._languages:
                self.answers.append(
                    {
                        "qid": question_id,
                        "code": answer.code,
                        "answer": answer.texts[language],
                        "sortorder": sort_order,
                        "assessment_value": 0,
                        "language": language,
                        "scale_id": 0,
                    }
                )

        for attribute, value in question.attributes.items():
            self.attributes.append(
                {"qid": question_id, "attribute": attribute, "value": value, "language": ""}
            )


def _question_row(
    *,
    question_id: int,
    parent_id: int,
    group_id: int,
    type_: str,
    code: str,
    text: str,
    help_text: str,
    mandatory: bool,
    order: int,
    language: str,
    relevance: str,
) -> Row:
    return {
        "qid": question_id,
        "parent_qid": parent_id,
        "sid": PLACEHOLDER_SURVEY_ID,
        "gid": group_id,
        "type": type_,
        "title": code,
        "question": text,
        "preg": "",
        "help": help_text,
        "other": "N",
        "mandatory": "Y" if mandatory else "N",
        "question_order": order,
        "language": language,
        "scale_id": 0,
        "same_default": 0,
        "relevance": relevance,
    }


def _survey_row(survey: LsSurvey) -> Row:
    return {
        "sid": PLACEHOLDER_SURVEY_ID,
        "language": survey.base_language,
        "additional_languages": " ".join(survey.languages[1:]),
        **survey.settings,
    }


def _language_rows(survey: LsSurvey) -> list[Row]:
    return [
        {
            "surveyls_survey_id": PLACEHOLDER_SURVEY_ID,
            "surveyls_language": language,
            "surveyls_title": survey.titles[language],
            "surveyls_description": "",
            "surveyls_welcometext": "",
            "surveyls_endtext": "",
        }
        for language in survey.languages
    ]


def _add_table(root: ET.Element, name: str, fields: Sequence[str], rows: Sequence[Row]) -> None:
    """Add a table in the ``.lss`` form: its field names, then one element per row."""
    if not rows:
        return
    table = ET.SubElement(root, name)
    field_list = ET.SubElement(table, "fields")
    for field in fields:
        ET.SubElement(field_list, "fieldname").text = field
    row_list = ET.SubElement(table, "rows")
    for row in rows:
        element = ET.SubElement(row_list, "row")
        for field in fields:
            ET.SubElement(element, field).text = str(row[field])
