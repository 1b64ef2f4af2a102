"""The code rule between codebook codes and LimeSurvey codes: examples and properties."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limesurvey_questionnaires import small_questionnaire

from ccpm_core.questionnaire import SPECIAL_CODES, Option, Scale, standard_questionnaire
from ccpm_plugins.sources.limesurvey.codes import (
    MAX_ANSWER_CODE_LENGTH,
    MAX_QUESTION_CODE_LENGTH,
    RESPONSE_METADATA_COLUMNS,
    CodeEntry,
    LimeSurveyCodes,
    QuestionCodes,
    answer_codes,
    assign_question_codes,
    split_heading,
)

QUESTION_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]*")
SUBQUESTION_CODE = re.compile(r"[A-Za-z0-9]+")
ANSWER_CODE = re.compile(r"[A-Za-z0-9]+")
RESERVED = {
    name.casefold()
    for name in ("LANG", "SID", "SAVEDID", "TOKEN", "QID", "GID", "SGQ", "self", "that", "this")
} | set(RESPONSE_METADATA_COLUMNS)

codebook_codes = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,40}", fullmatch=True)


def assert_valid_and_reversible(codes: QuestionCodes, questions: list[str]) -> None:
    """Check every rule LimeSurvey sets on codes, and that each heading decodes back."""
    unit_codes = [unit.code.casefold() for unit in codes.units]
    assert len(unit_codes) == len(set(unit_codes)), "two questions share a code"
    for unit in codes.units:
        assert QUESTION_CODE.fullmatch(unit.code), unit.code
        assert len(unit.code) <= MAX_QUESTION_CODE_LENGTH, unit.code
        assert unit.code.casefold() not in RESERVED, unit.code
        rows = [row.code.casefold() for row in unit.subquestions]
        assert len(rows) == len(set(rows)), f"{unit.code} repeats a subquestion code"
        for row in unit.subquestions:
            assert SUBQUESTION_CODE.fullmatch(row.code), row.code
            assert len(row.code) <= MAX_QUESTION_CODE_LENGTH, row.code
            assert row.code.casefold() not in {"time", "other", "comment"}, row.code

    headings = [codes.heading(question) for question in questions]
    assert len(headings) == len({h.casefold() for h in headings}), "two questions share a heading"
    for question, heading in zip(questions, headings, strict=True):
        assert codes.question_for_heading(heading) == question


def test_standard_questionnaire_codes_round_trip() -> None:
    questionnaire = standard_questionnaire()
    codes = LimeSurveyCodes.for_questionnaire(questionnaire)

    assert_valid_and_reversible(codes.questions, [q.code for q in questionnaire.questions])


def test_standard_matrix_items_become_arrays() -> None:
    codes = LimeSurveyCodes.for_questionnaire(standard_questionnaire()).questions

    assert codes.heading("p222_1") == "p222[1]"
    assert codes.heading("p222_5") == "p222[5]"
    assert codes.heading("c315_8") == "c315[8]"
    assert codes.unit_of("p223_1").questions == tuple(f"p223_{n}" for n in range(1, 9))


def test_underscores_are_removed() -> None:
    codes = LimeSurveyCodes.for_questionnaire(standard_questionnaire()).questions

    assert codes.heading("p_comment_1") == "pcomment1"
    assert codes.heading("organisation_type") == "organisationtype"
    assert codes.heading("c_orgs_national_ngo") == "corgsnationalngo"


def test_long_codes_are_cut_and_numbered() -> None:
    codes = LimeSurveyCodes.for_questionnaire(standard_questionnaire()).questions

    assert codes.heading("c_attending_national_authority") == "cattendingnationala1"
    assert codes.heading("c_orgs_international_ngo") == "corgsinternationaln1"


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        # Two codes that lose their underscores to the same code: the first keeps it.
        (["a_b", "ab"], ["ab", "ab1"]),
        # Compared without regard to case.
        (["Ab", "ab"], ["Ab", "ab1"]),
        # Reserved words and metadata columns get a number.
        (["id", "self", "submit_date"], ["id1", "self1", "submitdate1"]),
        # A natural code comes first even when a numbered one would take it.
        (["a" * 21, "a" * 19 + "1"], ["a" * 19 + "2", "a" * 19 + "1"]),
    ],
)
def test_collisions_resolved(entries: list[str], expected: list[str]) -> None:
    codes = assign_question_codes([CodeEntry(code) for code in entries])

    assert [codes.heading(code) for code in entries] == expected


def test_array_needs_two_neighbours() -> None:
    codes = assign_question_codes(
        [CodeEntry("q_1", "k"), CodeEntry("x", None), CodeEntry("q_2", "k")]
    )

    assert codes.heading("q_1") == "q1"
    assert codes.heading("q_2") == "q2"


def test_array_not_made_when_stem_is_a_question() -> None:
    codes = assign_question_codes(
        [CodeEntry("q", "k"), CodeEntry("q_1", "k"), CodeEntry("q_2", "k")]
    )

    assert codes.heading("q_1") == "q1"


def test_array_not_made_for_reserved_row() -> None:
    codes = assign_question_codes([CodeEntry("q_1", "k"), CodeEntry("q_other", "k")])

    assert codes.heading("q_other") == "qother"


def test_array_keys_must_match() -> None:
    codes = assign_question_codes([CodeEntry("q_1", "a"), CodeEntry("q_2", "b")])

    assert codes.heading("q_1") == "q1"
    assert codes.heading("q_2") == "q2"


def test_small_questionnaire_headings() -> None:
    codes = LimeSurveyCodes.for_questionnaire(small_questionnaire())

    assert codes.headings(["instrument", "hub", "p1_1", "p1_2", "c_orgs_ingo", "p_comment_1"]) == [
        "instrument",
        "hub",
        "p1[1]",
        "p1[2]",
        "corgsingo",
        "pcomment1",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(codebook_codes, st.sampled_from([None, "a", "b"])),
        min_size=1,
        max_size=30,
        unique_by=lambda entry: entry[0],
    )
)
def test_random_codes_round_trip(entries: list[tuple[str, str | None]]) -> None:
    codes = assign_question_codes([CodeEntry(code, key) for code, key in entries])

    assert_valid_and_reversible(codes, [code for code, _ in entries])


@settings(max_examples=100, deadline=None)
@given(st.lists(codebook_codes, min_size=1, max_size=20, unique=True))
def test_random_codes_with_standard_codes(extra: list[str]) -> None:
    standard = [question.code for question in standard_questionnaire().questions]
    entries = [CodeEntry(code) for code in standard] + [
        CodeEntry(code) for code in extra if code not in standard
    ]

    assert_valid_and_reversible(assign_question_codes(entries), [e.code for e in entries])


def test_split_heading_forms() -> None:
    assert split_heading("p111") == ("p111", None)
    assert split_heading("p222[1]") == ("p222", "1")
    assert split_heading(" q1[other] ") == ("q1", "other")
    assert split_heading("Q1[SQ001][1]") is None
    assert split_heading("How often?") is None


def _scale(*codes: str) -> Scale:
    options = [
        Option(code=code, special=SPECIAL_CODES.get(code), label={"en": f"label {n}"})
        for n, code in enumerate(codes)
    ]
    return Scale(options=options)


def test_answer_codes_of_digits_get_prefix() -> None:
    assert answer_codes("s", _scale("0", "4", "99", "9999")) == {
        "0": "A0",
        "4": "A4",
        "99": "A99",
        "9999": "A9999",
    }


def test_answer_codes_kept_when_valid() -> None:
    assert answer_codes("s", _scale("yes", "no", "A1")) == {"yes": "yes", "no": "no", "A1": "A1"}


def test_answer_codes_numbered_otherwise() -> None:
    assert answer_codes("s", _scale("partner", "coordinator")) == {
        "partner": "AO01",
        "coordinator": "AO02",
    }


def test_answer_codes_numbered_for_case_twins() -> None:
    assert answer_codes("s", _scale("Yes", "yes")) == {"Yes": "AO01", "yes": "AO02"}


def test_option_for_answer_ignores_case() -> None:
    codes = LimeSurveyCodes.for_questionnaire(standard_questionnaire())

    assert codes.option_for_answer("instrument", "ao02") == "coordinator"
    assert codes.option_for_answer("frequency", "A3") == "3"
    assert codes.option_for_answer("frequency", "A7") is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(min_size=1, max_size=12).map(str.strip).filter(bool),
        min_size=1,
        max_size=40,
        unique=True,
    )
)
def test_random_answer_codes_round_trip(option_codes: list[str]) -> None:
    codes = answer_codes("s", _scale(*option_codes))

    answers = list(codes.values())
    assert len({answer.casefold() for answer in answers}) == len(answers)
    for answer in answers:
        assert ANSWER_CODE.fullmatch(answer), answer
        assert len(answer) <= MAX_ANSWER_CODE_LENGTH, answer
    assert set(codes) == set(option_codes)


def test_standard_answer_codes_valid() -> None:
    questionnaire = standard_questionnaire()
    codes = LimeSurveyCodes.for_questionnaire(questionnaire)

    for name, scale in questionnaire.scales.items():
        mapping = codes.answer_codes(name)
        for option in scale.options:
            assert codes.option_for_answer(name, mapping[option.code]) == option.code
