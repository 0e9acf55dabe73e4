"""Benchmark (a): Pinpoint's whole NPPES import against a bare polars streaming filter.

Generates (or reuses) a 1,000,000-row synthetic file in the exact NPPES format in /tmp,
then, in one run and alternating, measures each in a fresh subprocess:

- polars: ``scan_csv(...).select(needed).filter(same rows).collect(engine="streaming")``;
- pinpoint: ``import_nppes`` into a fresh SQLite database (parse, filter, transform,
  write, record the run, refresh the search index): the first monthly load;
- reimport: the same file again into the directory it filled (staging, change detection
  and merge against 50,000 practitioners), the path of every later monthly file.

Prints the medians, the ratio (polars time / Pinpoint time; goal >= 0.5), the peak RSS of
each (``resource.getrusage`` in the subprocess; goal <= 1 GiB), the CPU seconds (user +
system, all threads: steadier than wall time on a busy machine) and the projected time for
the ~10.8 GB monthly file (goal <= 60 s). Modules are imported before the clock starts
on both sides; reading the cached ZIP table is inside it.

    python bench/bench_import.py [--rows 1000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MONTHLY_GB = 10.8


def _measure_pinpoint(path: Path, *, reimport: bool = False) -> dict[str, float]:
    from pinpoint.db.engine import make_engine
    from pinpoint.db.migrate import upgrade
    from pinpoint.directory.nppes import import_nppes

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade(engine)
        if reimport:
            import_nppes(engine, path, progress=False)
        start, cpu = time.perf_counter(), _cpu()
        summary = import_nppes(engine, path, progress=False)
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        engine.dispose()
    return {"seconds": seconds, "cpu": cpu, "kept": summary.kept + summary.notices}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure_polars(path: Path) -> dict[str, float]:
    import polars as pl

    from pinpoint.directory.nppes.columns import NEEDED_COLUMNS
    from pinpoint.directory.nppes.transform import keep

    start, cpu = time.perf_counter(), _cpu()
    frame = (
        pl.scan_csv(path, infer_schema=False)
        .select(list(NEEDED_COLUMNS))
        .filter(keep())
        .collect(engine="streaming")
    )
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu, "kept": frame.height}


def _child(kind: str, path: Path) -> None:
    if kind == "polars":
        result = _measure_polars(path)
    else:
        result = _measure_pinpoint(path, reimport=kind == "reimport")
    result["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _run(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _ensure_file(rows: int) -> Path:
    from pinpoint.directory.demo_file import write_demo_file

    path = Path(tempfile.gettempdir()) / f"pinpoint-bench-nppes-{rows}-seed0.csv"
    if not path.is_file() or path.stat().st_size == 0:
        start = time.perf_counter()
        write_demo_file(path, rows, seed=0)
        print(f"generated {path} in {time.perf_counter() - start:.1f} s")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _child(args.measure[0], Path(args.measure[1]))
        return
    path = _ensure_file(args.rows)
    from pinpoint.directory.zip_table import zip_centroids

    zip_centroids()  # fills the ZIP table cache file once, as any first import would
    kinds = ("polars", "pinpoint", "reimport")
    results: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    for _ in range(args.rounds):
        for kind in kinds:
            results[kind].append(_run(kind, path))
    _report(path, args.rows, args.rounds, results)


def _report(path: Path, rows: int, rounds: int, results: dict[str, list[dict[str, float]]]) -> None:
    size_gb = path.stat().st_size / 1e9
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    cpu = {k: statistics.median(r["cpu"] for r in v) for k, v in results.items()}
    rss = {k: max(r["rss_mib"] for r in v) for k, v in results.items()}
    kept = {k: v[0]["kept"] for k, v in results.items()}
    print(f"file: {path} ({size_gb:.2f} GB, {rows:,} rows), {rounds} rounds, medians")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'':10}{'seconds':>10}{'MB/s':>8}{'s per GB':>10}{'ratio':>7}{'cpu s':>8}"
        f"{'peak RSS MiB':>14}{'rows kept':>11}"
    )
    for kind in results:
        print(
            f"{kind:10}{med[kind]:10.2f}{size_gb * 1000 / med[kind]:8.0f}"
            f"{med[kind] / size_gb:10.2f}{med['polars'] / med[kind]:7.2f}{cpu[kind]:8.2f}"
            f"{rss[kind]:14.0f}{kept[kind]:11,.0f}"
        )
    for kind in ("pinpoint", "reimport"):
        ratio = med["polars"] / med[kind]
        projected = med[kind] / size_gb * MONTHLY_GB
        print(
            f"{kind}: ratio polars/pinpoint {ratio:.2f} (goal >= 0.5), peak RSS "
            f"{rss[kind]:.0f} MiB (goal <= 1024), projected for the {MONTHLY_GB} GB monthly "
            f"file {projected:.0f} s (goal <= 60)"
        )
    print("all rounds:", json.dumps(results))


if __name__ == "__main__":
    main()
