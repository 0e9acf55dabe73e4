"""``/api/v1/law``: SPEC's fields, dates, and 422 naming the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pinpoint.config import Settings
from pinpoint.web.app import create_app


@pytest.fixture
def client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings))


def test_state_answer_has_spec_fields(client: TestClient) -> None:
    response = client.get("/api/v1/law/CO")
    assert response.status_code == 200
    data = response.json()
    assert data["jurisdiction"] == "CO"
    assert data["status"] == "permitted"
    assert data["sources"]
    assert "conflicts" in data


def test_state_is_case_insensitive_and_takes_a_date(client: TestClient) -> None:
    data = client.get("/api/v1/law/co", params={"on": "2012-06-01"}).json()
    assert data["on"] == "2012-06-01"
    assert data["status"] == "permitted"


def test_list_has_every_jurisdiction(client: TestClient) -> None:
    data = client.get("/api/v1/law").json()
    assert len(data["jurisdictions"]) >= 51


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/law/XX", "state"),
        ("/api/v1/law/CO?on=2026-13-01", "on"),
        ("/api/v1/law/CO?profession=dentist", "profession"),
        ("/api/v1/law?on=tomorrow", "on"),
        ("/api/v1/law?profession=", "profession"),
    ],
)
def test_bad_input_is_422_naming_the_field(client: TestClient, url: str, field: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_openapi_documents_the_law_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/law/{state}" in paths
    assert "/api/v1/law" in paths
