"""Patient accounts: a login linked to one patient record, found by the clinic's MRN.

Accounts do not know patient records (they sit below the clinical domain), so the link is
made here and handed to ``accounts.service.create_user``, which runs it inside the
account's own transaction.
"""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pinpoint.accounts.schemas import UserPublic
from pinpoint.accounts.service import create_user
from pinpoint.actors import Role
from pinpoint.care.models import Patient
from pinpoint.errors import InvalidInput


def create_patient_user(
    engine: Engine, email: str, password: str, clinic_name: str, mrn: str
) -> UserPublic:
    """A patient account of ``clinic_name`` that sees only the patient with ``mrn``."""
    wanted = mrn.strip()
    if not wanted:
        raise InvalidInput("a patient account needs the patient's MRN", field="patient_mrn")

    def link(session: Session, clinic_id: int) -> int:
        found = session.scalar(
            select(Patient.id).where(Patient.clinic_id == clinic_id, Patient.mrn == wanted)
        )
        if found is None:
            raise InvalidInput(
                f"no patient with MRN {wanted!r} in clinic {clinic_name!r}", field="patient_mrn"
            )
        return found

    return create_user(engine, email, Role.PATIENT, password, clinic_name, patient_link=link)
