"""The Markdown renderer, checked by parsing its output with a CommonMark parser."""

from __future__ import annotations

import datetime as dt
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ccpm_core.errors import PluginError, RenderError
from ccpm_core.framework import Status
from ccpm_core.plugins import PluginHost
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
from ccpm_plugins import plugin_host
from ccpm_plugins.renderers.markdown import MarkdownRenderer, escape_line, escape_table_cell

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

RENDERER_MODULES = ("ccpm_plugins.renderers.markdown", "ccpm_plugins.renderers.docx")

COVER = Cover(
    title="CCPM preliminary report",
    cluster="Health",
    country="Chad",
    level="National",
    date=dt.date(2024, 5, 31),
    survey_period="1-15 May 2024",
    subtitle="For the review workshop",
)

CHART = Chart(
    title="Performance by section",
    bars=(ChartBar("1.1 Platform", 80.0, Status.GOOD), ChartBar("2.1 Needs", None, Status.NO_DATA)),
    alt_text="Bar chart: 1.1 good at 80, 2.1 no data",
    key="sections",
)

# Comments that contain Markdown syntax and must show as typed.
HOSTILE_TEXTS = [
    "=1+1",
    "*bold*",
    "_italic_",
    "<script>alert(1)</script>",
    "# x",
    "[x](y)",
    "![image](http://example.org/a.png)",
    "- not a list",
    "+ not a list",
    "1. not a list",
    "2) not a list",
    "> not a quote",
    "`code`",
    "```",
    "~~struck~~",
    "a | b",
    "&amp; &#65;",
    "back\\slash\\",
    "---",
    "===",
    "    four spaces",
    "<http://example.org>",
    "$x$",
    "Heading #",
    "[ref]: http://example.org",
    "\\*already escaped\\*",
]


def make_report(*blocks: Block, cover: Cover = COVER, language: str = "en") -> Report:
    return Report(cover=cover, blocks=blocks, language=language)


def render(tmp_path: Path, *blocks: Block, name: str = "report.md") -> str:
    MarkdownRenderer().render(make_report(*blocks), tmp_path / name)
    return (tmp_path / name).read_text(encoding="utf-8")


def parse(markdown: str) -> list[Token]:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown)


def block_types(markdown: str) -> list[str]:
    return [token.type for token in parse(markdown) if token.type != "inline"]


def inline_text(token: Token) -> str:
    """Return the text an inline token shows, with hard breaks as newlines."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("hardbreak", "softbreak"):
            parts.append("\n")
    return "".join(parts)


def inline_child_types(markdown: str) -> set[str]:
    return {
        child.type
        for token in parse(markdown)
        if token.type == "inline"
        for child in token.children or []
    }


def body_after_cover(markdown: str) -> str:
    """Return the Markdown after the cover's facts list."""
    return markdown.split("- **Survey period:** 1-15 May 2024\n", 1)[1].removeprefix("\n")


def test_render_returns_markdown_first(tmp_path: Path) -> None:
    written = MarkdownRenderer().render(make_report(CHART), tmp_path / "report.md")
    assert written == [tmp_path / "report.md", tmp_path / "report_charts" / "sections.png"]


def test_render_without_charts(tmp_path: Path) -> None:
    written = MarkdownRenderer().render(make_report(Paragraph("x")), tmp_path / "r.md")
    assert written == [tmp_path / "r.md"]


def test_cover_title_heading(tmp_path: Path) -> None:
    assert render(tmp_path).startswith("# CCPM preliminary report\n")


def test_cover_facts(tmp_path: Path) -> None:
    markdown = render(tmp_path)
    for line in [
        "- **Cluster:** Health",
        "- **Country:** Chad",
        "- **Level:** National",
        "- **Date:** 2024-05-31",
        "- **Survey period:** 1-15 May 2024",
    ]:
        assert line in markdown.splitlines()


def test_cover_subtitle(tmp_path: Path) -> None:
    assert "*For the review workshop*" in render(tmp_path).splitlines()


def test_cover_skips_empty_facts(tmp_path: Path) -> None:
    cover = Cover(title="T", cluster="Health", country="", level="", date=None)
    MarkdownRenderer().render(make_report(cover=cover), tmp_path / "r.md")
    markdown = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert markdown == "# T\n\n- **Cluster:** Health\n"


@pytest.mark.parametrize(("level", "marks"), [(1, "##"), (2, "###"), (3, "####"), (5, "######")])
def test_heading_level(tmp_path: Path, level: int, marks: str) -> None:
    markdown = render(tmp_path, Heading("Results", level))
    assert f"{marks} Results" in markdown.splitlines()


def test_heading_beyond_six(tmp_path: Path) -> None:
    markdown = render(tmp_path, Heading("Deep", 9))
    assert "###### Deep" in markdown.splitlines()


def test_heading_level_zero(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="level 0"):
        render(tmp_path, Heading("Bad", 0))


def test_heading_parses_as_heading(tmp_path: Path) -> None:
    tokens = parse(render(tmp_path, Heading("Results # 1", 2)))
    headings = [token.tag for token in tokens if token.type == "heading_open"]
    assert headings == ["h1", "h3"]


def test_heading_keeps_trailing_hash(tmp_path: Path) -> None:
    tokens = parse(render(tmp_path, Heading("Issue #", 1)))
    texts = [inline_text(token) for token in tokens if token.type == "inline"]
    assert "Issue #" in texts


def test_heading_newline_joined(tmp_path: Path) -> None:
    assert "## First Second" in render(tmp_path, Heading("First\nSecond")).splitlines()


def test_paragraph_plain(tmp_path: Path) -> None:
    assert body_after_cover(render(tmp_path, Paragraph("Plain text."))) == "Plain text.\n"


def test_paragraph_emphasis(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, Paragraph("A note.", emphasis=True)))
    assert inline_child_types(body) == {"em_open", "text", "em_close"}


def test_paragraph_line_break(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, Paragraph("First\nSecond")))
    tokens = parse(body)
    assert [inline_text(token) for token in tokens if token.type == "inline"] == ["First\nSecond"]


def test_paragraph_blank_line_splits(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, Paragraph("First\n\n\nSecond")))
    assert block_types(body).count("paragraph_open") == 2


def test_paragraph_crlf(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, Paragraph("First\r\nSecond\rThird")))
    tokens = parse(body)
    assert [inline_text(token) for token in tokens if token.type == "inline"] == [
        "First\nSecond\nThird"
    ]


def test_empty_paragraph_skipped(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, Paragraph("  \n "), Paragraph("Next")))
    assert body == "Next\n"


def test_control_characters_replaced(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, Paragraph("a\x00b\x1bc")))
    assert body == "a\ufffdb\ufffdc\n"


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_paragraph_shows_literally(tmp_path: Path, text: str) -> None:
    body = body_after_cover(render(tmp_path, Paragraph(text)))
    tokens = parse(body)
    assert block_types(body) == ["paragraph_open", "paragraph_close"]
    assert inline_text(tokens[1]) == text.strip()


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_emphasis_shows_literally(tmp_path: Path, text: str) -> None:
    body = body_after_cover(render(tmp_path, Paragraph(text, emphasis=True)))
    tokens = parse(body)
    assert inline_child_types(body) <= {"em_open", "text", "em_close"}
    assert inline_text(tokens[1]) == text.strip()


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_bullet_shows_literally(tmp_path: Path, text: str) -> None:
    body = body_after_cover(render(tmp_path, BulletList((text, "second"))))
    tokens = parse(body)
    items = [inline_text(token) for token in tokens if token.type == "inline"]
    assert items == [text.strip(), "second"]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_table_cell_shows_literally(tmp_path: Path, text: str) -> None:
    table = Table(header=("Comment", "Score"), rows=((Cell(text), Cell("1", numeric=True)),))
    tokens = parse(body_after_cover(render(tmp_path, table)))
    cells = [inline_text(token) for token in tokens if token.type == "inline"]
    assert cells == ["Comment", "Score", text.strip(), "1"]


def test_heading_hostile_text(tmp_path: Path) -> None:
    tokens = parse(render(tmp_path, Heading("*x* [y](z) <b> # 1.", 1)))
    texts = [inline_text(token) for token in tokens if token.type == "inline"]
    assert "*x* [y](z) <b> # 1." in texts


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(string.punctuation + string.ascii_letters[:6] + " \t0123é€"),
        max_size=40,
    )
)
def test_escape_line_round_trip(text: str) -> None:
    markdown = escape_line(text)
    tokens = parse(markdown)
    shown = "".join(inline_text(token) for token in tokens if token.type == "inline")
    assert shown == text.strip()


def expected_paragraphs(text: str) -> list[str]:
    """Return the paragraphs a text should show: blank lines split them, lines lose outer spaces."""
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            paragraphs[-1].append(line.strip())
        else:
            paragraphs.append([])
    return ["\n".join(lines) for lines in paragraphs if lines]


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(string.punctuation + "ab \t\n01"), max_size=40),
    emphasis=st.booleans(),
)
def test_paragraph_round_trip(text: str, emphasis: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        body = body_after_cover(render(Path(folder), Paragraph(text, emphasis=emphasis)))
    shown = [inline_text(token) for token in parse(body) if token.type == "inline"]
    assert shown == expected_paragraphs(text)


def test_escape_line_plain_unchanged() -> None:
    assert escape_line("Section 1.2 scored 74.6 (satisfactory)") == (
        "Section 1.2 scored 74.6 (satisfactory)"
    )


def test_escape_table_cell_pipe_and_newline() -> None:
    assert escape_table_cell("a|b\nc") == "a\\|b<br>c"


def test_bullet_list(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, BulletList(("One", "Two"))))
    assert body == "- One\n- Two\n"


def test_bullet_item_newline_stays_in_item(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, BulletList(("First\n- Second", "Third"))))
    tokens = parse(body)
    items = [inline_text(token) for token in tokens if token.type == "inline"]
    assert items == ["First\n- Second", "Third"]


TABLE = Table(
    header=("Section", "Score (%)", "Status"),
    rows=(
        (Cell("1.1 Platform"), Cell("91.8", numeric=True), Cell("Good", status=Status.GOOD)),
        (Cell("2.2 Analysis"), Cell("12.5", numeric=True), Cell("Weak", status=Status.WEAK)),
    ),
    caption="Status per section",
)


def test_table_pipe_rows(tmp_path: Path) -> None:
    lines = body_after_cover(render(tmp_path, TABLE)).splitlines()
    assert lines[2:] == [
        "| Section | Score (%) | Status |",
        "| --- | ---: | --- |",
        "| 1.1 Platform | 91.8 | Good |",
        "| 2.2 Analysis | 12.5 | Weak |",
    ]


def test_table_caption_first(tmp_path: Path) -> None:
    lines = body_after_cover(render(tmp_path, TABLE)).splitlines()
    assert lines[0] == "*Status per section*"


def test_table_parses_as_table(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, TABLE))
    assert block_types(body).count("td_open") == 6


def test_table_numeric_column_right_aligned(tmp_path: Path) -> None:
    tokens = parse(body_after_cover(render(tmp_path, TABLE)))
    styles = [token.attrGet("style") for token in tokens if token.type == "th_open"]
    assert styles == [None, "text-align:right", None]


def test_table_status_cell_text(tmp_path: Path) -> None:
    tokens = parse(body_after_cover(render(tmp_path, TABLE)))
    cells = [inline_text(token) for token in tokens if token.type == "inline"]
    assert "Weak" in cells


def test_table_cell_newline_and_pipe(tmp_path: Path) -> None:
    table = Table(header=("A", "B"), rows=((Cell("x|y\nz"), Cell("")),))
    body = body_after_cover(render(tmp_path, table))
    tokens = parse(body)
    assert block_types(body).count("td_open") == 2
    html_breaks = [
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "html_inline"
    ]
    assert html_breaks == ["<br>"]


def test_table_header_only(tmp_path: Path) -> None:
    table = Table(header=("A", "B"), rows=())
    lines = body_after_cover(render(tmp_path, table)).splitlines()
    assert lines == ["| A | B |", "| --- | --- |"]


def test_table_without_columns(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, Table(header=(), rows=(), caption="Nothing")))
    assert body == "*Nothing*\n"


def test_chart_image_link(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, CHART))
    assert body.splitlines()[0] == (
        "![Bar chart: 1.1 good at 80, 2.1 no data](report_charts/sections.png)"
    )


def test_chart_caption(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, CHART))
    assert "*Performance by section*" in body.splitlines()


def test_chart_file_is_png(tmp_path: Path) -> None:
    render(tmp_path, CHART)
    assert (tmp_path / "report_charts" / "sections.png").read_bytes().startswith(PNG_SIGNATURE)


def test_chart_alt_text_parsed(tmp_path: Path) -> None:
    tokens = parse(body_after_cover(render(tmp_path, CHART)))
    images = [
        child
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "image"
    ]
    assert images[0].attrGet("src") == "report_charts/sections.png"
    assert images[0].content == "Bar chart: 1.1 good at 80, 2.1 no data"


def test_chart_link_quotes_spaces(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, CHART, name="my report.md"))
    assert "(my%20report_charts/sections.png)" in body


def test_chart_alt_falls_back_to_title(tmp_path: Path) -> None:
    chart = Chart(title="Scores", bars=(), alt_text="", key="scores")
    body = body_after_cover(render(tmp_path, chart))
    assert body.startswith("![Scores](report_charts/scores.png)")


@pytest.mark.parametrize("key", ["../escape", "a/b", ".hidden", "", "a b", "ä"])
def test_chart_key_unsafe(tmp_path: Path, key: str) -> None:
    chart = Chart(title="t", bars=(), alt_text="a", key=key)
    with pytest.raises(RenderError, match="chart key"):
        render(tmp_path, chart)


def test_chart_key_duplicate(tmp_path: Path) -> None:
    other = Chart(title="t", bars=(), alt_text="a", key="SECTIONS")
    with pytest.raises(RenderError, match="two charts"):
        render(tmp_path, CHART, other)


def test_chart_invalid_score(tmp_path: Path) -> None:
    chart = Chart(title="t", bars=(ChartBar("x", 150.0, Status.GOOD),), alt_text="a", key="k")
    with pytest.raises(RenderError, match="0 to 100"):
        render(tmp_path, chart)


def test_editable_field_required(tmp_path: Path) -> None:
    field = EditableField("Follow-up actions", required=True, prompt="Who does what by when?")
    body = body_after_cover(render(tmp_path, field))
    assert body.splitlines()[0] == "> **Follow-up actions** (required)"


def test_editable_field_optional(tmp_path: Path) -> None:
    body = body_after_cover(render(tmp_path, EditableField("Remarks")))
    assert "required" not in body


def test_editable_field_prompt(tmp_path: Path) -> None:
    field = EditableField("Actions", prompt="Who does *what*?")
    body = body_after_cover(render(tmp_path, field))
    assert "> *Who does \\*what\\*?*" in body.splitlines()


def test_editable_field_is_blockquote(tmp_path: Path) -> None:
    field = EditableField("Actions", required=True, prompt="Line one\nLine two")
    types = block_types(body_after_cover(render(tmp_path, field)))
    assert types[0] == "blockquote_open"
    assert types[-1] == "blockquote_close"
    assert types.count("paragraph_open") == 3


def test_file_ends_with_newline(tmp_path: Path) -> None:
    assert render(tmp_path, Paragraph("x")).endswith("x\n")


def test_creates_parent_folder(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "report.md"
    MarkdownRenderer().render(make_report(CHART), path)
    assert (tmp_path / "new" / "deeper" / "report_charts" / "sections.png").is_file()


def test_unwritable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(RenderError, match=r"file/report\.md"):
        MarkdownRenderer().render(make_report(), blocker / "report.md")


def test_same_report_same_files(tmp_path: Path) -> None:
    report = make_report(Heading("H"), TABLE, CHART, EditableField("F", required=True))
    first = MarkdownRenderer().render(report, tmp_path / "a" / "r.md")
    second = MarkdownRenderer().render(report, tmp_path / "b" / "r.md")
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in second]


def test_host_finds_by_name() -> None:
    assert isinstance(plugin_host().renderer("markdown"), MarkdownRenderer)


@pytest.mark.parametrize("name", ["x.md", "REPORT.MD", "x.markdown"])
def test_host_finds_by_suffix(name: str) -> None:
    assert isinstance(plugin_host().renderer_for_file(name), MarkdownRenderer)


def test_renderer_modules_alone() -> None:
    host = PluginHost(RENDERER_MODULES, load_entry_points=False)
    assert isinstance(host.renderer_for_file("x.md"), MarkdownRenderer)


def test_host_unknown_suffix() -> None:
    host = PluginHost(RENDERER_MODULES, load_entry_points=False)
    with pytest.raises(PluginError, match=r"\.md"):
        host.renderer_for_file("x.txt")
