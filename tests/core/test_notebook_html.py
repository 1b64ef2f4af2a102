"""Jupyter display of results and responses: readable, small and escaped."""

from __future__ import annotations

from html.parser import HTMLParser

import attrs
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.framework import SECTION_IDS, Instrument
from ccpm_core.responses import Comment, DataQuality
from ccpm_core.scoring import score

QUESTIONNAIRE = small_questionnaire()
HOSTILE_HUB = "<script>alert(1)</script> & co"
ROWS = [
    {"instrument": "partner", "p121": "3", "p122": "4", "p123": "4"},
    {"instrument": "partner", "p121": "2", "p122": "2", "p123": "1"},
    {"instrument": "coordinator", "c121": "4", "c122": "3", "c123": "4"},
    {"instrument": "partner", "hub": HOSTILE_HUB, "p121": "1", "p122": "1", "p123": "1"},
    {"instrument": "coordinator", "hub": HOSTILE_HUB, "c121": "1", "c122": "1", "c123": "0"},
]


class TableReader(HTMLParser):
    """Collect the cell texts of every table row and the tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_table(html: str) -> TableReader:
    reader = TableReader()
    reader.feed(html)
    reader.close()
    return reader


def test_results_html_one_row_per_section() -> None:
    results = score(response_set(QUESTIONNAIRE, ROWS))

    table = read_table(results._repr_html_())

    assert len(table.rows) == 1 + len(SECTION_IDS)
    assert table.rows[0][:2] == ["Section", "Title"]
    assert [row[0] for row in table.rows[1:]] == list(SECTION_IDS)


def test_results_html_shows_score_and_status() -> None:
    results = score(response_set(QUESTIONNAIRE, ROWS))

    table = read_table(results._repr_html_())
    section_12 = next(row for row in table.rows if row[0] == "1.2")

    # National means: 11/3, 5/3 and 11/3, so the median is 11/3, or 91.7%.
    assert section_12[2] == "91.7% good"
    assert table.rows[0][2] == "national (2 partners, 1 coordinator)"


def test_results_html_no_data_section() -> None:
    results = score(response_set(QUESTIONNAIRE, ROWS))

    table = read_table(results._repr_html_())
    section_7 = next(row for row in table.rows if row[0] == "7")

    assert section_7[2] == "no_data"


def test_results_html_escapes_hub_names() -> None:
    results = score(response_set(QUESTIONNAIRE, ROWS))

    html = results._repr_html_()
    table = read_table(html)

    assert "<script>" not in html
    assert "script" not in table.tags
    assert table.rows[0][3].startswith(HOSTILE_HUB)


def test_level_html_partner_and_coordinator() -> None:
    results = score(response_set(QUESTIONNAIRE, ROWS))

    table = read_table(results.level()._repr_html_())
    section_12 = next(row for row in table.rows if row[0] == "1.2")

    assert table.rows[0] == ["Section", "Title", "Score", "Status", "n", "Partners", "Coordinators"]
    assert section_12[2:5] == ["91.7%", "good", "3"]
    # Partners alone: means 11/3 and 5/3, median 8/3, or 66.7%.
    assert section_12[5] == "66.7% satisfactory"
    assert section_12[6] == "91.7% good"


def test_level_html_escapes_caption() -> None:
    results = score(response_set(QUESTIONNAIRE, ROWS))

    html = results.level(HOSTILE_HUB)._repr_html_()

    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_response_set_html_counts_levels() -> None:
    responses = response_set(QUESTIONNAIRE, ROWS)

    table = read_table(responses._repr_html_())

    assert table.rows[0] == ["Level", "Partners", "Coordinators"]
    assert table.rows[1] == ["national", "2", "1"]
    assert table.rows[2] == [HOSTILE_HUB, "1", "1"]


def test_response_set_html_quality_line() -> None:
    responses = response_set(QUESTIONNAIRE, ROWS)

    html = responses._repr_html_()

    assert "Rows read: 5, scored: 5, excluded: 0" in html


def test_html_leaves_out_comments() -> None:
    comment = Comment(
        question="p_comment_1",
        function=1,
        instrument=Instrument.PARTNER,
        hub=None,
        text="Secret remark by a named person",
    )
    responses = response_set(QUESTIONNAIRE, ROWS, comments=[comment])
    results = score(responses)

    shown = responses._repr_html_() + results._repr_html_() + results.level()._repr_html_()

    assert "Secret remark" not in shown


def test_html_escapes_source_name() -> None:
    hostile = DataQuality(source="<b>x</b>.csv", rows_read=5, rows_scored=5)
    responses = attrs.evolve(response_set(QUESTIONNAIRE, ROWS), quality=hostile)

    html = responses._repr_html_()

    assert "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;.csv" in html
