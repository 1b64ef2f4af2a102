"""The ``limesurvey-txt`` questionnaire exporter: LimeSurvey's tab-separated survey format.

LimeSurvey imports this text file like an ``.lss`` file (Surveys > Import,
file ending ``.txt``), and it can be edited in a spreadsheet first. Each row
has a ``class``: ``S`` for a survey setting, ``SL`` for a setting of one
language, ``G`` for a group, ``Q`` for a question, ``SQ`` for a subquestion and
``A`` for an answer option. As in LimeSurvey's own export, the groups,
questions and answers are written once per language; LimeSurvey's importer
(``TSVImportSurvey``) joins the rows of one group by its number in
``type/scale`` and the rows of one question by its code.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import QuestionnaireExporter

if TYPE_CHECKING:
    from ccpm_core.questionnaire import Questionnaire
    from ccpm_plugins.exporters.limesurvey_structure import LsGroup, LsSurvey

__all__ = ["TSV_COLUMNS", "LimesurveyTxtExporter", "ccpm_register_exporters", "survey_to_tsv"]

TSV_COLUMNS: tuple[str, ...] = (
    "id",
    "related_id",
    "class",
    "type/scale",
    "name",
    "relevance",
    "text",
    "help",
    "language",
    "validation",
    "mandatory",
    "other",
    "default",
    "same_default",
    "min_num_value_n",
    "num_value_int_only",
)
"""The columns LimeSurvey's tab-separated format names, and the question attributes used here.

A column that is not a base column of the format is read as a question
attribute of that name, so only attributes that the survey sets are listed.
"""


class LimesurveyTxtExporter(QuestionnaireExporter):
    """Exporter of the questionnaire in LimeSurvey's tab-separated survey format."""

    name = "limesurvey-txt"

    def export(self, questionnaire: Questionnaire, language: str | None = None) -> bytes:
        """Return the tab-separated survey of ``questionnaire`` as UTF-8 text.

        Every language of the questionnaire is included; ``language``, when
        given, becomes the survey's base language.
        """
        from ccpm_plugins.exporters.limesurvey_structure import build_survey

        return survey_to_tsv(build_survey(questionnaire, language))


@hookimpl
def ccpm_register_exporters(register: Callable[[QuestionnaireExporter], None]) -> None:
    """Register the ``limesurvey-txt`` exporter."""
    register(LimesurveyTxtExporter())


def survey_to_tsv(survey: LsSurvey) -> bytes:
    """Write a survey in LimeSurvey's tab-separated format, one header row first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=TSV_COLUMNS,
        delimiter="\t",
        lineterminator="\n",
        restval="",
        extrasaction="raise",
    )
    writer.writeheader()

    writer.writerow({"class": "S", "name": "language", "text": survey.base_language})
    writer.writerow(
        {"class": "S", "name": "additional_languages", "text": " ".join(survey.languages[1:])}
    )
    for setting, value in survey.settings.items():
        writer.writerow({"class": "S", "name": setting, "text": value})
    for language in survey.languages:
        writer.writerow(
            {
                "class": "SL",
                "name": "surveyls_title",
                "text": survey.titles[language],
                "language": language,
            }
        )

    first_language = survey.languages[0]
    for language in survey.languages:
        for number, group in enumerate(survey.groups, start=1):
            for row in _group_rows(group, number, language, language == first_language):
                writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def _group_rows(
    group: LsGroup, number: int, language: str, with_attributes: bool
) -> list[Mapping[str, str]]:
    """Return the rows of one group in one language; attributes go on the first language only."""
    rows: list[Mapping[str, str]] = [
        {
            "class": "G",
            "type/scale": str(number),
            "name": group.names[language],
            "relevance": group.relevance,
            "language": language,
        }
    ]
    for question in group.questions:
        row = {
            "class": "Q",
            "type/scale": question.type,
            "name": question.code,
            "relevance": question.relevance,
            "text": question.texts[language],
            "help": question.help[language],
            "language": language,
            "mandatory": "Y" if question.mandatory else "N",
            "other": "N",
        }
        if with_attributes:
            row.update(question.attributes)
        rows.append(row)
        rows.extend(
            {
                "class": "SQ",
                "type/scale": "0",
                "name": subquestion.code,
                "relevance": "1",
                "text": subquestion.texts[language],
                "language": language,
            }
            for subquestion in question.subquestions
        )
        rows.extend(
            {
                "class": "A",
                "type/scale": "0",
                "name": answer.code,
                "text": answer.texts[language],
                "language": language,
            }
            for answer in question.answers
        )
    return rows
