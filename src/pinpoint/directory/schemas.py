"""Public shapes of directory answers (CLI ``--json``, the HTTP API and pages share them)."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from pinpoint.directory.schemas_filings import FilingKind
from pinpoint.law.eligibility import Verdict
from pinpoint.law.schemas import LawStatus
from pinpoint.law.vocabulary import Profession


class _Public(BaseModel):
    model_config = ConfigDict(frozen=True)


_M = TypeVar("_M", bound=BaseModel)
_set_attribute = object.__setattr__


def construct_trusted(cls: type[_M], values: dict[str, Any]) -> _M:
    """``cls.model_construct(**values)`` for trusted values naming every field, ~10x faster.

    Search builds dozens of hits per request from values it already checked; pydantic's
    ``model_construct`` spends most of its time re-walking the fields. The instance is the
    same (``__dict__``, fields set, no extra or private state), so dumping and comparing
    behave identically.
    """
    instance = cls.__new__(cls)
    _set_attribute(instance, "__dict__", values)
    _set_attribute(instance, "__pydantic_fields_set__", set(values))
    _set_attribute(instance, "__pydantic_extra__", None)
    _set_attribute(instance, "__pydantic_private__", None)
    return instance


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
    name: str = Field(description='As people write it: "Maya R. Campbell, PT, DPT".')
    profession: Profession
    taxonomy: str
    address_line: str | None = Field(None, description="Practice address (street), from NPPES.")
    phone: str | None = Field(None, description="Practice phone, e.g. (303) 555-0100.")
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


class FilingPublic(_Public):
    state: str
    kind: FilingKind
    filed_on: date
    expires_on: date | None = Field(description="Its last day in force, if it lapses.")
    reference: str | None = Field(description="The board's reference number, if recorded.")
    in_force: bool = Field(description="In force on the day the verdict applies to.")


class PractitionerPublic(_Public):
    npi: str
    name: str = Field(description='As people write it: "Maya R. Campbell, PT, DPT".')
    credential: str | None = Field(description="The NPPES credential text, as filed.")
    profession: Profession
    taxonomy: str
    address_line: str | None
    phone: str | None = Field(description="Practice phone, e.g. (303) 555-0100.")
    city: str | None
    state: str | None
    zip: str | None
    active: bool
    synthetic: bool = Field(description="True for demo records that are not real people.")
    eligibility: EligibilityPublic
    licenses: list[LicensePublic]
    training: list[TrainingPublic]
    filings: list[FilingPublic] = Field(
        description="Filings with state boards (registration, endorsement, attestation...)."
    )
    law: LawStatus | None = Field(description="The law answer the verdict relied on.")
