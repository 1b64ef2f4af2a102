"""Per-option counts of select_multiple questions: scoring, the results document and its checks."""

from __future__ import annotations

import copy
import json
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from selection_fixtures import sectors_questionnaire, sectors_responses

from ccpm_core.errors import ScoringError
from ccpm_core.responses import NO_ANSWER, NOT_SELECTED, SELECTED, ResponseSet
from ccpm_core.results import OptionCounts, Results, SelectionCounts
from ccpm_core.results_document import ResultsDocumentError, results_from_dict
from ccpm_core.scoring import score


@pytest.fixture(scope="module")
def responses() -> ResponseSet:
    return sectors_responses()


@pytest.fixture(scope="module")
def results(responses: ResponseSet) -> Results:
    return score(responses)


def _document(results: Results) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(results.to_dict()))
    return document


def _national_entry(document: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = document["levels"][0]["selections"][0]
    return entry


# --- Scoring -----------------------------------------------------------------


def test_counts_partners_national(results: Results) -> None:
    partner = results.level().selection("sectors").partner
    assert partner.respondents == 2
    assert partner.counts == (("health", 1), ("wash", 2), ("shelter", 0))


def test_counts_coordinator_national(results: Results) -> None:
    coordinator = results.level().selection("sectors").coordinator
    assert coordinator.respondents == 1
    assert coordinator.counts == (("health", 0), ("wash", 0), ("shelter", 1))


def test_counts_pooled_national(results: Results) -> None:
    overall = results.level().selection("sectors").overall
    assert overall.respondents == 3
    assert overall.counts == (("health", 1), ("wash", 2), ("shelter", 1))


def test_counts_hub_after_deduplication(results: Results) -> None:
    counts = results.level("Goma").selection("sectors")
    assert counts.partner.respondents == 5
    assert counts.partner.counts == (("health", 5), ("wash", 1), ("shelter", 3))
    assert counts.coordinator.respondents == 0
    assert counts.coordinator.counts == (("health", 0), ("wash", 0), ("shelter", 0))


def test_counts_option_lookup(results: Results) -> None:
    partner = results.level().selection("sectors").partner
    assert partner.count("wash") == 2
    with pytest.raises(
        KeyError, match="no option 'food' in these counts; options: health, wash, shelter"
    ):
        partner.count("food")


def test_counts_unknown_question(results: Results) -> None:
    with pytest.raises(KeyError, match="questions with counts: sectors"):
        results.level().selection("p_sectors")


def test_counts_unknown_pool(results: Results) -> None:
    with pytest.raises(KeyError, match="unknown respondent pool 'hub'"):
        results.level().selection("sectors").by_pool("hub")


def test_counts_partial_split_answer(responses: ResponseSet) -> None:
    matrix = np.full((len(responses), 3), NO_ANSWER, dtype=np.int8)
    matrix[0] = [SELECTED, NOT_SELECTED, NO_ANSWER]
    matrix[1] = [NO_ANSWER, NO_ANSWER, NOT_SELECTED]
    changed = attrs.evolve(responses, selections={"sectors": matrix})

    partner = score(changed).level().selection("sectors").partner

    assert partner.respondents == 2
    assert partner.counts == (("health", 1), ("wash", 0), ("shelter", 0))


def test_counts_independent_of_partners_only(responses: ResponseSet) -> None:
    overall = score(responses, partners_only=True).level().selection("sectors").overall
    assert overall.respondents == 3


def test_counts_question_without_matrix(responses: ResponseSet) -> None:
    changed = attrs.evolve(responses, selections={})
    assert score(changed).level().selections == ()


def test_counts_wrong_matrix_shape(responses: ResponseSet) -> None:
    matrix = np.full((len(responses), 2), NO_ANSWER, dtype=np.int8)
    changed = attrs.evolve(responses, selections={"sectors": matrix})
    with pytest.raises(ScoringError, match=r"'sectors' have shape \(9, 2\), expected \(9, 3\)"):
        score(changed)


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.int8,
        (9, 3),
        elements=st.sampled_from([NO_ANSWER, NOT_SELECTED, SELECTED]),
    )
)
def test_counts_match_direct_count(matrix: np.ndarray[Any, np.dtype[np.int8]]) -> None:
    responses = sectors_responses()
    changed = attrs.evolve(responses, selections={"sectors": matrix})

    results = score(changed)

    for level in results.levels:
        rows = np.array([hub == level.hub for hub in responses.hub.tolist()])
        partner = rows & (responses.instrument == "partner")
        expected = (matrix[partner] == SELECTED).sum(axis=0).tolist()
        counts = level.selection("sectors").partner
        assert [count for _, count in counts.counts] == expected
        assert counts.respondents == int((matrix[partner] != NO_ANSWER).any(axis=1).sum())


# --- Frame -------------------------------------------------------------------


def test_frame_rows_per_option_and_pool(results: Results) -> None:
    frame = results.selections_frame()
    assert len(frame) == 2 * 3 * 3
    assert list(frame.columns) == [
        "hub",
        "level",
        "question",
        "option",
        "pool",
        "respondents",
        "count",
    ]


def test_frame_values(results: Results) -> None:
    frame = results.selections_frame()
    row = frame[(frame.level == "Goma") & (frame.option == "shelter") & (frame.pool == "partner")]
    assert row["count"].tolist() == [3]
    assert row["respondents"].tolist() == [5]


def test_frame_empty_without_questions(responses: ResponseSet) -> None:
    frame = score(attrs.evolve(responses, selections={})).selections_frame()
    assert frame.empty
    assert str(frame["count"].dtype) == "int64"


# --- Document ----------------------------------------------------------------


def test_document_entry(results: Results) -> None:
    assert _national_entry(_document(results)) == {
        "question": "sectors",
        "respondents": 3,
        "counts": [
            {"option": "health", "count": 1},
            {"option": "wash", "count": 2},
            {"option": "shelter", "count": 1},
        ],
        "partner": {
            "respondents": 2,
            "counts": [
                {"option": "health", "count": 1},
                {"option": "wash", "count": 2},
                {"option": "shelter", "count": 0},
            ],
        },
        "coordinator": {
            "respondents": 1,
            "counts": [
                {"option": "health", "count": 0},
                {"option": "wash", "count": 0},
                {"option": "shelter", "count": 1},
            ],
        },
    }


def test_document_round_trip(results: Results) -> None:
    again = results_from_dict(_document(results), source="results.json")
    assert [level.selections for level in again.levels] == [
        level.selections for level in results.levels
    ]


def test_document_round_trip_deduplication(results: Results) -> None:
    again = results_from_dict(_document(results), source="results.json")
    assert again.quality.deduplication == results.quality.deduplication


def test_document_without_selections(results: Results) -> None:
    document = _document(results)
    for level in document["levels"]:
        del level["selections"]
    again = results_from_dict(document, source="old.json")
    assert again.level().selections == ()


def _broken(results: Results, change: Any) -> dict[str, Any]:
    document = copy.deepcopy(_document(results))
    change(_national_entry(document))
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda entry: entry["partner"]["counts"][1].update(count=3),
            r"\$\.levels\[0\]\.selections\[0\]\.partner\.counts\[1\]\.count: 3 respondents "
            r"chose option 'wash', but only 2 answered",
        ),
        (
            lambda entry: entry["coordinator"]["counts"].pop(),
            r"\$\.levels\[0\]\.selections\[0\]\.coordinator\.counts: options "
            r"\['health', 'wash'\] differ from the pooled options",
        ),
        (
            lambda entry: entry.update(respondents=4),
            r"\$\.levels\[0\]\.selections\[0\]\.respondents: 4 is not the partners' 2 plus "
            r"the coordinators' 1",
        ),
        (
            lambda entry: entry["counts"][2].update(count=2),
            r"\$\.levels\[0\]\.selections\[0\]\.counts\[2\]\.count: 2 for option 'shelter' "
            r"is not the partners' 0 plus the coordinators' 1",
        ),
        (
            lambda entry: entry["partner"]["counts"][2].update(option="health"),
            r"\$\.levels\[0\]\.selections\[0\]\.partner\.counts\[2\]\.option: option "
            r"'health' is listed twice",
        ),
        (
            lambda entry: entry.pop("coordinator"),
            r"\$\.levels\[0\]\.selections\[0\]\.coordinator: missing",
        ),
        (
            lambda entry: entry.update(question=""),
            r"\$\.levels\[0\]\.selections\[0\]\.question: expected a non-empty string",
        ),
        (
            lambda entry: entry["partner"].update(respondents=-1),
            r"\$\.levels\[0\]\.selections\[0\]\.partner\.respondents: expected a count of 0",
        ),
        (
            lambda entry: entry["partner"]["counts"][0].update(count="1"),
            r"\$\.levels\[0\]\.selections\[0\]\.partner\.counts\[0\]\.count: expected an "
            r"integer, found str '1'",
        ),
    ],
)
def test_document_invalid_selection(results: Results, change: Any, message: str) -> None:
    document = _broken(results, change)
    with pytest.raises(ResultsDocumentError, match="^results.json: " + message):
        results_from_dict(document, source="results.json")


def test_document_selections_not_array(results: Results) -> None:
    document = _document(results)
    document["levels"][1]["selections"] = {}
    with pytest.raises(ResultsDocumentError, match=r"\$\.levels\[1\]\.selections: expected an"):
        results_from_dict(document, source="results.json")


def test_document_question_twice(results: Results) -> None:
    document = _document(results)
    entries = document["levels"][0]["selections"]
    entries.append(copy.deepcopy(entries[0]))
    with pytest.raises(ResultsDocumentError, match=r"selections\[1\]\.question: question "):
        results_from_dict(document, source="results.json")


def test_selection_counts_to_dict_pooled_first() -> None:
    counts = SelectionCounts(
        question="q",
        overall=OptionCounts(1, (("a", 1),)),
        partner=OptionCounts(1, (("a", 1),)),
        coordinator=OptionCounts(0, (("a", 0),)),
    )
    assert list(counts.to_dict()) == ["question", "respondents", "counts", "partner", "coordinator"]


def test_questionnaire_partner_only_counts() -> None:
    questionnaire = sectors_questionnaire(instrument="partner")
    responses = sectors_responses(questionnaire=questionnaire)
    coordinator = score(responses).level().selection("sectors").coordinator
    assert coordinator.respondents == 0
