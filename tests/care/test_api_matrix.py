"""Role x route x own/other clinic, generated from the app's route table.

Every ``/api/v1`` route behind ``current_actor`` must appear in ``REQUESTS`` (or, if it
holds no patient data, in ``NOT_CLINICAL``): a new route cannot skip these checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pinpoint.accounts.service import authenticate, create_user, issue_token
from pinpoint.actors import Actor
from pinpoint.care import service, sessions
from pinpoint.care.models import Episode, Patient
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.care.schemas import AdverseEventCreate
from pinpoint.config import Settings
from pinpoint.outcomes.assessments import record_assessment
from pinpoint.outcomes.assignments import create_assignment
from pinpoint.outcomes.models import Assessment
from pinpoint.outcomes.records_schemas import AssessmentCreate, AssignmentCreate
from pinpoint.web.app import create_app
from pinpoint.web.security import clinical_routes
from tests.care import factories as f

PASSWORD = "correct horse battery staple"

# Routes behind current_actor that hold no patient data; their own tests cover them.
NOT_CLINICAL = {
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/audit"),
    ("POST", "/api/v1/credentials"),  # directory operators' training entry
    ("POST", "/api/v1/practitioners/{npi}/filings"),  # and their board filings
}
# Reads a patient user may make of their own record.
PATIENT_READS = {
    ("GET", "/api/v1/patients/{id}"),
    ("GET", "/api/v1/episodes/{id}"),
    ("GET", "/api/v1/sessions/{id}"),
    ("GET", "/api/v1/episodes/{id}/assessments"),
    ("GET", "/api/v1/assessments/{id}"),
    ("GET", "/api/v1/episodes/{id}/assignments"),
    ("GET", "/api/v1/adverse-events/{id}"),
    ("GET", "/api/v1/episodes/{id}/progress"),
}
# What a patient user may write about their own record: their questionnaires, and a side
# effect after one of their sessions.
PATIENT_WRITES = {
    ("POST", "/api/v1/episodes/{id}/assessments"),
    ("POST", "/api/v1/sessions/{id}/adverse-events"),
}
# POST routes that act on a record rather than create one (200, not 201).
ACTIONS = {
    ("POST", "/api/v1/alerts/{id}/resolve"),
    ("POST", "/api/v1/assignments/{id}/cancel"),
    ("POST", "/api/v1/adverse-events/{id}/review"),
}


@dataclass
class World:
    engine: Engine
    a: f.Chart
    session_id: int
    assessment_id: int
    event_id: int
    tokens: dict[str, dict[str, str]]
    patient: Actor

    def version(
        self, model: type[Patient] | type[Episode] | type[Assessment], record_id: int
    ) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(select(model.version).where(model.id == record_id)).scalar_one()
            )

    def new_alert(self) -> int:
        phq9 = AssessmentCreate.model_validate(
            {"instrument": "phq9", "responses": [1] * 8 + [1], "taken_on": "2025-03-05"}
        )
        made = record_assessment(self.engine, self.a.clinician, self.a.episode_id, phq9)
        assert made.alert is not None
        return made.alert.id

    def new_assignment(self) -> int:
        data = AssignmentCreate.model_validate(
            {"instrument": "nprs", "reason": "follow_up", "every_sessions": 2}
        )
        return create_assignment(self.engine, self.a.clinician, self.a.episode_id, data).id

    def new_report(self) -> int:
        """A side effect the patient reported, awaiting review."""
        data = AdverseEventCreate.model_validate(
            {"type": "bruising", "severity": "mild", "onset_on": "2025-03-05"}
        )
        return sessions.record_adverse_event(self.engine, self.patient, self.session_id, data).id

    def new_episode(self) -> int:
        return service.create_episode(
            self.engine, self.a.clinician, self.a.patient_id, f.episode_data()
        ).id


Body = Callable[[World], dict[str, Any] | None]
Target = Callable[[World], int]

_patient: Target = lambda w: w.a.patient_id  # noqa: E731
_episode: Target = lambda w: w.a.episode_id  # noqa: E731
_session: Target = lambda w: w.session_id  # noqa: E731
_assessment: Target = lambda w: w.assessment_id  # noqa: E731
_event: Target = lambda w: w.event_id  # noqa: E731

# (method, path) -> (which record {id} names, a valid body)
REQUESTS: dict[tuple[str, str], tuple[Target | None, Body]] = {
    ("GET", "/api/v1/patients"): (None, lambda w: None),
    ("POST", "/api/v1/patients"): (
        None,
        lambda w: {
            "mrn": "MRN-NEW",
            "given_name": "New",
            "family_name": "Patient",
            "birth_date": "1990-01-01",
            "sex": "male",
        },
    ),
    ("GET", "/api/v1/patients/{id}"): (_patient, lambda w: None),
    ("PATCH", "/api/v1/patients/{id}"): (
        _patient,
        lambda w: {"version": w.version(Patient, w.a.patient_id), "phone": "555-0100"},
    ),
    ("GET", "/api/v1/patients/{id}/history"): (_patient, lambda w: None),
    ("POST", "/api/v1/patients/{id}/episodes"): (
        _patient,
        lambda w: {"region": "cervical", "icd10": ["M54.2"], "started_on": "2025-03-01"},
    ),
    ("GET", "/api/v1/episodes/{id}"): (_episode, lambda w: None),
    ("PATCH", "/api/v1/episodes/{id}"): (
        _episode,
        lambda w: {"version": w.version(Episode, w.a.episode_id), "icd10": ["M54.50"]},
    ),
    ("POST", "/api/v1/episodes/{id}/plan"): (
        lambda w: w.new_episode(),
        lambda w: {"components": ["dry_needling", "heat"], "goals": "Sit for an hour."},
    ),
    ("POST", "/api/v1/episodes/{id}/screenings"): (_episode, lambda w: {"findings": []}),
    ("GET", "/api/v1/episodes/{id}/consent-form"): (_episode, lambda w: None),
    ("POST", "/api/v1/episodes/{id}/consents"): (
        _episode,
        lambda w: {"signed_on": "2025-03-01", "signed_by": "Pat", "form_version": "v2"},
    ),
    ("POST", "/api/v1/episodes/{id}/sessions"): (
        _episode,
        lambda w: f.session_data(w.a.npi).model_dump(mode="json"),
    ),
    ("GET", "/api/v1/sessions/{id}"): (_session, lambda w: None),
    ("POST", "/api/v1/sessions/{id}/adverse-events"): (
        _session,
        lambda w: {"type": "soreness", "severity": "mild", "onset_on": "2025-03-05"},
    ),
    ("POST", "/api/v1/episodes/{id}/assessments"): (
        _episode,
        lambda w: {"instrument": "nprs", "responses": [4], "taken_on": "2025-03-05"},
    ),
    ("GET", "/api/v1/episodes/{id}/assessments"): (_episode, lambda w: None),
    ("GET", "/api/v1/assessments/{id}"): (_assessment, lambda w: None),
    ("PATCH", "/api/v1/assessments/{id}"): (
        _assessment,
        lambda w: {"version": w.version(Assessment, w.assessment_id), "responses": [3]},
    ),
    ("GET", "/api/v1/assessments/{id}/history"): (_assessment, lambda w: None),
    ("GET", "/api/v1/adverse-events/{id}"): (_event, lambda w: None),
    ("POST", "/api/v1/adverse-events/{id}/review"): (
        lambda w: w.new_report(),
        lambda w: {"version": 1, "action_taken": "Called the patient; bruise fading."},
    ),
    ("POST", "/api/v1/episodes/{id}/assignments"): (
        _episode,
        lambda w: {"instrument": "odi", "reason": "follow_up", "due_on": "2025-03-20"},
    ),
    ("GET", "/api/v1/episodes/{id}/assignments"): (_episode, lambda w: None),
    ("POST", "/api/v1/assignments/{id}/cancel"): (lambda w: w.new_assignment(), lambda w: None),
    ("GET", "/api/v1/alerts"): (None, lambda w: None),
    ("POST", "/api/v1/alerts/{id}/resolve"): (
        lambda w: w.new_alert(),
        lambda w: {"action": "Called the patient the same day; safety plan agreed."},
    ),
    ("GET", "/api/v1/episodes/{id}/progress"): (_episode, lambda w: None),
    ("GET", "/api/v1/episodes/{id}/report.pdf"): (_episode, lambda w: None),
    ("GET", "/api/v1/dashboard"): (None, lambda w: None),
}


def _routes() -> list[tuple[str, str]]:
    settings = Settings(data_dir="/nonexistent", database_url="sqlite://")
    found: list[tuple[str, str]] = []
    for route in clinical_routes(create_app(settings)):
        assert route.path is not None  # api_routes keeps the paths under /api/v1/ only
        found.extend((method, route.path) for method in (route.methods or ()))
    return sorted(found)


ROUTES = [r for r in _routes() if r not in NOT_CLINICAL]
MATRIX = [r for r in ROUTES if r in REQUESTS]
ROLES = ["anonymous", "operator", "patient", "clinician", "clinic_admin", "other_clinic"]


def test_every_authenticated_route_is_in_the_matrix() -> None:
    assert ROUTES
    missing = [r for r in ROUTES if r not in REQUESTS]
    assert missing == [], "add a sample request for these routes to REQUESTS"


@pytest.fixture
def world(engine: Engine) -> World:
    a = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, a)
    f.clinic(engine, "Clinic B", "TX")
    users = {
        "operator": create_user(engine, "op@example.org", "operator", PASSWORD),
        "patient": create_patient_user(engine, "pat@example.org", PASSWORD, "Clinic A", "MRN-1"),
        "clinician": create_user(engine, "cl@example.org", "clinician", PASSWORD, "Clinic A"),
        "clinic_admin": create_user(engine, "ad@example.org", "clinic_admin", PASSWORD, "Clinic A"),
        "other_clinic": create_user(engine, "b@example.org", "clinic_admin", PASSWORD, "Clinic B"),
    }
    tokens: dict[str, dict[str, str]] = {"anonymous": {}}
    actors = {}
    for name, user in users.items():
        actors[name] = authenticate(engine, user.email, PASSWORD)
        tokens[name] = {"Authorization": f"Bearer {issue_token(engine, actors[name]).token}"}
    nprs = AssessmentCreate.model_validate(
        {"instrument": "nprs", "responses": [6], "taken_on": "2025-03-04"}
    )
    assessment_id = record_assessment(engine, a.clinician, a.episode_id, nprs).id
    soreness = AdverseEventCreate.model_validate(
        {"type": "soreness", "severity": "mild", "onset_on": "2025-03-04"}
    )
    event_id = sessions.record_adverse_event(engine, a.clinician, session_id, soreness).id
    return World(engine, a, session_id, assessment_id, event_id, tokens, actors["patient"])


def expected(role: str, method: str, path: str) -> int:
    if role == "anonymous":
        return 401
    if role == "operator":
        return 403
    if role == "patient":
        if (method, path) in PATIENT_WRITES:
            return 201
        return 200 if (method, path) in PATIENT_READS else 403
    if role == "other_clinic" and "{id}" in path:
        return 404
    return 201 if method == "POST" and (method, path) not in ACTIONS else 200


@pytest.mark.parametrize("role", ROLES)
def test_role_by_route_by_clinic(
    role: str, world: World, db_settings: Settings, engine: Engine
) -> None:
    client = TestClient(create_app(db_settings))
    wrong = []
    for method, path in MATRIX:
        target, body = REQUESTS[(method, path)]
        url = path.replace("{id}", str(target(world))) if target else path
        answer = client.request(method, url, json=body(world), headers=world.tokens[role])
        want = expected(role, method, path)
        if answer.status_code != want:
            wrong.append(f"{role} {method} {path}: {answer.status_code} != {want} {answer.text}")
    assert wrong == []


def test_a_bad_token_is_401_everywhere(world: World, db_settings: Settings) -> None:
    client = TestClient(create_app(db_settings))
    headers = {"Authorization": "Bearer not-a-token"}
    for method, path in ROUTES:
        answer = client.request(method, path.replace("{id}", "1"), headers=headers)
        assert answer.status_code == 401, (method, path)
        assert answer.headers["www-authenticate"] == "Bearer"
