"""The patient portal through its real forms (no JavaScript, CSRF included), on both databases:
questionnaires one question a screen, crisis resources first, progress in words, side
effects; and nothing of another patient, ever."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pinpoint.accounts.service import create_user
from pinpoint.care import service, sessions
from pinpoint.care.models import AdverseEvent
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.care.schemas import AdverseEventCreate, ScreeningCreate
from pinpoint.config import Settings
from pinpoint.outcomes.assessments import record_assessment
from pinpoint.outcomes.assignments import create_assignment
from pinpoint.outcomes.models import Alert, Assessment, Assignment
from pinpoint.outcomes.records_schemas import AssessmentCreate, AssignmentCreate
from pinpoint.web.app import create_app
from pinpoint.web.pages import portal as portal_pages
from tests.care import factories as f

PASSWORD = "correct horse battery"
HTML = {"Accept": "text/html"}
TODAY = date.today()


@dataclass
class Portal:
    engine: Engine
    client: TestClient
    chart: f.Chart
    session_id: int
    other: dict[str, int]

    def assign(self, instrument: str, episode_id: int | None = None) -> int:
        data = AssignmentCreate.model_validate({"instrument": instrument, "reason": "follow_up"})
        episode = episode_id or self.chart.episode_id
        return create_assignment(self.engine, self.chart.clinician, episode, data).id

    def login(self, email: str = "pat@example.org") -> str:
        token = _csrf(self.client.get("/login").text)
        self.client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        return _csrf(self.client.get("/portal").text)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def _hidden(html: str) -> dict[str, str]:
    """What a browser sends from the page's form: hidden fields and the checked radios."""
    sent = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    checked = re.findall(
        r'<input type="radio" id="[^"]+" name="([^"]+)" value="([^"]*)"\s*checked', html
    )
    return sent | dict(checked)


def _mine(portal: Portal) -> Any:
    return Assessment.episode_id == portal.chart.episode_id


def _words(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.fixture
def portal(engine: Engine, db_settings: Settings) -> Iterator[Portal]:
    chart = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, chart)
    other_patient = service.create_patient(engine, chart.clinician, f.patient_data("MRN-2"))
    other_episode = service.create_episode(
        engine, chart.clinician, other_patient.id, f.episode_data()
    )
    service.record_screening(
        engine, chart.clinician, other_episode.id, ScreeningCreate(findings=[])
    )
    service.record_consent(engine, chart.clinician, other_episode.id, f.consent_data())
    other_session = sessions.record_session(
        engine, chart.clinician, other_episode.id, f.session_data(chart.npi)
    )
    nprs = AssessmentCreate.model_validate(
        {"instrument": "nprs", "responses": [5], "taken_on": "2025-03-05"}
    )
    other_assessment = record_assessment(engine, chart.clinician, other_episode.id, nprs)
    soreness = AdverseEventCreate.model_validate(
        {"type": "soreness", "severity": "mild", "onset_on": "2025-03-05"}
    )
    other_event = sessions.record_adverse_event(engine, chart.clinician, other_session.id, soreness)
    other_assignment = create_assignment(
        engine,
        chart.clinician,
        other_episode.id,
        AssignmentCreate.model_validate({"instrument": "phq9", "reason": "follow_up"}),
    )
    create_patient_user(engine, "pat@example.org", PASSWORD, "Clinic A", "MRN-1")
    create_patient_user(engine, "other@example.org", PASSWORD, "Clinic A", "MRN-2")
    create_user(engine, "clin@example.org", "clinician", PASSWORD, "Clinic A")
    other = {
        "assignment": other_assignment.id,
        "assessment": other_assessment.id,
        "session": other_session.id,
        "event": other_event.id,
    }
    with TestClient(create_app(db_settings), follow_redirects=False, headers=HTML) as client:
        yield Portal(engine, client, chart, session_id, other)


def _answer_all(
    portal: Portal, assignment_id: int, answers: list[Any], names: list[str] | None = None
) -> Any:
    """Walk a questionnaire screen by screen (Next), then send it from the check screen."""
    url = f"/portal/assignments/{assignment_id}"
    page = portal.client.get(url)
    assert page.status_code == 200, page.text
    if names is not None:
        form = _hidden(page.text) | {f"act{n}": v for n, v in enumerate(names, 1)} | {"go": "next"}
        page = portal.client.post(url, data=form)
    for number, value in enumerate(answers, start=1):
        assert f"Question {number} of {len(answers)}" in page.text
        form = _hidden(page.text) | {f"a{number}": str(value), "go": "next"}
        page = portal.client.post(url, data=form)
        assert page.status_code == 200, page.text
    assert "Check your answers" in page.text
    return portal.client.post(url, data=_hidden(page.text) | {"go": "send"})


# ---- who gets in ------------------------------------------------------------------------------


def test_a_patient_login_lands_in_the_portal_with_what_to_answer(portal: Portal) -> None:
    portal.assign("nprs")
    token = _csrf(portal.client.get("/login").text)
    answer = portal.client.post(
        "/login", data={"email": "pat@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert answer.headers["location"] == "/portal"
    home = portal.client.get("/portal")
    assert home.status_code == 200
    assert "Numeric Pain Rating Scale" in _words(home.text)
    assert home.headers["cache-control"] == "no-store"
    assert portal.client.get("/clinic").headers["location"] == "/portal"


def test_visitors_go_to_the_login_and_staff_are_refused(portal: Portal) -> None:
    assert portal.client.get("/portal").headers["location"].startswith("/login?next=")
    portal.login("clin@example.org")
    for path in ("/portal", "/portal/progress", "/portal/sessions"):
        assert portal.client.get(path).status_code == 403


def test_nothing_of_another_patient_ever(portal: Portal) -> None:
    csrf = portal.login()
    theirs = portal.other
    gets = [
        f"/portal/assignments/{theirs['assignment']}",
        f"/portal/assessments/{theirs['assessment']}",
        f"/portal/sessions/{theirs['session']}/side-effects/new",
        f"/portal/side-effects/{theirs['event']}",
    ]
    for path in gets:
        answer = portal.client.get(path)
        assert answer.status_code == 404, path
        assert "MRN-2" not in answer.text
    posts = {
        f"/portal/assignments/{theirs['assignment']}": {"step": "1", "a1": "1", "go": "next"},
        f"/portal/sessions/{theirs['session']}/side-effects": {
            "type": "bruising", "severity": "mild", "onset_on": TODAY.isoformat(),
        },
    }  # fmt: skip
    for path, data in posts.items():
        assert portal.client.post(path, data={"csrf_token": csrf, **data}).status_code == 404
    with portal.engine.connect() as conn:
        assert conn.scalar(select(AdverseEvent.id).where(AdverseEvent.id > theirs["event"])) is None
    for page in ("/portal", "/portal/progress", "/portal/sessions"):
        assert f"/portal/sessions/{theirs['session']}/" not in portal.client.get(page).text


# ---- questionnaires ---------------------------------------------------------------------------


def test_a_phq9_with_item_9_above_0_shows_crisis_resources_first(portal: Portal) -> None:
    assignment_id = portal.assign("phq9")
    portal.login()
    sent = _answer_all(portal, assignment_id, [1, 0, 1, 2, 0, 1, 0, 0, 1])
    assert sent.status_code == 303
    page = portal.client.get(sent.headers["location"])
    main = page.text[page.text.index("<main") :]
    first_heading = re.search(r"<h1[^>]*>([^<]+)</h1>", main)
    assert first_heading is not None
    assert "hurting yourself" in first_heading.group(1)
    assert main.index('class="crisis"') < main.index("Your answers were sent")
    assert 'href="tel:988"' in main
    assert 'href="sms:988"' in main
    assert 'href="tel:911"' in main
    with portal.engine.connect() as conn:
        alert = conn.execute(select(Alert.kind, Alert.open)).one()
        done = conn.scalar(select(Assignment.completed_by).where(Assignment.id == assignment_id))
        source = conn.scalar(select(Assessment.source).where(Assessment.id == done))
    assert tuple(alert) == ("phq9_item9", True)
    assert source == "patient"


def test_the_check_screen_shows_the_crisis_resources_before_sending(portal: Portal) -> None:
    assignment_id = portal.assign("phq9")
    portal.login()
    url = f"/portal/assignments/{assignment_id}"
    form = _hidden(portal.client.get(url).text)
    form.update({f"a{n}": "0" for n in range(1, 9)} | {"a9": "2", "step": "9", "go": "next"})
    review = portal.client.post(url, data=form)
    assert "Check your answers" in review.text
    assert 'class="crisis"' in review.text
    calm = portal.client.post(url, data=form | {"a9": "0"})
    assert 'class="crisis"' not in calm.text


def test_answers_are_kept_going_back_and_forth(portal: Portal) -> None:
    assignment_id = portal.assign("phq9")
    portal.login()
    url = f"/portal/assignments/{assignment_id}"
    page = portal.client.get(url)
    for number, value in ((1, "3"), (2, "skip"), (3, "1")):
        page = portal.client.post(
            url, data=_hidden(page.text) | {f"a{number}": value, "go": "next"}
        )
    assert "Question 4 of 9" in page.text
    for _ in range(3):
        page = portal.client.post(url, data=_hidden(page.text) | {"go": "back"})
    assert "Question 1 of 9" in page.text
    assert re.search(r'id="a1-3" name="a1" value="3"\s*checked', page.text)
    carried = _hidden(page.text)
    assert (carried["a2"], carried["a3"]) == ("skip", "1")


def test_next_without_an_answer_stays_and_says_why(portal: Portal) -> None:
    assignment_id = portal.assign("nprs")
    portal.login()
    url = f"/portal/assignments/{assignment_id}"
    page = portal.client.post(url, data=_hidden(portal.client.get(url).text) | {"go": "next"})
    assert page.status_code == 422
    assert "Question 1 of 1" in page.text
    assert "Choose an answer to go on." in page.text
    assert 'href="#a1-0"' in page.text
    assert "Skip this question" not in page.text  # the NPRS has no missing-item rule


def test_a_tampered_answer_is_refused_and_nothing_is_written(portal: Portal) -> None:
    assignment_id = portal.assign("nprs")
    portal.login()
    url = f"/portal/assignments/{assignment_id}"
    form = _hidden(portal.client.get(url).text)
    for bad in ("11", "-1", "skip", "٣", "1e1"):
        answer = portal.client.post(url, data=form | {"a1": bad, "step": "2", "go": "send"})
        assert answer.status_code == 422, bad
    assert portal.client.post(url, data=form | {"step": "7", "go": "next"}).status_code == 422
    with portal.engine.connect() as conn:
        assert conn.scalar(select(Assessment.id).where(_mine(portal))) is None


def test_an_answered_questionnaire_cannot_be_sent_twice(portal: Portal) -> None:
    assignment_id = portal.assign("nprs")
    portal.login()
    url = f"/portal/assignments/{assignment_id}"
    review = portal.client.post(url, data=_hidden(portal.client.get(url).text) | {"a1": "4"})
    form = _hidden(review.text) | {"go": "send"}
    assert portal.client.post(url, data=form).status_code == 303
    again = portal.client.post(url, data=form)
    assert again.status_code == 409
    assert "already answered" in again.text
    with portal.engine.connect() as conn:
        assert len(conn.scalars(select(Assessment.id).where(_mine(portal))).all()) == 1


def test_odi_screens_show_section_names_and_positions_only(portal: Portal) -> None:
    assignment_id = portal.assign("odi")
    portal.login()
    page = portal.client.get(f"/portal/assignments/{assignment_id}")
    words = _words(page.text)
    assert "Pain intensity" in words
    assert "licensed" in words
    assert "0: the first statement" in words
    assert "5: the sixth statement, the last" in words
    assert "Skip this question" in words  # one section may be missed
    labels = re.findall(r'<label for="a1-[^"]+">([^<]+)</label>', page.text)
    assert len(labels) == 7
    assert all("statement" in label or label == "Skip this question" for label in labels)


def test_an_odi_answered_in_the_portal_is_scored_with_a_skipped_section(portal: Portal) -> None:
    assignment_id = portal.assign("odi")
    portal.login()
    sent = _answer_all(portal, assignment_id, [2, 2, 2, "skip", 2, 2, 2, 1, 1, 2])
    page = portal.client.get(sent.headers["location"])
    assert 'class="crisis"' not in page.text
    with portal.engine.connect() as conn:
        row = conn.execute(
            select(Assessment.responses, Assessment.score).where(_mine(portal))
        ).one()
    assert row.responses == [2, 2, 2, None, 2, 2, 2, 1, 1, 2]
    assert round(row.score, 2) == 35.56


def test_a_psfs_at_intake_names_its_activities_first(portal: Portal) -> None:
    assignment_id = portal.assign("psfs")
    portal.login()
    url = f"/portal/assignments/{assignment_id}"
    first = portal.client.get(url)
    assert "Which activities are hard for you?" in first.text
    too_few = portal.client.post(
        url, data=_hidden(first.text) | {"act1": "Walking", "act2": "Sitting", "go": "next"}
    )
    assert too_few.status_code == 422
    assert "Name 3 to 5 activities" in too_few.text
    sent = _answer_all(portal, assignment_id, [3, 4, 5], ["Walking", "Sitting", "Lifting"])
    assert sent.status_code == 303
    follow_up = portal.assign("psfs")
    again = portal.client.get(f"/portal/assignments/{follow_up}")
    assert "Which activities" not in again.text
    assert "How well can you do this today: Walking?" in again.text


def test_progress_is_told_in_plain_words_with_the_mcid_as_guidance(portal: Portal) -> None:
    for value, day in ((7, "2025-03-01"), (4, "2025-03-20")):
        data = AssessmentCreate.model_validate(
            {"instrument": "nprs", "responses": [value], "taken_on": day}
        )
        record_assessment(portal.engine, portal.chart.clinician, portal.chart.episode_id, data)
    portal.login()
    words = _words(portal.client.get("/portal/progress").text)
    assert "Your pain has dropped 3 points since you started, from 7 to 4 out of 10." in words
    assert "A drop of 2 points, or of 30 % of where you started, is a meaningful change" in words
    assert "a guide, not a verdict about you" in words
    home = _words(portal.client.get("/portal").text)
    assert "Your pain has dropped 3 points" in home


# ---- side effects -----------------------------------------------------------------------------


def test_a_side_effect_report_awaits_the_clinic_s_review(portal: Portal) -> None:
    csrf = portal.login()
    url = f"/portal/sessions/{portal.session_id}/side-effects"
    form = portal.client.get(f"{url}/new")
    assert 'href="tel:911"' in form.text
    missing = portal.client.post(
        url,
        data={"csrf_token": csrf, "type": "other", "severity": "mild", "onset_on": "2025-03-05"},
    )
    assert missing.status_code == 422
    assert "Tell us in a few words what happened." in missing.text
    early = portal.client.post(
        url,
        data={"csrf_token": csrf, "type": "bruising", "severity": "mild", "onset_on": "2025-03-01"},
    )
    assert early.status_code == 422
    sent = portal.client.post(
        url,
        data={"csrf_token": csrf, "type": "bruising", "severity": "significant",
              "onset_on": "2025-03-05", "description": "A bruise on my back."},
    )  # fmt: skip
    assert sent.status_code == 303
    thanks = portal.client.get(sent.headers["location"])
    assert "your clinic will review your report" in thanks.text
    with portal.engine.connect() as conn:
        row = conn.execute(
            select(
                AdverseEvent.reported_by, AdverseEvent.review_status, AdverseEvent.action_taken
            ).where(AdverseEvent.type == "bruising")
        ).one()
    assert tuple(row) == ("patient", "awaiting_review", None)
    assert "waiting for your clinic" in portal.client.get("/portal/sessions").text


def test_a_form_post_without_the_csrf_token_is_refused(portal: Portal) -> None:
    portal.login()
    url = f"/portal/sessions/{portal.session_id}/side-effects"
    answer = portal.client.post(
        url, data={"type": "bruising", "severity": "mild", "onset_on": "2025-03-05"}
    )
    assert answer.status_code == 403


def test_the_progress_chart_image_is_shown_with_the_words_and_they_stand_alone(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    for value, day in ((7, "2025-03-01"), (4, "2025-03-20")):
        data = AssessmentCreate.model_validate(
            {"instrument": "nprs", "responses": [value], "taken_on": day}
        )
        record_assessment(portal.engine, portal.chart.clinician, portal.chart.episode_id, data)
    portal.login()
    page = portal.client.get("/portal/progress").text
    image = re.search(r'<img src="([^"]+)" alt="([^"]+)"', page)
    assert image is not None
    assert image.group(1) == f"/charts/episodes/{portal.chart.episode_id}/progress.svg"
    assert "written out in words" in image.group(2)
    chart = portal.client.get(image.group(1))
    assert chart.status_code == 200
    assert chart.headers["content-type"].startswith("image/svg+xml")
    other = portal.client.get(f"/charts/episodes/{portal.chart.episode_id + 1}/progress.svg")
    assert other.status_code == 404
    monkeypatch.setattr(portal_pages, "CHART_ROUTE", re.compile(r"^/no-such-chart$"))
    without = portal.client.get("/portal/progress").text
    assert "<img" not in without  # without the charts routes the words stand alone
    assert "Your pain has dropped 3 points" in _words(without)
