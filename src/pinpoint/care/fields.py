"""Constrained field types of the clinical input shapes (``care.schemas``).

Text fields refuse control characters (and NUL, which PostgreSQL cannot store), dates
must be plausible, and code lists validate as a whole so a 422 names the list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from pinpoint.care.codes import CoIntervention, Finding, Sex
from pinpoint.care.icd10 import parse_icd10_codes
from pinpoint.errors import InvalidInput
from pinpoint.inputs import has_bidi_controls

EARLIEST = date(1900, 1, 1)
E = TypeVar("E", bound=StrEnum)

# ---- field types ---------------------------------------------------------------------

_LINE = r"^[^\x00-\x1f\x7f]+$"  # one line of text: no control characters
_TEXT = r"^[^\x00]*$"  # free text: anything but NUL (PostgreSQL refuses it)


def _no_bidi(text: str) -> str:
    """Refuse the invisible direction controls that can disguise a name (``inputs``)."""
    if has_bidi_controls(text):
        raise ValueError(
            "contains an invisible text-direction character (such as U+202E), which can "
            "disguise what is written"
        )
    return text


_PLAIN = AfterValidator(_no_bidi)
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=_LINE),
    _PLAIN,
]
Signer = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_LINE),
    _PLAIN,
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=200, pattern=_TEXT), _PLAIN
]
LongText = Annotated[str, StringConstraints(max_length=5000, pattern=_TEXT), _PLAIN]
Mrn = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=_LINE),
    _PLAIN,
]
FormVersion = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=_LINE),
    _PLAIN,
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^[0-9+()./ x-]{3,40}$")
]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$"),
    _PLAIN,
]
Npi = Annotated[str, StringConstraints(pattern=r"^[0-9]{10}$")]
Pain = Annotated[int, Field(ge=0, le=10, description="0 no pain … 10 worst imaginable.")]


def _recent(day: date) -> date:
    """A clinical date: from 1900 up to tomorrow (time zones differ; the future does not)."""
    if day < EARLIEST:
        raise ValueError(f"date before {EARLIEST.isoformat()} is not plausible")
    if day > date.today() + timedelta(days=1):
        raise ValueError("date is in the future")
    return day


def _born(day: date) -> date:
    if day < EARLIEST or day > date.today():
        raise ValueError(f"birth date must be between {EARLIEST.isoformat()} and today")
    return day


def as_utc(moment: datetime) -> datetime:
    """Stored times are UTC; SQLite hands them back without the zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


ClinicalDate = Annotated[date, AfterValidator(_recent)]
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
BirthDate = Annotated[date, AfterValidator(_born)]

_SEX_ALIASES = {"f": "female", "m": "male", "o": "other", "u": "unknown"}


def _sex(value: object) -> object:
    if isinstance(value, str):
        text = value.strip().lower()
        return _SEX_ALIASES.get(text, text)
    return value


SexCode = Annotated[Sex, BeforeValidator(_sex)]


def _codes_of(enum: type[E]) -> Callable[[list[str]], list[E]]:
    """A validator of a list of codes from ``enum``; an unknown code fails the whole list.

    (So the 422 names the list, ``findings``, not an index.) Duplicates are dropped.
    """
    allowed = ", ".join(e.value for e in enum)

    def check(values: list[str]) -> list[E]:
        codes: list[E] = []
        for value in values:
            try:
                code = enum(value)
            except ValueError:
                raise ValueError(f"unknown code {value!r}; use one of: {allowed}") from None
            if code not in codes:
                codes.append(code)
        return codes

    return check


def _code_schema(enum: type[StrEnum], min_items: int = 0) -> WithJsonSchema:
    schema: dict[str, Any] = {
        "type": "array",
        "items": {"type": "string", "enum": [e.value for e in enum]},
        "maxItems": len(enum),
    }
    if min_items:
        schema["minItems"] = min_items
    return WithJsonSchema(schema)


def _icd10(values: list[str]) -> list[str]:
    try:
        return parse_icd10_codes(values)
    except InvalidInput as exc:
        raise ValueError(exc.message) from None


Icd10Codes = Annotated[
    list[str],
    Field(min_length=1, max_length=12),
    AfterValidator(_icd10),
    WithJsonSchema(
        {
            "type": "array",
            "minItems": 1,
            "maxItems": 12,
            "items": {
                "type": "string",
                "pattern": r"^[A-Za-z][0-9][0-9A-Za-z](\.?[0-9A-Za-z]{1,4})?$",
            },
            "description": "Billable ICD-10-CM codes (leaves, e.g. M54.50; never a header "
            "such as M54.5); the dot is optional on input and always present on output.",
        }
    ),
]
Findings = Annotated[
    list[str],
    Field(max_length=len(Finding)),
    AfterValidator(_codes_of(Finding)),
    _code_schema(Finding),
]
CoInterventions = Annotated[
    list[str],
    Field(max_length=len(CoIntervention)),
    AfterValidator(_codes_of(CoIntervention)),
    _code_schema(CoIntervention),
]
Components = Annotated[
    list[str],
    Field(min_length=1, max_length=len(CoIntervention)),
    AfterValidator(_codes_of(CoIntervention)),
    _code_schema(CoIntervention, min_items=1),
]
