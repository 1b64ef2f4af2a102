"""The exercise store: exercises, stage changes, response counts, results and action plans.

Every method runs in its own transaction and returns core value objects, so
callers never hold a database session. Writes of exercises and actions are
checked against the version that was read: when someone else saved the same
record in between, the write raises :class:`~ccpm_core.exercise_errors.ConflictError`
and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import DatabaseError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from ccpm_core.action_plan import Action, ActionPlan
from ccpm_core.action_plan_merge import PlanChanges
from ccpm_core.exercise import Exercise, Stage, utc_time
from ccpm_core.exercise_errors import (
    ActionPlanError,
    ConflictError,
    ExerciseError,
    NotFoundError,
    StoreError,
)
from ccpm_core.survey_snapshots import ProgressSnapshot
from ccpm_plugins.store.conversions import (
    action_from_row,
    action_to_row,
    baselines_to_json,
    exercise_from_row,
    exercise_to_row,
    plan_from_row,
)
from ccpm_plugins.store.location import display_url, resolve_store_url
from ccpm_plugins.store.migrate import HEAD, upgrade_schema
from ccpm_plugins.store.models import (
    ActionPlanRow,
    ActionRow,
    ExerciseRow,
    ResultsRow,
    SnapshotRow,
)

__all__ = ["ExerciseStore", "StoredResults", "open_store"]

logger = logging.getLogger(__name__)


@attrs.frozen
class StoredResults:
    """A ``ccpm.results/1`` document with the time it was stored."""

    stored_at: dt.datetime
    document: dict[str, Any]


def open_store(location: str | sa.URL | None = None, *, revision: str = HEAD) -> ExerciseStore:
    """Open the store at ``location`` (see :func:`resolve_store_url`) and upgrade its schema.

    ``revision`` stops the upgrade at an older schema revision, which only
    tests of the migrations need. A missing SQLite file is created, with its
    folder. Raises StoreError when the database cannot be reached.
    """
    url = location if isinstance(location, sa.URL) else resolve_store_url(location)
    if url.get_backend_name() == "sqlite" and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)

    engine = sa.create_engine(url)
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)

    where = display_url(url)
    try:
        with engine.begin() as connection:
            upgrade_schema(connection, revision, where)
    except DatabaseError as error:
        # Also a file that is not a SQLite database ("file is not a database").
        engine.dispose()
        msg = f"cannot open the store {where}: {_first_line(error.orig)}"
        raise StoreError(msg) from None
    except StoreError:
        engine.dispose()
        raise
    logger.info("opened the exercise store %s", where)
    return ExerciseStore(engine, where)


def _enable_sqlite_foreign_keys(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class ExerciseStore:
    """Exercises and everything recorded about them, in one SQL database."""

    def __init__(self, engine: sa.Engine, where: str) -> None:
        self.engine = engine
        self.where = where
        """The store's URL with the password masked, for messages."""
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> ExerciseStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Open a session in a transaction that commits on success; for tests and tools."""
        try:
            with self._sessions.begin() as session:
                yield session
        except StaleDataError:
            msg = (
                "the record was changed by someone else while you edited it; "
                "read it again and redo your change"
            )
            raise ConflictError(msg) from None
        except IntegrityError:
            # Callers turn a lost race for a unique key into ConflictError.
            raise
        except DatabaseError as error:
            msg = f"the store {self.where} failed: {_first_line(error.orig)}"
            raise StoreError(msg) from None

    # Exercises

    def add_exercise(self, exercise: Exercise) -> Exercise:
        """Store a new exercise and return it with its id and version."""
        if exercise.id is not None:
            msg = f"exercise {exercise.id} is already stored; save changes with save_exercise"
            raise ExerciseError(msg)
        with self.session() as session:
            if exercise.national_id is not None:
                self._check_national(session, exercise)
            row = exercise_to_row(exercise)
            session.add(row)
            session.flush()
            stored = exercise_from_row(row)
        logger.info("stored exercise %s", stored.id)
        return stored

    def _check_national(self, session: Session, exercise: Exercise) -> None:
        national = session.get(ExerciseRow, exercise.national_id)
        if national is None:
            msg = f"national exercise {exercise.national_id} is not in the store"
            raise NotFoundError(msg)
        if national.hub is not None:
            msg = (
                f"exercise {national.id} is the exercise of hub {national.hub!r}, not a "
                "national one; link the hub exercise to its national exercise"
            )
            raise ExerciseError(msg)
        if (national.cluster, national.country) != (exercise.cluster, exercise.country):
            msg = (
                f"national exercise {national.id} is for the {national.cluster} cluster in "
                f"{national.country}, not for {exercise.cluster} in {exercise.country}"
            )
            raise ExerciseError(msg)

    def exercise(self, exercise_id: int) -> Exercise:
        """Return the exercise with this id; raise NotFoundError when there is none."""
        with self.session() as session:
            return exercise_from_row(self._exercise_row(session, exercise_id))

    def _exercise_row(self, session: Session, exercise_id: int) -> ExerciseRow:
        row = session.get(ExerciseRow, exercise_id)
        if row is None:
            msg = f"no exercise {exercise_id} in the store {self.where}"
            raise NotFoundError(msg)
        return row

    def exercises(
        self,
        *,
        cluster: str | None = None,
        country: str | None = None,
        stage: Stage | None = None,
    ) -> list[Exercise]:
        """Return the stored exercises, oldest first, optionally filtered (case-insensitive)."""
        query = sa.select(ExerciseRow).order_by(ExerciseRow.id)
        if cluster:
            query = query.where(sa.func.lower(ExerciseRow.cluster) == cluster.lower())
        if country:
            query = query.where(sa.func.lower(ExerciseRow.country) == country.lower())
        if stage is not None:
            query = query.where(ExerciseRow.stage == stage.value)
        with self.session() as session:
            return [exercise_from_row(row) for row in session.scalars(query)]

    def save_exercise(self, exercise: Exercise) -> Exercise:
        """Save changes to a stored exercise and return it with its new version.

        Raises ConflictError when the stored exercise is no longer at the
        version ``exercise`` was read at, or when its stored stage history is
        not the start of ``exercise``'s.
        """
        if exercise.id is None:
            msg = "the exercise is not stored yet; store it with add_exercise"
            raise ExerciseError(msg)
        with self.session() as session:
            row = self._exercise_row(session, exercise.id)
            if row.version != exercise.version or len(row.transitions) > len(exercise.transitions):
                msg = (
                    f"exercise {exercise.id} was changed by someone else (now at version "
                    f"{row.version}, read at {exercise.version}); read it again and redo "
                    "your change"
                )
                raise ConflictError(msg)
            exercise_to_row(exercise, row)
            session.flush()
            saved = exercise_from_row(row)
        logger.info("saved exercise %s at version %s", saved.id, saved.version)
        return saved

    # Response counts and results

    def add_snapshot(self, exercise_id: int, snapshot: ProgressSnapshot) -> None:
        """Store a response count taken during the survey."""
        with self.session() as session:
            self._exercise_row(session, exercise_id)
            session.add(
                SnapshotRow(
                    exercise_id=exercise_id,
                    taken_at=snapshot.taken_at,
                    responses=snapshot.responses,
                    document=snapshot.to_dict(),
                )
            )

    def snapshots(self, exercise_id: int) -> list[ProgressSnapshot]:
        """Return the response counts of an exercise, oldest first."""
        query = (
            sa.select(SnapshotRow)
            .where(SnapshotRow.exercise_id == exercise_id)
            .order_by(SnapshotRow.taken_at, SnapshotRow.id)
        )
        with self.session() as session:
            self._exercise_row(session, exercise_id)
            return [ProgressSnapshot.from_dict(row.document) for row in session.scalars(query)]

    def add_results(
        self, exercise_id: int, document: Mapping[str, Any], stored_at: dt.datetime
    ) -> None:
        """Store a ``ccpm.results/1`` document; the latest one stored is the exercise's results."""
        with self.session() as session:
            self._exercise_row(session, exercise_id)
            session.add(
                ResultsRow(
                    exercise_id=exercise_id, stored_at=utc_time(stored_at), document=dict(document)
                )
            )

    def latest_results(self, exercise_id: int) -> StoredResults | None:
        """Return the latest results stored for an exercise, or None."""
        query = (
            sa.select(ResultsRow)
            .where(ResultsRow.exercise_id == exercise_id)
            .order_by(ResultsRow.stored_at.desc(), ResultsRow.id.desc())
            .limit(1)
        )
        with self.session() as session:
            self._exercise_row(session, exercise_id)
            row = session.scalars(query).first()
            return None if row is None else StoredResults(row.stored_at, row.document)

    def all_latest_results(self) -> dict[int, StoredResults]:
        """Return the latest results of every exercise that has any, by exercise id.

        One query serves all exercises, so reading thousands of them stays fast.
        """
        ranked = sa.select(
            ResultsRow.id,
            sa.func.row_number()
            .over(
                partition_by=ResultsRow.exercise_id,
                order_by=(ResultsRow.stored_at.desc(), ResultsRow.id.desc()),
            )
            .label("rank"),
        ).subquery()
        query = (
            sa.select(ResultsRow)
            .join(ranked, ranked.c.id == ResultsRow.id)
            .where(ranked.c.rank == 1)
            .order_by(ResultsRow.exercise_id)
        )
        with self.session() as session:
            return {
                row.exercise_id: StoredResults(row.stored_at, row.document)
                for row in session.scalars(query)
            }

    # Action plans

    def add_action_plan(self, plan: ActionPlan, drafted_at: dt.datetime) -> ActionPlan:
        """Store a new action plan; raise ActionPlanError when the exercise already has one."""
        if plan.exercise_id is None:
            msg = "the action plan names no exercise; draft it for a stored exercise"
            raise ActionPlanError(msg)
        try:
            with self.session() as session:
                exercise = self._exercise_row(session, plan.exercise_id)
                if session.get(ActionPlanRow, plan.exercise_id) is not None:
                    msg = (
                        f"exercise {plan.exercise_id} already has an action plan; edit it "
                        "instead of drafting a new one"
                    )
                    raise ActionPlanError(msg)
                if plan.hub != exercise.hub:
                    msg = (
                        f"the action plan is for level {plan.hub or 'national'!r}, but exercise "
                        f"{exercise.id} is at level {exercise.hub or 'national'!r}"
                    )
                    raise ActionPlanError(msg)
                row = ActionPlanRow(
                    exercise_id=plan.exercise_id,
                    hub=plan.hub,
                    drafted_at=utc_time(drafted_at),
                    baselines=baselines_to_json(plan.baselines),
                    actions=[action_to_row(action) for action in plan.actions],
                )
                session.add(row)
                session.flush()
                stored = plan_from_row(row)
        except IntegrityError:
            msg = f"exercise {plan.exercise_id} got an action plan from someone else meanwhile"
            raise ConflictError(msg) from None
        logger.info("stored the action plan of exercise %s", plan.exercise_id)
        return stored

    def action_plan(self, exercise_id: int) -> ActionPlan | None:
        """Return the action plan of an exercise, or None when it has none yet."""
        with self.session() as session:
            self._exercise_row(session, exercise_id)
            row = session.get(ActionPlanRow, exercise_id)
            return None if row is None else plan_from_row(row)

    def save_action(self, exercise_id: int, action: Action) -> Action:
        """Save a changed action, or add a new one (number None), and return it as stored.

        A changed action must carry the version it was read at. When the stored
        version differs, ConflictError is raised and nothing is written.
        """
        try:
            with self.session() as session:
                plan_row = self._plan_row(session, exercise_id)
                saved = self._save_action(session, plan_row, action)
        except IntegrityError:
            # Two writers added the same note position at once; the later one loses.
            msg = (
                f"action {action.number} of exercise {exercise_id} was changed by someone "
                "else at the same time; read it again and redo your change"
            )
            raise ConflictError(msg) from None
        logger.info("saved action %s of exercise %s", saved.number, exercise_id)
        return saved

    def save_plan_changes(self, exercise_id: int, changes: PlanChanges) -> ActionPlan:
        """Save every changed and added action of a merge in one transaction: all or nothing."""
        with self.session() as session:
            plan_row = self._plan_row(session, exercise_id)
            for action in (*changes.changed, *changes.added):
                self._save_action(session, plan_row, action)
            session.flush()
            session.refresh(plan_row)
            plan = plan_from_row(plan_row)
        logger.info(
            "saved %d changed and %d new actions of exercise %s",
            len(changes.changed),
            len(changes.added),
            exercise_id,
        )
        return plan

    def _plan_row(self, session: Session, exercise_id: int) -> ActionPlanRow:
        self._exercise_row(session, exercise_id)
        row = session.get(ActionPlanRow, exercise_id)
        if row is None:
            msg = f"exercise {exercise_id} has no action plan; draft one from its results first"
            raise NotFoundError(msg)
        return row

    def _save_action(self, session: Session, plan_row: ActionPlanRow, action: Action) -> Action:
        if action.number is None or action.version == 0:
            number = action.number
            if number is None:
                numbers = [row.number for row in plan_row.actions]
                number = max(numbers, default=0) + 1
            new_row = action_to_row(_numbered(action, number))
            plan_row.actions.append(new_row)
            session.flush()
            return action_from_row(new_row)

        row = session.scalars(
            sa.select(ActionRow).where(
                ActionRow.exercise_id == plan_row.exercise_id, ActionRow.number == action.number
            )
        ).first()
        if row is None:
            msg = f"exercise {plan_row.exercise_id} has no action {action.number}"
            raise NotFoundError(msg)
        if row.version != action.version or len(row.notes) > len(action.notes):
            msg = (
                f"action {action.number} of exercise {plan_row.exercise_id} was changed by "
                f"someone else (now at version {row.version}, read at {action.version}); "
                "read it again and redo your change"
            )
            raise ConflictError(msg)
        had_notes = len(row.notes)
        action_to_row(action, row)
        if len(row.notes) > had_notes:
            # A new note changes no column of the action row, so mark one as changed:
            # the update then raises the version, and a second writer who read the
            # same version gets a conflict instead of losing its note.
            flag_modified(row, "status")
        session.flush()
        return action_from_row(row)


def _numbered(action: Action, number: int) -> Action:
    return attrs.evolve(action, number=number)
