"""The kick-off parameters of ``$export``, checked (pure). Errors are 400 and name the
parameter, as the Bulk Data IG asks ("the server SHOULD return an error and
OperationOutcome" for what it does not support)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pinpoint.fhir.errors import BadRequest

CLINIC_TYPES = (
    "Organization",
    "Patient",
    "EpisodeOfCare",
    "Condition",
    "CarePlan",
    "Goal",
    "Observation",
    "Consent",
    "Procedure",
    "AdverseEvent",
    "Provenance",
    "QuestionnaireResponse",
)
DIRECTORY_TYPES = ("Practitioner", "PractitionerRole", "Location")
OUTPUT_FORMATS = frozenset(
    {"application/fhir+ndjson", "application/ndjson", "ndjson", "application/fhir ndjson"}
)
UNSUPPORTED = ("_elements", "_typeFilter", "patient", "includeAssociatedData")
_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class ExportRequest:
    types: tuple[str, ...]
    since: datetime | None


def parse_export(
    params: Mapping[str, Sequence[str]], supported: Sequence[str], prefer: str | None
) -> ExportRequest:
    """Check ``Prefer: respond-async``, ``_outputFormat``, ``_type`` and ``_since``."""
    if "respond-async" not in [p.strip() for p in (prefer or "").split(",")]:
        raise BadRequest(
            "send the header Prefer: respond-async (Bulk Data exports are asynchronous)",
            field="Prefer",
        )
    for name in UNSUPPORTED:
        if name in params:
            raise BadRequest(f"{name} is not supported by this server", field=name)
    for value in params.get("_outputFormat", []):
        if value not in OUTPUT_FORMATS:
            raise BadRequest(
                f"_outputFormat {value!r} is not supported: use application/fhir+ndjson",
                field="_outputFormat",
            )
    return ExportRequest(_types(params.get("_type", []), supported), _since(params))


def _types(values: Sequence[str], supported: Sequence[str]) -> tuple[str, ...]:
    asked = [t.strip() for v in values for t in v.split(",") if t.strip()]
    unknown = [t for t in asked if t not in supported]
    if unknown:
        raise BadRequest(
            f"_type {', '.join(unknown)} is not exported here; supported: {', '.join(supported)}",
            field="_type",
        )
    return tuple(t for t in supported if t in asked) if asked else tuple(supported)


def _since(params: Mapping[str, Sequence[str]]) -> datetime | None:
    values = params.get("_since", [])
    if not values:
        return None
    if len(values) > 1:
        raise BadRequest("_since may be given once", field="_since")
    text = values[0].strip().replace(" ", "+")  # an unencoded '+' arrives as a space
    if not _INSTANT.match(text):
        raise BadRequest(
            f"_since must be a FHIR instant such as 2025-01-01T00:00:00Z, got {values[0]!r}",
            field="_since",
        )
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest(
            f"_since {values[0]!r} is not a valid date and time", field="_since"
        ) from None
    return moment.astimezone(UTC)
