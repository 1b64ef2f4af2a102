"""The HTML renderer: structure, escaping, determinism, and loading in headless Chromium."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
from chromium_harness import PageLoad, chromium_or_skip, load_page, take_screenshot
from PIL import Image
from report_samples import (
    COVER,
    FORMULA_HUB,
    HOSTILE_COMMENT,
    make_report,
    sample_chart,
    small_report,
)

from ccpm_core.errors import RenderError
from ccpm_core.framework import Status
from ccpm_core.report_builder import status_label
from ccpm_core.report_model import (
    Block,
    BulletList,
    Cell,
    Cover,
    EditableField,
    Heading,
    Paragraph,
    Report,
    Table,
)
from ccpm_plugins import plugin_host
from ccpm_plugins.renderers.html import HtmlRenderer, render_html
from ccpm_plugins.renderers.styling import STATUS_STYLES

NO_REQUIRED_FIELD = EditableField("Other remarks")


class Element:
    """One parsed element: its tag, attributes, text inside it and child elements."""

    def __init__(self, tag: str, attributes: dict[str, str | None]) -> None:
        self.tag = tag
        self.attributes = attributes
        self.children: list[Element] = []
        self.text_parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def get(self, name: str) -> str:
        value = self.attributes.get(name)
        return "" if value is None else value

    def walk(self) -> list[Element]:
        found = [self]
        for child in self.children:
            found += child.walk()
        return found

    def find_all(self, tag: str) -> list[Element]:
        return [element for element in self.walk() if element.tag == tag]


class TreeBuilder(HTMLParser):
    """Build an element tree with Python's own HTML parser, text kept per element and parents."""

    VOID = frozenset({"meta", "br", "img", "link", "input", "hr", "col"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text_parts.append(data)


def parse(document: str) -> Element:
    builder = TreeBuilder()
    builder.feed(document)
    builder.close()
    return builder.root


def render(*blocks: Block, cover: Cover = COVER, language: str = "en") -> str:
    return render_html(Report(cover=cover, blocks=blocks, language=language))


@pytest.fixture(scope="module")
def sample_html() -> str:
    return render_html(make_report())


@pytest.fixture(scope="module")
def sample_tree(sample_html: str) -> Element:
    return parse(sample_html)


@pytest.fixture(scope="module")
def small_html() -> str:
    """Return the preliminary report of the small survey, rendered once (it draws 8 charts)."""
    return render_html(small_report())


@pytest.fixture(scope="module")
def small_tree(small_html: str) -> Element:
    return parse(small_html)


@pytest.fixture(scope="module")
def small_file(small_html: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(small_html, encoding="utf-8")
    return path


# Files and registration


def test_render_writes_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.html"
    written = HtmlRenderer().render(make_report(), path)

    assert written == [path]
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("name", ["report.html", "report.htm", "REPORT.HTML"])
def test_renderer_registered(name: str) -> None:
    assert plugin_host().renderer_for_file(name).name == "html"


def test_byte_identical_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "first.html", tmp_path / "second.html"
    HtmlRenderer().render(make_report(), first)
    HtmlRenderer().render(make_report(), second)

    assert first.read_bytes() == second.read_bytes()


def test_byte_identical_across_processes(sample_html: str) -> None:
    script = textwrap.dedent(
        """
        import sys
        from report_samples import make_report
        from ccpm_plugins.renderers.html import render_html
        sys.stdout.buffer.write(render_html(make_report()).encode("utf-8"))
        """
    )
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    completed = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        capture_output=True,
        cwd=Path(__file__).parent,
        env=environment,
        timeout=120,
    )

    assert completed.stdout == sample_html.encode("utf-8")


# Document shell


def test_language_and_direction(sample_tree: Element) -> None:
    (root,) = sample_tree.find_all("html")

    assert root.get("lang") == "en"
    assert root.get("dir") == "ltr"


@pytest.mark.parametrize("language", ["ar", "ar-SY"])
def test_arabic_right_to_left(language: str) -> None:
    (root,) = parse(render(Paragraph("مرحبا"), language=language)).find_all("html")

    assert root.get("lang") == language
    assert root.get("dir") == "rtl"


def test_gettext_language_tag_hyphenated() -> None:
    (root,) = parse(render(Paragraph("x"), language="fr_CA")).find_all("html")
    assert root.get("lang") == "fr-CA"


@pytest.mark.parametrize("language", ["", "en us", '"><script>', "e"])
def test_invalid_language(language: str) -> None:
    with pytest.raises(RenderError, match="language tag"):
        render(Paragraph("x"), language=language)


def test_utf8_meta(sample_html: str) -> None:
    assert '<meta charset="utf-8">' in sample_html


def test_title_element(sample_tree: Element) -> None:
    (title,) = sample_tree.find_all("title")[:1]
    assert title.text == "CCPM preliminary report – Health & Nutrition – Chad – National"


def test_self_contained(small_html: str, small_tree: Element) -> None:
    elements = small_tree.walk()
    tags = {element.tag for element in elements}
    sources = [element.get("src") for element in elements if element.get("src")]
    links = [element.get("href") for element in elements if element.get("href")]
    svg_links = [element.get("xlink:href") for element in elements if element.get("xlink:href")]

    assert "script" not in tags
    assert "link" not in tags
    assert "img" not in tags
    assert sources == []
    assert all(link.startswith("#") for link in links)
    assert all(link.startswith("#") for link in svg_links)
    assert re.findall(r"url\((?!#)", small_html) == []
    assert "@import" not in small_html
    assert "@font-face" not in small_html


def test_single_style_element(small_tree: Element) -> None:
    assert len(small_tree.find_all("style")) == 1


# Cover and headings


def test_cover_title_is_only_h1(sample_tree: Element) -> None:
    assert [h1.text for h1 in sample_tree.find_all("h1")] == ["CCPM preliminary report"]


def test_cover_facts(sample_tree: Element) -> None:
    terms = [term.text for term in sample_tree.find_all("dt")]
    details = [detail.text for detail in sample_tree.find_all("dd")]

    assert terms == ["Cluster", "Country", "Level", "Date", "Survey period"]
    assert details[0] == "Health & Nutrition"
    assert details[3] == "2026-11-30"


def test_cover_skips_empty_facts() -> None:
    cover = Cover(title="Report", cluster="", country="Chad", level="", date=None)
    terms = [term.text for term in parse(render(Paragraph("x"), cover=cover)).find_all("dt")]
    assert terms == ["Country"]


@pytest.mark.parametrize(("level", "tag"), [(1, "h2"), (2, "h3"), (3, "h4"), (5, "h6"), (9, "h6")])
def test_heading_level(level: int, tag: str) -> None:
    (main,) = parse(render(Heading("Part", level))).find_all("main")
    assert [heading.text for heading in main.find_all(tag)] == ["Part"]


def test_heading_level_zero() -> None:
    with pytest.raises(RenderError, match="level 0"):
        render(Heading("Part", 0))


def test_parts_are_sections(sample_tree: Element) -> None:
    sections = [s for s in sample_tree.find_all("section") if s.get("class") == "part"]
    first_headings = [section.children[0].text for section in sections]

    assert first_headings == ["Summary", "Comments"]


def test_contents_links_parts(sample_tree: Element) -> None:
    (nav,) = sample_tree.find_all("nav")
    links = nav.find_all("a")
    ids = {element.get("id"): element.text for element in sample_tree.walk()}

    assert [link.text for link in links] == ["Summary", "Comments"]
    assert [ids[link.get("href")[1:]] for link in links] == ["Summary", "Comments"]


def test_no_contents_without_parts() -> None:
    assert parse(render(Paragraph("x"))).find_all("nav") == []


def test_element_ids_unique(small_tree: Element) -> None:
    ids = [element.get("id") for element in small_tree.walk() if element.get("id")]
    assert len(ids) == len(set(ids))


# Text and escaping


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "=1+1",
        "Fish & chips",
        "\"quoted\" and 'single'",
        "<b>not bold</b>",
        "&amp; stays as typed",
    ],
)
def test_paragraph_shows_literally(text: str) -> None:
    tree = parse(render(Paragraph(text)))
    paragraphs = [p.text for p in main_of(render(Paragraph(text))).find_all("p")]

    assert paragraphs == [text]
    assert tree.find_all("script") == []
    assert tree.find_all("b") == []


def test_hostile_comment_literal(small_tree: Element) -> None:
    items = [item.text for item in small_tree.find_all("li")]

    assert f"{HOSTILE_COMMENT} (partner)" in items
    assert small_tree.find_all("script") == []


def test_hostile_text_in_every_place() -> None:
    hostile = "<i>x</i> & =1"
    cover = Cover(title=hostile, cluster=hostile, country="", level="", date=None)
    document = render(
        Heading(hostile, 1),
        Table(header=(hostile,), rows=((Cell(hostile),),), caption=hostile),
        BulletList((hostile,)),
        EditableField(hostile, prompt=hostile),
        cover=cover,
    )
    tree = parse(document)

    assert tree.find_all("i") == []
    # Twice in <title> (title and cluster), then h1, dd, the contents link, h2,
    # caption, th, td, li, the field label and its prompt.
    assert document.count("&lt;i&gt;x&lt;/i&gt; &amp; =1") == 12


def test_survey_text_direction_auto(sample_tree: Element) -> None:
    items = sample_tree.find_all("li")
    details = sample_tree.find_all("dd")

    assert {item.get("dir") for item in items if not item.find_all("a")} == {"auto"}
    assert {detail.get("dir") for detail in details} == {"auto"}


def test_numeric_and_status_cells_keep_direction(sample_tree: Element) -> None:
    (tbody,) = sample_tree.find_all("tbody")
    cells = tbody.find_all("td")

    assert [cell.get("dir") for cell in cells[:2]] == ["", ""]
    assert {th.get("dir") for th in tbody.find_all("th")} == {"auto"}


def test_paragraph_line_break() -> None:
    assert "<p>first<br>second</p>" in render(Paragraph("first\nsecond"))


def main_of(document: str) -> Element:
    (main,) = parse(document).find_all("main")
    return main


def test_paragraph_blank_line_splits() -> None:
    paragraphs = [p.text for p in main_of(render(Paragraph("one\n\ntwo"))).find_all("p")]
    assert paragraphs == ["one", "two"]


def test_paragraph_crlf() -> None:
    assert "<p>first<br>second</p>" in render(Paragraph("first\r\nsecond"))


def test_emphasis_paragraph_note() -> None:
    (note,) = main_of(render(Paragraph("n", emphasis=True))).find_all("p")
    assert note.get("class") == "note"


def test_control_characters_replaced() -> None:
    document = render(Paragraph("a\x00b\x1bc\x7fd"))
    assert "<p>a\ufffdb\ufffdc\ufffdd</p>" in document


def test_lone_surrogate_encodes(tmp_path: Path) -> None:
    path = tmp_path / "r.html"
    HtmlRenderer().render(make_report(Paragraph("bad \ud800 text")), path)
    assert "bad \ufffd text" in path.read_text(encoding="utf-8")


# Tables


def table_of(document: str) -> Element:
    (table,) = parse(document).find_all("table")
    return table


def test_table_caption(sample_tree: Element) -> None:
    (caption,) = sample_tree.find_all("caption")
    assert caption.text == "Status per section"


def test_table_header_scoped_to_columns(sample_tree: Element) -> None:
    (thead,) = sample_tree.find_all("thead")
    headers = thead.find_all("th")

    assert [th.text for th in headers] == ["Section", "Score", "Status"]
    assert {th.get("scope") for th in headers} == {"col"}


def test_first_column_row_headers(sample_tree: Element) -> None:
    (tbody,) = sample_tree.find_all("tbody")
    row_headers = [th for th in tbody.find_all("th")]

    assert [th.text for th in row_headers] == ["1.1 Platform", "2.2 Analysis", "3.1 Strategy"]
    assert {th.get("scope") for th in row_headers} == {"row"}


def test_numeric_column_aligned(sample_tree: Element) -> None:
    (thead,) = sample_tree.find_all("thead")
    assert thead.find_all("th")[1].get("class") == "num"


def test_status_cell_class_and_label(sample_tree: Element) -> None:
    cells = [td for td in sample_tree.find_all("td") if "status" in td.get("class").split()]

    assert [td.text for td in cells] == ["Good", "Weak", "No data"]
    assert cells[0].get("class") == "status status-good"
    assert cells[2].get("class") == "status status-no-data"


def test_score_cell_shows_status_label() -> None:
    table = Table(
        header=("Item", "Partners"),
        rows=((Cell("1.1.1"), Cell("62.5% (3)", status=Status.SATISFACTORY, numeric=True)),),
    )
    (cell,) = table_of(render(table)).find_all("td")
    (label,) = cell.find_all("span")

    assert cell.text == "62.5% (3) Satisfactory"
    assert label.get("class") == "status-label"


def test_status_label_translated() -> None:
    table = Table(header=("A", "B"), rows=((Cell("x"), Cell("80%", status=Status.GOOD)),))
    (cell,) = table_of(render(table, language="fr")).find_all("td")
    assert cell.find_all("span")[0].text == status_label(Status.GOOD, "fr")


def test_status_colours_from_styling(sample_html: str) -> None:
    for status, style in STATUS_STYLES.items():
        name = status.value.replace("_", "-")
        rule = f".status-{name} {{ background-color: {style.fill}; color: {style.text}; }}"
        assert rule in sample_html


def test_table_without_caption_named_region() -> None:
    table = Table(header=("A",), rows=((Cell("x"),),))
    (region,) = [d for d in parse(render(table)).find_all("div") if d.get("role") == "region"]

    assert region.get("aria-label") == "Table"
    assert region.get("tabindex") == "0"


def test_table_without_columns_keeps_caption() -> None:
    main = main_of(render(Table(header=(), rows=(), caption="Empty")))

    assert main.find_all("table") == []
    assert [p.text for p in main.find_all("p")] == ["Empty"]


def test_table_cell_line_break() -> None:
    table = Table(header=("A", "B"), rows=((Cell("r"), Cell("one\ntwo")),))
    assert '<td dir="auto">one<br>two</td>' in render(table)


# Charts


def test_chart_inline_svg(sample_tree: Element) -> None:
    (figure,) = sample_tree.find_all("figure")
    (svg,) = figure.find_all("svg")

    assert svg.get("role") == "img"
    assert svg.get("class") == "chart-image"


def test_chart_alt_text_titles_svg(sample_tree: Element) -> None:
    (svg,) = sample_tree.find_all("svg")
    title = next(child for child in svg.children if child.tag == "title")

    assert svg.get("aria-labelledby") == title.get("id")
    assert title.text == sample_chart().alt_text


def test_chart_figcaption(sample_tree: Element) -> None:
    (caption,) = sample_tree.find_all("figcaption")
    assert caption.text == "Performance by section"


def test_chart_without_alt_uses_title() -> None:
    chart = sample_chart()
    chart = type(chart)(title="Scores", bars=chart.bars, alt_text=" ", key="k")
    (title,) = [t for t in parse(render(chart)).find_all("title") if t.get("id")]
    assert title.text == "Scores"


def test_chart_svg_has_no_comments_or_style(sample_html: str) -> None:
    svg = sample_html[sample_html.index("<svg") : sample_html.index("</svg>")]

    assert "<!--" not in svg
    assert "<style" not in svg
    assert ' style="' not in svg


def test_chart_label_not_in_markup(sample_html: str) -> None:
    # Labels are drawn as glyph outlines; the hostile label exists only as shapes.
    assert "<b>&amp;</b>" not in sample_html


def test_two_charts_distinct_ids() -> None:
    tree = parse(render(sample_chart("first"), sample_chart("second")))
    ids = [element.get("id") for element in tree.walk() if element.get("id")]

    assert len(ids) == len(set(ids))
    assert all(i.startswith(("chart-first", "chart-second")) for i in ids if "chart" in i)


def test_svg_references_resolve(small_html: str, small_tree: Element) -> None:
    ids = {element.get("id") for element in small_tree.walk()}
    references = re.findall(r'xlink:href="#([^"]+)"|url\(#([^)]+)\)', small_html)

    assert references
    assert all((href or url) in ids for href, url in references)


def test_duplicate_chart_key() -> None:
    with pytest.raises(RenderError, match="two charts"):
        render(sample_chart("same"), sample_chart("same"))


def test_unsafe_chart_key() -> None:
    with pytest.raises(RenderError, match="chart key"):
        render(sample_chart('x" onload="alert(1)'))


def test_invalid_chart_score() -> None:
    chart = sample_chart()
    bars = (type(chart.bars[0])("A", 120.0, Status.GOOD),)
    with pytest.raises(RenderError, match="120"):
        render(type(chart)(title="t", bars=bars, alt_text="a", key="k"))


# Fields to fill in


def test_editable_field_box(sample_tree: Element) -> None:
    fields = [d for d in sample_tree.find_all("div") if "field" in d.get("class").split()]

    assert len(fields) == 2
    assert fields[0].get("role") == "group"


def test_required_field_marked(sample_tree: Element) -> None:
    fields = [d for d in sample_tree.find_all("div") if "field" in d.get("class").split()]
    label = fields[0].find_all("p")[0]

    assert "field-required" in fields[0].get("class").split()
    assert label.text == "Actions for 2.2 (required)"


def test_optional_field_unmarked() -> None:
    (field,) = [d for d in parse(render(NO_REQUIRED_FIELD)).find_all("div") if d.get("role")]
    assert field.get("class") == "field"


def test_field_prompt(sample_tree: Element) -> None:
    prompts = [p.text for p in sample_tree.find_all("p") if p.get("class") == "field-prompt"]
    assert prompts == ["Who does what by when?"]


def test_field_labelled_by_its_label(sample_tree: Element) -> None:
    fields = [d for d in sample_tree.find_all("div") if d.get("role") == "group"]
    ids = {element.get("id"): element.text for element in sample_tree.walk()}
    assert ids[fields[1].get("aria-labelledby")] == "Other remarks"


# Print style sheet


def test_print_breaks_before_parts(sample_html: str) -> None:
    assert ".part { break-before: page; page-break-before: always; }" in sample_html


def test_print_keeps_rows_whole(sample_html: str) -> None:
    assert "tr, li, figure, .field { break-inside: avoid; page-break-inside: avoid; }" in (
        sample_html
    )


def test_print_repeats_table_header(sample_html: str) -> None:
    assert "thead { display: table-header-group; }" in sample_html


# Small report from survey data


def test_small_report_parts(small_tree: Element) -> None:
    parts = [h2.text for h2 in small_tree.find_all("h2")]

    assert parts[0] == "Contents"
    assert parts[1] == "Response rates"
    assert parts[-1] == "Annex: data quality"


def test_small_report_eight_charts(small_tree: Element) -> None:
    # One chart per function, and the partners' and coordinator's scores by section.
    assert len(small_tree.find_all("svg")) == 8


def test_small_report_hub_name_literal(small_tree: Element) -> None:
    row_headers = [th.text for th in small_tree.find_all("th") if th.get("scope") == "row"]
    assert FORMULA_HUB in row_headers


# Headless Chromium


def page_check_expression() -> str:
    """Return JavaScript that reports facts of the loaded page as one JSON-ready object."""
    return textwrap.dedent(
        """
        ({
          lang: document.documentElement.lang,
          dir: document.documentElement.dir,
          h1: document.querySelectorAll("h1").length,
          tables: document.querySelectorAll("table").length,
          captioned: document.querySelectorAll("table > caption").length,
          charts: document.querySelectorAll("svg[role=img]").length,
          namedCharts: [...document.querySelectorAll("svg[role=img]")].filter(
            (svg) => document.getElementById(svg.getAttribute("aria-labelledby"))
              ?.textContent.length > 0).length,
          chartWidths: [...document.querySelectorAll("svg[role=img]")].map(
            (svg) => Math.round(svg.getBoundingClientRect().width)),
        })
        """
    )


@pytest.fixture(scope="module")
def chromium_load(small_file: Path, tmp_path_factory: pytest.TempPathFactory) -> PageLoad:
    binary = chromium_or_skip()
    profile = tmp_path_factory.mktemp("chromium-profile")
    return load_page(binary, small_file.as_uri(), profile, page_check_expression())


def test_chromium_loads_without_errors(chromium_load: PageLoad) -> None:
    assert chromium_load.errors == []


def test_chromium_requests_only_the_file(chromium_load: PageLoad, small_file: Path) -> None:
    assert chromium_load.requested_urls == [small_file.as_uri()]


def test_chromium_page_structure(chromium_load: PageLoad) -> None:
    facts = chromium_load.evaluated

    assert facts["lang"] == "en"
    assert facts["dir"] == "ltr"
    assert facts["h1"] == 1
    assert facts["captioned"] == facts["tables"]
    assert facts["charts"] == 8
    assert facts["namedCharts"] == 8


def test_chromium_draws_charts(chromium_load: PageLoad) -> None:
    assert all(width > 100 for width in chromium_load.evaluated["chartWidths"])


def test_chromium_arabic_page(tmp_path: Path) -> None:
    binary = chromium_or_skip()
    path = tmp_path / "ar.html"
    path.write_text(render_html(make_report(language="ar")), encoding="utf-8")

    page = load_page(binary, path.as_uri(), tmp_path / "profile", "document.dir")

    assert page.errors == []
    assert page.evaluated == "rtl"


def test_chromium_screenshot_not_blank(small_file: Path, tmp_path: Path) -> None:
    binary = chromium_or_skip()
    target = take_screenshot(binary, small_file.as_uri(), tmp_path / "profile", tmp_path / "s.png")

    image = Image.open(io.BytesIO(target.read_bytes())).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24) or []

    assert image.size == (1280, 2000)
    assert len(colours) > 1


def test_harness_catches_errors(tmp_path: Path) -> None:
    """The browser check can fail: a script error, console.error and a missing file are caught."""
    binary = chromium_or_skip()
    page_path = tmp_path / "broken.html"
    page_path.write_text(
        '<!DOCTYPE html><html lang="en"><title>t</title><img src="missing.png" alt="m">'
        '<script>console.error("logged"); throw new Error("thrown");</script></html>',
        encoding="utf-8",
    )

    page = load_page(binary, page_path.as_uri(), tmp_path / "profile")

    assert any("thrown" in text for text in page.exceptions)
    assert page.console_errors == ["logged"]
    assert any("missing.png" in text for text in page.log_errors)
