"""Input and output shapes of training credentials (API, CLI and roster import)."""

from __future__ import annotations

from datetime import date
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pinpoint.directory.npi import is_valid_npi
from pinpoint.inputs import has_bidi_controls


class CredentialCreate(BaseModel):
    """A completed dry needling course, as a course provider or an operator reports it."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    npi: str = Field(description="10-digit NPI of the practitioner (check digit verified).")
    provider: str = Field(min_length=1, max_length=200, description="Course provider.")
    course: str = Field(min_length=1, max_length=200, description="Course title.")
    hours: float = Field(gt=0, le=2000, description="Total training hours.")
    in_person_hours: float | None = Field(default=None, ge=0, le=2000)
    completed_on: date
    certificate_id: str = Field(min_length=1, max_length=100)
    licensed_since: date | None = Field(default=None, description="First licensed (if known).")
    supervised_sessions: int | None = Field(default=None, ge=0, le=100_000)

    @field_validator("npi")
    @classmethod
    def _npi_has_check_digit(cls, value: str) -> str:
        if not is_valid_npi(value):
            raise ValueError("not a valid NPI (10 digits with a correct check digit)")
        return value

    @field_validator("provider", "course", "certificate_id")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        if has_bidi_controls(value) or any(ord(c) < 32 for c in value):
            raise ValueError("contains control or invisible text-direction characters")
        return value

    @model_validator(mode="after")
    def _in_person_within_total(self) -> Self:
        if self.in_person_hours is not None and self.in_person_hours > self.hours:
            raise ValueError("in_person_hours exceeds hours")
        return self


class CredentialPublic(CredentialCreate):
    id: int


class RejectedRow(BaseModel):
    row: int = Field(description="Line number in the file (the header is line 1).")
    reason: str


class CredentialSummary(BaseModel):
    """What one roster import did; rejected rows are listed with their line number."""

    source: str
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = Field(default_factory=list)
    seconds: float = 0.0
