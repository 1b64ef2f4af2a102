"""The ``json`` questionnaire exporter: the ``ccpm.codebook/1`` document as UTF-8 JSON.

Integrators read this codebook to map their own survey forms onto a CCPM
questionnaire: question codes, instruments, items, sections and every answer
option with its scored value or special meaning.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from ccpm_core.errors import QuestionnaireError
from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import QuestionnaireExporter

if TYPE_CHECKING:
    from ccpm_core.questionnaire import Questionnaire

__all__ = ["CodebookJsonExporter", "ccpm_register_exporters"]


class CodebookJsonExporter(QuestionnaireExporter):
    """Exporter of the ``ccpm.codebook/1`` document as JSON indented by two spaces."""

    name = "json"

    def export(self, questionnaire: Questionnaire, language: str | None = None) -> bytes:
        """Return the codebook of ``questionnaire`` as UTF-8 JSON ending in a newline.

        Labels are in ``language``, or in the questionnaire's first language
        when it is None. Raises :class:`QuestionnaireError` when the
        questionnaire has no labels in ``language``.
        """
        if language is not None and language not in questionnaire.languages:
            msg = (
                f"questionnaire {questionnaire.id!r} has no labels in language {language!r}; "
                f"choose one of: {', '.join(questionnaire.languages)}"
            )
            raise QuestionnaireError(msg)

        from ccpm_core.questionnaire import codebook

        document = codebook(questionnaire, language)

        text = json.dumps(document, indent=2, ensure_ascii=False)
        return (text + "\n").encode("utf-8")


@hookimpl
def ccpm_register_exporters(register: Callable[[QuestionnaireExporter], None]) -> None:
    """Register the ``json`` codebook exporter."""
    register(CodebookJsonExporter())
