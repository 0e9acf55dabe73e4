"""Racing requests cannot slip a session past the record that blocks it.

Each trial readies an episode (a screening with a precaution, and consent), then starts,
at the same instant, one request that blocks needling (a screening that finds an
absolute contraindication, or closing the episode) and three session writes. Whatever
order they run in, a session written after the blocking record is a violation.

Order is read from the audit log: every write adds its audit row inside its own
transaction, while it holds the episode's lock, so audit ids follow the order in which
the writes took effect. A session whose audit row comes after the blocker's was written
on a decision the blocker had already made stale.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine, select

from pinpoint.actors import Actor, Role
from pinpoint.audit.models import AuditEvent
from pinpoint.care import service, sessions
from pinpoint.care.models import NeedlingSession
from pinpoint.care.schemas import EpisodeUpdate, ScreeningCreate
from pinpoint.db.engine import session_factory
from pinpoint.errors import Conflict
from tests.care import factories as f

TRIALS_PER_BLOCKER = 100  # two blockers: 200 racing trials per database
SESSION_WRITERS = 3
_mrns = itertools.count(1)


@dataclass
class Clinic:
    clinician: Actor
    npi: str


@pytest.fixture
def clinic(engine: Engine) -> Clinic:
    clinic_id = f.clinic(engine, "Race Clinic", "CO")
    return Clinic(f.actor(engine, Role.CLINICIAN, clinic_id), f.trained_npi(engine, "CO"))


def _ready_episode(engine: Engine, clinic: Clinic) -> int:
    actor = clinic.clinician
    patient = service.create_patient(engine, actor, f.patient_data(f"R-{next(_mrns)}"))
    episode = service.create_episode(engine, actor, patient.id, f.episode_data())
    service.record_screening(engine, actor, episode.id, ScreeningCreate(findings=["diabetes"]))
    service.record_consent(engine, actor, episode.id, f.consent_data())
    return episode.id


def _contraindicate(engine: Engine, clinic: Clinic, episode_id: int) -> tuple[str, str]:
    found = ScreeningCreate(findings=["local_infection"])
    row = service.record_screening(engine, clinic.clinician, episode_id, found)
    return "screening", str(row.id)


def _close(engine: Engine, clinic: Clinic, episode_id: int) -> tuple[str, str]:
    change = EpisodeUpdate(version=1, ended_on=date(2025, 3, 3), status="closed")
    service.update_episode(engine, clinic.clinician, episode_id, change)
    return "episode", str(episode_id)


Blocker = Callable[[Engine, Clinic, int], tuple[str, str]]


def _race(engine: Engine, clinic: Clinic, episode_id: int, block: Blocker) -> int:
    """Run the blocker and the session writes at once; count sessions written after it."""
    start = threading.Barrier(SESSION_WRITERS + 1)
    blocked: list[tuple[str, str]] = []
    failures: list[BaseException] = []

    def blocker() -> None:
        start.wait()
        try:
            blocked.append(block(engine, clinic, episode_id))
        except BaseException as exc:  # surfaced below
            failures.append(exc)

    def writer() -> None:
        start.wait()
        try:
            with contextlib.suppress(Conflict):
                sessions.record_session(
                    engine, clinic.clinician, episode_id, f.session_data(clinic.npi)
                )
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=blocker)]
    threads += [threading.Thread(target=writer) for _ in range(SESSION_WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    record_type, record_id = blocked[0]
    return _sessions_after(engine, episode_id, record_type, record_id)


def _sessions_after(engine: Engine, episode_id: int, record_type: str, record_id: str) -> int:
    with session_factory(engine)() as db:
        action = "update" if record_type == "episode" else "create"
        blocker_at = db.scalar(
            select(AuditEvent.id).where(
                AuditEvent.record_type == record_type,
                AuditEvent.record_id == record_id,
                AuditEvent.action == action,
            )
        )
        assert blocker_at is not None
        written = [
            str(i)
            for i in db.scalars(
                select(NeedlingSession.id).where(NeedlingSession.episode_id == episode_id)
            )
        ]
        later = db.scalars(
            select(AuditEvent.record_id).where(
                AuditEvent.record_type == "session",
                AuditEvent.action == "create",
                AuditEvent.record_id.in_(written),
                AuditEvent.id > blocker_at,
            )
        ).all()
    return len(later)


@pytest.mark.slow
@pytest.mark.parametrize("block", [_contraindicate, _close], ids=["contraindication", "close"])
def test_no_session_is_written_after_a_blocking_record(
    engine: Engine, clinic: Clinic, block: Blocker
) -> None:
    violations = 0
    for _ in range(TRIALS_PER_BLOCKER):
        episode_id = _ready_episode(engine, clinic)
        violations += _race(engine, clinic, episode_id, block)
    assert violations == 0


def test_a_session_after_the_blocker_is_refused_with_the_reason(
    engine: Engine, clinic: Clinic
) -> None:
    episode_id = _ready_episode(engine, clinic)
    _close(engine, clinic, episode_id)
    with pytest.raises(Conflict, match="closed"):
        sessions.record_session(engine, clinic.clinician, episode_id, f.session_data(clinic.npi))
