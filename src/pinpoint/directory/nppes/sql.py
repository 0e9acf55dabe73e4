"""SQL shared by the import's writer and merge: names, staging tables, bulk loading.

SQL here is assembled only from constant table and column names of this package; every
value travels as data (COPY, executemany or bound parameters), never as SQL text.
"""

# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Connection, bindparam, text

from pinpoint.directory.nppes.columns import (
    LICENSE_COLUMNS,
    LICENSE_STAGE_COLUMNS,
    PRACTITIONER_COLUMNS,
    PRACTITIONER_STAGE_COLUMNS,
    STATUS_STAGE_COLUMNS,
)

_VARCHAR = {
    "npi": 10, "last_name": 100, "first_name": 100, "middle_name": 100, "name_prefix": 20,
    "name_suffix": 20, "credential": 100, "profession": 30, "taxonomy": 10, "address_line": 200,
    "city": 100, "state": 2, "zip5": 5, "country": 2, "phone": 20, "number": 30,
    "left_reason": 30, "kind": 10,
}  # fmt: skip
_OTHER_TYPES = {
    "seq": "BIGINT", "row_digest": "BIGINT", "latitude": "DOUBLE PRECISION",
    "longitude": "DOUBLE PRECISION",
    "enumerated_on": "DATE", "updated_on": "DATE", "deactivated_on": "DATE",
    "reactivated_on": "DATE", "active": "BOOLEAN", "synthetic": "BOOLEAN", "primary": "BOOLEAN",
}  # fmt: skip


@dataclass(frozen=True)
class Tables:
    """Where an import's rows go: the directory itself, or staging tables to merge from."""

    practitioners: str
    licenses: str
    statuses: str | None  # staged status rows (None: the directory has nobody they change)
    staged: bool  # the tables carry ``seq`` and ``left_reason``


DIRECTORY = Tables("practitioners", "practitioner_licenses", None, staged=False)
STAGING = Tables(
    "pinpoint_stage_practitioners",
    "pinpoint_stage_licenses",
    "pinpoint_stage_statuses",
    staged=True,
)
_STAGE_COLUMNS = {
    STAGING.practitioners: PRACTITIONER_STAGE_COLUMNS,
    STAGING.licenses: LICENSE_STAGE_COLUMNS,
    str(STAGING.statuses): STATUS_STAGE_COLUMNS,
}


def directory_is_empty(conn: Connection) -> bool:
    """Whether the directory has no practitioner (an import into it is a first load)."""
    return conn.execute(text("SELECT 1 FROM practitioners LIMIT 1")).first() is None


def q(column: str) -> str:
    return f'"{column}"'


def cols(columns: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{q(c)}" for c in columns)


def distinct(left: str, right: str, columns: tuple[str, ...]) -> str:
    return " OR ".join(f"{left}.{q(c)} IS DISTINCT FROM {right}.{q(c)}" for c in columns)


@dataclass(frozen=True)
class Rows:
    """Rows ready for the driver: CSV text (PostgreSQL's COPY) or tuples (SQLite)."""

    columns: tuple[str, ...]
    data: str | list[tuple[Any, ...]]


class Sql:
    """Statements on one connection, in the caller's transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"

    def run(self, statement: str) -> Any:
        return self.conn.execute(text(statement))

    def count(self, statement: str) -> int:
        return int(self.run(statement).scalar_one())

    def load(self, table: str, frame: pl.DataFrame) -> None:
        """Append a frame's rows (columns named as the table's): COPY or executemany."""
        self.store(table, self.encode(frame))

    def encode(self, frame: pl.DataFrame) -> Rows:
        """A frame as the driver takes it: CSV text for COPY, or row tuples for SQLite.

        Touches no connection, so it may run on another thread, ahead of :meth:`store`
        (the Python objects of the next batch are made while SQLite stores this one).
        Column by column to Python, zipped into rows: a quarter less work than
        ``frame.rows()``.
        """
        columns = tuple(frame.columns)
        if not frame.height:
            return Rows(columns, [])
        if self.postgres:
            return Rows(columns, frame.write_csv(include_header=False))
        return Rows(columns, list(zip(*(c.to_list() for c in frame.iter_columns()), strict=True)))

    def store(self, table: str, rows: Rows) -> None:
        """Append encoded rows (:meth:`encode`) to ``table``."""
        if not rows.data:
            return
        raw: Any = self.conn.connection.driver_connection
        names = cols(rows.columns)
        if isinstance(rows.data, str):
            with (
                raw.cursor() as cur,
                cur.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy,
            ):
                copy.write(rows.data)
            return
        marks = ", ".join("?" * len(rows.columns))
        raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows.data)

    def delete_npis(self, table: str, npis: pl.Series) -> None:
        """Delete the rows of these NPIs (a rare path: rows repeated in one file)."""
        if len(npis):
            statement = text(f"DELETE FROM {table} WHERE npi = :npi")
            self.conn.execute(statement, [{"npi": n} for n in npis.to_list()])

    def present(self, table: str, npis: pl.Series) -> pl.Series:
        """Which of these NPIs have a row in ``table``."""
        found: list[str] = []
        statement = text(f"SELECT npi FROM {table} WHERE npi IN :npis").bindparams(
            bindparam("npis", expanding=True)
        )
        values = npis.to_list()
        for start in range(0, len(values), 1000):
            chunk = values[start : start + 1000]
            found += self.conn.execute(statement, {"npis": chunk}).scalars().all()
        return pl.Series("npi", found, dtype=pl.String)

    def restage(self, npis: list[str]) -> None:
        """Copy these NPIs' directory rows (and licenses) into the staging tables."""
        people = cols(PRACTITIONER_COLUMNS)
        licenses = cols(LICENSE_COLUMNS)
        for start in range(0, len(npis), 500):
            chunk = {"npis": npis[start : start + 500]}
            for statement in (
                f"INSERT INTO {STAGING.practitioners} (seq, {people}, left_reason) "
                f"SELECT -1, {people}, NULL FROM practitioners WHERE npi IN :npis",
                f"INSERT INTO {STAGING.licenses} (seq, {licenses}) "
                f"SELECT -1, {licenses} FROM practitioner_licenses WHERE npi IN :npis "
                "ORDER BY id",
            ):
                bound = text(statement).bindparams(bindparam("npis", expanding=True))
                self.conn.execute(bound, chunk)

    def temp(self, name: str, *, columns: str = "", query: str = "") -> None:
        """A temporary table (dropped at commit on PostgreSQL) of ``columns`` or ``query``."""
        schema = "pg_temp" if self.postgres else "temp"
        on_commit = " ON COMMIT DROP" if self.postgres else ""
        body = f"({columns}){on_commit}" if columns else f"{on_commit} AS {query}"
        self.run(f"DROP TABLE IF EXISTS {schema}.{name}")
        self.run(f"CREATE TEMPORARY TABLE {name}{body}")

    def create_staging(self) -> None:
        """Empty staging tables, each with its NPI indexed."""
        for name, columns in _STAGE_COLUMNS.items():
            defs = ", ".join(
                f"{q(c)} {_OTHER_TYPES.get(c) or f'VARCHAR({_VARCHAR[c]})'}" for c in columns
            )
            self.temp(name, columns=defs)
            self.run(f"CREATE INDEX {name}_npi ON {name} (npi)")
