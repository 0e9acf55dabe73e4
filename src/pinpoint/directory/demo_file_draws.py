"""Deterministic draws for synthetic NPPES files, and ZIP codes clustered around cities.

Every draw is a hash of ``(seed, row, salt)``, so a row's attributes do not depend on
which batch or file writes it (a weekly file can re-issue rows of a monthly one).
Practice ZIPs are real ZIP codes, 85% of them within 25 miles of one of the 300 largest
cities (weighted by size), the rest anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from pinpoint.directory.geo import haversine_miles_many

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


# --- deterministic randomness -------------------------------------------------------------


def _mix(x: U64) -> U64:
    """splitmix64 finaliser: a well-spread 64-bit hash of each element."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _hash(seed: int, idx: U64, salt: int) -> U64:
    key = np.uint64((seed * 1_000_003 + salt * 7_919) % 2**64)
    return _mix(idx * np.uint64(0x9E3779B97F4A7C15) + key)


def unit(seed: int, idx: U64, salt: int) -> F64:
    return (_hash(seed, idx, salt) >> np.uint64(11)).astype(np.float64) / float(2**53)


def pick(seed: int, idx: U64, salt: int, n: int) -> I64:
    return (_hash(seed, idx, salt) % np.uint64(n)).astype(np.int64)


def between(u: F64, bounds: tuple[float, float]) -> BoolArray:
    return (u >= bounds[0]) & (u < bounds[1])


# --- ZIP codes clustered around cities ------------------------------------------------------


@dataclass(frozen=True)
class Zips:
    zips: list[str]
    cities: list[str]
    states: list[str]
    metro_cum: F64  # cumulative metro weights
    metro_offsets: I64
    metro_sizes: I64
    metro_members: I64


@cache
def clustered_zips() -> Zips:
    import zipcodes

    entries = [
        z
        for z in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if z["zip_code_type"] == "STANDARD" and z["lat"] and z["long"] and z["country"] == "US"
    ]
    lat = np.array([float(z["lat"]) for z in entries])
    lon = np.array([float(z["long"]) for z in entries])
    city_key = [f"{z['city']}|{z['state']}" for z in entries]
    counts: dict[str, list[int]] = {}
    for i, key in enumerate(city_key):
        counts.setdefault(key, []).append(i)
    metros = sorted(counts.values(), key=len, reverse=True)[:300]
    offsets: list[int] = []
    sizes: list[int] = []
    members: list[I64] = []
    weights: list[float] = []
    for group in metros:
        clat, clon = lat[group].mean(), lon[group].mean()
        near = np.flatnonzero(haversine_miles_many(clat, clon, lat, lon) <= 25.0)
        offsets.append(sum(sizes))
        sizes.append(len(near))
        members.append(near)
        weights.append(len(group) ** 1.5)
    cum = np.cumsum(np.array(weights)) / sum(weights)
    return Zips(
        zips=[z["zip_code"] for z in entries],
        cities=[z["city"].upper() for z in entries],
        states=[z["state"] for z in entries],
        metro_cum=cum,
        metro_offsets=np.array(offsets, dtype=np.int64),
        metro_sizes=np.array(sizes, dtype=np.int64),
        metro_members=np.concatenate(members).astype(np.int64),
    )


def zip_rows(seed: int, idx: U64, salt: int) -> I64:
    """Index into the ZIP table for each row: 85% near a city, 15% anywhere."""
    table = clustered_zips()
    metro = np.searchsorted(table.metro_cum, unit(seed, idx, salt), side="right")
    metro = np.minimum(metro, len(table.metro_cum) - 1)
    within = pick(seed, idx, salt + 1, 1 << 30) % table.metro_sizes[metro]
    clustered = table.metro_members[table.metro_offsets[metro] + within]
    anywhere = pick(seed, idx, salt + 2, len(table.zips))
    result: I64 = np.where(unit(seed, idx, salt + 3) < 0.85, clustered, anywhere)
    return result
