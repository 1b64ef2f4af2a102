"""The writing direction of report text, from the Unicode bidirectional classes of its letters."""

from __future__ import annotations

import unicodedata

__all__ = ["RIGHT_TO_LEFT_CLASSES", "has_right_to_left_letters", "starts_right_to_left"]

RIGHT_TO_LEFT_CLASSES = frozenset({"R", "AL"})
"""Unicode bidirectional classes of right-to-left letters: R (Hebrew) and AL (Arabic, Thaana)."""


def starts_right_to_left(text: str) -> bool:
    """Return True when the first letter with a strong direction in ``text`` is right-to-left.

    This is rule P2 of the Unicode bidirectional algorithm (UAX #9), which
    decides the direction of a paragraph whose direction is not set. Text
    without a strong letter, such as "3 %", gives False.
    """
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in RIGHT_TO_LEFT_CLASSES:
            return True
        if direction == "L":
            return False
    return False


def has_right_to_left_letters(text: str) -> bool:
    """Return True when ``text`` contains at least one right-to-left letter."""
    return any(unicodedata.bidirectional(character) in RIGHT_TO_LEFT_CLASSES for character in text)
