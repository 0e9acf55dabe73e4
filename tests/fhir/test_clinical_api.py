"""``/fhir/R4/Patient``: the clinical record as FHIR, with the JSON API's access rules."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pinpoint.audit.models import AuditEvent
from pinpoint.db.engine import transaction
from tests.fhir.conftest import World
from tests.fhir.validation import check

R4 = "/fhir/R4"


def everything(client: TestClient, world: World, email: str = "clin-a@example.org") -> Any:
    answer = client.get(f"{R4}/Patient/{world.patient_id}/$everything", headers=world.bearer(email))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/fhir+json")
    return check(answer.json())


def of_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_patient_read_is_a_valid_us_core_patient(client: TestClient, world: World) -> None:
    answer = client.get(
        f"{R4}/Patient/{world.patient_id}", headers=world.bearer("clin-a@example.org")
    )
    assert answer.status_code == 200
    patient = check(answer.json())
    assert patient["id"] == str(world.patient_id)
    assert patient["identifier"][0]["value"] == "MRN-A1"
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "MR"
    assert patient["gender"] == "female"
    assert patient["birthDate"] == "1980-01-02"


def test_everything_holds_the_whole_record(client: TestClient, world: World) -> None:
    bundle = everything(client, world)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    for kind in (
        "Organization",
        "Patient",
        "EpisodeOfCare",
        "Condition",
        "CarePlan",
        "Goal",
        "Observation",
        "Consent",
        "Procedure",
        "AdverseEvent",
        "Provenance",
        "QuestionnaireResponse",
    ):
        assert kind in kinds
    assert bundle["type"] == "searchset"
    assert bundle["total"] == len(bundle["entry"])
    assert all(
        e["fullUrl"].endswith(f"/{e['resource']['resourceType']}/{e['resource']['id']}")
        for e in bundle["entry"]
    )


def test_codes_and_systems(client: TestClient, world: World) -> None:
    bundle = everything(client, world)
    conditions = of_type(bundle, "Condition")
    assert {c["code"]["coding"][0]["code"] for c in conditions} == {"M54.50", "M62.830"}
    assert {c["code"]["coding"][0]["system"] for c in conditions} == {
        "http://hl7.org/fhir/sid/icd-10-cm"
    }
    procedures = sorted(of_type(bundle, "Procedure"), key=lambda p: p["performedDateTime"])
    assert [p["code"]["coding"][0]["code"] for p in procedures] == ["20560", "20561"]
    assert procedures[0]["code"]["coding"][0]["system"] == "http://www.ama-assn.org/go/cpt"
    assert len(procedures[1]["bodySite"]) == 3
    laterality = procedures[0]["bodySite"][0]["extension"][0]
    assert laterality["valueCodeableConcept"]["coding"][0]["code"] == "7771000"  # left
    actor = procedures[0]["performer"][0]["actor"]
    assert actor["identifier"] == {"system": "http://hl7.org/fhir/sid/us-npi", "value": world.npi}
    pains = [
        o
        for o in of_type(bundle, "Observation")
        if o["code"]["coding"][0]["system"] == "http://loinc.org" and "-pain-" in o["id"]
    ]
    assert len(pains) == 4
    assert {o["code"]["coding"][0]["code"] for o in pains} == {"72514-3"}
    assert all(o["category"][0]["coding"][0]["code"] == "survey" for o in pains)
    assert sorted(o["valueInteger"] for o in pains) == [3, 3, 6, 6]


def test_the_needler_is_named_wherever_the_record_names_them(
    client: TestClient, world: World
) -> None:
    bundle = everything(client, world)
    named = [p["performer"][0]["actor"] for p in of_type(bundle, "Procedure")]
    named += [a["who"] for r in of_type(bundle, "Provenance") for a in r["agent"]]
    named += [o["performer"][0] for o in of_type(bundle, "Observation") if "-pain-" in o["id"]]
    assert len(named) == 2 + 2 + 4
    for reference in named:
        assert reference["reference"] == f"Practitioner/{world.npi}"
        # The directory's name, as people write it: "Sam Testperson7, PT".
        assert reference["display"].startswith("Sam Testperson"), reference
        assert reference["display"].endswith(", PT"), reference


def test_adverse_event_severity_follows_codes_md(client: TestClient, world: World) -> None:
    events = {
        e["event"]["coding"][0]["code"]: e
        for e in of_type(everything(client, world), "AdverseEvent")
    }
    assert events["bruising"]["severity"]["coding"][0]["code"] == "mild"
    assert events["bruising"]["seriousness"]["coding"][0]["code"] == "non-serious"
    assert events["bruising"]["outcome"]["coding"][0]["code"] == "resolved"
    assert events["other"]["severity"]["coding"][0]["code"] == "severe"
    assert events["other"]["seriousness"]["coding"][0]["code"] == "serious"
    assert events["other"]["suspectEntity"][0]["instance"]["reference"].startswith("Procedure/")


def test_the_patient_reads_their_own_record(client: TestClient, world: World) -> None:
    everything(client, world, "patient-a@example.org")


@pytest.mark.parametrize("path", ["Patient/{id}", "Patient/{id}/$everything"])
def test_access_rules_match_the_json_api(client: TestClient, world: World, path: str) -> None:
    mine = f"{R4}/{path.format(id=world.patient_id)}"
    theirs = f"{R4}/{path.format(id=world.other_patient_id)}"
    no_token = client.get(mine)
    assert no_token.status_code == 401
    assert no_token.headers["www-authenticate"] == "Bearer"
    assert check(no_token.json())["issue"][0]["code"] == "login"
    other_clinic = client.get(theirs, headers=world.bearer("clin-a@example.org"))
    assert other_clinic.status_code == 404
    assert check(other_clinic.json())["issue"][0]["code"] == "not-found"
    assert client.get(mine, headers=world.bearer("admin-b@example.org")).status_code == 404
    operator = client.get(mine, headers=world.bearer("op@example.org"))
    assert operator.status_code == 403
    check(operator.json())
    assert (
        client.get(f"{R4}/Patient/abc", headers=world.bearer("clin-a@example.org")).status_code
        == 404
    )


def test_every_read_is_audited(client: TestClient, world: World, engine: Engine) -> None:
    everything(client, world)
    client.get(f"{R4}/Patient/{world.patient_id}", headers=world.bearer("clin-a@example.org"))
    with transaction(engine) as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.record_type, AuditEvent.record_id).where(
                AuditEvent.action == "read", AuditEvent.record_type == "patient"
            )
        ).all()
    assert rows.count(("read", "patient", str(world.patient_id))) == 2


def test_assessments_travel_as_questionnaire_responses_and_scores(
    client: TestClient, world: World
) -> None:
    bundle = everything(client, world)
    responses = of_type(bundle, "QuestionnaireResponse")
    assert len(responses) == 2
    scores = [o for o in of_type(bundle, "Observation") if o["id"].endswith("-score")]
    by_loinc = {o["code"]["coding"][0]["code"]: o for o in scores}
    assert set(by_loinc) == {"97909-6", "44261-6"}  # ODI and PHQ-9 totals
    assert by_loinc["44261-6"]["valueQuantity"]["value"] == 9
    assert all(o["category"][0]["coding"][0]["code"] == "survey" for o in scores)
    refs = {o["derivedFrom"][0]["reference"] for o in scores}
    assert refs == {f"QuestionnaireResponse/{r['id']}" for r in responses}
