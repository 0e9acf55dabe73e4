"""The NPIs an import has already written: one bit per possible NPI.

An NPI is fixed by its first nine digits (the tenth is their check digit), so a set of
NPIs is a bit array of 10**9 bits. It is allocated zeroed and the operating system only
backs the pages that get written: NPIs cluster (they start with 1 or 2), so a monthly
file's 1.8 million practitioners touch a few tens of MiB, and every lookup and insertion
is a vectorised array operation, where a Python set of strings would take hundreds of MiB.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

_BASES = 10**9


class NpiSet:
    """A set of valid NPIs (10 ASCII digits); anything else is never in it."""

    def __init__(self) -> None:
        self._bits = np.zeros(_BASES // 8, dtype=np.uint8)

    @staticmethod
    def _bases(npis: pl.Series) -> npt.NDArray[np.int64]:
        """Each NPI's 9-digit base, -1 for a value that is not 10 ASCII digits."""
        shaped = npis.str.contains(r"^[0-9]{10}$").fill_null(False).to_numpy()
        bases = npis.str.slice(0, 9).cast(pl.Int64, strict=False).fill_null(-1).to_numpy()
        return np.where(shaped, bases, -1)

    def contains(self, npis: pl.Series) -> npt.NDArray[np.bool_]:
        bases = self._bases(npis)
        valid = bases >= 0
        found = np.zeros(len(bases), dtype=bool)
        b = bases[valid]
        found[valid] = ((self._bits[b >> 3] >> (b & 7).astype(np.uint8)) & 1) == 1
        return found

    def add(self, npis: pl.Series) -> None:
        bases = self._bases(npis)
        b = bases[bases >= 0]
        np.bitwise_or.at(self._bits, b >> 3, (1 << (b & 7)).astype(np.uint8))
