"""The in-process search index: active, geocoded practitioners, nearest first within a radius.

The index holds every active, geocoded practitioner in NPI order, so "ties by NPI" is
"ties by row number". Each filter (one profession, optionally only those eligible on a
date) gets its own :class:`sites.Sites` tree, built on first use and kept; verdicts are
judged per date (:mod:`verdicts`), and a page's public fields come from :mod:`hits`.

A page is exact: when the nearest site alone fills it its first rows are the page;
otherwise the sites up to the one where ``offset + limit`` rows are reached give at most
that many rows each, and that small candidate set is ranked by (distance, NPI).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from pinpoint.directory.schemas import SearchHit
from pinpoint.directory.search.hits import HitTable, PublicVerdicts
from pinpoint.directory.search.sites import Area, Probe, Sites
from pinpoint.directory.search.verdicts import (
    PROFESSION_CODE,
    RowFilings,
    TrainingColumns,
    Verdicts,
    judge_all,
)
from pinpoint.law.vocabulary import Profession

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_KEPT_DATES = 4  # verdicts kept for this many dates
_KEPT_FILTERS = 32  # site trees kept for this many filters
_KEPT_AREAS = 2048  # areas (point, radius, filter) kept, a few KiB each


@dataclass(frozen=True)
class PageQuery:
    """One page of a radius search around a point, after the profession and verdict filters."""

    lat: float
    lon: float
    radius_miles: float
    professions: tuple[Profession, ...] = ()  # empty: every profession
    eligible_on: date | None = None  # only those eligible on this date
    limit: int = 50
    offset: int = 0

    @property
    def probe(self) -> Probe:
        return Probe.at(self.lat, self.lon, self.radius_miles)

    @property
    def profession_codes(self) -> list[int]:
        return [PROFESSION_CODE[p.value] for p in self.professions] or [-1]


@dataclass
class DirectoryIndex:
    """Active, geocoded practitioners in NPI order: where they are, and what search shows."""

    npi: npt.NDArray[np.bytes_]  # sorted
    state: npt.NDArray[np.bytes_]
    profession: npt.NDArray[np.int8]  # PROFESSION_CODE, -1 for none known
    lat: FloatArray
    lon: FloatArray
    training: TrainingColumns
    filings: RowFilings
    hits: HitTable
    _sites: dict[tuple[int, date | None], Sites] = field(default_factory=dict)
    _verdicts: dict[date, tuple[Verdicts, PublicVerdicts]] = field(default_factory=dict)
    _areas: dict[tuple[int, date | None, float, float, float], Area] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __len__(self) -> int:
        return len(self.npi)

    # --- verdicts and site trees, built on first use -----------------------------------

    def _judged(self, on: date) -> tuple[Verdicts, PublicVerdicts]:
        found = self._verdicts.get(on)
        if found is None:
            with self._lock:
                found = self._verdicts.get(on)
                if found is None:
                    verdicts = judge_all(
                        self.state, self.profession, self.training, self.filings, on
                    )
                    found = (verdicts, PublicVerdicts.of(verdicts))
                    if len(self._verdicts) >= _KEPT_DATES:
                        self._verdicts.pop(next(iter(self._verdicts)))
                    self._verdicts[on] = found
        return found

    def verdicts(self, on: date) -> Verdicts:
        """Every row's verdict on a date."""
        return self._judged(on)[0]

    def sites(self, profession: int, eligible_on: date | None) -> Sites:
        """The site tree of one profession (-1: every profession), eligible only if dated."""
        key = (profession, eligible_on)
        found = self._sites.get(key)
        if found is None:
            mask = self.profession >= 0 if profession < 0 else self.profession == profession
            if eligible_on is not None:
                mask &= self.verdicts(eligible_on).eligible
            found = Sites.build(np.flatnonzero(mask), self.lat, self.lon)
            with self._lock:
                if len(self._sites) >= _KEPT_FILTERS:
                    self._sites.pop(next(iter(self._sites)))
                self._sites[key] = found
        return found

    def warm(self, on: date) -> None:
        """Build what a default search needs (every profession, the verdicts of ``on``)."""
        self.sites(-1, None)
        self._judged(on)

    # --- queries -------------------------------------------------------------------------

    def area(self, code: int, q: PageQuery, probe: Probe) -> Area:
        """What lies within the query's radius for one profession (kept for the next
        pages and the next visitors: searches are centred on ZIP centroids)."""
        key = (code, q.eligible_on, q.lat, q.lon, q.radius_miles)
        found = self._areas.get(key)
        if found is None:
            found = self.sites(code, q.eligible_on).area(probe)
            with self._lock:
                if len(self._areas) >= _KEPT_AREAS:
                    self._areas.pop(next(iter(self._areas)))
                self._areas[key] = found
        return found

    def find(self, q: PageQuery) -> tuple[int, IntArray, FloatArray]:
        """(total within the radius after filters, rows of the page, their miles)."""
        probe, need = q.probe, q.offset + q.limit
        total, parts_rows, parts_miles = 0, [], []
        for code in q.profession_codes:
            area = self.area(code, q, probe)
            rows, miles = self.sites(code, q.eligible_on).page(area, probe, need)
            total += area.total
            parts_rows.append(rows)
            parts_miles.append(miles)
        rows, miles = np.concatenate(parts_rows), np.concatenate(parts_miles)
        order = np.lexsort((rows, miles))[q.offset : need]
        return total, rows[order], miles[order]

    def count(self, q: PageQuery) -> int:
        """How many rows lie within the radius after filters (the ``total`` of a search)."""
        probe = q.probe
        return sum(self.sites(code, q.eligible_on).count(probe) for code in q.profession_codes)

    def rows_of(self, npis: Sequence[str]) -> IntArray:
        """The rows of these NPIs (-1 for an NPI not in the index)."""
        wanted = np.array([n.encode() for n in npis], dtype=self.npi.dtype)
        at = np.searchsorted(self.npi, wanted)
        found = at < len(self.npi)
        found[found] = self.npi[at[found]] == wanted[found]
        return np.where(found, at, -1).astype(np.int64)

    # --- a page's public answer ----------------------------------------------------------

    def page_json(self, rows: IntArray, miles: FloatArray, on: date) -> bytes:
        """The page as the JSON array of SearchHit objects (what the API sends)."""
        return self.hits.json(rows, miles, *self._judged(on))

    def page_models(self, rows: IntArray, miles: FloatArray, on: date) -> list[SearchHit]:
        """The page as SearchHit models (the CLI and pages), from the same bytes."""
        return self.hits.models(rows, miles, *self._judged(on))
