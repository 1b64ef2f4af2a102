"""Select_multiple in LimeSurvey: multiple choice in the .lss and .txt, and exports read back."""

from __future__ import annotations

import copy
import csv
import io
import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ccpm_core.errors import InputError
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import Questionnaire, Scale, questionnaire_from_data
from ccpm_core.responses import NO_ANSWER, NOT_SELECTED, SELECTED, ResponseSet
from ccpm_plugins.exporters.limesurvey_lss import LimesurveyLssExporter
from ccpm_plugins.exporters.limesurvey_structure import build_survey
from ccpm_plugins.exporters.limesurvey_txt import LimesurveyTxtExporter
from ccpm_plugins.sources.limesurvey.codes import (
    LimeSurveyCodes,
    assign_question_codes,
    choice_codes,
)
from ccpm_plugins.sources.limesurvey.export_files import records_to_table
from ccpm_plugins.sources.limesurvey.responses import ResponseMapper
from ccpm_plugins.sources.limesurvey.source import LimesurveySource

CORPUS_QUESTIONNAIRE = Path(__file__).parents[2] / "corpus" / "questionnaire.yaml"
COMPLETE = "2026-11-02 09:10:00"


@cache
def _corpus_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CORPUS_QUESTIONNAIRE.read_text(encoding="utf-8"))
    return data


def _corpus(sector_codes: tuple[str, ...] | None = None) -> Questionnaire:
    """Return the corpus questionnaire, with other option codes for ``sectors`` if given."""
    data = copy.deepcopy(_corpus_data())
    if sector_codes is not None:
        options = data["scales"]["sectors"]["options"]
        for option, code in zip(options, sector_codes, strict=True):
            option["code"] = code
    return questionnaire_from_data(data, source="corpus questionnaire")


def _scale(*codes: str) -> Scale:
    return Scale.model_validate(
        {
            "options": [
                {"code": code, "label": {"en": f"Option {position}"}}
                for position, code in enumerate(codes, start=1)
            ]
        }
    )


# --- Subquestion codes ---------------------------------------------------------


def test_choice_codes_kept() -> None:
    assert choice_codes(_scale("health", "wash", "SQ9")) == {
        "health": "health",
        "wash": "wash",
        "SQ9": "SQ9",
    }


def test_choice_codes_digits_kept() -> None:
    assert choice_codes(_scale("1", "2")) == {"1": "1", "2": "2"}


def test_choice_codes_underscore_numbered() -> None:
    assert choice_codes(_scale("health", "food_security")) == {
        "health": "SQ001",
        "food_security": "SQ002",
    }


@pytest.mark.parametrize("reserved", ["other", "Time", "comment"])
def test_choice_codes_reserved_numbered(reserved: str) -> None:
    assert choice_codes(_scale("health", reserved))[reserved] == "SQ002"


def test_choice_codes_case_clash_numbered() -> None:
    assert choice_codes(_scale("wash", "WASH")) == {"wash": "SQ001", "WASH": "SQ002"}


def test_choice_codes_too_long_numbered() -> None:
    long_code = "a" * 21
    assert choice_codes(_scale(long_code))[long_code] == "SQ001"


_CODE_TEXT = st.text(alphabet=st.sampled_from("abcXYZ019_-. é"), min_size=1, max_size=24).map(
    str.strip
)


@given(st.lists(_CODE_TEXT.filter(bool), min_size=1, max_size=12, unique=True))
@settings(max_examples=200, deadline=None)
def test_choice_codes_round_trip(option_codes: list[str]) -> None:
    try:
        scale = _scale(*option_codes)
    except ValidationError:
        assume(False)
        raise
    encoded = choice_codes(scale)
    subquestion_codes = list(encoded.values())

    assert len({code.casefold() for code in subquestion_codes}) == len(option_codes)
    for code in subquestion_codes:
        assert re.fullmatch(r"[A-Za-z0-9]{1,20}", code)
        assert code.casefold() not in {"time", "other", "comment"}

    codes = LimeSurveyCodes(assign_question_codes([]), {}, {"sectors": encoded})
    for option, code in encoded.items():
        assert codes.option_for_choice("sectors", code.lower()) == option


def test_codes_decode_choice() -> None:
    codes = LimeSurveyCodes.for_questionnaire(_corpus())
    assert codes.option_for_choice("sectors", "sq003") == "food_security"


def test_codes_unknown_choice_none() -> None:
    codes = LimeSurveyCodes.for_questionnaire(_corpus())
    assert codes.option_for_choice("sectors", "SQ004") is None


# --- Survey structure ----------------------------------------------------------


def test_structure_multiple_choice() -> None:
    survey = build_survey(_corpus())
    question = next(q for g in survey.groups for q in g.questions if q.code == "sectors")
    assert question.type == "M"
    assert [row.code for row in question.subquestions] == ["SQ001", "SQ002", "SQ003"]
    assert question.answers == ()


def test_structure_choice_texts() -> None:
    survey = build_survey(_corpus())
    question = next(q for g in survey.groups for q in g.questions if q.code == "sectors")
    assert question.subquestions[1].texts == {
        "en": "Water, sanitation and hygiene",
        "fr": "Eau, assainissement et hygiène",
    }
    assert question.texts == {"en": "Sectors", "fr": "Secteurs"}


def test_structure_codes_kept() -> None:
    survey = build_survey(_corpus(("health", "wash", "food")))
    question = next(q for g in survey.groups for q in g.questions if q.code == "sectors")
    assert [row.code for row in question.subquestions] == ["health", "wash", "food"]


def _lss_rows(root: ET.Element, table: str) -> list[dict[str, str]]:
    return [{c.tag: c.text or "" for c in row} for row in root.findall(f"{table}/rows/row")]


def test_lss_multiple_choice() -> None:
    root = ET.fromstring(LimesurveyLssExporter().export(_corpus()))
    questions = [row for row in _lss_rows(root, "questions") if row["title"] == "sectors"]
    assert [(row["type"], row["language"]) for row in questions] == [("M", "en"), ("M", "fr")]

    qid = questions[0]["qid"]
    subquestions = [row for row in _lss_rows(root, "subquestions") if row["parent_qid"] == qid]
    english = [(row["title"], row["question"]) for row in subquestions if row["language"] == "en"]
    assert english == [
        ("SQ001", "Health"),
        ("SQ002", "Water, sanitation and hygiene"),
        ("SQ003", "Food security"),
    ]
    french = [row["question"] for row in subquestions if row["language"] == "fr"]
    assert french == ["Santé", "Eau, assainissement et hygiène", "Sécurité alimentaire"]
    assert [row for row in _lss_rows(root, "answers") if row["qid"] == qid] == []


def test_txt_multiple_choice() -> None:
    text = LimesurveyTxtExporter().export(_corpus()).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t"))
    start = next(
        index
        for index, row in enumerate(rows)
        if row["class"] == "Q" and row["name"] == "sectors" and row["language"] == "fr"
    )
    assert rows[start]["type/scale"] == "M"
    following = rows[start + 1 : start + 4]
    assert [(row["class"], row["name"]) for row in following] == [
        ("SQ", "SQ001"),
        ("SQ", "SQ002"),
        ("SQ", "SQ003"),
    ]
    assert following[2]["text"] == "Sécurité alimentaire"
    assert rows[start + 4]["class"] in ("Q", "G")


# --- Exports read back ---------------------------------------------------------


def _record(instrument: str, **answers: str) -> dict[str, str]:
    record = {
        "id": "1",
        "submitdate": COMPLETE,
        "lastpage": "3",
        "startlanguage": "en",
        "seed": "7",
        "instrument": instrument,
        "hub": "",
        "organisationtype": "ingo",
    }
    record.update(answers)
    return record


def _mapped(*records: dict[str, str]) -> ResponseSet:
    questionnaire = _corpus()
    table = records_to_table(list(records), "export.csv")
    raw = ResponseMapper(questionnaire).raw_responses(table, include_incomplete=False)
    return normalise_responses(raw, questionnaire)


def _selections(responses: ResponseSet) -> list[list[int]]:
    rows: list[list[int]] = responses.selections["sectors"].tolist()
    return rows


def test_export_code_headings_read_back() -> None:
    responses = _mapped(
        _record("partner", **{"sectors[SQ001]": "Y", "sectors[SQ002]": "Y", "sectors[SQ003]": ""}),
        _record("partner", **{"sectors[SQ001]": "", "sectors[SQ002]": "", "sectors[SQ003]": "Y"}),
        _record(
            "coordinator", **{"sectors[SQ001]": "", "sectors[SQ002]": "", "sectors[SQ003]": ""}
        ),
    )
    assert _selections(responses) == [
        [SELECTED, SELECTED, NOT_SELECTED],
        [NOT_SELECTED, NOT_SELECTED, SELECTED],
        [NO_ANSWER, NO_ANSWER, NO_ANSWER],
    ]


def test_export_y_converted_to_1() -> None:
    responses = _mapped(
        _record("partner", **{"sectors[SQ001]": "1", "sectors[SQ002]": "", "sectors[SQ003]": ""}),
    )
    assert _selections(responses) == [[SELECTED, NOT_SELECTED, NOT_SELECTED]]


def test_export_expression_headings() -> None:
    responses = _mapped(_record("partner", sectors_SQ002="Y", sectors_SQ003=""))
    assert _selections(responses) == [[NO_ANSWER, SELECTED, NOT_SELECTED]]


def test_export_choice_sources() -> None:
    questionnaire = _corpus()
    table = records_to_table([_record("partner", **{"sectors[SQ002]": "Y"})], "export.csv")
    raw = ResponseMapper(questionnaire).raw_responses(table, include_incomplete=False)
    assert raw.column_sources["sectors/wash"] == "sectors[SQ002]"


def test_export_bad_choice_value() -> None:
    responses = _mapped(
        _record("partner", **{"sectors[SQ001]": "X", "sectors[SQ002]": "Y", "sectors[SQ003]": ""}),
    )
    assert _selections(responses) == [[NO_ANSWER, SELECTED, NOT_SELECTED]]
    [unrecognised] = responses.quality.unrecognised_values
    assert unrecognised.column == "sectors[SQ001]"
    assert unrecognised.value == "X"


def test_export_unknown_choice_column() -> None:
    questionnaire = _corpus()
    table = records_to_table([_record("partner", **{"sectors[SQ009]": "Y"})], "export.csv")
    raw = ResponseMapper(questionnaire).raw_responses(table, include_incomplete=False)
    assert "sectors[SQ009]" in raw.table.columns


def test_export_duplicate_choice_rejected() -> None:
    questionnaire = _corpus()
    record = _record("partner", **{"sectors[SQ001]": "Y", "sectors_SQ001": "Y"})
    table = records_to_table([record], "export.csv")
    with pytest.raises(InputError, match="choice 'health' of question 'sectors'"):
        ResponseMapper(questionnaire).raw_responses(table, include_incomplete=False)


def test_source_reads_csv_export(tmp_path: Path) -> None:
    path = tmp_path / "results-survey123456.csv"
    header = [*_record("partner"), "sectors[SQ001]", "sectors[SQ002]", "sectors[SQ003]"]
    lines = [
        ",".join(f'"{heading}"' for heading in header),
        ",".join(f'"{value}"' for value in [*_record("partner").values(), "Y", "", "Y"]),
        ",".join(f'"{value}"' for value in [*_record("coordinator").values(), "", "", ""]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    questionnaire = _corpus()
    request = SourceRequest(questionnaire=questionnaire, location=str(path))
    responses = normalise_responses(LimesurveySource().read(request), questionnaire)
    assert responses.selection_counts("sectors") == {"health": 1, "wash": 0, "food_security": 1}
    assert _selections(responses)[1] == [NO_ANSWER, NO_ANSWER, NO_ANSWER]


def test_export_full_headings_read_back() -> None:
    responses = _mapped(
        _record(
            "partner",
            **{
                "Sectors [Health]": "Y",
                "Secteurs [Eau, assainissement et hygiène]": "",
                "Sectors [Food security]": "Y",
            },
        ),
    )
    assert _selections(responses) == [[SELECTED, NOT_SELECTED, SELECTED]]
