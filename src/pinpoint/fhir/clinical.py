"""A patient's chart as FHIR (pure mappers): Patient, EpisodeOfCare, Condition, CarePlan,
Goal, the screening Observation and Consent. Sessions are in ``fhir.procedures``.

Resource ids are the record ids (a Condition is ``{episode}-{ICD-10-CM code}``, the one
Goal of a plan shares the plan's id, a screening Observation is ``screening-{id}``), so the
same record always gets the same id. Every resource of an episode carries the standard
``workflow-episodeOfCare`` extension pointing at it. ``stamps`` gives each record's last
change (``meta.lastUpdated``) when the caller knows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from html import escape

from pinpoint.accounts.schemas import ClinicPublic
from pinpoint.care.icd10 import describe_icd10
from pinpoint.care.schemas import (
    ConsentPublic,
    EpisodeChart,
    PatientPublic,
    PlanPublic,
    ScreeningPublic,
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
    instant,
    label,
    reference,
)

Stamps = Mapping[tuple[str, int], datetime]

REGION_SYSTEM = s.local_system("body-region")
COMPONENT_SYSTEM = s.local_system("co-intervention")
FINDING_SYSTEM = s.local_system("screening-finding")
RESULT_SYSTEM = s.local_system("screening-result")
OBSERVATION_SYSTEM = s.local_system("observation")
SCREENING_CODE = "dry-needling-screening"
OVERRIDE_REASON = s.local_extension("screening-override-reason")
WRITTEN_REQUIRED = s.local_extension("written-consent-required")


def meta(stamps: Stamps | None, record_type: str, record_id: int, **extra: object) -> Json:
    """``meta`` with ``lastUpdated`` from the stamps (when known) and any extra keys."""
    found: Json = {k: v for k, v in extra.items() if v}
    moment = stamps.get((record_type, record_id)) if stamps else None
    if moment is not None:
        found["lastUpdated"] = instant(moment)
    return found


def episode_link(episode_id: int) -> Json:
    return extension(s.EXT_EPISODE, valueReference=reference("EpisodeOfCare", episode_id))


def organization(clinic: ClinicPublic) -> Json:
    return {
        "resourceType": "Organization",
        "id": str(clinic.id),
        "meta": {"profile": [s.PROFILE_ORGANIZATION]},
        "active": True,
        "name": clinic.name,
        "address": [{"state": clinic.state, "country": "US"}],
    }


def patient(p: PatientPublic, clinic: ClinicPublic, stamps: Stamps | None = None) -> Json:
    telecom = []
    if p.phone:
        telecom.append({"system": "phone", "value": p.phone})
    if p.email:
        telecom.append({"system": "email", "value": p.email})
    tags = [coding(s.V3_ACT_REASON, "HTEST", "test health data")] if p.synthetic else None
    return drop_empty(
        {
            "resourceType": "Patient",
            "id": str(p.id),
            "meta": meta(stamps, "patient", p.id, profile=[s.PROFILE_PATIENT], tag=tags),
            "identifier": [
                {
                    "use": "usual",
                    "type": concept(s.V2_0203, "MR", "Medical record number"),
                    **identifier(s.MRN, p.mrn),
                    "assigner": reference("Organization", clinic.id, clinic.name),
                }
            ],
            "name": [{"use": "official", "family": p.family_name, "given": [p.given_name]}],
            "telecom": telecom,
            "gender": p.sex.value,
            "birthDate": day(p.birth_date),
            "managingOrganization": reference("Organization", clinic.id, clinic.name),
        }
    )


def condition_id(episode_id: int, code: str) -> str:
    return f"{episode_id}-{code}"


def episode_of_care(e: EpisodeChart, clinic: ClinicPublic, stamps: Stamps | None = None) -> Json:
    period = {"start": day(e.started_on)}
    if e.ended_on:
        period["end"] = day(e.ended_on)
    return {
        "resourceType": "EpisodeOfCare",
        "id": str(e.id),
        **_meta_of(stamps, "episode", e.id),
        "status": "finished" if e.status.value == "closed" else "active",
        "type": [concept(REGION_SYSTEM, e.region.value, label(e.region.value))],
        "diagnosis": [
            {"condition": reference("Condition", condition_id(e.id, code)), "rank": rank}
            for rank, code in enumerate(e.icd10, start=1)
        ],
        "patient": reference("Patient", e.patient_id),
        "managingOrganization": reference("Organization", clinic.id, clinic.name),
        "period": period,
    }


def conditions(e: EpisodeChart, stamps: Stamps | None = None) -> list[Json]:
    """One Condition per ICD-10-CM code of the episode (resolved once the episode ends)."""
    closed = e.ended_on is not None or e.status.value == "closed"
    found = []
    for code in e.icd10:
        resource: Json = {
            "resourceType": "Condition",
            "id": condition_id(e.id, code),
            "meta": meta(stamps, "episode", e.id, profile=[s.PROFILE_CONDITION]),
            "extension": [episode_link(e.id)],
            "clinicalStatus": concept(s.CONDITION_CLINICAL, "resolved" if closed else "active"),
            "verificationStatus": concept(s.CONDITION_VERIFICATION, "confirmed"),
            "category": [concept(s.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
            "code": concept(s.ICD10CM, code, describe_icd10(code)),
            "bodySite": [concept(REGION_SYSTEM, e.region.value, label(e.region.value))],
            "subject": reference("Patient", e.patient_id),
            "onsetDateTime": day(e.started_on),
        }
        if closed and e.ended_on:
            resource["abatementDateTime"] = day(e.ended_on)
        found.append(drop_empty(resource))
    return found


def _condition_refs(e: EpisodeChart) -> list[Json]:
    return [reference("Condition", condition_id(e.id, code)) for code in e.icd10]


def care_plan(plan: PlanPublic, e: EpisodeChart, stamps: Stamps | None = None) -> Json:
    """The multimodal plan: one activity per planned treatment, at the planned frequency."""
    closed = e.status.value == "closed"
    treatments = ", ".join(label(c.value).lower() for c in plan.components)
    summary = f"Dry needling care plan: {treatments}" + (
        f"; {plan.frequency}" if plan.frequency else ""
    )
    detail_status = "completed" if closed else "in-progress"
    activities = []
    for component in plan.components:
        detail: Json = {
            "kind": "ServiceRequest",
            "code": concept(COMPONENT_SYSTEM, component.value, label(component.value)),
            "status": detail_status,
        }
        if plan.frequency:
            detail["scheduledString"] = plan.frequency
        activities.append({"detail": detail})
    return drop_empty(
        {
            "resourceType": "CarePlan",
            "id": str(plan.id),
            "meta": meta(stamps, "care_plan", plan.id, profile=[s.PROFILE_CAREPLAN]),
            "text": {
                "status": "generated",
                "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{escape(summary)}</div>',
            },
            "extension": [episode_link(e.id)],
            "status": "completed" if closed else "active",
            "intent": "plan",
            "category": [concept(s.US_CORE_CAREPLAN_CATEGORY, "assess-plan")],
            "title": "Dry needling care plan",
            "subject": reference("Patient", e.patient_id),
            "period": {"start": day(e.started_on)},
            "addresses": _condition_refs(e),
            "goal": [reference("Goal", plan.id)] if plan.goals else [],
            "activity": activities,
        }
    )


def goal(plan: PlanPublic, e: EpisodeChart, stamps: Stamps | None = None) -> Json | None:
    """The plan's goals as one Goal (their text, as the clinician wrote it)."""
    if not plan.goals:
        return None
    return {
        "resourceType": "Goal",
        "id": str(plan.id),
        "meta": meta(stamps, "care_plan", plan.id, profile=[s.PROFILE_GOAL]),
        "extension": [episode_link(e.id)],
        "lifecycleStatus": "completed" if e.status.value == "closed" else "active",
        "description": {"text": plan.goals},
        "subject": reference("Patient", e.patient_id),
        "startDate": day(e.started_on),
        "addresses": _condition_refs(e),
    }


def screening(row: ScreeningPublic, e: EpisodeChart, stamps: Stamps | None = None) -> Json:
    """A pre-treatment screening: its result, one component per finding, the override."""
    extensions = [episode_link(e.id)]
    if row.override_reason:
        extensions.append(extension(OVERRIDE_REASON, valueString=row.override_reason))
    return drop_empty(
        {
            "resourceType": "Observation",
            "id": f"screening-{row.id}",
            "meta": meta(stamps, "screening", row.id),
            "extension": extensions,
            "status": "final",
            "category": [concept(s.OBSERVATION_CATEGORY, "exam", "Exam")],
            "code": concept(
                OBSERVATION_SYSTEM, SCREENING_CODE, "Dry needling pre-treatment screening"
            ),
            "subject": reference("Patient", e.patient_id),
            "issued": instant(row.created_at) if row.created_at else None,
            "valueCodeableConcept": concept(
                RESULT_SYSTEM, row.result.value, label(row.result.value)
            ),
            "component": [
                {
                    "code": concept(FINDING_SYSTEM, f.value, label(f.value)),
                    "valueBoolean": True,
                }
                for f in row.findings
            ],
        }
    )


def consent(
    row: ConsentPublic, e: EpisodeChart, clinic: ClinicPublic, stamps: Stamps | None = None
) -> Json:
    """Informed consent to dry needling, with the disclosure the form carried."""
    attachment: Json = {"contentType": "text/plain; charset=utf-8", "title": row.form_version}
    if row.disclosure:
        attachment["data"] = _base64(row.disclosure)
    return {
        "resourceType": "Consent",
        "id": str(row.id),
        **_meta_of(stamps, "consent", row.id),
        "extension": [
            episode_link(e.id),
            extension(WRITTEN_REQUIRED, valueBoolean=row.written_required),
        ],
        "status": "active",
        "scope": concept(s.CONSENT_SCOPE, "treatment", "Treatment"),
        "category": [concept(s.LOINC, s.CONSENT_LOINC, s.CONSENT_DISPLAY)],
        "patient": reference("Patient", e.patient_id),
        "dateTime": day(row.signed_on),
        "performer": [{"display": row.signed_by}],
        "organization": [reference("Organization", clinic.id, clinic.name)],
        "sourceAttachment": attachment,
        "policyRule": {"text": "Informed consent to dry needling"},
    }


def _meta_of(stamps: Stamps | None, record_type: str, record_id: int) -> Json:
    found = meta(stamps, record_type, record_id)
    return {"meta": found} if found else {}


def _base64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode("utf-8")).decode("ascii")
