"""The bounded search: one search reads only the practitioners around its circle.

A one-shot search (``pinpoint find``) has no index to reuse, and building the index of the
whole directory costs seconds per hundred thousand practitioners. This path reads the
index part (where, who, summed training) of the active practitioners inside the circle's
latitude/longitude box (:func:`geo.bounding_box`; the ``ix_practitioners_active_geo``
index on (active, latitude, longitude), on SQLite and PostgreSQL alike, serves the
range), keeps those within the radius by the one haversine, and builds an index of just
them with the whole index's builder (:mod:`build`); the page is cut by that index's own
rule (:mod:`index`), with the verdicts of :mod:`verdicts`, and only the page's
practitioners have their public fields read and written by :mod:`hits`. The answer is
the whole index's: nearest first, ties by NPI (the rows keep NPI order), the same total,
verdicts and fields.

The two reads are two statements: practitioners are never deleted from the directory
(a deactivation keeps the row), so the page's NPIs are always found by the second one.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine

from pinpoint.directory import geo
from pinpoint.directory.search.build import (
    INDEX_WIDTH,
    LATITUDE,
    LONGITUDE,
    index_of,
    index_rows_sql,
    page_hits,
    row_filings,
)
from pinpoint.directory.search.hits import HitTable
from pinpoint.directory.search.index import DirectoryIndex, FloatArray, IntArray, PageQuery


def _box_condition(box: geo.Box) -> tuple[str, dict[str, object]]:
    """SQL conditions on ``p`` for the box (``active`` as an equality, so that the index's
    first column is used), and their bound values."""
    values: dict[str, object] = {"active": True, "south": box.south, "north": box.north}
    ranges = []
    for i, (west, east) in enumerate(box.lons):
        ranges.append(f"p.longitude BETWEEN :west{i} AND :east{i}")
        values[f"west{i}"], values[f"east{i}"] = west, east
    where = (
        f"p.active = :active AND p.latitude BETWEEN :south AND :north AND ({' OR '.join(ranges)})"
    )
    return where, values


def bounded_page(engine: Engine, q: PageQuery) -> tuple[DirectoryIndex, int, IntArray, FloatArray]:
    """The index of the practitioners within the query's circle, the total, and the page's
    rows and miles; the index holds the public fields of the page's rows only."""
    where, values = _box_condition(geo.bounding_box(q.lat, q.lon, q.radius_miles))
    with engine.connect() as conn:
        rows = conn.execute(index_rows_sql(where), values).all()
        if rows:
            miles = geo.haversine_miles_many(
                q.lat,
                q.lon,
                np.array([r[LATITUDE] for r in rows], dtype=np.float64),
                np.array([r[LONGITUDE] for r in rows], dtype=np.float64),
            )
            inside = (miles <= q.radius_miles).tolist()
            rows = [r for r, keep in zip(rows, inside, strict=True) if keep]
        cols = list(zip(*rows, strict=True)) if rows else [()] * INDEX_WIDTH
        filings = row_filings(conn, cols[0], where, values)
        index = index_of(cols, HitTable.unfilled(len(rows)), filings)
        total, page, page_miles = index.find(q)
        index.hits = page_hits(conn, index, page)  # the public fields of the page only
    return index, total, page, page_miles
