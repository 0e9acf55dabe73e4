"""Merging a staged import into a filled directory, counting every change.

The writer stages the file's final rows (:data:`sql.STAGING`); here new NPIs are added,
changed ones updated (a license set is replaced only when it changed), status rows take
practitioners out of search or back in, and every change is counted against the state
before the import. All of it is set-based SQL on the caller's transaction.
"""

# ruff: noqa: S608 - SQL from constant names only (see sql.py)

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pinpoint.directory.nppes.columns import (
    COMPARED_COLUMNS,
    EXIT,
    LEFT_DEACTIVATED,
    LEFT_NOT_RELEVANT,
    LICENSE_COLUMNS,
    NOTICE,
    PRACTITIONER_COLUMNS,
)
from pinpoint.directory.nppes.sql import STAGING, Sql, cols, distinct, q

_S, _L, _N = STAGING.practitioners, STAGING.licenses, str(STAGING.statuses)
_NEW, _LICENSE_CHANGES = "pinpoint_stage_new", "pinpoint_stage_license_changes"


@dataclass
class Changes:
    """What the import did to the directory, counted against the state before it."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    reactivated: int = 0
    left_search: Counter[str] = field(default_factory=Counter)


class Merge(Sql):
    """Merges the staged rows into the directory."""

    def merge(self) -> Changes:
        """Upsert staged practitioners by NPI, replace changed license sets, apply statuses."""
        if self.postgres:
            for table in (_S, _L, _N):
                self.run(f"ANALYZE {table}")
        changes = self.count_changes()
        self.upsert_practitioners()
        self.replace_licenses()
        self.apply_statuses()
        return changes

    def count_changes(self) -> Changes:
        self.temp(
            _NEW,
            query=f"SELECT s.npi FROM {_S} s WHERE NOT EXISTS "
            "(SELECT 1 FROM practitioners p WHERE p.npi = s.npi)",
        )
        existing = (
            f"SELECT {cols(LICENSE_COLUMNS, 'l.')} FROM practitioner_licenses l "
            f"WHERE l.npi IN (SELECT npi FROM {_S})"
        )
        staged = f"SELECT {cols(LICENSE_COLUMNS)} FROM {_L}"
        self.temp(
            _LICENSE_CHANGES,
            query=f"SELECT npi FROM ({staged} EXCEPT {existing}) a "
            f"UNION SELECT npi FROM ({existing} EXCEPT {staged}) b",
        )
        changed = distinct("s", "p", COMPARED_COLUMNS)
        changes = Changes(added=self.count(f"SELECT count(*) FROM {_NEW}"))
        changes.updated = self.count(
            f"SELECT count(*) FROM (SELECT s.npi FROM {_S} s JOIN practitioners p "
            f"ON p.npi = s.npi WHERE {changed} UNION SELECT c.npi FROM {_LICENSE_CHANGES} c "
            f"WHERE c.npi NOT IN (SELECT npi FROM {_NEW})) u"
        )
        staged_count = self.count(f"SELECT count(*) FROM {_S}")
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
            rows = self.run(
                f"SELECT {reason}, count(*) FROM {joined} "
                f"WHERE p.active AND NOT s.active GROUP BY {reason}"
            ).all()
            changes.left_search.update({str(r): int(n) for r, n in rows})
            changes.reactivated += self.count(
                f"SELECT count(*) FROM {joined} WHERE s.active AND NOT p.active"
            )

    def upsert_practitioners(self) -> None:
        updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in PRACTITIONER_COLUMNS[1:])
        changed = distinct("practitioners", "excluded", PRACTITIONER_COLUMNS[1:])  # digest too
        self.run(
            f"INSERT INTO practitioners ({cols(PRACTITIONER_COLUMNS)}) "
            f"SELECT {cols(PRACTITIONER_COLUMNS)} FROM {_S} WHERE true "
            f"ON CONFLICT (npi) DO UPDATE SET {updates} WHERE {changed}"
        )

    def replace_licenses(self) -> None:
        changed = f"SELECT npi FROM {_LICENSE_CHANGES}"
        self.run(f"DELETE FROM practitioner_licenses WHERE npi IN ({changed})")
        self.run(
            f"INSERT INTO practitioner_licenses ({cols(LICENSE_COLUMNS)}) "
            f"SELECT {cols(LICENSE_COLUMNS)} FROM {_L} WHERE npi IN ({changed}) ORDER BY seq"
        )

    def apply_statuses(self) -> None:
        """Notices set ``active`` and the NPPES dates; exits only take the NPI out of search."""
        for kind, columns in (
            (NOTICE, ("active", "deactivated_on", "reactivated_on")),
            (EXIT, ("active",)),
        ):
            # a row changed by a status no longer matches its digest: the next import reads it
            sets = ", ".join(f"{q(c)} = n.{q(c)}" for c in columns) + ", row_digest = NULL"
            self.run(
                f"UPDATE practitioners SET {sets} FROM {_N} n WHERE practitioners.npi = n.npi "
                f"AND n.kind = '{kind}' AND ({distinct('practitioners', 'n', columns)})"
            )
