"""Small checks shared by the database tests."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url


def one_line_error(err: str) -> str:
    """A CLI error is one line on stderr, never a traceback."""
    assert err.count("\n") == 1, err
    assert err.startswith("error: "), err
    assert "Traceback" not in err
    return err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection that commits and, unlike ``sqlite3.connect``'s own context
    manager, closes: a connection left for the garbage collector keeps the file in use."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def with_options(url: str, extra: str) -> str:
    """The URL with ``extra`` added to the PostgreSQL ``options`` it already has."""
    parsed = make_url(url)
    options = str(parsed.query.get("options", ""))
    return parsed.update_query_dict({"options": f"{options} {extra}".strip()}).render_as_string(
        hide_password=False
    )
