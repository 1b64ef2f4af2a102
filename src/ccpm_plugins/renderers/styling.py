"""Status colours shared by every renderer, each with a text colour that stays readable on it.

Fill colours for good, satisfactory and unsatisfactory are the ones of the
WHO "Prime" CCPM report generator. That generator records no hex value for
weak, so the red here is this project's choice. Text colours are picked by
WCAG 2.x contrast ratio, so a status cell or a value printed inside a bar
reaches at least 4.5:1, the WCAG AA level for body text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from ccpm_core.framework import Status

__all__ = [
    "DARK_TEXT",
    "LIGHT_TEXT",
    "MIN_TEXT_CONTRAST",
    "MUTED_TEXT",
    "OUTLINE",
    "STATUS_STYLES",
    "TABLE_HEADER_FILL",
    "StatusStyle",
    "contrast_ratio",
    "hex_to_rgb",
    "readable_text_colour",
    "relative_luminance",
    "status_style",
]

DARK_TEXT = "#000000"
LIGHT_TEXT = "#ffffff"

MIN_TEXT_CONTRAST = 4.5
"""WCAG 2.x AA minimum contrast ratio for normal-size text."""

MUTED_TEXT = "#595959"
"""Grey for secondary text such as prompts and no-data notes, 7.0:1 on white."""

OUTLINE = "#9e9e9e"
"""Grey for placeholder outlines and reference lines, which carry no text."""

TABLE_HEADER_FILL = "#e7e6e6"
"""Light grey behind table header rows, 16.9:1 with black text."""

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@attrs.frozen
class StatusStyle:
    """Colours of one status: the fill of a cell or bar and the text drawn on it."""

    fill: str
    """Fill colour as ``#rrggbb``."""
    text: str
    """Text colour as ``#rrggbb``, the more readable of black and white on ``fill``."""

    @property
    def fill_hex(self) -> str:
        """Fill colour as six upper-case hex digits without ``#``, as WordprocessingML wants."""
        return self.fill[1:].upper()

    @property
    def text_hex(self) -> str:
        """Text colour as six upper-case hex digits without ``#``."""
        return self.text[1:].upper()


def hex_to_rgb(colour: str) -> tuple[int, int, int]:
    """Convert ``#rrggbb`` into its red, green and blue components (0 to 255)."""
    if not _HEX_COLOUR.fullmatch(colour):
        msg = f"invalid colour {colour!r}; write it as #rrggbb, for example #1fc63c"
        raise ValueError(msg)
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def relative_luminance(colour: str) -> float:
    """Compute the WCAG 2.x relative luminance of an sRGB colour, from 0 (black) to 1 (white)."""

    def linear(component: int) -> float:
        value = component / 255
        if value <= 0.04045:
            return value / 12.92
        return float(((value + 0.055) / 1.055) ** 2.4)

    red, green, blue = hex_to_rgb(colour)
    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast_ratio(first: str, second: str) -> float:
    """Compute the WCAG 2.x contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_colour(fill: str) -> str:
    """Return black or white, whichever contrasts more with ``fill``."""
    if contrast_ratio(DARK_TEXT, fill) >= contrast_ratio(LIGHT_TEXT, fill):
        return DARK_TEXT
    return LIGHT_TEXT


def _style(fill: str) -> StatusStyle:
    return StatusStyle(fill=fill, text=readable_text_colour(fill))


STATUS_STYLES: Mapping[Status, StatusStyle] = MappingProxyType(
    {
        Status.GOOD: _style("#1fc63c"),
        Status.SATISFACTORY: _style("#ffe003"),
        Status.UNSATISFACTORY: _style("#ff9400"),
        Status.WEAK: _style("#e8342e"),
        Status.NO_DATA: _style("#d9d9d9"),
    }
)
"""Colours per status. Black text wins on all five fills, red included (5.0:1 against 4.2:1)."""


def status_style(status: Status) -> StatusStyle:
    """Return the colours of ``status``."""
    return STATUS_STYLES[status]
