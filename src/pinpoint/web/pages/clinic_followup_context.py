"""The outcomes part of a patient's chart, for staff: safety alerts, scores and their change,
assigned questionnaires, and side effects the patient reported awaiting review.

Built from the calls the JSON API makes (``outcomes.alerts``, ``outcomes.assessments``,
``outcomes.assignments``), one episode at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from pinpoint.actors import Actor
from pinpoint.care import access, adverse_events, service, sessions
from pinpoint.care.codes import AdverseEventType
from pinpoint.care.schemas import AdverseEventPublic, EpisodeChart, PatientChart, SessionPublic
from pinpoint.outcomes import alerts, assessments, assignments
from pinpoint.outcomes.catalogue import get_instrument
from pinpoint.outcomes.display import headline
from pinpoint.outcomes.records_schemas import (
    AlertPublic,
    AssessmentPublic,
    AssignmentPublic,
)
from pinpoint.outcomes.vocabulary import InstrumentCode
from pinpoint.web.pages.clinic_forms import FormState

ASSIGNABLE_REASONS = ("intake", "follow_up", "discharge")


@dataclass
class EpisodeOutcomes:
    episode: EpisodeChart
    alerts: list[AlertPublic]
    assessments: list[AssessmentPublic]
    assignments: list[AssignmentPublic]
    form: FormState = field(default_factory=FormState)
    alert_form: FormState = field(default_factory=FormState)
    instruments: tuple[InstrumentCode, ...] = tuple(InstrumentCode)
    reasons: tuple[str, ...] = ASSIGNABLE_REASONS

    @property
    def open_alerts(self) -> list[AlertPublic]:
        return [a for a in self.alerts if a.resolved_at is None]

    @property
    def awaiting_review(self) -> list[tuple[SessionPublic, AdverseEventPublic]]:
        return [
            (s, ae)
            for s in self.episode.sessions
            for ae in s.adverse_events
            if ae.review_status == "awaiting_review"
        ]

    def score_line(self, item: AssessmentPublic) -> str:
        return headline(item.score)

    def name(self, code: str) -> str:
        return get_instrument(code).name


def episode_outcomes(
    engine: Engine,
    actor: Actor,
    episode: EpisodeChart,
    form: FormState | None = None,
    alert_form: FormState | None = None,
) -> EpisodeOutcomes:
    listed = assessments.list_assessments(engine, actor, episode.id)
    return EpisodeOutcomes(
        episode,
        alerts.episode_alerts(engine, actor, episode.id).alerts,
        list(reversed(listed.assessments)),
        assignments.list_assignments(engine, actor, episode.id).assignments,
        form or FormState.initial({"due_on": date.today().isoformat()}),
        alert_form or FormState(),
    )


def chart_outcomes(
    engine: Engine,
    actor: Actor,
    chart: PatientChart,
    forms: dict[int, FormState] | None = None,
    alert_forms: dict[int, FormState] | None = None,
) -> dict[int, EpisodeOutcomes]:
    """Per episode id (staff only; a patient's chart shows none of it)."""
    if not actor.is_staff:
        return {}
    return {
        e.id: episode_outcomes(
            engine, actor, e, (forms or {}).get(e.id), (alert_forms or {}).get(e.id)
        )
        for e in chart.episodes
    }


@dataclass
class ReviewPage:
    patient: PatientChart
    session: SessionPublic
    event: AdverseEventPublic
    form: FormState
    types: tuple[AdverseEventType, ...] = tuple(AdverseEventType)


def review_page(
    engine: Engine, actor: Actor, event_id: int, form: FormState | None = None
) -> ReviewPage:
    access.writer_clinic(actor)
    event = adverse_events.get_adverse_event(engine, actor, event_id)
    needling = sessions.get_session(engine, actor, event.session_id)
    episode = service.get_episode(engine, actor, needling.episode_id)
    patient = service.get_patient(engine, actor, episode.patient_id)
    initial = FormState.initial(
        {"type": event.type, "severity": event.severity, "duration": event.duration or ""}
        | ({"resolved": "on"} if event.resolved else {})
    )
    return ReviewPage(patient, needling, event, form or initial)
