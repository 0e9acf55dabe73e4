"""Benchmark (c): GET /api/v1/practitioners/search over HTTP on 127.0.0.1.

Serves the 1,000,000-practitioner SQLite directory that ``bench_search.py`` builds
(/tmp/pinpoint-bench/search.db) with ``pinpoint serve --workers 2``, waits until both workers
have built their index at startup (the server's CPU use settles), then measures, beside the
law endpoint in the same run:
  - one connection, keep-alive, 2,000 requests over varied ZIPs: p50 / p99;
  - wrk, 64 connections, 2 threads, a bounded 10 s, dense-city query (Chicago, 25 miles).
The server and its workers are stopped by PID.

    python bench/bench_http_search.py [--seconds 10] [--requests 2000]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _serve import free_port, python, server, wrk

DB = Path("/tmp/pinpoint-bench/search.db")


def _session_cpu_seconds(session: int) -> float:
    """CPU seconds used so far by every process of a session (the server and its workers)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wait_until_settled(session: int, timeout: float = 180) -> float:
    """Wait until the server is idle (workers done building their index); seconds waited."""
    start = time.monotonic()
    used, quiet = _session_cpu_seconds(session), 0
    while quiet < 3 and time.monotonic() - start < timeout:
        time.sleep(0.5)
        now = _session_cpu_seconds(session)
        quiet = quiet + 1 if now - used < 0.05 else 0
        used = now
    return time.monotonic() - start


def first_requests(port: int, paths: list[str]) -> list[float]:
    """Milliseconds of each request, each on a new connection (any worker may answer)."""
    times = []
    for path in paths:
        t = time.perf_counter_ns()
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
        assert response.status == 200, (path, response.status)
        times.append((time.perf_counter_ns() - t) / 1e6)
    return times


def one_connection(port: int, paths: list[str]) -> tuple[float, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port)
    samples = []
    for i, path in enumerate(paths):
        t = time.perf_counter_ns()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        assert response.status == 200, (path, response.status)
        if i >= 100:  # first requests warm the connection
            samples.append((time.perf_counter_ns() - t) / 1e6)
    conn.close()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    if not DB.exists():
        sys.exit(f"{DB} missing: run bench/bench_search.py first")
    with sqlite3.connect(DB) as db:
        count = db.execute("SELECT COUNT(*) FROM practitioners").fetchone()[0]
        zips = [
            r[0] for r in db.execute("SELECT zip5 FROM practitioners ORDER BY RANDOM() LIMIT 3000")
        ]
    rng = random.Random(3)
    search = [
        f"/api/v1/practitioners/search?zip={rng.choice(zips)}&radius_miles=25&limit=50"
        for _ in range(args.requests)
    ]
    law = ["/api/v1/law/CO"] * args.requests
    env = {"PINPOINT_DATABASE_URL": f"sqlite:///{DB}", "PINPOINT_LOG_LEVEL": "warning"}
    port = free_port()
    cmd = [python(), "-m", "pinpoint", "serve", "--port", str(port), "--workers", "2"]
    dense = (
        f"http://127.0.0.1:{port}/api/v1/practitioners/search?zip=60601&radius_miles=25&limit=50"
    )
    started = time.monotonic()
    with server(cmd, port, "/api/v1/law/CO", env, timeout=180) as proc:
        # Each worker builds its index at startup, before it accepts connections.
        settled = wait_until_settled(proc.pid)
        up = time.monotonic() - started
        print(f"server up and idle after {up:.1f} s (of which {settled:.1f} s waiting for idle)")
        first = first_requests(port, search[:20])  # no search pays for an index build
        wrk(dense, seconds=3)  # a short warm-up of the connections
        single_search = one_connection(port, search)
        single_law = one_connection(port, law)
        many_search = wrk(dense, seconds=args.seconds)
        many_law = wrk(f"http://127.0.0.1:{port}/api/v1/law/CO", seconds=args.seconds)
    print(f"directory: {count:,} practitioners (SQLite), 2 uvicorn workers, 127.0.0.1")
    print(
        f"first {len(first)} searches after startup, new connection each: "
        f"median {statistics.median(first):.2f} ms, slowest {max(first):.2f} ms"
    )
    print(f"one connection, {args.requests - 100} requests:")
    print(
        f"  search (varied ZIPs, 25 mi, limit 50)   p50 {single_search[0]:.3f} ms   "
        f"p99 {single_search[1]:.3f} ms"
    )
    print(
        f"  law /api/v1/law/CO                      p50 {single_law[0]:.3f} ms   "
        f"p99 {single_law[1]:.3f} ms"
    )
    print(f"wrk, 64 connections, {args.seconds} s:")
    print(many_search.line("  search (Chicago, 25 mi, limit 50)"))
    print(many_law.line("  law /api/v1/law/CO"))
    print(
        f"  ratio search / law req/s: "
        f"{many_search.requests_per_second / many_law.requests_per_second:.2f}"
    )


if __name__ == "__main__":
    main()
