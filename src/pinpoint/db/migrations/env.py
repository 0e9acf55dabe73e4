"""Alembic environment: runs against the engine handed in by ``pinpoint.db.migrate``."""

from __future__ import annotations

from alembic import context

from pinpoint.db.base import Base
from pinpoint.db.models import import_all_models

import_all_models()

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # pragma: no cover - only when run through the alembic CLI
    from pinpoint.config import get_settings
    from pinpoint.db.engine import engine_from_settings

    engine = engine_from_settings(get_settings())

with engine.begin() as connection:
    # On PostgreSQL the version table lives in the schema the tables go to (the first one
    # on the search path that exists), so a schema of its own never sees another's history.
    version_schema = (
        connection.exec_driver_sql("SELECT current_schema()").scalar()
        if connection.dialect.name == "postgresql"
        else None
    )
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        version_table_schema=version_schema,
    )
    context.run_migrations()
