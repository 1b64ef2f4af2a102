"""Score charts drawn as PNG images."""

from __future__ import annotations

import io
import math
import struct
import subprocess
import sys
import textwrap
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from ccpm_core.errors import RenderError
from ccpm_core.framework import Status
from ccpm_core.report_model import Chart, ChartBar
from ccpm_plugins.renderers.charts import CHART_DPI, CHART_WIDTH_CM, format_score, render_chart_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

LEGEND = (
    (Status.GOOD, "Good"),
    (Status.SATISFACTORY, "Satisfactory"),
    (Status.UNSATISFACTORY, "Unsatisfactory"),
    (Status.WEAK, "Weak"),
    (Status.NO_DATA, "No data"),
)


def make_chart(*bars: ChartBar, title: str = "Performance by section") -> Chart:
    return Chart(title=title, bars=bars, alt_text="Bar chart", key="sections", legend=LEGEND)


def sample_chart() -> Chart:
    return make_chart(
        ChartBar("1.1 Platform", 91.75, Status.GOOD),
        ChartBar("1.2 Mechanisms", 62.5, Status.SATISFACTORY),
        ChartBar("2.1 Needs assessment", 40.0, Status.UNSATISFACTORY),
        ChartBar("2.2 Analysis", 12.5, Status.WEAK),
        ChartBar("3.1 Strategy", None, Status.NO_DATA),
    )


def pixel_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def chunk_types(png: bytes) -> list[bytes]:
    types = []
    offset = len(PNG_SIGNATURE)
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        types.append(png[offset + 4 : offset + 8])
        offset += 12 + length
    return types


def colour_counts(png: bytes) -> dict[tuple[int, ...], int]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts: dict[tuple[int, ...], int] = {}
    for count, colour in image.getcolors(maxcolors=1_000_000) or []:
        assert isinstance(colour, tuple)
        counts[colour] = count
    return counts


def colours(png: bytes) -> set[tuple[int, ...]]:
    return set(colour_counts(png))


def test_png_signature() -> None:
    assert render_chart_png(sample_chart()).startswith(PNG_SIGNATURE)


def test_png_width_prints_16_cm() -> None:
    width, _ = pixel_size(render_chart_png(sample_chart()))
    # 16 cm at 200 dpi is 1259.8 pixels; Matplotlib truncates to whole pixels.
    assert width == math.floor(CHART_WIDTH_CM / 2.54 * CHART_DPI)


def test_png_height_sensible() -> None:
    _, height = pixel_size(render_chart_png(sample_chart()))
    assert 400 < height < 2000


def test_png_byte_identical() -> None:
    assert render_chart_png(sample_chart()) == render_chart_png(sample_chart())


def test_png_has_no_metadata_text() -> None:
    types = chunk_types(render_chart_png(sample_chart()))
    assert not {b"tEXt", b"iTXt", b"zTXt", b"tIME"} & set(types)


def test_more_bars_taller() -> None:
    few = make_chart(ChartBar("A", 50.0, Status.UNSATISFACTORY))
    many = make_chart(*(ChartBar(f"Bar {n}", 50.0, Status.UNSATISFACTORY) for n in range(13)))
    assert pixel_size(render_chart_png(many))[1] > pixel_size(render_chart_png(few))[1]


def test_long_label_wraps_taller() -> None:
    short = make_chart(ChartBar("Short", 50.0, Status.UNSATISFACTORY))
    long_label = "Developing mechanisms to eliminate duplication of service delivery " * 3
    long = make_chart(ChartBar(long_label, 50.0, Status.UNSATISFACTORY))
    assert pixel_size(render_chart_png(long))[1] > pixel_size(render_chart_png(short))[1]


def test_long_label_keeps_width() -> None:
    long = make_chart(ChartBar("x" * 300, 50.0, Status.UNSATISFACTORY), title="y" * 300)
    assert pixel_size(render_chart_png(long))[0] == pixel_size(render_chart_png(sample_chart()))[0]


@pytest.mark.parametrize(
    ("status", "rgb"),
    [
        (Status.GOOD, (0x1F, 0xC6, 0x3C)),
        (Status.SATISFACTORY, (0xFF, 0xE0, 0x03)),
        (Status.UNSATISFACTORY, (0xFF, 0x94, 0x00)),
        (Status.WEAK, (0xE8, 0x34, 0x2E)),
    ],
)
def test_bar_status_colour(status: Status, rgb: tuple[int, int, int]) -> None:
    chart = Chart("", (ChartBar("A", 60.0, status),), "alt", "one")
    assert rgb in colours(render_chart_png(chart))


def test_absent_status_colour_not_drawn() -> None:
    chart = Chart("", (ChartBar("A", 60.0, Status.GOOD),), "alt", "one")
    assert (0xE8, 0x34, 0x2E) not in colours(render_chart_png(chart))


def test_legend_draws_status_colours() -> None:
    chart = Chart("", (ChartBar("A", None, Status.NO_DATA),), "alt", "one", legend=LEGEND)
    assert (0xE8, 0x34, 0x2E) in colours(render_chart_png(chart))


def test_no_data_bar_is_not_filled() -> None:
    grey = (0xD9, 0xD9, 0xD9)
    placeholder = Chart("", (ChartBar("A", None, Status.NO_DATA),), "alt", "one")
    filled = Chart("", (ChartBar("A", 100.0, Status.NO_DATA),), "alt", "one")
    # Anti-aliased text leaves a few pixels of any grey; a filled bar leaves thousands.
    placeholder_pixels = colour_counts(render_chart_png(placeholder)).get(grey, 0)
    filled_pixels = colour_counts(render_chart_png(filled)).get(grey, 0)
    assert placeholder_pixels * 20 < filled_pixels


def test_no_data_label_changes_image() -> None:
    english = Chart("", (ChartBar("A", None, Status.NO_DATA),), "alt", "one")
    french = Chart(
        "", (ChartBar("A", None, Status.NO_DATA),), "alt", "one", no_data_label="pas de données"
    )
    assert render_chart_png(english) != render_chart_png(french)


def test_axis_label_changes_image() -> None:
    chart = sample_chart()
    relabelled = Chart(
        chart.title, chart.bars, chart.alt_text, chart.key, chart.legend, axis_label="Note (%)"
    )
    assert render_chart_png(chart) != render_chart_png(relabelled)


def test_empty_chart_renders() -> None:
    assert render_chart_png(make_chart()).startswith(PNG_SIGNATURE)


def test_chart_without_title_or_legend() -> None:
    chart = Chart("", (ChartBar("A", 10.0, Status.WEAK),), "alt", "one")
    assert render_chart_png(chart).startswith(PNG_SIGNATURE)


def test_dollar_label_is_not_mathtext() -> None:
    # Unescaped, Matplotlib would parse this as mathtext and fail on the unknown command.
    chart = make_chart(ChartBar(r"$\notacommand$ and $5", 50.0, Status.UNSATISFACTORY))
    assert render_chart_png(chart).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize("score", [-0.1, 100.01, math.nan, math.inf, -math.inf])
def test_invalid_score(score: float) -> None:
    chart = make_chart(ChartBar("2.2 Analysis", score, Status.WEAK))
    with pytest.raises(RenderError, match=r"'2\.2 Analysis'.*0 to 100"):
        render_chart_png(chart)


@pytest.mark.parametrize("score", [0.0, 100.0])
def test_score_bounds_accepted(score: float) -> None:
    chart = make_chart(ChartBar("A", score, Status.WEAK))
    assert render_chart_png(chart).startswith(PNG_SIGNATURE)


@pytest.mark.parametrize(
    ("score", "text"),
    [
        (91.75, "92"),
        (12.5, "13"),
        (62.5, "63"),
        (0.0, "0"),
        (100.0, "100"),
        (50.0, "50"),
        (75.0, "75"),
        (74.6, "74.6"),
        (75.4, "75.4"),
        (24.96, "25.0"),
        (25.5, "26"),
        (49.5, "50"),
    ],
)
def test_format_score(score: float, text: str) -> None:
    assert format_score(score) == text


@given(st.floats(min_value=0, max_value=100))
def test_format_score_within_half(score: float) -> None:
    assert abs(Decimal(format_score(score)) - Decimal(repr(score))) <= Decimal("0.5")


def test_render_does_not_import_pyplot() -> None:
    program = textwrap.dedent(
        """
        import sys
        from ccpm_core.framework import Status
        from ccpm_core.report_model import Chart, ChartBar
        from ccpm_plugins.renderers.charts import render_chart_png

        render_chart_png(Chart("t", (ChartBar("a", 50.0, Status.WEAK),), "alt", "k"))
        print("matplotlib.pyplot" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
