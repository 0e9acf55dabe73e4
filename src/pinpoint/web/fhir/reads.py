"""FHIR reads and searches. Each route calls one ``pinpoint.fhir.service`` function."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from pinpoint import __version__
from pinpoint.errors import InvalidInput, NotFound
from pinpoint.fhir import service
from pinpoint.fhir.capability import capability_statement
from pinpoint.fhir.search import NEAR
from pinpoint.inputs import parse_whole_number
from pinpoint.web.fhir.responses import (
    AUTH_ERRORS,
    ERRORS,
    FHIR_CONTENT,
    FhirResponse,
    base_url,
    is_record_id,
)
from pinpoint.web.query import query_parameter
from pinpoint.web.security import CurrentActor, EngineDep

router = APIRouter()

RELEASED = date(2026, 11, 25)
Npi = Annotated[str, Path(description="The practitioner's 10-digit NPI.", max_length=20)]
ResourceId = Annotated[str, Path(description="The resource id.", max_length=64)]


def _ok(content: dict[str, object]) -> FhirResponse:
    return FhirResponse(content)


def _record_id(value: str) -> int:
    """A clinical resource id (the record id); anything else cannot exist: 404."""
    if not is_record_id(value):
        raise NotFound(f"no Patient with id {value[:20]!r}", field="id")
    return int(value)


@router.get(
    "/metadata",
    summary="CapabilityStatement: what this FHIR server supports",
    response_class=FhirResponse,
    responses={200: {"content": FHIR_CONTENT}},
)
async def metadata(request: Request) -> FhirResponse:
    return _ok(capability_statement(base_url(request), __version__, RELEASED))


@router.get(
    "/Practitioner",
    summary="Search practitioners by NPI (identifier=http://hl7.org/fhir/sid/us-npi|NPI)",
    response_class=FhirResponse,
    responses={200: {"content": FHIR_CONTENT}, **ERRORS},
)
def search_practitioners(
    request: Request,
    engine: EngineDep,
    identifier: Annotated[
        str | None, Query(max_length=200, description="system|NPI, or a bare NPI.")
    ] = None,
) -> FhirResponse:
    if not identifier:
        raise InvalidInput(
            "identifier is required (http://hl7.org/fhir/sid/us-npi|NPI)", field="identifier"
        )
    return _ok(service.practitioners_by_identifier(engine, identifier, base_url(request)))


@router.get(
    "/Practitioner/{npi}",
    summary="A practitioner: NPI, name, licenses, dry needling training",
    response_class=FhirResponse,
    responses={200: {"content": FHIR_CONTENT}, **ERRORS},
)
def read_practitioner(engine: EngineDep, npi: Npi) -> FhirResponse:
    return _ok(service.practitioner(engine, _npi(npi)))


def _npi(value: str) -> str:
    """A malformed NPI names no resource: 404 (FHIR read), not 422."""
    if not (value.isascii() and value.isdigit() and len(value) == 10):
        raise NotFound(f"no resource with id {value!r}: ids are 10-digit NPIs", field="id")
    return value


# The search's query, documented here and read by hand as the JSON search's is (FastAPI's
# validation of four parameters took as long as the search itself).
_NEAR_PARAMETERS = [
    query_parameter(NEAR, "string", "LAT|LON|DISTANCE|UNIT (mi, [mi_i], km).", required=True),
    query_parameter(
        "specialty",
        "array",
        "NUCC classification code of a profession; repeatable.",
        items={"type": "string"},
    ),
    query_parameter("_count", "integer", "1-500.", 50, minimum=1, maximum=500),
    query_parameter("_offset", "integer", "Matches to skip.", 0, minimum=0),
]
_NEAR_MAX_LENGTH = 200


def _whole(text: str | None, field: str) -> int | None:
    return None if text is None else parse_whole_number(text, field)


@router.get(
    "/PractitionerRole",
    summary="Practice roles near a point (location.near=LAT|LON|DIST|mi), nearest first",
    response_class=FhirResponse,
    responses={200: {"content": FHIR_CONTENT}, **ERRORS},
    openapi_extra={"parameters": _NEAR_PARAMETERS},
)
async def search_practitioner_roles(request: Request, engine: EngineDep) -> FhirResponse:
    # ``async`` like the JSON search: the answer comes from the in-process index.
    query = request.query_params
    near = query.get(NEAR)
    if near is not None and len(near) > _NEAR_MAX_LENGTH:
        raise InvalidInput(f"{NEAR} is longer than {_NEAR_MAX_LENGTH} characters", field=NEAR)
    specialty = query.getlist("specialty") or None
    count, offset = _whole(query.get("_count"), "_count"), _whole(query.get("_offset"), "_offset")
    return _ok(
        service.practitioner_roles_near(engine, base_url(request), near, specialty, count, offset)
    )


@router.get(
    "/PractitionerRole/{npi}",
    summary="A practice role with its dry needling verdict, reasons and the law relied on",
    response_class=FhirResponse,
    responses={200: {"content": FHIR_CONTENT}, **ERRORS},
)
def read_practitioner_role(engine: EngineDep, npi: Npi) -> FhirResponse:
    return _ok(service.practitioner_role(engine, _npi(npi)))


@router.get(
    "/Location/{npi}",
    summary="A practitioner's practice location (id = NPI), at its ZIP centroid",
    response_class=FhirResponse,
    responses={200: {"content": FHIR_CONTENT}, **ERRORS},
)
def read_location(engine: EngineDep, npi: Npi) -> FhirResponse:
    return _ok(service.location(engine, _npi(npi)))


@router.get(
    "/Patient/{id}",
    summary="A patient (US Core Patient); same access as the clinical API",
    response_class=FhirResponse,
    responses={200: {"content": FHIR_CONTENT}, **AUTH_ERRORS},
)
def read_patient(actor: CurrentActor, engine: EngineDep, id: ResourceId) -> FhirResponse:
    return _ok(service.patient(engine, actor, _record_id(id)))


@router.get(
    "/Patient/{id}/$everything",
    summary="Everything in a patient's record as one Bundle",
    response_class=FhirResponse,
    responses={200: {"content": FHIR_CONTENT}, **AUTH_ERRORS},
)
def patient_everything(
    request: Request, actor: CurrentActor, engine: EngineDep, id: ResourceId
) -> FhirResponse:
    return _ok(service.patient_everything(engine, actor, _record_id(id), base_url(request)))
