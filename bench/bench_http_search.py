"""Benchmark: GET /api/v1/practitioners/search under load, beside the law endpoint.

Builds (once) a directory as a user would: a synthetic 1,000,000-row NPPES file with 20%
relevant individuals imported with ``pinpoint directory import-nppes`` into SQLite (about
199,000 practitioners around the 300 largest cities). Serves it with ``pinpoint serve
--workers 2`` on 127.0.0.1, waits until both workers have built their index, then, in one
run and alternating round by round, runs wrk (64 connections, 2 threads, bounded in time):

- search in a dense city: New York, ZIP 10001, 25 miles, 50 results (about 12,900 within
  the radius), the query of the issue's goal;
- search over many ZIPs: a wrk script cycling through 5,000 ZIPs where practitioners are
  (more than the index keeps areas for, so most requests compute their area afresh);
- the law endpoint ``/api/v1/law/CO``, the baseline.

Prints each median req/s, p50 and p99, the ratio search / law (goal >= 0.5, p99 <= 50 ms)
and the 1-minute load average before each run (figures count only below 1.0). The server
and its workers are stopped by PID.

    python bench/bench_http_search.py [--seconds 10] [--rounds 3] [--port 8200] [--pause 0]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _serve import WrkResult, python, server, wrk

DIR = Path(tempfile.gettempdir()) / "pinpoint-bench-search"
DB = DIR / "search-200k.db"
DENSE = "/api/v1/practitioners/search?zip=10001&radius_miles=25&limit=50"
LAW = "/api/v1/law/CO"


def build_directory() -> None:
    """The 200,000-practitioner directory, imported from a synthetic NPPES file."""
    if DB.is_file():
        return
    DIR.mkdir(parents=True, exist_ok=True)
    csv = DIR / "npidata-1000000-0.2.csv"
    subprocess.run(
        [
            python(),
            "-c",
            "import sys\n"
            "from pinpoint.directory.demo_file import write_demo_file\n"
            "write_demo_file(sys.argv[1], 1_000_000, 0, relevant_share=0.2)",
            str(csv),
        ],
        check=True,
    )
    env = {**os.environ, "PINPOINT_DATABASE_URL": f"sqlite:///{DB}"}
    cmd = [python(), "-m", "pinpoint", "directory", "import-nppes", str(csv), "--json"]
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    csv.unlink()


def many_zips_script(count: int = 5000) -> Path:
    """A wrk script that cycles through ``count`` ZIPs where practitioners practise."""
    with sqlite3.connect(DB) as db:
        zips = [
            r[0]
            for r in db.execute("SELECT DISTINCT zip5 FROM practitioners WHERE zip5 IS NOT NULL")
        ]
    rng = random.Random(7)
    chosen = rng.sample(zips, min(count, len(zips)))
    paths = ",".join(
        f'"/api/v1/practitioners/search?zip={z}&radius_miles=25&limit=50"' for z in chosen
    )
    script = DIR / "many-zips.lua"
    script.write_text(
        f"local paths = {{{paths}}}\n"
        "local i = 0\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\n"
        "end\n"
    )
    return script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument(
        "--pause", type=float, default=0.0, help="Seconds of rest before each measured run."
    )
    args = parser.parse_args()
    build_directory()
    with sqlite3.connect(DB) as db:
        count = db.execute("SELECT COUNT(*) FROM practitioners WHERE active").fetchone()[0]
    script = many_zips_script()
    env = {"PINPOINT_DATABASE_URL": f"sqlite:///{DB}", "PINPOINT_LOG_LEVEL": "warning"}
    base = f"http://127.0.0.1:{args.port}"
    cmd = [python(), "-m", "pinpoint", "serve", "--port", str(args.port), "--workers", "2"]
    runs: dict[str, list[tuple[float, WrkResult]]] = {"dense": [], "many": [], "law": []}
    started = time.monotonic()
    with server(cmd, args.port, LAW, env, timeout=300) as proc:
        settled = wait_until_settled(proc.pid)
        print(f"server ready after {time.monotonic() - started:.0f} s ({settled:.0f} s settling)")
        wrk(base + DENSE, seconds=2)  # warm the connections and both workers
        wrk(base + LAW, seconds=2)
        for r in range(args.rounds):
            for kind, url, extra in (
                ("dense", base + DENSE, None),
                ("law", base + LAW, None),
                ("many", base + "/", script),
            ):
                time.sleep(args.pause)
                load = os.getloadavg()[0]
                runs[kind].append((load, wrk(url, seconds=args.seconds, script=extra)))
            print(f"round {r + 1} of {args.rounds} done, load {os.getloadavg()[0]:.2f}", flush=True)
    report(count, args.seconds, runs)


def report(count: int, seconds: int, runs: dict[str, list[tuple[float, WrkResult]]]) -> None:
    print(f"\ndirectory: {count:,} practitioners (SQLite); 2 uvicorn workers; 127.0.0.1")
    print(f"wrk, 64 connections, 2 threads, {seconds} s a run; medians over the rounds")
    labels = {
        "dense": "search, New York 10001, 25 mi",
        "many": "search, 5,000 ZIPs in turn, 25 mi",
        "law": "law /api/v1/law/CO",
    }
    law_rps = statistics.median(r.requests_per_second for _, r in runs["law"])
    for kind, label in labels.items():
        results = [r for _, r in runs[kind]]
        loads = [load for load, _ in runs[kind]]
        rps = statistics.median(r.requests_per_second for r in results)
        print(
            f"  {label:<36} {rps:>8,.0f} req/s  p50 "
            f"{statistics.median(r.p50_ms for r in results):6.2f} ms  p99 "
            f"{statistics.median(r.p99_ms for r in results):6.2f} ms  errors "
            f"{sum(r.errors for r in results)}  ratio to law {rps / law_rps:.2f}  "
            f"load {min(loads):.2f}-{max(loads):.2f}"
        )
    worst = max(load for values in runs.values() for load, _ in values)
    if worst >= 1.0:
        print(f"PROVISIONAL: the 1-minute load average reached {worst:.2f} (>= 1.0) in this run")


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


def wait_until_settled(session: int, timeout: float = 300) -> float:
    """Wait until the server is idle (workers done building their index); seconds waited."""
    start = time.monotonic()
    used, quiet = _session_cpu_seconds(session), 0
    while quiet < 3 and time.monotonic() - start < timeout:
        time.sleep(0.5)
        now = _session_cpu_seconds(session)
        quiet = quiet + 1 if now - used < 0.05 else 0
        used = now
    return time.monotonic() - start


if __name__ == "__main__":
    main()
