"""Flattening OData submissions: groups become paths, system fields are dropped."""

from __future__ import annotations

import pytest
from ccpm_core.errors import InputError
from ccpm_core.responses import ExclusionReason

from ccpm_odk_central.submissions import ReviewFilter, flatten_submission, raw_responses
from fake_odk_central import submission

NESTED = {
    "profile": {"instrument": "partner", "hub": None, "organisation_type": "national_ngo"},
    "function_1": {"p111": "3", "item_12": {"p121": "4", "p_comment_1": "Good meetings"}},
    "c_orgs_donor": 6,
    "c_attending_donor": 2.5,
    "consent": True,
    "site": {"type": "Point", "coordinates": [36.8, -1.3, 1700.0]},
    "visits@odata.navigationLink": "Submissions('uuid:1')/visits",
    "start": "2026-11-20T09:58:00.000Z",
    "deviceid": "collect:abc123",
}


def test_flatten_nested_groups_paths() -> None:
    answers = flatten_submission(submission(NESTED, 1)).answers

    assert answers["profile/instrument"] == "partner"
    assert answers["function_1/p111"] == "3"
    assert answers["function_1/item_12/p121"] == "4"
    assert answers["function_1/item_12/p_comment_1"] == "Good meetings"


def test_flatten_null_is_empty() -> None:
    assert flatten_submission(submission(NESTED, 1)).answers["profile/hub"] == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [(6, "6"), (2.5, "2.5"), (7.0, "7"), (True, "true"), (False, "false"), ("04", "04")],
)
def test_flatten_scalar_as_text(value: object, text: str) -> None:
    assert flatten_submission({"q": value}).answers["q"] == text


def test_flatten_geojson_kept_whole() -> None:
    answers = flatten_submission(submission(NESTED, 1)).answers

    assert answers["site"] == '{"coordinates": [36.8, -1.3, 1700.0], "type": "Point"}'


def test_flatten_drops_system_fields() -> None:
    flat = flatten_submission(submission(NESTED, 1))

    assert flat.dropped == {"__id", "__system", "meta", "start", "deviceid"}
    assert not any(path.startswith(("__", "meta")) for path in flat.answers)


def test_flatten_repeat_links_set_aside() -> None:
    flat = flatten_submission(submission(NESTED, 1))

    assert flat.repeats == {"visits"}
    assert "visits@odata.navigationLink" not in flat.answers


def test_raw_responses_columns_in_first_seen_order() -> None:
    first = submission({"g": {"a": "1"}}, 1)
    second = submission({"g": {"b": "2", "a": "3"}}, 2)

    raw = raw_responses([first, second], source="test")

    assert list(raw.table.columns) == ["g/a", "g/b"]
    assert raw.table["g/b"].tolist() == ["", "2"]
    assert list(raw.row_numbers) == [2, 3]


def test_raw_responses_no_submission_id() -> None:
    raw = raw_responses([submission(NESTED, 1)], source="test")
    everything = " ".join([*raw.table.columns, *raw.table.to_numpy().ravel().tolist(), *raw.notes])

    assert "uuid:" not in everything
    assert "collect:abc123" not in everything


def test_raw_responses_notes_name_dropped_fields() -> None:
    raw = raw_responses([submission(NESTED, 1)], source="test")

    assert any("__system" in note and "deviceid" in note for note in raw.notes)
    assert any("repeat groups" in note and "visits" in note for note in raw.notes)


def test_raw_responses_duplicate_excluded() -> None:
    first = submission({"q": "1"}, 1)

    raw = raw_responses([first, first], source="test")

    assert len(raw.table) == 1
    assert raw.exclusions[0].row == 3
    assert raw.exclusions[0].reason is ExclusionReason.DUPLICATE
    assert "uuid:" not in raw.exclusions[0].detail


@pytest.mark.parametrize(
    ("review", "kept_rows"),
    [
        (ReviewFilter.ALL, [2, 3, 4, 5]),
        (ReviewFilter.APPROVED, [3]),
        (ReviewFilter.NOT_REJECTED, [2, 3, 5]),
    ],
)
def test_raw_responses_review_filter(review: ReviewFilter, kept_rows: list[int]) -> None:
    states = [None, "approved", "rejected", "hasIssues"]
    submissions = [submission({"q": "1"}, n, state) for n, state in enumerate(states, start=1)]

    raw = raw_responses(submissions, source="test", review=review)

    assert list(raw.row_numbers) == kept_rows
    assert all(e.reason is ExclusionReason.NOT_APPROVED for e in raw.exclusions)
    assert len(raw.exclusions) == 4 - len(kept_rows)


def test_review_filter_unknown_value() -> None:
    with pytest.raises(InputError, match="'approved', 'not-rejected'"):
        ReviewFilter.parse("accepted")


def test_review_filter_spelling_forgiven() -> None:
    assert ReviewFilter.parse(" Approved ") is ReviewFilter.APPROVED
