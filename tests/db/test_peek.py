"""The quick look at a table before a command opens the database (``db.peek``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from pinpoint.db.peek import _sqlite_file, table_is_empty
from pinpoint.db.storage import sqlite_path


def test_an_empty_table_then_a_filled_one(database_url: str, engine: Engine) -> None:
    assert table_is_empty(database_url, "import_runs") is True
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO import_runs (kind, source_name, status, started_at, summary) "
                "VALUES ('nppes', 'x.csv', 'failed', CURRENT_TIMESTAMP, '{}')"
            )
        )
    assert table_is_empty(database_url, "import_runs") is False


def test_what_cannot_be_told_is_none(tmp_path: Path) -> None:
    assert table_is_empty(f"sqlite:///{tmp_path / 'absent.db'}", "practitioners") is None
    assert table_is_empty("sqlite:///:memory:", "practitioners") is None
    (tmp_path / "other.db").write_bytes(b"")  # a file without the table
    assert table_is_empty(f"sqlite:///{tmp_path / 'other.db'}", "practitioners") is None
    nobody = "postgresql+psycopg://postgres@127.0.0.1:9/test"  # no server on port 9
    assert table_is_empty(nobody, "practitioners") is None
    assert table_is_empty("mysql://localhost/x", "practitioners") is None


@given(st.text(alphabet=st.characters(exclude_characters="?#\x00/"), min_size=1, max_size=20))
def test_a_sqlite_file_is_read_as_sqlalchemy_reads_it(name: str) -> None:
    for url in (f"sqlite:////tmp/{name}.db", f"sqlite:///rel/{name}.db?timeout=1"):
        assert _sqlite_file(url) == sqlite_path(url)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file:x?mode=ro"])
def test_urls_without_a_plain_file_are_skipped(url: str) -> None:
    assert _sqlite_file(url) is None
