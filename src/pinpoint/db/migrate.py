"""Applying the Alembic schema history programmatically (on start and in tests).

Commands that only use the database call :func:`ensure_schema`: one query compares the
database's version with the newest migration, and the migrations (and Alembic itself) are
loaded only when the database is behind. The newest migration is found by reading the
``revision`` and ``down_revision`` lines of the files in ``migrations/versions`` (a test
checks it is the head Alembic finds).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = resources.files("pinpoint.db") / "migrations"
_REVISION = re.compile(r'^(down_revision|revision)\b[^=]*=\s*"([^"]+)"', re.MULTILINE)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to date (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


@cache
def schema_head() -> str:
    """The newest migration's revision: the one no other migration names as its parent."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for entry in (MIGRATIONS / "versions").iterdir():
        if not entry.name.endswith(".py"):
            continue
        found = dict(_REVISION.findall(entry.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            if "down_revision" in found:
                parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the schema history should have one head, found {sorted(heads)}")
    return heads.pop()


def schema_version(engine: Engine) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    try:
        with engine.connect() as conn:
            value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no alembic_version table yet
        return None
    return None if value is None else str(value)


def ensure_schema(engine: Engine) -> None:
    """Migrate only if the database is behind the newest migration (one query otherwise)."""
    if schema_version(engine) != schema_head():
        upgrade(engine)
