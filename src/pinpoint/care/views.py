"""Stored rows to public shapes, and the patient chart in a handful of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pinpoint.care.codes import ABSOLUTE_FINDINGS, Finding, ScreeningResult
from pinpoint.care.models import (
    AdverseEvent,
    CarePlan,
    Consent,
    Episode,
    NeedlingSession,
    Patient,
    Screening,
)
from pinpoint.care.readiness import LatestScreening, needling_refusal
from pinpoint.care.schemas import (
    AdverseEventPublic,
    ConsentPublic,
    EpisodeChart,
    EpisodePublic,
    PatientChart,
    PatientPublic,
    PlanPublic,
    ScreeningPublic,
    SessionPublic,
)
from pinpoint.directory.names import practitioner_names


def screening_public(row: Screening) -> ScreeningPublic:
    findings = [Finding(f) for f in row.findings]
    return ScreeningPublic(
        id=row.id,
        version=row.version,
        episode_id=row.episode_id,
        findings=findings,
        result=ScreeningResult(row.result),
        precautions=[f for f in findings if f not in ABSOLUTE_FINDINGS],
        override_reason=row.override_reason,
        created_at=row.created_at,
    )


def session_publics(
    session: Session,
    rows: Sequence[NeedlingSession],
    events: Mapping[int, Sequence[AdverseEvent]],
) -> list[SessionPublic]:
    """Sessions (muscles loaded) with their adverse events, each needler named by the
    practitioner directory: one query for every NPI of the answer."""
    names = practitioner_names(session, (row.practitioner_npi for row in rows))
    publics = []
    for row in rows:
        public = SessionPublic.model_validate(row)
        public.practitioner_name = names.get(row.practitioner_npi)
        public.adverse_events = [
            AdverseEventPublic.model_validate(e) for e in events.get(row.id, ())
        ]
        publics.append(public)
    return publics


def episode_charts(session: Session, episodes: Sequence[Episode]) -> list[EpisodeChart]:
    """Each episode with its plan, screenings, consents and sessions (with their events)."""
    ids = [e.id for e in episodes]
    if not ids:
        return []
    plans = {
        p.episode_id: p
        for p in session.scalars(select(CarePlan).where(CarePlan.episode_id.in_(ids)))
    }
    screenings = session.scalars(
        select(Screening).where(Screening.episode_id.in_(ids)).order_by(Screening.id)
    )
    consents = session.scalars(
        select(Consent).where(Consent.episode_id.in_(ids)).order_by(Consent.id)
    )
    sessions = list(
        session.scalars(
            select(NeedlingSession)
            .where(NeedlingSession.episode_id.in_(ids))
            .options(selectinload(NeedlingSession.muscles))
            .order_by(NeedlingSession.performed_on, NeedlingSession.id)
        )
    )
    events = events_by_session(session, [s.id for s in sessions])
    charts: dict[int, EpisodeChart] = {
        e.id: EpisodeChart.model_validate(EpisodePublic.model_validate(e).model_dump())
        for e in episodes
    }
    for row in screenings:
        charts[row.episode_id].screenings.append(screening_public(row))
    for consent in consents:
        charts[consent.episode_id].consents.append(ConsentPublic.model_validate(consent))
    for public in session_publics(session, sessions, events):
        charts[public.episode_id].sessions.append(public)
    for episode_id, plan in plans.items():
        charts[episode_id].plan = PlanPublic.model_validate(plan)
    for chart in charts.values():
        chart.needling_refusal = _refusal(chart)
    return [charts[e.id] for e in episodes]


def _refusal(chart: EpisodeChart) -> str | None:
    latest = chart.screenings[-1] if chart.screenings else None
    screening = (
        LatestScreening(latest.result, [str(f) for f in latest.findings], latest.override_reason)
        if latest is not None
        else None
    )
    return needling_refusal(chart.status, screening, bool(chart.consents))


def events_by_session(
    session: Session, session_ids: Sequence[int]
) -> dict[int, list[AdverseEvent]]:
    grouped: dict[int, list[AdverseEvent]] = defaultdict(list)
    if not session_ids:
        return grouped
    rows = session.scalars(
        select(AdverseEvent)
        .where(AdverseEvent.session_id.in_(session_ids))
        .order_by(AdverseEvent.id)
    )
    for row in rows:
        grouped[row.session_id].append(row)
    return grouped


def patient_chart(session: Session, patient: Patient) -> PatientChart:
    episodes = list(
        session.scalars(
            select(Episode)
            .where(Episode.patient_id == patient.id)
            .order_by(Episode.started_on, Episode.id)
        )
    )
    chart = PatientChart.model_validate(PatientPublic.model_validate(patient).model_dump())
    chart.episodes = episode_charts(session, episodes)
    return chart
