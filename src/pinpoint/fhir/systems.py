"""Every code system, identifier system, extension and profile URL Pinpoint's FHIR uses.

One place per fact: mappers, the importer and the CapabilityStatement read these names.
Standard systems are from FHIR R4 (4.0.1) and the implementation guides named beside them;
Pinpoint's own codes (muscles, techniques, screening findings, ...) live under ``LOCAL``,
a base under the reserved ``.invalid`` domain, since the project has no registered canonical
URL. Their codes are the API's codes (docs/clinical.md), so nothing is translated twice.
"""

from __future__ import annotations

FHIR_VERSION = "4.0.1"
FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"

# ---- standard identifier and code systems (SPEC "FHIR R4") --------------------------------
NPI = "http://hl7.org/fhir/sid/us-npi"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CPT = "http://www.ama-assn.org/go/cpt"
LOINC = "http://loinc.org"
NUCC = "http://nucc.org/provider-taxonomy"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
USPS = "https://www.usps.com/"

V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
V3_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
ISSUE_TYPE = "http://terminology.hl7.org/CodeSystem/issue-type"
US_CORE_CAREPLAN_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"

# ---- standard extensions --------------------------------------------------------------------
EXT_DISTANCE = "http://hl7.org/fhir/StructureDefinition/location-distance"
EXT_EPISODE = "http://hl7.org/fhir/StructureDefinition/workflow-episodeOfCare"
# mCODE's laterality qualifier, allowed on Procedure.bodySite (value set: SNOMED left,
# right, right and left, midline): http://hl7.org/fhir/us/mcode/ (STU4, read 2026-11-25).
EXT_LATERALITY = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"
EXT_PLANNET_QUALIFICATION = (
    "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/practitioner-qualification"
)

# ---- US Core 6.1.0 profiles claimed where every required element is present ----------------
_US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
PROFILE_PATIENT = _US_CORE + "us-core-patient"
PROFILE_CONDITION = _US_CORE + "us-core-condition-problems-health-concerns"
PROFILE_PROCEDURE = _US_CORE + "us-core-procedure"
PROFILE_GOAL = _US_CORE + "us-core-goal"
PROFILE_CAREPLAN = _US_CORE + "us-core-careplan"
PROFILE_PROVENANCE = _US_CORE + "us-core-provenance"
PROFILE_ORGANIZATION = _US_CORE + "us-core-organization"
PROFILE_SCREENING = _US_CORE + "us-core-observation-screening-assessment"
PROFILE_QUESTIONNAIRE_RESPONSE = _US_CORE + "us-core-questionnaireresponse"
PROFILE_LOCATION = _US_CORE + "us-core-location"

# ---- Bulk Data Access IG (v2.0.0) operation definitions --------------------------------------
OP_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"
OP_GROUP_EXPORT = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export"
OP_EVERYTHING = "http://hl7.org/fhir/OperationDefinition/Patient-everything"

# ---- Pinpoint's own systems ----------------------------------------------------------------
LOCAL = "https://pinpoint.invalid/fhir"


def local_system(name: str) -> str:
    """The URL of one of Pinpoint's code systems (``muscle``, ``technique``, ...)."""
    return f"{LOCAL}/CodeSystem/{name}"


def local_extension(name: str) -> str:
    """The URL of one of Pinpoint's extensions."""
    return f"{LOCAL}/StructureDefinition/{name}"


MRN = f"{LOCAL}/identifier/mrn"
TRAINING_CERTIFICATE = f"{LOCAL}/identifier/training-certificate"
LICENSE = f"{LOCAL}/identifier/license"

# ---- fixed codes ------------------------------------------------------------------------------
CPT_DISPLAY = {
    "20560": "Needle insertion(s) without injection(s); 1 or 2 muscle(s)",
    "20561": "Needle insertion(s) without injection(s); 3 or more muscle(s)",
}
NPRS_LOINC = "72514-3"
NPRS_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CONSENT_LOINC = "59284-0"
CONSENT_DISPLAY = "Patient Consent"

# Side of a needled muscle -> SNOMED CT laterality qualifier (mCODE value set).
LATERALITY = {
    "left": ("7771000", "Left"),
    "right": ("24028007", "Right"),
    "bilateral": ("51440002", "Right and left"),
    "midline": ("399488007", "Midline"),
}

# Pinpoint severity -> (AdverseEvent.severity, AdverseEvent.seriousness), CODES.md.
SEVERITY = {
    "mild": ("mild", "non-serious"),
    "significant": ("moderate", "non-serious"),
    "serious": ("severe", "serious"),
}

# NUCC classification code of each profession that has one (PractitionerRole.code).
PROFESSION_NUCC = {
    "physical_therapist": ("225100000X", "Physical Therapist"),
    "chiropractor": ("111N00000X", "Chiropractor"),
    "athletic_trainer": ("2255A2300X", "Athletic Trainer"),
    "acupuncturist": ("171100000X", "Acupuncturist"),
}
