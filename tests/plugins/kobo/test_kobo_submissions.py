"""JSON submissions to raw responses: columns, metadata, edits, validation, form versions."""

from __future__ import annotations

from typing import Any

import pytest
from fake_kobo import submission
from hypothesis import given, settings
from hypothesis import strategies as st
from kobo_forms import hand_built_content, small_questionnaire

from ccpm_core.errors import SourceError
from ccpm_core.normalise import normalise_responses
from ccpm_core.responses import ExclusionReason, RawResponses
from ccpm_plugins.sources.kobo.form_content import FormMapping, map_form, parse_form_content
from ccpm_plugins.sources.kobo.submission_columns import SubmissionColumns
from ccpm_plugins.sources.kobo.submissions import group_field_of, raw_responses_from_columns

QUESTIONNAIRE = small_questionnaire()
MAPPING = map_form(parse_form_content(hand_built_content(), "form"), QUESTIONNAIRE)
APPROVED = "validation_status_approved"


def partner(answer: str = "often", **extra: str) -> dict[str, str]:
    return {
        "instrument": "part",
        "about/place/hub": "North",
        "about/organisation_type": "ingo",
        "meetings/p11": answer,
        **extra,
    }


def coordinator(**extra: str) -> dict[str, str]:
    return {"instrument": "coord", "meetings/C11": "always", "counts/c_orgs_ingo": "12", **extra}


def collect(*pages: list[dict[str, Any]], mapping: FormMapping = MAPPING) -> SubmissionColumns:
    columns = SubmissionColumns(group_field_of(mapping), mapping.metadata)
    for number, page in enumerate(pages):
        columns.add_page(page, f"page {number}")
    return columns


def raw_of(
    *pages: list[dict[str, Any]], validation: str = "all", mapping: FormMapping = MAPPING
) -> RawResponses:
    columns = collect(*pages, mapping=mapping)
    return raw_responses_from_columns(
        columns, mapping, QUESTIONNAIRE, source="asset aX", validation=validation
    )


def column(raw: RawResponses, name: str) -> list[str]:
    return [str(value) for value in raw.table[name].tolist()]


# --- Columns ------------------------------------------------------------------


def test_absent_keys_are_empty() -> None:
    columns = collect([submission(partner(), 1), submission(coordinator(), 2)])
    assert columns.column("meetings/p11").tolist() == ["often", ""]
    assert columns.column("counts/c_orgs_ingo").tolist() == ["", "12"]


def test_rows_keep_server_order() -> None:
    page = [
        submission(partner("never"), 1),
        submission(coordinator(), 2),
        submission(partner("always"), 3),
    ]
    columns = collect(page)
    assert columns.column("_id").tolist() == [1, 2, 3]
    assert columns.column("meetings/p11").tolist() == ["never", "", "always"]


def test_fields_across_pages() -> None:
    columns = collect([submission(partner(), 1)], [submission(coordinator(), 2)])
    assert columns.rows == 2
    assert columns.column("counts/c_orgs_ingo").tolist() == ["", "12"]
    assert columns.column("meetings/p11").tolist() == ["often", ""]


def test_metadata_not_collected() -> None:
    columns = collect([submission(partner(), 1)])
    assert "start" not in columns.fields
    assert "_uuid" not in columns.fields
    assert {"start", "_uuid", "_submitted_by", "formhub/uuid"} <= columns.metadata_seen


def test_kept_metadata_missing_is_none() -> None:
    record = submission(partner(), 1)
    del record["meta/rootUuid"]
    assert collect([record]).column("meta/rootUuid").tolist() == [None]


def test_unhashable_group_value() -> None:
    columns = collect([{"instrument": ["a"], "x": "1"}, {"instrument": "part", "x": "2"}])
    assert columns.column("x").tolist() == ["1", "2"]


def test_non_object_submission_rejected() -> None:
    with pytest.raises(SourceError, match="page 0: a submission on this page is not a JSON"):
        collect([submission(partner(), 1), ["not", "an", "object"]])  # type: ignore[list-item]


_KEYS = st.sampled_from(["instrument", "a", "g/b", "g/c", "start", "_id", "meta/x"])
_VALUES = st.one_of(st.sampled_from(["part", "coord", "1", ""]), st.text(max_size=3))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.dictionaries(_KEYS, _VALUES, max_size=6), max_size=6), min_size=1, max_size=4
    )
)
def test_columns_equal_naive_reading(pages: list[list[dict[str, Any]]]) -> None:
    columns = SubmissionColumns("instrument")
    for page in pages:
        columns.add_page(page, "page")
    records = [record for page in pages for record in page]
    for key in columns.fields:
        assert columns.column(key).tolist() == [record.get(key, "") for record in records]
    assert columns.rows == len(records)


# --- Raw responses ----------------------------------------------------------------


def test_columns_named_by_code() -> None:
    raw = raw_of([submission(partner(), 1)])
    assert raw.column_sources["hub"] == "about/place/hub"
    assert raw.column_sources["c11"] == "meetings/C11"
    assert column(raw, "hub") == ["North"]


def test_unanswered_question_has_column() -> None:
    raw = raw_of([submission(partner(), 1)])
    assert column(raw, "p_comment_1") == [""]


def test_choice_names_translated() -> None:
    raw = raw_of([submission(partner("dk"), 1), submission(coordinator(), 2)])
    assert column(raw, "instrument") == ["partner", "coordinator"]
    assert column(raw, "p11") == ["99", ""]
    assert column(raw, "c11") == ["", "4"]


def test_unmatched_choice_unrecognised() -> None:
    raw = raw_of([submission(partner("unsure"), 1)])
    quality = normalise_responses(raw, QUESTIONNAIRE).quality
    (value,) = quality.unrecognised_values
    assert value.column == "meetings/p11"
    assert value.value == "unsure"


def test_unknown_field_reported() -> None:
    raw = raw_of([submission(partner(contact_name="Ann"), 1)])
    quality = normalise_responses(raw, QUESTIONNAIRE).quality
    assert quality.unknown_columns == ("contact_name",)


def test_metadata_one_note() -> None:
    raw = raw_of([submission(partner(phone_device="imei:1"), 1)])
    quality = normalise_responses(raw, QUESTIONNAIRE).quality
    notes = [note for note in quality.notes if "metadata" in note]
    assert len(notes) == 1
    assert "phone_device" in notes[0]
    assert "_submission_time" in notes[0]
    assert quality.unknown_columns == ()


def test_no_metadata_in_table() -> None:
    raw = raw_of([submission(partner(phone_device="imei:1"), 1)])
    for name in ("_id", "_uuid", "start", "end", "phone_device", "_submitted_by", "__version__"):
        assert name not in raw.table.columns
    assert "enumerator_7" not in raw.table.to_csv()


def test_row_numbers_in_server_order() -> None:
    raw = raw_of([submission(partner(), 1), submission(partner(), 2)])
    assert list(raw.row_numbers) == [2, 3]


def test_edit_keeps_latest_time() -> None:
    root = "uuid:root-1"
    page = [
        submission(partner("never"), 1, root_uuid=root, submission_time="2026-05-02T09:00:00"),
        submission(partner("always"), 2, root_uuid=root, submission_time="2026-05-01T09:00:00"),
        submission(partner("rarely"), 3),
    ]
    raw = raw_of(page)
    assert column(raw, "p11") == ["0", "1"]
    (exclusion,) = raw.exclusions
    assert exclusion.row == 3
    assert exclusion.reason is ExclusionReason.SUPERSEDED
    assert "row 2" in exclusion.detail


def test_edit_tie_broken_by_id() -> None:
    root = "uuid:root-1"
    page = [
        submission(partner("always"), 7, root_uuid=root),
        submission(partner("never"), 5, root_uuid=root),
    ]
    raw = raw_of(page)
    assert column(raw, "p11") == ["4"]
    assert [e.row for e in raw.exclusions] == [3]


def test_edit_times_with_offsets() -> None:
    root = "uuid:root-1"
    page = [
        # 10:00+02:00 is 08:00 UTC, before the naive (UTC) 09:00 of the second row.
        submission(
            partner("never"), 1, root_uuid=root, submission_time="2026-05-01T10:00:00+02:00"
        ),
        submission(partner("always"), 2, root_uuid=root, submission_time="2026-05-01T09:00:00"),
    ]
    assert column(raw_of(page), "p11") == ["4"]


def test_edits_counted_in_note() -> None:
    page = [
        submission(partner(), 1, root_uuid="uuid:a"),
        submission(partner(), 2, root_uuid="uuid:a"),
        submission(partner(), 3, root_uuid="uuid:a"),
        submission(partner(), 4, root_uuid="uuid:b"),
        submission(partner(), 5, root_uuid="uuid:b"),
    ]
    raw = raw_of(page)
    assert "2 submissions were edited: 3 earlier versions were collapsed" in " ".join(raw.notes)
    assert len(raw.table) == 2


def test_all_kept_by_default_with_note() -> None:
    page = [
        submission(partner(), 1, validation=APPROVED),
        submission(partner(), 2, validation="validation_status_on_hold"),
        submission(partner(), 3),
    ]
    raw = raw_of(page)
    assert len(raw.table) == 3
    assert raw.exclusions == ()
    note = next(note for note in raw.notes if "not approved" in note)
    assert note.startswith("2 submissions are not approved")
    assert "1 no validation status, 1 on hold" in note


def test_approved_only_excludes() -> None:
    page = [
        submission(partner(), 1, validation=APPROVED),
        submission(partner(), 2, validation="validation_status_not_approved"),
        submission(partner(), 3),
    ]
    raw = raw_of(page, validation="approved")
    assert list(raw.row_numbers) == [2]
    assert [(e.row, e.reason, e.detail) for e in raw.exclusions] == [
        (3, ExclusionReason.NOT_APPROVED, "not approved"),
        (4, ExclusionReason.NOT_APPROVED, "no validation status"),
    ]


def test_unvalidated_survey_note() -> None:
    raw = raw_of([submission(partner(), 1), submission(partner(), 2)])
    assert "no submission has a validation status in KoboToolbox, so all 2 were read" in raw.notes


def test_superseded_then_not_approved() -> None:
    page = [
        submission(partner(), 1, root_uuid="uuid:a", validation=APPROVED),
        submission(partner(), 2, root_uuid="uuid:a"),
    ]
    quality = normalise_responses(raw_of(page, validation="approved"), QUESTIONNAIRE).quality
    assert quality.rows_read == 2
    assert quality.exclusion_counts() == {"not_approved": 1, "superseded": 1}


def test_field_moved_between_versions_merged() -> None:
    page = [
        submission({"instrument": "part", "meetings/p11": "never"}, 1),
        submission({"instrument": "part", "old_meetings/p11": "always"}, 2, version="vOld"),
    ]
    raw = raw_of(page)
    assert column(raw, "p11") == ["0", "4"]
    assert any("'meetings/p11', 'old_meetings/p11'" in note for note in raw.notes)


def test_two_fields_in_one_row_conflict() -> None:
    record = submission({"instrument": "part", "meetings/p11": "never", "x/p11": "4"}, 1)
    raw = raw_of([record])
    assert "meetings/p11" in raw.table.columns
    assert "x/p11" in raw.table.columns
    with pytest.raises(Exception, match="both answer question 'p11'"):
        normalise_responses(raw, QUESTIONNAIRE)


def test_repeat_values_as_json_text() -> None:
    record = submission(partner(visits=[{"visits/c22": "never"}]), 1)  # type: ignore[arg-type]
    raw = raw_of([record])
    assert column(raw, "visits") == ['[{"visits/c22": "never"}]']


def test_numbers_as_text() -> None:
    record = submission(partner(), 1)
    record["counts/c_orgs_ingo"] = 12
    assert column(raw_of([record]), "c_orgs_ingo") == ["12"]


def test_no_submissions_keeps_columns() -> None:
    raw = raw_of([])
    assert len(raw.table) == 0
    assert "instrument" in raw.table.columns
    assert normalise_responses(raw, QUESTIONNAIRE).quality.rows_read == 0


def test_requested_fields_only() -> None:
    columns = collect([submission(partner(), 1)])
    raw = raw_responses_from_columns(
        columns, MAPPING, QUESTIONNAIRE, source="s", requested=["instrument", "about/place/hub"]
    )
    assert "p_comment_1" not in raw.table.columns
    assert "hub" in raw.table.columns
