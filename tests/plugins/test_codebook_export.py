"""Tests of the ``json`` exporter and of the ``ccpm.codebook/1`` document it writes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ccpm_core.errors import QuestionnaireError
from ccpm_core.framework import SECTIONS
from ccpm_core.plugin_api import QuestionnaireExporter
from ccpm_core.plugins import PluginHost
from ccpm_core.questionnaire import (
    Questionnaire,
    codebook,
    questionnaire_from_data,
    standard_questionnaire,
)
from ccpm_plugins.exporters.codebook_json import CodebookJsonExporter

QUESTION_FIELDS = {
    "code",
    "instrument",
    "kind",
    "type",
    "section",
    "item",
    "function",
    "count",
    "organisation_type",
    "label",
    "options",
}
OPTION_FIELDS = {"code", "value", "label", "special"}


def bilingual_questionnaire() -> Questionnaire:
    """Return a small English and French questionnaire with non-ASCII labels."""
    return questionnaire_from_data(
        {
            "schema": "ccpm.questionnaire/1",
            "id": "bilingual",
            "version": "3",
            "languages": ["en", "fr"],
            "title": {"en": "Bilingual", "fr": "Bilingue"},
            "scales": {
                "usefulness": {
                    "options": [
                        {"code": "1", "value": 1, "label": {"en": "Useless", "fr": "Inutile"}},
                        {"code": "4", "value": 4, "label": {"en": "Useful", "fr": "Très utile"}},
                        {
                            "code": "99",
                            "special": "dont_know",
                            "label": {"en": "Don't know", "fr": "Ne sait pas"},
                        },
                    ]
                },
                "instrument": {
                    "options": [
                        {"code": "partner", "label": {"en": "Partner", "fr": "Partenaire"}},
                        {
                            "code": "coordinator",
                            "label": {"en": "Coordinator", "fr": "Coordinateur"},
                        },
                    ]
                },
                "organisation_type": {
                    "options": [{"code": "other", "label": {"en": "Other", "fr": "Autre"}}]
                },
            },
            "items": [
                {"id": "1.1.7", "section": "1.1", "title": {"en": "Useful", "fr": "Utile"}},
            ],
            "questions": [
                {
                    "code": "instrument",
                    "kind": "profile",
                    "scale": "instrument",
                    "label": {"en": "Role", "fr": "Rôle"},
                },
                {
                    "code": "hub",
                    "kind": "profile",
                    "type": "text",
                    "label": {"en": "Hub", "fr": "Antenne"},
                },
                {
                    "code": "organisation_type",
                    "kind": "profile",
                    "scale": "organisation_type",
                    "label": {"en": "Organisation", "fr": "Organisation"},
                },
                {
                    "code": "p115",
                    "instrument": "partner",
                    "kind": "rating",
                    "item": "1.1.7",
                    "scale": "usefulness",
                    "label": {
                        "en": "Are meetings useful?",
                        "fr": "Les réunions sont-elles utiles ?",
                    },
                },
            ],
        }
    )


@pytest.fixture(scope="module")
def exporter() -> QuestionnaireExporter:
    host = PluginHost(["ccpm_plugins.exporters.codebook_json"], load_entry_points=False)
    return host.exporter("json")


@pytest.fixture(scope="module")
def document(exporter: QuestionnaireExporter) -> dict[str, Any]:
    exported = exporter.export(standard_questionnaire())
    decoded: dict[str, Any] = json.loads(exported.decode("utf-8"))
    return decoded


def question_entry(document: dict[str, Any], code: str) -> dict[str, Any]:
    for entry in document["questions"]:
        if entry["code"] == code:
            return entry
    msg = f"no question {code!r} in the codebook"
    raise AssertionError(msg)


def option_entry(question: dict[str, Any], code: str) -> dict[str, Any]:
    for entry in question["options"]:
        if entry["code"] == code:
            return entry
    msg = f"no option {code!r} in question {question['code']!r}"
    raise AssertionError(msg)


# ---------------------------------------------------------------- registration and bytes


def test_exporter_registered_as_json(exporter: QuestionnaireExporter) -> None:
    assert isinstance(exporter, CodebookJsonExporter)
    assert exporter.name == "json"


def test_exporter_is_text(exporter: QuestionnaireExporter) -> None:
    assert exporter.binary is False


def test_export_ends_with_one_newline(exporter: QuestionnaireExporter) -> None:
    exported = exporter.export(standard_questionnaire())
    assert exported.endswith(b"}\n")


def test_export_indented_two_spaces(exporter: QuestionnaireExporter) -> None:
    lines = exporter.export(standard_questionnaire()).decode("utf-8").splitlines()
    assert lines[0] == "{"
    assert lines[1] == '  "schema": "ccpm.codebook/1",'


def test_export_equals_codebook(document: dict[str, Any]) -> None:
    assert document == codebook(standard_questionnaire())


def test_export_keeps_non_ascii(exporter: QuestionnaireExporter) -> None:
    exported = exporter.export(bilingual_questionnaire(), "fr")
    assert "Très utile".encode() in exported
    assert b"\\u00e8" not in exported


def test_export_language_labels(exporter: QuestionnaireExporter) -> None:
    document = json.loads(exporter.export(bilingual_questionnaire(), "fr"))
    question = question_entry(document, "p115")
    assert document["language"] == "fr"
    assert question["label"] == "Les réunions sont-elles utiles ?"
    assert option_entry(question, "99")["label"] == "Ne sait pas"


def test_export_default_language(exporter: QuestionnaireExporter) -> None:
    document = json.loads(exporter.export(bilingual_questionnaire()))
    assert document["language"] == "en"
    assert question_entry(document, "p115")["label"] == "Are meetings useful?"


def test_export_unknown_language(exporter: QuestionnaireExporter) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        exporter.export(standard_questionnaire(), "de")
    assert "'ccpm-standard' has no labels in language 'de'" in str(caught.value)
    assert "choose one of: en, fr, es, ar" in str(caught.value)


# ---------------------------------------------------------------- codebook document


def test_codebook_schema(document: dict[str, Any]) -> None:
    assert document["schema"] == "ccpm.codebook/1"


def test_codebook_questionnaire(document: dict[str, Any]) -> None:
    assert document["questionnaire"] == {"id": "ccpm-standard", "version": "2026.1"}


def test_codebook_language(document: dict[str, Any]) -> None:
    assert document["language"] == "en"


def test_codebook_section_order(document: dict[str, Any]) -> None:
    ids = [section["id"] for section in document["sections"]]
    expected = ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2"]
    assert ids == [*expected, "5", "6", "7"]


def test_codebook_section_functions(document: dict[str, Any]) -> None:
    functions = [section["function"] for section in document["sections"]]
    assert functions == [1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7]


def test_codebook_section_titles(document: dict[str, Any]) -> None:
    titles = [section["title"] for section in document["sections"]]
    assert titles == [section.title for section in SECTIONS.values()]


def test_codebook_section_fields(document: dict[str, Any]) -> None:
    for section in document["sections"]:
        assert set(section) == {"id", "function", "title"}


def test_codebook_question_fields(document: dict[str, Any]) -> None:
    for question in document["questions"]:
        assert set(question) == QUESTION_FIELDS, question["code"]


def test_codebook_option_fields(document: dict[str, Any]) -> None:
    for question in document["questions"]:
        for option in question["options"]:
            assert set(option) == OPTION_FIELDS, (question["code"], option["code"])


def test_codebook_question_order(document: dict[str, Any]) -> None:
    codes = [question["code"] for question in document["questions"]]
    assert codes == [question.code for question in standard_questionnaire().questions]


def test_codebook_rating_question(document: dict[str, Any]) -> None:
    question = question_entry(document, "p121")
    assert question["instrument"] == "partner"
    assert question["kind"] == "rating"
    assert question["type"] == "select_one"
    assert question["section"] == "1.2"
    assert question["item"] == "1.2.2"
    assert question["function"] is None


def test_codebook_rating_options(document: dict[str, Any]) -> None:
    question = question_entry(document, "p121")
    codes = [option["code"] for option in question["options"]]
    assert codes == ["0", "1", "2", "3", "4", "999", "9999"]


def test_codebook_scored_option(document: dict[str, Any]) -> None:
    option = option_entry(question_entry(document, "c221"), "4")
    assert option == {"code": "4", "value": 4, "label": "Yes", "special": None}


def test_codebook_special_options(document: dict[str, Any]) -> None:
    question = question_entry(document, "p121")
    assert option_entry(question, "999")["special"] == "not_done"
    assert option_entry(question, "999")["value"] is None
    assert option_entry(question, "9999")["special"] == "not_applicable"
    assert option_entry(question, "9999")["value"] is None


def test_codebook_dont_know_option(document: dict[str, Any]) -> None:
    option = option_entry(question_entry(document, "p116"), "99")
    assert option == {"code": "99", "value": None, "label": "Don't know", "special": "dont_know"}


def test_codebook_section_five(document: dict[str, Any]) -> None:
    assert question_entry(document, "c53")["section"] == "5"


def test_codebook_profile_question(document: dict[str, Any]) -> None:
    question = question_entry(document, "organisation_type")
    assert question["instrument"] is None
    assert question["kind"] == "profile"
    assert question["section"] is None
    assert len(question["options"]) == 8
    assert option_entry(question, "donor")["value"] is None


def test_codebook_count_question(document: dict[str, Any]) -> None:
    question = question_entry(document, "c_attending_donor")
    assert question["instrument"] == "coordinator"
    assert question["type"] == "decimal"
    assert question["options"] == []


def test_codebook_comment_question(document: dict[str, Any]) -> None:
    question = question_entry(document, "c_comment_5")
    assert question["kind"] == "comment"
    assert question["function"] == 5
    assert question["section"] is None
    assert question["options"] == []


def test_codebook_no_scored_special(document: dict[str, Any]) -> None:
    scored_specials = [
        (question["code"], option["code"])
        for question in document["questions"]
        for option in question["options"]
        if option["special"] is not None and option["value"] is not None
    ]
    assert scored_specials == []


def test_codebook_count_question_fields(document: dict[str, Any]) -> None:
    by_code = {question["code"]: question for question in document["questions"]}

    assert by_code["c_orgs_un_agency"]["count"] == "organisations"
    assert by_code["c_orgs_un_agency"]["organisation_type"] == "un_agency"
    assert by_code["c_attending_donor"]["count"] == "attending"
    assert by_code["p111"]["count"] is None
