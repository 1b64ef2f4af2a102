"""Numbers and dates in the style of the report language."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccpm_core.locale_format import (
    NO_VALUE,
    decimal_separator,
    format_date,
    format_number,
    format_percent,
    format_points,
    format_score,
)

NBSP = "\u00a0"
NNBSP = "\u202f"
DATE = dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "62.5%"), ("fr", f"62,5{NBSP}%"), ("es", f"62,5{NBSP}%"), ("ar", "62.5%")],
)
def test_percent_by_language(language: str, text: str) -> None:
    assert format_percent(62.5, language) == text


@pytest.mark.parametrize(("value", "text"), [(62.25, "62.3%"), (62.35, "62.4%"), (0.05, "0.1%")])
def test_percent_rounds_half_up(value: float, text: str) -> None:
    assert format_percent(value, "en") == text


@pytest.mark.parametrize(("value", "text"), [(0, "0.0%"), (100, "100.0%"), (33.3333333, "33.3%")])
def test_percent_one_decimal(value: float, text: str) -> None:
    assert format_percent(value, "en") == text


def test_percent_without_decimals() -> None:
    assert format_percent(75, "fr", decimals=0) == f"75{NBSP}%"


def test_percent_none() -> None:
    assert format_percent(None, "fr") == NO_VALUE


def test_percent_numpy_float() -> None:
    assert format_percent(np.float64(62.5), "es") == f"62,5{NBSP}%"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_percent_not_finite(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        format_percent(value, "en")


def test_percent_negative_decimals() -> None:
    with pytest.raises(ValueError, match="decimals"):
        format_percent(50, "en", decimals=-1)


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "1,234.5"), ("fr", f"1{NNBSP}234,5"), ("es", "1.234,5"), ("ar", "1,234.5")],
)
def test_number_by_language(language: str, text: str) -> None:
    assert format_number(1234.5, language) == text


@pytest.mark.parametrize(("value", "text"), [(12, "12"), (7.5, "7,5"), (7.3333333, "7,333")])
def test_number_decimals(value: float, text: str) -> None:
    assert format_number(value, "fr") == text


def test_number_none() -> None:
    assert format_number(None, "en") == NO_VALUE


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "2026-11-30"),
        ("fr", "30 novembre 2026"),
        ("es", "30 de noviembre de 2026"),
        ("ar", "30 نوفمبر 2026"),
    ],
)
def test_date_by_language(language: str, text: str) -> None:
    assert format_date(DATE, language) == text


@pytest.mark.parametrize(
    ("language", "separator"), [("en", "."), ("fr", ","), ("es", ","), ("ar", ".")]
)
def test_decimal_separator(language: str, separator: str) -> None:
    assert decimal_separator(language) == separator


@pytest.mark.parametrize("language", ["zz", "", "not a language"])
def test_unknown_language_formats_as_english(language: str) -> None:
    assert format_percent(62.5, language) == "62.5%"
    assert format_number(1234.5, language) == "1,234.5"
    assert format_date(DATE, language) == "2026-11-30"


@pytest.mark.parametrize("language", ["fr-CA", "fr_CA", "es-ES"])
def test_regional_tag_keeps_language_style(language: str) -> None:
    assert format_percent(62.5, language).startswith("62,5")


@pytest.mark.parametrize("language", ["ar", "ar-EG", "ar_SA"])
def test_arabic_uses_latin_digits(language: str) -> None:
    text = format_percent(62.5, language) + format_number(1234, language)
    assert text.isascii()


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_percent_french_mirrors_english(value: float) -> None:
    english = format_percent(value, "en")
    assert format_percent(value, "fr") == english.replace(".", ",").replace("%", f"{NBSP}%")


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_percent_within_half_a_tenth(value: float) -> None:
    rounded = Decimal(format_percent(value, "en").rstrip("%"))
    assert abs(rounded - Decimal(repr(value))) <= Decimal("0.05")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (25, "+25.0"),
        (10.4, "+10.4"),
        (6.25, "+6.3"),
        (56.25, "+56.3"),
        (-6.25, "\u22126.3"),
        (-0.05, "\u22120.1"),
        (0.04, "0.0"),
        (-0.04, "0.0"),
        (0, "0.0"),
    ],
)
def test_points_sign_and_decimal(value: float, text: str) -> None:
    assert format_points(value, "en") == text


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "+25.0"), ("fr", "+25,0"), ("es", "+25,0"), ("ar", "+25.0")],
)
def test_points_by_language(language: str, text: str) -> None:
    assert format_points(25, language) == text


def test_points_none() -> None:
    assert format_points(None, "en") == NO_VALUE


def test_points_numpy_float() -> None:
    assert format_points(np.float64(6.25), "en") == "+6.3"


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_points_not_finite(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        format_points(value, "en")


@pytest.mark.parametrize("value", [6.25, 56.25, 12.35, 0.05, 83.3333])
def test_points_round_like_scores(value: float) -> None:
    assert format_points(value, "en") == "+" + format_score(value, "en").rstrip("%")


@given(st.floats(min_value=-100, max_value=100, allow_nan=False))
def test_points_within_half_a_tenth(value: float) -> None:
    rounded = Decimal(format_points(value, "en").replace("\u2212", "-"))
    assert abs(rounded - Decimal(repr(value))) <= Decimal("0.05")
