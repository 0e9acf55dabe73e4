"""Numbers and codes are ASCII digits: other digits and huge numbers answer 422, never 500.

Python's ``int()`` reads '١٢٣' (Arabic-Indic) as 123 and ``str.isdigit`` accepts '²';
a number past 64 bits overflows the database. Every route's path and query parameters,
the pages' form fields, and every whole-number field of the JSON bodies are tried with
such values, logged in with a role that reaches the route's checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from pinpoint.accounts.service import create_user
from pinpoint.config import Settings
from pinpoint.web.app import create_app
from tests.care import factories as f

PASSWORD = "correct horse battery staple"
BAD_VALUES = {
    "superscript": "²",
    "arabic_indic": "١٢٣",
    "arabic_indic_npi": "١٢٣٤٥٦٧٨٩٣",
    "fullwidth": "\uff11\uff12",
    "mathematical": "\U0001d7e1\U0001d7e0",
    "beyond_64_bits": str(2**64 + 1),
    "digits_5000": "7" * 5000,
}
# Parameters that are free text (any value is a fair search), not numbers or codes.
FREE_TEXT = {"q", "action", "record_type", "next"}
# A checkbox on a page: any value means ticked, as browsers send it.
CHECKBOXES = {("/find", "eligible_only")}
# Required parameters of routes, given valid values while another one is tried.
REQUIRED = {"/api/v1/practitioners/search": {"zip": "80202"}, "/find": {"zip": "80202"}}


@dataclass
class World:
    client: TestClient
    ids: dict[str, int]
    operator: dict[str, str]


@pytest.fixture
def world(engine: Engine, db_settings: Settings) -> World:
    chart = f.chart(engine, name="Clinic A", screened=[])
    session_id = f.documented_session(engine, chart)
    create_user(engine, "admin@example.org", "clinic_admin", PASSWORD, "Clinic A")
    create_user(engine, "op@example.org", "operator", PASSWORD)
    client = TestClient(create_app(db_settings), raise_server_exceptions=False)

    def token(email: str) -> str:
        answer = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
        return str(answer.json()["access_token"])

    client.headers["Authorization"] = f"Bearer {token('admin@example.org')}"
    operator = {"Authorization": f"Bearer {token('op@example.org')}"}
    # Pages authenticate by cookie: log in through the form as well.
    form = client.get("/login")
    client.post(
        "/login",
        data={
            "email": "admin@example.org",
            "password": PASSWORD,
            "csrf_token": form.cookies["pinpoint_login_csrf"],
        },
        follow_redirects=False,
    )
    ids = {"patient": chart.patient_id, "episode": chart.episode_id, "session": session_id}
    return World(client, ids, operator)


def _routes(world: World) -> list[tuple[str, str, list[str], list[str]]]:
    """(method, path, path parameters, query parameters) of every route."""
    found = []
    for context in iter_route_contexts(world.client.app.routes):  # type: ignore[attr-defined]
        if not isinstance(context.original_route, APIRoute):
            continue

        def names(dependant: Any, attr: str) -> list[str]:
            out = [p.alias for p in getattr(dependant, attr)]
            for sub in dependant.dependencies:
                out += names(sub, attr)
            return out

        for method in sorted(context.methods or ()):
            found.append(
                (
                    method,
                    str(context.path),
                    names(context.dependant, "path_params"),
                    names(context.dependant, "query_params"),
                )
            )
    return found


def _fill(path: str, world: World, bad: str | None = None, name: str | None = None) -> str:
    def value(match: re.Match[str]) -> str:
        param = match.group(1)
        if param == name and bad is not None:
            return bad
        if param == "kind":
            return "screening"
        if param in ("npi",):
            return "1234567893"
        if param == "state":
            return "CO"
        owner = {"patient_id": "patient", "episode_id": "episode", "session_id": "session"}
        if param in owner:
            return str(world.ids[owner[param]])
        if "/sessions/" in path:
            return str(world.ids["session"])
        if "/episodes/" in path:
            return str(world.ids["episode"])
        return str(world.ids["patient"])

    return re.sub(r"\{(\w+)\}", value, path)


def _assert_refused(answer: Any, name: str, label: str) -> None:
    """API: 422 naming the parameter. Pages: 422, or 404 for a page that cannot exist."""
    assert answer.status_code != 500, f"{label}: 500"
    api = answer.request.url.path.startswith("/api/")
    allowed = (422,) if api else (404, 422)
    assert answer.status_code in allowed, f"{label}: {answer.status_code} {answer.text[:200]}"
    if answer.headers.get("content-type", "").startswith("application/json"):
        error = answer.json()["error"]
        assert error["field"] == name, f"{label}: names {error['field']!r}"


def test_route_parameters_refuse_other_digits_and_huge_numbers(world: World) -> None:
    tried = 0
    for method, path, path_params, query_params in _routes(world):
        for name in path_params:
            if name == "kind" or method != "GET":
                continue
            for label, bad in BAD_VALUES.items():
                answer = world.client.request(method, _fill(path, world, bad, name))
                _assert_refused(answer, name, f"{method} {path} {name}={label}")
                tried += 1
        if method != "GET":
            continue
        for name in query_params:
            if name in FREE_TEXT or (path, name) in CHECKBOXES:
                continue
            for label, bad in BAD_VALUES.items():
                params = {**REQUIRED.get(path, {}), name: bad}
                answer = world.client.get(_fill(path, world), params=params)
                assert answer.status_code != 500, f"{path}?{name}={label}: 500"
                if (path, name) == ("/zip", "zip") and answer.status_code == 303:
                    continue  # the home page's ZIP box sends people on to /find to say why
                _assert_refused(answer, name, f"GET {path}?{name}={label}")
                tried += 1
    assert tried > 300


def _bodies(world: World) -> dict[tuple[str, str], dict[str, Any]]:
    e, p, s = world.ids["episode"], world.ids["patient"], world.ids["session"]
    session_body = f.session_data("1234567893").model_dump(mode="json")
    return {
        ("PATCH", f"/api/v1/patients/{p}"): {"version": 1, "phone": "555-0100"},
        ("PATCH", f"/api/v1/episodes/{e}"): {"version": 1},
        ("POST", f"/api/v1/episodes/{e}/sessions"): session_body,
        ("POST", f"/api/v1/sessions/{s}/adverse-events"): {
            "type": "bruising",
            "severity": "mild",
            "onset_on": "2025-03-05",
            "description": "small bruise",
            "resolved": True,
        },
        ("POST", "/api/v1/credentials"): {
            "npi": "1234567893",
            "provider": "Course Co",
            "course": "DN 1",
            "hours": 30,
            "in_person_hours": 20,
            "completed_on": "2024-01-01",
            "certificate_id": "C-1",
            "supervised_sessions": 10,
        },
    }


def _number_paths(body: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(body, dict):
        for key, value in body.items():
            yield from _number_paths(value, (*at, key))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            yield from _number_paths(value, (*at, index))
    elif isinstance(body, int | float) and not isinstance(body, bool):
        yield at


def _replace(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(body) if isinstance(body, dict) else list(body)
    copy[path[0]] = _replace(body[path[0]], path[1:], value)
    return copy


def test_whole_number_fields_of_bodies_refuse_other_digits_and_huge_numbers(
    world: World,
) -> None:
    tried = 0
    for (method, url), body in _bodies(world).items():
        for path in _number_paths(body):
            name = next(str(p) for p in reversed(path) if not isinstance(p, int))
            for label, bad in [*BAD_VALUES.items(), ("huge_number", 2**70), ("neg", -(2**70))]:
                if (method, url) == ("POST", "/api/v1/credentials") and name == "npi":
                    continue
                headers = world.operator if url.endswith("/credentials") else None
                answer = world.client.request(
                    method, url, json=_replace(body, path, bad), headers=headers
                )
                assert answer.status_code == 422, f"{method} {url} {path}={label}: {answer.text}"
                assert answer.json()["error"]["field"] == name
                tried += 1
    assert tried > 50


def test_session_form_fields_refuse_other_digits(world: World) -> None:
    page = world.client.get(f"/clinic/episodes/{world.ids['episode']}/sessions/new")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    base = {
        "csrf_token": csrf.group(1),
        "performed_on": "2025-03-04",
        "practitioner_npi": "1234567893",
        "technique": "pistoning",
        "pain_before": "5",
        "pain_after": "3",
        "muscle_0": "upper_trapezius",
        "side_0": "left",
        "needles_0": "2",
    }
    for field in ("pain_before", "pain_after", "needles_0", "practitioner_npi"):
        for label, bad in BAD_VALUES.items():
            answer = world.client.post(
                f"/clinic/episodes/{world.ids['episode']}/sessions",
                data={**base, field: bad},
                headers={"Accept": "text/html"},
            )
            assert answer.status_code == 422, f"{field}={label}: {answer.status_code}"
    for label, bad in BAD_VALUES.items():
        odd = {**base, f"muscle_{bad}": "upper_trapezius"}
        answer = world.client.post(
            f"/clinic/episodes/{world.ids['episode']}/sessions",
            data=odd,
            headers={"Accept": "text/html"},
        )
        assert answer.status_code != 500, f"muscle_{label}"
