"""Numbers and dates written the way readers of a report's language expect.

Formatting uses Babel's CLDR locale data: French writes a score as ``62,5 %``,
Spanish as ``62,5 %`` and English as ``62.5%``. Babel is imported on the first
call, so ``import ccpm_core`` does not load its locale data.

Digits are always Latin (0 to 9), Arabic included. Babel 2.14 and later
use Latin digits unless a caller names another numbering system, and CLDR's
region-free ``ar`` locale also has Latin digits as its default, while
``ar_EG`` or ``ar_SA`` would switch to Arabic-Indic digits. Reports keep Latin digits on purpose:
section and item numbers (``1.1``, ``2.2.3``) and question codes are
identifiers shared with the English report and the survey data, many
Arabic-speaking operations (the Maghreb in particular) write Latin digits,
and a table that mixed ``٦٢٫٥`` scores with ``1.1`` section numbers would read
worse than either alone.

A language that Babel's locale data does not know is formatted as English,
just as a language without a message catalog gets English text.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import functools
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

__all__ = [
    "NO_VALUE",
    "decimal_separator",
    "format_date",
    "format_number",
    "format_percent",
    "format_points",
    "format_score",
]

NO_VALUE = "–"
"""Shown in place of a number that does not exist, such as a rate without a base."""

_NUMBERING_SYSTEM = "latn"
_FALLBACK_LOCALE = "en"
_NUMBER_PATTERN = "#,##0.###"
"""Counts and averages: grouped thousands and at most three decimals, such as 7.333."""


def format_percent(value: float | None, language: str, decimals: int = 1) -> str:
    """Format a percentage (62.5 for 62.5 %) in the style of ``language``.

    The value gets exactly ``decimals`` decimals, rounded half up from the
    shortest decimal form of the float, so 62.25 shows as 62.3 in every
    language. Returns :data:`NO_VALUE` for None. Classification never uses
    this text.
    """
    if value is None:
        return NO_VALUE
    if decimals < 0:
        msg = f"decimals must be 0 or more, not {decimals}"
        raise ValueError(msg)
    locale = _locale(language)

    # The locale's own percent pattern keeps its spacing and sign position
    # ("62,5 %" in French); only the number of decimals is fixed here. A scale
    # of 0 stops Babel from multiplying by 100, since the value is a percentage already.
    pattern = copy.copy(locale.percent_formats[None])
    pattern.frac_prec = (decimals, decimals)
    pattern.scale = 0
    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        text: str = pattern.apply(_exact(value), locale, numbering_system=_NUMBERING_SYSTEM)
    return text


def format_number(value: float | None, language: str) -> str:
    """Format a count or an average with at most three decimals; None gives :data:`NO_VALUE`."""
    if value is None:
        return NO_VALUE
    from babel.numbers import format_decimal

    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        return format_decimal(
            _exact(value),
            format=_NUMBER_PATTERN,
            locale=_locale(language),
            numbering_system=_NUMBERING_SYSTEM,
        )


def format_points(value: float | None, language: str) -> str:
    """Format a difference of scores in percentage points with its sign and one decimal.

    The value is rounded half up from the shortest decimal form of the float,
    as :func:`format_percent` rounds scores, so 6.25 shows as ``+6.3`` and a
    whole number keeps its decimal (``+25.0``, ``+25,0`` in French). A
    positive value gets "+" and a negative one the minus sign U+2212; a value
    that rounds to 0 gets no sign. None gives :data:`NO_VALUE`.
    """
    if value is None:
        return NO_VALUE
    locale = _locale(language)

    with decimal.localcontext() as context:
        context.rounding = decimal.ROUND_HALF_UP
        rounded = _exact(value).quantize(decimal.Decimal("0.1"))
    pattern = copy.copy(locale.decimal_formats[None])
    pattern.frac_prec = (1, 1)
    text: str = pattern.apply(abs(rounded), locale, numbering_system=_NUMBERING_SYSTEM)

    if rounded > 0:
        return "+" + text
    if rounded < 0:
        return "\u2212" + text
    return text


def format_date(date: dt.date, language: str) -> str:
    """Format a date in the long form of ``language``, such as ``30 novembre 2026``.

    English keeps ISO 8601 (``2026-11-30``): Babel's plain ``en`` is US
    English ("November 30, 2026"), while UN documents write "30 November 2026",
    and the ISO form reads the same to both.
    """
    locale = _locale(language)
    if locale.language == "en":
        return date.isoformat()
    from babel.dates import format_date as babel_format_date

    return babel_format_date(date, format="long", locale=locale)


def decimal_separator(language: str) -> str:
    """Return the decimal separator of ``language``, such as ``,`` for French."""
    from babel.numbers import get_decimal_symbol

    return get_decimal_symbol(_locale(language), numbering_system=_NUMBERING_SYSTEM)


def _exact(value: float) -> decimal.Decimal:
    """Return the number as the shortest decimal that reads back as the same float.

    Raises ValueError for NaN and infinity, which no score or count can be.
    """
    if isinstance(value, int):
        return decimal.Decimal(value)
    if not math.isfinite(value):
        msg = f"cannot format {value!r} as a number; scores and counts are finite"
        raise ValueError(msg)
    # float() first, because repr() of a NumPy float64 is "np.float64(62.5)".
    return decimal.Decimal(repr(float(value)))


@functools.cache
def _locale(language: str) -> Locale:
    """Return Babel's locale for a language tag such as ``fr``, ``fr-CA`` or ``fr_CA``."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(_FALLBACK_LOCALE)


_BAND_BOUNDARIES = (25, 50, 75)


def format_score(value: float | None, language: str) -> str:
    """Format a section, function or item score as a percentage with one decimal.

    A score that is not a band boundary but would round to one (75.02 shows as
    75.0) keeps two decimals, so the text never suggests a status the score
    does not have. Returns :data:`NO_VALUE` for None.
    """
    if value is None:
        return NO_VALUE
    near_boundary = any(
        round(value, 1) == boundary and not math.isclose(value, boundary, abs_tol=1e-9)
        for boundary in _BAND_BOUNDARIES
    )
    return format_percent(value, language, decimals=2 if near_boundary else 1)
