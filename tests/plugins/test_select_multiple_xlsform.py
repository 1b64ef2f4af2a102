"""Select_multiple in the xlsform exporter: the XForm select and Kobo exports read back."""

from __future__ import annotations

import copy
import io
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from ccpm_core.errors import QuestionnaireError
from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import Questionnaire, questionnaire_from_data
from ccpm_core.responses import NO_ANSWER, NOT_SELECTED, SELECTED
from ccpm_plugins.exporters.xlsform import XlsFormExporter, build_xlsform, xlsform_language
from ccpm_plugins.sources.csv_file import CsvSource

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"
CORPUS_QUESTIONNAIRE = Path(__file__).parents[1] / "corpus" / "questionnaire.yaml"

SECTOR_LABELS = {
    "health": {"en": "Health", "fr": "Santé", "es": "Salud", "ar": "الصحة"},
    "wash": {"en": "WASH", "fr": "EHA", "es": "ASH", "ar": "المياه والصرف الصحي"},
    "shelter": {"en": "Shelter", "fr": "Abris", "es": "Albergue", "ar": "المأوى"},
}


@cache
def _corpus_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CORPUS_QUESTIONNAIRE.read_text(encoding="utf-8"))
    return data


def _corpus(**changes: Any) -> Questionnaire:
    data = copy.deepcopy(_corpus_data())
    data.update(changes)
    return questionnaire_from_data(data, source="corpus questionnaire")


def _four_languages() -> Questionnaire:
    """Return a questionnaire in en, fr, es and ar with a select_multiple question."""
    labels = {"en": "Sectors", "fr": "Secteurs", "es": "Sectores", "ar": "القطاعات"}
    data = copy.deepcopy(_corpus_data())
    data["languages"] = ["en", "fr", "es", "ar"]
    data["scales"] = {
        name: {
            "options": [
                {**option, "label": {language: option["label"]["en"] for language in labels}}
                for option in scale["options"]
            ]
        }
        for name, scale in data["scales"].items()
    }
    data["scales"]["sectors"] = {
        "options": [{"code": code, "label": label} for code, label in SECTOR_LABELS.items()]
    }
    for entry in [*data["items"], data]:
        key = "title"
        entry[key] = {language: entry[key]["en"] for language in labels}
    for question in data["questions"]:
        question["label"] = {language: question["label"]["en"] for language in labels}
    sectors = next(q for q in data["questions"] if q["code"] == "sectors")
    sectors["label"] = labels
    return questionnaire_from_data(data, source="four languages")


def _xform(questionnaire: Questionnaire) -> ET.Element:
    warnings: list[str] = []
    result = convert(XlsFormExporter().export(questionnaire), warnings=warnings, file_type=".xlsx")
    assert warnings == []
    return ET.fromstring(result.xform)


@cache
def _corpus_xform() -> ET.Element:
    return _xform(_corpus())


def _choice_names(root: ET.Element, list_name: str) -> list[str]:
    model = root.find(f"{H}head/{XF}model")
    assert model is not None
    instance = next(node for node in model.iter(f"{XF}instance") if node.get("id") == list_name)
    return [item.findtext(f"{XF}name") or "" for item in instance.iter(f"{XF}item")]


def _choice_labels(root: ET.Element, language: str, list_name: str) -> dict[str, str]:
    """Return the text of each choice name of a list in one itext language (``English (en)``).

    pyxform 4 gives choice texts the ids ``<list>-<position>``.
    """
    model = root.find(f"{H}head/{XF}model")
    assert model is not None
    translation = next(
        node for node in model.iter(f"{XF}translation") if node.get("lang") == language
    )
    texts = {text.attrib["id"]: text.findtext(f"{XF}value") or "" for text in translation}
    names = _choice_names(root, list_name)
    return {name: texts[f"{list_name}-{position}"] for position, name in enumerate(names)}


# --- The form ------------------------------------------------------------------


def test_xlsform_select_multiple_type() -> None:
    form = build_xlsform(_corpus())
    row = next(row for row in form.survey if row.get("name") == "sectors")
    assert row["type"] == "select_multiple sectors"


def test_xlsform_select_multiple_choices_sheet() -> None:
    form = build_xlsform(_four_languages())
    rows = [row for row in form.choices if row["list_name"] == "sectors"]
    assert [row["name"] for row in rows] == ["health", "wash", "shelter"]
    for row in rows:
        for language in ("en", "fr", "es", "ar"):
            column = f"label::{xlsform_language(language)}"
            assert row[column] == SECTOR_LABELS[row["name"]][language]


def test_xlsform_select_multiple_workbook_columns() -> None:
    workbook = load_workbook(io.BytesIO(XlsFormExporter().export(_four_languages())))
    sheet = workbook["choices"]
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, values, strict=True)) for values in sheet.iter_rows(2, values_only=True)
    ]
    wash = next(row for row in rows if row["list_name"] == "sectors" and row["name"] == "wash")
    assert wash["label::Arabic (ar)"] == "المياه والصرف الصحي"
    assert wash["label::Spanish (es)"] == "ASH"


def test_xform_has_select_with_items() -> None:
    root = _corpus_xform()
    body = root.find(f"{H}body")
    assert body is not None
    select = next(
        node for node in body.iter(f"{XF}select") if node.attrib["ref"].endswith("/sectors")
    )
    itemset = select.find(f"{XF}itemset")
    assert itemset is not None
    assert itemset.attrib["nodeset"] == "instance('sectors')/root/item"
    assert _choice_names(root, "sectors") == ["health", "wash", "food_security"]


def test_xform_select_multiple_not_select1() -> None:
    root = _corpus_xform()
    refs = [node.attrib["ref"] for node in root.iter(f"{XF}select1")]
    assert "/data/profile/sectors" not in refs


def test_xform_select_multiple_labels_per_language() -> None:
    root = _xform(_four_languages())
    for language in ("en", "fr", "es", "ar"):
        labels = _choice_labels(root, xlsform_language(language), "sectors")
        expected = {code: texts[language] for code, texts in SECTOR_LABELS.items()}
        assert labels == expected


def test_xform_select_multiple_type_string() -> None:
    root = _corpus_xform()
    model = root.find(f"{H}head/{XF}model")
    assert model is not None
    bind = next(
        b for b in model.iter(f"{XF}bind") if b.attrib["nodeset"] == "/data/profile/sectors"
    )
    assert bind.attrib["type"] == "string"


def test_xlsform_rejects_code_with_space() -> None:
    scales = copy.deepcopy(_corpus_data()["scales"])
    scales["sectors"]["options"][0]["code"] = "public health"
    questionnaire = _corpus(scales=scales)
    with pytest.raises(QuestionnaireError, match="'public health' of scale 'sectors'"):
        build_xlsform(questionnaire)


def test_xlsform_select_one_code_with_space() -> None:
    scales = copy.deepcopy(_corpus_data()["scales"])
    scales["frequency"]["options"][0]["code"] = "0 never"
    form = build_xlsform(_corpus(scales=scales))
    names = [row["name"] for row in form.choices if row["list_name"] == "frequency"]
    assert names[0] == "0 never"


# --- Kobo exports read back ----------------------------------------------------

KOBO_HEADER = [
    "start",
    "end",
    "instrument",
    "profile/hub",
    "profile/organisation_type",
    "profile/sectors",
    "profile/sectors/health",
    "profile/sectors/wash",
    "profile/sectors/food_security",
    "_id",
    "_uuid",
    "_submission_time",
]

KOBO_ROWS = [
    ["2026-11-02T09:00", "2026-11-02T09:10", "partner", "", "ingo", "health wash", "1", "1", "0"],
    ["2026-11-02T10:00", "2026-11-02T10:05", "partner", "", "nngo", "food_security", "0", "0", "1"],
    ["2026-11-02T11:00", "2026-11-02T11:04", "coordinator", "", "ingo", "", "", "", ""],
]

EXPECTED_SELECTIONS = [
    [SELECTED, SELECTED, NOT_SELECTED],
    [NOT_SELECTED, NOT_SELECTED, SELECTED],
    [NO_ANSWER, NO_ANSWER, NO_ANSWER],
]


def _kobo_csv(path: Path, keep: list[str], missing_choice: str = "") -> Path:
    """Write a Kobo-style export (semicolons) with only the columns in ``keep``."""
    lines = [";".join(heading for heading in KOBO_HEADER if heading in keep)]
    for number, row in enumerate(KOBO_ROWS, start=1):
        cells = dict(zip(KOBO_HEADER, [*row, str(number), f"uuid-{number}", row[1]], strict=True))
        if not cells["profile/sectors"]:
            for heading in KOBO_HEADER[6:9]:
                cells[heading] = missing_choice
        lines.append(";".join(cells[heading] for heading in KOBO_HEADER if heading in keep))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _selections(path: Path) -> list[list[int]]:
    questionnaire = _corpus()
    request = SourceRequest(questionnaire=questionnaire, location=str(path))
    responses = normalise_responses(CsvSource().read(request), questionnaire)
    rows: list[list[int]] = responses.selections["sectors"].tolist()
    return rows


def test_kobo_names_read_back(tmp_path: Path) -> None:
    keep = [h for h in KOBO_HEADER if not h.startswith("profile/sectors/")]
    path = _kobo_csv(tmp_path / "kobo.csv", keep)
    assert _selections(path) == EXPECTED_SELECTIONS


def test_kobo_split_columns_read_back(tmp_path: Path) -> None:
    keep = [h for h in KOBO_HEADER if h != "profile/sectors"]
    path = _kobo_csv(tmp_path / "kobo.csv", keep)
    assert _selections(path) == EXPECTED_SELECTIONS


def test_kobo_split_columns_na(tmp_path: Path) -> None:
    keep = [h for h in KOBO_HEADER if h != "profile/sectors"]
    path = _kobo_csv(tmp_path / "kobo.csv", keep, missing_choice="n/a")
    assert _selections(path) == EXPECTED_SELECTIONS


def test_kobo_both_encodings_read_back(tmp_path: Path) -> None:
    path = _kobo_csv(tmp_path / "kobo.csv", KOBO_HEADER)
    assert _selections(path) == EXPECTED_SELECTIONS


def test_kobo_counts_per_choice(tmp_path: Path) -> None:
    path = _kobo_csv(tmp_path / "kobo.csv", KOBO_HEADER)
    questionnaire = _corpus()
    request = SourceRequest(questionnaire=questionnaire, location=str(path))
    responses = normalise_responses(CsvSource().read(request), questionnaire)
    counts = responses.selection_counts("sectors")
    assert counts == {"health": 1, "wash": 1, "food_security": 1}
