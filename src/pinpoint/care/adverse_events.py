"""Adverse events: whether one must go to the board, reading one, and reviewing a patient's report.

A side effect the patient reports (``care.sessions.record_adverse_event`` with a patient
actor) is stored ``reported_by="patient"`` and ``review_status="awaiting_review"``. A
clinician reviews it: records what was found and done, may correct its type, severity
and course, and it becomes ``reviewed``. The reportable-to-the-board flag is worked out
by one rule (``reportability``) when the event is recorded and again at review, from the
law base for the clinic's state, the needler's profession and the onset date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pinpoint.actors import Actor
from pinpoint.audit.service import record
from pinpoint.care import access
from pinpoint.care.codes import REPORTABLE_SEVERITIES, Severity
from pinpoint.care.eligibility import practitioner_profession
from pinpoint.care.history import apply_edit
from pinpoint.care.models import AdverseEvent, NeedlingSession
from pinpoint.care.schemas import AdverseEventPublic, AdverseEventReview
from pinpoint.db.engine import transaction
from pinpoint.errors import Conflict, InvalidInput
from pinpoint.law.service import law_status

AWAITING_REVIEW = "awaiting_review"
REVIEWED = "reviewed"


def reportability(
    session: Session, state: str, needler_npi: str, severity: str, onset_on: date
) -> tuple[bool, int | None]:
    """(reportable, deadline in days): a significant or serious event where the state's
    law, for the needler's profession on the onset date, requires reporting to the board."""
    profession = practitioner_profession(session, needler_npi)
    rules = law_status(state, profession, onset_on).requirements
    reportable = bool(rules.adverse_event_reporting) and Severity(severity) in (
        REPORTABLE_SEVERITIES
    )
    return reportable, rules.adverse_event_deadline_days if reportable else None


def get_adverse_event(engine: Engine, actor: Actor, event_id: int) -> AdverseEventPublic:
    """One adverse event (staff, and the patient of the session)."""
    with transaction(engine) as session:
        row = access.load(session, actor, AdverseEvent, event_id)
        record(session, actor, "read", "adverse_event", row.id)
        return AdverseEventPublic.model_validate(row)


def review_adverse_event(
    engine: Engine, actor: Actor, event_id: int, data: AdverseEventReview
) -> AdverseEventPublic:
    """A clinician's review of a patient's report; it becomes ``reviewed``. Reviewing an
    event that does not await review, or from a stale version, is Conflict."""
    found = data.action_taken.strip()
    if len(found) < 3:
        raise InvalidInput("say what was found and done", field="action_taken")
    with transaction(engine, write=True) as session:
        row = access.load(session, actor, AdverseEvent, event_id, write=True)
        if row.review_status != AWAITING_REVIEW:
            raise Conflict("this adverse event does not await review", field="id")
        needling = session.get(NeedlingSession, row.session_id)
        assert needling is not None  # the foreign key holds it
        clinic = access.clinic_of(session, actor)
        severity = str(data.severity or row.severity)
        reportable, deadline = reportability(
            session, clinic.state, needling.practitioner_npi, severity, row.onset_on
        )
        changes: dict[str, Any] = {
            "action_taken": found,
            "severity": severity,
            "reportable": reportable,
            "report_deadline_days": deadline,
            "review_status": REVIEWED,
            "reviewed_by": actor.user_id,
            "reviewed_at": datetime.now(UTC),
        }
        if data.type is not None:
            changes["type"] = str(data.type)
        if data.resolved is not None:
            changes["resolved"] = data.resolved
        if data.duration is not None:
            changes["duration"] = data.duration
        apply_edit(session, actor, row, "adverse_event", data.version, changes)
        record(session, actor, "update", "adverse_event", row.id)
        return AdverseEventPublic.model_validate(row)


def awaiting_review(session: Session, clinic_id: int) -> list[AdverseEvent]:
    """A clinic's adverse events reported by patients and not yet reviewed, oldest first."""
    return list(
        session.scalars(
            select(AdverseEvent)
            .where(
                AdverseEvent.clinic_id == clinic_id,
                AdverseEvent.review_status == AWAITING_REVIEW,
            )
            .order_by(AdverseEvent.created_at, AdverseEvent.id)
        )
    )
