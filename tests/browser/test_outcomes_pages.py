"""What a clinician sees of outcomes: the dashboard, an alert leading to the chart, the chart.

A real uvicorn serves a SQLite file seeded through the library: Clinic A with a documented
lumbar course (three sessions, a bruise, NPRS/ODI/PSFS at intake and follow-up), a PHQ-9 with
item 9 above 0 (an open alert), and twelve closed episodes so the dashboard shows rates.
Debian's Chromium drives it by keyboard; axe-core audits the dashboard and the chart.
Screenshots go to /tmp/shots/outcomes_*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pinpoint.accounts.service import create_user
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from pinpoint.outcomes.assessments import record_assessment
from pinpoint.outcomes.records_schemas import AssessmentCreate
from tests.browser.conftest import axe_violations, database_url, serve_app
from tests.care import factories as f
from tests.outcomes.worlds import PASSWORD, closed_episode, document_course

if TYPE_CHECKING:
    from playwright import sync_api

SHOTS = Path("/tmp/shots")
EMAIL = "outcomes-clinician@example.org"


@dataclass(frozen=True)
class Seeded:
    url: str
    patient_id: int
    episode_id: int


def _seed(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        upgrade(engine)
        chart = f.chart(engine, screened=[], name="Clinic A", mrn="MRN-1")
        document_course(engine, chart)
        phq9 = AssessmentCreate.model_validate(
            {
                "instrument": "phq9",
                "responses": [1, 1, 2, 1, 1, 1, 0, 1, 1],
                "taken_on": "2025-03-05",
            }
        )
        record_assessment(engine, chart.clinician, chart.episode_id, phq9)
        for n in range(12):
            closed_episode(engine, chart, f"C-{n}", (7, 4) if n < 8 else (7, 6))
        create_user(engine, EMAIL, "clinician", PASSWORD, "Clinic A")
        return chart.patient_id, chart.episode_id
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    data = tmp_path_factory.mktemp("outcomes-browser")
    patient_id, episode_id = _seed(database_url(data))
    with serve_app(data) as url:
        yield Seeded(url, patient_id, episode_id)


def _shot(page: sync_api.Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"outcomes_{name}.png"), full_page=True)


def _log_in(page: sync_api.Page, url: str, target: str) -> None:
    page.goto(f"{url}{target}")
    page.wait_for_url(re.compile(r".*/login\?next=.*"))
    page.focus("#email")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}{target}")


def _image_loaded(page: sync_api.Page, selector: str) -> bool:
    return bool(page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0"))


def test_the_dashboard_leads_from_an_alert_to_the_chart(
    seeded: Seeded, page: sync_api.Page
) -> None:
    _log_in(page, seeded.url, "/clinic/dashboard")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "Clinic dashboard"
    counts = " ".join(page.get_by_role("list", name="At a glance").inner_text().split())
    assert "1 open PHQ-9 alert" in counts
    assert "12 closed episodes" in counts
    outcomes = page.locator("table", has=page.get_by_role("columnheader", name="Reached the MCID"))
    pain_row = outcomes.get_by_role("row", name=re.compile("Pain \\(NPRS\\)"))
    assert "8 of 12: 66.7 % (39.1 % to 86.2 %)" in pain_row.inner_text()
    odi_row = outcomes.get_by_role("row", name=re.compile("Disability \\(ODI\\)"))
    assert "Not shown as a rate" in odi_row.inner_text()
    assert "Brady et al. 2014" in page.inner_text("main")
    _shot(page, "dashboard")

    alert_link = page.get_by_role("link", name="Synthetic Person")
    alert_link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(
        f"{seeded.url}/clinic/patients/{seeded.patient_id}#episode-{seeded.episode_id}"
    )
    chart = page.locator(f"#progress-{seeded.episode_id} img")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=chart.element_handle())
    assert _image_loaded(page, f"#progress-{seeded.episode_id} img")
    assert "Progress of the lumbar episode from 2025-03-01" in (chart.get_attribute("alt") or "")
    summary = page.locator(f"#progress-{seeded.episode_id} .progress-summary").inner_text()
    assert "Pain (NPRS): The score dropped 4 points (from 8 to 4)." in summary

    words = page.locator(f"#progress-{seeded.episode_id}-words")
    assert not words.is_visible()
    page.locator(f"#progress-{seeded.episode_id} details summary").focus()
    page.keyboard.press("Enter")
    assert words.is_visible()
    assert "7 before and 4 after needling on 2025-03-04" in words.inner_text()
    _shot(page, "chart")

    report = page.request.get(f"{seeded.url}/clinic/episodes/{seeded.episode_id}/report.pdf")
    assert report.status == 200
    assert report.headers["content-type"] == "application/pdf"
    assert report.body().startswith(b"%PDF-")


@pytest.mark.parametrize("where", ["dashboard", "chart"])
def test_axe_finds_no_serious_or_critical_violation(
    seeded: Seeded, page: sync_api.Page, where: str
) -> None:
    paths = {"dashboard": "/clinic/dashboard", "chart": f"/clinic/patients/{seeded.patient_id}"}
    _log_in(page, seeded.url, paths[where])
    if where == "chart":
        page.locator("details.progress-words summary").first.click()
    assert axe_violations(page) == []
