"""The final report with its action plan, and the quarterly progress report to the HCT.

The final report is the preliminary report, reviewed at the workshop, with
the action plan appended. The cluster shares it with the HC/HCT and the
global cluster. During follow-up the cluster reports each quarter on the action
plan: actions by status, those past their deadline, and what changed since
the last report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs

from ccpm_core.action_plan import Action, ActionPlan, ActionStatus, SupportSource
from ccpm_core.exercise_errors import ActionPlanError
from ccpm_core.framework import SECTIONS
from ccpm_core.i18n import translator
from ccpm_core.report_builder import ReportMetadata, build_preliminary_report, status_label
from ccpm_core.report_model import Block, BulletList, Cell, Cover, Heading, Paragraph, Report, Table
from ccpm_core.results_summary import UnitStatus, summarise_results
from ccpm_core.timing import add_months

if TYPE_CHECKING:
    from ccpm_core.exercise import Exercise
    from ccpm_core.questionnaire import Questionnaire
    from ccpm_core.results import Results

__all__ = [
    "QUARTER_MONTHS",
    "action_plan_blocks",
    "build_final_report",
    "build_quarterly_report",
]

QUARTER_MONTHS = 3

# Open actions first, as the HCT reads the report to see what still needs doing.
_STATUS_ORDER = (
    ActionStatus.IN_PROGRESS,
    ActionStatus.NOT_STARTED,
    ActionStatus.DONE,
    ActionStatus.DROPPED,
)

Translate = Callable[[str], str]


def build_final_report(
    results: Results,
    questionnaire: Questionnaire,
    plan: ActionPlan,
    metadata: ReportMetadata | None = None,
    language: str = "en",
) -> Report:
    """Build the final report: the preliminary report of the plan's level and the action plan.

    Raises ActionPlanError when the results have no responses at the plan's
    level, or when their section statuses or scores differ from the baselines
    the plan was drafted from: the report would contradict its own plan.
    """
    _check_same_baselines(results, plan)
    try:
        preliminary = build_preliminary_report(
            results, questionnaire, metadata, hub=plan.hub, language=language
        )
    except KeyError as error:
        raise ActionPlanError(error.args[0]) from None

    _ = translator(language)
    cover = attrs.evolve(preliminary.cover, title=_("CCPM final report and action plan"))
    blocks = (*preliminary.blocks, *action_plan_blocks(plan, language))
    return Report(cover=cover, blocks=blocks, language=language)


def _check_same_baselines(results: Results, plan: ActionPlan) -> None:
    try:
        level = summarise_results(results).level(plan.hub)
    except KeyError as error:
        raise ActionPlanError(error.args[0]) from None

    baselines = {unit.id: unit for unit in plan.baselines}
    differences = [
        f"section {unit.id}: {_figure(unit)} now, {_figure(baselines[unit.id])} in the plan"
        for unit in level.sections
        if unit.id in baselines
        and (unit.status, unit.score) != (baselines[unit.id].status, baselines[unit.id].score)
    ]
    if differences:
        shown = "; ".join(differences[:3]) + ("; ..." if len(differences) > 3 else "")
        msg = (
            f"these responses give other results than those the action plan was drafted "
            f"from ({shown}); give the responses and the --strategy and --partners-only "
            "options used to draft the plan"
        )
        raise ActionPlanError(msg)


def _figure(unit: UnitStatus) -> str:
    score = "no score" if unit.score is None else f"{unit.score:g}%"
    return f"{unit.status.value} {score}"


def action_plan_blocks(plan: ActionPlan, language: str = "en") -> tuple[Block, ...]:
    """Return the action-plan part of a report: the plan table and any section still uncovered."""
    _ = translator(language)
    blocks: list[Block] = [
        Heading(_("Action plan"), 1),
        Paragraph(
            _(
                "Actions agreed for the sections rated unsatisfactory or weak, with the "
                "person or body responsible, the deadline and the support required. "
                "Support can be requested from the HC/HCT, the cluster lead agency, OCHA, "
                "the global cluster, national authorities and cluster partners."
            ),
            emphasis=True,
        ),
    ]
    if plan.actions:
        blocks.append(_plan_table(plan.actions, language))
    else:
        blocks.append(
            Paragraph(_("No section is rated unsatisfactory or weak, and no action was added."))
        )

    uncovered = plan.sections_without_action()
    if uncovered:
        blocks.append(
            Paragraph(
                _("These sections need action and have no written action yet: {sections}.").format(
                    sections=", ".join(uncovered)
                )
            )
        )
    return tuple(blocks)


def _plan_table(actions: tuple[Action, ...], language: str) -> Table:
    _ = translator(language)
    rows = tuple(
        (
            Cell(str(action.number or ""), numeric=True),
            Cell(f"{action.section_id} {SECTIONS[action.section_id].title}"),
            Cell(_baseline_text(action, language), status=action.baseline_status),
            Cell(action.text or _("to be written")),
            Cell(action.responsible),
            Cell(action.deadline.isoformat() if action.deadline else ""),
            Cell(action.support_required),
            Cell(_support_text(action.support_from)),
            Cell(_(action.status.label)),
        )
        for action in actions
    )
    return Table(
        header=(
            _("No."),
            _("Section"),
            _("Baseline"),
            _("Action"),
            _("Responsible"),
            _("Deadline"),
            _("Support required"),
            _("Support from"),
            _("Progress"),
        ),
        rows=rows,
        caption=_("Action plan"),
    )


def build_quarterly_report(
    exercise: Exercise,
    plan: ActionPlan,
    as_of: dt.date,
    since: dt.date | None = None,
    language: str = "en",
) -> Report:
    """Build the quarterly progress report on the action plan on the day ``as_of``.

    Changes are counted from ``since``, by default three months before ``as_of``:
    status changes and progress notes dated after ``since`` up to ``as_of``.
    """
    start = since if since is not None else add_months(as_of, -QUARTER_MONTHS)
    if start > as_of:
        msg = f"the report period starts on {start}, after its end on {as_of}"
        raise ActionPlanError(msg)
    _ = translator(language)

    blocks: list[Block] = []
    blocks += _summary(plan, as_of, _)
    blocks += _by_status(plan, _)
    blocks += _overdue(plan, as_of, _)
    blocks += _changes(plan, start, as_of, _)
    blocks += _support_requested(plan, _)

    cover = Cover(
        title=_("CCPM quarterly progress report"),
        cluster=exercise.cluster,
        country=exercise.country,
        level=_("National") if exercise.hub is None else exercise.hub,
        date=as_of,
        survey_period="",
        subtitle=_("Progress of the action plan from {start} to {end}").format(
            start=start.isoformat(), end=as_of.isoformat()
        ),
    )
    return Report(cover=cover, blocks=tuple(blocks), language=language)


def _summary(plan: ActionPlan, as_of: dt.date, _: Translate) -> list[Block]:
    counts = {status: 0 for status in ActionStatus}
    for action in plan.actions:
        counts[action.status] += 1
    overdue = sum(1 for action in plan.actions if action.is_overdue(as_of))
    return [
        Heading(_("Summary"), 1),
        Paragraph(
            _(
                "{total} actions: {done} done, {in_progress} in progress, {not_started} not "
                "started, {dropped} dropped. {overdue} open actions are past their deadline."
            ).format(
                total=len(plan.actions),
                done=counts[ActionStatus.DONE],
                in_progress=counts[ActionStatus.IN_PROGRESS],
                not_started=counts[ActionStatus.NOT_STARTED],
                dropped=counts[ActionStatus.DROPPED],
                overdue=overdue,
            )
        ),
    ]


def _by_status(plan: ActionPlan, _: Translate) -> list[Block]:
    blocks: list[Block] = [Heading(_("Actions by status"), 1)]
    for status in _STATUS_ORDER:
        actions = [action for action in plan.actions if action.status is status]
        if not actions:
            continue
        blocks.append(Heading(_(status.label), 2))
        blocks.append(
            Table(
                header=(
                    _("No."),
                    _("Section"),
                    _("Action"),
                    _("Responsible"),
                    _("Deadline"),
                    _("Latest note"),
                ),
                rows=tuple(
                    (
                        Cell(str(action.number or ""), numeric=True),
                        Cell(action.section_id),
                        Cell(action.text or _("to be written")),
                        Cell(action.responsible),
                        Cell(action.deadline.isoformat() if action.deadline else ""),
                        Cell(_latest_note(action)),
                    )
                    for action in actions
                ),
                caption=_("Actions: {status}").format(status=_(status.label).lower()),
            )
        )
    if len(blocks) == 1:
        blocks.append(Paragraph(_("The action plan has no action.")))
    return blocks


def _overdue(plan: ActionPlan, as_of: dt.date, _: Translate) -> list[Block]:
    overdue = [action for action in plan.actions if action.is_overdue(as_of)]
    blocks: list[Block] = [Heading(_("Overdue actions"), 1)]
    if not overdue:
        blocks.append(Paragraph(_("No open action is past its deadline.")))
        return blocks
    blocks.append(
        Table(
            header=(
                _("No."),
                _("Section"),
                _("Action"),
                _("Responsible"),
                _("Deadline"),
                _("Days overdue"),
                _("Status"),
            ),
            rows=tuple(
                (
                    Cell(str(action.number or ""), numeric=True),
                    Cell(action.section_id),
                    Cell(action.text or _("to be written")),
                    Cell(action.responsible),
                    Cell(action.deadline.isoformat() if action.deadline else ""),
                    Cell(
                        str((as_of - action.deadline).days if action.deadline else 0), numeric=True
                    ),
                    Cell(_(action.status.label)),
                )
                for action in overdue
            ),
            caption=_("Open actions past their deadline"),
        )
    )
    return blocks


def _changes(plan: ActionPlan, start: dt.date, end: dt.date, _: Translate) -> list[Block]:
    blocks: list[Block] = [Heading(_("Changes since {day}").format(day=start.isoformat()), 1)]
    rows = []
    for action in plan.actions:
        notes = [note for note in action.notes if start < note.on <= end]
        before = action.status_on(start)
        now = action.status_on(end) if action.notes else action.status
        if not notes and before is now:
            continue
        rows.append(
            (
                Cell(str(action.number or ""), numeric=True),
                Cell(action.section_id),
                Cell(_(before.label)),
                Cell(_(now.label)),
                Cell(
                    "\n".join(
                        f"{note.on.isoformat()}: {_note_text(note.text, note.status)}"
                        for note in notes
                    )
                ),
            )
        )
    if not rows:
        blocks.append(Paragraph(_("No action changed status or received a note in this period.")))
        return blocks
    blocks.append(
        Table(
            header=(_("No."), _("Section"), _("Status before"), _("Status now"), _("Notes")),
            rows=tuple(rows),
            caption=_("Status changes and progress notes in the period"),
        )
    )
    return blocks


def _support_requested(plan: ActionPlan, _: Translate) -> list[Block]:
    lines = []
    for source in SupportSource:
        numbers = [
            str(action.number)
            for action in plan.actions
            if source in action.support_from and action.status.is_open
        ]
        if numbers:
            lines.append(
                f"{_(source.label)}: " + _("actions {numbers}").format(numbers=", ".join(numbers))
            )
    blocks: list[Block] = [Heading(_("Support requested for open actions"), 1)]
    blocks.append(
        BulletList(tuple(lines)) if lines else Paragraph(_("No open action asks for support."))
    )
    return blocks


def _baseline_text(action: Action, language: str) -> str:
    label = status_label(action.baseline_status, language)
    if action.baseline_score is None:
        return label
    return f"{label} ({action.baseline_score:.1f}%)"


def _support_text(sources: tuple[SupportSource, ...]) -> str:
    return ", ".join(source.label for source in sources)


def _latest_note(action: Action) -> str:
    if not action.notes:
        return ""
    note = action.notes[-1]
    return f"{note.on.isoformat()}: {_note_text(note.text, note.status)}"


def _note_text(text: str, status: ActionStatus | None) -> str:
    if status is None:
        return text
    marker = f"[{status.label.lower()}]"
    return f"{marker} {text}" if text else marker
