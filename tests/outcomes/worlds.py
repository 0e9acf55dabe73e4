"""A clinic with a documented course of care, its neighbours, and clients logged in as each.

``course_world(engine, settings)``: Clinic A (CO) with a lumbar episode of patient MRN-1
(three sessions with pain before and after, one with a bruise; NPRS, ODI and PSFS at intake
and follow-up; a plan), a second patient MRN-2 with an episode of their own, and Clinic B
(TX) with a patient and episode. Bearer headers for the clinician, the clinic admin, the
patient MRN-1, an operator and Clinic B's admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pinpoint.accounts.service import authenticate, create_user, issue_token
from pinpoint.audit.models import AuditEvent
from pinpoint.care import service, sessions
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.care.schemas import AdverseEventCreate, EpisodeUpdate, PlanCreate, ScreeningCreate
from pinpoint.config import Settings
from pinpoint.db.engine import session_factory
from pinpoint.outcomes.assessments import record_assessment
from pinpoint.outcomes.records_schemas import AssessmentCreate
from pinpoint.web.app import create_app
from tests.care import factories as f

PASSWORD = "correct horse battery staple"
START = date(2025, 3, 1)
ACTIVITIES = ["Sitting at work", "Lifting a child", "Walking 30 minutes"]


@dataclass
class CourseWorld:
    engine: Engine
    client: TestClient
    chart: f.Chart
    other_patient_episode: int
    other_clinic_episode: int
    headers: dict[str, dict[str, str]]

    @property
    def episode_id(self) -> int:
        return self.chart.episode_id

    def get(self, url: str, who: str) -> Any:
        return self.client.get(url, headers=self.headers[who])

    def audited(self, action: str, record_type: str) -> list[AuditEvent]:
        with session_factory(self.engine)() as session:
            return list(
                session.scalars(
                    select(AuditEvent).where(
                        AuditEvent.action == action, AuditEvent.record_type == record_type
                    )
                )
            )


def document_course(engine: Engine, chart: f.Chart) -> None:
    """Three sessions (pain 7 -> 5 before needling), a bruise, intake and follow-up scores."""
    actor = chart.clinician
    service.create_plan(
        engine,
        actor,
        chart.episode_id,
        PlanCreate.model_validate(
            {
                "components": ["therapeutic_exercise"],
                "frequency": "twice a week, 4 weeks",
                "goals": "Sit through a work day",
            }
        ),
    )
    for n, (before, after) in enumerate([(7, 4), (6, 4), (5, 3)]):
        on = START + timedelta(days=3 + 7 * n)
        data = f.session_data(chart.npi, performed_on=on.isoformat(), pain_before=before,
                              pain_after=after)  # fmt: skip
        made = sessions.record_session(engine, actor, chart.episode_id, data)
        if n == 0:
            bruise = AdverseEventCreate.model_validate(
                {"type": "bruising", "severity": "mild", "onset_on": on.isoformat()}
            )
            sessions.record_adverse_event(engine, actor, made.id, bruise)
    for day, nprs, odi, psfs in [
        (0, [8], [3, 3, 2, 2, 3, 2, 2, 2, 3, 2], [3, 4, 5]),
        (30, [4], [1, 1, 1, 1, 1, 2, 1, 1, 0, 1], [6, 7, 8]),
    ]:
        for code, answers in (("nprs", nprs), ("odi", odi), ("psfs", psfs)):
            body: dict[str, Any] = {
                "instrument": code,
                "responses": answers,
                "taken_on": (START + timedelta(days=day)).isoformat(),
            }
            if code == "psfs":
                body["activities"] = ACTIVITIES
            record_assessment(
                engine, actor, chart.episode_id, AssessmentCreate.model_validate(body)
            )


def closed_episode(engine: Engine, chart: f.Chart, mrn: str, pain: tuple[int, int]) -> int:
    """A patient with a screened, consented lumbar episode: two sessions, then closed."""
    actor = chart.clinician
    patient = service.create_patient(engine, actor, f.patient_data(mrn, given_name=f"P{mrn}"))
    episode = service.create_episode(engine, actor, patient.id, f.episode_data())
    service.record_screening(engine, actor, episode.id, ScreeningCreate(findings=[]))
    service.record_consent(engine, actor, episode.id, f.consent_data())
    for n, before in enumerate(pain):
        on = START + timedelta(days=3 + 7 * n)
        data = f.session_data(chart.npi, performed_on=on.isoformat(), pain_before=before)
        sessions.record_session(engine, actor, episode.id, data)
    version = service.get_episode(engine, actor, episode.id).version
    close = EpisodeUpdate(version=version, ended_on=START + timedelta(days=30), status="closed")
    service.update_episode(engine, actor, episode.id, close)
    return episode.id


def course_world(engine: Engine, settings: Settings) -> CourseWorld:
    chart = f.chart(engine, screened=[], name="Clinic A", mrn="MRN-1")
    document_course(engine, chart)
    other = service.create_patient(engine, chart.clinician, f.patient_data("MRN-2"))
    other_episode = service.create_episode(engine, chart.clinician, other.id, f.episode_data())
    b = f.chart(engine, state="TX", name="Clinic B", mrn="B-1", consented=False)
    users = {
        "clinician": create_user(engine, "cl@example.org", "clinician", PASSWORD, "Clinic A"),
        "admin": create_user(engine, "ad@example.org", "clinic_admin", PASSWORD, "Clinic A"),
        "patient": create_patient_user(engine, "pat@example.org", PASSWORD, "Clinic A", "MRN-1"),
        "operator": create_user(engine, "op@example.org", "operator", PASSWORD),
        "other_clinic": create_user(engine, "b@example.org", "clinic_admin", PASSWORD, "Clinic B"),
    }
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for name, user in users.items():
        actor = authenticate(engine, user.email, PASSWORD)
        headers[name] = {"Authorization": f"Bearer {issue_token(engine, actor).token}"}
    client = TestClient(create_app(settings))
    return CourseWorld(engine, client, chart, other_episode.id, b.episode_id, headers)


def log_in(client: TestClient, email: str) -> None:
    """Log the client in through the web form (sets the session cookie)."""
    import re

    form = client.get("/login").text
    found = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert found is not None
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": found.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
