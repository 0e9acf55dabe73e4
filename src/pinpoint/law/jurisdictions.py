"""USPS jurisdiction codes, names and their place on the tile-grid map."""

from __future__ import annotations

from typing import NamedTuple

from pinpoint.errors import InvalidInput


class Jurisdiction(NamedTuple):
    code: str
    name: str
    tile: tuple[int, int] | None  # (row, column) on the tile map; None = not drawn


_JURISDICTIONS: tuple[Jurisdiction, ...] = (
    Jurisdiction("AK", "Alaska", (0, 0)),
    Jurisdiction("ME", "Maine", (0, 10)),
    Jurisdiction("VT", "Vermont", (1, 9)),
    Jurisdiction("NH", "New Hampshire", (1, 10)),
    Jurisdiction("WA", "Washington", (2, 0)),
    Jurisdiction("ID", "Idaho", (2, 1)),
    Jurisdiction("MT", "Montana", (2, 2)),
    Jurisdiction("ND", "North Dakota", (2, 3)),
    Jurisdiction("MN", "Minnesota", (2, 4)),
    Jurisdiction("IL", "Illinois", (2, 5)),
    Jurisdiction("WI", "Wisconsin", (2, 6)),
    Jurisdiction("MI", "Michigan", (2, 7)),
    Jurisdiction("NY", "New York", (2, 8)),
    Jurisdiction("RI", "Rhode Island", (2, 9)),
    Jurisdiction("MA", "Massachusetts", (2, 10)),
    Jurisdiction("OR", "Oregon", (3, 0)),
    Jurisdiction("NV", "Nevada", (3, 1)),
    Jurisdiction("WY", "Wyoming", (3, 2)),
    Jurisdiction("SD", "South Dakota", (3, 3)),
    Jurisdiction("IA", "Iowa", (3, 4)),
    Jurisdiction("IN", "Indiana", (3, 5)),
    Jurisdiction("OH", "Ohio", (3, 6)),
    Jurisdiction("PA", "Pennsylvania", (3, 7)),
    Jurisdiction("NJ", "New Jersey", (3, 8)),
    Jurisdiction("CT", "Connecticut", (3, 9)),
    Jurisdiction("CA", "California", (4, 0)),
    Jurisdiction("UT", "Utah", (4, 1)),
    Jurisdiction("CO", "Colorado", (4, 2)),
    Jurisdiction("NE", "Nebraska", (4, 3)),
    Jurisdiction("MO", "Missouri", (4, 4)),
    Jurisdiction("KY", "Kentucky", (4, 5)),
    Jurisdiction("WV", "West Virginia", (4, 6)),
    Jurisdiction("VA", "Virginia", (4, 7)),
    Jurisdiction("MD", "Maryland", (4, 8)),
    Jurisdiction("DE", "Delaware", (4, 9)),
    Jurisdiction("AZ", "Arizona", (5, 1)),
    Jurisdiction("NM", "New Mexico", (5, 2)),
    Jurisdiction("KS", "Kansas", (5, 3)),
    Jurisdiction("AR", "Arkansas", (5, 4)),
    Jurisdiction("TN", "Tennessee", (5, 5)),
    Jurisdiction("NC", "North Carolina", (5, 6)),
    Jurisdiction("SC", "South Carolina", (5, 7)),
    Jurisdiction("DC", "District of Columbia", (5, 8)),
    Jurisdiction("OK", "Oklahoma", (6, 3)),
    Jurisdiction("LA", "Louisiana", (6, 4)),
    Jurisdiction("MS", "Mississippi", (6, 5)),
    Jurisdiction("AL", "Alabama", (6, 6)),
    Jurisdiction("GA", "Georgia", (6, 7)),
    Jurisdiction("HI", "Hawaii", (7, 0)),
    Jurisdiction("TX", "Texas", (7, 3)),
    Jurisdiction("FL", "Florida", (7, 8)),
    Jurisdiction("PR", "Puerto Rico", None),
)

BY_CODE: dict[str, Jurisdiction] = {j.code: j for j in _JURISDICTIONS}
ALL_CODES: tuple[str, ...] = tuple(sorted(BY_CODE))
MAPPED_CODES: tuple[str, ...] = tuple(sorted(j.code for j in _JURISDICTIONS if j.tile))


def parse_jurisdiction(text: str, *, field: str = "state") -> Jurisdiction:
    """Return the jurisdiction for a USPS code (any case), or raise InvalidInput."""
    code = text.strip().upper()
    found = BY_CODE.get(code)
    if found is None:
        raise InvalidInput(
            f"unknown jurisdiction {text!r}: use a USPS code such as CO, NY or DC", field=field
        )
    return found
