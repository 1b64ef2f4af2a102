"""Tests of the standard questionnaire and of loading custom questionnaires."""

from __future__ import annotations

import copy
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ccpm_core.errors import QuestionnaireError
from ccpm_core.framework import SECTION_IDS, Instrument
from ccpm_core.labels import match_key
from ccpm_core.questionnaire import (
    SPECIAL_CODES,
    AnswerType,
    CountKind,
    Option,
    QuestionKind,
    Questionnaire,
    SpecialAnswer,
    load_questionnaire,
    standard_questionnaire,
)

# The CCPM item map: (item, coordinator question, partner question). None means
# that instrument does not measure the item. Typed by hand from the map, so that
# a slip in the questionnaire file shows up as a mismatch here.
ITEM_MAP: list[tuple[str, str | None, str | None]] = [
    ("1.1.1", "c111", None),
    ("1.1.2", "c112", "p111"),
    ("1.1.3", "c114", "p112"),
    ("1.1.4", None, "p113"),
    ("1.1.5", "c118", "p114"),
    ("1.1.6", "c113", None),
    ("1.1.7", "c115", "p115"),
    ("1.1.8", "c119", "p116"),
    ("1.1.9", "c116", None),
    ("1.1.10", "c117", None),
    ("1.2.1", "c121", None),
    ("1.2.2", "c122", "p121"),
    ("1.2.3", None, "p122"),
    ("1.2.4", "c123", "p123"),
    ("2.1.1", "c211", "p211"),
    ("2.1.2", "c212", "p212"),
    ("2.1.3", "c213", "p213"),
    ("2.2.1", "c221", "p221"),
    ("2.2.2", "c222_1", "p222_1"),
    ("2.2.3", "c222_2", "p222_2"),
    ("2.2.4", "c222_3", "p222_3"),
    ("2.2.5", "c222_4", "p222_4"),
    ("2.2.6", "c222_5", "p222_5"),
    ("2.2.7", "c223_1", "p223_1"),
    ("2.2.8", "c223_2", "p223_2"),
    ("2.2.9", "c223_3", "p223_3"),
    ("2.2.10", "c223_4", "p223_4"),
    ("2.2.11", "c223_5", "p223_5"),
    ("2.2.12", "c223_6", "p223_6"),
    ("2.2.13", "c223_7", "p223_7"),
    ("2.2.14", "c223_8", "p223_8"),
    ("2.3.1", "c231", "p231"),
    ("3.1.1", "c311", None),
    ("3.1.2", "c314", "p311"),
    ("3.1.3", "c312", None),
    ("3.1.4", "c313", None),
    ("3.1.5", "c315_1", None),
    ("3.1.6", "c315_2", None),
    ("3.1.7", "c315_3", None),
    ("3.1.8", "c315_4", None),
    ("3.1.9", "c315_5", None),
    ("3.1.10", "c315_6", None),
    ("3.1.11", "c315_7", None),
    ("3.1.12", "c315_8", None),
    ("3.1.13", "c316", None),
    ("3.1.14", "c317", "p312"),
    ("3.1.15", "c318", None),
    ("3.2.1", "c321", None),
    ("3.2.2", "c322", "p321"),
    ("3.3.1", "c331", "p331"),
    ("3.3.2", "c332", "p332"),
    ("3.3.3", "c333", None),
    ("3.3.4", "c334", "p333"),
    ("4.1.1", "c411", "p411"),
    ("4.2.1", "c421", "p421"),
    ("5.1.1", "c51", "p52"),
    ("5.1.2", "c52", None),
    ("5.1.3", "c53", None),
    ("5.1.4", "c54", None),
    ("5.1.5", "c55", "p51"),
    ("5.1.6", "c56", "p53"),
    ("6.1.1", "c61", None),
    ("6.1.2", "c62", None),
    ("6.1.3", "c63", "p61"),
    ("6.1.4", "c64", "p62"),
    ("6.1.5", "c65", None),
    ("7.1.1", "c71", "p71"),
    ("7.1.2", "c72", "p72"),
]

MAPPED_CODES: list[tuple[str, str]] = [
    (code, item_id)
    for item_id, coordinator_code, partner_code in ITEM_MAP
    for code in (coordinator_code, partner_code)
    if code is not None
]

ORGANISATION_TYPES = (
    "international_ngo",
    "national_ngo",
    "un_agency",
    "national_authority",
    "donor",
    "red_cross_red_crescent",
    "academia",
    "other",
)


def section_from_map(item_id: str) -> str:
    """Return the section of an item: 5, 6 and 7 are whole functions, the rest sub-functions."""
    function, sub_function, _ = item_id.split(".")
    return function if function in {"5", "6", "7"} else f"{function}.{sub_function}"


def sections_measured(instrument_column: int) -> set[str]:
    return {section_from_map(row[0]) for row in ITEM_MAP if row[instrument_column] is not None}


@pytest.fixture(scope="module")
def standard() -> Questionnaire:
    return standard_questionnaire()


def standard_file_text() -> str:
    resource = resources.files("ccpm_core") / "data" / "standard_questionnaire.yaml"
    return resource.read_text(encoding="utf-8")


def minimal_document() -> dict[str, Any]:
    """Return the smallest valid questionnaire document: one item, one rating question."""
    return {
        "schema": "ccpm.questionnaire/1",
        "id": "custom",
        "version": "1",
        "languages": ["en"],
        "title": {"en": "Custom questionnaire"},
        "scales": {
            "frequency": {
                "options": [
                    {"code": "0", "value": 0, "label": {"en": "Never"}},
                    {"code": "4", "value": 4, "label": {"en": "Always"}},
                    {"code": "99", "special": "dont_know", "label": {"en": "Don't know"}},
                ]
            },
            "instrument": {
                "options": [
                    {"code": "partner", "label": {"en": "Partner"}},
                    {"code": "coordinator", "label": {"en": "Coordinator"}},
                ]
            },
            "organisation_type": {"options": [{"code": "other", "label": {"en": "Other"}}]},
        },
        "items": [{"id": "1.1.2", "section": "1.1", "title": {"en": "Meeting frequency"}}],
        "questions": [
            {
                "code": "instrument",
                "kind": "profile",
                "scale": "instrument",
                "label": {"en": "Your role"},
            },
            {"code": "hub", "kind": "profile", "type": "text", "label": {"en": "Hub"}},
            {
                "code": "organisation_type",
                "kind": "profile",
                "scale": "organisation_type",
                "label": {"en": "Organisation type"},
            },
            {
                "code": "p111",
                "instrument": "partner",
                "kind": "rating",
                "item": "1.1.2",
                "scale": "frequency",
                "label": {"en": "How often does the cluster meet?"},
            },
        ],
    }


def write_yaml(tmp_path: Path, document: Any, name: str = "custom.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def load_error(path: Path) -> str:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    return str(caught.value)


# ---------------------------------------------------------------- standard questionnaire


def test_standard_loads(standard: Questionnaire) -> None:
    assert standard.id == "ccpm-standard"
    assert standard.version == "2026.1"
    assert standard.languages == ["en", "fr", "es", "ar"]


def test_standard_item_ids_match_map(standard: Questionnaire) -> None:
    assert [item.id for item in standard.items] == [row[0] for row in ITEM_MAP]


@pytest.mark.parametrize(("code", "item_id"), MAPPED_CODES)
def test_map_question_measures_item(standard: Questionnaire, code: str, item_id: str) -> None:
    question = standard.question(code)
    assert question.kind is QuestionKind.RATING
    assert question.item == item_id


@pytest.mark.parametrize(("code", "item_id"), MAPPED_CODES)
def test_map_question_instrument(standard: Questionnaire, code: str, item_id: str) -> None:
    expected = Instrument.PARTNER if code.startswith("p") else Instrument.COORDINATOR
    assert standard.question(code).instrument is expected


def test_rating_questions_all_in_map(standard: Questionnaire) -> None:
    rating_codes = {q.code for q in standard.questions_of(QuestionKind.RATING)}
    assert rating_codes == {code for code, _ in MAPPED_CODES}


def test_every_item_measured(standard: Questionnaire) -> None:
    measured = {q.item for q in standard.questions_of(QuestionKind.RATING)}
    unmeasured = [item.id for item in standard.items if item.id not in measured]
    assert unmeasured == []


@pytest.mark.parametrize(
    ("item_id", "section"), [(row[0], section_from_map(row[0])) for row in ITEM_MAP]
)
def test_item_section(standard: Questionnaire, item_id: str, section: str) -> None:
    assert standard.item(item_id).section == section


@pytest.mark.parametrize(
    ("item_id", "section"),
    [
        ("1.1.10", "1.1"),
        ("2.2.14", "2.2"),
        ("3.1.15", "3.1"),
        ("5.1.6", "5"),
        ("6.1.1", "6"),
        ("7.1.2", "7"),
    ],
)
def test_item_section_spot_checks(standard: Questionnaire, item_id: str, section: str) -> None:
    assert standard.item(item_id).section == section


def test_meeting_frequency_codes_differ(standard: Questionnaire) -> None:
    assert standard.question("c112").item == "1.1.2"
    assert standard.question("p111").item == "1.1.2"


def test_mapping_input_codes_differ(standard: Questionnaire) -> None:
    assert standard.question("c122").item == "1.2.2"
    assert standard.question("p121").item == "1.2.2"
    assert standard.question("c121").item == "1.2.1"


def test_matrix_rows_map_to_items(standard: Questionnaire) -> None:
    assert standard.question("c222_3").item == "2.2.4"
    assert standard.question("p223_8").item == "2.2.14"
    assert standard.question("c315_1").item == "3.1.5"


@pytest.mark.parametrize("section_id", sorted(sections_measured(1)))
def test_section_rated_by_coordinator(standard: Questionnaire, section_id: str) -> None:
    questions = standard.questions_of(QuestionKind.RATING, Instrument.COORDINATOR)
    assert any(standard.section_of(q) == section_id for q in questions)


@pytest.mark.parametrize("section_id", sorted(sections_measured(2)))
def test_section_rated_by_partner(standard: Questionnaire, section_id: str) -> None:
    questions = standard.questions_of(QuestionKind.RATING, Instrument.PARTNER)
    assert any(standard.section_of(q) == section_id for q in questions)


def test_map_rates_all_sections_in_both() -> None:
    assert sections_measured(1) == set(SECTION_IDS)
    assert sections_measured(2) == set(SECTION_IDS)


def test_question_codes_unique(standard: Questionnaire) -> None:
    codes = [q.code for q in standard.questions]
    assert len(codes) == len(set(codes))


def test_rating_codes_follow_scheme(standard: Questionnaire) -> None:
    pattern = re.compile(r"^[pc]\d+(_\d+)?$")
    bad = [q.code for q in standard.questions_of(QuestionKind.RATING) if not pattern.match(q.code)]
    assert bad == []


def test_special_options_unscored(standard: Questionnaire) -> None:
    scored_specials = [
        (name, option.code)
        for name, scale in standard.scales.items()
        for option in scale.options
        if option.special is not None and option.value is not None
    ]
    assert scored_specials == []


def test_special_codes_conventional(standard: Questionnaire) -> None:
    wrong = [
        (name, option.code, option.special)
        for name, scale in standard.scales.items()
        for option in scale.options
        if option.special is not None and SPECIAL_CODES.get(option.code) is not option.special
    ]
    assert wrong == []


def test_special_codes_always_special(standard: Questionnaire) -> None:
    plain = [
        (name, option.code)
        for name, scale in standard.scales.items()
        for option in scale.options
        if option.code in SPECIAL_CODES and option.special is None
    ]
    assert plain == []


def test_scored_values_in_range(standard: Questionnaire) -> None:
    values = {
        option.value
        for scale in standard.scales.values()
        for option in scale.options
        if option.value is not None
    }
    assert values <= {0, 1, 2, 3, 4}


def test_scored_codes_are_value_digits(standard: Questionnaire) -> None:
    mismatched = [
        (name, option.code, option.value)
        for name, scale in standard.scales.items()
        for option in scale.options
        if option.value is not None and option.code != str(int(option.value))
    ]
    assert mismatched == []


def test_labels_distinct_in_scales(standard: Questionnaire) -> None:
    for name, scale in standard.scales.items():
        keys = [match_key(option.label["en"]) for option in scale.options]
        assert len(keys) == len(set(keys)), name


@pytest.mark.parametrize(
    ("code", "values"),
    [
        ("p113", [2, 4]),
        ("c61", [0, 2, 4]),
        ("p62", [0, 2, 4]),
        ("c221", [0, 4]),
        ("c311", [0, 4]),
        ("c114", [1, 2, 3, 4]),
        ("c222_1", [1, 2, 3, 4]),
        ("p112", [0, 1, 2, 3, 4]),
    ],
)
def test_scored_values_of_question(standard: Questionnaire, code: str, values: list[int]) -> None:
    scale = standard.scale_of(standard.question(code))
    assert [option.value for option in scale.options if option.scored] == values


@pytest.mark.parametrize(
    ("code", "specials"),
    [
        ("c116", {"999"}),
        ("c117", {"999"}),
        ("p121", {"999", "9999"}),
        ("p122", {"999", "9999"}),
        ("c212", {"999", "9999"}),
        ("c313", {"999"}),
        ("p311", {"999", "9999"}),
        ("p411", {"99", "9999"}),
        ("c421", {"9999"}),
        ("p62", {"9999"}),
        ("c65", {"999"}),
        ("p71", {"99", "999"}),
        ("c71", set()),
        ("p222_1", {"99"}),
        ("c222_1", set()),
    ],
)
def test_special_options_of_question(
    standard: Questionnaire, code: str, specials: set[str]
) -> None:
    scale = standard.scale_of(standard.question(code))
    assert {option.code for option in scale.options if option.special} == specials


@pytest.mark.parametrize("code", ["c56", "p53", "c53"])
def test_not_done_labelled_not_applicable(standard: Questionnaire, code: str) -> None:
    option = standard.scale_of(standard.question(code)).option("999")
    assert option.special is SpecialAnswer.NOT_DONE
    assert option.label["en"] == "Not applicable"


def test_not_applicable_alias(standard: Questionnaire) -> None:
    option = standard.scale_of(standard.question("p121")).option("9999")
    assert option.aliases == ["N/A", "Non applicable", "S.O.", "No aplicable", "غير منطبق"]


def test_instrument_question(standard: Questionnaire) -> None:
    question = standard.question("instrument")
    codes = [option.code for option in standard.scale_of(question).options]
    assert question.instrument is None
    assert codes == ["partner", "coordinator"]


def test_hub_question_is_text(standard: Questionnaire) -> None:
    question = standard.question("hub")
    assert question.type is AnswerType.TEXT
    assert question.instrument is None


def test_organisation_types(standard: Questionnaire) -> None:
    question = standard.question("organisation_type")
    codes = tuple(option.code for option in standard.scale_of(question).options)
    assert codes == ORGANISATION_TYPES


@pytest.mark.parametrize("organisation_type", ORGANISATION_TYPES)
def test_organisation_count_question(standard: Questionnaire, organisation_type: str) -> None:
    question = standard.question(f"c_orgs_{organisation_type}")
    assert question.instrument is Instrument.COORDINATOR
    assert question.kind is QuestionKind.PROFILE
    assert question.type is AnswerType.INTEGER
    assert question.count is CountKind.ORGANISATIONS
    assert question.organisation_type == organisation_type


@pytest.mark.parametrize("organisation_type", ORGANISATION_TYPES)
def test_attending_count_question(standard: Questionnaire, organisation_type: str) -> None:
    question = standard.question(f"c_attending_{organisation_type}")
    assert question.instrument is Instrument.COORDINATOR
    assert question.kind is QuestionKind.PROFILE
    assert question.type is AnswerType.DECIMAL
    assert question.count is CountKind.ATTENDING
    assert question.organisation_type == organisation_type


@pytest.mark.parametrize("instrument", ["p", "c"])
@pytest.mark.parametrize("function", range(1, 8))
def test_comment_question(standard: Questionnaire, instrument: str, function: int) -> None:
    question = standard.question(f"{instrument}_comment_{function}")
    assert question.kind is QuestionKind.COMMENT
    assert question.type is AnswerType.TEXT
    assert question.function == function


def test_comment_count(standard: Questionnaire) -> None:
    assert len(standard.questions_of(QuestionKind.COMMENT)) == 14


# ---------------------------------------------------------------- file formats


def test_yaml_and_json_copies_equal(tmp_path: Path, standard: Questionnaire) -> None:
    yaml_path = tmp_path / "standard.yaml"
    yaml_path.write_text(standard_file_text(), encoding="utf-8")
    json_path = tmp_path / "standard.json"
    json_path.write_text(json.dumps(yaml.safe_load(standard_file_text())), encoding="utf-8")

    from_yaml = load_questionnaire(yaml_path)
    from_json = load_questionnaire(json_path)

    assert from_yaml == standard
    assert from_json == from_yaml


def test_minimal_document_loads(tmp_path: Path) -> None:
    questionnaire = load_questionnaire(write_yaml(tmp_path, minimal_document()))
    assert questionnaire.question("p111").item == "1.1.2"


def test_byte_order_mark_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_text(yaml.safe_dump(minimal_document()), encoding="utf-8-sig")
    assert load_questionnaire(path).id == "custom"


# ---------------------------------------------------------------- load errors


def test_error_unknown_scale(tmp_path: Path) -> None:
    document = minimal_document()
    document["questions"][3]["scale"] = "frequncy"
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "question 'p111' names unknown scale 'frequncy'" in message


def test_error_duplicate_code(tmp_path: Path) -> None:
    document = minimal_document()
    document["questions"].append(copy.deepcopy(document["questions"][3]))
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "question code 'p111' appears twice" in message


def test_error_missing_label(tmp_path: Path) -> None:
    document = minimal_document()
    document["questions"][3]["label"] = {"fr": "À quelle fréquence ?"}
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "question 'p111' has no label in en" in message


def test_error_label_field_absent(tmp_path: Path) -> None:
    document = minimal_document()
    del document["questions"][3]["label"]
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "questions[3 (p111)].label" in message


def test_error_invalid_yaml_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("schema: ccpm.questionnaire/1\nitems: [\n  - id\n", encoding="utf-8")

    message = load_error(path)

    assert str(path) in message
    assert "invalid YAML at line 3" in message


def test_error_invalid_json_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "schema": "ccpm.questionnaire/1",\n  "id": \n}\n', encoding="utf-8")

    message = load_error(path)

    assert str(path) in message
    assert "invalid JSON at line 4" in message


def test_error_top_level_list(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, ["schema", "id"])

    message = load_error(path)

    assert str(path) in message
    assert "must be a mapping at the top level" in message


def test_error_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")

    message = load_error(path)

    assert str(path) in message
    assert "must be a mapping at the top level" in message


def test_error_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"

    message = load_error(path)

    assert str(path) in message
    assert "cannot read the questionnaire file" in message


def test_error_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: {en: Qualité}\n".encode("latin-1"))

    message = load_error(path)

    assert str(path) in message
    assert "not UTF-8" in message


def test_error_value_out_of_range(tmp_path: Path) -> None:
    document = minimal_document()
    document["scales"]["frequency"]["options"][1]["value"] = 5
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "scales.frequency.options[1 (4)].value" in message
    assert "outside the 0 to 4 range" in message


def test_error_value_three_decimals(tmp_path: Path) -> None:
    document = minimal_document()
    document["scales"]["frequency"]["options"][1]["value"] = 3.125
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "scales.frequency.options[1 (4)].value" in message
    assert "more than two decimals" in message


def test_error_special_with_value(tmp_path: Path) -> None:
    document = minimal_document()
    document["scales"]["frequency"]["options"][2]["value"] = 0
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "scales.frequency.options[2 (99)]" in message
    assert "cannot also have a value" in message


def test_error_labels_equal_under_match_key(tmp_path: Path) -> None:
    document = minimal_document()
    document["scales"]["frequency"]["options"][1]["label"] = {"en": "  NEVER "}
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "scales.frequency" in message
    assert "cannot be told apart" in message


def test_error_alias_equals_label(tmp_path: Path) -> None:
    document = minimal_document()
    document["scales"]["frequency"]["options"][1]["aliases"] = ["Dont know"]
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "cannot be told apart from a label of option '4'" in message


def test_error_rating_without_item(tmp_path: Path) -> None:
    document = minimal_document()
    del document["questions"][3]["item"]
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "questions[3 (p111)]" in message
    assert "needs both 'item' and 'scale'" in message


def test_error_unknown_item(tmp_path: Path) -> None:
    document = minimal_document()
    document["questions"][3]["item"] = "1.1.9"
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "question 'p111' names unknown item '1.1.9'" in message


def test_error_missing_profile_question(tmp_path: Path) -> None:
    document = minimal_document()
    del document["questions"][1]
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "the profile question 'hub' is missing" in message


def test_error_unknown_section(tmp_path: Path) -> None:
    document = minimal_document()
    document["items"][0]["section"] = "8"
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "items[0 (1.1.2)].section" in message


def test_error_counts_more_problems(tmp_path: Path) -> None:
    document = minimal_document()
    document["scales"]["frequency"]["options"][0]["value"] = -1
    document["scales"]["frequency"]["options"][1]["value"] = 9
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert "(1 more problem)" in message


# ---------------------------------------------------------------- option values


@given(st.integers(min_value=0, max_value=4))
def test_integer_values_accepted(value: int) -> None:
    option = Option(code=str(value), value=value, label={"en": "x"})
    assert option.value_hundredths == value * 100


@given(st.floats().filter(lambda value: not 0 <= value <= 4))
def test_values_outside_range_rejected(value: float) -> None:
    with pytest.raises(ValidationError):
        Option(code="x", value=value, label={"en": "x"})


@pytest.mark.parametrize("value", [0.5, 1.25, 3.33, 3.75])
def test_two_decimal_values_accepted(value: float) -> None:
    option = Option(code="x", value=value, label={"en": "x"})
    assert option.value_hundredths == round(value * 100)


@pytest.mark.parametrize("value", [0.29, 0.57, 1.15, 2.01])
def test_two_decimal_values_inexact_in_binary(value: float) -> None:
    option = Option(code="x", value=value, label={"en": "x"})
    assert option.value_hundredths == round(value * 100)


def test_error_special_code_scored(tmp_path: Path) -> None:
    document = minimal_document()
    document["scales"]["frequency"]["options"][2] = {
        "code": "99",
        "value": 4,
        "label": {"en": "Excellent"},
    }
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "option code '99' is the code of the special answer dont_know" in message


def test_error_label_equals_other_code(tmp_path: Path) -> None:
    document = minimal_document()
    document["scales"]["frequency"]["options"][0]["label"] = {"en": "4"}
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "is the code of option '4'" in message


def test_error_organisation_type_as_text(tmp_path: Path) -> None:
    document = minimal_document()
    question = document["questions"][2]
    question["type"] = "text"
    del question["scale"]
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert str(path) in message
    assert "'organisation_type' question must be select_one" in message


def count_question(**changes: Any) -> dict[str, Any]:
    question = {
        "code": "c_orgs_other",
        "instrument": "coordinator",
        "kind": "profile",
        "type": "integer",
        "count": "organisations",
        "organisation_type": "other",
        "label": {"en": "Other organisations"},
    }
    question.update(changes)
    return question


def test_count_question_accepted(tmp_path: Path) -> None:
    document = minimal_document()
    document["questions"].append(count_question())

    questionnaire = load_questionnaire(write_yaml(tmp_path, document))

    assert questionnaire.question("c_orgs_other").count is not None


def test_error_count_of_unknown_type(tmp_path: Path) -> None:
    document = minimal_document()
    document["questions"].append(count_question(organisation_type="ministry"))
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert "names organisation type 'ministry'" in message


def test_error_count_asked_of_partners(tmp_path: Path) -> None:
    document = minimal_document()
    document["questions"].append(count_question(instrument="partner"))
    path = write_yaml(tmp_path, document)

    message = load_error(path)

    assert "must be asked of the coordinator" in message


def test_label_language_default() -> None:
    assert standard_questionnaire().label_language(None) == "en"


def test_label_language_unknown() -> None:
    expected = r"no labels in 'pt'; choose one of: en, fr, es, ar"

    with pytest.raises(QuestionnaireError, match=expected):
        standard_questionnaire().label_language("pt")
