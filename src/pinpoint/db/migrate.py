"""Applying the Alembic schema history programmatically (on start and in tests), and
telling which schema version a database is at.

A database already at the newest migration is left alone: :func:`is_current` is one
query, and Alembic (and the migrations) are loaded only to migrate. The newest migration
is read from the ``revision`` and ``down_revision`` lines of the files in
``migrations/versions`` (:func:`schema_head`; a test checks it is the head Alembic finds).
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = resources.files("pinpoint.db") / "migrations"
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r'^(down_revision|revision)\b[^=]*=\s*"([^"]+)"', re.MULTILINE)


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to date (idempotent)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


@cache
def schema_head() -> str:
    """The newest migration's revision, read from the files without loading Alembic: the
    one no other migration names as its parent."""
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


def is_current(revisions: list[str] | None) -> bool:
    """Whether a database at these recorded versions is at the newest migration."""
    return revisions == [schema_head()]


def ensure_schema(engine: Engine) -> None:
    """Migrate only a database that is behind (one query when it is current)."""
    with engine.connect() as conn:
        revisions = stored_revisions(conn)
    if not is_current(revisions):
        upgrade(engine)


@cache
def known_revisions() -> tuple[str, ...]:
    """Every schema version this Pinpoint knows, oldest first."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return tuple(reversed([rev.revision for rev in script.walk_revisions()]))


def head_revision() -> str:
    """The schema version this Pinpoint writes."""
    return known_revisions()[-1]


def stored_revisions(conn: Connection) -> list[str] | None:
    """The versions recorded in the database, or None when it has no version table."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    rows = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))  # noqa: S608
    return sorted(str(value) for value in rows.scalars())


def revision_problem(revisions: list[str] | None) -> str | None:
    """Why a database at these recorded versions cannot be used here, or None."""
    if revisions is None:
        return "it has no schema version, so it is not a Pinpoint database"
    if len(revisions) != 1:
        found = ", ".join(revisions) or "none"
        return f"it records {len(revisions)} schema versions ({found}) instead of one"
    if revisions[0] not in known_revisions():
        return (
            f"its schema version {revisions[0]} is unknown to this Pinpoint (which knows "
            f"{known_revisions()[0]} to {head_revision()}); a newer Pinpoint may have written it"
        )
    return None


@cache
def tables_at(revision: str) -> frozenset[str]:
    """The tables a Pinpoint database at ``revision`` has (built once in a scratch file)."""
    import tempfile
    from pathlib import Path

    from pinpoint.db.engine import make_engine

    with tempfile.TemporaryDirectory(prefix="pinpoint-schema-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'schema.db'}")
        try:
            upgrade(engine, revision)
            return frozenset(inspect(engine).get_table_names())
        finally:
            engine.dispose()


def sqlite_file_revisions(conn: sqlite3.Connection) -> list[str] | None:
    """``stored_revisions`` for a plain ``sqlite3`` connection (backup, restore, check)."""
    found = conn.execute(
        "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", (VERSION_TABLE,)
    ).fetchone()
    if found is None:
        return None
    rows = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}")  # noqa: S608
    return sorted(str(row[0]) for row in rows)


def sqlite_file_tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
    return {str(row[0]) for row in rows}
