"""The demo's courses of care with outcomes: realistic, synthetic, idempotent (both databases)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select

from pinpoint.accounts.service import authenticate
from pinpoint.actors import Actor
from pinpoint.care import demo as care_demo
from pinpoint.care import service
from pinpoint.care.models import AdverseEvent, Episode, Patient
from pinpoint.config import Settings
from pinpoint.demo import DEMO_LOADERS
from pinpoint.outcomes import assignments
from pinpoint.outcomes.assessments import list_assessments
from pinpoint.outcomes.demo import load_demo_outcomes
from pinpoint.outcomes.models import Alert, Assessment, Assignment
from pinpoint.outcomes.records_schemas import AssessmentPublic
from pinpoint.outcomes.vocabulary import DueState


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model)) or 0


def _loaded(engine: Engine, settings: Settings) -> None:
    care_demo.load_demo_clinic(engine, settings)
    load_demo_outcomes(engine, settings)


def test_the_outcomes_demo_is_registered_after_the_clinic() -> None:
    assert DEMO_LOADERS.index(load_demo_outcomes) > DEMO_LOADERS.index(care_demo.load_demo_clinic)


def test_without_the_demo_clinic_nothing_is_added(engine: Engine, db_settings: Settings) -> None:
    load_demo_outcomes(engine, db_settings)
    assert _count(engine, Patient) == 0


def test_it_is_added_once(engine: Engine, db_settings: Settings) -> None:
    _loaded(engine, db_settings)
    models = (Patient, Episode, Assessment, Alert, Assignment, AdverseEvent)
    counts = {m: _count(engine, m) for m in models}
    load_demo_outcomes(engine, db_settings)
    assert {m: _count(engine, m) for m in models} == counts
    assert counts[Patient] >= 5
    assert counts[Alert] == 1


def test_courses_run_over_weeks_with_intake_follow_up_and_discharge(
    engine: Engine, db_settings: Settings
) -> None:
    _loaded(engine, db_settings)
    clinician = authenticate(engine, care_demo.CLINICIAN.email, care_demo.CLINICIAN.password)
    patients = service.list_patients(engine, clinician).patients
    assert all(p.synthetic for p in patients)
    closed = 0
    for patient in patients:
        for episode in service.get_patient(engine, clinician, patient.id).episodes:
            days = sorted({a.taken_on for a in _assessments(engine, clinician, episode.id)})
            assert days, patient.mrn
            if episode.status == "closed":
                closed += 1
                assert len(days) >= 2
                assert (days[-1] - days[0]).days >= 21
                assert episode.ended_on == days[-1]
                between = [s for s in episode.sessions if days[0] < s.performed_on < days[-1]]
                assert len(between) >= 3
    assert closed >= 2
    with engine.connect() as conn:
        instruments = set(conn.scalars(select(Assessment.instrument)))
    assert instruments == {"nprs", "odi", "ndi", "psfs", "phq2", "phq9"}


def _assessments(engine: Engine, actor: Actor, episode_id: int) -> list[AssessmentPublic]:
    return list_assessments(engine, actor, episode_id).assessments


def test_one_open_alert_and_one_report_awaiting_review(
    engine: Engine, db_settings: Settings
) -> None:
    _loaded(engine, db_settings)
    with engine.connect() as conn:
        alerts = conn.execute(select(Alert.kind, Alert.open)).all()
        reports = conn.execute(
            select(AdverseEvent.reported_by, AdverseEvent.review_status).where(
                AdverseEvent.review_status == "awaiting_review"
            )
        ).all()
    assert [tuple(a) for a in alerts] == [("phq9_item9", True)]
    assert [tuple(r) for r in reports] == [("patient", "awaiting_review")]


def test_the_demo_patient_has_a_phq9_an_odi_and_a_psfs_to_answer_today(
    engine: Engine, db_settings: Settings
) -> None:
    _loaded(engine, db_settings)
    me = authenticate(engine, care_demo.PATIENT.email, care_demo.PATIENT.password)
    assert me.patient_id is not None
    listed = assignments.patient_assignments(engine, me, me.patient_id).assignments
    now = {a.instrument for a in listed if a.state in (DueState.DUE, DueState.OVERDUE)}
    assert now == {"phq9", "odi", "psfs"}
    assert any(a.state is DueState.UPCOMING for a in listed)
    with engine.connect() as conn:
        due = conn.execute(select(Assignment.due_on, Assignment.completed_by)).all()
        overdue = [d for d, done in due if done is None and (date.today() - d).days > 7]
    assert overdue  # another patient's follow-up is overdue, for the dashboard
