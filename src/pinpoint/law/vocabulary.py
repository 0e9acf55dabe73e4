"""The closed vocabularies of the law base: professions, statuses, legal bases."""

from __future__ import annotations

from enum import StrEnum

from pinpoint.errors import InvalidInput


class Profession(StrEnum):
    PHYSICAL_THERAPIST = "physical_therapist"
    CHIROPRACTOR = "chiropractor"
    ATHLETIC_TRAINER = "athletic_trainer"
    ACUPUNCTURIST = "acupuncturist"
    PHYSICIAN = "physician"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Status(StrEnum):
    PERMITTED = "permitted"
    PENDING = "pending"
    PROHIBITED = "prohibited"
    SILENT = "silent"
    UNKNOWN = "unknown"


class Basis(StrEnum):
    STATUTE = "statute"
    REGULATION = "regulation"
    BOARD_OPINION = "board_opinion"
    ATTORNEY_GENERAL_OPINION = "attorney_general_opinion"
    COURT = "court"
    NONE = "none"


def parse_profession(text: str, *, field: str = "profession") -> Profession:
    """Return the profession for its spelling in SPEC, or raise InvalidInput naming the choices."""
    try:
        return Profession(text.strip().lower())
    except ValueError:
        choices = ", ".join(p.value for p in Profession)
        raise InvalidInput(
            f"unknown profession {text!r}: choose one of {choices}", field=field
        ) from None
