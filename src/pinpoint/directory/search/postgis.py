"""The database-side search path: PostGIS on PostgreSQL, giving the same pages as the index.

``practitioner_points`` (migration 0003) holds active, geocoded practitioners as geography
points with a GiST index. The page is ONE statement and one round trip: an index-ordered
KNN scan (``ORDER BY geog <-> point LIMIT n`` under ``ST_DWithin``) and everyone at the
farthest point of that scan (it may cut a point's practitioners mid-way, and ties go by
NPI). It is a server-side prepared statement run with ``plan_cache_mode =
force_generic_plan`` (:mod:`pg_sessions`): with literal values the planner judged a dense
city by its row count and chose bitmap scan + sort of every row in the radius (~100-200
ms); the generic plan is the KNN one whatever the point. ``total`` is the in-process
index's count of the same rows (an exact ``ST_DWithin`` count reads every row in the
radius: ~20,000 in a city, 5-10 ms), and the page's NPIs become index rows, so the public
fields and verdicts come from the same place as on the in-process path.

The view is the search side's to keep fresh, like the in-process index: writers only write
the directory, and the first PostGIS search after a change refreshes it
(:func:`ensure_points`), unless another process already has (``search_refreshes`` records
the directory state each refresh was made from).

Distances on PostGIS's sphere differ from R = 3958.8 miles only in scale, so the radius is
converted through the angle and the page is re-ranked by the canonical haversine.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Engine, text

from pinpoint.directory import geo
from pinpoint.law.vocabulary import Profession

if TYPE_CHECKING:
    from pinpoint.directory.search.index import DirectoryIndex, PageQuery

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_POSTGIS_SPHERE_M = 6371008.7714  # PostGIS's mean Earth radius for use_spheroid = false
_SLACK = 1e-9  # as in sites.SLACK: over-collect, then decide by the canonical distance
_SCHEMAS: dict[str, str | None] = {}


def postgis_schema(engine: Engine) -> str | None:
    """The schema holding PostGIS when the spatial view exists, else None."""
    if engine.dialect.name != "postgresql":
        return None
    key = engine.url.render_as_string(hide_password=False)
    if key in _SCHEMAS:
        return _SCHEMAS[key]
    with engine.connect() as conn:
        schema = conn.execute(
            text(
                "SELECT e.extnamespace::regnamespace::text FROM pg_extension e "
                "WHERE e.extname = 'postgis' AND to_regclass('practitioner_points') IS NOT NULL"
            )
        ).scalar()
    _SCHEMAS[key] = None if schema is None else str(schema)
    return _SCHEMAS[key]


# The view's indexes, as migration 0003 made them: a first fill builds them afresh.
POINT_INDEXES: dict[str, str] = {
    "ix_practitioner_points_geog": "USING gist (geog)",
    "ix_practitioner_points_npi": "(npi)",
    "ix_practitioner_points_site": "(latitude, longitude, npi)",
}
_UNIQUE = {"ix_practitioner_points_npi"}
# Built at the same time on two connections after a first fill: the GiST, and the B-trees.
_SIDE_BY_SIDE = [
    ["ix_practitioner_points_geog"],
    ["ix_practitioner_points_npi", "ix_practitioner_points_site"],
]


def _create_index(name: str) -> str:
    unique = "UNIQUE " if name in _UNIQUE else ""
    return f"CREATE {unique}INDEX IF NOT EXISTS {name} ON practitioner_points {POINT_INDEXES[name]}"


# What the view is made from: every change to ``practitioners`` is an NPPES import (which
# records a run) or adds rows, so this changes whenever the view's rows may have.
_SOURCE_SQL = text(
    "SELECT (SELECT count(*) FROM practitioners) || ':' || coalesce((SELECT max(id) "
    "FROM import_runs WHERE kind = 'nppes' AND status = 'succeeded'), 0)"
)
_RECORD_SQL = text(
    "INSERT INTO search_refreshes (name, source, refreshed_at) VALUES (:name, :source, now()) "
    "ON CONFLICT (name) DO UPDATE "
    "SET source = excluded.source, refreshed_at = excluded.refreshed_at"
)
_VIEW = "practitioner_points"
_LOCK = "SELECT pg_advisory_{}(hashtext('pinpoint_practitioner_points'))"
# The indexes whose directory state the view was checked against, by id (an index is not
# hashable); an entry goes with its index.
_ENSURED: dict[int, weakref.ref[DirectoryIndex]] = {}
_ENSURE_LOCK = threading.Lock()


def refresh_points(engine: Engine, *, only_if_changed: bool = False) -> bool:
    """Bring ``practitioner_points`` up to date with ``practitioners``; True if it was.

    The search side calls this (:func:`ensure_points`), not the writers: an import only
    writes the directory, as it leaves the in-process index to be rebuilt by whoever
    searches next. ``only_if_changed``: nothing when the directory is as it was at the
    last refresh (``search_refreshes``), which another process may have made. Refreshers
    take turns on an advisory lock; the state is read before the refresh, so a change
    committed meanwhile only makes the next check refresh again.

    Concurrently (searches read on meanwhile) when the view holds points. An empty view
    is filled in one plain pass without its indexes, which are then built side by side on
    two connections: the GiST index on one, the two B-trees on the other. Should that be
    stopped half-way, the next refresh builds what is missing first.
    """
    if postgis_schema(engine) is None:
        return False
    with engine.connect() as conn:
        conn.execute(text(_LOCK.format("lock")))
        conn.commit()
        try:
            source = str(conn.execute(_SOURCE_SQL).scalar_one())
            stored = conn.execute(
                text("SELECT source FROM search_refreshes WHERE name = :name"), {"name": _VIEW}
            ).scalar()
            conn.commit()
            if only_if_changed and stored == source:
                return False
            _refresh(engine)
            conn.execute(_RECORD_SQL, {"name": _VIEW, "source": source})
            conn.commit()
            return True
        finally:
            try:
                conn.rollback()
                conn.execute(text(_LOCK.format("unlock")))
                conn.commit()
            except Exception:  # a broken connection: closing it releases the lock, and the
                conn.invalidate()  # error that broke it is the one raised


def ensure_points(engine: Engine, index: DirectoryIndex) -> None:
    """Before a database-side search: the view as fresh as ``index``, checked once per
    index (an index is built again whenever the directory changes, :mod:`cache`)."""
    key = id(index)

    def checked() -> bool:
        found = _ENSURED.get(key)
        return found is not None and found() is index

    if checked():
        return
    with _ENSURE_LOCK:
        if not checked():
            refresh_points(engine, only_if_changed=True)
            _ENSURED[key] = weakref.ref(index, lambda _: _ENSURED.pop(key, None))


def _refresh(engine: Engine) -> None:
    with engine.begin() as conn:
        filled = conn.execute(text("SELECT EXISTS (SELECT 1 FROM practitioner_points)")).scalar()
        if filled:
            for name in POINT_INDEXES:
                conn.execute(text(_create_index(name)))
            conn.execute(text("REFRESH MATERIALIZED VIEW CONCURRENTLY practitioner_points"))
            return
        for name in POINT_INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        conn.execute(text("REFRESH MATERIALIZED VIEW practitioner_points"))
    _build_side_by_side(engine, _SIDE_BY_SIDE)


def _build_side_by_side(engine: Engine, groups: list[list[str]]) -> None:
    """Build each group of indexes on its own connection, the groups at the same time."""

    def build(names: list[str]) -> None:
        with engine.begin() as conn:
            for name in names:
                conn.execute(text(_create_index(name)))

    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        for done in [pool.submit(build, names) for names in groups]:
            done.result()


# --- the statements ------------------------------------------------------------------------
# ``s`` below is always the PostGIS schema name read from ``pg_extension``, never user input;
# values travel as bound parameters.


def _point_sql(s: str) -> str:
    return f"{s}.geography({s}.st_setsrid({s}.st_makepoint(%(lon)s, %(lat)s), 4326))"


def _within(s: str) -> str:
    return f"{s}.st_dwithin(geog, {_point_sql(s)}, %(hi)s, false)"


def _nearest_sql(s: str, every_profession: bool) -> str:
    """The KNN scan alone: the ``n`` nearest (npi, latitude, longitude), nearest first."""
    where = "" if every_profession else "profession = ANY(%(profs)s) AND "
    return (
        "SELECT npi, latitude, longitude FROM practitioner_points "  # noqa: S608
        f"WHERE {where}{_within(s)} "
        f"ORDER BY geog OPERATOR({s}.<->) {_point_sql(s)} LIMIT %(n)s"
    )


def page_sql(s: str, every_profession: bool) -> str:
    """The KNN page, with its farthest point's rows in NPI order instead of the scan's."""
    edge_filter = "" if every_profession else " AND e.profession = ANY(%(profs)s)"
    return (
        f"WITH knn AS MATERIALIZED ({_nearest_sql(s, every_profession)}), "  # noqa: S608
        "edge AS (SELECT latitude, longitude FROM knn OFFSET %(n)s - 1 LIMIT 1) "
        "SELECT npi, latitude, longitude FROM knn WHERE NOT EXISTS (SELECT FROM edge "
        "WHERE edge.latitude = knn.latitude AND edge.longitude = knn.longitude) "
        "UNION ALL (SELECT e.npi, e.latitude, e.longitude FROM practitioner_points e "
        "WHERE e.latitude = (SELECT latitude FROM edge) "
        f"AND e.longitude = (SELECT longitude FROM edge){edge_filter} ORDER BY e.npi LIMIT %(n)s)"
    )


def _within_sql(s: str) -> str:
    return (
        "SELECT npi, latitude, longitude FROM practitioner_points "  # noqa: S608
        f"WHERE profession = ANY(%(profs)s) AND {_within(s)}"
    )


def _params(
    lat: float, lon: float, radius_miles: float, professions: Sequence[Profession], n: int
) -> dict[str, object]:
    return {
        "lat": lat,
        "lon": lon,
        "profs": [p.value for p in (professions or tuple(Profession))],
        "hi": radius_miles / geo.EARTH_RADIUS_MILES * _POSTGIS_SPHERE_M * (1 + _SLACK),
        "n": n,
    }


def _require_schema(engine: Engine) -> str:
    s = postgis_schema(engine)
    if s is None:
        raise RuntimeError("PostGIS search needs PostgreSQL with migration 0003 applied")
    return s


# --- the search ---------------------------------------------------------------------------


def postgis_find(
    engine: Engine, index: DirectoryIndex, q: PageQuery
) -> tuple[int, IntArray, FloatArray]:
    """:meth:`DirectoryIndex.find`'s answer, the page computed by PostGIS.

    ``eligible_only`` needs every verdict in the radius, so that filter reads all rows in
    the radius. NPIs the index does not hold yet (it is rebuilt a moment after a change)
    are left out.
    """
    from pinpoint.directory.search.pg_sessions import execute_generic

    s = _require_schema(engine)
    ensure_points(engine, index)
    params = _params(q.lat, q.lon, q.radius_miles, q.professions, q.offset + q.limit)
    if q.eligible_on is None:
        every = not q.professions
        found = execute_generic(engine, page_sql(s, every_profession=every), params)
        total = index.count(q)
        rows, miles = _ranked(index, found, q)
    else:
        found = execute_generic(engine, _within_sql(s), params)
        rows, miles = _ranked(index, found, q)
        eligible = index.verdicts(q.eligible_on).eligible[rows]
        rows, miles = rows[eligible], miles[eligible]
        total = len(rows)
    page = slice(q.offset, q.offset + q.limit)
    return total, rows[page], miles[page]


def _ranked(
    index: DirectoryIndex, found: Sequence[tuple[Any, ...]], q: PageQuery
) -> tuple[IntArray, FloatArray]:
    """Index rows of the found NPIs within the radius by the canonical distance, ranked by
    (distance, NPI)."""
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    rows = index.rows_of([str(f[0]) for f in found])
    lats = np.array([float(f[1]) for f in found], dtype=np.float64)
    lons = np.array([float(f[2]) for f in found], dtype=np.float64)
    miles = geo.haversine_miles_many(q.lat, q.lon, lats, lons)
    keep = (rows >= 0) & (miles <= q.radius_miles)
    rows, miles = rows[keep], miles[keep]
    order = np.lexsort((rows, miles))
    return rows[order], miles[order]


# --- the plan, for tests and benchmarks -----------------------------------------------------

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
    """``EXPLAIN ANALYZE EXECUTE`` of the page statement, planned as :func:`postgis_find` runs it.

    The statement is prepared under the same ``force_generic_plan`` setting, so this is the
    plan every search gets, whatever the point (an ``EXPLAIN`` with values would show the
    plan for those literal values instead).
    """
    from psycopg import sql as pgsql

    s = _require_schema(engine)
    params = _params(lat, lon, radius_miles, professions, n)
    statement = page_sql(s, every_profession=not professions)
    for i, (name, _) in enumerate(_PLAN_PARAMS, start=1):
        statement = statement.replace(f"%({name})s", f"${i}")
    types = ", ".join(t for _, t in _PLAN_PARAMS)
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        raw.execute(f"PREPARE pinpoint_page_plan ({types}) AS {statement}")
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
