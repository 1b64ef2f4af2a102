"""Action plans: section baselines, actions and their dated progress notes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

__all__ = ["downgrade", "upgrade"]

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "action_plans",
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("hub", sa.String(200), nullable=True),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("baselines", _JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"], ["exercises.id"], name="fk_action_plans_exercise_id_exercises"
        ),
        sa.PrimaryKeyConstraint("exercise_id", name="pk_action_plans"),
    )

    op.create_table(
        "actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.String(8), nullable=False),
        sa.Column("baseline_status", sa.String(32), nullable=False),
        sa.Column("baseline_score", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("responsible", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("support_required", sa.Text(), nullable=False),
        sa.Column("support_from", _JSON, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["exercise_id"],
            ["action_plans.exercise_id"],
            name="fk_actions_exercise_id_action_plans",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_actions"),
        sa.UniqueConstraint("exercise_id", "number", name="uq_actions_exercise_id"),
    )
    op.create_index("ix_actions_exercise_id", "actions", ["exercise_id"])

    op.create_table(
        "progress_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("noted_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name="fk_progress_notes_action_id_actions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_progress_notes"),
        sa.UniqueConstraint("action_id", "position", name="uq_progress_notes_action_id"),
    )
    op.create_index("ix_progress_notes_action_id", "progress_notes", ["action_id"])


def downgrade() -> None:
    op.drop_index("ix_progress_notes_action_id", table_name="progress_notes")
    op.drop_table("progress_notes")
    op.drop_index("ix_actions_exercise_id", table_name="actions")
    op.drop_table("actions")
    op.drop_table("action_plans")
