"""Applying the Alembic schema history programmatically (on start and in tests), and
telling which schema version a database is at."""

from __future__ import annotations

import sqlite3
from functools import cache
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS = resources.files("pinpoint.db") / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to date (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


@cache
def known_revisions() -> tuple[str, ...]:
    """Every schema version this Pinpoint knows, oldest first."""
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
