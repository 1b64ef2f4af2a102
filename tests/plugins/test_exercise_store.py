"""The exercise store on SQLite and PostgreSQL: records, optimistic locking and migrations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from store_databases import store_url

from ccpm_core.action_plan import ActionPlan, ActionStatus, record_progress
from ccpm_core.action_plan_merge import merge_edited_plan
from ccpm_core.exercise import Exercise, Schedule, Stage, Trigger, TriggerKind, new_exercise
from ccpm_core.exercise_errors import (
    ActionPlanError,
    ConflictError,
    ExerciseError,
    NotFoundError,
    StoreError,
)
from ccpm_core.framework import SECTION_IDS, Status
from ccpm_core.lifecycle import advance
from ccpm_core.progress import LevelProgress, SurveyProgress
from ccpm_core.rates import RateFigure, ResponseRates
from ccpm_core.results_summary import UnitStatus
from ccpm_core.survey_snapshots import ProgressSnapshot
from ccpm_plugins.store import open_store, resolve_store_url
from ccpm_plugins.store.models import ActionRow, Base
from ccpm_plugins.store.store import ExerciseStore

__all__ = ["store_url"]

CREATED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
DAY = dt.date(2027, 1, 10)


def health_chad(hub: str | None = None, national_id: int | None = None) -> Exercise:
    return new_exercise(
        "Health",
        "Chad",
        Trigger(TriggerKind.NEW_EMERGENCY, dt.date(2026, 8, 1)),
        at=CREATED,
        by="Amina",
        note="Agreed at the HCT",
        hub=hub,
        national_id=national_id,
        lead_agency="WHO",
        focal_points=("Amina", "Jean"),
        questionnaire_id="ccpm-standard",
        questionnaire_version="2026.1",
        survey_backend="kobo",
        survey_link="https://survey.example.org/ccpm",
        schedule=Schedule(survey_open=dt.date(2026, 11, 5), survey_close=dt.date(2026, 11, 19)),
    )


def draft_plan(exercise_id: int) -> ActionPlan:
    statuses = {"2.2": Status.WEAK, "5": Status.UNSATISFACTORY}
    baselines = tuple(
        UnitStatus(s, statuses.get(s, Status.GOOD), 20.0 if s in statuses else 80.0, 9)
        for s in SECTION_IDS
    )
    plan = ActionPlan(baselines=baselines, exercise_id=exercise_id)
    return plan.add_action("2.2").add_action("5", text="Monthly dashboard")


def progress_snapshot(moment: dt.datetime, partners: int) -> ProgressSnapshot:
    rates = ResponseRates(
        overall=RateFigure(partners, 40.0),
        effective=RateFigure(partners, None),
        by_type=(),
        partners_without_type=0,
        coordinators_reporting=1,
    )
    level = LevelProgress(None, partners, 1, (("national_ngo", partners),), rates)
    return ProgressSnapshot(moment, (SurveyProgress("responses", (level,), {}),))


@pytest.fixture
def store(store_url: str) -> ExerciseStore:
    opened = open_store(store_url)
    yield opened  # type: ignore[misc]
    opened.close()


def test_exercise_round_trip(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())

    assert stored.id is not None
    assert stored.version == 1
    assert store.exercise(stored.id) == stored
    assert attrs.evolve(stored, id=None, version=0) == health_chad()


def test_exercise_times_stay_utc(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())

    assert store.exercise(stored.id or 0).created_at.tzinfo is dt.UTC


def test_missing_exercise(store: ExerciseStore) -> None:
    with pytest.raises(NotFoundError, match="no exercise 42"):
        store.exercise(42)


def test_stored_exercise_cannot_be_added_again(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())

    with pytest.raises(ExerciseError, match="already stored"):
        store.add_exercise(stored)


def test_list_filters(store: ExerciseStore) -> None:
    national = store.add_exercise(health_chad())
    store.add_exercise(health_chad(hub="East", national_id=national.id))
    other = attrs.evolve(health_chad(), cluster="Nutrition")
    store.add_exercise(other)

    assert len(store.exercises()) == 3
    assert [e.cluster for e in store.exercises(cluster="nutrition")] == ["Nutrition"]
    assert store.exercises(stage=Stage.SURVEY) == []


def test_hub_needs_stored_national(store: ExerciseStore) -> None:
    with pytest.raises(NotFoundError, match="national exercise 9 is not in the store"):
        store.add_exercise(health_chad(hub="East", national_id=9))


def test_hub_cannot_link_to_other_hub(store: ExerciseStore) -> None:
    national = store.add_exercise(health_chad())
    east = store.add_exercise(health_chad(hub="East", national_id=national.id))

    with pytest.raises(ExerciseError, match="not a national one"):
        store.add_exercise(health_chad(hub="West", national_id=east.id))


def test_hub_must_match_national_cluster(store: ExerciseStore) -> None:
    national = store.add_exercise(attrs.evolve(health_chad(), cluster="Nutrition"))

    with pytest.raises(ExerciseError, match="for the Nutrition cluster in Chad"):
        store.add_exercise(health_chad(hub="East", national_id=national.id))


def test_transitions_kept(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())
    moved = advance(stored, Stage.SURVEY, at=CREATED + dt.timedelta(days=3), by="Jean", note="Go")

    saved = store.save_exercise(moved)
    again = store.exercise(saved.id or 0)

    assert again.stage is Stage.SURVEY
    assert again.version == 2
    assert again.transitions == moved.transitions


def test_stale_exercise_write_conflicts(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())
    later = CREATED + dt.timedelta(days=3)
    store.save_exercise(advance(stored, Stage.SURVEY, at=later, by="Jean"))

    with pytest.raises(ConflictError, match="read at 1"):
        store.save_exercise(advance(stored, Stage.CLOSED, at=later, by="Ali", note="Stop"))


def test_snapshots_in_time_order(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())
    late = progress_snapshot(CREATED + dt.timedelta(days=9), 12)
    early = progress_snapshot(CREATED + dt.timedelta(days=2), 5)

    store.add_snapshot(stored.id or 0, late)
    store.add_snapshot(stored.id or 0, early)

    assert store.snapshots(stored.id or 0) == [early, late]


def test_latest_results(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())
    store.add_results(stored.id or 0, {"schema": "ccpm.results/1", "n": 1}, CREATED)
    store.add_results(stored.id or 0, {"schema": "ccpm.results/1", "n": 2}, DAY_TIME)

    latest = store.latest_results(stored.id or 0)

    assert latest is not None
    assert latest.document == {"schema": "ccpm.results/1", "n": 2}
    assert latest.stored_at == DAY_TIME


DAY_TIME = dt.datetime(2027, 1, 10, 8, 30, tzinfo=dt.UTC)


def test_no_results_yet(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())

    assert store.latest_results(stored.id or 0) is None


def test_action_plan_round_trip(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())
    plan = draft_plan(stored.id or 0)

    saved = store.add_action_plan(plan, DAY_TIME)

    assert saved == store.action_plan(stored.id or 0)
    assert [a.version for a in saved.actions] == [1, 1]
    assert (
        attrs.evolve(saved, actions=tuple(attrs.evolve(a, version=0) for a in saved.actions))
        == plan
    )


def test_second_draft_rejected(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())
    store.add_action_plan(draft_plan(stored.id or 0), DAY_TIME)

    with pytest.raises(ActionPlanError, match="already has an action plan"):
        store.add_action_plan(draft_plan(stored.id or 0), DAY_TIME)


def test_plan_level_must_match_exercise(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())

    with pytest.raises(ActionPlanError, match="is at level 'national'"):
        store.add_action_plan(attrs.evolve(draft_plan(stored.id or 0), hub="East"), DAY_TIME)


def test_save_action_with_notes(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())
    plan = store.add_action_plan(draft_plan(stored.id or 0), DAY_TIME)
    action = record_progress(plan.action(2), DAY, "Started", ActionStatus.IN_PROGRESS)

    saved = store.save_action(stored.id or 0, action)

    assert saved.version == 2
    assert saved.notes == action.notes
    assert store.action_plan(stored.id or 0) == plan.replace_action(saved)


def test_add_new_action(store: ExerciseStore) -> None:
    stored = store.add_exercise(health_chad())
    plan = store.add_action_plan(draft_plan(stored.id or 0), DAY_TIME)
    new = plan.add_action("7", text="Feedback line").actions[-1]

    saved = store.save_action(stored.id or 0, attrs.evolve(new, number=None))

    assert saved.number == 3
    assert saved.version == 1


def test_concurrent_action_update_conflicts(store_url: str) -> None:
    first = open_store(store_url)
    second = open_store(store_url)
    try:
        exercise = first.add_exercise(health_chad())
        plan = first.add_action_plan(draft_plan(exercise.id or 0), DAY_TIME)
        mine = second.action_plan(exercise.id or 0)
        assert mine is not None

        first.save_action(exercise.id or 0, attrs.evolve(plan.action(2), responsible="Amina"))

        with pytest.raises(ConflictError, match=r"action 2 of exercise .* read at 1"):
            second.save_action(exercise.id or 0, attrs.evolve(mine.action(2), responsible="Jean"))
        final = first.action_plan(exercise.id or 0)
        assert final is not None
        assert final.action(2).responsible == "Amina"
    finally:
        first.close()
        second.close()


def test_two_sessions_version_check(store: ExerciseStore) -> None:
    exercise = store.add_exercise(health_chad())
    store.add_action_plan(draft_plan(exercise.id or 0), DAY_TIME)
    query = sa.select(ActionRow).where(ActionRow.number == 2)

    # Both sessions read version 1 before either writes, as two people editing at once.
    with Session(store.engine) as first, Session(store.engine) as second:
        first_row = first.scalars(query).one()
        second_row = second.scalars(query).one()
        second_row.responsible = "Jean"
        second.commit()
        first_row.responsible = "Amina"

        with pytest.raises(StaleDataError):
            first.commit()

    plan = store.action_plan(exercise.id or 0)
    assert plan is not None
    assert plan.action(2).responsible == "Jean"


def test_store_session_reports_conflict(store: ExerciseStore) -> None:
    exercise = store.add_exercise(health_chad())
    store.add_action_plan(draft_plan(exercise.id or 0), DAY_TIME)
    query = sa.select(ActionRow).where(ActionRow.number == 2)

    def edit_while_other_writes(other: Session) -> None:
        with store.session() as session:
            row = session.scalars(query).one()
            other.scalars(query).one().responsible = "Jean"
            other.commit()
            row.responsible = "Amina"

    with Session(store.engine) as other, pytest.raises(ConflictError, match="someone else"):
        edit_while_other_writes(other)


def test_plan_changes_all_or_nothing(store: ExerciseStore) -> None:
    exercise = store.add_exercise(health_chad())
    plan = store.add_action_plan(draft_plan(exercise.id or 0), DAY_TIME)
    edited = plan.replace_action(attrs.evolve(plan.action(1), text="Joint analysis"))
    edited = edited.replace_action(attrs.evolve(edited.action(2), responsible="IMO"))
    changes = merge_edited_plan(plan, edited, DAY)
    store.save_action(exercise.id or 0, attrs.evolve(plan.action(2), responsible="Other"))

    with pytest.raises(ConflictError):
        store.save_plan_changes(exercise.id or 0, changes)

    after = store.action_plan(exercise.id or 0)
    assert after is not None
    assert after.action(1).text == ""


def test_plan_changes_saved(store: ExerciseStore) -> None:
    exercise = store.add_exercise(health_chad())
    plan = store.add_action_plan(draft_plan(exercise.id or 0), DAY_TIME)
    edited = plan.replace_action(
        attrs.evolve(plan.action(1), text="Joint analysis", status=ActionStatus.IN_PROGRESS)
    )
    changes = merge_edited_plan(plan, edited, DAY)

    saved = store.save_plan_changes(exercise.id or 0, changes)

    assert saved.action(1).text == "Joint analysis"
    assert saved.action(1).notes[-1].status is ActionStatus.IN_PROGRESS
    assert saved.action(1).version == 2


def test_store_made_at_first_revision_upgrades(store_url: str) -> None:
    old = open_store(store_url, revision="0001")
    try:
        exercise = old.add_exercise(health_chad())
        old.add_snapshot(exercise.id or 0, progress_snapshot(CREATED, 4))
        with old.engine.connect() as connection:
            tables = sa.inspect(connection).get_table_names()
        assert "actions" not in tables
    finally:
        old.close()

    upgraded = open_store(store_url)
    try:
        assert upgraded.exercise(exercise.id or 0) == exercise
        assert upgraded.snapshots(exercise.id or 0) == [progress_snapshot(CREATED, 4)]
        saved = upgraded.add_action_plan(draft_plan(exercise.id or 0), DAY_TIME)
        assert len(saved.actions) == 2
    finally:
        upgraded.close()


def test_migrations_match_models(store: ExerciseStore) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)

    assert differences == []


def test_store_from_newer_ccpm_rejected(store_url: str) -> None:
    open_store(store_url).close()
    engine = sa.create_engine(store_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()

    with pytest.raises(StoreError, match=r"revision '9999'.*upgrade ccpm"):
        open_store(store_url)


def test_unreachable_store() -> None:
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"

    with pytest.raises(StoreError, match=r"cannot open the store .*\*\*\*") as raised:
        open_store(url)
    assert "secret" not in str(raised.value)


def test_location_path_is_sqlite(tmp_path: Path) -> None:
    url = resolve_store_url(str(tmp_path / "ex.sqlite3"))

    assert url.get_backend_name() == "sqlite"
    assert url.database == str(tmp_path / "ex.sqlite3")


def test_location_postgres_gets_psycopg() -> None:
    url = resolve_store_url("postgresql://u:p@127.0.0.1/db")

    assert url.drivername == "postgresql+psycopg"


def test_location_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CCPM_STORE", str(tmp_path / "env.sqlite3"))

    assert resolve_store_url(None).database == str(tmp_path / "env.sqlite3")


def test_location_default_in_user_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CCPM_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))

    url = resolve_store_url(None)

    assert url.database == str(tmp_path / "ccpm" / "exercises.sqlite3")


def test_location_other_database_rejected() -> None:
    with pytest.raises(StoreError, match="names a mysql database"):
        resolve_store_url("mysql://u:p@127.0.0.1/db")


def test_missing_sqlite_folder_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "store.sqlite3"

    open_store(str(path)).close()

    assert path.is_file()


def test_notes_from_stale_copy_conflict(store: ExerciseStore) -> None:
    exercise = store.add_exercise(health_chad())
    plan = store.add_action_plan(draft_plan(exercise.id or 0), DAY_TIME)
    stale = plan.action(2)

    first = record_progress(stale, dt.date(2026, 12, 4), "Note A")
    store.save_action(exercise.id or 0, first)

    # The second note starts from the same stale copy, so saving it would drop "Note A".
    second = record_progress(stale, dt.date(2026, 12, 4), "Note B")
    with pytest.raises(ConflictError, match="read at 1"):
        store.save_action(exercise.id or 0, second)
    stored = store.action_plan(exercise.id or 0)
    assert stored is not None
    assert [note.text for note in stored.action(2).notes] == ["Note A"]
