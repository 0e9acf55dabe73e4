"""``Cache-Control: no-store`` on every answer that carries patient data or credentials.

The clinical cases are generated from the app's route table (``clinical_routes``), so a
new clinical route is checked without being named here: read with a bearer token or with
the web session cookie alone, every one answers ``no-store``. The token answer, the login
form and logged-in pages do too; public law and directory answers stay cacheable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pinpoint.accounts.service import (
    WEB_SESSION_TTL,
    authenticate,
    create_user,
    issue_token,
)
from pinpoint.care import sessions
from pinpoint.care.schemas import AdverseEventCreate
from pinpoint.config import Settings
from pinpoint.outcomes.assessments import record_assessment
from pinpoint.outcomes.records_schemas import AssessmentCreate
from pinpoint.web.app import create_app
from pinpoint.web.headers import with_security_headers
from pinpoint.web.security import SESSION_COOKIE, api_routes, clinical_routes
from tests.care import factories as f

PASSWORD = "correct horse battery staple"
HTML = {"accept": "text/html"}
OFFLINE = Settings(data_dir="/nonexistent", database_url="sqlite://")


def _routes(clinical: bool) -> list[tuple[str, str]]:
    app = create_app(OFFLINE)
    chosen = clinical_routes(app) if clinical else api_routes(app)
    others = set() if clinical else {c.path for c in clinical_routes(app)}
    found: list[tuple[str, str]] = []
    for route in chosen:
        assert route.path is not None  # api_routes keeps the paths under /api/v1/ only
        if route.path not in others:
            found.extend((method, route.path) for method in (route.methods or ()))
    return sorted(found)


CLINICAL = _routes(clinical=True)
CLINICAL_READS = [(m, p) for m, p in CLINICAL if m == "GET"]
PUBLIC_READS = [(m, p) for m, p in _routes(clinical=False) if m == "GET"]


@dataclass
class World:
    chart: f.Chart
    session_id: int
    assessment_id: int
    alert_id: int
    event_id: int
    bearer: dict[str, str]
    cookie: str
    csrf: str

    def url(self, path: str) -> str:
        ids = {
            "patients": self.chart.patient_id,
            "episodes": self.chart.episode_id,
            "sessions": self.session_id,
            "assessments": self.assessment_id,
            "alerts": self.alert_id,
            "adverse-events": self.event_id,
        }
        for kind, record in ids.items():
            path = path.replace(f"/{kind}/{{id}}", f"/{kind}/{record}")
        return path.replace("{npi}", self.chart.npi)


@pytest.fixture
def world(engine: Engine) -> World:
    chart = f.chart(engine, screened=[])
    session_id = f.documented_session(engine, chart)
    phq9 = AssessmentCreate.model_validate(  # item 9 above 0 raises an alert
        {"instrument": "phq9", "responses": [1] * 9, "taken_on": "2025-03-05"}
    )
    assessment = record_assessment(engine, chart.clinician, chart.episode_id, phq9)
    assert assessment.alert is not None
    soreness = AdverseEventCreate.model_validate(
        {"type": "soreness", "severity": "mild", "onset_on": "2025-03-05"}
    )
    event = sessions.record_adverse_event(engine, chart.clinician, session_id, soreness)
    create_user(engine, "admin@example.org", "clinic_admin", PASSWORD, "Clinic A")
    admin = authenticate(engine, "admin@example.org", PASSWORD)
    web = issue_token(engine, admin, "web", WEB_SESSION_TTL)
    assert web.csrf_token
    bearer = {"Authorization": f"Bearer {issue_token(engine, admin).token}"}
    return World(
        chart,
        session_id,
        assessment.id,
        assessment.alert.id,
        event.id,
        bearer,
        web.token,
        web.csrf_token,
    )


@pytest.fixture
def client(db_settings: Settings) -> TestClient:
    return TestClient(create_app(db_settings), follow_redirects=False)


def _no_store(answer: object) -> bool:
    headers = answer.headers  # type: ignore[attr-defined]
    return bool(headers.get("cache-control") == "no-store" and headers.get("pragma") == "no-cache")


def test_the_route_lists_are_not_empty() -> None:
    assert len(CLINICAL_READS) >= 6
    assert ("GET", "/api/v1/patients/{id}") in CLINICAL_READS
    assert ("GET", "/api/v1/law/{state}") in PUBLIC_READS


def _stored(
    client: TestClient, world: World, routes: list[tuple[str, str]], **kw: object
) -> list[str]:
    """The routes whose answer could be stored, each with its status."""
    wrong = []
    for method, path in routes:
        answer = client.request(method, world.url(path), **kw)  # type: ignore[arg-type]
        expected = answer.status_code == 200 if method == "GET" else answer.status_code < 500
        if not (expected and _no_store(answer)):
            wrong.append(f"{method} {path}: {answer.status_code} {answer.headers}")
    return wrong


def test_clinical_reads_with_a_bearer_token_are_not_stored(
    client: TestClient, world: World
) -> None:
    assert _stored(client, world, CLINICAL_READS, headers=world.bearer) == []


def test_clinical_reads_with_the_session_cookie_are_not_stored(
    client: TestClient, world: World
) -> None:
    client.cookies.set(SESSION_COOKIE, world.cookie)
    assert _stored(client, world, CLINICAL_READS) == []


def test_clinical_writes_are_not_stored_whatever_they_answer(
    client: TestClient, world: World
) -> None:
    writes = [r for r in CLINICAL if r[0] != "GET"]
    assert _stored(client, world, writes, headers=world.bearer, json={}) == []


def test_refused_clinical_reads_are_not_stored_either(client: TestClient, world: World) -> None:
    for method, path in CLINICAL_READS:
        answer = client.request(method, world.url(path), headers={"Authorization": "Bearer no"})
        assert answer.status_code == 401
        assert _no_store(answer), path


def test_public_api_answers_stay_cacheable(client: TestClient, world: World) -> None:
    for method, path in PUBLIC_READS:
        url = world.url(path).replace("{state}", "CO")
        answer = client.request(method, url, params={"zip": "80202"})
        assert answer.status_code == 200, (path, answer.text)
        assert "no-store" not in answer.headers.get("cache-control", ""), path


def test_the_token_answer_is_not_stored(client: TestClient, world: World) -> None:
    form = {"username": "admin@example.org", "password": PASSWORD}
    answer = client.post("/api/v1/auth/token", data=form)
    assert answer.status_code == 200
    assert answer.json()["access_token"]
    assert _no_store(answer)
    refused = client.post("/api/v1/auth/token", data={**form, "password": "wrong one"})
    assert refused.status_code == 401
    assert _no_store(refused)


def _login(client: TestClient) -> None:
    form = client.get("/login", headers=HTML)
    assert _no_store(form), "the login form carries its CSRF cookie"
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    data = {"email": "admin@example.org", "password": PASSWORD, "csrf_token": token.group(1)}
    answer = client.post("/login", data=data, headers=HTML)
    assert answer.status_code == 303
    assert _no_store(answer)


def test_logged_in_pages_are_not_stored(client: TestClient, world: World) -> None:
    _login(client)
    episode = world.chart.episode_id
    pages = [
        "/clinic",
        f"/clinic/patients/{world.chart.patient_id}",
        f"/clinic/patients/{world.chart.patient_id}/episodes/new",
        f"/clinic/episodes/{episode}/sessions/new",
        f"/clinic/episodes/{episode}/screening",
        f"/clinic/episodes/{episode}/consent",
        f"/clinic/sessions/{world.session_id}/adverse-events/new",
        "/clinic/muscle-row?index=6",
        "/audit",
    ]
    for page in pages:
        answer = client.get(page, headers=HTML)
        assert answer.status_code == 200, page
        assert _no_store(answer), page


def test_public_pages_stay_cacheable_for_visitors(client: TestClient) -> None:
    for page in ["/", "/law", "/law/CO", "/learn", "/find?zip=80202", "/static/pinpoint.css"]:
        answer = client.get(page, headers=HTML)
        assert answer.status_code == 200, page
        assert "cache-control" not in answer.headers, page


def test_public_pages_and_files_stay_cacheable_for_a_logged_in_browser(
    client: TestClient, world: World
) -> None:
    """They do not look at the session, so they hold nothing of it (no CSRF token)."""
    client.cookies.set(SESSION_COOKIE, world.cookie)
    for path in ["/law", "/static/vendor/htmx.min.js"]:
        answer = client.get(path, headers=HTML)
        assert answer.status_code == 200
        assert world.csrf not in answer.text
        assert "cache-control" not in answer.headers


SCOPE = {"type": "http", "method": "GET", "scheme": "http", "headers": [], "state": {}}


def test_no_store_replaces_a_routes_own_caching() -> None:
    own = [(b"cache-control", b"public, max-age=600"), (b"expires", b"Thu, 01 Jan 2099")]
    private = {**SCOPE, "headers": [(b"authorization", b"Bearer x")]}
    headers = dict(with_security_headers(private, own))
    assert headers[b"cache-control"] == b"no-store"
    assert headers[b"expires"] == b"Thu, 01 Jan 2099", "no-store overrides it for caches"
    public = dict(with_security_headers(SCOPE, own))
    assert public[b"cache-control"] == b"public, max-age=600"


@pytest.mark.parametrize(
    ("scope", "response", "private"),
    [
        (SCOPE, [], False),
        ({**SCOPE, "method": "POST"}, [], True),
        ({**SCOPE, "state": {"actor": object()}}, [], True),
        ({**SCOPE, "headers": [(b"authorization", b"Basic x")]}, [], True),
        (SCOPE, [(b"set-cookie", b"a=b")], True),
        ({**SCOPE, "headers": [(b"cookie", b"theme=dark")]}, [], False),
    ],
)
def test_which_answers_must_not_be_stored(
    scope: dict[str, object], response: list[tuple[bytes, bytes]], private: bool
) -> None:
    headers = dict(with_security_headers(scope, response))
    assert (headers.get(b"cache-control") == b"no-store") is private


def test_fhir_patient_reads_are_not_stored(client: TestClient, world: World) -> None:
    """The rule covers authenticated routes outside /api/v1 too (FHIR)."""
    patient = world.chart.patient_id
    for path in [f"/fhir/R4/Patient/{patient}", f"/fhir/R4/Patient/{patient}/$everything"]:
        answer = client.get(path, headers=world.bearer)
        assert answer.status_code == 200, (path, answer.text)
        assert _no_store(answer), path
    metadata = client.get("/fhir/R4/metadata")
    assert metadata.status_code == 200
    assert "no-store" not in metadata.headers.get("cache-control", "")
