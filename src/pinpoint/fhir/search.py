"""Parsing FHIR search parameters into checked values (pure). Errors name the parameter."""

from __future__ import annotations

import math

from pinpoint.errors import InvalidInput
from pinpoint.fhir import systems as s
from pinpoint.fhir.directory import PROFESSION_SYSTEM
from pinpoint.law.vocabulary import Profession

DEFAULT_DISTANCE_MILES = 25.0
MILES_PER_KM = 0.621371192237334
_UNITS = {"mi": 1.0, "[mi_i]": 1.0, "km": MILES_PER_KM}
DEFAULT_COUNT = 50
MAX_COUNT = 500
NEAR = "location.near"


def parse_near(value: str) -> tuple[float, float, float]:
    """``LAT|LON[|DIST[|UNIT]]`` -> (latitude, longitude, radius in miles).

    Units: ``mi`` or ``[mi_i]`` (miles, the default) or ``km``; the distance defaults to
    25 miles, like ``pinpoint find``.
    """
    parts = value.split("|")
    if not 2 <= len(parts) <= 4:
        raise InvalidInput(
            f"{NEAR} must be LAT|LON|DISTANCE|UNIT (e.g. 39.74|-104.99|10|mi), got {value!r}",
            field=NEAR,
        )
    lat = _number(parts[0], "latitude")
    lon = _number(parts[1], "longitude")
    distance = _number(parts[2], "distance") if len(parts) > 2 and parts[2] else None
    unit = parts[3] if len(parts) > 3 and parts[3] else "mi"
    if unit not in _UNITS:
        raise InvalidInput(f"{NEAR}: unit must be mi, [mi_i] or km, got {unit!r}", field=NEAR)
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:
        raise InvalidInput(
            f"{NEAR}: latitude must be within ±90 and longitude within ±180", field=NEAR
        )
    miles = DEFAULT_DISTANCE_MILES if distance is None else distance * _UNITS[unit]
    return lat, lon, miles


def _number(text: str, what: str) -> float:
    try:
        if not text.isascii():
            raise ValueError(text)
        number = float(text)
    except ValueError:
        raise InvalidInput(f"{NEAR}: {what} must be a number, got {text!r}", field=NEAR) from None
    if not math.isfinite(number):
        raise InvalidInput(f"{NEAR}: {what} must be a finite number", field=NEAR)
    return number


_BY_NUCC = {code: Profession(p) for p, (code, _display) in s.PROFESSION_NUCC.items()}


def parse_specialty(values: list[str] | None) -> list[Profession]:
    """``specialty`` tokens (comma-separated or repeated) -> professions.

    A token is a profession's NUCC classification code (``225100000X`` physical therapist,
    ``111N00000X`` chiropractor, ``2255A2300X`` athletic trainer, ``171100000X``
    acupuncturist), with or without ``http://nucc.org/provider-taxonomy|``, or Pinpoint's
    profession code (``physician``, ...) with or without its system.
    """
    found: list[Profession] = []
    for raw in values or []:
        for token in raw.split(","):
            profession = _specialty(token.strip())
            if profession not in found:
                found.append(profession)
    return found


def _specialty(token: str) -> Profession:
    system, _, code = token.rpartition("|")
    if system in ("", s.NUCC) and code in _BY_NUCC:
        return _BY_NUCC[code]
    if system in ("", PROFESSION_SYSTEM) and code in Profession.__members__.values():
        return Profession(code)
    raise InvalidInput(
        f"specialty {token!r} is not supported: use a NUCC classification code "
        f"({', '.join(sorted(_BY_NUCC))}) or {PROFESSION_SYSTEM}|"
        f"{{{','.join(p.value for p in Profession)}}}",
        field="specialty",
    )


def parse_count(value: int | None, offset: int | None) -> tuple[int, int]:
    count = DEFAULT_COUNT if value is None else value
    start = 0 if offset is None else offset
    if not 1 <= count <= MAX_COUNT:
        raise InvalidInput(f"_count must be between 1 and {MAX_COUNT}", field="_count")
    if start < 0:
        raise InvalidInput("_offset must not be negative", field="_offset")
    return count, start


def parse_npi_token(value: str) -> str:
    """``identifier=http://hl7.org/fhir/sid/us-npi|NPI`` (or a bare NPI) -> the NPI text."""
    system, bar, code = value.rpartition("|")
    if bar and system != s.NPI:
        raise InvalidInput(
            f"identifier system must be {s.NPI} (NPI), got {system!r}", field="identifier"
        )
    return code
