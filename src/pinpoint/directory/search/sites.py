"""Practitioners collapsed into sites (distinct points) in a k-d tree: the spatial core of search.

Practitioners are geocoded by ZIP centroid, so many share a point. A :class:`Sites` takes
some rows of the index (one profession, optionally only those eligible on a date), keeps
each distinct point once with its rows in NPI order, and puts the points in a scipy
cKDTree over 3-D unit vectors (straight-line distance there grows with great-circle
distance). A query takes the sites within the radius from the tree (at most the ~42,000
ZIP centroids, a few hundred in a city), measures them by the one canonical distance
(:func:`geo.haversine_miles_radians`, with each site's radians and cosine kept), sums their
row counts for the total, and ranks sites, not practitioners: practitioners in the radius
are never fetched or sorted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from pinpoint.directory import geo

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Relative slack on chord/metre bounds: candidates are over-collected by this much and then
# decided by the canonical haversine, so every path agrees on boundaries and ties.
SLACK = 1e-9
# Above this many sites in the radius, the page comes from k-nearest queries on the tree
# rather than from ranking every site in the radius (the count still visits them).
RANK_ALL_SITES = 4096

NO_ROWS: IntArray = np.zeros(0, dtype=np.int64)
NO_MILES: FloatArray = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Probe:
    """A query point as a unit vector and in radians, and the tree's chord for the radius."""

    point: FloatArray
    phi: float
    lam: float
    radius: float
    chord: float

    @classmethod
    def at(cls, lat: float, lon: float, radius_miles: float) -> Probe:
        chord = geo.chord_for_miles(radius_miles) * (1 + SLACK) + 1e-15
        point = geo.unit_vector(lat, lon)
        return cls(point, math.radians(lat), math.radians(lon), radius_miles, chord)


@dataclass(frozen=True)
class Area:
    """What lies within one radius of one point, for one filter: a page is cut from it."""

    total: int  # rows within the radius
    sites: IntArray  # the sites within it, nearest first
    miles: FloatArray
    cum: IntArray  # rows at or before each site
    wide: bool  # more than RANK_ALL_SITES sites: pages come from k-nearest queries


@dataclass
class Sites:
    """Rows of one filter, collapsed into distinct sites in a k-d tree."""

    tree: cKDTree
    site_phi: FloatArray  # radians, and the cosine of the latitude, for the canonical distance
    site_lam: FloatArray
    site_cos: FloatArray
    offsets: IntArray  # rows of site s are rows[offsets[s]:offsets[s + 1]], in NPI order
    rows: IntArray
    counts: IntArray
    single: bool  # every site holds one row
    mean: int  # rows per site, rounded down (at least 1)

    @classmethod
    def build(cls, rows: IntArray, lat: FloatArray, lon: FloatArray) -> Sites:
        coords = np.column_stack((lat[rows], lon[rows])) if len(rows) else np.zeros((0, 2))
        sites, inverse = np.unique(coords, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="stable")
        counts = np.bincount(inverse, minlength=len(sites)).astype(np.int64)
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        points = geo.unit_vectors(sites[:, 0], sites[:, 1]) if len(sites) else np.zeros((0, 3))
        phi = np.radians(np.ascontiguousarray(sites[:, 0]))
        return cls(
            tree=cKDTree(points),
            site_phi=phi,
            site_lam=np.radians(np.ascontiguousarray(sites[:, 1])),
            site_cos=np.cos(phi),
            offsets=offsets,
            rows=rows[order].astype(np.int64),
            counts=counts,
            single=bool(len(counts) == 0 or counts.max() == 1),
            mean=max(1, len(rows) // max(1, len(counts))),
        )

    def miles(self, probe: Probe, sites: IntArray) -> FloatArray:
        """The canonical distance from the probe to some sites."""
        return geo.haversine_miles_radians(
            probe.phi, probe.lam, self.site_phi[sites], self.site_lam[sites], self.site_cos[sites]
        )

    def _inside(self, probe: Probe) -> tuple[IntArray, FloatArray]:
        """The sites within the radius by the canonical distance, and their miles."""
        found = self.tree.query_ball_point(probe.point, probe.chord)
        if not found:
            return NO_ROWS, NO_MILES
        sites = np.array(found, dtype=np.int64)
        miles = self.miles(probe, sites)
        inside = miles <= probe.radius
        if not inside.all():
            sites, miles = sites[inside], miles[inside]
        return sites, miles

    def count(self, probe: Probe) -> int:
        """Rows within the radius."""
        sites, _ = self._inside(probe)
        return len(sites) if self.single else int(self.counts[sites].sum())

    def area(self, probe: Probe) -> Area:
        """The sites within the radius, nearest first, with their running row counts."""
        sites, miles = self._inside(probe)
        counts = self.counts[sites]
        total = len(sites) if self.single else int(counts.sum())
        if len(sites) > RANK_ALL_SITES:
            return Area(total, NO_ROWS, NO_MILES, NO_ROWS, wide=True)
        order = np.argsort(miles, kind="stable")
        sites, miles = sites[order], miles[order]
        return Area(total, sites, miles, np.cumsum(counts[order]), wide=False)

    def page(self, area: Area, probe: Probe, need: int) -> tuple[IntArray, FloatArray]:
        """Candidate rows (and their miles) that hold the ``need`` nearest of the area.

        The candidates hold, for every site at or before the distance where ``need`` rows
        are reached, up to ``need`` of its rows (NPI order), so ranking the candidates by
        (distance, row) and cutting at ``need`` gives the exact page.
        """
        if area.total == 0:
            return NO_ROWS, NO_MILES
        if area.wide:
            return self.candidates(self.nearest_sites(probe, need), probe, need)
        sites, miles, cum = area.sites, area.miles, area.cum
        if cum[0] >= need and (len(miles) == 1 or miles[1] != miles[0]):
            start = int(self.offsets[sites[0]])  # the nearest site alone fills the page
            return self.rows[start : start + need], np.full(need, miles[0])
        at = int(np.searchsorted(cum, need))
        if at < len(sites):
            keep = int(np.searchsorted(miles, miles[at], side="right"))
            sites, miles = sites[:keep], miles[:keep]
        return self._rows_of(sites, miles, self.counts[sites], need)

    def _rows_of(
        self, sites: IntArray, miles: FloatArray, counts: IntArray, need: int
    ) -> tuple[IntArray, FloatArray]:
        if len(sites) == 0:
            return NO_ROWS, NO_MILES
        starts = self.offsets[sites]
        takes = np.minimum(counts, need)
        if int(takes.max()) == 1:
            return self.rows[starts], miles
        rows = np.concatenate([self.rows[s : s + t] for s, t in zip(starts, takes, strict=True)])
        return rows, np.repeat(miles, takes)

    def nearest_sites(self, probe: Probe, need: int) -> IntArray:
        """Sites nearest first whose rows include the ``need`` nearest rows (ties kept)."""
        nsites = len(self.counts)
        if nsites == 0:
            return NO_ROWS
        # Sites hold ``mean`` rows on average: ask for about enough sites, then grow.
        k = max(2, min(nsites, -(-need // self.mean) + 1))
        while True:
            dist, idx = self.tree.query(probe.point, k=k, distance_upper_bound=probe.chord)
            dist, idx = np.atleast_1d(dist), np.atleast_1d(idx)
            found = idx < nsites
            dist, idx = dist[found], idx[found]
            exhausted = len(idx) < k or k >= nsites
            cum = np.cumsum(self.counts[idx])
            if len(idx) and cum[-1] >= need:
                cut = dist[int(np.searchsorted(cum, need))] * (1 + SLACK) + 1e-15
                if dist[-1] > cut or exhausted:
                    return np.asarray(idx[dist <= cut], dtype=np.int64)
            elif exhausted:
                return idx.astype(np.int64)
            k = min(nsites, k * 2)

    def candidates(self, sites: IntArray, probe: Probe, need: int) -> tuple[IntArray, FloatArray]:
        """Up to ``need`` rows of each site within the radius, with their distances."""
        if len(sites) == 0:
            return NO_ROWS, NO_MILES
        miles = self.miles(probe, sites)
        keep = miles <= probe.radius
        sites, miles = sites[keep], miles[keep]
        return self._rows_of(sites, miles, self.counts[sites], need)
