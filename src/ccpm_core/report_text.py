"""Wording shared by the parts of a report: status labels, scoring methods and score changes."""

from __future__ import annotations

from ccpm_core import locale_format
from ccpm_core.framework import Status
from ccpm_core.i18n import N_, translator

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
    """Format a difference of scores; see :func:`ccpm_core.locale_format.format_points`."""
    return locale_format.format_points(value, language)
