"""FHIR answers: ``application/fhir+json`` bodies, OperationOutcome errors, the base URL."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

from pinpoint.fhir.bundle import operation_outcome
from pinpoint.fhir.systems import FHIR_JSON

PREFIX = "/fhir/R4"


class FhirResponse(Response):
    media_type = FHIR_JSON

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def base_url(request: Request) -> str:
    """The absolute base of the FHIR API as the client reached it (``.../fhir/R4``)."""
    return str(request.base_url).rstrip("/") + PREFIX


def outcome_response(
    status: int, message: str, expression: str | None = None, headers: dict[str, str] | None = None
) -> FhirResponse:
    return FhirResponse(
        operation_outcome(status, message, expression), status_code=status, headers=headers
    )


def is_fhir(request: Request) -> bool:
    return request.url.path.startswith(PREFIX + "/") or request.url.path == PREFIX


# Shared OpenAPI notes for the routes' error answers.
FHIR_CONTENT: dict[str, Any] = {FHIR_JSON: {"schema": {"type": "object"}}}
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "OperationOutcome: no such resource (or not visible to the caller)"},
    422: {"description": "OperationOutcome naming the parameter"},
}
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "OperationOutcome: missing, invalid or expired bearer token"},
    403: {"description": "OperationOutcome: the role may not do this"},
    **ERRORS,
}


def error_response(status: int, message: str, field: str | None) -> FhirResponse:
    """Any error under ``/fhir/R4`` as an OperationOutcome (``expression`` names the field)."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if status == 429:
        headers["Retry-After"] = "30"
    return outcome_response(status, message, field, headers or None)


def is_record_id(value: str) -> bool:
    """A database id: ASCII digits, 1 to 2**31 - 1 (anything else names no record)."""
    return value.isascii() and value.isdigit() and len(value) <= 10 and 1 <= int(value) < 2**31
