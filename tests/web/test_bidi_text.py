"""Names and free text refuse the invisible direction controls that disguise what they say."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from pinpoint.accounts.service import create_clinic, create_user, issue_token
from pinpoint.actors import Role
from pinpoint.config import Settings
from pinpoint.errors import InvalidInput
from pinpoint.inputs import BIDI_CONTROLS, refuse_bidi_controls
from pinpoint.web.app import create_app
from tests.care import factories as f

PATIENT = {"mrn": "B-1", "birth_date": "1980-01-02", "sex": "female"}


@pytest.fixture
def client(engine: Engine, db_settings: Settings) -> TestClient:
    clinic_id = f.clinic(engine, "Clinic A", "CO")
    actor = f.actor(engine, Role.CLINICIAN, clinic_id)
    client = TestClient(create_app(db_settings))
    client.headers["Authorization"] = f"Bearer {issue_token(engine, actor).token}"
    return client


@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_a_patient_name_with_a_direction_control_is_refused(
    client: TestClient, control: str
) -> None:
    body = {**PATIENT, "given_name": f"Anna{control}redlE", "family_name": "Smith"}
    answer = client.post("/api/v1/patients", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "given_name"


def test_free_text_fields_refuse_a_right_to_left_override(client: TestClient) -> None:
    body = {**PATIENT, "given_name": "Ann", "family_name": "Lee", "email": "a\u202e@b.org"}
    answer = client.post("/api/v1/patients", json=body)
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "email")


def test_names_in_other_scripts_are_welcome(client: TestClient) -> None:
    body = {**PATIENT, "given_name": "\u0646\u0648\u0631", "family_name": "\u5f20"}
    assert client.post("/api/v1/patients", json=body).status_code == 201


def test_clinic_names_and_emails_refuse_direction_controls(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_clinic(engine, "Front\u202eRange", "CO")
    assert caught.value.field == "name"
    create_clinic(engine, "Front Range", "CO")
    with pytest.raises(InvalidInput) as caught:
        create_user(
            engine, "ana\u2066@example.org", "clinician", "correct horse battery", "Front Range"
        )
    assert caught.value.field == "email"


@given(st.text(alphabet=st.characters(blacklist_characters=sorted(BIDI_CONTROLS))))
def test_text_without_controls_passes_unchanged(text: str) -> None:
    assert refuse_bidi_controls(text, "name") == text


@given(st.text(), st.sampled_from(sorted(BIDI_CONTROLS)), st.text())
def test_any_text_holding_a_control_is_refused(before: str, control: str, after: str) -> None:
    with pytest.raises(InvalidInput):
        refuse_bidi_controls(before + control + after, "name")
