"""The data a dashboard page embeds: rows, filter values and localised text, as JSON.

The page's script reads one JSON document (the payload) from a
``<script type="application/json">`` element. Text that Python can format
ahead of time, such as every score and rate, is formatted here with
:mod:`ccpm_core.locale_format`. Means that depend on the reader's filters
are computed in the browser, which formats them with the decimal separator
and percent pattern given in the payload.

:func:`payload_json` escapes ``<``, ``>`` and ``&`` as ``\\u003c`` and so on,
so no text in the data can close the script element or open a comment.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ccpm_core.framework import FUNCTIONS, SECTION_IDS, SECTIONS, Status
from ccpm_core.i18n import translator
from ccpm_core.locale_format import (
    NO_VALUE,
    decimal_separator,
    format_number,
    format_percent,
    format_score,
)
from ccpm_core.report_builder import status_label
from ccpm_plugins.renderers.dashboard_frame import DashboardRow, PortfolioRows

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["PAGE_SIZE", "STATUS_ORDER", "build_payload", "payload_json"]

PAGE_SIZE = 100
"""Rows per page of the heatmap and of the response-rate table."""

STATUS_ORDER: tuple[Status, ...] = (
    Status.GOOD,
    Status.SATISFACTORY,
    Status.UNSATISFACTORY,
    Status.WEAK,
    Status.NO_DATA,
)
"""Statuses in the order of the legend; the payload gives a cell's status as an index here."""

# Status bands end at these scores. A score within this distance of one is
# formatted on its own, because format_score may give it two decimals.
_BAND_BOUNDARIES = (25.0, 50.0, 75.0)
_BOUNDARY_DISTANCE = 0.1
_TIE_TOLERANCE = 1e-6
"""Distance in hundredths within which a value counts as a rounding tie, such as 62.25."""


class NumberText:
    """Formats scores, rates and counts for one language, caching repeated values.

    Formatting each of 130,000 heatmap cells through Babel took over ten
    seconds on a 2-core machine, so each distinct rounded value is formatted
    once and its text reused.
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self._percents: dict[int, str] = {}
        self._counts: dict[int, str] = {}

    def scores(self, values: Sequence[float | None]) -> list[str]:
        """Format scores (0 to 100) as :func:`~ccpm_core.locale_format.format_score` does."""
        import numpy as np

        numbers = np.array([np.nan if value is None else value for value in values], dtype=float)
        texts = self._percent_texts(numbers)
        near_boundary = np.zeros(numbers.shape, dtype=bool)
        for boundary in _BAND_BOUNDARIES:
            near_boundary |= np.abs(numbers - boundary) <= _BOUNDARY_DISTANCE
        for position in np.flatnonzero(near_boundary):
            texts[position] = format_score(float(numbers[position]), self.language)
        return texts

    def rates(self, fractions: Sequence[float | None]) -> list[str]:
        """Format response rates given as fractions (0.5) as percentages with one decimal."""
        import numpy as np

        numbers = np.array(
            [np.nan if value is None else 100 * value for value in fractions], dtype=float
        )
        return self._percent_texts(numbers)

    def count(self, value: int) -> str:
        """Format a count with the language's grouping, such as 1,234."""
        text = self._counts.get(value)
        if text is None:
            text = format_number(value, self.language)
            self._counts[value] = text
        return text

    def _percent_texts(self, numbers: npt.NDArray[np.float64]) -> list[str]:
        """Format percentages with one decimal; NaN gives :data:`NO_VALUE`."""
        import numpy as np

        # A value whose shortest decimal form ends in 5 at the second decimal,
        # such as 62.25, is a tie that format_percent rounds half up. NumPy
        # rounds the binary value instead, so ties take format_percent itself.
        hundredths = numbers * 100
        tie = (np.abs(hundredths - np.round(hundredths)) < _TIE_TOLERANCE) & (
            np.round(hundredths) % 10 == 5
        )
        present = ~np.isnan(numbers)
        tenths = np.where(present & ~tie, np.round(numbers * 10), 0).astype(np.int64)

        distinct, inverse = np.unique(tenths, return_inverse=True)
        distinct_texts = [self._tenths_text(int(value)) for value in distinct]
        texts: list[str] = [distinct_texts[index] for index in inverse.tolist()]
        for position in np.flatnonzero(tie & present):
            texts[position] = format_percent(float(numbers[position]), self.language)
        for position in np.flatnonzero(~present):
            texts[position] = NO_VALUE
        return texts

    def _tenths_text(self, tenths: int) -> str:
        text = self._percents.get(tenths)
        if text is None:
            text = format_percent(tenths / 10, self.language)
            self._percents[tenths] = text
        return text


def build_payload(portfolio: PortfolioRows, language: str) -> dict[str, Any]:
    """Return the JSON-ready payload of a dashboard in ``language``.

    Exercises, regions, countries and clusters are stored once and referred to
    by index, which keeps a page of 10,000 exercises to a few megabytes.
    """
    numbers = NumberText(language)
    rows = portfolio.rows
    regions = _sorted_unique(row.exercise.region for row in rows)
    countries = _sorted_unique(row.exercise.country for row in rows)
    clusters = _sorted_unique(row.exercise.cluster for row in rows)
    years = sorted({row.exercise.year for row in rows})

    exercise_index: dict[str, int] = {}
    exercises: list[list[Any]] = []
    for row in rows:
        facts = row.exercise
        if facts.exercise in exercise_index:
            continue
        exercise_index[facts.exercise] = len(exercises)
        exercises.append(
            [
                facts.exercise,
                facts.year,
                regions.index_of(facts.region),
                countries.index_of(facts.country),
                clusters.index_of(facts.cluster),
            ]
        )

    return {
        "language": language,
        "pageSize": PAGE_SIZE,
        "number": _number_style(language),
        "text": _interface_text(language),
        "sections": [[section_id, SECTIONS[section_id].function] for section_id in SECTION_IDS],
        "functions": _function_names(language),
        "statuses": [status_label(status, language) for status in STATUS_ORDER],
        "years": years,
        "regions": regions.values,
        "countries": countries.values,
        "clusters": clusters.values,
        "exercises": exercises,
        "rows": _rows_payload(rows, exercise_index, numbers),
    }


def payload_json(payload: dict[str, Any]) -> str:
    """Serialise the payload for a script element: same text for the same payload, ASCII only.

    ASCII output also turns a lone surrogate in the data into ``\\udXXX``,
    which UTF-8 could not encode.
    """
    text = json.dumps(payload, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Lookup:
    def __init__(self, values: Sequence[str]) -> None:
        self.values = list(values)
        self._positions = {value: position for position, value in enumerate(self.values)}

    def index_of(self, value: str) -> int:
        return self._positions[value]


def _sorted_unique(values: Any) -> _Lookup:
    return _Lookup(sorted(set(values)))


def _rows_payload(
    rows: Sequence[DashboardRow], exercise_index: dict[str, int], numbers: NumberText
) -> list[list[Any]]:
    """Return each row as ``[exercise, hub, rates, rate texts, counts, count texts, cells]``.

    Each cell is ``[status index, score or null, score text, respondents or null]``.
    """
    section_count = len(SECTION_IDS)
    score_texts = numbers.scores([score for row in rows for score in row.scores])
    rate_texts = numbers.rates(
        [rate for row in rows for rate in (row.response_rate, row.effective_response_rate)]
    )
    status_codes = {status: code for code, status in enumerate(STATUS_ORDER)}
    payload = []
    for row_position, row in enumerate(rows):
        texts = score_texts[row_position * section_count : (row_position + 1) * section_count]
        cells = [
            [status_codes[status], score, text, count]
            for score, status, text, count in zip(
                row.scores, row.statuses, texts, row.counts, strict=True
            )
        ]
        payload.append(
            [
                exercise_index[row.exercise.exercise],
                row.hub,
                [row.response_rate, row.effective_response_rate],
                rate_texts[2 * row_position : 2 * row_position + 2],
                [row.partners, row.coordinators],
                [numbers.count(row.partners), numbers.count(row.coordinators)],
                cells,
            ]
        )
    return payload


def _number_style(language: str) -> dict[str, str]:
    """Return what the script needs to format a mean as this language's locale_format does.

    The percent pattern is the text of 12.5 % with the number replaced by
    ``{}``, such as ``{}%`` in English and ``{} %`` in French.
    """
    separator = decimal_separator(language)
    sample = format_percent(12.5, language)
    grouped = format_number(1000, language)
    return {
        "decimal": separator,
        "group": grouped[1:-3],
        "percent": sample.replace(f"12{separator}5", "{}"),
        "none": NO_VALUE,
    }


def _function_names(language: str) -> list[list[Any]]:
    _ = translator(language)
    return [[function.number, _(function.short_title)] for function in FUNCTIONS]


def _interface_text(language: str) -> dict[str, str]:
    """Return the translated text that the script writes into the page, by key."""
    _: Callable[[str], str] = translator(language)
    return {
        "all": _("All"),
        "national": _("National"),
        "subnational": _("Hubs"),
        "showingRows": _("Showing rows {first}–{last} of {total}"),
        "noRows": _("No exercise matches the filters."),
        "matching": _("Rows matching the filters: {rows} (exercises: {exercises})"),
        "noTrend": _("No scores for the exercises that match the filters."),
        "year": _("Year"),
        "meanScore": _("Mean section score"),
        "respondents": _("Respondents: {count}"),
        "function": _("Function"),
        "region": _("Region"),
        "rows": _("Rows"),
        "withRate": _("Rows with a response rate"),
    }
