"""Synthetic courses of care with outcomes for ``pinpoint serve --demo``.

Runs after the demo clinic (``care.demo``) exists and adds, once (idempotent: it stops if
its first patient is there), several clearly synthetic patients whose episodes run over
weeks: intake, follow-up and discharge questionnaires (NPRS, ODI or NDI, PSFS, PHQ-2 and
PHQ-9) with sessions between them, so the charts, the dashboard and the portal show
something real at once. Among them: one open PHQ-9 alert (item 9 above 0), one side
effect the demo patient reported awaiting review, assignments due and overdue, and for
the demo patient (the demo's patient login) a PHQ-9, an ODI and a PSFS to answer today.

Everything goes through the same calls as real use (assignments answered by
assessments, the PHQ-2 that assigns the PHQ-9, the alert the PHQ-9 raises), acting as
the demo clinician or, for what the demo patient answered, as the demo patient.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select

from pinpoint.accounts.models import Clinic, User
from pinpoint.actors import Actor, Role
from pinpoint.care import demo as care_demo
from pinpoint.care import service, sessions
from pinpoint.care.models import Patient
from pinpoint.care.schemas import (
    AdverseEventCreate,
    EpisodeCreate,
    EpisodeUpdate,
    PlanCreate,
    SessionPublic,
)
from pinpoint.config import Settings
from pinpoint.db.engine import transaction
from pinpoint.outcomes.assessments import record_assessment
from pinpoint.outcomes.assignments import create_assignment
from pinpoint.outcomes.records_schemas import AssessmentCreate, AssignmentCreate

MARKER_MRN = "DEMO-0003"
LOW_BACK_ACTIVITIES = ["Sitting through a workday", "Running 5 km", "Lifting my daughter"]
NECK_ACTIVITIES = [
    "Turning my head to reverse the car",
    "Reading for an hour",
    "Sleeping through the night",
]


def load_demo_outcomes(engine: Engine, settings: Settings | None = None) -> None:
    """Add the synthetic courses once; nothing happens without the demo clinic."""
    staff = _actor(engine, care_demo.CLINICIAN.email)
    if staff is None or _has_marker(engine, staff):
        return
    today = date.today()
    npi = care_demo.demo_needler_npi(engine, care_demo.DEMO_STATE, today - timedelta(days=90))
    course = Course(engine, staff, npi, today)
    _demo_patient(course)
    _casey(course)
    _morgan(course)
    _riley(course)
    _sam(course)


def _actor(engine: Engine, email: str) -> Actor | None:
    with transaction(engine) as session:
        user = session.scalar(select(User).where(User.email == email))
        clinic = session.scalar(select(Clinic.id).where(Clinic.name == care_demo.DEMO_CLINIC))
        if user is None or clinic is None or user.clinic_id != clinic:
            return None
        return Actor(user.id, Role(user.role), user.clinic_id, user.patient_id, "demo")


def _has_marker(engine: Engine, staff: Actor) -> bool:
    with transaction(engine) as session:
        found = session.scalar(
            select(Patient.id).where(
                Patient.clinic_id == staff.clinic_id, Patient.mrn == MARKER_MRN
            )
        )
        return found is not None


def _patient_id(engine: Engine, staff: Actor, mrn: str) -> int:
    with transaction(engine) as session:
        found = session.scalar(
            select(Patient.id).where(Patient.clinic_id == staff.clinic_id, Patient.mrn == mrn)
        )
        assert found is not None, f"the demo clinic has no patient {mrn}"
        return found


class Course:
    """Writes one synthetic course of care, with days counted back from ``today``."""

    def __init__(self, engine: Engine, staff: Actor, npi: str, today: date) -> None:
        self.engine, self.staff, self.npi, self.today = engine, staff, npi, today

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def episode(
        self, patient_id: int, region: str, icd10: list[str], days_ago: int, plan: dict[str, Any]
    ) -> int:
        data = {"region": region, "icd10": icd10, "started_on": self.day(days_ago).isoformat()}
        return care_demo.ready_episode(
            self.engine,
            self.staff,
            patient_id,
            EpisodeCreate.model_validate(data),
            PlanCreate.model_validate(plan),
            [],
        )

    def session(
        self, episode_id: int, days_ago: int, muscles: Sequence[str], pain: tuple[int, int]
    ) -> SessionPublic:
        rows = [(m, "bilateral" if "multifidus" in m else "right", 2, True) for m in muscles]
        return care_demo.record_demo_session(
            self.engine, self.staff, episode_id, self.npi, self.day(days_ago), rows, pain,
            ["therapeutic_exercise"], "Synthetic demo note.",
        )  # fmt: skip

    def assign(
        self, episode_id: int, instrument: str, reason: str, days_ago: int, every: int | None = None
    ) -> None:
        data: dict[str, Any] = {
            "instrument": instrument,
            "reason": reason,
            "due_on": self.day(days_ago).isoformat(),
            "every_sessions": every,
        }
        create_assignment(
            self.engine, self.staff, episode_id, AssignmentCreate.model_validate(data), self.today
        )

    def answer(
        self,
        episode_id: int,
        instrument: str,
        responses: list[int],
        days_ago: int,
        activities: list[str] | None = None,
        by: Actor | None = None,
    ) -> None:
        data = {
            "instrument": instrument,
            "responses": responses,
            "taken_on": self.day(days_ago).isoformat(),
            "activities": activities,
        }
        record_assessment(
            self.engine, by or self.staff, episode_id, AssessmentCreate.model_validate(data)
        )

    def close(self, episode_id: int, days_ago: int) -> None:
        version = service.get_episode(self.engine, self.staff, episode_id).version
        ended = self.day(days_ago).isoformat()
        update = {"version": version, "status": "closed", "ended_on": ended}
        service.update_episode(
            self.engine, self.staff, episode_id, EpisodeUpdate.model_validate(update)
        )


LOW_BACK_PLAN = {
    "components": ["dry_needling", "therapeutic_exercise", "manual_therapy", "education"],
    "frequency": "once a week for 6 weeks",
}
NECK_PLAN = {
    "components": ["dry_needling", "stretching", "strengthening", "home_program"],
    "frequency": "once a week for 6 weeks",
}


def _demo_patient(c: Course) -> None:
    """The demo login's patient: intake answered in the portal, a PHQ-2 that turned
    positive three days ago, a bruise reported after the last session, and a PHQ-9, an
    ODI and a PSFS to answer today."""
    patient_id = _patient_id(c.engine, c.staff, care_demo.PATIENT_MRN)
    me = _actor(c.engine, care_demo.PATIENT.email)
    episode_id = _first_episode(c, patient_id)
    for instrument in ("nprs", "odi", "psfs", "phq2"):
        c.assign(episode_id, instrument, "intake", 24)
    c.assign(episode_id, "nprs", "follow_up", 24, every=2)
    c.assign(episode_id, "odi", "follow_up", 0)
    c.assign(episode_id, "psfs", "follow_up", 0)
    c.assign(episode_id, "phq2", "follow_up", 3)
    for instrument in ("nprs", "odi", "psfs"):
        c.assign(episode_id, instrument, "discharge", -18)
    c.answer(episode_id, "nprs", [7], 24, by=me)
    c.answer(episode_id, "odi", [3, 3, 2, 3, 2, 3, 2, 2, 3, 3], 24, by=me)
    c.answer(episode_id, "psfs", [3, 2, 4], 24, LOW_BACK_ACTIVITIES, by=me)
    c.answer(episode_id, "phq2", [1, 1], 24, by=me)
    c.answer(episode_id, "nprs", [5], 14, by=me)  # at the second session: every 2 sessions
    c.answer(episode_id, "phq2", [2, 1], 3, by=me)  # positive: a PHQ-9 is assigned
    last = sessions.get_session(c.engine, c.staff, _latest_session(c, episode_id))
    report = {
        "type": "bruising",
        "severity": "mild",
        "onset_on": (last.performed_on + timedelta(days=1)).isoformat(),
        "duration": "3 days so far",
        "description": "Synthetic demo: a bruise the size of a coin on the right of my lower "
        "back, a little tender.",
    }
    sessions.record_adverse_event(
        c.engine, me or c.staff, last.id, AdverseEventCreate.model_validate(report)
    )


def _first_episode(c: Course, patient_id: int) -> int:
    chart = service.get_patient(c.engine, c.staff, patient_id)
    return chart.episodes[0].id


def _latest_session(c: Course, episode_id: int) -> int:
    episode = service.get_episode(c.engine, c.staff, episode_id)
    return episode.sessions[-1].id


def _casey(c: Course) -> None:
    """The care demo's neck patient: intake entered by the clinic, a follow-up every
    three sessions."""
    patient_id = _patient_id(c.engine, c.staff, "DEMO-0002")
    episode_id = _first_episode(c, patient_id)
    c.answer(episode_id, "nprs", [7], 10)
    c.answer(episode_id, "ndi", [2, 2, 3, 1, 2, 1, 2, 2, 2, 1], 10)
    c.answer(episode_id, "psfs", [3, 4, 2], 10, NECK_ACTIVITIES)
    c.answer(episode_id, "phq2", [0, 1], 10)
    c.assign(episode_id, "ndi", "follow_up", 9, every=3)


def _new_patient(c: Course, mrn: str, given: str, family: str, born: str, sex: str) -> int:
    return care_demo.add_patient(c.engine, c.staff, mrn, given, family, born, sex)


def _morgan(c: Course) -> None:
    """A low back course over six weeks that reached the MCID everywhere; closed."""
    patient_id = _new_patient(c, MARKER_MRN, "Morgan", "Placeholder", "1990-02-11", "female")
    ep = c.episode(patient_id, "lumbar", ["M54.50"], 84, LOW_BACK_PLAN)
    c.answer(ep, "nprs", [8], 84)
    c.answer(ep, "odi", [4, 3, 3, 3, 3, 3, 3, 2, 3, 3], 84)
    c.answer(ep, "psfs", [2, 3, 3], 84, LOW_BACK_ACTIVITIES)
    c.answer(ep, "phq2", [2, 2], 84)  # positive: assigns the PHQ-9 answered next day
    c.answer(ep, "phq9", [2, 2, 2, 1, 1, 1, 2, 1, 0], 83)
    for days_ago, pain in ((80, (8, 5)), (73, (7, 5)), (66, (6, 4))):
        c.session(ep, days_ago, ["lumbar_multifidus", "quadratus_lumborum"], pain)
    c.answer(ep, "nprs", [5], 63)
    c.answer(ep, "odi", [2, 2, 2, 2, 2, 2, 2, 1, 2, 2], 63)
    c.answer(ep, "psfs", [5, 5, 6], 63, LOW_BACK_ACTIVITIES)
    c.answer(ep, "phq9", [1, 1, 1, 1, 1, 0, 1, 0, 0], 63)
    for days_ago, pain in ((59, (5, 3)), (52, (4, 2)), (45, (3, 2))):
        c.session(ep, days_ago, ["lumbar_multifidus", "gluteus_medius"], pain)
    c.answer(ep, "nprs", [3], 42)
    c.answer(ep, "odi", [1, 1, 1, 1, 1, 1, 1, 0, 1, 1], 42)
    c.answer(ep, "psfs", [7, 8, 7], 42, LOW_BACK_ACTIVITIES)
    c.answer(ep, "phq9", [1, 0, 1, 0, 0, 0, 0, 0, 0], 42)
    c.close(ep, 42)


def _riley(c: Course) -> None:
    """A neck course with a smaller change than the MCID; closed."""
    patient_id = _new_patient(c, "DEMO-0004", "Riley", "Testperson", "1966-08-30", "male")
    ep = c.episode(patient_id, "cervical", ["M54.2"], 70, NECK_PLAN)
    c.answer(ep, "nprs", [6], 70)
    c.answer(ep, "ndi", [2, 2, 2, 2, 3, 2, 2, 2, 2, 1], 70)
    c.answer(ep, "psfs", [4, 4, 3], 70, NECK_ACTIVITIES)
    c.answer(ep, "phq2", [1, 0], 70)
    for days_ago, pain in ((66, (6, 4)), (59, (6, 4)), (52, (5, 4)), (45, (5, 3))):
        c.session(ep, days_ago, ["upper_trapezius", "levator_scapulae"], pain)
    c.answer(ep, "nprs", [5], 42)
    c.answer(ep, "ndi", [2, 1, 2, 1, 2, 1, 2, 2, 1, 1], 42)
    c.answer(ep, "psfs", [5, 5, 4], 42, NECK_ACTIVITIES)
    c.close(ep, 42)


def _sam(c: Course) -> None:
    """A low back course under way: the PHQ-9 a positive PHQ-2 prompted has item 9
    above 0, so an alert is open; the follow-up ODI is overdue."""
    patient_id = _new_patient(c, "DEMO-0005", "Sam", "Fictional", "1979-12-05", "other")
    ep = c.episode(patient_id, "lumbar", ["M54.50", "M62.830"], 35, LOW_BACK_PLAN)
    c.answer(ep, "nprs", [6], 35)
    c.answer(ep, "odi", [3, 2, 2, 2, 2, 3, 2, 2, 2, 2], 35)
    c.answer(ep, "phq2", [2, 2], 35)
    c.answer(ep, "phq9", [2, 2, 1, 2, 1, 2, 1, 1, 1], 34)  # item 9 above 0: an open alert
    for days_ago, pain in ((32, (6, 4)), (25, (5, 4))):
        c.session(ep, days_ago, ["lumbar_multifidus", "quadratus_lumborum"], pain)
    c.answer(ep, "nprs", [4], 18)
    c.answer(ep, "odi", [2, 2, 1, 2, 1, 2, 1, 1, 1, 2], 18)
    c.session(ep, 18, ["lumbar_multifidus", "gluteus_maximus"], (4, 2))
    c.session(ep, 11, ["lumbar_multifidus", "gluteus_maximus"], (4, 3))
    c.assign(ep, "odi", "follow_up", 9)
