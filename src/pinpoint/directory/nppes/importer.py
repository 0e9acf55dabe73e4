"""Import of the NPPES NPI Downloadable File into the practitioner directory.

The pipeline, one module per step:

1. :mod:`.read`: open the ``.csv`` (or extract the ``npidata_pfile`` from the ``.zip``)
   and stream it once through polars, keeping relevant individuals, deactivation notices
   and the rows of practitioners in search whose taxonomy is no longer relevant;
2. :mod:`.transform`: validate and transform the kept rows in bounded slices, then
   settle one final state per NPI;
3. :mod:`.write`: insert into an empty directory, or stage and merge into a filled one.

Everything from the first read of the directory to the record of the run happens in one
transaction: a failed or killed import leaves the previous directory exactly as it was.
After a successful import the search index is told (:func:`search.cache.invalidate`).
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from pydantic import BaseModel, Field
from sqlalchemy import Connection, Engine, insert

from pinpoint.db.models import ImportRun
from pinpoint.directory.nppes.columns import EXIT, NEEDED_COLUMNS, NOTICE
from pinpoint.directory.nppes.progress import progress_bar
from pinpoint.directory.nppes.read import (
    Candidates,
    csv_source,
    read_header,
    scan_blocks,
    scan_fast,
)
from pinpoint.directory.nppes.transform import Part, settle, transform
from pinpoint.directory.nppes.write import Changes, Writer, active_npis
from pinpoint.directory.search.cache import invalidate

SLICE_ROWS = 200_000  # kept rows transformed at a time


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
    engine: Engine, path: Path | str, progress: bool = True, *, synthetic: bool = False
) -> ImportSummary:
    """Import an NPPES monthly or weekly file (``.csv`` or ``.zip``) in one transaction."""
    path = Path(path)
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    summary = ImportSummary(source=path.name)
    with csv_source(path, progress) as csv_path:
        with csv_path.open("rb") as handle:
            read_header(handle, path.name)
        try:
            with engine.connect() as conn, conn.begin():
                found = _scan(csv_path, active_npis(conn), progress)
                part = _transform(found, synthetic, summary)
                _count_changes(summary, Writer(conn).write(settle(part)))
                summary.seconds = round(time.perf_counter() - started, 3)
                _record(conn, summary, "succeeded", started_at)
        except BaseException:
            _record_failure(engine, summary, started_at)
            raise
    invalidate(engine)
    return summary


def _scan(csv_path: Path, active: pl.Series, progress: bool) -> Candidates:
    size = csv_path.stat().st_size
    try:
        with progress_bar("importing", size, progress) as advance:
            return scan_fast(csv_path, active, advance)
    except pl.exceptions.PolarsError:
        # A row polars cannot parse: read again block by block, rejecting the bad rows.
        with progress_bar("re-reading", size, progress) as advance:
            return scan_blocks(csv_path, active, advance)


def _transform(found: Candidates, synthetic: bool, summary: ImportSummary) -> Part:
    """Transform the kept rows in slices of at most about ``SLICE_ROWS`` rows."""
    summary.rows_read = found.rows_read
    summary.skipped = found.rows_read - found.kept - found.malformed.total()
    parts: list[Part] = []
    pending: list[pl.DataFrame] = []
    while found.frames:
        pending.append(found.frames.pop(0))
        if not found.frames or sum(f.height for f in pending) >= SLICE_ROWS:
            parts.append(transform(pl.concat(pending), synthetic))
            pending = []
    part = Part.concat(parts) if parts else transform(_empty_candidates(), synthetic)
    part.rejected.update(found.malformed)
    summary.rejected = dict(sorted(part.rejected.items()))
    summary.kept = part.practitioners.height
    summary.no_geocode = part.practitioners["latitude"].null_count()
    kinds = Counter(part.statuses["kind"].to_list())
    summary.notices, summary.no_longer_relevant = kinds[NOTICE], kinds[EXIT]
    return part


def _empty_candidates() -> pl.DataFrame:
    schema = {"_seq": pl.UInt32, **dict.fromkeys(NEEDED_COLUMNS, pl.String)}
    return pl.DataFrame(schema=schema)


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
