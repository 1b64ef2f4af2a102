"""LimeSurvey exports mapped onto a questionnaire: headings, answer codes, completion."""

from __future__ import annotations

from typing import Any

import pytest
from limesurvey_questionnaires import small_questionnaire, small_questionnaire_data

from ccpm_core.errors import InputError
from ccpm_core.framework import Instrument
from ccpm_core.normalise import normalise_responses
from ccpm_core.questionnaire import questionnaire_from_data
from ccpm_core.responses import ExclusionReason
from ccpm_plugins.sources.limesurvey.export_files import records_to_table
from ccpm_plugins.sources.limesurvey.responses import ResponseMapper

COMPLETE = "1980-01-01 00:00:00"


def export(*records: dict[str, str]) -> Any:
    return records_to_table(list(records), "export.csv")


def partner(**answers: str) -> dict[str, str]:
    record = {
        "id": "1",
        "submitdate": COMPLETE,
        "lastpage": "3",
        "startlanguage": "en",
        "seed": "42",
        "instrument": "AO01",
        "hub": "",
        "organisationtype": "ingo",
        "p1[1]": "A3",
        "p1[2]": "A99",
        "corgsingo": "",
        "c1": "",
        "pcomment1": "Meetings are useful",
    }
    record.update(answers)
    return record


def test_code_headings_and_answers_decoded() -> None:
    raw = ResponseMapper(small_questionnaire()).raw_responses(
        export(partner()), include_incomplete=False
    )

    assert list(raw.table.columns) == [
        "instrument",
        "hub",
        "organisation_type",
        "p1_1",
        "p1_2",
        "c_orgs_ingo",
        "c1",
        "p_comment_1",
    ]
    assert raw.table.iloc[0].tolist() == [
        "partner",
        "",
        "ingo",
        "3",
        "99",
        "",
        "",
        "Meetings are useful",
    ]
    assert raw.column_sources["p1_1"] == "p1[1]"


def test_decoded_responses_score() -> None:
    questionnaire = small_questionnaire()
    raw = ResponseMapper(questionnaire).raw_responses(
        export(partner(), partner(id="2", instrument="AO02", c1="A4", corgsingo="12")),
        include_incomplete=False,
    )

    responses = normalise_responses(raw, questionnaire)

    assert responses.instrument.tolist() == [Instrument.PARTNER, Instrument.COORDINATOR]
    assert responses.choices[:, 0].tolist() == [3, -1]
    assert responses.counts["c_orgs_ingo"].tolist()[1] == 12.0
    assert responses.quality.unknown_columns == ()
    assert responses.quality.unrecognised_values == ()


def test_incomplete_excluded_with_rows() -> None:
    raw = ResponseMapper(small_questionnaire()).raw_responses(
        export(partner(), partner(id="2", submitdate="", lastpage="1"), partner(id="3")),
        include_incomplete=False,
    )

    assert len(raw.table) == 2
    assert list(raw.row_numbers) == [2, 4]
    assert [(e.row, e.reason) for e in raw.exclusions] == [(3, ExclusionReason.INCOMPLETE)]
    assert raw.exclusions[0].detail == "not submitted; last page reached: 1"


def test_incomplete_included_on_request() -> None:
    raw = ResponseMapper(small_questionnaire()).raw_responses(
        export(partner(), partner(id="2", submitdate="")), include_incomplete=True
    )

    assert len(raw.table) == 2
    assert raw.exclusions == ()


def test_incomplete_counted_in_quality() -> None:
    questionnaire = small_questionnaire()
    raw = ResponseMapper(questionnaire).raw_responses(
        export(partner(), partner(id="2", submitdate="")), include_incomplete=False
    )

    quality = normalise_responses(raw, questionnaire).quality

    assert quality.rows_read == 2
    assert quality.rows_scored == 1
    assert quality.exclusion_counts() == {"incomplete": 1}


def test_missing_submitdate_noted() -> None:
    record = partner()
    del record["submitdate"]

    raw = ResponseMapper(small_questionnaire()).raw_responses(
        export(record), include_incomplete=False
    )

    assert len(raw.table) == 1
    assert any("no submitdate column" in note for note in raw.notes)


def test_identifying_columns_dropped() -> None:
    raw = ResponseMapper(small_questionnaire()).raw_responses(
        export(partner(token="abc123", ipaddr="10.0.0.1")), include_incomplete=False
    )

    assert "token" not in raw.table.columns
    assert "ipaddr" not in raw.table.columns
    assert any("'token', 'ipaddr' were dropped" in note for note in raw.notes)


def test_other_answer_read_as_other_option() -> None:
    record = partner(organisationtype="-oth-")
    record["organisationtype[other]"] = "Women's group"

    raw = ResponseMapper(small_questionnaire()).raw_responses(
        export(record), include_incomplete=False
    )

    assert raw.table["organisation_type"].tolist() == ["other"]
    assert "organisationtype[other]" not in raw.table.columns
    assert any("chose 'Other'" in note for note in raw.notes)


def test_other_answer_uses_typed_text() -> None:
    data = small_questionnaire_data()
    data["scales"]["organisation_type"]["options"].pop()
    questionnaire = questionnaire_from_data(data)
    record = partner(organisationtype="-oth-")
    record["organisationtype[other]"] = " International NGO "

    raw = ResponseMapper(questionnaire).raw_responses(export(record), include_incomplete=False)

    assert raw.table["organisation_type"].tolist() == ["International NGO"]


def test_other_text_without_answer_kept() -> None:
    record = partner()
    del record["organisationtype"]
    record["organisationtype[other]"] = "Women's group"

    raw = ResponseMapper(small_questionnaire()).raw_responses(
        export(record), include_incomplete=False
    )

    assert raw.table["organisationtype[other]"].tolist() == ["Women's group"]
    assert "organisation_type" not in raw.table.columns


def test_comment_column_noted() -> None:
    record = partner()
    record["organisationtype[comment]"] = "We are new"

    raw = ResponseMapper(small_questionnaire()).raw_responses(
        export(record), include_incomplete=False
    )

    assert "organisationtype[comment]" not in raw.table.columns
    assert any("holds 1 comment on the answers to 'organisation_type'" in n for n in raw.notes)


def test_full_text_headings_and_long_answers() -> None:
    record = {
        "Response ID": "1",
        "Date submitted": "",
        "Last page": "2",
        "Role?": "Cluster partner",
        "Organisation?": "International NGO",
        "How often does the cluster … [meet?]": "Level 3",
        "How often does the cluster … [report?]": "Don't know",
    }
    questionnaire = small_questionnaire()

    raw = ResponseMapper(questionnaire).raw_responses(export(record), include_incomplete=True)
    responses = normalise_responses(raw, questionnaire)

    assert list(raw.table.columns) == ["instrument", "organisation_type", "p1_1", "p1_2"]
    assert responses.choices[0, :2].tolist() == [3, 5]


def test_full_text_incomplete_detected() -> None:
    record = {"Response ID": "1", "Date submitted": "", "Role?": "Cluster partner"}

    raw = ResponseMapper(small_questionnaire()).raw_responses(
        export(record), include_incomplete=False
    )

    assert len(raw.table) == 0
    assert len(raw.exclusions) == 1


@pytest.mark.parametrize("heading", ["p1[1]. How often does the cluster meet?", "p1_1", "P1[1]"])
def test_other_heading_styles(heading: str) -> None:
    record = {"id": "1", "submitdate": COMPLETE, "instrument": "AO01", heading: "A2"}

    raw = ResponseMapper(small_questionnaire()).raw_responses(
        export(record), include_incomplete=False
    )

    assert raw.table["p1_1"].tolist() == ["2"]


def test_unknown_heading_kept_for_quality() -> None:
    record = partner()
    record["interviewtime"] = "12.5"
    questionnaire = small_questionnaire()

    raw = ResponseMapper(questionnaire).raw_responses(export(record), include_incomplete=False)

    assert normalise_responses(raw, questionnaire).quality.unknown_columns == ("interviewtime",)


def test_two_columns_one_question_rejected() -> None:
    record = partner()
    record["Role?"] = "Cluster partner"

    with pytest.raises(InputError, match="'instrument' and 'Role\\?' both answer"):
        ResponseMapper(small_questionnaire()).raw_responses(
            export(record), include_incomplete=False
        )


def test_answer_codes_through_server_texts() -> None:
    # A survey built by hand in LimeSurvey, with codes A1 to A6 in scale order.
    texts = ["Level 0", "Level 1", "Level 2", "Level 3", "Level 4", "Don't know"]
    server = {"p1": {f"A{n}": text for n, text in enumerate(texts, start=1)}}

    raw = ResponseMapper(small_questionnaire(), server).raw_responses(
        export(partner(**{"p1[1]": "A1", "p1[2]": "A6"})), include_incomplete=False
    )

    assert raw.table["p1_1"].tolist() == ["0"]
    assert raw.table["p1_2"].tolist() == ["99"]


def test_edited_texts_keep_rule_codes() -> None:
    texts = {"A0": "Nie", "A1": "Selten", "A2": "Manchmal", "A3": "Oft", "A4": "Immer", "A99": "?"}

    raw = ResponseMapper(small_questionnaire(), {"p1": texts}).raw_responses(
        export(partner()), include_incomplete=False
    )

    assert raw.table["p1_1"].tolist() == ["3"]


def test_unknown_server_texts_reported() -> None:
    texts = {"X1": "Sometimes", "X2": "Often"}
    questionnaire = small_questionnaire()

    raw = ResponseMapper(questionnaire, {"p1": texts}).raw_responses(
        export(partner(**{"p1[1]": "X2"})), include_incomplete=False
    )
    quality = normalise_responses(raw, questionnaire).quality

    assert raw.table["p1_1"].tolist() == ["Often"]
    assert [(u.column, u.value) for u in quality.unrecognised_values] == [("p1[1]", "Often")]


def test_progress_groups_split() -> None:
    groups = ResponseMapper(small_questionnaire()).progress_groups(
        export(partner(), partner(id="2", submitdate=""), partner(id="3", instrument="AO02"))
    )

    assert [name for name, _ in groups] == ["complete", "incomplete"]
    assert [len(raw.table) for _, raw in groups] == [2, 1]
    assert list(groups[1][1].row_numbers) == [3]
    assert groups[1][1].exclusions == ()
