"""PostgreSQL sessions for the PostGIS search: one per thread, autocommit, generic plans.

A search is then one round trip. Through the engine's pool it would be four (pre-ping,
begin, the statement, rollback on return), and the generic-plan setting would have to be
set in each transaction, since a pooled session is shared with other code. The sessions
close with ``engine.dispose()`` or when the engine is collected.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlalchemy import Engine, event

GENERIC_PLANS = "SET plan_cache_mode = force_generic_plan"


@dataclass
class _Sessions:
    """The sessions of one engine."""

    local: threading.local = field(default_factory=threading.local)
    opened: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        with self.lock:
            opened, self.opened = self.opened, []
        for conn in opened:
            conn.close()


_SESSIONS: weakref.WeakKeyDictionary[Engine, _Sessions] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def _sessions_of(engine: Engine) -> _Sessions:
    sessions = _SESSIONS.get(engine)
    if sessions is None:
        with _LOCK:
            sessions = _SESSIONS.get(engine)
            if sessions is None:
                fresh = sessions = _SESSIONS[engine] = _Sessions()
                event.listen(engine, "engine_disposed", lambda _engine: fresh.close())
                weakref.finalize(engine, fresh.close)
    return sessions


def _session(engine: Engine) -> tuple[_Sessions, Any]:
    """This thread's own session (opened on first use)."""
    sessions = _sessions_of(engine)
    conn = getattr(sessions.local, "conn", None)
    if conn is None or conn.closed:
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        conn = engine.dialect.connect(*cargs, **cparams)
        try:
            conn.autocommit = True
            conn.execute(GENERIC_PLANS)
        except Exception:
            conn.close()
            raise
        sessions.local.conn = conn
        with sessions.lock:
            sessions.opened.append(conn)
    return sessions, conn


def execute_generic(engine: Engine, sql: str, params: dict[str, object]) -> list[tuple[Any, ...]]:
    """Run a prepared statement with its generic plan (a broken session is replaced once)."""
    for attempt in (1, 2):
        sessions, conn = _session(engine)
        try:
            rows: list[tuple[Any, ...]] = conn.execute(sql, params, prepare=True).fetchall()
        except psycopg.OperationalError:
            conn.close()
            sessions.local.conn = None
            if attempt == 2:
                raise
        else:
            return rows
    raise AssertionError("unreachable")
