"""``POST /api/v1/credentials``: operators add training; hours add up into the verdict."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pinpoint.config import Settings
from pinpoint.web.app import create_app
from tests.accounts.factories import clinic, token, user
from tests.directory.factories import add, npi_from, practitioner


@pytest.fixture
def client(db_settings: Settings) -> TestClient:
    return TestClient(create_app(db_settings))


def _course(npi: str, certificate: str, hours: float, in_person: float) -> dict[str, object]:
    return {
        "npi": npi,
        "provider": "Synthetic Dry Needling Institute",
        "course": "Level 1",
        "hours": hours,
        "in_person_hours": in_person,
        "completed_on": "2024-03-01",
        "certificate_id": certificate,
    }


def test_an_operator_adds_courses_and_the_verdict_follows_the_summed_hours(
    engine: Engine, client: TestClient
) -> None:
    npi = npi_from(10)
    add(engine, [practitioner(npi=npi, zip5="80202", state="CO")])
    user(engine, "ops@example.org", "operator", None)
    headers = {"Authorization": f"Bearer {token(engine, 'ops@example.org')}"}
    first = client.post("/api/v1/credentials", json=_course(npi, "C-1", 30, 20), headers=headers)
    assert first.status_code == 201
    assert first.json()["id"]
    verdict = client.get(f"/api/v1/practitioners/{npi}").json()["eligibility"]["verdict"]
    assert verdict == "not_eligible"
    second = client.post("/api/v1/credentials", json=_course(npi, "C-2", 25, 25), headers=headers)
    assert second.status_code == 201
    verdict = client.get(f"/api/v1/practitioners/{npi}").json()["eligibility"]["verdict"]
    assert verdict == "eligible"


def test_credentials_need_an_operator_and_valid_input(engine: Engine, client: TestClient) -> None:
    npi = npi_from(11)
    add(engine, [practitioner(npi=npi)])
    clinic(engine)
    user(engine)
    user(engine, "ops@example.org", "operator", None)
    body = _course(npi, "C-9", 60, 45)
    assert client.post("/api/v1/credentials", json=body).status_code == 401
    clinician = {"Authorization": f"Bearer {token(engine)}"}
    assert client.post("/api/v1/credentials", json=body, headers=clinician).status_code == 403
    ops = {"Authorization": f"Bearer {token(engine, 'ops@example.org')}"}
    bad = client.post("/api/v1/credentials", json={**body, "npi": "1234567890"}, headers=ops)
    assert bad.status_code == 422
    unknown = client.post("/api/v1/credentials", json={**body, "npi": npi_from(99)}, headers=ops)
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "npi"
    assert client.post("/api/v1/credentials", json=body, headers=ops).status_code == 201
    assert client.post("/api/v1/credentials", json=body, headers=ops).status_code == 409
