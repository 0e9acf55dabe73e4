"""The one authorization layer every clinical route goes through.

- ``current_actor`` (``CurrentActor``) authenticates a request: ``Authorization: Bearer``
  with an API token, or the ``pinpoint_session`` cookie of a web login. Anything missing,
  unknown, expired or revoked answers 401. Cookie-authenticated unsafe requests must echo
  the session's CSRF token (form field ``csrf_token`` or header ``X-CSRF-Token``), else 403.
- ``require_roles(*roles)`` refuses other roles with 403 (``StaffActor``, ``AdminActor``).
- Clinic isolation is not decided here: clinical services filter on ``actor.clinic_id``,
  so another clinic's records answer 404 and their existence does not leak.
- ``clinical_routes(app)`` lists every ``/api/v1`` route behind ``current_actor``; the
  test matrix is generated from it, so a new route cannot skip the checks.

Templates of logged-in pages find the session's CSRF token in ``request.state.csrf_token``.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine

from pinpoint.accounts.service import ResolvedToken, resolve_session
from pinpoint.actors import Actor, Role
from pinpoint.errors import Forbidden, Unauthorized
from pinpoint.web.deps import get_engine

SESSION_COOKIE = "pinpoint_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

bearer_scheme = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    auto_error=False,
    description="A bearer token from POST /api/v1/auth/token (OAuth2 password form).",
)
EngineDep = Annotated[Engine, Depends(get_engine)]
BearerToken = Annotated[str | None, Depends(bearer_scheme)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


async def _resolve(engine: Engine, token: str, kind: str) -> ResolvedToken:
    return await run_in_threadpool(resolve_session, engine, token, kind)


async def check_csrf(request: Request, expected: str | None) -> None:
    """Forbidden unless an unsafe request echoes ``expected`` (header or form field)."""
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(_FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not secrets.compare_digest(sent, expected):
        raise Forbidden("missing or wrong CSRF token; reload the page and try again")


async def authenticate_request(request: Request, engine: Engine, bearer: str | None) -> Actor:
    """The actor behind a bearer token or session cookie (CSRF-checked), else 401/403."""
    if bearer:
        resolved = await _resolve(engine, bearer, "api")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise Unauthorized("log in first: send a bearer token")
        resolved = await _resolve(engine, cookie, "web")
        request.state.csrf_token = resolved.csrf_token
        await check_csrf(request, resolved.csrf_token)
    actor = dataclasses.replace(resolved.actor, client_ip=client_ip(request))
    request.state.actor = actor
    return actor


def authenticated(state: Mapping[str, Any]) -> bool:
    """Whether a request's state (``scope["state"]``) holds the actor it authenticated as."""
    return "actor" in state


async def current_actor(request: Request, engine: EngineDep, bearer: BearerToken) -> Actor:
    """Dependency: who is calling. 401 (``WWW-Authenticate: Bearer``) when unknown."""
    return await authenticate_request(request, engine, bearer)


async def optional_actor(request: Request, engine: EngineDep) -> Actor | None:
    """For pages: the logged-in actor, or None (so the page can redirect to /login)."""
    try:
        return await authenticate_request(request, engine, None)
    except Unauthorized:
        return None


CurrentActor = Annotated[Actor, Depends(current_actor)]
OptionalActor = Annotated[Actor | None, Depends(optional_actor)]


def require_roles(*roles: Role) -> Callable[[Actor], Awaitable[Actor]]:
    """A dependency admitting only these roles (403 for the others)."""
    allowed = frozenset(roles)
    names = ", ".join(sorted(r.value for r in allowed))

    async def dependency(actor: CurrentActor) -> Actor:
        if actor.role not in allowed:
            raise Forbidden(f"this needs one of the roles: {names}")
        return actor

    return dependency


StaffActor = Annotated[Actor, Depends(require_roles(Role.CLINICIAN, Role.CLINIC_ADMIN))]
AdminActor = Annotated[Actor, Depends(require_roles(Role.CLINIC_ADMIN))]


def _calls(dependant: Any) -> Iterator[Any]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


def depends_on_current_actor(route: APIRoute | RouteContext) -> bool:
    return any(call is current_actor for call in _calls(route.dependant))


def api_routes(app: FastAPI) -> list[RouteContext]:
    """Every ``/api/v1`` route with its full path (included routers flattened)."""
    return [
        context
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and (context.path or "").startswith("/api/v1/")
    ]


def clinical_routes(app: FastAPI) -> list[RouteContext]:
    """Every ``/api/v1`` route that authenticates through ``current_actor``.

    Each item has ``path`` (with the prefix), ``methods``, ``endpoint`` and ``dependant``.
    """
    return [context for context in api_routes(app) if depends_on_current_actor(context)]
