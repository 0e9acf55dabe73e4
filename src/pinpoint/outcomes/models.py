"""Outcome tables: scored assessments and the safety alerts they raise.

An assessment keeps the answers as given (``responses``, in item order, null for a
missing item; PSFS ``activities``), the instrument version they were given on, and the
score its published rule gave then (``result``, SPEC's score object), with the score and
band also in columns for the dashboard's aggregates. Edits keep history in
``record_revisions`` like other clinical records.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from pinpoint.db.base import Base


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(10))
    instrument_version: Mapped[str] = mapped_column(String(40))
    taken_on: Mapped[date] = mapped_column(Date)
    responses: Mapped[list[Any]] = mapped_column(JSON)
    activities: Mapped[list[str] | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(40))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Who answered: ``clinic`` (entered by staff) or ``patient`` (the portal).
    source: Mapped[str] = mapped_column(String(10), default="clinic")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)


class Alert(Base):
    """A safety alert (``phq9_item9``): open until a clinician records what was done."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    kind: Mapped[str] = mapped_column(String(30))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str | None] = mapped_column(Text)
    open: Mapped[bool] = mapped_column(Boolean, default=True, index=True)


class Assignment(Base):
    """A questionnaire the clinic asked a patient to answer by a date.

    ``reason``: ``intake``, ``follow_up`` (every few sessions), ``discharge``, or
    ``phq2_positive`` (a PHQ-2 of 3 or more prompts a PHQ-9). Done when an assessment of
    the instrument is recorded for the episode (``completed_by``); ``cancelled`` when the
    clinic withdraws it.
    """

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
