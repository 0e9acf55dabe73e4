"""Benchmark: ``pinpoint directory import-nppes FILE --json`` against the floor, as processes.

Generates (or reuses) a synthetic file in the exact NPPES format (default 1,000,000 rows,
20% of them relevant individuals), then, in one run and alternating round by round,
times each of these as a whole process (interpreter start, imports and exit included),
with its peak RSS (``wait4``), the 1-minute load average before it, and the rows it kept:

- floor: a bare polars streaming pass (``bench/_floor_nppes.py``) that reads every column
  an import needs (79: names, credential, practice address, dates, all 15 taxonomy,
  switch and licence slots) and keeps the same rows as the import's filter;
- first: ``pinpoint directory import-nppes FILE --json`` into an empty, migrated directory;
- again: the same command on the same file into the directory it just filled (all rows
  unchanged: staging, change detection and merge), the path of every later monthly file;
- postgres view: after the first load on PostgreSQL, the PostGIS view's refresh, which the
  import leaves to the first PostGIS search (as it leaves the in-process index to the first
  search), as a process of its own, so its cost is seen beside the import's;

on SQLite (a fresh file per round) and on PostgreSQL (a fresh schema per round; COPY).
Prints each median, the ratio floor / pinpoint
(goal >= 0.5) and the peak RSS (goal <= 1 GiB). Take figures with the 1-minute load
average below 1.0; the script prints it for every run.

    python bench/bench_import.py [--rows 1000000] [--relevant-share 0.2] [--rounds 3]
        [--backends sqlite,postgres] [--dir /tmp] [--delete-file] [--pause 0]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).parent
POSTGRES_URL = os.environ.get(
    "PINPOINT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@dataclass
class Run:
    seconds: float
    rss_mib: float
    load: float
    kept: int


VIEW = "postgres view"
PAUSE_SECONDS = 0.0  # set by --pause: a rest before each measured process


def measure(args: list[str], env: dict[str, str] | None = None) -> tuple[Run, str]:
    """One process: wall time, its own peak RSS (``wait4``), the load average before it;
    and its standard output."""
    time.sleep(PAUSE_SECONDS)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"{args} failed:\n{err.read().decode()[-2000:]}")
        return Run(seconds, usage.ru_maxrss / 1024, load, 0), out.read().decode()


def _python(code: str, *args: str) -> None:
    """Run code in another interpreter: this process stays small, so that a child's peak
    RSS (which starts as a copy of its parent's) is the child's own."""
    subprocess.run([sys.executable, "-c", code, *args], check=True)


def floor_spec(folder: Path) -> Path:
    """The floor's columns and filter: the import's own, serialised for a bare process."""
    spec = folder / "pinpoint-bench-floor-filter.json"
    _python(
        "import json, sys\n"
        "from pinpoint.directory.nppes.columns import NEEDED_COLUMNS\n"
        "from pinpoint.directory.nppes.transform import keep\n"
        "spec = {'columns': list(NEEDED_COLUMNS), 'filter': keep().meta.serialize(format='json')}\n"
        "open(sys.argv[1], 'w').write(json.dumps(spec))",
        str(spec),
    )
    return spec


def floor(path: Path, spec: Path) -> Run:
    run, out = measure([sys.executable, str(BENCH / "_floor_nppes.py"), str(path), str(spec)])
    run.kept = int(out.strip().splitlines()[-1])
    return run


def pinpoint_import(path: Path, url: str) -> Run:
    cmd = [sys.executable, "-m", "pinpoint", "directory", "import-nppes", str(path), "--json"]
    run, out = measure(cmd, {"PINPOINT_DATABASE_URL": url})
    summary = json.loads(out)
    run.kept = (
        summary["kept"]
        + summary["notices"]
        + summary["no_longer_relevant"]
        + sum(summary["rejected"].values())
    )
    return run


def points_view(url: str) -> Run:
    """The first PostGIS search's share after an import: the points view brought up to date
    (:func:`postgis.refresh_points`, as ``ensure_points`` calls it), as a process; kept: the
    view's rows."""
    code = (
        "import sys\n"
        "from sqlalchemy import text\n"
        "from pinpoint.db.engine import make_engine\n"
        "from pinpoint.directory.search.postgis import refresh_points\n"
        "e = make_engine(sys.argv[1])\n"
        "assert refresh_points(e, only_if_changed=True)\n"
        "with e.connect() as c:\n"
        "    print(c.execute(text('SELECT count(*) FROM practitioner_points')).scalar())"
    )
    run, out = measure([sys.executable, "-c", code, url])
    run.kept = int(out.strip())
    return run


def migrated_sqlite(folder: Path) -> str:
    url = f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.db'}"
    _migrate(url)
    return url


def migrated_postgres() -> tuple[str, str]:
    schema = f"bench_import_{uuid.uuid4().hex[:8]}"
    _psql(f'CREATE SCHEMA "{schema}"')
    joiner = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{joiner}options=-csearch_path%3D{schema},public"
    _migrate(url)
    return url, schema


def _migrate(url: str) -> None:
    _python(
        "import sys\n"
        "from pinpoint.db.engine import make_engine\n"
        "from pinpoint.db.migrate import upgrade\n"
        "e = make_engine(sys.argv[1]); upgrade(e); e.dispose()",
        url,
    )


def _psql(statement: str) -> None:
    _python(
        "import sys\n"
        "from sqlalchemy import text\n"
        "from pinpoint.db.engine import make_engine\n"
        "e = make_engine(sys.argv[1])\n"
        "with e.begin() as c: c.execute(text(sys.argv[2]))\n"
        "e.dispose()",
        POSTGRES_URL,
        statement,
    )


def ensure_file(folder: Path, rows: int, share: float) -> Path:
    """The synthetic file (written once; the ZIP table's cache is filled on the way)."""
    path = folder / f"pinpoint-bench-nppes-{rows}-{share:g}-seed0.csv"
    if not path.is_file() or path.stat().st_size == 0:
        start = time.perf_counter()
        _python(
            "import sys\n"
            "from pinpoint.directory.demo_file import write_demo_file\n"
            "write_demo_file(sys.argv[1], int(sys.argv[2]), 0, relevant_share=float(sys.argv[3]))",
            str(path),
            str(rows),
            str(share),
        )
        print(f"generated {path} in {time.perf_counter() - start:.1f} s", flush=True)
    _python("from pinpoint.directory.zip_table import zip_centroids; zip_centroids()")
    return path


def run_rounds(path: Path, rounds: int, backends: list[str]) -> dict[str, list[Run]]:
    results: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        spec = floor_spec(Path(tmp))
        for r in range(rounds):
            results.setdefault("floor", []).append(floor(path, spec))
            for backend in backends:
                schema = None
                if backend == "sqlite":
                    url = migrated_sqlite(Path(tmp))
                else:
                    url, schema = migrated_postgres()
                try:
                    results.setdefault(f"{backend} first", []).append(pinpoint_import(path, url))
                    if backend == "postgres":
                        results.setdefault(VIEW, []).append(points_view(url))
                    results.setdefault("floor", []).append(floor(path, spec))
                    results.setdefault(f"{backend} again", []).append(pinpoint_import(path, url))
                finally:
                    if schema:
                        _psql(f'DROP SCHEMA "{schema}" CASCADE')
                    else:
                        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
            print(f"round {r + 1} of {rounds} done, load {os.getloadavg()[0]:.2f}", flush=True)
    return results


def report(path: Path, rows: int, results: dict[str, list[Run]]) -> None:
    size_gb = path.stat().st_size / 1e9
    floor_s = statistics.median(r.seconds for r in results["floor"])
    print(f"\nfile: {path.name} ({size_gb:.2f} GB, {rows:,} rows); {os.cpu_count()} CPUs")
    print(
        f"{'':14}{'median s':>9}{'min s':>8}{'ratio':>7}{'peak RSS MiB':>13}"
        f"{'rows kept':>11}{'load 1-min (min-max)':>23}"
    )
    for kind, runs in results.items():
        med = statistics.median(r.seconds for r in runs)
        loads = [r.load for r in runs]
        ratio = "-" if kind == VIEW else f"{floor_s / med:.2f}"
        print(
            f"{kind:14}{med:9.2f}{min(r.seconds for r in runs):8.2f}{ratio:>7}"
            f"{max(r.rss_mib for r in runs):13.0f}{runs[0].kept:11,}"
            f"{f'{min(loads):.2f}-{max(loads):.2f}':>23}"
        )
    worst = max(max(r.load for r in runs) for runs in results.values())
    if worst >= 1.0:
        print(f"PROVISIONAL: the 1-minute load average reached {worst:.2f} (>= 1.0) in this run")
    if VIEW in results:
        print(f"{VIEW}: the PostGIS view's refresh, left by the import to the first PostGIS search")
    kept = {runs[0].kept for kind, runs in results.items() if kind != VIEW}
    if len(kept) != 1:
        print(f"WARNING: the runs kept different row counts: {sorted(kept)}")
    print("all runs:", json.dumps({k: [vars(r) for r in v] for k, v in results.items()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--relevant-share", type=float, default=0.2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--delete-file", action="store_true", help="Delete the file at the end.")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="Seconds of rest before each measured run."
    )
    args = parser.parse_args()
    global PAUSE_SECONDS
    PAUSE_SECONDS = args.pause
    path = ensure_file(args.dir, args.rows, args.relevant_share)
    try:
        results = run_rounds(path, args.rounds, args.backends.split(","))
        report(path, args.rows, results)
    finally:
        if args.delete_file:
            path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
