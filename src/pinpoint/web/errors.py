"""One error shape for the whole API, and error pages for people.

Every error answers ``{"error": {"code", "message", "field"}, "detail": [...]}``;
``detail`` keeps FastAPI's list of ``{"loc", "msg", "type"}`` so generic clients work.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from pinpoint.audit.service import record_denial
from pinpoint.errors import PinpointError, Unavailable
from pinpoint.web.deps import get_engine
from pinpoint.web.fhir import responses as fhir_responses

log = logging.getLogger("pinpoint.web")

_LOCATIONS = ("body", "query", "path", "header", "cookie")
_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "too_large",
    422: "invalid_input",
    503: "unavailable",
}


def error_body(
    status: int, message: str, field: str | None, loc: list[Any] | None = None
) -> dict[str, Any]:
    code = _CODES.get(status, "error")
    return {
        "error": {"code": code, "message": message, "field": field},
        "detail": [{"loc": loc or ([field] if field else []), "msg": message, "type": code}],
    }


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(
        ("/api/", "/fhir/")
    ) and "text/html" in request.headers.get("accept", "")


def respond(
    request: Request, status: int, message: str, field: str | None, loc: list[Any] | None = None
) -> Response:
    """The error as JSON for clients, or as an error page for a browser asking for HTML."""
    if fhir_responses.is_fhir(request):
        return fhir_responses.error_response(status, message, field)
    if _wants_html(request):
        templates = request.app.state.templates
        page: Response = templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )
        return page
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        error_body(status, message, field, loc), status_code=status, headers=headers
    )


_ACTIONS = {"GET": "read", "HEAD": "read", "POST": "create", "PUT": "update", "PATCH": "update"}


def _subject(request: Request, exc: PinpointError) -> tuple[str, object | None]:
    """What a refused request was about: the record named by the error, else the route's
    last literal segment and last path parameter (``/episodes/{id}/sessions``: sessions)."""
    if exc.subject is not None:
        return exc.subject
    route = request.scope.get("route")
    template = str(getattr(route, "path", "") or request.url.path)
    literals = [p for p in template.strip("/").split("/") if p and not p.startswith("{")]
    params = list(request.path_params.values())
    return (literals[-1] if literals else "page"), (params[-1] if params else None)


async def _audit_denial(request: Request, exc: PinpointError) -> None:
    """A logged-in user refused a record or an action: their clinic's admin sees it."""
    actor = getattr(request.state, "actor", None)
    if actor is None or exc.http_status not in (403, 404):
        return
    action = _ACTIONS.get(request.method, "delete" if request.method == "DELETE" else "other")
    record_type, record_id = _subject(request, exc)
    try:
        await run_in_threadpool(
            record_denial, get_engine(request), actor, action, record_type, record_id
        )
    except SQLAlchemyError as failure:  # the refusal still answers; the log says why not
        log.warning("could not audit a denial: %s", type(failure).__name__)


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PinpointError)
    await _audit_denial(request, exc)
    response = respond(request, exc.http_status, exc.message, exc.field)
    if isinstance(exc, Unavailable):
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": [], "msg": "invalid request"}
    loc = [str(part) for part in first.get("loc", [])]
    field = next((p for p in reversed(loc) if p not in _LOCATIONS and not p.isdigit()), None)
    message = f"{field}: {first.get('msg')}" if field else str(first.get("msg"))
    body = error_body(422, message, field, loc)
    body["detail"] = [
        {"loc": list(e.get("loc", [])), "msg": str(e.get("msg")), "type": str(e.get("type"))}
        for e in errors
    ]
    if _wants_html(request) or fhir_responses.is_fhir(request):
        return respond(request, 422, message, field)
    return JSONResponse(body, status_code=422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail) if exc.detail else "error"
    loc = ["body"] if exc.status_code == 413 else None
    return respond(request, exc.status_code, message, None, loc)


def install(app: FastAPI) -> None:
    app.add_exception_handler(PinpointError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
