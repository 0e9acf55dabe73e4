"""Benchmark: Bulk Data export of a 1,000,000-practitioner directory, and its peak RSS.

Runs ``pinpoint fhir export --directory --out DIR`` as a whole process, alternating with a bare
baseline process that reads the same practitioner rows with SQLAlchemy Core and writes each as
an orjson NDJSON line. Prints wall time, resources (or rows) per second and each process's
peak RSS (``wait4``), the ratio, and the 1-minute load average. Goal: peak RSS <= 1 GiB.

    python bench/bench_fhir_directory.py [--rows 1000000] [--rounds 2]

The directory is the synthetic one of ``bench_search.py`` (practitioners around US metros),
in /tmp/pinpoint-fhir-bench/directory-ROWS.db, reused when already filled.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_search import fill, synthetic_rows
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade

OUT = Path("/tmp/pinpoint-fhir-bench")

BASELINE = r"""
import sys, orjson
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
n = 0
with engine.connect() as conn, open(sys.argv[2] + "/practitioners.ndjson", "wb") as f:
    result = conn.execution_options(yield_per=5000).execute(text("SELECT * FROM practitioners"))
    keys = list(result.keys())
    for row in result:
        f.write(orjson.dumps(dict(zip(keys, row)), default=str))
        f.write(b"\n")
        n += 1
print(n)
"""


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MiB of this process, its stdout)."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, env={**os.environ, **env}, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{args[:4]} exited {proc.returncode}")
    return time.perf_counter() - t, usage.ru_maxrss / 1024, out.decode()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{OUT / f'directory-{a.rows}.db'}"
    engine = make_engine(url)
    upgrade(engine)
    fill(engine, synthetic_rows(a.rows))
    engine.dispose()
    env = {"PINPOINT_DATABASE_URL": url, "PINPOINT_DATA_DIR": str(OUT / "data")}
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for _ in range(a.rounds):
        folder = Path(tempfile.mkdtemp(dir=OUT))
        wall, rss, out = run(
            [
                sys.executable,
                "-m",
                "pinpoint",
                "fhir",
                "export",
                "--directory",
                "--out",
                str(folder / "fhir"),
                "--json",
            ],
            env,
        )
        count = sum(f["count"] for f in json.loads(out)["files"])
        print(
            f" pinpoint: {wall:7.1f} s  {count:>9,} resources  {count / wall:>8,.0f}/s  "
            f"peak RSS {rss:,.0f} MiB  (load {os.getloadavg()[0]:.2f})"
        )
        (folder / "bare").mkdir()
        wall, rss, out = run([sys.executable, "-c", BASELINE, url, str(folder / "bare")], {})
        rows = int(out.strip())
        print(
            f"     bare: {wall:7.1f} s  {rows:>9,} rows       {rows / wall:>8,.0f}/s  "
            f"peak RSS {rss:,.0f} MiB  (load {os.getloadavg()[0]:.2f})"
        )
        shutil.rmtree(folder)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
