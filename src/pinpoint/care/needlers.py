"""Who in a clinic may be named as the needler: active staff with an NPI, by name.

The clinic's staff come from accounts and their names from the practitioner directory
(the NPPES file); a staff member the directory does not list is shown by email.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from pinpoint.accounts.models import User
from pinpoint.actors import Actor, Role
from pinpoint.care import access
from pinpoint.db.engine import transaction
from pinpoint.directory.names import practitioner_names


@dataclass(frozen=True)
class Needler:
    user_id: int
    npi: str
    name: str


@dataclass(frozen=True)
class ClinicStaff:
    clinic_name: str
    state: str
    needlers: tuple[Needler, ...]


def clinic_needlers(engine: Engine, actor: Actor) -> ClinicStaff:
    """The actor's clinic and its staff with an NPI; Forbidden for operators."""
    with transaction(engine) as session:
        clinic = access.clinic_of(session, actor)
        rows = session.execute(
            select(User.id, User.npi, User.email)
            .where(
                User.clinic_id == clinic.id,
                User.npi.is_not(None),
                User.active.is_(True),
                User.role.in_([Role.CLINICIAN.value, Role.CLINIC_ADMIN.value]),
            )
            .order_by(User.email)
        ).all()
        names = practitioner_names(session, (npi for _, npi, _ in rows if npi))
        needlers = tuple(
            Needler(user_id, npi, names.get(npi, email)) for user_id, npi, email in rows if npi
        )
        return ClinicStaff(clinic.name, clinic.state, needlers)
