"""Small builders for FHIR data types, as plain JSON-ready dicts.

Mappers build resources from these (the wire form, what ``orjson`` writes); the R4B models
of ``fhir.resources`` check them (``fhir.validation``). Absent values are left out, never
written as ``null``: FHIR JSON has no nulls.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

Json = dict[str, Any]


def coding(system: str, code: str, display: str | None = None) -> Json:
    found: Json = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str | None = None, text: str | None = None) -> Json:
    found: Json = {"coding": [coding(system, code, display)]}
    if text:
        found["text"] = text
    return found


def reference(resource_type: str, resource_id: object, display: str | None = None) -> Json:
    found: Json = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        found["display"] = display
    return found


def identifier(system: str, value: str) -> Json:
    return {"system": system, "value": value}


def extension(url: str, **value: Any) -> Json:
    """One extension: ``extension(url, valueCode="x")`` or ``extension(url, extension=[...])``."""
    return {"url": url, **value}


def instant(moment: datetime) -> str:
    """A FHIR instant: UTC with seconds and ``Z`` (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def day(value: date) -> str:
    return value.isoformat()


def label(code: str) -> str:
    """A readable display for one of Pinpoint's snake_case codes (``upper_trapezius``)."""
    return code.replace("_", " ").capitalize()


def drop_empty(resource: Json) -> Json:
    """The resource without keys whose value is None or an empty list or dict."""
    return {k: v for k, v in resource.items() if v is not None and v != [] and v != {}}
