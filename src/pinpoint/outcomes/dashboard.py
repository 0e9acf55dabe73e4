"""The clinic dashboard: how the clinic's patients are doing, and what needs doing now.

``clinic_dashboard(engine, actor)`` is for clinic admins and clinicians. It reads the
clinic in a fixed number of statements, whatever the number of episodes: the counts and
short lists are SQL aggregates; the outcome figures need every closed episode's sessions
and assessments (two queries), read per episode with the same functions as the progress
chart (``progress.series_changes``), then summarised with the pure interval functions of
``statistics``. Each figure says how many episodes it rests on; under 11 it is withheld.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import NamedTuple

from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session

from pinpoint.actors import Actor
from pinpoint.audit.service import record
from pinpoint.care import access
from pinpoint.care.models import AdverseEvent, Episode, NeedlingSession, Patient
from pinpoint.db.engine import transaction
from pinpoint.outcomes.assignments import DUE_WINDOW_DAYS, due_counts
from pinpoint.outcomes.dashboard_figures import (
    StoredScore,
    adverse_event_figures,
    estimate_mean,
    outcome_figures,
)
from pinpoint.outcomes.dashboard_schemas import (
    AlertItem,
    AwaitingReview,
    Dashboard,
    DueCounts,
    EpisodeCounts,
    OpenAlerts,
    SideEffectItem,
)
from pinpoint.outcomes.models import Alert, Assessment
from pinpoint.outcomes.statistics import SMALL_NUMBER
from pinpoint.outcomes.vocabulary import DueState, InstrumentCode

LIST_LIMIT = 100
REVIEWED = "reviewed"  # a patient's report awaits review until a clinician makes it this
CLOSED = "closed"


def clinic_dashboard(engine: Engine, actor: Actor, today: date | None = None) -> Dashboard:
    """The actor's clinic at a glance (staff only; patients and operators: Forbidden)."""
    clinic_id = access.writer_clinic(actor)
    today = today or date.today()
    with transaction(engine) as session:
        clinic = access.clinic_of(session, actor)
        regions, counts = _episodes(session, clinic_id)
        marks = _closed_sessions(session, clinic_id)
        scored = _closed_assessments(session, clinic_id)
        sessions, episodes_with_sessions = _session_totals(session, clinic_id)
        events = _reviewed_events(session, clinic_id)
        awaiting = _awaiting_review(session, clinic_id)
        dashboard = Dashboard(
            clinic_id=clinic.id,
            clinic_name=clinic.name,
            as_of=today,
            made_at=datetime.now(UTC),
            small_number=SMALL_NUMBER,
            episodes=counts,
            questionnaires=_due(session, clinic_id, today),
            open_alerts=_open_alerts(session, clinic_id),
            side_effects_awaiting_review=awaiting,
            outcomes=outcome_figures(regions, marks, scored),
            sessions_per_episode=estimate_mean(
                [float(len(marks.get(e, []))) for e in regions],
                note="sessions per closed episode",
            ),
            adverse_events=adverse_event_figures(
                events, sessions, episodes_with_sessions, awaiting.count
            ),
        )
        record(session, actor, "read", "dashboard", clinic_id)
        return dashboard


# ---- the statements -----------------------------------------------------------------------


def _episodes(session: Session, clinic_id: int) -> tuple[dict[int, str], EpisodeCounts]:
    """Closed episodes' regions, and how many episodes are active and closed."""
    rows = session.execute(
        select(Episode.id, Episode.status, Episode.region).where(Episode.clinic_id == clinic_id)
    ).all()
    closed = {id_: region for id_, status, region in rows if status == CLOSED}
    return closed, EpisodeCounts(active=len(rows) - len(closed), closed=len(closed))


def _closed_episodes(clinic_id: int) -> Select[int]:
    """The clinic's closed episodes. The per-episode reads join from these on ``episode_id``,
    one index lookup per episode, so the plan does not hinge on table statistics."""
    return select(Episode.id).where(Episode.clinic_id == clinic_id, Episode.status == CLOSED)


class _Rating(NamedTuple):
    id: int
    on: date
    pain_before: int | None
    pain_after: int | None = None


def _closed_sessions(session: Session, clinic_id: int) -> dict[int, list[_Rating]]:
    """The pain ratings before needling of every closed episode's sessions."""
    found: dict[int, list[_Rating]] = defaultdict(list)
    rows = session.execute(
        select(
            NeedlingSession.episode_id,
            NeedlingSession.id,
            NeedlingSession.performed_on,
            NeedlingSession.pain_before,
        ).where(NeedlingSession.episode_id.in_(_closed_episodes(clinic_id)))
    )
    for episode_id, id_, on, before in rows:
        found[episode_id].append(_Rating(id_, on, before))
    return found


def _closed_assessments(session: Session, clinic_id: int) -> dict[int, list[StoredScore]]:
    """Every closed episode's scored assessments, oldest first (PHQ-2 screens aside)."""
    found: dict[int, list[StoredScore]] = defaultdict(list)
    rows = session.execute(
        select(
            Assessment.episode_id,
            Assessment.id,
            Assessment.instrument,
            Assessment.taken_on,
            Assessment.score,
            Assessment.activities,
        )
        .where(
            Assessment.episode_id.in_(_closed_episodes(clinic_id)),
            Assessment.score.is_not(None),
            Assessment.instrument != InstrumentCode.PHQ2.value,
        )
        .order_by(Assessment.episode_id, Assessment.taken_on, Assessment.id)
    )
    for episode_id, id_, instrument, taken_on, score, activities in rows:
        assert score is not None  # the query keeps scored assessments only
        found[episode_id].append(
            StoredScore(id_, InstrumentCode(instrument), taken_on, score, activities)
        )
    return found


def _session_totals(session: Session, clinic_id: int) -> tuple[int, int]:
    sessions, episodes = session.execute(
        select(func.count(), func.count(func.distinct(NeedlingSession.episode_id))).where(
            NeedlingSession.clinic_id == clinic_id
        )
    ).one()
    return int(sessions), int(episodes)


def _reviewed_events(session: Session, clinic_id: int) -> dict[str, int]:
    rows = session.execute(
        select(AdverseEvent.severity, func.count())
        .where(AdverseEvent.clinic_id == clinic_id, AdverseEvent.review_status == REVIEWED)
        .group_by(AdverseEvent.severity)
    )
    return {severity: int(count) for severity, count in rows}


def _due(session: Session, clinic_id: int, today: date) -> DueCounts:
    """Questionnaires assigned and not yet answered: overdue, and due within the window
    (the one due rule, ``outcomes.assignments.due_state``)."""
    counts = due_counts(session, clinic_id, today)
    return DueCounts(
        overdue=counts[DueState.OVERDUE], due=counts[DueState.DUE], window_days=DUE_WINDOW_DAYS
    )


def _name(given: str, family: str) -> str:
    return f"{given} {family}"


def _open_alerts(session: Session, clinic_id: int) -> OpenAlerts:
    rows = session.execute(
        select(
            Alert.id,
            Alert.patient_id,
            Alert.episode_id,
            Alert.raised_at,
            Patient.given_name,
            Patient.family_name,
            func.count().over(),
        )
        .join(Patient, Patient.id == Alert.patient_id)
        .where(Alert.clinic_id == clinic_id, Alert.open.is_(True))
        .order_by(Alert.raised_at.desc(), Alert.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    items = [
        AlertItem(
            id=id_,
            patient_id=patient,
            patient_name=_name(given, family),
            episode_id=episode,
            raised_at=raised,
        )
        for id_, patient, episode, raised, given, family, _total in rows
    ]
    return OpenAlerts(count=int(rows[0][-1]) if rows else 0, items=items)


def _awaiting_review(session: Session, clinic_id: int) -> AwaitingReview:
    rows = session.execute(
        select(
            AdverseEvent.id,
            AdverseEvent.session_id,
            NeedlingSession.episode_id,
            Episode.patient_id,
            Patient.given_name,
            Patient.family_name,
            AdverseEvent.type,
            AdverseEvent.severity,
            AdverseEvent.onset_on,
            func.count().over(),
        )
        .join(NeedlingSession, NeedlingSession.id == AdverseEvent.session_id)
        .join(Episode, Episode.id == NeedlingSession.episode_id)
        .join(Patient, Patient.id == Episode.patient_id)
        .where(
            AdverseEvent.clinic_id == clinic_id,
            AdverseEvent.review_status != REVIEWED,
        )
        .order_by(AdverseEvent.onset_on, AdverseEvent.id)
        .limit(LIST_LIMIT)
    ).all()
    items = [
        SideEffectItem(
            id=id_,
            session_id=session_id,
            episode_id=episode,
            patient_id=patient,
            patient_name=_name(given, family),
            type=type_,
            severity=severity,
            onset_on=onset,
        )
        for id_, session_id, episode, patient, given, family, type_, severity, onset, _n in rows
    ]
    return AwaitingReview(count=int(rows[0][-1]) if rows else 0, items=items)
