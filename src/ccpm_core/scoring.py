"""Scoring rules: turn matched responses into section, function and item scores.

Two strategies are known from the tools clusters have used:

``median`` (the default)
    For each respondent, the mean of their scored answers in the unit; the
    unit's value is the median of those means over all respondents, partners
    and coordinators pooled. With an even count the median is the mean of the
    two middle values. This is the published CCPM rule.

``mean-of-item-means``
    The mean of each item over the respondents who scored it, then the plain
    mean of those item means.

Either way the value lies on the 0 to 4 scale and the percentage is the value
times 25. Special answers and empty answers are never scored; a unit with no
scored answer has no score and the status ``no_data``.

Values are carried as exact fractions from integer sums of hundredths, so a
score that is exactly 75 is classified as satisfactory, whatever floating
point would have made of it. Floats appear only in the returned figures.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from ccpm_core.errors import ScoringError
from ccpm_core.framework import FUNCTIONS, SECTION_IDS, Instrument, Status
from ccpm_core.rates import response_rates
from ccpm_core.results import AnswerDistribution, LevelResult, Results, Score, UnitScore

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ccpm_core.questionnaire import Questionnaire
    from ccpm_core.responses import ResponseSet

__all__ = ["DEFAULT_STRATEGY", "STRATEGIES", "classify", "score"]

MEDIAN = "median"
MEAN_OF_ITEM_MEANS = "mean-of-item-means"
STRATEGIES: tuple[str, ...] = (MEDIAN, MEAN_OF_ITEM_MEANS)
DEFAULT_STRATEGY = MEDIAN

# Upper-inclusive bands on the percentage: a score equal to a bound takes the lower status.
_BANDS: tuple[tuple[int, Status], ...] = (
    (25, Status.WEAK),
    (50, Status.UNSATISFACTORY),
    (75, Status.SATISFACTORY),
)


def classify(percent: Fraction | float | int | None) -> Status:
    """Return the status of a percentage score (0 to 100), or ``no_data`` for None.

    Fractions and integers are compared exactly. A float is first rounded to
    nine decimals, so that 75.00000000000001, the floating-point result of a
    computation whose exact value is 75, is satisfactory and not good.
    """
    if percent is None:
        return Status.NO_DATA

    exact = Fraction(round(percent, 9)) if isinstance(percent, float) else Fraction(percent)
    for bound, status in _BANDS:
        if exact <= bound:
            return status
    return Status.GOOD


def score(
    responses: ResponseSet,
    strategy: str = DEFAULT_STRATEGY,
    *,
    partners_only: bool = False,
) -> Results:
    """Score a response set at every level present: national first, then each hub.

    ``partners_only`` leaves coordinators out of the pooled figures, as the
    2021 survey system did; their own figures are still given separately.
    """
    if strategy not in STRATEGIES:
        msg = f"unknown scoring strategy {strategy!r}; use one of: {', '.join(STRATEGIES)}"
        raise ScoringError(msg)

    plan = _UnitPlan.build(responses.questionnaire, responses.rating_codes)
    sums = _UnitSums.build(responses, plan)

    levels = tuple(
        _score_level(responses, plan, sums, hub, rows, strategy, partners_only)
        for hub, rows in _rows_by_level(responses)
    )

    return Results(
        strategy=strategy,
        partners_only=partners_only,
        questionnaire_id=responses.questionnaire.id,
        questionnaire_version=responses.questionnaire.version,
        levels=levels,
        quality=responses.quality,
        comments=responses.comments,
    )


@attrs.frozen
class _UnitPlan:
    """Which response columns make up each item, and which items each section and function."""

    item_ids: tuple[str, ...]
    item_columns: tuple[tuple[int, ...], ...]
    section_items: tuple[tuple[int, ...], ...]
    """Item positions per section, in SECTION_IDS order."""
    function_items: tuple[tuple[int, ...], ...]
    """Item positions per function, in FUNCTIONS order."""

    @classmethod
    def build(cls, questionnaire: Questionnaire, rating_codes: tuple[str, ...]) -> _UnitPlan:
        columns_of_item: dict[str, list[int]] = {item.id: [] for item in questionnaire.items}
        for column, code in enumerate(rating_codes):
            item_id = questionnaire.question(code).item
            if item_id is not None:
                columns_of_item[item_id].append(column)

        item_ids = tuple(item.id for item in questionnaire.items)
        section_of_item = [questionnaire.item(item_id).section for item_id in item_ids]
        section_items = tuple(
            tuple(i for i, section in enumerate(section_of_item) if section == section_id)
            for section_id in SECTION_IDS
        )
        function_items = tuple(
            tuple(i for i, section in enumerate(section_of_item) if section in function.section_ids)
            for function in FUNCTIONS
        )
        return cls(
            item_ids=item_ids,
            item_columns=tuple(tuple(columns_of_item[item_id]) for item_id in item_ids),
            section_items=section_items,
            function_items=function_items,
        )


@attrs.frozen(eq=False)
class _UnitSums:
    """Per respondent and item: the sum of scored values in hundredths, and their count."""

    item_sum: npt.NDArray[np.int32]
    item_count: npt.NDArray[np.int16]

    @classmethod
    def build(cls, responses: ResponseSet, plan: _UnitPlan) -> _UnitSums:
        import numpy as np

        n = len(responses)
        item_sum = np.zeros((n, len(plan.item_ids)), dtype=np.int32)
        item_count = np.zeros((n, len(plan.item_ids)), dtype=np.int16)

        # One column at a time, so no copy of the whole response table is made.
        for item, columns in enumerate(plan.item_columns):
            for column in columns:
                table = responses.value_table(responses.rating_codes[column])
                values = table[responses.choices[:, column]]
                scored = values >= 0
                item_sum[:, item] += np.where(scored, values, 0).astype(np.int32)
                item_count[:, item] += scored
        return cls(item_sum=item_sum, item_count=item_count)


def _rows_by_level(responses: ResponseSet) -> list[tuple[str | None, npt.NDArray[np.intp]]]:
    import numpy as np

    hubs = responses.hub.tolist()
    positions: dict[str | None, list[int]] = {}
    for row, hub in enumerate(hubs):
        positions.setdefault(hub, []).append(row)
    return [(hub, np.asarray(positions[hub], dtype=np.intp)) for hub in responses.hubs]


def _score_level(
    responses: ResponseSet,
    plan: _UnitPlan,
    sums: _UnitSums,
    hub: str | None,
    rows: npt.NDArray[np.intp],
    strategy: str,
    partners_only: bool,
) -> LevelResult:
    instruments = responses.instrument[rows]
    partner_rows = rows[instruments == Instrument.PARTNER]
    coordinator_rows = rows[instruments == Instrument.COORDINATOR]
    pooled_rows = partner_rows if partners_only else rows

    pools = {
        "all": _PoolSums.of(sums, pooled_rows),
        "partner": _PoolSums.of(sums, partner_rows),
        "coordinator": _PoolSums.of(sums, coordinator_rows),
    }

    def unit(unit_id: str, items: tuple[int, ...]) -> UnitScore:
        scores = {name: pool.score(items, strategy) for name, pool in pools.items()}
        return UnitScore(unit_id, scores["all"], scores["partner"], scores["coordinator"])

    return LevelResult(
        hub=hub,
        partners=len(partner_rows),
        coordinators=len(coordinator_rows),
        sections=tuple(
            unit(section_id, items)
            for section_id, items in zip(SECTION_IDS, plan.section_items, strict=True)
        ),
        functions=tuple(
            unit(str(function.number), items)
            for function, items in zip(FUNCTIONS, plan.function_items, strict=True)
        ),
        items=tuple(unit(item_id, (i,)) for i, item_id in enumerate(plan.item_ids)),
        distributions=_distributions(responses, rows),
        rates=response_rates(responses, rows),
    )


@attrs.frozen(eq=False)
class _PoolSums:
    """Item sums and counts of one pool of respondents at one level."""

    item_sum: npt.NDArray[np.int32]
    item_count: npt.NDArray[np.int16]

    @classmethod
    def of(cls, sums: _UnitSums, rows: npt.NDArray[np.intp]) -> _PoolSums:
        return cls(item_sum=sums.item_sum[rows], item_count=sums.item_count[rows])

    def score(self, items: tuple[int, ...], strategy: str) -> Score:
        """Score the unit made of ``items`` for this pool."""
        if strategy == MEDIAN:
            value, n = self._median_of_respondent_means(items)
        else:
            value, n = self._mean_of_item_means(items)
        return _figure(value, n)

    def _unit_totals(
        self, items: tuple[int, ...]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        import numpy as np

        columns = list(items)
        unit_sum = self.item_sum[:, columns].sum(axis=1, dtype=np.int64)
        unit_count = self.item_count[:, columns].sum(axis=1, dtype=np.int64)
        return unit_sum, unit_count

    def _median_of_respondent_means(self, items: tuple[int, ...]) -> tuple[Fraction | None, int]:
        import numpy as np

        unit_sum, unit_count = self._unit_totals(items)
        taking_part = unit_count > 0
        sums = unit_sum[taking_part]
        counts = unit_count[taking_part]
        n = len(sums)
        if n == 0:
            return None, 0

        # Distinct respondent means differ by far more than float rounding, so
        # a float sort picks the right respondents; their exact means are then
        # rebuilt from the integer sums.
        means = sums / counts
        middle = n // 2
        if n % 2:
            position = int(np.argpartition(means, middle)[middle])
            return Fraction(int(sums[position]), 100 * int(counts[position])), n

        order = np.argpartition(means, [middle - 1, middle])
        low, high = int(order[middle - 1]), int(order[middle])
        low_mean = Fraction(int(sums[low]), 100 * int(counts[low]))
        high_mean = Fraction(int(sums[high]), 100 * int(counts[high]))
        return (low_mean + high_mean) / 2, n

    def _mean_of_item_means(self, items: tuple[int, ...]) -> tuple[Fraction | None, int]:
        import numpy as np

        columns = list(items)
        totals = self.item_sum[:, columns].sum(axis=0, dtype=np.int64).tolist()
        counts = self.item_count[:, columns].sum(axis=0, dtype=np.int64).tolist()
        item_means = [
            Fraction(total, 100 * count)
            for total, count in zip(totals, counts, strict=True)
            if count
        ]
        _, unit_count = self._unit_totals(items)
        n = int(np.count_nonzero(unit_count))
        if not item_means:
            return None, n
        return sum(item_means, Fraction(0)) / len(item_means), n


def _figure(value: Fraction | None, n: int) -> Score:
    if value is None:
        return Score(value=None, percent=None, status=Status.NO_DATA, n=n)
    percent = value * 25
    return Score(value=float(value), percent=float(percent), status=classify(percent), n=n)


def _distributions(
    responses: ResponseSet, rows: npt.NDArray[np.intp]
) -> tuple[AnswerDistribution, ...]:
    import numpy as np

    questionnaire = responses.questionnaire
    distributions: list[AnswerDistribution] = []
    for column, code in enumerate(responses.rating_codes):
        options = questionnaire.scale_of(questionnaire.question(code)).options
        # Shift by one so that NO_ANSWER (-1) lands in bin 0, which is dropped.
        bins = np.bincount(responses.choices[rows, column] + 1, minlength=len(options) + 1)
        counts = tuple(
            (option.code, int(count))
            for option, count in zip(options, bins[1:].tolist(), strict=True)
        )
        distributions.append(AnswerDistribution(question=code, counts=counts))
    return tuple(distributions)
