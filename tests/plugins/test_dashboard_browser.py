"""The HTML dashboard in headless Chromium: filters, trend lines, pages and a screenshot."""

from __future__ import annotations

import io
import itertools
import textwrap
from pathlib import Path
from typing import Any

import pytest
from chromium_harness import PageLoad, chromium_or_skip, load_page, take_screenshot
from dashboard_samples import embedded_payload, make_frame, many_levels, sample_frame
from PIL import Image

from ccpm_plugins.renderers.dashboard_html import render_dashboard

# Facts of the page as one object: heatmap rows, trend points, lines and end
# labels, the trend table's years, the filter summary and the first rate bar.
FACTS_FUNCTION = """
const facts = () => ({
  rows: document.querySelectorAll("#heatmap tbody tr").length,
  rateRows: document.querySelectorAll("#row-rates tbody tr").length,
  points: document.querySelectorAll("#trend-chart circle").length,
  lines: document.querySelectorAll("#trend-chart polyline").length,
  trendYears: [...document.querySelectorAll("#trend-table thead th")].slice(1)
    .map((th) => th.textContent),
  trendRows: [...document.querySelectorAll("#trend-table tbody tr")]
    .map((tr) => [...tr.children].map((cell) => cell.textContent)),
  summary: document.getElementById("filter-summary").textContent,
  note: document.getElementById("heatmap-note").textContent,
  firstCell: document.querySelector("#heatmap tbody td.cell")?.textContent ?? null,
  nextDisabled: document.getElementById("heatmap-next").disabled,
  level: document.getElementById("filter-level").selectedOptions[0].textContent,
  labelYs: [...document.querySelectorAll("#trend-chart text.end-label")]
    .map((label) => Number(label.getAttribute("y"))),
  barGaps: barGaps(),
});
// Pixels between the first rate bar and the left and right inner edges of its track.
function barGaps() {
  const bar = document.querySelector("#row-rates .bar");
  if (bar === null) { return null; }
  const inner = bar.parentElement.getBoundingClientRect();
  const filled = bar.getBoundingClientRect();
  return [Math.round(filled.left - inner.left - 1), Math.round(inner.right - 1 - filled.right)];
}
const choose = (name, text) => {
  const select = document.getElementById("filter-" + name);
  select.value = [...select.options].find((option) => option.textContent === text).value;
  select.dispatchEvent(new Event("change"));
};
const next = () => document.getElementById("heatmap-next").click();
"""


def page_expression(steps: str) -> str:
    """Return JavaScript that runs ``steps`` (which fill ``result``) and returns ``result``."""
    body = textwrap.indent(FACTS_FUNCTION + "const result = {};\n" + steps, "  ")
    return f"(() => {{\n{body}\n  return result;\n}})()"


FILTER_STEPS = """
result.initial = facts();
choose("year", "2024");
result.year = facts();
choose("country", "Myanmar");
result.country = facts();
choose("year", "2023");
result.none = facts();
document.getElementById("filter-reset").click();
result.reset = facts();
choose("level", "Hubs");
result.hubs = facts();
choose("level", "All");
result.all = facts();
"""


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard")
    return render_dashboard(sample_frame(), folder / "dashboard.html")


@pytest.fixture(scope="module")
def filter_load(sample_file: Path, tmp_path_factory: pytest.TempPathFactory) -> PageLoad:
    binary = chromium_or_skip()
    profile = tmp_path_factory.mktemp("profile")
    return load_page(binary, sample_file.as_uri(), profile, page_expression(FILTER_STEPS))


@pytest.fixture(scope="module")
def facts(filter_load: PageLoad) -> dict[str, Any]:
    evaluated: dict[str, Any] = filter_load.evaluated
    return evaluated


def test_loads_without_errors(filter_load: PageLoad) -> None:
    assert filter_load.errors == []


def test_requests_only_the_file(filter_load: PageLoad, sample_file: Path) -> None:
    assert filter_load.requested_urls == [sample_file.as_uri()]


def test_initial_level_national(facts: dict[str, Any]) -> None:
    assert facts["initial"]["level"] == "National"


def test_initial_rows(facts: dict[str, Any]) -> None:
    # The Abéché hub row is left out by the default level filter.
    assert facts["initial"]["rows"] == 3
    assert facts["initial"]["rateRows"] == 3


def test_initial_summary(facts: dict[str, Any]) -> None:
    assert facts["initial"]["summary"] == "Rows matching the filters: 3 (exercises: 3)"


def test_cell_shows_status_label(facts: dict[str, Any]) -> None:
    assert facts["initial"]["firstCell"] == "40.0%Unsatisfactory"


def test_initial_trend_lines(facts: dict[str, Any]) -> None:
    assert facts["initial"]["lines"] == 7
    assert facts["initial"]["points"] == 14
    assert facts["initial"]["trendYears"] == ["2023", "2024"]


def test_trend_table_means(facts: dict[str, Any]) -> None:
    rows = facts["initial"]["trendRows"]
    # 2023: the national level scores 40 in every section, and the hub is left out.
    # 2024, function 1: (80 + 62.5 + 60 + 60) / 4 = 65.625.
    assert rows[0] == ["1 Service delivery", "40.0%", "65.6%"]
    # 2024, function 4: section 4.1 of one exercise has no score, (55 + 60 + 60) / 3 = 58.33.
    assert rows[3] == ["4 Advocacy", "40.0%", "58.3%"]


def test_trend_means_all_levels(facts: dict[str, Any]) -> None:
    rows = facts["all"]["trendRows"]
    # 2023: 40 (national) and 20 (hub) in every section, a mean of 30.
    assert facts["all"]["rows"] == 4
    assert rows[0] == ["1 Service delivery", "30.0%", "65.6%"]


def test_end_labels_apart(facts: dict[str, Any]) -> None:
    # Myanmar scores 60 in every section, so all seven lines end at one point.
    ys = sorted(facts["country"]["labelYs"])
    gaps = [below - above for above, below in itertools.pairwise(ys)]
    assert len(ys) == 7
    assert min(gaps) >= 14


def test_rate_bar_fills_from_left(facts: dict[str, Any]) -> None:
    # A response rate of 50% fills half of the 96-pixel track, from its left edge.
    assert facts["initial"]["barGaps"] == [0, 48]


def test_year_filter_changes_rows(facts: dict[str, Any]) -> None:
    assert facts["year"]["rows"] == 2
    assert facts["year"]["rateRows"] == 2


def test_year_filter_changes_trend(facts: dict[str, Any]) -> None:
    # One year left: one point per function and no line between years.
    assert facts["year"]["lines"] == 0
    assert facts["year"]["points"] == 7
    assert facts["year"]["trendYears"] == ["2024"]


def test_country_filter_changes_rows(facts: dict[str, Any]) -> None:
    assert facts["country"]["rows"] == 1
    assert facts["country"]["trendRows"][0] == ["1 Service delivery", "60.0%"]


def test_empty_filter_result(facts: dict[str, Any]) -> None:
    assert facts["none"]["rows"] == 0
    assert facts["none"]["points"] == 0
    assert facts["none"]["note"] == "No exercise matches the filters."


def test_reset_restores_defaults(facts: dict[str, Any]) -> None:
    assert facts["reset"]["rows"] == 3
    assert facts["reset"]["level"] == "National"
    assert facts["reset"]["summary"] == facts["initial"]["summary"]


def test_level_filter_hubs(facts: dict[str, Any]) -> None:
    assert facts["hubs"]["rows"] == 1
    assert facts["hubs"]["trendRows"][0] == ["1 Service delivery", "20.0%"]


PAGE_STEPS = """
result.first = facts();
next();
result.second = facts();
next();
result.third = facts();
"""


@pytest.fixture(scope="module")
def paged_load(tmp_path_factory: pytest.TempPathFactory) -> PageLoad:
    binary = chromium_or_skip()
    folder = tmp_path_factory.mktemp("paged")
    path = render_dashboard(make_frame(many_levels(250)), folder / "dashboard.html")
    return load_page(binary, path.as_uri(), folder / "profile", page_expression(PAGE_STEPS))


def test_pages_note_counts(paged_load: PageLoad) -> None:
    facts = paged_load.evaluated
    assert paged_load.errors == []
    assert facts["first"]["note"] == "Showing rows 1–100 of 250"
    assert facts["second"]["note"] == "Showing rows 101–200 of 250"
    assert facts["third"]["note"] == "Showing rows 201–250 of 250"


def test_pages_row_counts(paged_load: PageLoad) -> None:
    facts = paged_load.evaluated
    assert facts["first"]["rows"] == 100
    assert facts["third"]["rows"] == 50
    assert facts["third"]["nextDisabled"] is True


def test_arabic_page(tmp_path: Path) -> None:
    binary = chromium_or_skip()
    path = render_dashboard(sample_frame(), tmp_path / "ar.html", language="ar")
    expression = page_expression("result.dir = document.dir;\nresult.facts = facts();")

    page = load_page(binary, path.as_uri(), tmp_path / "profile", expression)

    assert page.errors == []
    assert page.evaluated["dir"] == "rtl"
    assert page.evaluated["facts"]["summary"] == "الصفوف المطابقة لعوامل التصفية: 3 (الجولات: 3)"
    # Right to left, the bar of a 50% rate fills the track from its right edge.
    assert page.evaluated["facts"]["barGaps"] == [48, 0]


def test_screenshot_not_blank(sample_file: Path, tmp_path: Path) -> None:
    binary = chromium_or_skip()
    target = take_screenshot(binary, sample_file.as_uri(), tmp_path / "profile", tmp_path / "s.png")

    image = Image.open(io.BytesIO(target.read_bytes())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24) or []

    assert image.size == (1280, 2000)
    assert len(colours) > 100


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("large")
    return render_dashboard(make_frame(many_levels(10_000)), folder / "dashboard.html")


def test_large_portfolio_embedded(large_file: Path) -> None:
    payload = embedded_payload(large_file.read_text(encoding="utf-8"))
    assert len(payload["rows"]) == 10_000
    assert len(payload["exercises"]) == 10_000


def test_large_portfolio_pages(large_file: Path, tmp_path: Path) -> None:
    binary = chromium_or_skip()
    expression = page_expression(
        'result.first = facts();\nchoose("year", "2023");\nresult.year = facts();'
    )

    page = load_page(binary, large_file.as_uri(), tmp_path / "profile", expression)

    assert page.errors == []
    assert page.evaluated["first"]["rows"] == 100
    assert page.evaluated["first"]["note"] == "Showing rows 1–100 of 10,000"
    assert page.evaluated["year"]["note"] == "Showing rows 1–100 of 3,333"
