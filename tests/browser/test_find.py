"""Finding a practitioner as a person does: search a ZIP in Chromium, see results, open one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from tests.directory import factories as f

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian Chromium missing at /usr/bin/chromium"
    ),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python not installed")

NEAR = f.practitioner("80202", last_name="Nearby", first_name="Nora")
FAR = f.practitioner("80401", last_name="Further", first_name="Frank", city="Golden")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 20) -> None:
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


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn on 127.0.0.1 over a SQLite directory of two practitioners; stopped by handle."""
    data = tmp_path_factory.mktemp("find-data")
    database_url = f"sqlite:///{data / 'pinpoint.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    f.add(engine, [NEAR, FAR], [f.credential(NEAR["npi"], hours=80)])
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "PINPOINT_DATA_DIR": str(data), "PINPOINT_DATABASE_URL": database_url}
    command = [
        sys.executable, "-m", "uvicorn", "pinpoint.web.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{url}/find", process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_search_a_zip_see_results_and_open_one(base_url: str, page: sync_api.Page) -> None:
    page.goto(f"{base_url}/find")
    page.fill("#zip", "80202")
    page.fill("#radius_miles", "30")
    page.click("button[type=submit]")
    page.wait_for_selector("table.results")
    assert "2 practitioners within 30 miles of 80202" in page.inner_text("#results-heading")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 2
    first = rows.nth(0).inner_text()
    assert "Nora Nearby" in first
    assert "Eligible to dry needle here" in first
    assert "Training not on record" in rows.nth(1).inner_text()
    page.click("text=Nora Nearby")
    page.wait_for_url(f"**/practitioners/{NEAR['npi']}")
    assert "Eligible to dry needle here" in page.inner_text("#verdict-heading")
    assert "Dry Needling Level 1" in page.inner_text("main")
    assert page.locator("ul.sources li").count() >= 1


def test_a_malformed_zip_is_explained_on_the_page(base_url: str, page: sync_api.Page) -> None:
    page.goto(f"{base_url}/find?zip=12")
    assert "5 digits" in page.inner_text("[role=alert]")
