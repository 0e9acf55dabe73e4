"""The synthetic demo clinic for ``pinpoint serve --demo``: accounts and documented care.

``load_demo_clinic`` creates (once) a clearly labelled synthetic clinic in Colorado with a
clinic admin, a clinician, a patient account and a few documented episodes, and prints
the three demo logins. The clinician's NPI is a *synthetic* practitioner of the demo
directory who is eligible to needle in Colorado; when the directory has none (an empty
database, or a real NPPES import), a synthetic practitioner with training that meets
Colorado's rule is added. Real practitioners are never attached to the demo clinic.

Every record goes through the same account and care calls as real use, so the demo shows
what the rules produce (CPT codes, consent disclosure, screening precautions).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, select

from pinpoint.accounts.models import Clinic
from pinpoint.accounts.service import create_clinic, create_user
from pinpoint.actors import Actor, Role
from pinpoint.care import service, sessions
from pinpoint.care.eligibility import needler_eligibility
from pinpoint.care.models import Patient
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.care.schemas import (
    AdverseEventCreate,
    ConsentCreate,
    EpisodeCreate,
    PatientCreate,
    PlanCreate,
    ScreeningCreate,
    SessionCreate,
    SessionPublic,
)
from pinpoint.config import Settings
from pinpoint.db.engine import transaction
from pinpoint.directory.models import Practitioner, TrainingCredential
from pinpoint.directory.npi import make_npi
from pinpoint.directory.search.cache import invalidate
from pinpoint.law.eligibility import Verdict

DEMO_CLINIC = "Demo Clinic (synthetic)"
DEMO_STATE = "CO"
CANDIDATES = 500  # synthetic trained practitioners looked at before adding one


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str


# Demo-only passwords, printed at every demo start. Never reuse them for real accounts.
ADMIN = DemoLogin(Role.CLINIC_ADMIN, "demo-admin@example.org", "demo-admin-2026")
CLINICIAN = DemoLogin(Role.CLINICIAN, "demo-clinician@example.org", "demo-clinician-2026")
PATIENT = DemoLogin(Role.PATIENT, "demo-patient@example.org", "demo-patient-2026")
DEMO_LOGINS = (ADMIN, CLINICIAN, PATIENT)
PATIENT_MRN = "DEMO-0001"


def load_demo_clinic(engine: Engine, settings: Settings | None = None) -> list[str]:
    """Create the demo clinic once (idempotent) and print its logins; returns the lines."""
    if _clinic_id(engine) is None:
        _create(engine, date.today())
    lines = login_lines()
    print("\n".join(lines), flush=True)  # shown at start so a newcomer can log in
    return lines


def login_lines() -> list[str]:
    """The demo logins as printed at start, clearly marked as demo-only."""
    width = max(len(login.email) for login in DEMO_LOGINS)
    return [
        f"DEMO ONLY: logins of {DEMO_CLINIC}. Synthetic data, published demo passwords: "
        "never use them for real records. Log in at /login.",
        *(
            f"  {login.role.value:<13} {login.email:<{width}}  {login.password}"
            for login in DEMO_LOGINS
        ),
    ]


def _clinic_id(engine: Engine) -> int | None:
    with transaction(engine) as session:
        return session.scalar(select(Clinic.id).where(Clinic.name == DEMO_CLINIC))


def _create(engine: Engine, today: date) -> None:
    first_session = today - timedelta(days=21)
    npi = demo_needler_npi(engine, DEMO_STATE, first_session)
    clinic = create_clinic(engine, DEMO_CLINIC, DEMO_STATE)
    with transaction(engine) as session:
        row = session.get(Clinic, clinic.id)
        if row is not None:
            row.synthetic = True
    create_user(engine, ADMIN.email, ADMIN.role, ADMIN.password, DEMO_CLINIC)
    clinician_user = create_user(
        engine, CLINICIAN.email, CLINICIAN.role, CLINICIAN.password, DEMO_CLINIC, npi=npi
    )
    clinician = Actor(clinician_user.id, Role.CLINICIAN, clinic.id, client_ip="demo")
    first = add_patient(engine, clinician, PATIENT_MRN, "Jordan", "Example", "1984-05-17", "female")
    second = add_patient(engine, clinician, "DEMO-0002", "Casey", "Sample", "1971-11-02", "male")
    create_patient_user(engine, PATIENT.email, PATIENT.password, DEMO_CLINIC, PATIENT_MRN)
    _low_back_episode(engine, clinician, first, npi, today)
    _neck_episode(engine, clinician, second, npi, today)


def add_patient(
    engine: Engine, actor: Actor, mrn: str, given: str, family: str, born: str, sex: str
) -> int:
    data = PatientCreate.model_validate(
        {
            "mrn": mrn,
            "given_name": given,
            "family_name": family,
            "birth_date": born,
            "sex": sex,
            "email": f"{given.lower()}.{family.lower()}@example.org",
        }
    )
    patient = service.create_patient(engine, actor, data)
    with transaction(engine) as session:
        row = session.get(Patient, patient.id)
        if row is not None:
            row.synthetic = True
    return patient.id


def ready_episode(
    engine: Engine,
    actor: Actor,
    patient_id: int,
    episode: EpisodeCreate,
    plan: PlanCreate,
    findings: list[str],
) -> int:
    """An episode with its plan, screening and consent: ready for sessions."""
    created = service.create_episode(engine, actor, patient_id, episode)
    service.create_plan(engine, actor, created.id, plan)
    service.record_screening(engine, actor, created.id, ScreeningCreate(findings=findings))
    signer = _signer(engine, patient_id)
    consent = ConsentCreate(
        signed_on=episode.started_on, signed_by=signer, form_version="pinpoint-dn-consent-1"
    )
    service.record_consent(engine, actor, created.id, consent)
    return created.id


def _signer(engine: Engine, patient_id: int) -> str:
    with transaction(engine) as session:
        patient = session.get(Patient, patient_id)
        return f"{patient.given_name} {patient.family_name}" if patient else "Patient"


def record_demo_session(
    engine: Engine,
    actor: Actor,
    episode_id: int,
    npi: str,
    day: date,
    muscles: list[tuple[str, str, int, bool]],
    pain: tuple[int, int],
    co_interventions: list[str],
    notes: str,
) -> SessionPublic:
    data = SessionCreate.model_validate(
        {
            "performed_on": day.isoformat(),
            "practitioner_npi": npi,
            "muscles": [
                {"muscle": m, "side": side, "needles": n, "twitch": twitch}
                for m, side, n, twitch in muscles
            ],
            "technique": "pistoning",
            "pain_before": pain[0],
            "pain_after": pain[1],
            "co_interventions": co_interventions,
            "notes": notes,
        }
    )
    return sessions.record_session(engine, actor, episode_id, data)


def _low_back_episode(engine: Engine, actor: Actor, patient_id: int, npi: str, today: date) -> None:
    start = today - timedelta(days=24)
    episode_id = ready_episode(
        engine,
        actor,
        patient_id,
        EpisodeCreate.model_validate(
            {"region": "lumbar", "icd10": ["M54.50", "M62.830"], "started_on": start.isoformat()}
        ),
        PlanCreate.model_validate(
            {
                "components": [
                    "dry_needling",
                    "therapeutic_exercise",
                    "manual_therapy",
                    "education",
                ],
                "frequency": "twice a week for 6 weeks",
                "goals": "Sit through a workday without pain above 3/10; return to running.",
            }
        ),
        [],
    )
    first = record_demo_session(
        engine,
        actor,
        episode_id,
        npi,
        today - timedelta(days=21),
        [("lumbar_multifidus", "bilateral", 4, True), ("quadratus_lumborum", "right", 2, True)],
        (6, 4),
        ["therapeutic_exercise", "education"],
        "Synthetic demo note: first session, tolerated well.",
    )
    sessions.record_adverse_event(
        engine,
        actor,
        first.id,
        AdverseEventCreate.model_validate(
            {
                "type": "soreness",
                "severity": "mild",
                "onset_on": (today - timedelta(days=21)).isoformat(),
                "duration": "1 day",
                "action_taken": "Advised heat and gentle movement.",
                "resolved": True,
            }
        ),
    )
    record_demo_session(
        engine,
        actor,
        episode_id,
        npi,
        today - timedelta(days=14),
        [
            ("lumbar_multifidus", "bilateral", 4, True),
            ("quadratus_lumborum", "right", 2, False),
            ("gluteus_medius", "right", 3, True),
        ],
        (5, 2),
        ["therapeutic_exercise", "manual_therapy"],
        "Synthetic demo note: added gluteus medius.",
    )


def _neck_episode(engine: Engine, actor: Actor, patient_id: int, npi: str, today: date) -> None:
    start = today - timedelta(days=10)
    episode_id = ready_episode(
        engine,
        actor,
        patient_id,
        EpisodeCreate.model_validate(
            {"region": "cervical", "icd10": ["M54.2"], "started_on": start.isoformat()}
        ),
        PlanCreate.model_validate(
            {
                "components": ["dry_needling", "stretching", "strengthening", "home_program"],
                "frequency": "once a week for 4 weeks",
            }
        ),
        ["bleeding_risk", "thorax_lung_field"],
    )
    record_demo_session(
        engine,
        actor,
        episode_id,
        npi,
        today - timedelta(days=7),
        [
            ("upper_trapezius", "left", 2, True),
            ("levator_scapulae", "left", 2, False),
            ("suboccipitals", "bilateral", 2, False),
        ],
        (7, 4),
        ["stretching", "home_program"],
        "Synthetic demo note: anticoagulant noted at screening; firm pressure after needling.",
    )


# ---- the needler ---------------------------------------------------------------------------


def demo_needler_npi(engine: Engine, state: str, on: date) -> str:
    """A synthetic practitioner eligible to needle in ``state`` on ``on``; added if none."""
    found = _eligible_synthetic(engine, state, on)
    return found or _add_demo_practitioner(engine, state, on)


def _eligible_synthetic(engine: Engine, state: str, on: date) -> str | None:
    with transaction(engine) as session:
        candidates = session.scalars(
            select(Practitioner.npi)
            .where(
                Practitioner.synthetic.is_(True),
                Practitioner.active.is_(True),
                Practitioner.state == state,
                Practitioner.profession == "physical_therapist",
                Practitioner.npi.in_(select(TrainingCredential.npi)),
            )
            .order_by(Practitioner.npi)
            .limit(CANDIDATES)
        ).all()
        for npi in candidates:
            if needler_eligibility(session, npi, state, on).verdict is Verdict.ELIGIBLE:
                return npi
    return None


def _add_demo_practitioner(engine: Engine, state: str, on: date) -> str:
    """A synthetic physical therapist with 50 h of training, 40 in person, done by ``on``."""
    with transaction(engine) as session:
        base = 990_000_001
        while session.get(Practitioner, make_npi(str(base))) is not None:
            base += 1
        npi = make_npi(str(base))
        session.add(
            Practitioner(
                npi=npi,
                last_name="Demo-Needler",
                first_name="Robin",
                credential="PT, DPT",
                profession="physical_therapist",
                taxonomy="225100000X",
                city="Denver",
                state=state,
                zip5="80202",
                country="US",
                active=True,
                synthetic=True,
            )
        )
        session.add(
            TrainingCredential(
                npi=npi,
                provider="Demo Dry Needling Institute",
                course="Dry Needling Level 1 and 2 (synthetic)",
                hours=50.0,
                in_person_hours=40.0,
                completed_on=min(on, date.today()) - timedelta(days=365),
                certificate_id=f"DEMO-CLINIC-{npi}",
                licensed_since=min(on, date.today()) - timedelta(days=365 * 8),
            )
        )
    invalidate(engine)
    return npi
