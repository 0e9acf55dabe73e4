"""Stored assessments over HTTP: scores, bad answers, the PHQ-9 alert, corrections, patients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from pinpoint.accounts.service import create_user
from pinpoint.audit.models import AuditEvent
from pinpoint.care import service
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.config import Settings
from pinpoint.outcomes.models import Alert, Assessment
from pinpoint.web.app import create_app
from tests.care import factories as f

PASSWORD = "correct horse battery staple"
API = "/api/v1"


@dataclass
class World:
    engine: Engine
    client: TestClient
    episode_id: int
    other_episode_id: int
    staff: dict[str, str]
    patient: dict[str, str]

    def post(self, body: dict[str, Any], as_patient: bool = False, episode: int | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(
            f"{API}/episodes/{episode or self.episode_id}/assessments",
            json=body,
            headers=self.patient if as_patient else self.staff,
        )

    def count(self, model: type[Any]) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def world(engine: Engine, db_settings: Settings) -> World:
    chart = f.chart(engine, name="Clinic A", mrn="MRN-1")
    other = service.create_patient(engine, chart.clinician, f.patient_data("MRN-2"))
    other_episode = service.create_episode(engine, chart.clinician, other.id, f.episode_data())
    create_user(engine, "cl@example.org", "clinician", PASSWORD, "Clinic A")
    create_patient_user(engine, "pat@example.org", PASSWORD, "Clinic A", "MRN-1")
    client = TestClient(create_app(db_settings))

    def token(email: str) -> dict[str, str]:
        answer = client.post(f"{API}/auth/token", data={"username": email, "password": PASSWORD})
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    return World(
        engine,
        client,
        chart.episode_id,
        other_episode.id,
        token("cl@example.org"),
        token("pat@example.org"),
    )


def test_an_assessment_answers_201_with_the_score_object(world: World) -> None:
    answer = world.post(
        {
            "instrument": "odi",
            "responses": [1, 2, 3, None, 4, 5, 0, 1, 2, 3],
            "taken_on": "2025-03-04",
        }
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["id"] >= 1
    score = body["score"]
    assert {"instrument", "score", "max", "missing_items", "band"} <= set(score)
    assert score["instrument"] == "odi"
    assert score["score"] == pytest.approx(21 / 45 * 100)
    assert (score["max"], score["missing_items"], score["band"]) == (100, [4], "severe")
    assert score["version"] == "ODI 2.1a"
    listed = world.client.get(f"{API}/episodes/{world.episode_id}/assessments", headers=world.staff)
    [item] = listed.json()["assessments"]
    assert (item["id"], item["instrument"], item["taken_on"]) == (body["id"], "odi", "2025-03-04")
    assert item["score"] == score


@pytest.mark.parametrize(
    ("responses", "field"),
    [
        ([1, 2, 3, 9, 4, 5, 0, 1, 2, 3], "responses[4]"),
        ([1, 2, 3, "three", 4, 5, 0, 1, 2, 3], "responses[4]"),
        ([1, 2, 3, True, 4, 5, 0, 1, 2, 3], "responses[4]"),
        ([1, 2, 3, 2.5, 4, 5, 0, 1, 2, 3], "responses[4]"),
        ([1, 2, 3], "responses"),
    ],
)
def test_a_bad_answer_is_422_naming_the_item_and_nothing_is_written(
    world: World, responses: list[Any], field: str
) -> None:
    answer = world.post({"instrument": "odi", "responses": responses, "taken_on": "2025-03-04"})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == field
    assert world.count(Assessment) == 0


def test_an_unknown_instrument_or_a_date_before_the_episode_is_422(world: World) -> None:
    unknown = world.post({"instrument": "sf36", "responses": [1], "taken_on": "2025-03-04"})
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (422, "instrument")
    early = world.post({"instrument": "nprs", "responses": [3], "taken_on": "2025-02-01"})
    assert (early.status_code, early.json()["error"]["field"]) == (422, "taken_on")


def test_phq9_item_9_above_0_raises_an_alert_at_once_with_crisis_resources(world: World) -> None:
    answer = world.post(
        {"instrument": "phq9", "responses": [0, 0, 1, 0, 0, 0, 0, 0, 1], "taken_on": "2025-03-04"},
        as_patient=True,
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["source"] == "patient"
    assert "988" in body["crisis_resources"]
    assert body["alert"]["kind"] == "phq9_item9"
    alerts = world.client.get(f"{API}/alerts", headers=world.staff).json()["alerts"]
    [alert] = alerts
    assert set(alert) >= {"id", "kind", "patient_id", "episode_id", "raised_at", "resolved_at"}
    assert (alert["kind"], alert["episode_id"], alert["resolved_at"]) == (
        "phq9_item9",
        world.episode_id,
        None,
    )
    with world.engine.connect() as conn:
        audited = conn.scalar(
            select(func.count()).where(
                AuditEvent.record_type == "alert", AuditEvent.action == "create"
            )
        )
    assert audited == 1


def test_the_alert_stays_open_until_a_clinician_records_what_was_done(world: World) -> None:
    world.post({"instrument": "phq9", "responses": [0] * 8 + [2], "taken_on": "2025-03-04"})
    alert_id = world.client.get(f"{API}/alerts", headers=world.staff).json()["alerts"][0]["id"]
    url = f"{API}/alerts/{alert_id}/resolve"
    assert world.client.post(url, json={"action": ""}, headers=world.staff).status_code == 422
    assert world.client.post(url, json={"action": "x"}, headers=world.patient).status_code == 403
    done = world.client.post(
        url, json={"action": "Called the patient; safety plan made."}, headers=world.staff
    )
    assert done.status_code == 200
    assert done.json()["resolved_at"] is not None
    again = world.client.post(url, json={"action": "Called again."}, headers=world.staff)
    assert again.status_code == 409
    open_ = world.client.get(f"{API}/alerts", params={"status": "open"}, headers=world.staff)
    assert open_.json()["alerts"] == []


def test_a_phq9_without_item_9_raises_no_alert(world: World) -> None:
    world.post({"instrument": "phq9", "responses": [3] * 8 + [0], "taken_on": "2025-03-04"})
    world.post({"instrument": "phq9", "responses": [3] * 8 + [None], "taken_on": "2025-03-04"})
    assert world.count(Alert) == 0


def test_a_positive_phq2_suggests_a_phq9(world: World) -> None:
    body = world.post({"instrument": "phq2", "responses": [2, 1], "taken_on": "2025-03-04"}).json()
    assert body["suggested"] == ["phq9"]
    body = world.post({"instrument": "phq2", "responses": [1, 1], "taken_on": "2025-03-04"}).json()
    assert body["suggested"] == []


def test_a_patient_answers_only_about_their_own_episodes(world: World) -> None:
    mine = world.post(
        {"instrument": "nprs", "responses": [5], "taken_on": "2025-03-04"}, as_patient=True
    )
    assert mine.status_code == 201
    theirs = world.post(
        {"instrument": "nprs", "responses": [5], "taken_on": "2025-03-04"},
        as_patient=True,
        episode=world.other_episode_id,
    )
    assert theirs.status_code == 404
    assert world.client.get(f"{API}/alerts", headers=world.patient).status_code == 403


def test_a_correction_rescores_and_keeps_history(world: World) -> None:
    made = world.post({"instrument": "ndi", "responses": [2] * 10, "taken_on": "2025-03-04"}).json()
    assert (made["score"]["score"], made["score"]["percent"]) == (20, 40)
    url = f"{API}/assessments/{made['id']}"
    fixed = world.client.patch(url, json={"version": 1, "responses": [1] * 10}, headers=world.staff)
    assert fixed.status_code == 200, fixed.text
    assert (fixed.json()["score"]["score"], fixed.json()["version"]) == (10, 2)
    stale = world.client.patch(url, json={"version": 1, "responses": [0] * 10}, headers=world.staff)
    assert stale.status_code == 409
    history = world.client.get(f"{url}/history", headers=world.staff).json()
    assert [h["changes"]["responses"] for h in history] == [[[2] * 10, [1] * 10]]


def test_the_list_reads_each_change_against_its_mcid(world: World) -> None:
    world.post({"instrument": "nprs", "responses": [7], "taken_on": "2025-03-04"})
    world.post({"instrument": "nprs", "responses": [4], "taken_on": "2025-03-20"})
    world.post({"instrument": "odi", "responses": [3] * 10, "taken_on": "2025-03-04"})
    listed = world.client.get(f"{API}/episodes/{world.episode_id}/assessments", headers=world.staff)
    [change] = listed.json()["changes"]
    assert (change["instrument"], change["before"], change["after"]) == ("nprs", 7, 4)
    assert change["meets_mcid"] is True
    assert change["mcid"]["condition"] == "low_back_pain"  # the episode is lumbar
