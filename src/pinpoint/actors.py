"""Who is acting: the role and the acting user every domain call is made on behalf of.

The bottom layer: any domain may import it; it imports nothing of Pinpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CLINICIAN = "clinician"
    CLINIC_ADMIN = "clinic_admin"
    PATIENT = "patient"
    OPERATOR = "operator"


@dataclass(frozen=True)
class Actor:
    """Who is acting: passed to every clinical service call, written to the audit log.

    ``clinic_id`` scopes every read and write (None only for operators, who see no patient
    data); ``patient_id`` is set for patient users, who see only their own record.
    """

    user_id: int
    role: Role
    clinic_id: int | None
    patient_id: int | None = None
    client_ip: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.CLINICIAN, Role.CLINIC_ADMIN)
