"""Organisation counts as spreadsheets of French, Spanish and Arabic locales write them."""

from __future__ import annotations

import math

import pytest

from ccpm_core.normalise import parse_count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,0", 12.0),
        ("3,5", 3.5),
        ("1\u202f234", 1234.0),
        ("1.234,5", 1234.5),
        ("\u0661\u0662", 12.0),
        ("\u0663\u066b\u0665", 3.5),
        ("1\u066c234", 1234.0),
        ("\u0661\u066c\u0662\u0663\u0664\u066b\u0665", 1234.5),
    ],
)
def test_count_locale_forms(text: str, expected: float) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["1,234", "12,0,0", "3.5.1", "douze", "\u0663\u066b\u066b\u0665"])
def test_count_rejected_forms(text: str) -> None:
    assert parse_count(text) is None


def test_count_empty_is_nan() -> None:
    value = parse_count("  ")
    assert value is not None
    assert math.isnan(value)
