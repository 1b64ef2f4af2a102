"""The ``csv-template`` questionnaire exporter: an empty response file in the canonical layout.

The file contains the header row that ``ccpm score`` reads (``instrument``,
``hub``, ``organisation_type``, then one column per question code), so that a
cluster can collect or type responses without working the codes out from the
codebook. It is UTF-8 with a byte-order mark, so spreadsheet programs open it
with the right encoding. A select_multiple question gets one column, in which
a response lists the chosen option codes separated by spaces or commas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from ccpm_core.hookspecs import hookimpl
from ccpm_core.plugin_api import QuestionnaireExporter

if TYPE_CHECKING:
    from ccpm_core.questionnaire import Questionnaire

__all__ = ["CsvTemplateExporter", "ccpm_register_exporters"]


class CsvTemplateExporter(QuestionnaireExporter):
    """Exporter of the canonical header row as a CSV file."""

    name = "csv-template"

    def export(self, questionnaire: Questionnaire, language: str | None = None) -> bytes:
        """Return the header row of the canonical layout; ``language`` does not apply."""
        from ccpm_core.questionnaire import PROFILE_CODES

        columns = list(PROFILE_CODES) + [
            question.code
            for question in questionnaire.questions
            if question.code not in PROFILE_CODES
        ]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(columns)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@hookimpl
def ccpm_register_exporters(register: Callable[[QuestionnaireExporter], None]) -> None:
    """Register the ``csv-template`` exporter."""
    register(CsvTemplateExporter())
