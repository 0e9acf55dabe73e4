"""Board filings: what a practitioner has filed with a state board before needling.

Several states' laws ask for a registration, endorsement, attestation, acknowledgement or
proof of training with the board before anyone dry needles (the law base's
``registration_required`` and ``filing``). An operator records each filing once; how a
filing counts toward a verdict is :mod:`pinpoint.directory.training`'s rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from pinpoint.db.engine import transaction
from pinpoint.directory.models import BoardFiling, Practitioner
from pinpoint.directory.npi import parse_npi
from pinpoint.directory.schemas_filings import FilingCreate, FilingRecorded
from pinpoint.directory.search.cache import invalidate
from pinpoint.errors import Conflict, InvalidInput, NotFound


def parse_filing(values: Mapping[str, object]) -> FilingCreate:
    """Typed values (the command line's options) as a filing, or InvalidInput naming the
    first field that is wrong."""
    try:
        return FilingCreate.model_validate(dict(values))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(f"{field}: {message}" if field else message, field=field) from None


def add_filing(
    engine: Engine, npi: str, data: FilingCreate, *, recorded_by: int | None = None
) -> FilingRecorded:
    """Record one filing of the practitioner ``npi`` (``recorded_by``: the acting user).

    A malformed NPI is InvalidInput, one not in the directory NotFound, and the same filing
    (state, kind and day) recorded twice Conflict.
    """
    key = parse_npi(npi)
    duplicate = Conflict(
        f"NPI {key} already has this filing on record: {data.kind.label} in {data.state}, "
        f"filed {data.filed_on}",
        field="filed_on",
    )
    try:
        with transaction(engine, write=True) as session:
            # Locked on PostgreSQL, so two requests cannot both pass the duplicate check.
            found = session.scalar(
                select(Practitioner.npi).where(Practitioner.npi == key).with_for_update()
            )
            if found is None:
                raise NotFound(f"no practitioner with NPI {key}", field="npi")
            clash = session.scalar(
                select(BoardFiling.id).where(
                    BoardFiling.npi == key,
                    BoardFiling.state == data.state,
                    BoardFiling.kind == data.kind.value,
                    BoardFiling.filed_on == data.filed_on,
                )
            )
            if clash is not None:
                raise duplicate
            row = BoardFiling(
                npi=key,
                state=data.state,
                kind=data.kind.value,
                filed_on=data.filed_on,
                reference=data.reference,
                expires_on=data.expires_on,
                recorded_by=recorded_by,
                recorded_at=datetime.now(UTC),
            )
            session.add(row)
            session.flush()
            answer = FilingRecorded.model_validate(row)
    except IntegrityError:
        raise duplicate from None
    invalidate(engine)
    return answer
