"""FHIR-specific errors: the Bulk Data IG answers some mistakes with 400 and 429."""

from __future__ import annotations

from pinpoint.errors import Conflict, InvalidInput


class BadRequest(InvalidInput):
    """A Bulk Data parameter that is malformed or not supported (400, names the parameter)."""

    http_status = 400


class Busy(Conflict):
    """An export of the same data is already running; try again later (429)."""

    http_status = 429
    retry_after_seconds = 30
