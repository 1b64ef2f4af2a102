"""Rendered Markdown reports name no withheld organisation type outside the rates table."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import attrs
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpm_core.normalise import normalise_responses
from ccpm_core.questionnaire import PROFILE_ORGANISATION_TYPE, standard_questionnaire
from ccpm_core.report_builder import build_preliminary_report
from ccpm_core.report_model import Chart, Paragraph, Report, Table
from ccpm_core.responses import RawResponses
from ccpm_core.scoring import score
from ccpm_plugins.renderers.markdown import MarkdownRenderer

QUESTIONNAIRE = standard_questionnaire()
CAPTION = "Response rates by organisation type"
ORGANISATION_TYPES = ("international_ngo", "national_ngo", "un_agency", "donor")
TYPE_SCALE = QUESTIONNAIRE.scale_of(QUESTIONNAIRE.question(PROFILE_ORGANISATION_TYPE))
# Only types that partners can answer with can be named by a note; "Other" and the
# like also read as plain words, so they are left out of the search.
TYPE_LABELS = frozenset(
    QUESTIONNAIRE.label(TYPE_SCALE.option(code).label, "en") for code in ORGANISATION_TYPES
)
HEADLINE = re.compile(r"Partners who answered: (\d+)\.")


@st.composite
def survey_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    """Draw 1 to 6 partners of the national level and maybe a coordinator with some counts."""
    rows = [
        {
            "instrument": "partner",
            "organisation_type": draw(st.sampled_from((*ORGANISATION_TYPES, ""))),
            "p111": str(draw(st.integers(0, 4))),
        }
        for _ in range(draw(st.integers(1, 6)))
    ]
    if draw(st.booleans()):
        counted = draw(st.sets(st.sampled_from(ORGANISATION_TYPES)))
        row = {"instrument": "coordinator", "c111": "3"}
        row |= {f"c_orgs_{code}": str(draw(st.integers(0, 6))) for code in counted}
        rows.append(row)
    return rows


def build(rows: list[dict[str, str]], k: int) -> Report:
    table = pd.DataFrame(rows).fillna("")
    raw = RawResponses(source="survey.csv", table=table, row_numbers=list(range(2, len(rows) + 2)))
    results = score(normalise_responses(raw, QUESTIONNAIRE))
    return build_preliminary_report(results, QUESTIONNAIRE, min_cell_size=k)


def render_markdown(report: Report) -> str:
    """Render the report to Markdown, with each chart replaced by its text alternative."""
    blocks = tuple(
        Paragraph(block.alt_text) if isinstance(block, Chart) else block for block in report.blocks
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.md"
        MarkdownRenderer().render(attrs.evolve(report, blocks=blocks), path)
        return path.read_text(encoding="utf-8")


def rates_rows(report: Report) -> dict[str, list[str]]:
    table = next(b for b in report.blocks if isinstance(b, Table) and b.caption == CAPTION)
    return {row[0].text: [cell.text for cell in row] for row in table.rows}


def note_lines(markdown: str) -> list[str]:
    """Return the lines outside tables, where every note and sentence of the report sits."""
    return [line for line in markdown.splitlines() if not line.startswith("|")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey_rows(), st.integers(2, 5))
def test_withheld_type_never_named(rows: list[dict[str, str]], k: int) -> None:
    report = build(rows, k)
    withheld = [
        label
        for label, row in rates_rows(report).items()
        if row[1] == "withheld" and label in TYPE_LABELS
    ]
    lines = note_lines(render_markdown(report))

    for label in withheld:
        assert not any(label in line for line in lines), label


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(survey_rows(), st.integers(2, 5))
def test_total_matches_headline(rows: list[dict[str, str]], k: int) -> None:
    report = build(rows, k)
    headline = next(
        match.group(1)
        for block in report.blocks
        if isinstance(block, Paragraph) and (match := HEADLINE.search(block.text))
    )

    assert rates_rows(report)["Total"][1] == headline
