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
times 25. Special answers and empty answers are never scored. A unit with no
scored answer has no score and the status ``no_data``.

Values are carried as exact fractions from integer sums of hundredths, so a
score that is exactly 75 is classified as satisfactory, whatever floating
point would have made of it. Floats appear only in the returned figures.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from ccpm_core.errors import ScoringError
from ccpm_core.framework import FUNCTIONS, SECTION_IDS, Instrument, Status
from ccpm_core.rates import response_rates
from ccpm_core.results import (
    AnswerDistribution,
    LevelResult,
    OptionCounts,
    Results,
    Score,
    SelectionCounts,
    UnitScore,
)

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
    groups = _Groups.build(responses)
    tables = _UnitTables.build(responses, plan, groups)
    pools = _pool_weights(partners_only)

    item_scores = _unit_scores(tables.items, tables, plan.single_items, pools, strategy)
    section_scores = _unit_scores(tables.sections, tables, plan.section_items, pools, strategy)
    function_scores = _unit_scores(tables.functions, tables, plan.function_items, pools, strategy)
    distributions = _distributions(responses, groups, tables)
    selections = _selection_counts(responses, groups)

    levels = tuple(
        LevelResult(
            hub=hub,
            partners=int(groups.sizes[level, _PARTNER]),
            coordinators=int(groups.sizes[level, _COORDINATOR]),
            sections=_level_units(SECTION_IDS, section_scores, level),
            functions=_level_units(
                tuple(str(function.number) for function in FUNCTIONS), function_scores, level
            ),
            items=_level_units(plan.item_ids, item_scores, level),
            distributions=distributions[level],
            rates=response_rates(responses, groups.rows[level]),
            selections=selections[level],
        )
        for level, hub in enumerate(groups.levels)
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


# Respondents are grouped by level and kind: the group code is level * 3 + kind.
_PARTNER = 0
_COORDINATOR = 1
_OTHER_INSTRUMENT = 2
_KINDS = 3

# Tables with more cells than this are counted sparsely, by the keys that occur.
_DENSE_CELLS = 1 << 22
# Rows read at a time: 8192 rows of the standard questionnaire are 7 MB as intp, which
# stays in the cache better than larger blocks (measured on a 2-core AMD EPYC).
_BLOCK_ROWS = 1 << 13


@attrs.frozen
class _UnitPlan:
    """Which response columns make up each item, and which items each section and function."""

    item_ids: tuple[str, ...]
    item_columns: tuple[tuple[int, ...], ...]
    section_items: tuple[tuple[int, ...], ...]
    """Item positions per section, in SECTION_IDS order."""
    function_items: tuple[tuple[int, ...], ...]
    """Item positions per function, in FUNCTIONS order."""
    item_section: tuple[int, ...]
    """Position in SECTION_IDS of each item's section."""
    function_sections: tuple[tuple[int, ...], ...]
    """Section positions per function, in FUNCTIONS order."""

    @property
    def single_items(self) -> tuple[tuple[int, ...], ...]:
        """Each item as a unit of its own."""
        return tuple((i,) for i in range(len(self.item_ids)))

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
            item_section=tuple(SECTION_IDS.index(section) for section in section_of_item),
            function_sections=tuple(
                tuple(SECTION_IDS.index(section_id) for section_id in function.section_ids)
                for function in FUNCTIONS
            ),
        )


@attrs.frozen(eq=False)
class _Groups:
    """The level and kind of each respondent, and the respondents of each level."""

    levels: tuple[str | None, ...]
    """Levels present: None for national first, then hub names in sorted order."""
    code: npt.NDArray[np.intp]
    """Group of each respondent: level position * 3 + kind."""
    rows: tuple[npt.NDArray[np.intp], ...]
    """Positions of each level's respondents, in ascending order."""
    sizes: npt.NDArray[np.int64]
    """Respondents per level (rows) and kind (columns: partner, coordinator, other)."""

    @property
    def count(self) -> int:
        """Number of groups."""
        return len(self.levels) * _KINDS

    @classmethod
    def build(cls, responses: ResponseSet) -> _Groups:
        import numpy as np

        levels = tuple(responses.hubs)
        position = {hub: i for i, hub in enumerate(levels)}
        n = len(responses)
        level = np.fromiter(map(position.__getitem__, responses.hub.tolist()), np.intp, count=n)

        kind = np.full(n, _OTHER_INSTRUMENT, dtype=np.intp)
        kind[responses.instrument == Instrument.PARTNER] = _PARTNER
        kind[responses.instrument == Instrument.COORDINATOR] = _COORDINATOR
        code = level * _KINDS + kind

        by_level = np.argsort(level, kind="stable")
        boundaries = np.cumsum(np.bincount(level, minlength=len(levels)))[:-1]
        sizes = np.bincount(code, minlength=len(levels) * _KINDS).reshape(-1, _KINDS)
        return cls(
            levels=levels,
            code=code,
            rows=tuple(np.split(by_level, boundaries)),
            sizes=sizes.astype(np.int64),
        )


@attrs.frozen(eq=False)
class _PairTable:
    """How many respondents of each group have each (sum, count) pair in one unit.

    ``sums`` are in value steps (see :attr:`_UnitTables.step`); the pair (0, 0)
    counts the respondents without a scored answer in the unit.
    """

    sums: npt.NDArray[np.int64]
    counts: npt.NDArray[np.int64]
    frequency: npt.NDArray[np.int64]
    """Respondents per group (rows) and pair (columns)."""


@attrs.frozen(eq=False)
class _UnitTables:
    """Pair tables of every item, section and function, and option counts of every column.

    Each respondent's sum and count in a unit are packed into one integer
    key, ``sum * base + count``, so that keys of items add up to the key of
    their section, and one ``bincount`` per unit and block of rows counts
    every group. Only these small tables are kept: scores are computed from
    them exactly.
    """

    step: int
    """Value step in hundredths: the greatest common divisor of the scored values."""
    items: tuple[_PairTable, ...]
    sections: tuple[_PairTable, ...]
    functions: tuple[_PairTable, ...]
    options: tuple[npt.NDArray[np.int64], ...]
    """Per rating column: respondents per group (rows) and option index plus one (columns).

    Column 0 counts NO_ANSWER.
    """

    @classmethod
    def build(cls, responses: ResponseSet, plan: _UnitPlan, groups: _Groups) -> _UnitTables:
        import numpy as np

        step = _value_step(responses)
        max_steps = (
            max((_max_value(responses, code) for code in responses.rating_codes), default=0) // step
        )
        section_columns = [0] * len(SECTION_IDS)
        for item, columns in enumerate(plan.item_columns):
            section_columns[plan.item_section[item]] += len(columns)
        function_columns = [
            sum(section_columns[position] for position in positions)
            for positions in plan.function_sections
        ]
        base = max([*section_columns, *function_columns, 0]) + 1

        def counter(columns: int) -> _PairCounter:
            return _PairCounter(groups.count, max_steps * columns * base + columns + 1)

        key_tables = [
            _key_table(responses, column, step, base)
            for column in range(len(responses.rating_codes))
        ]
        items = [_ItemCounter(groups.count, columns, key_tables) for columns in plan.item_columns]
        sections = [counter(columns) for columns in section_columns]
        functions = [counter(columns) for columns in function_columns]

        for start in range(0, len(responses), _BLOCK_ROWS):
            # A block of rows with its columns made contiguous, as option index
            # plus one. Reading a column of the row-major table directly would
            # touch every cache line, and index arrays of intp are the fastest.
            block = responses.choices[start : start + _BLOCK_ROWS].T.astype(np.intp)
            block += 1
            code = groups.code[start : start + _BLOCK_ROWS]

            section_keys = [np.zeros(len(code), dtype=np.intp) for _ in SECTION_IDS]
            for item, item_counter in enumerate(items):
                key = item_counter.add(code, block)
                section_keys[plan.item_section[item]] += key
            for position, key in enumerate(section_keys):
                sections[position].add(code, key)
            for function, positions in enumerate(plan.function_sections):
                key = np.zeros(len(code), dtype=np.intp)
                for position in positions:
                    key += section_keys[position]
                functions[function].add(code, key)

        options: list[npt.NDArray[np.int64]] = [np.zeros(0, np.int64)] * len(key_tables)
        for item_counter in items:
            for column, counts in item_counter.options().items():
                options[column] = counts
        return cls(
            step=step,
            items=tuple(
                item_counter.table(base, max_steps * len(columns) * base + len(columns) + 1)
                for item_counter, columns in zip(items, plan.item_columns, strict=True)
            ),
            sections=tuple(counter.table(base) for counter in sections),
            functions=tuple(counter.table(base) for counter in functions),
            options=tuple(options),
        )


class _ItemCounter:
    """Counts, per group, each combination of options chosen in the columns of one item.

    The combinations give both the answer distribution of each column and
    the item's pair table, from one ``bincount`` per block. An item whose
    combinations would not fit a small table is counted column by column.
    """

    def __init__(
        self, groups: int, columns: tuple[int, ...], key_tables: list[npt.NDArray[np.intp]]
    ) -> None:
        import numpy as np

        self._groups = groups
        self._columns = columns
        self._key_tables = [key_tables[column] for column in columns]
        self._widths = [len(table) for table in self._key_tables]
        self._cells = math.prod(self._widths)
        self._joint = groups * self._cells <= _DENSE_CELLS
        sizes = [self._cells] if self._joint else self._widths
        self._counts = [np.zeros(groups * size, dtype=np.int64) for size in sizes]
        self._keys: list[npt.NDArray[np.intp]] = []

    def add(self, code: npt.NDArray[np.intp], block: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
        """Count one block of respondents and return their keys for this item."""
        import numpy as np

        key = np.zeros(len(code), dtype=np.intp)
        for table, column in zip(self._key_tables, self._columns, strict=True):
            key += table[block[column]]

        if self._joint:
            slot = code * self._cells
            stride = self._cells
            for width, column in zip(self._widths, self._columns, strict=True):
                stride //= width
                slot += block[column] * stride if stride > 1 else block[column]
            self._counts[0] += np.bincount(slot, minlength=len(self._counts[0]))
        else:
            columns = zip(self._counts, self._widths, self._columns, strict=True)
            for counts, width, column in columns:
                counts += np.bincount(code * width + block[column], minlength=len(counts))
            self._keys.append(np.stack([code, key]))
        return key

    def options(self) -> dict[int, npt.NDArray[np.int64]]:
        """Return, per column, respondents per group and option index plus one."""
        if not self._joint:
            columns = zip(self._columns, self._counts, self._widths, strict=True)
            return {
                column: counts.reshape(self._groups, width) for column, counts, width in columns
            }
        joint = self._counts[0].reshape(self._groups, *self._widths)
        axes = range(1, len(self._widths) + 1)
        return {
            column: joint.sum(axis=tuple(other for other in axes if other != axis))
            for axis, column in zip(axes, self._columns, strict=True)
        }

    def table(self, base: int, size: int) -> _PairTable:
        """Return the item's pair table."""
        import numpy as np

        if not self._joint:
            counter = _PairCounter(self._groups, size)
            for code, key in self._keys:
                counter.add(code, key)
            return counter.table(base)

        cell_keys = np.zeros(self._widths, dtype=np.intp)
        for axis, table in enumerate(self._key_tables):
            shape = [1] * len(self._widths)
            shape[axis] = len(table)
            cell_keys = cell_keys + table.reshape(shape)
        pairs, pair_of_cell = np.unique(cell_keys.ravel(), return_inverse=True)
        frequency = np.zeros((self._groups, len(pairs)), dtype=np.int64)
        joint = self._counts[0].reshape(self._groups, self._cells)
        np.add.at(frequency.T, pair_of_cell.ravel(), joint.T)
        return _pair_table(pairs, frequency, base)


class _PairCounter:
    """Counts keys per group over blocks of rows, densely when the table is small."""

    def __init__(self, groups: int, size: int) -> None:
        import numpy as np

        self._groups = groups
        self._size = size
        self._dense = groups * size <= _DENSE_CELLS
        self._counts = np.zeros(groups * size if self._dense else 0, dtype=np.int64)
        self._sparse: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]] = []

    def add(self, code: npt.NDArray[np.intp], key: npt.NDArray[np.intp]) -> None:
        """Count one block of respondents with their group codes and keys."""
        import numpy as np

        slots = code * self._size + key
        if self._dense:
            self._counts += np.bincount(slots, minlength=len(self._counts))
        else:
            self._sparse.append(np.unique(slots, return_counts=True))

    def table(self, base: int) -> _PairTable:
        """Return the pairs seen, with their frequency per group."""
        import numpy as np

        if self._dense:
            pairs = np.arange(self._size, dtype=np.int64)
            frequency = self._counts.reshape(self._groups, self._size)
        else:
            slots = np.concatenate([s for s, _ in self._sparse] or [np.zeros(0, np.intp)])
            weights = np.concatenate([c for _, c in self._sparse] or [np.zeros(0, np.intp)])
            distinct, inverse = np.unique(slots, return_inverse=True)
            totals = np.bincount(inverse, weights=weights, minlength=len(distinct))
            pairs, column = np.unique(distinct % self._size, return_inverse=True)
            frequency = np.zeros((self._groups, len(pairs)), dtype=np.int64)
            frequency[distinct // self._size, column] = totals.astype(np.int64)

        return _pair_table(pairs, frequency, base)


def _pair_table(
    pairs: npt.NDArray[np.int64], frequency: npt.NDArray[np.int64], base: int
) -> _PairTable:
    """Return the pair table of the keys ``pairs`` that occur at least once."""
    import numpy as np

    seen = frequency.any(axis=0)
    keys = pairs[seen]
    return _PairTable(
        sums=(keys // base).astype(np.int64),
        counts=(keys % base).astype(np.int64),
        frequency=frequency[:, seen].astype(np.int64),
    )


def _value_step(responses: ResponseSet) -> int:
    values = {
        hundredths
        for code in responses.rating_codes
        for hundredths in _hundredths(responses, code)
        if hundredths is not None
    }
    return math.gcd(*values) or 1


def _max_value(responses: ResponseSet, code: str) -> int:
    return max((h for h in _hundredths(responses, code) if h is not None), default=0)


def _hundredths(responses: ResponseSet, code: str) -> list[int | None]:
    questionnaire = responses.questionnaire
    options = questionnaire.scale_of(questionnaire.question(code)).options
    return [option.value_hundredths for option in options]


def _key_table(responses: ResponseSet, column: int, step: int, base: int) -> npt.NDArray[np.intp]:
    """Return the key of each option index plus one of one column; entry 0 is NO_ANSWER."""
    import numpy as np

    hundredths = _hundredths(responses, responses.rating_codes[column])
    keys = [0 if h is None else (h // step) * base + 1 for h in hundredths]
    return np.array([0, *keys], dtype=np.intp)


def _pool_weights(partners_only: bool) -> npt.NDArray[np.int64]:
    """Return which kinds (columns) each pool (rows: all, partner, coordinator) takes in."""
    import numpy as np

    pooled = [1, 0, 0] if partners_only else [1, 1, 1]
    return np.array([pooled, [1, 0, 0], [0, 1, 0]], dtype=np.int64)


def _pooled(frequency: npt.NDArray[np.int64], pools: npt.NDArray[np.int64]) -> Any:
    """Return frequencies per level, pool and column from frequencies per group and column."""
    import numpy as np

    groups, columns = frequency.shape
    by_kind = frequency.reshape(groups // _KINDS, _KINDS, columns)
    return np.einsum("lkc,pk->lpc", by_kind, pools)


def _unit_scores(
    unit_tables: tuple[_PairTable, ...],
    tables: _UnitTables,
    unit_items: tuple[tuple[int, ...], ...],
    pools: npt.NDArray[np.int64],
    strategy: str,
) -> list[list[tuple[Score, ...]]]:
    """Return, per unit and level, the scores of the three pools."""
    scores: list[list[tuple[Score, ...]]] = []
    for unit_table, items in zip(unit_tables, unit_items, strict=True):
        if strategy == MEDIAN:
            values, counts = _medians(unit_table, pools, tables.step)
        else:
            values, counts = _means_of_item_means(
                unit_table, [tables.items[i] for i in items], pools, tables.step
            )
        scores.append(
            [
                tuple(_figure(v, n) for v, n in zip(level_values, level_counts, strict=True))
                for level_values, level_counts in zip(values, counts, strict=True)
            ]
        )
    return scores


def _medians(
    table: _PairTable, pools: npt.NDArray[np.int64], step: int
) -> tuple[list[list[Fraction | None]], list[list[int]]]:
    """Return the median respondent mean and its base, per level and pool."""
    import numpy as np

    taking_part = table.counts > 0
    sums = table.sums[taking_part]
    counts = table.counts[taking_part]
    # Equal fractions give equal float quotients and distinct ones differ by
    # far more than rounding, so sorting the floats orders the exact means.
    order = np.argsort(sums / np.maximum(counts, 1), kind="stable")
    sums, counts = sums[order].tolist(), counts[order].tolist()

    frequency = _pooled(table.frequency[:, taking_part][:, order], pools)
    cumulative = np.cumsum(frequency, axis=2)
    total = cumulative[:, :, -1] if cumulative.shape[2] else np.zeros(frequency.shape[:2], int)
    low = np.sum(cumulative <= ((total - 1) // 2)[:, :, None], axis=2).tolist()
    high = np.sum(cumulative <= (total // 2)[:, :, None], axis=2).tolist()

    values: list[list[Fraction | None]] = []
    for level_total, level_low, level_high in zip(total.tolist(), low, high, strict=True):
        level_values: list[Fraction | None] = []
        for n, lo, hi in zip(level_total, level_low, level_high, strict=True):
            if n == 0:
                level_values.append(None)
                continue
            low_mean = Fraction(sums[lo] * step, 100 * counts[lo])
            high_mean = Fraction(sums[hi] * step, 100 * counts[hi])
            level_values.append(low_mean if n % 2 else (low_mean + high_mean) / 2)
        values.append(level_values)
    return values, total.tolist()


def _means_of_item_means(
    table: _PairTable, items: list[_PairTable], pools: npt.NDArray[np.int64], step: int
) -> tuple[list[list[Fraction | None]], list[list[int]]]:
    """Return the mean of the item means and the unit's base, per level and pool."""
    import numpy as np

    taking_part = table.counts > 0
    total = _pooled(table.frequency[:, taking_part], pools).sum(axis=2).tolist()
    item_totals = [_pooled(item.frequency, pools) @ item.sums for item in items]
    item_counts = [_pooled(item.frequency, pools) @ item.counts for item in items]
    totals = np.stack(item_totals, axis=2).tolist() if items else None
    counts = np.stack(item_counts, axis=2).tolist() if items else None

    values: list[list[Fraction | None]] = []
    for level, level_total in enumerate(total):
        level_values: list[Fraction | None] = []
        for pool in range(len(level_total)):
            item_means = (
                [
                    Fraction(item_total * step, 100 * item_count)
                    for item_total, item_count in zip(
                        totals[level][pool], counts[level][pool], strict=True
                    )
                    if item_count
                ]
                if totals is not None and counts is not None
                else []
            )
            level_values.append(
                sum(item_means, Fraction(0)) / len(item_means) if item_means else None
            )
        values.append(level_values)
    return values, total


def _level_units(
    unit_ids: tuple[str, ...], unit_scores: list[list[tuple[Score, ...]]], level: int
) -> tuple[UnitScore, ...]:
    return tuple(
        UnitScore(unit_id, *scores[level])
        for unit_id, scores in zip(unit_ids, unit_scores, strict=True)
    )


def _figure(value: Fraction | None, n: int) -> Score:
    if value is None:
        return Score(value=None, percent=None, status=Status.NO_DATA, n=n)
    percent = value * 25
    return Score(value=float(value), percent=float(percent), status=classify(percent), n=n)


def _distributions(
    responses: ResponseSet, groups: _Groups, tables: _UnitTables
) -> list[tuple[AnswerDistribution, ...]]:
    """Return, per level, how many respondents chose each option of each rating question."""
    questionnaire = responses.questionnaire
    levels = len(groups.levels)
    per_level: list[list[AnswerDistribution]] = [[] for _ in range(levels)]
    for code, option_counts in zip(responses.rating_codes, tables.options, strict=True):
        options = questionnaire.scale_of(questionnaire.question(code)).options
        width = len(options) + 1
        # Column 0 counts NO_ANSWER, which a distribution leaves out.
        by_level = option_counts.reshape(levels, _KINDS, width).sum(axis=1)[:, 1:].tolist()
        for level, level_counts in enumerate(by_level):
            counts = tuple(
                (option.code, int(count))
                for option, count in zip(options, level_counts, strict=True)
            )
            per_level[level].append(AnswerDistribution(question=code, counts=counts))
    return [tuple(distributions) for distributions in per_level]


def _selection_counts(responses: ResponseSet, groups: _Groups) -> list[tuple[SelectionCounts, ...]]:
    """Return, per level, the per-option counts of each select_multiple question.

    Questions follow questionnaire order. Respondents of neither instrument are
    left out, as they are of the level's respondent counts.
    """
    import numpy as np

    from ccpm_core.questionnaire import AnswerType
    from ccpm_core.responses import NO_ANSWER, SELECTED

    questionnaire = responses.questionnaire
    per_level: list[list[SelectionCounts]] = [[] for _ in groups.levels]
    for question in questionnaire.questions:
        if (
            question.type is not AnswerType.SELECT_MULTIPLE
            or question.code not in responses.selections
        ):
            continue
        options = [option.code for option in questionnaire.scale_of(question).options]
        matrix = responses.selections[question.code]
        _check_selection_shape(question.code, matrix.shape, len(responses), len(options))

        answered = np.bincount(
            groups.code[(matrix != NO_ANSWER).any(axis=1)], minlength=groups.count
        ).reshape(-1, _KINDS)
        chosen = matrix == SELECTED
        counts = np.stack(
            [
                np.bincount(groups.code[chosen[:, k]], minlength=groups.count)
                for k in range(len(options))
            ],
            axis=1,
        ).reshape(-1, _KINDS, len(options))
        for level in range(len(groups.levels)):
            pools = [
                OptionCounts(
                    respondents=int(answered[level, kind]),
                    counts=tuple(zip(options, counts[level, kind].tolist(), strict=True)),
                )
                for kind in (_PARTNER, _COORDINATOR)
            ]
            per_level[level].append(
                SelectionCounts(
                    question=question.code,
                    overall=_sum_pools(options, pools[0], pools[1]),
                    partner=pools[0],
                    coordinator=pools[1],
                )
            )
    return [tuple(level_counts) for level_counts in per_level]


def _check_selection_shape(code: str, shape: tuple[int, ...], rows: int, options: int) -> None:
    if shape != (rows, options):
        msg = (
            f"the selections of question {code!r} have shape {shape}, expected ({rows}, "
            f"{options}): one row per respondent and one column per option of its scale; "
            "build the response set with normalise_responses"
        )
        raise ScoringError(msg)


def _sum_pools(
    options: list[str], partner: OptionCounts, coordinator: OptionCounts
) -> OptionCounts:
    return OptionCounts(
        respondents=partner.respondents + coordinator.respondents,
        counts=tuple(
            (option, first + second)
            for option, (_, first), (_, second) in zip(
                options, partner.counts, coordinator.counts, strict=True
            )
        ),
    )
