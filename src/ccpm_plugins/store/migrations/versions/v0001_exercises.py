"""Exercises with their stage history, response-count snapshots and scored results.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

__all__ = ["downgrade", "upgrade"]

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "exercises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("cluster", sa.String(200), nullable=False),
        sa.Column("country", sa.String(200), nullable=False),
        sa.Column("hub", sa.String(200), nullable=True),
        sa.Column("national_id", sa.Integer(), nullable=True),
        sa.Column("lead_agency", sa.String(200), nullable=False),
        sa.Column("focal_points", _JSON, nullable=False),
        sa.Column("questionnaire_id", sa.String(200), nullable=False),
        sa.Column("questionnaire_version", sa.String(32), nullable=False),
        sa.Column("survey_backend", sa.String(32), nullable=False),
        sa.Column("survey_link", sa.Text(), nullable=False),
        sa.Column("trigger_kind", sa.String(32), nullable=False),
        sa.Column("trigger_since", sa.Date(), nullable=True),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("planned_survey_open", sa.Date(), nullable=True),
        sa.Column("planned_survey_close", sa.Date(), nullable=True),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["national_id"], ["exercises.id"], name="fk_exercises_national_id_exercises"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_exercises"),
    )
    op.create_index("ix_exercises_stage", "exercises", ["stage"])

    op.create_table(
        "transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(32), nullable=True),
        sa.Column("target", sa.String(32), nullable=False),
        sa.Column("at", _TIME, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"], ["exercises.id"], name="fk_transitions_exercise_id_exercises"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_transitions"),
        sa.UniqueConstraint("exercise_id", "position", name="uq_transitions_exercise_id"),
    )
    op.create_index("ix_transitions_exercise_id", "transitions", ["exercise_id"])

    op.create_table(
        "progress_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", _TIME, nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("document", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"], ["exercises.id"], name="fk_progress_snapshots_exercise_id_exercises"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_progress_snapshots"),
    )
    op.create_index("ix_progress_snapshots_exercise_id", "progress_snapshots", ["exercise_id"])

    op.create_table(
        "results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("stored_at", _TIME, nullable=False),
        sa.Column("document", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"], ["exercises.id"], name="fk_results_exercise_id_exercises"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_results"),
    )
    op.create_index("ix_results_exercise_id", "results", ["exercise_id"])


def downgrade() -> None:
    op.drop_index("ix_results_exercise_id", table_name="results")
    op.drop_table("results")
    op.drop_index("ix_progress_snapshots_exercise_id", table_name="progress_snapshots")
    op.drop_table("progress_snapshots")
    op.drop_index("ix_transitions_exercise_id", table_name="transitions")
    op.drop_table("transitions")
    op.drop_index("ix_exercises_stage", table_name="exercises")
    op.drop_table("exercises")
