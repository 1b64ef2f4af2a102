"""The xlsform exporter: the workbook converts with pyxform into the XForm we expect."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from ccpm_core.errors import QuestionnaireError
from ccpm_core.plugins import PluginHost
from ccpm_core.questionnaire import Questionnaire, questionnaire_from_data, standard_questionnaire
from ccpm_plugins.cli.main import main
from ccpm_plugins.exporters.xlsform import (
    XlsFormExporter,
    build_xlsform,
    language_code_of,
    xlsform_language,
)

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"


def _two_languages() -> Questionnaire:
    labels = {"en": "Question", "fr": "Question en français"}
    data: dict[str, Any] = {
        "schema": "ccpm.questionnaire/1",
        "id": "two languages",
        "version": "1",
        "languages": ["en", "fr"],
        "title": {"en": "Test", "fr": "Essai"},
        "scales": {
            "instrument": {
                "options": [
                    {"code": "partner", "label": {"en": "Partner", "fr": "Partenaire"}},
                    {"code": "coordinator", "label": {"en": "Coordinator", "fr": "Coordinateur"}},
                ]
            },
            "organisation types": {
                "options": [{"code": "ingo", "label": {"en": "INGO", "fr": "ONGI"}}]
            },
            "frequency": {
                "options": [
                    {"code": "0", "value": 0, "label": {"en": "Never", "fr": "Jamais"}},
                    {"code": "4", "value": 4, "label": {"en": "Always", "fr": "Toujours"}},
                ]
            },
        },
        "items": [{"id": "1.1.1", "section": "1.1", "title": labels}],
        "questions": [
            {"code": "instrument", "kind": "profile", "scale": "instrument", "label": labels},
            {"code": "hub", "kind": "profile", "type": "text", "label": labels},
            {
                "code": "organisation_type",
                "kind": "profile",
                "scale": "organisation types",
                "label": labels,
            },
            {
                "code": "shared",
                "kind": "rating",
                "item": "1.1.1",
                "scale": "frequency",
                "label": labels,
            },
            {
                "code": "p_note",
                "instrument": "partner",
                "kind": "profile",
                "type": "text",
                "label": labels,
            },
        ],
    }
    return questionnaire_from_data(data)


def xform_of(data: bytes) -> ET.Element:
    warnings: list[str] = []
    result = convert(data, warnings=warnings, file_type=".xlsx")
    assert warnings == []
    return ET.fromstring(result.xform)


def binds(root: ET.Element) -> dict[str, dict[str, str]]:
    model = root.find(f"{H}head/{XF}model")
    assert model is not None
    return {bind.attrib["nodeset"]: bind.attrib for bind in model.iter(f"{XF}bind")}


def relevant_of(root: ET.Element, path: str) -> str:
    """Return a node's skip logic with spaces folded; '' when it has none (no bind at all)."""
    return " ".join(binds(root).get(path, {}).get("relevant", "").split())


def group_refs(root: ET.Element) -> list[str]:
    return [group.attrib["ref"] for group in root.iter(f"{XF}group")]


def choice_names(root: ET.Element, list_name: str) -> list[str]:
    """Return the choice names of a list, which pyxform writes as a secondary instance."""
    model = root.find(f"{H}head/{XF}model")
    assert model is not None
    instance = next(node for node in model.iter(f"{XF}instance") if node.get("id") == list_name)
    return [item.findtext(f"{XF}name") or "" for item in instance.iter(f"{XF}item")]


@pytest.fixture(scope="module")
def standard_xform() -> ET.Element:
    return xform_of(XlsFormExporter().export(standard_questionnaire()))


def test_standard_converts_without_warnings(standard_xform: ET.Element) -> None:
    assert standard_xform.tag == f"{H}html"


def test_every_code_is_a_question(standard_xform: ET.Element) -> None:
    names = {path.rsplit("/", 1)[-1] for path in binds(standard_xform)}
    codes = {question.code for question in standard_questionnaire().questions}
    assert codes <= names


def test_instrument_first_and_required(standard_xform: ET.Element) -> None:
    body = standard_xform.find(f"{H}body")
    assert body is not None
    first = body[0]
    assert first.tag == f"{XF}select1"
    assert first.attrib["ref"] == "/data/instrument"
    assert binds(standard_xform)["/data/instrument"]["required"] == "true()"


def test_profile_grouped(standard_xform: ET.Element) -> None:
    paths = binds(standard_xform)
    assert "/data/profile/hub" in paths
    assert "/data/profile/organisation_type" in paths
    assert "/data/profile" in group_refs(standard_xform)
    assert relevant_of(standard_xform, "/data/profile") == ""


def test_partner_group_relevant(standard_xform: ET.Element) -> None:
    relevant = relevant_of(standard_xform, "/data/partner_function_1")
    assert relevant == "/data/instrument = 'partner'"


def test_coordinator_group_relevant(standard_xform: ET.Element) -> None:
    relevant = relevant_of(standard_xform, "/data/coordinator_function_7")
    assert relevant == "/data/instrument = 'coordinator'"


def test_questions_in_function_groups(standard_xform: ET.Element) -> None:
    paths = binds(standard_xform)
    assert "/data/partner_function_1/p111" in paths
    assert "/data/partner_function_2/p231" in paths
    assert "/data/coordinator_function_6/c65" in paths
    assert "/data/partner_function_7/p_comment_7" in paths


def test_counts_typed_and_constrained(standard_xform: ET.Element) -> None:
    paths = binds(standard_xform)
    organisations = paths["/data/organisation_counts/c_orgs_donor"]
    attending = paths["/data/organisation_counts/c_attending_donor"]
    assert organisations["type"] == "int"
    assert attending["type"] == "decimal"
    assert organisations["constraint"] == ". >= 0"
    assert relevant_of(standard_xform, "/data/organisation_counts") == (
        "/data/instrument = 'coordinator'"
    )


def test_comment_is_text(standard_xform: ET.Element) -> None:
    assert binds(standard_xform)["/data/coordinator_function_3/c_comment_3"]["type"] == "string"


def test_choice_names_are_option_codes(standard_xform: ET.Element) -> None:
    body = standard_xform.find(f"{H}body")
    assert body is not None
    select = next(
        node for node in body.iter(f"{XF}select1") if node.attrib["ref"].endswith("/p111")
    )
    itemset = select.find(f"{XF}itemset")
    assert itemset is not None
    assert "instance('meeting_frequency_satisfaction')" in itemset.attrib["nodeset"]
    assert choice_names(standard_xform, "meeting_frequency_satisfaction") == [
        "0",
        "1",
        "2",
        "3",
        "4",
    ]


def test_special_codes_are_choices(standard_xform: ET.Element) -> None:
    names = choice_names(standard_xform, "frequency_or_not_done_or_not_applicable")
    assert names[-2:] == ["999", "9999"]


def test_group_label_names_function(standard_xform: ET.Element) -> None:
    texts = [value.text or "" for value in standard_xform.iter(f"{XF}value")]
    assert "Function 1: Supporting service delivery" in texts


def test_two_languages_in_itext() -> None:
    root = xform_of(XlsFormExporter().export(_two_languages()))
    languages = [node.attrib["lang"] for node in root.iter(f"{XF}translation")]
    assert languages == ["English (en)", "French (fr)"]


def test_default_language_chosen() -> None:
    root = xform_of(XlsFormExporter().export(_two_languages(), "fr"))
    defaults = [
        node.attrib["lang"] for node in root.iter(f"{XF}translation") if "default" in node.attrib
    ]
    assert defaults == ["French (fr)"]


def test_shared_question_has_no_relevant() -> None:
    root = xform_of(XlsFormExporter().export(_two_languages()))
    assert "/data/function_1" in group_refs(root)
    assert relevant_of(root, "/data/function_1") == ""
    assert relevant_of(root, "/data/function_1/shared") == ""


def test_instrument_specific_profile_relevant() -> None:
    root = xform_of(XlsFormExporter().export(_two_languages()))
    assert relevant_of(root, "/data/profile/p_note") == "/data/instrument = 'partner'"


def test_list_name_made_valid() -> None:
    form = build_xlsform(_two_languages())
    types = [row["type"] for row in form.survey]
    assert "select_one organisation_types" in types


def test_form_id_made_valid() -> None:
    assert build_xlsform(_two_languages()).settings["form_id"] == "two_languages"


def test_title_replaced() -> None:
    assert build_xlsform(_two_languages(), title="Health 2026").settings["form_title"] == (
        "Health 2026"
    )


def test_unknown_language_rejected() -> None:
    with pytest.raises(QuestionnaireError, match="no labels in language 'es'"):
        build_xlsform(_two_languages(), "es")


def test_workbook_sheets_and_columns() -> None:
    data = XlsFormExporter().export(_two_languages())
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    try:
        assert workbook.sheetnames == ["survey", "choices", "settings"]
        survey_header = next(workbook["survey"].values)
        choices_header = next(workbook["choices"].values)
    finally:
        workbook.close()
    assert survey_header[:4] == ("type", "name", "label::English (en)", "label::French (fr)")
    assert choices_header == ("list_name", "name", "label::English (en)", "label::French (fr)")


def test_group_name_avoids_question_code() -> None:
    questionnaire = _two_languages()
    data = questionnaire.model_dump(by_alias=True, mode="json")
    data["questions"][4]["code"] = "profile"
    form = build_xlsform(questionnaire_from_data(data))
    group_names = [row["name"] for row in form.survey if row["type"] == "begin_group"]
    assert "profile_group" in group_names


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("en", "English (en)"),
        ("fr", "French (fr)"),
        ("pt-BR", "Portuguese (pt-BR)"),
        ("xx", "xx (xx)"),
    ],
)
def test_language_names(code: str, name: str) -> None:
    assert xlsform_language(code) == name


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("English (en)", "en"),
        ("Français (fr)", "fr"),
        ("Português (pt-BR)", "pt-br"),
        ("Arabic", "ar"),
        ("Klingon", None),
        (None, None),
    ],
)
def test_language_codes(name: str | None, code: str | None) -> None:
    assert language_code_of(name) == code


def test_registered_as_binary_plugin() -> None:
    host = PluginHost(["ccpm_plugins.exporters.xlsform"], load_entry_points=False)
    exporter = host.exporter("xlsform")
    assert exporter.binary is True


def test_cli_writes_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "ccpm.xlsx"

    main(["questionnaire", "export", "--format", "xlsform", "-o", str(output)])

    root = xform_of(output.read_bytes())
    assert "/data/instrument" in binds(root)
    assert f"Questionnaire written to {output}" in capsys.readouterr().err


def test_cli_needs_output_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["questionnaire", "export", "--format", "xlsform"])

    assert done.value.code == 2
    assert "binary; write it to a file with -o FILE" in capsys.readouterr().err
