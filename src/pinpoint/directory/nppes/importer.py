"""Import of the NPPES NPI Downloadable File into the practitioner directory.

The pipeline, one module per step:

1. :mod:`.read`: open the ``.csv`` (or extract the ``npidata_pfile`` from the ``.zip``)
   and stream it once through polars, keeping relevant individuals, deactivation notices
   and the rows of practitioners in search whose taxonomy is no longer relevant;
2. :mod:`.transform`: validate and transform the kept rows (lazily, inside that pass),
   and settle each batch to one final state per NPI;
3. :mod:`.write`: write each batch as it comes, into an empty directory or into staging
   tables that :mod:`.merge` merges into a filled one at the end.

Everything from the first read of the directory to the record of the run happens in one
write transaction, serialised with every other writer (:func:`db.engine.write_transaction`):
a failed or killed import leaves the previous directory exactly as it was. A first load on
SQLite reads the file into a scratch file first (:mod:`.scratch`) and takes the
transaction only to copy it in, re-checking there that the directory is still empty.
After a successful import the search index is told (:func:`search.cache.invalidate`): the
search side builds its structures again (on PostgreSQL the PostGIS view too, at the first
PostGIS search), as it does after any change to the directory.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from queue import Full, Queue
from typing import TypeVar

import polars as pl
from pydantic import BaseModel, Field
from sqlalchemy import Connection, Engine, insert

from pinpoint.db.engine import is_sqlite, write_transaction
from pinpoint.db.models import ImportRun
from pinpoint.directory.nppes.columns import EXIT, NOTICE
from pinpoint.directory.nppes.merge import Changes
from pinpoint.directory.nppes.progress import progress_bar
from pinpoint.directory.nppes.read import (
    Ahead,
    Scan,
    count_rows,
    csv_source,
    read_header,
    stream_blocks,
    stream_fast,
)
from pinpoint.directory.nppes.scratch import ScratchFile
from pinpoint.directory.nppes.sql import DIRECTORY, directory_is_empty
from pinpoint.directory.nppes.transform import PERSON
from pinpoint.directory.nppes.write import Writer, build_after_commit
from pinpoint.directory.search.cache import invalidate

T = TypeVar("T")


class ImportSummary(BaseModel):
    """What one NPPES import did.

    Every row read is counted once: ``kept`` + ``notices`` + ``no_longer_relevant`` +
    ``skipped`` + the ``rejected`` rows = ``rows_read``.
    """

    source: str
    rows_read: int = 0
    kept: int = Field(0, description="Valid rows of relevant individuals.")
    skipped: int = Field(0, description="Rows of other entities or taxonomies.")
    notices: int = Field(0, description="Blank deactivation notices read (NPI and dates only).")
    no_longer_relevant: int = Field(
        0,
        description="Rows of practitioners in search whose taxonomies are no longer relevant.",
    )
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = Field(
        0, description="Practitioners in search before the import and not after it."
    )
    deactivated_reasons: dict[str, int] = Field(
        default_factory=dict,
        description="``deactivated`` by reason: npi_deactivated, taxonomy_not_relevant.",
    )
    reactivated: int = Field(
        0, description="Practitioners out of search before the import and back in after it."
    )
    rejected: dict[str, int] = Field(default_factory=dict)
    no_geocode: int = Field(
        0, description="Kept without a US ZIP centroid: out of distance search."
    )
    seconds: float = 0.0


def import_nppes(
    engine: Engine,
    path: Path | str,
    progress: bool = True,
    *,
    synthetic: bool = False,
    ahead: Ahead | None = None,
) -> ImportSummary:
    """Import an NPPES monthly or weekly file (``.csv`` or ``.zip``) in one transaction.

    ``ahead``: the pass over the file, started before the engine was made
    (:func:`.ahead.start_first_load`); it is used if the directory is empty, else dropped.
    """
    path = Path(path)
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    summary = ImportSummary(source=path.name)
    with csv_source(path, progress) as csv_path:
        with csv_path.open("rb") as handle:
            read_header(handle, path.name)
        try:
            with (
                ThreadPoolExecutor(max_workers=1) as pool,
                engine.connect() as conn,
                ExitStack() as stack,
            ):
                scratch = _scratch_for(conn)
                if scratch is None:
                    stack.enter_context(write_transaction(conn))
                else:
                    stack.callback(scratch.remove)
                writer = Writer(conn, scratch)
                scan = _scan(csv_path, writer.active, synthetic, writer, summary, progress, ahead)
                ahead = None  # a pass this import did not take stops here
                # Rows are counted by the pass (its last row's number); only a file whose
                # last record cannot be told is counted again, beside the writer's end.
                known = scan.rows_read
                counting = pool.submit(count_rows, csv_path) if known is None else None
                if scratch is not None:
                    stack.enter_context(scratch.attached(conn))
                    stack.enter_context(write_transaction(conn))
                _count_changes(summary, writer.finish())
                _count_rows(summary, counting.result() if counting else known or 0)
                summary.seconds = round(time.perf_counter() - started, 3)
                _record(conn, summary, "succeeded", started_at)
        except BaseException:
            _record_failure(engine, summary, started_at)
            raise
    invalidate(engine)  # search builds its structures again from the new directory
    build_after_commit(engine, writer.after_commit)
    return summary


def _scratch_for(conn: Connection) -> ScratchFile | None:
    """A scratch file for a first load on SQLite (the directory empty now), else None.

    Read outside any transaction (SQLite opens none for a read here); the writer reads it
    again in the write transaction before copying anything in.
    """
    if not is_sqlite(conn.engine):
        return None
    if not directory_is_empty(conn):
        conn.rollback()
        return None
    # The directory tables and the practitioners' indexes, as the directory has them.
    schema = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
        "(type = 'table' AND name IN (?, ?)) OR (type = 'index' AND tbl_name = ?)) "
        "ORDER BY type DESC",
        (DIRECTORY.practitioners, DIRECTORY.licenses, DIRECTORY.practitioners),
    )
    statements = [str(sql) for sql in schema.scalars()]
    conn.rollback()
    database = str(conn.engine.url.database or "")
    on_disk = database not in ("", ":memory:") and not database.startswith("file:")
    return ScratchFile(statements, Path(database).parent if on_disk else None)


def _scan(
    csv_path: Path,
    active: pl.Series | None,
    synthetic: bool,
    writer: Writer,
    summary: ImportSummary,
    progress: bool,
    ahead: Ahead | None = None,
) -> Scan:
    """Stream the file into the writer; on a row polars cannot parse, start again block
    by block, rejecting the bad rows."""
    size = csv_path.stat().st_size
    try:
        with progress_bar("importing", size, progress) as advance:
            scan = Scan()
            rows = stream_fast(csv_path, active, synthetic, scan, advance, ahead)
            _feed(rows, writer, scan, summary)
    except pl.exceptions.PolarsError:
        writer.reset()
        with progress_bar("re-reading", size, progress) as advance:
            scan = Scan()
            rows = stream_blocks(csv_path, active, synthetic, scan, advance)
            _feed(rows, writer, scan, summary)
    return scan


def _feed(
    batches: Iterator[pl.DataFrame], writer: Writer, scan: Scan, summary: ImportSummary
) -> None:
    """Write every batch and count what the file held.

    Batches are prepared (settled, counted) on a second thread, a few ahead of the writes,
    so polars works on the next batches while the database stores this one. Kept persons,
    notices, exits and the rejected rows (by reason, including rows polars could not
    parse) are counted here; the skipped rest once the rows are (:func:`_count_rows`).
    """
    counts: Counter[str] = Counter()
    for prepared in in_background(writer.prepare(rows) for rows in batches):
        counts.update(prepared.counts)
        writer.write(prepared)
    counts.update({f"rejected:{reason}": n for reason, n in scan.malformed.items()})
    rejected = {
        k.removeprefix("rejected:"): n for k, n in counts.items() if k.startswith("rejected:")
    }
    summary.kept, summary.no_geocode = counts[PERSON], counts["no_geocode"]
    summary.notices, summary.no_longer_relevant = counts[NOTICE], counts[EXIT]
    summary.rejected = dict(sorted(rejected.items()))


_DONE = object()


def in_background(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """``items``, produced on a background thread up to ``depth`` ahead of the caller.

    An error raised while producing is raised here, in order; if the caller stops early,
    the producer stops too (and its iterator is closed on its own thread).
    """
    queue: Queue[tuple[object, BaseException | None]] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[object, BaseException | None]) -> bool:
        while not stop.is_set():
            with contextlib.suppress(Full):
                queue.put(entry, timeout=0.05)
                return True
        return False

    def produce() -> None:
        with contextlib.closing(iter(items)) as source:  # type: ignore[type-var]
            try:
                for item in source:
                    if not put((item, None)):
                        return
            except BaseException as error:  # handed to the caller, raised there
                put((_DONE, error))
                return
        put((_DONE, None))

    thread = threading.Thread(target=produce, name="pinpoint-import-prepare", daemon=True)
    thread.start()
    try:
        while True:
            item, error = queue.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


def _count_rows(summary: ImportSummary, rows_read: int) -> None:
    """Every row read is counted once: the rows not kept nor rejected were skipped."""
    summary.rows_read = rows_read
    kept = summary.kept + summary.notices + summary.no_longer_relevant
    summary.skipped = rows_read - kept - sum(summary.rejected.values())


def _count_changes(summary: ImportSummary, changes: Changes) -> None:
    summary.added, summary.updated = changes.added, changes.updated
    summary.unchanged, summary.reactivated = changes.unchanged, changes.reactivated
    summary.deactivated = changes.left_search.total()
    summary.deactivated_reasons = dict(sorted(changes.left_search.items()))


def _record(conn: Connection, summary: ImportSummary, status: str, started_at: datetime) -> None:
    conn.execute(
        insert(ImportRun).values(
            kind="nppes",
            source_name=summary.source,
            status=status,
            started_at=started_at,
            finished_at=datetime.now(UTC),
            summary=summary.model_dump(mode="json"),
        )
    )


def _record_failure(engine: Engine, summary: ImportSummary, started_at: datetime) -> None:
    """Note a failed run in its own transaction; never hide the error that caused it."""
    with contextlib.suppress(Exception), engine.begin() as conn:
        _record(conn, summary, "failed", started_at)
