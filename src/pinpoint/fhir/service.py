"""FHIR reads and searches: each one calls the directory or care library and maps the answer.

Directory reads are public, like the JSON API. Clinical reads take the acting user and go
through ``care`` (same roles, same clinic isolation, an audit row per read).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from sqlalchemy import Engine

from pinpoint.actors import Actor
from pinpoint.care import transfer
from pinpoint.directory import geo
from pinpoint.directory.schemas import PractitionerPublic
from pinpoint.directory.service import find_practitioners_at, get_practitioner
from pinpoint.errors import InvalidInput, NotFound
from pinpoint.fhir import bundle, clinical, directory
from pinpoint.fhir.assessments import record_of
from pinpoint.fhir.datatypes import Json
from pinpoint.fhir.record import compartment
from pinpoint.fhir.search import NEAR, parse_count, parse_near, parse_npi_token, parse_specialty
from pinpoint.outcomes.assessments import list_assessments


def _practitioner(engine: Engine, npi: str, on: date | None = None) -> PractitionerPublic:
    return get_practitioner(engine, npi, on)


def practitioner(engine: Engine, npi: str) -> Json:
    return directory.practitioner(_practitioner(engine, npi))


def practitioner_role(engine: Engine, npi: str, on: date | None = None) -> Json:
    day = on or date.today()
    p = _practitioner(engine, npi, day)
    return directory.practitioner_role(p, p.eligibility, day, p.law)


def location(engine: Engine, npi: str) -> Json:
    p = _practitioner(engine, npi)
    if not (p.zip or p.city):
        raise NotFound(f"no practice location on file for NPI {p.npi}", field="id")
    return directory.location(p, centroid(p.zip))


def centroid(zip5: str | None) -> geo.LatLon | None:
    if not zip5:
        return None
    try:
        return geo.zip_centroid(zip5)
    except InvalidInput:
        return None


def practitioners_by_identifier(engine: Engine, token: str, base: str) -> Json:
    """``Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|NPI``: 0 or 1 match."""
    npi = parse_npi_token(token)
    try:
        found = [directory.practitioner(get_practitioner(engine, npi))]
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field="identifier") from None
    except NotFound:
        found = []
    self_url = f"{base}/Practitioner?{urlencode({'identifier': token})}"
    entries = [
        {"fullUrl": f"{base}/Practitioner/{r['id']}", "resource": r, "search": {"mode": "match"}}
        for r in found
    ]
    return bundle.searchset(entries, len(found), [("self", self_url)])


def practitioner_roles_near(
    engine: Engine,
    base: str,
    near: str | None,
    specialty: list[str] | None = None,
    count: int | None = None,
    offset: int | None = None,
    on: date | None = None,
) -> Json:
    """``PractitionerRole?location.near=LAT|LON|DIST|mi``: nearest first, ties by NPI,
    ``total`` every match within the distance; the same answer as ``pinpoint find``."""
    if not near:
        raise InvalidInput(f"{NEAR} is required (LAT|LON|DISTANCE|mi)", field=NEAR)
    lat, lon, miles = parse_near(near)
    professions = parse_specialty(specialty)
    limit, start = parse_count(count, offset)
    day = on or date.today()
    try:
        total, hits = find_practitioners_at(
            engine, lat, lon, miles, professions, False, limit, start, day
        )
    except InvalidInput as exc:
        field = "_count" if exc.field == "limit" else NEAR
        raise InvalidInput(f"{field}: {exc.message}", field=field) from None

    query = urlencode([(NEAR, near), *(("specialty", s) for s in specialty or [])])

    def page(at: int) -> str:
        return f"{base}/PractitionerRole?{query}&_count={limit}&_offset={at}"

    links = [("self", page(start)), ("first", page(0))]
    if start > 0:
        links.append(("previous", page(max(0, start - limit))))
    if start + limit < total:
        links.append(("next", page(start + limit)))
    return bundle.searchset(directory.search_entries(hits, day, base), total, links)


def patient(engine: Engine, actor: Actor, patient_id: int) -> Json:
    clinic, chart = transfer.patient_record(engine, actor, patient_id)
    return clinical.patient(chart, clinic)


def patient_everything(engine: Engine, actor: Actor, patient_id: int, base: str) -> Json:
    """``Patient/{id}/$everything``: the clinic, then everything in the patient's compartment."""
    clinic, chart = transfer.patient_record(engine, actor, patient_id)
    assessments = {
        e.id: [record_of(a, chart.id) for a in list_assessments(engine, actor, e.id).assessments]
        for e in chart.episodes
    }
    resources = [clinical.organization(clinic), *compartment(chart, clinic, None, assessments)]
    return bundle.collection(resources, base)
