"""The token endpoint, logout, GET /api/v1/audit, and the authorization layer's coverage."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pinpoint.config import Settings
from pinpoint.web.app import create_app
from pinpoint.web.security import api_routes, clinical_routes, depends_on_current_actor
from tests.accounts import factories
from tests.accounts.factories import PASSWORD

# Routes anyone may call; every other /api/v1 route must go through current_actor.
PUBLIC_API = ("/api/v1/law", "/api/v1/practitioners", "/api/v1/auth/token")
# Writes under a public prefix: directory operators', authenticated like every write.
OPERATOR_WRITES = {"/api/v1/practitioners/{npi}/filings"}


def _public(path: str) -> bool:
    return path.startswith(PUBLIC_API) and path not in OPERATOR_WRITES


@pytest.fixture
def client(db_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(db_settings)) as test_client:
        yield test_client


def _token(client: TestClient, email: str, password: str = PASSWORD) -> str:
    answer = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_token_endpoint_takes_the_oauth2_password_form(
    engine: Engine, client: TestClient
) -> None:
    factories.clinic(engine)
    factories.user(engine)
    answer = client.post(
        "/api/v1/auth/token", data={"username": "Ana@example.org", "password": PASSWORD}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert len(body["access_token"]) >= 40


def test_bad_credentials_answer_401_in_the_error_shape(engine: Engine, client: TestClient) -> None:
    factories.clinic(engine)
    factories.user(engine)
    answer = client.post(
        "/api/v1/auth/token", data={"username": "ana@example.org", "password": "wrong password"}
    )
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["error"] == {
        "code": "unauthorized",
        "message": "invalid email or password",
        "field": None,
    }


def test_a_json_body_instead_of_the_form_is_422(engine: Engine, client: TestClient) -> None:
    answer = client.post(
        "/api/v1/auth/token", json={"username": "ana@example.org", "password": PASSWORD}
    )
    assert answer.status_code == 422


def test_the_token_endpoint_locks_after_five_failures(engine: Engine, client: TestClient) -> None:
    factories.clinic(engine)
    factories.user(engine)
    form = {"username": "ana@example.org", "password": "wrong password"}
    codes = [client.post("/api/v1/auth/token", data=form).status_code for _ in range(5)]
    assert codes == [401] * 5
    right = client.post(
        "/api/v1/auth/token", data={"username": "ana@example.org", "password": PASSWORD}
    )
    assert right.status_code == 401
    assert "locked" in right.json()["error"]["message"]


def test_logout_revokes_the_token(engine: Engine, client: TestClient) -> None:
    factories.two_clinics(engine)
    token = _token(client, "admin-a@example.org")
    assert client.get("/api/v1/audit", headers=_bearer(token)).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=_bearer(token)).status_code == 204
    assert client.get("/api/v1/audit", headers=_bearer(token)).status_code == 401
    assert client.post("/api/v1/auth/logout", headers=_bearer(token)).status_code == 401


def test_the_audit_api_shows_an_admin_only_their_clinic(engine: Engine, client: TestClient) -> None:
    factories.two_clinics(engine)
    _token(client, "admin-b@example.org")
    token = _token(client, "admin-a@example.org")
    answer = client.get("/api/v1/audit", headers=_bearer(token))
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 1
    [event] = body["events"]
    assert (event["action"], event["role"], event["outcome"]) == ("login", "clinic_admin", "ok")
    assert event["client_ip"] == "testclient"
    filtered = client.get(
        "/api/v1/audit", params={"action": "read", "limit": 5}, headers=_bearer(token)
    )
    assert filtered.json() == {"total": 0, "limit": 5, "offset": 0, "events": []}


def test_the_audit_api_refuses_other_roles_and_anonymous_callers(
    engine: Engine, client: TestClient
) -> None:
    factories.two_clinics(engine)
    clinician = _token(client, "clin-a@example.org")
    assert client.get("/api/v1/audit", headers=_bearer(clinician)).status_code == 403
    missing = client.get("/api/v1/audit")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/v1/audit", headers=_bearer("made-up")).status_code == 401


def test_a_bad_audit_filter_is_422_naming_the_field(engine: Engine, client: TestClient) -> None:
    factories.two_clinics(engine)
    token = _token(client, "admin-a@example.org")
    answer = client.get("/api/v1/audit", params={"since": "yesterday"}, headers=_bearer(token))
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "since"


def _app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    tmp = tmp_path_factory.mktemp("routes")
    return create_app(Settings(data_dir=tmp, database_url=f"sqlite:///{tmp / 'x.db'}"))


def test_every_non_public_api_route_goes_through_current_actor(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    app = _app(tmp_path_factory)
    routes = api_routes(app)
    assert {route.path for route in routes} >= {"/api/v1/law", "/api/v1/auth/token"}
    unguarded = [
        f"{sorted(route.methods or ())} {route.path}"
        for route in routes
        if not _public(route.path or "") and not depends_on_current_actor(route)
    ]
    assert unguarded == []
    paths = {route.path or "" for route in clinical_routes(app)}
    assert {"/api/v1/audit", "/api/v1/auth/logout"} <= paths
    assert not any(_public(path) for path in paths)
    assert paths >= OPERATOR_WRITES


def test_every_clinical_route_answers_401_without_a_token(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    app = _app(tmp_path_factory)
    client = TestClient(app)
    for route in clinical_routes(app):
        path = (route.path or "").replace("{", "").replace("}", "")  # any id; auth comes first
        for method in route.methods or ():
            answer = client.request(method, path)
            assert answer.status_code == 401, (method, route.path, answer.text)


def test_the_openapi_schema_declares_the_bearer_scheme(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    schema = _app(tmp_path_factory).openapi()
    scheme = schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]
    assert scheme["flows"]["password"]["tokenUrl"] == "/api/v1/auth/token"
    assert schema["paths"]["/api/v1/audit"]["get"]["security"] == [{"OAuth2PasswordBearer": []}]


def test_hostile_input_gets_4xx_not_5xx_on_both_databases(
    engine: Engine, client: TestClient
) -> None:
    factories.two_clinics(engine)
    nul = client.post("/api/v1/auth/token", data={"username": "a\x00@b.org", "password": "x"})
    assert nul.status_code == 401
    huge = client.post("/api/v1/auth/token", data={"username": "a" * 5000, "password": "x" * 5000})
    assert huge.status_code == 401
    token = _token(client, "admin-a@example.org")
    for params in (
        {"action": "re\x00ad"},
        {"user_id": str(2**70)},
        {"offset": str(2**70)},
        {"since": "0001-01-01T00:00:00+05:00"},
    ):
        answer = client.get("/api/v1/audit", params=params, headers=_bearer(token))
        assert answer.status_code == 422, (params, answer.text)
