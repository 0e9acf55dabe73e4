"""Who may see and change which clinical records: the checks every clinical call makes first.

- Operators see no patient data (Forbidden).
- Staff (clinicians, clinic admins) read and write their own clinic's records.
- Patient users read their own record and what hangs off it, and write nothing.
- A record of another clinic, or another patient, is NotFound: its existence never leaks.

Each clinical record type is declared once (``declare``): its label and the column that
points to its parent record. Every row carries its clinic; the patient and the episode a
record belongs to are found by walking parents, the same way for every type. Outcomes,
FHIR and later modules declare their own record types and then use ``load`` as care does.

``load(..., write=True)`` also locks the record's anchor (its episode, or the patient for
records above episodes) with ``SELECT ... FOR UPDATE``, inside a ``transaction(engine,
write=True)``. Every write under one episode therefore runs one after the other: a session
insert sees the screening, consent or closing that committed just before it, and cannot
slip between another request's check and its write. (SQLite has one writer at a time and
``BEGIN IMMEDIATE`` takes its lock first; PostgreSQL needs the row lock.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from pinpoint.accounts.models import Clinic
from pinpoint.actors import Actor, Role
from pinpoint.care.models import (
    AdverseEvent,
    CarePlan,
    Consent,
    Episode,
    NeedlingSession,
    Patient,
    Screening,
)
from pinpoint.errors import Forbidden, NotFound


class ClinicalRow(Protocol):
    id: Any
    clinic_id: Any


R = TypeVar("R", bound=ClinicalRow)


@dataclass(frozen=True)
class RecordType:
    """A clinical record type: its audit name, what to call it, which record it hangs off."""

    model: type[Any]
    name: str
    label: str
    parent: str | None = None
    parent_model: type[Any] | None = None


_TYPES: dict[type[Any], RecordType] = {}


def declare(
    model: type[Any],
    name: str,
    *,
    label: str | None = None,
    parent: str | None = None,
    parent_model: type[Any] | None = None,
) -> RecordType:
    """Make ``load`` serve a record type: ``parent`` names its column holding the parent's id.

    ``name`` is the record type in the audit log; ``label`` the words in messages.
    """
    if (parent is None) != (parent_model is None):
        raise ValueError("a record type names both its parent column and the parent's model")
    if parent_model is not None and parent_model not in _TYPES:
        raise ValueError(f"declare {parent_model.__name__} before the records under it")
    kind = RecordType(model, name, label or name.replace("_", " "), parent, parent_model)
    _TYPES[model] = kind
    return kind


def record_type(model: type[Any]) -> RecordType:
    """The declaration of a clinical record type."""
    return _TYPES[model]


declare(Patient, "patient")
declare(Episode, "episode", parent="patient_id", parent_model=Patient)
declare(CarePlan, "care_plan", label="plan", parent="episode_id", parent_model=Episode)
declare(Screening, "screening", parent="episode_id", parent_model=Episode)
declare(Consent, "consent", parent="episode_id", parent_model=Episode)
declare(NeedlingSession, "session", parent="episode_id", parent_model=Episode)
declare(
    AdverseEvent,
    "adverse_event",
    parent="session_id",
    parent_model=NeedlingSession,
)


# ---- roles -----------------------------------------------------------------------------


def reader_clinic(actor: Actor) -> int:
    """The clinic whose records the actor may read, or Forbidden."""
    if actor.role is Role.OPERATOR or actor.clinic_id is None:
        raise Forbidden("operators and users without a clinic see no patient data")
    if actor.role is Role.PATIENT and actor.patient_id is None:
        raise Forbidden("this patient account is not linked to a patient record")
    return actor.clinic_id


def writer_clinic(actor: Actor) -> int:
    """The clinic whose records the actor may change (staff only), or Forbidden."""
    clinic_id = reader_clinic(actor)
    if not actor.is_staff:
        raise Forbidden("only clinicians and clinic admins may change clinical records")
    return clinic_id


def clinic_of(session: Session, actor: Actor) -> Clinic:
    clinic = session.get(Clinic, reader_clinic(actor))
    if clinic is None:
        raise Forbidden("the account's clinic no longer exists")
    return clinic


# ---- walking up to the patient and the episode --------------------------------------------


def _ancestor(session: Session, row: Any, wanted: tuple[type[Any], ...]) -> tuple[type[Any], int]:
    """The nearest record of one of the ``wanted`` types at or above ``row``."""
    model, record_id = type(row), int(row.id)
    while model not in wanted:
        kind = _TYPES[model]
        if kind.parent is None or kind.parent_model is None:
            break
        parent_id: int | None = (
            getattr(row, kind.parent)
            if row is not None
            else session.scalar(
                select(getattr(kind.model, kind.parent)).where(kind.model.id == record_id)
            )
        )
        if parent_id is None:
            raise NotFound(f"no {kind.label} with id {record_id}", field="id")
        model, record_id, row = kind.parent_model, parent_id, None
    return model, record_id


def patient_id_of(session: Session, row: Any) -> int:
    """The id of the patient a clinical record belongs to."""
    return _ancestor(session, row, (Patient,))[1]


def episode_id_of(session: Session, row: Any) -> int | None:
    """The id of the episode a record belongs to (None for patients)."""
    model, record_id = _ancestor(session, row, (Episode,))
    return record_id if model is Episode else None


def _lock_anchor(session: Session, row: Any) -> None:
    """Lock the record's episode (or its patient) until the transaction ends."""
    model, record_id = _ancestor(session, row, (Episode, Patient))
    session.execute(select(model.id).where(model.id == record_id).with_for_update())
    session.refresh(row)


# ---- loading -----------------------------------------------------------------------------


def _denied(kind: RecordType, record_id: object) -> NotFound:
    """Another clinic's record, or a missing one: the same answer, audited as a denial."""
    return NotFound(
        f"no {kind.label} with id {record_id}",
        field="id",
        subject=(kind.name, record_id),
    )


def load(
    session: Session,
    actor: Actor,
    model: type[R],
    record_id: int,
    *,
    write: bool = False,
    staff: bool = False,
    patient_writes: bool = False,
) -> R:
    """The record if the actor may see it; else NotFound (Forbidden for the wrong role).

    ``staff`` admits clinicians and clinic admins only. ``write`` does too (and, with
    ``patient_writes``, the patient whose record it is: a questionnaire, a side effect),
    and locks the record's episode (or patient) for the rest of the transaction,
    re-reading the row after the lock, so the caller decides on current data.
    """
    patient_may = patient_writes and actor.role is Role.PATIENT
    strict = (write or staff) and not patient_may
    clinic_id = writer_clinic(actor) if strict else reader_clinic(actor)
    kind = _TYPES[model]
    row = session.get(model, record_id)
    if row is None or row.clinic_id != clinic_id:
        raise _denied(kind, record_id)
    if actor.role is Role.PATIENT and patient_id_of(session, row) != actor.patient_id:
        raise _denied(kind, record_id)
    if write:
        _lock_anchor(session, row)
    return row
