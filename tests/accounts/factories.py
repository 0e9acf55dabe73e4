"""Small factories for accounts tests: clinics, users, patients and tokens."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from pinpoint.accounts.schemas import ClinicPublic, UserPublic
from pinpoint.accounts.service import authenticate, create_clinic, create_user, issue_token
from pinpoint.actors import Actor
from pinpoint.care.models import Patient
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.db.engine import transaction

PASSWORD = "correct horse battery"


def clinic(engine: Engine, name: str = "Front Range PT", state: str = "CO") -> ClinicPublic:
    return create_clinic(engine, name, state)


def user(
    engine: Engine,
    email: str = "ana@example.org",
    role: str = "clinician",
    clinic_name: str | None = "Front Range PT",
    npi: str | None = None,
    patient_mrn: str | None = None,
) -> UserPublic:
    if patient_mrn is not None:
        return create_patient_user(engine, email, PASSWORD, clinic_name or "", patient_mrn)
    return create_user(engine, email, role, PASSWORD, clinic_name, npi)


def patient(engine: Engine, clinic_id: int, mrn: str = "MRN-1") -> int:
    with transaction(engine) as session:
        row = Patient(
            clinic_id=clinic_id,
            mrn=mrn,
            given_name="Synthetic",
            family_name="Person",
            birth_date=date(1980, 1, 2),
            sex="female",
        )
        session.add(row)
        session.flush()
        return row.id


def login(engine: Engine, email: str = "ana@example.org") -> Actor:
    return authenticate(engine, email, PASSWORD, "127.0.0.1")


def token(engine: Engine, email: str = "ana@example.org") -> str:
    return issue_token(engine, login(engine, email)).token


def two_clinics(engine: Engine) -> None:
    """Clinic A (CO) with an admin and a clinician; clinic B (TX) with an admin."""
    clinic(engine, "Clinic A", "CO")
    clinic(engine, "Clinic B", "TX")
    user(engine, "admin-a@example.org", "clinic_admin", "Clinic A")
    user(engine, "clin-a@example.org", "clinician", "Clinic A")
    user(engine, "admin-b@example.org", "clinic_admin", "Clinic B")
