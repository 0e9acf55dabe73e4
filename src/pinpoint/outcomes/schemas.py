"""Output shapes of the outcomes domain: a scored assessment and a change between two.

``ScoreResult`` is SPEC's score object, ``{"instrument", "score", "max",
"missing_items", "band"}``, plus fields that travel with it. Scores are kept unrounded;
round only for display (``display.py``).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from pinpoint.outcomes.vocabulary import Condition, InstrumentCode


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ScoreResult(_Frozen):
    """One assessment scored by its instrument's published rule."""

    instrument: InstrumentCode
    score: float | None = Field(description="unrounded; null when the rule gives no score")
    max: int = Field(description="highest possible score")
    missing_items: list[int] = Field(description="1-based numbers of unanswered items")
    band: str | None = Field(description="published band code; null without bands or score")
    version: str = Field(description="instrument version the answers were given on")
    band_label: str | None = Field(default=None, description="the band in plain words")
    unit: str
    items: int = Field(description="number of items given (PSFS: 3 to 5 activities)")
    answered: int
    percent: float | None = Field(default=None, description="NDI: raw score x 2")
    reason: str | None = Field(default=None, description="why there is no score")
    item9_positive: bool | None = Field(
        default=None,
        description="PHQ-9: item 9 (thoughts of self-harm) above 0; null if unanswered",
    )
    prompts_phq9: bool | None = Field(
        default=None, description="PHQ-2: a positive screen, so give the PHQ-9"
    )
    activities: list[str] | None = Field(default=None, description="PSFS: the named activities")


class Mcid(_Frozen):
    """A minimal clinically important difference: population guidance, not a verdict."""

    instrument: InstrumentCode
    condition: Condition
    points: float
    percent: float | None = Field(description="alternative threshold, % of the first score")
    scale: str
    citation: str
    checked_on: date


Direction = Literal["improved", "worsened", "unchanged"]


class Change(_Frozen):
    """The change between two assessments of one instrument, read against its MCID."""

    instrument: InstrumentCode
    version: str
    scale: str = Field(description="the scale before, after and change are on")
    before: float
    after: float
    change: float = Field(description="after minus before")
    improvement: float = Field(description="change in the better direction (negative: worse)")
    percent_improvement: float | None = Field(
        description="improvement as a % of the first score; null when it was 0"
    )
    direction: Direction
    meets_mcid: bool = Field(description="the improvement reaches the MCID (guidance)")
    worsened_beyond_mcid: bool
    mcid: Mcid
    guidance: str = Field(description="the reading in plain words, worded as guidance")
