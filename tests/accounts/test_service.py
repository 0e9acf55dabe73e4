"""Clinics, users, logins with lockout, and tokens (on SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from pinpoint.accounts import passwords, service, throttle
from pinpoint.accounts.models import AuthToken, LoginThrottle, User
from pinpoint.accounts.service import (
    authenticate,
    create_clinic,
    create_user,
    issue_token,
    resolve_session,
    resolve_token,
    revoke_token,
    token_hash,
)
from pinpoint.actors import Role
from pinpoint.db.engine import session_factory
from pinpoint.errors import Conflict, InvalidInput, Unauthorized
from tests.accounts import factories
from tests.accounts.factories import PASSWORD


def _throttle(engine: Engine, email: str = "ana@example.org") -> LoginThrottle | None:
    with session_factory(engine)() as session:
        return session.get(LoginThrottle, throttle.email_key(email))


def _user_row(engine: Engine, email: str = "ana@example.org") -> User:
    with session_factory(engine)() as session:
        row = session.scalar(select(User).where(User.email == email))
        assert row is not None
        return row


# ---- clinics -----------------------------------------------------------------------


def test_create_clinic_normalizes_the_state_code(engine: Engine) -> None:
    clinic = create_clinic(engine, "  Front  Range PT ", "co")
    assert (clinic.name, clinic.state) == ("Front Range PT", "CO")
    assert clinic.id > 0


def test_create_clinic_refuses_a_duplicate_name(engine: Engine) -> None:
    create_clinic(engine, "Front Range PT", "CO")
    with pytest.raises(Conflict):
        create_clinic(engine, "Front Range PT", "TX")


@pytest.mark.parametrize(("name", "state", "field"), [("  ", "CO", "name"), ("X", "ZZ", "state")])
def test_create_clinic_names_the_bad_field(
    engine: Engine, name: str, state: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_clinic(engine, name, state)
    assert caught.value.field == field


# ---- users -------------------------------------------------------------------------


def test_create_user_lowercases_the_email_and_hides_the_hash(engine: Engine) -> None:
    factories.clinic(engine)
    made = create_user(engine, " Ana@Example.ORG ", "clinician", PASSWORD, "Front Range PT")
    assert made.model_dump() == {
        "id": made.id,
        "email": "ana@example.org",
        "role": Role.CLINICIAN,
        "clinic": "Front Range PT",
    }
    assert _user_row(engine).password_hash.startswith("$argon2id$")


def test_create_user_refuses_a_second_account_for_an_email(engine: Engine) -> None:
    factories.clinic(engine)
    factories.user(engine)
    with pytest.raises(Conflict):
        factories.user(engine, email="ANA@example.org")


@pytest.mark.parametrize(
    ("email", "role", "password", "clinic", "field"),
    [
        ("not-an-email", "clinician", PASSWORD, "Front Range PT", "email"),
        ("a@example.org", "surgeon", PASSWORD, "Front Range PT", "role"),
        ("a@example.org", "clinician", "short", "Front Range PT", "password"),
        ("a@example.org", "clinician", PASSWORD, None, "clinic"),
        ("a@example.org", "patient", PASSWORD, "", "clinic"),
        ("a@example.org", "clinic_admin", PASSWORD, "No Such Clinic", "clinic"),
        ("a@example.org", "operator", PASSWORD, "Front Range PT", "clinic"),
    ],
)
def test_create_user_names_the_bad_field(
    engine: Engine, email: str, role: str, password: str, clinic: str | None, field: str
) -> None:
    factories.clinic(engine)
    with pytest.raises(InvalidInput) as caught:
        create_user(engine, email, role, password, clinic)
    assert caught.value.field == field


def test_an_unknown_clinic_is_named_in_the_error(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="No Such Clinic"):
        create_user(engine, "a@example.org", "clinician", PASSWORD, "No Such Clinic")


def test_operators_belong_to_no_clinic(engine: Engine) -> None:
    made = create_user(engine, "op@example.org", "operator", PASSWORD)
    assert (made.role, made.clinic) == (Role.OPERATOR, None)
    assert authenticate(engine, "op@example.org", PASSWORD).clinic_id is None


def test_a_patient_account_is_linked_to_the_patient_with_that_mrn(engine: Engine) -> None:
    clinic = factories.clinic(engine)
    patient_id = factories.patient(engine, clinic.id, "MRN-7")
    factories.user(engine, "pat@example.org", "patient", patient_mrn="MRN-7")
    actor = factories.login(engine, "pat@example.org")
    assert (actor.role, actor.clinic_id, actor.patient_id) == (Role.PATIENT, clinic.id, patient_id)


def test_an_mrn_that_is_not_in_the_clinic_is_refused(engine: Engine) -> None:
    factories.clinic(engine)
    other = factories.clinic(engine, "Other", "TX")
    factories.patient(engine, other.id, "MRN-7")
    with pytest.raises(InvalidInput) as caught:
        factories.user(engine, "pat@example.org", "patient", patient_mrn="MRN-7")
    assert caught.value.field == "patient_mrn"


def test_a_bad_npi_is_refused(engine: Engine) -> None:
    factories.clinic(engine)
    with pytest.raises(InvalidInput) as caught:
        factories.user(engine, npi="1234567890")
    assert caught.value.field == "npi"


# ---- logins ------------------------------------------------------------------------


def test_authenticate_returns_the_actor_with_its_clinic(engine: Engine) -> None:
    clinic = factories.clinic(engine)
    made = factories.user(engine, role="clinic_admin")
    actor = authenticate(engine, "ANA@example.org", PASSWORD, "10.0.0.1")
    assert actor.user_id == made.id
    assert actor.role is Role.CLINIC_ADMIN
    assert actor.clinic_id == clinic.id
    assert actor.client_ip == "10.0.0.1"


@pytest.mark.parametrize(
    ("email", "password"), [("ana@example.org", "wrong password"), ("bob@example.org", PASSWORD)]
)
def test_wrong_email_or_password_gives_one_message(
    engine: Engine, email: str, password: str
) -> None:
    factories.clinic(engine)
    factories.user(engine)
    with pytest.raises(Unauthorized, match=r"^invalid email or password$"):
        authenticate(engine, email, password)


def test_five_failures_lock_the_account_even_for_the_right_password(engine: Engine) -> None:
    factories.clinic(engine)
    factories.user(engine)
    for _ in range(4):
        with pytest.raises(Unauthorized, match="invalid email or password"):
            authenticate(engine, "ana@example.org", "wrong password")
    with pytest.raises(Unauthorized, match="locked"):
        authenticate(engine, "ana@example.org", "wrong password")
    with pytest.raises(Unauthorized, match="locked"):
        authenticate(engine, "ana@example.org", PASSWORD)
    row = _throttle(engine)
    assert row is not None
    assert row.locked_until is not None


def test_the_lock_ends_after_fifteen_minutes(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.clinic(engine)
    factories.user(engine)
    for _ in range(5):
        with pytest.raises(Unauthorized):
            authenticate(engine, "ana@example.org", "wrong password")
    later = service.now() + timedelta(minutes=16)
    monkeypatch.setattr(service, "now", lambda: later)
    assert factories.login(engine).role is Role.CLINICIAN
    row = _throttle(engine)
    assert row is not None
    assert (row.failures, row.locked_until) == (0, None)


def test_a_success_resets_the_failure_count(engine: Engine) -> None:
    factories.clinic(engine)
    factories.user(engine)
    for _ in range(4):
        with pytest.raises(Unauthorized):
            authenticate(engine, "ana@example.org", "wrong password")
    factories.login(engine)
    row = _throttle(engine)
    assert row is not None
    assert row.failures == 0
    for _ in range(4):
        with pytest.raises(Unauthorized, match="invalid email or password"):
            authenticate(engine, "ana@example.org", "wrong password")
    assert factories.login(engine).role is Role.CLINICIAN


def test_an_inactive_account_cannot_log_in(engine: Engine) -> None:
    factories.clinic(engine)
    factories.user(engine)
    with session_factory(engine)() as session, session.begin():
        row = session.scalar(select(User))
        assert row is not None
        row.active = False
    with pytest.raises(Unauthorized):
        factories.login(engine)


# ---- tokens ------------------------------------------------------------------------


def test_a_token_resolves_to_its_actor_and_only_its_hash_is_stored(engine: Engine) -> None:
    factories.clinic(engine)
    factories.user(engine)
    actor = factories.login(engine)
    issued = issue_token(engine, actor)
    assert issued.csrf_token is None
    assert resolve_token(engine, issued.token, "api").user_id == actor.user_id
    with session_factory(engine)() as session:
        hashes = session.scalars(select(AuthToken.token_hash)).all()
    assert hashes == [token_hash(issued.token)]
    assert issued.token not in hashes


def test_web_sessions_carry_a_csrf_token_and_are_not_api_tokens(engine: Engine) -> None:
    factories.clinic(engine)
    factories.user(engine)
    issued = issue_token(engine, factories.login(engine), "web")
    assert issued.csrf_token
    assert resolve_session(engine, issued.token, "web").csrf_token == issued.csrf_token
    with pytest.raises(Unauthorized):
        resolve_token(engine, issued.token, "api")


def test_an_expired_token_is_refused(engine: Engine) -> None:
    factories.clinic(engine)
    factories.user(engine)
    issued = issue_token(engine, factories.login(engine), ttl=timedelta(seconds=-1))
    with pytest.raises(Unauthorized):
        resolve_token(engine, issued.token, "api")


def test_a_token_expires_after_its_ttl(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    factories.clinic(engine)
    factories.user(engine)
    issued = issue_token(engine, factories.login(engine), ttl=timedelta(hours=1))
    assert resolve_token(engine, issued.token, "api")
    later = service.now() + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(service, "now", lambda: later)
    with pytest.raises(Unauthorized):
        resolve_token(engine, issued.token, "api")


def test_a_revoked_or_unknown_token_is_refused(engine: Engine) -> None:
    factories.clinic(engine)
    factories.user(engine)
    token = factories.token(engine)
    revoke_token(engine, token)
    revoke_token(engine, "never issued")
    for bad in (token, "never issued", ""):
        with pytest.raises(Unauthorized):
            resolve_token(engine, bad, "api")


def test_simultaneous_wrong_passwords_all_count_towards_the_lockout(engine: Engine) -> None:
    factories.clinic(engine)
    factories.user(engine)
    barrier = threading.Barrier(4)

    def guess() -> None:
        barrier.wait()
        with contextlib.suppress(Unauthorized):
            authenticate(engine, "ana@example.org", "wrong password!")

    threads = [threading.Thread(target=guess) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    row = _throttle(engine)
    assert row is not None
    assert row.failures == 4


def test_an_address_with_many_failed_logins_must_wait_but_others_may_log_in(
    engine: Engine,
) -> None:
    factories.clinic(engine)
    factories.user(engine)
    for n in range(service.MAX_FAILED_PER_ADDRESS):
        with pytest.raises(Unauthorized):
            authenticate(engine, f"nobody{n}@example.org", "wrong password!", "203.0.113.9")
    with pytest.raises(Unauthorized, match="this address"):
        authenticate(engine, "ana@example.org", PASSWORD, "203.0.113.9")
    assert authenticate(engine, "ana@example.org", PASSWORD, "198.51.100.4").role == Role.CLINICIAN


def test_an_unknown_email_is_locked_after_five_failures_like_an_account(engine: Engine) -> None:
    factories.clinic(engine)
    factories.user(engine)
    answers = {}
    for email in ("ana@example.org", "nobody@example.org"):
        seen = []
        for _ in range(6):
            with pytest.raises(Unauthorized) as refused:
                authenticate(engine, email, "wrong password")
            seen.append(refused.value.message)
        answers[email] = seen
    assert answers["ana@example.org"] == answers["nobody@example.org"]
    assert answers["ana@example.org"][-1] == service.LOCKED


def test_every_login_attempt_costs_one_password_hash(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Locked, unknown, wrong and right: the same work, so timing tells nothing."""
    factories.clinic(engine)
    factories.user(engine)
    calls: list[str] = []
    real = passwords.verify_password

    def counted(password_hash: str, password: str) -> bool:
        calls.append("hash")
        return real(password_hash, password)

    monkeypatch.setattr(service, "verify_password", counted)
    for _ in range(6):  # the sixth attempt meets a locked account
        with contextlib.suppress(Unauthorized):
            authenticate(engine, "ana@example.org", "wrong password")
    with contextlib.suppress(Unauthorized):
        authenticate(engine, "nobody@example.org", "wrong password")
    assert calls == ["hash"] * 7


def test_a_failure_after_the_window_starts_a_new_count(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.clinic(engine)
    factories.user(engine)
    for _ in range(4):
        with pytest.raises(Unauthorized):
            authenticate(engine, "ana@example.org", "wrong password")
    later = service.now() + timedelta(minutes=16)
    monkeypatch.setattr(service, "now", lambda: later)
    with pytest.raises(Unauthorized, match="invalid email or password"):
        authenticate(engine, "ana@example.org", "wrong password")
    row = _throttle(engine)
    assert row is not None
    assert row.failures == 1
