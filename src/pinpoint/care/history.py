"""Edits that keep history and refuse stale versions (optimistic concurrency).

An edit names the version it was based on. It applies only if the row still has that
version (one conditional UPDATE, so two concurrent edits cannot both win); the loser
gets Conflict (409). Each applied edit adds a ``RecordRevision`` with who changed which
fields, from what to what.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from pinpoint.actors import Actor
from pinpoint.care.models import RecordRevision
from pinpoint.errors import Conflict


class Editable(Protocol):
    """A clinical row that keeps history: its id, clinic and optimistic-lock version."""

    id: Any
    clinic_id: Any
    version: Any


def _plain(value: object) -> object:
    """A JSON-friendly copy of a column value for the revision record."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _stale(record_type: str, record_id: int, current: int, sent: int) -> Conflict:
    return Conflict(
        f"{record_type} {record_id} was changed by someone else (version {current}, "
        f"you sent {sent}): reload it and apply your change again",
        field="version",
    )


def apply_edit(
    session: Session,
    actor: Actor,
    row: Editable,
    record_type: str,
    expected_version: int,
    changes: Mapping[str, Any],
) -> dict[str, list[object]]:
    """Apply ``changes`` to ``row`` if it is still at ``expected_version``; return the diff."""
    if row.version != expected_version:
        raise _stale(record_type, row.id, row.version, expected_version)
    values = {k: (v.value if isinstance(v, Enum) else v) for k, v in changes.items()}
    diff = {
        field: [_plain(getattr(row, field)), _plain(value)]
        for field, value in values.items()
        if getattr(row, field) != value
    }
    if not diff:
        return {}
    model = type(row)
    result = cast(
        "CursorResult[Any]",
        session.execute(
            update(model)
            .where(model.id == row.id, model.version == expected_version)
            .values(**values, version=expected_version + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        current = session.scalar(select(model.version).where(model.id == row.id))
        raise _stale(record_type, row.id, current or 0, expected_version)
    session.add(
        RecordRevision(
            clinic_id=row.clinic_id,
            record_type=record_type,
            record_id=row.id,
            version=expected_version + 1,
            changed_by=actor.user_id,
            changes=diff,
        )
    )
    session.refresh(row)
    return diff


def revisions(session: Session, record_type: str, record_id: int) -> list[RecordRevision]:
    """Every edit of one record, oldest first."""
    return list(
        session.scalars(
            select(RecordRevision)
            .where(RecordRevision.record_type == record_type, RecordRevision.record_id == record_id)
            .order_by(RecordRevision.version)
        )
    )
