"""The preliminary CCPM report of one level, as a renderer-neutral report model.

The parts follow the order coordinators know from the CCPM reports: cover,
response rates, overall performance with its legend and status table, one part
per function with its chart and a review of each section (item scores,
indicative characteristics and two fields the workshop fills in), answer
distributions with the open comments, and a data-quality annex that accounts
for every row and answer of the input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs

from ccpm_core.framework import FUNCTIONS, SECTIONS, Function, Status
from ccpm_core.i18n import N_, plural_translator, translator
from ccpm_core.locale_format import format_number, format_percent, format_score
from ccpm_core.questionnaire import (
    PROFILE_ORGANISATION_TYPE,
    Question,
    QuestionKind,
    Questionnaire,
)
from ccpm_core.rates import RateFigure
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
from ccpm_core.responses import ExclusionReason
from ccpm_core.results import LevelResult, Results, Score, UnitScore

__all__ = ["ReportMetadata", "build_preliminary_report", "status_label"]

_STATUS_LABELS = {
    Status.GOOD: N_("Good"),
    Status.SATISFACTORY: N_("Satisfactory"),
    Status.UNSATISFACTORY: N_("Unsatisfactory"),
    Status.WEAK: N_("Weak"),
    Status.NO_DATA: N_("No data"),
}


@attrs.frozen
class ReportMetadata:
    """Facts for the cover that the responses do not hold."""

    cluster: str = ""
    country: str = ""
    date: dt.date | None = None
    survey_period: str = ""


def status_label(status: Status, language: str = "en") -> str:
    """Return the display label of a status in ``language``."""
    return translator(language)(_STATUS_LABELS[status])


def build_preliminary_report(
    results: Results,
    questionnaire: Questionnaire,
    metadata: ReportMetadata | None = None,
    hub: str | None = None,
    language: str = "en",
) -> Report:
    """Build the preliminary report of the national level (``hub`` None) or of one hub.

    Raises KeyError when the level has no responses; the message lists the
    levels that do.
    """
    builder = _ReportBuilder(results, questionnaire, metadata or ReportMetadata(), language)
    return builder.build(results.level(hub))


class _ReportBuilder:
    def __init__(
        self,
        results: Results,
        questionnaire: Questionnaire,
        metadata: ReportMetadata,
        language: str,
    ) -> None:
        self.results = results
        self.questionnaire = questionnaire
        self.metadata = metadata
        self.language = language
        self._: Callable[[str], str] = translator(language)
        self._ngettext: Callable[[str, str, int], str] = plural_translator(language)

    def build(self, level: LevelResult) -> Report:
        blocks: list[Block] = []
        blocks += self._response_rates(level)
        blocks += self._overall_performance(level)
        if level.hub is None and len(self.results.levels) > 1:
            blocks += self._hub_comparison()
        for function in FUNCTIONS:
            blocks += self._function_review(level, function)
        blocks += self._distributions_and_comments(level)
        blocks += self._data_quality()
        return Report(cover=self._cover(level), blocks=tuple(blocks), language=self.language)

    # Cover and response rates

    def _cover(self, level: LevelResult) -> Cover:
        _ = self._
        level_name = _("National") if level.hub is None else level.hub
        strategy = (
            _("median of respondent means")
            if self.results.strategy == "median"
            else _("mean of item means")
        )
        if self.results.partners_only:
            strategy += ", " + _("partners only")
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

        rows: list[tuple[Cell, ...]] = []
        for type_rates in rates.by_type:
            option = type_scale.option(type_rates.organisation_type)
            rows.append(
                (
                    Cell(self.questionnaire.label(option.label, self.language)),
                    *self._rate_cells(type_rates.overall, type_rates.effective),
                )
            )
        if rates.partners_without_type:
            rows.append(
                (
                    Cell(_("Type not given")),
                    Cell(self._number(rates.partners_without_type), numeric=True),
                    Cell("", numeric=True),
                    Cell("", numeric=True),
                    Cell("", numeric=True),
                    Cell("", numeric=True),
                )
            )
        rows.append((Cell(_("Total")), *self._rate_cells(rates.overall, rates.effective)))
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
        above = rates.types_above_base
        if above or rates.effective.exceeds_base or rates.overall.exceeds_base:
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
        if rates.types_without_count:
            names = ", ".join(self._organisation_type_name(c) for c in rates.types_without_count)
            blocks.append(
                Paragraph(
                    _(
                        "The coordinator gave no count for some organisation types whose "
                        "partners answered ({types}), so the total rates are not computed."
                    ).format(types=names)
                )
            )
        return blocks

    def _organisation_type_name(self, code: str) -> str:
        scale = self.questionnaire.scale_of(self.questionnaire.question(PROFILE_ORGANISATION_TYPE))
        return self.questionnaire.label(scale.option(code).label, self.language)

    def _rate_cells(self, overall: RateFigure, effective: RateFigure) -> tuple[Cell, ...]:
        return (
            Cell(self._number(overall.responses), numeric=True),
            Cell(self._number(overall.base), numeric=True),
            Cell(self._percent(overall.percent), numeric=True),
            Cell(self._number(effective.base), numeric=True),
            Cell(self._percent(effective.percent), numeric=True),
        )

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
                Cell(self._score(section.overall.percent), numeric=True),
                self._status_cell(section.overall.status),
                Cell(self._number(section.overall.n), numeric=True),
                self._score_cell(section.partner),
                self._score_cell(section.coordinator),
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
        ]

    def _hub_comparison(self) -> list[Block]:
        _ = self._
        rows = []
        for level in self.results.levels:
            name = _("National") if level.hub is None else level.hub
            rows.append(
                (
                    Cell(name),
                    Cell(self._number(level.partners + level.coordinators), numeric=True),
                    *(
                        Cell(self._score(section.overall.percent), status=section.overall.status)
                        for section in level.sections
                    ),
                )
            )
        return [
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
            Paragraph(self._score_sentence(function_score.overall)),
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
            item_score = level.item(item.id)
            item_rows.append(
                (
                    Cell(item.id),
                    Cell(self.questionnaire.label(item.title, self.language)),
                    Cell(self._score(item_score.overall.percent), numeric=True),
                    self._status_cell(item_score.overall.status),
                    Cell(self._number(item_score.overall.n), numeric=True),
                    self._score_cell(item_score.partner),
                    self._score_cell(item_score.coordinator),
                )
            )
        return [
            Heading(f"{section.id} {_(section.title)}", 2),
            Paragraph(self._score_sentence(section_score.overall)),
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
                key = (comment.text, self._instrument_name(comment.instrument))
                counts[key] = counts.get(key, 0) + 1
        return [
            f"{text} ({instrument})" + ("" if count == 1 else f" ×{self._number(count)}")
            for (text, instrument), count in counts.items()
        ]

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
            for code, count in distribution.counts:
                if not count:
                    continue
                label = self.questionnaire.label(scale.option(code).label, self.language)
                count_text = self._number(count)
                if with_percent:
                    parts.append(f"{label}: {count_text} ({self._percent(100 * count / total)})")
                else:
                    parts.append(label if count == 1 else f"{label} ({count_text})")
        return "\n".join(parts) if parts else self._("no answer")

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

    def _score_cell(self, figure: Score) -> Cell:
        if figure.percent is None:
            return Cell(status_label(Status.NO_DATA, self.language), status=Status.NO_DATA)
        return Cell(
            f"{self._score(figure.percent)} ({self._number(figure.n)})",
            status=figure.status,
            numeric=True,
        )

    def _score_sentence(self, figure: Score) -> str:
        if figure.percent is None:
            return self._("Status: no data (no scored answer).")
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
