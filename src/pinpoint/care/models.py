"""Clinical tables. Every row carries its clinic, so isolation is one WHERE clause away.

Editable records have a ``version`` for optimistic concurrency (a stale write is refused
with 409) and their edits are kept in ``record_revisions``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pinpoint.db.base import Base


class _Stamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)


class Patient(_Stamped, Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    mrn: Mapped[str] = mapped_column(String(40))
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(320))
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("clinic_id", "mrn"),)


class Episode(_Stamped, Base):
    __tablename__ = "episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    region: Mapped[str] = mapped_column(String(30))
    icd10: Mapped[list[str]] = mapped_column(JSON)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")


class CarePlan(_Stamped, Base):
    """The multimodal plan of an episode: components, frequency and goals."""

    __tablename__ = "care_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), unique=True)
    components: Mapped[list[str]] = mapped_column(JSON)
    frequency: Mapped[str | None] = mapped_column(String(200))
    goals: Mapped[str | None] = mapped_column(Text)


class Screening(_Stamped, Base):
    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    findings: Mapped[list[str]] = mapped_column(JSON)
    result: Mapped[str] = mapped_column(String(20))
    override_reason: Mapped[str | None] = mapped_column(Text)


class Consent(_Stamped, Base):
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    signed_on: Mapped[date] = mapped_column(Date)
    signed_by: Mapped[str] = mapped_column(String(200))
    form_version: Mapped[str] = mapped_column(String(40))
    written_required: Mapped[bool] = mapped_column(Boolean, default=False)
    disclosure: Mapped[str | None] = mapped_column(Text)


class NeedlingSession(_Stamped, Base):
    __tablename__ = "needling_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episodes.id"), index=True)
    performed_on: Mapped[date] = mapped_column(Date)
    practitioner_npi: Mapped[str] = mapped_column(String(10))
    technique: Mapped[str] = mapped_column(String(20))
    pain_before: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    co_interventions: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    cpt_code: Mapped[str] = mapped_column(String(5))
    precautions: Mapped[list[str]] = mapped_column(JSON)

    muscles: Mapped[list[SessionMuscle]] = relationship(
        cascade="all, delete-orphan", order_by="SessionMuscle.id"
    )


class SessionMuscle(Base):
    __tablename__ = "session_muscles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("needling_sessions.id", ondelete="CASCADE"), index=True
    )
    muscle: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(10))
    needles: Mapped[int] = mapped_column(Integer)
    twitch: Mapped[bool] = mapped_column(Boolean)


class AdverseEvent(_Stamped, Base):
    __tablename__ = "adverse_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("needling_sessions.id"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(20))
    onset_on: Mapped[date] = mapped_column(Date)
    duration: Mapped[str | None] = mapped_column(String(100))
    action_taken: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    reportable: Mapped[bool] = mapped_column(Boolean, default=False)
    report_deadline_days: Mapped[int | None] = mapped_column(Integer)
    # Who reported it: ``clinic`` (staff) or ``patient`` (the portal). A patient's report
    # awaits a clinician's review (``review_status``) before it counts as reviewed.
    reported_by: Mapped[str] = mapped_column(String(10), default="clinic")
    review_status: Mapped[str] = mapped_column(String(20), default="reviewed")
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RecordRevision(Base):
    """One edit of a clinical record: who changed which fields, when, from what to what."""

    __tablename__ = "record_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
