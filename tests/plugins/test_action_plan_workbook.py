"""The action-plan workbook: lossless round trip, safe text, real dates, lists and clear errors."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccpm_core.action_plan import (
    EARLIEST_DATE,
    Action,
    ActionPlan,
    ActionStatus,
    ProgressNote,
    SupportSource,
)
from ccpm_core.exercise_errors import ActionPlanError
from ccpm_core.framework import SECTION_IDS, Status
from ccpm_core.results_summary import UnitStatus
from ccpm_plugins.workbooks.action_plan_xlsx import (
    read_action_plan_workbook,
    unedited_actions,
    write_action_plan_workbook,
)

BASELINES = tuple(
    UnitStatus(s, Status.WEAK if s == "2.2" else Status.GOOD, 20.0 if s == "2.2" else 80.0, 9)
    for s in SECTION_IDS
)
RISKY_TEXTS = ("=1+2", "+44 20 7946", "-5 partners", "@lead", '=HYPERLINK("http://x","y")')


def sample_plan() -> ActionPlan:
    action = Action(
        "2.2",
        Status.WEAK,
        20.0,
        number=1,
        text="Hold a joint analysis workshop\nwith all partners",
        responsible="Information management officer",
        deadline=dt.date(2027, 3, 31),
        support_required="Facilitator and venue",
        support_from=(SupportSource.OCHA, SupportSource.HC_HCT),
        status=ActionStatus.IN_PROGRESS,
        notes=(ProgressNote(dt.date(2027, 1, 5), "Venue booked", ActionStatus.IN_PROGRESS),),
        version=3,
    )
    return ActionPlan(baselines=BASELINES, actions=(action,), exercise_id=12, hub="East")


def write(plan: ActionPlan, tmp_path: Path) -> Path:
    return write_action_plan_workbook(plan, tmp_path / "plan.xlsx")


def edit(path: Path, sheet: str, cell: str, value: object) -> None:
    workbook = openpyxl.load_workbook(path)
    workbook[sheet][cell] = value
    workbook.save(path)


def test_round_trip_sample(tmp_path: Path) -> None:
    plan = sample_plan()

    assert read_action_plan_workbook(write(plan, tmp_path)) == plan


def test_risky_text_stays_text(tmp_path: Path) -> None:
    actions = tuple(
        Action("2.2", Status.WEAK, 20.0, number=n, text=text, responsible=text)
        for n, text in enumerate(RISKY_TEXTS, start=1)
    )
    plan = ActionPlan(baselines=BASELINES, actions=actions, exercise_id=12)
    path = write(plan, tmp_path)

    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    cells = openpyxl.load_workbook(path)["Actions"]

    assert "<f>" not in sheet_xml
    assert [cells.cell(row=r, column=6).data_type for r in range(2, 7)] == ["s"] * 5
    assert all(cells.cell(row=r, column=6).quotePrefix for r in range(2, 7))
    assert read_action_plan_workbook(path) == plan


def test_dates_are_date_cells(tmp_path: Path) -> None:
    sheets = openpyxl.load_workbook(write(sample_plan(), tmp_path))

    assert sheets["Actions"]["H2"].is_date
    assert sheets["Actions"]["H2"].value == dt.datetime(2027, 3, 31)
    assert sheets["Progress notes"]["B2"].is_date


def test_lists_for_status_and_support(tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(write(sample_plan(), tmp_path))["Actions"]
    lists = {str(v.sqref): v for v in sheet.data_validations.dataValidation if v.type == "list"}

    assert lists["K2:K302"].formula1 == '"Not started,In progress,Done,Dropped"'
    assert lists["J2:J302"].formula1 == (
        '"HC/HCT,Cluster lead agency,OCHA,Global cluster,National authorities,Cluster partners"'
    )
    assert lists["J2:J302"].errorStyle == "warning"
    assert lists["B2:B302"].errorStyle == "stop"


def test_new_row_read_as_new_action(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    workbook = openpyxl.load_workbook(path)
    row = (None, 5, None, None, None, "Monthly dashboard", "IMO", dt.datetime(2027, 6, 1))
    for column, value in enumerate(row, start=1):
        workbook["Actions"].cell(row=3, column=column, value=value)
    workbook.save(path)

    plan = read_action_plan_workbook(path)

    assert plan.actions[1].number is None
    assert plan.actions[1].section_id == "5"
    assert plan.actions[1].deadline == dt.date(2027, 6, 1)
    assert plan.actions[1].status is ActionStatus.NOT_STARTED
    assert plan.actions[1].baseline_status is Status.GOOD
    assert plan.actions[1].baseline_score == 80.0


def test_section_typed_as_number(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "Actions", "B2", 2.2)

    assert read_action_plan_workbook(path).actions[0].section_id == "2.2"


def test_several_support_sources_in_one_cell(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "Actions", "J2", "ocha ; National authorities;")

    assert read_action_plan_workbook(path).actions[0].support_from == (
        SupportSource.OCHA,
        SupportSource.NATIONAL_AUTHORITIES,
    )


def test_iso_text_date_accepted(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "Actions", "H2", "2027-04-30")

    assert read_action_plan_workbook(path).actions[0].deadline == dt.date(2027, 4, 30)


def test_errors_name_sheet_row_column(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    workbook = openpyxl.load_workbook(path)
    workbook["Actions"]["H2"] = "soon"
    workbook["Actions"]["K2"] = "Finished"
    workbook["Actions"]["J2"] = "OCHA; UNICEF"
    workbook["Progress notes"]["B2"] = "last week"
    workbook.save(path)

    with pytest.raises(ActionPlanError) as raised:
        read_action_plan_workbook(path)
    message = str(raised.value)

    assert "4 problems" in message
    assert "sheet 'Actions', row 2, column 'Deadline': 'soon' is not a date" in message
    assert "sheet 'Actions', row 2, column 'Status': 'Finished' is not one of" in message
    assert "column 'Support from': 'UNICEF' is not a support source" in message
    assert "sheet 'Progress notes', row 2, column 'Date': 'last week' is not a date" in message


def test_unknown_section_error(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "Actions", "B2", "9.9")

    with pytest.raises(
        ActionPlanError, match=r"row 2, column 'Section': '9\.9' is not a CCPM section"
    ):
        read_action_plan_workbook(path)


def test_formula_cell_error(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "Actions", "G2", "=A1")

    with pytest.raises(ActionPlanError, match="column 'Responsible': holds the formula '=A1'"):
        read_action_plan_workbook(path)


def test_note_for_unknown_action(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "Progress notes", "A2", 7)

    with pytest.raises(ActionPlanError, match=r"row 2, column 'No\.': no action 7"):
        read_action_plan_workbook(path)


def test_missing_sheet(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    workbook = openpyxl.load_workbook(path)
    del workbook["Progress notes"]
    workbook.save(path)

    with pytest.raises(ActionPlanError, match="the sheet 'Progress notes' is missing"):
        read_action_plan_workbook(path)


def test_missing_column(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "Actions", "G1", "Owner")

    with pytest.raises(ActionPlanError, match="sheet 'Actions' has no column 'Responsible'"):
        read_action_plan_workbook(path)


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_text("not a zip", encoding="utf-8")

    with pytest.raises(ActionPlanError, match="not an XLSX workbook"):
        read_action_plan_workbook(path)


def test_other_format_rejected(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "About", "B1", "something else")

    with pytest.raises(ActionPlanError, match=r"expected 'ccpm\.action-plan-workbook/1'"):
        read_action_plan_workbook(path)


# Cell text as people type it: any character a workbook can hold, including
# leading formula characters, but no surrounding white space (the plan trims it).
CELL_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\r\ufffe\uffff",
    ),
    max_size=40,
).map(str.strip) | st.sampled_from(RISKY_TEXTS)
DEADLINES = st.none() | st.dates(min_value=EARLIEST_DATE, max_value=dt.date(9999, 12, 31))
SCORES = st.none() | st.floats(min_value=0, max_value=100).map(lambda x: round(x, 2))


@st.composite
def plans(draw: st.DrawFn) -> ActionPlan:
    count = draw(st.integers(min_value=0, max_value=4))
    numbers = draw(st.lists(st.integers(1, 999), min_size=count, max_size=count, unique=True))
    actions = []
    for number in numbers:
        notes = draw(
            st.lists(
                st.builds(
                    ProgressNote,
                    on=st.dates(min_value=EARLIEST_DATE, max_value=dt.date(2200, 1, 1)),
                    text=CELL_TEXT,
                    status=st.none() | st.sampled_from(ActionStatus),
                ),
                max_size=3,
            )
        )
        actions.append(
            Action(
                section_id=draw(st.sampled_from(SECTION_IDS)),
                baseline_status=draw(st.sampled_from(Status)),
                baseline_score=draw(SCORES),
                number=number,
                text=draw(CELL_TEXT),
                responsible=draw(CELL_TEXT),
                deadline=draw(DEADLINES),
                support_required=draw(CELL_TEXT),
                support_from=tuple(draw(st.lists(st.sampled_from(SupportSource), unique=True))),
                status=draw(st.sampled_from(ActionStatus)),
                notes=tuple(notes),
                version=draw(st.integers(0, 10_000)),
            )
        )
    baselines = tuple(
        UnitStatus(s, draw(st.sampled_from(Status)), draw(SCORES), draw(st.integers(0, 500)))
        for s in SECTION_IDS
    )
    return ActionPlan(
        baselines=baselines,
        actions=tuple(actions),
        exercise_id=draw(st.none() | st.integers(1, 10_000)),
        hub=draw(st.none() | CELL_TEXT.filter(bool)),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plans())
def test_round_trip_property(tmp_path: Path, plan: ActionPlan) -> None:
    path = write_action_plan_workbook(plan, tmp_path / "property.xlsx")

    read = read_action_plan_workbook(path)

    assert read == plan
    assert unedited_actions(path, read) == {a.number for a in plan.actions if a.number}


def test_round_trip_keeps_unwritten_action(tmp_path: Path) -> None:
    plan = attrs.evolve(
        sample_plan(), actions=(Action("2.2", Status.WEAK, 20.0, number=1),), hub=None
    )

    assert read_action_plan_workbook(write(plan, tmp_path)) == plan


def test_unedited_action_recognised(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)

    assert unedited_actions(path, read_action_plan_workbook(path)) == {1}


def test_edited_text_not_unedited(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "Actions", "F2", "Hold two workshops")

    assert unedited_actions(path, read_action_plan_workbook(path)) == set()


def test_added_note_not_unedited(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "Progress notes", "A3", 1)
    edit(path, "Progress notes", "B3", dt.datetime(2027, 2, 1))
    edit(path, "Progress notes", "D3", "Invitations sent")

    assert unedited_actions(path, read_action_plan_workbook(path)) == set()


def test_forged_fingerprint_ignored(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "About", "B5", "0000000000000000")

    assert unedited_actions(path, read_action_plan_workbook(path)) == set()


def test_all_problems_in_one_error(tmp_path: Path) -> None:
    plan = sample_plan()
    second = attrs.evolve(plan.actions[0], number=2, version=0)
    path = write(attrs.evolve(plan, actions=(*plan.actions, second)), tmp_path)
    workbook = openpyxl.load_workbook(path)
    workbook["Actions"]["A3"] = 1
    workbook["Actions"]["A4"] = 1
    workbook["Actions"]["B4"] = "2.2"
    workbook["Actions"]["H4"] = "soon"
    workbook.save(path)

    with pytest.raises(ActionPlanError) as raised:
        read_action_plan_workbook(path)
    message = str(raised.value)

    assert "4 problems" in message
    assert "sheet 'Progress notes', row 3, column 'No.': no action 2" in message
    assert "row 2, column 'No.': action number 1 is on rows 2, 3; number each" in message
    assert "row 3, column 'No.': action number 1 is on rows 2, 3" in message
    assert "row 4, column 'Deadline': 'soon' is not a date" in message


def test_one_problem_in_singular(tmp_path: Path) -> None:
    path = write(sample_plan(), tmp_path)
    edit(path, "Actions", "H2", "soon")

    with pytest.raises(ActionPlanError, match=r"plan\.xlsx: 1 problem in the action plan workbook"):
        read_action_plan_workbook(path)
