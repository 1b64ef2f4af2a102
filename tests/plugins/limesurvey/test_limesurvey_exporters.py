"""The .lss and tab-separated LimeSurvey exports, checked by parsing what they write."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from limesurvey_questionnaires import bilingual_questionnaire, small_questionnaire

from ccpm_core.errors import QuestionnaireError
from ccpm_core.questionnaire import Questionnaire, standard_questionnaire
from ccpm_plugins.cli.main import main
from ccpm_plugins.exporters.limesurvey_lss import LSS_DB_VERSION, LimesurveyLssExporter
from ccpm_plugins.exporters.limesurvey_txt import LimesurveyTxtExporter
from ccpm_plugins.sources.limesurvey.codes import LimeSurveyCodes, split_heading

PARTNER_ONLY = 'instrument.NAOK == "AO01"'
COORDINATOR_ONLY = 'instrument.NAOK == "AO02"'


def lss_tables(questionnaire: Questionnaire, language: str | None = None) -> ET.Element:
    return ET.fromstring(LimesurveyLssExporter().export(questionnaire, language))


def rows(root: ET.Element, table: str, language: str | None = "en") -> list[dict[str, str]]:
    """Return a table's rows; rows of other languages are left out unless ``language`` is None."""
    found = [{c.tag: c.text or "" for c in row} for row in root.findall(f"{table}/rows/row")]
    return [
        row for row in found if language is None or row.get("language", language) in (language, "")
    ]


def tsv_rows(questionnaire: Questionnaire) -> list[dict[str, str]]:
    text = LimesurveyTxtExporter().export(questionnaire).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def decoded_codes(questionnaire: Questionnaire, titles: dict[str, list[str]]) -> list[str]:
    """Decode question titles and their subquestion titles back to codebook codes."""
    codes = LimeSurveyCodes.for_questionnaire(questionnaire).questions
    found: list[str] = []
    for title, subquestions in titles.items():
        headings = [f"{title}[{sub}]" for sub in subquestions] or [title]
        for heading in headings:
            code = codes.question_for_heading(heading)
            assert code is not None, heading
            found.append(code)
    return found


# --- .lss ---


def test_lss_declares_document() -> None:
    root = lss_tables(standard_questionnaire())

    assert root.tag == "document"
    assert root.findtext("LimeSurveyDocType") == "Survey"
    assert root.findtext("DBVersion") == str(LSS_DB_VERSION)


def test_lss_holds_standard_languages() -> None:
    root = lss_tables(standard_questionnaire())

    assert [e.text for e in root.findall("languages/language")] == ["en", "fr", "es", "ar"]
    names = {r["language"] for r in rows(root, "groups", language=None)}
    assert names == {"en", "fr", "es", "ar"}


def test_lss_holds_every_language() -> None:
    root = lss_tables(bilingual_questionnaire())

    assert [e.text for e in root.findall("languages/language")] == ["en", "fr"]
    survey = rows(root, "surveys", language=None)[0]
    assert survey["language"] == "en"
    assert survey["additional_languages"] == "fr"
    titles = {
        r["surveyls_language"]: r["surveyls_title"]
        for r in rows(root, "surveys_languagesettings", language=None)
    }
    assert titles["fr"].startswith("FR ")


def test_lss_base_language_chosen() -> None:
    root = lss_tables(bilingual_questionnaire(), "fr")

    survey = rows(root, "surveys", language=None)[0]
    assert survey["language"] == "fr"
    assert survey["additional_languages"] == "en"


def test_lss_unknown_language_rejected() -> None:
    with pytest.raises(QuestionnaireError, match="'de'"):
        LimesurveyLssExporter().export(standard_questionnaire(), "de")


def test_lss_question_rows_per_language() -> None:
    root = lss_tables(bilingual_questionnaire())

    texts = {
        r["language"]: r["question"]
        for r in rows(root, "questions", language=None)
        if r["title"] == "p111"
    }
    assert texts["en"] == "How satisfied are you with how often the cluster meets?"
    assert texts["fr"] == "FR How satisfied are you with how often the cluster meets?"


def test_lss_codes_round_trip() -> None:
    questionnaire = standard_questionnaire()
    root = lss_tables(questionnaire)
    questions = [r for r in rows(root, "questions") if r["language"] == "en"]
    subquestions = [r for r in rows(root, "subquestions") if r["language"] == "en"]

    titles = {
        q["title"]: [s["title"] for s in subquestions if s["parent_qid"] == q["qid"]]
        for q in questions
    }
    assert sorted(decoded_codes(questionnaire, titles)) == sorted(
        q.code for q in questionnaire.questions
    )


def test_lss_matrix_is_array() -> None:
    root = lss_tables(standard_questionnaire())
    question = next(r for r in rows(root, "questions") if r["title"] == "p222")
    subquestions = [r for r in rows(root, "subquestions") if r["parent_qid"] == question["qid"]]

    assert question["type"] == "F"
    assert question["question"] == "How well did the cluster's situation analyses identify …"
    assert [s["title"] for s in subquestions] == ["1", "2", "3", "4", "5"]
    assert subquestions[0]["question"] == "risks?"


def test_lss_answers_include_special() -> None:
    root = lss_tables(standard_questionnaire())
    question = next(r for r in rows(root, "questions") if r["title"] == "p212")
    answers = [r for r in rows(root, "answers") if r["qid"] == question["qid"]]

    assert [a["code"] for a in answers] == ["A0", "A1", "A2", "A3", "A4", "A999", "A9999"]
    assert answers[5]["answer"] == "Not done / does not exist"
    assert answers[6]["answer"] == "Not applicable"
    assert [a["sortorder"] for a in answers] == ["1", "2", "3", "4", "5", "6", "7"]


def test_lss_array_answers_on_parent() -> None:
    root = lss_tables(standard_questionnaire())
    question = next(r for r in rows(root, "questions") if r["title"] == "p222")
    answers = [r["code"] for r in rows(root, "answers") if r["qid"] == question["qid"]]

    assert answers == ["A1", "A2", "A3", "A4", "A99"]


def test_lss_instrument_question_routes() -> None:
    root = lss_tables(standard_questionnaire())
    question = next(r for r in rows(root, "questions") if r["title"] == "instrument")
    answers = {r["code"]: r["answer"] for r in rows(root, "answers") if r["qid"] == question["qid"]}

    assert question["mandatory"] == "Y"
    assert question["relevance"] == "1"
    assert answers == {"AO01": "Cluster partner", "AO02": "Cluster coordinator"}


def test_lss_relevance_by_instrument() -> None:
    questionnaire = standard_questionnaire()
    root = lss_tables(questionnaire)
    codes = LimeSurveyCodes.for_questionnaire(questionnaire).questions
    relevance = {r["title"]: r["relevance"] for r in rows(root, "questions")}

    for question in questionnaire.questions:
        expected = {
            None: "1",
            "partner": PARTNER_ONLY,
            "coordinator": COORDINATOR_ONLY,
        }[None if question.instrument is None else question.instrument.value]
        title = split_heading(codes.heading(question.code))
        assert title is not None
        assert relevance[title[0]] == expected, question.code


def test_lss_group_relevance() -> None:
    root = lss_tables(standard_questionnaire())
    groups = rows(root, "groups")

    assert groups[0]["grelevance"] == "1"
    assert groups[1]["group_name"] == "1. Supporting service delivery"
    assert groups[1]["grelevance"] == PARTNER_ONLY
    assert groups[-1]["grelevance"] == COORDINATOR_ONLY


def test_lss_questions_reference_groups() -> None:
    root = lss_tables(standard_questionnaire())
    group_ids = {r["gid"] for r in rows(root, "groups")}

    for table in ("questions", "subquestions"):
        for row in rows(root, table):
            assert row["gid"] in group_ids


def test_lss_count_attributes() -> None:
    root = lss_tables(standard_questionnaire())
    question = next(r for r in rows(root, "questions") if r["title"] == "corgsdonor")
    attributes = {
        r["attribute"]: r["value"]
        for r in rows(root, "question_attributes")
        if r["qid"] == question["qid"]
    }

    assert question["type"] == "N"
    assert attributes == {"num_value_int_only": "1", "min_num_value_n": "0"}


def test_lss_anonymous_settings() -> None:
    survey = rows(lss_tables(standard_questionnaire()), "surveys", language=None)[0]

    assert survey["anonymized"] == "Y"
    assert survey["ipaddr"] == "N"
    assert survey["refurl"] == "N"
    assert survey["datestamp"] == "N"


def test_lss_escapes_markup() -> None:
    data = small_questionnaire().model_dump(by_alias=True)
    data["questions"][1]["label"] = {"en": "Hub <b>name</b> & area\nsecond line"}
    from ccpm_core.questionnaire import questionnaire_from_data

    root = lss_tables(questionnaire_from_data(data))
    hub = next(r for r in rows(root, "questions") if r["title"] == "hub")

    assert hub["question"] == "Hub &lt;b&gt;name&lt;/b&gt; &amp; area<br />second line"


# --- tab-separated text ---


def test_tsv_settings_and_languages() -> None:
    table = tsv_rows(bilingual_questionnaire())
    settings = {r["name"]: r["text"] for r in table if r["class"] == "S"}

    assert settings["language"] == "en"
    assert settings["additional_languages"] == "fr"
    assert settings["anonymized"] == "Y"
    assert {r["language"] for r in table if r["class"] == "SL"} == {"en", "fr"}


def test_tsv_structure_per_language() -> None:
    table = tsv_rows(bilingual_questionnaire())

    for language in ("en", "fr"):
        groups = [r for r in table if r["class"] == "G" and r["language"] == language]
        assert [g["type/scale"] for g in groups] == [str(n) for n in range(1, len(groups) + 1)]
    questions = [r for r in table if r["class"] == "Q"]
    assert len([q for q in questions if q["language"] == "en"]) == len(
        [q for q in questions if q["language"] == "fr"]
    )


def test_tsv_codes_round_trip() -> None:
    questionnaire = standard_questionnaire()
    titles: dict[str, list[str]] = {}
    current = ""
    for row in tsv_rows(questionnaire):
        if row["class"] == "Q":
            current = row["name"]
            titles[current] = []
        elif row["class"] == "SQ":
            titles[current].append(row["name"])

    assert sorted(decoded_codes(questionnaire, titles)) == sorted(
        q.code for q in questionnaire.questions
    )


def test_tsv_answers_and_relevance() -> None:
    table = tsv_rows(standard_questionnaire())
    position = next(i for i, r in enumerate(table) if r["class"] == "Q" and r["name"] == "c111")
    answers = []
    for row in table[position + 1 :]:
        if row["class"] != "A":
            break
        answers.append(row["name"])

    assert table[position]["relevance"] == COORDINATOR_ONLY
    assert table[position]["type/scale"] == "L"
    assert answers == ["A0", "A1", "A2", "A3", "A4"]


def test_tsv_attributes_first_language_only() -> None:
    table = tsv_rows(bilingual_questionnaire())
    counts = [r for r in table if r["class"] == "Q" and r["name"] == "corgsdonor"]

    assert [r["num_value_int_only"] for r in counts] == ["1", ""]


# --- command line ---


@pytest.mark.parametrize(("name", "start"), [("lss", b"<?xml"), ("limesurvey-txt", b"id\t")])
def test_cli_exports_format(name: str, start: bytes, tmp_path: Path) -> None:
    output = tmp_path / f"ccpm.{name}"

    main(["questionnaire", "export", "--format", name, "-o", str(output)])

    assert output.read_bytes().startswith(start)
