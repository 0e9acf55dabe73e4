"""The PDF progress report: rendered to images and read back, and who may have it."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine

from pinpoint.care import service
from pinpoint.care.schemas import PatientUpdate
from pinpoint.config import Settings
from pinpoint.outcomes.report import progress_report
from pinpoint.web.app import create_app
from tests.outcomes.worlds import CourseWorld, course_world, log_in

API_URL = "/api/v1/episodes/{}/report.pdf"
PAGE_URL = "/clinic/episodes/{}/report.pdf"
CHART_BLUE = (0, 114, 178)


@pytest.fixture
def world(engine: Engine, db_settings: Settings) -> CourseWorld:
    return course_world(engine, db_settings)


def _pages(pdf: bytes) -> tuple[list[str], list[Image.Image]]:
    document = pdfium.PdfDocument(pdf)
    try:
        texts, images = [], []
        for index in range(len(document)):
            page = document[index]
            texts.append(page.get_textpage().get_text_range())
            images.append(page.render(scale=1.0).to_pil().convert("RGB"))
        return texts, images
    finally:
        document.close()


def _has_colour(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> bool:
    for _count, pixel in image.getcolors(maxcolors=1 << 22) or []:
        assert isinstance(pixel, tuple)  # a colour image's colours are tuples
        if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True)):
            return True
    return False


def test_the_report_holds_the_patient_plan_sessions_scores_events_and_chart(
    world: CourseWorld,
) -> None:
    answer = world.get(API_URL.format(world.episode_id), "clinician")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.content.startswith(b"%PDF-")
    texts, images = _pages(answer.content)
    text = " ".join(" ".join(t.split()) for t in texts)
    for expected in [
        "Dry needling progress report",
        "Clinic A (CO)",
        "Synthetic Person",
        "MRN-1",
        "1980-01-02",
        "Lumbar, active",
        "M54.50",
        "Therapeutic exercise",
        "twice a week, 4 weeks",
        "Sessions (3)",
        "20560",
        "7 → 4",
        "Oswestry Disability Index, ODI 2.1a: 48 % (out of 100), severe disability",
        "Pain (NPRS) 8 → 4 -4 2 points or 30 % [1] yes",
        "Ostelo",
        "guidance, not a verdict on one patient",
        "Adverse events (1)",
        "Bruising",
        "mild",
    ]:
        assert expected in text, expected
    # Every page says whose report it is and its number.
    for number, page_text in enumerate(texts, start=1):
        assert "Person, Synthetic · MRN MRN-1" in page_text
        assert f"page {number}" in page_text
    # The chart is drawn: its pain line's blue is on the page that carries it.
    chart_pages = [i for i, t in enumerate(texts) if "Progress chart" in t]
    assert chart_pages
    assert _has_colour(images[chart_pages[0]], CHART_BLUE)
    assert all(image.width > 600 for image in images)


def test_names_in_any_script_are_printed_not_dropped(world: CourseWorld) -> None:
    actor = world.chart.clinician
    current = service.get_patient(world.engine, actor, world.chart.patient_id)
    change = PatientUpdate(version=current.version, given_name="Zoë", family_name="Łukasz-Øster")
    service.update_patient(world.engine, actor, world.chart.patient_id, change)
    texts, _ = _pages(progress_report(world.engine, actor, world.episode_id))
    assert "Zoë Łukasz-Øster" in texts[0]


def test_only_staff_of_the_clinic_get_the_report(world: CourseWorld) -> None:
    url = API_URL.format(world.episode_id)
    assert world.get(url, "admin").status_code == 200
    assert world.get(url, "patient").status_code == 403
    assert world.get(url, "operator").status_code == 403
    assert world.get(url, "other_clinic").status_code == 404
    assert world.get(url, "anonymous").status_code == 401
    assert world.get(API_URL.format(world.other_clinic_episode), "clinician").status_code == 404


def test_every_report_is_audited_as_an_export(world: CourseWorld) -> None:
    world.get(API_URL.format(world.episode_id), "clinician")
    world.get(API_URL.format(world.episode_id), "admin")
    exports = world.audited("export", "progress_report")
    assert [e.record_id for e in exports] == [str(world.episode_id)] * 2
    assert all(e.outcome == "ok" for e in exports)


def test_the_clinic_page_serves_the_report_to_a_logged_in_clinician(
    world: CourseWorld, db_settings: Settings
) -> None:
    client = TestClient(create_app(db_settings))
    away = client.get(PAGE_URL.format(world.episode_id), follow_redirects=False)
    assert away.status_code == 303
    assert away.headers["location"].startswith("/login?next=")
    log_in(client, "cl@example.org")
    answer = client.get(PAGE_URL.format(world.episode_id))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["cache-control"] == "no-store"
    assert client.get(PAGE_URL.format(world.other_clinic_episode)).status_code == 404
    log_in(client, "pat@example.org")
    assert client.get(PAGE_URL.format(world.episode_id)).status_code == 403
