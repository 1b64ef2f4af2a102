"""Select_multiple in the codebook and csv-template exporters."""

from __future__ import annotations

import json
from pathlib import Path

from ccpm_core.normalise import normalise_responses
from ccpm_core.plugin_api import SourceRequest
from ccpm_core.questionnaire import Questionnaire, load_questionnaire
from ccpm_core.responses import NO_ANSWER, NOT_SELECTED, SELECTED
from ccpm_plugins.exporters.codebook_json import CodebookJsonExporter
from ccpm_plugins.exporters.csv_template import CsvTemplateExporter
from ccpm_plugins.sources.csv_file import CsvSource

CORPUS_QUESTIONNAIRE = Path(__file__).parents[1] / "corpus" / "questionnaire.yaml"


def _corpus() -> Questionnaire:
    return load_questionnaire(CORPUS_QUESTIONNAIRE)


def _codebook_entry(language: str | None = None) -> dict[str, object]:
    document = json.loads(CodebookJsonExporter().export(_corpus(), language))
    entry: dict[str, object] = next(q for q in document["questions"] if q["code"] == "sectors")
    return entry


def test_codebook_select_multiple_type() -> None:
    entry = _codebook_entry()
    assert entry["type"] == "select_multiple"
    assert entry["kind"] == "profile"
    assert entry["section"] is None


def test_codebook_select_multiple_options() -> None:
    assert _codebook_entry()["options"] == [
        {"code": "health", "value": None, "label": "Health", "special": None},
        {
            "code": "wash",
            "value": None,
            "label": "Water, sanitation and hygiene",
            "special": None,
        },
        {"code": "food_security", "value": None, "label": "Food security", "special": None},
    ]


def test_codebook_select_multiple_french() -> None:
    options = _codebook_entry("fr")["options"]
    assert isinstance(options, list)
    assert [option["label"] for option in options] == [
        "Santé",
        "Eau, assainissement et hygiène",
        "Sécurité alimentaire",
    ]


def _template_header() -> list[str]:
    text = CsvTemplateExporter().export(_corpus()).decode("utf-8-sig")
    return text.rstrip("\r\n").split(",")


def test_template_one_column() -> None:
    header = _template_header()
    assert header.count("sectors") == 1
    assert [column for column in header if column.startswith("sectors/")] == []


def test_template_filled_reads_back(tmp_path: Path) -> None:
    header = _template_header()
    rows = [
        {"instrument": "partner", "organisation_type": "ingo", "sectors": "health food_security"},
        {"instrument": "partner", "organisation_type": "nngo", "sectors": "wash, health"},
        {"instrument": "coordinator", "organisation_type": "ingo", "sectors": ""},
    ]
    lines = [",".join(header)]
    lines += [",".join(f'"{row.get(column, "")}"' for column in header) for row in rows]
    path = tmp_path / "responses.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")

    questionnaire = _corpus()
    request = SourceRequest(questionnaire=questionnaire, location=str(path))
    responses = normalise_responses(CsvSource().read(request), questionnaire)
    assert responses.selections["sectors"].tolist() == [
        [SELECTED, NOT_SELECTED, SELECTED],
        [SELECTED, SELECTED, NOT_SELECTED],
        [NO_ANSWER, NO_ANSWER, NO_ANSWER],
    ]
