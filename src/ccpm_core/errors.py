"""Exceptions raised by ccpm.

Every exception that ccpm raises on purpose derives from :class:`CcpmError`.
Its message is meant for the person running the exercise: it names the file,
row, column or value at fault and says what to do. The command line prints
that message on one line and exits with a non-zero code, without a traceback.

::

    CcpmError
    ├── QuestionnaireError   a questionnaire file or model is invalid
    ├── InputError           survey responses cannot be read
    ├── SourceError          a survey backend failed or answered unexpectedly
    ├── ScoringError         scoring options are invalid
    ├── RenderError          a report could not be written
    └── PluginError          a plugin is missing, duplicated or broken
"""

from __future__ import annotations

__all__ = [
    "CcpmError",
    "InputError",
    "PluginError",
    "QuestionnaireError",
    "RenderError",
    "ScoringError",
    "SourceError",
]


class CcpmError(Exception):
    """Base class of every error that ccpm raises for the user to read."""


class QuestionnaireError(CcpmError, ValueError):
    """A questionnaire file or model is invalid; the message names the file and field."""


class InputError(CcpmError, ValueError):
    """Survey responses cannot be read; the message names the file, row or column."""


class SourceError(CcpmError):
    """A survey backend failed, refused the request or answered in an unexpected shape."""


class ScoringError(CcpmError, ValueError):
    """Scoring was asked for with invalid options, such as an unknown strategy."""


class RenderError(CcpmError):
    """A report could not be rendered or written."""


class PluginError(CcpmError):
    """A plugin is missing, registered twice under one name, or does not fit its contract."""
