"""An outcome assessment as FHIR (pure): a QuestionnaireResponse with the answers and an
Observation of the total, ``derivedFrom`` it.

- QuestionnaireResponse ``assessment-{id}``: the instrument and its version as the
  questionnaire (``{LOCAL}/Questionnaire/{code}|{version}``, the version percent-encoded),
  one item per question in order (``linkId`` its number, the item's name as text, the PSFS
  activity when named); a missing answer is an item without ``answer``.
- Observation ``assessment-{id}-score``: category ``survey``, the LOINC total code of the
  instrument where one exists (``pinpoint.outcomes`` data: ODI 97909-6, NDI 82237-9, PHQ-9
  44261-6, PHQ-2 55758-7, NPRS 72514-3) beside Pinpoint's own code, the score as
  ``valueQuantity`` (or ``dataAbsentReason`` with the reason when too many items are missing),
  the band as ``interpretation``, the missing items in a note.

Built from ``ScoreResult`` (``{"instrument", "score", "max", "missing_items", "band"}`` and
the rest ``pinpoint.outcomes`` gives).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from pinpoint.fhir import systems as s
from pinpoint.fhir.clinical import episode_link
from pinpoint.fhir.datatypes import Json, coding, concept, day, drop_empty, instant, reference
from pinpoint.outcomes import ScoreResult, get_instrument
from pinpoint.outcomes.records_schemas import AssessmentPublic

INSTRUMENT_SYSTEM = s.local_system("instrument")
BAND_SYSTEM = s.local_system("instrument-band")
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"


@dataclass(frozen=True)
class AssessmentRecord:
    """What an assessment record holds, whatever table it ends up in."""

    id: int
    patient_id: int
    episode_id: int
    answered_on: date
    responses: Sequence[int | None]
    result: ScoreResult
    updated: datetime | None = None


def record_of(a: AssessmentPublic, patient_id: int) -> AssessmentRecord:
    """The stored assessment (``pinpoint.outcomes``) as the mappers take it."""
    return AssessmentRecord(
        a.id, patient_id, a.episode_id, a.taken_on, a.responses, a.score, a.created_at
    )


def _meta(a: AssessmentRecord, profile: str) -> Json:
    found: Json = {"profile": [profile]}
    if a.updated is not None:
        found["lastUpdated"] = instant(a.updated)
    return found


def questionnaire_url(code: str) -> str:
    return f"{s.LOCAL}/Questionnaire/{code}"


def questionnaire_response(a: AssessmentRecord) -> Json:
    spec = get_instrument(a.result.instrument)
    names = a.result.activities or []
    items = []
    for number, answer in enumerate(a.responses, start=1):
        text = (
            names[number - 1]
            if number <= len(names)
            else spec.item(min(number, len(spec.items))).name
        )
        item: Json = {"linkId": str(number), "text": text}
        if answer is not None:
            item["answer"] = [{"valueInteger": answer}]
        items.append(item)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"assessment-{a.id}",
        "meta": _meta(a, s.PROFILE_QUESTIONNAIRE_RESPONSE),
        "extension": [episode_link(a.episode_id)],
        "questionnaire": f"{questionnaire_url(spec.code.value)}|{quote(spec.version, safe='')}",
        "status": "completed",
        "subject": reference("Patient", a.patient_id),
        "authored": day(a.answered_on),
        "item": items,
    }


def score_observation(a: AssessmentRecord) -> Json:
    r = a.result
    spec = get_instrument(r.instrument)
    codings = []
    if spec.loinc and spec.loinc.total:
        codings.append(coding(s.LOINC, spec.loinc.total, f"{spec.name} total score"))
    codings.append(coding(INSTRUMENT_SYSTEM, spec.code.value, spec.name))
    notes = []
    if r.missing_items:
        notes.append({"text": "Missing items: " + ", ".join(str(n) for n in r.missing_items)})
    if r.reason:
        notes.append({"text": r.reason})
    resource: Json = {
        "resourceType": "Observation",
        "id": f"assessment-{a.id}-score",
        "meta": _meta(a, s.PROFILE_SCREENING),
        "extension": [episode_link(a.episode_id)],
        "status": "final",
        "category": [concept(s.OBSERVATION_CATEGORY, "survey", "Survey")],
        "code": {"coding": codings, "text": f"{spec.name} ({spec.version})"},
        "subject": reference("Patient", a.patient_id),
        "effectiveDateTime": day(a.answered_on),
        "derivedFrom": [reference("QuestionnaireResponse", f"assessment-{a.id}")],
        "note": notes,
    }
    if r.score is None:
        resource["dataAbsentReason"] = concept(DATA_ABSENT, "not-performed", "Not Performed")
    else:
        resource["valueQuantity"] = {"value": r.score, "unit": r.unit}
        resource["referenceRange"] = [{"low": {"value": 0}, "high": {"value": r.max}}]
    if r.band:
        resource["interpretation"] = [
            concept(BAND_SYSTEM, f"{spec.code.value}-{r.band}", r.band_label or r.band)
        ]
    return drop_empty(resource)


def assessment_resources(a: AssessmentRecord) -> list[Json]:
    return [questionnaire_response(a), score_observation(a)]
