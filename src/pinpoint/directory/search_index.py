"""An in-process spatial index of the directory: nearest practitioners within a radius.

The index holds every active, geocoded practitioner in NPI order (so "ties by NPI" is
"ties by row number"). Practitioners are geocoded by ZIP centroid, so many share a point:
each *group* (one profession, optionally only those eligible on a date) collapses its rows
into *sites* (distinct points, rows kept in NPI order) and puts the sites in a scipy
cKDTree over 3-D unit vectors. A query asks the tree for the k nearest sites within the
radius (``distance_upper_bound``), growing k until the sites hold enough rows, takes at
most ``offset + limit`` rows from each site, and ranks that small candidate set by the one
canonical distance (:func:`geo.haversine_miles_many`) and NPI. ``total`` comes from a
radius count on the tree, never from fetching every match.

The index is built from the database on first use and rebuilt when the directory changes:
a cheap fingerprint (row counts, last import run) is checked at most every
``CHECK_INTERVAL_S`` seconds, and importers call :func:`invalidate` to rebuild at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree
from sqlalchemy import Engine, text

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


@dataclass
class _Group:
    """Rows of one filter, collapsed into distinct sites in a k-d tree."""

    tree: cKDTree
    site_lat: FloatArray
    site_lon: FloatArray
    offsets: IntArray  # rows of site s are rows[offsets[s]:offsets[s + 1]], in NPI order
    rows: IntArray
    counts: IntArray
    single: bool  # every site holds one row

    @classmethod
    def build(cls, rows: IntArray, lat: FloatArray, lon: FloatArray) -> _Group:
        coords = np.column_stack((lat[rows], lon[rows])) if len(rows) else np.zeros((0, 2))
        sites, inverse = np.unique(coords, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="stable")
        counts = np.bincount(inverse, minlength=len(sites)).astype(np.int64)
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        points = geo.unit_vectors(sites[:, 0], sites[:, 1]) if len(sites) else np.zeros((0, 3))
        return cls(
            tree=cKDTree(points),
            site_lat=np.ascontiguousarray(sites[:, 0]),
            site_lon=np.ascontiguousarray(sites[:, 1]),
            offsets=offsets,
            rows=rows[order].astype(np.int64),
            counts=counts,
            single=bool(len(counts) == 0 or counts.max() == 1),
        )

    def nearest_sites(self, point: FloatArray, need: int, chord: float) -> IntArray:
        """Sites nearest first whose rows include the ``need`` nearest rows (ties kept)."""
        nsites = len(self.counts)
        if nsites == 0:
            return np.zeros(0, dtype=np.int64)
        k = max(1, min(need, nsites))
        while True:
            dist, idx = self.tree.query(point, k=k, distance_upper_bound=chord)
            dist, idx = np.atleast_1d(dist), np.atleast_1d(idx)
            found = idx < nsites
            dist, idx = dist[found], idx[found]
            exhausted = len(idx) < k or k == nsites
            cum = np.cumsum(self.counts[idx])
            if len(idx) and cum[-1] >= need:
                cut = dist[int(np.searchsorted(cum, need))] * (1 + _SLACK) + 1e-15
                if dist[-1] > cut or exhausted:
                    return np.asarray(idx[dist <= cut], dtype=np.int64)
            elif exhausted:
                return idx.astype(np.int64)
            k = min(nsites, k * 2)

    def count_within(self, point: FloatArray, lat: float, lon: float, radius: float) -> int:
        """Rows within ``radius`` miles by the canonical distance."""
        chord = geo.chord_for_miles(radius)
        hi, lo = chord * (1 + _SLACK) + 1e-15, chord * (1 - _SLACK)
        if self.single:
            n_hi = int(self.tree.query_ball_point(point, hi, return_length=True))
            n_lo = int(self.tree.query_ball_point(point, lo, return_length=True))
            if n_hi == n_lo:
                return n_hi
        sites = np.asarray(self.tree.query_ball_point(point, hi), dtype=np.int64)
        if len(sites) == 0:
            return 0
        miles = geo.haversine_miles_many(lat, lon, self.site_lat[sites], self.site_lon[sites])
        return int(self.counts[sites[miles <= radius]].sum())

    def candidates(
        self, sites: IntArray, lat: float, lon: float, radius: float, need: int
    ) -> tuple[IntArray, FloatArray]:
        """Up to ``need`` rows of each site within the radius, with their distances."""
        if len(sites) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        miles = geo.haversine_miles_many(lat, lon, self.site_lat[sites], self.site_lon[sites])
        keep = miles <= radius
        sites, miles = sites[keep], miles[keep]
        starts = self.offsets[sites]
        takes = np.minimum(self.counts[sites], need)
        if len(sites) and takes.max() == 1:
            return self.rows[starts], miles
        rows = np.concatenate([self.rows[s : s + t] for s, t in zip(starts, takes, strict=True)])
        return rows, np.repeat(miles, takes)


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
        point = geo.unit_vector(lat, lon)
        chord = geo.chord_for_miles(radius_miles) * (1 + _SLACK) + 1e-15
        need = offset + limit
        total = 0
        parts_rows: list[IntArray] = []
        parts_miles: list[FloatArray] = []
        codes = [_PROF_CODE[p.value] for p in professions] if professions else [-1]
        for code in codes:
            grp = self.group(code, eligible_on)
            total += grp.count_within(point, lat, lon, radius_miles)
            sites = grp.nearest_sites(point, need, chord)
            rows, miles = grp.candidates(sites, lat, lon, radius_miles, need)
            parts_rows.append(rows)
            parts_miles.append(miles)
        rows = np.concatenate(parts_rows)
        miles = np.concatenate(parts_miles)
        order = np.lexsort((rows, miles))[offset:need]
        return total, [
            Hit(int(r), float(m)) for r, m in zip(rows[order], miles[order], strict=True)
        ]


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


_INDEXES: dict[str, _Entry] = {}
_BUILD_LOCK = threading.Lock()


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _fingerprint(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        row = conn.execute(_FINGERPRINT_SQL).one()
    return tuple(row)


def current_index(engine: Engine) -> DirectoryIndex:
    """The index for this database, rebuilt if the directory changed."""
    key = _key(engine)
    entry = _INDEXES.get(key)
    now = time.monotonic()
    if entry is not None and now - entry.checked_at < CHECK_INTERVAL_S:
        return entry.index
    with _BUILD_LOCK:
        entry = _INDEXES.get(key)
        if entry is not None and time.monotonic() - entry.checked_at < CHECK_INTERVAL_S:
            return entry.index  # another thread checked while this one waited
        fingerprint = _fingerprint(engine)
        if entry is None or entry.fingerprint != fingerprint:
            entry = _Entry(build_index(engine), fingerprint, time.monotonic())
            _INDEXES[key] = entry
        else:
            entry.checked_at = time.monotonic()
        return entry.index


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
# points with a GiST index. The nearest page is one index-ordered KNN query
# (``ORDER BY geog <-> point, npi LIMIT n`` under ``ST_DWithin``), the total one index count;
# both are server-side prepared statements so the plan stays the KNN one in dense cities.
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


def _nearest_sql(s: str, every_profession: bool = False) -> str:
    # Without a profession filter the planner keeps the KNN index order; with one it may not.
    where = "" if every_profession else "profession = ANY(%(profs)s) AND "
    return (
        "SELECT npi, latitude, longitude FROM practitioner_points "  # noqa: S608
        f"WHERE {where}{_within(s, 'hi')} "
        f"ORDER BY geog OPERATOR({s}.<->) {_point_sql(s)} LIMIT %(n)s"
    )


# Everyone at the farthest point of a page: it may be cut mid-way, and ties go by NPI.
_SITE_SQL = (
    "SELECT npi FROM practitioner_points WHERE latitude = %(lat)s AND longitude = %(lon)s "
    "AND profession = ANY(%(profs)s) ORDER BY npi LIMIT %(n)s"
)


def _count_sql(s: str) -> str:
    return (
        f"SELECT COUNT(*), COUNT(*) FILTER (WHERE NOT {_within(s, 'lo')}) "  # noqa: S608
        f"FROM practitioner_points WHERE profession = ANY(%(profs)s) AND {_within(s, 'hi')}"
    )


def _within_sql(s: str, shell_only: bool) -> str:
    shell = f" AND NOT {_within(s, 'lo')}" if shell_only else ""
    return (
        "SELECT npi, latitude, longitude FROM practitioner_points "  # noqa: S608
        f"WHERE profession = ANY(%(profs)s) AND {_within(s, 'hi')}{shell}"
    )


_DETAIL_SQL = _ROWS_SQL.text.replace(
    "WHERE p.active AND p.latitude IS NOT NULL AND p.longitude IS NOT NULL",
    "WHERE p.npi = ANY(%(npis)s)",
).replace(
    "FROM training_credentials GROUP BY npi",
    "FROM training_credentials WHERE npi = ANY(%(npis)s) GROUP BY npi",
)


def _metres(radius_miles: float, slack: float) -> float:
    return radius_miles / geo.EARTH_RADIUS_MILES * _POSTGIS_SPHERE_M * (1 + slack)


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
    """The same answer as :meth:`DirectoryIndex.search`, computed by PostGIS.

    Returns (total, [(row of the index query columns, distance)]). ``eligible_only``
    needs every verdict in the radius, so that filter reads all rows in the radius.
    """
    s = postgis_schema(engine)
    if s is None:
        raise RuntimeError("PostGIS search needs PostgreSQL with migration 0003 applied")
    params: dict[str, object] = {
        "lat": lat,
        "lon": lon,
        "profs": [p.value for p in (professions or PROFESSIONS)],
        "hi": _metres(radius_miles, _SLACK),
        "lo": _metres(radius_miles, -_SLACK),
        "n": offset + limit,
    }
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        if eligible_on is not None:
            return _postgis_eligible(raw, s, params, radius_miles, eligible_on, limit, offset)
        total, shell = raw.execute(_count_sql(s), params, prepare=True).fetchone()
        if shell:
            rows = raw.execute(_within_sql(s, True), params, prepare=True).fetchall()
            total -= shell - len(_canonical(lat, lon, radius_miles, rows))
        nearest = _nearest_sql(s, every_profession=not professions)
        page = raw.execute(nearest, params, prepare=True).fetchall()
        npis = [r[0] for r in page]
        if len(page) == params["n"]:
            edge = {
                "lat": page[-1][1],
                "lon": page[-1][2],
                "profs": params["profs"],
                "n": params["n"],
            }
            npis += [r[0] for r in raw.execute(_SITE_SQL, edge, prepare=True).fetchall()]
        details = raw.execute(_DETAIL_SQL, {"npis": npis}, prepare=True).fetchall()
    return int(total), _ranked(details, lat, lon, radius_miles, offset, limit)


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
    raw: object,
    s: str,
    params: dict[str, object],
    radius: float,
    on: date,
    limit: int,
    offset: int,
) -> tuple[int, list[tuple[tuple[object, ...], float]]]:
    execute = raw.execute  # type: ignore[attr-defined]
    npis = [r[0] for r in execute(_within_sql(s, False), params, prepare=True).fetchall()]
    details = execute(_DETAIL_SQL, {"npis": npis}, prepare=True).fetchall()
    eligible = [d for d in details if _row_eligibility(d, on).verdict is Verdict.ELIGIBLE]
    lat, lon = float(params["lat"]), float(params["lon"])  # type: ignore[arg-type]
    coords = [(str(d[0]), float(d[10]), float(d[11])) for d in eligible]
    total = len(_canonical(lat, lon, radius, coords))
    return total, _ranked(eligible, lat, lon, radius, offset, limit)


def _row_eligibility(row: Sequence[object], on: date) -> Eligibility:
    """The verdict for one row of the index query columns."""
    facts = facts_from_totals(
        None if row[12] is None else float(row[12]),  # type: ignore[arg-type]
        None if row[13] is None else float(row[13]),  # type: ignore[arg-type]
        _as_date(row[14]),
        None if row[15] is None else float(row[15]),  # type: ignore[arg-type]
        on,
    )
    return eligibility_for(str(row[7] or ""), str(row[9]), facts, on)


row_eligibility = _row_eligibility
