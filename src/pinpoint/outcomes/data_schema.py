"""The shape of the shipped instrument files (``data/instruments/*.toml``, ``data/mcids.toml``).

Every rule and band carries the checks it rests on: what was checked, in which source,
on which date and how sure we are. Unknown fields are refused.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pinpoint.outcomes.vocabulary import Better, Condition, InstrumentCode, Rule


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(_Strict):
    """One published band. A score is in the last band whose ``low`` it has reached."""

    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    low: int = Field(ge=0, description="published lower edge; reached means in this band")
    high: int = Field(description="published upper edge, for display")
    label: str


class Item(_Strict):
    number: int = Field(ge=1)
    name: str
    text: str | None = Field(default=None, description="published wording, where terms allow")
    anchors: dict[str, str] | None = None


class Loinc(_Strict):
    panel: str | None = None
    total: str | None = None
    items: list[str] = Field(default_factory=list)
    verified: bool
    source: str


class Check(_Strict):
    """One fact checked against a source, with the date it was checked."""

    fact: str
    source: str
    url: str | None = None
    seen_in: str | None = None
    checked_on: date
    confidence: str


class Instrument(_Strict):
    """Everything Pinpoint knows about one instrument, from its data file."""

    code: InstrumentCode
    name: str
    version: str
    item_noun: str
    min_items: int = Field(ge=1)
    max_items: int = Field(ge=1)
    item_min: int
    item_max: int
    score_max: int
    unit: str
    better: Better
    rule: Rule
    max_missing: int = Field(ge=0, description="most items that may be missing and still scored")
    stem: str | None = None
    safety_item: int | None = Field(
        default=None, description="item whose answer above 0 needs a same-day safety response"
    )
    report_percent: bool = Field(
        default=False, description="give score x 100 / score_max beside the score"
    )
    rule_text: str
    missing_text: str
    wording: str
    licence: str
    loinc: Loinc | None = None
    answers: dict[str, str] | None = None
    bands: list[Band] = Field(default_factory=list)
    items: list[Item]
    checks: list[Check] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        if not self.max_missing < self.min_items <= self.max_items == len(self.items):
            raise ValueError("need max_missing < min_items <= max_items == number of items")
        if [i.number for i in self.items] != list(range(1, len(self.items) + 1)):
            raise ValueError("items must be numbered 1, 2, 3, ... in order")
        lows = [b.low for b in self.bands]
        if self.bands and (lows[0] != 0 or lows != sorted(set(lows))):
            raise ValueError("bands must start at 0 and rise")
        if self.bands and self.bands[-1].high != self.score_max:
            raise ValueError("the last band must end at the score's maximum")
        return self

    def item(self, number: int) -> Item:
        return self.items[number - 1]


class McidData(_Strict):
    instrument: InstrumentCode
    condition: Condition
    default: bool = False
    points: float = Field(gt=0)
    percent: float | None = Field(default=None, gt=0, le=100)
    scale: str = Field(description="points, percentage points, percent (NDI) or raw (NDI)")
    citation: str
    checked_on: date


class McidFile(_Strict):
    mcids: list[McidData]
