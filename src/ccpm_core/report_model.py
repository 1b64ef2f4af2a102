"""A renderer-neutral report: a tree of blocks that every renderer knows how to draw.

The report builder decides what a CCPM report says; a renderer (Markdown,
DOCX, HTML, ...) only decides how each kind of block looks. A renderer must
handle every block type below, so adding a block type is a change to every
renderer, while adding a report section is not.

Text in blocks is plain text: renderers escape it for their format.
"""

from __future__ import annotations

import datetime as dt

import attrs

from ccpm_core.framework import Status

__all__ = [
    "Block",
    "BulletList",
    "Cell",
    "Chart",
    "ChartBar",
    "Cover",
    "EditableField",
    "Heading",
    "Paragraph",
    "Report",
    "Table",
]


@attrs.frozen
class Heading:
    """A heading; level 1 is a report part, 2 a section inside it, 3 a sub-section."""

    text: str
    level: int = 1


@attrs.frozen
class Paragraph:
    """A paragraph of plain text. ``emphasis`` draws it in a quieter, note-like style."""

    text: str
    emphasis: bool = False


@attrs.frozen
class BulletList:
    """A list of short plain-text entries."""

    items: tuple[str, ...]


@attrs.frozen
class Cell:
    """A table cell. A cell with a ``status`` is coloured by it and also shows its label."""

    text: str
    status: Status | None = None
    numeric: bool = False
    """Whether the cell holds a number, so renderers can right-align it."""


@attrs.frozen
class Table:
    """A table with one header row; every row has as many cells as the header."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""

    def __attrs_post_init__(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.header):
                msg = (
                    f"table {self.caption!r}: row {number} has {len(row)} cells "
                    f"for {len(self.header)} columns"
                )
                raise ValueError(msg)


@attrs.frozen
class ChartBar:
    """One bar: a label and a percentage score, or None where there is no data."""

    label: str
    score: float | None
    status: Status


@attrs.frozen
class Chart:
    """A horizontal bar chart of scores on the 0 to 100 scale, with its text alternative."""

    title: str
    bars: tuple[ChartBar, ...]
    alt_text: str
    key: str
    """Stable name, used by renderers that write a chart to its own file."""
    legend: tuple[tuple[Status, str], ...] = ()
    """Status label per colour, in the report's language, in the order to show them."""
    axis_label: str = "Score (%)"
    no_data_label: str = "no data"
    language: str = "en"
    """Language of the labels: it sets the decimal separator of values and the text direction."""


@attrs.frozen
class EditableField:
    """A place for the workshop to write into, such as follow-up actions.

    ``required`` marks a field the CCPM asks to be filled, as follow-up actions
    are for sections rated unsatisfactory or weak.
    """

    label: str
    required: bool = False
    prompt: str = ""


Block = Heading | Paragraph | BulletList | Table | Chart | EditableField


@attrs.frozen
class Cover:
    """The facts shown on the cover page."""

    title: str
    cluster: str
    country: str
    level: str
    date: dt.date | None
    survey_period: str = ""
    subtitle: str = ""


@attrs.frozen
class Report:
    """A whole report: a cover and the blocks that follow it, in reading order."""

    cover: Cover
    blocks: tuple[Block, ...]
    language: str = "en"

    def headings(self, level: int | None = None) -> list[str]:
        """Return the heading texts, optionally of one level only."""
        return [
            block.text
            for block in self.blocks
            if isinstance(block, Heading) and (level is None or block.level == level)
        ]
