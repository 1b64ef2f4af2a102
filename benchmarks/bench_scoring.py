"""Time ccpm's scoring of a large synthetic survey against bare NumPy and a Python loop.

By default the survey has 1,000,000 responses to the standard questionnaire,
spread over the national level and 20 hubs. About one respondent in 40 is a
coordinator. Each respondent answers the rating questions of their own
instrument. About 8 % of answers are left empty, and on questions that offer
special answers (don't know, not applicable) about 6 % are special answers.
The rest spread over the scale.

Three computations produce the same figures for both strategies. The figures
cover every section, function and item at every level, the pooled, partner
and coordinator figures, and the answer distributions:

- ccpm: :func:`ccpm_core.scoring.score`, with exact fractions and full results;
- bare NumPy: float means and ``np.median`` over each level's and pool's rows,
  with no result objects (see :func:`bare_numpy`);
- a Python loop over responses, timed on a subset and scaled linearly to the
  full size (see :func:`python_loop`).

The baseline and ccpm alternate, and medians are reported. Peak memory of
ccpm's scoring is traced with tracemalloc in a separate run. Run from the
repository root::

    python benchmarks/bench_scoring.py
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark_support import MIB, alternate, machine_lines, peak_memory, timed

from ccpm_core.framework import FUNCTIONS, SECTION_IDS, Instrument
from ccpm_core.questionnaire import QuestionKind, Questionnaire, standard_questionnaire
from ccpm_core.responses import NO_ANSWER, DataQuality, ResponseSet
from ccpm_core.scoring import STRATEGIES, score

HUBS = 20
COORDINATOR_SHARE = 1 / 40
EMPTY_SHARE = 0.08
SPECIAL_SHARE = 0.06


def synthetic_responses(questionnaire: Questionnaire, size: int, seed: int = 7) -> ResponseSet:
    """Return ``size`` random responses at the national level and ``HUBS`` hubs."""
    rng = np.random.default_rng(seed)
    ratings = questionnaire.questions_of(QuestionKind.RATING)
    codes = tuple(question.code for question in ratings)

    is_coordinator = rng.random(size) < COORDINATOR_SHARE
    instrument = np.where(is_coordinator, Instrument.COORDINATOR, Instrument.PARTNER)
    levels = np.array([None, *(f"Hub {number:02d}" for number in range(1, HUBS + 1))], object)
    hub = levels[rng.integers(0, len(levels), size)]

    choices = np.full((size, len(codes)), NO_ANSWER, dtype=np.int16)
    for column, question in enumerate(ratings):
        options = questionnaire.scale_of(question).options
        scored = [i for i, option in enumerate(options) if option.scored]
        special = [i for i, option in enumerate(options) if not option.scored]
        draw = rng.random(size)
        answer = np.array(scored, np.int16)[rng.integers(0, len(scored), size)]
        if special:
            special_answer = np.array(special, np.int16)[rng.integers(0, len(special), size)]
            answer = np.where(draw < SPECIAL_SHARE, special_answer, answer)
        answer[draw > 1 - EMPTY_SHARE] = NO_ANSWER
        if question.instrument is not None:
            answer[instrument != question.instrument] = NO_ANSWER
        choices[:, column] = answer

    return ResponseSet(
        questionnaire=questionnaire,
        instrument=instrument.astype(object),
        hub=hub,
        organisation_type=np.full(size, None, dtype=object),
        rating_codes=codes,
        choices=choices,
        counts={},
        comments=(),
        quality=DataQuality(source="synthetic", rows_read=size, rows_scored=size),
    )


def _units(questionnaire: Questionnaire, codes: tuple[str, ...]) -> list[list[list[int]]]:
    """Return the columns of each item, per unit: sections, functions, then items."""
    columns_of_item: dict[str, list[int]] = defaultdict(list)
    for column, code in enumerate(codes):
        item = questionnaire.question(code).item
        if item is not None:
            columns_of_item[item].append(column)
    items = [item for item in questionnaire.items]
    sections = [
        [columns_of_item[item.id] for item in items if item.section == section_id]
        for section_id in SECTION_IDS
    ]
    functions = [
        [columns_of_item[item.id] for item in items if item.section in function.section_ids]
        for function in FUNCTIONS
    ]
    singles = [[columns_of_item[item.id]] for item in items]
    return sections + functions + singles


def bare_numpy(responses: ResponseSet, strategy: str) -> list[float]:
    """Compute the same figures as ccpm in floats with plain NumPy, and return them flat.

    Values are looked up per column (NaN where nothing is scored). Each
    unit's per-respondent sums and counts are computed once over all rows.
    Each level's and pool's figure is then ``np.median`` of the respondent
    means, or the mean of the item means, over that pool's rows.
    """
    questionnaire = responses.questionnaire
    codes = responses.rating_codes
    values = []
    for column, code in enumerate(codes):
        options = questionnaire.scale_of(questionnaire.question(code)).options
        table = np.array([np.nan if o.value is None else o.value for o in options] + [np.nan])
        values.append(table[responses.choices[:, column]])

    hubs = responses.hub
    partner = responses.instrument == Instrument.PARTNER
    coordinator = responses.instrument == Instrument.COORDINATOR
    pools: list[npt.NDArray[np.intp]] = []
    for level in responses.hubs:
        # Elementwise on the object array, None included.
        at_level: npt.NDArray[np.bool_] = hubs == level
        for pool in (at_level, at_level & partner, at_level & coordinator):
            pools.append(np.flatnonzero(pool))

    figures: list[float] = []
    for unit in _units(questionnaire, codes):
        columns = [column for item in unit for column in item]
        unit_sum = np.zeros(len(responses))
        unit_count = np.zeros(len(responses))
        for column in columns:
            scored = ~np.isnan(values[column])
            unit_sum += np.where(scored, values[column], 0)
            unit_count += scored
        if strategy == "median":
            with np.errstate(invalid="ignore", divide="ignore"):
                means = unit_sum / unit_count
            for rows in pools:
                pool_means = means[rows]
                pool_means = pool_means[unit_count[rows] > 0]
                figures.append(float(np.median(pool_means)) if len(pool_means) else np.nan)
        else:
            for rows in pools:
                item_means = []
                for item in unit:
                    item_values = np.concatenate([values[column][rows] for column in item])
                    item_values = item_values[~np.isnan(item_values)]
                    if len(item_values):
                        item_means.append(item_values.mean())
                figures.append(float(np.mean(item_means)) if item_means else np.nan)

    for column in range(len(codes)):
        for rows in pools[::3]:
            figures.extend(np.bincount(responses.choices[rows, column] + 1).tolist())
    return figures


def python_loop(responses: ResponseSet, strategy: str) -> list[float | None]:
    """Compute the same figures with a loop over responses in plain Python.

    Each response's values are summed per unit and appended to its level's
    and pools' lists. The figures are then the ``statistics.median`` or the
    mean of item means of those lists.
    """
    questionnaire = responses.questionnaire
    codes = responses.rating_codes
    tables = []
    for code in codes:
        options = questionnaire.scale_of(questionnaire.question(code)).options
        tables.append([o.value for o in options] + [None])
    units = _units(questionnaire, codes)

    means: dict[tuple[int, Any, str], list[float]] = defaultdict(list)
    item_values: dict[tuple[int, int, Any, str], list[float]] = defaultdict(list)
    answers: dict[tuple[int, Any, int], int] = defaultdict(int)
    for row, hub, instrument in zip(
        responses.choices.tolist(),
        responses.hub.tolist(),
        responses.instrument.tolist(),
        strict=True,
    ):
        values = [table[choice] for table, choice in zip(tables, row, strict=True)]
        for column, choice in enumerate(row):
            answers[column, hub, choice] += 1
        for unit_number, unit in enumerate(units):
            total, count = 0.0, 0
            for item_number, item in enumerate(unit):
                for column in item:
                    value = values[column]
                    if value is not None:
                        total += value
                        count += 1
                        for pool in ("all", str(instrument)):
                            item_values[unit_number, item_number, hub, pool].append(value)
            if count:
                for pool in ("all", str(instrument)):
                    means[unit_number, hub, pool].append(total / count)

    figures: list[float | None] = []
    for unit_number, unit in enumerate(units):
        for hub in responses.hubs:
            for pool in ("all", "partner", "coordinator"):
                if strategy == "median":
                    pool_means = means.get((unit_number, hub, pool))
                    figures.append(statistics.median(pool_means) if pool_means else None)
                else:
                    item_means = [
                        statistics.fmean(found)
                        for item_number in range(len(unit))
                        if (found := item_values.get((unit_number, item_number, hub, pool)))
                    ]
                    figures.append(statistics.fmean(item_means) if item_means else None)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--loop-responses", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()

    questionnaire = standard_questionnaire()
    responses = synthetic_responses(questionnaire, arguments.responses)
    subset = synthetic_responses(questionnaire, arguments.loop_responses)
    table_bytes = responses.choices.nbytes
    scale = arguments.responses / arguments.loop_responses

    for line in machine_lines():
        print(line)
    print(
        f"responses: {arguments.responses:,} x {len(responses.rating_codes)} rating questions "
        f"({table_bytes / MIB:.0f} MiB of choices), levels: {len(responses.hubs)}, "
        f"repeats: {arguments.repeats}"
    )
    for strategy in STRATEGIES:
        medians = alternate(
            {
                "ccpm": functools.partial(score, responses, strategy),
                "numpy": functools.partial(bare_numpy, responses, strategy),
            },
            arguments.repeats,
        )
        loop_wall, loop_cpu = timed(functools.partial(python_loop, subset, strategy))
        ccpm_wall, ccpm_cpu = medians["ccpm"]
        numpy_wall, numpy_cpu = medians["numpy"]
        print(f"\nstrategy {strategy}")
        print(f"  ccpm score:   wall {ccpm_wall:.2f} s, CPU {ccpm_cpu:.2f} s")
        print(f"  bare NumPy:   wall {numpy_wall:.2f} s, CPU {numpy_cpu:.2f} s")
        print(
            f"  Python loop:  wall {loop_wall * scale:.1f} s, CPU {loop_cpu * scale:.1f} s "
            f"(measured on {arguments.loop_responses:,} responses, scaled x{scale:.0f})"
        )
        print(
            f"  ratios (CPU): ccpm / NumPy {ccpm_cpu / numpy_cpu:.2f}, "
            f"Python loop / ccpm {loop_cpu * scale / ccpm_cpu:.0f}"
        )

    peak = peak_memory(lambda: score(responses, "median"))
    print(
        f"\npeak traced memory of score(): {peak / MIB:.0f} MiB "
        f"({peak / table_bytes:.2f} x the choices table of {table_bytes / MIB:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
