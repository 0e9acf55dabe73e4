"""ZIP code centroids for geocoding practice locations, from the ``zipcodes`` package.

``zipcodes`` is the source of truth, but materialising its 42,000 records costs most of a
second per process. The compact table (ZIP, latitude, longitude) is therefore built from it
once and kept as an Arrow IPC file in the user cache folder, named after the ``zipcodes``
version so a new release rebuilds it; later processes read it in milliseconds. Without a
writable cache folder the table is simply built in memory.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from functools import cache
from pathlib import Path

import polars as pl

SCHEMA = {"zip5": pl.String, "latitude": pl.Float64, "longitude": pl.Float64}


def build_zip_centroids() -> pl.DataFrame:
    """Every ZIP code ``zipcodes`` knows with a centroid, one row per ZIP (first wins)."""
    import zipcodes

    rows = [
        (z["zip_code"], float(z["lat"]), float(z["long"]))
        for z in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if z["lat"] and z["long"] and (float(z["lat"]), float(z["long"])) != (0.0, 0.0)
    ]  # (APO/FPO and some PO box codes are listed at 0, 0: no centroid, not a place)
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    return frame.unique("zip5", keep="first", maintain_order=True)


def cache_path() -> Path:
    """Where the compact table of the installed ``zipcodes`` version is cached."""
    import platformdirs
    import zipcodes

    version = str(zipcodes.__version__)
    # "-2": the table without the 0, 0 entries; an older cached table is not read
    return Path(platformdirs.user_cache_dir("pinpoint")) / f"zip-centroids-{version}-2.arrow"


@cache
def zip_centroids() -> pl.DataFrame:
    """The ZIP centroid table: from the cache file, or built and cached (once per process)."""
    path = cache_path()
    with contextlib.suppress(OSError, pl.exceptions.PolarsError):
        frame = pl.read_ipc(path)
        if frame.schema == pl.Schema(SCHEMA) and frame.height:
            return frame
    frame = build_zip_centroids()
    with contextlib.suppress(OSError):
        _write_atomically(frame, path)
    return frame


@cache
def centroids_by_number() -> tuple[pl.Series, pl.Series]:
    """Latitude and longitude of every 5-digit ZIP code at the index of its number (0 to
    99999; null where the table has none): a whole column is placed with one gather,
    where a join built a hash table of the ZIP table for every batch."""
    numbered = zip_centroids().select(
        pl.col("zip5").cast(pl.Int64).alias("number"), "latitude", "longitude"
    )
    every = pl.DataFrame({"number": pl.int_range(0, 100_000, eager=True)})
    placed = every.join(numbered, on="number", how="left", maintain_order="left")
    return placed["latitude"], placed["longitude"]


def _write_atomically(frame: pl.DataFrame, path: Path) -> None:
    """Write beside the target, then rename: concurrent processes never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=path.name, suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        frame.write_ipc(partial)
        Path(partial).replace(path)
    finally:
        Path(partial).unlink(missing_ok=True)
