"""Wording shared by the parts of a report: status labels, scoring methods and score changes."""

from __future__ import annotations

from ccpm_core.framework import Status
from ccpm_core.i18n import N_, translator
from ccpm_core.locale_format import format_number

__all__ = ["format_points", "method_label", "status_label"]

_STATUS_LABELS = {
    Status.GOOD: N_("Good"),
    Status.SATISFACTORY: N_("Satisfactory"),
    Status.UNSATISFACTORY: N_("Unsatisfactory"),
    Status.WEAK: N_("Weak"),
    Status.NO_DATA: N_("No data"),
}


def status_label(status: Status, language: str = "en") -> str:
    """Return the display label of a status in ``language``."""
    return translator(language)(_STATUS_LABELS[status])


def method_label(strategy: str, partners_only: bool, language: str = "en") -> str:
    """Name a scoring method, such as "median of respondent means, partners only"."""
    _ = translator(language)
    text = _("median of respondent means") if strategy == "median" else _("mean of item means")
    if partners_only:
        text += ", " + _("partners only")
    return text


def format_points(value: float | None, language: str = "en") -> str:
    """Format a difference of scores in percentage points, rounded to one decimal, with its sign.

    A positive value gets "+" and a negative one the minus sign U+2212; a
    value that rounds to 0 gets no sign. None gives the no-value mark "–".
    """
    if value is None:
        return format_number(None, language)
    rounded = round(value, 1)
    text = format_number(abs(rounded), language)
    if rounded > 0:
        return "+" + text
    if rounded < 0:
        return "\u2212" + text
    return text
