"""board filings: registrations, endorsements, attestations... made with a state board

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "board_filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["npi"],
            ["practitioners.npi"],
            name=op.f("fk_board_filings_npi_practitioners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_filings")),
        sa.UniqueConstraint("npi", "state", "kind", "filed_on", name=op.f("uq_board_filings_npi")),
    )
    with op.batch_alter_table("board_filings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_board_filings_npi"), ["npi"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("board_filings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_board_filings_npi"))

    op.drop_table("board_filings")
