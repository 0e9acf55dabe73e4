"""One error shape for the whole API, and error pages for people.

Every error answers ``{"error": {"code", "message", "field"}, "detail": [...]}``;
``detail`` keeps FastAPI's list of ``{"loc", "msg", "type"}`` so generic clients work.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from pinpoint.errors import PinpointError

_LOCATIONS = ("body", "query", "path", "header", "cookie")
_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    413: "content_too_large",
    422: "invalid_input",
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


def error_response(
    request: Request, status: int, message: str, field: str | None, loc: list[Any] | None = None
) -> Response:
    """The error page for people, or the JSON error shape for everyone else."""
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


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PinpointError)
    return error_response(request, exc.http_status, exc.message, exc.field)


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
    if _wants_html(request):
        return error_response(request, 422, message, field)
    return JSONResponse(body, status_code=422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail) if exc.detail else "error"
    loc = ["body"] if exc.status_code == 413 else None
    return error_response(request, exc.status_code, message, None, loc)


def install(app: FastAPI) -> None:
    app.add_exception_handler(PinpointError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
