"""FHIR tables: Bulk Data export jobs, and the records a FHIR import created.

Export jobs live in the database (not in a worker's memory) so that any web worker can
answer a poll, a download or a cancel; their files live in the data folder.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from pinpoint.db.base import Base


class ExportJob(Base):
    """One Bulk Data export: what was asked, how far it got, and what it wrote."""

    __tablename__ = "fhir_export_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # group | directory
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"), index=True)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    request_url: Mapped[str] = mapped_column(Text)
    types: Mapped[list[str]] = mapped_column(JSON)
    since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), index=True)
    progress: Mapped[str] = mapped_column(String(100), default="accepted")
    transaction_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    output: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)


class ImportedRecord(Base):
    """A record a FHIR import created, keyed by the resource it came from, so that importing
    the same data again changes nothing."""

    __tablename__ = "fhir_imported_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    resource_type: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("clinic_id", "resource_type", "source", "source_id"),)
