"""Input and output shapes of stored assessments and alerts (the API's JSON).

The answers are checked by the instrument's own rules (``scoring``), so a bad answer's
422 names the item (``responses[4]``); the JSON schema still tells clients the shape.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from pinpoint.care.fields import ClinicalDate, LongText, UtcDatetime
from pinpoint.outcomes.schemas import Change, ScoreResult
from pinpoint.outcomes.vocabulary import InstrumentCode

Responses = Annotated[
    list[Any],
    Field(min_length=1, max_length=10),
    WithJsonSchema(
        {
            "type": "array",
            "minItems": 1,
            "maxItems": 10,
            "items": {"type": ["integer", "null"], "minimum": 0, "maximum": 10},
            "description": "Answers in item order; null for an item left unanswered.",
        }
    ),
]
Activities = Annotated[
    list[Any] | None,
    Field(max_length=5),
    WithJsonSchema(
        {
            "type": ["array", "null"],
            "maxItems": 5,
            "items": {"type": "string", "minLength": 1, "maxLength": 100},
            "description": "PSFS only: the activities rated, one per answer.",
        }
    ),
]


class AssessmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument: InstrumentCode = Field(description="nprs, odi, ndi, phq2, phq9 or psfs.")
    responses: Responses
    taken_on: ClinicalDate
    activities: Activities = None


class AssessmentUpdate(BaseModel):
    """A correction of the answers or the date; the score is worked out again."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=2**31 - 1)
    responses: Responses | None = None
    taken_on: ClinicalDate | None = None
    activities: Activities = None


class AlertPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: Literal["phq9_item9"]
    patient_id: int
    episode_id: int
    assessment_id: int | None
    raised_at: UtcDatetime
    resolved_at: UtcDatetime | None
    action: str | None = Field(description="What the clinician did, recorded on resolving.")


class AlertList(BaseModel):
    alerts: list[AlertPublic]


class AlertResolve(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Annotated[LongText, Field(min_length=3)] = Field(
        description="What was done: e.g. called the patient, safety plan, referred to crisis care."
    )


class AssessmentPublic(BaseModel):
    id: int
    episode_id: int
    instrument: InstrumentCode
    taken_on: date
    score: ScoreResult = Field(description="The score object, by the instrument's rule.")
    responses: list[int | None]
    activities: list[str] | None
    source: Literal["clinic", "patient"]
    version: int
    created_at: datetime
    alert: AlertPublic | None = Field(
        default=None, description="The safety alert this assessment raised, if any."
    )
    crisis_resources: str | None = Field(
        default=None, description="Shown at once when a PHQ-9's item 9 is above 0."
    )
    suggested: list[InstrumentCode] = Field(
        default_factory=list, description="Questionnaires to give next (a positive PHQ-2: PHQ-9)."
    )


class AssessmentList(BaseModel):
    assessments: list[AssessmentPublic]
    changes: list[Change] = Field(
        default_factory=list,
        description="Per instrument, from the first scored assessment to the latest, read "
        "against its MCID (guidance from group studies, not a verdict on one patient).",
    )
