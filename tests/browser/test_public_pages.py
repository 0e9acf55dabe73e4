"""What a person sees: the public pages in Debian's Chromium, driven by Playwright.

A real uvicorn serves the app on a free port of 127.0.0.1 for the module; axe-core
(vendored from npm under ``vendor/``) audits each page for accessibility.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from pinpoint.law.jurisdictions import MAPPED_CODES
from pinpoint.law.service import list_law
from tests.browser.conftest import axe_violations, serve_app

if TYPE_CHECKING:
    from playwright import sync_api

PUBLIC_PAGES = ["/", "/law", "/law/CO", "/law/NJ", "/learn", "/law/XX", "/login"]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A uvicorn process serving the app over an empty data folder."""
    with serve_app(tmp_path_factory.mktemp("browser-data")) as url:
        yield url


def test_map_shows_51_tiles_coloured_by_their_status(base_url: str, page: sync_api.Page) -> None:
    page.goto(f"{base_url}/law")
    tiles = page.eval_on_selector_all(
        "a.tile",
        """els => els.map(el => ({
            code: el.getAttribute('href').slice(5),
            status: el.dataset.status,
            classes: Array.from(el.classList),
            colour: getComputedStyle(el).backgroundColor,
            visible: el.getBoundingClientRect().width > 20,
        }))""",
    )
    swatches = page.eval_on_selector_all(
        ".legend .swatch",
        """els => Object.fromEntries(
            els.map(el => [el.dataset.status, getComputedStyle(el).backgroundColor]))""",
    )
    expected = {
        law.jurisdiction: law.status.value
        for law in list_law().jurisdictions
        if law.jurisdiction in MAPPED_CODES
    }
    assert len(tiles) == 51
    assert {t["code"]: t["status"] for t in tiles} == expected
    assert len(set(swatches.values())) == len(swatches) == 5, "each status has its own colour"
    for tile in tiles:
        assert tile["visible"], tile
        assert f"status-{tile['status']}" in tile["classes"]
        assert tile["colour"] == swatches[tile["status"]], tile


def test_clicking_the_colorado_tile_opens_its_page(base_url: str, page: sync_api.Page) -> None:
    page.goto(f"{base_url}/law")
    page.click("a.tile[href='/law/CO']")
    page.wait_for_url(f"{base_url}/law/CO")
    assert page.locator("h1").inner_text() == "Dry needling in Colorado"


def test_keyboard_tab_reaches_the_zip_input_with_a_visible_focus(
    base_url: str, page: sync_api.Page
) -> None:
    page.goto(base_url)
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "zip":
            break
    else:
        pytest.fail("Tab never reached the ZIP input")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.type("80202")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/find?zip=80202")


def test_table_sorts_by_a_clicked_header(base_url: str, page: sync_api.Page) -> None:
    page.goto(f"{base_url}/law")
    header = page.locator("table.law-table thead th").nth(3)
    header.get_by_role("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    values = page.eval_on_selector_all(
        "table.law-table tbody tr", "rows => rows.map(r => r.cells[3].dataset.sort)"
    )
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers)
    assert all(v for v in values[: len(numbers)]), "blanks sort last"


def test_on_date_form_updates_the_map_in_place(base_url: str, page: sync_api.Page) -> None:
    page.goto(f"{base_url}/law")
    page.evaluate("window.notReloaded = true")
    page.fill("#on", "2012-06-01")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/law?on=2012-06-01*")
    page.wait_for_selector("text=1 June 2012")
    assert page.locator("a.tile").count() == 51
    assert page.evaluate("window.notReloaded === true"), "htmx swapped the results in place"
    page.locator("table.law-table thead th").first.get_by_role("button").click()
    assert page.locator("table.law-table thead th").first.get_attribute("aria-sort") == "descending"


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_axe_finds_no_serious_or_critical_violation(
    base_url: str, page: sync_api.Page, path: str
) -> None:
    page.goto(f"{base_url}{path}")
    severe = axe_violations(page)
    assert severe == []
