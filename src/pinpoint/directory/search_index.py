"""An in-process spatial index of the directory: nearest practitioners within a radius.

The index holds every active, geocoded practitioner in NPI order (so "ties by NPI" is
"ties by row number"). Practitioners are geocoded by ZIP centroid, so many share a point:
each *group* (one profession, optionally only those eligible on a date) collapses its rows
into *sites* (distinct points, rows kept in NPI order) and puts the sites in a scipy
cKDTree over 3-D unit vectors. A query takes the sites within the radius from the tree
(at most the ~42,000 ZIP centroids, a few hundred in a city), measures them by the one
canonical distance (:func:`geo.haversine_miles_radians`, with each site's radians and
cosine kept), sums their row counts for ``total`` and ranks sites, not practitioners: when
the nearest site alone fills the page its first rows are the page; otherwise the sites up
to the one where ``offset + limit`` rows are reached give at most that many rows each, and
that small candidate set is ranked by (distance, NPI). Practitioners in the radius are
never fetched or sorted. (Beyond ``_RANK_ALL_SITES`` sites, k-nearest tree queries pick
the page's sites instead.)

For the API, each row's SearchHit fields are kept as JSON (one buffer written by polars)
and each verdict's JSON per date, so a page's answer is assembled from bytes.

The index is built from the database on first use (servers build it at startup) and
replaced when the directory changes: a cheap fingerprint (row counts, last import run) is
compared by a background thread at most every ``CHECK_INTERVAL_S`` seconds, so a search
never waits on the database; importers call :func:`invalidate` to rebuild at once.
"""

from __future__ import annotations

import functools
import io
import logging
import math
import threading
import time
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import polars as pl
import psycopg
from psycopg import sql as pgsql
from scipy.spatial import cKDTree
from sqlalchemy import Engine, event, text

from pinpoint.directory import geo
from pinpoint.errors import InvalidInput
from pinpoint.law.eligibility import Eligibility, PractitionerFacts, Verdict
from pinpoint.law.service import practitioner_eligibility
from pinpoint.law.vocabulary import Profession

CHECK_INTERVAL_S = 2.0
# Relative slack on chord/metre bounds: candidates are over-collected by this much and then
# decided by the canonical haversine, so every path agrees on boundaries and ties.
_SLACK = 1e-9

PROFESSIONS: tuple[Profession, ...] = tuple(Profession)
_PROF_CODE = {p.value: i for i, p in enumerate(PROFESSIONS)}

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def facts_from_totals(
    hours: float | None,
    in_person_hours: float | None,
    licensed_since: date | None,
    supervised_sessions: float | None,
    on: date,
) -> PractitionerFacts:
    """Facts from a practitioner's summed credentials (SPEC: several courses add up)."""
    years = None
    if licensed_since is not None:
        years = max(0.0, (on - licensed_since).days / 365.25)
    return PractitionerFacts(
        training_hours=hours,
        in_person_hours=in_person_hours,
        years_licensed=years,
        supervised_sessions=None if supervised_sessions is None else int(supervised_sessions),
        registered=None,
    )


def eligibility_for(
    state: str, profession: str | Profession | None, facts: PractitionerFacts, on: date
) -> Eligibility:
    """The verdict for one practitioner; a practice outside the law base is "law silent"."""
    if profession is None:
        return Eligibility(Verdict.LAW_SILENT, ("profession not covered by the law base",))
    try:
        return practitioner_eligibility(state, profession, facts, on)[0]
    except InvalidInput:
        return Eligibility(Verdict.LAW_SILENT, ("no US state of practice on record",))


@dataclass(frozen=True)
class Hit:
    """One ranked result: a row of the index and its distance."""

    row: int
    distance_miles: float


@dataclass
class Verdicts:
    """Every row's verdict on one date: a combination id per row and each combination's answer."""

    combo: IntArray
    answers: list[Eligibility]
    eligible: npt.NDArray[np.bool_]
    public: dict[int, object] = field(default_factory=dict)  # shapes built by the service
    _tails: list[bytes] | None = None

    def tails(self) -> list[bytes]:
        """``,"eligibility": {...}},`` per combination: the end of a hit's JSON, built once."""
        found = self._tails
        if found is None:
            found = self._tails = [
                b',"eligibility":%b},'
                % orjson.dumps({"verdict": a.verdict.value, "reasons": a.reasons})
                for a in self.answers
            ]
        return found


# Above this many sites in the radius, the page comes from k-nearest queries on the tree
# rather than from ranking every site in the radius (the count still visits them).
_RANK_ALL_SITES = 4096
_EMPTY_AS_NULL = ("city", "state", "zip")

_NO_ROWS: IntArray = np.zeros(0, dtype=np.int64)
_NO_MILES: FloatArray = np.zeros(0, dtype=np.float64)


def _hit_objects(index: DirectoryIndex) -> tuple[bytes, IntArray, IntArray]:
    """See :meth:`DirectoryIndex.hit_objects`: (buffer, start of row i, end before its "}")."""

    def text(values: npt.NDArray[np.bytes_]) -> pl.Series:
        return pl.Series(values, dtype=pl.Binary).cast(pl.String)

    professions = np.array([p.value for p in PROFESSIONS], dtype=object)
    frame = pl.DataFrame(
        {
            "npi": text(index.npi),
            "name": text(index.name),
            # (rows of no known profession never reach a page: any label will do)
            "profession": pl.Series(professions[np.maximum(index.profession, 0)], dtype=pl.String),
            "taxonomy": text(index.taxonomy),
            "city": text(index.city),
            "state": text(index.state),
            "zip": text(index.zip5),
        }
    ).with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in _EMPTY_AS_NULL
    )
    out = io.BytesIO()
    frame.write_ndjson(out)
    buffer = out.getvalue()
    # JSON escapes every newline inside strings, so each one ends a row.
    newlines = np.flatnonzero(np.frombuffer(buffer, dtype=np.uint8) == ord("\n"))
    starts = np.concatenate(([0], newlines[:-1] + 1)).astype(np.int64)
    return buffer, starts, (newlines - 1).astype(np.int64)


@dataclass
class _Group:
    """Rows of one filter, collapsed into distinct sites in a k-d tree."""

    tree: cKDTree
    site_lat: FloatArray
    site_lon: FloatArray
    site_phi: FloatArray  # radians, and the cosine of the latitude, for the canonical distance
    site_lam: FloatArray
    site_cos: FloatArray
    offsets: IntArray  # rows of site s are rows[offsets[s]:offsets[s + 1]], in NPI order
    rows: IntArray
    counts: IntArray
    single: bool  # every site holds one row
    mean: int  # rows per site, rounded down (at least 1)

    @classmethod
    def build(cls, rows: IntArray, lat: FloatArray, lon: FloatArray) -> _Group:
        coords = np.column_stack((lat[rows], lon[rows])) if len(rows) else np.zeros((0, 2))
        sites, inverse = np.unique(coords, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="stable")
        counts = np.bincount(inverse, minlength=len(sites)).astype(np.int64)
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        points = geo.unit_vectors(sites[:, 0], sites[:, 1]) if len(sites) else np.zeros((0, 3))
        site_lat = np.ascontiguousarray(sites[:, 0])
        site_lon = np.ascontiguousarray(sites[:, 1])
        phi = np.radians(site_lat)
        return cls(
            tree=cKDTree(points),
            site_lat=site_lat,
            site_lon=site_lon,
            site_phi=phi,
            site_lam=np.radians(site_lon),
            site_cos=np.cos(phi),
            offsets=offsets,
            rows=rows[order].astype(np.int64),
            counts=counts,
            single=bool(len(counts) == 0 or counts.max() == 1),
            mean=max(1, len(rows) // max(1, len(counts))),
        )

    def miles(self, phi: float, lam: float, sites: IntArray) -> FloatArray:
        """The canonical distance from a point (radians) to some sites."""
        return geo.haversine_miles_radians(
            phi, lam, self.site_phi[sites], self.site_lam[sites], self.site_cos[sites]
        )

    def count(self, point: FloatArray, phi: float, lam: float, radius: float, chord: float) -> int:
        """Rows within ``radius`` miles by the canonical distance."""
        found = self.tree.query_ball_point(point, chord)
        if not found:
            return 0
        sites = np.array(found, dtype=np.int64)
        sites = sites[self.miles(phi, lam, sites) <= radius]
        return len(sites) if self.single else int(self.counts[sites].sum())

    def search(
        self, point: FloatArray, phi: float, lam: float, radius: float, chord: float, need: int
    ) -> tuple[int, IntArray, FloatArray]:
        """(rows within the radius, candidate rows, their miles) for the ``need`` nearest.

        The candidates hold, for every site at or before the distance where ``need`` rows
        are reached, up to ``need`` of its rows (NPI order), so ranking the candidates by
        (distance, row) and cutting at ``need`` gives the exact page.
        """
        found = self.tree.query_ball_point(point, chord)
        if not found:
            return 0, _NO_ROWS, _NO_MILES
        sites = np.array(found, dtype=np.int64)
        miles = self.miles(phi, lam, sites)
        inside = miles <= radius
        if not inside.all():
            sites, miles = sites[inside], miles[inside]
            if len(sites) == 0:
                return 0, _NO_ROWS, _NO_MILES
        counts = self.counts[sites]
        total = len(sites) if self.single else int(counts.sum())
        if len(sites) > _RANK_ALL_SITES:
            near = self.nearest_sites(point, need, chord)
            rows, near_miles = self.candidates(near, phi, lam, radius, need)
            return total, rows, near_miles
        j = int(miles.argmin())
        if counts[j] >= need and int(np.count_nonzero(miles == miles[j])) == 1:
            start = int(self.offsets[sites[j]])  # the nearest site alone fills the page
            return total, self.rows[start : start + need], np.full(need, miles[j])
        order = np.argsort(miles, kind="stable")
        sites, miles, counts = sites[order], miles[order], counts[order]
        cum = np.cumsum(counts)
        at = int(np.searchsorted(cum, need))
        if at < len(sites):
            keep = int(np.searchsorted(miles, miles[at], side="right"))
            sites, miles, counts = sites[:keep], miles[:keep], counts[:keep]
        return (total, *self._rows_of(sites, miles, counts, need))

    def _rows_of(
        self, sites: IntArray, miles: FloatArray, counts: IntArray, need: int
    ) -> tuple[IntArray, FloatArray]:
        starts = self.offsets[sites]
        takes = np.minimum(counts, need)
        if len(sites) == 0:
            return _NO_ROWS, _NO_MILES
        if int(takes.max()) == 1:
            return self.rows[starts], miles
        rows = np.concatenate([self.rows[s : s + t] for s, t in zip(starts, takes, strict=True)])
        return rows, np.repeat(miles, takes)

    def nearest_sites(self, point: FloatArray, need: int, chord: float) -> IntArray:
        """Sites nearest first whose rows include the ``need`` nearest rows (ties kept)."""
        nsites = len(self.counts)
        if nsites == 0:
            return np.zeros(0, dtype=np.int64)
        # Sites hold ``mean`` rows on average: ask for about enough sites, then grow.
        k = max(2, min(nsites, -(-need // self.mean) + 1))
        while True:
            dist, idx = self.tree.query(point, k=k, distance_upper_bound=chord)
            dist, idx = np.atleast_1d(dist), np.atleast_1d(idx)
            found = idx < nsites
            dist, idx = dist[found], idx[found]
            exhausted = len(idx) < k or k >= nsites
            cum = np.cumsum(self.counts[idx])
            if len(idx) and cum[-1] >= need:
                cut = dist[int(np.searchsorted(cum, need))] * (1 + _SLACK) + 1e-15
                if dist[-1] > cut or exhausted:
                    return np.asarray(idx[dist <= cut], dtype=np.int64)
            elif exhausted:
                return idx.astype(np.int64)
            k = min(nsites, k * 2)

    def candidates(
        self, sites: IntArray, phi: float, lam: float, radius: float, need: int
    ) -> tuple[IntArray, FloatArray]:
        """Up to ``need`` rows of each site within the radius, with their distances."""
        if len(sites) == 0:
            return _NO_ROWS, _NO_MILES
        miles = self.miles(phi, lam, sites)
        keep = miles <= radius
        sites, miles = sites[keep], miles[keep]
        return self._rows_of(sites, miles, self.counts[sites], need)


@dataclass
class DirectoryIndex:
    """Active, geocoded practitioners in NPI order, with the columns search shows."""

    npi: npt.NDArray[np.bytes_]
    name: npt.NDArray[np.bytes_]
    taxonomy: npt.NDArray[np.bytes_]
    city: npt.NDArray[np.bytes_]
    state: npt.NDArray[np.bytes_]
    zip5: npt.NDArray[np.bytes_]
    profession: npt.NDArray[np.int8]
    lat: FloatArray
    lon: FloatArray
    hours: FloatArray  # NaN where not on record
    in_person: FloatArray
    since: FloatArray  # licensed_since as a proleptic ordinal
    supervised: FloatArray
    _groups: dict[tuple[int, date | None], _Group] = field(default_factory=dict)
    _verdicts: dict[date, Verdicts] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _hit_objects: tuple[bytes, IntArray, IntArray] | None = None

    def __len__(self) -> int:
        return len(self.npi)

    def verdicts(self, on: date) -> Verdicts:
        """Every row's verdict on a date, judged once per distinct (state, profession, facts)."""
        found = self._verdicts.get(on)
        if found is None:
            with self._lock:
                found = self._verdicts.get(on) or self._judge(on)
                if len(self._verdicts) >= 4:
                    self._verdicts.pop(next(iter(self._verdicts)))
                self._verdicts[on] = found
        return found

    def _judge(self, on: date) -> Verdicts:
        states, state_code = np.unique(self.state, return_inverse=True)
        keys = np.column_stack(
            (state_code, self.profession, self.hours, self.in_person, self.since, self.supervised)
        )
        keys = np.where(np.isnan(keys), -1.0, keys)
        combos, combo = np.unique(keys, axis=0, return_inverse=True)
        answers: list[Eligibility] = []
        for key in combos:
            state = states[int(key[0])].decode()
            nan = [None if v < 0 else float(v) for v in key[2:]]
            since = None if nan[2] is None else date.fromordinal(int(nan[2]))
            facts = facts_from_totals(nan[0], nan[1], since, nan[3], on)
            prof = PROFESSIONS[int(key[1])] if key[1] >= 0 else None
            answers.append(eligibility_for(state, prof, facts, on))
        eligible = np.array([a.verdict is Verdict.ELIGIBLE for a in answers], dtype=bool)
        combo = combo.reshape(-1).astype(np.int64)
        return Verdicts(combo=combo, answers=answers, eligible=eligible[combo])

    def group(self, profession: int, eligible_on: date | None) -> _Group:
        key = (profession, eligible_on)
        found = self._groups.get(key)
        if found is None:
            mask = self.profession >= 0 if profession < 0 else self.profession == profession
            if eligible_on is not None:
                mask &= self.verdicts(eligible_on).eligible
            found = _Group.build(np.flatnonzero(mask), self.lat, self.lon)
            with self._lock:
                if len(self._groups) >= 32:
                    self._groups.pop(next(iter(self._groups)))
                self._groups[key] = found
        return found

    def hit_objects(self) -> tuple[bytes, IntArray, IntArray]:
        """Every row's SearchHit fields before the distance as JSON, built once per index.

        One buffer of JSON objects (``{"npi": ..., ..., "zip": ...}``, SearchHit's field
        order) written by polars in one vectorised pass, and each row's start and end: a
        page slices its rows out instead of serialising them.
        """
        found = self._hit_objects
        if found is None:
            with self._lock:
                found = self._hit_objects
                if found is None:
                    found = self._hit_objects = _hit_objects(self)
        return found

    def hit_fields(self, rows: IntArray) -> list[dict[str, object]]:
        """Each row's SearchHit fields before the distance, gathered column by column."""
        professions = PROFESSIONS
        return [
            {
                "npi": npi.decode(),
                "name": name.decode(),
                "profession": professions[profession],
                "taxonomy": taxonomy.decode(),
                "city": city.decode() or None,
                "state": state.decode() or None,
                "zip": zip5.decode() or None,
            }
            for npi, name, profession, taxonomy, city, state, zip5 in zip(
                self.npi[rows].tolist(),
                self.name[rows].tolist(),
                self.profession[rows].tolist(),
                self.taxonomy[rows].tolist(),
                self.city[rows].tolist(),
                self.state[rows].tolist(),
                self.zip5[rows].tolist(),
                strict=True,
            )
        ]

    def hits_json(self, rows: IntArray, miles: FloatArray, on: date) -> bytes:
        """The JSON array of SearchHit objects for a page: the same bytes pydantic writes."""
        if len(rows) == 0:
            return b"[]"
        buffer, starts, ends = self.hit_objects()
        verdicts = self.verdicts(on)
        tails = verdicts.tails()
        distances: dict[float, bytes] = {}
        parts: list[bytes] = []
        append = parts.append
        for start, end, distance, combo in zip(
            starts[rows].tolist(),
            ends[rows].tolist(),
            miles.tolist(),
            verdicts.combo[rows].tolist(),
            strict=True,
        ):
            append(buffer[start:end])
            text = distances.get(distance)
            if text is None:
                text = distances[distance] = b',"distance_miles":%r' % round(distance, 2)
            append(text)
            append(tails[combo])
        return b"[" + b"".join(parts)[:-1] + b"]"  # drop the comma after the last hit

    def find(
        self,
        lat: float,
        lon: float,
        radius_miles: float,
        professions: Sequence[Profession],
        eligible_on: date | None,
        limit: int,
        offset: int,
    ) -> tuple[int, IntArray, FloatArray]:
        """(total within the radius after filters, rows of the page, their miles)."""
        point, phi, lam, chord = _probe(lat, lon, radius_miles)
        need = offset + limit
        if len(professions) <= 1:
            code = _PROF_CODE[professions[0].value] if professions else -1
            total, rows, miles = self.group(code, eligible_on).search(
                point, phi, lam, radius_miles, chord, need
            )
        else:
            total, parts_rows, parts_miles = 0, [], []
            for p in professions:
                grp = self.group(_PROF_CODE[p.value], eligible_on)
                n, rows, miles = grp.search(point, phi, lam, radius_miles, chord, need)
                total += n
                parts_rows.append(rows)
                parts_miles.append(miles)
            rows, miles = np.concatenate(parts_rows), np.concatenate(parts_miles)
        order = np.lexsort((rows, miles))[offset:need]
        return total, rows[order], miles[order]

    def count(
        self,
        lat: float,
        lon: float,
        radius_miles: float,
        professions: Sequence[Profession],
        eligible_on: date | None,
    ) -> int:
        """How many rows lie within the radius after filters (the ``total`` of a search)."""
        point, phi, lam, chord = _probe(lat, lon, radius_miles)
        codes = [_PROF_CODE[p.value] for p in professions] if professions else [-1]
        return sum(
            self.group(code, eligible_on).count(point, phi, lam, radius_miles, chord)
            for code in codes
        )

    def search(
        self,
        lat: float,
        lon: float,
        radius_miles: float,
        professions: Sequence[Profession],
        eligible_on: date | None,
        limit: int,
        offset: int,
    ) -> tuple[int, list[Hit]]:
        """(total within the radius after filters, the page of hits nearest first)."""
        total, rows, miles = self.find(
            lat, lon, radius_miles, professions, eligible_on, limit, offset
        )
        return total, [Hit(r, m) for r, m in zip(rows.tolist(), miles.tolist(), strict=True)]


def _probe(lat: float, lon: float, radius_miles: float) -> tuple[FloatArray, float, float, float]:
    """A query point as a unit vector and in radians, and the tree's chord for the radius."""
    chord = geo.chord_for_miles(radius_miles) * (1 + _SLACK) + 1e-15
    return geo.unit_vector(lat, lon), math.radians(lat), math.radians(lon), chord


def _encoded(values: Iterable[str | None]) -> npt.NDArray[np.bytes_]:
    return np.array([(v or "").encode() for v in values], dtype=np.bytes_)


def display_name(
    first: str | None, middle: str | None, last: str, suffix: str | None = None
) -> str:
    return " ".join(part for part in (first, middle, last, suffix) if part)


_ROWS_SQL = text(
    """
    SELECT p.npi, p.first_name, p.middle_name, p.last_name, p.name_suffix, p.taxonomy,
           p.city, p.state, p.zip5, p.profession, p.latitude, p.longitude,
           c.hours, c.in_person, c.since, c.supervised
    FROM practitioners p
    LEFT JOIN (
        SELECT npi, SUM(hours) AS hours, SUM(in_person_hours) AS in_person,
               MIN(licensed_since) AS since, SUM(supervised_sessions) AS supervised
        FROM training_credentials GROUP BY npi
    ) c ON c.npi = p.npi
    WHERE p.active AND p.latitude IS NOT NULL AND p.longitude IS NOT NULL
    ORDER BY p.npi
    """
)


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def build_index(engine: Engine) -> DirectoryIndex:
    """Read every active, geocoded practitioner and their summed training from the database."""
    with engine.connect() as conn:
        rows = conn.execute(_ROWS_SQL).all()
    cols: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * 16
    nan = float("nan")

    def floats(values: Iterable[object]) -> FloatArray:
        return np.array([nan if v is None else float(v) for v in values], dtype=np.float64)  # type: ignore[arg-type]

    since_dates = (_as_date(v) for v in cols[14])
    return DirectoryIndex(
        npi=_encoded(cols[0]),
        name=_encoded(display_name(f, m, la, s) for f, m, la, s in zip(*cols[1:5], strict=True)),
        taxonomy=_encoded(cols[5]),
        city=_encoded(cols[6]),
        state=_encoded(cols[7]),
        zip5=_encoded(cols[8]),
        profession=np.array([_PROF_CODE.get(p, -1) for p in cols[9]], dtype=np.int8),
        lat=floats(cols[10]),
        lon=floats(cols[11]),
        hours=floats(cols[12]),
        in_person=floats(cols[13]),
        since=np.array([nan if d is None else float(d.toordinal()) for d in since_dates]),
        supervised=floats(cols[15]),
    )


_FINGERPRINT_SQL = text(
    "SELECT (SELECT COUNT(*) FROM practitioners), (SELECT COUNT(*) FROM training_credentials),"
    " (SELECT MAX(id) FROM import_runs)"
)


@dataclass
class _Entry:
    index: DirectoryIndex
    fingerprint: tuple[object, ...]
    checked_at: float
    checking: bool = False


_INDEXES: dict[str, _Entry] = {}
_BUILD_LOCK = threading.Lock()
_KEYS: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()

log = logging.getLogger(__name__)


def _key(engine: Engine) -> str:
    found = _KEYS.get(engine)
    if found is None:
        found = _KEYS[engine] = engine.url.render_as_string(hide_password=False)
    return found


def _fingerprint(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        row = conn.execute(_FINGERPRINT_SQL).one()
    return tuple(row)


def _warmed(index: DirectoryIndex) -> DirectoryIndex:
    """Build what a default search needs (every profession, today's verdicts) up front."""
    index.group(-1, None)
    index.verdicts(date.today()).tails()
    index.hit_objects()
    return index


def current_index(engine: Engine) -> DirectoryIndex:
    """The index for this database, kept fresh without making searches wait.

    The first call builds the index. After that a search never touches the database: at
    most every ``CHECK_INTERVAL_S`` seconds one background thread compares the cheap
    fingerprint and, if the directory changed, builds the new index and swaps it in while
    searches go on answering from the old one. :func:`invalidate` drops it at once.
    """
    key = _key(engine)
    entry = _INDEXES.get(key)
    if entry is None:
        with _BUILD_LOCK:
            entry = _INDEXES.get(key)
            if entry is None:
                fingerprint = _fingerprint(engine)
                entry = _Entry(build_index(engine), fingerprint, time.monotonic())
                _INDEXES[key] = entry
        return entry.index
    if not entry.checking and time.monotonic() - entry.checked_at >= CHECK_INTERVAL_S:
        with _BUILD_LOCK:
            start = not entry.checking
            entry.checking = True
        if start:
            threading.Thread(
                target=_refresh, args=(engine, key, entry), name="search-index", daemon=True
            ).start()
    return entry.index


def _refresh(engine: Engine, key: str, entry: _Entry) -> None:
    """Compare the fingerprint; rebuild and swap the index if the directory changed."""
    try:
        fingerprint = _fingerprint(engine)
        if fingerprint != entry.fingerprint:
            fresh = _Entry(_warmed(build_index(engine)), fingerprint, time.monotonic())
            with _BUILD_LOCK:
                if _INDEXES.get(key) is entry:  # not invalidated meanwhile
                    _INDEXES[key] = fresh
    except Exception:
        log.warning("search index freshness check failed", exc_info=True)
    finally:
        entry.checked_at = time.monotonic()
        entry.checking = False


def cached_index(engine: Engine) -> DirectoryIndex | None:
    """The index already built for this database, if any (never builds)."""
    entry = _INDEXES.get(_key(engine))
    return None if entry is None else entry.index


def warm(engine: Engine) -> DirectoryIndex:
    """The index for this database, built with what a default search needs (for startup),
    and the ZIP table every search looks its centre up in."""
    geo.preload()
    return _warmed(current_index(engine))


def invalidate(engine: Engine) -> None:
    """Forget the index of this database (call after writing to the directory).

    On PostgreSQL this also refreshes the ``practitioner_points`` materialised view the
    database-side search reads.
    """
    with _BUILD_LOCK:
        _INDEXES.pop(_key(engine), None)
    if engine.dialect.name == "postgresql":
        refresh_points(engine)


# --- The database-side path: PostGIS on PostgreSQL ------------------------------------------
#
# ``practitioner_points`` (migration 0003) holds active, geocoded practitioners as geography
# points with a GiST index. The page is ONE statement and one round trip: an index-ordered
# KNN scan (``ORDER BY geog <-> point LIMIT n`` under ``ST_DWithin``), everyone at the
# farthest point of that scan (it may cut a point's practitioners mid-way, and ties go by
# NPI), joined to the practitioners' rows and summed training. It is a server-side prepared
# statement run with ``plan_cache_mode = force_generic_plan`` (set for that transaction
# only): with literal values the planner judged a dense city by its row count and chose
# bitmap scan + sort of every row in the radius (~100-200 ms); the generic plan is the KNN
# one whatever the point. ``total`` is the in-process index's count of the same rows (an
# exact ``ST_DWithin`` count reads every row in the radius: ~20,000 in a city, 5-10 ms).
# Distances on PostGIS's sphere differ from R = 3958.8 miles only in scale, so the radius is
# converted through the angle and the page is re-ranked by the canonical haversine.

_POSTGIS_SPHERE_M = 6371008.7714  # PostGIS's mean Earth radius for use_spheroid = false


def postgis_schema(engine: Engine) -> str | None:
    """The schema holding PostGIS when the spatial view exists, else None."""
    if engine.dialect.name != "postgresql":
        return None
    cached = _POSTGIS.get(_key(engine), "")
    if cached != "":
        return cached
    with engine.connect() as conn:
        schema = conn.execute(
            text(
                "SELECT e.extnamespace::regnamespace::text FROM pg_extension e "
                "WHERE e.extname = 'postgis' AND to_regclass('practitioner_points') IS NOT NULL"
            )
        ).scalar()
    _POSTGIS[_key(engine)] = None if schema is None else str(schema)
    return _POSTGIS[_key(engine)]


_POSTGIS: dict[str, str | None] = {}


def refresh_points(engine: Engine) -> None:
    """Bring ``practitioner_points`` up to date with ``practitioners``."""
    if postgis_schema(engine) is None:
        return
    with engine.begin() as conn:
        conn.execute(text("REFRESH MATERIALIZED VIEW CONCURRENTLY practitioner_points"))


# ``s`` below is always the PostGIS schema name read from ``pg_extension``, never user input;
# values travel as bound parameters.


def _point_sql(s: str) -> str:
    return f"{s}.geography({s}.st_setsrid({s}.st_makepoint(%(lon)s, %(lat)s), 4326))"


def _within(s: str, bound: str) -> str:
    return f"{s}.st_dwithin(geog, {_point_sql(s)}, %({bound})s, false)"


_COLUMNS_SQL = """
    SELECT p.npi, p.first_name, p.middle_name, p.last_name, p.name_suffix, p.taxonomy,
           p.city, p.state, p.zip5, p.profession, p.latitude, p.longitude,
           c.hours, c.in_person, c.since, c.supervised
    FROM {source} JOIN practitioners p ON p.npi = page.npi
    LEFT JOIN LATERAL (
        SELECT SUM(hours) AS hours, SUM(in_person_hours) AS in_person,
               MIN(licensed_since) AS since, SUM(supervised_sessions) AS supervised
        FROM training_credentials t WHERE t.npi = p.npi
    ) c ON true
"""


def _nearest_sql(s: str, every_profession: bool = False) -> str:
    """The KNN scan alone: the ``n`` nearest (npi, latitude, longitude), nearest first."""
    where = "" if every_profession else "profession = ANY(%(profs)s) AND "
    return (
        "SELECT npi, latitude, longitude FROM practitioner_points "  # noqa: S608
        f"WHERE {where}{_within(s, 'hi')} "
        f"ORDER BY geog OPERATOR({s}.<->) {_point_sql(s)} LIMIT %(n)s"
    )


def _page_sql(s: str, every_profession: bool) -> str:
    """The KNN page, its farthest point's rows in NPI order instead of the scan's, and the
    index query columns of those rows."""
    edge_filter = "" if every_profession else " AND e.profession = ANY(%(profs)s)"
    return (
        f"WITH knn AS MATERIALIZED ({_nearest_sql(s, every_profession)}), "  # noqa: S608
        "edge AS (SELECT latitude, longitude FROM knn OFFSET %(n)s - 1 LIMIT 1), "
        "page AS (SELECT npi FROM knn WHERE NOT EXISTS (SELECT FROM edge "
        "WHERE edge.latitude = knn.latitude AND edge.longitude = knn.longitude) "
        "UNION ALL (SELECT e.npi FROM practitioner_points e "
        "WHERE e.latitude = (SELECT latitude FROM edge) "
        "AND e.longitude = (SELECT longitude FROM edge)"
        f"{edge_filter} ORDER BY e.npi LIMIT %(n)s))" + _COLUMNS_SQL.format(source="page")
    )


def _within_sql(s: str) -> str:
    return (
        "SELECT npi, latitude, longitude FROM practitioner_points "  # noqa: S608
        f"WHERE profession = ANY(%(profs)s) AND {_within(s, 'hi')}"
    )


def _within_rows_sql(s: str) -> str:
    return f"WITH page AS ({_within_sql(s)})" + _COLUMNS_SQL.format(source="page")


_GENERIC_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan"


@dataclass
class _Sessions:
    """PostgreSQL sessions of one engine for the PostGIS path: one per thread."""

    local: threading.local = field(default_factory=threading.local)
    opened: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        with self.lock:
            opened, self.opened = self.opened, []
        for conn in opened:
            conn.close()


_SESSIONS: weakref.WeakKeyDictionary[Engine, _Sessions] = weakref.WeakKeyDictionary()


def _session(engine: Engine) -> tuple[_Sessions, Any]:
    """This thread's own session for PostGIS searches: autocommit, generic plans.

    A search is then one round trip. Through the engine's pool it would be four (pre-ping,
    begin, the statement, rollback on return), and the generic-plan setting would have to be
    set in each transaction, since a pooled session is shared with other code. The
    sessions close with ``engine.dispose()`` or when the engine is collected.
    """
    sessions = _SESSIONS.get(engine)
    if sessions is None:
        with _BUILD_LOCK:
            sessions = _SESSIONS.get(engine)
            if sessions is None:
                sessions = _SESSIONS[engine] = _Sessions()
                event.listen(engine, "engine_disposed", lambda _engine: sessions.close())
                weakref.finalize(engine, sessions.close)
    conn = getattr(sessions.local, "conn", None)
    if conn is None or conn.closed:
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        conn = engine.dialect.connect(*cargs, **cparams)
        try:
            conn.autocommit = True
            conn.execute("SET plan_cache_mode = force_generic_plan")
        except Exception:
            conn.close()
            raise
        sessions.local.conn = conn
        with sessions.lock:
            sessions.opened.append(conn)
    return sessions, conn


def _execute_generic(engine: Engine, sql: str, params: dict[str, object]) -> list[tuple[Any, ...]]:
    """Run a prepared statement with its generic plan (a broken session is replaced once)."""
    for attempt in (1, 2):
        sessions, conn = _session(engine)
        try:
            rows: list[tuple[Any, ...]] = conn.execute(sql, params, prepare=True).fetchall()
        except psycopg.OperationalError:
            conn.close()
            sessions.local.conn = None
            if attempt == 2:
                raise
        else:
            return rows
    raise AssertionError("unreachable")


def _metres(radius_miles: float, slack: float) -> float:
    return radius_miles / geo.EARTH_RADIUS_MILES * _POSTGIS_SPHERE_M * (1 + slack)


def _postgis_params(
    lat: float, lon: float, radius_miles: float, professions: Sequence[Profession], n: int
) -> dict[str, object]:
    return {
        "lat": lat,
        "lon": lon,
        "profs": [p.value for p in (professions or PROFESSIONS)],
        "hi": _metres(radius_miles, _SLACK),
        "n": n,
    }


# Parameters of the page statement in the order PREPARE numbers them, with their types.
_PLAN_PARAMS = (
    ("lat", "float8"),
    ("lon", "float8"),
    ("profs", "text[]"),
    ("hi", "float8"),
    ("n", "int8"),
)


def postgis_plan(
    engine: Engine,
    lat: float,
    lon: float,
    radius_miles: float,
    professions: Sequence[Profession] = (),
    n: int = 50,
) -> list[str]:
    """``EXPLAIN ANALYZE EXECUTE`` of the page statement, planned as :func:`postgis_search` runs it.

    The statement is prepared under the same ``force_generic_plan`` setting, so this is the
    plan every search gets, whatever the point (an ``EXPLAIN`` with values would show the
    plan for those literal values instead).
    """
    s = postgis_schema(engine)
    if s is None:
        raise RuntimeError("PostGIS search needs PostgreSQL with migration 0003 applied")
    params = _postgis_params(lat, lon, radius_miles, professions, n)
    sql = _page_sql(s, every_profession=not professions)
    for i, (name, _) in enumerate(_PLAN_PARAMS, start=1):
        sql = sql.replace(f"%({name})s", f"${i}")
    types = ", ".join(t for _, t in _PLAN_PARAMS)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute(_GENERIC_PLAN)
        raw.execute(f"PREPARE pinpoint_page_plan ({types}) AS {sql}")
        try:
            rows = raw.execute(
                pgsql.SQL("EXPLAIN (ANALYZE, COSTS OFF) EXECUTE pinpoint_page_plan ({})").format(
                    pgsql.SQL(", ").join(
                        pgsql.SQL("{}::{}").format(pgsql.Literal(params[name]), pgsql.SQL(t))
                        for name, t in _PLAN_PARAMS
                    )
                )
            ).fetchall()
        except Exception:
            conn.invalidate()  # the prepared name stays on this session: never reuse it
            raise
        raw.execute("DEALLOCATE pinpoint_page_plan")
    return [str(r[0]) for r in rows]


def _canonical(
    lat: float, lon: float, radius: float, rows: Sequence[tuple[str, float, float]]
) -> list[tuple[float, str]]:
    """(distance, npi) of rows within the radius, by the canonical distance, sorted."""
    if not rows:
        return []
    lats = np.array([r[1] for r in rows], dtype=np.float64)
    lons = np.array([r[2] for r in rows], dtype=np.float64)
    miles = geo.haversine_miles_many(lat, lon, lats, lons)
    return sorted((float(m), r[0]) for m, r in zip(miles, rows, strict=True) if m <= radius)


def postgis_search(
    engine: Engine,
    lat: float,
    lon: float,
    radius_miles: float,
    professions: Sequence[Profession],
    eligible_on: date | None,
    limit: int,
    offset: int,
) -> tuple[int, list[tuple[tuple[object, ...], float]]]:
    """The same answer as :meth:`DirectoryIndex.search`, the page computed by PostGIS.

    Returns (total, [(row of the index query columns, distance)]). ``eligible_only``
    needs every verdict in the radius, so that filter reads all rows in the radius.
    """
    s = postgis_schema(engine)
    if s is None:
        raise RuntimeError("PostGIS search needs PostgreSQL with migration 0003 applied")
    params = _postgis_params(lat, lon, radius_miles, professions, offset + limit)
    if eligible_on is not None:
        rows = _execute_generic(engine, _within_rows_sql(s), params)
        return _postgis_eligible(rows, lat, lon, radius_miles, eligible_on, limit, offset)
    details = _execute_generic(engine, _page_sql(s, every_profession=not professions), params)
    total = current_index(engine).count(lat, lon, radius_miles, professions, None)
    return total, _ranked(details, lat, lon, radius_miles, offset, limit)


def _ranked(
    details: Sequence[tuple[object, ...]],
    lat: float,
    lon: float,
    radius: float,
    offset: int,
    limit: int,
) -> list[tuple[tuple[object, ...], float]]:
    by_npi = {str(d[0]): tuple(d) for d in details}
    coords = [(str(d[0]), float(d[10]), float(d[11])) for d in details]  # type: ignore[arg-type]
    page = _canonical(lat, lon, radius, coords)[offset : offset + limit]
    return [(by_npi[npi], miles) for miles, npi in page]


def _postgis_eligible(
    details: Sequence[tuple[object, ...]],
    lat: float,
    lon: float,
    radius: float,
    on: date,
    limit: int,
    offset: int,
) -> tuple[int, list[tuple[tuple[object, ...], float]]]:
    eligible = [d for d in details if _row_eligibility(d, on).verdict is Verdict.ELIGIBLE]
    coords = [(str(d[0]), float(d[10]), float(d[11])) for d in eligible]  # type: ignore[arg-type]
    total = len(_canonical(lat, lon, radius, coords))
    return total, _ranked(eligible, lat, lon, radius, offset, limit)


def _row_eligibility(row: Sequence[object], on: date) -> Eligibility:
    """The verdict for one row of the index query columns (one judgement per distinct facts)."""
    return _eligibility_of(row[7], row[9], row[12], row[13], row[14], row[15], on)


@functools.lru_cache(maxsize=4096)
def _eligibility_of(
    state: object,
    profession: object,
    hours: object,
    in_person: object,
    since: object,
    supervised: object,
    on: date,
) -> Eligibility:
    facts = facts_from_totals(
        None if hours is None else float(hours),  # type: ignore[arg-type]
        None if in_person is None else float(in_person),  # type: ignore[arg-type]
        _as_date(since),
        None if supervised is None else float(supervised),  # type: ignore[arg-type]
        on,
    )
    return eligibility_for(str(state or ""), str(profession), facts, on)


row_eligibility = _row_eligibility
