"""The component contracts that plugins implement: sources, renderers and exporters.

A plugin subclasses one of these, sets the class attributes, and registers an
instance from the matching hook in :mod:`ccpm_core.hookspecs`.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import attrs

if TYPE_CHECKING:
    from ccpm_core.questionnaire import Questionnaire
    from ccpm_core.report_model import Report
    from ccpm_core.responses import RawResponses

__all__ = [
    "QuestionnaireExporter",
    "ReportRenderer",
    "SourceOption",
    "SourceRequest",
    "SurveySource",
]


@attrs.frozen
class SourceOption:
    """A setting a source accepts, offered on the command line as ``--NAME``.

    Secrets are never options: a source that needs one names an environment
    variable instead (``env_var``), and reads the secret from there.
    """

    name: str
    help: str
    required: bool = False
    env_var: str | None = None
    """For a secret: the default environment variable the value is read from."""
    flag: bool = False
    """Whether the option takes no value: given, the source sees ``"yes"``; absent, nothing."""


@attrs.frozen
class SourceRequest:
    """What to read: a file path or backend address, options, and the questionnaire to map onto."""

    questionnaire: Questionnaire
    location: str | None = None
    options: Mapping[str, str] = attrs.field(factory=dict)

    def option(self, name: str, default: str | None = None) -> str | None:
        """Return an option's value, or ``default`` when it was not given or is empty."""
        value = self.options.get(name)
        return value if value else default


class SurveySource(abc.ABC):
    """Reads CCPM responses from a file format or a survey backend."""

    name: ClassVar[str]
    """Short unique name, used as ``--source NAME``."""
    description: ClassVar[str]
    options: ClassVar[tuple[SourceOption, ...]] = ()
    file_suffixes: ClassVar[tuple[str, ...]] = ()
    """File name endings this source reads, such as ``(".csv",)``; empty for backends."""

    def can_read(self, location: str) -> bool:
        """Whether this source reads the file at ``location``, judged by its name."""
        return location.lower().endswith(self.file_suffixes) if self.file_suffixes else False

    @abc.abstractmethod
    def read(self, request: SourceRequest) -> RawResponses:
        """Read responses; raise :class:`~ccpm_core.errors.CcpmError` subclasses on failure."""

    def read_progress(self, request: SourceRequest) -> list[tuple[str, RawResponses]]:
        """Read what counting responses during the survey needs, in named groups.

        The default reads everything as one group called ``responses``. A
        backend can ask only for the profile fields, to keep the count cheap,
        and can return more groups, such as complete and incomplete responses.
        """
        return [("responses", self.read(request))]


class ReportRenderer(abc.ABC):
    """Writes a :class:`~ccpm_core.report_model.Report` in one file format."""

    name: ClassVar[str]
    """Short unique name, such as ``markdown`` or ``docx``."""
    file_suffixes: ClassVar[tuple[str, ...]]
    """File name endings that select this renderer, such as ``(".md",)``."""

    @abc.abstractmethod
    def render(self, report: Report, path: Path) -> list[Path]:
        """Write the report to ``path`` and return every file written, ``path`` first."""


class QuestionnaireExporter(abc.ABC):
    """Writes a questionnaire in a format that a survey tool or integrator reads."""

    name: ClassVar[str]
    """Short unique name, used as ``ccpm questionnaire export --format NAME``."""
    binary: ClassVar[bool] = False
    """Whether the output is bytes that must go to a file rather than to the terminal."""

    @abc.abstractmethod
    def export(self, questionnaire: Questionnaire, language: str | None = None) -> bytes:
        """Return the questionnaire in this format."""
