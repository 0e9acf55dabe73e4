"""What a clinician sees: log in, open a patient, document a session, read the CPT code.

A real uvicorn serves the app on a free port of 127.0.0.1 over a SQLite file seeded with
the library (a Colorado clinic, a clinician with an eligible NPI, a screened and consented
patient); Debian's Chromium drives it through Playwright, mostly by keyboard; axe-core
audits the chart and the session form. Screenshots go to /tmp/shots/clinic_*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pinpoint.accounts.service import authenticate, create_clinic, create_user
from pinpoint.care import service
from pinpoint.care.schemas import ConsentCreate, EpisodeCreate, PatientCreate, ScreeningCreate
from pinpoint.db.engine import make_engine
from pinpoint.db.migrate import upgrade
from tests.browser.conftest import axe_violations, database_url, serve_app
from tests.care.factories import trained_npi

if TYPE_CHECKING:
    from playwright import sync_api

SHOTS = Path("/tmp/shots")
EMAIL = "clinician@example.org"
PASSWORD = "browser-clinician-2026"


@dataclass(frozen=True)
class Seeded:
    url: str
    patient_id: int
    episode_id: int
    npi: str


def _seed(database_url: str) -> tuple[int, int, str]:
    """A Colorado clinic, its clinician (eligible NPI), a screened and consented patient."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        create_clinic(engine, "Browser Clinic", "CO")
        npi = trained_npi(engine, "CO")
        create_user(engine, EMAIL, "clinician", PASSWORD, "Browser Clinic", npi=npi)
        actor = authenticate(engine, EMAIL, PASSWORD)
        patient = service.create_patient(
            engine,
            actor,
            PatientCreate.model_validate(
                {
                    "mrn": "BR-1",
                    "given_name": "Avery",
                    "family_name": "Testcase",
                    "birth_date": "1985-06-15",
                    "sex": "female",
                }
            ),
        )
        today = date.today().isoformat()
        episode = service.create_episode(
            engine,
            actor,
            patient.id,
            EpisodeCreate.model_validate(
                {"region": "cervical", "icd10": ["M54.2"], "started_on": today}
            ),
        )
        service.record_screening(
            engine, actor, episode.id, ScreeningCreate(findings=["bleeding_risk"])
        )
        service.record_consent(
            engine,
            actor,
            episode.id,
            ConsentCreate(signed_on=date.today(), signed_by="Avery Testcase", form_version="v1"),
        )
        return patient.id, episode.id, npi
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """A uvicorn process serving the seeded database."""
    data = tmp_path_factory.mktemp("clinic-browser")
    patient_id, episode_id, npi = _seed(database_url(data))
    with serve_app(data) as url:
        yield Seeded(url, patient_id, episode_id, npi)


def _shot(page: sync_api.Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"clinic_{name}.png"), full_page=True)


def _log_in(page: sync_api.Page, url: str, target: str = "/clinic") -> None:
    """Log in by keyboard from the redirect a protected page answers with."""
    page.goto(f"{url}{target}")
    page.wait_for_url(re.compile(r".*/login\?next=.*"))
    page.focus("#email")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}{target}")


def _pick_muscle(page: sync_api.Page, index: int, muscle: str, needles: str, twitch: bool) -> None:
    """Choose a muscle, then Tab through side, needle count and twitch by keyboard."""
    page.focus(f"#muscle_{index}")
    page.select_option(f"#muscle_{index}", muscle)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"side_{index}"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"needles_{index}"
    page.keyboard.press("Control+A")
    page.keyboard.type(needles)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"twitch_{index}"
    if twitch:
        page.keyboard.press("Space")


def test_a_clinician_documents_a_session_and_sees_the_cpt_code(
    seeded: Seeded, page: sync_api.Page
) -> None:
    _log_in(page, seeded.url)
    _shot(page, "home")
    page.focus("#q")
    page.keyboard.type("Testcase")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/clinic\?q=Testcase$"))
    page.get_by_role("link", name="Testcase, Avery").click()
    page.wait_for_url(f"{seeded.url}/clinic/patients/{seeded.patient_id}")
    page.get_by_role("link", name="Document a session").click()
    page.wait_for_url(f"**/clinic/episodes/{seeded.episode_id}/sessions/new")
    assert "Bleeding risk" in page.locator(".callout").inner_text()
    assert page.input_value("#practitioner_npi") == seeded.npi

    _pick_muscle(page, 0, "upper_trapezius", "2", twitch=True)
    _pick_muscle(page, 1, "levator_scapulae", "1", twitch=False)
    _pick_muscle(page, 2, "suboccipitals", "3", twitch=True)
    page.focus("#pain_before")
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    assert page.locator("#pain_before-value").inner_text() == "7"
    page.focus("#pain_after")
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    assert page.locator("#pain_after-value").inner_text() == "2"
    page.focus("#co_interventions-stretching")
    page.keyboard.press("Space")
    _shot(page, "session_form")
    page.get_by_role("button", name="Save session").focus()
    page.keyboard.press("Enter")

    page.wait_for_url(f"{seeded.url}/clinic/patients/{seeded.patient_id}#episode-*")
    row = page.locator("table.session-table tbody tr").first
    assert row.locator(".cpt").inner_text() == "20561"
    assert "Upper trapezius" in row.inner_text()
    assert "7 → 2" in row.inner_text()
    _shot(page, "chart")


def test_add_another_muscle_adds_a_row_in_place(seeded: Seeded, page: sync_api.Page) -> None:
    _log_in(page, seeded.url, f"/clinic/episodes/{seeded.episode_id}/sessions/new")
    page.evaluate("window.notReloaded = true")
    assert page.locator(".muscle-row").count() == 6
    page.get_by_role("button", name="Add another muscle").click()
    page.wait_for_selector("#muscle_6")
    page.get_by_role("button", name="Add another muscle").click()
    page.wait_for_selector("#muscle_7")
    assert page.locator(".muscle-row").count() == 8
    assert page.evaluate("window.notReloaded === true"), "htmx added the rows in place"


@pytest.mark.parametrize("where", ["chart", "session_form", "home", "screening", "consent"])
def test_axe_finds_no_serious_or_critical_violation(
    seeded: Seeded, page: sync_api.Page, where: str
) -> None:
    paths = {
        "chart": f"/clinic/patients/{seeded.patient_id}",
        "session_form": f"/clinic/episodes/{seeded.episode_id}/sessions/new",
        "home": "/clinic",
        "screening": f"/clinic/episodes/{seeded.episode_id}/screening",
        "consent": f"/clinic/episodes/{seeded.episode_id}/consent",
    }
    _log_in(page, seeded.url, paths[where])
    assert axe_violations(page) == []
