"""``/api/v1/practitioners``: SPEC's JSON, 422 naming the field, 404 for an unknown NPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pinpoint.config import Settings
from pinpoint.directory.search import cache
from pinpoint.directory.service import find_practitioners_near
from pinpoint.web.app import create_app
from tests.directory import factories as f


@pytest.fixture
def client(db_settings: Settings) -> TestClient:
    return TestClient(create_app(db_settings))


def test_search_answers_with_spec_fields(client: TestClient, engine: Engine) -> None:
    rows = [
        f.practitioner("80202"),
        f.practitioner("80203", profession="chiropractor", taxonomy="111N00000X"),
    ]
    f.add(engine, rows)
    response = client.get(
        "/api/v1/practitioners/search", params={"zip": "80202", "radius_miles": 10}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 2
    assert [r["npi"] for r in data["results"]] == [rows[0]["npi"], rows[1]["npi"]]
    assert data["results"][1]["distance_miles"] > 0
    assert data["results"][0]["eligibility"]["verdict"] == "training_unknown"


def test_hits_and_the_practitioner_read_as_people_write_them(
    client: TestClient, engine: Engine
) -> None:
    row = f.practitioner(
        "80202",
        first_name="MAYA",
        middle_name="RENEE",
        last_name="CAMPBELL",
        credential="P.T., D.P.T.",
        address_line="1 MAIN ST, STE 200",
        city="DENVER",
        phone="3035550100",
    )
    f.add(engine, [row])
    hit = client.get("/api/v1/practitioners/search", params={"zip": "80202"}).json()["results"][0]
    assert hit["name"] == "Maya R. Campbell, PT, DPT"
    assert (hit["address_line"], hit["city"], hit["phone"]) == (
        "1 Main St, Ste 200",
        "Denver",
        "(303) 555-0100",
    )
    detail = client.get(f"/api/v1/practitioners/{row['npi']}").json()
    assert (detail["name"], detail["phone"]) == ("Maya R. Campbell, PT, DPT", "(303) 555-0100")
    assert detail["credential"] == "P.T., D.P.T."  # the NPPES text, as filed
    page = client.get(f"/practitioners/{row['npi']}").text
    assert "Maya R. Campbell, PT, DPT" in page
    assert "(303) 555-0100" in page
    assert "1 Main St, Ste 200" in page


def test_profession_is_repeatable_and_paging_applies(client: TestClient, engine: Engine) -> None:
    rows = [
        f.practitioner("80202", profession=p)
        for p in ("physical_therapist", "chiropractor", "physician", "chiropractor")
    ]
    f.add(engine, rows)
    response = client.get(
        "/api/v1/practitioners/search?zip=80202&profession=chiropractor&profession=physician"
        "&limit=2&offset=1"
    )
    data = response.json()
    assert data["total"] == 3
    assert len(data["results"]) == 2
    assert data["query"]["professions"] == ["chiropractor", "physician"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("zip=123", "zip"),
        ("zip=00000", "zip"),
        ("", "zip"),
        ("zip=80202&radius_miles=-5", "radius_miles"),
        ("zip=80202&radius_miles=9999", "radius_miles"),
        ("zip=80202&radius_miles=far", "radius_miles"),
        ("zip=80202&limit=0", "limit"),
        ("zip=80202&limit=1000", "limit"),
        ("zip=80202&offset=-1", "offset"),
        ("zip=80202&profession=dentist", "profession"),
        ("zip=%D9%A8%D9%A0%D9%A2%D9%A0%D9%A2", "zip"),  # 80202 in Arabic-Indic digits
        ("zip=%C2%B20202", "zip"),  # a superscript two
    ],
)
def test_bad_search_input_answers_422_naming_the_field(
    client: TestClient, query: str, field: str
) -> None:
    response = client.get(f"/api/v1/practitioners/search?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


def test_practitioner_detail_and_404(client: TestClient, engine: Engine) -> None:
    row = f.practitioner("80202")
    f.add(engine, [row], [f.credential(row["npi"])])
    data = client.get(f"/api/v1/practitioners/{row['npi']}").json()
    assert data["npi"] == row["npi"]
    assert data["training"][0]["hours"] == 60
    assert data["law"]["jurisdiction"] == "CO"
    missing = client.get(f"/api/v1/practitioners/{f.npi_from(999_999_998)}")
    assert missing.status_code == 404
    bad = client.get("/api/v1/practitioners/12")
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "npi"
    arabic = row["npi"].translate(
        str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
    )
    for odd in (arabic, "\u00b2" + row["npi"][1:]):
        answer = client.get(f"/api/v1/practitioners/{odd}")
        assert answer.status_code == 422
        assert answer.json()["error"]["field"] == "npi"


def test_openapi_declares_the_response_models(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    ok = paths["/api/v1/practitioners/search"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/SearchResults")


def test_find_page_shows_results_and_errors(client: TestClient, engine: Engine) -> None:
    row = f.practitioner("80202")
    f.add(engine, [row])
    page = client.get("/find?zip=80202&radius_miles=5")
    assert page.status_code == 200
    assert row["last_name"] in page.text
    assert "Training not on record" in page.text
    bad = client.get("/find?zip=abc")
    assert bad.status_code == 422
    assert "5 digits" in bad.text
    detail = client.get(f"/practitioners/{row['npi']}")
    assert detail.status_code == 200
    assert "The law this relies on" in detail.text


def test_search_index_is_built_at_startup_not_on_the_first_request(
    db_settings: Settings, engine: Engine
) -> None:
    rows = [f.practitioner("80202"), f.practitioner("80203")]
    f.add(engine, rows)  # drops any index of this database
    assert cache.cached_index(engine) is None
    with TestClient(create_app(db_settings)) as client:
        assert cache.cached_index(engine) is not None  # the lifespan built it
        response = client.get("/api/v1/practitioners/search?zip=80202&radius_miles=10")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = find_practitioners_near(engine, "80202", 10)
    assert response.content == expected.model_dump_json().encode()


def test_startup_with_a_database_not_ready_still_serves(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'empty.db'}"
    )
    with TestClient(create_app(settings)) as client:  # no tables: the index is not built
        assert client.get("/api/v1/law/CO").status_code == 200
