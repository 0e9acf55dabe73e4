"""Input and output shapes of clinical records (tables live in ``care/models.py``).

``*Create`` and ``*Update`` shapes are strict: unknown fields, unknown codes and
out-of-range values are refused and the error names the field. ``*Public`` shapes are
what the API returns; they carry the record's ``id`` and, for editable records, its
``version`` (send it back with an edit).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from pinpoint.care.codes import (
    AdverseEventType,
    CoIntervention,
    EpisodeStatus,
    Finding,
    Muscle,
    Region,
    ScreeningResult,
    Severity,
    Sex,
    Side,
    Technique,
)
from pinpoint.care.fields import (
    BirthDate,
    ClinicalDate,
    CoInterventions,
    Components,
    Email,
    Findings,
    FormVersion,
    Icd10Codes,
    LongText,
    Mrn,
    Name,
    Npi,
    Pain,
    Phone,
    SexCode,
    ShortText,
    Signer,
    UtcDatetime,
)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _refuse_null(value: object, info: ValidationInfo) -> object:
    """For fields a record cannot lack: leaving them out is fine, ``null`` is not."""
    if value is None:
        raise ValueError(f"{info.field_name} may not be null")
    return value


# ---- patients ------------------------------------------------------------------------


class PatientCreate(_Input):
    mrn: Mrn = Field(description="Medical record number, unique within the clinic.")
    given_name: Name
    family_name: Name
    birth_date: BirthDate
    sex: SexCode = Field(description="female, male, other or unknown (F/M/O/U accepted).")
    phone: Phone | None = None
    email: Email | None = None


class PatientUpdate(_Input):
    """Fields to change; ``version`` is the one last read (a stale one answers 409)."""

    version: int = Field(ge=1, le=2**31 - 1)
    mrn: Mrn | None = None
    given_name: Name | None = None
    family_name: Name | None = None
    birth_date: BirthDate | None = None
    sex: SexCode | None = None
    phone: Phone | None = None
    email: Email | None = None

    @field_validator("mrn", "given_name", "family_name", "birth_date", "sex")
    @classmethod
    def _required(cls, value: object, info: ValidationInfo) -> object:
        return _refuse_null(value, info)


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PatientPublic(_Public):
    id: int
    version: int
    mrn: str
    given_name: str
    family_name: str
    birth_date: date
    sex: Sex
    phone: str | None
    email: str | None
    synthetic: bool = False


class PatientList(BaseModel):
    total: int = Field(description="Patients matching the search, before paging.")
    limit: int
    offset: int
    patients: list[PatientPublic]


# ---- episodes and plans ----------------------------------------------------------------


class EpisodeCreate(_Input):
    region: Region
    icd10: Icd10Codes
    started_on: ClinicalDate
    ended_on: ClinicalDate | None = None


class EpisodeUpdate(_Input):
    version: int = Field(ge=1, le=2**31 - 1)
    region: Region | None = None
    icd10: Icd10Codes | None = None
    started_on: ClinicalDate | None = None
    ended_on: ClinicalDate | None = None
    status: EpisodeStatus | None = None

    @field_validator("region", "icd10", "started_on", "status")
    @classmethod
    def _required(cls, value: object, info: ValidationInfo) -> object:
        return _refuse_null(value, info)


class PlanCreate(_Input):
    components: Components = Field(description="Treatments planned alongside dry needling.")
    frequency: ShortText | None = Field(default=None, description="e.g. 'twice a week, 6 weeks'")
    goals: LongText | None = None


class PlanPublic(_Public):
    id: int
    version: int
    episode_id: int
    components: list[CoIntervention]
    frequency: str | None
    goals: str | None


class EpisodePublic(_Public):
    id: int
    version: int
    patient_id: int
    region: Region
    icd10: list[str]
    started_on: date
    ended_on: date | None
    status: EpisodeStatus


# ---- screening and consent -------------------------------------------------------------


class ScreeningCreate(_Input):
    findings: Findings = Field(description="Contraindication and precaution codes; [] = none.")
    override_reason: LongText | None = Field(
        default=None,
        description="Why needling goes ahead despite an absolute contraindication.",
    )


class ScreeningPublic(_Public):
    id: int
    version: int
    episode_id: int
    findings: list[Finding]
    result: ScreeningResult
    precautions: list[Finding] = Field(description="Relative findings, shown at every session.")
    override_reason: str | None
    created_at: UtcDatetime | None = None


class ConsentCreate(_Input):
    signed_on: ClinicalDate
    signed_by: Signer = Field(description="Who signed: the patient or their representative.")
    form_version: FormVersion


class ConsentForm(BaseModel):
    """What the consent form shows for this clinic's state."""

    state: str
    written_required: bool
    disclosure: str


class ConsentPublic(_Public):
    id: int
    version: int
    episode_id: int
    signed_on: date
    signed_by: str
    form_version: str
    written_required: bool = Field(description="The clinic's state requires written consent.")
    disclosure: str | None = Field(description="The text the consent form carried.")


# ---- sessions and adverse events ---------------------------------------------------------


class MuscleNeedled(_Input):
    muscle: Muscle
    side: Side
    needles: int = Field(ge=1, le=100, description="Needles used in this muscle.")
    twitch: bool = Field(description="A local twitch response was seen.")


class MusclePublic(_Public):
    muscle: Muscle
    side: Side
    needles: int
    twitch: bool


class SessionCreate(_Input):
    performed_on: ClinicalDate
    practitioner_npi: Npi = Field(description="The needler; eligible in the clinic's state.")
    muscles: list[MuscleNeedled] = Field(min_length=1, max_length=40)
    technique: Technique
    pain_before: Pain
    pain_after: Pain
    co_interventions: CoInterventions = Field(default_factory=list)
    notes: LongText | None = None


class AdverseEventCreate(_Input):
    type: AdverseEventType
    severity: Severity
    onset_on: ClinicalDate
    description: LongText | None = Field(
        default=None, validate_default=True, description="Required when type is `other`."
    )
    resolved: bool = False
    duration: ShortText | None = Field(default=None, description="e.g. '2 days'")
    action_taken: LongText | None = None

    @field_validator("description")
    @classmethod
    def _described_when_other(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("type") is AdverseEventType.OTHER and not (value or "").strip():
            raise ValueError("describe an adverse event of type 'other'")
        return value


class AdverseEventReview(_Input):
    """A clinician's review of a side effect the patient reported: what was found and
    done, and the type, severity and course as the clinician judges them."""

    version: int = Field(ge=1, le=2**31 - 1, description="The version you read.")
    action_taken: Annotated[LongText, StringConstraints(min_length=3)] = Field(
        description="What was found and done: e.g. called the patient, examined the site."
    )
    type: AdverseEventType | None = None
    severity: Severity | None = None
    resolved: bool | None = None
    duration: ShortText | None = None


class AdverseEventPublic(_Public):
    id: int
    version: int
    session_id: int
    type: AdverseEventType
    severity: Severity
    onset_on: date
    duration: str | None
    action_taken: str | None
    description: str | None
    resolved: bool
    reportable: bool = Field(description="The clinic's state requires reporting it to the board.")
    report_deadline_days: int | None = Field(description="Days allowed for that report.")
    reported_by: Literal["clinic", "patient"] = Field(
        default="clinic", description="Recorded by the clinic, or reported by the patient."
    )
    review_status: Literal["reviewed", "awaiting_review"] = Field(
        default="reviewed", description="A patient's report awaits a clinician's review."
    )
    reviewed_at: UtcDatetime | None = None


class SessionPublic(_Public):
    id: int
    version: int
    episode_id: int
    performed_on: date
    practitioner_npi: str
    practitioner_name: str | None = Field(
        default=None,
        description="The needler's name as the practitioner directory writes it "
        "(e.g. 'Maya R. Campbell, PT, DPT'); null when the NPI is not in the directory.",
    )
    muscles: list[MusclePublic]
    technique: Technique
    pain_before: int | None
    pain_after: int | None
    co_interventions: list[CoIntervention]
    notes: str | None
    cpt_code: str = Field(description="20560 (1-2 distinct muscles) or 20561 (3 or more).")
    precautions: list[Finding] = Field(description="From the episode's screening.")
    adverse_events: list[AdverseEventPublic] = Field(default_factory=list)


# ---- the chart ---------------------------------------------------------------------------


class EpisodeChart(EpisodePublic):
    plan: PlanPublic | None = None
    screenings: list[ScreeningPublic] = Field(default_factory=list)
    consents: list[ConsentPublic] = Field(default_factory=list)
    sessions: list[SessionPublic] = Field(default_factory=list)
    needling_refusal: str | None = Field(
        default=None,
        description="Why a needling session would be refused now; null when it may be recorded.",
    )


class PatientChart(PatientPublic):
    """A patient with every episode and what was recorded in it."""

    episodes: list[EpisodeChart] = Field(default_factory=list)


class Revision(_Public):
    version: int
    changed_by: int | None
    changed_at: UtcDatetime
    changes: dict[str, Any] = Field(description="field -> [old, new]")
