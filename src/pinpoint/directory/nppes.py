"""Import of the NPPES NPI Downloadable File into the practitioner directory.

One streaming pass: the CSV (or the ``npidata_pfile`` inside the distributed ``.zip``) is
read in byte blocks cut at record boundaries; polars parses the needed columns of each
block (all strings) and keeps, with vectorised expressions, individuals with a relevant
taxonomy in any of the 15 slots plus the blank deactivation notices. The kept rows are
validated and transformed (profession, practice location, licenses, dates, ZIP centroid)
and staged in temporary tables. One merge then upserts by NPI, replaces changed license
sets and applies deactivations, and the import run is recorded, all in one transaction:
a failed or killed import leaves the previous directory exactly as it was.
"""

# SQL here is assembled only from this module's constant table and column names; every
# value travels as data (COPY, executemany or INSERT ... SELECT), never as SQL text.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
from pydantic import BaseModel, Field
from sqlalchemy import Connection, Engine, insert, text

from pinpoint.db.models import ImportRun
from pinpoint.directory.taxonomy import EXACT_PROFESSIONS, PREFIX_PROFESSIONS
from pinpoint.errors import InvalidInput

SLOTS = range(1, 16)
BLOCK_BYTES = 48 * 1024 * 1024


def _header() -> tuple[str, ...]:
    flat = """NPI|Entity Type Code|Replacement NPI|Employer Identification Number (EIN)|
Provider Organization Name (Legal Business Name)|Provider Last Name (Legal Name)|
Provider First Name|Provider Middle Name|Provider Name Prefix Text|Provider Name Suffix Text|
Provider Credential Text|Provider Other Organization Name|
Provider Other Organization Name Type Code|Provider Other Last Name|Provider Other First Name|
Provider Other Middle Name|Provider Other Name Prefix Text|Provider Other Name Suffix Text|
Provider Other Credential Text|Provider Other Last Name Type Code|
Provider First Line Business Mailing Address|Provider Second Line Business Mailing Address|
Provider Business Mailing Address City Name|Provider Business Mailing Address State Name|
Provider Business Mailing Address Postal Code|
Provider Business Mailing Address Country Code (If outside U.S.)|
Provider Business Mailing Address Telephone Number|Provider Business Mailing Address Fax Number|
Provider First Line Business Practice Location Address|
Provider Second Line Business Practice Location Address|
Provider Business Practice Location Address City Name|
Provider Business Practice Location Address State Name|
Provider Business Practice Location Address Postal Code|
Provider Business Practice Location Address Country Code (If outside U.S.)|
Provider Business Practice Location Address Telephone Number|
Provider Business Practice Location Address Fax Number|Provider Enumeration Date|
Last Update Date|NPI Deactivation Reason Code|NPI Deactivation Date|NPI Reactivation Date|
Provider Sex Code|Authorized Official Last Name|Authorized Official First Name|
Authorized Official Middle Name|Authorized Official Title or Position|
Authorized Official Telephone Number"""
    names = [n.strip() for n in flat.replace("\n", "").split("|")]
    for i in SLOTS:
        names += [
            f"Healthcare Provider Taxonomy Code_{i}",
            f"Provider License Number_{i}",
            f"Provider License Number State Code_{i}",
            f"Healthcare Provider Primary Taxonomy Switch_{i}",
        ]
    for i in range(1, 51):
        names += [
            f"Other Provider Identifier_{i}",
            f"Other Provider Identifier Type Code_{i}",
            f"Other Provider Identifier State_{i}",
            f"Other Provider Identifier Issuer_{i}",
        ]
    names += [
        "Is Sole Proprietor",
        "Is Organization Subpart",
        "Parent Organization LBN",
        "Parent Organization TIN",
        "Authorized Official Name Prefix Text",
        "Authorized Official Name Suffix Text",
        "Authorized Official Credential Text",
    ]
    names += [f"Healthcare Provider Taxonomy Group_{i}" for i in SLOTS]
    return (*names, "Certification Date")


NPPES_COLUMNS: tuple[str, ...] = _header()

_PRACTICE = "Provider Business Practice Location Address"
_COL = {
    "npi": "NPI",
    "entity": "Entity Type Code",
    "last_name": "Provider Last Name (Legal Name)",
    "first_name": "Provider First Name",
    "middle_name": "Provider Middle Name",
    "name_prefix": "Provider Name Prefix Text",
    "name_suffix": "Provider Name Suffix Text",
    "credential": "Provider Credential Text",
    "line1": "Provider First Line Business Practice Location Address",
    "line2": "Provider Second Line Business Practice Location Address",
    "city": f"{_PRACTICE} City Name",
    "state": f"{_PRACTICE} State Name",
    "postal": f"{_PRACTICE} Postal Code",
    "country": f"{_PRACTICE} Country Code (If outside U.S.)",
    "phone": f"{_PRACTICE} Telephone Number",
    "enumerated": "Provider Enumeration Date",
    "updated": "Last Update Date",
    "deactivated": "NPI Deactivation Date",
    "reactivated": "NPI Reactivation Date",
}


def _tax(i: int) -> str:
    return f"Healthcare Provider Taxonomy Code_{i}"


def _lic(i: int) -> str:
    return f"Provider License Number_{i}"


def _lic_state(i: int) -> str:
    return f"Provider License Number State Code_{i}"


def _switch(i: int) -> str:
    return f"Healthcare Provider Primary Taxonomy Switch_{i}"


NEEDED_COLUMNS: tuple[str, ...] = (
    *_COL.values(),
    *(c for i in SLOTS for c in (_tax(i), _lic(i), _lic_state(i), _switch(i))),
)


class ImportSummary(BaseModel):
    """What one NPPES import did. ``kept`` rows were staged; the rest are counted by fate."""

    source: str
    rows_read: int = 0
    kept: int = 0
    skipped: int = Field(
        0,
        description="Rows of other entities or taxonomies, and notices "
        "for NPIs not in the directory.",
    )
    notices: int = Field(0, description="Blank deactivation notices read (NPI and dates only).")
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    reactivated: int = 0
    rejected: dict[str, int] = Field(default_factory=dict)
    no_geocode: int = Field(
        0, description="Kept without a US ZIP centroid: out of distance search."
    )
    seconds: float = 0.0


# --- the source file ---------------------------------------------------------------------------


@contextmanager
def _csv_source(path: Path) -> Iterator[Path]:
    """The CSV to read: the path itself, or the npidata file extracted from a ``.zip``."""
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}", field="path")
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
        with archive.open(member) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 4 * 1024 * 1024)
        yield target


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


# --- parsing and transforming ------------------------------------------------------------------


def _parse(header: bytes, block: bytes) -> tuple[pl.DataFrame, Counter[str]]:
    """Parse a block; a block polars refuses is re-read row by row to reject the bad rows."""
    try:
        frame = pl.read_csv(
            header + block, columns=list(NEEDED_COLUMNS), infer_schema=False, quote_char='"'
        )
        return frame, Counter()
    except pl.exceptions.PolarsError:
        return _parse_slowly(header, block)


def _parse_slowly(header: bytes, block: bytes) -> tuple[pl.DataFrame, Counter[str]]:
    names = next(csv.reader([header.decode("utf-8-sig", errors="replace")]))
    wanted = [names.index(c) for c in NEEDED_COLUMNS]
    rows: list[list[str]] = []
    bad: Counter[str] = Counter()
    reader = csv.reader(io.StringIO(block.decode("utf-8", errors="replace")))
    for record in reader:
        if len(record) != len(names):
            bad["malformed_row"] += 1
            continue
        rows.append([record[i] for i in wanted])
    frame = pl.DataFrame(rows, schema=list(NEEDED_COLUMNS), orient="row")
    return frame, bad


def _relevant(code: pl.Expr) -> pl.Expr:
    prefix = code.str.slice(0, 4).is_in(list(PREFIX_PROFESSIONS)) & (code.str.len_bytes() == 10)
    return code.is_in(list(EXACT_PROFESSIONS)) | prefix


def _profession(code: pl.Expr) -> pl.Expr:
    exact = code.replace_strict(
        {k: v.value for k, v in EXACT_PROFESSIONS.items()}, default=None, return_dtype=pl.String
    )
    by_prefix = code.str.slice(0, 4).replace_strict(
        {k: v.value for k, v in PREFIX_PROFESSIONS.items()}, default=None, return_dtype=pl.String
    )
    return pl.coalesce(by_prefix, exact)


def _keep() -> pl.Expr:
    """Relevant individuals and the blank deactivation notices (vectorised over 15 slots)."""
    entity = pl.col(_COL["entity"])
    any_relevant = pl.any_horizontal(_relevant(pl.col(_tax(i))) for i in SLOTS)
    notice = (entity.fill_null("") == "") & (pl.col(_COL["deactivated"]).fill_null("") != "")
    return ((entity == "1") & any_relevant) | notice


def _clean(frame: pl.DataFrame) -> pl.DataFrame:
    """Blank fields become null; the rare padded value loses its spaces."""
    text_columns = pl.col(pl.String)
    padded = text_columns.str.starts_with(" ") | text_columns.str.ends_with(" ")
    stripped = pl.when(padded).then(text_columns.str.strip_chars()).otherwise(text_columns)
    return frame.with_columns(pl.when(stripped != "").then(stripped).name.keep())


def _luhn_ok(npi: pl.Expr) -> pl.Expr:
    digits = [npi.str.slice(k, 1).cast(pl.Int32, strict=False) for k in range(10)]
    total: pl.Expr = pl.lit(24)
    for k in range(9):
        if (8 - k) % 2 == 0:
            doubled = digits[k] * 2
            total = total + pl.when(doubled > 9).then(doubled - 9).otherwise(doubled)
        else:
            total = total + digits[k]
    return (10 - total % 10) % 10 == digits[9]


def _date(name: str) -> pl.Expr:
    return pl.col(name).str.to_date("%m/%d/%Y", strict=False)


def _bad_date(name: str) -> pl.Expr:
    return pl.col(name).is_not_null() & _date(name).is_null()


def _with_reasons(frame: pl.DataFrame) -> pl.DataFrame:
    npi = pl.col(_COL["npi"])
    is_notice = pl.col(_COL["entity"]).is_null()
    dates = [_COL["enumerated"], _COL["updated"], _COL["deactivated"], _COL["reactivated"]]
    reason = (
        pl.when(~npi.str.contains(r"^\d{10}$"))
        .then(pl.lit("malformed_npi"))
        .when(~_luhn_ok(npi))
        .then(pl.lit("bad_npi_check_digit"))
        .when(pl.any_horizontal(_bad_date(d) for d in dates))
        .then(pl.lit("bad_date"))
        .when(~is_notice & pl.col(_COL["last_name"]).is_null())
        .then(pl.lit("missing_last_name"))
        .otherwise(None)
    )
    return frame.with_columns(reason.alias("_reason"), is_notice.alias("_notice"))


def _active(deactivated: pl.Expr, reactivated: pl.Expr) -> pl.Expr:
    return deactivated.is_null() | (reactivated.is_not_null() & (reactivated > deactivated))


def _iso(expr: pl.Expr) -> pl.Expr:
    return expr.dt.to_string("%Y-%m-%d")


def _practitioners(frame: pl.DataFrame, synthetic: bool) -> pl.DataFrame:
    chosen = pl.coalesce(
        *(
            pl.when(_relevant(pl.col(_tax(i))) & (pl.col(_switch(i)) == "Y")).then(pl.col(_tax(i)))
            for i in SLOTS
        ),
        *(pl.when(_relevant(pl.col(_tax(i)))).then(pl.col(_tax(i))) for i in SLOTS),
    )
    country = pl.col(_COL["country"]).str.to_uppercase().fill_null("US").str.slice(0, 2)
    postal = pl.col(_COL["postal"])
    zip5 = pl.when((country == "US") & postal.str.contains(r"^\d{5}")).then(postal.str.slice(0, 5))
    state = pl.col(_COL["state"]).str.to_uppercase()
    line2 = pl.col(_COL["line2"])
    address = (
        pl.when(line2.is_null())
        .then(pl.col(_COL["line1"]))
        .otherwise(pl.concat_str(pl.col(_COL["line1"]), pl.lit(", "), line2))
    )
    deact, react = _date(_COL["deactivated"]), _date(_COL["reactivated"])
    out = frame.select(
        pl.col("_seq").alias("seq"),
        pl.col(_COL["npi"]).alias("npi"),
        *(
            pl.col(_COL[k]).str.slice(0, 100).alias(k)
            for k in ("last_name", "first_name", "middle_name")
        ),
        *(pl.col(_COL[k]).str.slice(0, 20).alias(k) for k in ("name_prefix", "name_suffix")),
        pl.col(_COL["credential"]).str.slice(0, 100).alias("credential"),
        _profession(chosen).alias("profession"),
        chosen.alias("taxonomy"),
        address.str.slice(0, 200).alias("address_line"),
        pl.col(_COL["city"]).str.slice(0, 100).alias("city"),
        pl.when(state.str.contains(r"^[A-Z]{2}$")).then(state).alias("state"),
        zip5.alias("zip5"),
        country.alias("country"),
        pl.col(_COL["phone"]).str.slice(0, 20).alias("phone"),
        _iso(_date(_COL["enumerated"])).alias("enumerated_on"),
        _iso(_date(_COL["updated"])).alias("updated_on"),
        _iso(deact).alias("deactivated_on"),
        _iso(react).alias("reactivated_on"),
        _active(deact, react).alias("active"),
        pl.lit(synthetic).alias("synthetic"),
    )
    located = out.join(zip_centroids(), on="zip5", how="left", maintain_order="left")
    return located.select(PRACTITIONER_STAGE_COLUMNS)


def _licenses(frame: pl.DataFrame) -> pl.DataFrame:
    parts = [
        frame.select(
            pl.col("_seq").alias("seq"),
            pl.col(_COL["npi"]).alias("npi"),
            pl.col(_tax(i)).fill_null("").str.slice(0, 10).alias("taxonomy"),
            pl.col(_lic(i)).str.slice(0, 30).alias("number"),
            pl.col(_lic_state(i)).str.to_uppercase().alias("state"),
            (pl.col(_switch(i)) == "Y").fill_null(False).alias("primary"),
        )
        for i in SLOTS
    ]
    licenses = pl.concat(parts).filter(pl.col("number").is_not_null())
    state = pl.col("state")
    licenses = licenses.with_columns(pl.when(state.str.contains(r"^[A-Z]{2}$")).then(state))
    return licenses.unique(
        subset=["npi", "taxonomy", "number", "state"], keep="first", maintain_order=True
    ).select(LICENSE_STAGE_COLUMNS)


def _notices(frame: pl.DataFrame) -> pl.DataFrame:
    deact, react = _date(_COL["deactivated"]), _date(_COL["reactivated"])
    return frame.select(
        pl.col("_seq").alias("seq"),
        pl.col(_COL["npi"]).alias("npi"),
        _iso(deact).alias("deactivated_on"),
        _iso(react).alias("reactivated_on"),
        _active(deact, react).alias("active"),
    )


@cache
def zip_centroids() -> pl.DataFrame:
    """Every ZIP code the ``zipcodes`` package knows with its centroid (built once)."""
    import zipcodes

    rows = [
        (z["zip_code"], float(z["lat"]), float(z["long"]))
        for z in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if z["lat"] and z["long"]
    ]
    return pl.DataFrame(
        rows,
        schema={"zip5": pl.String, "latitude": pl.Float64, "longitude": pl.Float64},
        orient="row",
    ).unique("zip5", keep="first")


@dataclass
class _Part:
    rejected: Counter[str]
    practitioners: pl.DataFrame
    licenses: pl.DataFrame
    notices: pl.DataFrame


def transform(candidates: pl.DataFrame, synthetic: bool) -> _Part:
    """Validate and transform kept rows (relevant individuals and notices)."""
    checked = _with_reasons(_clean(candidates))
    reasons = checked.filter(pl.col("_reason").is_not_null())["_reason"].value_counts()
    good = checked.filter(pl.col("_reason").is_null())
    people = good.filter(~pl.col("_notice"))
    return _Part(
        rejected=Counter(dict(reasons.iter_rows())),
        practitioners=_practitioners(people, synthetic),
        licenses=_licenses(people),
        notices=_notices(good.filter(pl.col("_notice"))),
    )


def _candidates_query(csv_path: Path) -> pl.LazyFrame:
    """Kept rows of one lazy streaming scan, then the last row of the file.

    The scan is shared by the filter and a ``tail(1)`` whose row index gives the exact
    number of rows read, without a second pass over the file.
    """
    rows = pl.scan_csv(csv_path, infer_schema=False, quote_char='"').with_row_index("_seq")
    rows = rows.select(["_seq", *NEEDED_COLUMNS])
    return pl.concat(
        [
            rows.filter(_keep()).with_columns(pl.lit(False).alias("_tail")),
            rows.tail(1).with_columns(pl.lit(True).alias("_tail")),
        ]
    )


def import_nppes(
    engine: Engine, path: Path | str, progress: bool = True, *, synthetic: bool = False
) -> ImportSummary:
    """Import an NPPES monthly or weekly file (``.csv`` or ``.zip``) in one transaction."""
    path = Path(path)
    started = time.perf_counter()
    started_at = datetime.now(UTC)
    summary = ImportSummary(source=path.name)
    with _csv_source(path) as csv_path:
        with csv_path.open("rb") as handle:
            read_header(handle, path.name)
        try:
            with engine.connect() as conn, conn.begin():
                stager = _Stager(conn)
                try:
                    _stream_fast(csv_path, stager, summary, progress, synthetic)
                except pl.exceptions.PolarsError:
                    # A row polars cannot parse: start again block by block, rejecting bad rows.
                    stager.reset()
                    summary = ImportSummary(source=path.name)
                    _stream_blocks(csv_path, stager, summary, progress, synthetic)
                stager.merge(summary)
                summary.seconds = round(time.perf_counter() - started, 3)
                _record(conn, summary, "succeeded", started_at)
        except BaseException:
            _record_failure(engine, summary, started_at)
            raise
    directory_changed(engine)
    return summary


def directory_changed(engine: Engine) -> None:
    """Tell the search index that practitioners or credentials changed."""
    from pinpoint.directory import search_index

    search_index.invalidate(engine)


def _add(summary: ImportSummary, part: _Part, stager: _Stager) -> None:
    summary.kept += part.practitioners.height
    summary.notices += part.notices.height
    summary.no_geocode += part.practitioners["latitude"].null_count()
    rejected = Counter(summary.rejected)
    rejected.update(part.rejected)
    summary.rejected = dict(sorted(rejected.items()))
    stager.stage(part.practitioners, part.licenses, part.notices)


def _stream_fast(
    csv_path: Path, stager: _Stager, summary: ImportSummary, progress: bool, synthetic: bool
) -> None:
    """One streaming pass; polars calls back with each batch of kept rows.

    The callback transforms and stages the batch before polars reads on, which keeps
    memory bounded. An error in it stops the scan and is raised here as itself.
    """
    size = csv_path.stat().st_size
    with csv_path.open("rb") as handle:
        sample = handle.read(1 << 20)
    estimated_rows = max(1, size * max(sample.count(b"\n") - 1, 1) // max(len(sample), 1))
    failure: list[BaseException] = []
    kept_rows = 0
    with _progress(size, progress) as advance:

        def consume(batch: pl.DataFrame) -> bool:
            nonlocal kept_rows
            try:
                if batch.height:
                    summary.rows_read = int(batch["_seq"][-1]) + 1
                rows = batch.filter(~pl.col("_tail")).drop("_tail")
                kept_rows += rows.height
                if rows.height:
                    _add(summary, transform(rows, synthetic), stager)
                position = min(size, size * summary.rows_read // estimated_rows)
                advance(position, summary.rows_read)
            except BaseException as exc:  # handed to the caller below
                failure.append(exc)
                return True
            return False

        _candidates_query(csv_path).sink_batches(consume, chunk_size=20_000)
        if failure:
            raise failure[0]
        advance(size, summary.rows_read)
    summary.skipped = summary.rows_read - kept_rows


def _stream_blocks(
    csv_path: Path, stager: _Stager, summary: ImportSummary, progress: bool, synthetic: bool
) -> None:
    size = csv_path.stat().st_size
    with csv_path.open("rb") as handle, _progress(size, progress) as advance:
        header = read_header(handle, csv_path.name)
        done = len(header)
        for block in _blocks(handle, BLOCK_BYTES):
            frame, malformed = _parse(header, block)
            frame = frame.with_row_index("_seq", offset=summary.rows_read)
            candidates = frame.filter(_keep())
            summary.rows_read += frame.height + sum(malformed.values())
            summary.skipped += frame.height - candidates.height
            part = transform(candidates, synthetic)
            part.rejected.update(malformed)
            _add(summary, part, stager)
            done += len(block)
            advance(done, summary.rows_read)


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield lambda _position, _rows: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("importing"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[rows]:,} rows ({task.fields[rate]:,.0f}/s)"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("import", total=total, rows=0, rate=0.0)
        start = time.perf_counter()

        def advance(position: int, rows: int) -> None:
            rate = rows / max(time.perf_counter() - start, 1e-9)
            bar.update(task, completed=position, rows=rows, rate=rate)

        yield advance


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


# --- staging and merging -----------------------------------------------------------------------

_VARCHAR = {
    "npi": 10, "last_name": 100, "first_name": 100, "middle_name": 100, "name_prefix": 20,
    "name_suffix": 20, "credential": 100, "profession": 30, "taxonomy": 10, "address_line": 200,
    "city": 100, "state": 2, "zip5": 5, "country": 2, "phone": 20, "number": 30,
}  # fmt: skip
_OTHER_TYPES = {
    "seq": "BIGINT", "latitude": "DOUBLE PRECISION", "longitude": "DOUBLE PRECISION",
    "enumerated_on": "DATE", "updated_on": "DATE", "deactivated_on": "DATE",
    "reactivated_on": "DATE", "active": "BOOLEAN", "synthetic": "BOOLEAN", "primary": "BOOLEAN",
}  # fmt: skip

PRACTITIONER_COLUMNS: tuple[str, ...] = (
    "npi", "last_name", "first_name", "middle_name", "name_prefix", "name_suffix", "credential",
    "profession", "taxonomy", "address_line", "city", "state", "zip5", "country", "phone",
    "latitude", "longitude", "enumerated_on", "updated_on", "deactivated_on", "reactivated_on",
    "active", "synthetic",
)  # fmt: skip
PRACTITIONER_STAGE_COLUMNS: tuple[str, ...] = ("seq", *PRACTITIONER_COLUMNS)
LICENSE_COLUMNS: tuple[str, ...] = ("npi", "taxonomy", "number", "state", "primary")
LICENSE_STAGE_COLUMNS: tuple[str, ...] = ("seq", *LICENSE_COLUMNS)
NOTICE_STAGE_COLUMNS: tuple[str, ...] = ("seq", "npi", "deactivated_on", "reactivated_on", "active")
_STAGES = {
    "pinpoint_stage_practitioners": PRACTITIONER_STAGE_COLUMNS,
    "pinpoint_stage_licenses": LICENSE_STAGE_COLUMNS,
    "pinpoint_stage_notices": NOTICE_STAGE_COLUMNS,
}
_S, _L, _N = _STAGES


def _q(column: str) -> str:
    return f'"{column}"'


def _cols(columns: tuple[str, ...], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{_q(c)}" for c in columns)


def _distinct(left: str, right: str, columns: tuple[str, ...]) -> str:
    return " OR ".join(f"{left}.{_q(c)} IS DISTINCT FROM {right}.{_q(c)}" for c in columns)


class _Stager:
    """Temporary staging tables on the import's connection, and the merge into the directory."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.temp_schema = "pg_temp" if self.postgres else "temp"
        for name, columns in _STAGES.items():
            self._create(name, columns)

    def _sql(self, statement: str) -> Any:
        return self.conn.execute(text(statement))

    def _count(self, statement: str) -> int:
        return int(self._sql(statement).scalar_one())

    def _create(self, name: str, columns: tuple[str, ...]) -> None:
        defs = ", ".join(
            f"{_q(c)} {_OTHER_TYPES.get(c) or f'VARCHAR({_VARCHAR[c]})'}" for c in columns
        )
        self._sql(f"DROP TABLE IF EXISTS {self.temp_schema}.{name}")
        self._sql(f"CREATE TEMPORARY TABLE {name} ({defs}){self._on_commit}")

    @property
    def _on_commit(self) -> str:
        return " ON COMMIT DROP" if self.postgres else ""

    def _create_as(self, name: str, query: str) -> None:
        self._sql(f"DROP TABLE IF EXISTS {self.temp_schema}.{name}")
        self._sql(f"CREATE TEMPORARY TABLE {name}{self._on_commit} AS {query}")

    def reset(self) -> None:
        for name in _STAGES:
            self._sql(f"DELETE FROM {name}")

    def stage(
        self, practitioners: pl.DataFrame, licenses: pl.DataFrame, notices: pl.DataFrame
    ) -> None:
        for name, frame in zip(_STAGES, (practitioners, licenses, notices), strict=True):
            if frame.height:
                self._load(name, frame)

    def _load(self, name: str, frame: pl.DataFrame) -> None:
        raw: Any = self.conn.connection.driver_connection
        columns = _cols(tuple(frame.columns))
        if self.postgres:
            with (
                raw.cursor() as cur,
                cur.copy(f"COPY {name} ({columns}) FROM STDIN (FORMAT csv)") as copy,
            ):
                copy.write(frame.write_csv(include_header=False))
            return
        marks = ", ".join("?" * frame.width)
        raw.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", frame.iter_rows())

    def merge(self, summary: ImportSummary) -> None:
        """Upsert the staged rows by NPI, replace changed license sets, apply notices."""
        self._deduplicate()
        self._count_changes(summary)
        self._upsert_practitioners()
        self._replace_licenses()
        self._apply_notices(summary)

    def _deduplicate(self) -> None:
        for name in _STAGES:
            self._sql(f"CREATE INDEX {name}_npi ON {name} (npi)")
        self._sql(f"DELETE FROM {_S} WHERE seq NOT IN (SELECT max(seq) FROM {_S} GROUP BY npi)")
        self._sql(f"DELETE FROM {_L} WHERE seq NOT IN (SELECT seq FROM {_S})")
        self._sql(f"DELETE FROM {_N} WHERE seq NOT IN (SELECT max(seq) FROM {_N} GROUP BY npi)")
        self._sql(
            f"DELETE FROM {_N} WHERE EXISTS (SELECT 1 FROM {_S} s "
            f"WHERE s.npi = {_N}.npi AND s.seq > {_N}.seq)"
        )

    def _count_changes(self, summary: ImportSummary) -> None:
        self._create_as(
            "pinpoint_stage_new",
            f"SELECT s.npi FROM {_S} s WHERE NOT EXISTS "
            "(SELECT 1 FROM practitioners p WHERE p.npi = s.npi)",
        )
        existing = (
            f"SELECT {_cols(LICENSE_COLUMNS, 'l.')} FROM practitioner_licenses l "
            f"WHERE l.npi IN (SELECT npi FROM {_S})"
        )
        staged = f"SELECT {_cols(LICENSE_COLUMNS)} FROM {_L}"
        self._create_as(
            "pinpoint_stage_license_changes",
            f"SELECT npi FROM ({staged} EXCEPT {existing}) a "
            f"UNION SELECT npi FROM ({existing} EXCEPT {staged}) b",
        )
        changed = _distinct("s", "p", PRACTITIONER_COLUMNS[1:])
        summary.added = self._count("SELECT count(*) FROM pinpoint_stage_new")
        summary.updated = self._count(
            f"SELECT count(*) FROM (SELECT s.npi FROM {_S} s JOIN practitioners p "
            f"ON p.npi = s.npi WHERE {changed} UNION SELECT c.npi FROM "
            "pinpoint_stage_license_changes c WHERE c.npi NOT IN "
            "(SELECT npi FROM pinpoint_stage_new)) u"
        )
        summary.unchanged = (
            self._count(f"SELECT count(*) FROM {_S}") - summary.added - summary.updated
        )
        joined = f"{_S} s LEFT JOIN practitioners p ON p.npi = s.npi"
        summary.deactivated = self._count(
            f"SELECT count(*) FROM {joined} WHERE NOT s.active AND (p.npi IS NULL OR p.active)"
        )
        summary.reactivated = self._count(
            f"SELECT count(*) FROM {joined} WHERE s.active AND s.reactivated_on IS NOT NULL "
            "AND (p.npi IS NULL OR NOT p.active)"
        )

    def _upsert_practitioners(self) -> None:
        updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in PRACTITIONER_COLUMNS[1:])
        changed = _distinct("practitioners", "excluded", PRACTITIONER_COLUMNS[1:])
        self._sql(
            f"INSERT INTO practitioners ({_cols(PRACTITIONER_COLUMNS)}) "
            f"SELECT {_cols(PRACTITIONER_COLUMNS)} FROM {_S} WHERE true "
            f"ON CONFLICT (npi) DO UPDATE SET {updates} WHERE {changed}"
        )

    def _replace_licenses(self) -> None:
        changed = "SELECT npi FROM pinpoint_stage_license_changes"
        self._sql(f"DELETE FROM practitioner_licenses WHERE npi IN ({changed})")
        self._sql(
            f"INSERT INTO practitioner_licenses ({_cols(LICENSE_COLUMNS)}) "
            f"SELECT {_cols(LICENSE_COLUMNS)} FROM {_L} WHERE npi IN ({changed}) ORDER BY seq"
        )

    def _apply_notices(self, summary: ImportSummary) -> None:
        joined = f"{_N} n JOIN practitioners p ON p.npi = n.npi"
        summary.deactivated += self._count(
            f"SELECT count(*) FROM {joined} WHERE NOT n.active AND p.active"
        )
        summary.reactivated += self._count(
            f"SELECT count(*) FROM {joined} WHERE n.active AND NOT p.active"
        )
        columns = ("active", "deactivated_on", "reactivated_on")
        sets = ", ".join(f"{_q(c)} = n.{_q(c)}" for c in columns)
        self._sql(
            f"UPDATE practitioners SET {sets} FROM {_N} n WHERE practitioners.npi = n.npi "
            f"AND ({_distinct('practitioners', 'n', columns)})"
        )
