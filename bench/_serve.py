"""Helpers for HTTP benchmarks: start a server on 127.0.0.1, run wrk, stop by PID."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(
    args: list[str],
    port: int,
    ready_path: str,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server process until the block ends; stop it and its workers by PID."""
    proc = subprocess.Popen(
        args,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server {args} did not start") from None
                time.sleep(0.2)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int

    def line(self, label: str) -> str:
        return (
            f"{label:<38} {self.requests_per_second:>9,.0f} req/s   "
            f"p50 {self.p50_ms:6.2f} ms   p99 {self.p99_ms:6.2f} ms   errors {self.errors}"
        )


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _percentile(out: str, pct: int) -> str:
    found = re.search(rf"^\s+{pct}%\s+([\d.]+(?:us|ms|s))\s*$", out, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no {pct}% latency:\n{out}")
    return found.group(1)


def wrk(
    url: str,
    connections: int = 64,
    seconds: int = 10,
    threads: int = 2,
    script: Path | None = None,
) -> WrkResult:
    """One bounded wrk run (fixed duration and connection count) against a loopback URL,
    optionally with a Lua script that chooses each request."""
    assert url.startswith("http://127.0.0.1:"), "load tests only target this machine"
    lua = ["-s", str(script)] if script else []
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *lua, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(_percentile(out, 50))
    p99 = _ms(_percentile(out, 99))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(rps, p50, p99, errors + (int(non2xx.group(1)) if non2xx else 0))


def python() -> str:
    return sys.executable
