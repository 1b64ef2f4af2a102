"""Which respondent counts and scores a report withholds beyond the breakdowns by type and option.

Coordinators take part by name, and each report states how many answered at
its level, so their counts are public. They are always shown and never serve
as complementary cells. Partner counts below the minimum cell size are
withheld, with whatever total would reveal them.

A score is a breakdown cell too when it splits the respondents of a level:
the partners' own score beside the coordinator's, or a hub's score beside the
national one. Such a score built on 1 to ``min_cell_size - 1`` partners is withheld. The
pooled scores of the level a report covers are that level itself, so they stay.

Each option of a select_multiple question splits the partners who answered
it in two: those who chose the option and those who did not. The share shown
beside the count reveals their number, so the split is suppressed as a
breakdown whose total is shown.

The partner counts by organisation type are a breakdown of the level's
partners, whose number the report states, so their total is always shown. A
withheld type is named in no note, and nothing else shown, such as whether
the total rates could be computed, may reveal whether its partners answered.
"""

from __future__ import annotations

import attrs

from ccpm_core.disclosure import Suppression, suppress_small_cells
from ccpm_core.rates import RateFigure, ResponseRates
from ccpm_core.results import LevelResult, OptionCounts, Results, Score, UnitScore

__all__ = [
    "SelectionSuppression",
    "UnitCountSuppression",
    "level_count_suppression",
    "level_rests_on_few_partners",
    "level_scores_withheld",
    "partner_score_withheld",
    "selection_count_suppression",
    "shown_total_rates",
    "type_count_suppression",
    "unit_count_suppression",
    "withheld_organisation_types",
]


@attrs.frozen
class UnitCountSuppression:
    """Flags for the respondent counts of one section, function or item score that are withheld."""

    partner: bool
    """Whether the number of partners behind the partners' score is withheld."""
    overall: bool
    """Whether the number of respondents behind the pooled score is withheld.

    The pooled count is the partners' plus the coordinators', and the
    coordinators' is public, so it is withheld whenever the partners' is.
    """


def unit_count_suppression(unit: UnitScore, min_cell_size: int) -> UnitCountSuppression:
    """Decide which of a unit's respondent counts to withhold at ``min_cell_size``."""
    suppression = suppress_small_cells(
        [unit.partner.n, unit.coordinator.n],
        min_cell_size,
        total_shown=True,
        public=(False, True),
    )
    return UnitCountSuppression(partner=suppression.cells[0], overall=suppression.total)


def level_count_suppression(results: Results, min_cell_size: int) -> Suppression:
    """Decide which levels' partner counts to withhold where levels are compared side by side.

    Levels split the respondents between them, so the counts add up to the
    rows scored that the data-quality annex shows, so the total counts as shown. The
    national level's count is public, because the national report states it.
    Cells follow the order of ``results.levels``.
    """
    # NOTE: with Suppression.total set, as for one small hub beside the national level,
    # the annex's row counts still reveal the hub's count by subtraction. Each hub's
    # own report also states its count.
    return suppress_small_cells(
        [level.partners for level in results.levels],
        min_cell_size,
        total_shown=True,
        public=[level.hub is None for level in results.levels],
    )


def partner_score_withheld(partner: Score, min_cell_size: int) -> bool:
    """Decide whether to withhold the partners' own score of a section, function or item.

    A score built on 1 to ``min_cell_size - 1`` partners is withheld. Its
    status reveals it as well, so a withheld score is shown without status.
    A score of no partners has no data, which names nobody.
    """
    return 0 < partner.n < min_cell_size


def level_scores_withheld(level: LevelResult, min_cell_size: int) -> bool:
    """Decide whether to withhold a hub's scores where levels are compared side by side.

    A hub with 1 to ``min_cell_size - 1`` partners is withheld. The national
    level is never withheld, because the national report shows its scores
    anyway, and neither is a hub without partners, whose scores are the
    coordinators' own.
    """
    return level.hub is not None and level_rests_on_few_partners(level, min_cell_size)


def level_rests_on_few_partners(level: LevelResult, min_cell_size: int) -> bool:
    """Decide whether a level's scores rest on 1 to ``min_cell_size - 1`` partners."""
    return 0 < level.partners < min_cell_size


@attrs.frozen
class SelectionSuppression:
    """Flags for the partner counts of one select_multiple question that are withheld."""

    options: tuple[bool, ...]
    """Per option, in the order of the counts: whether its count and share are withheld."""
    respondents: bool
    """Whether the number of partners who answered the question is withheld.

    Every share is withheld with it, because a count shown beside its share
    gives the number back.
    """


def selection_count_suppression(partner: OptionCounts, min_cell_size: int) -> SelectionSuppression:
    """Decide which partner counts of a select_multiple question to withhold at ``min_cell_size``.

    An option's count is withheld when 1 to ``min_cell_size - 1`` partners
    chose it, or when that few answered without choosing it. The number who
    answered is withheld when it would still reveal such a group, as it does
    when fewer than ``min_cell_size`` partners answered.
    """
    options: list[bool] = []
    respondents_withheld = False
    for _, count in partner.counts:
        split = [count, partner.respondents - count]
        suppression = suppress_small_cells(split, min_cell_size, total_shown=True)
        options.append(suppression.cells[0])
        respondents_withheld = respondents_withheld or suppression.total
    return SelectionSuppression(options=tuple(options), respondents=respondents_withheld)


def type_count_suppression(rates: ResponseRates, min_cell_size: int) -> Suppression:
    """Decide which partner counts by organisation type to withhold at ``min_cell_size``.

    Cells follow ``rates.by_type``, then the partners without a type, then the
    partners of a type the scale does not list, so that the cells add up to
    the level's partners. That total is the number of partners the report
    states, so it counts as shown. When :attr:`Suppression.total` is set, every
    cell that could hide a small count is hidden already, and the total is
    still shown, because it reveals no more than the stated number of partners.
    """
    counts = [type_rates.overall.responses for type_rates in rates.by_type]
    counts.append(rates.partners_without_type)
    # Partners of a type the scale does not list appear in no row of the report.
    counts.append(max(rates.overall.responses - sum(counts), 0))
    return suppress_small_cells(counts, min_cell_size, total_shown=True)


def withheld_organisation_types(rates: ResponseRates, suppression: Suppression) -> frozenset[str]:
    """Return the codes of the organisation types whose partner count ``suppression`` withholds."""
    return frozenset(
        type_rates.organisation_type
        for type_rates, hidden in zip(rates.by_type, suppression.cells, strict=False)
        if hidden
    )


def shown_total_rates(
    rates: ResponseRates, withheld_types: frozenset[str]
) -> tuple[RateFigure, RateFigure]:
    """Return the overall and effective total rates a report may show beside withheld types.

    The total rates have no base when a type whose partners answered has no
    count from the coordinator. A withheld type shows whether it has a count,
    so a missing total base would reveal that its partners answered. The total
    bases are dropped, then, whenever a withheld type has no count, whether
    its partners answered or not.
    """
    uncounted_withheld = any(
        type_rates.overall.base is None
        for type_rates in rates.by_type
        if type_rates.organisation_type in withheld_types
    )
    if not uncounted_withheld:
        return rates.overall, rates.effective
    return (
        RateFigure(rates.overall.responses, None),
        RateFigure(rates.effective.responses, None),
    )
