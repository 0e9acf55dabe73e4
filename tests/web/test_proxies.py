"""Behind a reverse proxy: forwarded headers count only from proxies the operator trusts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import Engine, select

from pinpoint.accounts.service import MAX_FAILED_PER_ADDRESS, create_clinic, create_user
from pinpoint.audit.models import AuditEvent
from pinpoint.config import Settings
from pinpoint.db.engine import session_factory
from pinpoint.web.app import create_app

PROXY = ("10.0.0.5", 443)
STRANGER = ("198.51.100.7", 5555)
PASSWORD = "correct horse battery staple"
TOKEN = "/api/v1/auth/token"


@pytest.fixture
def account(engine: Engine) -> str:
    create_clinic(engine, "Clinic A", "CO")
    create_user(engine, "ana@example.org", "clinician", PASSWORD, "Clinic A")
    return "ana@example.org"


def _client(settings: Settings, peer: tuple[str, int], **changes: str) -> TestClient:
    app = create_app(settings.model_copy(update=changes))
    return TestClient(app, client=peer, base_url="http://pinpoint.test")


def _logged_addresses(engine: Engine) -> list[str | None]:
    with session_factory(engine)() as session:
        return list(
            session.scalars(
                select(AuditEvent.client_ip)
                .where(AuditEvent.action == "login")
                .order_by(AuditEvent.id)
            )
        )


def _login(client: TestClient, forwarded_for: str, password: str = PASSWORD) -> int:
    headers = {"X-Forwarded-For": forwarded_for}
    data = {"username": "ana@example.org", "password": password}
    return client.post(TOKEN, data=data, headers=headers).status_code


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    db_settings: Settings, engine: Engine, account: str
) -> None:
    assert _login(_client(db_settings, STRANGER), "203.0.113.1") == 200
    assert _login(_client(db_settings, PROXY, trusted_proxies="10.0.0.0/24"), "203.0.113.1") == 200
    assert _login(_client(db_settings, STRANGER, trusted_proxies="10.0.0.0/24"), "1.2.3.4") == 200
    assert _logged_addresses(engine) == [STRANGER[0], "203.0.113.1", STRANGER[0]]


def test_behind_a_proxy_one_guessing_client_does_not_lock_out_the_others(
    db_settings: Settings, engine: Engine, account: str
) -> None:
    client = _client(db_settings, PROXY, trusted_proxies="10.0.0.5")
    for n in range(MAX_FAILED_PER_ADDRESS):
        create_user(engine, f"u{n}@example.org", "clinician", PASSWORD, "Clinic A")
        data = {"username": f"u{n}@example.org", "password": "wrong password"}
        client.post(TOKEN, data=data, headers={"X-Forwarded-For": "203.0.113.66"})
    assert _login(client, "203.0.113.66") == 401  # the guesser's address waits
    assert _login(client, "198.51.100.20") == 200  # everyone else behind the proxy does not


def test_the_session_cookie_is_secure_when_the_proxy_says_https(
    db_settings: Settings, engine: Engine, account: str
) -> None:
    for peer, trusted, secure in [(PROXY, "10.0.0.5", True), (STRANGER, "10.0.0.5", False)]:
        client = _client(db_settings, peer, trusted_proxies=trusted)
        form = client.get("/login")
        csrf = form.cookies["pinpoint_login_csrf"]
        answer = client.post(
            "/login",
            data={"email": account, "password": PASSWORD, "csrf_token": csrf},
            headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        cookie = next(
            h for h in answer.headers.get_list("set-cookie") if h.startswith("pinpoint_session=")
        )
        assert ("secure" in cookie.lower()) is secure


@pytest.mark.parametrize("value", ["proxy.example.org", "10.0.0.300", "10.0.0.0/33", "*"])
def test_a_trusted_proxy_must_be_an_address_or_network(value: str) -> None:
    with pytest.raises(ValidationError, match="not an IP address or network"):
        Settings(trusted_proxies=value)


def test_trusted_proxies_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINPOINT_TRUSTED_PROXIES", " 10.0.0.5, 192.168.0.0/16 ,")
    assert Settings().trusted_proxy_list() == ["10.0.0.5", "192.168.0.0/16"]
