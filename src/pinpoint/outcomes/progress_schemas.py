"""Output shapes of an episode's progress: pain and function over time, sessions marked."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from pinpoint.care.codes import EpisodeStatus, Region
from pinpoint.outcomes.schemas import Change, Mcid
from pinpoint.outcomes.vocabulary import Better, Condition, InstrumentCode

PointSource = Literal["assessment", "session_before", "session_after"]


class Point(BaseModel):
    """One score on a date, on the scale its series is drawn on."""

    on: date
    value: float
    source: PointSource = Field(
        description="assessment (a questionnaire), or a session's pain rating before or "
        "after needling"
    )
    record_id: int = Field(description="The assessment's or the session's id.")
    band_label: str | None = None


class Series(BaseModel):
    """One measure over the episode, with its MCID band when one is published."""

    measure: str = Field(description="pain, odi, ndi, psfs or phq9")
    instrument: InstrumentCode
    label: str = Field(description="What is measured, in words.")
    unit: str = Field(description="The scale the values are on, in words.")
    low: float = Field(description="Lowest value of the scale.")
    high: float = Field(description="Highest value of the scale.")
    better: Better
    points: list[Point] = Field(
        description="Every value by date. For pain: questionnaires and session ratings; "
        "ratings after needling are shown but never used for the change."
    )
    mcid: Mcid | None = Field(description="The MCID the change is read against (guidance).")
    baseline: float | None = Field(description="The first value the change starts from.")
    threshold: float | None = Field(
        description="The value a later score must reach for the change to meet the MCID; "
        "null when none on the scale can."
    )
    change: Change | None = Field(description="First to latest, read against the MCID.")


class SessionMark(BaseModel):
    id: int
    on: date
    cpt_code: str
    pain_before: int | None
    pain_after: int | None


class Progress(BaseModel):
    """An episode's progress: what the chart draws and the words that go with it."""

    episode_id: int
    patient_id: int
    region: Region
    condition: Condition | None = Field(description="The population the MCIDs are taken from.")
    started_on: date
    ended_on: date | None
    status: EpisodeStatus
    pain: Series
    function: list[Series] = Field(description="ODI or NDI, PSFS, and PHQ-9 where recorded.")
    sessions: list[SessionMark]
    title: str = Field(description="The chart's title.")
    summary: list[str] = Field(description="The change in plain words, as guidance.")
    text_alternative: list[str] = Field(
        description="Everything the chart shows, in sentences: its text alternative."
    )
