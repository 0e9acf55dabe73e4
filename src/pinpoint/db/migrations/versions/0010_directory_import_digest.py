"""practitioners: a digest of each imported row; three indexes nothing reads

``row_digest`` lets a re-import pass over practitioners whose NPPES row did not change
without staging or comparing them. The single-column indexes on ``profession``, ``state``
and ``active`` served no query (search reads the whole active directory into its index,
or the ``active, latitude, longitude`` index for an area) and cost every import their upkeep.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNUSED = ("ix_practitioners_active", "ix_practitioners_profession", "ix_practitioners_state")


def upgrade() -> None:
    for name in _UNUSED:
        op.drop_index(name, table_name="practitioners")
    with op.batch_alter_table("practitioners") as batch:
        batch.add_column(sa.Column("row_digest", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("practitioners") as batch:
        batch.drop_column("row_digest")
    op.create_index("ix_practitioners_state", "practitioners", ["state"], unique=False)
    op.create_index("ix_practitioners_profession", "practitioners", ["profession"], unique=False)
    op.create_index("ix_practitioners_active", "practitioners", ["active"], unique=False)
