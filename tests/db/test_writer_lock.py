"""SQLite writers queue on a file lock and hand over at once; a stuck queue answers 503."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from pinpoint.db.writer_lock import writer_lock
from pinpoint.errors import Unavailable


def test_the_next_writer_starts_as_soon_as_the_last_one_ends(tmp_path: Path) -> None:
    database = str(tmp_path / "x.db")
    started: list[float] = []

    def second() -> None:
        with writer_lock(database, 5000):
            started.append(time.monotonic())

    with writer_lock(database, 5000):
        waiter = threading.Thread(target=second)
        waiter.start()
        time.sleep(0.2)
        assert started == []  # it waits while the first holds the lock
        released_at = time.monotonic()
    waiter.join()
    assert started[0] - released_at < 0.05


def test_a_writer_that_cannot_get_the_lock_in_time_is_told_to_retry(tmp_path: Path) -> None:
    database = str(tmp_path / "x.db")
    with writer_lock(database, 5000):
        failures: list[BaseException] = []

        def late() -> None:
            try:
                with writer_lock(database, 100):
                    pass
            except Unavailable as exc:
                failures.append(exc)

        thread = threading.Thread(target=late)
        thread.start()
        thread.join()
    assert len(failures) == 1
    assert (tmp_path / "x.db.writer").stat().st_mode & 0o077 == 0


def test_the_lock_is_free_again_after_an_error_inside(tmp_path: Path) -> None:
    database = str(tmp_path / "x.db")
    with pytest.raises(RuntimeError), writer_lock(database, 1000):
        raise RuntimeError("rolled back")
    with writer_lock(database, 100):
        pass
