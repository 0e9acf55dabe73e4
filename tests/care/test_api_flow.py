"""The acceptance script of issue 4, as a new user would run it: CLI, then the API.

Two clinics and their users from the CLI; then over HTTP: patients, episodes, screening,
consent, sessions of 2 and 3 muscles, an adverse event, and every refusal (404, 401, 409,
422). Afterwards the database holds exactly the accepted records.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from pinpoint.care.models import (
    AdverseEvent,
    Consent,
    Episode,
    NeedlingSession,
    Patient,
    Screening,
    SessionMuscle,
)
from pinpoint.cli import run
from pinpoint.config import Settings
from pinpoint.web.app import create_app
from tests.care import factories as f

PASSWORD = "correct horse battery staple"
API = "/api/v1"


def cli(args: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> Any:
    """Run ``pinpoint ARGS --json`` with ``stdin`` and return its JSON output."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        assert run([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def env(db_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PINPOINT_DATABASE_URL", db_settings.resolved_database_url())
    monkeypatch.setenv("PINPOINT_DATA_DIR", str(db_settings.data_dir))
    return db_settings


def token(client: TestClient, email: str) -> dict[str, str]:
    answer = client.post(f"{API}/auth/token", data={"username": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def muscles(*names: str) -> list[dict[str, Any]]:
    return [{"muscle": n, "side": "bilateral", "needles": 3, "twitch": True} for n in names]


def session_body(npi: str, *names: str) -> dict[str, Any]:
    return {
        "performed_on": "2025-03-04",
        "practitioner_npi": npi,
        "muscles": muscles(*names),
        "technique": "static",
        "pain_before": 7,
        "pain_after": 4,
        "co_interventions": ["therapeutic_exercise", "manual_therapy"],
        "notes": "Synthetic test session.",
    }


def count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_the_issue_acceptance_script(
    env: Settings, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    # -- clinics and users from the CLI
    for name, state in (("Clinic A", "CO"), ("Clinic B", "TX")):
        assert cli(["clinic", "create", name, "--state", state], capsys)["state"] == state
    for email, clinic in (("a@example.org", "Clinic A"), ("b@example.org", "Clinic B")):
        args = ["user", "create", email, "--role", "clinician", "--clinic", clinic]
        cli([*args, "--password-stdin"], capsys, stdin=PASSWORD + "\n")
    trained, untrained = f.trained_npi(engine, "CO"), f.untrained_npi(engine, "CO")

    client = TestClient(create_app(env))
    a, b = token(client, "a@example.org"), token(client, "b@example.org")
    patient = {"given_name": "Ada", "family_name": "Test", "birth_date": "1970-05-06", "sex": "F"}

    # -- no token, bad token
    assert client.post(f"{API}/patients", json={"mrn": "A-1", **patient}).status_code == 401
    bad = {"Authorization": "Bearer nonsense"}
    assert client.get(f"{API}/patients/1", headers=bad).status_code == 401

    # -- patients; the other clinic's answers 404
    created = client.post(f"{API}/patients", json={"mrn": "A-1", **patient}, headers=a)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    theirs = client.post(f"{API}/patients", json={"mrn": "B-1", **patient}, headers=b).json()["id"]
    assert client.get(f"{API}/patients/{theirs}", headers=a).status_code == 404
    assert client.get(f"{API}/patients/{pid}", headers=b).status_code == 404
    assert client.post(f"{API}/patients/{theirs}/episodes", headers=a, json={
        "region": "lumbar", "icd10": ["M54.50"], "started_on": "2025-03-01"
    }).status_code == 404  # fmt: skip

    # -- episodes: unknown and header codes are 422 naming the field
    episode = {"region": "lumbar", "icd10": ["M54.50", "M62.830"], "started_on": "2025-03-01"}
    for field, wrong in (("icd10", ["M54.5"]), ("icd10", ["ZZZ.9"]), ("region", "knee")):
        answer = client.post(
            f"{API}/patients/{pid}/episodes", json={**episode, field: wrong}, headers=a
        )
        assert answer.status_code == 422
        assert answer.json()["error"]["field"] == field
    answer = client.post(f"{API}/patients/{pid}/episodes", json=episode, headers=a)
    assert answer.status_code == 201, answer.text
    eid = answer.json()["id"]
    sessions_url = f"{API}/episodes/{eid}/sessions"

    # -- a session before screening, then before consent: 409 with the reason
    answer = client.post(sessions_url, json=session_body(trained, "piriformis"), headers=a)
    assert answer.status_code == 409
    assert "no screening recorded" in answer.json()["error"]["message"]
    screening = client.post(
        f"{API}/episodes/{eid}/screenings", json={"findings": ["diabetes"]}, headers=a
    )
    assert screening.status_code == 201
    assert screening.json()["result"] == "precautions"
    answer = client.post(sessions_url, json=session_body(trained, "piriformis"), headers=a)
    assert answer.status_code == 409
    assert "no informed consent" in answer.json()["error"]["message"]
    consent = {"signed_on": "2025-03-01", "signed_by": "Ada Test", "form_version": "2025-01"}
    answer = client.post(f"{API}/episodes/{eid}/consents", json=consent, headers=a)
    assert answer.status_code == 201
    assert answer.json()["written_required"] is True  # Colorado

    # -- a needler without recorded training: 409 with the reasons
    answer = client.post(sessions_url, json=session_body(untrained, "piriformis"), headers=a)
    assert answer.status_code == 409
    assert "training" in answer.json()["error"]["message"]

    # -- malformed session bodies: 422 naming the field
    good = session_body(trained, "piriformis")
    for field, value in (
        ("muscles", []),
        ("muscle", muscles("pinky_toe")),
        ("pain_before", 11),
        ("technique", "stabbing"),
        ("co_interventions", ["reiki"]),
        ("surprise", 1),
    ):
        body = {**good, "muscles": value} if field == "muscle" else {**good, field: value}
        answer = client.post(sessions_url, json=body, headers=a)
        assert answer.status_code == 422, (field, answer.text)
        assert answer.json()["error"]["field"] == field
    answer = client.post(sessions_url, content=b"{not json", headers=a)
    assert answer.status_code == 422

    # -- sessions of 2 and 3 muscles: CPT 20560 and 20561
    two = client.post(
        sessions_url, json=session_body(trained, "gluteus_medius", "piriformis"), headers=a
    )
    assert two.status_code == 201, two.text
    assert (two.json()["cpt_code"], two.json()["precautions"]) == ("20560", ["diabetes"])
    three = client.post(
        sessions_url,
        json=session_body(trained, "gluteus_medius", "piriformis", "quadratus_lumborum"),
        headers=a,
    )
    assert three.status_code == 201
    assert three.json()["cpt_code"] == "20561"
    sid = two.json()["id"]

    # -- an adverse event; bad ones are 422; the other clinic cannot see the session
    event = {
        "type": "bruising",
        "severity": "mild",
        "onset_on": "2025-03-04",
        "description": "Small bruise.",
        "resolved": True,
    }
    url = f"{API}/sessions/{sid}/adverse-events"
    assert client.post(url, json={**event, "type": "sunburn"}, headers=a).status_code == 422
    assert client.post(url, json={**event, "severity": "fatal"}, headers=a).status_code == 422
    assert client.post(url, json=event, headers=b).status_code == 404
    answer = client.post(url, json=event, headers=a)
    assert answer.status_code == 201
    assert answer.json()["reportable"] is False
    shown = client.get(f"{API}/sessions/{sid}", headers=a).json()
    assert [e["type"] for e in shown["adverse_events"]] == ["bruising"]
    assert client.get(f"{API}/sessions/{sid}", headers=b).status_code == 404

    # -- a contraindicated patient without an override: 409
    other = client.post(f"{API}/patients", json={"mrn": "A-2", **patient}, headers=a).json()["id"]
    eid2 = client.post(f"{API}/patients/{other}/episodes", json=episode, headers=a).json()["id"]
    client.post(
        f"{API}/episodes/{eid2}/screenings", json={"findings": ["needle_phobia"]}, headers=a
    )
    client.post(f"{API}/episodes/{eid2}/consents", json=consent, headers=a)
    answer = client.post(
        f"{API}/episodes/{eid2}/sessions", json=session_body(trained, "piriformis"), headers=a
    )
    assert answer.status_code == 409
    assert "contraindication" in answer.json()["error"]["message"]

    # -- the chart shows it all
    chart = client.get(f"{API}/patients/{pid}", headers=a).json()
    assert [s["cpt_code"] for s in chart["episodes"][0]["sessions"]] == ["20560", "20561"]

    # -- exactly the accepted records, nothing half-written
    assert count(engine, Patient) == 3
    assert count(engine, Episode) == 2
    assert count(engine, Screening) == 2
    assert count(engine, Consent) == 2
    assert count(engine, NeedlingSession) == 2
    assert count(engine, SessionMuscle) == 5
    assert count(engine, AdverseEvent) == 1


def test_an_edit_with_a_stale_version_answers_409(env: Settings, engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    from pinpoint.accounts.service import create_user, issue_token
    from pinpoint.actors import Actor, Role

    user = create_user(engine, "c@example.org", "clinician", PASSWORD, "Clinic A")
    bearer = issue_token(engine, Actor(user.id, Role.CLINICIAN, ready.clinic_id)).token
    headers = {"Authorization": f"Bearer {bearer}"}
    client = TestClient(create_app(env))
    url = f"{API}/patients/{ready.patient_id}"
    first = client.patch(url, json={"version": 1, "phone": "555-0100"}, headers=headers)
    assert (first.status_code, first.json()["version"]) == (200, 2)
    stale = client.patch(url, json={"version": 1, "phone": "555-0199"}, headers=headers)
    assert stale.status_code == 409
    assert stale.json()["error"]["field"] == "version"
    assert (
        client.patch(url, json={"version": 2, "given_name": None}, headers=headers).status_code
        == 422
    )
    history = client.get(f"{url}/history", headers=headers).json()
    assert [h["changes"] for h in history] == [{"phone": [None, "555-0100"]}]
