"""Dates as sources give them: a year, a month or a day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pinpoint.errors import InvalidInput

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a year, month or day; ``start`` is its first day."""

    start: date
    precision: Precision

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        match = _PARTIAL.match(text)
        if match is None:
            raise ValueError(f"not a YYYY, YYYY-MM or YYYY-MM-DD date: {text!r}")
        year, month, day = match.groups()
        precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
        return cls(date(int(year), int(month or 1), int(day or 1)), precision)

    def __str__(self) -> str:
        iso = self.start.isoformat()
        return {Precision.YEAR: iso[:4], Precision.MONTH: iso[:7], Precision.DAY: iso}[
            self.precision
        ]


def parse_day(text: str, *, field: str = "on") -> date:
    """Parse a user's YYYY-MM-DD date, or raise InvalidInput naming the field."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"invalid date {text!r}: use YYYY-MM-DD", field=field) from None
