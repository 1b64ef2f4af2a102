"""Status colours and their text colours."""

from __future__ import annotations

import pytest

from ccpm_core.framework import Status
from ccpm_plugins.renderers.styling import (
    DARK_TEXT,
    LIGHT_TEXT,
    MIN_TEXT_CONTRAST,
    MUTED_TEXT,
    STATUS_STYLES,
    TABLE_HEADER_FILL,
    contrast_ratio,
    hex_to_rgb,
    readable_text_colour,
    status_style,
)


@pytest.mark.parametrize(
    ("status", "fill"),
    [
        (Status.GOOD, "#1fc63c"),
        (Status.SATISFACTORY, "#ffe003"),
        (Status.UNSATISFACTORY, "#ff9400"),
        (Status.WEAK, "#e8342e"),
        (Status.NO_DATA, "#d9d9d9"),
    ],
)
def test_status_fill(status: Status, fill: str) -> None:
    assert status_style(status).fill == fill


def test_every_status_has_style() -> None:
    assert set(STATUS_STYLES) == set(Status)


@pytest.mark.parametrize("status", list(Status))
def test_status_text_contrast(status: Status) -> None:
    style = status_style(status)
    assert contrast_ratio(style.text, style.fill) >= MIN_TEXT_CONTRAST


def test_weak_text_is_black() -> None:
    # White on #e8342e reaches only 4.2:1, below the 4.5:1 that black reaches.
    assert status_style(Status.WEAK).text == DARK_TEXT


def test_fill_hex_for_word() -> None:
    assert status_style(Status.GOOD).fill_hex == "1FC63C"


def test_contrast_black_on_white() -> None:
    assert contrast_ratio(DARK_TEXT, LIGHT_TEXT) == pytest.approx(21.0)


def test_contrast_symmetric() -> None:
    assert contrast_ratio("#1fc63c", "#000000") == contrast_ratio("#000000", "#1fc63c")


def test_readable_text_on_navy() -> None:
    assert readable_text_colour("#000080") == LIGHT_TEXT


def test_muted_text_readable_on_white() -> None:
    assert contrast_ratio(MUTED_TEXT, LIGHT_TEXT) >= MIN_TEXT_CONTRAST


def test_header_fill_readable() -> None:
    assert contrast_ratio(DARK_TEXT, TABLE_HEADER_FILL) >= MIN_TEXT_CONTRAST


def test_hex_to_rgb() -> None:
    assert hex_to_rgb("#1fc63c") == (31, 198, 60)


@pytest.mark.parametrize("colour", ["1fc63c", "#1fc63", "#gggggg", "green", ""])
def test_hex_to_rgb_invalid(colour: str) -> None:
    with pytest.raises(ValueError, match="#rrggbb"):
        hex_to_rgb(colour)
