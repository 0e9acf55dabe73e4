"""Side effects the patient reports after a session: stored awaiting review, with the
board-reporting flag from the law base, then reviewed by a clinician (both databases)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pinpoint.accounts.service import authenticate, create_user, issue_token
from pinpoint.actors import Actor, Role
from pinpoint.care import adverse_events, service, sessions
from pinpoint.care.models import AdverseEvent, NeedlingSession, RecordRevision
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.care.schemas import AdverseEventCreate, AdverseEventReview
from pinpoint.config import Settings
from pinpoint.db.engine import transaction
from pinpoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from pinpoint.web.app import create_app
from tests.care import factories as f

PASSWORD = "correct horse battery staple"


def _report(**values: Any) -> AdverseEventCreate:
    body = {"type": "bruising", "severity": "mild", "onset_on": "2025-03-05", **values}
    return AdverseEventCreate.model_validate(body)


def _review(version: int = 1, **values: Any) -> AdverseEventReview:
    body = {"version": version, "action_taken": "Called the patient; bruise fading.", **values}
    return AdverseEventReview.model_validate(body)


def _patient(engine: Engine, a: f.Chart) -> Actor:
    return f.actor(engine, Role.PATIENT, a.clinic_id, a.patient_id)


def test_a_patient_report_awaits_review(engine: Engine) -> None:
    a = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, a)
    made = sessions.record_adverse_event(engine, _patient(engine, a), session_id, _report())
    assert (made.reported_by, made.review_status, made.reviewed_at) == (
        "patient",
        "awaiting_review",
        None,
    )
    staff = sessions.record_adverse_event(engine, a.clinician, session_id, _report())
    assert (staff.reported_by, staff.review_status) == ("clinic", "reviewed")
    with transaction(engine) as s:
        waiting = adverse_events.awaiting_review(s, a.clinic_id)
    assert [e.id for e in waiting] == [made.id]


def _florida(engine: Engine) -> tuple[Actor, Actor, int]:
    """A Florida clinic (its law asks for board reports within 15 days), a needled
    patient: the clinician, the patient's actor and the session id.

    Florida also wants an attestation filed with the board before needling, which the
    directory cannot record yet, so no needler is eligible there: the session row is
    written straight to its table (as an imported record would be). What is under test
    is the adverse event written after it, through the real calls.
    """
    clinic_id = f.clinic(engine, "Gulf PT", "FL")
    clinician = f.actor(engine, Role.CLINICIAN, clinic_id)
    patient = service.create_patient(engine, clinician, f.patient_data())
    episode = service.create_episode(engine, clinician, patient.id, f.episode_data())
    npi = f.trained_npi(engine, "FL", in_person_hours=50.0, licensed_since=date(2010, 1, 1))
    with transaction(engine) as session:
        row = NeedlingSession(
            clinic_id=clinic_id, episode_id=episode.id, performed_on=f.SESSION_DAY,
            practitioner_npi=npi, technique="pistoning", co_interventions=[],
            cpt_code="20560", precautions=[], version=1,
        )  # fmt: skip
        session.add(row)
        session.flush()
        session_id = row.id
    return clinician, f.actor(engine, Role.PATIENT, clinic_id, patient.id), session_id


def test_a_patient_report_carries_the_board_flag_of_the_state(engine: Engine) -> None:
    _clinician, patient, session_id = _florida(engine)
    mild = sessions.record_adverse_event(engine, patient, session_id, _report())
    significant = sessions.record_adverse_event(
        engine, patient, session_id, _report(severity="significant")
    )
    assert (mild.reportable, mild.report_deadline_days) == (False, None)
    assert (significant.reportable, significant.report_deadline_days) == (True, 15)
    assert significant.review_status == "awaiting_review"
    a = f.chart(engine, screened=[])  # Colorado asks for no report
    colorado = sessions.record_adverse_event(
        engine, _patient(engine, a), f.documented_session(engine, a), _report(severity="serious")
    )
    assert colorado.reportable is False


def test_a_patient_may_not_record_the_action_taken(engine: Engine) -> None:
    a = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, a)
    with pytest.raises(InvalidInput) as refused:
        sessions.record_adverse_event(
            engine, _patient(engine, a), session_id, _report(action_taken="Iced it")
        )
    assert refused.value.field == "action_taken"


def test_a_patient_reports_only_after_their_own_sessions(engine: Engine) -> None:
    a = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, a)
    other = service.create_patient(engine, a.clinician, f.patient_data("MRN-2"))
    stranger = f.actor(engine, Role.PATIENT, a.clinic_id, other.id)
    with pytest.raises(NotFound):
        sessions.record_adverse_event(engine, stranger, session_id, _report())
    made = sessions.record_adverse_event(engine, _patient(engine, a), session_id, _report())
    with pytest.raises(NotFound):
        adverse_events.get_adverse_event(engine, stranger, made.id)
    assert adverse_events.get_adverse_event(engine, _patient(engine, a), made.id).id == made.id


def test_a_clinician_reviews_a_report_and_may_reclassify_it(engine: Engine) -> None:
    clinician, patient, session_id = _florida(engine)
    made = sessions.record_adverse_event(engine, patient, session_id, _report())
    assert not made.reportable
    reviewed = adverse_events.review_adverse_event(
        engine, clinician, made.id, _review(severity="significant", type="bleeding", resolved=True)
    )
    assert reviewed.review_status == "reviewed"
    assert reviewed.reviewed_at is not None
    assert (reviewed.type, reviewed.severity, reviewed.resolved) == (
        "bleeding",
        "significant",
        True,
    )
    assert (reviewed.reportable, reviewed.report_deadline_days) == (True, 15)
    assert reviewed.action_taken == "Called the patient; bruise fading."
    assert reviewed.version == 2
    with transaction(engine) as s:
        row = s.get(AdverseEvent, made.id)
        assert row is not None
        assert row.reviewed_by == clinician.user_id
        revision = s.scalar(
            select(RecordRevision).where(
                RecordRevision.record_type == "adverse_event", RecordRevision.record_id == made.id
            )
        )
        assert revision is not None
        assert revision.changes["review_status"] == ["awaiting_review", "reviewed"]


def test_reviewing_twice_stale_or_a_clinic_record_is_a_conflict(engine: Engine) -> None:
    a = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, a)
    made = sessions.record_adverse_event(engine, _patient(engine, a), session_id, _report())
    with pytest.raises(Conflict):
        adverse_events.review_adverse_event(engine, a.clinician, made.id, _review(version=7))
    adverse_events.review_adverse_event(engine, a.clinician, made.id, _review())
    with pytest.raises(Conflict):
        adverse_events.review_adverse_event(engine, a.clinician, made.id, _review(version=2))
    own = sessions.record_adverse_event(engine, a.clinician, session_id, _report())
    with pytest.raises(Conflict):
        adverse_events.review_adverse_event(engine, a.clinician, own.id, _review())


def test_only_the_clinic_s_staff_review(engine: Engine) -> None:
    a = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, a)
    made = sessions.record_adverse_event(engine, _patient(engine, a), session_id, _report())
    with pytest.raises(Forbidden):
        adverse_events.review_adverse_event(engine, _patient(engine, a), made.id, _review())
    b = f.chart(engine, name="Clinic B", state="TX", mrn="MRN-B")
    with pytest.raises(NotFound):
        adverse_events.review_adverse_event(engine, b.clinician, made.id, _review())
    with pytest.raises(InvalidInput) as refused:
        adverse_events.review_adverse_event(
            engine, a.clinician, made.id, _review(action_taken="  .  ")
        )
    assert refused.value.field == "action_taken"


def test_over_http_a_patient_reports_and_a_clinician_reviews(
    engine: Engine, db_settings: Settings
) -> None:
    a = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, a)
    create_user(engine, "cl@example.org", "clinician", PASSWORD, "Clinic A")
    create_patient_user(engine, "pat@example.org", PASSWORD, "Clinic A", "MRN-1")

    def bearer(email: str) -> dict[str, str]:
        token = issue_token(engine, authenticate(engine, email, PASSWORD)).token
        return {"Authorization": f"Bearer {token}"}

    client = TestClient(create_app(db_settings))
    answer = client.post(
        f"/api/v1/sessions/{session_id}/adverse-events",
        json={"type": "soreness", "severity": "mild", "onset_on": "2025-03-05",
              "description": "Sore for a day where the needles went in."},
        headers=bearer("pat@example.org"),
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["reported_by"], body["review_status"]) == ("patient", "awaiting_review")
    chart = client.get(f"/api/v1/sessions/{session_id}", headers=bearer("cl@example.org")).json()
    assert chart["adverse_events"][0]["review_status"] == "awaiting_review"
    bad = client.post(
        f"/api/v1/adverse-events/{body['id']}/review",
        json={"version": 1},
        headers=bearer("cl@example.org"),
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "action_taken"
    done = client.post(
        f"/api/v1/adverse-events/{body['id']}/review",
        json={"version": 1, "action_taken": "Phoned; advised heat; settled."},
        headers=bearer("cl@example.org"),
    )
    assert done.status_code == 200, done.text
    assert done.json()["review_status"] == "reviewed"
    again = client.get(f"/api/v1/adverse-events/{body['id']}", headers=bearer("pat@example.org"))
    assert again.json()["review_status"] == "reviewed"
