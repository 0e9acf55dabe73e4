"""One writer at a time on an SQLite database, handed over without sleeping.

SQLite lets one transaction write at a time; a writer that finds the lock taken sleeps in
SQLite's busy handler in growing steps (1, 2, 5, ... 100 ms) before it looks again, so
under a steady stream of writes the waits, not the work, make the slow tail. Writers of
every Pinpoint process on the machine therefore queue first on an advisory file lock
(``flock`` on ``<database>.writer``) and only then ``BEGIN IMMEDIATE``: the next one in
line starts within a millisecond of the last one's commit. Another program holding the
database's own lock (a backup, the ``sqlite3`` shell) is still waited for by SQLite's busy
timeout. A lock not obtained within ``wait_ms`` raises Unavailable (the web answers 503).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from pinpoint.errors import Unavailable

_FIRST_PAUSE_S = 0.0002
_LONGEST_PAUSE_S = 0.002


@contextmanager
def writer_lock(database: str, wait_ms: int) -> Iterator[None]:
    """Hold the machine-wide writer lock of the SQLite file ``database``."""
    fd = os.open(f"{database}.writer", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(fd, database, wait_ms)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, database: str, wait_ms: int) -> None:
    deadline = time.monotonic() + wait_ms / 1000
    pause = _FIRST_PAUSE_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise Unavailable(
                    "the database is busy with other writes; nothing was saved, try again"
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, _LONGEST_PAUSE_S)
