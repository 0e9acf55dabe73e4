"""Refused attempts leave a trace their clinic's admin sees; operators see every clinic."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pinpoint.accounts.service import create_user
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.config import Settings
from pinpoint.web.app import create_app
from tests.care import factories as f

PASSWORD = "correct horse battery staple"
API = "/api/v1"


@dataclass
class World:
    client: TestClient
    a_patient: int
    b_episode: int

    def token(self, email: str) -> dict[str, str]:
        answer = self.client.post(
            f"{API}/auth/token", data={"username": email, "password": PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def denials(self, reader: str, **params: str) -> list[dict[str, object]]:
        answer = self.client.get(
            f"{API}/audit", params={"outcome": "denied", **params}, headers=self.token(reader)
        )
        assert answer.status_code == 200, answer.text
        return list(answer.json()["events"])


@pytest.fixture
def world(engine: Engine, db_settings: Settings) -> World:
    a = f.chart(engine, name="Clinic A", mrn="A-1")
    b = f.chart(engine, name="Clinic B", mrn="B-1")
    for email, role, clinic in [
        ("admin-a@example.org", "clinic_admin", "Clinic A"),
        ("clin-a@example.org", "clinician", "Clinic A"),
        ("admin-b@example.org", "clinic_admin", "Clinic B"),
        ("op@example.org", "operator", None),
    ]:
        create_user(engine, email, role, PASSWORD, clinic)
    create_patient_user(engine, "pat-a@example.org", PASSWORD, "Clinic A", "A-1")
    return World(TestClient(create_app(db_settings)), a.patient_id, b.episode_id)


def test_another_clinics_record_is_404_and_an_audited_denial(world: World) -> None:
    headers = world.token("clin-a@example.org")
    answer = world.client.get(f"{API}/episodes/{world.b_episode}", headers=headers)
    assert answer.status_code == 404
    [denial] = world.denials("admin-a@example.org")
    assert (denial["action"], denial["record_type"], denial["record_id"]) == (
        "read",
        "episode",
        str(world.b_episode),
    )
    assert denial["outcome"] == "denied"
    assert world.denials("admin-b@example.org") == []  # it is not Clinic B's event


def test_a_refused_role_is_an_audited_denial(world: World) -> None:
    patient = world.token("pat-a@example.org")
    answer = world.client.post(
        f"{API}/patients/{world.a_patient}/episodes",
        json={"region": "lumbar", "icd10": ["M54.50"], "started_on": "2025-03-01"},
        headers=patient,
    )
    assert answer.status_code == 403
    [denial] = world.denials("admin-a@example.org")
    assert (denial["action"], denial["record_type"], denial["role"]) == (
        "create",
        "episodes",
        "patient",
    )


def test_operators_see_failed_logins_to_unknown_emails_that_no_clinic_owns(world: World) -> None:
    world.client.post(
        f"{API}/auth/token", data={"username": "ghost@example.org", "password": "wrong pass"}
    )
    operator = world.denials("op@example.org", action="login")
    assert [(e["clinic_id"], e["user_id"]) for e in operator] == [(None, None)]
    assert world.denials("admin-a@example.org", action="login") == []


def test_a_clinic_admin_cannot_read_another_clinics_log(world: World) -> None:
    answer = world.client.get(
        f"{API}/audit", params={"clinic_id": 999}, headers=world.token("admin-a@example.org")
    )
    assert answer.status_code == 403
    clinician = world.client.get(f"{API}/audit", headers=world.token("clin-a@example.org"))
    assert clinician.status_code == 403
