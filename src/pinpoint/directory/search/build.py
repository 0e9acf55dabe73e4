"""Building the search index from the database: one query, columns, the hits' JSON."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from sqlalchemy import Connection, Engine, text

from pinpoint.directory import display
from pinpoint.directory.search.hits import PUBLIC_FIELDS, HitTable
from pinpoint.directory.search.index import DirectoryIndex
from pinpoint.directory.search.verdicts import PROFESSION_CODE, RowFilings, TrainingColumns
from pinpoint.directory.training import FILINGS_SQL, TOTALS_SQL, FilingDates

FloatArray = npt.NDArray[np.float64]

# Every active, geocoded practitioner with their summed training, in NPI order.
_ROWS_SQL = text(
    f"""
    SELECT p.npi, p.first_name, p.middle_name, p.last_name, p.name_suffix, p.taxonomy,
           p.city, p.state, p.zip5, p.profession, p.latitude, p.longitude,
           c.hours, c.in_person, c.since, c.supervised, p.credential, p.address_line, p.phone
    FROM practitioners p LEFT JOIN ({TOTALS_SQL}) c ON c.npi = p.npi
    WHERE p.active AND p.latitude IS NOT NULL AND p.longitude IS NOT NULL
    ORDER BY p.npi
    """  # noqa: S608 - a constant of this package, no input
)


_FILINGS_SQL = text(FILINGS_SQL)


def _day(value: object) -> date:
    """A date as the driver returns it (SQLite: ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_date(value: object) -> date | None:
    return None if value is None else _day(value)


def _floats(values: Iterable[Any]) -> FloatArray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _blank_as_null(values: Sequence[str | None]) -> list[str | None]:
    return [v or None for v in values]


def _row_filings(conn: Connection, npis: npt.NDArray[np.bytes_]) -> RowFilings:
    """The board filings of the practitioners at these (sorted) NPIs, by row."""
    found: dict[int, list[FilingDates]] = {}
    for npi, state, filed_on, expires_on in conn.execute(_FILINGS_SQL):
        key = str(npi).encode()
        row = int(np.searchsorted(npis, key))
        if row < len(npis) and npis[row] == key:
            filing = FilingDates(state, _day(filed_on), _as_date(expires_on))
            found.setdefault(row, []).append(filing)
    return RowFilings({row: tuple(filings) for row, filings in found.items()})


def build_index(engine: Engine) -> DirectoryIndex:
    """Read every active, geocoded practitioner, their summed training and board filings."""
    with engine.connect() as conn:
        rows = conn.execute(_ROWS_SQL).all()
        cols: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * 19
        npis = np.array([n.encode() for n in cols[0]], dtype=np.bytes_)
        filings = _row_filings(conn, npis)
    npi, first, middle, last, suffix, taxonomy, city, state, zip5, profession = cols[:10]
    public = pl.DataFrame(
        {
            "npi": list(npi),
            "name": [
                display.person_name(*parts)
                for parts in zip(first, middle, last, suffix, cols[16], strict=True)
            ],
            # (rows of no known profession never reach a page: any label will do)
            "profession": [p if p in PROFESSION_CODE else "physical_therapist" for p in profession],
            "taxonomy": list(taxonomy),
            "address_line": [display.title(a) for a in cols[17]],
            "phone": [display.phone(p) for p in cols[18]],
            "city": [display.title(c) for c in city],
            "state": _blank_as_null(state),
            "zip": _blank_as_null(zip5),
        },
        schema=dict.fromkeys(PUBLIC_FIELDS, pl.String),
    )
    since = (_as_date(v) for v in cols[14])
    return DirectoryIndex(
        npi=npis,
        state=np.array([(s or "").encode() for s in state], dtype=np.bytes_),
        profession=np.array([PROFESSION_CODE.get(p, -1) for p in profession], dtype=np.int8),
        lat=_floats(cols[10]),
        lon=_floats(cols[11]),
        training=TrainingColumns(
            hours=_floats(cols[12]),
            in_person=_floats(cols[13]),
            since=np.array([np.nan if d is None else float(d.toordinal()) for d in since]),
            supervised=_floats(cols[15]),
        ),
        filings=filings,
        hits=HitTable(public),
    )
