"""Benchmark (a): Pinpoint's whole NPPES import against a bare polars streaming filter.

Generates (or reuses) a 1,000,000-row synthetic file in the exact NPPES format in /tmp,
then, in one run and alternating, measures in a fresh subprocess each:

- pinpoint: ``import_nppes`` into a fresh SQLite database (parse, filter, transform,
  stage, merge, record the run);
- polars: ``scan_csv(...).select(needed).filter(same rows).collect(engine="streaming")``.

Prints the medians, the ratio (polars time / Pinpoint time; goal >= 0.5), the peak RSS of
each (``resource.getrusage`` in the subprocess; goal <= 1 GiB) and the projected time for
the ~10.8 GB monthly file (goal <= 60 s).

    python bench/bench_import.py [--rows 1000000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MONTHLY_GB = 10.8


def _measure_pinpoint(path: Path) -> dict[str, float]:
    from pinpoint.db.engine import make_engine
    from pinpoint.db.migrate import upgrade
    from pinpoint.directory.nppes import import_nppes

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade(engine)
        start = time.perf_counter()
        summary = import_nppes(engine, path, progress=False)
        seconds = time.perf_counter() - start
        engine.dispose()
    return {"seconds": seconds, "kept": summary.kept + summary.notices}


def _measure_polars(path: Path) -> dict[str, float]:
    import polars as pl

    from pinpoint.directory.nppes import NEEDED_COLUMNS, _keep

    start = time.perf_counter()
    frame = (
        pl.scan_csv(path, infer_schema=False)
        .select(list(NEEDED_COLUMNS))
        .filter(_keep())
        .collect(engine="streaming")
    )
    return {"seconds": time.perf_counter() - start, "kept": frame.height}


def _child(kind: str, path: Path) -> None:
    result = (_measure_pinpoint if kind == "pinpoint" else _measure_polars)(path)
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
    size_gb = path.stat().st_size / 1e9
    results: dict[str, list[dict[str, float]]] = {"pinpoint": [], "polars": []}
    for _ in range(args.rounds):
        for kind in ("polars", "pinpoint"):
            results[kind].append(_run(kind, path))
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    rss = {k: max(r["rss_mib"] for r in v) for k, v in results.items()}
    kept = {k: v[0]["kept"] for k, v in results.items()}
    print(f"file: {path} ({size_gb:.2f} GB, {args.rows:,} rows), {args.rounds} rounds, medians")
    print(
        f"{'':10}{'seconds':>10}{'MB/s':>10}{'s per GB':>10}{'peak RSS MiB':>14}{'rows kept':>11}"
    )
    for kind in ("polars", "pinpoint"):
        print(
            f"{kind:10}{med[kind]:10.2f}{size_gb * 1000 / med[kind]:10.0f}"
            f"{med[kind] / size_gb:10.2f}{rss[kind]:14.0f}{kept[kind]:11,.0f}"
        )
    ratio = med["polars"] / med["pinpoint"]
    projected = med["pinpoint"] / size_gb * MONTHLY_GB
    print(f"ratio polars/pinpoint: {ratio:.2f} (goal >= 0.5)")
    print(f"peak RSS pinpoint: {rss['pinpoint']:.0f} MiB (goal <= 1024)")
    print(f"projected for the {MONTHLY_GB} GB monthly file: {projected:.0f} s (goal <= 60)")
    print("all rounds:", json.dumps(results))


if __name__ == "__main__":
    main()
