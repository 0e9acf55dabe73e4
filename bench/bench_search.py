"""Benchmark (b): radius search over 1,000,000 practitioners clustered around real cities.

Prints p50/p99 of Pinpoint's search calls (the index lookup alone; the JSON answer the API
sends, ``search_practitioners_json``; the pydantic answer, ``find_practitioners_near``; on
SQLite and on PostgreSQL, and the PostGIS path) beside the floors measured in the same run on
the same points: a bare scipy cKDTree nearest-50-within-radius query, and a bare PostGIS
``ORDER BY geog <-> point LIMIT 50`` query. Every line times the same 1,000 queries after
warming up on 50 of them.

    python bench/bench_search.py [--rows 1000000] [--queries 1000] [--no-postgres]

Data goes to /tmp/pinpoint-bench/search.db and the PostgreSQL schema ``bench_search``
(reused when already filled with the same row count).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy.spatial import cKDTree
from sqlalchemy import Engine, text

from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from pinpoint.directory import geo
from pinpoint.directory.search import cache, postgis
from pinpoint.directory.search.index import PageQuery
from pinpoint.directory.service import find_practitioners_near, search_practitioners_json

# City-centre ZIPs of large US metros, with rough weights (millions of people).
METROS = {
    "10001": 19.5,
    "90012": 13.0,
    "60601": 9.4,
    "75201": 7.6,
    "77002": 7.1,
    "20001": 6.3,
    "33130": 6.1,
    "19103": 6.2,
    "30303": 6.1,
    "02108": 4.9,
    "85004": 4.9,
    "94103": 4.7,
    "92501": 4.6,
    "48226": 4.3,
    "98101": 4.0,
    "55401": 3.7,
    "92101": 3.3,
    "33602": 3.2,
    "80202": 3.0,
    "63101": 2.8,
    "21201": 2.8,
    "28202": 2.7,
    "32801": 2.7,
    "78205": 2.6,
    "97204": 2.5,
    "95814": 2.4,
    "15222": 2.4,
    "89101": 2.3,
    "78701": 2.3,
    "45202": 2.3,
    "64105": 2.2,
    "43215": 2.1,
    "46204": 2.1,
    "44113": 2.1,
    "95113": 2.0,
    "37203": 2.0,
    "23219": 1.3,
    "70112": 1.3,
    "84101": 1.3,
    "53202": 1.6,
    "73102": 1.4,
    "40202": 1.3,
    "38103": 1.3,
    "14202": 1.1,
    "06103": 1.2,
    "35203": 1.1,
    "87102": 0.9,
    "68102": 1.0,
    "99501": 0.4,
    "96813": 1.0,
}
PROFESSIONS = ["physical_therapist"] * 6 + ["chiropractor"] * 3 + ["athletic_trainer", "physician"]
OUT = Path("/tmp/pinpoint-bench")
PG_URL = os.environ.get(
    "PINPOINT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def synthetic_rows(n: int, seed: int = 1) -> list[tuple[object, ...]]:
    """Practitioners at ZIP centroids within 40 miles of metro centres (as geocoded by ZIP)."""
    rng = random.Random(seed)
    all_zips = geo.known_zip_codes()
    pts = np.array([geo.zip_centroid(z) for z in all_zips])
    pools, weights = [], []
    for centre, weight in METROS.items():
        c = geo.zip_centroid(centre)
        d = geo.haversine_miles_many(c.latitude, c.longitude, pts[:, 0], pts[:, 1])
        near = np.flatnonzero(d <= 40)
        # nearer ZIPs are busier
        # (cumulative weights once: the same draws as ``weights=``, without re-summing)
        pools.append((near, list(itertools.accumulate((1.0 / (1.0 + d[near] / 8.0)).tolist()))))
        weights.append(weight)
    metro_of = rng.choices(range(len(pools)), weights=weights, k=n)
    rows: list[tuple[object, ...]] = []
    for i, m in enumerate(metro_of):
        near, w = pools[m]
        z = int(rng.choices(near, cum_weights=w, k=1)[0]) if len(near) > 1 else int(near[0])
        zip5 = all_zips[z]
        rows.append(
            (
                f"{1_000_000_000 + i:010d}",
                f"Synthetic{i}",
                "Demo",
                None,
                None,
                None,
                "DPT",
                rng.choice(PROFESSIONS),
                "225100000X",
                "1 Demo St",
                "Democity",
                "CO",
                zip5,
                "US",
                None,
                float(pts[z, 0]),
                float(pts[z, 1]),
                None,
                None,
                None,
                None,
                True,
                True,
            )
        )
    return rows


COLUMNS = (
    "npi, last_name, first_name, middle_name, name_prefix, name_suffix, credential, profession,"
    " taxonomy, address_line, city, state, zip5, country, phone, latitude, longitude,"
    " enumerated_on, updated_on, deactivated_on, reactivated_on, active, synthetic"
)


def fill(engine: Engine, rows: list[tuple[object, ...]]) -> None:
    with engine.connect() as conn:
        have = conn.execute(text("SELECT COUNT(*) FROM practitioners")).scalar()
    if have == len(rows):
        return
    t = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM practitioners"))
        raw = conn.connection.driver_connection
        assert raw is not None
        if engine.dialect.name == "postgresql":
            with raw.cursor().copy(f"COPY practitioners ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * 23)
            raw.executemany(f"INSERT INTO practitioners ({COLUMNS}) VALUES ({marks})", rows)
    if engine.dialect.name == "postgresql":
        postgis.refresh_points(engine)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    print(
        f"  loaded {len(rows):,} rows into {engine.dialect.name} in {time.perf_counter() - t:.1f} s"
    )


def timed(fn: Callable[[str], object], zips: list[str]) -> tuple[float, float]:
    for z in zips[:50]:
        fn(z)
    samples = []
    for z in zips:
        t = time.perf_counter_ns()
        fn(z)
        samples.append((time.perf_counter_ns() - t) / 1e6)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def report(label: str, p: tuple[float, float], floor: tuple[float, float] | None = None) -> None:
    ratio = f"  ratio p50 {p[0] / floor[0]:.1f}x, p99 {p[1] / floor[1]:.1f}x" if floor else ""
    print(f"  {label:<58} p50 {p[0]:7.3f} ms  p99 {p[1]:7.3f} ms{ratio}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--radius", type=float, default=25.0)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    t = time.perf_counter()
    rows = synthetic_rows(args.rows)
    print(f"generated {len(rows):,} practitioners in {time.perf_counter() - t:.1f} s")
    rng = random.Random(2)
    zips = [str(r[12]) for r in rng.sample(rows, args.queries)]
    radius, chord = args.radius, geo.chord_for_miles(args.radius)

    lat = np.array([r[15] for r in rows], dtype=float)
    lon = np.array([r[16] for r in rows], dtype=float)
    tree = cKDTree(geo.unit_vectors(lat, lon))
    centres = {z: geo.unit_vector(*geo.zip_centroid(z)) for z in zips}
    floor = timed(lambda z: tree.query(centres[z], k=50, distance_upper_bound=chord), zips)
    counts = [int(tree.query_ball_point(centres[z], chord, return_length=True)) for z in zips]
    print(
        f"points within {radius:g} miles of the query ZIPs: "
        f"median {statistics.median(counts):,.0f}, max {max(counts):,}"
    )
    print("in-process")
    report("floor: bare cKDTree query(k=50, distance_upper_bound)", floor)

    sqlite = make_engine(f"sqlite:///{OUT / 'search.db'}")
    upgrade(sqlite)
    fill(sqlite, rows)
    t = time.perf_counter()
    index = cache.warm(sqlite)  # what a server worker does at startup
    print(f"  index built from SQLite in {time.perf_counter() - t:.1f} s ({len(index):,} rows)")
    c = geo.zip_centroid
    report(
        "index.find only (total + page rows, no records built)",
        timed(lambda z: index.find(PageQuery(*c(z), radius)), zips),
        floor,
    )
    report(
        "search_practitioners_json, SQLite (the API's answer bytes)",
        timed(lambda z: search_practitioners_json(sqlite, z, radius), zips),
        floor,
    )
    report(
        "find_practitioners_near, SQLite (pydantic models)",
        timed(lambda z: find_practitioners_near(sqlite, z, radius), zips),
        floor,
    )
    report(
        "  ... and model_dump_json",
        timed(lambda z: find_practitioners_near(sqlite, z, radius).model_dump_json(), zips),
        floor,
    )
    report(
        "search_practitioners_json, one profession",
        timed(lambda z: search_practitioners_json(sqlite, z, radius, ["chiropractor"]), zips),
        floor,
    )
    if args.no_postgres:
        return
    pg_search(rows, zips, radius, floor)


def pg_search(
    rows: list[tuple[object, ...]], zips: list[str], radius: float, floor: tuple[float, float]
) -> None:
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text("CREATE SCHEMA IF NOT EXISTS bench_search"))
    admin.dispose()
    joiner = "&" if "?" in PG_URL else "?"
    pg = make_engine(f"{PG_URL}{joiner}options=-csearch_path%3Dbench_search,public")
    upgrade(pg)
    fill(pg, rows)
    print("PostgreSQL")
    t = time.perf_counter()
    cache.warm(pg)
    print(f"  index built from PostgreSQL in {time.perf_counter() - t:.1f} s")
    report(
        "search_practitioners_json, PostgreSQL (in-process index)",
        timed(lambda z: search_practitioners_json(pg, z, radius), zips),
        floor,
    )
    report(
        "find_practitioners_near, PostgreSQL (in-process index)",
        timed(lambda z: find_practitioners_near(pg, z, radius), zips),
        floor,
    )
    s = postgis.postgis_schema(pg)
    point = f"{s}.geography({s}.st_setsrid({s}.st_makepoint(%(lon)s, %(lat)s), 4326))"
    within = f"{s}.st_dwithin(geog, {point}, %(m)s, false)"
    bare_sql = (
        f"SELECT npi FROM practitioner_points WHERE {within} "
        f"ORDER BY geog OPERATOR({s}.<->) {point} LIMIT 50"
    )
    count_sql = f"SELECT COUNT(*) FROM practitioner_points WHERE {within}"
    metres = radius / geo.EARTH_RADIUS_MILES * 6371008.7714
    with pg.connect() as conn:
        raw: Any = conn.connection.driver_connection

        def bare(sql: str) -> Callable[[str], object]:
            def run(z: str) -> object:
                p = geo.zip_centroid(z)
                params = {"lat": p.latitude, "lon": p.longitude, "m": metres}
                return raw.execute(sql, params, prepare=True).fetchall()

            return run

        pg_floor = timed(bare(bare_sql), zips)
        pg_count = timed(bare(count_sql), zips)
    report("floor: bare PostGIS ORDER BY geog <-> point LIMIT 50", pg_floor)
    report(
        "find_practitioners_near(backend='postgis')",
        timed(lambda z: find_practitioners_near(pg, z, radius, backend="postgis"), zips),
        pg_floor,
    )
    report("  (not used: exact ST_DWithin COUNT(*) for the total)", pg_count, pg_floor)
    p = geo.zip_centroid("60601")
    print("  plan of the PostGIS page statement in Chicago, as prepared and run:")
    for line in postgis.postgis_plan(pg, p.latitude, p.longitude, radius):
        print("    " + line)
    pg.dispose()


if __name__ == "__main__":
    main()
