"""Writing an import to the directory batch by batch, while the scan reads on.

The scan hands over transformed rows in file order, batch by batch; each batch is
settled (:func:`transform.settle`) and written at once, so the database works while
polars parses the rest of the file, and memory holds one batch, not the file. Into an
empty directory (the first monthly load) rows go straight into the directory tables: on
PostgreSQL by COPY, with the secondary indexes and the licenses' key dropped and built
again after the commit (:attr:`Writer.after_commit`), cheaper than keeping them up to
date row by row; on SQLite through a scratch file that grows its own indexes and is
copied in at the end (:mod:`scratch`). Into a filled directory they are staged and merged
at the end (:mod:`merge`), so every change is counted against the state before the
import.

An NPI whose rows span batches (NPPES files carry one row per NPI, but the import does not
rely on it): its first batch writes it, and every later row of it is kept aside and
applied at the end as a correction, settled by the same rule: the latest practitioner row
replaces the written one, and a later status applies to whichever row is there.
"""

# ruff: noqa: S608 - SQL from constant names only (see sql.py)

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Connection, Date, Engine, ForeignKeyConstraint, Index, bindparam, text
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, ExecutableDDLElement

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
from pinpoint.directory.nppes.digests import Digests, read_directory
from pinpoint.directory.nppes.merge import Changes, Merge
from pinpoint.directory.nppes.scratch import ScratchFile
from pinpoint.directory.nppes.seen import NpiSet
from pinpoint.directory.nppes.sql import DIRECTORY, STAGING, Rows, Sql, directory_is_empty
from pinpoint.directory.nppes.transform import PERSON, Part, settle, tally
from pinpoint.errors import Conflict


def _as_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


@dataclass(frozen=True)
class Prepared:
    """One batch, settled and ready to write."""

    part: Part
    people: Rows  # the practitioner rows, encoded for the driver
    licenses: Rows
    follows: pl.Series  # per status row: its NPI has a practitioner row in this batch
    later: pl.DataFrame | None  # rows of NPIs an earlier batch holds, applied at the end
    counts: Counter[str]  # :func:`transform.tally` of the batch
    passed: int = 0  # practitioners whose row is the one on record: not written


class Writer(Sql):
    """Writes one import, batch by batch in file order, on the caller's transaction.

    With a ``scratch`` file (a first load on SQLite, :mod:`scratch`), batches go to that
    file and nothing touches ``conn`` until :meth:`finish`, which the caller runs in the
    write transaction with the file attached.
    """

    def __init__(self, conn: Connection, scratch: ScratchFile | None = None) -> None:
        super().__init__(conn)
        self._scratch = scratch
        self._deferred: list[pl.DataFrame] = []  # statuses for rows in the scratch file
        self.first_load = scratch is not None or directory_is_empty(conn)
        self.tables = DIRECTORY if self.first_load else STAGING
        self._seen = NpiSet()
        self._later: list[pl.DataFrame] = []
        self._dropped: list[Index] = []
        self._dropped_keys: list[ForeignKeyConstraint] = []
        self._stored: Digests | None = None
        self.active: pl.Series | None = None  # the NPIs in search now (a filled directory)
        self._passed = NpiSet()  # practitioners passed over as unchanged
        self._passed_count = 0
        if self.postgres and not self.first_load:
            self._restore_secondary_indexes()
        if self.first_load and scratch is None:
            self._drop_secondary_indexes()
        if not self.first_load:
            self.create_staging()
            self.active, self._stored = read_directory(conn)

    # --- during the scan --------------------------------------------------------------

    def prepare(self, rows: pl.DataFrame) -> Prepared:
        """Settle the next batch of transformed rows (:func:`transform.transformed`).

        Pure work on the data, so it may run ahead of the writes, in order, on another
        thread: rows of an NPI an earlier batch holds are set aside as corrections, rows
        that are the ones on record passed over, the rest settled to one state per NPI.
        """
        counts = tally(rows)
        again = pl.Series(self._seen.contains(rows["npi_base"].to_numpy()))
        again &= rows["reason"].is_null()
        later = rows.filter(again) if again.any() else None
        rows, passed = self._pass_unchanged(rows.filter(~again) if later is not None else rows)
        part = settle(rows)
        people, statuses = part.practitioners, part.statuses
        follows = statuses["npi"].is_in(people["npi"].implode())
        self._seen.add(people["npi_base"].to_numpy())
        if self.tables.statuses is not None:  # staged, so written: later rows correct them
            self._seen.add(statuses.filter(~follows)["npi_base"].to_numpy())
        if self._scratch is not None:  # appended by :meth:`write`, from the frames
            nothing = Rows(PRACTITIONER_COLUMNS, []), Rows(LICENSE_COLUMNS, [])
            return Prepared(part, *nothing, follows, later, counts, passed)
        encoded = (
            self.encode(part.practitioners.select(self._columns(PRACTITIONER_STAGE_COLUMNS))),
            self.encode(part.licenses.select(self._columns(LICENSE_STAGE_COLUMNS))),
        )
        return Prepared(part, *encoded, follows, later, counts, passed)

    def _pass_unchanged(self, rows: pl.DataFrame) -> tuple[pl.DataFrame, int]:
        """Leave out the valid practitioner rows that are the ones on record, when their NPI
        has no other row in the batch: nothing of theirs is settled or staged. Their NPIs
        count as written, so a later row of the file corrects them
        (:meth:`_restore_passed`)."""
        if self._stored is None or not len(self._stored) or not rows.height:
            return rows, 0
        alone = (rows["kind"] == PERSON) & rows["reason"].is_null() & rows["npi"].is_unique()
        bases = rows["npi_base"].to_numpy()
        same = alone.to_numpy() & self._stored.matches(bases, rows["row_digest"].to_numpy())
        if not same.any():
            return rows, 0
        self._passed.add(bases[same])
        self._seen.add(bases[same])
        return rows.filter(pl.Series(~same)), int(same.sum())

    def write(self, prepared: Prepared) -> None:
        """Store a prepared batch (in the order the batches were prepared)."""
        self._passed_count += prepared.passed
        if prepared.later is not None:
            self._later.append(prepared.later)
        t, part = self.tables, prepared.part
        if self._scratch is not None:  # in C, without the GIL: the next batch is prepared
            self._scratch.append(t.practitioners, part.practitioners.select(PRACTITIONER_COLUMNS))
            self._scratch.append(t.licenses, part.licenses.select(LICENSE_COLUMNS))
        self.store(t.practitioners, prepared.people)
        self.store(t.licenses, prepared.licenses)
        statuses = part.statuses
        if statuses.height and self._scratch is not None:  # their rows are not written yet
            self._deferred.append(statuses.filter(prepared.follows))
        elif statuses.height:
            self._apply(statuses.filter(prepared.follows))
            if t.statuses is not None:  # nobody in this file to apply them to: staged
                alone = statuses.filter(~prepared.follows)
                self.load(t.statuses, alone.select(STATUS_STAGE_COLUMNS))

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
            f"UPDATE {self.tables.practitioners} SET active = :active, row_digest = NULL, "
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
        if self._scratch is not None:
            self._scratch.clear()
        else:
            for table in (t.licenses, t.practitioners, t.statuses):
                if table is not None:
                    self.run(f"DELETE FROM {table}")
        self._seen = NpiSet()
        self._later = []
        self._deferred = []

    # --- after the scan ---------------------------------------------------------------

    def finish(self) -> Changes:
        """Apply the corrections, then merge (a filled directory). A first load on
        PostgreSQL leaves its dropped indexes to :attr:`after_commit`, unless corrections
        (which look rows up by NPI) need them now."""
        if self._scratch is not None:
            self._copy_scratch()
        if self._later or not self.postgres:
            for index in self._dropped:
                index.create(self.conn)
            self._dropped = []
            for constraint in self._dropped_keys:
                self.conn.execute(AddConstraint(constraint))
            self._dropped_keys = []
        if self._later:
            corrections = settle(pl.concat(self._later))
            self._restore_passed(corrections)
            self._correct(corrections)
            self._later = []
        if self.first_load:
            return Changes(added=self.count("SELECT count(*) FROM practitioners"))
        changes = Merge(self.conn).merge()
        changes.unchanged += self._passed_count
        return changes

    def _copy_scratch(self) -> None:
        """Copy the scratch file into the directory (still empty: re-checked here, in the
        write transaction; its indexes kept, the copy fills them), then apply the statuses
        that wait for its rows."""
        assert self._scratch is not None
        if not directory_is_empty(self.conn):
            raise Conflict(
                "another import filled the directory while this one read the file; "
                "nothing was changed: run the import again"
            )
        self._scratch.copy_into(self.conn, DIRECTORY.practitioners)
        self._scratch.copy_into(self.conn, DIRECTORY.licenses)
        for statuses in self._deferred:
            self._apply(statuses)
        self._deferred = []

    def _restore_passed(self, corrections: Part) -> None:
        """Stage again, from the directory, the passed-over practitioners a later row of
        the file corrects, so the correction applies as if they had been staged."""
        npis = pl.concat([corrections.practitioners, corrections.statuses], how="diagonal")
        bases = npis["npi_base"].to_numpy()
        hit = self._passed.contains(bases)
        if not hit.any():
            return
        restored = npis.filter(pl.Series(hit))["npi"].unique().to_list()
        self._passed_count -= len(restored)
        self.restage(restored)

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
        """Drop the directory tables' secondary indexes (and on PostgreSQL the licenses'
        foreign key, checked row by row there), all rebuilt at once by :meth:`finish` or,
        on PostgreSQL, just after the commit (:attr:`after_commit`): cheaper than keeping
        them up to date row by row. One an earlier first load did not get to rebuild is
        simply not there to drop."""
        for index in _secondary_indexes():
            index.drop(self.conn, checkfirst=True)
            self._dropped.append(index)
        if self.postgres:
            for constraint in _foreign_keys():
                if _has_constraint(self.conn, constraint):
                    self.conn.execute(DropConstraint(constraint))
                self._dropped_keys.append(constraint)

    def _restore_secondary_indexes(self) -> None:
        """Build any directory index or key a first load stopped after its commit did
        not get to (:attr:`after_commit`); nothing when all are there."""
        for index in _secondary_indexes():
            index.create(self.conn, checkfirst=True)
        for constraint in _foreign_keys():
            if not _has_constraint(self.conn, constraint):
                self.conn.execute(AddConstraint(constraint))

    @property
    def after_commit(self) -> list[ExecutableDDLElement]:
        """What a first load on PostgreSQL builds after its commit: the secondary indexes
        and the licenses' foreign key (:func:`build_after_commit`). Derived structure only:
        the rows are committed with their primary keys, and an import that finds any of it
        missing builds it first."""
        return [*(CreateIndex(i) for i in self._dropped), *map(AddConstraint, self._dropped_keys)]


def _secondary_indexes() -> list[Index]:
    return [i for model in (Practitioner, License) for i in model.__table__.indexes]  # type: ignore[attr-defined]


def _foreign_keys() -> list[ForeignKeyConstraint]:
    return list(License.__table__.foreign_key_constraints)  # type: ignore[attr-defined]


def _has_constraint(conn: Connection, constraint: ForeignKeyConstraint) -> bool:
    found = conn.execute(
        text(
            "SELECT 1 FROM pg_constraint WHERE conname = :name AND conrelid = to_regclass(:table)"
        ),
        {"name": str(constraint.name), "table": constraint.table.name},
    ).first()
    return found is not None


def build_after_commit(engine: Engine, statements: list[ExecutableDDLElement]) -> None:
    """Run a first load's :attr:`Writer.after_commit` statements in one transaction."""
    if statements:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(statement)
