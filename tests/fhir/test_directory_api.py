"""``/fhir/R4`` directory reads and the PractitionerRole ``location.near`` search."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from pinpoint.cli import run
from pinpoint.directory import geo
from pinpoint.fhir import systems
from tests.directory import factories as f
from tests.fhir.validation import check

R4 = "/fhir/R4"
ZIPS = ["80202", "80203", "80204", "80205", "80206", "80207", "80209", "80210", "80301", "80903"]
ELIGIBILITY = systems.local_extension("dry-needling-eligibility")


@pytest.fixture
def directory(engine: Engine) -> list[dict[str, Any]]:
    rows = []
    for i, zip5 in enumerate(ZIPS * 3):
        profession = ("physical_therapist", "chiropractor", "physician")[i % 3]
        taxonomy = {
            "physical_therapist": "225100000X",
            "chiropractor": "111N00000X",
            "physician": "208100000X",
        }[profession]
        rows.append(f.practitioner(zip5, profession=profession, taxonomy=taxonomy))
    creds = [f.credential(rows[0]["npi"], hours=60.0)]
    lics = [
        {
            "npi": rows[0]["npi"],
            "taxonomy": "225100000X",
            "number": "PT12345",
            "state": "CO",
            "primary": True,
        }
    ]
    f.add(engine, rows, creds, lics)
    return rows


def find_json(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    out = io.StringIO()
    with redirect_stdout(out):
        assert run(["find", *args, "--json"]) == 0
    return json.loads(out.getvalue())


def test_practitioner_read_carries_npi_licenses_and_training(
    client: TestClient, directory: list[dict[str, Any]]
) -> None:
    npi = directory[0]["npi"]
    p = check(client.get(f"{R4}/Practitioner/{npi}").json())
    assert p["identifier"] == [{"system": "http://hl7.org/fhir/sid/us-npi", "value": npi}]
    kinds = [q["code"].get("text") for q in p["qualification"]]
    assert "License (CO)" in kinds
    assert "Dry Needling Level 1" in kinds
    training = next(
        q for q in p["qualification"] if q["code"].get("text") == "Dry Needling Level 1"
    )
    assert training["issuer"]["display"] == "Test Needling Institute"
    assert training["extension"][0]["valueDecimal"] == 60.0


def test_practitioner_role_read_carries_the_verdict_and_the_law(
    client: TestClient, directory: list[dict[str, Any]]
) -> None:
    role = check(client.get(f"{R4}/PractitionerRole/{directory[0]['npi']}").json())
    verdict = next(e for e in role["extension"] if e["url"] == ELIGIBILITY)
    parts = {e["url"]: e for e in verdict["extension"]}
    assert parts["verdict"]["valueCoding"]["code"] == "eligible"
    law = {e["url"] for e in parts["law"]["extension"]}
    assert {"jurisdiction", "status", "source"} <= law
    sources = [e for e in parts["law"]["extension"] if e["url"] == "source"]
    assert all(any(x["url"] == "title" for x in s["extension"]) for s in sources)
    assert role["specialty"][0]["coding"][0] == {
        "system": "http://nucc.org/provider-taxonomy",
        "code": "225100000X",
    }


def test_location_read_is_at_the_zip_centroid(
    client: TestClient, directory: list[dict[str, Any]]
) -> None:
    loc = check(client.get(f"{R4}/Location/{directory[0]['npi']}").json())
    point = geo.zip_centroid("80202")
    assert loc["position"] == {"longitude": point.longitude, "latitude": point.latitude}
    assert loc["address"]["postalCode"] == "80202"


def test_identifier_search(client: TestClient, directory: list[dict[str, Any]]) -> None:
    npi = directory[1]["npi"]
    found = check(
        client.get(f"{R4}/Practitioner", params={"identifier": f"{systems.NPI}|{npi}"}).json()
    )
    assert found["total"] == 1
    assert found["entry"][0]["resource"]["id"] == npi
    none = check(
        client.get(f"{R4}/Practitioner", params={"identifier": f"{systems.NPI}|1234567893"}).json()
    )
    assert none["total"] == 0
    assert "entry" not in none
    bad = client.get(f"{R4}/Practitioner", params={"identifier": "urn:other|1234567893"})
    assert bad.status_code == 422
    assert check(bad.json())["issue"][0]["expression"] == ["identifier"]


@pytest.mark.parametrize("path", ["Practitioner/1234567893", "PractitionerRole/99", "Location/abc"])
def test_unknown_ids_are_404_outcomes(
    client: TestClient, directory: list[dict[str, Any]], path: str
) -> None:
    answer = client.get(f"{R4}/{path}")
    assert answer.status_code == 404
    assert check(answer.json())["issue"][0]["code"] == "not-found"


def roles(client: TestClient, **params: Any) -> dict[str, Any]:
    answer = client.get(f"{R4}/PractitionerRole", params=params)
    assert answer.status_code == 200, answer.text
    return check(answer.json())


@pytest.mark.parametrize(
    ("zip5", "radius", "profession"),
    [("80202", "5", None), ("80202", "80", "physical_therapist"), ("80301", "30", "chiropractor")],
)
def test_near_answers_what_pinpoint_find_answers(
    client: TestClient,
    db_settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    directory: list[dict[str, Any]],
    zip5: str,
    radius: str,
    profession: str | None,
) -> None:
    env = {
        "PINPOINT_DATABASE_URL": db_settings.resolved_database_url(),
        "PINPOINT_DATA_DIR": str(db_settings.data_dir),
    }
    args = ["--zip", zip5, "--radius-miles", radius, "--limit", "500"]
    if profession:
        args += ["--profession", profession]
    found = find_json(env, monkeypatch, *args)
    point = geo.zip_centroid(zip5)
    params: dict[str, Any] = {
        "location.near": f"{point.latitude}|{point.longitude}|{radius}|mi",
        "_count": 500,
    }
    if profession:
        params["specialty"] = (
            f"http://nucc.org/provider-taxonomy|{systems.PROFESSION_NUCC[profession][0]}"
        )
    bundle = roles(client, **params)
    assert bundle["total"] == found["total"]
    assert [e["resource"]["id"] for e in bundle["entry"]] == [r["npi"] for r in found["results"]]
    distances = [e["search"]["extension"][0]["valueDistance"]["value"] for e in bundle["entry"]]
    assert distances == [r["distance_miles"] for r in found["results"]]
    verdicts = [
        e["resource"]["extension"][0]["extension"][0]["valueCoding"]["code"]
        for e in bundle.get("entry", [])
    ]
    assert verdicts == [r["eligibility"]["verdict"] for r in found["results"]]


def test_near_pages_with_count_and_next_links(
    client: TestClient, directory: list[dict[str, Any]]
) -> None:
    point = geo.zip_centroid("80202")
    near = f"{point.latitude}|{point.longitude}|100|mi"
    seen: list[str] = []
    bundle = roles(client, **{"location.near": near, "_count": 7})
    total = bundle["total"]
    while True:
        seen += [e["resource"]["id"] for e in bundle.get("entry", [])]
        links = {link["relation"]: link["url"] for link in bundle["link"]}
        if "next" not in links:
            break
        query = parse_qs(urlsplit(links["next"]).query)
        assert query["_count"] == ["7"]
        bundle = roles(client, **{k: v[0] for k, v in query.items()})
    everything = roles(client, **{"location.near": near, "_count": 500})
    assert seen == [e["resource"]["id"] for e in everything["entry"]]
    assert len(seen) == total == len(directory)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "location.near"),
        ({"location.near": "39.7|-104.9|10|furlongs"}, "location.near"),
        ({"location.near": "91|0|10|mi"}, "location.near"),
        ({"location.near": "x|y"}, "location.near"),
        ({"location.near": "39.7|-104.9|0|mi"}, "location.near"),
        ({"location.near": "39.7|-104.9|10|mi", "_count": 0}, "_count"),
        ({"location.near": "39.7|-104.9|10|mi", "_count": "many"}, "_count"),
        ({"location.near": "39.7|-104.9|10|mi", "specialty": "999999999X"}, "specialty"),
        ({"location.near": "39.7|-104.9|10|mi", "_count": "\u0665"}, "_count"),
        ({"location.near": "39.7|-104.9|10|mi", "_offset": "-1"}, "_offset"),
        ({"location.near": "39.7|-104.9|10|mi", "_offset": "9" * 30}, "_offset"),
        ({"location.near": "39.7|-104.9|" + "1" * 300 + "|mi"}, "location.near"),
    ],
)
def test_bad_search_parameters_are_422_naming_the_parameter(
    client: TestClient, directory: list[dict[str, Any]], params: dict[str, Any], field: str
) -> None:
    answer = client.get(f"{R4}/PractitionerRole", params=params)
    assert answer.status_code == 422, answer.text
    outcome = check(answer.json())
    assert outcome["issue"][0]["expression"] == [field]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lat=st.floats(min_value=38.5, max_value=41.0),
    lon=st.floats(min_value=-106.0, max_value=-103.5),
    radius=st.floats(min_value=0.5, max_value=120),
)
@pytest.mark.backends("sqlite")
def test_near_is_sorted_by_distance_then_npi_and_within_the_radius(
    client: TestClient, directory: list[dict[str, Any]], lat: float, lon: float, radius: float
) -> None:
    bundle = roles(client, **{"location.near": f"{lat}|{lon}|{radius}|mi", "_count": 500})
    rows = {r["npi"]: r for r in directory}

    def exact(npi: str) -> float:
        return geo.haversine_miles(lat, lon, rows[npi]["latitude"], rows[npi]["longitude"])

    entries = bundle.get("entry", [])
    keys = [(exact(e["resource"]["id"]), e["resource"]["id"]) for e in entries]
    assert keys == sorted(keys)
    shown = [e["search"]["extension"][0]["valueDistance"]["value"] for e in entries]
    assert shown == [round(k[0], 2) for k in keys]
    assert all(k[0] <= radius for k in keys)
    inside = [
        r
        for r in directory
        if geo.haversine_miles(lat, lon, r["latitude"], r["longitude"]) <= radius
    ]
    assert bundle["total"] == len(inside)


def test_metadata_day_is_a_date(client: TestClient) -> None:
    cap = check(client.get(f"{R4}/metadata").json())
    assert date.fromisoformat(cap["date"])
    assert cap["fhirVersion"] == "4.0.1"
