"""Tables shared by every domain, and the registry of all table modules.

``import_all_models`` imports each domain's ``models`` module so that Alembic and the
"models match migrations" test see the complete metadata.
"""

from __future__ import annotations

import importlib
from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from pinpoint.db.base import Base

# Domain packages whose ``models`` module defines tables (add new domains here).
MODEL_MODULES: tuple[str, ...] = (
    "pinpoint.db.models",
    "pinpoint.directory.models",
    "pinpoint.accounts.models",
    "pinpoint.audit.models",
    "pinpoint.care.models",
    "pinpoint.fhir.models",
    "pinpoint.outcomes.models",
)


class ImportRun(Base):
    """One run of a bulk import (NPPES file, credential roster): what it did and how it ended."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    source_name: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


def import_all_models() -> None:
    for module in MODEL_MODULES:
        importlib.import_module(module)
