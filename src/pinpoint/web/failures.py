"""Honest failures: a busy database answers 503 with Retry-After; nothing else leaks.

- A database that is locked by another writer for longer than the wait
  (``pinpoint.db.engine.LOCK_WAIT_MS``), unreachable, or out of pooled connections
  answers ``503 Service Unavailable`` with ``Retry-After``, in the API's error shape (an
  error page for people). The same request may succeed shortly; nothing was written.
- Any other unexpected error answers a bare 500 and is logged as one line naming the
  exception's type and the route, never its message: messages of database and validation
  errors can carry what a patient typed. Statement parameters are hidden by the engine
  as well (``hide_parameters``).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pinpoint.errors import Unavailable
from pinpoint.web.errors import error_body, respond

log = logging.getLogger("pinpoint.web")

BUSY = "the database is busy or unavailable; nothing was saved, try again in a moment"


def unavailable(request: Request) -> Response:
    """The 503 answer, with how long to wait before trying again."""
    response = respond(request, 503, BUSY, None)
    response.headers["Retry-After"] = str(Unavailable.retry_after_seconds)
    return response


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    log.warning("database unavailable on %s %s: %s", request.method, _route(request), _kind(exc))
    return unavailable(request)


def _kind(exc: BaseException) -> str:
    original = getattr(exc, "orig", None)
    return type(original or exc).__name__


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", None) or "(no route)")


class LastResort:
    """Outermost guard: an unexpected error becomes a 500 and a one-line, data-free log."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            route = getattr(scope.get("route"), "path", None) or "(no route)"
            log.error("unexpected %s on %s %s", _kind(exc), scope.get("method"), route)
            if started:
                return
            body = error_body(500, "internal error; the problem was logged", None)
            await JSONResponse(body, status_code=500)(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(PoolTimeout, _database_unavailable)
    app.add_middleware(LastResort)
