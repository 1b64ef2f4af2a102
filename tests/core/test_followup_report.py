"""The final report with its action plan, and the quarterly progress report."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from exercise_fixtures import empty_plan, make_exercise
from scoring_fixtures import response_set, small_questionnaire

from ccpm_core.action_plan import ActionPlan, ActionStatus, SupportSource, record_progress
from ccpm_core.exercise_errors import ActionPlanError
from ccpm_core.followup_report import action_plan_blocks, build_final_report, build_quarterly_report
from ccpm_core.framework import Status
from ccpm_core.report_builder import ReportMetadata, build_preliminary_report
from ccpm_core.report_model import BulletList, Heading, Paragraph, Table
from ccpm_core.results_summary import summarise_results
from ccpm_core.scoring import score

QUESTIONNAIRE = small_questionnaire()
RESULTS = score(
    response_set(QUESTIONNAIRE, [{"instrument": "partner", "p111": "0", "p121": "4", "p51": "2"}])
)
AS_OF = dt.date(2027, 4, 1)


def followed_plan() -> ActionPlan:
    """Return a plan of four actions, one per status, with notes before and in the quarter."""
    plan = (
        empty_plan({"1.1": Status.WEAK, "5": Status.UNSATISFACTORY})
        .add_action(
            "1.1",
            text="Shorter meetings with action points",
            responsible="Coordinator",
            deadline=dt.date(2027, 2, 28),
            support_from=(SupportSource.CLUSTER_LEAD_AGENCY,),
        )
        .add_action("5", text="Monthly dashboard", deadline=dt.date(2027, 6, 30))
        .add_action("5", text="Partner reporting training", deadline=dt.date(2027, 1, 31))
        .add_action("1.1", text="Rotate meeting venue")
    )
    first = record_progress(
        plan.action(1), dt.date(2026, 12, 15), "Agenda drafted", ActionStatus.IN_PROGRESS
    )
    second = record_progress(plan.action(2), dt.date(2027, 2, 10), "", ActionStatus.IN_PROGRESS)
    second = record_progress(second, dt.date(2027, 3, 20), "Published", ActionStatus.DONE)
    fourth = record_progress(
        plan.action(4), dt.date(2027, 1, 15), "Not feasible", ActionStatus.DROPPED
    )
    for action in (first, second, fourth):
        plan = plan.replace_action(action)
    return plan


def test_final_report_appends_plan_to_preliminary() -> None:
    metadata = ReportMetadata(cluster="Health", country="Chad", date=AS_OF)
    plan = plan_of_results()

    final = build_final_report(RESULTS, QUESTIONNAIRE, plan, metadata)
    preliminary = build_preliminary_report(RESULTS, QUESTIONNAIRE, metadata)

    assert final.blocks[: len(preliminary.blocks)] == preliminary.blocks
    assert final.blocks[len(preliminary.blocks) :] == action_plan_blocks(plan)
    assert final.cover.title == "CCPM final report and action plan"
    assert final.cover.cluster == "Health"


def plan_of_results() -> ActionPlan:
    """Return the followed plan with the baselines of RESULTS, as drafting it would give."""
    return attrs.evolve(followed_plan(), baselines=summarise_results(RESULTS).level(None).sections)


def test_final_report_refuses_other_results() -> None:
    other = score(
        response_set(
            QUESTIONNAIRE, [{"instrument": "partner", "p111": "4", "p121": "4", "p51": "2"}]
        )
    )

    with pytest.raises(ActionPlanError, match=r"section 1\.1: good 100% now, weak 0% in the plan"):
        build_final_report(other, QUESTIONNAIRE, plan_of_results())


def test_plan_table_rows() -> None:
    table = next(b for b in action_plan_blocks(followed_plan()) if isinstance(b, Table))

    assert table.header[3] == "Action"
    assert [cell.text for cell in table.rows[0]] == [
        "1",
        "1.1 Provide a platform so that service delivery follows the agreed strategic priorities",
        "Weak (20.0%)",
        "Shorter meetings with action points",
        "Coordinator",
        "2027-02-28",
        "",
        "Cluster lead agency",
        "In progress",
    ]
    assert table.rows[0][2].status is Status.WEAK


def test_plan_blocks_name_uncovered_sections() -> None:
    plan = empty_plan({"2.2": Status.WEAK}).add_action("2.2")
    paragraphs = [b.text for b in action_plan_blocks(plan) if isinstance(b, Paragraph)]

    assert "These sections need action and have no written action yet: 2.2." in paragraphs


def test_final_report_for_missing_level() -> None:
    plan = attrs.evolve(plan_of_results(), hub="East")

    with pytest.raises(ActionPlanError, match="no hub 'East'; levels in the results: national"):
        build_final_report(RESULTS, QUESTIONNAIRE, plan)


def test_quarterly_summary_counts() -> None:
    report = build_quarterly_report(make_exercise(), followed_plan(), AS_OF)
    summary = next(b for b in report.blocks if isinstance(b, Paragraph))

    assert summary.text == (
        "4 actions: 1 done, 1 in progress, 1 not started, 1 dropped. "
        "2 open actions are past their deadline."
    )


def test_quarterly_groups_by_status() -> None:
    report = build_quarterly_report(make_exercise(), followed_plan(), AS_OF)

    assert report.headings(2) == ["In progress", "Not started", "Done", "Dropped"]


def test_quarterly_overdue_table() -> None:
    report = build_quarterly_report(make_exercise(), followed_plan(), AS_OF)
    tables = [b for b in report.blocks if isinstance(b, Table)]
    overdue = next(t for t in tables if t.caption == "Open actions past their deadline")

    assert [(row[0].text, row[5].text) for row in overdue.rows] == [("1", "32"), ("3", "60")]


def test_quarterly_changes_since_quarter_start() -> None:
    report = build_quarterly_report(make_exercise(), followed_plan(), AS_OF)
    tables = [b for b in report.blocks if isinstance(b, Table)]
    changes = next(t for t in tables if t.caption.startswith("Status changes"))

    assert [[cell.text for cell in row] for row in changes.rows] == [
        [
            "2",
            "5",
            "Not started",
            "Done",
            "2027-02-10: [in progress]\n2027-03-20: [done] Published",
        ],
        ["4", "1.1", "Not started", "Dropped", "2027-01-15: [dropped] Not feasible"],
    ]


def test_quarterly_since_given_date() -> None:
    report = build_quarterly_report(
        make_exercise(), followed_plan(), AS_OF, since=dt.date(2027, 3, 1)
    )
    tables = [b for b in report.blocks if isinstance(b, Table)]
    changes = next(t for t in tables if t.caption.startswith("Status changes"))

    assert [row[2].text for row in changes.rows] == ["In progress"]
    assert report.cover.subtitle == "Progress of the action plan from 2027-03-01 to 2027-04-01"


def test_quarterly_support_for_open_actions() -> None:
    report = build_quarterly_report(make_exercise(), followed_plan(), AS_OF)
    support = [b for b in report.blocks if isinstance(b, BulletList)]

    assert support[-1].items == ("Cluster lead agency: actions 1",)


def test_quarterly_rejects_reversed_period() -> None:
    with pytest.raises(ActionPlanError, match="starts on 2027-05-01, after its end"):
        build_quarterly_report(make_exercise(), followed_plan(), AS_OF, since=dt.date(2027, 5, 1))


def test_quarterly_empty_plan() -> None:
    report = build_quarterly_report(make_exercise(), empty_plan(), AS_OF)
    texts = [b.text for b in report.blocks if isinstance(b, Paragraph | Heading)]

    assert "The action plan has no action." in texts
    assert "No open action is past its deadline." in texts
