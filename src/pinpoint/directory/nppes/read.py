"""Reading an NPPES file: the ``.csv`` or the ``npidata_pfile`` inside the ``.zip``.

The fast path is one polars lazy streaming scan of the needed columns, filtered by
vectorised expressions (:func:`transform.keep`). Kept rows (5 to 20% of the file) come out
in batches, in file order, while polars reads on; each batch is transformed
(:func:`transform.transformed`) and handed to the writer, which stores it as the next is
parsed, so memory stays near that of a bare streaming filter. If polars refuses a row (a
stray quote, a wrong field count), the file is read again in blocks cut at record
boundaries, and a block polars refuses is re-read row by row so that only the bad rows are
rejected.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from pinpoint.directory.nppes.columns import COL, NEEDED_COLUMNS
from pinpoint.directory.nppes.progress import Advance, progress_bar
from pinpoint.directory.nppes.transform import keep, transformed
from pinpoint.errors import InvalidInput

BLOCK_BYTES = 48 * 1024 * 1024
BATCH_ROWS = 25_000  # kept rows per batch (a batch costs one polars call of ~30 ms, plus rows)
_COPY_BYTES = 4 * 1024 * 1024
_COUNT_BYTES = 16 * 1024 * 1024
_TAIL_BYTES = 64 * 1024  # an NPPES record is about 1.2 KB
_NEWLINE, _RETURN, _QUOTE = ord("\n"), ord("\r"), ord('"')
# Every field as text; a blank field (NPPES quotes them all: ``""``) is read as null.
CSV_OPTIONS: dict[str, Any] = {"infer_schema": False, "quote_char": '"', "null_values": [""]}


@dataclass
class Scan:
    """What a pass over the file read: every row (None: not counted yet), and the rows
    polars could not parse."""

    rows_read: int | None = None
    malformed: Counter[str] = field(default_factory=Counter)


# --- the source file ---------------------------------------------------------------------


@contextmanager
def csv_source(path: Path, progress: bool = False) -> Iterator[Path]:
    """The CSV to read: the path itself, or the npidata file extracted from a ``.zip``."""
    if not path.is_file():
        problem = "not a file" if path.exists() else "no such file"
        raise InvalidInput(f"{problem}: {path}", field="path")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".zip"):
        raise InvalidInput(f"expected a .csv or .zip NPPES file, got {path.name}", field="path")
    if path.stat().st_size == 0:
        raise InvalidInput(f"{path.name} is empty", field="path")
    if suffix == ".csv":
        yield path
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InvalidInput(f"{path.name} is not a readable zip archive", field="path") from None
    with archive, tempfile.TemporaryDirectory(prefix="pinpoint-nppes-") as tmp:
        member = _npidata_member(archive, path.name)
        target = Path(tmp) / Path(member).name
        _extract(archive, member, target, progress)
        yield target


def _extract(archive: zipfile.ZipFile, member: str, target: Path, progress: bool) -> None:
    total = archive.getinfo(member).file_size
    done = 0
    with (
        progress_bar("extracting", total, progress, rows=False) as advance,
        archive.open(member) as src,
        target.open("wb") as dst,
    ):
        while chunk := src.read(_COPY_BYTES):
            dst.write(chunk)
            done += len(chunk)
            advance(done, 0)


def _npidata_member(archive: zipfile.ZipFile, name: str) -> str:
    members = [
        m
        for m in archive.namelist()
        if Path(m).name.lower().startswith("npidata_pfile")
        and m.lower().endswith(".csv")
        and "fileheader" not in m.lower()
    ]
    if len(members) != 1:
        raise InvalidInput(
            f"{name} should hold exactly one npidata_pfile_*.csv, found {len(members)}",
            field="path",
        )
    return members[0]


def read_header(handle: BinaryIO, name: str) -> bytes:
    """The header line, checked to carry every column the import reads."""
    line = handle.readline()
    if not line.strip():
        raise InvalidInput(f"{name} is empty", field="path")
    text_line = line.decode("utf-8-sig", errors="replace")
    columns = {c.strip() for c in next(csv.reader([text_line]))}
    missing = [c for c in NEEDED_COLUMNS if c not in columns]
    if missing:
        raise InvalidInput(
            f"{name} is not an NPPES npidata file: header lacks column {missing[0]!r}",
            field="path",
        )
    return line.removeprefix(b"\xef\xbb\xbf")


# --- the fast path: one lazy streaming scan ----------------------------------------------


def scan_query(
    csv_path: Path, active_npis: pl.Series | None, last_npi: str | None = None
) -> pl.LazyFrame:
    """Kept rows of one lazy streaming scan (``_seq`` = row number, then the needed columns).

    With ``last_npi`` (the NPI of the file's last record, :func:`last_record_npi`), the rows
    of that NPI come out too, marked ``_keep`` false unless kept: the last of them is the
    file's last row, so its row number counts the rows without a second read of the file.

    Nothing else reads this scan: a second consumer (a ``tail(1)`` to count the rows, say)
    made polars hold every row of the file for it. The transform runs on each batch, not
    inside the scan: inside, polars's memory grew with the length of the file (1.6 GB for
    a 4-million-row file, against 0.6 GB batch by batch, which was also faster).
    """
    rows = pl.scan_csv(csv_path, **CSV_OPTIONS).with_row_index("_seq")
    rows = rows.select(["_seq", *NEEDED_COLUMNS])
    if last_npi is None:
        return rows.filter(keep(active_npis))
    marked = rows.with_columns(keep(active_npis).fill_null(False).alias("_keep"))
    return marked.filter(pl.col("_keep") | (pl.col(COL["npi"]) == last_npi))


def last_record_npi(csv_path: Path, header: bytes) -> str | None:
    """The NPI of the file's last record, if its last line is a whole record (as many
    fields as the header, an NPI of ten digits first); None if it cannot be told."""
    size = csv_path.stat().st_size
    with csv_path.open("rb") as handle:
        handle.seek(max(0, size - _TAIL_BYTES))
        tail = handle.read()
    lines = tail.rstrip(b"\r\n").rsplit(b"\n", 1)
    if len(lines) < 2 and size > _TAIL_BYTES:
        return None  # the last line is longer than the tail read
    try:
        fields = next(csv.reader([lines[-1].decode("utf-8")]))
        names = next(csv.reader([header.decode("utf-8")]))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    npi = fields[0] if fields else ""
    whole = len(fields) == len(names) and len(npi) == 10 and npi.isascii() and npi.isdigit()
    return npi if whole and lines[-1] != header.rstrip(b"\r\n") else None


def count_rows(csv_path: Path) -> int:
    """The number of records after the header: newlines that end a quoted field.

    Every NPPES field is quoted, so a record ends with ``"`` and a newline (``\n`` or
    ``\r\n``). Read in chunks into one buffer: polars's own count maps the whole file,
    which a process's resident memory then counts.
    """
    import numpy as np  # here: a first load's pass starts before numpy is loaded

    buffer = bytearray(_COUNT_BYTES)
    records, previous = 0, np.zeros(2, dtype=np.uint8)
    with csv_path.open("rb") as handle:
        while size := handle.readinto(buffer):
            chunk = np.concatenate((previous, np.frombuffer(buffer, np.uint8, size)))
            ends = np.flatnonzero(chunk[2:] == _NEWLINE) + 2
            before = chunk[ends - 1]
            crlf = before == _RETURN
            before[crlf] = chunk[ends[crlf] - 2]
            records += int(np.count_nonzero(before == _QUOTE))
            previous = chunk[-2:]
    if previous[-1] == _QUOTE:  # the last record has no newline
        records += 1
    return max(records - 1, 0)  # the header line


@dataclass
class Ahead:
    """The pass of a first load over a ``.csv``, started before the database is opened
    (:func:`read_ahead`): polars reads while the engine is made and the database checked."""

    path: Path
    last_npi: str | None
    batches: Iterator[pl.DataFrame]


def read_ahead(path: Path) -> Ahead | None:
    """Start the pass an import into an empty directory makes over ``path`` (a ``.csv``
    with an NPPES header; else None, and the import reads it as usual)."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            last_npi = last_record_npi(path, read_header(handle, path.name))
    except (OSError, InvalidInput):
        return None
    query = scan_query(path, None, last_npi)
    return Ahead(path, last_npi, query.collect_batches(chunk_size=BATCH_ROWS, maintain_order=True))


def stream_fast(
    csv_path: Path,
    active_npis: pl.Series | None,
    synthetic: bool,
    scan: Scan,
    advance: Advance,
    ahead: Ahead | None = None,
) -> Iterator[pl.DataFrame]:
    """Transformed kept rows in batches, in file order, while polars reads on in the
    background (at most a few batches ahead of the caller); raises ``PolarsError`` on a row
    polars cannot parse. ``scan.rows_read`` is the last row's number + 1 when the last
    record could be told (:func:`last_record_npi`), else left for :func:`count_rows`.

    ``ahead``: the same pass already started (:func:`read_ahead`), taken when it is the
    one this import needs (the same file, nobody in search yet)."""
    size = csv_path.stat().st_size
    rows_per_byte = _rows_per_byte(csv_path)
    if ahead is not None and active_npis is None and ahead.path == csv_path:
        last_npi, batches = ahead.last_npi, ahead.batches
    else:
        with csv_path.open("rb") as handle:
            last_npi = last_record_npi(csv_path, read_header(handle, csv_path.name))
        query = scan_query(csv_path, active_npis, last_npi)
        batches = query.collect_batches(chunk_size=BATCH_ROWS, maintain_order=True)
    seen = last_seq = 0
    for batch in batches:
        if batch.height:
            seen = max(seen, int(batch["_seq"].max()) + 1)  # type: ignore[arg-type]
            if last_npi is not None:
                last = batch.filter(pl.col(COL["npi"]) == last_npi)["_seq"].max()
                last_seq = max(last_seq, int(last) + 1) if last is not None else last_seq  # type: ignore[arg-type]
                batch = batch.filter("_keep").drop("_keep")
            if batch.height:
                yield transformed(batch.lazy(), synthetic)
        advance(min(size, int(seen / rows_per_byte)), seen)
    if last_npi is not None and last_seq == seen:  # the file's last row came out: counted
        scan.rows_read = seen
    advance(size, seen)


def _rows_per_byte(csv_path: Path) -> float:
    """An estimate from the first MiB, for the progress bar only."""
    with csv_path.open("rb") as handle:
        sample = handle.read(1 << 20)
    return max(sample.count(b"\n") - 1, 1) / max(len(sample), 1)


# --- the careful path: blocks, and rows polars refuses -----------------------------------


def stream_blocks(
    csv_path: Path, active_npis: pl.Series | None, synthetic: bool, scan: Scan, advance: Advance
) -> Iterator[pl.DataFrame]:
    """:func:`stream_fast` block by block, rejecting the rows polars cannot parse."""
    with csv_path.open("rb") as handle:
        header = read_header(handle, csv_path.name)
        done = len(header)
        for block in _blocks(handle, BLOCK_BYTES):
            frame, malformed = _parse(header, block)
            read = scan.rows_read or 0
            rows = frame.lazy().with_row_index("_seq", offset=read)
            kept = transformed(rows.filter(keep(active_npis)), synthetic)
            scan.rows_read = read + frame.height + sum(malformed.values())
            scan.malformed.update(malformed)
            done += len(block)
            advance(done, scan.rows_read)
            if kept.height:
                yield kept


def _blocks(handle: BinaryIO, size: int) -> Iterator[bytes]:
    """Blocks of whole records (cut after a newline that ends a quoted field)."""
    carry = b""
    while True:
        data = handle.read(size)
        if not data:
            if carry.strip():
                yield carry
            return
        data = carry + data
        cut = data.rfind(b'"\n')
        if cut < 0:
            carry = data
            continue
        yield data[: cut + 2]
        carry = data[cut + 2 :]


def _parse(header: bytes, block: bytes) -> tuple[pl.DataFrame, Counter[str]]:
    """Parse a block; a block polars refuses is re-read row by row to reject the bad rows."""
    try:
        frame = pl.read_csv(header + block, columns=list(NEEDED_COLUMNS), **CSV_OPTIONS)
        return frame, Counter()
    except pl.exceptions.PolarsError:
        return _parse_slowly(header, block)


def _parse_slowly(header: bytes, block: bytes) -> tuple[pl.DataFrame, Counter[str]]:
    names = next(csv.reader([header.decode("utf-8-sig", errors="replace")]))
    wanted = [names.index(c) for c in NEEDED_COLUMNS]
    rows: list[list[str | None]] = []
    bad: Counter[str] = Counter()
    reader = csv.reader(io.StringIO(block.decode("utf-8", errors="replace")))
    for record in reader:
        if len(record) != len(names):
            bad["malformed_row"] += 1
            continue
        rows.append([record[i] or None for i in wanted])
    frame = pl.DataFrame(rows, schema=dict.fromkeys(NEEDED_COLUMNS, pl.String), orient="row")
    return frame, bad
