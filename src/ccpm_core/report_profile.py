"""The report part "Respondent profile": one table per select_multiple question.

Each table lists every option of the question's scale with the number of
partners and of coordinators who chose it, and their share of the
respondents of that instrument who answered the question. Partner counts are
withheld as :func:`ccpm_core.report_suppression.selection_count_suppression`
decides. Coordinators take part by name, so their counts are always shown.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ccpm_core.disclosure import DEFAULT_MIN_CELL_SIZE, check_min_cell_size
from ccpm_core.framework import Instrument
from ccpm_core.i18n import translator
from ccpm_core.locale_format import format_number, format_percent
from ccpm_core.questionnaire import Questionnaire
from ccpm_core.report_model import Block, Cell, Heading, Paragraph, Table
from ccpm_core.report_suppression import SelectionSuppression, selection_count_suppression
from ccpm_core.results import LevelResult, OptionCounts, SelectionCounts

__all__ = ["profile_blocks"]


def profile_blocks(
    level: LevelResult,
    questionnaire: Questionnaire,
    language: str = "en",
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
) -> list[Block]:
    """Build the profile part of one level's report; empty without select_multiple counts.

    A question the questionnaire does not know, as in results read back with
    another questionnaire, is shown with its code and option codes. Raises
    :class:`ccpm_core.disclosure.DisclosureError` for a ``min_cell_size``
    below 1.
    """
    check_min_cell_size(min_cell_size)
    if not level.selections:
        return []
    writer = _ProfileWriter(questionnaire, language, min_cell_size)
    _ = writer._
    blocks: list[Block] = [
        Heading(_("Respondent profile"), 1),
        Paragraph(
            _(
                "Respondents could choose several options of these questions, so the counts "
                "do not add up to the number who answered. Each share is of the respondents "
                "of that instrument who answered the question."
            ),
            emphasis=True,
        ),
    ]
    for counts in level.selections:
        blocks += writer.question_blocks(counts)
    return blocks


@attrs.frozen
class _Pool:
    """One instrument's columns of a profile table."""

    counts: OptionCounts
    suppression: SelectionSuppression


class _ProfileWriter:
    def __init__(self, questionnaire: Questionnaire, language: str, min_cell_size: int) -> None:
        self.questionnaire = questionnaire
        self.language = language
        self.min_cell_size = min_cell_size
        self._: Callable[[str], str] = translator(language)

    def question_blocks(self, counts: SelectionCounts) -> list[Block]:
        _ = self._
        title = self._question_label(counts.question)
        blocks: list[Block] = [Heading(title, 2)]
        if counts.overall.respondents == 0:
            blocks.append(Paragraph(_("No respondent answered this question.")))
            return blocks

        pools = self._pools(counts)
        header = [_("Option")]
        for instrument in pools:
            header += self._pool_header(instrument)
        rows: list[tuple[Cell, ...]] = []
        for position, (option, _count) in enumerate(counts.overall.counts):
            cells = [Cell(self._option_label(counts.question, option))]
            for pool in pools.values():
                cells += self._option_cells(pool, position)
            rows.append(tuple(cells))
        total = [Cell(_("Answered the question"))]
        for pool in pools.values():
            total += self._respondent_cells(pool)
        rows.append(tuple(total))

        blocks.append(Table(header=tuple(header), rows=tuple(rows), caption=title))
        return blocks

    def _pools(self, counts: SelectionCounts) -> dict[Instrument, _Pool]:
        """Return the instruments the question is asked in, with their counts and suppression."""
        instruments = [Instrument.PARTNER, Instrument.COORDINATOR]
        if self.questionnaire.has_question(counts.question):
            asked = self.questionnaire.question(counts.question).instrument
            if asked is not None:
                instruments = [asked]
        pools: dict[Instrument, _Pool] = {}
        for instrument in instruments:
            pool_counts = counts.partner if instrument is Instrument.PARTNER else counts.coordinator
            pools[instrument] = _Pool(pool_counts, self._suppression(instrument, pool_counts))
        return pools

    def _suppression(self, instrument: Instrument, counts: OptionCounts) -> SelectionSuppression:
        if instrument is Instrument.PARTNER:
            return selection_count_suppression(counts, self.min_cell_size)
        return SelectionSuppression(options=(False,) * len(counts.counts), respondents=False)

    def _pool_header(self, instrument: Instrument) -> list[str]:
        _ = self._
        if instrument is Instrument.PARTNER:
            return [_("Partners"), _("Share of partners")]
        return [_("Coordinators"), _("Share of coordinators")]

    def _option_cells(self, pool: _Pool, position: int) -> list[Cell]:
        count = pool.counts.counts[position][1]
        if pool.suppression.options[position]:
            return [Cell(self._withheld(), numeric=True), Cell(self._withheld(), numeric=True)]
        share = (
            self._withheld()
            if pool.suppression.respondents
            else self._share(count, pool.counts.respondents)
        )
        return [Cell(format_number(count, self.language), numeric=True), Cell(share, numeric=True)]

    def _respondent_cells(self, pool: _Pool) -> list[Cell]:
        respondents = (
            self._withheld()
            if pool.suppression.respondents
            else format_number(pool.counts.respondents, self.language)
        )
        return [Cell(respondents, numeric=True), Cell("", numeric=True)]

    def _share(self, count: int, respondents: int) -> str:
        """Format ``count`` as a percentage of ``respondents``, or the no-value mark for 0 of 0."""
        if respondents == 0:
            return format_percent(None, self.language)
        return format_percent(100 * count / respondents, self.language)

    def _question_label(self, code: str) -> str:
        if not self.questionnaire.has_question(code):
            return code
        question = self.questionnaire.question(code)
        return self.questionnaire.label(question.label, self.language)

    def _option_label(self, code: str, option: str) -> str:
        if not self.questionnaire.has_question(code):
            return option
        question = self.questionnaire.question(code)
        if question.scale is None:
            return option
        scale = self.questionnaire.scale_of(question)
        if option not in {known.code for known in scale.options}:
            return option
        return self.questionnaire.label(scale.option(option).label, self.language)

    def _withheld(self) -> str:
        # TRANSLATORS: shown in a table cell in place of a count withheld to protect anonymity.
        return self._("withheld")
