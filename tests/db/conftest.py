"""Fixtures for operator mistakes: files that really cannot be written, a CLI environment.

Tests run as root in CI, and root ignores permission bits: ``chmod 0444`` does not stop
it writing. So for root a path is made immutable (``chattr +i``), which the kernel
refuses to root as well, with the same EPERM an operator meets on a file they may not
write; for other users ``chmod`` is what they meet. Either way the fixture first proves
that a write really fails, and skips with the reason when it cannot arrange that (say a
filesystem without the attribute). SQLite's own ``mode=ro``/``immutable`` flags would test
SQLite's options, not what Pinpoint must detect in the operator's filesystem.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

MakeReadOnly = Callable[[Path], None]


def _write_fails(path: Path) -> bool:
    try:
        if path.is_dir():
            probe = path / ".write-probe"
            probe.touch()
            probe.unlink()
        else:
            with path.open("r+b"):
                pass
    except OSError:
        return True
    return False


@pytest.fixture
def read_only() -> Iterator[MakeReadOnly]:
    """``read_only(path)`` makes a file or folder unwritable for the rest of the test."""
    undo: list[Callable[[], None]] = []

    def make(path: Path) -> None:
        if os.geteuid() == 0:
            chattr = shutil.which("chattr")
            if chattr is None:
                pytest.skip("running as root and chattr is not installed")
            done = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(f"cannot make {path.name} immutable: {done.stderr.strip()}")

            def unfreeze() -> None:
                subprocess.run([chattr, "-i", str(path)], check=False)

            undo.append(unfreeze)
        else:
            mode = stat.S_IMODE(path.stat().st_mode)
            path.chmod(mode & ~0o222)
            undo.append(lambda: path.chmod(mode))
        if not _write_fails(path):
            pytest.skip(f"could not make {path} read-only here")

    yield make
    for step in reversed(undo):
        with contextlib.suppress(OSError):
            step()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The embedded default: PINPOINT_DATA_DIR set, no database URL (nothing created yet)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("PINPOINT_DATA_DIR", str(folder))
    monkeypatch.delenv("PINPOINT_DATABASE_URL", raising=False)
    return folder
