"""Benchmark: ``PractitionerRole?location.near`` beside the JSON search it mirrors.

Starts ``pinpoint serve`` (1 worker) on 127.0.0.1 over the synthetic directory of
``bench_search.py`` and times, one request at a time and alternating, the same queries as
``GET /api/v1/practitioners/search?zip=Z&radius_miles=R`` and as
``GET /fhir/R4/PractitionerRole?location.near=LAT|LON|R|mi`` around Z's centroid (50 results
each). Prints p50 and p99 of each, the ratio of the p50s, and the 1-minute load average.
Goal: FHIR p50 <= 2x the JSON search's.

    python bench/bench_fhir_search.py [--rows 200000] [--queries 400] [--port 8301]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _serve import python, server
from bench_search import fill, synthetic_rows
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from pinpoint.directory import geo

OUT = Path("/tmp/pinpoint-fhir-bench")


def get(url: str) -> float:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as answer:  # loopback only
        answer.read()
        assert answer.status == 200
    return (time.perf_counter() - t) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--radius", type=float, default=25.0)
    ap.add_argument("--port", type=int, default=8301)
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{OUT / f'directory-{a.rows}.db'}"
    engine = make_engine(url)
    upgrade(engine)
    rows = synthetic_rows(a.rows)
    fill(engine, rows)
    engine.dispose()
    rng = random.Random(3)
    zips = [str(r[12]) for r in rng.sample(rows, a.queries)]
    base = f"http://127.0.0.1:{a.port}"
    env = {"PINPOINT_DATABASE_URL": url, "PINPOINT_DATA_DIR": str(OUT / "data")}
    args = [python(), "-m", "pinpoint", "serve", "--port", str(a.port), "--workers", "1"]
    with server(args, a.port, "/fhir/R4/metadata", env=env):
        json_ms: list[float] = []
        fhir_ms: list[float] = []
        for z in zips[:20]:  # warm up both paths (index, verdicts)
            get(f"{base}/api/v1/practitioners/search?zip={z}&radius_miles={a.radius}")
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        for z in zips:
            point = geo.zip_centroid(z)
            near = f"{point.latitude}|{point.longitude}|{a.radius}|mi"
            json_ms.append(
                get(f"{base}/api/v1/practitioners/search?zip={z}&radius_miles={a.radius}")
            )
            fhir_ms.append(get(f"{base}/fhir/R4/PractitionerRole?location.near={near}"))
        print(f"load average after: {os.getloadavg()[0]:.2f}")
    for label, ms in (("JSON search", json_ms), ("FHIR location.near", fhir_ms)):
        q = statistics.quantiles(ms, n=100)
        print(
            f"{label:>20}: p50 {statistics.median(ms):6.2f} ms  p99 {q[98]:6.2f} ms  "
            f"({len(ms)} requests)"
        )
    ratio = statistics.median(fhir_ms) / statistics.median(json_ms)
    print(f"ratio of p50s (FHIR / JSON): {ratio:.2f}")


if __name__ == "__main__":
    main()
