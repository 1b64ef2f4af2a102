"""The repeated-submission counts of the data-quality annex, as renderer-neutral blocks.

Only row counts and column headers are shown, never a submission id, so the
annex names no respondent.
"""

from __future__ import annotations

from ccpm_core.i18n import translator
from ccpm_core.locale_format import format_number
from ccpm_core.report_model import Block, Cell, Paragraph, Table
from ccpm_core.responses import Deduplication

__all__ = ["deduplication_blocks"]


def deduplication_blocks(deduplication: Deduplication, language: str = "en") -> list[Block]:
    """Build the rule used to find repeated submissions and a table of the rows it removed."""
    _ = translator(language)
    rule = _(
        "Rows with the same non-empty value in the column {id_column} are one submission. "
        "Exact copies are collapsed into one row."
    ).format(id_column=deduplication.id_column)
    if deduplication.time_column is None:
        rule += " " + _(
            "Where copies of a submission differ, the last row in the file is kept and the "
            "others are superseded."
        )
    else:
        rule += " " + _(
            "Where copies of a submission differ, the row with the latest time in the column "
            "{time_column} is kept, or the last row in the file where a time cannot be read; "
            "the others are superseded."
        ).format(time_column=deduplication.time_column)

    def row(label: str, count: int) -> tuple[Cell, ...]:
        return (Cell(label), Cell(format_number(count, language), numeric=True))

    return [
        Paragraph(rule),
        Table(
            header=(_("Repeated submissions"), _("Rows")),
            rows=(
                row(_("Rows before removing repeated submissions"), deduplication.rows_before),
                row(_("Exact duplicates collapsed"), deduplication.exact_duplicates),
                row(_("Conflicting submissions superseded"), deduplication.conflicts),
                row(_("Rows after removing repeated submissions"), deduplication.rows_after),
            ),
            caption=_("Repeated submissions"),
        ),
    ]
