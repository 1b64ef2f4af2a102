"""The statuses an exercise keeps from its results: section and function status per level.

Action plans start from the section statuses, and the timing rules look at
function statuses across exercises. Both need only this summary, which can be
taken from :class:`~ccpm_core.results.Results` or read back from a stored
``ccpm.results/1`` document.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.errors import InputError
from ccpm_core.framework import FUNCTIONS, SECTION_IDS, Status
from ccpm_core.labels import same_hub
from ccpm_core.results import RESULTS_SCHEMA

if TYPE_CHECKING:
    from ccpm_core.results import Results, UnitScore

__all__ = [
    "LevelSummary",
    "ResultsSummary",
    "UnitStatus",
    "round_score",
    "summarise_document",
    "summarise_results",
]


def round_score(percent: float | None) -> float | None:
    """Round a percentage score to hundredths, the precision action plans keep.

    Two decimals are exact in a spreadsheet cell, which stores 16 significant
    digits, so a score survives the action-plan workbook unchanged.
    """
    return None if percent is None else round(float(percent), 2)


@attrs.frozen
class UnitStatus:
    """Pooled status and score (0 to 100, hundredths) of one section or function."""

    id: str
    status: Status
    score: float | None
    n: int


@attrs.frozen
class LevelSummary:
    """Section and function statuses of one level."""

    hub: str | None
    sections: tuple[UnitStatus, ...]
    functions: tuple[UnitStatus, ...]

    def section(self, section_id: str) -> UnitStatus:
        """Return the status of one section, such as ``"2.2"``."""
        for unit in self.sections:
            if unit.id == section_id:
                return unit
        msg = f"no section {section_id!r} in these results"
        raise KeyError(msg)

    def weak_functions(self) -> tuple[str, ...]:
        """Return the numbers of the functions rated weak, in CCPM order."""
        return tuple(unit.id for unit in self.functions if unit.status is Status.WEAK)


@attrs.frozen
class ResultsSummary:
    """Statuses of every level of one set of results."""

    levels: tuple[LevelSummary, ...]

    def level(self, hub: str | None = None) -> LevelSummary:
        """Return the national level (``hub`` None) or the named hub."""
        for level in self.levels:
            if same_hub(level.hub, hub):
                return level
        known = ", ".join(level.hub or "national" for level in self.levels) or "none"
        where = "the national level" if hub is None else f"hub {hub!r}"
        msg = f"the results have no {where}; levels in the results: {known}"
        raise KeyError(msg)


def summarise_results(results: Results) -> ResultsSummary:
    """Take the section and function statuses of every level from scored results."""
    return ResultsSummary(
        levels=tuple(
            LevelSummary(
                hub=level.hub,
                sections=tuple(_unit_status(unit) for unit in level.sections),
                functions=tuple(_unit_status(unit) for unit in level.functions),
            )
            for level in results.levels
        )
    )


def _unit_status(unit: UnitScore) -> UnitStatus:
    figure = unit.overall
    return UnitStatus(unit.id, figure.status, round_score(figure.percent), figure.n)


def summarise_document(document: Mapping[str, Any], source: str = "results") -> ResultsSummary:
    """Read the section and function statuses from a ``ccpm.results/1`` document.

    ``source`` names the document in messages. Raises InputError naming the
    field at fault when the document is not a complete ``ccpm.results/1``.
    """
    schema = document.get("schema")
    if schema != RESULTS_SCHEMA:
        msg = f"{source}: schema is {schema!r}, expected {RESULTS_SCHEMA!r}"
        raise InputError(msg)

    levels = document.get("levels")
    if not isinstance(levels, list):
        msg = f"{source}: 'levels' is missing or not a list"
        raise InputError(msg)

    summaries = []
    for position, level in enumerate(levels):
        where = f"{source}: levels[{position}]"
        if not isinstance(level, Mapping):
            msg = f"{where} is not an object"
            raise InputError(msg)
        hub = level.get("hub")
        if hub is not None and not isinstance(hub, str):
            msg = f"{where}.hub is {hub!r}; expected a hub name or null"
            raise InputError(msg)
        sections = _read_units(level, "sections", SECTION_IDS, where)
        functions = _read_units(level, "functions", tuple(str(f.number) for f in FUNCTIONS), where)
        summaries.append(LevelSummary(hub=hub, sections=sections, functions=functions))
    return ResultsSummary(levels=tuple(summaries))


def _read_units(
    level: Mapping[str, Any], key: str, expected_ids: tuple[str, ...], where: str
) -> tuple[UnitStatus, ...]:
    units = level.get(key)
    if not isinstance(units, list):
        msg = f"{where}.{key} is missing or not a list"
        raise InputError(msg)

    found: dict[str, UnitStatus] = {}
    for position, unit in enumerate(units):
        place = f"{where}.{key}[{position}]"
        if not isinstance(unit, Mapping):
            msg = f"{place} is not an object"
            raise InputError(msg)
        found[str(unit.get("id"))] = _read_unit(unit, place)

    missing = [unit_id for unit_id in expected_ids if unit_id not in found]
    if missing:
        msg = f"{where}.{key} has no entry for {', '.join(missing)}"
        raise InputError(msg)
    return tuple(found[unit_id] for unit_id in expected_ids)


def _read_unit(unit: Mapping[str, Any], place: str) -> UnitStatus:
    try:
        status = Status(str(unit.get("status")))
    except ValueError:
        known = ", ".join(status.value for status in Status)
        msg = f"{place}.status is {unit.get('status')!r}; expected one of {known}"
        raise InputError(msg) from None

    score = unit.get("score")
    if score is not None and (not isinstance(score, int | float) or isinstance(score, bool)):
        msg = f"{place}.score is {score!r}; expected a number or null"
        raise InputError(msg)

    n = unit.get("n", 0)
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        msg = f"{place}.n is {n!r}; expected a count of respondents"
        raise InputError(msg)
    return UnitStatus(str(unit.get("id")), status, round_score(score), n)
