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

_BASES = 10**9


class NpiSet:
    """A set of NPIs, each given by its 9-digit base (the import's ``npi_base``)."""

    def __init__(self) -> None:
        self._bits = np.zeros(_BASES // 8, dtype=np.uint8)

    def contains(self, bases: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """For NPIs given by their 9-digit bases (-1: not an NPI), whether each is in."""
        valid = bases >= 0
        found = np.zeros(len(bases), dtype=bool)
        b = bases[valid]
        found[valid] = ((self._bits[b >> 3] >> (b & 7).astype(np.uint8)) & 1) == 1
        return found

    def add(self, bases: npt.NDArray[np.int64]) -> None:
        b = bases[bases >= 0]
        np.bitwise_or.at(self._bits, b >> 3, (1 << (b & 7)).astype(np.uint8))
