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
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()
