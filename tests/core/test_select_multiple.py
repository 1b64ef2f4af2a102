"""Select_multiple questions: the questionnaire rules and how answers are matched and counted."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest_questionnaire import small_questionnaire_data

from ccpm_core.errors import QuestionnaireError
from ccpm_core.normalise import header_question, normalise_responses
from ccpm_core.questionnaire import Questionnaire, codebook, questionnaire_from_data
from ccpm_core.responses import NO_ANSWER, NOT_SELECTED, SELECTED, RawResponses, ResponseSet

SECTORS = {
    "options": [
        {"code": "health", "label": {"en": "Health", "fr": "Santé"}},
        {"code": "wash", "label": {"en": "WASH", "fr": "EHA"}},
        {"code": "shelter", "label": {"en": "Shelter", "fr": "Abris"}},
    ]
}


def _data(**question: Any) -> dict[str, Any]:
    data = copy.deepcopy(small_questionnaire_data())
    data["scales"]["sectors"] = SECTORS
    entry = {
        "code": "sectors",
        "kind": "profile",
        "type": "select_multiple",
        "label": {"en": "Sectors", "fr": "Secteurs"},
        "scale": "sectors",
    }
    entry.update(question)
    data["questions"].append(entry)
    return data


def _questionnaire(**question: Any) -> Questionnaire:
    return questionnaire_from_data(_data(**question), source="sectors questionnaire")


def _normalise(
    header: Sequence[str], rows: Sequence[Sequence[str]], questionnaire: Questionnaire | None = None
) -> ResponseSet:
    table = pd.DataFrame([list(row) for row in rows], columns=list(header), dtype=object)
    raw = RawResponses(source="test.csv", table=table, row_numbers=range(2, len(rows) + 2))
    return normalise_responses(raw, questionnaire or _questionnaire())


def _rows(responses: ResponseSet) -> list[list[int]]:
    rows: list[list[int]] = responses.selections["sectors"].tolist()
    return rows


# --- Questionnaire -----------------------------------------------------------


def test_questionnaire_accepts_select_multiple() -> None:
    question = _questionnaire().question("sectors")
    assert question.is_select


def test_questionnaire_select_multiple_needs_scale() -> None:
    with pytest.raises(QuestionnaireError, match="must name a 'scale'"):
        _questionnaire(scale=None)


def test_questionnaire_select_multiple_not_rating() -> None:
    with pytest.raises(QuestionnaireError, match="must have type select_one"):
        _questionnaire(kind="rating", item="1.1.1")


def test_questionnaire_select_multiple_not_comment() -> None:
    with pytest.raises(QuestionnaireError, match="comment question 'sectors' needs"):
        _questionnaire(kind="comment", function=1)


def test_questionnaire_profile_codes_single_answer() -> None:
    data = _data()
    instrument = next(q for q in data["questions"] if q["code"] == "organisation_type")
    instrument["type"] = "select_multiple"
    with pytest.raises(QuestionnaireError, match="'organisation_type' must take one answer"):
        questionnaire_from_data(data)


def test_codebook_lists_select_multiple_options() -> None:
    entry = next(q for q in codebook(_questionnaire())["questions"] if q["code"] == "sectors")
    assert entry["type"] == "select_multiple"
    assert [option["code"] for option in entry["options"]] == ["health", "wash", "shelter"]


# --- Headers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["sectors", "grp/sectors", "sectors/wash", "grp.sectors.wash", "SECTORS/WASH"]
)
def test_header_question_select_multiple(header: str) -> None:
    question = header_question(_questionnaire())(header)
    assert question is not None
    assert question.code == "sectors"


def test_header_question_unknown() -> None:
    assert header_question(_questionnaire())("sectors_comment") is None


# --- Answers -----------------------------------------------------------------


def test_selection_space_separated() -> None:
    responses = _normalise(["instrument", "sectors"], [["partner", "health wash"]])
    assert _rows(responses) == [[SELECTED, SELECTED, NOT_SELECTED]]


def test_selection_labels_with_commas() -> None:
    responses = _normalise(["instrument", "sectors"], [["partner", "Santé; Abris"]])
    assert _rows(responses) == [[SELECTED, NOT_SELECTED, SELECTED]]


def test_selection_arabic_comma() -> None:
    responses = _normalise(["instrument", "sectors"], [["partner", "health\u060c shelter"]])
    assert _rows(responses) == [[SELECTED, NOT_SELECTED, SELECTED]]


def test_selection_empty_and_na_missing() -> None:
    responses = _normalise(["instrument", "sectors"], [["partner", ""], ["partner", "N/A"]])
    assert _rows(responses) == [[NO_ANSWER] * 3, [NO_ANSWER] * 3]


def test_selection_repeated_counted_once() -> None:
    responses = _normalise(["instrument", "sectors"], [["partner", "health Health health"]])
    assert responses.selection_counts("sectors") == {"health": 1, "wash": 0, "shelter": 0}


def test_selection_unrecognised_listed() -> None:
    responses = _normalise(["instrument", "sectors"], [["partner", "health nutrition"]])
    assert _rows(responses) == [[SELECTED, NOT_SELECTED, NOT_SELECTED]]
    unrecognised = responses.quality.unrecognised_values
    assert [(u.column, u.value, u.rows) for u in unrecognised] == [
        ("sectors", "health nutrition", (2,))
    ]


def test_selection_split_columns() -> None:
    header = ["instrument", "sectors/health", "sectors/wash", "sectors/shelter"]
    rows = [["partner", "1", "0", "n/a"], ["partner", "FALSE", "VRAI", "1.0"]]
    responses = _normalise(header, rows)
    assert _rows(responses) == [
        [SELECTED, NOT_SELECTED, NO_ANSWER],
        [NOT_SELECTED, SELECTED, SELECTED],
    ]


def test_selection_split_flag_unrecognised() -> None:
    responses = _normalise(["instrument", "sectors/wash"], [["partner", "maybe"]])
    unrecognised = responses.quality.unrecognised_values
    assert [(u.column, u.value) for u in unrecognised] == [("sectors/wash", "maybe")]
    assert _rows(responses) == [[NO_ANSWER, NO_ANSWER, NO_ANSWER]]


def test_selection_summary_and_split_combined() -> None:
    header = ["instrument", "sectors", "sectors/health", "sectors/wash"]
    responses = _normalise(header, [["partner", "health", "1", "1"]])
    assert responses.selection_counts("sectors") == {"health": 1, "wash": 1, "shelter": 0}


def test_selection_split_column_twice() -> None:
    header = ["instrument", "sectors/wash", "grp/sectors/wash"]
    with pytest.raises(ValueError, match="both answer the same choice of question 'sectors'"):
        _normalise(header, [["partner", "1", "0"]])


def test_selection_other_instrument_dropped() -> None:
    questionnaire = _questionnaire(instrument="partner")
    rows = [["partner", "wash"], ["coordinator", "health"]]
    responses = _normalise(["instrument", "sectors"], rows, questionnaire)
    assert _rows(responses)[1] == [NO_ANSWER] * 3
    assert any("from coordinator rows" in note for note in responses.quality.notes)


def test_selection_not_missing_question() -> None:
    responses = _normalise(["instrument", "sectors/wash"], [["partner", "1"]])
    assert "sectors" not in responses.quality.missing_questions


def test_selection_never_scored() -> None:
    responses = _normalise(["instrument", "sectors"], [["partner", "health"]])
    assert "sectors" not in responses.rating_codes


def test_selection_frame_round_trip() -> None:
    responses = _normalise(["instrument", "sectors"], [["partner", "wash health"], ["partner", ""]])
    frame = responses.to_frame()
    assert frame["sectors"].iloc[0] == "health wash"
    assert pd.isna(frame["sectors"].iloc[1])

    texts = [["" if pd.isna(value) else str(value) for value in row] for row in frame.to_numpy()]
    again = _normalise(list(frame.columns), texts)
    assert _rows(again) == _rows(responses)


def test_selection_absent_column() -> None:
    responses = _normalise(["instrument"], [["partner"]])
    assert np.all(responses.selections["sectors"] == NO_ANSWER)
