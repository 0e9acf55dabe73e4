"""Writing an import's final rows to the directory, in the caller's transaction.

Into an empty directory (the first monthly load) the rows are inserted as they are. Into a
filled one they are staged in temporary tables and merged: new NPIs are added, changed ones
updated (a license set is replaced only when it changed), status rows take practitioners
out of search or back in, and every change is counted against the state before the import.
Rows travel to the database in bulk: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.
"""

# SQL here is assembled only from this module's constant table and column names; every
# value travels as data (COPY, executemany or INSERT ... SELECT), never as SQL text.
# ruff: noqa: S608

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import Connection, text

from pinpoint.directory.nppes.columns import (
    EXIT,
    LEFT_DEACTIVATED,
    LEFT_NOT_RELEVANT,
    LICENSE_COLUMNS,
    LICENSE_STAGE_COLUMNS,
    NOTICE,
    PRACTITIONER_COLUMNS,
    PRACTITIONER_STAGE_COLUMNS,
    STATUS_STAGE_COLUMNS,
)
from pinpoint.directory.nppes.transform import Part

_VARCHAR = {
    "npi": 10, "last_name": 100, "first_name": 100, "middle_name": 100, "name_prefix": 20,
    "name_suffix": 20, "credential": 100, "profession": 30, "taxonomy": 10, "address_line": 200,
    "city": 100, "state": 2, "zip5": 5, "country": 2, "phone": 20, "number": 30,
    "left_reason": 30, "kind": 10,
}  # fmt: skip
_OTHER_TYPES = {
    "seq": "BIGINT", "latitude": "DOUBLE PRECISION", "longitude": "DOUBLE PRECISION",
    "enumerated_on": "DATE", "updated_on": "DATE", "deactivated_on": "DATE",
    "reactivated_on": "DATE", "active": "BOOLEAN", "synthetic": "BOOLEAN", "primary": "BOOLEAN",
}  # fmt: skip
_S, _L, _N = "pinpoint_stage_practitioners", "pinpoint_stage_licenses", "pinpoint_stage_statuses"
_STAGES = {_S: PRACTITIONER_STAGE_COLUMNS, _L: LICENSE_STAGE_COLUMNS, _N: STATUS_STAGE_COLUMNS}
_NEW, _LICENSE_CHANGES = "pinpoint_stage_new", "pinpoint_stage_license_changes"


@dataclass
class Changes:
    """What the write did to the directory, counted against the state before it."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    reactivated: int = 0
    left_search: Counter[str] = field(default_factory=Counter)


def _q(column: str) -> str:
    return f'"{column}"'


def _cols(columns: tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{_q(c)}" for c in columns)


def _distinct(left: str, right: str, columns: tuple[str, ...]) -> str:
    return " OR ".join(f"{left}.{_q(c)} IS DISTINCT FROM {right}.{_q(c)}" for c in columns)


def active_npis(conn: Connection) -> pl.Series:
    """The NPIs now in search (an import may take some of them out)."""
    npis = conn.execute(text("SELECT npi FROM practitioners WHERE active")).scalars().all()
    return pl.Series("npi", npis, dtype=pl.String)


class Writer:
    """Writes one settled import (:func:`transform.settle`) on one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"

    def _sql(self, statement: str) -> Any:
        return self.conn.execute(text(statement))

    def _count(self, statement: str) -> int:
        return int(self._sql(statement).scalar_one())

    def write(self, part: Part) -> Changes:
        if not self._sql("SELECT 1 FROM practitioners LIMIT 1").first():
            return self.insert_into_empty(part)
        return self.merge(part)

    # --- bulk loading --------------------------------------------------------------------

    def _load(self, table: str, frame: pl.DataFrame) -> None:
        if not frame.height:
            return
        raw: Any = self.conn.connection.driver_connection
        columns = _cols(tuple(frame.columns))
        if self.postgres:
            with (
                raw.cursor() as cur,
                cur.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy,
            ):
                copy.write(frame.write_csv(include_header=False))
            return
        marks = ", ".join("?" * frame.width)
        raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", frame.iter_rows())

    def insert_into_empty(self, part: Part) -> Changes:
        """The first load: every practitioner is new, no status row has anyone to change."""
        self._load("practitioners", part.practitioners.select(PRACTITIONER_COLUMNS))
        self._load("practitioner_licenses", part.licenses.select(LICENSE_COLUMNS))
        return Changes(added=part.practitioners.height)

    # --- staging and merging -------------------------------------------------------------

    def _temp(self, name: str, *, columns: str = "", query: str = "") -> None:
        """A temporary table (dropped at commit on PostgreSQL) of ``columns`` or ``query``."""
        schema = "pg_temp" if self.postgres else "temp"
        on_commit = " ON COMMIT DROP" if self.postgres else ""
        body = f"({columns}){on_commit}" if columns else f"{on_commit} AS {query}"
        self._sql(f"DROP TABLE IF EXISTS {schema}.{name}")
        self._sql(f"CREATE TEMPORARY TABLE {name}{body}")

    def _stage(self, part: Part) -> None:
        frames = (part.practitioners, part.licenses, part.statuses)
        for (name, columns), frame in zip(_STAGES.items(), frames, strict=True):
            defs = ", ".join(
                f"{_q(c)} {_OTHER_TYPES.get(c) or f'VARCHAR({_VARCHAR[c]})'}" for c in columns
            )
            self._temp(name, columns=defs)
            self._load(name, frame.select(columns))
            self._sql(f"CREATE INDEX {name}_npi ON {name} (npi)")
            if self.postgres:
                self._sql(f"ANALYZE {name}")

    def merge(self, part: Part) -> Changes:
        """Upsert staged practitioners by NPI, replace changed license sets, apply statuses."""
        self._stage(part)
        changes = self.count_changes()
        self.upsert_practitioners()
        self.replace_licenses()
        self.apply_statuses()
        return changes

    def count_changes(self) -> Changes:
        self._temp(
            _NEW,
            query=f"SELECT s.npi FROM {_S} s WHERE NOT EXISTS "
            "(SELECT 1 FROM practitioners p WHERE p.npi = s.npi)",
        )
        existing = (
            f"SELECT {_cols(LICENSE_COLUMNS, 'l.')} FROM practitioner_licenses l "
            f"WHERE l.npi IN (SELECT npi FROM {_S})"
        )
        staged = f"SELECT {_cols(LICENSE_COLUMNS)} FROM {_L}"
        self._temp(
            _LICENSE_CHANGES,
            query=f"SELECT npi FROM ({staged} EXCEPT {existing}) a "
            f"UNION SELECT npi FROM ({existing} EXCEPT {staged}) b",
        )
        changed = _distinct("s", "p", PRACTITIONER_COLUMNS[1:])
        changes = Changes(added=self._count(f"SELECT count(*) FROM {_NEW}"))
        changes.updated = self._count(
            f"SELECT count(*) FROM (SELECT s.npi FROM {_S} s JOIN practitioners p "
            f"ON p.npi = s.npi WHERE {changed} UNION SELECT c.npi FROM {_LICENSE_CHANGES} c "
            f"WHERE c.npi NOT IN (SELECT npi FROM {_NEW})) u"
        )
        staged_count = self._count(f"SELECT count(*) FROM {_S}")
        changes.unchanged = staged_count - changes.added - changes.updated
        self._count_status_changes(changes)
        return changes

    def _count_status_changes(self, changes: Changes) -> None:
        """In search before and not after (by reason), and the other way round."""
        left_reason = f"coalesce(s.left_reason, '{LEFT_DEACTIVATED}')"
        status_reason = (
            f"CASE WHEN s.kind = '{EXIT}' THEN '{LEFT_NOT_RELEVANT}' ELSE '{LEFT_DEACTIVATED}' END"
        )
        for table, reason in ((_S, left_reason), (_N, status_reason)):
            joined = f"{table} s JOIN practitioners p ON p.npi = s.npi"
            rows = self._sql(
                f"SELECT {reason}, count(*) FROM {joined} "
                f"WHERE p.active AND NOT s.active GROUP BY {reason}"
            ).all()
            changes.left_search.update({str(r): int(n) for r, n in rows})
            changes.reactivated += self._count(
                f"SELECT count(*) FROM {joined} WHERE s.active AND NOT p.active"
            )

    def upsert_practitioners(self) -> None:
        updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in PRACTITIONER_COLUMNS[1:])
        changed = _distinct("practitioners", "excluded", PRACTITIONER_COLUMNS[1:])
        self._sql(
            f"INSERT INTO practitioners ({_cols(PRACTITIONER_COLUMNS)}) "
            f"SELECT {_cols(PRACTITIONER_COLUMNS)} FROM {_S} WHERE true "
            f"ON CONFLICT (npi) DO UPDATE SET {updates} WHERE {changed}"
        )

    def replace_licenses(self) -> None:
        changed = f"SELECT npi FROM {_LICENSE_CHANGES}"
        self._sql(f"DELETE FROM practitioner_licenses WHERE npi IN ({changed})")
        self._sql(
            f"INSERT INTO practitioner_licenses ({_cols(LICENSE_COLUMNS)}) "
            f"SELECT {_cols(LICENSE_COLUMNS)} FROM {_L} WHERE npi IN ({changed}) ORDER BY seq"
        )

    def apply_statuses(self) -> None:
        """Notices set ``active`` and the NPPES dates; exits only take the NPI out of search."""
        for kind, columns in (
            (NOTICE, ("active", "deactivated_on", "reactivated_on")),
            (EXIT, ("active",)),
        ):
            sets = ", ".join(f"{_q(c)} = n.{_q(c)}" for c in columns)
            self._sql(
                f"UPDATE practitioners SET {sets} FROM {_N} n WHERE practitioners.npi = n.npi "
                f"AND n.kind = '{kind}' AND ({_distinct('practitioners', 'n', columns)})"
            )
