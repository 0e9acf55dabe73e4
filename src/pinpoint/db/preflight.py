"""Before anything uses the database: can it be written, and is it private?

``pinpoint serve`` and every command that opens the database call ``open_database``, so a
read-only file or folder, an unreachable server or a read-only role is reported once, up
front, naming the path or server, instead of failing on the first write.
"""

from __future__ import annotations

from sqlalchemy import Engine

from pinpoint.config import Settings
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import is_current, revision_problem, stored_revisions, upgrade
from pinpoint.db.postgres import check_writable, describe, is_postgres
from pinpoint.db.storage import prepare_sqlite, sqlite_path
from pinpoint.errors import Unavailable


def database_name(url: str) -> str:
    """How messages name the database: its file, or the server and database."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return f"PostgreSQL {describe(url)}" if is_postgres(url) else url.split(":", 1)[0]


def prepare_database(settings: Settings, engine: Engine | None = None) -> list[str]:
    """Check the configured database can be written; make SQLite's files private.

    Returns warnings (permissions that were tightened); raises ``Unavailable``. A server is
    checked through ``engine`` when given (the engine the caller goes on to use).
    """
    url = settings.resolved_database_url()
    path = sqlite_path(url)
    if path is not None:
        return prepare_sqlite(path, settings.data_dir)
    if is_postgres(url):
        check_writable(url, engine)
    return []


def open_database(settings: Settings) -> tuple[Engine, list[str]]:
    """The checked, migrated database engine, and the warnings of ``prepare_database``."""
    url = settings.resolved_database_url()
    if is_postgres(url):  # checked through the engine it returns: one connection, not two
        engine = make_engine(url)
        try:
            warnings = prepare_database(settings, engine)
        except BaseException:
            engine.dispose()
            raise
    else:  # SQLite's folder and files are made private before SQLite first opens them
        warnings = prepare_database(settings)
        engine = make_engine(url)
    try:
        with engine.connect() as conn:
            revisions = stored_revisions(conn)
        if not is_current(revisions):  # a current database is not migrated again
            problem = revision_problem(revisions) if revisions is not None else None
            if problem:
                raise Unavailable(f"cannot use the database {database_name(url)}: {problem}")
            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine, warnings
