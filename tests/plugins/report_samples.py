"""Small survey data and reports for the renderer tests, with hostile text in comments and names."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ccpm_core.framework import Status
from ccpm_core.normalise import normalise_responses
from ccpm_core.questionnaire import Questionnaire, standard_questionnaire
from ccpm_core.report_builder import ReportMetadata, build_preliminary_report
from ccpm_core.report_model import (
    Block,
    BulletList,
    Cell,
    Chart,
    ChartBar,
    Cover,
    EditableField,
    Heading,
    Paragraph,
    Report,
    Table,
)
from ccpm_core.responses import RawResponses
from ccpm_core.results import Results
from ccpm_core.scoring import score

HOSTILE_COMMENT = "=1+1 <script>alert(1)</script> & co"
FORMULA_HUB = '=HYPERLINK("http://example.invalid","x")'

SMALL_ROWS = [
    {
        "instrument": "partner",
        "hub": "",
        "organisation_type": "national_ngo",
        "p111": "4",
        "p112": "3",
        "p121": "1",
        "p_comment_1": HOSTILE_COMMENT,
    },
    {
        "instrument": "partner",
        "hub": "",
        "organisation_type": "international_ngo",
        "p111": "2",
        "p112": "9",
        "p121": "0",
        "p_comment_1": "@SUM(A1:A2)",
    },
    {
        "instrument": "coordinator",
        "hub": "",
        "organisation_type": "",
        "c111": "3",
        "c_orgs_national_ngo": "4",
        "c_attending_national_ngo": "2",
    },
    {"instrument": "partner", "hub": FORMULA_HUB, "organisation_type": "un_agency", "p111": "1"},
    {"instrument": "partner", "hub": "Alep حلب", "organisation_type": "un_agency", "p111": "3"},
]

COVER = Cover(
    title="CCPM preliminary report",
    cluster="Health & Nutrition",
    country="Chad",
    level="National",
    date=dt.date(2026, 11, 30),
    survey_period="2 to 16 November 2026",
    subtitle="For the review workshop",
)


def small_questionnaire() -> Questionnaire:
    return standard_questionnaire()


def small_results() -> Results:
    """Score five responses: two national partners, a coordinator and two hub partners."""
    table = pd.DataFrame(SMALL_ROWS).fillna("")
    raw = RawResponses(source="small.csv", table=table, row_numbers=list(range(2, len(table) + 2)))
    return score(normalise_responses(raw, small_questionnaire()))


def small_report(language: str = "en", hub: str | None = None) -> Report:
    """Build the preliminary report of the small survey, with every count shown."""
    metadata = ReportMetadata(
        cluster="Health & Nutrition",
        country="Chad",
        date=dt.date(2026, 11, 30),
        survey_period="2 to 16 November 2026",
    )
    return build_preliminary_report(
        small_results(),
        small_questionnaire(),
        metadata,
        hub=hub,
        language=language,
        min_cell_size=1,
    )


def sample_chart(key: str = "sections") -> Chart:
    return Chart(
        title="Performance by section",
        bars=(
            ChartBar("1.1 Platform", 91.75, Status.GOOD),
            ChartBar("2.2 Analysis <b>&amp;</b>", 12.5, Status.WEAK),
            ChartBar("3.1 Strategy", None, Status.NO_DATA),
        ),
        alt_text="Bar chart: 1.1 good at 92, 2.2 weak at 13, 3.1 no data",
        key=key,
        legend=((Status.GOOD, "Good"), (Status.WEAK, "Weak")),
    )


def sample_table() -> Table:
    return Table(
        header=("Section", "Score", "Status"),
        rows=(
            (Cell("1.1 Platform"), Cell("91.8%", numeric=True), Cell("Good", status=Status.GOOD)),
            (Cell("2.2 Analysis"), Cell("12.5%", numeric=True), Cell("Weak", status=Status.WEAK)),
            (
                Cell("3.1 Strategy"),
                Cell("–", numeric=True),
                Cell("No data", status=Status.NO_DATA),
            ),
        ),
        caption="Status per section",
    )


SAMPLE_BLOCKS: tuple[Block, ...] = (
    Heading("Summary", 1),
    Paragraph("Results are preliminary."),
    Paragraph("Scores are medians of respondent means.", emphasis=True),
    BulletList(("Responses: 24", "Response rate: 60%")),
    Heading("Performance status", 2),
    sample_table(),
    sample_chart(),
    Heading("Follow-up actions", 3),
    EditableField("Actions for 2.2", required=True, prompt="Who does what by when?"),
    EditableField("Other remarks"),
    Heading("Comments", 1),
    BulletList((HOSTILE_COMMENT, "Second comment")),
)


def make_report(*blocks: Block, cover: Cover = COVER, language: str = "en") -> Report:
    return Report(cover=cover, blocks=blocks or SAMPLE_BLOCKS, language=language)
