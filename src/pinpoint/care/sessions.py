"""Dry needling sessions and their adverse events.

A session is refused (Conflict, 409) when ``care.readiness.needling_refusal`` refuses the
episode (closed, no screening, contraindicated without an override reason, no consent) or
the needler is not ``eligible`` in the clinic's state on the session date. The checks and
the insert run in one transaction that holds the episode's lock (``care.access``), so a
screening, consent or closing cannot commit between them. Its CPT code comes
from ``care.cpt``; its precautions from the screening.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from pinpoint.actors import Actor, Role
from pinpoint.audit.service import add_audited, record
from pinpoint.care import access, views
from pinpoint.care.adverse_events import AWAITING_REVIEW, REVIEWED, reportability
from pinpoint.care.cpt import cpt_for_muscles
from pinpoint.care.eligibility import needler_eligibility
from pinpoint.care.models import AdverseEvent, Consent, Episode, NeedlingSession, Screening
from pinpoint.care.models import SessionMuscle as MuscleRow
from pinpoint.care.readiness import LatestScreening, needling_refusal
from pinpoint.care.schemas import (
    AdverseEventCreate,
    AdverseEventPublic,
    SessionCreate,
    SessionPublic,
)
from pinpoint.db.engine import transaction
from pinpoint.errors import Conflict, InvalidInput
from pinpoint.law.eligibility import Verdict


def _latest_screening(session: Session, episode: Episode) -> Screening | None:
    return session.scalar(
        select(Screening).where(Screening.episode_id == episode.id).order_by(Screening.id.desc())
    )


def _check_ready(session: Session, episode: Episode) -> Screening:
    """The screening in force; Conflict when ``needling_refusal`` refuses the episode."""
    screening = _latest_screening(session, episode)
    consented = (
        session.scalar(select(Consent.id).where(Consent.episode_id == episode.id).limit(1))
        is not None
    )
    latest = (
        LatestScreening(screening.result, screening.findings, screening.override_reason)
        if screening is not None
        else None
    )
    refusal = needling_refusal(episode.status, latest, consented)
    if refusal or screening is None:
        raise Conflict(refusal or "no screening recorded for this episode")
    return screening


def _require_eligible(session: Session, state: str, data: SessionCreate) -> None:
    verdict = needler_eligibility(session, data.practitioner_npi, state, data.performed_on)
    if verdict.verdict is not Verdict.ELIGIBLE:
        reasons = "; ".join(verdict.reasons) or verdict.verdict.value
        raise Conflict(
            f"NPI {data.practitioner_npi} may not be recorded as the needler in {state} on "
            f"{data.performed_on.isoformat()} ({verdict.verdict.value}): {reasons}",
            field="practitioner_npi",
        )


def dates_by_episode(
    session: Session, episode_ids: Sequence[int], *, always: bool = False
) -> dict[int, list[date]]:
    """The days each episode's sessions were performed on, in order (one query; none for
    no episodes, unless ``always``, for callers that count their statements)."""
    found: dict[int, list[date]] = {}
    if not episode_ids and not always:
        return found
    rows = session.execute(
        select(NeedlingSession.episode_id, NeedlingSession.performed_on)
        .where(NeedlingSession.episode_id.in_(list(episode_ids)))
        .order_by(NeedlingSession.performed_on, NeedlingSession.id)
    )
    for episode_id, day in rows:
        found.setdefault(episode_id, []).append(day)
    return found


def record_session(
    engine: Engine, actor: Actor, episode_id: int, data: SessionCreate
) -> SessionPublic:
    """Document one needling session; see the module docstring for what refuses it."""
    cpt_code = cpt_for_muscles(data.muscles)
    with transaction(engine, write=True) as session:
        episode = access.load(session, actor, Episode, episode_id, write=True)
        screening = _check_ready(session, episode)
        clinic = access.clinic_of(session, actor)
        _require_eligible(session, clinic.state, data)
        row = NeedlingSession(
            clinic_id=episode.clinic_id,
            episode_id=episode.id,
            created_by=actor.user_id,
            version=1,
            performed_on=data.performed_on,
            practitioner_npi=data.practitioner_npi,
            technique=str(data.technique),
            pain_before=data.pain_before,
            pain_after=data.pain_after,
            co_interventions=[str(c) for c in data.co_interventions],
            notes=data.notes,
            cpt_code=cpt_code,
            precautions=list(screening.findings),
            muscles=[
                MuscleRow(
                    muscle=str(m.muscle), side=str(m.side), needles=m.needles, twitch=m.twitch
                )
                for m in data.muscles
            ],
        )
        add_audited(session, actor, "session", row)
        return views.session_publics(session, [row], {})[0]


def get_session(engine: Engine, actor: Actor, session_id: int) -> SessionPublic:
    """One session with its muscles and adverse events."""
    with transaction(engine) as session:
        row = access.load(session, actor, NeedlingSession, session_id)
        record(session, actor, "read", "session", row.id)
        events = views.events_by_session(session, [row.id])
        return views.session_publics(session, [row], events)[0]


def record_adverse_event(
    engine: Engine, actor: Actor, session_id: int, data: AdverseEventCreate
) -> AdverseEventPublic:
    """An adverse event after a session: recorded by staff, or reported by the session's
    patient (then it awaits a clinician's review, ``care.adverse_events``).

    Where the clinic's state requires adverse incidents to be reported to the board (law
    base, the needler's profession, on the onset date), a significant or serious event is
    flagged ``reportable`` with the deadline in days.
    """
    by_patient = actor.role is Role.PATIENT
    if by_patient and data.action_taken:
        raise InvalidInput(
            "the clinic records the action taken when it reviews your report; describe "
            "what happened in the description",
            field="action_taken",
        )
    with transaction(engine, write=True) as session:
        needling = access.load(
            session, actor, NeedlingSession, session_id, write=True, patient_writes=True
        )
        if data.onset_on < needling.performed_on:
            raise InvalidInput("an adverse event cannot start before the session", field="onset_on")
        clinic = access.clinic_of(session, actor)
        reportable, deadline = reportability(
            session, clinic.state, needling.practitioner_npi, data.severity, data.onset_on
        )
        row = AdverseEvent(
            clinic_id=needling.clinic_id,
            session_id=needling.id,
            created_by=actor.user_id,
            version=1,
            type=str(data.type),
            severity=str(data.severity),
            onset_on=data.onset_on,
            duration=data.duration,
            action_taken=data.action_taken,
            description=data.description,
            resolved=data.resolved,
            reportable=reportable,
            report_deadline_days=deadline,
            reported_by="patient" if by_patient else "clinic",
            review_status=AWAITING_REVIEW if by_patient else REVIEWED,
        )
        add_audited(session, actor, "adverse_event", row)
        return AdverseEventPublic.model_validate(row)
