"""Matching keys for answer labels and header names typed by people.

Survey exports carry the same label with other case, spacing, apostrophes or
Unicode normal forms ("Don’t know", "don't  know", "DONT KNOW"). A matching key
folds those differences away so that a label is recognised whatever the export
did to it, while two labels that differ in their words stay apart.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["match_key", "normalise_code", "same_hub"]

# Apostrophes and quote marks that spreadsheets and word processors substitute
# for each other. They are dropped, so "Don’t", "Don't" and "Dont" share a key.
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼ′"), None)
_SPACES = re.compile(r"\s+")


def match_key(text: str) -> str:
    """Return the key under which ``text`` matches a label.

    The key is the NFKC form, case-folded, without apostrophes, with runs of
    white space (non-breaking spaces included) folded to one space and trimmed.
    """
    # Apostrophes go before normalising too: NFKC turns "´" into a space and a
    # combining accent, which the second pass could no longer remove.
    without_apostrophes = text.translate(_APOSTROPHES)
    folded = unicodedata.normalize("NFKC", without_apostrophes).casefold().translate(_APOSTROPHES)
    return _SPACES.sub(" ", folded).strip()


_INTEGRAL_FLOAT = re.compile(r"^([+-]?\d+)\.0+$")
_ASCII_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")

# Arabic-Indic (U+0660..U+0669) and Persian (U+06F0..U+06F9) digits, and the Arabic
# decimal separator (U+066B), as typed on Arabic and Persian keyboards.
_EASTERN_DIGITS = {
    **{ord(digit): str(value) for value, digit in enumerate("٠١٢٣٤٥٦٧٨٩")},
    **{ord(digit): str(value) for value, digit in enumerate("۰۱۲۳۴۵۶۷۸۹")},
    ord("٫"): ".",
}


def normalise_code(text: str) -> str:
    """Return an option code as written in a questionnaire.

    Spreadsheets store the code ``4`` as the number ``4.0``; this turns such
    text back into ``4`` and trims surrounding white space. A number written
    in Arabic-Indic or Persian digits (``٤``, ``۴``) becomes ASCII digits.
    Other text is kept.
    """
    stripped = text.strip()
    western = stripped.translate(_EASTERN_DIGITS)
    if western != stripped and _ASCII_NUMBER.fullmatch(western):
        stripped = western
    integral = _INTEGRAL_FLOAT.match(stripped)
    if integral:
        return integral.group(1)
    return stripped


def same_hub(first: str | None, second: str | None) -> bool:
    """Whether two hub names name the same level, whatever their case or spacing.

    None and ``national`` both name the national level.
    """

    def key(hub: str | None) -> str:
        return "national" if hub is None else match_key(hub)

    return key(first) == key(second)
