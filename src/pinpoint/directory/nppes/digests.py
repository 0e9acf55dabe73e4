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
from sqlalchemy import Connection, text


class Digests:
    """Stored digests by NPI (as the 9-digit base), sorted for lookup."""

    def __init__(self, bases: npt.NDArray[np.int64], digests: npt.NDArray[np.int64]) -> None:
        order = np.argsort(bases, kind="stable")
        self._bases = bases[order]
        self._digests = digests[order]

    @classmethod
    def read(cls, conn: Connection) -> Digests:
        rows = conn.execute(
            text("SELECT npi, row_digest FROM practitioners WHERE row_digest IS NOT NULL")
        ).all()
        frame = pl.DataFrame(rows, schema={"npi": pl.String, "row_digest": pl.Int64}, orient="row")
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
