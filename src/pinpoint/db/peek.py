"""A quick look at a database before it is opened for work: is a table empty?

A command that will spend seconds on a table can start other work (reading its input
file) while the engine is made and the database checked, when this look says the table
is empty. It opens one plain connection of the driver, reads, and closes it; it changes
nothing and raises nothing: ``None`` when it cannot tell (no such file or table, a server
that does not answer), and the command then goes the ordinary way.
"""

from __future__ import annotations

import contextlib
import sqlite3

from sqlalchemy.engine import make_url

from pinpoint.db.storage import sqlite_path


def table_is_empty(url: str, table: str) -> bool | None:
    """Whether ``table`` has no row in the database at ``url``; None if that cannot be
    told. ``table`` must be a name of Pinpoint's schema, never user input."""
    statement = f"SELECT 1 FROM {table} LIMIT 1"  # noqa: S608 - a constant table name
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is None or not path.is_file():
            return None
        with contextlib.suppress(sqlite3.Error):
            lite = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=0.1)
            try:
                return lite.execute(statement).fetchone() is None
            finally:
                lite.close()
        return None
    if parsed.get_backend_name() == "postgresql":
        import psycopg

        from pinpoint.db.engine import CONNECT_TIMEOUT_SECONDS

        conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS) as server,
        ):
            return server.execute(statement).fetchone() is None
    return None
