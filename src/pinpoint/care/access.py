"""Who may see and change which clinical records: the checks every care call makes first.

- Operators see no patient data (Forbidden).
- Staff (clinicians, clinic admins) read and write their own clinic's records.
- Patient users read their own record and what hangs off it, and write nothing.
- A record of another clinic, or another patient, is NotFound: its existence never leaks.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from pinpoint.accounts.models import Clinic
from pinpoint.accounts.roles import Actor, Role
from pinpoint.care.models import Episode, NeedlingSession, Patient
from pinpoint.errors import Forbidden, NotFound

R = TypeVar("R", Patient, Episode, NeedlingSession)


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


def _patient_id_of(record: Patient | Episode | NeedlingSession, session: Session) -> int | None:
    if isinstance(record, Patient):
        return record.id
    if isinstance(record, Episode):
        return record.patient_id
    return session.scalar(select(Episode.patient_id).where(Episode.id == record.episode_id))


def load(
    session: Session, actor: Actor, model: type[R], record_id: int, *, write: bool = False
) -> R:
    """The record if the actor may see it (and, with ``write``, change it); else NotFound."""
    clinic_id = writer_clinic(actor) if write else reader_clinic(actor)
    record = session.get(model, record_id)
    label = _LABELS[model]
    if record is None or record.clinic_id != clinic_id:
        raise NotFound(f"no {label} with id {record_id}", field="id")
    if actor.role is Role.PATIENT and _patient_id_of(record, session) != actor.patient_id:
        raise NotFound(f"no {label} with id {record_id}", field="id")
    return record


_LABELS: dict[type, str] = {Patient: "patient", Episode: "episode", NeedlingSession: "session"}
