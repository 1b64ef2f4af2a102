"""Score charts drawn as PNG or SVG images, sized to print 16 cm wide on an A4 page.

Both formats come from one figure, built by :func:`build_chart_figure`.
Matplotlib is used through :class:`matplotlib.figure.Figure` and its Agg and
SVG canvases only, never through pyplot, so drawing a chart touches no global
figure state. Matplotlib is imported on the first call, which keeps the
plugin host fast for commands that draw no chart.

The plot area is placed from margins computed here, from the measured width
of the bar labels and the heights below, rather than by Matplotlib's
constrained layout, which draws every figure once more to measure its text.
"""

from __future__ import annotations

import io
import math
import textwrap
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import attrs

from ccpm_core.errors import RenderError
from ccpm_core.framework import Status
from ccpm_core.i18n import is_right_to_left
from ccpm_core.locale_format import decimal_separator
from ccpm_core.report_model import Chart, ChartBar
from ccpm_plugins.renderers.styling import DARK_TEXT, MUTED_TEXT, OUTLINE, status_style

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

__all__ = [
    "CHART_DPI",
    "CHART_WIDTH_CM",
    "REFERENCE_SCORES",
    "SVG_HASH_SALT",
    "build_chart_figure",
    "check_chart_scores",
    "format_score",
    "render_chart_png",
    "render_chart_svg",
]

CHART_WIDTH_CM = 16.0
"""Printed width: the text width of an A4 page with 2.5 cm side margins."""
CHART_DPI = 200

REFERENCE_SCORES = (25, 50, 75)
"""Band boundaries of the status scale, drawn as thin vertical lines."""

SVG_HASH_SALT = "ccpm"
"""Fixed salt of the element ids that Matplotlib derives from hashes, so SVG output repeats."""

_CM_PER_INCH = 2.54
_POINTS_PER_INCH = 72

# Font sizes in points, at the printed size.
_TITLE_SIZE = 11
_AXIS_LABEL_SIZE = 10
_TEXT_SIZE = 9

# Wrap widths in characters, measured on DejaVu Sans at 200 dpi: about 100
# characters at 9 pt and 66 at 11 pt bold fit the 16 cm width. Bar labels
# get about a third of the width, and a legend entry's patch and gap take
# about as much room as 10 characters.
_LABEL_WRAP = 40
_TITLE_WRAP = 60
_LEGEND_LINE_CHARS = 96
_LEGEND_ENTRY_EXTRA_CHARS = 10

# Heights in inches. The y axis is measured in inches too, and the plot area
# is exactly as tall as its rows, so each bar gets a row as tall as its
# wrapped label while every bar keeps the same thickness.
_LINE_HEIGHT = 0.16
_MIN_ROW_HEIGHT = 0.34
_ROW_PADDING = 0.12
_BAR_THICKNESS = 0.24
_TITLE_LINE_HEIGHT = 0.22
_AXIS_HEIGHT = 0.55
"""Room below the plot area for the x tick labels and the axis label."""
_LEGEND_ROW_HEIGHT = 0.24
_MARGIN_HEIGHT = 0.25
"""Blank room above the title and below the legend together."""

# Widths in inches. A tick label is 3.5 points (Matplotlib's default tick
# label padding) from the plot area. Measured widths get 2 % more, because
# Agg's hinted glyphs at 200 dpi came out up to 0.6 % wider than the unhinted
# widths that _text_width measures, on Latin and Arabic labels.
_EDGE_MARGIN = 0.06
_TICK_LABEL_PAD = 3.5 / 72
_MEASURE_SLACK = 1.02
_MAX_LABEL_SHARE = 0.6
"""Largest share of the chart width that the bar labels may take."""

_INSIDE_LABEL_FROM = 88.0
"""Minimum score whose value is printed inside the bar end, so the text stays left of 100."""

_NO_SVG_METADATA: dict[str, str | None] = {
    "Creator": None,
    "Date": None,
    "Format": None,
    "Type": None,
}
"""SVG metadata entries set to None, which Matplotlib then leaves out of the file."""


@attrs.frozen
class _Layout:
    """Wrapped text, figure size and plot area of one chart, in inches."""

    title: str
    labels: tuple[str, ...]
    row_centres: tuple[float, ...]
    plot_height: float
    legend_columns: int
    height: float
    left_margin: float
    right_margin: float
    top_margin: float
    bottom_margin: float
    """Room below the plot area: the axis, then the legend, then the blank margin."""


def render_chart_png(chart: Chart) -> bytes:
    """Draw ``chart`` as horizontal score bars and return the PNG bytes.

    The same chart gives the same bytes, because the PNG carries no date or
    software version. Raises :class:`~ccpm_core.errors.RenderError` when a
    score is not a number from 0 to 100.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = build_chart_figure(chart)
    FigureCanvasAgg(figure)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=CHART_DPI, metadata={"Software": None})
    return buffer.getvalue()


def render_chart_svg(chart: Chart) -> str:
    """Draw ``chart`` as horizontal score bars and return a standalone SVG document.

    Text is drawn as glyph outlines, so the image looks the same without the
    font installed. The same chart gives the same text on every run: the
    document carries no date or software version, and element ids come from
    hashes salted with :data:`SVG_HASH_SALT`. Raises
    :class:`~ccpm_core.errors.RenderError` when a score is not a number from
    0 to 100.
    """
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    figure = build_chart_figure(chart)
    FigureCanvasSVG(figure)

    buffer = io.StringIO()
    # Matplotlib reads both settings while it writes, not when the figure is built.
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata=_NO_SVG_METADATA)
    return buffer.getvalue()


def build_chart_figure(chart: Chart) -> Figure:
    """Build the Matplotlib figure of ``chart``, without a canvas attached.

    Attach the canvas of the output format (Agg for PNG, SVG for SVG) before
    saving. Raises :class:`~ccpm_core.errors.RenderError` when a score is not
    a number from 0 to 100.
    """
    from matplotlib.figure import Figure

    check_chart_scores(chart)
    layout = _plan_layout(chart)

    width = CHART_WIDTH_CM / _CM_PER_INCH
    figure = Figure(figsize=(width, layout.height), dpi=CHART_DPI, facecolor="white")
    axes = figure.add_axes(
        (
            layout.left_margin / width,
            layout.bottom_margin / layout.height,
            1 - (layout.left_margin + layout.right_margin) / width,
            1 - (layout.top_margin + layout.bottom_margin) / layout.height,
        )
    )

    if layout.title:
        # A figure title, unlike an axes title, can start left of the bar labels,
        # or at the right edge in a right-to-left language, where reading starts.
        right_to_left = is_right_to_left(chart.language)
        figure.suptitle(
            _literal(layout.title),
            x=0.99 if right_to_left else 0.01,
            y=1 - _MARGIN_HEIGHT / 2 / layout.height,
            ha="right" if right_to_left else "left",
            va="top",
            fontsize=_TITLE_SIZE,
            fontweight="bold",
        )
    _draw_frame(axes, chart, layout)
    if chart.bars:
        for centre, bar in zip(layout.row_centres, chart.bars, strict=True):
            _draw_bar(axes, centre, bar, chart)
    else:
        axes.text(
            50,
            layout.plot_height / 2,
            _literal(chart.no_data_label),
            ha="center",
            va="center",
            fontsize=_TEXT_SIZE,
            style=_note_style(chart.no_data_label),
            color=MUTED_TEXT,
            bbox={"facecolor": "white", "edgecolor": "none"},
        )
    _draw_legend(figure, chart, layout)
    return figure


def format_score(score: float, separator: str = ".") -> str:
    """Format a score for display, rounded half up to a whole number.

    A score within half a point of a band boundary but not on it keeps one
    decimal, written with the decimal ``separator`` (``,`` in French), so
    that 74.6 does not read as 75, which is a different band. Rounding is for
    display only: the bar length uses the exact score.
    """
    exact = Decimal(repr(score))
    near_boundary = any(
        exact != boundary and abs(exact - boundary) < Decimal("0.5")
        for boundary in REFERENCE_SCORES
    )
    places = Decimal("0.1") if near_boundary else Decimal("1")
    return str(exact.quantize(places, rounding=ROUND_HALF_UP)).replace(".", separator)


def check_chart_scores(chart: Chart) -> None:
    """Raise :class:`~ccpm_core.errors.RenderError` unless every score is from 0 to 100 or None."""
    for bar in chart.bars:
        if bar.score is None:
            continue
        if not math.isfinite(bar.score) or not 0 <= bar.score <= 100:
            msg = (
                f"chart {chart.key!r}: bar {bar.label!r} has score {bar.score!r}; "
                "scores are percentages from 0 to 100, or None where there is no data"
            )
            raise RenderError(msg)


def _plan_layout(chart: Chart) -> _Layout:
    title = "\n".join(textwrap.wrap(chart.title, _TITLE_WRAP)) if chart.title else ""
    labels = tuple(_wrap_label(bar.label) for bar in chart.bars)
    row_heights = [
        max(_MIN_ROW_HEIGHT, (label.count("\n") + 1) * _LINE_HEIGHT + _ROW_PADDING)
        for label in labels
    ]
    row_tops = [sum(row_heights[:index]) for index in range(len(row_heights))]
    row_centres = tuple(top + height / 2 for top, height in zip(row_tops, row_heights, strict=True))
    plot_height = sum(row_heights) if row_heights else _MIN_ROW_HEIGHT

    legend_columns = _legend_columns([label for _, label in chart.legend])
    legend_rows = math.ceil(len(chart.legend) / legend_columns) if chart.legend else 0

    title_height = (title.count("\n") + 1) * _TITLE_LINE_HEIGHT if title else 0.0
    top_margin = _MARGIN_HEIGHT / 2 + title_height
    bottom_margin = _AXIS_HEIGHT + legend_rows * _LEGEND_ROW_HEIGHT + _MARGIN_HEIGHT / 2
    return _Layout(
        title=title,
        labels=labels,
        row_centres=row_centres,
        plot_height=plot_height,
        legend_columns=legend_columns,
        height=top_margin + plot_height + bottom_margin,
        left_margin=_left_margin(labels),
        right_margin=_EDGE_MARGIN + _text_width("100") / 2,
        top_margin=top_margin,
        bottom_margin=bottom_margin,
    )


def _left_margin(labels: tuple[str, ...]) -> float:
    """Return the room left of the plot area for the widest bar label, in inches.

    The labels get at most :data:`_MAX_LABEL_SHARE` of the chart width, so
    that the bars keep room. Wrapped at 40 characters, Latin and Arabic labels
    take about a third of the width.
    """
    # NOTE: a label in a wide script (40 CJK characters wrapped on one line)
    # would pass the cap, and its start would be cut off at the image edge.
    widest = max((_text_width(label) for label in labels), default=0.0)
    room = _EDGE_MARGIN + widest + _TICK_LABEL_PAD
    return min(room, _MAX_LABEL_SHARE * CHART_WIDTH_CM / _CM_PER_INCH)


def _text_width(text: str) -> float:
    """Return the width in inches of the widest line of ``text`` in body text.

    The width is measured on the font's glyph advances, without laying out a
    Matplotlib text object, which is what makes drawing a chart slow.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font = FontProperties(size=_TEXT_SIZE)
    widths = [
        text_to_path.get_text_width_height_descent(line, font, ismath=False)[0]
        for line in text.splitlines()
    ]
    return max(widths, default=0.0) / _POINTS_PER_INCH * _MEASURE_SLACK


def _wrap_label(label: str) -> str:
    lines = [
        wrapped
        for paragraph in label.splitlines() or [""]
        for wrapped in textwrap.wrap(paragraph, _LABEL_WRAP) or [""]
    ]
    return "\n".join(lines)


def _legend_columns(labels: list[str]) -> int:
    """Return the most columns whose widest legend row fits one line of the chart."""
    for columns in range(len(labels), 1, -1):
        rows = [labels[start : start + columns] for start in range(0, len(labels), columns)]
        widest = max(sum(len(label) + _LEGEND_ENTRY_EXTRA_CHARS for label in row) for row in rows)
        if widest <= _LEGEND_LINE_CHARS:
            return columns
    return 1


def _draw_frame(axes: Axes, chart: Chart, layout: _Layout) -> None:
    axes.set_xlim(0, 100)
    axes.set_ylim(layout.plot_height, 0)

    axes.set_xticks(
        [0, *REFERENCE_SCORES, 100],
        labels=[str(tick) for tick in (0, *REFERENCE_SCORES, 100)],
        fontsize=_TEXT_SIZE,
    )
    axes.set_yticks(
        layout.row_centres,
        labels=[_literal(label) for label in layout.labels],
        fontsize=_TEXT_SIZE,
    )
    axes.tick_params(axis="y", length=0)
    axes.set_xlabel(_literal(chart.axis_label), fontsize=_AXIS_LABEL_SIZE)

    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for score in REFERENCE_SCORES:
        axes.axvline(score, color=OUTLINE, linewidth=0.6, zorder=0)


def _draw_bar(axes: Axes, centre: float, bar: ChartBar, chart: Chart) -> None:
    if bar.score is None:
        axes.barh(
            centre,
            100,
            height=_BAR_THICKNESS,
            fill=False,
            edgecolor=OUTLINE,
            linestyle=(0, (4, 3)),
            linewidth=0.8,
            zorder=2,
        )
        axes.text(
            1.5,
            centre,
            _literal(chart.no_data_label),
            ha="left",
            va="center",
            fontsize=_TEXT_SIZE,
            style=_note_style(chart.no_data_label),
            color=MUTED_TEXT,
            zorder=3,
        )
        return

    style = status_style(bar.status)
    axes.barh(
        centre,
        bar.score,
        height=_BAR_THICKNESS,
        color=style.fill,
        edgecolor=OUTLINE,
        linewidth=0.4,
        zorder=2,
    )
    value = format_score(bar.score, decimal_separator(chart.language))
    if bar.score >= _INSIDE_LABEL_FROM:
        axes.text(
            bar.score - 1,
            centre,
            value,
            ha="right",
            va="center",
            fontsize=_TEXT_SIZE,
            color=style.text,
            zorder=3,
        )
    else:
        axes.text(
            bar.score + 1,
            centre,
            value,
            ha="left",
            va="center",
            fontsize=_TEXT_SIZE,
            color=DARK_TEXT,
            zorder=3,
        )


def _draw_legend(figure: Figure, chart: Chart, layout: _Layout) -> None:
    if not chart.legend:
        return
    handles = [_legend_patch(status, label) for status, label in chart.legend]
    columns = layout.legend_columns
    right_to_left = is_right_to_left(chart.language)
    if right_to_left:
        # Each row then starts at the right, where a right-to-left reader begins.
        rows = [handles[start : start + columns] for start in range(0, len(handles), columns)]
        handles = [handle for row in rows for handle in reversed(row)]

    # Matplotlib fills a legend column by column. Reordering the entries makes
    # them read row by row, in the order the chart lists them.
    by_column = [handle for column in range(columns) for handle in handles[column::columns]]
    figure.legend(
        handles=by_column,
        loc="lower center",
        bbox_to_anchor=(0.5, _MARGIN_HEIGHT / 2 / layout.height),
        borderaxespad=0,
        ncols=layout.legend_columns,
        fontsize=_TEXT_SIZE,
        frameon=False,
        # The colour key goes before its label in reading order.
        markerfirst=not right_to_left,
    )


def _legend_patch(status: Status, label: str) -> Patch:
    from matplotlib.patches import Patch

    if status is Status.NO_DATA:
        # Matches the dashed outline drawn in place of a bar without a score.
        return Patch(
            facecolor="white",
            edgecolor=OUTLINE,
            linestyle=(0, (2, 1)),
            label=_literal(label),
        )
    return Patch(
        facecolor=status_style(status).fill,
        edgecolor=OUTLINE,
        linewidth=0.4,
        label=_literal(label),
    )


def _note_style(text: str) -> str:
    """Return the font style of a note such as "no data": italic, or upright for right-to-left text.

    Arabic script has no italic tradition, and DejaVu Sans Oblique, the italic
    of the font bundled with Matplotlib 3.11, has no Arabic glyphs. The text
    decides, not the report language, so a stray Arabic label is safe too.
    """
    right_to_left = any(unicodedata.bidirectional(character) in ("R", "AL") for character in text)
    return "normal" if right_to_left else "italic"


def _literal(text: str) -> str:
    """Escape dollar signs, which Matplotlib would otherwise read as mathtext delimiters."""
    return text.replace("$", r"\$")
