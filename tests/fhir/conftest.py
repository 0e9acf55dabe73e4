"""FHIR test fixtures: a documented clinic beside another clinic, users of every role, and
the count of resources validated against the official R4 schema (printed at the end)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from pinpoint.actors import Actor
from pinpoint.care import service, sessions
from pinpoint.care.schemas import AdverseEventCreate, PlanCreate, ScreeningCreate
from pinpoint.config import Settings
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from pinpoint.outcomes.assessments import record_assessment
from pinpoint.outcomes.records_schemas import AssessmentCreate
from pinpoint.web.app import create_app
from tests.accounts import factories as accounts
from tests.care import factories as care
from tests.conftest import POSTGRES_URL, _postgres_schema_url
from tests.fhir.validation import COUNTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if COUNTS:
        total = sum(COUNTS.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items()))
        terminalreporter.write_line(
            f"FHIR resources validated against the R4 schema and R4B models: {total} ({detail})"
        )


@dataclass
class World:
    """Clinic A (CO) with a documented patient; clinic B (TX) with one of its own."""

    clinic_a: int
    clinic_b: int
    admin_a: Actor
    clinician_a: Actor
    admin_b: Actor
    patient_id: int
    other_patient_id: int
    episode_id: int
    session_ids: list[int]
    npi: str

    def bearer(self, email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[email]}"}

    tokens: dict[str, str]


def document(engine: Engine, clinician: Actor, npi: str, mrn: str) -> tuple[int, int, list[int]]:
    """A patient with a screened, consented episode, a plan and two sessions (one with an
    adverse event). Returns (patient id, episode id, session ids)."""
    patient = service.create_patient(
        engine, clinician, care.patient_data(mrn, phone="303-555-0100", email="p@example.org")
    )
    episode = service.create_episode(
        engine, clinician, patient.id, care.episode_data(icd10=["M54.50", "M62.830"])
    )
    service.create_plan(
        engine,
        clinician,
        episode.id,
        PlanCreate.model_validate(
            {
                "components": ["dry_needling", "therapeutic_exercise"],
                "frequency": "twice a week, 6 weeks",
                "goals": "NPRS at most 3; ODI down 10 points",
            }
        ),
    )
    service.record_screening(
        engine, clinician, episode.id, ScreeningCreate(findings=["bleeding_risk"])
    )
    service.record_consent(engine, clinician, episode.id, care.consent_data())
    first = sessions.record_session(
        engine, clinician, episode.id, care.session_data(npi, ["lumbar_multifidus", "piriformis"])
    )
    second = sessions.record_session(
        engine,
        clinician,
        episode.id,
        care.session_data(
            npi,
            ["lumbar_multifidus", "quadratus_lumborum", "gluteus_medius"],
            performed_on="2025-03-11",
            notes=None,
        ),
    )
    sessions.record_adverse_event(
        engine,
        clinician,
        first.id,
        AdverseEventCreate.model_validate(
            {
                "type": "bruising",
                "severity": "mild",
                "onset_on": "2025-03-04",
                "resolved": True,
                "duration": "2 days",
            }
        ),
    )
    sessions.record_adverse_event(
        engine,
        clinician,
        second.id,
        AdverseEventCreate.model_validate(
            {
                "type": "other",
                "severity": "serious",
                "onset_on": date(2025, 3, 12).isoformat(),
                "description": "Synthetic serious event for the test",
                "action_taken": "Referred to emergency care",
            }
        ),
    )
    for instrument, responses in (("odi", [1, 2, 3, None, 2, 1, 0, 2, 3, 2]), ("phq9", [1] * 9)):
        record_assessment(
            engine,
            clinician,
            episode.id,
            AssessmentCreate.model_validate(
                {"instrument": instrument, "responses": responses, "taken_on": "2025-03-04"}
            ),
        )
    return patient.id, episode.id, [first.id, second.id]


@pytest.fixture
def world(engine: Engine) -> World:
    accounts.two_clinics(engine)
    accounts.user(engine, "op@example.org", "operator", None)
    accounts.user(engine, "clin-b@example.org", "clinician", "Clinic B")
    admin_a = accounts.login(engine, "admin-a@example.org")
    clinician_a = accounts.login(engine, "clin-a@example.org")
    admin_b = accounts.login(engine, "admin-b@example.org")
    clinician_b = accounts.login(engine, "clin-b@example.org")
    npi = care.trained_npi(engine, "CO")
    patient_id, episode_id, session_ids = document(engine, clinician_a, npi, "MRN-A1")
    other = service.create_patient(engine, clinician_b, care.patient_data("MRN-B1")).id
    accounts.user(engine, "patient-a@example.org", "patient", "Clinic A", patient_mrn="MRN-A1")
    tokens = {
        email: accounts.token(engine, email)
        for email in (
            "admin-a@example.org",
            "clin-a@example.org",
            "admin-b@example.org",
            "op@example.org",
            "patient-a@example.org",
        )
    }
    assert admin_a.clinic_id is not None
    assert admin_b.clinic_id is not None
    return World(
        clinic_a=admin_a.clinic_id,
        clinic_b=admin_b.clinic_id,
        admin_a=admin_a,
        clinician_a=clinician_a,
        admin_b=admin_b,
        patient_id=patient_id,
        other_patient_id=other,
        episode_id=episode_id,
        session_ids=session_ids,
        npi=npi,
        tokens=tokens,
    )


@pytest.fixture
def client(db_settings: Settings) -> TestClient:
    return TestClient(create_app(db_settings))


@dataclass
class EmptyDatabase:
    url: str
    engine: Engine


@pytest.fixture
def empty_db(database_url: str, tmp_path: Path) -> Iterator[EmptyDatabase]:
    """A second, migrated, empty database on the same backend as ``engine``."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'empty.db'}"
        other = make_engine(url)
        upgrade(other)
        yield EmptyDatabase(url, other)
        other.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _postgres_schema_url(schema)
    other = make_engine(url)
    try:
        upgrade(other)
        yield EmptyDatabase(url, other)
    finally:
        other.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
