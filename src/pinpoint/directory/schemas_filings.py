"""Input and output shapes of board filings (API and CLI)."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from pinpoint.errors import InvalidInput
from pinpoint.law.jurisdictions import parse_jurisdiction

EARLIEST = date(1900, 1, 1)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FilingKind(StrEnum):
    """What was filed with the board; the state's law says which it asks for."""

    REGISTRATION = "registration"
    ENDORSEMENT = "endorsement"
    ATTESTATION = "attestation"
    ACKNOWLEDGEMENT = "acknowledgement"
    PROOF_OF_TRAINING = "proof_of_training"
    COURSE_APPROVAL = "course_approval"
    BOARD_APPROVAL = "board_approval"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


def _iso_day(value: object) -> object:
    """A day written YYYY-MM-DD with the digits 0-9 (no timestamps, no other scripts)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        return value.strip()
    raise ValueError("use a date written YYYY-MM-DD with the digits 0-9")


def _plausible(day: date) -> date:
    if day < EARLIEST:
        raise ValueError(f"date before {EARLIEST.isoformat()} is not plausible")
    return day


Day = Annotated[date, BeforeValidator(_iso_day), AfterValidator(_plausible)]
Reference = Annotated[
    str,
    Field(
        max_length=40,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9 ./#-]*$",
        description="The board's reference or registration number (letters A-Z, digits 0-9, "
        "and space . / # -).",
    ),
]


class FilingCreate(BaseModel):
    """A filing the state's board holds for a practitioner, as an operator records it."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    state: str = Field(max_length=20, description="USPS code of the board's state, e.g. FL.")
    kind: FilingKind
    filed_on: Day = Field(description="The day it was filed (or issued); not in the future.")
    reference: Reference | None = None
    expires_on: Day | None = Field(
        default=None, description="Its last day in force, when it lapses; after filed_on."
    )

    @field_validator("state")
    @classmethod
    def _known_state(cls, value: str) -> str:
        try:
            return parse_jurisdiction(value).code
        except InvalidInput as exc:
            raise ValueError(exc.message) from None

    @field_validator("reference", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("filed_on")
    @classmethod
    def _not_in_the_future(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("a filing cannot be dated in the future")
        return value

    @field_validator("expires_on")
    @classmethod
    def _after_filing(cls, value: date | None, info: ValidationInfo) -> date | None:
        filed = info.data.get("filed_on")
        if value is not None and filed is not None and value <= filed:
            raise ValueError(f"must be after filed_on ({filed.isoformat()})")
        return value


class FilingRecorded(BaseModel):
    """A stored filing, as answered to the operator who recorded it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    npi: str
    state: str
    kind: FilingKind
    filed_on: date
    reference: str | None
    expires_on: date | None
    recorded_by: int | None = Field(
        description="The user who recorded it; null when recorded from the command line."
    )
    recorded_at: datetime = Field(description="When it was recorded (UTC).")
