"""The harness the browser tests share: a real uvicorn, Debian's Chromium, and axe-core.

``serve_app`` runs the app under uvicorn on a free port of 127.0.0.1 over a data folder
and stops it through its own handle; ``browser`` drives ``/usr/bin/chromium`` through
Playwright for the session and ``page`` opens a fresh context per test; ``axe_violations``
audits a page with the axe-core vendored from npm under ``vendor/``. Every test below this
folder is marked ``browser`` and skipped with a visible reason when Chromium or Playwright
is missing.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

HERE = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")
AXE = HERE / "vendor" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _missing() -> str | None:
    """Why these tests cannot drive a browser, or None when they can."""
    if not CHROMIUM.exists():
        return "Debian Chromium missing at /usr/bin/chromium (apt-get install -y chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python not installed"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``browser``; skip them when the browser is missing."""
    reason = _missing()
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def database_url(data_dir: Path) -> str:
    """The SQLite file the served app uses inside ``data_dir``."""
    return f"sqlite:///{data_dir / 'pinpoint.db'}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not answer at {url} within {timeout} s")


@contextmanager
def serve_app(data_dir: Path, extra_env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve the app over ``data_dir`` with uvicorn; yield its base URL, then stop it."""
    port = _free_port()
    env = {
        **os.environ,
        "PINPOINT_DATA_DIR": str(data_dir),
        "PINPOINT_DATABASE_URL": database_url(data_dir),
        **(extra_env or {}),
    }
    command = [
        sys.executable, "-m", "uvicorn", "pinpoint.web.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}/", process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each.

    axe is evaluated through the DevTools protocol rather than added as a ``<script>``,
    which the pages' Content-Security-Policy (no inline script) would refuse."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run()")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
