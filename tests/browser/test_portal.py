"""The demo patient on a phone, then their clinician: the issue's "done when" in a real browser.

A real uvicorn serves the demo clinic and its courses of care (the loaders ``serve --demo``
runs, without the directory's 20,000-row file) from a SQLite file; Debian's Chromium
drives it through Playwright. The demo patient, on a phone-sized screen and with the
keyboard alone, answers a PHQ-9 with item 9 above 0 and an ODI, sees the crisis
resources first and then their progress; the clinician then sees the alert and the new
scores on the chart, and the alert on the clinic dashboard. axe-core audits every new
page. Screenshots go to /tmp/shots/portal_*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from pinpoint.care import demo as care_demo
from pinpoint.care.models import Patient
from pinpoint.config import Settings
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from pinpoint.outcomes.demo import load_demo_outcomes
from tests.browser.conftest import axe_violations, database_url, serve_app

if TYPE_CHECKING:
    from playwright import sync_api

SHOTS = Path("/tmp/shots")
PHONE: sync_api.ViewportSize = {"width": 390, "height": 844}
PHQ9 = [1, 0, 1, 2, 0, 1, 0, 0, 1]  # item 9: "several days"
ODI = [1, 1, 2, 1, 1, 2, 1, 1, 1, 2]  # 13 of 50: 26 %, from 52 % at intake


@dataclass(frozen=True)
class Demo:
    url: str
    patient_id: int


def _seed(data: Path) -> int:
    settings = Settings(data_dir=data, database_url=database_url(data))
    engine = make_engine(database_url(data))
    try:
        upgrade(engine)
        care_demo.load_demo_clinic(engine, settings)
        load_demo_outcomes(engine, settings)
        with engine.connect() as conn:
            found = conn.scalar(select(Patient.id).where(Patient.mrn == care_demo.PATIENT_MRN))
            assert found is not None
            return int(found)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    data = tmp_path_factory.mktemp("portal-browser")
    patient_id = _seed(data)
    with serve_app(data) as url:
        yield Demo(url, patient_id)


@pytest.fixture
def phone(browser: sync_api.Browser) -> Iterator[sync_api.Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def _shot(page: sync_api.Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"portal_{name}.png"), full_page=True)


def _log_in(page: sync_api.Page, url: str, email: str, password: str, lands: str) -> None:
    page.goto(f"{url}{lands}")
    page.wait_for_url(re.compile(r".*/login\?next=.*"))
    page.focus("#email")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}{lands}")


def _fits_the_screen(page: sync_api.Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"


def _no_violations(page: sync_api.Page, where: str) -> None:
    assert axe_violations(page) == [], where


def _answer_by_keyboard(page: sync_api.Page, answers: list[int], audit: bool) -> None:
    """Each screen opens with the focus on its first answer: arrow keys (or Space) choose,
    Enter goes to the next screen."""
    total = len(answers)
    for number, value in enumerate(answers, start=1):
        assert page.locator(".q-where").inner_text() == f"Question {number} of {total}"
        _fits_the_screen(page)
        if audit and number == 1:
            _no_violations(page, "question")
            _shot(page, "question")
        focused = page.evaluate("document.activeElement.id")
        assert focused == f"a{number}-0", "each screen starts with the focus on its answers"
        if value == 0:
            page.keyboard.press("Space")
        for _ in range(value):
            page.keyboard.press("ArrowDown")
        assert page.is_checked(f"#a{number}-{value}")
        with page.expect_navigation():  # Enter submits with the form's first button: Next
            page.keyboard.press("Enter")
    page.wait_for_selector("text=Check your answers")


def test_the_demo_patient_answers_on_a_phone_and_the_clinician_sees_the_alert(
    demo: Demo, phone: sync_api.Page, browser: sync_api.Browser
) -> None:
    page = phone
    _log_in(page, demo.url, care_demo.PATIENT.email, care_demo.PATIENT.password, "/portal")
    _fits_the_screen(page)
    _no_violations(page, "portal home")
    _shot(page, "home")

    page.get_by_role("link", name="Patient Health Questionnaire-9").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/portal/assignments/\d+$"))
    _answer_by_keyboard(page, PHQ9, audit=True)
    assert page.locator(".crisis").is_visible()  # on the check screen already
    _no_violations(page, "check your answers")
    _shot(page, "review")
    page.get_by_role("button", name="Send answers").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/portal/assessments/\d+$"))

    crisis = page.locator(".crisis")
    assert crisis.is_visible()
    assert page.locator("main h1").first.inner_text().startswith("If you are thinking about")
    box = crisis.bounding_box()
    assert box is not None
    assert box["y"] < PHONE["height"] / 2, "the crisis resources open the page"
    assert page.locator('.crisis a[href="tel:988"]').is_visible()
    assert page.locator('.crisis a[href="sms:988"]').is_visible()
    assert "911" in crisis.inner_text()
    _fits_the_screen(page)
    _no_violations(page, "sent, with crisis resources")
    _shot(page, "crisis")

    page.get_by_role("link", name=re.compile("Next: Oswestry Disability Index")).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/portal/assignments/\d+$"))
    assert "licensed" in page.locator(".licensed").inner_text()
    _answer_by_keyboard(page, ODI, audit=False)
    page.get_by_role("button", name="Send answers").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/portal/assessments/\d+$"))
    assert page.locator(".crisis").count() == 0
    sent = page.locator(".progress-card").inner_text()
    assert "has dropped 26 points since you started, from 52 % to 26 %" in sent
    assert "meaningful change for most people with low back pain" in sent
    _no_violations(page, "sent")

    page.goto(f"{demo.url}/portal/progress")
    text = page.locator("main").inner_text()
    assert "Your pain has dropped 2 points since you started" in text
    assert "Your back pain disability score (Oswestry) has dropped 26 points" in text
    charts = page.locator(".progress-chart img")
    assert charts.count() == 1
    for n in range(charts.count()):
        image = charts.nth(n)
        assert image.get_attribute("alt")
        assert page.evaluate(
            "(img) => img.complete && img.naturalWidth > 0", image.element_handle()
        )
    _fits_the_screen(page)
    _no_violations(page, "progress")
    _shot(page, "progress")

    clinician = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        staff = clinician.new_page()
        chart = f"/clinic/patients/{demo.patient_id}"
        email, password = care_demo.CLINICIAN.email, care_demo.CLINICIAN.password
        _log_in(staff, demo.url, email, password, chart)
        alert = staff.locator(".safety-alert")
        assert alert.count() == 1
        assert "PHQ-9 item 9" in alert.inner_text()
        assert "open safety alert" in staff.locator("main").inner_text()
        scores = staff.locator(".outcome-table tbody").inner_text()
        assert re.search(
            r"Patient Health Questionnaire-9, PHQ-9: 6 out of 27.*item 9 above 0", scores
        )
        assert "Oswestry Disability Index, ODI 2.1a: 26 % (out of 100)" in scores
        assert "By the patient (portal)" in scores
        _no_violations(staff, "chart with outcomes")
        _shot(staff, "clinician_chart")

        staff.goto(f"{demo.url}/clinic/dashboard")
        alerts = staff.locator("#alerts-heading + * , section[aria-labelledby=alerts-heading]")
        row = alerts.locator("tr", has_text="Jordan Example")
        assert row.count() == 1, "the new alert is on the dashboard"
        assert "PHQ-9 item 9" in row.inner_text()
        counts = staff.locator(".dashboard-counts").inner_text()
        assert re.search(r"\b2\s+open PHQ-9 alerts", counts)  # the demo's, and the new one
        _no_violations(staff, "dashboard")
        _shot(staff, "dashboard")
        row.get_by_role("link", name="Jordan Example").click()
        staff.wait_for_url(re.compile(rf".*/clinic/patients/{demo.patient_id}#episode-\d+$"))
    finally:
        clinician.close()


@pytest.mark.parametrize("where", ["sessions", "side_effect_form", "side_effect_sent"])
def test_the_side_effect_pages_work_on_a_phone_and_pass_axe(
    demo: Demo, phone: sync_api.Page, where: str
) -> None:
    page = phone
    _log_in(page, demo.url, care_demo.PATIENT.email, care_demo.PATIENT.password, "/portal/sessions")
    if where != "sessions":
        page.get_by_role("link", name=re.compile("Report a side effect")).first.click()
        page.wait_for_url(re.compile(r".*/side-effects/new$"))
    if where == "side_effect_sent":
        page.focus("#type-headache")
        page.keyboard.press("Space")
        page.focus("#severity-mild")
        page.keyboard.press("Space")
        page.get_by_role("button", name="Send to my clinic").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/portal/side-effects/\d+$"))
        assert "your clinic will review your report" in page.locator("main").inner_text()
    _fits_the_screen(page)
    _no_violations(page, where)
    _shot(page, where)


def test_the_review_page_of_a_reported_side_effect_passes_axe(
    demo: Demo, browser: sync_api.Browser
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        chart = f"/clinic/patients/{demo.patient_id}"
        email, password = care_demo.CLINICIAN.email, care_demo.CLINICIAN.password
        _log_in(page, demo.url, email, password, chart)
        page.locator(".outcomes").get_by_role("link", name=re.compile("Review it")).first.click()
        page.wait_for_url(re.compile(r".*/clinic/adverse-events/\d+/review$"))
        _no_violations(page, "review form")
        _shot(page, "review_form")
    finally:
        context.close()
