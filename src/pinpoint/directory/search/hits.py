"""A search hit's public fields: the one place index rows become what users see.

When the index is built, every row's public fields (``SearchHit``'s fields before the
distance, in the model's order) are written as JSON by polars in one vectorised pass, and
each row's start and end in that buffer are kept. A page's API answer is then sliced out
of the buffer and completed with the distance and the verdict's JSON (kept once per
combination of facts, :class:`PublicVerdicts`); the ``SearchHit`` models the CLI and pages
use are parsed back from the same bytes, so API, CLI and pages cannot disagree.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import polars as pl

from pinpoint.directory.schemas import EligibilityPublic, SearchHit, construct_trusted
from pinpoint.directory.search.verdicts import Verdicts
from pinpoint.law.vocabulary import Profession

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# The public fields a hit carries before its distance and verdict, in SearchHit's order.
PUBLIC_FIELDS: tuple[str, ...] = tuple(
    name for name in SearchHit.model_fields if name not in ("distance_miles", "eligibility")
)


@dataclass(frozen=True)
class PublicVerdicts:
    """Each combination's verdict as JSON (the end of a hit's object) and as a model."""

    tails: list[bytes]  # ',"eligibility":{...}},' per combination
    models: list[EligibilityPublic]

    @classmethod
    def of(cls, verdicts: Verdicts) -> PublicVerdicts:
        models = [
            EligibilityPublic.model_construct(verdict=a.verdict, reasons=list(a.reasons))
            for a in verdicts.answers
        ]
        tails = [b',"eligibility":%b},' % m.model_dump_json().encode() for m in models]
        return cls(tails, models)


class HitTable:
    """Every row's public fields as JSON, and the row's start and end in the buffer."""

    def __init__(
        self, public: pl.DataFrame, rows: IntArray | None = None, size: int | None = None
    ) -> None:
        """``public``: one row per index row, with the :data:`PUBLIC_FIELDS` columns; or
        one per row of ``rows`` (sorted) of an index of ``size`` rows, for a page of them."""
        out = io.BytesIO()
        public.select(PUBLIC_FIELDS).write_ndjson(out)
        self.buffer = out.getvalue()
        # JSON escapes every newline inside strings, so each one ends a row.
        newlines = np.flatnonzero(np.frombuffer(self.buffer, dtype=np.uint8) == ord("\n"))
        starts = np.concatenate(([0], newlines[:-1] + 1))[: len(newlines)].astype(np.int64)
        ends = (newlines - 1).astype(np.int64)  # before each row's "}"
        if rows is not None:  # only these rows of the index have their fields here
            self.starts: IntArray = np.full(size or 0, -1, dtype=np.int64)
            self.ends: IntArray = np.full(size or 0, -1, dtype=np.int64)
            self.starts[rows], self.ends[rows] = starts, ends
        else:
            self.starts, self.ends = starts, ends

    @classmethod
    def unfilled(cls, size: int) -> HitTable:
        """A table for an index of ``size`` rows, none of them with its fields yet."""
        empty = pl.DataFrame(schema=dict.fromkeys(PUBLIC_FIELDS, pl.String))
        return cls(empty, rows=np.zeros(0, dtype=np.int64), size=size)

    def __len__(self) -> int:
        return len(self.starts)

    def _page(
        self, rows: IntArray, miles: FloatArray, verdicts: Verdicts
    ) -> Iterator[tuple[int, int, float, int]]:
        """Per hit: its JSON's start and end, its distance and its verdict's combination."""
        return zip(
            self.starts[rows].tolist(),
            self.ends[rows].tolist(),
            miles.tolist(),
            verdicts.combo[rows].tolist(),
            strict=True,
        )

    def json(
        self, rows: IntArray, miles: FloatArray, verdicts: Verdicts, public: PublicVerdicts
    ) -> bytes:
        """The JSON array of a page's SearchHit objects: the bytes pydantic would write."""
        if len(rows) == 0:
            return b"[]"
        buffer, tails = self.buffer, public.tails
        distances: dict[float, bytes] = {}
        parts: list[bytes] = []
        append = parts.append
        for start, end, distance, combo in self._page(rows, miles, verdicts):
            append(buffer[start:end])
            text = distances.get(distance)
            if text is None:
                text = distances[distance] = b',"distance_miles":%r' % round(distance, 2)
            append(text)
            append(tails[combo])
        return b"[" + b"".join(parts)[:-1] + b"]"  # drop the comma after the last hit

    def models(
        self, rows: IntArray, miles: FloatArray, verdicts: Verdicts, public: PublicVerdicts
    ) -> list[SearchHit]:
        """A page's hits as models, parsed from the same JSON the API sends."""
        hits = []
        for start, end, distance, combo in self._page(rows, miles, verdicts):
            fields: dict[str, Any] = orjson.loads(self.buffer[start : end + 1])
            fields["profession"] = Profession(fields["profession"])
            fields["distance_miles"] = round(distance, 2)
            fields["eligibility"] = public.models[combo]
            hits.append(construct_trusted(SearchHit, fields))
        return hits
