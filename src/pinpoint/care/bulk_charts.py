"""Whole charts of many patients at once, read with plain column queries.

The same shapes ``care.views`` builds (a test holds them equal), without ORM instances or
re-validation: an export reads tens of thousands of sessions, and building ORM objects and
validated models for each took most of its time. Values come from our own tables, already
checked on the way in, so the public models are constructed directly (enums converted).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pinpoint.care.codes import (
    ABSOLUTE_FINDINGS,
    AdverseEventType,
    CoIntervention,
    EpisodeStatus,
    Finding,
    Muscle,
    Region,
    ScreeningResult,
    Severity,
    Sex,
    Side,
    Technique,
)
from pinpoint.care.fields import as_utc
from pinpoint.care.models import (
    AdverseEvent,
    CarePlan,
    Consent,
    Episode,
    NeedlingSession,
    Patient,
    Screening,
    SessionMuscle,
)
from pinpoint.care.schemas import (
    AdverseEventPublic,
    ConsentPublic,
    EpisodeChart,
    MusclePublic,
    PatientChart,
    PlanPublic,
    ScreeningPublic,
    SessionPublic,
)
from pinpoint.directory.names import practitioner_names


def _utc(moment: datetime | None) -> datetime | None:
    """As the public shape stores it (``UtcDatetime``): aware, in UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _rows(session: Session, model: type[Any], where: Any, order: Sequence[Any]) -> list[Any]:
    columns = [c for c in model.__table__.columns if c.key != "created_by"]
    return list(session.execute(select(*columns).where(where).order_by(*order)).mappings())


def charts(session: Session, patient_ids: Sequence[int]) -> list[PatientChart]:
    """The charts of these patients, in the order given."""
    patients = {
        r["id"]: r for r in _rows(session, Patient, Patient.id.in_(patient_ids), [Patient.id])
    }
    episodes = _rows(
        session,
        Episode,
        Episode.patient_id.in_(patient_ids),
        [Episode.patient_id, Episode.started_on, Episode.id],
    )
    ids = [e["id"] for e in episodes]
    by_episode = {e["id"]: _episode(e) for e in episodes}
    if ids:
        _fill(session, ids, by_episode)
    out: list[PatientChart] = []
    grouped: dict[int, list[EpisodeChart]] = defaultdict(list)
    for e in episodes:
        grouped[e["patient_id"]].append(by_episode[e["id"]])
    for pid in patient_ids:
        p = patients[pid]
        out.append(
            PatientChart.model_construct(
                id=p["id"],
                version=p["version"],
                mrn=p["mrn"],
                given_name=p["given_name"],
                family_name=p["family_name"],
                birth_date=p["birth_date"],
                sex=Sex(p["sex"]),
                phone=p["phone"],
                email=p["email"],
                synthetic=bool(p["synthetic"]),
                episodes=grouped.get(pid, []),
            )
        )
    return out


def _episode(e: Any) -> EpisodeChart:
    return EpisodeChart.model_construct(
        id=e["id"],
        version=e["version"],
        patient_id=e["patient_id"],
        region=Region(e["region"]),
        icd10=list(e["icd10"]),
        started_on=e["started_on"],
        ended_on=e["ended_on"],
        status=EpisodeStatus(e["status"]),
        plan=None,
        screenings=[],
        consents=[],
        sessions=[],
    )


def _fill(session: Session, ids: list[int], charts: dict[int, EpisodeChart]) -> None:
    for r in _rows(session, CarePlan, CarePlan.episode_id.in_(ids), [CarePlan.id]):
        charts[r["episode_id"]].plan = PlanPublic.model_construct(
            id=r["id"],
            version=r["version"],
            episode_id=r["episode_id"],
            components=[CoIntervention(c) for c in r["components"]],
            frequency=r["frequency"],
            goals=r["goals"],
        )
    for r in _rows(session, Screening, Screening.episode_id.in_(ids), [Screening.id]):
        findings = [Finding(f) for f in r["findings"]]
        charts[r["episode_id"]].screenings.append(
            ScreeningPublic.model_construct(
                id=r["id"],
                version=r["version"],
                episode_id=r["episode_id"],
                findings=findings,
                result=ScreeningResult(r["result"]),
                precautions=[f for f in findings if f not in ABSOLUTE_FINDINGS],
                override_reason=r["override_reason"],
                created_at=_utc(r["created_at"]),
            )
        )
    for r in _rows(session, Consent, Consent.episode_id.in_(ids), [Consent.id]):
        charts[r["episode_id"]].consents.append(
            ConsentPublic.model_construct(
                id=r["id"],
                version=r["version"],
                episode_id=r["episode_id"],
                signed_on=r["signed_on"],
                signed_by=r["signed_by"],
                form_version=r["form_version"],
                written_required=bool(r["written_required"]),
                disclosure=r["disclosure"],
            )
        )
    _fill_sessions(session, ids, charts)


def _fill_sessions(session: Session, ids: list[int], charts: dict[int, EpisodeChart]) -> None:
    rows = _rows(
        session,
        NeedlingSession,
        NeedlingSession.episode_id.in_(ids),
        [NeedlingSession.performed_on, NeedlingSession.id],
    )
    session_ids = [r["id"] for r in rows]
    muscles: dict[int, list[MusclePublic]] = defaultdict(list)
    events: dict[int, list[AdverseEventPublic]] = defaultdict(list)
    if session_ids:
        for m in _rows(
            session, SessionMuscle, SessionMuscle.session_id.in_(session_ids), [SessionMuscle.id]
        ):
            muscles[m["session_id"]].append(
                MusclePublic.model_construct(
                    muscle=Muscle(m["muscle"]),
                    side=Side(m["side"]),
                    needles=m["needles"],
                    twitch=bool(m["twitch"]),
                )
            )
        for a in _rows(
            session, AdverseEvent, AdverseEvent.session_id.in_(session_ids), [AdverseEvent.id]
        ):
            events[a["session_id"]].append(
                AdverseEventPublic.model_construct(
                    id=a["id"],
                    version=a["version"],
                    session_id=a["session_id"],
                    type=AdverseEventType(a["type"]),
                    severity=Severity(a["severity"]),
                    onset_on=a["onset_on"],
                    duration=a["duration"],
                    action_taken=a["action_taken"],
                    description=a["description"],
                    resolved=bool(a["resolved"]),
                    reportable=bool(a["reportable"]),
                    report_deadline_days=a["report_deadline_days"],
                    reported_by=a["reported_by"],
                    review_status=a["review_status"],
                    reviewed_at=None if a["reviewed_at"] is None else as_utc(a["reviewed_at"]),
                )
            )
    names = practitioner_names(session, (r["practitioner_npi"] for r in rows))
    for r in rows:
        charts[r["episode_id"]].sessions.append(
            SessionPublic.model_construct(
                id=r["id"],
                version=r["version"],
                episode_id=r["episode_id"],
                performed_on=r["performed_on"],
                practitioner_npi=r["practitioner_npi"],
                practitioner_name=names.get(r["practitioner_npi"]),
                muscles=muscles.get(r["id"], []),
                technique=Technique(r["technique"]),
                pain_before=r["pain_before"],
                pain_after=r["pain_after"],
                co_interventions=[CoIntervention(c) for c in r["co_interventions"]],
                notes=r["notes"],
                cpt_code=r["cpt_code"],
                precautions=[Finding(f) for f in r["precautions"]],
                adverse_events=events.get(r["id"], []),
            )
        )
