"""Text rules for spreadsheet output (XLSX and CSV): formula injection, XML characters, cell size.

A spreadsheet program reads a CSV field or a typed-in cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula, and some also after a leading tab
or carriage return. A survey comment such as ``=HYPERLINK(...)`` must never
run, so such text is marked as text: with a leading apostrophe in CSV, and as
a quote-prefixed string cell in XLSX. Text that is a plain number, such as
``-5``, cannot hold a formula and is left alone.
"""

from __future__ import annotations

import re

__all__ = [
    "FORMULA_TRIGGERS",
    "MAX_CELL_CHARACTERS",
    "XML_FORBIDDEN",
    "cut_to_cell_limit",
    "is_formula_like",
    "neutralise_formula",
    "replace_xml_forbidden",
    "utf16_length",
]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel, LibreOffice or Google Sheets read text as a formula."""

MAX_CELL_CHARACTERS = 32_767
"""Maximum length of an Excel cell, counted in UTF-16 code units."""

XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters that XML 1.0 forbids (tab, line feed and carriage return are allowed), and lone
surrogates, which UTF-8 cannot encode."""

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """Return True when a spreadsheet could read ``text`` as a formula.

    That is text starting with one of :data:`FORMULA_TRIGGERS` that is not a
    plain number such as ``-5`` or ``+1.5e3``.
    """
    return text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(text)


def neutralise_formula(text: str) -> str:
    """Return ``text`` with a leading apostrophe when a spreadsheet could read it as a formula."""
    return "'" + text if is_formula_like(text) else text


def replace_xml_forbidden(text: str) -> tuple[str, int]:
    """Replace every character that XML 1.0 forbids with U+FFFD, and return the text and count."""
    return XML_FORBIDDEN.subn("\ufffd", text)


def utf16_length(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units, the unit of Excel's cell limit."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cut_to_cell_limit(text: str, marker: str, limit: int = MAX_CELL_CHARACTERS) -> tuple[str, bool]:
    """Cut ``text`` to fit ``limit`` UTF-16 code units with ``marker``, and report whether it was.

    The marker is appended only to cut text, and the result, marker included,
    is at most ``limit`` code units long. A character outside the Basic
    Multilingual Plane takes two code units and is never split.
    """
    if utf16_length(text) <= limit:
        return text, False

    room = limit - utf16_length(marker)
    if room < 0:
        msg = f"the cut marker {marker!r} is longer than the limit of {limit} characters"
        raise ValueError(msg)

    kept: list[str] = []
    used = 0
    for character in text:
        width = 2 if ord(character) > 0xFFFF else 1
        if used + width > room:
            break
        kept.append(character)
        used += width
    return "".join(kept) + marker, True
