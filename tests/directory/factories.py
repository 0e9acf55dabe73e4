"""Factories for directory rows, inserted straight into the tables with SQLAlchemy."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, insert

from pinpoint.directory import geo
from pinpoint.directory.models import BoardFiling, License, Practitioner, TrainingCredential
from pinpoint.directory.npi import make_npi
from pinpoint.directory.search.cache import invalidate

_serial = itertools.count(1)


def npi_from(base: int) -> str:
    """A valid NPI (with its check digit) for a 9-digit number."""
    return make_npi(f"{base:09d}")


def practitioner(zip5: str | None = "80202", **overrides: Any) -> dict[str, Any]:
    """Column values of one practitioner practising at a ZIP centroid."""
    n = next(_serial)
    point = geo.zip_centroid(zip5) if zip5 else None
    row: dict[str, Any] = {
        "npi": npi_from(100_000_000 + n),
        "last_name": f"Testperson{n}",
        "first_name": "Sam",
        "middle_name": None,
        "name_prefix": None,
        "name_suffix": None,
        "credential": "PT",
        "profession": "physical_therapist",
        "taxonomy": "225100000X",
        "address_line": f"{n} Test Street",
        "city": "Denver",
        "state": "CO",
        "zip5": zip5,
        "country": "US",
        "phone": None,
        "latitude": point.latitude if point else None,
        "longitude": point.longitude if point else None,
        "enumerated_on": date(2010, 1, 1),
        "updated_on": date(2024, 1, 1),
        "deactivated_on": None,
        "reactivated_on": None,
        "active": True,
        "synthetic": True,
    }
    row.update(overrides)
    return row


def credential(npi: str, hours: float = 60.0, **overrides: Any) -> dict[str, Any]:
    n = next(_serial)
    row: dict[str, Any] = {
        "npi": npi,
        "provider": "Test Needling Institute",
        "course": "Dry Needling Level 1",
        "hours": hours,
        "in_person_hours": hours,
        "completed_on": date(2020, 1, 1),
        "certificate_id": f"CERT-{n}",
        "licensed_since": date(2010, 1, 1),
        "supervised_sessions": None,
    }
    row.update(overrides)
    return row


def filing(npi: str, state: str = "FL", **overrides: Any) -> dict[str, Any]:
    """Column values of one board filing (an attestation filed 2024-05-01, no expiry)."""
    row: dict[str, Any] = {
        "npi": npi,
        "state": state,
        "kind": "attestation",
        "filed_on": date(2024, 5, 1),
        "reference": None,
        "expires_on": None,
        "recorded_by": None,
        "recorded_at": datetime(2024, 5, 2, tzinfo=UTC),
    }
    row.update(overrides)
    return row


def add(
    engine: Engine,
    practitioners: Iterable[dict[str, Any]],
    credentials: Iterable[dict[str, Any]] = (),
    licenses: Iterable[dict[str, Any]] = (),
    filings: Iterable[dict[str, Any]] = (),
) -> None:
    """Insert rows in one transaction and tell the search index the directory changed."""
    rows, creds, lics = list(practitioners), list(credentials), list(licenses)
    boards = list(filings)
    with engine.begin() as conn:
        if rows:
            conn.execute(insert(Practitioner), rows)
        if creds:
            conn.execute(insert(TrainingCredential), creds)
        if lics:
            conn.execute(insert(License), lics)
        if boards:
            conn.execute(insert(BoardFiling), boards)
    invalidate(engine)
