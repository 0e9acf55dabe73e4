"""The printable progress report of one episode, for the patient's file or a referring physician.

``progress_report(engine, actor, episode_id)`` gathers, in one read transaction and a
fixed number of queries, everything the report shows (the patient, the episode and its
plan, sessions with their CPT codes and adverse events, assessments, and the progress with
its chart) and audits the export; ``report_pdf.render`` lays it out. Staff only: a patient
sees the same progress on their own pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from pinpoint.actors import Actor
from pinpoint.audit.service import record
from pinpoint.care import access, views
from pinpoint.care.models import Episode, Patient
from pinpoint.care.schemas import EpisodeChart, PatientPublic
from pinpoint.db.engine import transaction
from pinpoint.errors import NotFound
from pinpoint.outcomes.assessments import episode_assessments
from pinpoint.outcomes.progress import Scored, build_progress, facts_of, scored_assessments
from pinpoint.outcomes.progress_schemas import Progress, SessionMark


@dataclass(frozen=True)
class ReportData:
    """Everything a progress report shows."""

    clinic_name: str
    clinic_state: str
    patient: PatientPublic
    episode: EpisodeChart
    assessments: list[Scored]
    progress: Progress
    made_on: date


def report_data(engine: Engine, actor: Actor, episode_id: int) -> ReportData:
    """What the report of an episode shows (staff of its clinic only); audited."""
    with transaction(engine) as session:
        episode = access.load(session, actor, Episode, episode_id, staff=True)
        patient = session.get(Patient, episode.patient_id)
        if patient is None:  # a foreign key makes this impossible; say so if it happens
            raise NotFound(f"no patient for episode {episode_id}", field="id")
        clinic = access.clinic_of(session, actor)
        chart = views.episode_charts(session, [episode])[0]
        scored = scored_assessments(episode_assessments(session, [episode.id]).get(episode.id, []))
        marks = [
            SessionMark(
                id=s.id,
                on=s.performed_on,
                cpt_code=s.cpt_code,
                pain_before=s.pain_before,
                pain_after=s.pain_after,
            )
            for s in chart.sessions
        ]
        record(session, actor, "export", "progress_report", episode.id)
        return ReportData(
            clinic_name=clinic.name,
            clinic_state=clinic.state,
            patient=PatientPublic.model_validate(patient),
            episode=chart,
            assessments=scored,
            progress=build_progress(facts_of(episode), marks, scored),
            made_on=date.today(),
        )


def progress_report(engine: Engine, actor: Actor, episode_id: int) -> bytes:
    """The episode's progress report as PDF bytes."""
    from pinpoint.outcomes.report_pdf import render

    return render(report_data(engine, actor, episode_id))
