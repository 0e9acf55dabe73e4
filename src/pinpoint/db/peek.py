"""A quick look at a database before it is opened for work: is a table empty?

A command that will spend seconds on a table can start other work (reading its input
file) while the engine is made and the database checked, when this look says the table
is empty. It opens one plain connection of the driver, reads, and closes it; it changes
nothing and raises nothing: ``None`` when it cannot tell (no such file or table, a server
that does not answer, a URL it does not read), and the command then goes the ordinary way.
A SQLite URL is read here by hand, so that a look at a file loads neither SQLAlchemy nor
a server driver.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from urllib.parse import unquote


def table_is_empty(url: str, table: str) -> bool | None:
    """Whether ``table`` has no row in the database at ``url``; None if that cannot be
    told. ``table`` must be a name of Pinpoint's schema, never user input."""
    statement = f"SELECT 1 FROM {table} LIMIT 1"  # noqa: S608 - a constant table name
    if url.startswith("sqlite"):
        path = _sqlite_file(url)
        if path is None or not path.is_file():
            return None
        with contextlib.suppress(sqlite3.Error):
            lite = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0.1)
            try:
                return lite.execute(statement).fetchone() is None
            finally:
                lite.close()
        return None
    if url.startswith("postgresql"):
        import psycopg
        from sqlalchemy.engine import make_url

        from pinpoint.db.engine import CONNECT_TIMEOUT_SECONDS

        parsed = make_url(url).set(drivername="postgresql")
        conninfo = parsed.render_as_string(hide_password=False)
        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS) as server,
        ):
            return server.execute(statement).fetchone() is None
    return None


def _sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///path`` or ``sqlite+pysqlite:///path`` URL (None for any
    other form, in memory or a ``file:`` URI: the look is then skipped)."""
    scheme, sep, rest = url.partition(":///")
    if not sep or scheme not in ("sqlite", "sqlite+pysqlite"):
        return None
    database = unquote(rest.split("?", 1)[0])
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)
