"""questionnaire assignments; adverse events reported by patients await review

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("completed_by", sa.Integer(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_assignments_clinic_id_clinics")
        ),
        sa.ForeignKeyConstraint(
            ["completed_by"],
            ["assessments.id"],
            name=op.f("fk_assignments_completed_by_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_assignments_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_assignments_episode_id_episodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_clinic_id"), "assignments", ["clinic_id"])
    op.create_index(op.f("ix_assignments_episode_id"), "assignments", ["episode_id"])
    with op.batch_alter_table("adverse_events") as batch:
        batch.add_column(
            sa.Column("reported_by", sa.String(length=10), nullable=False, server_default="clinic")
        )
        batch.add_column(
            sa.Column(
                "review_status", sa.String(length=20), nullable=False, server_default="reviewed"
            )
        )
        batch.add_column(sa.Column("reviewed_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_adverse_events_reviewed_by_users"), "users", ["reviewed_by"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("adverse_events") as batch:
        batch.drop_constraint(op.f("fk_adverse_events_reviewed_by_users"), type_="foreignkey")
        batch.drop_column("reviewed_at")
        batch.drop_column("reviewed_by")
        batch.drop_column("review_status")
        batch.drop_column("reported_by")
    op.drop_table("assignments")
