"""An episode's progress and chart over HTTP: who may see it, what it says, how it is served."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine

from pinpoint.config import Settings
from pinpoint.web.app import create_app
from tests.outcomes.worlds import CourseWorld, course_world, log_in

SVG_URL = "/charts/episodes/{}/progress.svg"
PNG_URL = "/charts/episodes/{}/progress.png"
JSON_URL = "/api/v1/episodes/{}/progress"


@pytest.fixture
def world(engine: Engine, db_settings: Settings) -> CourseWorld:
    return course_world(engine, db_settings)


def test_progress_json_has_the_series_the_change_and_its_words(world: CourseWorld) -> None:
    answer = world.get(JSON_URL.format(world.episode_id), "clinician")
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    pain = body["pain"]
    assert [(p["on"], p["source"], p["value"]) for p in pain["points"]][:4] == [
        ("2025-03-01", "assessment", 8.0),
        ("2025-03-04", "session_before", 7.0),
        ("2025-03-04", "session_after", 4.0),
        ("2025-03-11", "session_before", 6.0),
    ]
    # The course: 8 at intake to 4 at follow-up (day 30, after the last session).
    assert pain["change"]["before"] == 8
    assert pain["change"]["after"] == 4
    assert pain["change"]["meets_mcid"] is True
    assert pain["mcid"]["citation"].startswith("Ostelo")
    assert [s["measure"] for s in body["function"]] == ["odi", "psfs"]
    assert [s["cpt_code"] for s in body["sessions"]] == ["20560", "20560", "20560"]
    assert body["summary"][0].startswith("Pain (NPRS): The score dropped 4 points (from 8 to 4).")
    assert any("guidance" in line for line in body["summary"])
    assert body["text_alternative"][0].startswith("Progress of the lumbar episode from 2025-03-01")


def test_the_chart_is_served_as_svg_and_png_without_caching(world: CourseWorld) -> None:
    svg = world.get(SVG_URL.format(world.episode_id), "clinician")
    assert svg.status_code == 200
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.headers["cache-control"] == "no-store"
    root = ET.fromstring(svg.content)
    assert root[0].text == "Progress of the lumbar episode from 2025-03-01"
    assert "8 (questionnaire) on 2025-03-01" in (root[1].text or "")
    png = world.get(PNG_URL.format(world.episode_id), "admin")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.headers["cache-control"] == "no-store"
    assert Image.open(io.BytesIO(png.content)).width == 800


@pytest.mark.parametrize("url", [SVG_URL, PNG_URL, JSON_URL])
def test_the_patient_sees_their_own_progress_and_nobody_elses(world: CourseWorld, url: str) -> None:
    assert world.get(url.format(world.episode_id), "patient").status_code == 200
    assert world.get(url.format(world.other_patient_episode), "patient").status_code == 404
    assert world.get(url.format(world.other_clinic_episode), "patient").status_code == 404


@pytest.mark.parametrize("url", [SVG_URL, PNG_URL, JSON_URL])
def test_other_clinics_operators_and_strangers_are_refused(world: CourseWorld, url: str) -> None:
    assert world.get(url.format(world.episode_id), "other_clinic").status_code == 404
    assert world.get(url.format(world.other_clinic_episode), "clinician").status_code == 404
    assert world.get(url.format(world.episode_id), "operator").status_code == 403
    assert world.get(url.format(world.episode_id), "anonymous").status_code == 401
    assert world.get(url.format(999_999), "clinician").status_code == 404


def test_every_chart_read_is_audited_and_refusals_too(world: CourseWorld) -> None:
    before = len(world.audited("read", "progress"))
    world.get(SVG_URL.format(world.episode_id), "clinician")
    world.get(PNG_URL.format(world.episode_id), "patient")
    world.get(JSON_URL.format(world.episode_id), "admin")
    reads = world.audited("read", "progress")
    assert len(reads) == before + 3
    assert {r.record_id for r in reads} == {str(world.episode_id)}
    world.get(SVG_URL.format(world.episode_id), "other_clinic")
    denied = [r for r in world.audited("read", "episode") if r.outcome == "denied"]
    assert [r.record_id for r in denied] == [str(world.episode_id)]


def test_the_clinic_chart_page_shows_the_chart_and_its_words(
    world: CourseWorld, db_settings: Settings
) -> None:
    client = TestClient(create_app(db_settings))
    log_in(client, "cl@example.org")
    page = client.get(f"/clinic/patients/{world.chart.patient_id}")
    assert page.status_code == 200
    html = page.text
    assert f'src="/charts/episodes/{world.episode_id}/progress.svg"' in html
    assert f'aria-describedby="progress-{world.episode_id}-words"' in html
    assert "The chart in words" in html
    assert "7 before and 4 after needling on 2025-03-04" in html
    assert "Pain (NPRS): The score dropped 4 points (from 8 to 4)." in html
    assert f'href="/clinic/episodes/{world.episode_id}/report.pdf"' in html
    assert ' style="' not in html.split('<section class="progress"')[1].split("</section>")[0]
    # The image the page points to answers to the same logged-in browser.
    svg = client.get(SVG_URL.format(world.episode_id))
    assert svg.status_code == 200
    assert svg.headers["content-type"] == "image/svg+xml"


def test_the_patient_page_shows_the_chart_without_the_staff_report(
    world: CourseWorld, db_settings: Settings
) -> None:
    client = TestClient(create_app(db_settings))
    log_in(client, "pat@example.org")
    html = client.get(f"/clinic/patients/{world.chart.patient_id}").text
    assert f'src="/charts/episodes/{world.episode_id}/progress.svg"' in html
    assert "report.pdf" not in html
    assert client.get(SVG_URL.format(world.other_patient_episode)).status_code == 404
