"""Matching raw responses to a questionnaire: headers, rows, answers, hubs, counts, comments."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pytest
from conftest_questionnaire import small_questionnaire, small_questionnaire_data
from hypothesis import given, settings
from hypothesis import strategies as st

from ccpm_core.errors import InputError, QuestionnaireError
from ccpm_core.framework import Instrument
from ccpm_core.normalise import normalise_responses, parse_count
from ccpm_core.questionnaire import (
    QuestionKind,
    Questionnaire,
    questionnaire_from_data,
    standard_questionnaire,
)
from ccpm_core.responses import (
    NO_ANSWER,
    Comment,
    Exclusion,
    ExclusionReason,
    RawResponses,
    ResponseSet,
    UnrecognisedValue,
)

QUESTIONNAIRE = small_questionnaire()
SOURCE = "responses.csv"
RATING_CODES = ("p111", "p121", "c111", "c222_3", "q121")


def make_raw(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    exclusions: Sequence[Exclusion] = (),
    column_sources: Mapping[str, str] | None = None,
    row_numbers: Sequence[int] | None = None,
) -> RawResponses:
    """Build raw responses whose data rows are numbered from 2, as in a spreadsheet."""
    table = pd.DataFrame([list(row) for row in rows], columns=list(header), dtype=object)
    if not rows:
        table = pd.DataFrame({name: pd.Series([], dtype=object) for name in header})
    return RawResponses(
        source=SOURCE,
        table=table,
        row_numbers=list(range(2, len(rows) + 2)) if row_numbers is None else row_numbers,
        exclusions=tuple(exclusions),
        column_sources=dict(column_sources or {}),
    )


def normalise(header: Sequence[str], rows: Sequence[Sequence[str]]) -> ResponseSet:
    return normalise_responses(make_raw(header, rows), QUESTIONNAIRE)


def choices_of(responses: ResponseSet, code: str) -> list[int]:
    return [int(c) for c in responses.choices[:, responses.rating_codes.index(code)]]


# --- Headers -----------------------------------------------------------------


def test_headers_exact_and_any_case() -> None:
    responses = normalise(["instrument", "P111", "HUB"], [["partner", "4", "North"]])
    assert choices_of(responses, "p111") == [4]
    assert responses.hub.tolist() == ["North"]


def test_headers_with_group_prefixes() -> None:
    header = ["meta/instrument", "partner/function_1/p111", "coord/C111"]
    responses = normalise(header, [["partner", "3", ""], ["coordinator", "", "2"]])
    assert choices_of(responses, "p111") == [3, NO_ANSWER]
    assert choices_of(responses, "c111") == [NO_ANSWER, 2]
    assert responses.quality.unknown_columns == ()


def test_headers_with_surrounding_spaces() -> None:
    responses = normalise([" instrument ", "p111 "], [["partner", "1"]])
    assert choices_of(responses, "p111") == [1]


def test_headers_unknown_in_file_order() -> None:
    responses = normalise(["start", "instrument", "_index", "p111"], [["x", "partner", "y", "1"]])
    assert responses.quality.unknown_columns == ("start", "_index")


def test_submission_columns_not_unknown() -> None:
    header = ["start", "instrument", "_uuid", "_submission_time", "p111"]
    responses = normalise(header, [["x", "partner", "a-1", "2026-03-01T09:00:00", "1"]])
    assert responses.quality.unknown_columns == ("start",)
    assert responses.quality.deduplication is not None
    assert responses.quality.deduplication.id_column == "_uuid"
    assert responses.quality.deduplication.time_column == "_submission_time"


def test_headers_unknown_named_as_in_source() -> None:
    raw = make_raw(["instrument", "q9_1"], [["partner", "1"]], column_sources={"q9_1": "q9[1]"})
    responses = normalise_responses(raw, QUESTIONNAIRE)
    assert responses.quality.unknown_columns == ("q9[1]",)


def test_headers_missing_questions() -> None:
    responses = normalise(["instrument", "p111", "c111"], [["partner", "1", ""]])
    expected = tuple(
        q.code for q in QUESTIONNAIRE.questions if q.code not in {"instrument", "p111", "c111"}
    )
    assert responses.quality.missing_questions == expected


def test_headers_two_for_one_question() -> None:
    with pytest.raises(InputError) as caught:
        normalise(["instrument", "p111", "group/P111"], [["partner", "1", "2"]])
    message = str(caught.value)
    assert SOURCE in message
    assert "'p111'" in message
    assert "'group/P111'" in message


def test_headers_without_instrument() -> None:
    with pytest.raises(InputError) as caught:
        normalise(["type", "p111"], [["partner", "1"]])
    message = str(caught.value)
    assert message.startswith(f"{SOURCE}: the 'instrument' column is missing")
    assert "'type', 'p111'" in message
    assert "'instrument', 'hub', 'organisation_type'" in message
    assert "ccpm questionnaire export --format json" in message


def test_headers_without_instrument_many() -> None:
    header = [f"col{i}" for i in range(10)]
    with pytest.raises(InputError) as caught:
        normalise(header, [["x"] * 10])
    message = str(caught.value)
    assert "'col7' and 2 more" in message
    assert "'col8'" not in message


# --- Rows --------------------------------------------------------------------


def test_rows_blank_excluded() -> None:
    responses = normalise(
        ["instrument", "p111", "hub"],
        [["", "", ""], ["  ", "\t", " \u00a0"], ["partner", "4", ""]],
    )
    assert responses.quality.exclusions == (
        Exclusion(2, ExclusionReason.BLANK_ROW),
        Exclusion(3, ExclusionReason.BLANK_ROW),
    )
    assert len(responses) == 1


def test_rows_missing_instrument() -> None:
    responses = normalise(["instrument", "p111"], [[" ", "4"], ["partner", "3"]])
    assert responses.quality.exclusions == (Exclusion(2, ExclusionReason.MISSING_INSTRUMENT),)
    assert choices_of(responses, "p111") == [3]


def test_rows_unknown_instrument() -> None:
    responses = normalise(["instrument", "p111"], [["observer", "4"], ["partner", "3"]])
    assert responses.quality.exclusions == (
        Exclusion(2, ExclusionReason.UNKNOWN_INSTRUMENT, "observer"),
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("partner", Instrument.PARTNER),
        (" Partner ", Instrument.PARTNER),
        ("PARTNER", Instrument.PARTNER),
        ("Cluster partner", Instrument.PARTNER),
        ("cluster  PARTNER", Instrument.PARTNER),
        ("Partenaire", Instrument.PARTNER),
        ("coordinator", Instrument.COORDINATOR),
        ("Cluster coordinator", Instrument.COORDINATOR),
        ("COORDINATEUR", Instrument.COORDINATOR),
    ],
)
def test_instrument_by_code_or_label(value: str, expected: Instrument) -> None:
    responses = normalise(["instrument"], [[value]])
    assert responses.instrument.tolist() == [expected]


def test_rows_source_exclusions_kept() -> None:
    raw = make_raw(
        ["instrument", "p111"],
        [["partner", "4"], ["", ""]],
        row_numbers=[2, 4],
        exclusions=[Exclusion(3, ExclusionReason.INCOMPLETE)],
    )
    quality = normalise_responses(raw, QUESTIONNAIRE).quality
    assert quality.exclusions == (
        Exclusion(3, ExclusionReason.INCOMPLETE),
        Exclusion(4, ExclusionReason.BLANK_ROW),
    )
    assert quality.rows_read == 3
    assert quality.rows_scored == 1


def test_rows_read_scored_excluded() -> None:
    rows = [["partner", "1"], ["", ""], ["x", "1"], ["", "2"], ["coordinator", ""]]
    quality = normalise(["instrument", "p111"], rows).quality
    assert quality.rows_read == 5
    assert quality.rows_scored == 2
    assert len(quality.exclusions) == 3


def test_rows_empty_table() -> None:
    responses = normalise(["instrument", "p111"], [])
    assert len(responses) == 0
    assert responses.choices.shape == (0, len(RATING_CODES))


CELLS = st.sampled_from(
    ["", " ", "\t", "partner", "Coordinator", "observer", "4", "4.0", "x", "North", "NATIONAL"]
)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda width: st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=12)
    ),
    st.lists(st.sampled_from(list(ExclusionReason)), max_size=3),
)
def test_rows_all_accounted(rows: list[list[str]], source_reasons: list[ExclusionReason]) -> None:
    header = ["instrument", "p111", "hub", "organisation_type"][: len(rows[0]) if rows else 1]
    first_source_row = len(rows) + 2
    source_exclusions = [
        Exclusion(first_source_row + i, reason) for i, reason in enumerate(source_reasons)
    ]
    raw = make_raw(header, rows, exclusions=source_exclusions)
    responses = normalise_responses(raw, QUESTIONNAIRE)
    quality = responses.quality
    excluded_rows = [exclusion.row for exclusion in quality.exclusions]
    assert quality.rows_read == quality.rows_scored + len(quality.exclusions)
    assert quality.rows_read == len(rows) + len(source_reasons)
    assert quality.rows_scored == len(responses)
    assert len(set(excluded_rows)) == len(excluded_rows)


# --- Rating answers ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4", 4),
        ("4.0", 4),
        (" 4 ", 4),
        ("0", 0),
        ("Always", 4),
        ("  ALWAYS ", 4),
        ("toujours", 4),
        ("Don’t know", 5),
        ("Don't know", 5),
        ("DONT  KNOW", 5),
        ("dk", 5),
        ("Ne sait pas", 5),
        ("Fre\u0301quemment", 3),
        ("Fr\u00e9quemment", 3),
        ("FRÉQUEMMENT", 3),
        ("999", 6),
        ("999.0", 6),
        ("", NO_ANSWER),
        ("   ", NO_ANSWER),
    ],
)
def test_rating_answer_matches(value: str, expected: int) -> None:
    responses = normalise(["instrument", "p111"], [["partner", value]])
    assert choices_of(responses, "p111") == [expected]


def test_rating_unrecognised_listed() -> None:
    rows = [["partner", v] for v in ["5", "4", "sometimes?", "5", "", "4.5"]]
    responses = normalise(["instrument", "p111"], rows)
    assert choices_of(responses, "p111") == [NO_ANSWER, 4] + [NO_ANSWER] * 4
    assert responses.quality.unrecognised_values == (
        UnrecognisedValue("p111", "5", 2, (2, 5)),
        UnrecognisedValue("p111", "sometimes?", 1, (4,)),
        UnrecognisedValue("p111", "4.5", 1, (7,)),
    )


def test_rating_unrecognised_first_ten_rows() -> None:
    responses = normalise(["instrument", "p111"], [["partner", "7"]] * 12)
    (value,) = responses.quality.unrecognised_values
    assert value.count == 12
    assert value.rows == tuple(range(2, 12))


def test_rating_unrecognised_header_as_in_file() -> None:
    responses = normalise(["instrument", "grp/P111"], [["partner", "seven"]])
    assert responses.quality.unrecognised_values == (
        UnrecognisedValue("grp/P111", "seven", 1, (2,)),
    )


def test_rating_unrecognised_value_as_in_file() -> None:
    responses = normalise(["instrument", "p111"], [["partner", " Al ways "]])
    assert responses.quality.unrecognised_values[0].value == " Al ways "


def test_rating_unrecognised_excluded_rows_ignored() -> None:
    responses = normalise(["instrument", "p111"], [["", "bad"], ["partner", "4"]])
    assert responses.quality.unrecognised_values == ()


def test_unrecognised_in_column_order() -> None:
    header = ["instrument", "c111", "organisation_type", "p111"]
    responses = normalise(header, [["partner", "", "NGO?", "x"], ["coordinator", "y", "", ""]])
    columns = [value.column for value in responses.quality.unrecognised_values]
    assert columns == ["c111", "organisation_type", "p111"]


def test_rating_other_instrument_not_scored() -> None:
    rows = [["coordinator", "4"], ["coordinator", "bad"], ["partner", "3"]]
    responses = normalise(["instrument", "p111"], rows)
    assert choices_of(responses, "p111") == [NO_ANSWER, NO_ANSWER, 3]
    assert responses.quality.unrecognised_values == ()
    assert (
        "column 'p111': 2 answers from coordinator rows were not used, because the question "
        "belongs to the partner questionnaire"
    ) in responses.quality.notes


def test_rating_both_instruments_scored() -> None:
    responses = normalise(["instrument", "q121"], [["partner", "2"], ["coordinator", "3"]])
    assert choices_of(responses, "q121") == [2, 3]
    assert responses.quality.notes == ()


# --- Hubs --------------------------------------------------------------------


def test_hub_spaces_folded() -> None:
    responses = normalise(["instrument", "hub"], [["partner", "  North \u00a0 Kivu  "]])
    assert responses.hub.tolist() == ["North Kivu"]


@pytest.mark.parametrize("value", ["", "   ", "national", " NATIONAL ", "National"])
def test_hub_national(value: str) -> None:
    responses = normalise(["instrument", "hub"], [["partner", value]])
    assert responses.hub.tolist() == [None]


def test_hub_spellings_merged() -> None:
    values = ["North Kivu", "north kivu", "North  Kivu", "NORTH KIVU", "North Kivu", "South"]
    responses = normalise(["instrument", "hub"], [["partner", v] for v in values])
    assert responses.hub.tolist() == ["North Kivu"] * 5 + ["South"]
    assert responses.quality.notes == (
        "column 'hub': the hub names 'north kivu', 'NORTH KIVU' were merged into "
        "'North Kivu', the most frequent spelling of the same name",
    )


def test_hub_spelling_tie_first_seen() -> None:
    responses = normalise(["instrument", "hub"], [["partner", "south"], ["partner", "South"]])
    assert responses.hub.tolist() == ["south", "south"]


def test_hub_levels() -> None:
    rows = [["partner", "B"], ["partner", ""], ["coordinator", "A"]]
    responses = normalise(["instrument", "hub"], rows)
    assert responses.hubs == [None, "A", "B"]


def test_hub_spellings_of_excluded_rows_ignored() -> None:
    responses = normalise(["instrument", "hub"], [["", "north"], ["partner", "North"]])
    assert responses.hub.tolist() == ["North"]
    assert responses.quality.notes == ()


def hub_list_questionnaire() -> Questionnaire:
    data = small_questionnaire_data()
    data["scales"]["hubs"] = {
        "options": [
            {"code": "north_kivu", "label": {"en": "North Kivu", "fr": "Nord-Kivu"}},
            {"code": "national", "label": {"en": "National level", "fr": "Niveau national"}},
        ]
    }
    hub = next(q for q in data["questions"] if q["code"] == "hub")
    hub.update({"type": "select_one", "scale": "hubs"})
    return questionnaire_from_data(data)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("north_kivu", "North Kivu"),
        ("NORD-KIVU", "North Kivu"),
        ("national", None),
        ("Niveau national", None),
        ("", None),
    ],
)
def test_hub_from_list(value: str, expected: str | None) -> None:
    raw = make_raw(["instrument", "hub"], [["partner", value]])
    responses = normalise_responses(raw, hub_list_questionnaire())
    assert responses.hub.tolist() == [expected]
    assert responses.quality.notes == ()


def test_hub_not_in_list_kept() -> None:
    raw = make_raw(["instrument", "hub"], [["partner", " Goma "], ["partner", "Uvira"]])
    responses = normalise_responses(raw, hub_list_questionnaire())
    assert responses.hub.tolist() == ["Goma", "Uvira"]
    assert responses.quality.notes == (
        "column 'hub': hubs 'Goma', 'Uvira' are not options of the question, so kept as written",
    )


def test_hub_missing_column() -> None:
    responses = normalise(["instrument"], [["partner"]])
    assert responses.hub.tolist() == [None]


# --- Organisation types ------------------------------------------------------


def test_organisation_type_matched() -> None:
    values = ["ingo", "national ngo", "Agence des Nations Unies", "INGO", "", "Red Cross"]
    responses = normalise(["instrument", "organisation_type"], [["partner", v] for v in values])
    assert responses.organisation_type.tolist() == ["ingo", "nngo", "un", "ingo", None, None]
    # The typed value is not repeated: it may name the respondent's organisation.
    assert responses.quality.unrecognised_values == (
        UnrecognisedValue(
            "organisation_type",
            "(not shown: free text here may name the respondent's organisation)",
            1,
            (7,),
        ),
    )


def test_organisation_type_as_text_rejected() -> None:
    # Response rates are counted per organisation type, so the types must be a scale.
    data = small_questionnaire_data()
    question = next(q for q in data["questions"] if q["code"] == "organisation_type")
    question.update({"type": "text", "scale": None})

    with pytest.raises(QuestionnaireError, match="organisation_type"):
        questionnaire_from_data(data)


# --- Counts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12.0),
        ("12.0", 12.0),
        ("12,0", 12.0),
        ("3,5", 3.5),
        ("3.5", 3.5),
        (" 7 ", 7.0),
        ("+4", 4.0),
        ("0", 0.0),
        (",5", 0.5),
        ("1234,567", 1234.567),
        ("1,234,567", 1234567.0),
        ("1.234.567", 1234567.0),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("1 234", 1234.0),
        ("1\u00a0234", 1234.0),
        ("1\u202f234,5", 1234.5),
    ],
)
def test_parse_count_valid(text: str, expected: float) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    "text", ["1,234", "12,000", "-3", "abc", "1e3", "3 organisations", "1,2,3", "4-5", "."]
)
def test_parse_count_invalid(text: str) -> None:
    assert parse_count(text) is None


@pytest.mark.parametrize("text", ["", "  "])
def test_parse_count_empty(text: str) -> None:
    value = parse_count(text)
    assert value is not None
    assert math.isnan(value)


def test_counts_from_coordinator_rows() -> None:
    rows = [
        ["coordinator", "12", "3,5"],
        ["coordinator", "1,234", ""],
        ["partner", "5", "2"],
        ["coordinator", "", "-1"],
    ]
    responses = normalise(["instrument", "c_orgs_ingo", "c_attending_ingo"], rows)
    organisations = responses.counts["c_orgs_ingo"]
    attending = responses.counts["c_attending_ingo"]
    assert organisations.tolist()[:1] == [12.0]
    assert np.isnan(organisations[1:]).all()
    assert attending.tolist()[:1] == [3.5]
    assert np.isnan(attending[1:]).all()
    assert responses.quality.unrecognised_values == (
        UnrecognisedValue("c_orgs_ingo", "1,234", 1, (3,)),
        UnrecognisedValue("c_attending_ingo", "-1", 1, (5,)),
    )


def test_fractional_organisation_count_unrecognised() -> None:
    rows = [["coordinator", "30,5", "2,5"], ["coordinator", "12,0", ""]]

    responses = normalise(["instrument", "c_orgs_ingo", "c_attending_ingo"], rows)

    assert np.isnan(responses.counts["c_orgs_ingo"][0])
    assert responses.counts["c_orgs_ingo"][1] == 12.0
    assert responses.counts["c_attending_ingo"][0] == 2.5
    assert responses.quality.unrecognised_values == (
        UnrecognisedValue("c_orgs_ingo", "30,5", 1, (2,)),
    )


def test_counts_partner_rows_noted() -> None:
    responses = normalise(["instrument", "c_orgs_ingo"], [["partner", "5"], ["partner", "x"]])
    assert (
        "column 'c_orgs_ingo': 2 answers from partner rows were not used, because "
        "organisation counts are taken from coordinator rows only"
    ) in responses.quality.notes
    assert responses.quality.unrecognised_values == ()


def test_counts_ambiguous_noted() -> None:
    responses = normalise(["instrument", "c_orgs_ingo"], [["coordinator", "1,234"]])
    assert responses.quality.notes == (
        "column 'c_orgs_ingo': 1 value such as '1,234' was not counted, because a comma "
        "followed by three digits may be a thousands separator or a decimal comma; write "
        "the number without a thousands separator",
    )


def test_counts_missing_column() -> None:
    responses = normalise(["instrument"], [["coordinator"]])
    assert set(responses.counts) == {"c_orgs_ingo", "c_attending_ingo"}
    assert np.isnan(responses.counts["c_orgs_ingo"]).all()


# --- Comments ----------------------------------------------------------------


def test_comments_in_row_order() -> None:
    header = ["instrument", "hub", "c_comment_1", "p_comment_1"]
    rows = [
        ["partner", "North", "", "  Good work  "],
        ["coordinator", "", "Fine", ""],
        ["partner", "", "", "   "],
        ["partner", "South", "", "Line one\nline two"],
    ]
    responses = normalise(header, rows)
    assert responses.comments == (
        Comment("p_comment_1", 1, Instrument.PARTNER, "North", "Good work", respondent=0),
        Comment("c_comment_1", 1, Instrument.COORDINATOR, None, "Fine", respondent=1),
        Comment(
            "p_comment_1", 1, Instrument.PARTNER, "South", "Line one\nline two", respondent=3
        ),
    )


def test_comments_questionnaire_order_in_row() -> None:
    header = ["instrument", "q_x", "p_comment_1"]
    responses = normalise(header, [["partner", "", "first"], ["partner", "", "second"]])
    assert [comment.text for comment in responses.comments] == ["first", "second"]


def test_comments_other_instrument_noted() -> None:
    responses = normalise(["instrument", "c_comment_1"], [["partner", "Not mine"]])
    assert responses.comments == ()
    assert (
        "column 'c_comment_1': 1 answer from partner rows was not used, because the question "
        "belongs to the coordinator questionnaire"
    ) in responses.quality.notes


# --- The response set --------------------------------------------------------


def test_response_set_layout() -> None:
    responses = normalise(["instrument", "p111", "c111"], [["partner", "1", ""]])
    assert responses.rating_codes == RATING_CODES
    assert responses.choices.dtype == np.int16
    assert responses.choices.tolist() == [[1, NO_ANSWER, NO_ANSWER, NO_ANSWER, NO_ANSWER]]
    assert list(responses.counts) == ["c_orgs_ingo", "c_attending_ingo"]
    assert responses.counts["c_orgs_ingo"].dtype == np.float64
    assert responses.instrument.dtype == object
    assert responses.instrument[0] is Instrument.PARTNER
    assert responses.quality.source == SOURCE


def test_response_set_unused_column_noted() -> None:
    responses = normalise(["instrument", "p_sectors"], [["partner", "Health"]])
    assert responses.quality.notes == (
        "the column 'p_sectors' answers a question that is neither scored, counted nor "
        "reported as a comment, so its values are not used",
    )


def test_response_set_source_notes_first() -> None:
    raw = RawResponses(
        source=SOURCE,
        table=pd.DataFrame({"instrument": ["partner"], "p_sectors": ["x"]}, dtype=object),
        row_numbers=[2],
        notes=("read as Windows-1252",),
    )
    notes = normalise_responses(raw, QUESTIONNAIRE).quality.notes
    assert notes[0] == "read as Windows-1252"
    assert len(notes) == 2


def test_response_set_round_trip_frame() -> None:
    responses = normalise(
        ["instrument", "hub", "organisation_type", "p111"],
        [["Partenaire", "North", "INGO", "Toujours"]],
    )
    frame = responses.to_frame()
    assert frame.loc[0, "instrument"] == "partner"
    assert frame.loc[0, "organisation_type"] == "ingo"
    assert frame.loc[0, "p111"] == "4"


def test_standard_canonical_layout() -> None:
    questionnaire = standard_questionnaire()
    rating = questionnaire.questions_of(QuestionKind.RATING, Instrument.PARTNER)
    header = ["instrument", "hub", "organisation_type", *(q.code for q in rating)]
    organisation_type = questionnaire.scale_of(questionnaire.question("organisation_type"))
    first_codes = [questionnaire.scale_of(q).options[0].code for q in rating]
    row = ["partner", "", organisation_type.options[0].code, *first_codes]
    responses = normalise_responses(make_raw(header, [row]), questionnaire)
    assert responses.quality.unrecognised_values == ()
    assert responses.quality.unknown_columns == ()
    assert int((responses.choices[0] == 0).sum()) == len(rating)


def test_response_set_unused_columns_noted() -> None:
    data = small_questionnaire_data()
    role = {"code": "p_role", "kind": "profile", "type": "text", "label": {"en": "R", "fr": "R"}}
    data["questions"].append(role)
    raw = make_raw(["instrument", "p_role", "p_sectors"], [["partner", "a", "b"]])
    responses = normalise_responses(raw, questionnaire_from_data(data))
    assert responses.quality.notes == (
        "the columns 'p_sectors', 'p_role' answer questions that are neither scored, counted "
        "nor reported as comments, so their values are not used",
    )
