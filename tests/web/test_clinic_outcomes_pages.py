"""Outcomes on the staff chart, through the real forms: the safety alert and its resolution,
scores, assigning and withdrawing questionnaires, reviewing a side effect the patient
reported; another clinic's ids answer 404 (both databases)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pinpoint.accounts.service import create_clinic, create_user
from pinpoint.actors import Role
from pinpoint.care import sessions
from pinpoint.care.models import AdverseEvent
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.care.schemas import AdverseEventCreate
from pinpoint.config import Settings
from pinpoint.outcomes.assessments import record_assessment
from pinpoint.outcomes.models import Alert, Assignment
from pinpoint.outcomes.records_schemas import AssessmentCreate
from pinpoint.web.app import create_app
from tests.care import factories as f

PASSWORD = "correct horse battery"
HTML = {"Accept": "text/html"}


@dataclass
class Clinic:
    engine: Engine
    client: TestClient
    chart: f.Chart
    session_id: int
    alert_id: int
    event_id: int

    def login(self, email: str = "clin@example.org") -> str:
        token = _csrf(self.client.get("/login").text)
        self.client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        return _csrf(self.client.get("/clinic", follow_redirects=True).text)

    @property
    def chart_url(self) -> str:
        return f"/clinic/patients/{self.chart.patient_id}"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def _words(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def clinic(engine: Engine, db_settings: Settings) -> Iterator[Clinic]:
    chart = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, chart)
    phq9 = AssessmentCreate.model_validate(
        {"instrument": "phq9", "responses": [1, 1, 1, 1, 1, 1, 1, 1, 2], "taken_on": "2025-03-05"}
    )
    made = record_assessment(engine, chart.clinician, chart.episode_id, phq9)
    assert made.alert is not None
    patient = f.actor(engine, Role.PATIENT, chart.clinic_id, chart.patient_id)
    report = AdverseEventCreate.model_validate(
        {"type": "bruising", "severity": "mild", "onset_on": "2025-03-05",
         "description": "A bruise where the needle went in."}
    )  # fmt: skip
    event = sessions.record_adverse_event(engine, patient, session_id, report)
    create_user(engine, "clin@example.org", "clinician", PASSWORD, "Clinic A")
    create_patient_user(engine, "pat@example.org", PASSWORD, "Clinic A", "MRN-1")
    create_clinic(engine, "Clinic B", "TX")
    create_user(engine, "b@example.org", "clinician", PASSWORD, "Clinic B")
    with TestClient(create_app(db_settings), follow_redirects=False, headers=HTML) as client:
        yield Clinic(engine, client, chart, session_id, made.alert.id, event.id)


def test_the_chart_shows_the_open_alert_first_and_the_scores(clinic: Clinic) -> None:
    clinic.login()
    words = _words(clinic.client.get(clinic.chart_url).text)
    assert words.index("1 open safety alert") < words.index("MRN")
    assert "Safety alert: PHQ-9 item 9 (thoughts of self-harm) above 0" in words
    assert "Patient Health Questionnaire-9, PHQ-9: 10 out of 27, moderate depression" in words
    assert "item 9 above 0" in words
    assert "1 side effect reported by the patient awaits your review" in words


def test_resolving_the_alert_needs_what_was_done(clinic: Clinic) -> None:
    csrf = clinic.login()
    url = f"/clinic/alerts/{clinic.alert_id}/resolve"
    short = clinic.client.post(url, data={"csrf_token": csrf, "action": "ok"})
    assert short.status_code == 422
    assert 'aria-invalid="true"' in short.text
    done = clinic.client.post(
        url, data={"csrf_token": csrf, "action": "Called the patient; safety plan agreed."}
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{clinic.chart_url}#outcomes-{clinic.chart.episode_id}"
    with clinic.engine.connect() as conn:
        assert conn.scalar(select(Alert.open).where(Alert.id == clinic.alert_id)) is False
    words = _words(clinic.client.get(clinic.chart_url).text)
    assert "open safety alert" not in words
    assert "resolved" in words
    assert "safety plan agreed" in words
    again = clinic.client.post(url, data={"csrf_token": csrf, "action": "Twice is a conflict."})
    assert again.status_code == 409


def test_assigning_and_cancelling_a_questionnaire_from_the_chart(clinic: Clinic) -> None:
    csrf = clinic.login()
    url = f"/clinic/episodes/{clinic.chart.episode_id}/assignments"
    early = clinic.client.post(
        url,
        data={"csrf_token": csrf, "instrument": "odi", "reason": "intake", "due_on": "2020-01-01"},
    )
    assert early.status_code == 422
    assert "Not assigned." in early.text
    assert "before the episode started" in early.text
    made = clinic.client.post(
        url,
        data={"csrf_token": csrf, "instrument": "nprs", "reason": "follow_up",
              "due_on": "2025-03-04", "every_sessions": "1"},
    )  # fmt: skip
    assert made.status_code == 303
    with clinic.engine.connect() as conn:
        row = conn.execute(select(Assignment.id, Assignment.every_sessions)).one()
    assert row.every_sessions == 1
    words = _words(clinic.client.get(clinic.chart_url).text)
    assert "Follow-up, every 1 sessions" in words
    cancelled = clinic.client.post(
        f"/clinic/assignments/{row.id}/cancel", data={"csrf_token": csrf}
    )
    assert cancelled.status_code == 303
    with clinic.engine.connect() as conn:
        assert conn.scalar(select(Assignment.cancelled)) is True


def test_reviewing_a_reported_side_effect(clinic: Clinic) -> None:
    csrf = clinic.login()
    chart = clinic.client.get(clinic.chart_url).text
    review_url = f"/clinic/adverse-events/{clinic.event_id}/review"
    assert f'href="{review_url}"' in chart
    form = clinic.client.get(review_url)
    assert form.status_code == 200
    assert "A bruise where the needle went in." in form.text
    empty = clinic.client.post(
        review_url, data={"csrf_token": csrf, "version": "1", "action_taken": " "}
    )
    assert empty.status_code == 422
    done = clinic.client.post(
        review_url,
        data={"csrf_token": csrf, "version": "1", "action_taken": "Phoned; bruise fading.",
              "type": "bruising", "severity": "mild", "resolved": "on"},
    )  # fmt: skip
    assert done.status_code == 303
    with clinic.engine.connect() as conn:
        row = conn.execute(
            select(AdverseEvent.review_status, AdverseEvent.resolved, AdverseEvent.action_taken)
        ).one()
    assert tuple(row) == ("reviewed", True, "Phoned; bruise fading.")
    assert "awaits your review" not in _words(clinic.client.get(clinic.chart_url).text)


def test_another_clinic_gets_404_everywhere(clinic: Clinic) -> None:
    csrf = clinic.login("b@example.org")
    posts = {
        f"/clinic/alerts/{clinic.alert_id}/resolve": {"action": "Not ours to resolve."},
        f"/clinic/episodes/{clinic.chart.episode_id}/assignments": {
            "instrument": "nprs", "reason": "intake",
        },
        f"/clinic/adverse-events/{clinic.event_id}/review": {
            "version": "1", "action_taken": "Not ours to review.",
        },
    }  # fmt: skip
    for path, data in posts.items():
        assert clinic.client.post(path, data={"csrf_token": csrf, **data}).status_code == 404, path
    assert clinic.client.get(f"/clinic/adverse-events/{clinic.event_id}/review").status_code == 404


def test_the_patient_s_own_chart_shows_no_staff_controls(clinic: Clinic) -> None:
    clinic.login("pat@example.org")
    page = clinic.client.get(clinic.chart_url)
    assert page.status_code == 200
    assert "Assign a questionnaire" not in page.text
    assert "/resolve" not in page.text
    assert "/review" not in page.text
