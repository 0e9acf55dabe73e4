"""``pinpoint backup``: a consistent copy of the embedded database while the server runs.

SQLite's online backup API copies the database a slice of pages at a time. The copying
connection holds one read transaction from the first page to the last, so the copy is
the database as it was at that instant: in WAL mode writers carry on meanwhile, and the
copy never restarts because of them (without the held snapshot, every write by another
connection would start the copy over). The copy is written to a temporary file beside
the target, made self-contained (rollback journal, no ``-wal``), synced, renamed into
place, and its SHA-256 written beside it as ``FILE.sha256``.

PostgreSQL has its own tool; for it we check the server answers and give the exact
``pg_dump`` command.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from pinpoint.config import Settings
from pinpoint.db.checksum import checksum_line, checksum_path, sha256_of
from pinpoint.db.migrate import sqlite_file_revisions
from pinpoint.db.postgres import connect, describe, is_postgres, pg_dump_command
from pinpoint.db.schemas import BackupResult, ServerCommand
from pinpoint.db.storage import (
    check_sqlite_file,
    connect_existing,
    create_private_folder,
    private_temp,
    publish,
    remove_quietly,
    sidecars,
    sqlite_path,
)
from pinpoint.errors import Conflict, InvalidInput

Progress = Callable[[int, int], None]
"""``progress(pages_copied, pages_total)``."""

PAGES_PER_STEP = 1024


def _check_out(source: Path, out: Path, force: bool) -> None:
    if out.is_dir():
        raise InvalidInput(f"{out} is a folder; --out names the backup file", field="out")
    if out.resolve() == source.resolve():
        raise InvalidInput(f"{out} is the database itself; choose another file", field="out")
    if out.exists() and not force:
        raise Conflict(f"{out} exists; choose a new file or add --force to replace it")


def _version(conn: sqlite3.Connection, source: Path) -> str:
    """The schema version, read inside the copy's snapshot; refuses a non-Pinpoint file."""
    try:
        revisions = sqlite_file_revisions(conn)
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{source} is not a SQLite database ({exc})") from None
    if not revisions:
        raise InvalidInput(f"{source} is not a Pinpoint database: it has no schema version")
    return revisions[-1]


def _copy(
    source: Path, temp: Path, pages_per_step: int, progress: Progress | None
) -> tuple[str, int]:
    """Copy ``source`` into ``temp`` from one snapshot; its schema version and page count."""
    src = connect_existing(source)
    dst = sqlite3.connect(temp, isolation_level=None)
    try:
        src.execute("BEGIN")
        version = _version(src, source)  # this read opens the snapshot the copy is taken from

        def report(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        src.backup(dst, pages=pages_per_step, progress=report, sleep=0.05)
        src.execute("COMMIT")
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
    finally:
        dst.close()
        src.close()
    return version, pages


def backup_sqlite(
    source: Path,
    out: Path,
    *,
    force: bool = False,
    pages_per_step: int = PAGES_PER_STEP,
    progress: Progress | None = None,
) -> BackupResult:
    """Copy the database ``source`` to ``out`` (0600) and write ``out.sha256`` beside it."""
    started = time.perf_counter()
    check_sqlite_file(source)
    _check_out(source, out, force)
    create_private_folder(out.parent)
    temp = private_temp(out)
    try:
        version, pages = _copy(source, temp, pages_per_step, progress)
        digest = sha256_of(temp)
        publish(temp, out)
    finally:
        remove_quietly(temp, *sidecars(temp))
    sums = checksum_path(out)
    sums_temp = private_temp(sums)
    try:
        sums_temp.write_text(checksum_line(digest, out), encoding="utf-8")
        publish(sums_temp, sums)
    finally:
        remove_quietly(sums_temp)
    return BackupResult(
        source=str(source),
        path=str(out),
        checksum_file=str(sums),
        sha256=digest,
        bytes=out.stat().st_size,
        pages=pages,
        schema_version=version,
        seconds=round(time.perf_counter() - started, 3),
    )


def server_backup_command(url: str, out: Path) -> ServerCommand:
    """For PostgreSQL: check the server answers, and give the ``pg_dump`` command."""
    with connect(url):
        pass
    return ServerCommand(
        database=describe(url), reachable=True, command=pg_dump_command(url, str(out))
    )


def backup(
    settings: Settings,
    out: Path,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> BackupResult | ServerCommand:
    """Back the configured database up to ``out``; for PostgreSQL, the command to run."""
    url = settings.resolved_database_url()
    if is_postgres(url):
        return server_backup_command(url, out)
    path = sqlite_path(url)
    if path is None:
        raise InvalidInput("only a database in a file can be backed up (not :memory:)")
    return backup_sqlite(path, out, force=force, progress=progress)
