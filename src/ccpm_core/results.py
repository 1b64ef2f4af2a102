"""Scored results: value objects for sections, functions, items and levels.

Results are computed by :func:`ccpm_core.scoring.score` and never change
afterwards. ``Results.to_dict()`` gives the ``ccpm.results/1`` document and
``Results.to_frame()`` a tidy pandas DataFrame for analysts, and
``Results.selections_frame()`` the per-option counts of the select_multiple
questions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.framework import Status
from ccpm_core.labels import same_hub
from ccpm_core.rates import ResponseRates
from ccpm_core.responses import Comment, DataQuality

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RESULTS_SCHEMA",
    "AnswerDistribution",
    "LevelResult",
    "OptionCounts",
    "Results",
    "Score",
    "SelectionCounts",
    "UnitScore",
]

RESULTS_SCHEMA = "ccpm.results/1"

POOLS = ("all", "partner", "coordinator")
"""Respondent pools each figure is given for: everyone pooled, partners only, coordinators only."""


@attrs.frozen
class Score:
    """One figure: the value on the 0 to 4 scale, the percentage, the status and its base.

    ``value`` and ``percent`` are None, and ``status`` is ``no_data``, when no
    scored answer stands behind the figure. ``n`` counts the respondents with
    at least one scored answer in the unit.
    """

    value: float | None
    percent: float | None
    status: Status
    n: int

    def to_dict(self) -> dict[str, Any]:
        """Return the figure as a JSON-ready mapping."""
        return {
            "score": self.percent,
            "value": self.value,
            "status": self.status.value,
            "n": self.n,
        }


@attrs.frozen
class UnitScore:
    """Scores of one section, function or item: pooled, partners alone, coordinators alone."""

    id: str
    overall: Score
    partner: Score
    coordinator: Score

    def by_pool(self, pool: str) -> Score:
        """Return the score of ``all``, ``partner`` or ``coordinator``."""
        if pool == "all":
            return self.overall
        if pool in ("partner", "coordinator"):
            score: Score = getattr(self, pool)
            return score
        msg = f"unknown respondent pool {pool!r}; expected one of {', '.join(POOLS)}"
        raise KeyError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Return the unit as a JSON-ready mapping: pooled fields, then each instrument's."""
        return {
            "id": self.id,
            **self.overall.to_dict(),
            "partner": self.partner.to_dict(),
            "coordinator": self.coordinator.to_dict(),
        }


@attrs.frozen
class AnswerDistribution:
    """How often each option of one question was chosen at one level.

    ``counts`` lists every option of the scale in scale order, zero counts
    included, so partner distributions and the coordinator's answers line up.
    """

    question: str
    counts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        """Number of answers given."""
        return sum(count for _, count in self.counts)


@attrs.frozen
class OptionCounts:
    """How many respondents of one pool answered a select_multiple question, and chose each option.

    ``counts`` lists every option of the scale in scale order, zero counts
    included. A respondent answered the question when at least one option is
    known to be chosen or left out. Options do not add up to ``respondents``,
    because each respondent may choose several or none.
    """

    respondents: int
    counts: tuple[tuple[str, int], ...]

    def count(self, option: str) -> int:
        """Return how many respondents chose ``option``, by its code."""
        for code, count in self.counts:
            if code == option:
                return count
        known = ", ".join(code for code, _ in self.counts) or "none"
        msg = f"no option {option!r} in these counts; options: {known}"
        raise KeyError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Return the counts as a JSON-ready mapping."""
        return {
            "respondents": self.respondents,
            "counts": [{"option": code, "count": count} for code, count in self.counts],
        }


@attrs.frozen
class SelectionCounts:
    """Per-option counts of one select_multiple question at one level, per respondent pool.

    ``overall`` counts partners and coordinators together, whatever the value of
    ``Results.partners_only``, because these counts describe who answered
    and are never scored. Its figures are the partners' plus the coordinators'.
    """

    question: str
    overall: OptionCounts
    partner: OptionCounts
    coordinator: OptionCounts

    def by_pool(self, pool: str) -> OptionCounts:
        """Return the counts of ``all``, ``partner`` or ``coordinator``."""
        if pool == "all":
            return self.overall
        if pool in ("partner", "coordinator"):
            counts: OptionCounts = getattr(self, pool)
            return counts
        msg = f"unknown respondent pool {pool!r}; expected one of {', '.join(POOLS)}"
        raise KeyError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Return the question's counts as in ``ccpm.results/1``: pooled, then each instrument's."""
        return {
            "question": self.question,
            **self.overall.to_dict(),
            "partner": self.partner.to_dict(),
            "coordinator": self.coordinator.to_dict(),
        }


@attrs.frozen
class LevelResult:
    """Results of one level: the national level (``hub`` None) or one sub-national hub."""

    hub: str | None
    partners: int
    coordinators: int
    sections: tuple[UnitScore, ...]
    functions: tuple[UnitScore, ...]
    items: tuple[UnitScore, ...]
    distributions: tuple[AnswerDistribution, ...]
    rates: ResponseRates
    selections: tuple[SelectionCounts, ...] = ()
    """Per-option counts of each select_multiple question, in questionnaire order."""

    @property
    def name(self) -> str:
        """The hub name, or ``national``."""
        return self.hub if self.hub is not None else "national"

    def section(self, section_id: str) -> UnitScore:
        """Return the scores of one section, such as ``"2.2"``."""
        return _find(self.sections, section_id, "section")

    def function(self, number: int | str) -> UnitScore:
        """Return the scores of one function, by its CCPM number."""
        return _find(self.functions, str(number), "function")

    def item(self, item_id: str) -> UnitScore:
        """Return the scores of one item, such as ``"1.1.2"``."""
        return _find(self.items, item_id, "item")

    def distribution(self, question: str) -> AnswerDistribution:
        """Return the answer distribution of one question."""
        for distribution in self.distributions:
            if distribution.question == question:
                return distribution
        msg = f"no answer distribution for question {question!r} at level {self.name!r}"
        raise KeyError(msg)

    def selection(self, question: str) -> SelectionCounts:
        """Return the per-option counts of one select_multiple question."""
        for counts in self.selections:
            if counts.question == question:
                return counts
        known = ", ".join(counts.question for counts in self.selections) or "none"
        msg = (
            f"no select_multiple counts for question {question!r} at level {self.name!r}; "
            f"questions with counts: {known}"
        )
        raise KeyError(msg)

    def _repr_html_(self) -> str:
        from ccpm_core.notebook_html import level_html

        return level_html(self)

    def to_dict(self) -> dict[str, Any]:
        """Return the level as it appears in ``ccpm.results/1``."""
        return {
            "hub": self.hub,
            "respondents": {"partner": self.partners, "coordinator": self.coordinators},
            "sections": [unit.to_dict() for unit in self.sections],
            "functions": [unit.to_dict() for unit in self.functions],
            "items": [unit.to_dict() for unit in self.items],
            "response_rates": self.rates.to_dict(),
            "selections": [counts.to_dict() for counts in self.selections],
        }


@attrs.frozen
class Results:
    """Everything scored from one set of responses, level by level."""

    strategy: str
    partners_only: bool
    questionnaire_id: str
    questionnaire_version: str
    levels: tuple[LevelResult, ...]
    quality: DataQuality
    comments: tuple[Comment, ...] = ()

    def __iter__(self) -> Iterator[LevelResult]:
        return iter(self.levels)

    def _repr_html_(self) -> str:
        from ccpm_core.notebook_html import results_html

        return results_html(self)

    @property
    def hubs(self) -> list[str | None]:
        """Levels in order: None for national first, then hub names."""
        return [level.hub for level in self.levels]

    def level(self, hub: str | None = None) -> LevelResult:
        """Return the national level (``hub`` None) or the named hub."""
        for level in self.levels:
            if level.hub == hub:
                return level
        for level in self.levels:
            if same_hub(level.hub, hub):
                return level
        known = ", ".join(level.name for level in self.levels) or "none"
        where = "the national level" if hub is None else f"hub {hub!r}"
        msg = f"no responses for {where}; levels with responses: {known}"
        raise KeyError(msg)

    def to_dict(self) -> dict[str, Any]:
        """Return the ``ccpm.results/1`` document."""
        return {
            "schema": RESULTS_SCHEMA,
            "strategy": self.strategy,
            "partners_only": self.partners_only,
            "questionnaire": {"id": self.questionnaire_id, "version": self.questionnaire_version},
            "levels": [level.to_dict() for level in self.levels],
            "data_quality": self.quality.to_dict(),
        }

    def to_frame(self) -> pd.DataFrame:
        """Return every figure as a tidy DataFrame, one row per level, unit and pool.

        Columns: ``hub`` (None for national), ``level``, ``unit`` (section,
        function or item), ``id``, ``pool`` (all, partner, coordinator),
        ``value`` (0 to 4), ``score`` (0 to 100), ``status`` and ``n``.
        """
        import pandas as pd

        rows = [
            {
                "hub": level.hub,
                "level": level.name,
                "unit": unit_kind,
                "id": unit.id,
                "pool": pool,
                "value": unit.by_pool(pool).value,
                "score": unit.by_pool(pool).percent,
                "status": unit.by_pool(pool).status.value,
                "n": unit.by_pool(pool).n,
            }
            for level in self.levels
            for unit_kind, units in (
                ("section", level.sections),
                ("function", level.functions),
                ("item", level.items),
            )
            for unit in units
            for pool in POOLS
        ]
        frame = pd.DataFrame(
            rows,
            columns=["hub", "level", "unit", "id", "pool", "value", "score", "status", "n"],
        )
        return frame.astype({"value": "float64", "score": "float64", "n": "int64"})

    def selections_frame(self) -> pd.DataFrame:
        """Return the select_multiple counts as a tidy DataFrame: a row per level, option, pool.

        Columns: ``hub`` (None for national), ``level``, ``question``,
        ``option`` (code, in scale order), ``pool`` (all, partner,
        coordinator), ``respondents`` (who answered the question) and
        ``count`` (who chose the option). Zero counts have rows too.
        """
        import pandas as pd

        rows = [
            {
                "hub": level.hub,
                "level": level.name,
                "question": counts.question,
                "option": option,
                "pool": pool,
                "respondents": counts.by_pool(pool).respondents,
                "count": count,
            }
            for level in self.levels
            for counts in level.selections
            for pool in POOLS
            for option, count in counts.by_pool(pool).counts
        ]
        frame = pd.DataFrame(
            rows,
            columns=["hub", "level", "question", "option", "pool", "respondents", "count"],
        )
        return frame.astype({"respondents": "int64", "count": "int64"})


def _find(units: tuple[UnitScore, ...], unit_id: str, kind: str) -> UnitScore:
    for unit in units:
        if unit.id == unit_id:
            return unit
    msg = f"no {kind} {unit_id!r} in these results"
    raise KeyError(msg)
