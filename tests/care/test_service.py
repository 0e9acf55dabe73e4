"""Clinical records through the library, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, func, select

from pinpoint.actors import Role
from pinpoint.audit.models import AuditEvent
from pinpoint.care import service, sessions
from pinpoint.care.models import NeedlingSession, Patient, RecordRevision, SessionMuscle
from pinpoint.care.schemas import (
    AdverseEventCreate,
    EpisodeUpdate,
    PatientUpdate,
    PlanCreate,
    ScreeningCreate,
)
from pinpoint.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.care import factories as f


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def _event(**overrides: object) -> AdverseEventCreate:
    values: dict[str, object] = {
        "type": "bruising",
        "severity": "mild",
        "onset_on": "2025-03-05",
        "description": "Small bruise at the needle site.",
        "resolved": True,
    }
    values.update(overrides)
    return AdverseEventCreate.model_validate(values)


# ---- sessions: what they need first ------------------------------------------------------


def test_a_session_of_two_muscles_is_coded_20560_with_its_precautions(engine: Engine) -> None:
    ready = f.chart(engine, screened=["diabetes"])
    recorded = sessions.record_session(
        engine, ready.clinician, ready.episode_id, f.session_data(ready.npi)
    )
    assert recorded.cpt_code == "20560"
    assert recorded.precautions == ["diabetes"]
    assert [m.muscle for m in recorded.muscles] == ["lumbar_multifidus", "quadratus_lumborum"]
    assert _count(engine, SessionMuscle) == 2


def test_a_session_of_three_muscles_is_coded_20561(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    muscles = ["lumbar_multifidus", "quadratus_lumborum", "gluteus_medius"]
    recorded = sessions.record_session(
        engine, ready.clinician, ready.episode_id, f.session_data(ready.npi, muscles)
    )
    assert recorded.cpt_code == "20561"


def test_a_session_without_screening_is_refused(engine: Engine) -> None:
    ready = f.chart(engine, screened=None)
    with pytest.raises(Conflict, match="no screening recorded for this episode"):
        sessions.record_session(
            engine, ready.clinician, ready.episode_id, f.session_data(ready.npi)
        )
    assert _count(engine, NeedlingSession) == 0


def test_a_session_without_consent_is_refused(engine: Engine) -> None:
    ready = f.chart(engine, screened=[], consented=False)
    with pytest.raises(Conflict, match="no informed consent recorded"):
        sessions.record_session(
            engine, ready.clinician, ready.episode_id, f.session_data(ready.npi)
        )
    assert _count(engine, NeedlingSession) == 0


def test_a_contraindicated_patient_needs_an_override_reason(engine: Engine) -> None:
    ready = f.chart(engine, screened=["needle_phobia"])
    with pytest.raises(Conflict, match="contraindication"):
        sessions.record_session(
            engine, ready.clinician, ready.episode_id, f.session_data(ready.npi)
        )
    service.record_screening(
        engine,
        ready.clinician,
        ready.episode_id,
        ScreeningCreate(findings=["needle_phobia"], override_reason="Phobia treated; agrees."),
    )
    recorded = sessions.record_session(
        engine, ready.clinician, ready.episode_id, f.session_data(ready.npi)
    )
    assert recorded.precautions == ["needle_phobia"]


def test_a_needler_without_recorded_training_is_refused_with_reasons(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    npi = f.untrained_npi(engine)
    with pytest.raises(Conflict, match="training_unknown") as caught:
        sessions.record_session(engine, ready.clinician, ready.episode_id, f.session_data(npi))
    assert caught.value.field == "practitioner_npi"


def test_a_needler_not_in_the_directory_is_refused(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    with pytest.raises(Conflict, match="not in the practitioner directory"):
        sessions.record_session(
            engine, ready.clinician, ready.episode_id, f.session_data("1234567893")
        )


def test_training_finished_after_the_session_date_does_not_count(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    late = f.trained_npi(engine, completed_on=date(2025, 6, 1))
    with pytest.raises(Conflict, match="training_unknown"):
        sessions.record_session(engine, ready.clinician, ready.episode_id, f.session_data(late))


def _florida_chart(engine: Engine) -> tuple[f.Chart, str]:
    """A ready Florida chart and a needler whose training meets Florida's minimums."""
    ready = f.chart(engine, state="FL", screened=[])
    npi = f.trained_npi(
        engine, "FL", in_person_hours=50.0, licensed_since=date(2010, 1, 1), supervised_sessions=25
    )
    return ready, npi


def test_a_needler_without_the_board_filing_the_state_asks_for_is_refused(
    engine: Engine,
) -> None:
    ready, npi = _florida_chart(engine)
    with pytest.raises(Conflict, match=r"training_unknown.*attestation form"):
        sessions.record_session(engine, ready.clinician, ready.episode_id, f.session_data(npi))


def test_a_filing_made_after_the_session_date_does_not_count(engine: Engine) -> None:
    ready, npi = _florida_chart(engine)
    f.board_filing(engine, npi, "FL", filed_on=(f.SESSION_DAY + timedelta(days=1)).isoformat())
    with pytest.raises(Conflict, match="training_unknown"):
        sessions.record_session(engine, ready.clinician, ready.episode_id, f.session_data(npi))


def test_a_filing_counts_only_in_its_own_state_and_while_in_force(engine: Engine) -> None:
    ready, npi = _florida_chart(engine)
    f.board_filing(engine, npi, "GA")
    f.board_filing(engine, npi, "FL", expires_on=(f.SESSION_DAY - timedelta(days=1)).isoformat())
    with pytest.raises(Conflict, match="training_unknown"):
        sessions.record_session(engine, ready.clinician, ready.episode_id, f.session_data(npi))
    f.board_filing(engine, npi, "FL", filed_on="2025-01-02", expires_on=f.SESSION_DAY.isoformat())
    recorded = sessions.record_session(
        engine, ready.clinician, ready.episode_id, f.session_data(npi)
    )
    assert recorded.cpt_code == "20560"


def test_a_needler_is_judged_by_the_clinic_state_law(engine: Engine) -> None:
    ready = f.chart(engine, state="NY", screened=[])  # NY: physical therapists may not needle
    with pytest.raises(Conflict, match="not_eligible"):
        sessions.record_session(
            engine, ready.clinician, ready.episode_id, f.session_data(ready.npi)
        )


def test_a_closed_episode_takes_no_new_session(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    service.update_episode(
        engine,
        ready.clinician,
        ready.episode_id,
        EpisodeUpdate(version=1, ended_on=date(2025, 3, 3), status="closed"),
    )
    with pytest.raises(Conflict, match="closed"):
        sessions.record_session(
            engine, ready.clinician, ready.episode_id, f.session_data(ready.npi)
        )


# ---- consent and adverse events follow the state's law ------------------------------------


def test_consent_in_a_written_consent_state_says_so_and_carries_the_disclosure(
    engine: Engine,
) -> None:
    ready = f.chart(engine, state="CO", screened=[], consented=False)
    consent = service.record_consent(engine, ready.clinician, ready.episode_id, f.consent_data())
    assert consent.written_required is True
    assert consent.disclosure is not None
    assert "Colorado law" in consent.disclosure
    assert "not acupuncture" in consent.disclosure


def test_consent_elsewhere_carries_the_standard_disclosure_only(engine: Engine) -> None:
    ready = f.chart(engine, state="TX", screened=[], consented=False)
    consent = service.record_consent(engine, ready.clinician, ready.episode_id, f.consent_data())
    assert consent.written_required is False
    assert consent.disclosure is not None
    assert "law" not in consent.disclosure


def test_a_significant_event_in_a_reporting_state_is_reportable_with_the_deadline(
    engine: Engine,
) -> None:
    clinic_id = f.clinic(engine, "Gulf PT", "FL")
    clinician = f.actor(engine, Role.CLINICIAN, clinic_id)
    patient = service.create_patient(engine, clinician, f.patient_data())
    episode = service.create_episode(engine, clinician, patient.id, f.episode_data())
    service.record_screening(engine, clinician, episode.id, ScreeningCreate(findings=[]))
    service.record_consent(engine, clinician, episode.id, f.consent_data())
    npi = f.trained_npi(
        engine,
        "FL",
        in_person_hours=50.0,
        licensed_since=date(2010, 1, 1),
        supervised_sessions=25,
    )
    f.board_filing(engine, npi, "FL")  # Florida asks for an attestation filed with the board
    needled = sessions.record_session(engine, clinician, episode.id, f.session_data(npi))
    mild = sessions.record_adverse_event(engine, clinician, needled.id, _event())
    significant = sessions.record_adverse_event(
        engine, clinician, needled.id, _event(type="pneumothorax", severity="significant")
    )
    assert (mild.reportable, mild.report_deadline_days) == (False, None)
    assert (significant.reportable, significant.report_deadline_days) == (True, 15)


def test_events_are_listed_with_their_session(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, ready)
    event = sessions.record_adverse_event(engine, ready.clinician, session_id, _event())
    assert event.reportable is False  # Colorado does not ask for reports
    shown = sessions.get_session(engine, ready.clinician, session_id)
    assert [e.id for e in shown.adverse_events] == [event.id]


def test_an_event_cannot_start_before_its_session(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, ready)
    with pytest.raises(InvalidInput) as caught:
        sessions.record_adverse_event(
            engine, ready.clinician, session_id, _event(onset_on="2025-03-01")
        )
    assert caught.value.field == "onset_on"


# ---- isolation and roles -----------------------------------------------------------------


def test_another_clinics_records_are_not_found(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, ready)
    other_clinic = f.clinic(engine, "Clinic B", "TX")
    stranger = f.actor(engine, Role.CLINIC_ADMIN, other_clinic)
    with pytest.raises(NotFound):
        service.get_patient(engine, stranger, ready.patient_id)
    with pytest.raises(NotFound):
        service.create_episode(engine, stranger, ready.patient_id, f.episode_data())
    with pytest.raises(NotFound):
        sessions.get_session(engine, stranger, session_id)
    with pytest.raises(NotFound):
        sessions.record_adverse_event(engine, stranger, session_id, _event())
    assert service.list_patients(engine, stranger).total == 0


def test_a_patient_user_reads_only_their_own_chart(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, ready)
    other = service.create_patient(engine, ready.clinician, f.patient_data("MRN-2"))
    me = f.actor(engine, Role.PATIENT, ready.clinic_id, ready.patient_id)
    chart = service.get_patient(engine, me, ready.patient_id)
    assert chart.episodes[0].sessions[0].id == session_id
    assert sessions.get_session(engine, me, session_id).cpt_code == "20560"
    with pytest.raises(NotFound):
        service.get_patient(engine, me, other.id)
    with pytest.raises(Forbidden):
        service.create_episode(engine, me, ready.patient_id, f.episode_data())
    with pytest.raises(Forbidden):
        service.list_patients(engine, me)


def test_operators_see_no_patient_data(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    operator = f.actor(engine, Role.OPERATOR, None)
    with pytest.raises(Forbidden):
        service.get_patient(engine, operator, ready.patient_id)
    with pytest.raises(Forbidden):
        service.create_patient(engine, operator, f.patient_data("MRN-9"))


def test_every_read_and_write_is_audited(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    before = _count(engine, AuditEvent)
    session_id = f.documented_session(engine, ready)
    sessions.get_session(engine, ready.clinician, session_id)
    service.get_patient(engine, ready.clinician, ready.patient_id)
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.action, AuditEvent.record_type, AuditEvent.record_id)
            .order_by(AuditEvent.id)
            .offset(before)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("create", "session", str(session_id)),
        ("read", "session", str(session_id)),
        ("read", "patient", str(ready.patient_id)),
    ]


# ---- patients, search and edits -------------------------------------------------------------


def test_an_mrn_is_unique_within_a_clinic_only(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    with pytest.raises(Conflict) as caught:
        service.create_patient(engine, ready.clinician, f.patient_data("MRN-1"))
    assert caught.value.field == "mrn"
    elsewhere = f.actor(engine, Role.CLINICIAN, f.clinic(engine, "Clinic B", "TX"))
    assert service.create_patient(engine, elsewhere, f.patient_data("MRN-1")).mrn == "MRN-1"


def test_patients_are_found_by_name_part_or_exact_mrn(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    service.create_patient(
        engine, ready.clinician, f.patient_data("X-77", given_name="Ada", family_name="Lovelace")
    )
    found = service.list_patients(engine, ready.clinician, "lovel")
    assert [p.mrn for p in found.patients] == ["X-77"]
    assert service.list_patients(engine, ready.clinician, "MRN-1").total == 1
    assert service.list_patients(engine, ready.clinician, "ada love").total == 1
    assert service.list_patients(engine, ready.clinician, "%").total == 0


def test_an_edit_keeps_history_and_a_stale_version_is_refused(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    edited = service.update_patient(
        engine, ready.clinician, ready.patient_id, PatientUpdate(version=1, phone="555-0100")
    )
    assert (edited.version, edited.phone) == (2, "555-0100")
    with pytest.raises(Conflict, match="changed by someone else"):
        service.update_patient(
            engine, ready.clinician, ready.patient_id, PatientUpdate(version=1, phone="555-0199")
        )
    history = service.patient_history(engine, ready.clinician, ready.patient_id)
    assert [(r.version, r.changes, r.changed_by) for r in history] == [
        (2, {"phone": [None, "555-0100"]}, ready.clinician.user_id)
    ]
    assert _count(engine, RecordRevision) == 1


def test_an_edit_to_a_taken_mrn_is_refused(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    other = service.create_patient(engine, ready.clinician, f.patient_data("MRN-2"))
    with pytest.raises(Conflict):
        service.update_patient(
            engine, ready.clinician, other.id, PatientUpdate(version=1, mrn="MRN-1")
        )
    with engine.connect() as conn:
        assert conn.execute(select(Patient.version).where(Patient.id == other.id)).scalar() == 1


def test_an_episode_has_one_plan(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    plan = PlanCreate.model_validate(
        {"components": ["dry_needling", "therapeutic_exercise"], "frequency": "2x/week"}
    )
    created = service.create_plan(engine, ready.clinician, ready.episode_id, plan)
    assert created.components == ["dry_needling", "therapeutic_exercise"]
    with pytest.raises(Conflict):
        service.create_plan(engine, ready.clinician, ready.episode_id, plan)
    assert service.get_episode(engine, ready.clinician, ready.episode_id).plan == created


def test_an_episode_cannot_end_before_it_starts(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    with pytest.raises(InvalidInput) as caught:
        service.create_episode(
            engine, ready.clinician, ready.patient_id, f.episode_data(ended_on="2025-02-01")
        )
    assert caught.value.field == "ended_on"
