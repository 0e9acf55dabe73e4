"""Small checks shared by the database tests."""

from __future__ import annotations

import stat
from pathlib import Path


def one_line_error(err: str) -> str:
    """A CLI error is one line on stderr, never a traceback."""
    assert err.count("\n") == 1, err
    assert err.startswith("error: "), err
    assert "Traceback" not in err
    return err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)
