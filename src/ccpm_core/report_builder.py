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
from ccpm_core.i18n import translator
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
from ccpm_core.results import LevelResult, Results, Score, UnitScore

__all__ = ["ReportMetadata", "build_preliminary_report", "status_label"]

_STATUS_LABELS = {
    Status.GOOD: "Good",
    Status.SATISFACTORY: "Satisfactory",
    Status.UNSATISFACTORY: "Unsatisfactory",
    Status.WEAK: "Weak",
    Status.NO_DATA: "No data",
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
                ).format(partners=level.partners, coordinators=level.coordinators)
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
                    Cell(str(rates.partners_without_type), numeric=True),
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
        if rates.effective.exceeds_base or rates.overall.exceeds_base:
            blocks.append(
                Paragraph(
                    _(
                        "More partners answered than the coordinator's counts allow; "
                        "check the counts before using the rates."
                    )
                )
            )
        return blocks

    def _rate_cells(self, overall: RateFigure, effective: RateFigure) -> tuple[Cell, ...]:
        return (
            Cell(str(overall.responses), numeric=True),
            Cell(_format_count(overall.base), numeric=True),
            Cell(_format_percent(overall.percent), numeric=True),
            Cell(_format_count(effective.base), numeric=True),
            Cell(_format_percent(effective.percent), numeric=True),
        )

    # Overall performance

    def _overall_performance(self, level: LevelResult) -> list[Block]:
        _ = self._
        legend = Table(
            header=(_("Status"), _("Score")),
            rows=(
                (self._status_cell(Status.GOOD), Cell(_("above 75%"))),
                (self._status_cell(Status.SATISFACTORY), Cell(_("above 50% up to 75%"))),
                (self._status_cell(Status.UNSATISFACTORY), Cell(_("above 25% up to 50%"))),
                (self._status_cell(Status.WEAK), Cell(_("25% or less"))),
                (self._status_cell(Status.NO_DATA), Cell(_("no scored answer"))),
            ),
            caption=_("Legend"),
        )
        status_rows = tuple(
            (
                Cell(section.id),
                Cell(SECTIONS[section.id].title),
                Cell(_format_percent(section.overall.percent), numeric=True),
                self._status_cell(section.overall.status),
                Cell(str(section.overall.n), numeric=True),
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
                    Cell(str(level.partners + level.coordinators), numeric=True),
                    *(
                        Cell(
                            _format_percent(section.overall.percent), status=section.overall.status
                        )
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
                    number=function.number, title=function.title
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
            f"{bar.label}: {_format_percent(bar.score)} ({status_label(bar.status, self.language)})"
            for bar in bars
        )
        return Chart(
            title=_("Function {number}: item scores").format(number=function.number),
            bars=tuple(bars),
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
                    Cell(_format_percent(item_score.overall.percent), numeric=True),
                    self._status_cell(item_score.overall.status),
                    Cell(str(item_score.overall.n), numeric=True),
                    self._score_cell(item_score.partner),
                    self._score_cell(item_score.coordinator),
                )
            )
        return [
            Heading(f"{section.id} {section.title}", 2),
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
            Paragraph(section.indicative_characteristics),
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
                        number=function.number, title=function.title
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
            comments = [
                f"{comment.text} ({self._instrument_name(comment.instrument)})"
                for comment in self.results.comments
                if comment.function == function.number and comment.hub == level.hub
            ]
            blocks.append(Heading(_("Comments"), 3))
            if comments:
                blocks.append(BulletList(tuple(comments)))
            else:
                blocks.append(Paragraph(_("No comments were given for this function.")))
        return blocks

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
                if with_percent:
                    parts.append(f"{label}: {count} ({_format_percent(100 * count / total)})")
                else:
                    parts.append(label if count == 1 else f"{label} ({count})")
        return "; ".join(parts) if parts else self._("no answer")

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
                    read=quality.rows_read,
                    scored=quality.rows_scored,
                    excluded=len(quality.exclusions),
                )
            ),
        ]
        if quality.exclusions:
            blocks.append(
                Table(
                    header=(_("Row"), _("Reason"), _("Detail")),
                    rows=tuple(
                        (Cell(str(e.row), numeric=True), Cell(e.reason.value), Cell(e.detail))
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
                    header=(_("Column"), _("Value"), _("Count"), _("First rows")),
                    rows=tuple(
                        (
                            Cell(u.column),
                            Cell(u.value),
                            Cell(str(u.count), numeric=True),
                            Cell(", ".join(str(row) for row in u.rows)),
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

    def _instrument_name(self, instrument: str) -> str:
        return self._("partner") if instrument == "partner" else self._("coordinator")

    def _status_cell(self, status: Status) -> Cell:
        return Cell(status_label(status, self.language), status=status)

    def _score_cell(self, figure: Score) -> Cell:
        if figure.percent is None:
            return Cell(status_label(Status.NO_DATA, self.language), status=Status.NO_DATA)
        return Cell(
            f"{_format_percent(figure.percent)} ({figure.n})",
            status=figure.status,
            numeric=True,
        )

    def _score_sentence(self, figure: Score) -> str:
        if figure.percent is None:
            return self._("Status: no data (no scored answer).")
        return self._("Status: {status}, score {score} from {n} respondents.").format(
            status=status_label(figure.status, self.language),
            score=_format_percent(figure.percent),
            n=figure.n,
        )


def _format_percent(value: float | None) -> str:
    """Format a percentage for display, rounded to one decimal; classification never uses this."""
    if value is None:
        return "–"
    return f"{value:.1f}%"


def _format_count(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}"
