"""GET /api/v1/law/{state} with and without the security headers and body limit.

Two uvicorn servers (2 workers each) run the same app built by ``create_app``: one as
served, one with the ``SecureHeaders`` and ``BodyLimit`` middlewares taken out
(``app_variants.py``). wrk (64 connections) loads them in turn, alternating, for
``--rounds`` rounds of ``--seconds`` each; the medians, their ratio and the load average
before and after are printed. A ratio near 1.00 means the layers cost nothing visible.
Usage: python bench/bench_http_headers.py [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _serve import WrkResult, free_port, python, server, wrk

PATH = "/api/v1/law/CO"


def _command(factory: str, port: int) -> list[str]:
    return [
        python(), "-m", "uvicorn", f"app_variants:{factory}", "--factory",
        "--port", str(port), "--workers", "2", "--log-level", "warning",
        "--app-dir", str(Path(__file__).parent),
    ]  # fmt: skip


def _has_headers(port: int) -> bool:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{PATH}", timeout=5) as answer:
        return answer.headers.get("content-security-policy") is not None


def _median(runs: list[WrkResult]) -> WrkResult:
    return WrkResult(
        statistics.median(r.requests_per_second for r in runs),
        statistics.median(r.p50_ms for r in runs),
        statistics.median(r.p99_ms for r in runs),
        sum(r.errors for r in runs),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port-base", type=int, default=0, help="use this port and the next")
    args = parser.parse_args()
    env = {
        "PINPOINT_DATA_DIR": tempfile.mkdtemp(prefix="pinpoint-bench-"),
        "PINPOINT_LOG_LEVEL": "warning",
    }
    before = os.getloadavg()
    base = args.port_base
    ports = {
        "hardened": base or free_port(),
        "unhardened": base + 1 if base else free_port(),
    }
    runs: dict[str, list[WrkResult]] = {name: [] for name in ports}
    with (
        server(_command("hardened", ports["hardened"]), ports["hardened"], PATH, env),
        server(_command("unhardened", ports["unhardened"]), ports["unhardened"], PATH, env),
    ):
        assert _has_headers(ports["hardened"]), "the served app lost its headers"
        assert not _has_headers(ports["unhardened"]), "the baseline still has them"
        for port in ports.values():
            wrk(f"http://127.0.0.1:{port}{PATH}", seconds=2)  # warm every worker
        for _ in range(args.rounds):
            for name, port in ports.items():
                runs[name].append(wrk(f"http://127.0.0.1:{port}{PATH}", seconds=args.seconds))
    after = os.getloadavg()

    ours, bare = _median(runs["hardened"]), _median(runs["unhardened"])
    print(f"wrk: 64 connections, {args.rounds} x {args.seconds} s alternating, 2 workers each")
    print(ours.line(f"with headers + body limit {PATH}"))
    print(bare.line(f"without them {PATH}"))
    print(f"ratio (with / without): {ours.requests_per_second / bare.requests_per_second:.2f}")
    print(
        f"load average before {before[0]:.2f} {before[1]:.2f}, after {after[0]:.2f} {after[1]:.2f}"
    )
    if before[0] > 1.0:
        print("provisional: the 1-minute load average was above 1.0 when the run started")


if __name__ == "__main__":
    main()
