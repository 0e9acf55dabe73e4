"""Writing an import to the directory batch by batch, while the scan reads on.

The scan hands over transformed rows in file order, batch by batch; each batch is
settled (:func:`transform.settle`) and written at once, so the database works while
polars parses the rest of the file, and memory holds one batch, not the file. Into an
empty directory (the first monthly load) rows go straight into the directory tables (on
SQLite with their secondary indexes dropped and rebuilt at the end, which is cheaper
than keeping them up to date row by row); into a filled one they are staged and merged
at the end (:mod:`merge`), so every change is counted against the state before the
import.

An NPI whose rows span batches (NPPES files carry one row per NPI, but the import does not
rely on it): its first batch writes it, and every later row of it is kept aside and
applied at the end as a correction, settled by the same rule: the latest practitioner row
replaces the written one, and a later status applies to whichever row is there.
"""

# ruff: noqa: S608 - SQL from constant names only (see sql.py)

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Connection, Date, Index, bindparam, text

from pinpoint.directory.models import License, Practitioner
from pinpoint.directory.nppes.columns import (
    EXIT,
    LEFT_NOT_RELEVANT,
    LICENSE_COLUMNS,
    LICENSE_STAGE_COLUMNS,
    NOTICE,
    PRACTITIONER_COLUMNS,
    PRACTITIONER_STAGE_COLUMNS,
    STATUS_STAGE_COLUMNS,
)
from pinpoint.directory.nppes.merge import Changes, Merge
from pinpoint.directory.nppes.seen import NpiSet
from pinpoint.directory.nppes.sql import DIRECTORY, STAGING, Sql
from pinpoint.directory.nppes.transform import Part, settle


def active_npis(conn: Connection) -> pl.Series:
    """The NPIs now in search (an import may take some of them out)."""
    npis = conn.execute(text("SELECT npi FROM practitioners WHERE active")).scalars().all()
    return pl.Series("npi", npis, dtype=pl.String)


def _as_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


class Writer(Sql):
    """Writes one import, batch by batch in file order, on the caller's transaction."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)
        self.first_load = not self.run("SELECT 1 FROM practitioners LIMIT 1").first()
        self.tables = DIRECTORY if self.first_load else STAGING
        self._seen = NpiSet()
        self._later: list[pl.DataFrame] = []
        self._dropped: list[Index] = []
        if self.first_load and not self.postgres:
            self._drop_secondary_indexes()
        if not self.first_load:
            self.create_staging()

    # --- during the scan --------------------------------------------------------------

    def add(self, rows: pl.DataFrame) -> None:
        """Transformed rows of the next batch (:func:`transform.transformed`)."""
        again = pl.Series(self._seen.contains(rows["npi_base"].to_numpy()))
        again &= rows["reason"].is_null()
        if again.any():
            self._later.append(rows.filter(again))
            rows = rows.filter(~again)
        part = settle(rows)
        self._write(part)

    def _write(self, part: Part) -> None:
        t = self.tables
        people = part.practitioners
        self.load(t.practitioners, people.select(self._columns(PRACTITIONER_STAGE_COLUMNS)))
        self.load(t.licenses, part.licenses.select(self._columns(LICENSE_STAGE_COLUMNS)))
        self._seen.add(people["npi_base"].to_numpy())
        statuses = part.statuses
        if statuses.height:
            follows = statuses["npi"].is_in(people["npi"].implode())
            self._apply(statuses.filter(follows))
            if t.statuses is not None:  # nobody in this file to apply them to: staged
                alone = statuses.filter(~follows)
                self.load(t.statuses, alone.select(STATUS_STAGE_COLUMNS))
                self._seen.add(alone["npi_base"].to_numpy())

    def _columns(self, staged: tuple[str, ...]) -> tuple[str, ...]:
        if self.tables.staged:
            return staged
        return PRACTITIONER_COLUMNS if "last_name" in staged else LICENSE_COLUMNS

    def _apply(self, statuses: pl.DataFrame) -> None:
        """Apply status rows to the practitioner rows already written for their NPIs.

        A notice sets ``active`` and the NPPES dates; an exit only takes the NPI out of
        search (and, staged, says why).
        """
        if not statuses.height:
            return
        why = f", left_reason = CASE WHEN :kind = '{EXIT}' THEN '{LEFT_NOT_RELEVANT}' END"
        statement = text(
            f"UPDATE {self.tables.practitioners} SET active = :active, "
            f"deactivated_on = CASE WHEN :kind = '{NOTICE}' THEN :deact ELSE deactivated_on END, "
            f"reactivated_on = CASE WHEN :kind = '{NOTICE}' THEN :react ELSE reactivated_on END"
            f"{why if self.tables.staged else ''} WHERE npi = :npi"
        ).bindparams(bindparam("deact", type_=Date), bindparam("react", type_=Date))
        self.conn.execute(
            statement,
            [
                {
                    "npi": r["npi"],
                    "kind": r["kind"],
                    "active": r["active"],
                    "deact": _as_date(r["deactivated_on"]),
                    "react": _as_date(r["reactivated_on"]),
                }
                for r in statuses.iter_rows(named=True)
            ],
        )

    def reset(self) -> None:
        """Forget everything written so far (the scan starts again, more carefully)."""
        t = self.tables
        for table in (t.licenses, t.practitioners, t.statuses):
            if table is not None:
                self.run(f"DELETE FROM {table}")
        self._seen = NpiSet()
        self._later = []

    # --- after the scan ---------------------------------------------------------------

    def finish(self) -> Changes:
        """Apply the corrections, then rebuild indexes (first load) or merge."""
        for index in self._dropped:
            index.create(self.conn)
        self._dropped = []
        if self._later:
            self._correct(settle(pl.concat(self._later)))
            self._later = []
        if self.first_load:
            return Changes(added=self.count("SELECT count(*) FROM practitioners"))
        return Merge(self.conn).merge()

    def _correct(self, part: Part) -> None:
        """Rows of NPIs an earlier batch wrote: the latest practitioner row replaces the
        written one; later statuses apply to the row there (or replace a staged status)."""
        t = self.tables
        npis = part.practitioners["npi"]
        for table in (t.licenses, t.practitioners, t.statuses):
            if table is not None:
                self.delete_npis(table, npis)
        people = part.practitioners.select(self._columns(PRACTITIONER_STAGE_COLUMNS))
        self.load(t.practitioners, people)
        self.load(t.licenses, part.licenses.select(self._columns(LICENSE_STAGE_COLUMNS)))
        statuses = part.statuses
        present = statuses["npi"].is_in(self.present(t.practitioners, statuses["npi"]).implode())
        self._apply(statuses.filter(present))
        if t.statuses is not None:
            alone = statuses.filter(~present)
            self.delete_npis(t.statuses, alone["npi"])
            self.load(t.statuses, alone.select(STATUS_STAGE_COLUMNS))

    def _drop_secondary_indexes(self) -> None:
        """Drop the directory tables' secondary indexes (rebuilt by :meth:`finish`)."""
        for model in (Practitioner, License):
            for index in model.__table__.indexes:  # type: ignore[attr-defined]
                index.drop(self.conn)
                self._dropped.append(index)
