"""The shape of the law data files (``data/jurisdictions/XX.toml`` and operator overlays).

Each file holds two lists. ``claims`` says what each source claimed, one entry per
source and legal event, transcribed without judgement. ``records`` is the curated
answer: for one profession and one period, the status in force, its legal basis and
requirements, and the claims it rests on. Unknown fields are refused, and every
record must rest on at least one claim, so nothing is shown without a source.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from pinpoint.law.dates import PartialDate
from pinpoint.law.vocabulary import Basis, Profession, Status


def _partial(value: object) -> object:
    return PartialDate.parse(value) if isinstance(value, str) else value


PartialDateField = Annotated[PartialDate, BeforeValidator(_partial)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceData(_Strict):
    title: str = Field(min_length=3)
    url: str | None = None
    published: PartialDateField | None = None
    accessed: PartialDateField | None = Field(
        default=None, description="when an undated source was read; never a publication date"
    )
    tier: int = Field(
        ge=1,
        le=5,
        description="1 official text, 2 professional secondary, 3 opponents, "
        "4 consumer articles, 5 weak copies",
    )


class RequirementFigures(_Strict):
    """The duties a source may state and a record may show, each one optional."""

    min_training_hours: float | None = Field(default=None, ge=0)
    min_in_person_hours: float | None = Field(default=None, ge=0)
    min_years_licensed: float | None = Field(default=None, ge=0)
    min_supervised_sessions: int | None = Field(default=None, ge=0)
    written_consent: bool | None = None
    registration_required: bool | None = None
    course_approval_required: bool | None = None
    written_referral: bool | None = None
    adverse_event_reporting: bool | None = None
    adverse_event_deadline_days: int | None = Field(default=None, ge=0)
    may_delegate: bool | None = None


REQUIREMENT_FIELDS: tuple[str, ...] = tuple(RequirementFigures.model_fields)


class ClaimData(RequirementFigures):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    profession: Profession
    status: Status
    basis: Basis | None = None
    decided_on: PartialDateField | None = None
    as_of: PartialDateField | None = Field(
        default=None, description="estimated date of an undated source's claim"
    )
    citation: str | None = None
    who_may_needle: str | None = None
    source: SourceData


class RequirementsData(RequirementFigures):
    filing: str | None = Field(
        default=None,
        description="what is filed with the board before needling, when registration_required",
    )
    notes: str | None = None


class RecordData(_Strict):
    profession: Profession
    valid_from: PartialDateField
    valid_until: PartialDateField | None = None
    since: PartialDateField | None = None
    since_unknown: bool = False
    status: Status
    basis: Basis | None = None
    citation: str | None = None
    who_may_needle: str | None = None
    summary: str = Field(min_length=10)
    sources: list[str] = Field(min_length=1)
    requirement_sources: list[str] = Field(default_factory=list)
    choice_note: str | None = None
    requirements: RequirementsData = Field(default_factory=RequirementsData)

    @model_validator(mode="after")
    def _period_is_ordered(self) -> RecordData:
        if self.valid_until is not None and self.valid_until.start <= self.valid_from.start:
            raise ValueError("valid_until must be after valid_from")
        if self.since is not None and self.since.start > self.valid_from.start:
            raise ValueError("since cannot be after valid_from")
        return self


class JurisdictionFile(_Strict):
    jurisdiction: str = Field(pattern=r"^[A-Z]{2}$")
    reviewed_on: PartialDateField = Field(
        description="when the file's sources were last checked against the law"
    )
    claims: list[ClaimData] = Field(min_length=1)
    records: list[RecordData] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_resolve(self) -> JurisdictionFile:
        ids = [claim.id for claim in self.claims]
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            raise ValueError(f"duplicate claim ids: {sorted(duplicates)}")
        known = set(ids)
        for number, record in enumerate(self.records, start=1):
            missing = [c for c in [*record.sources, *record.requirement_sources] if c not in known]
            if missing:
                raise ValueError(
                    f"record {number} ({record.profession} from {record.valid_from}) "
                    f"cites unknown claims: {missing}"
                )
        return self
