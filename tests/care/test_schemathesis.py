"""Schemathesis against ``/openapi.json`` with an authenticated client.

Every operation gets up to ``MAX_EXAMPLES`` generated requests of each kind: valid ones
(random ids, and again aimed at the seeded records, id 1) and invalid ones. No answer may
be a server error; answers to valid requests must match the response schema the OpenAPI
document declares (and, for the clinical routes, a declared status code); invalid requests
must be rejected.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Ok
from sqlalchemy import Engine

from pinpoint.accounts.service import authenticate, create_user, issue_token
from pinpoint.care import sessions
from pinpoint.care.schemas import AdverseEventCreate
from pinpoint.config import Settings
from pinpoint.web.app import create_app
from tests.care import factories as f

MAX_EXAMPLES = 25
PASSWORD = "correct horse battery staple"
# Revoking the token under test would turn the rest of the run into 401s.
SKIPPED = {("POST", "/api/v1/auth/logout")}
CHECKS = [not_a_server_error, response_schema_conformance]
# The clinical routes must also document every status code they answer.
CLINICAL = ("/api/v1/patients", "/api/v1/episodes", "/api/v1/sessions")
CLINICAL_CHECKS = [*CHECKS, status_code_conformance]
NEGATIVE_CHECKS = [not_a_server_error, negative_data_rejection]

pytestmark = pytest.mark.slow


def _seed(engine: Engine) -> dict[str, str]:
    """A clinic with a charted patient, a session and an event; the admin's bearer header."""
    ready = f.chart(engine, screened=["diabetes"])
    session_id = f.documented_session(engine, ready)
    event = AdverseEventCreate.model_validate(
        {"type": "bruising", "severity": "mild", "onset_on": "2025-03-05"}
    )
    sessions.record_adverse_event(engine, ready.clinician, session_id, event)
    create_user(engine, "admin@example.org", "clinic_admin", PASSWORD, "Clinic A")
    actor = authenticate(engine, "admin@example.org", PASSWORD)
    return {"Authorization": f"Bearer {issue_token(engine, actor).token}"}


def _fuzz(
    operation: schemathesis.APIOperation[Any, Any, Any, Any],
    auth: dict[str, str],
    mode: GenerationMode,
    path_parameters: dict[str, Any] | None = None,
) -> int:
    """Run up to MAX_EXAMPLES generated cases of one operation; return how many ran."""
    ran = [0]
    checks = CHECKS if mode is GenerationMode.POSITIVE else NEGATIVE_CHECKS
    if mode is GenerationMode.POSITIVE and operation.path.startswith(CLINICAL):
        checks = CLINICAL_CHECKS

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode, path_parameters=path_parameters))
    def run(case: schemathesis.Case[Any]) -> None:
        response = case.call(headers=auth)
        case.validate_response(response, checks=checks)
        ran[0] += 1

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        # Nothing in this operation can be made invalid (e.g. no parameters).
    return ran[0]


def test_the_api_answers_generated_requests_within_its_schema(
    engine: Engine, db_settings: Settings
) -> None:
    auth = _seed(engine)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(db_settings))
    ran: dict[str, int] = {}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # every operation of our schema loads
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        label = f"{operation.method.upper()} {operation.path}"
        ran[label] = _fuzz(operation, auth, GenerationMode.POSITIVE)
        ran[label] += _fuzz(operation, auth, GenerationMode.NEGATIVE)
        if "{id}" in operation.path:  # also aim at the seeded records (all have id 1)
            ran[label] += _fuzz(operation, auth, GenerationMode.POSITIVE, {"id": 1})
    total = sum(ran.values())
    print(f"schemathesis: {total} cases over {len(ran)} operations")
    assert all(ran.values()), ran
