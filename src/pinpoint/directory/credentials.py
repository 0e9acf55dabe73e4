"""Training credentials: CSV rosters from course providers, and single entries via the API.

A roster row is validated into a ``CredentialCreate``; rows that fail (bad NPI, an NPI not
in the directory, bad numbers or dates, a certificate repeated in the file) are reported
with their line number and reason, the rest are upserted on (provider, certificate_id) in
one transaction, so several courses of one practitioner add up and a re-import changes
nothing.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Engine, insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from pinpoint.db.models import ImportRun
from pinpoint.directory.models import Practitioner, TrainingCredential
from pinpoint.directory.schemas_credentials import (
    CredentialCreate,
    CredentialPublic,
    CredentialSummary,
    RejectedRow,
)
from pinpoint.directory.search.cache import invalidate
from pinpoint.errors import Conflict, InvalidInput

REQUIRED_COLUMNS = (
    "npi",
    "provider",
    "course",
    "hours",
    "in_person_hours",
    "completed_on",
    "certificate_id",
)
OPTIONAL_COLUMNS = ("licensed_since", "supervised_sessions")
BATCH = 1_000
_FIELDS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


def _reason(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "row"
        parts.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)


def _open_roster(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.is_file():
        problem = "not a file" if path.exists() else "no such file"
        raise InvalidInput(f"{problem}: {path}", field="path")
    if path.suffix.lower() != ".csv":
        raise InvalidInput(f"expected a .csv roster, got {path.name}", field="path")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if not header:
            raise InvalidInput(f"{path.name} is empty", field="path")
        for column in REQUIRED_COLUMNS:
            if column not in header:
                raise InvalidInput(f"{path.name} lacks the column {column!r}", field=column)
        reader.fieldnames = header
        for record in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in record.items() if k}


def _validate(values: dict[str, str]) -> CredentialCreate:
    data: dict[str, Any] = {k: values.get(k, "") for k in _FIELDS}
    for optional in ("in_person_hours", *OPTIONAL_COLUMNS):
        if data[optional] == "":
            data[optional] = None
    return CredentialCreate.model_validate(data)


def import_credentials(engine: Engine, path: Path | str) -> CredentialSummary:
    """Import a credential roster (CSV); every valid row lands or none does."""
    path = Path(path)
    started, started_at = time.perf_counter(), datetime.now(UTC)
    summary = CredentialSummary(source=path.name)
    valid: list[tuple[int, CredentialCreate]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, values in _open_roster(path):
        summary.rows_read += 1
        try:
            record = _validate(values)
        except ValidationError as exc:
            summary.rejected.append(RejectedRow(row=line, reason=_reason(exc)))
            continue
        key = (record.provider, record.certificate_id)
        if key in seen:
            reason = f"certificate_id: repeats row {seen[key]} for the same provider"
            summary.rejected.append(RejectedRow(row=line, reason=reason))
            continue
        seen[key] = line
        valid.append((line, record))
    with engine.begin() as conn:
        for start in range(0, len(valid), BATCH):
            _write_batch(conn, valid[start : start + BATCH], summary)
        summary.rejected.sort(key=lambda r: r.row)
        summary.seconds = round(time.perf_counter() - started, 3)
        conn.execute(
            insert(ImportRun).values(
                kind="credentials",
                source_name=path.name,
                status="succeeded",
                started_at=started_at,
                finished_at=datetime.now(UTC),
                summary=summary.model_dump(mode="json"),
            )
        )
    invalidate(engine)
    return summary


def _write_batch(
    conn: Connection, batch: Sequence[tuple[int, CredentialCreate]], summary: CredentialSummary
) -> None:
    npis = {r.npi for _, r in batch}
    known = set(conn.scalars(select(Practitioner.npi).where(Practitioner.npi.in_(npis))))
    keys = [(r.provider, r.certificate_id) for _, r in batch]
    table = TrainingCredential.__table__
    existing = {
        (row.provider, row.certificate_id): row
        for row in conn.execute(
            select(table).where(tuple_(table.c.provider, table.c.certificate_id).in_(keys))
        )
    }
    rows = []
    for line, record in batch:
        if record.npi not in known:
            summary.rejected.append(RejectedRow(row=line, reason="npi: not in the directory"))
            continue
        values = record.model_dump()
        old = existing.get((record.provider, record.certificate_id))
        if old is None:
            summary.added += 1
        elif all(getattr(old, k) == v for k, v in values.items()):
            summary.unchanged += 1
            continue
        else:
            summary.updated += 1
        rows.append(values)
    if rows:
        conn.execute(_upsert(conn), rows)


def _upsert(conn: Connection) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(TrainingCredential)
    columns = [c for c in _FIELDS if c not in ("provider", "certificate_id")]
    return stmt.on_conflict_do_update(
        index_elements=["provider", "certificate_id"],
        set_={c: stmt.excluded[c] for c in columns},
    )


def add_credential(engine: Engine, data: CredentialCreate) -> CredentialPublic:
    """Record one credential: unknown NPI -> InvalidInput, known certificate -> Conflict."""
    with engine.begin() as conn:
        if conn.scalar(select(Practitioner.npi).where(Practitioner.npi == data.npi)) is None:
            raise InvalidInput(f"NPI {data.npi} is not in the directory", field="npi")
        clash = conn.scalar(
            select(TrainingCredential.id).where(
                TrainingCredential.provider == data.provider,
                TrainingCredential.certificate_id == data.certificate_id,
            )
        )
        if clash is not None:
            raise Conflict(
                f"certificate {data.certificate_id!r} of {data.provider!r} is already recorded",
                field="certificate_id",
            )
        new_id = conn.execute(
            insert(TrainingCredential).values(**data.model_dump()).returning(TrainingCredential.id)
        ).scalar_one()
    invalidate(engine)
    return CredentialPublic(id=new_id, **data.model_dump())
