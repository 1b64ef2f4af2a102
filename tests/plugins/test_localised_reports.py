"""Reports, charts and exports in French, Spanish and Arabic, and the English fallback."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import warnings
from importlib import resources
from pathlib import Path
from typing import Any

import docx
import numpy as np
import pandas as pd
import pytest
import yaml
from docx.document import Document
from docx.oxml.ns import qn
from matplotlib.image import imread

from ccpm_core.framework import Status
from ccpm_core.normalise import normalise_responses
from ccpm_core.questionnaire import Questionnaire, questionnaire_from_data, standard_questionnaire
from ccpm_core.report_builder import ReportMetadata, build_preliminary_report
from ccpm_core.report_model import (
    BulletList,
    Cell,
    Chart,
    ChartBar,
    Cover,
    Heading,
    Report,
    Table,
)
from ccpm_core.responses import RawResponses
from ccpm_core.results import Results
from ccpm_core.scoring import score
from ccpm_plugins.cli.main import main
from ccpm_plugins.cli.score_commands import report_language
from ccpm_plugins.renderers.charts import build_chart_figure, format_score, render_chart_png
from ccpm_plugins.renderers.docx import DocxRenderer
from cli_runner import run as run_cli

NBSP = "\u00a0"
ARABIC_COMMENT = "الاجتماعات مفيدة"

# Two national partners, the coordinator with counts for two organisation
# types, and one partner of a hub. By hand: international NGOs 1 of 3 (33.3 %)
# and 1 of 2.5 attending (40.0 %); national NGOs 1 of 4 (25.0 %) and 1 of 2
# (50.0 %). Section 1.2 gets p121 answers 1 and 0 of 4, so 12.5 %, weak.
ROWS = [
    {
        "instrument": "partner",
        "hub": "",
        "organisation_type": "national_ngo",
        "p111": "4",
        "p112": "3",
        "p121": "1",
        "p_comment_1": "Les réunions commencent en retard.",
    },
    {
        "instrument": "partner",
        "hub": "",
        "organisation_type": "international_ngo",
        "p111": "2",
        "p112": "4",
        "p121": "0",
        "p_comment_1": ARABIC_COMMENT,
    },
    {
        "instrument": "coordinator",
        "hub": "",
        "organisation_type": "",
        "c111": "3",
        "c_orgs_national_ngo": "4",
        "c_attending_national_ngo": "2",
        "c_orgs_international_ngo": "3",
        "c_attending_international_ngo": "2.5",
    },
    {"instrument": "partner", "hub": "Alep", "organisation_type": "un_agency", "p111": "3"},
]
METADATA = ReportMetadata(cluster="Santé", country="Tchad", date=dt.date(2026, 11, 30))

STATUS_LABELS = {
    "fr": {"Bon", "Satisfaisant", "Insatisfaisant", "Faible", "Pas de données"},
    "es": {"Bueno", "Satisfactorio", "Insatisfactorio", "Débil", "Sin datos"},
    "ar": {"جيد", "مُرضٍ", "غير مُرضٍ", "ضعيف", "لا توجد بيانات"},
}


@pytest.fixture(scope="module")
def results() -> Results:
    table = pd.DataFrame(ROWS).fillna("")
    raw = RawResponses(source="small.csv", table=table, row_numbers=[2, 3, 4, 5])
    return score(normalise_responses(raw, standard_questionnaire()))


def build(results: Results, language: str) -> Report:
    # Every count is shown (min_cell_size=1) because these tests check how counts are written.
    return build_preliminary_report(
        results, standard_questionnaire(), METADATA, language=language, min_cell_size=1
    )


@pytest.fixture(scope="module")
def sample_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "responses.csv"
    pd.DataFrame(ROWS).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def french_report(sample_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    """Run `ccpm report --lang fr` on the small survey once; return its exit code and file."""
    target = tmp_path_factory.mktemp("fr") / "rapport.md"
    argv = ["report", str(sample_csv), "-o", str(target), "--lang", "fr"]
    argv += ["--date", "2026-11-30", "--cluster", "Santé", "--country", "Tchad"]
    argv += ["--min-cell-size", "1"]  # every count shown, because the tests check how they read
    try:
        main(argv)
    except SystemExit as done:
        return (done.code if isinstance(done.code, int) else 1), target
    return 0, target


@pytest.fixture(scope="module")
def french_markdown(french_report: tuple[int, Path]) -> str:
    return french_report[1].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def spanish_document(results: Results, tmp_path_factory: pytest.TempPathFactory) -> Document:
    path = tmp_path_factory.mktemp("es") / "informe.docx"
    DocxRenderer().render(build(results, "es"), path)
    return docx.Document(str(path))


@pytest.fixture(scope="module")
def arabic_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    """Run `ccpm demo --lang ar` once; return its exit code and output folder."""
    folder = tmp_path_factory.mktemp("ar") / "demo"
    try:
        main(["demo", "-o", str(folder), "--lang", "ar"])
    except SystemExit as done:
        return (done.code if isinstance(done.code, int) else 1), folder
    return 0, folder


@pytest.fixture(scope="module")
def arabic_document(arabic_demo: tuple[int, Path]) -> Document:
    return docx.Document(str(arabic_demo[1] / "preliminary-report.docx"))


@pytest.fixture(scope="module")
def french_document(tmp_path_factory: pytest.TempPathFactory) -> Document:
    """Render a short French report that quotes an Arabic comment, in a table and a list."""
    report = Report(
        cover=Cover(title="Rapport", cluster="Santé", country="", level="National", date=None),
        blocks=(
            Heading("Commentaires", 1),
            BulletList((ARABIC_COMMENT,)),
            Table(header=("Ligne", "Commentaire"), rows=((Cell("2"), Cell(ARABIC_COMMENT)),)),
        ),
        language="fr",
    )
    path = tmp_path_factory.mktemp("fr-docx") / "rapport.docx"
    DocxRenderer().render(report, path)
    return docx.Document(str(path))


def headings(document: Document, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


def table_with_header(document: Document, first: str) -> list[list[str]]:
    for table in document.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][0] == first:
            return rows
    msg = f"no table starting with {first!r}"
    raise AssertionError(msg)


def run_texts(document: Document, *, rtl: bool) -> list[str]:
    """Return the texts of body runs that do (or do not) carry w:rtl."""
    texts = []
    for run in document.element.body.iter(qn("w:r")):
        text = "".join(node.text or "" for node in run.iter(qn("w:t")))
        if not text.strip():
            continue
        has_rtl = run.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None
        if has_rtl is rtl:
            texts.append(text)
    return texts


# ---------------------------------------------------------------- French Markdown


def test_french_markdown_headings(french_markdown: str) -> None:
    assert "## Taux de réponse\n" in french_markdown
    assert "## Performance globale\n" in french_markdown
    assert f"## Fonction 1{NBSP}: Soutenir la prestation de services\n" in french_markdown
    assert f"## Annexe{NBSP}: qualité des données\n" in french_markdown


def test_french_markdown_cover(french_markdown: str) -> None:
    assert f"- **Pays{NBSP}:** Tchad" in french_markdown
    assert f"- **Date{NBSP}:** 30 novembre 2026" in french_markdown


def test_french_markdown_rates(french_markdown: str) -> None:
    row = f"| ONG internationale | 1 | 3 | 33,3{NBSP}% | 2,5 | 40,0{NBSP}% |"
    assert row in french_markdown


def test_french_markdown_status_labels(french_markdown: str) -> None:
    assert "| 1.2 | Mettre en place des mécanismes" in french_markdown
    assert f"| 12,5{NBSP}% | Faible |" in french_markdown


def test_french_markdown_required_field(french_markdown: str) -> None:
    assert "(obligatoire)" in french_markdown
    assert f"cette section a le statut «{NBSP}faible{NBSP}»" in french_markdown


def test_french_markdown_has_no_english_status(french_markdown: str) -> None:
    for label in ("| Good |", "| Weak |", "| Satisfactory |", "| No data |"):
        assert label not in french_markdown


def test_french_markdown_section_characteristics(french_markdown: str) -> None:
    assert "Les partenaires alimentent une cartographie qui fait quoi où (4W)" in french_markdown


# ---------------------------------------------------------------- Spanish DOCX


def test_spanish_docx_headings(spanish_document: Document) -> None:
    assert headings(spanish_document, 1)[:3] == [
        "Tasas de respuesta",
        "Desempeño general",
        "Función 1: Apoyar la prestación de servicios",
    ]


def test_spanish_docx_status_labels(spanish_document: Document) -> None:
    rows = table_with_header(spanish_document, "Sección")
    statuses = {row[3] for row in rows[1:]}
    assert statuses <= STATUS_LABELS["es"]
    assert "Débil" in statuses


def test_spanish_docx_numbers(spanish_document: Document) -> None:
    rows = table_with_header(spanish_document, "Tipo de organización")
    national = next(row for row in rows if row[0] == "ONG nacional")
    assert national[1:] == ["1", "4", f"25,0{NBSP}%", "2", f"50,0{NBSP}%"]


def test_spanish_docx_cover_date(spanish_document: Document) -> None:
    texts = [p.text for p in spanish_document.paragraphs]
    assert "Fecha: 30 de noviembre de 2026" in texts


def test_spanish_docx_left_to_right(spanish_document: Document) -> None:
    marked = bidi_paragraph_texts(spanish_document)

    assert marked
    assert all(text.startswith(ARABIC_COMMENT) for text in marked)


# ---------------------------------------------------------------- Arabic DOCX


def test_arabic_docx_headings(arabic_document: Document) -> None:
    assert headings(arabic_document, 1)[:2] == ["معدلات الاستجابة", "الأداء العام"]


def test_arabic_docx_status_labels(arabic_document: Document) -> None:
    rows = table_with_header(arabic_document, "القسم")
    statuses = {row[3] for row in rows[1:]}
    assert statuses
    assert statuses <= STATUS_LABELS["ar"]


def test_arabic_docx_numbers_latin_digits(arabic_document: Document) -> None:
    rows = table_with_header(arabic_document, "نوع المنظمة")
    numbers = [cell for row in rows[1:] for cell in row[1:]]
    assert numbers
    # "محجوب" (withheld) replaces counts of fewer than three partners. Numbers
    # come between left-to-right marks, which keep their order in a right-to-left cell.
    pattern = r"\u200e[0-9]+(\.[0-9]+)?%?\u200e|–|محجوب"
    assert [text for text in numbers if not re.fullmatch(pattern, text)] == []


def test_arabic_docx_every_paragraph_bidi(arabic_document: Document) -> None:
    paragraphs = list(arabic_document.element.body.iter(qn("w:p")))
    without = [p for p in paragraphs if p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is None]
    assert paragraphs
    assert without == []


def test_arabic_docx_default_paragraphs_bidi(arabic_document: Document) -> None:
    defaults = arabic_document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:bidi')}") is not None


def test_arabic_docx_proofing_language(arabic_document: Document) -> None:
    defaults = arabic_document.styles.element.find(qn("w:docDefaults"))
    language = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert language.get(qn("w:val")) == "ar"
    assert language.get(qn("w:bidi")) == "ar"


def test_arabic_docx_arabic_runs_rtl(arabic_document: Document) -> None:
    rtl = run_texts(arabic_document, rtl=True)
    assert "معدلات الاستجابة" in rtl
    assert "ضعيف" in rtl


def test_arabic_docx_latin_runs_not_rtl(arabic_document: Document) -> None:
    plain = run_texts(arabic_document, rtl=False)
    assert "\u200e1.2\u200e" in plain
    assert any(re.fullmatch(r"\u200e[0-9]+\.[0-9]%\u200e", text) for text in plain)
    assert all(not any("\u0600" <= ch <= "\u06ff" for ch in text) for text in plain)


def test_arabic_docx_bold_runs_complex_bold(arabic_document: Document) -> None:
    bold_arabic = [
        run
        for run in arabic_document.element.body.iter(qn("w:r"))
        if run.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None
        and run.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
    ]
    assert bold_arabic
    assert all(run.find(f"{qn('w:rPr')}/{qn('w:bCs')}") is not None for run in bold_arabic)


def test_arabic_docx_tables_mirrored(arabic_document: Document) -> None:
    tables = arabic_document.tables
    assert all(t._tbl.tblPr.find(qn("w:bidiVisual")) is not None for t in tables)


def test_french_docx_arabic_comment_rtl(french_document: Document) -> None:
    assert run_texts(french_document, rtl=True) == [ARABIC_COMMENT, ARABIC_COMMENT]


def test_french_docx_french_runs_not_rtl(french_document: Document) -> None:
    assert run_texts(french_document, rtl=False) == [
        "Rapport",
        "Cluster\u00a0: ",
        "Santé",
        "Niveau\u00a0: ",
        "National",
        "Commentaires",
        "Ligne",
        "Commentaire",
        "2",
    ]


def bidi_paragraph_texts(document: Document) -> list[str]:
    """Return the texts of the paragraphs marked right-to-left (w:bidi)."""
    return [
        "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
        for paragraph in document.element.body.iter(qn("w:p"))
        if paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
    ]


def test_french_docx_bidi_only_arabic_paragraphs(french_document: Document) -> None:
    marked = bidi_paragraph_texts(french_document)

    assert marked
    assert all(text.startswith(ARABIC_COMMENT) for text in marked)


# ---------------------------------------------------------------- fallback


@pytest.mark.parametrize("language", ["de", "xx"])
def test_language_without_catalog_is_english(results: Results, language: str) -> None:
    report = build(results, language)
    rates = next(block for block in report.blocks if isinstance(block, Table))

    assert report.headings(1)[:3] == [
        "Response rates",
        "Overall performance",
        "Function 1: Supporting service delivery",
    ]
    # Questionnaire labels fall back to the questionnaire's first language, English.
    assert rates.rows[0][0].text == "International NGO"


# ---------------------------------------------------------------- charts


def test_format_score_separator() -> None:
    assert format_score(74.6, ",") == "74,6"
    assert format_score(62.5, ",") == "63"


def arabic_chart(language: str = "ar") -> Chart:
    return Chart(
        title="الوظيفة 1: درجات البنود",
        bars=(
            ChartBar("1.1.1 تحديث قائمة الشركاء باستمرار", 74.6, Status.SATISFACTORY),
            ChartBar("1.1.2 تجتمع المجموعة القطاعية بوتيرة كافية", None, Status.NO_DATA),
        ),
        alt_text="مخطط شريطي",
        key="function-1",
        legend=((Status.GOOD, "جيد"), (Status.WEAK, "ضعيف")),
        axis_label="الدرجة (%)",
        no_data_label="لا توجد بيانات",
        language=language,
    )


def test_arabic_chart_glyphs_available() -> None:
    # Matplotlib warns about every glyph its font lacks; here that is an error.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = render_chart_png(arabic_chart())
    assert png.startswith(b"\x89PNG")


def title_columns(png: bytes) -> np.ndarray[Any, np.dtype[np.intp]]:
    """Return the pixel columns of dark pixels in the title band at the top of a chart."""
    image = imread(io.BytesIO(png))
    band = image[:60, :, :3].mean(axis=2)
    return np.nonzero((band < 0.5).any(axis=0))[0]


def test_arabic_chart_title_right_aligned() -> None:
    png = render_chart_png(arabic_chart())
    width = imread(io.BytesIO(png)).shape[1]
    columns = title_columns(png)
    assert columns.max() > 0.9 * width
    assert columns.min() > 0.3 * width


def test_english_chart_title_left_aligned() -> None:
    png = render_chart_png(arabic_chart(language="en"))
    width = imread(io.BytesIO(png)).shape[1]
    assert title_columns(png).min() < 0.1 * width


def test_arabic_chart_legend_reads_right_to_left() -> None:
    figure = build_chart_figure(arabic_chart())
    labels = [text.get_text() for text in figure.legends[0].get_texts()]
    assert labels == ["ضعيف", "جيد"]


def test_arabic_chart_value_label() -> None:
    figure = build_chart_figure(arabic_chart())
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert "74.6" in texts


def test_french_chart_value_label() -> None:
    figure = build_chart_figure(arabic_chart(language="fr"))
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert "74,6" in texts


def test_report_chart_carries_language(results: Results) -> None:
    charts = [block for block in build(results, "es").blocks if isinstance(block, Chart)]
    assert {chart.language for chart in charts} == {"es"}


# ---------------------------------------------------------------- command line


def test_report_lang_french(french_report: tuple[int, Path], french_markdown: str) -> None:
    assert french_report[0] == 0
    assert french_markdown.startswith("# Rapport préliminaire CCPM\n")


def test_report_lang_not_in_questionnaire(
    sample_csv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["report", str(sample_csv), "-o", str(tmp_path / "r.md"), "--lang", "de"]
    code, _, err = run_cli(argv, capsys)

    assert code == 2
    assert "'de'" in err
    assert "en, fr, es, ar" in err
    assert not (tmp_path / "r.md").exists()


def test_report_lang_without_catalog_warns(capsys: pytest.CaptureFixture[str]) -> None:
    chosen = report_language(german_questionnaire(), "de")
    assert chosen == "de"
    assert "no translation into 'de'" in capsys.readouterr().err


def test_report_lang_with_catalog_silent(capsys: pytest.CaptureFixture[str]) -> None:
    assert report_language(standard_questionnaire(), "ar") == "ar"
    assert capsys.readouterr().err == ""


def test_report_lang_default_first_language() -> None:
    assert report_language(german_questionnaire(), None) == "en"


def test_questionnaire_language_without_catalog(results: Results) -> None:
    questionnaire = german_questionnaire()
    report = build_preliminary_report(results, questionnaire, METADATA, language="de")
    rates = next(block for block in report.blocks if isinstance(block, Table))

    assert report.headings(1)[0] == "Response rates"
    assert rates.rows[0][0].text == "International NGO (de)"


def german_questionnaire() -> Questionnaire:
    """Return the standard questionnaire with a "de" copy of every English label."""
    data = yaml.safe_load(
        resources.files("ccpm_core")
        .joinpath("data", "standard_questionnaire.yaml")
        .read_text(encoding="utf-8")
    )
    data["languages"] = ["en", "de"]
    add_german_copies(data)
    return questionnaire_from_data(data)


def add_german_copies(node: Any) -> None:
    """Give every label mapping a "de" entry: the English text marked with "(de)"."""
    if isinstance(node, dict):
        if isinstance(node.get("en"), str):
            node["de"] = f"{node['en']} (de)"
        for value in node.values():
            add_german_copies(value)
    elif isinstance(node, list):
        for value in node:
            add_german_copies(value)


def test_demo_lang_arabic(arabic_demo: tuple[int, Path], arabic_document: Document) -> None:
    code, folder = arabic_demo
    text = (folder / "preliminary-report.md").read_text(encoding="utf-8")

    assert code == 0
    assert text.startswith("# تقرير CCPM الأولي\n")
    assert "- **المجموعة القطاعية:** الصحة (نموذج)" in text
    assert "- **التاريخ:** 30 نوفمبر 2026" in text
    assert arabic_document.paragraphs[0].text == "تقرير CCPM الأولي"


def test_demo_lang_arabic_hub_reports(arabic_demo: tuple[int, Path]) -> None:
    hub_report = docx.Document(str(arabic_demo[1] / "preliminary-report-coastal-hub.docx"))
    assert hub_report.paragraphs[0].text == "تقرير CCPM الأولي"


def test_demo_lang_invalid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["demo", "-o", str(tmp_path / "demo"), "--lang", "pt"], capsys)
    assert code == 2
    assert "'pt'" in err


def test_codebook_export_french(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["questionnaire", "export", "--lang", "fr"], capsys)
    document = json.loads(out)
    questions = {question["code"]: question for question in document["questions"]}

    assert code == 0
    assert document["language"] == "fr"
    assert questions["p112"]["label"] == (
        f"À quelle fréquence votre organisation assiste-t-elle aux réunions du cluster{NBSP}?"
    )
    assert [option["label"] for option in questions["p112"]["options"]] == [
        "Jamais",
        "Rarement",
        "Parfois",
        "Souvent",
        "Toujours",
    ]
    assert document["sections"][2]["title"] == "Évaluation des besoins et analyse des lacunes"


def test_codebook_export_arabic_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["questionnaire", "export", "--lang", "ar"], capsys)
    questions = {question["code"]: question for question in json.loads(out)["questions"]}

    assert code == 0
    assert [option["label"] for option in questions["p221"]["options"]] == [
        "لا",
        "نعم",
        "لا أعرف",
    ]


def test_codebook_export_unknown_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["questionnaire", "export", "--lang", "de"], capsys)
    assert code == 1
    assert "en, fr, es, ar" in err
