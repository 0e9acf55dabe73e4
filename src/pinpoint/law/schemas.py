"""Public shapes of law answers (CLI ``--json`` and the HTTP API share them)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from pinpoint.law.dates import Precision
from pinpoint.law.vocabulary import Basis, Profession, Status


class _Public(BaseModel):
    model_config = ConfigDict(frozen=True)


class SourcePublic(_Public):
    title: str
    url: str | None = Field(description="Where the source can be read; null for offline articles.")
    published: date | None = Field(description="Publication date; first day of the month or year.")
    published_precision: Precision | None = Field(description="How precisely `published` is known.")
    accessed: date | None = Field(
        default=None, description="For an undated source, the day Pinpoint read it."
    )
    tier: int = Field(description="1 official text … 5 weak copy; see docs/law-data.md.")


class RequirementsPublic(_Public):
    min_training_hours: float | None = None
    min_in_person_hours: float | None = None
    min_years_licensed: float | None = None
    min_supervised_sessions: int | None = None
    written_consent: bool | None = None
    registration_required: bool | None = None
    course_approval_required: bool | None = None
    written_referral: bool | None = None
    adverse_event_reporting: bool | None = None
    adverse_event_deadline_days: int | None = None
    may_delegate: bool | None = None
    filing: str | None = Field(
        default=None,
        description="What must be filed with the board before needling, when "
        "`registration_required` (an acknowledgement, attestation, proof of training...).",
    )
    notes: str | None = None


class ConflictPublic(_Public):
    field: str = Field(description="What the claim disagrees on: `status` or a requirement figure.")
    claimed: str | float = Field(description="What the other source claimed.")
    chosen: str | float | None = Field(description="What Pinpoint shows instead.")
    as_of: date | None = Field(description="The date the claim speaks to, if it has one.")
    basis: Basis | None
    citation: str | None
    source: SourcePublic
    reason: str = Field(description="Why Pinpoint's answer was preferred, by the written rule.")


class RequirementSourcePublic(_Public):
    field: str = Field(description="The requirement, e.g. `written_consent`.")
    sources: list[SourcePublic] = Field(description="The sources that state it.")


class LawStatus(_Public):
    jurisdiction: str
    jurisdiction_name: str
    profession: Profession
    on: date
    status: Status
    since: date | None = Field(description="When the status took effect, if known.")
    since_precision: Precision | None
    valid_from: date | None = Field(description="First date this answer is vouched for.")
    valid_until: date | None = Field(description="First date it no longer applies, if ended.")
    basis: Basis | None
    citation: str | None
    summary: str
    requirements: RequirementsPublic
    requirement_sources: list[RequirementSourcePublic] = Field(
        default_factory=list, description="For each requirement shown, the sources that state it."
    )
    who_may_needle: str | None = Field(
        default=None, description="Who may needle here, where a source names it."
    )
    sources: list[SourcePublic]
    conflicts: list[ConflictPublic]
    choice_note: str | None = None
    reviewed_on: date | None = Field(
        default=None, description="When this jurisdiction's sources were last checked."
    )
    review_overdue: bool = Field(
        default=False, description="True when that check is more than a year old."
    )


class LawList(_Public):
    on: date
    profession: Profession
    jurisdictions: list[LawStatus]


class Timeline(_Public):
    jurisdiction: str
    jurisdiction_name: str
    profession: Profession
    periods: list[LawStatus]
