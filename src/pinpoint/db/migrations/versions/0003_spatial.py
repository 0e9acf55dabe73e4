"""spatial search on PostgreSQL

On PostgreSQL: PostGIS in its own ``postgis`` schema and a materialised view
``practitioner_points`` (active, geocoded practitioners as ``geography`` points) with a GiST
index, for the database-side radius search. On SQLite: nothing (the in-process index serves).

Why a materialised view and a separate schema rather than a geography column on
``practitioners``: the "models match migrations" test compares every table, column and index
of the default schema with the SQLAlchemy models, which know nothing of PostGIS types.
PostGIS's own ``spatial_ref_sys`` table lives in the ``postgis`` schema and views are not
compared, so both databases keep one schema history with no autogenerate diff. The view is
refreshed by ``pinpoint.directory.search.cache.invalidate`` (importers call it).

If the server lacks PostGIS or the role may not create the extension, the migration skips
the spatial objects and search uses the in-process index only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VIEW = """
CREATE MATERIALIZED VIEW IF NOT EXISTS practitioner_points AS
SELECT npi, profession, latitude, longitude,
       {s}.geography({s}.st_setsrid({s}.st_makepoint(longitude, latitude), 4326)) AS geog
FROM practitioners
WHERE active AND latitude IS NOT NULL AND longitude IS NOT NULL
"""


def _postgis_schema() -> str | None:
    """The schema PostGIS lives in, creating it in ``postgis`` when absent (None: unavailable)."""
    bind = op.get_bind()
    found = bind.execute(
        text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'postgis'")
    ).scalar()
    if found:
        return str(found)
    if not bind.execute(
        text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
    ).scalar():
        return None
    savepoint = bind.begin_nested()
    try:
        # Serialise concurrent first migrations (parallel test schemas) on the extension.
        bind.execute(text("SELECT pg_advisory_xact_lock(hashtext('pinpoint_postgis'))"))
        bind.execute(text("CREATE SCHEMA IF NOT EXISTS postgis"))
        bind.execute(text("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA postgis"))
    except Exception:
        savepoint.rollback()
        return None
    savepoint.commit()
    return str(
        bind.execute(
            text(
                "SELECT extnamespace::regnamespace::text FROM pg_extension "
                "WHERE extname = 'postgis'"
            )
        ).scalar()
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    schema = _postgis_schema()
    if schema is None:
        return
    op.execute(_VIEW.format(s=schema))
    op.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS ix_practitioner_points_npi ON practitioner_points (npi)"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_practitioner_points_geog "
        "ON practitioner_points USING gist (geog)"
    )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_practitioner_points_site "
        "ON practitioner_points (latitude, longitude, npi)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP MATERIALIZED VIEW IF EXISTS practitioner_points")
