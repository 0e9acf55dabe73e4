"""Public shapes of directory answers (CLI ``--json``, the HTTP API and pages share them)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from pinpoint.law.eligibility import Verdict
from pinpoint.law.schemas import LawStatus
from pinpoint.law.vocabulary import Profession


class _Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class EligibilityPublic(_Public):
    verdict: Verdict = Field(
        description="eligible, not_eligible, law_silent or training_unknown (SPEC 'Directory')."
    )
    reasons: list[str] = Field(description="Why, in plain words; names any missing fact.")


class SearchQuery(_Public):
    zip: str
    radius_miles: float
    professions: list[Profession] = Field(description="Empty means every profession.")
    eligible_only: bool
    limit: int
    offset: int
    on: date = Field(description="The date whose law the verdicts apply.")


class SearchHit(_Public):
    npi: str
    name: str
    profession: Profession
    taxonomy: str
    city: str | None
    state: str | None
    zip: str | None
    distance_miles: float = Field(description="Great-circle miles between ZIP centroids, 2 dp.")
    eligibility: EligibilityPublic


class SearchResults(_Public):
    query: SearchQuery
    total: int = Field(description="Every match within the radius, after filters, before paging.")
    results: list[SearchHit]


class LicensePublic(_Public):
    taxonomy: str
    number: str
    state: str | None
    primary: bool


class TrainingPublic(_Public):
    provider: str
    course: str
    hours: float
    in_person_hours: float | None
    completed_on: date
    certificate_id: str
    licensed_since: date | None
    supervised_sessions: int | None


class PractitionerPublic(_Public):
    npi: str
    name: str
    credential: str | None
    profession: Profession
    taxonomy: str
    address_line: str | None
    city: str | None
    state: str | None
    zip: str | None
    active: bool
    synthetic: bool = Field(description="True for demo records that are not real people.")
    eligibility: EligibilityPublic
    licenses: list[LicensePublic]
    training: list[TrainingPublic]
    law: LawStatus | None = Field(description="The law answer the verdict relied on.")
