"""Request dependencies shared by routes: the database engine, created once per app."""

from __future__ import annotations

import threading

from fastapi import Request
from sqlalchemy import Engine

from pinpoint.db.engine import make_engine

_LOCK = threading.Lock()


async def get_engine(request: Request) -> Engine:
    """The app's engine, made on first use from ``app.state.settings``.

    ``async`` although it never awaits: FastAPI runs a plain ``def`` dependency in its
    thread pool, a thread hop on every request (under load, most of a search's time).
    """
    state = request.app.state
    engine: Engine | None = getattr(state, "engine", None)
    if engine is None:
        with _LOCK:
            engine = getattr(state, "engine", None)
            if engine is None:
                engine = make_engine(state.settings.resolved_database_url())
                state.engine = engine
    return engine
