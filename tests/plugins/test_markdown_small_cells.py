"""Rendered Markdown reports show no partner score or count built on 1 to k - 1 partners."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import attrs
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpm_core.normalise import normalise_responses
from ccpm_core.questionnaire import standard_questionnaire
from ccpm_core.report_builder import build_preliminary_report
from ccpm_core.report_model import Chart, Paragraph, Report
from ccpm_core.responses import RawResponses
from ccpm_core.results import LevelResult, Results
from ccpm_core.scoring import score
from ccpm_plugins.renderers.markdown import MarkdownRenderer

QUESTIONNAIRE = standard_questionnaire()
WITHHELD = "withheld"
ORGANISATION_TYPES = ("international_ngo", "national_ngo", "un_agency")
# Partner items in sections 1.1, 1.2 and 2.1, so that partners of one level split
# between sections, and a coordinator item in section 1.1.
PARTNER_ITEMS = ("p111", "p112", "p121", "p211")
HUBS = ("North", "South", "East")


@st.composite
def partner_rows(draw: st.DrawFn, hub: str) -> list[dict[str, str]]:
    """Draw 0 to 5 partners of one level, each answering some partner items."""
    rows = []
    for _ in range(draw(st.integers(0, 5))):
        answered = draw(st.sets(st.sampled_from(PARTNER_ITEMS), min_size=1))
        row = {
            "instrument": "partner",
            "hub": hub,
            "organisation_type": draw(st.sampled_from(ORGANISATION_TYPES)),
        }
        row |= {code: str(draw(st.integers(0, 4))) for code in answered}
        rows.append(row)
    if draw(st.booleans()):
        rows.append({"instrument": "coordinator", "hub": hub, "c111": "3"})
    return rows


@st.composite
def survey_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    hubs = HUBS[: draw(st.integers(0, len(HUBS)))]
    rows = [row for hub in ("", *hubs) for row in draw(partner_rows(hub))]
    if not rows:
        rows.append({"instrument": "coordinator", "hub": "", "c111": "3"})
    return rows


def score_rows(rows: list[dict[str, str]]) -> Results:
    table = pd.DataFrame(rows).fillna("")
    raw = RawResponses(source="survey.csv", table=table, row_numbers=list(range(2, len(rows) + 2)))
    return score(normalise_responses(raw, QUESTIONNAIRE))


def render_markdown(report: Report) -> str:
    """Render the report to Markdown, with each chart replaced by its text alternative.

    Drawing the chart pictures is the slow part of rendering, and the pictures
    hold no text that a Markdown search could find, so the property checks the
    text alternative, which the Markdown renderer writes as the picture's alt text.
    """
    blocks = tuple(
        Paragraph(block.alt_text) if isinstance(block, Chart) else block for block in report.blocks
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.md"
        MarkdownRenderer().render(attrs.evolve(report, blocks=blocks), path)
        return path.read_text(encoding="utf-8")


def markdown_table(text: str, caption: str) -> dict[str, list[str]]:
    """Return the rows of the pipe table under ``caption``, keyed by their first cell."""
    lines = text.splitlines()
    start = lines.index(f"*{caption}*") + 2
    rows: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        rows[cells[0]] = cells
    return rows


def few(n: int, k: int) -> bool:
    return 0 < n < k


def check_sections(text: str, level: LevelResult, k: int) -> None:
    status = markdown_table(text, "Performance status by section")
    gap = markdown_table(text, "Partners' and coordinator's scores by section")
    for section in level.sections:
        if not few(section.partner.n, k):
            continue
        assert status[section.id][4] == WITHHELD, f"respondents of {section.id}"
        assert status[section.id][5] == WITHHELD, f"partners' score of {section.id}"
        assert gap[section.id][2] == WITHHELD, f"partners' score of {section.id} in the gaps"
        assert gap[section.id][4] == WITHHELD, f"gap of {section.id}"
        assert f"{section.id}: partners {WITHHELD}," in text, f"alt text of {section.id}"


def check_items(text: str, level: LevelResult, k: int) -> None:
    for section_id in ("1.1", "1.2", "2.1"):
        items = markdown_table(text, f"Item scores for section {section_id}")
        for item_id, cells in items.items():
            if few(level.item(item_id).partner.n, k):
                assert cells[4] == WITHHELD, f"respondents of item {item_id}"
                assert cells[5] == WITHHELD, f"partners' score of item {item_id}"


def check_types(text: str, level: LevelResult, k: int) -> None:
    rates = markdown_table(text, "Response rates by organisation type")
    for type_rates in level.rates.by_type:
        if not few(type_rates.overall.responses, k):
            continue
        scale = QUESTIONNAIRE.scale_of(QUESTIONNAIRE.question("organisation_type"))
        name = QUESTIONNAIRE.label(scale.option(type_rates.organisation_type).label, "en")
        assert rates[name][1] == WITHHELD, f"count of {name}"


def check_levels(text: str, results: Results, k: int) -> None:
    levels = markdown_table(text, "Section scores at the national level and in each hub")
    for level in results.levels:
        if level.hub is None or not few(level.partners, k):
            continue
        assert levels[level.hub][1:] == [WITHHELD] * (len(levels[level.hub]) - 1)
        status_row = levels[f"{level.hub}: status"]
        assert status_row[2:] == [WITHHELD] * (len(status_row) - 2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey_rows(), st.integers(2, 4))
def test_small_cells_absent(rows: list[dict[str, Any]], k: int) -> None:
    results = score_rows(rows)
    for level in results.levels:
        report = build_preliminary_report(results, QUESTIONNAIRE, hub=level.hub, min_cell_size=k)
        text = render_markdown(report)

        check_sections(text, level, k)
        check_items(text, level, k)
        check_types(text, level, k)
        if level.hub is None and len(results.levels) > 1:
            check_levels(text, results, k)


def test_gap_chart_note_rendered() -> None:
    rows = [
        *({"instrument": "partner", "hub": "", "p111": "3"} for _ in range(2)),
        {"instrument": "coordinator", "hub": "", "c111": "3"},
    ]
    report = build_preliminary_report(score_rows(rows), QUESTIONNAIRE, min_cell_size=3)
    text = render_markdown(report)

    assert (
        "*The partners' bar is left out for section 1.1, because fewer than 3 partners scored it.*"
    ) in text
