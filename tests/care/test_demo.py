"""The demo clinic of ``pinpoint serve --demo``: synthetic, documented, idempotent."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from pinpoint.accounts.models import Clinic, User
from pinpoint.accounts.service import authenticate
from pinpoint.actors import Role
from pinpoint.care import demo, service
from pinpoint.care.eligibility import needler_eligibility
from pinpoint.care.models import AdverseEvent, NeedlingSession, Patient
from pinpoint.config import Settings
from pinpoint.db.engine import transaction
from pinpoint.demo import DEMO_LOADERS
from pinpoint.directory.demo import load_demo_directory
from pinpoint.directory.models import Practitioner
from pinpoint.law.eligibility import Verdict
from tests.directory import factories as directory


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model)) or 0


def test_the_demo_clinic_is_created_once_with_its_three_logins(
    engine: Engine, db_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    first = demo.load_demo_clinic(engine, db_settings)
    counts = {m: _count(engine, m) for m in (Clinic, User, Patient, NeedlingSession, AdverseEvent)}
    second = demo.load_demo_clinic(engine, db_settings)
    assert first == second
    assert {m: _count(engine, m) for m in counts} == counts
    assert counts[Clinic] == 1
    assert counts[NeedlingSession] == 3
    assert counts[AdverseEvent] == 1
    printed = capsys.readouterr().out
    for login in demo.DEMO_LOGINS:
        assert login.email in printed
        assert login.password in printed
        assert authenticate(engine, login.email, login.password).role is login.role
    assert "DEMO ONLY" in printed


def test_the_demo_records_are_marked_synthetic_and_coded(
    engine: Engine, db_settings: Settings
) -> None:
    demo.load_demo_clinic(engine, db_settings)
    clinician = authenticate(engine, demo.CLINICIAN.email, demo.CLINICIAN.password)
    patients = service.list_patients(engine, clinician).patients
    assert len(patients) == 2
    assert all(p.synthetic for p in patients)
    with transaction(engine) as session:
        clinic = session.scalar(select(Clinic).where(Clinic.name == demo.DEMO_CLINIC))
        assert clinic is not None
        assert clinic.synthetic
        assert clinic.state == "CO"
    codes = sorted(
        s.cpt_code
        for p in patients
        for e in service.get_patient(engine, clinician, p.id).episodes
        for s in e.sessions
    )
    assert codes == ["20560", "20561", "20561"]


def test_the_patient_account_sees_its_own_documented_chart(
    engine: Engine, db_settings: Settings
) -> None:
    demo.load_demo_clinic(engine, db_settings)
    patient = authenticate(engine, demo.PATIENT.email, demo.PATIENT.password)
    assert patient.role is Role.PATIENT
    assert patient.patient_id is not None
    chart = service.get_patient(engine, patient, patient.patient_id)
    assert chart.mrn == demo.PATIENT_MRN
    episode = chart.episodes[0]
    assert episode.screenings
    assert episode.consents[0].written_required  # Colorado requires written consent
    assert [len(s.muscles) for s in episode.sessions] == [2, 3]
    assert episode.sessions[0].adverse_events[0].severity == "mild"


def test_an_eligible_synthetic_practitioner_of_the_directory_is_the_clinician(
    engine: Engine, db_settings: Settings
) -> None:
    trained = directory.practitioner(state="CO", synthetic=True)
    untrained = directory.practitioner(state="CO", synthetic=True)
    real = directory.practitioner(state="CO", synthetic=False)
    directory.add(
        engine,
        [untrained, trained, real],
        [
            directory.credential(trained["npi"], hours=60.0, in_person_hours=50.0),
            directory.credential(real["npi"], hours=60.0, in_person_hours=50.0),
        ],
    )
    demo.load_demo_clinic(engine, db_settings)
    with transaction(engine) as session:
        npi = session.scalar(select(User.npi).where(User.email == demo.CLINICIAN.email))
    assert npi == trained["npi"]


def test_without_an_eligible_practitioner_a_synthetic_one_is_added(
    engine: Engine, db_settings: Settings
) -> None:
    demo.load_demo_clinic(engine, db_settings)
    with transaction(engine) as session:
        npi = session.scalar(select(User.npi).where(User.email == demo.CLINICIAN.email))
        assert npi is not None
        practitioner = session.get(Practitioner, npi)
        assert practitioner is not None
        assert practitioner.synthetic
        verdict = needler_eligibility(session, npi, "CO", date.today())
    assert verdict.verdict is Verdict.ELIGIBLE


def test_the_clinic_loader_runs_after_the_directory_loader() -> None:
    assert DEMO_LOADERS.index(demo.load_demo_clinic) > DEMO_LOADERS.index(load_demo_directory)
