"""Browser security headers on every kind of answer, and templates the policy can hold.

Pages, API answers, errors (404, 405, 401, 422, 413, 500), static files, redirects, the
OpenAPI document and the API docs all carry the same headers; the docs run on the
vendored Swagger UI; no template carries an inline script, event handler or style.
"""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pinpoint.config import Settings
from pinpoint.web.app import create_app
from pinpoint.web.headers import CONTENT_SECURITY_POLICY, SECURITY_HEADERS
from pinpoint.web.pages.api_docs import BUNDLE_PATH

pytestmark = pytest.mark.backends("sqlite")  # headers do not depend on the database

WEB = Path(str(resources.files("pinpoint.web")))
HTML = {"accept": "text/html"}
# swagger-ui-dist 5.35.0 dist/swagger-ui-bundle.js, as the npm tarball holds it
SWAGGER_UI_BUNDLE_SHA256 = "e6a898692f2d768e807c3ba4626068a69a2c5dd960dd6c76f3e4d3a3de180af2"


def _boom() -> None:
    raise RuntimeError("a bug")


@pytest.fixture
def app(db_settings: Settings) -> FastAPI:
    app = create_app(db_settings)
    app.add_api_route("/boom", _boom, include_in_schema=False)
    return app


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False, raise_server_exceptions=False)


# (method, path, headers, status): a sample of every kind of answer.
SAMPLE = [
    ("GET", "/", HTML, 200),
    ("GET", "/law", HTML, 200),
    ("GET", "/law/CO", HTML, 200),
    ("GET", "/learn", HTML, 200),
    ("GET", "/find?zip=80202", HTML, 200),
    ("GET", "/login", HTML, 200),
    ("GET", "/law/XX", HTML, 404),
    ("GET", "/no-such-page", HTML, 404),
    ("GET", "/api/v1/law/CO", {}, 200),
    ("GET", "/api/v1/practitioners/search?zip=80202", {}, 200),
    ("GET", "/api/v1/law/XX", {}, 422),
    ("GET", "/api/v1/practitioners/1234567893", {}, 404),
    ("GET", "/api/v1/patients", {}, 401),
    ("DELETE", "/api/v1/law/CO", {}, 405),
    ("POST", "/api/v1/auth/token", {}, 422),
    ("GET", "/openapi.json", {}, 200),
    ("GET", "/api/docs", HTML, 200),
    ("GET", "/static/pinpoint.css", {}, 200),
    ("GET", "/static/vendor/htmx.min.js", {}, 200),
    ("GET", "/static/vendor/swagger-ui/swagger-ui-bundle.js", {}, 200),
    ("GET", "/static/no-such-file.js", {}, 404),
    ("GET", "/zip?zip=80202", HTML, 303),
    ("GET", "/clinic", HTML, 303),
    ("POST", "/logout", HTML, 303),
    ("GET", "/boom", {}, 500),
]


@pytest.mark.parametrize(("method", "path", "headers", "status"), SAMPLE)
def test_every_kind_of_answer_carries_the_security_headers(
    client: TestClient, method: str, path: str, headers: dict[str, str], status: int
) -> None:
    answer = client.request(method, path, headers=headers)
    assert answer.status_code == status, answer.text
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, f"{name} on {method} {path}"
    assert "strict-transport-security" not in answer.headers  # plain HTTP


def test_an_oversized_body_is_refused_with_the_headers(client: TestClient) -> None:
    answer = client.post("/api/v1/patients", content=b"x" * 2_000_000)
    assert answer.status_code == 413
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get(name) == value, name


def test_https_answers_add_strict_transport_security(app: FastAPI) -> None:
    client = TestClient(app, base_url="https://testserver")
    assert client.get("/law").headers["strict-transport-security"] == "max-age=31536000"


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


def test_the_policy_is_strict() -> None:
    policy = _directives(CONTENT_SECURITY_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "script-src" not in policy, "scripts fall back to default-src 'self'"
    assert "style-src" not in policy, "styles fall back to default-src 'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert SECURITY_HEADERS["X-Frame-Options"] == "DENY"


def _templates() -> list[Path]:
    return sorted((WEB / "templates").glob("*.html"))


INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "style element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("template", _templates(), ids=lambda p: p.name)
def test_no_template_needs_an_inline_exception(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    found = [kind for kind, pattern in INLINE.items() if pattern.search(text)]
    assert found == []


def test_the_inline_checks_catch_what_they_look_for() -> None:
    samples = {
        "inline script": "<script>alert(1)</script>",
        "event handler": '<form oninput="x()">',
        "style attribute": '<li style="grid-row: 1">',
        "style element": "<style>p {}</style>",
        "javascript: URL": '<a href="javascript:x()">',
    }
    for kind, sample in samples.items():
        assert INLINE[kind].search(sample), kind
    assert not INLINE["inline script"].search('<script src="/static/sort.js" defer></script>')


def test_htmx_is_configured_not_to_inject_styles_or_eval(client: TestClient) -> None:
    page = client.get("/law", headers=HTML).text
    config = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", page)
    assert config
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert '"allowEval": false' in config.group(1)


def test_the_api_docs_load_swagger_ui_from_the_package(client: TestClient) -> None:
    page = client.get("/api/docs", headers=HTML)
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in assets
    assert "/static/vendor/swagger-ui/swagger-ui.css" in assets
    assert "/static/api-docs.js" in assets
    assert not [a for a in assets if "//" in a], "nothing from another site"
    assert 'data-openapi-url="/openapi.json"' in page.text
    for asset in assets:
        if asset.startswith("/static/"):
            assert client.get(asset).status_code == 200, asset


def test_the_vendored_swagger_ui_says_where_it_came_from() -> None:
    vendor = WEB / "static" / "vendor"
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    assert "swagger-ui-dist 5.35.0" in readme
    for name in ("swagger-ui-bundle.js.gz", "swagger-ui.css", "LICENSE", "NOTICE"):
        assert (vendor / "swagger-ui" / name).is_file(), name
    assert "Apache License" in (vendor / "swagger-ui" / "LICENSE").read_text(encoding="utf-8")


def test_the_swagger_ui_bundle_is_served_whole_with_or_without_gzip(client: TestClient) -> None:
    zipped = client.get(BUNDLE_PATH, headers={"Accept-Encoding": "gzip"})
    plain = client.get(BUNDLE_PATH, headers={"Accept-Encoding": "identity"})
    assert zipped.status_code == plain.status_code == 200
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    for answer in (zipped, plain):
        assert answer.headers["content-type"].startswith("text/javascript")
        assert answer.headers["vary"] == "Accept-Encoding"
        assert answer.headers["x-content-type-options"] == "nosniff"
    # the client undoes the gzip: both bodies are the bundle npm ships, byte for byte
    assert zipped.content == plain.content
    assert hashlib.sha256(plain.content).hexdigest() == SWAGGER_UI_BUNDLE_SHA256


def test_fastapis_cdn_docs_pages_are_gone(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_https_behind_a_trusted_proxy_adds_strict_transport_security(
    db_settings: Settings,
) -> None:
    proxied = create_app(db_settings.model_copy(update={"trusted_proxies": "127.0.0.1"}))
    client = TestClient(proxied, client=("127.0.0.1", 40000))
    behind = client.get("/law", headers={"X-Forwarded-Proto": "https"})
    assert behind.headers["strict-transport-security"] == "max-age=31536000"
    assert "strict-transport-security" not in client.get("/law").headers
