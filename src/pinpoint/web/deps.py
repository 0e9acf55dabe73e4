"""Request dependencies shared by routes: the database engine, created once per app."""

from __future__ import annotations

import threading

from fastapi import Request
from sqlalchemy import Engine

from pinpoint.db.engine import make_engine

_LOCK = threading.Lock()


def get_engine(request: Request) -> Engine:
    """The app's engine, made on first use from ``app.state.settings``."""
    state = request.app.state
    engine: Engine | None = getattr(state, "engine", None)
    if engine is None:
        with _LOCK:
            engine = getattr(state, "engine", None)
            if engine is None:
                engine = make_engine(state.settings.resolved_database_url())
                state.engine = engine
    return engine


async def engine_dependency(request: Request) -> Engine:
    """:func:`get_engine` as a FastAPI dependency without a thread hop.

    FastAPI runs a plain ``def`` dependency in its thread pool: a hop on every request
    that, under load, cost the search endpoint more than its search.
    """
    return get_engine(request)
