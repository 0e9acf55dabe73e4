"""A first load into an empty SQLite directory, through a scratch file.

Python's ``sqlite3`` turns every value of every row into a Python object and binds it one
at a time: for a first load (about 200,000 practitioners and 240,000 licenses for each
million rows read) that was half of the import's time. Here each batch is appended to a
scratch database file straight from its Arrow columns, in C and without holding the GIL
(the ADBC SQLite driver), while polars reads on; the import's one write transaction then
copies the scratch tables into the directory's with ``INSERT ... SELECT *``. The scratch
tables and the practitioners' indexes are made with the directory's own statements, so
the indexes grow batch by batch while polars reads, and SQLite copies the practitioners'
records and indexes as they are, page by page, instead of row by row (its "transfer
optimization"; the licenses, which carry a foreign key, are checked row by row).

The directory is not touched until that transaction, which re-checks that it is still
empty (:class:`Conflict` if another import filled it meanwhile): a failed or killed import
leaves it as it was, and other writers are not held up while the file is read.

The scratch file is private to the import. The driver carries its own copy of SQLite, and
two copies of SQLite must never hold the same file open at once (each would release the
other's locks), so the driver's connection is closed before the directory's connection
attaches the file, and the file is deleted afterwards.
"""

# ruff: noqa: S608 - SQL from constant names only

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import adbc_driver_sqlite
import polars as pl
from adbc_driver_manager import _lib as adbc
from sqlalchemy import Connection

SCHEMA = "pinpoint_scratch"  # the scratch file's name once attached
_TARGET = "adbc.ingest.target_table"
_MODE = "adbc.ingest.mode"


class ScratchFile:
    """Batches appended to scratch tables, to be copied into the directory at the end.

    ``schema``: the ``CREATE TABLE`` and ``CREATE INDEX`` statements of the directory
    tables, as ``sqlite_master`` holds them (tables first). ``beside``: the folder of the
    database file, where the rows are going anyway (a private folder is made in it; the
    system's temporary folder for a database in memory).
    """

    def __init__(self, schema: list[str], beside: Path | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="pinpoint-import-", dir=beside))
        self.path = self.folder / "batches.sqlite"
        self._schema = schema
        self._open()

    def _open(self) -> None:
        self._database = adbc_driver_sqlite.connect(str(self.path))
        self._connection = adbc.AdbcConnection(self._database)
        self._statement = adbc.AdbcStatement(self._connection)
        # Scratch data: no journal, no waiting for the disk (a crash loses only this file).
        pragmas = [f"PRAGMA {p}" for p in ("journal_mode=OFF", "synchronous=OFF")]
        for statement in (*pragmas, *self._schema):
            self._statement.set_sql_query(statement)
            self._statement.execute_update()
        self._open_now = True

    def append(self, table: str, frame: pl.DataFrame) -> None:
        """Append a frame's rows (columns named as the table's) to the scratch ``table``."""
        if not frame.height:
            return
        self._statement.set_options(**{_TARGET: table, _MODE: "adbc.ingest.mode.append"})
        self._statement.bind_stream(frame)
        self._statement.execute_update()

    def close(self) -> None:
        """Close the driver's connection (before the directory's connection reads the file)."""
        if self._open_now:
            self._statement.close()
            self._connection.close()
            self._database.close()
            self._open_now = False

    def clear(self) -> None:
        """Forget every row appended so far (the scan starts again)."""
        self.close()
        self.path.unlink(missing_ok=True)
        self._open()

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @contextmanager
    def attached(self, conn: Connection) -> Iterator[None]:
        """The file attached to ``conn`` as :data:`SCHEMA`, outside any transaction (SQLite
        attaches and detaches only there): enter before the write transaction, and the
        file is detached once that transaction has ended."""
        self.close()
        conn.exec_driver_sql(f"ATTACH DATABASE ? AS {SCHEMA}", (str(self.path),))
        conn.exec_driver_sql(f"PRAGMA {SCHEMA}.mmap_size = {1 << 40}")
        conn.exec_driver_sql("PRAGMA main.cache_size = -262144")
        conn.commit()
        try:
            yield
        finally:
            try:
                conn.exec_driver_sql(f"DETACH DATABASE {SCHEMA}")
                conn.commit()
            except Exception:  # a connection that cannot detach is not reused
                conn.invalidate()
                raise

    def copy_into(self, conn: Connection, table: str) -> None:
        """Copy the scratch ``table`` into the (empty) directory table of that name, in the
        order the rows were appended: the statement SQLite copies page by page."""
        conn.exec_driver_sql(f"INSERT INTO main.{table} SELECT * FROM {SCHEMA}.{table}")
