"""Errors about the state of a LimeSurvey survey, as opposed to failures of the connection."""

from __future__ import annotations

from ccpm_core.errors import SourceError

__all__ = ["NoResponsesError", "SurveyNotActiveError"]


class SurveyNotActiveError(SourceError):
    """The survey has never been activated, so it has no response table yet."""


class NoResponsesError(SourceError):
    """The survey or the export contains no response, so there is nothing to score or report."""
