"""The audit log: logins are recorded, rows are append-only, admins read their clinic's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from pinpoint.accounts.service import authenticate
from pinpoint.actors import Actor, Role
from pinpoint.audit.models import AuditEvent
from pinpoint.audit.service import list_events, record
from pinpoint.db.engine import session_factory, transaction
from pinpoint.errors import Forbidden, InvalidInput, Unauthorized
from tests.accounts import factories
from tests.accounts.factories import PASSWORD


def _events(engine: Engine) -> list[AuditEvent]:
    with session_factory(engine)() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_every_login_attempt_is_audited_without_the_password(engine: Engine) -> None:
    clinic = factories.clinic(engine)
    made = factories.user(engine)
    authenticate(engine, "ana@example.org", PASSWORD, "10.1.2.3")
    with pytest.raises(Unauthorized):
        authenticate(engine, "ana@example.org", "wrong password", "10.1.2.4")
    with pytest.raises(Unauthorized):
        authenticate(engine, "nobody@example.org", "wrong password", "10.1.2.5")
    rows = [
        (e.action, e.user_id, e.role, e.clinic_id, e.record_type, e.client_ip, e.outcome)
        for e in _events(engine)
    ]
    assert rows == [
        ("login", made.id, "clinician", clinic.id, "user", "10.1.2.3", "ok"),
        ("login", made.id, "clinician", clinic.id, "user", "10.1.2.4", "denied"),
        ("login", None, None, None, "user", "10.1.2.5", "denied"),
    ]
    with session_factory(engine)() as session:
        dumped = " ".join(str(v) for v in session.execute(text("SELECT * FROM audit_events")))
    assert PASSWORD not in dumped
    assert "wrong password" not in dumped


def test_a_rolled_back_write_leaves_no_audit_row(engine: Engine) -> None:
    factories.clinic(engine)
    actor = Actor(user_id=1, role=Role.CLINICIAN, clinic_id=1)

    class Refused(Exception):
        pass

    def refused_write() -> None:
        with transaction(engine) as session:
            record(session, actor, "create", "patient", 42)
            raise Refused

    with pytest.raises(Refused):
        refused_write()
    assert _events(engine) == []


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET outcome = 'ok'", "DELETE FROM audit_events"]
)
def test_the_audit_log_is_append_only(engine: Engine, statement: str) -> None:
    factories.clinic(engine)
    factories.user(engine)
    factories.login(engine)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert len(_events(engine)) == 1


def _record(engine: Engine, actor: Actor, action: str, record_type: str, record_id: int) -> None:
    with transaction(engine) as session:
        record(session, actor, action, record_type, record_id)


def test_admins_see_only_their_own_clinic_newest_first(engine: Engine) -> None:
    factories.two_clinics(engine)
    admin_a = factories.login(engine, "admin-a@example.org")
    clin_a = factories.login(engine, "clin-a@example.org")
    admin_b = factories.login(engine, "admin-b@example.org")
    _record(engine, clin_a, "read", "patient", 7)
    _record(engine, admin_b, "read", "patient", 8)
    page = list_events(engine, admin_a)
    assert page.total == 3
    assert [(e.action, e.record_id) for e in page.events] == [
        ("read", "7"),
        ("login", str(clin_a.user_id)),
        ("login", str(admin_a.user_id)),
    ]
    assert all(e.at.tzinfo is not None for e in page.events)
    assert {e.record_id for e in list_events(engine, admin_b).events} == {
        "8",
        str(admin_b.user_id),
    }


def test_audit_filters_combine(engine: Engine) -> None:
    factories.two_clinics(engine)
    admin = factories.login(engine, "admin-a@example.org")
    clin = factories.login(engine, "clin-a@example.org")
    _record(engine, clin, "read", "patient", 7)
    _record(engine, clin, "create", "session", 9)
    by_user = list_events(engine, admin, user_id=clin.user_id)
    assert by_user.total == 3
    reads = list_events(engine, admin, action="read", record_type="patient")
    assert [e.record_id for e in reads.events] == ["7"]
    hour = timedelta(hours=1)
    now = datetime.now(UTC)
    assert list_events(engine, admin, since=now - hour, until=now + hour).total == 4
    assert list_events(engine, admin, since=now + hour).total == 0
    assert list_events(engine, admin, until=(now - hour).replace(tzinfo=None)).total == 0
    paged = list_events(engine, admin, limit=1, offset=1)
    assert (paged.total, len(paged.events)) == (4, 1)


def test_only_clinic_admins_and_operators_read_the_audit_log(engine: Engine) -> None:
    factories.two_clinics(engine)
    with pytest.raises(Forbidden):
        list_events(engine, factories.login(engine, "clin-a@example.org"))
    admin_a = factories.login(engine, "admin-a@example.org")
    admin_b = factories.login(engine, "admin-b@example.org")
    operator = Actor(user_id=99, role=Role.OPERATOR, clinic_id=None)
    everything = list_events(engine, operator)
    assert {e.clinic_id for e in everything.events} == {admin_a.clinic_id, admin_b.clinic_id}
    only_b = list_events(engine, operator, clinic_id=admin_b.clinic_id)
    assert {e.clinic_id for e in only_b.events} == {admin_b.clinic_id}
    with pytest.raises(Forbidden):
        list_events(engine, admin_a, clinic_id=admin_b.clinic_id)


def test_a_bad_page_size_is_refused(engine: Engine) -> None:
    factories.two_clinics(engine)
    admin = factories.login(engine, "admin-a@example.org")
    with pytest.raises(InvalidInput) as caught:
        list_events(engine, admin, limit=0)
    assert caught.value.field == "limit"
