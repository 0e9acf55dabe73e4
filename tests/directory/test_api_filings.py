"""``POST /api/v1/practitioners/{npi}/filings``: operators record board filings; the
practitioner's answer, page and search verdict follow."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pinpoint.config import Settings
from pinpoint.web.app import create_app
from tests.accounts.factories import clinic, token, user
from tests.directory.factories import add, credential, npi_from, practitioner

MIAMI = "33130"


@pytest.fixture
def client(db_settings: Settings) -> TestClient:
    return TestClient(create_app(db_settings))


def _florida_pt(engine: Engine, base: int) -> str:
    """A Florida physical therapist with training that meets Florida's minimums."""
    npi = npi_from(base)
    add(
        engine,
        [practitioner(MIAMI, npi=npi, state="FL", city="Miami")],
        [credential(npi, hours=50, supervised_sessions=25)],
    )
    return npi


def _operator(engine: Engine) -> dict[str, str]:
    user(engine, "ops@example.org", "operator", None)
    return {"Authorization": f"Bearer {token(engine, 'ops@example.org')}"}


def _body(**values: Any) -> dict[str, Any]:
    return {"state": "FL", "kind": "attestation", "filed_on": "2024-05-01", **values}


def _search_verdict(client: TestClient, npi: str) -> str:
    answer = client.get("/api/v1/practitioners/search", params={"zip": MIAMI, "radius_miles": 5})
    return str(
        next(h["eligibility"]["verdict"] for h in answer.json()["results"] if h["npi"] == npi)
    )


def test_an_operator_records_a_filing_and_the_verdicts_follow(
    engine: Engine, client: TestClient
) -> None:
    npi = _florida_pt(engine, 20)
    ops = _operator(engine)
    before = client.get(f"/api/v1/practitioners/{npi}").json()
    assert before["eligibility"]["verdict"] == "training_unknown"
    assert "attestation form" in before["eligibility"]["reasons"][0]
    assert before["filings"] == []
    assert _search_verdict(client, npi) == "training_unknown"

    made = client.post(
        f"/api/v1/practitioners/{npi}/filings",
        json=_body(reference="DN-0042", expires_on="2099-12-31"),
        headers=ops,
    )
    assert made.status_code == 201, made.text
    stored = made.json()
    assert stored["id"]
    assert {k: stored[k] for k in ("npi", "state", "kind", "filed_on", "reference")} == {
        "npi": npi,
        "state": "FL",
        "kind": "attestation",
        "filed_on": "2024-05-01",
        "reference": "DN-0042",
    }
    assert stored["expires_on"] == "2099-12-31"
    assert stored["recorded_by"] is not None
    assert stored["recorded_at"]

    after = client.get(f"/api/v1/practitioners/{npi}").json()
    assert after["eligibility"]["verdict"] == "eligible"
    assert after["filings"] == [
        {
            "state": "FL",
            "kind": "attestation",
            "filed_on": "2024-05-01",
            "expires_on": "2099-12-31",
            "reference": "DN-0042",
            "in_force": True,
        }
    ]
    assert _search_verdict(client, npi) == "eligible"
    page = client.get(f"/practitioners/{npi}")
    assert page.status_code == 200
    assert "Filings with state boards" in page.text
    assert "Attestation" in page.text
    assert "DN-0042" in page.text
    assert "Eligible to dry needle here" in page.text


def test_filings_need_an_operator(engine: Engine, client: TestClient) -> None:
    npi = _florida_pt(engine, 21)
    clinic(engine)
    user(engine)  # a clinician
    user(engine, "admin@example.org", "clinic_admin")
    ops = _operator(engine)
    route = f"/api/v1/practitioners/{npi}/filings"
    assert client.post(route, json=_body()).status_code == 401
    bad_token = {"Authorization": "Bearer not-a-token"}
    assert client.post(route, json=_body(), headers=bad_token).status_code == 401
    for email in ("ana@example.org", "admin@example.org"):
        headers = {"Authorization": f"Bearer {token(engine, email)}"}
        assert client.post(route, json=_body(), headers=headers).status_code == 403
    assert client.get(f"/api/v1/practitioners/{npi}").json()["filings"] == []
    assert client.post(route, json=_body(), headers=ops).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_body(state="XX"), "state"),
        (_body(kind="licence"), "kind"),
        (_body(filed_on="2999-01-01"), "filed_on"),
        (_body(filed_on="01/05/2024"), "filed_on"),
        (_body(filed_on="\u0662\u0660\u0662\u0664-05-01"), "filed_on"),
        (_body(filed_on=1714521600), "filed_on"),
        (_body(expires_on="2024-04-01"), "expires_on"),
        (_body(reference="DN\u202e42"), "reference"),
        (_body(recorded_by=1), "recorded_by"),
        ({"kind": "attestation", "filed_on": "2024-05-01"}, "state"),
    ],
)
def test_bad_input_answers_422_naming_the_field(
    engine: Engine, client: TestClient, body: dict[str, Any], field: str
) -> None:
    npi = _florida_pt(engine, 22)
    answer = client.post(
        f"/api/v1/practitioners/{npi}/filings", json=body, headers=_operator(engine)
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field


def test_npis_unknown_malformed_and_repeated_filings(engine: Engine, client: TestClient) -> None:
    npi = _florida_pt(engine, 23)
    ops = _operator(engine)
    unknown = client.post(
        f"/api/v1/practitioners/{npi_from(999)}/filings", json=_body(), headers=ops
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["field"] == "npi"
    for bad in ("1234567890", "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0663"):
        malformed = client.post(f"/api/v1/practitioners/{bad}/filings", json=_body(), headers=ops)
        assert malformed.status_code == 422
        assert malformed.json()["error"]["field"] == "npi"
    route = f"/api/v1/practitioners/{npi}/filings"
    assert client.post(route, json=_body(), headers=ops).status_code == 201
    repeated = client.post(route, json=_body(), headers=ops)
    assert repeated.status_code == 409
    assert repeated.json()["error"]["field"] == "filed_on"
