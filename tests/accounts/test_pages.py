"""Web login: session cookie flags, CSRF on every form, logout, and the audit page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pinpoint.config import Settings
from pinpoint.web.app import create_app
from tests.accounts import factories
from tests.accounts.factories import PASSWORD

HTML = {"Accept": "text/html"}


@pytest.fixture
def client(db_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(db_settings), follow_redirects=False) as test_client:
        yield test_client


def _form_csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _login(client: TestClient, email: str, password: str = PASSWORD, next: str = "") -> str:
    """Log in through the form; returns the session's CSRF token from a logged-in page."""
    csrf = _form_csrf(client.get("/login").text)
    answer = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf, "next": next}
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_the_login_form_carries_a_csrf_token_matching_its_cookie(client: TestClient) -> None:
    answer = client.get("/login")
    assert answer.status_code == 200
    assert client.cookies["pinpoint_login_csrf"] == _form_csrf(answer.text)
    assert "httponly" in answer.headers["set-cookie"].lower()


def test_login_sets_an_httponly_samesite_session_cookie(engine: Engine, client: TestClient) -> None:
    factories.clinic(engine)
    factories.user(engine)
    csrf = _form_csrf(client.get("/login").text)
    answer = client.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": csrf}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/clinic"
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("pinpoint_session=")
    )
    flags = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "path=/" in flags
    assert "secure" not in flags


def test_the_session_cookie_is_secure_over_https(engine: Engine, db_settings: Settings) -> None:
    factories.clinic(engine)
    factories.user(engine)
    client = TestClient(
        create_app(db_settings), base_url="https://testserver", follow_redirects=False
    )
    csrf = _form_csrf(client.get("/login").text)
    answer = client.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": csrf}
    )
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("pinpoint_session=")
    )
    assert "secure" in [part.strip().lower() for part in cookie.split(";")]


def test_a_login_form_without_its_csrf_token_is_refused(engine: Engine, client: TestClient) -> None:
    factories.clinic(engine)
    factories.user(engine)
    client.get("/login")
    for token in ("", "forged"):
        answer = client.post(
            "/login",
            data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": token},
            headers=HTML,
        )
        assert answer.status_code == 403
        assert "pinpoint_session" not in answer.headers.get("set-cookie", "")


def test_a_wrong_password_shows_the_form_again(engine: Engine, client: TestClient) -> None:
    factories.clinic(engine)
    factories.user(engine)
    csrf = _form_csrf(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"email": "ana@example.org", "password": "not-my-Secret1", "csrf_token": csrf},
    )
    assert answer.status_code == 401
    assert "invalid email or password" in answer.text
    assert 'value="ana@example.org"' in answer.text
    assert "not-my-Secret1" not in answer.text


def test_login_only_redirects_to_local_paths(engine: Engine, client: TestClient) -> None:
    factories.two_clinics(engine)
    assert _login(client, "admin-a@example.org", next="/audit") == "/audit"
    assert _login(client, "admin-a@example.org", next="//evil.example") == "/clinic"
    assert _login(client, "admin-a@example.org", next="https://evil.example") == "/clinic"


def test_cookie_authenticated_writes_need_the_session_csrf_token(
    engine: Engine, client: TestClient
) -> None:
    factories.two_clinics(engine)
    _login(client, "admin-a@example.org")
    page = client.get("/audit")
    assert page.status_code == 200
    session_csrf = _form_csrf(page.text)  # the logout form in the navigation
    # A cookie-authenticated API write without the token is refused...
    refused = client.post("/api/v1/auth/logout")
    assert refused.status_code == 403
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "forged"}).status_code == 403
    # ...reads need none, and the right token is accepted.
    assert client.get("/api/v1/audit").status_code == 200
    ok = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": session_csrf})
    assert ok.status_code == 204


def test_logout_needs_csrf_and_ends_the_session(engine: Engine, client: TestClient) -> None:
    factories.two_clinics(engine)
    _login(client, "admin-a@example.org")
    session_csrf = _form_csrf(client.get("/audit").text)
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/audit").status_code == 200
    answer = client.post("/logout", data={"csrf_token": session_csrf})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login"
    assert client.get("/audit").status_code == 303  # back to the login page
    assert client.get("/api/v1/audit").status_code == 401


def test_a_stolen_cookie_stops_working_after_logout(engine: Engine, client: TestClient) -> None:
    factories.two_clinics(engine)
    _login(client, "admin-a@example.org")
    stolen = client.cookies["pinpoint_session"]
    client.post("/logout", data={"csrf_token": _form_csrf(client.get("/audit").text)})
    thief = TestClient(client.app, cookies={"pinpoint_session": stolen})
    assert thief.get("/api/v1/audit").status_code == 401


def test_the_audit_page_lists_the_admins_clinic_only(engine: Engine, client: TestClient) -> None:
    factories.two_clinics(engine)
    factories.login(engine, "admin-b@example.org")
    _login(client, "admin-a@example.org")
    page = client.get("/audit")
    assert page.status_code == 200
    assert "1 event" in page.text
    assert "clinic_admin" in page.text
    assert client.get("/audit", params={"action": "read"}).text.count("<tr>") == 0
    assert "0 events" in client.get("/audit", params={"action": "read"}).text


def test_a_bad_audit_page_filter_is_shown_not_crashed(engine: Engine, client: TestClient) -> None:
    factories.two_clinics(engine)
    _login(client, "admin-a@example.org")
    answer = client.get("/audit", params={"since": "last week"})
    assert answer.status_code == 422
    assert "since must be a date" in answer.text


def test_the_audit_page_refuses_clinicians_and_sends_strangers_to_login(
    engine: Engine, client: TestClient
) -> None:
    factories.two_clinics(engine)
    anonymous = client.get("/audit")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login")
    _login(client, "clin-a@example.org")
    assert client.get("/audit", headers=HTML).status_code == 403
