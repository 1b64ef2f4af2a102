"""Small HTML tables that show results and responses in Jupyter notebooks.

``Results``, ``LevelResult`` and ``ResponseSet`` return these from
``_repr_html_``. Each table contains section scores or response counts only,
never comments or individual answers. Every text is escaped, because hub names
and file names come from the input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccpm_core.responses import DataQuality, ResponseSet
    from ccpm_core.results import LevelResult, Results, Score

__all__ = ["level_html", "response_set_html", "results_html"]


def results_html(results: Results) -> str:
    """Render the section scores of every level side by side, with a data-quality line."""
    from ccpm_core.framework import SECTIONS

    strategy = results.strategy + (", partners only" if results.partners_only else "")
    caption = (
        f"CCPM results: questionnaire {results.questionnaire_id} "
        f"{results.questionnaire_version}, strategy {strategy}"
    )
    header = ["Section", "Title", *(_level_heading(level) for level in results.levels)]
    section_ids = [section.id for section in SECTIONS.values()]
    rows = [
        [
            section_id,
            SECTIONS[section_id].title,
            *(_score_text(level.section(section_id).overall) for level in results.levels),
        ]
        for section_id in section_ids
    ]
    return _table(caption, header, rows) + _quality_line(results.quality)


def level_html(level: LevelResult) -> str:
    """Render one level's section scores: pooled, then partners and coordinators alone."""
    from ccpm_core.framework import SECTIONS

    caption = f"CCPM results: {_level_heading(level)}"
    header = ["Section", "Title", "Score", "Status", "n", "Partners", "Coordinators"]
    rows = [
        [
            unit.id,
            SECTIONS[unit.id].title,
            _percent_text(unit.overall),
            unit.overall.status.value,
            str(unit.overall.n),
            _score_text(unit.partner),
            _score_text(unit.coordinator),
        ]
        for unit in level.sections
    ]
    return _table(caption, header, rows)


def response_set_html(responses: ResponseSet) -> str:
    """Render how many responses each level has per instrument, with a data-quality line."""
    levels = Counter(
        (hub, str(instrument))
        for hub, instrument in zip(
            responses.hub.tolist(), responses.instrument.tolist(), strict=True
        )
    )
    caption = f"CCPM responses: {len(responses)} rows from {responses.quality.source}"
    header = ["Level", "Partners", "Coordinators"]
    rows = [
        [
            "national" if hub is None else str(hub),
            str(levels[(hub, "partner")]),
            str(levels[(hub, "coordinator")]),
        ]
        for hub in responses.hubs
    ]
    return _table(caption, header, rows) + _quality_line(responses.quality)


def _level_heading(level: LevelResult) -> str:
    partners = _plural(level.partners, "partner")
    coordinators = _plural(level.coordinators, "coordinator")
    return f"{level.name} ({partners}, {coordinators})"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _percent_text(figure: Score) -> str:
    return "–" if figure.percent is None else f"{figure.percent:.1f}%"


def _score_text(figure: Score) -> str:
    if figure.percent is None:
        return figure.status.value
    return f"{figure.percent:.1f}% {figure.status.value}"


def _quality_line(quality: DataQuality) -> str:
    unrecognised = sum(value.count for value in quality.unrecognised_values)
    text = (
        f"Rows read: {quality.rows_read}, scored: {quality.rows_scored}, "
        f"excluded: {len(quality.exclusions)}, unrecognised answers: {unrecognised}, "
        f"unknown columns: {len(quality.unknown_columns)}"
    )
    return f"<p>{escape(text)}</p>"


def _table(caption: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return (
        f"<table><caption>{escape(caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )
