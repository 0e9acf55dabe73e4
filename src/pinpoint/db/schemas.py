"""What ``pinpoint backup``, ``restore`` and ``db check`` report (``--json`` prints these)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Report(BaseModel):
    model_config = ConfigDict(frozen=True)


class BackupResult(_Report):
    backend: Literal["sqlite"] = "sqlite"
    source: str = Field(description="The database that was copied.")
    path: str = Field(description="The backup file.")
    checksum_file: str = Field(description="FILE.sha256, in `sha256sum` format.")
    sha256: str
    bytes: int
    pages: int
    schema_version: str | None = Field(description="Alembic revision of the copy.")
    seconds: float


class RestoreResult(_Report):
    backend: Literal["sqlite"] = "sqlite"
    source: str = Field(description="The file that was restored.")
    path: str = Field(description="The database it now is.")
    sha256: str
    checksum_verified: bool = Field(description="True when FILE.sha256 was present and matched.")
    bytes: int
    schema_version: str
    current_schema_version: str = Field(description="The version the next start upgrades to.")
    replaced: bool = Field(description="An existing database was replaced (--force).")
    previous_kept_as: str | None = Field(description="Where the replaced database was kept.")


class ServerCommand(_Report):
    """For PostgreSQL: the server's own tool does the job; this is the command to run."""

    backend: Literal["postgresql"] = "postgresql"
    database: str = Field(description="Host, port, database and user; never the password.")
    reachable: bool
    command: str


class Check(_Report):
    name: str
    ok: bool
    detail: str


class CheckReport(_Report):
    backend: Literal["sqlite", "postgresql"]
    database: str
    ok: bool
    checks: list[Check]
