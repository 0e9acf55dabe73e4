"""Where the embedded SQLite database lives, and keeping its files private and writable.

The data folder is created 0700 and the database 0600 whatever the umask; SQLite gives its
``-wal`` and ``-shm`` files the mode of the database, so they are 0600 too. A folder or file
that another local user could read is tightened (the caller is told, so it can warn).
Writability is tested by really opening for writing, not by looking at mode bits: as root
the bits say nothing, and a read-only mount or an immutable file refuses root as well.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from pinpoint.errors import InvalidInput, Unavailable

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SIDECARS = ("-wal", "-shm", "-journal")
SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for PostgreSQL and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def sidecars(path: Path) -> list[Path]:
    """The files SQLite keeps beside a database (write-ahead log, shared memory, journal)."""
    return [path.with_name(path.name + suffix) for suffix in SIDECARS]


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def create_private_folder(folder: Path) -> None:
    """Create ``folder`` (and missing parents) with the folder itself 0700."""
    if folder.is_dir():
        return
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=FOLDER_MODE)
        folder.chmod(FOLDER_MODE)  # mkdir's mode is filtered by the umask
    except FileExistsError:
        if not folder.is_dir():
            raise Unavailable(f"{folder} is not a folder") from None
    except OSError as exc:
        raise Unavailable(f"cannot create the folder {folder} ({_reason(exc)})") from exc


def create_private_file(path: Path) -> None:
    """Create an empty database file 0600 unless it exists, so SQLite never picks the mode."""
    if path.exists():
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    except OSError as exc:
        raise Unavailable(f"cannot create the database {path} ({_reason(exc)})") from exc
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def tighten(path: Path, private_mode: int) -> str | None:
    """Take group and world access away from ``path``; a sentence saying what happened."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    if not mode & 0o077:
        return None
    wanted = mode & private_mode
    try:
        path.chmod(wanted)
    except OSError as exc:
        return (
            f"{path} is open to other local users (mode {mode:04o}) and could not be "
            f"made private ({_reason(exc)})"
        )
    return f"{path} was open to other local users (mode {mode:04o}); now {wanted:04o}"


def check_folder_writable(folder: Path) -> None:
    """Create and remove a file in ``folder``: SQLite must write its log and journal there."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".pinpoint-write-check-", dir=folder)
    except OSError as exc:
        raise Unavailable(f"the database folder {folder} is not writable ({_reason(exc)})") from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        Path(probe).unlink()


def check_file_writable(path: Path) -> None:
    """Open ``path`` for writing without changing it."""
    try:
        with path.open("r+b"):
            pass
    except FileNotFoundError:
        return
    except OSError as exc:
        raise Unavailable(f"the database file {path} is not writable ({_reason(exc)})") from exc


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is neither empty nor a SQLite database."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise Unavailable(f"cannot read the database {path} ({_reason(exc)})") from exc
    if header and header != SQLITE_HEADER:
        raise Unavailable(f"{path} is not a SQLite database")


def prepare_sqlite(path: Path, data_dir: Path | None = None) -> list[str]:
    """Make the database usable: its folder exists (0700) and is writable, the file exists
    (0600), is writable and is a SQLite database; tighten what is open to other users.

    Returns one sentence per permission that was changed or could not be; raises
    ``Unavailable`` naming the path that cannot be written.
    """
    create_private_folder(path.parent)
    check_folder_writable(path.parent)
    create_private_file(path)
    notes = []
    if data_dir is not None and path.parent.resolve() == data_dir.resolve():
        notes.append(tighten(data_dir, FOLDER_MODE))  # a folder chosen elsewhere stays as set
    notes += [tighten(file, FILE_MODE) for file in [path, *sidecars(path)]]
    for file in [path, *sidecars(path)]:
        check_file_writable(file)
    check_sqlite_file(path)
    return [note for note in notes if note]


def connect_existing(path: Path, *, timeout: float = 30.0) -> sqlite3.Connection:
    """Open a database that must already exist (never creating it), in autocommit mode."""
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder, not a database")
    if not path.is_file():
        raise InvalidInput(f"no database at {path}")
    uri = path.resolve().as_uri() + "?mode=rw"
    return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)


def private_temp(beside: Path) -> Path:
    """A new empty 0600 file in ``beside``'s folder, named after it, for an atomic write."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{beside.name}.", suffix=".partial", dir=beside.parent)
    except OSError as exc:
        raise Unavailable(f"the folder {beside.parent} is not writable ({_reason(exc)})") from exc
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    return Path(name)


def remove_quietly(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def publish(temp: Path, final: Path) -> None:
    """Make ``temp`` durable, then give it the name ``final`` in one step."""
    with temp.open("rb+") as handle:
        os.fsync(handle.fileno())
    try:
        temp.replace(final)
    except OSError as exc:
        raise Unavailable(f"cannot write {final} ({_reason(exc)})") from exc
    fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
