"""The digests of the rows a filled directory holds, for passing over unchanged rows.

Each practitioner row keeps the digest of the NPPES row it was written from
(:func:`transform.with_digest`), cleared when a status changes the row. A re-import reads
them once, sorted by NPI, and looks up each batch's rows in one vectorised step: a row
whose digest is the one on record changes nothing, so it is neither staged nor compared.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from sqlalchemy import Connection


class Digests:
    """Stored digests by NPI (as the 9-digit base), sorted for lookup."""

    def __init__(self, bases: npt.NDArray[np.int64], digests: npt.NDArray[np.int64]) -> None:
        order = np.argsort(bases, kind="stable")
        self._bases = bases[order]
        self._digests = digests[order]

    @classmethod
    def of(cls, frame: pl.DataFrame) -> Digests:
        """From a frame of ``npi`` and ``row_digest`` (rows without a digest left out)."""
        frame = frame.filter(pl.col("row_digest").is_not_null())
        bases = frame["npi"].str.slice(0, 9).cast(pl.Int64, strict=False).fill_null(-1)
        return cls(bases.to_numpy(), frame["row_digest"].to_numpy())

    def __len__(self) -> int:
        return len(self._bases)

    def matches(
        self, bases: npt.NDArray[np.int64], digests: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.bool_]:
        """For each row (NPI base, digest): whether that digest is the one on record."""
        if not len(self._bases):
            return np.zeros(len(bases), dtype=bool)
        at = np.minimum(np.searchsorted(self._bases, bases), len(self._bases) - 1)
        found: npt.NDArray[np.bool_] = (self._bases[at] == bases) & (self._digests[at] == digests)
        return found


_DIRECTORY_SQL = "SELECT npi, CASE WHEN active THEN 1 ELSE 0 END, row_digest FROM practitioners"
_DIRECTORY_SCHEMA = {"npi": pl.String, "active": pl.Int8, "row_digest": pl.Int64}


def read_directory(conn: Connection) -> tuple[pl.Series, Digests]:
    """The NPIs in search now and the digests on record, in one read of the directory
    (a filled directory has millions of rows: PostgreSQL sends them with ``COPY`` as CSV
    that polars parses, SQLite through the driver's cursor)."""
    raw: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        buffer = io.BytesIO()
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY ({_DIRECTORY_SQL}) TO STDOUT (FORMAT csv)") as copy,
        ):
            for block in copy:
                buffer.write(block)
        frame = pl.read_csv(
            buffer.getvalue(), has_header=False, new_columns=list(_DIRECTORY_SCHEMA),
            schema_overrides=_DIRECTORY_SCHEMA,
        )  # fmt: skip
    else:
        cursor = raw.cursor()
        try:
            rows = cursor.execute(_DIRECTORY_SQL).fetchall()
        finally:
            cursor.close()
        columns = zip(*rows, strict=True) if rows else ((), (), ())
        frame = pl.DataFrame(
            dict(zip(_DIRECTORY_SCHEMA, columns, strict=True)), schema=_DIRECTORY_SCHEMA
        )
    in_search = frame.filter(pl.col("active") == 1)["npi"]
    return in_search, Digests.of(frame)
