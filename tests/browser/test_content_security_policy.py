"""The Content-Security-Policy in a real browser: every page keeps to it, and nothing frames us.

A real uvicorn serves a SQLite file holding the demo clinic (documented episodes, sessions
and an adverse event) and two practitioners near 80202. Debian's Chromium loads every
public page, the login, the API docs, and every clinic page and form a clinician and an
admin can reach, and fails on any CSP violation: the ``securitypolicyviolation`` events
the page fires and the "Content Security Policy" errors Chromium prints to the console.
The htmx interactions (law map filter, "Add another muscle") and the slider outputs run
under the policy too, and the chart must refuse to render inside an iframe.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from pinpoint.care.demo import ADMIN, CLINICIAN, load_demo_clinic
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from tests.browser.conftest import database_url, serve_app
from tests.directory import factories as f

if TYPE_CHECKING:
    from playwright import sync_api

NEAR = f.practitioner("80202", last_name="Nearby", first_name="Nora")
PUBLIC = [
    "/",
    "/law",
    "/law/CO",
    "/law/NJ?profession=chiropractor",
    "/law/XX",  # the error page
    "/learn",
    "/find",
    "/find?zip=80202&radius_miles=30",
    f"/practitioners/{NEAR['npi']}",
    "/login",
    "/no-such-page",
]
LISTEN = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI} in ${e.sourceFile}`);
});
"""


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("csp-browser")
    engine = make_engine(database_url(data))
    upgrade(engine)
    f.add(engine, [NEAR], [f.credential(NEAR["npi"], hours=80)])
    load_demo_clinic(engine)
    engine.dispose()
    with serve_app(data) as url:
        yield url


@dataclass
class Watched:
    """A page whose CSP violations (events and console errors) are collected."""

    page: sync_api.Page
    console: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        events: list[str] = self.page.evaluate("window.cspViolations || []")
        return events + self.console

    def visit(self, url: str) -> list[str]:
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return self.violations()


@pytest.fixture
def watched(page: sync_api.Page) -> Watched:
    page.context.add_init_script(LISTEN)
    seen = Watched(page)
    page.on(
        "console",
        lambda m: seen.console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return seen


def _log_in(page: sync_api.Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base_url}/clinic")


def _links(page: sync_api.Page, prefix: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        f"a[href^='{prefix}']", "links => links.map(a => a.getAttribute('href'))"
    )
    return sorted({h.split("#")[0] for h in hrefs})


def test_the_listener_reports_an_inline_style_and_script(base_url: str, watched: Watched) -> None:
    """The check itself can fail: what the policy forbids is reported."""
    watched.visit(f"{base_url}/law")
    watched.page.evaluate(
        """() => {
          document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
          const script = document.createElement("script");
          script.textContent = "window.ran = true";
          document.body.appendChild(script);
        }"""
    )
    watched.page.wait_for_timeout(200)
    found = watched.violations()
    assert any("style-src" in v for v in found), found
    assert any("script-src" in v for v in found), found
    assert watched.page.evaluate("window.ran === undefined")


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_keep_to_the_policy(base_url: str, watched: Watched, path: str) -> None:
    assert watched.visit(f"{base_url}{path}") == []


def test_the_law_map_tiles_are_placed_without_inline_style(base_url: str, watched: Watched) -> None:
    watched.visit(f"{base_url}/law")
    places = watched.page.eval_on_selector_all(
        ".tile-map li",
        "items => items.map(li => [li.getAttribute('style'), getComputedStyle(li).gridRowStart,"
        " getComputedStyle(li).gridColumnStart])",
    )
    assert len(places) == 51
    assert all(style is None for style, _, _ in places)
    assert len({(row, col) for _, row, col in places}) == 51, "every tile has its own cell"
    assert watched.violations() == []


def test_the_law_filter_swaps_in_place_under_the_policy(base_url: str, watched: Watched) -> None:
    watched.visit(f"{base_url}/law")
    watched.page.evaluate("window.notReloaded = true")
    watched.page.fill("#on", "2012-06-01")
    watched.page.click("form.filters button[type=submit]")
    watched.page.wait_for_selector("text=1 June 2012")
    assert watched.page.evaluate("window.notReloaded === true"), "htmx swapped in place"
    assert watched.page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert watched.violations() == []


def test_the_api_docs_render_from_the_package(base_url: str, watched: Watched) -> None:
    loaded: list[str] = []
    watched.page.on("request", lambda r: loaded.append(r.url))
    watched.visit(f"{base_url}/api/docs")
    watched.page.wait_for_selector(".opblock-summary-path")
    paths = watched.page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/law/{state}" in p for p in paths)
    assert all(url.startswith(base_url) for url in loaded), "nothing from a CDN"
    watched.page.locator(".opblock-summary", has_text="/api/v1/law/{state}").first.click()
    watched.page.get_by_role("button", name="Try it out").click()
    watched.page.fill("input[placeholder='state']", "CO")
    watched.page.get_by_role("button", name="Execute").click()
    status = watched.page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert watched.violations() == []


def test_every_clinic_page_and_form_keeps_to_the_policy(base_url: str, watched: Watched) -> None:
    page = watched.page
    _log_in(page, base_url, CLINICIAN.email, CLINICIAN.password)
    assert watched.violations() == []
    charts = _links(page, "/clinic/patients/")
    assert len(charts) >= 2
    forms: set[str] = set()
    for chart in charts:
        assert watched.visit(f"{base_url}{chart}") == [], chart
        forms |= set(_links(page, "/clinic/episodes/")) | set(_links(page, "/clinic/sessions/"))
        forms |= set(_links(page, f"{chart}/episodes/new"))
    kinds = {re.sub(r"\d+", "N", form) for form in forms}
    assert {
        "/clinic/patients/N/episodes/new",
        "/clinic/episodes/N/sessions/new",
        "/clinic/episodes/N/screening",
        "/clinic/episodes/N/consent",
        "/clinic/sessions/N/adverse-events/new",
    } <= kinds, kinds
    for form in sorted(forms):
        assert watched.visit(f"{base_url}{form}") == [], form
    assert watched.visit(f"{base_url}/clinic?q=Example") == []


def test_clinic_forms_work_under_the_policy(base_url: str, watched: Watched) -> None:
    page = watched.page
    _log_in(page, base_url, CLINICIAN.email, CLINICIAN.password)
    page.fill("#mrn", "CSP-1")
    page.fill("#given_name", "Policy")
    page.fill("#family_name", "Checked")
    page.fill("#birth_date", "1990-02-03")
    page.select_option("#sex", "female")
    page.get_by_role("button", name="Add patient").click()
    page.wait_for_url(re.compile(r".*/clinic/patients/\d+$"))
    assert "Policy Checked" in page.locator("h1").inner_text()

    page.goto(f"{base_url}/clinic?q=Example")
    page.get_by_role("link", name=re.compile("Example")).first.click()
    page.get_by_role("link", name="Document a session").first.click()
    page.wait_for_url(re.compile(r".*/sessions/new$"))
    page.evaluate("window.notReloaded = true")
    rows = page.locator(".muscle-row").count()
    page.get_by_role("button", name="Add another muscle").click()
    page.wait_for_selector(f"#muscle_{rows}")
    assert page.evaluate("window.notReloaded === true"), "htmx added the row in place"
    page.focus("#pain_before")
    page.keyboard.press("End")
    assert page.locator("#pain_before-value").inner_text() == "10", "the output follows"
    assert watched.violations() == []


def test_the_audit_page_keeps_to_the_policy(base_url: str, watched: Watched) -> None:
    _log_in(watched.page, base_url, ADMIN.email, ADMIN.password)
    assert watched.visit(f"{base_url}/audit") == []
    assert watched.page.locator("table").count() >= 1


def _frame_texts(page: sync_api.Page) -> list[str]:
    texts = []
    for frame in page.frames[1:]:
        try:
            texts.append(frame.locator("body").inner_text(timeout=2000))
        except Exception:  # an error page Chromium keeps to itself
            texts.append("")
    return texts


def _frame(page: sync_api.Page, src: str) -> None:
    page.evaluate(
        """(src) => new Promise((done) => {
          const frame = document.createElement("iframe");
          frame.src = src;
          frame.addEventListener("load", () => done());
          document.body.appendChild(frame);
        })""",
        src,
    )
    page.wait_for_timeout(300)


def test_the_chart_does_not_render_inside_a_frame(base_url: str, page: sync_api.Page) -> None:
    _log_in(page, base_url, CLINICIAN.email, CLINICIAN.password)
    chart = f"{base_url}{_links(page, '/clinic/patients/')[0]}"
    page.goto(chart)
    name = page.locator("h1").inner_text()
    assert name

    # The same site framing the chart (the session cookie goes along): refused.
    page.goto(f"{base_url}/learn")
    _frame(page, chart)
    assert all(name not in text for text in _frame_texts(page))

    # Another site framing it: refused as well.
    page.route(
        "http://framing.test/",
        lambda route: route.fulfill(content_type="text/html", body="<!doctype html><p>evil</p>"),
    )
    page.goto("http://framing.test/")
    _frame(page, chart)
    assert all(name not in text for text in _frame_texts(page))


def test_the_frame_check_sees_a_chart_that_renders(base_url: str, page: sync_api.Page) -> None:
    """Control: with the two framing headers stripped, the same frame shows the chart."""
    _log_in(page, base_url, CLINICIAN.email, CLINICIAN.password)
    chart = f"{base_url}{_links(page, '/clinic/patients/')[0]}"
    page.goto(chart)
    name = page.locator("h1").inner_text()

    def strip(route: sync_api.Route) -> None:
        answer = route.fetch()
        headers = {
            k: v
            for k, v in answer.headers.items()
            if k.lower() not in ("content-security-policy", "x-frame-options")
        }
        route.fulfill(response=answer, headers=headers)

    page.route(chart, strip)
    page.goto(f"{base_url}/learn")
    _frame(page, chart)
    assert any(name in text for text in _frame_texts(page))
