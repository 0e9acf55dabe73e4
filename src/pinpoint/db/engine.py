"""Creating engines and sessions for SQLite (embedded) and PostgreSQL (server).

Statement parameters never reach an error message or a log line (``hide_parameters``):
they carry patient data. A write that decides on what it reads opens
``transaction(engine, write=True)``: on SQLite that takes the database's write lock at
``BEGIN IMMEDIATE``, before the first read, so no other writer can commit between the
decision and the write; on PostgreSQL the caller locks the rows the decision rests on
(``SELECT ... FOR UPDATE``, see ``pinpoint.care.access``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from pinpoint.config import Settings
from pinpoint.db.storage import create_private_file, create_private_folder, sqlite_path
from pinpoint.db.writer_lock import writer_lock

# How long a statement waits for another transaction's lock before giving up (the web
# layer then answers 503 with Retry-After).
LOCK_WAIT_MS = 10_000
CONNECT_TIMEOUT_SECONDS = 5  # a PostgreSQL server that does not answer is reported, not waited on


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys and a busy timeout, and its
    folder and file are created private (0700, 0600) before SQLite first opens them."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            create_private_folder(path.parent)
            create_private_file(path)
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Server settings ride on libpq's ``options`` in the URL (after any it already carries),
    # so connections made from ``engine.url`` outside the pool get them too.
    given = parsed.query.get("options") or ()
    given = (given,) if isinstance(given, str) else given
    options = " ".join([*given, f"-c lock_timeout={LOCK_WAIT_MS}"])
    return create_engine(
        parsed.update_query_dict({"options": options}),
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS},
        pool_size=10,
        max_overflow=10,
        pool_timeout=10,
        hide_parameters=True,
    )


def engine_from_settings(settings: Settings) -> Engine:
    return make_engine(settings.resolved_database_url())


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """A session whose work commits together or not at all.

    With ``write``, the transaction serialises with every other writer from its first
    statement (SQLite: the writers' queue of ``db.writer_lock``, then ``BEGIN IMMEDIATE``;
    PostgreSQL callers lock the rows they decide on), so what it reads cannot change
    before it commits.
    """
    with (
        _writers_queue(engine) if write else nullcontext(),
        session_factory(engine)() as session,
        session.begin(),
    ):
        if write and is_sqlite(engine):
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


@contextmanager
def write_transaction(conn: Connection) -> Iterator[Connection]:
    """``transaction(engine, write=True)`` on a connection the caller holds (bulk work
    that goes below the ORM): serialised with every other writer from its first
    statement, committed at the end or rolled back on an error."""
    with _writers_queue(conn.engine), conn.begin():
        if is_sqlite(conn.engine):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn


def _writers_queue(engine: Engine) -> AbstractContextManager[None]:
    """The SQLite file's writer lock (nothing for PostgreSQL or an in-memory database)."""
    database = engine.url.database if is_sqlite(engine) else None
    if not database or database == ":memory:":
        return nullcontext()
    return writer_lock(database, LOCK_WAIT_MS)
