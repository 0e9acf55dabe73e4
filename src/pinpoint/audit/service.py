"""Writing and reading the append-only audit log.

``record`` adds one row inside the caller's transaction, so a write that rolls back leaves
no row claiming it happened. Rows carry record ids only, never patient data.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, Engine, func, select
from sqlalchemy.orm import Session

from pinpoint.actors import Actor, Role
from pinpoint.audit.models import AuditEvent
from pinpoint.db.engine import session_factory
from pinpoint.errors import Forbidden, InvalidInput

OUTCOMES = ("ok", "denied")
MAX_LIMIT = 1000


class AuditEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    user_id: int | None
    role: str | None
    action: str
    record_type: str
    record_id: str | None
    clinic_id: int | None
    client_ip: str | None
    outcome: str


class AuditPage(BaseModel):
    """One page of audit events, newest first, and how many match in all."""

    total: int
    limit: int
    offset: int
    events: list[AuditEventPublic]


class _Row(Protocol):
    @property
    def id(self) -> int: ...


def add_audited(session: Session, actor: Actor, record_type: str, row: _Row) -> None:
    """Add a new record and its audit row to the same transaction: both land or neither.

    The row is flushed first so the audit row can name its id.
    """
    session.add(row)
    session.flush()
    record(session, actor, "create", record_type, row.id)


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    record_type: str,
    record_id: object | None,
    outcome: str = "ok",
    *,
    client_ip: str | None = None,
    clinic_id: int | None = None,
) -> None:
    """Add one audit row to the session's transaction (``client_ip`` and ``clinic_id``
    when no actor: a local command acting on a clinic's records)."""
    session.add(
        AuditEvent(
            at=datetime.now(UTC),
            user_id=actor.user_id if actor else None,
            role=actor.role.value if actor else None,
            clinic_id=actor.clinic_id if actor else clinic_id,
            action=action[:20],
            record_type=record_type[:40],
            record_id=None if record_id is None else str(record_id)[:40],
            client_ip=((actor.client_ip if actor else None) or client_ip or None),
            outcome=outcome[:20],
        )
    )


MAX_ID = 2**31 - 1


def record_denial(
    engine: Engine, actor: Actor, action: str, record_type: str, record_id: object | None
) -> None:
    """Write a refused attempt (another clinic's record, the wrong role) on its own.

    The refused request's transaction rolled back, so the denial is committed apart; it
    lands in the actor's clinic's log, where its admin sees it.
    """
    with session_factory(engine)() as session, session.begin():
        record(session, actor, action, record_type, record_id, outcome="denied")


def _utc(moment: datetime, field: str = "at") -> datetime:
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"{field} is out of range", field=field) from None


def _text_filter(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    if "\x00" in value or len(value) > 40:
        raise InvalidInput(f"{field} is not a known value", field=field)
    return value.strip()


def list_events(
    engine: Engine,
    actor: Actor,
    *,
    clinic_id: int | None = None,
    user_id: int | None = None,
    action: str | None = None,
    record_type: str | None = None,
    outcome: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditPage:
    """Audit events, newest first: a clinic admin's own clinic, or everything for operators.

    Operators see every clinic's events and those that belong to none (failed logins to
    unknown emails, operators' own actions); ``clinic_id`` narrows their view. ``since``
    is inclusive and ``until`` exclusive; naive datetimes are taken as UTC.
    """
    where = _scope(actor, clinic_id)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if not 0 <= offset <= MAX_ID:
        raise InvalidInput(f"offset must be between 0 and {MAX_ID}", field="offset")
    if user_id is not None and not 0 <= user_id <= MAX_ID:
        raise InvalidInput("no such user id", field="user_id")
    action = _text_filter(action, "action")
    record_type = _text_filter(record_type, "record_type")
    outcome = _text_filter(outcome, "outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise InvalidInput(f"outcome is one of {', '.join(OUTCOMES)}", field="outcome")
    if user_id is not None:
        where.append(AuditEvent.user_id == user_id)
    if action:
        where.append(AuditEvent.action == action)
    if record_type:
        where.append(AuditEvent.record_type == record_type)
    if outcome:
        where.append(AuditEvent.outcome == outcome)
    if since is not None:
        where.append(AuditEvent.at >= _utc(since, "since"))
    if until is not None:
        where.append(AuditEvent.at < _utc(until, "until"))
    with session_factory(engine)() as session:
        total = session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0
        rows = session.scalars(
            select(AuditEvent)
            .where(*where)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        events = [AuditEventPublic.model_validate(row) for row in rows]
    for event in events:
        event.at = _utc(event.at)
    return AuditPage(total=total, limit=limit, offset=offset, events=events)


def _scope(actor: Actor, clinic_id: int | None) -> list[ColumnElement[bool]]:
    """Which events the actor may read, as WHERE conditions; Forbidden for other roles."""
    if clinic_id is not None and not 1 <= clinic_id <= MAX_ID:
        raise InvalidInput("no such clinic id", field="clinic_id")
    if actor.role is Role.OPERATOR:
        return [AuditEvent.clinic_id == clinic_id] if clinic_id is not None else []
    if actor.role is not Role.CLINIC_ADMIN or actor.clinic_id is None:
        raise Forbidden("only clinic admins and operators may read the audit log")
    if clinic_id is not None and clinic_id != actor.clinic_id:
        raise Forbidden("clinic admins read their own clinic's audit log only")
    return [AuditEvent.clinic_id == actor.clinic_id]
