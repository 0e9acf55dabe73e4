"""Clinics, users, practitioners and clinical records for care tests.

Clinic and user rows are inserted straight with SQLAlchemy (no password hashing) so the
domain tests stay fast; the API tests use the account service for real tokens.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from pinpoint.accounts.models import Clinic, User
from pinpoint.actors import Actor, Role
from pinpoint.care import service, sessions
from pinpoint.care.schemas import (
    ConsentCreate,
    EpisodeCreate,
    PatientCreate,
    ScreeningCreate,
    SessionCreate,
)
from pinpoint.db.engine import transaction
from pinpoint.directory.filings import add_filing
from pinpoint.directory.schemas_filings import FilingCreate
from tests.directory import factories as directory

SESSION_DAY = date(2025, 3, 4)
_serial = itertools.count(1)


def clinic(engine: Engine, name: str, state: str) -> int:
    with transaction(engine) as session:
        row = Clinic(name=name, state=state, synthetic=True)
        session.add(row)
        session.flush()
        return row.id


def actor(
    engine: Engine, role: Role, clinic_id: int | None, patient_id: int | None = None
) -> Actor:
    """A user row and the Actor acting for it."""
    with transaction(engine) as session:
        row = User(
            email=f"{role.value}-{next(_serial)}@example.org",
            password_hash="not-a-hash",
            role=role.value,
            clinic_id=clinic_id,
            patient_id=patient_id,
            active=True,
        )
        session.add(row)
        session.flush()
        return Actor(row.id, role, clinic_id, patient_id, "127.0.0.1")


def trained_npi(engine: Engine, state: str = "CO", **credential: Any) -> str:
    """A physical therapist with 50 h of training, 40 in person (eligible in CO)."""
    row = directory.practitioner(state=state)
    values: dict[str, Any] = {
        "hours": 50.0,
        "in_person_hours": 40.0,
        "completed_on": date(2020, 1, 1),
    }
    values.update(credential)
    directory.add(engine, [row], [directory.credential(row["npi"], **values)])
    return str(row["npi"])


def board_filing(engine: Engine, npi: str, state: str, **values: Any) -> None:
    """The board filing ``state``'s law asks for (an attestation filed 2024-05-01)."""
    data = {"state": state, "kind": "attestation", "filed_on": "2024-05-01", **values}
    add_filing(engine, npi, FilingCreate.model_validate(data))


def untrained_npi(engine: Engine, state: str = "CO") -> str:
    row = directory.practitioner(state=state)
    directory.add(engine, [row])
    return str(row["npi"])


def patient_data(mrn: str = "MRN-1", **overrides: Any) -> PatientCreate:
    values: dict[str, Any] = {
        "mrn": mrn,
        "given_name": "Synthetic",
        "family_name": "Person",
        "birth_date": "1980-01-02",
        "sex": "female",
    }
    values.update(overrides)
    return PatientCreate.model_validate(values)


def episode_data(**overrides: Any) -> EpisodeCreate:
    values: dict[str, Any] = {"region": "lumbar", "icd10": ["M54.50"], "started_on": "2025-03-01"}
    values.update(overrides)
    return EpisodeCreate.model_validate(values)


def session_data(npi: str, muscles: list[str] | None = None, **overrides: Any) -> SessionCreate:
    values: dict[str, Any] = {
        "performed_on": SESSION_DAY.isoformat(),
        "practitioner_npi": npi,
        "muscles": [
            {"muscle": m, "side": "left", "needles": 2, "twitch": True}
            for m in (muscles or ["lumbar_multifidus", "quadratus_lumborum"])
        ],
        "technique": "pistoning",
        "pain_before": 6,
        "pain_after": 3,
        "co_interventions": ["therapeutic_exercise"],
        "notes": "Tolerated well.",
    }
    values.update(overrides)
    return SessionCreate.model_validate(values)


def consent_data() -> ConsentCreate:
    return ConsentCreate(
        signed_on=date(2025, 3, 1), signed_by="Synthetic Person", form_version="v1"
    )


@dataclass
class Chart:
    """One clinic with staff, a patient with an episode, and a trained needler."""

    clinic_id: int
    clinician: Actor
    patient_id: int
    episode_id: int
    npi: str


def chart(
    engine: Engine,
    *,
    state: str = "CO",
    name: str = "Clinic A",
    screened: list[str] | None = None,
    consented: bool = True,
    mrn: str = "MRN-1",
) -> Chart:
    """A ready chart; ``screened=None`` leaves the episode unscreened."""
    clinic_id = clinic(engine, name, state)
    clinician = actor(engine, Role.CLINICIAN, clinic_id)
    patient = service.create_patient(engine, clinician, patient_data(mrn))
    episode = service.create_episode(engine, clinician, patient.id, episode_data())
    if screened is not None:
        service.record_screening(engine, clinician, episode.id, ScreeningCreate(findings=screened))
    if consented:
        service.record_consent(engine, clinician, episode.id, consent_data())
    return Chart(clinic_id, clinician, patient.id, episode.id, trained_npi(engine, state))


def documented_session(engine: Engine, ready: Chart, muscles: list[str] | None = None) -> int:
    return sessions.record_session(
        engine, ready.clinician, ready.episode_id, session_data(ready.npi, muscles)
    ).id
