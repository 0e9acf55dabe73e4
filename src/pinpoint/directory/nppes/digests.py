"""The digests of the rows a filled directory holds, for passing over unchanged rows.

Each practitioner row keeps the digest of the NPPES row it was written from
(:func:`transform._digest`), cleared when a status changes the row. A re-import reads
them once, sorted by NPI, and looks up each batch's rows in one vectorised step: a row
whose digest is the one on record changes nothing, so it is neither staged nor compared.
"""

from __future__ import annotations

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


def read_directory(conn: Connection) -> tuple[pl.Series, Digests]:
    """The NPIs in search now and the digests on record, in one read of the directory
    (through the driver's cursor: a filled directory has millions of rows)."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(
            "SELECT npi, CASE WHEN active THEN 1 ELSE 0 END, row_digest FROM practitioners"
        )
        rows = cursor.fetchall()
    finally:
        cursor.close()
    npis, active, digests = zip(*rows, strict=True) if rows else ((), (), ())
    frame = pl.DataFrame(
        {"npi": npis, "active": active, "row_digest": digests},
        schema={"npi": pl.String, "active": pl.Int8, "row_digest": pl.Int64},
    )
    in_search = frame.filter(pl.col("active") == 1)["npi"]
    return in_search, Digests.of(frame)
