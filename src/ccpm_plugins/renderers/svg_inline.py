"""Matplotlib SVG documents made into accessible ``<svg>`` elements inside an HTML page."""

from __future__ import annotations

import re

__all__ = ["inline_svg"]

# Parts of Matplotlib's SVG output that an inline image does not need or must not keep.
_SVG_PROLOGUE = re.compile(r"\A.*?(?=<svg[\s>])", re.DOTALL)
_SVG_COMMENT = re.compile(r"<!--.*?-->\s*", re.DOTALL)
_SVG_STYLE = re.compile(r"<style[^>]*>.*?</style>\s*", re.DOTALL)
_SVG_ID = re.compile(r'\bid="([^"]+)"')
_SVG_HREF = re.compile(r'\bxlink:href="#([^"]+)"')
_SVG_URL = re.compile(r"url\(#([^)]+)\)")
_SVG_OPENING_TAG = re.compile(r"<svg\b([^>]*)>")
_SVG_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_SVG_PRESENTATION_PROPERTIES = frozenset(
    {
        "fill",
        "fill-opacity",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
    }
)
"""Properties that SVG also takes as attributes. Matplotlib writes them in style attributes."""


def inline_svg(svg: str, id_prefix: str, title_html: str) -> str:
    """Turn a standalone Matplotlib SVG document into an accessible inline ``<svg>`` element.

    Drops the XML prologue, comments (Matplotlib writes every text label
    into one) and the embedded style sheet, whose line-join and line-cap
    rule becomes attributes of the root. Style attributes become
    presentation attributes, which browsers draw alike and WeasyPrint reads
    without a warning per element. Prefixes every element id with
    ``id_prefix``, because two charts on one page would otherwise share ids.
    The image gets ``role="img"`` and a ``<title>`` holding ``title_html``,
    the escaped text alternative.
    """
    svg = _SVG_PROLOGUE.sub("", svg, count=1)
    svg = _SVG_COMMENT.sub("", svg)
    svg = _SVG_STYLE.sub("", svg)
    svg = _SVG_STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
    svg = _SVG_ID.sub(lambda match: f'id="{id_prefix}-{match.group(1)}"', svg)
    svg = _SVG_HREF.sub(lambda match: f'xlink:href="#{id_prefix}-{match.group(1)}"', svg)
    svg = _SVG_URL.sub(lambda match: f"url(#{id_prefix}-{match.group(1)})", svg)

    title_id = f"{id_prefix}-title"
    accessible = (
        'stroke-linejoin="round" stroke-linecap="butt" '
        f'class="chart-image" role="img" aria-labelledby="{title_id}" focusable="false">'
        f'<title id="{title_id}">{title_html}</title>'
    )
    return _SVG_OPENING_TAG.sub(
        lambda match: f"<svg{match.group(1)} {accessible}", svg, count=1
    ).strip()


def _presentation_attributes(match: re.Match[str]) -> str:
    """Rewrite one ``style="..."`` attribute as presentation attributes where SVG has them."""
    attributes: list[str] = []
    remaining: list[str] = []
    for declaration in match.group(1).split(";"):
        name, _, value = (part.strip() for part in declaration.partition(":"))
        if not name:
            continue
        if name in _SVG_PRESENTATION_PROPERTIES:
            attributes.append(f' {name}="{value}"')
        else:
            remaining.append(f"{name}: {value}")
    if remaining:
        attributes.append(f' style="{"; ".join(remaining)}"')
    return "".join(attributes)
