"""PostgreSQL as an operator sees it: can the server be reached, may we write, and the
``pg_dump``/``pg_restore`` commands for the configured database.

Messages name the host, port, database and user, never the password.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from pinpoint.db.engine import CONNECT_TIMEOUT_SECONDS
from pinpoint.db.migrate import is_current, stored_revisions
from pinpoint.errors import Unavailable


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def describe(url: str) -> str:
    """``database D on HOST:PORT as USER``, without the password."""
    parsed = make_url(url)
    socket = parsed.query.get("host")
    if parsed.host:
        where = f"{parsed.host}:{parsed.port or 5432}"
    else:
        where = socket if isinstance(socket, str) else "the local socket"
    user = f" as {parsed.username}" if parsed.username else ""
    return f"database {parsed.database or '(default)'} on {where}{user}"


def _scrub(message: str, parsed: URL) -> str:
    flat = " ".join(message.split())
    if parsed.password:
        flat = flat.replace(str(parsed.password), "***")
    return flat[:300]


@contextmanager
def connect(url: str) -> Iterator[Connection]:
    """One short-lived connection, or ``Unavailable`` saying which server did not answer."""
    engine = create_engine(
        url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    )
    try:
        with connected(engine, url) as conn:
            yield conn
    finally:
        engine.dispose()


@contextmanager
def connected(engine: Engine, url: str) -> Iterator[Connection]:
    """A connection of ``engine``, or ``Unavailable`` saying which server did not answer."""
    try:
        conn = engine.connect()
    except DBAPIError as exc:
        reason = _scrub(str(exc.orig), make_url(url))
        raise Unavailable(f"cannot reach PostgreSQL {describe(url)}: {reason}") from None
    with conn:
        yield conn


def write_problems(conn: Connection, url: str) -> list[str]:
    """Why this connection could not keep Pinpoint's records; empty when it can."""
    where = describe(url)
    if conn.execute(text("SHOW transaction_read_only")).scalar() == "on":
        return [
            f"PostgreSQL {where} is read-only (a standby, or default_transaction_read_only "
            "is set for the role or the database)"
        ]
    problems = []
    # The tables of the schema Pinpoint's migrations create them in (the catalog's list:
    # importing every domain's models to name them took a fifth of a second per command).
    refused = conn.execute(
        text(
            "SELECT c.relname FROM pg_class c "
            "WHERE c.relnamespace = to_regnamespace(current_schema()) "
            "AND c.relkind IN ('r', 'p') AND NOT has_table_privilege(c.oid, 'INSERT')"
        )
    ).scalars()
    names = sorted(refused)
    if names:
        role = conn.execute(text("SELECT current_user")).scalar()
        listed = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        noun = "table" if len(names) == 1 else "tables"
        problems.append(f"role {role} may not write {noun} {listed} in PostgreSQL {where}")
    if not is_current(stored_revisions(conn)):
        schema = conn.execute(text("SELECT current_schema()")).scalar()
        if schema is None:
            problems.append(f"no schema on the search_path of PostgreSQL {where}")
        elif not conn.execute(
            text("SELECT has_schema_privilege(:s, 'CREATE')"), {"s": schema}
        ).scalar():
            role = conn.execute(text("SELECT current_user")).scalar()
            problems.append(
                f"role {role} may not create tables in schema {schema} of PostgreSQL {where} "
                "(needed to bring the schema up to date)"
            )
    return problems


def check_writable(url: str, engine: Engine | None = None) -> None:
    """The server answers and the configured role may write; else ``Unavailable``. With
    ``engine`` (the one the caller goes on to use) its pool's connection is checked, and
    kept: a command then connects once."""
    with connect(url) if engine is None else connected(engine, url) as conn:
        problems = write_problems(conn, url)
    if problems:
        raise Unavailable("; ".join(problems))


def _client_args(url: str) -> list[str]:
    parsed = make_url(url)
    args = []
    if parsed.host:
        args += ["--host", parsed.host]
    if parsed.port:
        args += ["--port", str(parsed.port)]
    if parsed.username:
        args += ["--username", parsed.username]
    return args


def _schema(url: str) -> str | None:
    """The schema named by ``options=-csearch_path=...`` in the URL, if any."""
    options = make_url(url).query.get("options")
    for option in [options] if isinstance(options, str) else list(options or []):
        for part in option.split():
            key, _, value = part.removeprefix("-c").partition("=")
            if key == "search_path" and value:
                return value.split(",")[0].strip()
    return None


def pg_dump_command(url: str, out: str) -> str:
    """The ``pg_dump`` command that backs the configured database up to ``out``."""
    parsed = make_url(url)
    args = ["pg_dump", *_client_args(url), "--format=custom", "--file", out]
    schema = _schema(url)
    if schema:
        args += ["--schema", schema]
    args.append(str(parsed.database))
    return shlex.join(args)


def pg_restore_command(url: str, dump: str) -> str:
    """The ``pg_restore`` command that loads ``dump`` into the configured database."""
    parsed = make_url(url)
    args = ["pg_restore", *_client_args(url), "--clean", "--if-exists", "--single-transaction"]
    args += ["--dbname", str(parsed.database), dump]
    return shlex.join(args)
