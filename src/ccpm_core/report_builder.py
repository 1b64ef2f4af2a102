"""The preliminary CCPM report of one level, as a renderer-neutral report model.

The parts follow the order coordinators know from the CCPM reports: cover,
response rates, the respondent profile (counts per option of each
select_multiple question), overall performance with its legend and status table, one part
per function with its chart and a review of each section (item scores,
indicative characteristics and two fields the workshop fills in), answer
distributions with the open comments, and a data-quality annex that accounts
for every row and answer of the input, repeated submissions included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from ccpm_core.disclosure import (
    DEFAULT_MIN_CELL_SIZE,
    check_min_cell_size,
    suppress_small_cells,
)
from ccpm_core.framework import FUNCTIONS, SECTIONS, Function, Status
from ccpm_core.i18n import plural_translator, translator
from ccpm_core.locale_format import format_number, format_percent, format_score
from ccpm_core.questionnaire import (
    PROFILE_ORGANISATION_TYPE,
    Question,
    QuestionKind,
    Questionnaire,
)
from ccpm_core.rates import RateFigure, ResponseRates
from ccpm_core.redaction import redact_contacts
from ccpm_core.report_change import ExerciseChange, compare_results
from ccpm_core.report_change_blocks import change_blocks
from ccpm_core.report_deduplication import deduplication_blocks
from ccpm_core.report_model import (
    Block,
    BulletList,
    Cell,
    Chart,
    ChartBar,
    Cover,
    EditableField,
    Heading,
    Paragraph,
    Report,
    Table,
)
from ccpm_core.report_profile import profile_blocks
from ccpm_core.report_suppression import (
    UnitCountSuppression,
    level_count_suppression,
    level_rests_on_few_partners,
    level_scores_withheld,
    partner_score_withheld,
    shown_total_rates,
    type_count_suppression,
    unit_count_suppression,
    withheld_organisation_types,
)
from ccpm_core.report_text import format_points, method_label, status_label
from ccpm_core.responses import ExclusionReason
from ccpm_core.results import LevelResult, Results, Score, UnitScore
from ccpm_core.results_document import ExerciseInfo

__all__ = ["ReportMetadata", "build_preliminary_report", "status_label"]


@attrs.frozen
class ReportMetadata:
    """Facts for the cover that the responses do not contain."""

    cluster: str = ""
    country: str = ""
    date: dt.date | None = None
    survey_period: str = ""


def build_preliminary_report(
    results: Results,
    questionnaire: Questionnaire,
    metadata: ReportMetadata | None = None,
    hub: str | None = None,
    language: str = "en",
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    redact_comment_contacts: bool = False,
    previous: Results | None = None,
    previous_exercise: ExerciseInfo | None = None,
) -> Report:
    """Build the preliminary report of the national level (``hub`` None) or of one hub.

    Partner counts below ``min_cell_size`` are suppressed, with complementary
    cells, as :func:`ccpm_core.disclosure.suppress_small_cells` decides: in
    the response rates by organisation type, the counts per option of the
    respondent profile, the answer distributions, the levels compared and the
    numbers of partners behind each score. Scores
    built on fewer partners are withheld with their status, as
    :mod:`ccpm_core.report_suppression` decides: the partners' own scores and
    gaps, and a hub's scores in the levels compared. 1 shows every count.
    With ``redact_comment_contacts``, e-mail addresses and phone numbers in
    comments are replaced by a marker. With the ``previous`` exercise's
    results, a part shows each section's change since then, and names the
    ``previous_exercise`` when it is given.

    Raises KeyError when the level has no responses; the message lists the
    levels that do. Raises :class:`ccpm_core.disclosure.DisclosureError` for a
    ``min_cell_size`` below 1, and :class:`ccpm_core.report_change.ComparisonError`
    when ``previous`` comes from another questionnaire.
    """
    change = compare_results(results, previous, previous_exercise) if previous is not None else None
    builder = _ReportBuilder(
        results,
        questionnaire,
        metadata or ReportMetadata(),
        language,
        _Protection(check_min_cell_size(min_cell_size), redact_comment_contacts),
        change,
    )
    return builder.build(results.level(hub))


@attrs.frozen
class _Protection:
    """How the report keeps respondents anonymous beyond leaving out identifying columns."""

    min_cell_size: int
    redact_contacts: bool


class _ReportBuilder:
    def __init__(
        self,
        results: Results,
        questionnaire: Questionnaire,
        metadata: ReportMetadata,
        language: str,
        protection: _Protection,
        change: ExerciseChange | None = None,
    ) -> None:
        self.results = results
        self.questionnaire = questionnaire
        self.metadata = metadata
        self.language = language
        self.protection = protection
        self.change = change
        self._: Callable[[str], str] = translator(language)
        self._ngettext: Callable[[str, str, int], str] = plural_translator(language)

    def build(self, level: LevelResult) -> Report:
        blocks: list[Block] = []
        blocks += self._response_rates(level)
        blocks += profile_blocks(
            level, self.questionnaire, self.language, self.protection.min_cell_size
        )
        blocks += self._overall_performance(level)
        if level.hub is None and len(self.results.levels) > 1:
            blocks += self._hub_comparison()
        if self.change is not None:
            blocks += change_blocks(self.change, level.hub, self.language)
        for function in FUNCTIONS:
            blocks += self._function_review(level, function)
        blocks += self._distributions_and_comments(level)
        blocks += self._data_quality()
        return Report(cover=self._cover(level), blocks=tuple(blocks), language=self.language)

    # Cover and response rates

    def _cover(self, level: LevelResult) -> Cover:
        _ = self._
        level_name = _("National") if level.hub is None else level.hub
        strategy = method_label(self.results.strategy, self.results.partners_only, self.language)
        return Cover(
            title=_("CCPM preliminary report"),
            cluster=self.metadata.cluster,
            country=self.metadata.country,
            level=level_name,
            date=self.metadata.date,
            survey_period=self.metadata.survey_period,
            subtitle=_("Cluster Coordination Performance Monitoring") + f" · {strategy}",
        )

    def _response_rates(self, level: LevelResult) -> list[Block]:
        _ = self._
        rates = level.rates
        type_scale = self.questionnaire.scale_of(
            self.questionnaire.question(PROFILE_ORGANISATION_TYPE)
        )
        blocks: list[Block] = [
            Heading(_("Response rates"), 1),
            Paragraph(
                _(
                    "Partners who answered: {partners}. Coordinator responses: {coordinators}."
                ).format(
                    partners=self._number(level.partners),
                    coordinators=self._number(level.coordinators),
                )
            ),
            Paragraph(
                _(
                    "The overall response rate divides partner responses by the number of "
                    "organisations in the cluster; the effective response rate divides them by "
                    "the average number of organisations attending meetings. Both counts come "
                    "from the coordinator's answers."
                ),
                emphasis=True,
            ),
        ]
        if self.protection.min_cell_size > 1:
            blocks.append(Paragraph(self._suppression_note(), emphasis=True))
            if level_rests_on_few_partners(level, self.protection.min_cell_size):
                blocks.append(Paragraph(self._few_partners_note(level), emphasis=True))

        suppression = type_count_suppression(rates, self.protection.min_cell_size)
        withheld = withheld_organisation_types(rates, suppression)
        total_overall, total_effective = shown_total_rates(rates, withheld)
        rows: list[tuple[Cell, ...]] = []
        for type_rates, hidden in zip(rates.by_type, suppression.cells, strict=False):
            option = type_scale.option(type_rates.organisation_type)
            rows.append(
                (
                    Cell(self.questionnaire.label(option.label, self.language)),
                    *self._rate_cells(type_rates.overall, type_rates.effective, hidden),
                )
            )
        if rates.partners_without_type:
            count_text = (
                self._suppressed_text()
                if suppression.cells[-2]
                else self._number(rates.partners_without_type)
            )
            rows.append(
                (
                    Cell(_("Type not given")),
                    Cell(count_text, numeric=True),
                    Cell("", numeric=True),
                    Cell("", numeric=True),
                    Cell("", numeric=True),
                    Cell("", numeric=True),
                )
            )
        # The total is the number of partners stated above, so it is never withheld.
        rows.append((Cell(_("Total")), *self._rate_cells(total_overall, total_effective)))
        blocks.append(
            Table(
                header=(
                    _("Organisation type"),
                    _("Partner responses"),
                    _("Organisations in the cluster"),
                    _("Overall response rate"),
                    _("Average attendance"),
                    _("Effective response rate"),
                ),
                rows=tuple(rows),
                caption=_("Response rates by organisation type"),
            )
        )

        if rates.coordinators_reporting == 0:
            blocks.append(
                Paragraph(
                    _(
                        "No coordinator response gave the number of organisations, so no "
                        "response rate can be computed for this level."
                    )
                )
            )
        blocks += self._count_check_notes(rates, withheld, total_overall, total_effective)
        blocks += self._missing_count_notes(rates, withheld)
        return blocks

    def _missing_count_notes(self, rates: ResponseRates, withheld: frozenset[str]) -> list[Block]:
        """Explain total rates left without a base, naming only the types whose counts are shown.

        When a withheld type has no count, the note names no type, because
        naming the others would reveal whether the withheld type's partners
        answered. Without any coordinator count, the note above says enough.
        """
        if rates.coordinators_reporting == 0:
            return []
        uncounted_withheld = any(
            type_rates.overall.base is None and type_rates.organisation_type in withheld
            for type_rates in rates.by_type
        )
        if uncounted_withheld:
            text = self._(
                "The coordinator gave no count for some organisation types, so the total "
                "rates are not computed."
            )
        elif rates.types_without_count:
            names = ", ".join(self._organisation_type_name(c) for c in rates.types_without_count)
            text = self._(
                "The coordinator gave no count for some organisation types whose "
                "partners answered ({types}), so the total rates are not computed."
            ).format(types=names)
        else:
            return []
        return [Paragraph(text)]

    def _count_check_notes(
        self,
        rates: ResponseRates,
        withheld: frozenset[str],
        total_overall: RateFigure,
        total_effective: RateFigure,
    ) -> list[Block]:
        """Flag partner counts above the coordinator's counts, naming only the types shown.

        A withheld type is never named, and its excess never triggers the
        note, because a base shown beside it would narrow down its count. The
        total is public, so its excess is always checked.
        """
        _ = self._
        above = [code for code in rates.types_above_base if code not in withheld]
        total_above = total_effective.exceeds_base or total_overall.exceeds_base
        blocks: list[Block] = []
        if above or total_above:
            names = ", ".join(self._organisation_type_name(code) for code in above)
            blocks.append(
                Paragraph(
                    _(
                        "More partners answered than the coordinator's counts allow; "
                        "check the counts before using the rates."
                    )
                    + (
                        " " + _("Organisation types concerned: {types}.").format(types=names)
                        if names
                        else ""
                    )
                )
            )
        if withheld:
            blocks.append(
                Paragraph(
                    _(
                        "Withheld counts are not checked against the coordinator's counts "
                        "in this report."
                    ),
                    emphasis=True,
                )
            )
        return blocks

    def _organisation_type_name(self, code: str) -> str:
        scale = self.questionnaire.scale_of(self.questionnaire.question(PROFILE_ORGANISATION_TYPE))
        return self.questionnaire.label(scale.option(code).label, self.language)

    def _rate_cells(
        self, overall: RateFigure, effective: RateFigure, suppressed: bool = False
    ) -> tuple[Cell, ...]:
        """Return the count, base and rate cells; a suppressed row hides what reveals its count."""
        if suppressed:
            hidden = self._suppressed_text()
            return (
                Cell(hidden, numeric=True),
                Cell(self._number(overall.base), numeric=True),
                Cell(hidden, numeric=True),
                Cell(self._number(effective.base), numeric=True),
                Cell(hidden, numeric=True),
            )
        return (
            Cell(self._number(overall.responses), numeric=True),
            Cell(self._number(overall.base), numeric=True),
            Cell(self._percent(overall.percent), numeric=True),
            Cell(self._number(effective.base), numeric=True),
            Cell(self._percent(effective.percent), numeric=True),
        )

    def _suppression_note(self) -> str:
        return (
            self._(
                "To keep respondents anonymous, a count of fewer than {k} partners is not "
                "shown, and neither is a rate computed from it. This holds for the counts by "
                "organisation type, by answer option and by hub, and for the number of "
                "partners behind a score. Where a total would reveal such a count, a further "
                'count is withheld as well. Withheld figures read "{marker}". Coordinators '
                "take part by name, so their counts are shown."
            ).format(k=self._number(self.protection.min_cell_size), marker=self._suppressed_text())
            + " "
            + self._(
                "A score built on fewer than {k} partners is withheld too, with its status: "
                "the partners' own score and its gap to the coordinator's, and a hub's scores "
                "where levels are compared. The coordinator's scores are shown, and so are "
                "the scores of the level this report covers."
            ).format(k=self._number(self.protection.min_cell_size))
        )

    def _few_partners_note(self, level: LevelResult) -> str:
        """State that the scores of the level this report covers rest on fewer than k partners."""
        if level.hub is None:
            text = self._(
                "The scores of this report rest on fewer than {k} partners, so a reader "
                "who knows which partners answered may infer their answers from them."
            )
        else:
            text = self._(
                "The scores of this hub rest on fewer than {k} partners, so a reader "
                "who knows which partners answered may infer their answers from them. "
                "The national report withholds this hub's scores."
            )
        return text.format(k=self._number(self.protection.min_cell_size))

    def _suppressed_text(self) -> str:
        # TRANSLATORS: shown in a table cell in place of a count withheld to protect anonymity.
        return self._("withheld")

    # Overall performance

    def _overall_performance(self, level: LevelResult) -> list[Block]:
        _ = self._
        legend = Table(
            header=(_("Status"), _("Score")),
            rows=(
                (
                    self._status_cell(Status.GOOD),
                    # TRANSLATORS: {upper} is a percentage written for the language, such as "75 %".
                    Cell(_("above {upper}").format(upper=self._whole_percent(75))),
                ),
                (
                    self._status_cell(Status.SATISFACTORY),
                    Cell(
                        # TRANSLATORS: {lower} and {upper} are percentages, such as "50 %".
                        _("above {lower} up to {upper}").format(
                            lower=self._whole_percent(50), upper=self._whole_percent(75)
                        )
                    ),
                ),
                (
                    self._status_cell(Status.UNSATISFACTORY),
                    Cell(
                        _("above {lower} up to {upper}").format(
                            lower=self._whole_percent(25), upper=self._whole_percent(50)
                        )
                    ),
                ),
                (
                    self._status_cell(Status.WEAK),
                    Cell(_("{upper} or less").format(upper=self._whole_percent(25))),
                ),
                (self._status_cell(Status.NO_DATA), Cell(_("no scored answer"))),
            ),
            caption=_("Legend"),
        )
        status_rows = tuple(
            (
                Cell(section.id),
                Cell(_(SECTIONS[section.id].title)),
                *self._unit_cells(section),
            )
            for section in level.sections
        )
        return [
            Heading(_("Overall performance"), 1),
            Paragraph(
                _(
                    "Each section's score is shown with its status. Special answers "
                    "(don't know, not done, not applicable) and empty answers are never "
                    "scored; a section with no scored answer shows no data."
                ),
                emphasis=True,
            ),
            legend,
            Table(
                header=(
                    _("Section"),
                    _("Title"),
                    _("Score"),
                    _("Status"),
                    _("Respondents"),
                    _("Partners"),
                    _("Coordinator"),
                ),
                rows=status_rows,
                caption=_("Performance status by section"),
            ),
            *self._perception_gap(level),
        ]

    def _perception_gap(self, level: LevelResult) -> list[Block]:
        """Compare partners' and the coordinator's score per section, as a table and a chart.

        The gap is the coordinator's score minus the partners', in percentage
        points, so a positive gap means the coordinator rates the section higher.
        A partners' score built on too few partners is withheld, and so is its
        gap, which would reveal it. The chart leaves its bar out, and a note under
        the chart names the sections concerned.
        """
        _ = self._
        rows: list[tuple[Cell, ...]] = []
        bars: list[ChartBar] = []
        described: list[str] = []
        left_out: list[str] = []
        for section in level.sections:
            partner, coordinator = section.partner, section.coordinator
            hidden = self._partner_score_withheld(partner)
            gap_text = (
                self._suppressed_text()
                if hidden
                else self._points(_score_gap(partner, coordinator))
            )
            withheld = self._count_suppression(section)
            rows.append(
                (
                    Cell(section.id),
                    Cell(_(SECTIONS[section.id].title)),
                    self._partner_score_cell(partner, n_withheld=withheld.partner),
                    self._score_cell(coordinator),
                    Cell(gap_text, numeric=True),
                )
            )
            # TRANSLATORS: a bar label such as "1.1 partners"; {section} is a section number.
            partner_label = _("{section} partners").format(section=section.id)
            # TRANSLATORS: a bar label such as "1.1 coordinator"; {section} is a section number.
            coordinator_label = _("{section} coordinator").format(section=section.id)
            if hidden:
                left_out.append(section.id)
            else:
                bars.append(ChartBar(partner_label, partner.percent, partner.status))
            bars.append(ChartBar(coordinator_label, coordinator.percent, coordinator.status))
            described.append(
                # TRANSLATORS: one section in the text alternative of the comparison chart.
                _("{section}: partners {partners}, coordinator {coordinator}, gap {gap}").format(
                    section=section.id,
                    partners=self._suppressed_text() if hidden else self._score(partner.percent),
                    coordinator=self._score(coordinator.percent),
                    gap=gap_text,
                )
            )
        return [
            Heading(_("Partners and coordinator compared"), 2),
            Paragraph(
                _(
                    "The gap is the coordinator's score minus the partners' score, in "
                    "percentage points: a positive gap means the coordinator rates the "
                    "section higher than partners do. A large gap is a topic for the workshop."
                ),
                emphasis=True,
            ),
            Table(
                header=(
                    _("Section"),
                    _("Title"),
                    _("Partners"),
                    _("Coordinator"),
                    _("Gap (points)"),
                ),
                rows=tuple(rows),
                caption=_("Partners' and coordinator's scores by section"),
            ),
            Chart(
                title=_("Partners' and coordinator's scores by section"),
                bars=tuple(bars),
                # TRANSLATORS: keep the final space; the list of sections follows it.
                alt_text=_("Bar chart of partners' and coordinator's scores per section. ")
                + "; ".join(described),
                key="perception-gap",
                legend=tuple(
                    (status, status_label(status, self.language))
                    for status in (
                        Status.GOOD,
                        Status.SATISFACTORY,
                        Status.UNSATISFACTORY,
                        Status.WEAK,
                    )
                ),
                axis_label=_("Score (%)"),
                no_data_label=_("no data"),
                language=self.language,
            ),
            *self._left_out_bars_note(left_out),
        ]

    def _left_out_bars_note(self, section_ids: list[str]) -> list[Block]:
        if not section_ids:
            return []
        ngettext = self._ngettext
        # TRANSLATORS: {sections} lists section numbers, such as "1.1, 2.2". {k} is a count.
        text = ngettext(
            "The partners' bar is left out for section {sections}, because fewer than "
            "{k} partners scored it.",
            "The partners' bar is left out for sections {sections}, because fewer than "
            "{k} partners scored them.",
            len(section_ids),
        ).format(
            sections=", ".join(section_ids),
            k=self._number(self.protection.min_cell_size),
        )
        return [Paragraph(text, emphasis=True)]

    def _hub_comparison(self) -> list[Block]:
        """Compare the levels' section scores: per level a row of scores, then a row of statuses.

        The statuses take a row of their own, as in the other status tables, so
        that every renderer shows the label as well as the colour.
        """
        _ = self._
        suppression = level_count_suppression(self.results, self.protection.min_cell_size)
        rows: list[tuple[Cell, ...]] = []
        for level, hidden in zip(self.results.levels, suppression.cells, strict=True):
            name = _("National") if level.hub is None else level.hub
            respondents = (
                self._suppressed_text()
                if hidden
                else self._number(level.partners + level.coordinators)
            )
            rows += self._level_rows(level, name, respondents)
        blocks: list[Block] = [
            Heading(_("Levels compared"), 2),
            Table(
                header=(
                    _("Level"),
                    _("Respondents"),
                    *(section.id for section in SECTIONS.values()),
                ),
                rows=tuple(rows),
                caption=_("Section scores at the national level and in each hub"),
            ),
        ]
        if any(
            level_scores_withheld(level, self.protection.min_cell_size)
            for level in self.results.levels
        ):
            blocks.append(
                Paragraph(
                    _("The scores of a hub with fewer than {k} partners are withheld.").format(
                        k=self._number(self.protection.min_cell_size)
                    ),
                    emphasis=True,
                )
            )
        return blocks

    def _level_rows(
        self, level: LevelResult, name: str, respondents: str
    ) -> list[tuple[Cell, ...]]:
        """Return a level's row of section scores and its row of section statuses."""
        if level_scores_withheld(level, self.protection.min_cell_size):
            hidden = Cell(self._suppressed_text(), numeric=True)
            score_cells = tuple(hidden for _ in level.sections)
            status_cells = score_cells
        else:
            score_cells = tuple(
                Cell(self._score(section.overall.percent), numeric=True)
                for section in level.sections
            )
            status_cells = tuple(
                self._status_cell(section.overall.status) for section in level.sections
            )
        # TRANSLATORS: heads the row of statuses under a level's scores. {level} is a level name.
        status_name = self._("{level}: status").format(level=name)
        return [
            (Cell(name), Cell(respondents, numeric=True), *score_cells),
            (Cell(status_name), Cell("", numeric=True), *status_cells),
        ]

    # Review per function

    def _function_review(self, level: LevelResult, function: Function) -> list[Block]:
        _ = self._
        function_score = level.function(function.number)
        blocks: list[Block] = [
            Heading(
                _("Function {number}: {title}").format(
                    number=function.number, title=_(function.title)
                ),
                1,
            ),
            Paragraph(self._score_sentence(function_score)),
            self._function_chart(level, function),
        ]
        for section in function.sections:
            blocks += self._section_review(level, level.section(section.id))
        return blocks

    def _function_chart(self, level: LevelResult, function: Function) -> Chart:
        _ = self._
        bars = []
        for item in self.questionnaire.items:
            if SECTIONS[item.section].function != function.number:
                continue
            item_score = level.item(item.id).overall
            title = self.questionnaire.label(item.title, self.language)
            bars.append(ChartBar(f"{item.id} {title}", item_score.percent, item_score.status))
        described = ", ".join(
            f"{bar.label}: {self._score(bar.score)} ({status_label(bar.status, self.language)})"
            for bar in bars
        )
        return Chart(
            title=_("Function {number}: item scores").format(number=function.number),
            bars=tuple(bars),
            # TRANSLATORS: keep the final space; the list of item scores follows it.
            alt_text=_("Bar chart of item scores for function {number}. ").format(
                number=function.number
            )
            + described,
            key=f"function-{function.number}",
            legend=tuple(
                (status, status_label(status, self.language))
                for status in (Status.GOOD, Status.SATISFACTORY, Status.UNSATISFACTORY, Status.WEAK)
            ),
            axis_label=_("Score (%)"),
            no_data_label=_("no data"),
            language=self.language,
        )

    def _section_review(self, level: LevelResult, section_score: UnitScore) -> list[Block]:
        _ = self._
        section = SECTIONS[section_score.id]
        status = section_score.overall.status
        item_rows = []
        for item in self.questionnaire.items:
            if item.section != section.id:
                continue
            item_rows.append(
                (
                    Cell(item.id),
                    Cell(self.questionnaire.label(item.title, self.language)),
                    *self._unit_cells(level.item(item.id)),
                )
            )
        return [
            Heading(f"{section.id} {_(section.title)}", 2),
            Paragraph(self._score_sentence(section_score)),
            Table(
                header=(
                    _("Item"),
                    _("Title"),
                    _("Score"),
                    _("Status"),
                    _("Respondents"),
                    _("Partners"),
                    _("Coordinator"),
                ),
                rows=tuple(item_rows),
                caption=_("Item scores for section {section}").format(section=section.id),
            ),
            Heading(_("Indicative characteristics"), 3),
            Paragraph(_(section.indicative_characteristics)),
            EditableField(
                _(
                    "Constraints, unexpected circumstances, success factors and good "
                    "practice identified"
                ),
                required=False,
                prompt=_("To be completed at the workshop."),
            ),
            EditableField(
                _("Follow-up actions, with timeline and support required"),
                required=status.needs_action,
                prompt=(
                    # TRANSLATORS: {status} is a status label in lower case, such as "weak".
                    _("Required: this section is rated {status}.").format(
                        status=status_label(status, self.language).lower()
                    )
                    if status.needs_action
                    else _("To be completed at the workshop.")
                ),
            ),
        ]

    # Distributions and comments

    def _distributions_and_comments(self, level: LevelResult) -> list[Block]:
        _ = self._
        blocks: list[Block] = [
            Heading(_("Answer distributions and comments"), 1),
            Paragraph(
                _(
                    "For each item, the partners' answers are counted per option, next to "
                    "the coordinator's answer. Percentages are of the partners who answered."
                ),
                emphasis=True,
            ),
        ]
        for function in FUNCTIONS:
            blocks.append(
                Heading(
                    _("Function {number}: {title}").format(
                        number=function.number, title=_(function.title)
                    ),
                    2,
                )
            )
            rows = self._distribution_rows(level, function)
            blocks.append(
                Table(
                    header=(_("Item"), _("Question"), _("Partners"), _("Coordinator")),
                    rows=tuple(rows),
                    caption=_("Answer distributions for function {number}").format(
                        number=function.number
                    ),
                )
            )
            comments = self._grouped_comments(function.number, level.hub)
            blocks.append(Heading(_("Comments"), 3))
            if comments:
                blocks.append(BulletList(tuple(comments)))
            else:
                blocks.append(Paragraph(_("No comments were given for this function.")))
        return blocks

    def _grouped_comments(self, function: int, hub: str | None) -> list[str]:
        """List the comments on one function at one level, each identical one once with a count."""
        counts: dict[tuple[str, str], int] = {}
        for comment in self.results.comments:
            if comment.function == function and comment.hub == hub:
                key = (self._comment_text(comment.text), self._instrument_name(comment.instrument))
                counts[key] = counts.get(key, 0) + 1
        return [
            f"{text} ({instrument})" + ("" if count == 1 else f" ×{self._number(count)}")
            for (text, instrument), count in counts.items()
        ]

    def _comment_text(self, text: str) -> str:
        if not self.protection.redact_contacts:
            return text
        return redact_contacts(
            text,
            # TRANSLATORS: replaces an e-mail address removed from a comment.
            email_marker=self._("[e-mail removed]"),
            # TRANSLATORS: replaces a phone number removed from a comment.
            phone_marker=self._("[phone removed]"),
        )

    def _distribution_rows(self, level: LevelResult, function: Function) -> list[tuple[Cell, ...]]:
        rows: list[tuple[Cell, ...]] = []
        for item in self.questionnaire.items:
            if SECTIONS[item.section].function != function.number:
                continue
            questions = [
                q for q in self.questionnaire.questions_of(QuestionKind.RATING) if q.item == item.id
            ]
            partner = [q for q in questions if q.instrument == "partner"]
            coordinator = [q for q in questions if q.instrument == "coordinator"]
            question_text = self.questionnaire.label(
                (partner or coordinator)[0].label, self.language
            )
            rows.append(
                (
                    Cell(item.id),
                    Cell(question_text),
                    Cell(self._distribution_text(level, partner, with_percent=True)),
                    Cell(self._distribution_text(level, coordinator, with_percent=False)),
                )
            )
        return rows

    def _distribution_text(
        self, level: LevelResult, questions: list[Question], with_percent: bool
    ) -> str:
        if not questions:
            return self._("not asked")
        parts: list[str] = []
        for question in questions:
            distribution = level.distribution(question.code)
            total = distribution.total
            scale = self.questionnaire.scale_of(question)
            hidden = self._distribution_suppression(distribution.counts, with_percent)
            for (code, count), suppressed in zip(distribution.counts, hidden, strict=True):
                if not count and not suppressed:
                    continue
                label = self.questionnaire.label(scale.option(code).label, self.language)
                count_text = self._number(count)
                if suppressed:
                    parts.append(f"{label}: {self._suppressed_text()}")
                elif with_percent:
                    parts.append(f"{label}: {count_text} ({self._percent(100 * count / total)})")
                else:
                    parts.append(label if count == 1 else f"{label} ({count_text})")
        return "\n".join(parts) if parts else self._("no answer")

    def _distribution_suppression(
        self, counts: tuple[tuple[str, int], ...], partners: bool
    ) -> tuple[bool, ...]:
        """Flag the partner counts to withhold. The coordinator's answer is never withheld.

        The total is taken as shown because the percentages beside the counts reveal it.
        """
        if not partners:
            return tuple(False for _ in counts)
        suppression = suppress_small_cells(
            [count for _, count in counts], self.protection.min_cell_size
        )
        if suppression.total:
            return tuple(count > 0 for _, count in counts)
        return suppression.cells

    # Data quality

    def _data_quality(self) -> list[Block]:
        _ = self._
        quality = self.results.quality
        blocks: list[Block] = [
            Heading(_("Annex: data quality"), 1),
            Paragraph(
                _(
                    "Source: {source}. Rows read: {read}. Rows scored: {scored}. "
                    "Rows excluded: {excluded}."
                ).format(
                    source=quality.source,
                    read=self._number(quality.rows_read),
                    scored=self._number(quality.rows_scored),
                    excluded=self._number(len(quality.exclusions)),
                )
            ),
        ]
        if quality.deduplication is not None:
            blocks += deduplication_blocks(quality.deduplication, self.language)
        if quality.exclusions or quality.unrecognised_values:
            blocks.append(
                Paragraph(
                    _("Row numbers count as a spreadsheet does: the header is row 1."),
                    emphasis=True,
                )
            )
        if quality.exclusions:
            blocks.append(
                Table(
                    header=(_("Row"), _("Reason"), _("Detail")),
                    rows=tuple(
                        (
                            Cell(self._number(e.row), numeric=True),
                            Cell(self._exclusion_reason(e.reason)),
                            Cell(e.detail),
                        )
                        for e in quality.exclusions
                    ),
                    caption=_("Rows excluded from scoring"),
                )
            )
        if quality.unrecognised_values:
            blocks.append(
                Paragraph(
                    _(
                        "These answers match no option of their question. They were not "
                        "scored, and not counted as zero."
                    )
                )
            )
            blocks.append(
                Table(
                    header=(_("Column"), _("Question"), _("Value"), _("Count"), _("First rows")),
                    rows=tuple(
                        (
                            Cell(u.column),
                            Cell(self._question_reference(u.column)),
                            Cell(u.value),
                            Cell(self._number(u.count), numeric=True),
                            Cell(", ".join(self._number(row) for row in u.rows)),
                        )
                        for u in quality.unrecognised_values
                    ),
                    caption=_("Unrecognised answers"),
                )
            )
        if quality.unknown_columns:
            blocks.append(Paragraph(_("Columns that match no question and were not read:")))
            blocks.append(BulletList(quality.unknown_columns))
        if quality.missing_questions:
            blocks.append(Paragraph(_("Questions with no column in the input:")))
            blocks.append(BulletList(quality.missing_questions))
        if quality.notes:
            blocks.append(Paragraph(_("Notes:")))
            blocks.append(BulletList(quality.notes))
        if not (
            quality.exclusions
            or quality.unrecognised_values
            or quality.unknown_columns
            or quality.notes
        ):
            blocks.append(Paragraph(_("Every row was scored and every answer recognised.")))
        return blocks

    # Small pieces

    def _exclusion_reason(self, reason: ExclusionReason) -> str:
        _ = self._
        labels = {
            ExclusionReason.BLANK_ROW: _("Blank row"),
            ExclusionReason.MISSING_INSTRUMENT: _("No instrument given"),
            ExclusionReason.UNKNOWN_INSTRUMENT: _("Unknown instrument"),
            ExclusionReason.INCOMPLETE: _("Not submitted"),
            ExclusionReason.NOT_APPROVED: _("Not approved"),
            ExclusionReason.DUPLICATE: _("Duplicate"),
            ExclusionReason.SUPERSEDED: _("Replaced by a later edit"),
        }
        return labels[reason]

    def _question_reference(self, column: str) -> str:
        """Name the item and question a column answers, for columns named by code or path."""
        code = column.rsplit("/", 1)[-1]
        if not self.questionnaire.has_question(code):
            return ""
        question = self.questionnaire.question(code)
        text = self.questionnaire.label(question.label, self.language)
        return f"{question.item} {text}" if question.item else text

    def _instrument_name(self, instrument: str) -> str:
        return self._("partner") if instrument == "partner" else self._("coordinator")

    def _status_cell(self, status: Status) -> Cell:
        return Cell(status_label(status, self.language), status=status)

    def _unit_cells(self, unit: UnitScore) -> tuple[Cell, ...]:
        """Return the pooled score, status and count, then the partners' and coordinator's cells."""
        withheld = self._count_suppression(unit)
        count = self._suppressed_text() if withheld.overall else self._number(unit.overall.n)
        return (
            Cell(self._score(unit.overall.percent), numeric=True),
            self._status_cell(unit.overall.status),
            Cell(count, numeric=True),
            self._partner_score_cell(unit.partner, n_withheld=withheld.partner),
            self._score_cell(unit.coordinator),
        )

    def _count_suppression(self, unit: UnitScore) -> UnitCountSuppression:
        return unit_count_suppression(unit, self.protection.min_cell_size)

    def _partner_score_cell(self, figure: Score, n_withheld: bool) -> Cell:
        """Show the partners' score, or withhold it and its status when too few partners gave it."""
        # NOTE: the pooled score in the same row stays, as the level's own figure. With
        # the mean strategy it still gives, with the coordinator's score, the partners'
        # mean to a reader who knows from elsewhere how many partners answered.
        if self._partner_score_withheld(figure):
            return Cell(self._suppressed_text(), numeric=True)
        return self._score_cell(figure, n_withheld=n_withheld)

    def _partner_score_withheld(self, figure: Score) -> bool:
        return partner_score_withheld(figure, self.protection.min_cell_size)

    def _score_cell(self, figure: Score, n_withheld: bool = False) -> Cell:
        """Show a score with its count of respondents, or with the withheld marker in its place."""
        if figure.percent is None:
            return Cell(status_label(Status.NO_DATA, self.language), status=Status.NO_DATA)
        count = self._suppressed_text() if n_withheld else self._number(figure.n)
        return Cell(f"{self._score(figure.percent)} ({count})", status=figure.status, numeric=True)

    def _score_sentence(self, unit: UnitScore) -> str:
        figure = unit.overall
        if figure.percent is None:
            return self._("Status: no data (no scored answer).")
        if self._count_suppression(unit).overall:
            # TRANSLATORS: {score} is a percentage; the number of respondents is withheld.
            return self._(
                "Status: {status}, score {score}; the number of respondents is withheld."
            ).format(
                status=status_label(figure.status, self.language),
                score=self._score(figure.percent),
            )
        ngettext = self._ngettext
        # TRANSLATORS: {score} is a percentage and {n} a count. A plural form may
        # leave {n} out where the language names the number in words.
        return ngettext(
            "Status: {status}, score {score} from {n} respondent.",
            "Status: {status}, score {score} from {n} respondents.",
            figure.n,
        ).format(
            status=status_label(figure.status, self.language),
            score=self._score(figure.percent),
            n=self._number(figure.n),
        )

    def _percent(self, value: float | None) -> str:
        """Format a percentage with one decimal in the report's language; never used to classify."""
        return format_percent(value, self.language)

    def _score(self, value: float | None) -> str:
        """Format a score; see :func:`ccpm_core.locale_format.format_score`."""
        return format_score(value, self.language)

    def _whole_percent(self, value: int) -> str:
        """Format a band boundary such as 75 as a percentage without decimals ("75 %" in French)."""
        return format_percent(value, self.language, decimals=0)

    def _number(self, value: float | None) -> str:
        return format_number(value, self.language)

    def _points(self, value: float | None) -> str:
        """Format a difference of scores; see :func:`ccpm_core.report_text.format_points`."""
        return format_points(value, self.language)


def _score_gap(partner: Score, coordinator: Score) -> float | None:
    """Return the coordinator's score minus the partners', or None when either has no data."""
    if partner.percent is None or coordinator.percent is None:
        return None
    return coordinator.percent - partner.percent
