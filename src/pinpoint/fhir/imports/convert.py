"""One FHIR resource -> the care input shape it stands for (pure).

The shapes read are the ones Pinpoint writes (docs/fhir.md): codes from Pinpoint's code
systems for muscles, techniques, findings and the like, ICD-10-CM conditions, CPT
procedures, NPRS Observations. Each problem is an ``Issue``: the FHIR path of the element
and what is wrong with it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pinpoint.care.schemas import (
    AdverseEventCreate,
    ConsentCreate,
    EpisodeCreate,
    PatientCreate,
    PlanCreate,
    SessionCreate,
)
from pinpoint.fhir import assessments, clinical, procedures
from pinpoint.fhir import systems as s
from pinpoint.fhir.datatypes import Json

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Issue:
    path: str
    message: str


class Rejected(Exception):
    """A resource that cannot be imported; ``issues`` say where and why."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(f"{i.path}: {i.message}" for i in issues))
        self.issues = issues


def reject(path: str, message: str) -> Rejected:
    return Rejected([Issue(path, message)])


def validated(model: type[M], values: dict[str, Any], path: str, where: Mapping[str, str]) -> M:
    """``model`` from values; a refusal names the FHIR element each field came from."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            element = where.get(loc[0], loc[0]) if loc else ""
            issues.append(Issue(f"{path}.{element}" if element else path, err["msg"]))
        raise Rejected(issues) from None


# ---- reading elements ------------------------------------------------------------------


def codes(concept: Any, system: str) -> list[str]:
    if not isinstance(concept, dict):
        return []
    return [
        c["code"] for c in concept.get("coding", []) if c.get("system") == system and "code" in c
    ]


def code(concept: Any, system: str, path: str, what: str) -> str:
    found = codes(concept, system)
    if not found:
        raise reject(path, f"no {what} code from {system}")
    return found[0]


def extensions(element: Json, url: str) -> list[Json]:
    return [e for e in element.get("extension", []) if e.get("url") == url]


def ext_value(element: Json, url: str, key: str, default: Any = None) -> Any:
    found = extensions(element, url)
    return found[0].get(key, default) if found else default


def ref_id(reference: Any, kind: str, path: str) -> str:
    """The id in ``{"reference": "Kind/id"}`` (relative or absolute URL)."""
    text = reference.get("reference") if isinstance(reference, dict) else None
    if not isinstance(text, str) or f"{kind}/" not in text:
        raise reject(path, f"must reference a {kind}")
    return text.rsplit(f"{kind}/", 1)[1].split("/")[0]


def day_of(value: Any, path: str) -> str:
    """The date part of a FHIR date or dateTime."""
    if not isinstance(value, str) or len(value) < 10:
        raise reject(path, "a full date (YYYY-MM-DD) is required")
    return value[:10]


def episode_ref(resource: Json, path: str) -> str:
    found = extensions(resource, s.EXT_EPISODE)
    if not found:
        raise reject(f"{path}.extension", f"the {s.EXT_EPISODE} extension is required")
    return ref_id(found[0].get("valueReference"), "EpisodeOfCare", f"{path}.extension")


# ---- resources ---------------------------------------------------------------------------


def patient(r: Json, path: str) -> tuple[PatientCreate, bool]:
    """(the patient, whether it is synthetic test data)."""
    ids = r.get("identifier", [])
    mrn = next(
        (
            i.get("value")
            for i in ids
            if i.get("system") == s.MRN or "MR" in codes(i.get("type"), s.V2_0203)
        ),
        None,
    )
    if mrn is None:
        raise reject(f"{path}.identifier", "a medical record number (type MR) is required")
    name = (r.get("name") or [{}])[0]
    telecom = {t.get("system"): t.get("value") for t in r.get("telecom", [])}
    values = {
        "mrn": mrn,
        "given_name": " ".join(name.get("given", [])) or None,
        "family_name": name.get("family"),
        "birth_date": r.get("birthDate"),
        "sex": r.get("gender"),
        "phone": telecom.get("phone"),
        "email": telecom.get("email"),
    }
    where = {
        "mrn": "identifier",
        "given_name": "name[0].given",
        "family_name": "name[0].family",
        "birth_date": "birthDate",
        "sex": "gender",
        "phone": "telecom",
        "email": "telecom",
    }
    tags = (r.get("meta") or {}).get("tag", [])
    synthetic = any(t.get("code") == "HTEST" for t in tags)
    return validated(PatientCreate, values, path, where), synthetic


def episode(r: Json, path: str, conditions: Mapping[str, Json]) -> tuple[EpisodeCreate, bool]:
    """(the episode, whether it is closed); ``conditions`` by id give its ICD-10-CM codes."""
    region = code((r.get("type") or [None])[0], clinical.REGION_SYSTEM, f"{path}.type", "region")
    icd10 = []
    for j, diagnosis in enumerate(r.get("diagnosis", [])):
        at = f"{path}.diagnosis[{j}].condition"
        found = conditions.get(ref_id(diagnosis.get("condition"), "Condition", at))
        if found is None:
            raise reject(at, "refers to a Condition that is not in the import")
        icd10.append(code(found.get("code"), s.ICD10CM, at, "ICD-10-CM"))
    period = r.get("period") or {}
    values = {
        "region": region,
        "icd10": icd10,
        "started_on": day_of(period.get("start"), f"{path}.period.start"),
        "ended_on": day_of(period["end"], f"{path}.period.end") if period.get("end") else None,
    }
    where = {
        "region": "type",
        "icd10": "diagnosis",
        "started_on": "period.start",
        "ended_on": "period.end",
    }
    return validated(EpisodeCreate, values, path, where), r.get("status") == "finished"


def plan(r: Json, path: str, goals: Mapping[str, Json]) -> PlanCreate:
    activities = [a.get("detail", {}) for a in r.get("activity", [])]
    components = [
        code(
            d.get("code"),
            clinical.COMPONENT_SYSTEM,
            f"{path}.activity[{j}].detail.code",
            "co-intervention",
        )
        for j, d in enumerate(activities)
    ]
    frequency = next((d["scheduledString"] for d in activities if d.get("scheduledString")), None)
    text = None
    for j, reference in enumerate(r.get("goal", [])):
        found = goals.get(ref_id(reference, "Goal", f"{path}.goal[{j}]"))
        if found is None:
            raise reject(f"{path}.goal[{j}]", "refers to a Goal that is not in the import")
        text = (found.get("description") or {}).get("text")
    values = {"components": components, "frequency": frequency, "goals": text}
    where = {
        "components": "activity",
        "frequency": "activity[0].detail.scheduledString",
        "goals": "goal",
    }
    return validated(PlanCreate, values, path, where)


def is_screening(r: Json) -> bool:
    return clinical.SCREENING_CODE in codes(r.get("code"), clinical.OBSERVATION_SYSTEM)


def is_pain(r: Json) -> bool:
    return s.NPRS_LOINC in codes(r.get("code"), s.LOINC)


def screening(r: Json, path: str) -> tuple[list[str], str | None, str | None]:
    """(findings, override reason, the result the resource states)."""
    findings = [
        code(c.get("code"), clinical.FINDING_SYSTEM, f"{path}.component[{j}].code", "finding")
        for j, c in enumerate(r.get("component", []))
        if c.get("valueBoolean", True)
    ]
    override = ext_value(r, clinical.OVERRIDE_REASON, "valueString")
    results = codes(r.get("valueCodeableConcept"), clinical.RESULT_SYSTEM)
    stated = results[0] if results else None
    return findings, override, stated


def consent(r: Json, path: str) -> tuple[ConsentCreate, bool, str | None]:
    """(the consent, whether written consent was required, the disclosure text)."""
    attachment = r.get("sourceAttachment") or {}
    disclosure = None
    if attachment.get("data"):
        try:
            disclosure = base64.b64decode(attachment["data"], validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise reject(f"{path}.sourceAttachment.data", "not base64 UTF-8 text") from None
    values = {
        "signed_on": day_of(r.get("dateTime"), f"{path}.dateTime"),
        "signed_by": ((r.get("performer") or [{}])[0]).get("display"),
        "form_version": attachment.get("title"),
    }
    where = {
        "signed_on": "dateTime",
        "signed_by": "performer[0].display",
        "form_version": "sourceAttachment.title",
    }
    written = bool(ext_value(r, clinical.WRITTEN_REQUIRED, "valueBoolean", False))
    return validated(ConsentCreate, values, path, where), written, disclosure


_SIDES = {snomed: side for side, (snomed, _display) in s.LATERALITY.items()}


def session(r: Json, path: str, pains: Mapping[str, int]) -> tuple[SessionCreate, str, list[str]]:
    """(the session, the CPT code it states, its precautions); ``pains`` by timing."""
    muscles = []
    for j, site in enumerate(r.get("bodySite", [])):
        at = f"{path}.bodySite[{j}]"
        lateral = ext_value(site, s.EXT_LATERALITY, "valueCodeableConcept")
        side = _SIDES.get((codes(lateral, s.SNOMED) or [""])[0])
        if side is None:
            raise reject(
                f"{at}.extension",
                "a laterality (SNOMED left, right, right and left, or midline) is required",
            )
        muscles.append(
            {
                "muscle": code(site, procedures.MUSCLE_SYSTEM, f"{at}.coding", "muscle"),
                "side": side,
                "needles": ext_value(site, procedures.NEEDLES, "valuePositiveInt"),
                "twitch": ext_value(site, procedures.TWITCH, "valueBoolean"),
            }
        )
    actor = ((r.get("performer") or [{}])[0]).get("actor") or {}
    npi = (actor.get("identifier") or {}).get("value")
    if npi is None and "Practitioner/" in str(actor.get("reference", "")):
        npi = ref_id(actor, "Practitioner", f"{path}.performer[0].actor")
    technique = (ext_value(r, procedures.TECHNIQUE, "valueCoding") or {}).get("code")
    values = {
        "performed_on": day_of(r.get("performedDateTime"), f"{path}.performedDateTime"),
        "practitioner_npi": npi,
        "muscles": muscles,
        "technique": technique,
        "pain_before": pains.get("before"),
        "pain_after": pains.get("after"),
        "co_interventions": [
            e["valueCoding"]["code"] for e in extensions(r, procedures.CO_INTERVENTION)
        ],
        "notes": ((r.get("note") or [{}])[0]).get("text"),
    }
    where = {
        "performed_on": "performedDateTime",
        "practitioner_npi": "performer[0].actor.identifier",
        "muscles": "bodySite",
        "technique": "extension",
        "pain_before": "(Observation pain before)",
        "pain_after": "(Observation pain after)",
        "co_interventions": "extension",
        "notes": "note",
    }
    stated = code(r.get("code"), s.CPT, f"{path}.code", "CPT")
    precautions = [e["valueCoding"]["code"] for e in extensions(r, procedures.PRECAUTION)]
    return validated(SessionCreate, values, path, where), stated, precautions


_SEVERITY = {(fhir, serious): ours for ours, (fhir, serious) in s.SEVERITY.items()}


def adverse_event(r: Json, path: str) -> tuple[AdverseEventCreate, bool, int | None]:
    """(the event, whether it is reportable, the report deadline in days)."""
    severity = (codes(r.get("severity"), s.AE_SEVERITY) or [""])[0]
    seriousness = (codes(r.get("seriousness"), s.AE_SERIOUSNESS) or ["non-serious"])[0]
    ours = _SEVERITY.get((severity, seriousness))
    if ours is None:
        raise reject(
            f"{path}.severity",
            "severity and seriousness must be mild, moderate, or severe with seriousness serious",
        )
    values = {
        "type": code(r.get("event"), procedures.AE_TYPE_SYSTEM, f"{path}.event", "event type"),
        "severity": ours,
        "onset_on": day_of(r.get("date"), f"{path}.date"),
        "description": (r.get("event") or {}).get("text"),
        "resolved": "resolved" in codes(r.get("outcome"), s.AE_OUTCOME),
        "duration": ext_value(r, procedures.AE_DURATION, "valueString"),
        "action_taken": ext_value(r, procedures.AE_ACTION, "valueString"),
    }
    where = {
        "type": "event",
        "severity": "severity",
        "onset_on": "date",
        "description": "event.text",
        "resolved": "outcome",
        "duration": "extension",
        "action_taken": "extension",
    }
    reportable = bool(ext_value(r, procedures.AE_REPORTABLE, "valueBoolean", False))
    deadline = ext_value(r, procedures.AE_DEADLINE, "valueInteger")
    return validated(AdverseEventCreate, values, path, where), reportable, deadline


def session_of_event(r: Json, path: str) -> str:
    suspects = r.get("suspectEntity") or [{}]
    return ref_id(suspects[0].get("instance"), "Procedure", f"{path}.suspectEntity[0].instance")


def is_score(r: Json) -> bool:
    """An assessment's score Observation (derived from its QuestionnaireResponse)."""
    return bool(r.get("derivedFrom")) and any(
        c.get("system") == assessments.INSTRUMENT_SYSTEM
        for c in (r.get("code") or {}).get("coding", [])
    )


def assessment(r: Json, path: str) -> tuple[str, list[int | None], list[str] | None, date]:
    """(instrument code, answers in item order, PSFS activities, the day it was taken)."""
    questionnaire = str(r.get("questionnaire", ""))
    base = assessments.questionnaire_url("")
    if not questionnaire.startswith(base):
        raise reject(f"{path}.questionnaire", f"must be one of Pinpoint's instruments ({base}...)")
    instrument = questionnaire[len(base) :].split("|")[0]
    answers: list[int | None] = []
    texts: list[str] = []
    for j, item in enumerate(r.get("item", [])):
        given = item.get("answer") or []
        value = given[0].get("valueInteger") if given else None
        if given and not isinstance(value, int):
            raise reject(f"{path}.item[{j}].answer[0]", "a whole-number answer is expected")
        answers.append(value)
        texts.append(str(item.get("text", "")))
    taken = date.fromisoformat(day_of(r.get("authored"), f"{path}.authored"))
    return instrument, answers, texts if instrument == "psfs" else None, taken
