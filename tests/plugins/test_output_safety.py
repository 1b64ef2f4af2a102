"""Survey text in every output: formulas inert, markup escaped, mixed scripts in order.

One custom questionnaire carries a question label and an item title that
start with ``=``, and the responses carry comments that a spreadsheet would
run as formulas, plus an Arabic comment with a Latin acronym and a digit.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import docx
import openpyxl
import pandas as pd
import pytest
import yaml
from docx.oxml.ns import qn
from matplotlib.text import Text
from openpyxl.cell.cell import Cell as XlsxCell

from ccpm_core.action_plan import Action, ActionPlan
from ccpm_core.framework import SECTION_IDS, Status
from ccpm_core.normalise import normalise_responses
from ccpm_core.questionnaire import Questionnaire, questionnaire_from_data
from ccpm_core.report_builder import ReportMetadata, build_preliminary_report
from ccpm_core.report_model import Chart, ChartBar, Report
from ccpm_core.responses import RawResponses
from ccpm_core.results import Results
from ccpm_core.results_summary import UnitStatus
from ccpm_core.scoring import score
from ccpm_plugins.renderers.charts import build_chart_figure
from ccpm_plugins.renderers.docx import DocxRenderer
from ccpm_plugins.renderers.html import _direction_attribute, _inline, render_html
from ccpm_plugins.renderers.markdown import MarkdownRenderer, escape_line, escape_table_cell
from ccpm_plugins.renderers.xlsx import render_xlsx
from ccpm_plugins.results_csv import frame_csv, results_csv
from ccpm_plugins.workbooks.action_plan_xlsx import write_action_plan_workbook

FORMULA_COMMENTS = ("=1+1", "@SUM(A1:A2)", "+33 6 12 34 56 78", "\t=2+2")
FORMULA_LABEL = '=HYPERLINK("http://example.invalid","meetings")'
FORMULA_TITLE = "=Cluster meets often enough"
ARABIC_COMMENT = "تحسين التنسيق مع WASH في 3 مواقع"
ARABIC_FUNCTION = "تنسيق تقديم الخدمات"


@functools.cache
def custom_questionnaire() -> Questionnaire:
    """Return the standard questionnaire with a label and an item title that start with '='."""
    text = (resources.files("ccpm_core") / "data" / "standard_questionnaire.yaml").read_text(
        encoding="utf-8"
    )
    data = yaml.safe_load(text)
    for question in data["questions"]:
        if question["code"] == "p111":
            question["label"]["en"] = FORMULA_LABEL
    for item in data["items"]:
        if item["id"] == "1.1.2":
            item["title"]["en"] = FORMULA_TITLE
    return questionnaire_from_data(data, source="custom questionnaire")


def partner(comment: str, answer: str = "3") -> dict[str, str]:
    return {
        "instrument": "partner",
        "hub": "",
        "organisation_type": "national_ngo",
        "p111": answer,
        "p112": "3",
        "p_comment_1": comment,
    }


@functools.cache
def hostile_results() -> Results:
    rows = [partner(comment) for comment in (*FORMULA_COMMENTS, ARABIC_COMMENT)]
    rows.append({"instrument": "coordinator", "hub": "", "c111": "3"})
    table = pd.DataFrame(rows).fillna("")
    raw = RawResponses(source="hostile.csv", table=table, row_numbers=list(range(2, len(rows) + 2)))
    return score(normalise_responses(raw, custom_questionnaire()))


@functools.cache
def hostile_report(language: str = "en") -> Report:
    metadata = ReportMetadata(cluster="Health", country="Chad", date=dt.date(2026, 11, 30))
    return build_preliminary_report(
        hostile_results(), custom_questionnaire(), metadata, language=language, min_cell_size=1
    )


@functools.cache
def text_report() -> Report:
    """Return the report without its charts, whose drawing the text checks do not need."""
    report = hostile_report()
    blocks = tuple(block for block in report.blocks if not isinstance(block, Chart))
    return attrs.evolve(report, blocks=blocks)


def text_cells(data: bytes) -> list[tuple[XlsxCell, str]]:
    """Return every text cell of a workbook with its text."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [
        (cell, cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell, XlsxCell) and isinstance(cell.value, str)
    ]


def formula_parts(data: bytes) -> list[str]:
    """Return the worksheet parts of a workbook that contain a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [
            name
            for name in package.namelist()
            if name.startswith("xl/worksheets/")
            and re.search(r"<f[ >]", package.read(name).decode("utf-8"))
        ]


# --- Formulas in spreadsheet outputs ------------------------------------------------


@pytest.fixture(scope="module")
def report_xlsx() -> bytes:
    return render_xlsx(hostile_report())


@pytest.mark.parametrize("text", [*FORMULA_COMMENTS, FORMULA_LABEL, FORMULA_TITLE])
def test_report_xlsx_text_quoted(report_xlsx: bytes, text: str) -> None:
    # The reader strips white space around each value, so the tab does not reach the report.
    found = [cell for cell, value in text_cells(report_xlsx) if value.startswith(text.strip())]

    assert found
    assert all(cell.data_type == "s" for cell in found)
    assert all(cell.quotePrefix for cell in found)


def test_report_xlsx_has_no_formula(report_xlsx: bytes) -> None:
    assert formula_parts(report_xlsx) == []


def test_results_csv_neutralised() -> None:
    frame = pd.DataFrame({"comment": [*FORMULA_COMMENTS, FORMULA_LABEL], "value": [-5, 1, 2, 3, 4]})

    output = frame_csv(frame)
    rows = list(csv.reader(io.StringIO(output.data.decode("utf-8-sig"))))

    assert [row[0] for row in rows[1:]] == [
        "'" + text for text in (*FORMULA_COMMENTS, FORMULA_LABEL)
    ]
    assert [row[1] for row in rows[1:]] == ["-5", "1", "2", "3", "4"]
    assert output.neutralised_cells == 5


def test_results_csv_of_custom_questionnaire() -> None:
    text = results_csv(hostile_results()).data.decode("utf-8-sig")

    fields = [field for row in csv.reader(io.StringIO(text)) for field in row]
    assert not any(field.startswith(("=", "@", "+", "\t")) for field in fields)


def test_action_plan_workbook_inert(tmp_path: Path) -> None:
    baselines = tuple(UnitStatus(s, Status.WEAK, 20.0, 9) for s in SECTION_IDS)
    actions = tuple(
        Action("2.2", Status.WEAK, 20.0, number=n, text=text, responsible=text)
        for n, text in enumerate((*FORMULA_COMMENTS, FORMULA_LABEL), start=1)
    )
    plan = ActionPlan(baselines=baselines, actions=actions)
    path = write_action_plan_workbook(plan, tmp_path / "plan.xlsx")

    data = path.read_bytes()
    risky = [cell for cell, value in text_cells(data) if value.startswith(("=", "@", "+", "\t"))]

    assert formula_parts(data) == []
    assert len(risky) == 2 * len(actions)
    assert all(cell.quotePrefix for cell in risky)


def test_negative_number_stays_numeric_in_xlsx() -> None:
    from report_samples import make_report

    from ccpm_core.report_model import Cell, Table

    table = Table(header=("A", "B"), rows=((Cell("x"), Cell("-5", numeric=True)),), caption="N")
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(make_report(table))))
    target = workbook["N"]["B2"]

    assert target.data_type == "n"
    assert target.value == -5


# --- Markup in HTML and Markdown ----------------------------------------------------


@pytest.fixture(scope="module")
def english_page() -> str:
    return render_html(text_report())


def test_html_escapes_and_keeps_text(english_page: str) -> None:
    page = english_page

    assert "=1+1" in page
    assert "@SUM(A1:A2)" in page
    assert "=HYPERLINK(&quot;http://example.invalid&quot;,&quot;meetings&quot;)" in page
    assert '"http://example.invalid"' not in page


def test_markdown_escapes_label(tmp_path: Path) -> None:
    path = tmp_path / "report.md"
    MarkdownRenderer().render(text_report(), path)
    text = path.read_text("utf-8")

    assert escape_line("=1+1 (partner)") in text
    assert escape_line("@SUM(A1:A2) (partner)") in text
    assert escape_table_cell(FORMULA_LABEL) in text


# --- Mixed scripts --------------------------------------------------------------------


def test_html_isolates_acronym_in_arabic_comment(english_page: str) -> None:
    assert "تحسين التنسيق مع <bdi>WASH</bdi> في 3 مواقع" in english_page


def test_html_arabic_comment_item_auto_direction(english_page: str) -> None:
    lines = english_page.splitlines()

    (item,) = [line for line in lines if "تحسين التنسيق" in line and "<li" in line]
    assert item.startswith('<li dir="auto">تحسين')


def test_html_isolates_arabic_in_english_heading() -> None:
    from report_samples import make_report

    from ccpm_core.report_model import Heading

    page = render_html(make_report(Heading(f"Function 1: {ARABIC_FUNCTION} (WASH)", 1)))

    assert f"Function 1: <bdi>{ARABIC_FUNCTION}</bdi> (WASH)" in page


def test_html_arabic_heading_in_english_page_auto() -> None:
    from report_samples import make_report

    from ccpm_core.report_model import Heading

    page = render_html(make_report(Heading(ARABIC_COMMENT, 1)))

    assert 'dir="auto">تحسين التنسيق مع <bdi>WASH</bdi> في 3 مواقع</h2>' in page


@pytest.fixture(scope="module")
def english_document(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    DocxRenderer().render(text_report(), path)
    return docx.Document(str(path))


def arabic_paragraphs(document: Any) -> list[Any]:
    return [
        paragraph
        for paragraph in document.element.body.iter(qn("w:p"))
        if "تحسين" in "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
    ]


def test_docx_arabic_comment_paragraph_bidi(english_document: Any) -> None:
    paragraphs = arabic_paragraphs(english_document)

    assert paragraphs
    assert all(p.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None for p in paragraphs)


def test_docx_arabic_comment_run_rtl(english_document: Any) -> None:
    runs = [
        run
        for paragraph in arabic_paragraphs(english_document)
        for run in paragraph.iter(qn("w:r"))
    ]

    assert runs
    assert all(run.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for run in runs)


def test_docx_english_paragraphs_not_bidi(english_document: Any) -> None:
    marked = [
        "".join(node.text or "" for node in paragraph.iter(qn("w:t")))
        for paragraph in english_document.element.body.iter(qn("w:p"))
        if paragraph.find(f"{qn('w:pPr')}/{qn('w:bidi')}") is not None
    ]

    assert all(text.startswith("تحسين") for text in marked)


def test_chart_text_in_logical_order() -> None:
    chart = Chart(
        title=f"{ARABIC_FUNCTION}: WASH 3",
        bars=(ChartBar(label=ARABIC_COMMENT, score=50.0, status=Status.WEAK),),
        alt_text=ARABIC_COMMENT,
        key="mixed",
        language="ar",
    )

    figure = build_chart_figure(chart)
    texts = [text.get_text() for text in figure.findobj(Text)]

    # Matplotlib 3.11 lays text out with libraqm (matplotlib/_text_helpers.py), which
    # shapes and reorders Arabic, so it must get the string as typed: no presentation
    # forms (U+FB50 to U+FEFF) and no reversal.
    assert f"{ARABIC_FUNCTION}: WASH 3" in texts
    assert any(ARABIC_COMMENT in text.replace("\n", " ") for text in texts)
    assert not any(re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text) for text in texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain text", "plain text"),
        ("حلب", "حلب"),
        ("Alep حلب", "Alep <bdi>حلب</bdi>"),
        ("Hub حلب 3", "Hub <bdi>حلب</bdi> 3"),
        ("Hub حلب3", "Hub <bdi>حلب3</bdi>"),
        (
            f"{ARABIC_COMMENT} (partner)",
            "تحسين التنسيق مع <bdi>WASH</bdi> في 3 مواقع <bdi>(partner)</bdi>",
        ),
        ("<b>حلب</b>", "&lt;b&gt;<bdi>حلب</bdi>&lt;/b&gt;"),
        ("1.1", "1.1"),
        ("تقرير 4W يصدر", "تقرير <bdi>4W</bdi> يصدر"),
        ("مع COVID-19 هنا", "مع <bdi>COVID-19</bdi> هنا"),
        ("اجتماع WASH، ثم", "اجتماع <bdi>WASH</bdi>، ثم"),
    ],
)
def test_html_inline_isolation(text: str, expected: str) -> None:
    assert _inline(text) == expected


@pytest.mark.parametrize(
    ("text", "page_right_to_left", "expected"),
    [
        ("1.1", True, ""),
        ("1.1", False, ""),
        ("حلب", False, ' dir="auto"'),
        ("حلب", True, ""),
        ("Juba", True, ' dir="auto"'),
        ("Juba", False, ""),
    ],
)
def test_html_direction_attribute(text: str, page_right_to_left: bool, expected: str) -> None:
    assert _direction_attribute(text, page_right_to_left) == expected
