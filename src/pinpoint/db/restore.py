"""``pinpoint restore``: put a backup in place of the embedded database, or refuse clearly.

The file is copied to a temporary file beside the database, and only that private copy
is checked against ``FILE.sha256`` (when that exists), opened and examined: a SQLite
database, intact, with a schema version this Pinpoint knows and the tables of that
version. An existing database is replaced only with ``force``, only while no one has it
open, and is kept beside it under a dated name. The copy takes the database's name in one
rename, so an interrupted restore leaves the old database as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pinpoint.config import Settings
from pinpoint.db import checksum
from pinpoint.db.migrate import (
    head_revision,
    revision_problem,
    sqlite_file_revisions,
    sqlite_file_tables,
    tables_at,
)
from pinpoint.db.postgres import connect, describe, is_postgres, pg_restore_command
from pinpoint.db.schemas import RestoreResult, ServerCommand
from pinpoint.db.storage import (
    SQLITE_HEADER,
    check_folder_writable,
    create_private_folder,
    private_temp,
    publish,
    remove_quietly,
    sidecars,
    sqlite_path,
)
from pinpoint.errors import Conflict, InvalidInput, Unavailable


def _require_file(file: Path) -> None:
    if file.is_dir():
        raise InvalidInput(f"{file} is a folder, not a backup file", field="file")
    if not file.is_file():
        raise InvalidInput(f"{file}: no such file", field="file")


def _require_sqlite_header(file: Path) -> None:
    with file.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise InvalidInput(f"{file} is not a SQLite database", field="file")


def _stored_version(conn: sqlite3.Connection, file: Path) -> str:
    revisions = sqlite_file_revisions(conn)
    problem = revision_problem(revisions)
    if problem:
        raise InvalidInput(f"{file} is refused: {problem}", field="file")
    assert revisions is not None
    missing = sorted(tables_at(revisions[0]) - sqlite_file_tables(conn))
    if missing:
        raise InvalidInput(
            f"{file} is not a Pinpoint database: schema version {revisions[0]} has tables it "
            f"lacks ({', '.join(missing[:5])})",
            field="file",
        )
    return revisions[0]


def _require_intact(conn: sqlite3.Connection, file: Path) -> None:
    first = conn.execute("PRAGMA integrity_check(1)").fetchone()[0]
    if first != "ok":
        raise InvalidInput(f"{file} fails SQLite's integrity check: {first}", field="file")
    orphan = conn.execute("PRAGMA foreign_key_check").fetchone()
    if orphan is not None:
        raise InvalidInput(
            f"{file} fails the foreign key check: a row of {orphan[0]} refers to a missing "
            f"{orphan[2]}",
            field="file",
        )


def examine(copy: Path, named: Path) -> str:
    """Check a private copy of a backup (``named`` in messages); its schema version.

    Leaves the copy as one self-contained file (rollback journal, no ``-wal``).
    """
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        version = _stored_version(conn, named)
        _require_intact(conn, named)
        conn.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(
            f"{named} is not a usable SQLite database ({exc})", field="file"
        ) from None
    finally:
        conn.close()
    return version


def _in_use(target: Path) -> Conflict:
    return Conflict(
        f"the database {target} is in use (is `pinpoint serve` running?); stop what uses it, "
        "then restore"
    )


# Every connection to a WAL database holds a read lock on this byte of the -shm file for
# as long as it is open, idle or not (https://www.sqlite.org/walformat.html, "DMS").
_SHM_DMS_OFFSET = 128


def _shm_in_use(target: Path) -> bool:
    """Whether any connection, in this process or another, has ``target`` open in WAL mode.

    An open-file-description lock conflicts with every other lock on the byte, even ones
    this process holds through SQLite; a plain POSIX lock would only see other processes.
    """
    shm = sidecars(target)[1]
    try:
        fd = os.open(shm, os.O_RDWR)
    except FileNotFoundError:
        return False
    command = getattr(fcntl, "F_OFD_SETLK", fcntl.F_SETLK)
    try:
        request = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, _SHM_DMS_OFFSET, 1, 0)
        try:
            fcntl.fcntl(fd, command, request)
        except OSError:
            return True
        return False
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextlib.contextmanager
def _held_alone(target: Path) -> Iterator[None]:
    """Hold ``target`` exclusively, or refuse when another connection has it open.

    Leaving WAL mode needs the database to itself: it folds the ``-wal`` into the file, and
    the exclusive lock taken after it keeps newcomers out until the rename.
    """
    if _shm_in_use(target):
        raise _in_use(target)
    conn = sqlite3.connect(target, timeout=0, isolation_level=None)
    try:
        try:
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if str(mode).lower() != "delete":
                raise _in_use(target)
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise _in_use(target) from None
            raise Unavailable(f"cannot open the database {target} to replace it ({exc})") from None
        except sqlite3.DatabaseError:
            pass  # not a database: nothing can be using it as one
        yield
    finally:
        conn.close()


def _keep_previous(target: Path) -> Path:
    """A second name for the database about to be replaced (a hard link: no copying)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.name}.replaced-{stamp}")
    try:
        os.link(target, kept)
    except OSError:
        shutil.copy2(target, kept)
    kept.chmod(0o600)
    return kept


def _copy(file: Path, temp: Path) -> None:
    with file.open("rb") as src, temp.open("wb") as dst:
        shutil.copyfileobj(src, dst, checksum.CHUNK)


def restore_sqlite(file: Path, target: Path, *, force: bool = False) -> RestoreResult:
    """Replace (or create) the database ``target`` with the backup ``file``."""
    _require_file(file)
    if file.resolve() == target.resolve():
        raise InvalidInput(f"{file} is the database itself", field="file")
    _require_sqlite_header(file)
    exists = target.exists() and target.stat().st_size > 0
    if exists and not force:
        raise Conflict(
            f"the database {target} exists; add --force to replace it (it is kept beside "
            "as a .replaced- file)"
        )
    create_private_folder(target.parent)
    check_folder_writable(target.parent)
    temp = private_temp(target)
    kept = None
    try:
        _copy(file, temp)
        digest, verified = checksum.verify(file, temp)
        version = examine(temp, file)
        with _held_alone(target) if exists else contextlib.nullcontext():
            kept = _keep_previous(target) if exists else None
            if not exists:
                remove_quietly(*sidecars(target))  # a stale log must not meet the new file
            publish(temp, target)
    finally:
        remove_quietly(temp, *sidecars(temp))
    return RestoreResult(
        source=str(file),
        path=str(target),
        sha256=digest,
        checksum_verified=verified,
        bytes=target.stat().st_size,
        schema_version=version,
        current_schema_version=head_revision(),
        replaced=exists,
        previous_kept_as=str(kept) if kept else None,
    )


def server_restore_command(url: str, file: Path) -> ServerCommand:
    """For PostgreSQL: check the server answers, and give the ``pg_restore`` command."""
    with connect(url):
        pass
    return ServerCommand(
        database=describe(url), reachable=True, command=pg_restore_command(url, str(file))
    )


def restore(
    settings: Settings, file: Path, *, force: bool = False
) -> RestoreResult | ServerCommand:
    """Restore ``file`` into the configured database; for PostgreSQL, the command to run."""
    url = settings.resolved_database_url()
    if is_postgres(url):
        return server_restore_command(url, file)
    target = sqlite_path(url)
    if target is None:
        raise InvalidInput("only a database in a file can be restored (not :memory:)")
    return restore_sqlite(file, target, force=force)
