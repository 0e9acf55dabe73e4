"""Full size: a monthly-size NPPES file imported end to end, then a weekly file on top.

Not part of the test run (it writes about 10.5 GB and takes minutes). Generates, with
``pinpoint directory demo-file``, a synthetic monthly file of 9,000,000 rows in the exact
NPPES format (5% relevant individuals, as in the real file) and a weekly file on top of it,
then, as whole processes, on SQLite and on PostgreSQL (a fresh database each):

- the floor (bare polars streaming pass of the import's columns and rows, as in
  ``bench_import.py``), run before each import, in the same run;
- ``pinpoint directory import-nppes MONTHLY --json`` into an empty directory: wall time
  (goal <= 60 s), peak RSS (goal <= 1 GiB), rows kept;
- ``pinpoint find --zip 10001 --radius-miles 25 --json``: the search answers afterwards;
- ``pinpoint directory import-nppes WEEKLY --json`` on top, and a search again;
- on PostgreSQL, after each import, the PostGIS view's refresh that the first PostGIS
  search makes (the import leaves it to the search side).

Checks the free disk first, prints the 1-minute load average before every step (figures
count only below 1.0) and deletes the files at the end unless ``--keep-files``.

    python bench/bench_full_size.py [--rows 9000000] [--weekly-rows 100000] [--pause 0]
        [--backends sqlite,postgres] [--dir /tmp] [--keep-files]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_import
from bench_import import (
    Run,
    floor,
    floor_spec,
    measure,
    migrated_postgres,
    migrated_sqlite,
    pinpoint_import,
    points_view,
)
from bench_import import _psql as run_sql

BYTES_PER_ROW = 1_180  # the demo file's size per row, for the disk check


def generate(path: Path, rows: int, weekly_of: int | None = None) -> Run:
    cmd = [sys.executable, "-m", "pinpoint", "directory", "demo-file"]
    cmd += ["--rows", str(rows), "--out", str(path), "--json"]
    if weekly_of is not None:
        cmd += ["--weekly-of", str(weekly_of)]
    run, out = measure(cmd)
    run.kept = json.loads(out)["kept"]
    return run


def search(url: str) -> tuple[Run, int]:
    cmd = [sys.executable, "-m", "pinpoint", "find", "--zip", "10001"]
    cmd += ["--radius-miles", "25", "--limit", "5", "--json"]
    run, out = measure(cmd, {"PINPOINT_DATABASE_URL": url})
    answer = json.loads(out)
    return run, int(answer["total"])


def line(label: str, run: Run, floor_run: Run | None = None, note: str = "") -> str:
    ratio = f"{floor_run.seconds / run.seconds:5.2f}" if floor_run else "     "
    return (
        f"  {label:<34}{run.seconds:8.1f} s{ratio}  {run.rss_mib:7.0f} MiB"
        f"{run.kept:>11,}  load {run.load:5.2f}  {note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=9_000_000)
    parser.add_argument("--weekly-rows", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--keep-files", action="store_true")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="Seconds of rest before each measured step."
    )
    args = parser.parse_args()
    bench_import.PAUSE_SECONDS = args.pause
    need = int((args.rows + args.weekly_rows) * BYTES_PER_ROW * 1.3)
    free = shutil.disk_usage(args.dir).free
    if free < need:
        sys.exit(f"{args.dir} has {free / 1e9:.1f} GB free; this run needs {need / 1e9:.1f} GB")
    work = Path(tempfile.mkdtemp(prefix="pinpoint-full-size-", dir=args.dir))
    monthly = work / f"npidata_pfile_full_{args.rows}.csv"
    weekly = work / f"npidata_pfile_weekly_{args.weekly_rows}.csv"
    print(f"free disk {free / 1e9:.0f} GB; writing {work}", flush=True)
    lines: list[str] = []
    try:
        made = generate(monthly, args.rows)
        lines.append(line(f"generate monthly ({monthly.stat().st_size / 1e9:.1f} GB)", made))
        made = generate(weekly, args.weekly_rows, weekly_of=args.rows)
        lines.append(line("generate weekly", made))
        print("\n".join(lines), flush=True)
        spec = floor_spec(work)
        for backend in args.backends.split(","):
            lines += run_backend(backend, monthly, weekly, spec, work)
    finally:
        if not args.keep_files:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"\n{args.rows:,}-row monthly file, {args.weekly_rows:,}-row weekly; {os.cpu_count()} CPUs"
    )
    print(f"  {'step':<34}{'wall':>10}{'ratio':>5}  {'peak RSS':>11}{'rows kept':>11}")
    print("\n".join(lines))
    print("ratio: the floor's wall time (same run, just before) / the step's")


def run_backend(backend: str, monthly: Path, weekly: Path, spec: Path, work: Path) -> list[str]:
    schema = None
    if backend == "sqlite":
        url = migrated_sqlite(work)
    else:
        url, schema = migrated_postgres()
    out: list[str] = []

    def note(text: str) -> None:
        out.append(text)
        print(text, flush=True)

    try:
        base = floor(monthly, spec)
        note(line(f"{backend}: floor, monthly", base))
        started = time.perf_counter()
        first = pinpoint_import(monthly, url)
        note(line(f"{backend}: import monthly", first, base, "goal <= 60 s, 1 GiB"))
        found, total = search(url)
        note(line(f"{backend}: find 10001, 25 mi", found, note=f"total {total:,}"))
        if backend == "postgres":
            view = points_view(url)
            note(line(f"{backend}: PostGIS view refresh", view, note="first PostGIS search"))
        base = floor(weekly, spec)
        note(line(f"{backend}: floor, weekly", base))
        week = pinpoint_import(weekly, url)
        note(line(f"{backend}: import weekly on top", week, base))
        found, total = search(url)
        note(line(f"{backend}: find 10001, 25 mi", found, note=f"total {total:,}"))
        if backend == "postgres":
            view = points_view(url)
            note(line(f"{backend}: PostGIS view refresh", view, note="first PostGIS search"))
        print(f"{backend} done in {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        if schema:
            run_sql(f'DROP SCHEMA "{schema}" CASCADE')
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    return out


if __name__ == "__main__":
    main()
