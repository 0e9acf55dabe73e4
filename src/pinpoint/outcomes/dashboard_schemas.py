"""Output shapes of the clinic dashboard (``GET /api/v1/dashboard`` and ``/clinic/dashboard``).

Every estimate says how many episodes it rests on. One resting on fewer than 11 is not
shown as a rate: ``value`` and ``ci95`` are null, ``suppressed`` is true and ``note``
says why (the registry's small-number rule).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from pinpoint.care.fields import UtcDatetime


class Estimate(BaseModel):
    """A figure with its 95 % interval, or withheld when it rests on too few episodes."""

    episodes: int = Field(description="How many episodes the figure rests on.")
    value: float | None
    ci95: tuple[float, float] | None = Field(description="95 % interval; null when withheld.")
    suppressed: bool = Field(description="True when withheld under the small-number rule.")
    note: str | None = Field(default=None, description="Why it is withheld, or how it is read.")


class EpisodeCounts(BaseModel):
    active: int
    closed: int


class DueCounts(BaseModel):
    overdue: int = Field(description="Questionnaires assigned, not answered, due before today.")
    due: int = Field(description="Due today or within the next `window_days` days.")
    window_days: int


class AlertItem(BaseModel):
    id: int
    patient_id: int
    patient_name: str
    episode_id: int
    raised_at: UtcDatetime


class SideEffectItem(BaseModel):
    """A side effect a patient reported, waiting for a clinician's review."""

    id: int
    session_id: int
    episode_id: int
    patient_id: int
    patient_name: str
    type: str
    severity: str
    onset_on: date


class OpenAlerts(BaseModel):
    count: int = Field(description="All open alerts of the clinic.")
    items: list[AlertItem] = Field(description="The newest, at most 100.")


class AwaitingReview(BaseModel):
    count: int = Field(description="All patient reports awaiting review.")
    items: list[SideEffectItem] = Field(description="The oldest first, at most 100.")


class OutcomeFigure(BaseModel):
    """One measure over the clinic's closed episodes, first value to latest."""

    measure: str = Field(description="pain, odi, ndi, psfs or phq9")
    label: str
    episodes: int = Field(description="Closed episodes with a first and a latest value.")
    reached_mcid: int = Field(description="How many of them improved by at least the MCID.")
    mcid_share: Estimate = Field(description="Share reaching the MCID (0-1), Wilson interval.")
    mean_improvement: Estimate = Field(
        description="Mean improvement on the MCID's scale (positive: better), t interval."
    )
    scale: str


class PublishedRate(BaseModel):
    study: str
    citation: str
    events: int
    sessions: int
    per_100_sessions: float
    ci95: tuple[float, float] = Field(description="Exact 95 % interval worked out here.")
    stated: str = Field(description="What the authors report.")


class SeverityRate(BaseModel):
    severity: str = Field(description="mild, significant or serious")
    events: int
    per_100_sessions: Estimate = Field(description="Exact (Poisson) 95 % interval.")
    published: list[PublishedRate]


class AdverseEventFigures(BaseModel):
    sessions: int = Field(description="Sessions the rates are per 100 of.")
    episodes: int = Field(description="Episodes those sessions belong to.")
    awaiting_review: int = Field(
        description="Patient reports not yet reviewed; not counted until a clinician has."
    )
    by_severity: list[SeverityRate]


class Dashboard(BaseModel):
    clinic_id: int
    clinic_name: str
    as_of: date
    made_at: datetime
    small_number: int = Field(description="Fewest episodes a rate may rest on.")
    episodes: EpisodeCounts
    questionnaires: DueCounts
    open_alerts: OpenAlerts = Field(description="Open PHQ-9 item 9 alerts, newest first.")
    side_effects_awaiting_review: AwaitingReview
    outcomes: list[OutcomeFigure] = Field(
        description="Closed episodes, each read against the MCID for its region (guidance)."
    )
    sessions_per_episode: Estimate = Field(description="Mean over closed episodes, t interval.")
    adverse_events: AdverseEventFigures
