"""A dry needling session as FHIR (pure mappers): the Procedure, its pain scores as
Observations, its adverse events, and the Provenance of what was documented.

- Procedure ``{session}``: CPT 20560/20561 (``care.cpt``), one ``bodySite`` per muscle
  needled with its laterality (SNOMED CT, mCODE laterality qualifier), needles and twitch
  response; the needler by NPI, with the directory's name as the display; technique,
  co-interventions and the screening's precautions as extensions; the reasons are the
  episode's Conditions.
- Observation ``{session}-pain-before`` / ``-pain-after``: NPRS, LOINC 72514-3, category
  ``survey``, ``partOf`` the Procedure.
- AdverseEvent ``{id}``: severity mild -> mild, significant -> moderate, serious -> severe
  with seriousness ``serious`` (CODES.md); the suspect entity is the Procedure.
- Provenance ``session-{id}``: the needler as author, on behalf of the clinic.
"""

from __future__ import annotations

from pinpoint.accounts.schemas import ClinicPublic
from pinpoint.care.schemas import AdverseEventPublic, EpisodeChart, SessionPublic
from pinpoint.fhir import systems as s
from pinpoint.fhir.clinical import Stamps, condition_id, episode_link, meta
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

MUSCLE_SYSTEM = s.local_system("muscle")
TECHNIQUE_SYSTEM = s.local_system("technique")
COINTERVENTION_SYSTEM = s.local_system("co-intervention")
FINDING_SYSTEM = s.local_system("screening-finding")
AE_TYPE_SYSTEM = s.local_system("adverse-event-type")
TECHNIQUE = s.local_extension("needling-technique")
CO_INTERVENTION = s.local_extension("co-intervention")
PRECAUTION = s.local_extension("precaution")
NEEDLES = s.local_extension("needle-count")
TWITCH = s.local_extension("local-twitch-response")
PAIN_TIMING = s.local_extension("pain-timing")
AE_DURATION = s.local_extension("adverse-event-duration")
AE_ACTION = s.local_extension("adverse-event-action-taken")
AE_REPORTABLE = s.local_extension("adverse-event-reportable")
AE_DEADLINE = s.local_extension("adverse-event-report-deadline-days")


def practitioner_ref(row: SessionPublic) -> Json:
    """The needler: by NPI, named as the practitioner directory writes the name."""
    npi = row.practitioner_npi
    return {
        **reference("Practitioner", npi, row.practitioner_name),
        "type": "Practitioner",
        "identifier": identifier(s.NPI, npi),
    }


def procedure(
    row: SessionPublic, e: EpisodeChart, clinic: ClinicPublic, stamps: Stamps | None = None
) -> Json:
    extensions = [episode_link(e.id), extension(TECHNIQUE, valueCoding=_technique(row))]
    extensions += [
        extension(
            CO_INTERVENTION, valueCoding=coding(COINTERVENTION_SYSTEM, c.value, label(c.value))
        )
        for c in row.co_interventions
    ]
    extensions += [
        extension(PRECAUTION, valueCoding=coding(FINDING_SYSTEM, f.value, label(f.value)))
        for f in row.precautions
    ]
    return drop_empty(
        {
            "resourceType": "Procedure",
            "id": str(row.id),
            "meta": meta(stamps, "session", row.id, profile=[s.PROFILE_PROCEDURE]),
            "extension": extensions,
            "status": "completed",
            "code": {
                "coding": [coding(s.CPT, row.cpt_code, s.CPT_DISPLAY.get(row.cpt_code))],
                "text": "Dry needling",
            },
            "subject": reference("Patient", e.patient_id),
            "performedDateTime": day(row.performed_on),
            "performer": [
                {
                    "actor": practitioner_ref(row),
                    "onBehalfOf": reference("Organization", clinic.id, clinic.name),
                }
            ],
            "reasonReference": [
                reference("Condition", condition_id(e.id, code)) for code in e.icd10
            ],
            "bodySite": [
                _body_site(m.muscle.value, m.side.value, m.needles, m.twitch) for m in row.muscles
            ],
            "note": [{"text": row.notes}] if row.notes else [],
        }
    )


def _technique(row: SessionPublic) -> Json:
    return coding(TECHNIQUE_SYSTEM, row.technique.value, label(row.technique.value))


def _body_site(muscle: str, side: str, needles: int, twitch: bool) -> Json:
    code, display = s.LATERALITY[side]
    return {
        "extension": [
            extension(s.EXT_LATERALITY, valueCodeableConcept=concept(s.SNOMED, code, display)),
            extension(NEEDLES, valuePositiveInt=needles),
            extension(TWITCH, valueBoolean=twitch),
        ],
        "coding": [coding(MUSCLE_SYSTEM, muscle, label(muscle))],
        "text": f"{side} {label(muscle).lower()}",
    }


def pain_observations(
    row: SessionPublic, e: EpisodeChart, stamps: Stamps | None = None
) -> list[Json]:
    """The session's NPRS before and after needling (those recorded)."""
    found = []
    for timing, score in (("before", row.pain_before), ("after", row.pain_after)):
        if score is None:
            continue
        found.append(
            {
                "resourceType": "Observation",
                "id": f"{row.id}-pain-{timing}",
                "meta": meta(stamps, "session", row.id, profile=[s.PROFILE_SCREENING]),
                "extension": [episode_link(e.id), extension(PAIN_TIMING, valueCode=timing)],
                "status": "final",
                "category": [concept(s.OBSERVATION_CATEGORY, "survey", "Survey")],
                "code": concept(s.LOINC, s.NPRS_LOINC, s.NPRS_DISPLAY),
                "subject": reference("Patient", e.patient_id),
                "effectiveDateTime": day(row.performed_on),
                "performer": [practitioner_ref(row)],
                "valueInteger": score,
                "partOf": [reference("Procedure", row.id)],
                "note": [{"text": f"Pain {timing} needling (0 none, 10 worst imaginable)"}],
            }
        )
    return found


def adverse_event(
    row: AdverseEventPublic, session: SessionPublic, e: EpisodeChart, stamps: Stamps | None = None
) -> Json:
    severity, seriousness = s.SEVERITY[row.severity.value]
    extensions = [episode_link(e.id), extension(AE_REPORTABLE, valueBoolean=row.reportable)]
    if row.report_deadline_days is not None:
        extensions.append(extension(AE_DEADLINE, valueInteger=row.report_deadline_days))
    if row.duration:
        extensions.append(extension(AE_DURATION, valueString=row.duration))
    if row.action_taken:
        extensions.append(extension(AE_ACTION, valueString=row.action_taken))
    event = concept(AE_TYPE_SYSTEM, row.type.value, label(row.type.value))
    if row.description:
        event["text"] = row.description
    return drop_empty(
        {
            "resourceType": "AdverseEvent",
            "id": str(row.id),
            "meta": meta(stamps, "adverse_event", row.id),
            "extension": extensions,
            "actuality": "actual",
            "event": event,
            "subject": reference("Patient", e.patient_id),
            "date": day(row.onset_on),
            "seriousness": concept(s.AE_SERIOUSNESS, seriousness, label(seriousness)),
            "severity": concept(s.AE_SEVERITY, severity, label(severity)),
            "outcome": concept(s.AE_OUTCOME, "resolved" if row.resolved else "ongoing"),
            "suspectEntity": [{"instance": reference("Procedure", session.id)}],
        }
    )


def provenance(
    row: SessionPublic, e: EpisodeChart, clinic: ClinicPublic, stamps: Stamps | None = None
) -> Json:
    """Who documented the session: the needler, on behalf of the clinic."""
    targets = [reference("Procedure", row.id)] + [
        reference("Observation", f"{row.id}-pain-{t}")
        for t, v in (("before", row.pain_before), ("after", row.pain_after))
        if v is not None
    ]
    moment = stamps.get(("session", row.id)) if stamps else None
    return drop_empty(
        {
            "resourceType": "Provenance",
            "id": f"session-{row.id}",
            "meta": {"profile": [s.PROFILE_PROVENANCE]},
            "target": targets,
            "occurredDateTime": day(row.performed_on),
            "recorded": instant(moment) if moment else f"{day(row.performed_on)}T00:00:00Z",
            "agent": [
                {
                    "type": concept(s.PROVENANCE_PARTICIPANT, "author", "Author"),
                    "who": practitioner_ref(row),
                    "onBehalfOf": reference("Organization", clinic.id, clinic.name),
                }
            ],
        }
    )
