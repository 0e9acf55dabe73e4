"""A busy database answers 503 with Retry-After, and no failure puts patient data in a log."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from pinpoint.accounts.service import issue_token
from pinpoint.actors import Role
from pinpoint.care.models import Patient
from pinpoint.config import Settings
from pinpoint.db import engine as db_engine
from pinpoint.db.engine import make_engine
from pinpoint.web.app import create_app
from tests.care import factories as f

API = "/api/v1"
PATIENT = {
    "mrn": "BUSY-1",
    "given_name": "Quintessa",
    "family_name": "Marlowe-Oyelaran",
    "birth_date": "1979-04-23",
    "sex": "female",
    "phone": "555-867-5309",
    "email": "quintessa.marlowe@example.org",
}
SECRETS = ("Quintessa", "Marlowe", "1979-04-23", "555-867-5309", "quintessa.marlowe")


@contextmanager
def _write_lock_held(database_url: str) -> Iterator[None]:
    """Another process's transaction holding the lock a patient insert needs."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(str(url.database), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    holder = make_engine(database_url)
    with holder.connect() as conn:
        conn.exec_driver_sql("LOCK TABLE patients IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.rollback()
    holder.dispose()


@pytest.fixture
def staff_headers(engine: Engine) -> dict[str, str]:
    clinic_id = f.clinic(engine, "Clinic A", "CO")
    actor = f.actor(engine, Role.CLINICIAN, clinic_id)
    return {"Authorization": f"Bearer {issue_token(engine, actor).token}"}


def _all_logged(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> str:
    out, err = capfd.readouterr()
    return "\n".join([caplog.text, out, err])


def test_a_busy_database_answers_503_with_retry_after_and_logs_no_patient_data(
    engine: Engine,
    db_settings: Settings,
    database_url: str,
    staff_headers: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(db_engine, "LOCK_WAIT_MS", 300)
    caplog.set_level(logging.DEBUG)
    client = TestClient(create_app(db_settings), raise_server_exceptions=False)
    with _write_lock_held(database_url):
        answer = client.post(f"{API}/patients", json=PATIENT, headers=staff_headers)
    assert answer.status_code == 503
    assert int(answer.headers["Retry-After"]) >= 1
    assert answer.json()["error"]["code"] == "unavailable"
    logged = _all_logged(caplog, capfd) + answer.text
    assert [s for s in SECRETS if s in logged] == []
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Patient)) == 0
    # Once the lock is gone, the same request succeeds.
    assert client.post(f"{API}/patients", json=PATIENT, headers=staff_headers).status_code == 201


@pytest.mark.backends("sqlite")
def test_an_unexpected_error_is_a_bare_500_logged_without_its_message(
    db_settings: Settings,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    app = create_app(db_settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("Quintessa Marlowe-Oyelaran, 555-867-5309")

    caplog.set_level(logging.DEBUG)
    answer = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert answer.status_code == 500
    assert answer.json()["error"]["message"] == "internal error; the problem was logged"
    logged = _all_logged(caplog, capfd)
    assert "RuntimeError" in logged
    assert [s for s in SECRETS if s in logged] == []
