"""Whether a practitioner may be recorded as the needler: clinic's state, session date.

The directory's verdict is about the practitioner's own state today; a session needs the
verdict for the clinic's state on the session date, from the training completed by then and
the board filings in that state in force that day.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pinpoint.directory.models import Practitioner
from pinpoint.directory.training import facts_from_training
from pinpoint.law.eligibility import Eligibility, Verdict
from pinpoint.law.service import practitioner_eligibility
from pinpoint.law.vocabulary import Profession


def needler_eligibility(session: Session, npi: str, state: str, on: date) -> Eligibility:
    """The verdict for NPI ``npi`` needling in ``state`` on ``on``."""
    practitioner = session.scalar(
        select(Practitioner)
        .where(Practitioner.npi == npi)
        .options(selectinload(Practitioner.credentials), selectinload(Practitioner.filings))
    )
    if practitioner is None:
        return Eligibility(
            Verdict.TRAINING_UNKNOWN,
            (f"NPI {npi} is not in the practitioner directory, so no training is on record",),
        )
    if not practitioner.active:
        return Eligibility(Verdict.NOT_ELIGIBLE, (f"NPI {npi} is deactivated",))
    try:
        profession = Profession(practitioner.profession)
    except ValueError:
        return Eligibility(
            Verdict.LAW_SILENT, (f"profession {practitioner.profession!r} is not in the law base",)
        )
    facts = facts_from_training(
        practitioner.credentials,
        on,
        completed_by=on,
        filings=practitioner.filings,
        state=state,
    )
    verdict, _law = practitioner_eligibility(state, profession, facts, on)
    return verdict


def practitioner_profession(session: Session, npi: str) -> Profession:
    """The needler's profession for the law base; physical therapist when not on record."""
    value = session.scalar(select(Practitioner.profession).where(Practitioner.npi == npi))
    try:
        return Profession(value) if value else Profession.PHYSICAL_THERAPIST
    except ValueError:
        return Profession.PHYSICAL_THERAPIST
