"""Distance on the Earth and ZIP code centroids: pure functions, no I/O beyond the ZIP table.

Distances are great-circle (haversine) on a sphere of radius 3958.8 miles, as SPEC says.
A spatial index works on 3-D unit vectors, where the straight-line (chord) distance grows
with the great-circle distance, so "nearest by chord" is "nearest on the sphere".
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from pinpoint.errors import InvalidInput

EARTH_RADIUS_MILES = 3958.8

FloatArray = npt.NDArray[np.float64]

_ZIP5 = re.compile(r"[0-9]{5}")  # ASCII digits only: r"\d" also matches "١٢٣٤٥"


class LatLon(NamedTuple):
    latitude: float
    longitude: float


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles between two points given in degrees."""
    return float(haversine_miles_many(lat1, lon1, np.array([lat2]), np.array([lon2]))[0])


def haversine_miles_many(lat: float, lon: float, lats: FloatArray, lons: FloatArray) -> FloatArray:
    """Distances in miles from one point to many (degrees), vectorised."""
    phi = np.radians(lats)
    return haversine_miles_radians(
        math.radians(lat), math.radians(lon), phi, np.radians(lons), np.cos(phi)
    )


def haversine_miles_radians(
    phi1: float, lam1: float, phi2: FloatArray, lam2: FloatArray, cos_phi2: FloatArray
) -> FloatArray:
    """The haversine: the one distance formula every path in Pinpoint measures by.

    Points are in radians, with the cosines of ``phi2`` given (an index keeps its points'
    radians and cosines so a query does the least work); :func:`haversine_miles` and
    :func:`haversine_miles_many` call this, so every search path agrees to the bit.
    """
    a = np.sin((phi2 - phi1) * 0.5)
    b = np.sin((lam2 - lam1) * 0.5)
    h = a * a + (math.cos(phi1) * cos_phi2) * (b * b)
    result: FloatArray = np.asarray(
        (2 * EARTH_RADIUS_MILES) * np.arcsin(np.sqrt(np.minimum(h, 1.0))), dtype=np.float64
    )
    return result


class Box(NamedTuple):
    """Latitude and longitude ranges in degrees; ``lons`` holds one range, or two where the
    box crosses the 180th meridian."""

    south: float
    north: float
    lons: tuple[tuple[float, float], ...]


# Relative and absolute slack on the box's edges: a box a hair too large costs nothing (the
# haversine decides), one a hair too small would lose a practitioner on the circle.
_BOX_SLACK = 1e-9


def bounding_box(lat: float, lon: float, miles: float) -> Box:
    """The latitude/longitude box that holds every point within ``miles`` of (lat, lon).

    The north-south reach is the circle's angle; the east-west reach at the widest is
    ``asin(sin(angle) / cos(lat))``. A circle that reaches a pole takes every longitude, and
    one that crosses the 180th meridian gets a second longitude range on the other side.
    """
    angle = min(math.pi, miles / EARTH_RADIUS_MILES) * (1 + _BOX_SLACK) + _BOX_SLACK
    reach = math.degrees(angle)
    south, north = lat - reach, lat + reach
    every: tuple[tuple[float, float], ...] = ((-180.0, 180.0),)
    if south <= -90.0 or north >= 90.0:
        return Box(max(south, -90.0), min(north, 90.0), every)
    ratio = math.sin(angle) / math.cos(math.radians(lat))
    if ratio >= 1.0:
        return Box(south, north, every)
    wide = math.degrees(math.asin(ratio)) * (1 + _BOX_SLACK) + _BOX_SLACK
    west, east = lon - wide, lon + wide
    if west < -180.0:
        return Box(south, north, ((-180.0, east), (west + 360.0, 180.0)))
    if east > 180.0:
        return Box(south, north, ((west, 180.0), (-180.0, east - 360.0)))
    return Box(south, north, ((west, east),))


def unit_vectors(lats: FloatArray, lons: FloatArray) -> FloatArray:
    """Points on the unit sphere (n x 3) for latitudes and longitudes in degrees."""
    phi, lam = np.radians(lats), np.radians(lons)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def unit_vector(lat: float, lon: float) -> FloatArray:
    phi, lam = math.radians(lat), math.radians(lon)
    cos_phi = math.cos(phi)
    return np.array((cos_phi * math.cos(lam), cos_phi * math.sin(lam), math.sin(phi)))


def chord_for_miles(miles: float) -> float:
    """The chord length on the unit sphere for a great-circle distance in miles."""
    return 2.0 * math.sin(min(math.pi, miles / EARTH_RADIUS_MILES) / 2.0)


def miles_for_chord(chord: float) -> float:
    return 2.0 * EARTH_RADIUS_MILES * math.asin(min(1.0, chord / 2.0))


@cache
def _centroids() -> dict[str, LatLon]:
    """Every ZIP code's centroid, from the cached table the NPPES import geocodes with (the
    codes the ZIP source places at 0, 0 are not in it: see :mod:`zip_table`)."""
    from pinpoint.directory.zip_table import zip_centroids

    return {z: LatLon(lat, lon) for z, lat, lon in zip_centroids().iter_rows()}


@cache
def _states() -> dict[str, str]:
    """The USPS state or territory code of every ZIP code, loaded once."""
    import zipcodes

    return {
        entry["zip_code"]: str(entry["state"])
        for entry in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if entry.get("zip_code") and entry.get("state")
    }


def state_for_zip(text: str, *, field: str = "zip") -> str:
    """The jurisdiction whose law applies at a ZIP code, or InvalidInput naming the field."""
    from pinpoint.law.jurisdictions import BY_CODE

    try:
        code = parse_zip(text, field=field)
    except InvalidInput:
        raise InvalidInput(
            f"{str(text).strip()!r} is not a ZIP code: enter 5 digits, for example 80202.",
            field=field,
        ) from None
    state = _states().get(code)
    if state is None:
        raise InvalidInput(f"ZIP code {code} is not a US ZIP code in use.", field=field)
    if state not in BY_CODE:
        raise InvalidInput(
            f"ZIP code {code} is in {state}, which Pinpoint does not cover yet.", field=field
        )
    return state


def preload() -> int:
    """Load the ZIP table now (about a second) rather than on the first lookup; its size."""
    return len(_centroids())


def parse_zip(text: str, *, field: str = "zip") -> str:
    """A 5-digit ZIP code (ZIP+4 is cut to 5 digits), or InvalidInput naming the field."""
    value = str(text).strip()
    if len(value) == 10 and value[5] == "-":
        value = value[:5]
    if not _ZIP5.fullmatch(value):
        raise InvalidInput(f"ZIP code must be 5 digits, got {text!r}", field=field)
    return value


def zip_centroid(text: str, *, field: str = "zip") -> LatLon:
    """The centroid of a ZIP code, or InvalidInput if it is malformed, unknown or has no
    known centroid."""
    code = parse_zip(text, field=field)
    point = _centroids().get(code)
    if point is None and code not in _states():
        raise InvalidInput(f"unknown ZIP code {code}", field=field)
    if point is None:
        raise InvalidInput(
            f"ZIP code {code} has no known centroid (a military or PO box code, say), so no "
            "distance can be measured from it: use the ZIP code of a street address nearby",
            field=field,
        )
    return point


def known_zip_codes() -> list[str]:
    """All ZIP codes with a known centroid, sorted (for demo data and benchmarks)."""
    return sorted(_centroids())
