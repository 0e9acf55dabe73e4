"""Building the search index from the database: one query, columns, the hits' JSON.

The whole index reads every row's index part and public part at once; a bounded search
(:mod:`bounded`) reads the index part around its circle, then the public part of its page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from sqlalchemy import Connection, Engine, TextClause, bindparam, text

from pinpoint.directory import display
from pinpoint.directory.search.hits import PUBLIC_FIELDS, HitTable
from pinpoint.directory.search.index import DirectoryIndex, IntArray
from pinpoint.directory.search.verdicts import PROFESSION_CODE, RowFilings, TrainingColumns
from pinpoint.directory.training import (
    FILINGS_SQL,
    TOTALS_SQL,
    FilingDates,
    filings_sql,
    totals_sql,
)
from pinpoint.errors import Unavailable

FloatArray = npt.NDArray[np.float64]

# What the index keeps of every row (who, where, the summed training; ``c``: TOTALS_SQL)...
_INDEX_COLUMNS = (
    "p.npi, p.state, p.profession, p.latitude, p.longitude,"
    " c.hours, c.in_person, c.since, c.supervised"
)
INDEX_WIDTH = 9
LATITUDE, LONGITUDE = 3, 4  # places in a row
# ... and what a hit shows of it (hits.PUBLIC_FIELDS are made from these).
_PUBLIC_COLUMNS = (
    "p.npi, p.first_name, p.middle_name, p.last_name, p.name_suffix, p.credential,"
    " p.profession, p.taxonomy, p.address_line, p.phone, p.city, p.state, p.zip5"
)
_PUBLIC_WIDTH = 13
_ACTIVE_GEOCODED = "p.active AND p.latitude IS NOT NULL AND p.longitude IS NOT NULL"

# Every active, geocoded practitioner, both parts, in NPI order: the whole index at once.
_ROWS_SQL = text(
    f"""
    SELECT {_INDEX_COLUMNS}, {_PUBLIC_COLUMNS}
    FROM practitioners p LEFT JOIN ({TOTALS_SQL}) c ON c.npi = p.npi
    WHERE {_ACTIVE_GEOCODED} ORDER BY p.npi
    """  # noqa: S608 - constants of this package, no input
)
# The public part of some practitioners (the page of a bounded search), in NPI order.
_PUBLIC_SQL = text(
    f"SELECT {_PUBLIC_COLUMNS} FROM practitioners p WHERE p.npi IN :npis ORDER BY p.npi"  # noqa: S608
).bindparams(bindparam("npis", expanding=True))


def index_rows_sql(where: str) -> TextClause:
    """The index part of the active, geocoded practitioners that ``where`` keeps, in NPI
    order. ``where``: constant SQL of this package on ``p`` (values as bound parameters);
    the training sums are read for those practitioners only."""
    practitioners = f"SELECT p.npi FROM practitioners p WHERE {where}"  # noqa: S608
    return text(
        f"""
        SELECT {_INDEX_COLUMNS}
        FROM practitioners p LEFT JOIN ({totals_sql(f"npi IN ({practitioners})")}) c
             ON c.npi = p.npi
        WHERE {_ACTIVE_GEOCODED} AND {where} ORDER BY p.npi
        """  # noqa: S608 - constants of this package; values are bound parameters
    )


def _day(value: object) -> date:
    """A date as the driver returns it (SQLite: ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_date(value: object) -> date | None:
    return None if value is None else _day(value)


def row_filings(
    conn: Connection, npis: Sequence[str], where: str = "", values: dict[str, object] | None = None
) -> RowFilings:
    """The board filings of the practitioners at these (sorted) NPIs, by row; ``where``
    (constant SQL on ``p``, values bound) narrows the read to the rows an index holds."""
    sql = text(filings_sql(where) if where else FILINGS_SQL)
    keys = np.array([n.encode() for n in npis], dtype=np.bytes_)
    found: dict[int, list[FilingDates]] = {}
    for npi, state, filed_on, expires_on in conn.execute(sql, values or {}):
        key = str(npi).encode()
        row = int(np.searchsorted(keys, key))
        if row < len(keys) and keys[row] == key:
            filing = FilingDates(state, _day(filed_on), _as_date(expires_on))
            found.setdefault(row, []).append(filing)
    return RowFilings({row: tuple(filings) for row, filings in found.items()})


def _floats(values: Iterable[Any]) -> FloatArray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _blank_as_null(values: Sequence[str | None]) -> list[str | None]:
    return [v or None for v in values]


def build_index(engine: Engine) -> DirectoryIndex:
    """Read every active, geocoded practitioner, their summed training and board filings."""
    with engine.connect() as conn:
        rows = conn.execute(_ROWS_SQL).all()
        cols = _columns(rows, INDEX_WIDTH + _PUBLIC_WIDTH)
        filings = row_filings(conn, cols[0])
    return index_of(cols[:INDEX_WIDTH], HitTable(_public(cols[INDEX_WIDTH:])), filings)


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[tuple[Any, ...]]:
    return list(zip(*rows, strict=True)) if rows else [()] * width


def index_of(cols: Sequence[Sequence[Any]], hits: HitTable, filings: RowFilings) -> DirectoryIndex:
    """An index of rows in NPI order, from the columns of :data:`_INDEX_COLUMNS`."""
    npi, state, profession, lat, lon, hours, in_person, since, supervised = cols
    return DirectoryIndex(
        npi=np.array([n.encode() for n in npi], dtype=np.bytes_),
        state=np.array([(s or "").encode() for s in state], dtype=np.bytes_),
        profession=np.array([PROFESSION_CODE.get(p, -1) for p in profession], dtype=np.int8),
        lat=_floats(lat),
        lon=_floats(lon),
        training=TrainingColumns(
            hours=_floats(hours),
            in_person=_floats(in_person),
            since=np.array(
                [np.nan if d is None else float(d.toordinal()) for d in map(_as_date, since)]
            ),
            supervised=_floats(supervised),
        ),
        hits=hits,
        filings=filings,
    )


def _public(cols: Sequence[Sequence[Any]]) -> pl.DataFrame:
    """The public fields of rows, from the columns of :data:`_PUBLIC_COLUMNS`."""
    npi, first, middle, last, suffix, credential, profession = cols[:7]
    taxonomy, address_line, phone, city, state, zip5 = cols[7:]
    return pl.DataFrame(
        {
            "npi": list(npi),
            "name": [
                display.person_name(*parts)
                for parts in zip(first, middle, last, suffix, credential, strict=True)
            ],
            # (rows of no known profession never reach a page: any label will do)
            "profession": [p if p in PROFESSION_CODE else "physical_therapist" for p in profession],
            "taxonomy": list(taxonomy),
            "address_line": [display.title(a) for a in address_line],
            "phone": [display.phone(p) for p in phone],
            "city": [display.title(c) for c in city],
            "state": _blank_as_null(state),
            "zip": _blank_as_null(zip5),
        },
        schema=dict.fromkeys(PUBLIC_FIELDS, pl.String),
    )


def page_hits(conn: Connection, index: DirectoryIndex, rows: IntArray) -> HitTable:
    """A hit table holding the public fields of these rows of ``index`` only, read now."""
    wanted = np.unique(rows)
    npis = [n.decode() for n in index.npi[wanted].tolist()]
    found = conn.execute(_PUBLIC_SQL, {"npis": npis}).all() if npis else []
    if [r[0] for r in found] != npis:
        raise Unavailable("the directory changed while this search read it: run it again")
    return HitTable(_public(_columns(found, _PUBLIC_WIDTH)), rows=wanted, size=len(index))
