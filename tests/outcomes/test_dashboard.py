"""The clinic dashboard on both databases: its figures, its small-number rule, its cost."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from scipy import stats
from sqlalchemy import Engine, event, insert

from pinpoint.accounts.service import authenticate, create_user, issue_token
from pinpoint.actors import Actor, Role
from pinpoint.care import service, sessions
from pinpoint.care.models import AdverseEvent
from pinpoint.care.patient_accounts import create_patient_user
from pinpoint.care.schemas import AdverseEventCreate
from pinpoint.config import Settings
from pinpoint.outcomes.assessments import record_assessment
from pinpoint.outcomes.dashboard import clinic_dashboard
from pinpoint.outcomes.models import Assignment
from pinpoint.outcomes.records_schemas import AssessmentCreate
from pinpoint.web.app import create_app
from tests.care import factories as f
from tests.outcomes.worlds import PASSWORD, closed_episode, log_in

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from _outcomes_data import seed_clinic

TODAY = date(2025, 6, 1)
START = date(2025, 3, 1)


@dataclass
class Clinic:
    chart: f.Chart
    closed: list[int]

    @property
    def actor(self) -> Actor:
        return self.chart.clinician


def clinic_with(engine: Engine, drops: list[tuple[int, int]]) -> Clinic:
    """Clinic A: the factory chart (active) plus one closed episode per (before, after)."""
    chart = f.chart(engine, screened=[])
    closed = [closed_episode(engine, chart, f"C-{n}", pain) for n, pain in enumerate(drops)]
    return Clinic(chart, closed)


# 8 episodes drop 3 points (7 -> 4: meets the MCID), 4 drop 1 (7 -> 6: does not).
TWELVE = [(7, 4)] * 8 + [(7, 6)] * 4


def test_outcomes_are_shares_and_means_with_their_intervals(engine: Engine) -> None:
    clinic = clinic_with(engine, TWELVE)
    board = clinic_dashboard(engine, clinic.actor, TODAY)
    assert (board.episodes.active, board.episodes.closed) == (1, 12)
    pain = next(o for o in board.outcomes if o.measure == "pain")
    assert (pain.episodes, pain.reached_mcid) == (12, 8)
    assert pain.mcid_share.value == pytest.approx(8 / 12)
    wilson = stats.binomtest(8, 12).proportion_ci(method="wilson")
    assert pain.mcid_share.ci95 == pytest.approx((wilson.low, wilson.high))
    improvements = [3.0] * 8 + [1.0] * 4
    assert pain.mean_improvement.value == pytest.approx(sum(improvements) / 12)
    low, high = stats.t.interval(0.95, 11, loc=28 / 12, scale=stats.sem(improvements))
    assert pain.mean_improvement.ci95 == pytest.approx((low, high))
    assert pain.mean_improvement.episodes == 12
    odi = next(o for o in board.outcomes if o.measure == "odi")
    assert odi.episodes == 0
    assert odi.mcid_share.suppressed
    assert board.sessions_per_episode.value == 2
    assert board.sessions_per_episode.episodes == 12


def test_fewer_than_eleven_episodes_give_no_rate_and_say_why(engine: Engine) -> None:
    clinic = clinic_with(engine, TWELVE[:10])
    board = clinic_dashboard(engine, clinic.actor, TODAY)
    pain = next(o for o in board.outcomes if o.measure == "pain")
    assert (pain.episodes, pain.reached_mcid) == (10, 8)
    for figure in (pain.mcid_share, pain.mean_improvement, board.sessions_per_episode):
        assert figure.suppressed
        assert figure.value is None
        assert figure.ci95 is None
        assert figure.episodes == 10
        assert "10 episodes, fewer than 11" in (figure.note or "")
    # 20 sessions over 10 episodes: too few episodes for an adverse event rate either.
    mild = board.adverse_events.by_severity[0]
    assert mild.per_100_sessions.suppressed
    assert mild.published[0].study == "Brady et al. 2014"


def test_adverse_events_per_100_sessions_sit_beside_brady_2014(engine: Engine) -> None:
    clinic = clinic_with(engine, TWELVE)
    first_session = service.get_episode(engine, clinic.actor, clinic.closed[0]).sessions[0]
    bruise = AdverseEventCreate.model_validate(
        {"type": "bruising", "severity": "mild", "onset_on": "2025-03-04"}
    )
    sessions.record_adverse_event(engine, clinic.actor, first_session.id, bruise)
    with engine.begin() as conn:  # a patient's report, not yet reviewed: listed, not counted
        conn.execute(
            insert(AdverseEvent),
            [
                {
                    "clinic_id": clinic.chart.clinic_id,
                    "session_id": first_session.id,
                    "type": "soreness",
                    "severity": "mild",
                    "onset_on": date(2025, 3, 5),
                    "resolved": False,
                    "reportable": False,
                    "version": 1,
                    "reported_by": "patient",
                    "review_status": "awaiting_review",
                }
            ],
        )
    board = clinic_dashboard(engine, clinic.actor, TODAY)
    events = board.adverse_events
    assert (events.sessions, events.episodes, events.awaiting_review) == (24, 12, 1)
    mild, significant, serious = events.by_severity
    assert (mild.severity, mild.events) == ("mild", 1)
    assert mild.per_100_sessions.value == pytest.approx(100 / 24)
    low = stats.chi2.ppf(0.025, 2) / 2 * 100 / 24
    high = stats.chi2.ppf(0.975, 4) / 2 * 100 / 24
    assert mild.per_100_sessions.ci95 == pytest.approx((low, high))
    assert significant.events == serious.events == 0
    assert significant.per_100_sessions.value == 0
    brady = mild.published[0]
    assert (brady.events, brady.sessions) == (1463, 7629)
    assert brady.per_100_sessions == pytest.approx(19.18, abs=0.005)
    assert brady.ci95[0] < 19.18 < brady.ci95[1]
    assert "J Man Manip Ther 2014;22(3):134-140" in brady.citation
    assert significant.published[0].events == 0
    assert significant.published[0].ci95[1] == pytest.approx(0.0484, abs=1e-4)
    (waiting,) = board.side_effects_awaiting_review.items
    assert (waiting.type, waiting.patient_name) == ("soreness", "PC-0 Person")
    assert waiting.session_id == first_session.id


def test_alerts_and_due_questionnaires_are_listed_for_action(engine: Engine) -> None:
    clinic = clinic_with(engine, [(7, 4)])
    phq9 = AssessmentCreate.model_validate(
        {"instrument": "phq9", "responses": [1] * 8 + [2], "taken_on": "2025-03-05"}
    )
    made = record_assessment(engine, clinic.actor, clinic.chart.episode_id, phq9)
    episode = clinic.chart.episode_id
    with engine.begin() as conn:
        conn.execute(
            insert(Assignment),
            [
                {"clinic_id": clinic.chart.clinic_id, "episode_id": episode, "instrument": "odi",
                 "reason": "follow_up", "due_on": due, "cancelled": cancelled,
                 "completed_by": made.id if done else None}
                for due, cancelled, done in [
                    (TODAY - timedelta(days=3), False, False),  # overdue
                    (TODAY - timedelta(days=1), False, False),  # overdue
                    (TODAY, False, False),  # due
                    (TODAY + timedelta(days=7), False, False),  # due
                    (TODAY + timedelta(days=8), False, False),  # later
                    (TODAY - timedelta(days=9), True, False),  # cancelled
                    (TODAY - timedelta(days=9), False, True),  # answered
                ]
            ],
        )  # fmt: skip
    board = clinic_dashboard(engine, clinic.actor, TODAY)
    assert (board.questionnaires.overdue, board.questionnaires.due) == (2, 2)
    assert board.open_alerts.count == 1
    (alert,) = board.open_alerts.items
    assert made.alert is not None
    assert (alert.id, alert.patient_id, alert.episode_id) == (
        made.alert.id,
        clinic.chart.patient_id,
        episode,
    )
    assert alert.patient_name == "Synthetic Person"


def test_each_clinic_sees_only_its_own_figures(engine: Engine) -> None:
    clinic_with(engine, TWELVE)
    other = f.chart(engine, state="TX", name="Clinic B", mrn="B-1")
    board = clinic_dashboard(engine, other.clinician, TODAY)
    assert board.clinic_name == "Clinic B"
    assert (board.episodes.active, board.episodes.closed) == (1, 0)
    assert board.adverse_events.sessions == 0
    assert all(o.episodes == 0 for o in board.outcomes)


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_the_dashboard_takes_the_same_statements_at_any_size(engine: Engine) -> None:
    """A clinic of 15 episodes and one of 150 (ten times the sessions and assessments)
    cost the same statements, so the page stays fast as a clinic grows."""
    counts = []
    for size in (15, 150):
        seeded = seed_clinic(engine, episodes=size, sessions=size * 10, seed=size)
        actor = Actor(seeded.user_id, Role.CLINICIAN, seeded.clinic_id)
        clinic_dashboard(engine, actor)  # warm up: the first call reads the dialect's setup
        with counted(engine) as statements:
            board = clinic_dashboard(engine, actor)
        assert board.episodes.active + board.episodes.closed == size
        assert board.open_alerts.count == 5
        assert board.outcomes[0].episodes == board.episodes.closed
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert counts[0] <= 14, counts


# ---- over HTTP -----------------------------------------------------------------------------


@pytest.fixture
def client(engine: Engine, db_settings: Settings) -> TestClient:
    clinic_with(engine, TWELVE)
    create_user(engine, "cl@example.org", "clinician", PASSWORD, "Clinic A")
    create_user(engine, "ad@example.org", "clinic_admin", PASSWORD, "Clinic A")
    create_user(engine, "op@example.org", "operator", PASSWORD)
    create_patient_user(engine, "pat@example.org", PASSWORD, "Clinic A", "MRN-1")
    return TestClient(create_app(db_settings))


def _bearer(engine: Engine, email: str) -> dict[str, str]:
    actor = authenticate(engine, email, PASSWORD)
    return {"Authorization": f"Bearer {issue_token(engine, actor).token}"}


def test_the_dashboard_api_answers_staff_only(client: TestClient, engine: Engine) -> None:
    answer = client.get("/api/v1/dashboard", headers=_bearer(engine, "ad@example.org"))
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["episodes"] == {"active": 1, "closed": 12}
    assert body["small_number"] == 11
    pain = body["outcomes"][0]
    assert (pain["measure"], pain["episodes"], pain["reached_mcid"]) == ("pain", 12, 8)
    assert client.get("/api/v1/dashboard", headers=_bearer(engine, "cl@example.org")).is_success
    for email in ("pat@example.org", "op@example.org"):
        assert client.get("/api/v1/dashboard", headers=_bearer(engine, email)).status_code == 403
    assert client.get("/api/v1/dashboard").status_code == 401


def test_the_dashboard_page_shows_figures_with_their_episode_counts(
    client: TestClient, engine: Engine
) -> None:
    away = client.get("/clinic/dashboard", follow_redirects=False)
    assert away.status_code == 303
    log_in(client, "cl@example.org")
    page = client.get("/clinic/dashboard")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    html = page.text
    assert "Clinic dashboard" in html
    assert "8 of 12: 66.7 % (39.1 % to 86.2 %)" in html
    assert "Not shown as a rate: 0 episodes, fewer than 11." in html  # ODI: none measured
    assert "Brady et al. 2014" in html
    assert ' style="' not in html
    assert 'href="/clinic/dashboard" aria-current="page"' in html


def test_reading_the_dashboard_is_audited(client: TestClient, engine: Engine) -> None:
    from sqlalchemy import select

    from pinpoint.audit.models import AuditEvent

    client.get("/api/v1/dashboard", headers=_bearer(engine, "ad@example.org"))
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.action, AuditEvent.role).where(AuditEvent.record_type == "dashboard")
        ).all()
    assert rows == [("read", "clinic_admin")]
