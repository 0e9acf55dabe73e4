"""``/fhir/R4/metadata`` lists exactly what the routes serve, nothing more, nothing less."""

from __future__ import annotations

from pathlib import Path

from fastapi.routing import APIRoute, iter_route_contexts

from pinpoint.config import Settings
from pinpoint.fhir.capability import SUPPORTED, capability_statement
from pinpoint.web.app import create_app
from tests.fhir.validation import check

R4 = "/fhir/R4"
# Routes of the Bulk Data flow that are not FHIR interactions (the status and file URLs
# a kick-off hands out) and the metadata route itself.
PLUMBING = {
    ("GET", "/metadata"),
    ("GET", "/bulk-status/{job}"),
    ("DELETE", "/bulk-status/{job}"),
    ("GET", "/bulk-files/{job}/{name}"),
}


def fhir_routes(tmp_path: Path) -> set[tuple[str, str]]:
    app = create_app(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.db'}"))
    return {
        (method, (context.path or "").removeprefix(R4))
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and (context.path or "").startswith(R4 + "/")
        for method in context.methods or ()
    }


def declared(statement: dict[str, object]) -> set[tuple[str, str]]:
    rest = statement["rest"][0]  # type: ignore[index]
    found = set()
    for resource in rest["resource"]:
        kind = resource["type"]
        codes = {i["code"] for i in resource.get("interaction", [])}
        if "read" in codes:
            found.add(("GET", f"/{kind}/{{{'npi' if kind != 'Patient' else 'id'}}}"))
        if "search-type" in codes:
            found.add(("GET", f"/{kind}"))
        for op in resource.get("operation", []):
            found.add(("GET", f"/{kind}/{{id}}/${op['name']}"))
    for op in rest["operation"]:
        found.add(("GET", f"/${op['name']}"))
    return found


def test_the_statement_declares_exactly_the_routes(tmp_path: Path) -> None:
    statement = check(
        capability_statement("http://x/fhir/R4", "0", __import__("datetime").date(2026, 1, 1))
    )
    assert declared(statement) == fhir_routes(tmp_path) - PLUMBING


def test_metadata_route_serves_it(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    app = create_app(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'y.db'}"))
    answer = TestClient(app).get(f"{R4}/metadata")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/fhir+json")
    statement = check(answer.json())
    assert statement["fhirVersion"] == "4.0.1"
    assert [r["type"] for r in statement["rest"][0]["resource"]] == [r.type for r in SUPPORTED]
