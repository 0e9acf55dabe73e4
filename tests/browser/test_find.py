"""Finding a practitioner as a person does: search a ZIP in Chromium, see results, open one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from tests.browser.conftest import axe_violations, database_url, serve_app
from tests.directory import factories as f

if TYPE_CHECKING:
    from playwright import sync_api

SHOTS = Path("/tmp/shots")
NEAR = f.practitioner("80202", last_name="Nearby", first_name="Nora")
FAR = f.practitioner("80401", last_name="Further", first_name="Frank", city="Golden")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn on 127.0.0.1 over a SQLite directory of two practitioners."""
    data = tmp_path_factory.mktemp("find-data")
    engine = make_engine(database_url(data))
    upgrade(engine)
    filing = f.filing(NEAR["npi"], "CO", kind="registration", reference="CO-DN-7")
    f.add(engine, [NEAR, FAR], [f.credential(NEAR["npi"], hours=80)], filings=[filing])
    engine.dispose()
    with serve_app(data) as url:
        yield url


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
    filings = page.locator("section[aria-labelledby=filings-heading] tbody tr")
    assert filings.count() == 1
    assert "Registration" in filings.inner_text()
    assert "CO-DN-7" in filings.inner_text()
    assert page.locator("ul.sources li").count() >= 1


def test_the_results_map_shows_each_place_with_a_text_alternative(
    base_url: str, page: sync_api.Page
) -> None:
    page.goto(f"{base_url}/find?zip=80202&radius_miles=30")
    figure = page.locator("figure.result-map")
    figure.wait_for()
    svg = figure.locator("svg[role=img]")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box is not None
    assert box["width"] >= 200
    label = svg.get_attribute("aria-label") or ""
    assert "2 practitioners listed, at 2 places" in label
    assert "1 eligible, 1 training not on record" in label
    dots = svg.locator("circle.dot")
    assert dots.count() == 2
    assert svg.locator("circle.dot-eligible").is_visible()
    titles = svg.locator("title").all_text_contents()
    assert any(t.startswith("Nora Nearby, PT, 0 mi away, eligible") for t in titles)
    assert "Training not on record" in figure.locator(".rm-legend").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "find_map.png"), full_page=True)
    assert axe_violations(page) == []


def test_a_malformed_zip_is_explained_on_the_page(base_url: str, page: sync_api.Page) -> None:
    page.goto(f"{base_url}/find?zip=12")
    assert "5 digits" in page.inner_text("[role=alert]")


@pytest.mark.parametrize(
    "path", ["/find", "/find?zip=80202&radius_miles=30", "/find?zip=12", "/practitioners/{npi}"]
)
def test_axe_finds_no_serious_or_critical_violation(
    base_url: str, page: sync_api.Page, path: str
) -> None:
    page.goto(base_url + path.format(npi=NEAR["npi"]))
    assert axe_violations(page) == []
