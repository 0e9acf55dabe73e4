"""The directory as FHIR: Practitioner, PractitionerRole and Location (pure mappers).

Shapes follow the Da Vinci Plan-Net / National Directory profiles where the NPPES data fits
them (NPI identifier, qualifications with the state where a license is valid, NUCC codes on
the role, a geocoded practice Location), without claiming those profiles: NPPES gives no
network, organisation or accepting-new-patients facts.

- Practitioner ``{npi}``: the NPI, name, credentials, each NPPES license (Plan-Net
  ``practitioner-qualification`` with the state where it is valid) and each dry needling
  course on file (hours, in-person hours, provider, certificate, completion date).
- PractitionerRole ``{npi}``: the practice role, its profession and NUCC specialty, the
  practice Location, and the dry needling eligibility verdict with its reasons and, when
  known, the law it rests on with that law's sources (extension ``dry-needling-eligibility``).
- Location ``{npi}``: the practice address, positioned at its ZIP code's centroid (the point
  every distance is measured from).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from pinpoint.directory.geo import LatLon
from pinpoint.directory.schemas import (
    EligibilityPublic,
    LicensePublic,
    PractitionerPublic,
    SearchHit,
    TrainingPublic,
)
from pinpoint.fhir import systems as s
from pinpoint.fhir.datatypes import (
    Json,
    coding,
    concept,
    day,
    drop_empty,
    extension,
    identifier,
    label,
    reference,
)
from pinpoint.law.schemas import LawStatus

ELIGIBILITY = s.local_extension("dry-needling-eligibility")
TRAINING_HOURS = s.local_extension("training-hours")
IN_PERSON_HOURS = s.local_extension("training-in-person-hours")
LICENSED_SINCE = s.local_extension("licensed-since")
SUPERVISED_SESSIONS = s.local_extension("supervised-sessions")
PROFESSION_SYSTEM = s.local_system("profession")
VERDICT_SYSTEM = s.local_system("eligibility-verdict")
QUALIFICATION_SYSTEM = s.local_system("qualification")


def practitioner(p: PractitionerPublic) -> Json:
    """A Practitioner from the directory's public record of one NPI."""
    return drop_empty(
        {
            "resourceType": "Practitioner",
            "id": p.npi,
            "meta": _synthetic_tag(p.synthetic),
            "identifier": [identifier(s.NPI, p.npi)],
            "active": p.active,
            "name": [_name(p.name, p.credential)],
            "address": [_address(p.address_line, p.city, p.state, p.zip)],
            "qualification": [_license(li) for li in p.licenses]
            + [_training(t) for t in p.training],
        }
    )


def practitioner_role(
    p: PractitionerPublic | SearchHit,
    eligibility: EligibilityPublic,
    on: date,
    law: LawStatus | None = None,
) -> Json:
    """The practice role of one NPI, with its dry needling verdict on ``on``."""
    active = p.active if isinstance(p, PractitionerPublic) else True
    return drop_empty(
        {
            "resourceType": "PractitionerRole",
            "id": p.npi,
            "extension": [verdict_extension(eligibility, on, law)],
            "identifier": [identifier(s.NPI, p.npi)],
            "active": active,
            "practitioner": reference("Practitioner", p.npi, p.name),
            "code": [_profession(p.profession.value)],
            "specialty": [concept(s.NUCC, p.taxonomy)],
            "location": [reference("Location", p.npi)] if p.zip or p.city else [],
        }
    )


def location(p: PractitionerPublic, point: LatLon | None) -> Json:
    """The practice location of one NPI, at its ZIP centroid when the ZIP is known."""
    address = _address(p.address_line, p.city, p.state, p.zip)
    place = ", ".join(x for x in (p.city, p.state) if x)
    return drop_empty(
        {
            "resourceType": "Location",
            "id": p.npi,
            "meta": _synthetic_tag(p.synthetic),
            "status": "active" if p.active else "inactive",
            "name": f"Practice location of {p.name}" + (f" ({place})" if place else ""),
            "mode": "instance",
            "address": address,
            "position": (
                {"longitude": point.longitude, "latitude": point.latitude} if point else None
            ),
        }
    )


def verdict_extension(
    eligibility: EligibilityPublic, on: date, law: LawStatus | None = None
) -> Json:
    """The eligibility verdict: its reasons, the date whose law applied, and that law."""
    if law is None:  # a search hit: many share a verdict and its reasons
        return _plain_verdict(eligibility.verdict.value, tuple(eligibility.reasons), on)
    return _verdict_extension(eligibility.verdict.value, tuple(eligibility.reasons), on, law)


@lru_cache(maxsize=4096)
def _plain_verdict(verdict: str, reasons: tuple[str, ...], on: date) -> Json:
    """:func:`verdict_extension` without the law, kept (read only: answers serialise it)."""
    return _verdict_extension(verdict, reasons, on, None)


def _verdict_extension(
    verdict: str, reasons: tuple[str, ...], on: date, law: LawStatus | None
) -> Json:
    parts: list[Json] = [
        extension("verdict", valueCoding=coding(VERDICT_SYSTEM, verdict, label(verdict))),
        *(extension("reason", valueString=r) for r in reasons),
        extension("assessedOn", valueDate=day(on)),
    ]
    if law is not None:
        parts.append(_law(law))
    return extension(ELIGIBILITY, extension=parts)


def _law(law: LawStatus) -> Json:
    parts: list[Json] = [
        extension("jurisdiction", valueCoding=coding(s.USPS, law.jurisdiction)),
        extension("status", valueCode=law.status.value),
    ]
    if law.since:
        parts.append(extension("since", valueDate=day(law.since)))
    if law.citation:
        parts.append(extension("citation", valueString=law.citation))
    for source in law.sources:
        detail: list[Json] = [extension("title", valueString=source.title)]
        if source.url:
            detail.append(extension("url", valueUri=source.url))
        if source.published:
            detail.append(extension("published", valueDate=day(source.published)))
        parts.append(extension("source", extension=detail))
    return extension("law", extension=parts)


@lru_cache(maxsize=64)
def _profession(profession: str) -> Json:
    """A profession's code (kept: read only, answers serialise it)."""
    codings = [coding(PROFESSION_SYSTEM, profession, label(profession))]
    nucc = s.PROFESSION_NUCC.get(profession)
    if nucc:
        codings.append(coding(s.NUCC, *nucc))
    return {"coding": codings}


def _name(text: str, credential: str | None) -> Json:
    name: Json = {"use": "official", "text": text}
    if credential:
        name["suffix"] = [credential]
    return name


def _address(line: str | None, city: str | None, state: str | None, zip5: str | None) -> Json:
    return drop_empty(
        {
            "use": "work",
            "type": "physical",
            "line": [line] if line else [],
            "city": city,
            "state": state,
            "postalCode": zip5,
            "country": "US" if (state or zip5) else None,
        }
    )


def _license(li: LicensePublic) -> Json:
    parts = [extension("status", valueCode="active")]
    if li.state:
        parts.append(extension("whereValid", valueCodeableConcept=concept(s.USPS, li.state)))
    return {
        "extension": [extension(s.EXT_PLANNET_QUALIFICATION, extension=parts)],
        "identifier": [identifier(s.LICENSE, li.number)],
        "code": {
            "coding": [coding(s.NUCC, li.taxonomy)],
            "text": "License" + (f" ({li.state})" if li.state else ""),
        },
    }


def _training(t: TrainingPublic) -> Json:
    extensions = [extension(TRAINING_HOURS, valueDecimal=t.hours)]
    if t.in_person_hours is not None:
        extensions.append(extension(IN_PERSON_HOURS, valueDecimal=t.in_person_hours))
    if t.licensed_since is not None:
        extensions.append(extension(LICENSED_SINCE, valueDate=day(t.licensed_since)))
    if t.supervised_sessions is not None:
        extensions.append(extension(SUPERVISED_SESSIONS, valueInteger=t.supervised_sessions))
    return {
        "extension": extensions,
        "identifier": [identifier(s.TRAINING_CERTIFICATE, t.certificate_id)],
        "code": concept(
            QUALIFICATION_SYSTEM, "dry-needling-training", "Dry needling training", t.course
        ),
        "period": {"start": day(t.completed_on)},
        "issuer": {"display": t.provider},
    }


def _synthetic_tag(synthetic: bool) -> Json | None:
    if not synthetic:
        return None
    return {"tag": [coding(s.V3_ACT_REASON, "HTEST", "test health data")]}


def search_entries(hits: Sequence[SearchHit], on: date, base: str) -> list[Json]:
    """Searchset entries for hits, nearest first, each with its distance in miles."""
    return [
        {
            "fullUrl": f"{base}/PractitionerRole/{hit.npi}",
            "resource": practitioner_role(hit, hit.eligibility, on),
            "search": {
                "extension": [
                    extension(
                        s.EXT_DISTANCE,
                        valueDistance={
                            "value": hit.distance_miles,
                            "unit": "mi",
                            "system": s.UCUM,
                            "code": "[mi_i]",
                        },
                    )
                ],
                "mode": "match",
            },
        }
        for hit in hits
    ]
