"""GET /api/v1/law/{state} under bounded load, beside a bare Starlette JSON endpoint.

Both servers run uvicorn with 2 workers on 127.0.0.1; wrk uses 64 connections for a
fixed 10 seconds against each, one after the other, in the same run.
Usage: python bench/bench_http_law.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _serve import free_port, python, server, wrk


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="pinpoint-bench-")
    env = {"PINPOINT_DATA_DIR": data, "PINPOINT_LOG_LEVEL": "warning"}

    port = free_port()
    cmd = [python(), "-m", "pinpoint", "serve", "--port", str(port), "--workers", "2"]
    with server(cmd, port, "/api/v1/law/CO", env):
        wrk(f"http://127.0.0.1:{port}/api/v1/law/CO", seconds=2)  # warm every worker
        ours = wrk(f"http://127.0.0.1:{port}/api/v1/law/CO", seconds=args.seconds)

    port = free_port()
    cmd = [
        python(),
        "-m",
        "uvicorn",
        "bare_starlette:app",
        "--port",
        str(port),
        "--workers",
        "2",
        "--log-level",
        "warning",
        "--app-dir",
        str(Path(__file__).parent),
    ]
    with server(cmd, port, "/law/CO", env):
        wrk(f"http://127.0.0.1:{port}/law/CO", seconds=2)
        bare = wrk(f"http://127.0.0.1:{port}/law/CO", seconds=args.seconds)

    print(f"wrk: 64 connections, {args.seconds} s, 2 uvicorn workers, 127.0.0.1")
    print(ours.line("pinpoint GET /api/v1/law/CO"))
    print(bare.line("bare Starlette JSONResponse"))
    print(f"ratio (pinpoint / bare): {ours.requests_per_second / bare.requests_per_second:.2f}")


if __name__ == "__main__":
    main()
