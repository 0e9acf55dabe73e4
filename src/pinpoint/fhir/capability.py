"""The CapabilityStatement: exactly the interactions, searches and operations served.

``SUPPORTED`` is the one list; the statement is built from it and a test checks it against
the routes, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pinpoint.fhir import systems as s
from pinpoint.fhir.datatypes import Json


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str
    documentation: str


@dataclass(frozen=True)
class Operation:
    name: str
    definition: str
    documentation: str


@dataclass(frozen=True)
class ResourceSupport:
    type: str
    read: bool = False
    search: tuple[SearchParam, ...] = ()
    operations: tuple[Operation, ...] = ()
    documentation: str = ""
    profiles: tuple[str, ...] = field(default=())


EXPORT_DOC = (
    "Bulk Data Access IG: send Prefer: respond-async; answers 202 with Content-Location. "
    "Parameters: _type (comma-separated), _since (FHIR instant), _outputFormat "
    "(application/fhir+ndjson, application/ndjson or ndjson)."
)

SUPPORTED: tuple[ResourceSupport, ...] = (
    ResourceSupport(
        "Practitioner",
        read=True,
        search=(
            SearchParam(
                "identifier", "token", "The NPI: http://hl7.org/fhir/sid/us-npi|1234567893"
            ),
        ),
        documentation="Public. id = NPI. Licenses and dry needling training as qualification.",
    ),
    ResourceSupport(
        "PractitionerRole",
        read=True,
        search=(
            SearchParam(
                "location",
                "reference",
                "Only chained as location.near=LAT|LON|DISTANCE|UNIT (mi, [mi_i] or km; "
                "distance defaults to 25 mi): nearest first, ties by NPI, each entry's "
                "distance in Bundle.entry.search (extension location-distance); paging with "
                "_count (1-500, default 50) and _offset.",
            ),
            SearchParam(
                "specialty",
                "token",
                "A profession's NUCC classification code (225100000X, 111N00000X, 2255A2300X, "
                "171100000X) or Pinpoint's profession code; comma-separated values are ORed.",
            ),
        ),
        documentation="Public. id = NPI. Carries the dry needling eligibility verdict.",
    ),
    ResourceSupport(
        "Location",
        read=True,
        documentation="Public. id = NPI: the practice location at its ZIP centroid.",
    ),
    ResourceSupport(
        "Patient",
        read=True,
        operations=(
            Operation(
                "everything",
                s.OP_EVERYTHING,
                "The patient's whole record: a Bundle of every resource in the compartment.",
            ),
        ),
        documentation="Bearer token; clinic staff of the patient's clinic or the patient.",
        profiles=(s.PROFILE_PATIENT,),
    ),
    ResourceSupport(
        "Group",
        operations=(
            Operation(
                "export", s.OP_GROUP_EXPORT, "Group id = clinic id; clinic admins. " + EXPORT_DOC
            ),
        ),
        documentation="A clinic's patients; only the $export operation.",
    ),
)

SYSTEM_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "export",
        s.OP_EXPORT,
        "The practitioner directory (Practitioner, PractitionerRole, Location); operators. "
        + EXPORT_DOC,
    ),
)


def capability_statement(base: str, version: str, released: date) -> Json:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": released.isoformat(),
        "publisher": "Pinpoint",
        "kind": "instance",
        "software": {"name": "Pinpoint", "version": version},
        "implementation": {"description": "Pinpoint FHIR R4 API", "url": base},
        "fhirVersion": s.FHIR_VERSION,
        "format": [s.FHIR_JSON],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "cors": False,
                    "description": "Clinical data needs Authorization: Bearer TOKEN from "
                    "POST /api/v1/auth/token; directory reads are public.",
                },
                "resource": [_resource(r) for r in SUPPORTED],
                "operation": [_operation(o) for o in SYSTEM_OPERATIONS],
            }
        ],
    }


def _resource(r: ResourceSupport) -> Json:
    found: Json = {"type": r.type}
    if r.profiles:
        found["supportedProfile"] = list(r.profiles)
    if r.documentation:
        found["documentation"] = r.documentation
    interactions = (["read"] if r.read else []) + (["search-type"] if r.search else [])
    if interactions:
        found["interaction"] = [{"code": code} for code in interactions]
    if r.search:
        found["searchParam"] = [
            {"name": p.name, "type": p.type, "documentation": p.documentation} for p in r.search
        ]
    if r.operations:
        found["operation"] = [_operation(o) for o in r.operations]
    return found


def _operation(o: Operation) -> Json:
    return {"name": o.name, "definition": o.definition, "documentation": o.documentation}
