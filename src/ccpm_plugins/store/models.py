"""Database tables of the exercise store, as typed SQLAlchemy 2 ORM classes.

These classes describe the schema at the newest migration; the migration
scripts under ``migrations/versions`` build it step by step. A change here
needs a new migration script, so that stores made by an earlier version of
ccpm still open.

Stage, status and trigger values are stored as their string values, not as
database enums, so that adding a value needs no schema change. Exercises and
actions carry a version column that SQLAlchemy checks on every update: a
write based on an outdated read fails instead of overwriting.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "ActionPlanRow",
    "ActionRow",
    "Base",
    "ExerciseRow",
    "ProgressNoteRow",
    "ResultsRow",
    "SnapshotRow",
    "TransitionRow",
    "UtcDateTime",
]

JsonDocument = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
"""JSON column type: JSONB on PostgreSQL, JSON text elsewhere."""

NAME_LENGTH = 200
CODE_LENGTH = 32


class UtcDateTime(sa.types.TypeDecorator[dt.datetime]):
    """A timezone-aware UTC time on every database.

    SQLite has no time zones, so times are stored there as naive UTC and get
    their UTC zone back when read. Naive times are rejected on the way in.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            msg = f"time {value.isoformat()} has no timezone; the store keeps UTC times"
            raise ValueError(msg)
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the store tables."""

    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class ExerciseRow(Base):
    """One exercise; its stage history lives in ``transitions``."""

    __tablename__ = "exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(nullable=False)
    cluster: Mapped[str] = mapped_column(sa.String(NAME_LENGTH))
    country: Mapped[str] = mapped_column(sa.String(NAME_LENGTH))
    hub: Mapped[str | None] = mapped_column(sa.String(NAME_LENGTH))
    national_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exercises.id"))
    lead_agency: Mapped[str] = mapped_column(sa.String(NAME_LENGTH))
    focal_points: Mapped[list[str]] = mapped_column(JsonDocument)
    questionnaire_id: Mapped[str] = mapped_column(sa.String(NAME_LENGTH))
    questionnaire_version: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    survey_backend: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    survey_link: Mapped[str] = mapped_column(sa.Text)
    trigger_kind: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    trigger_since: Mapped[dt.date | None] = mapped_column(sa.Date)
    planned_start: Mapped[dt.date | None] = mapped_column(sa.Date)
    planned_survey_open: Mapped[dt.date | None] = mapped_column(sa.Date)
    planned_survey_close: Mapped[dt.date | None] = mapped_column(sa.Date)
    planned_end: Mapped[dt.date | None] = mapped_column(sa.Date)
    stage: Mapped[str] = mapped_column(sa.String(CODE_LENGTH), index=True)

    transitions: Mapped[list[TransitionRow]] = relationship(
        order_by="TransitionRow.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class TransitionRow(Base):
    """One stage change of an exercise; ``position`` orders them from 0."""

    __tablename__ = "transitions"
    __table_args__ = (sa.UniqueConstraint("exercise_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    position: Mapped[int]
    source: Mapped[str | None] = mapped_column(sa.String(CODE_LENGTH))
    target: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    author: Mapped[str] = mapped_column(sa.String(NAME_LENGTH))
    note: Mapped[str] = mapped_column(sa.Text)


class SnapshotRow(Base):
    """A response count taken during the survey, as a ``ccpm.progress-snapshot/1`` document."""

    __tablename__ = "progress_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    taken_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    responses: Mapped[int]
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)


class ResultsRow(Base):
    """Scored results of an exercise as a ``ccpm.results/1`` document; the latest one counts."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(primary_key=True)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercises.id"), index=True)
    stored_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    document: Mapped[dict[str, Any]] = mapped_column(JsonDocument)


class ActionPlanRow(Base):
    """The action plan of an exercise: the section baselines it was drafted from."""

    __tablename__ = "action_plans"

    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("exercises.id"), primary_key=True)
    hub: Mapped[str | None] = mapped_column(sa.String(NAME_LENGTH))
    drafted_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    baselines: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)

    actions: Mapped[list[ActionRow]] = relationship(
        order_by="ActionRow.number", cascade="all, delete-orphan"
    )


class ActionRow(Base):
    """One action; ``number`` is its id within the plan, shown to people."""

    __tablename__ = "actions"
    __table_args__ = (sa.UniqueConstraint("exercise_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(nullable=False)
    exercise_id: Mapped[int] = mapped_column(sa.ForeignKey("action_plans.exercise_id"), index=True)
    number: Mapped[int]
    section_id: Mapped[str] = mapped_column(sa.String(8))
    baseline_status: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    baseline_score: Mapped[float | None] = mapped_column(sa.Float)
    text: Mapped[str] = mapped_column(sa.Text)
    responsible: Mapped[str] = mapped_column(sa.Text)
    deadline: Mapped[dt.date | None] = mapped_column(sa.Date)
    support_required: Mapped[str] = mapped_column(sa.Text)
    support_from: Mapped[list[str]] = mapped_column(JsonDocument)
    status: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))

    notes: Mapped[list[ProgressNoteRow]] = relationship(
        order_by="ProgressNoteRow.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ProgressNoteRow(Base):
    """One dated progress note of an action; ``position`` keeps the order of one day's notes."""

    __tablename__ = "progress_notes"
    __table_args__ = (sa.UniqueConstraint("action_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("actions.id"), index=True)
    position: Mapped[int]
    noted_on: Mapped[dt.date] = mapped_column(sa.Date)
    text: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str | None] = mapped_column(sa.String(CODE_LENGTH))
