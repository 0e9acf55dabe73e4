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


def test_state_answer_carries_review_date_duties_and_their_sources(client: TestClient) -> None:
    data = client.get("/api/v1/law/NV").json()
    assert data["reviewed_on"] == "2026-12-01"
    assert isinstance(data["review_overdue"], bool)
    req = data["requirements"]
    assert req["written_consent"] is True
    assert req["registration_required"] is True
    assert req["may_delegate"] is False
    assert "proof" in req["filing"]
    fields = {r["field"] for r in data["requirement_sources"]}
    assert {"written_consent", "registration_required", "may_delegate"} <= fields
    assert all(r["sources"] for r in data["requirement_sources"])


def test_state_answer_names_who_may_needle_where_a_source_does(client: TestClient) -> None:
    assert "acupuncturists" in client.get("/api/v1/law/NY").json()["who_may_needle"]
    assert client.get("/api/v1/law/CO").json()["who_may_needle"] is None


def test_the_api_follows_an_operators_law_folder(
    client: TestClient, tmp_path: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from pinpoint.law.knowledge import DATA_DIR, LAW_DIR_ENV

    folder = Path(str(tmp_path)) / "law"
    folder.mkdir()
    text = Path(str(DATA_DIR / "NH.toml")).read_text(encoding="utf-8")
    (folder / "NH.toml").write_text(
        text.replace('reviewed_on = "2026-12-01"', 'reviewed_on = "2018-02-01"'), encoding="utf-8"
    )
    before = client.get("/api/v1/law/NH").json()
    monkeypatch.setenv(LAW_DIR_ENV, str(folder))
    after = client.get("/api/v1/law/NH").json()
    assert (before["reviewed_on"], after["reviewed_on"]) == ("2026-12-01", "2018-02-01")
    assert after["review_overdue"] is True


def test_a_bad_law_folder_stops_the_app_at_start(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    from pinpoint.errors import DataError
    from pinpoint.law.knowledge import use_folder

    folder = Path(str(tmp_path)) / "law"
    folder.mkdir()
    (folder / "NH.toml").write_text('jurisdiction = "NH"\n', encoding="utf-8")
    try:
        with pytest.raises(DataError, match=r"NH\.toml"):
            create_app(Settings(data_dir=Path(str(tmp_path)) / "data", law_dir=folder))
    finally:
        use_folder(None)
