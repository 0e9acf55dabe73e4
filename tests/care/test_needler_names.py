"""Clinical answers name the needler as the practitioner directory writes the name.

``practitioner_name`` sits beside ``practitioner_npi`` in every session answer (the
session, the episode and the patient chart), read for all NPIs of an answer in one query,
and is null when the NPI is not in the directory. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, event

from pinpoint.accounts.service import authenticate, create_user, issue_token
from pinpoint.care import service, sessions
from pinpoint.care.schemas import ScreeningCreate
from pinpoint.config import Settings
from pinpoint.db.engine import transaction
from pinpoint.directory.models import Practitioner, TrainingCredential
from pinpoint.web.app import create_app
from tests.care import factories as f
from tests.directory import factories as directory

PASSWORD = "correct horse battery staple"
CAMPBELL = "Maya R. Campbell, PT, DPT"


def _campbell(engine: Engine) -> str:
    """A trained physical therapist in CO whose NPPES name reads as ``CAMPBELL``."""
    row = directory.practitioner(
        first_name="MAYA", middle_name="RENEE", last_name="CAMPBELL", credential="P.T., DPT"
    )
    training = directory.credential(
        row["npi"], hours=50.0, in_person_hours=40.0, completed_on=date(2020, 1, 1)
    )
    directory.add(engine, [row], [training])
    return str(row["npi"])


def _leave_directory(engine: Engine, npi: str) -> None:
    """The NPI leaves the directory (as for records imported from elsewhere)."""
    with transaction(engine, write=True) as session:
        session.execute(delete(TrainingCredential).where(TrainingCredential.npi == npi))
        session.execute(delete(Practitioner).where(Practitioner.npi == npi))


@contextmanager
def _reads_of_practitioners(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def _count(_c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        if "FROM practitioners" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def test_a_recorded_session_names_its_needler(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    npi = _campbell(engine)
    recorded = sessions.record_session(
        engine, ready.clinician, ready.episode_id, f.session_data(npi)
    )
    assert (recorded.practitioner_npi, recorded.practitioner_name) == (npi, CAMPBELL)
    shown = sessions.get_session(engine, ready.clinician, recorded.id)
    assert (shown.practitioner_npi, shown.practitioner_name) == (npi, CAMPBELL)


def test_the_chart_names_each_needler_with_one_read_of_the_directory(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    campbell = _campbell(engine)
    f.documented_session(engine, ready)
    sessions.record_session(engine, ready.clinician, ready.episode_id, f.session_data(campbell))
    second = service.create_episode(engine, ready.clinician, ready.patient_id, f.episode_data())
    service.record_screening(engine, ready.clinician, second.id, ScreeningCreate(findings=[]))
    service.record_consent(engine, ready.clinician, second.id, f.consent_data())
    sessions.record_session(engine, ready.clinician, second.id, f.session_data(campbell))
    with _reads_of_practitioners(engine) as reads:
        chart = service.get_patient(engine, ready.clinician, ready.patient_id)
    assert len(reads) == 1
    named = [(s.practitioner_npi, s.practitioner_name) for e in chart.episodes for s in e.sessions]
    other = next(name for npi, name in named if npi == ready.npi)
    assert re.fullmatch(r"Sam Testperson\d+, PT", other or "")
    assert sorted(named) == sorted([(ready.npi, other), (campbell, CAMPBELL), (campbell, CAMPBELL)])
    episode = service.get_episode(engine, ready.clinician, second.id)
    assert [s.practitioner_name for s in episode.sessions] == [CAMPBELL]


def test_an_npi_not_in_the_directory_has_no_name(engine: Engine) -> None:
    ready = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, ready)
    _leave_directory(engine, ready.npi)
    shown = sessions.get_session(engine, ready.clinician, session_id)
    assert (shown.practitioner_npi, shown.practitioner_name) == (ready.npi, None)
    chart = service.get_patient(engine, ready.clinician, ready.patient_id)
    assert [s.practitioner_name for s in chart.episodes[0].sessions] == [None]


def test_the_api_answers_carry_the_needlers_name(engine: Engine, db_settings: Settings) -> None:
    ready = f.chart(engine, screened=[])
    campbell = _campbell(engine)
    user = create_user(engine, "cl@example.org", "clinician", PASSWORD, "Clinic A")
    token = issue_token(engine, authenticate(engine, user.email, PASSWORD)).token
    client = TestClient(create_app(db_settings))
    headers = {"Authorization": f"Bearer {token}"}
    body = f.session_data(campbell).model_dump(mode="json")
    created = client.post(
        f"/api/v1/episodes/{ready.episode_id}/sessions", json=body, headers=headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["practitioner_name"] == CAMPBELL
    session_id = created.json()["id"]
    read = client.get(f"/api/v1/sessions/{session_id}", headers=headers).json()
    assert (read["practitioner_npi"], read["practitioner_name"]) == (campbell, CAMPBELL)
    episode = client.get(f"/api/v1/episodes/{ready.episode_id}", headers=headers).json()
    assert [s["practitioner_name"] for s in episode["sessions"]] == [CAMPBELL]
    _leave_directory(engine, campbell)
    chart = client.get(f"/api/v1/patients/{ready.patient_id}", headers=headers).json()
    shown = chart["episodes"][0]["sessions"][0]
    assert (shown["practitioner_npi"], shown["practitioner_name"]) == (campbell, None)
