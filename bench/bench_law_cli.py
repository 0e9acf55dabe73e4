"""Cold process time of `pinpoint law status CO --json`, beside a bare interpreter start.

Median of 10 runs each, alternating so both see the same machine load.
Usage: python bench/bench_law_cli.py [--runs 10]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    entry = shutil.which("pinpoint") or sys.executable
    ours_cmd = (
        [entry, "law", "status", "CO", "--json"]
        if entry != sys.executable
        else [sys.executable, "-m", "pinpoint", "law", "status", "CO", "--json"]
    )
    bare_cmd = [sys.executable, "-c", "pass"]
    ours, bare = [], []
    for _ in range(runs):
        ours.append(_time(ours_cmd))
        bare.append(_time(bare_cmd))
    o, b = statistics.median(ours), statistics.median(bare)
    print(f"pinpoint law status CO --json   median {o * 1000:6.0f} ms  (of {runs})")
    print(f"python -c pass (baseline)       median {b * 1000:6.0f} ms")
    print(f"pinpoint's own share            {max(o - b, 0) * 1000:6.0f} ms; ratio {o / b:.1f}x")


if __name__ == "__main__":
    main()
