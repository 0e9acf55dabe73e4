"""Practitioners' names by NPI, as people write them, for records that name a needler.

A module of its own so that clinical code can name practitioners without loading the
search index.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from pinpoint.directory.display import person_name
from pinpoint.directory.models import Practitioner


def practitioner_names(session: Session, npis: Iterable[str]) -> dict[str, str]:
    """The directory's names of these NPIs ("Maya R. Campbell, PT, DPT"), read in one
    query inside the caller's transaction; NPIs not in the directory are left out."""
    wanted = sorted(set(npis))
    if not wanted:
        return {}
    rows = session.execute(
        select(
            Practitioner.npi,
            Practitioner.first_name,
            Practitioner.middle_name,
            Practitioner.last_name,
            Practitioner.name_suffix,
            Practitioner.credential,
        ).where(Practitioner.npi.in_(wanted))
    ).all()
    return {
        npi: person_name(first, middle, last, suffix, credential)
        for npi, first, middle, last, suffix, credential in rows
    }
