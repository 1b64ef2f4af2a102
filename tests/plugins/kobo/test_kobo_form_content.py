"""Form content: paths, $autoname, choice translation, and both content shapes."""

from __future__ import annotations

from typing import Any

import pytest
from fake_kobo import content_from_xlsform, field_paths
from kobo_forms import hand_built_content, small_questionnaire

from ccpm_core.errors import SourceError
from ccpm_plugins.exporters.xlsform import XlsFormExporter
from ccpm_plugins.sources.kobo.form_content import (
    FormMapping,
    map_form,
    parse_form_content,
)

QUESTIONNAIRE = small_questionnaire()


@pytest.fixture(scope="module")
def hand_built() -> FormMapping:
    return map_form(parse_form_content(hand_built_content(), "form"), QUESTIONNAIRE)


def test_paths_follow_groups() -> None:
    content = parse_form_content(hand_built_content(), "form")
    paths = [field.xpath for field in content.fields]
    assert "about/place/hub" in paths
    assert "about/organisation_type" in paths
    assert "counts/c_orgs_ingo" in paths


def test_autoname_used_without_name() -> None:
    content = parse_form_content(hand_built_content(), "form")
    assert content.fields[3].xpath == "instrument"


def test_notes_and_groups_hold_no_data() -> None:
    content = parse_form_content(hand_built_content(), "form")
    paths = {field.xpath for field in content.fields}
    assert "meetings/thanks" not in paths
    assert "about" not in paths


def test_repeat_children_marked() -> None:
    content = parse_form_content(hand_built_content(), "form")
    (repeat_child,) = [field for field in content.fields if field.in_repeat]
    assert repeat_child.xpath == "visits/c22"


def test_translations_read() -> None:
    content = parse_form_content(hand_built_content(), "form")
    assert content.translations == ("English (en)", "Français (fr)")


def test_fields_mapped_to_codes(hand_built: FormMapping) -> None:
    assert dict(hand_built.codes) == {
        "instrument": "instrument",
        "about/place/hub": "hub",
        "about/organisation_type": "organisation_type",
        "meetings/p11": "p11",
        "meetings/C11": "c11",
        "p_comment_1": "p_comment_1",
        "counts/c_orgs_ingo": "c_orgs_ingo",
    }


def test_meta_questions_by_type(hand_built: FormMapping) -> None:
    assert hand_built.metadata == {"start", "end", "phone_device"}


def test_repeat_question_noted(hand_built: FormMapping) -> None:
    assert any("'visits/c22'" in note and "repeat" in note for note in hand_built.notes)


def test_choices_translated_by_label(hand_built: FormMapping) -> None:
    translation = hand_built.choice_codes["meetings/p11"]
    assert translation["never"] == "0"
    assert translation["sometimes"] == "2"
    assert translation["always"] == "4"
    assert translation["dk"] == "99"


def test_choice_label_in_french_only(hand_built: FormMapping) -> None:
    # "Frequently" is no label of the scale, but "Souvent" is its French label for 3.
    assert hand_built.choice_codes["meetings/p11"]["often"] == "3"


def test_instrument_choices_translated(hand_built: FormMapping) -> None:
    assert dict(hand_built.choice_codes["instrument"]) == {
        "part": "partner",
        "coord": "coordinator",
    }


def test_unmatched_choice_noted(hand_built: FormMapping) -> None:
    assert "unsure" not in hand_built.choice_codes["meetings/p11"]
    assert any("'unsure'" in note and "unrecognised" in note for note in hand_built.notes)


def test_matching_codes_not_translated(hand_built: FormMapping) -> None:
    assert "about/organisation_type" not in hand_built.choice_codes


def test_exported_form_maps_every_question() -> None:
    content = content_from_xlsform(XlsFormExporter().export(QUESTIONNAIRE))
    mapping = map_form(parse_form_content(content, "form"), QUESTIONNAIRE)
    assert sorted(mapping.codes.values()) == sorted(q.code for q in QUESTIONNAIRE.questions)
    assert mapping.choice_codes == {}
    assert mapping.notes == ()
    assert field_paths(content)["p11"] == "partner_function_1/p11"


def test_flattened_content_read() -> None:
    flattened: dict[str, Any] = {
        "survey": [
            {"type": "select_one roles", "name": "instrument", "label::English (en)": "Role"},
            {"type": "begin group", "name": "grp"},
            {"type": "select one freq", "name": "p11"},
            {"type": "end group"},
        ],
        "choices": [
            {"list_name": "roles", "name": "partner", "label::English (en)": "Partner"},
            {"list_name": "freq", "name": "never", "label::English (en)": "Never"},
        ],
    }
    content = parse_form_content(flattened, "form")
    mapping = map_form(content, QUESTIONNAIRE)
    assert content.fields[0].labels == ("Role",)
    assert dict(mapping.codes) == {"instrument": "instrument", "grp/p11": "p11"}
    assert mapping.choice_codes["grp/p11"] == {"never": "0"}


@pytest.mark.parametrize("content", [None, [], {"survey": "x"}, {"choices": []}])
def test_content_without_survey_rejected(content: Any) -> None:
    with pytest.raises(SourceError, match="no list of questions"):
        parse_form_content(content, "asset aX")


def test_older_version_merged(hand_built: FormMapping) -> None:
    older = FormMapping({"old_group/p22": "p22", "meetings/p11": "p11"}, {}, frozenset({"today"}))
    merged = hand_built.merged_with(older)
    assert merged.codes["old_group/p22"] == "p22"
    assert merged.choice_codes["meetings/p11"] == hand_built.choice_codes["meetings/p11"]
    assert "today" in merged.metadata
