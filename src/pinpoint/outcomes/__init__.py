"""Patient-reported outcomes: instruments scored by their published rules, and change.

Pure functions over plain values; no database, web or CLI. The public API:

- ``score_responses(instrument, responses, activities=None) -> ScoreResult``
- ``compare(before, after, condition=None) -> Change``
- ``get_instrument(code) -> Instrument`` (items, bands, sources, LOINC codes)
- ``describe(result)``, ``describe_change(change)``, ``shown(value)`` for display
"""

from __future__ import annotations

from pinpoint.outcomes.catalogue import get_instrument, instruments, mcid_for
from pinpoint.outcomes.change import compare
from pinpoint.outcomes.data_schema import Band, Instrument, Item
from pinpoint.outcomes.display import CRISIS_LINE, describe, describe_change, headline, shown
from pinpoint.outcomes.schemas import Change, Mcid, ScoreResult
from pinpoint.outcomes.scoring import band_for, score_responses
from pinpoint.outcomes.vocabulary import Better, Condition, InstrumentCode

__all__ = [
    "CRISIS_LINE",
    "Band",
    "Better",
    "Change",
    "Condition",
    "Instrument",
    "InstrumentCode",
    "Item",
    "Mcid",
    "ScoreResult",
    "band_for",
    "compare",
    "describe",
    "describe_change",
    "get_instrument",
    "headline",
    "instruments",
    "mcid_for",
    "score_responses",
    "shown",
]
