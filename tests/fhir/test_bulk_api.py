"""Bulk Data export over HTTP, end to end: kick-off, poll, manifest, download, cancel."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from pinpoint.audit.models import AuditEvent
from pinpoint.db.engine import transaction
from pinpoint.fhir.export import jobs
from pinpoint.fhir.models import ExportJob
from tests.directory import factories as directory
from tests.fhir.conftest import World
from tests.fhir.validation import check, check_ndjson

R4 = "/fhir/R4"
ASYNC = {"Prefer": "respond-async", "Accept": "application/fhir+json"}


def kick_off(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> str:
    answer = client.get(f"{R4}/{path}", params=params, headers={**ASYNC, **headers})
    assert answer.status_code == 202, answer.text
    check(answer.json())
    location = answer.headers["content-location"]
    assert location.startswith("http://testserver/fhir/R4/bulk-status/")
    return urlsplit(location).path


def wait(client: TestClient, status_url: str, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    progress_seen = False
    while time.monotonic() < deadline:
        answer = client.get(status_url, headers=headers)
        if answer.status_code == 202:
            assert answer.headers["x-progress"]
            progress_seen = True
            time.sleep(0.05)
            continue
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        assert "expires" in answer.headers
        manifest: dict[str, Any] = answer.json()
        manifest["_progress_seen"] = progress_seen
        return manifest
    raise AssertionError("the export did not finish in 60 s")


def download(
    client: TestClient, manifest: dict[str, Any], headers: dict[str, str]
) -> dict[str, list[Any]]:
    files: dict[str, list[Any]] = {}
    for item in manifest["output"]:
        answer = client.get(urlsplit(item["url"]).path, headers=headers)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/fhir+ndjson")
        lines = check_ndjson(answer.text)
        assert len(lines) == item["count"]
        assert {r["resourceType"] for r in lines} == {item["type"]}
        files[item["type"]] = lines
    return files


def test_group_export_end_to_end(client: TestClient, world: World, engine: Engine) -> None:
    admin = world.bearer("admin-a@example.org")
    status = kick_off(client, f"Group/{world.clinic_a}/$export", admin)
    manifest = wait(client, status, admin)
    assert manifest["requiresAccessToken"] is True
    assert manifest["error"] == []
    assert manifest["request"].endswith(f"/fhir/R4/Group/{world.clinic_a}/$export")
    assert manifest["transactionTime"].endswith("Z")
    files = download(client, manifest, admin)
    assert [p["identifier"][0]["value"] for p in files["Patient"]] == ["MRN-A1"]
    assert len(files["Procedure"]) == 2
    assert {o["id"] for o in files["Organization"]} == {str(world.clinic_a)}
    assert all(r["meta"]["lastUpdated"] for r in files["Procedure"])
    # Clinic B's patient never leaves clinic B.
    assert all("MRN-B1" not in str(r) for rs in files.values() for r in rs)
    # Another clinic's admin cannot see the job or its files; no token is 401.
    other = world.bearer("admin-b@example.org")
    assert client.get(status, headers=other).status_code == 404
    first_file = urlsplit(manifest["output"][0]["url"]).path
    assert client.get(first_file, headers=other).status_code == 404
    assert client.get(first_file).status_code == 401
    assert client.get(status).status_code == 401
    # DELETE removes the files; the status URL then answers 404.
    assert client.delete(status, headers=admin).status_code == 202
    assert client.get(status, headers=admin).status_code == 404
    assert client.get(first_file, headers=admin).status_code == 404
    with transaction(engine) as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"export", "download", "delete"} <= actions


def test_type_and_since_are_honoured(client: TestClient, world: World) -> None:
    admin = world.bearer("admin-a@example.org")
    status = kick_off(client, f"Group/{world.clinic_a}/$export", admin, _type="Patient,Procedure")
    manifest = wait(client, status, admin)
    assert {o["type"] for o in manifest["output"]} == {"Patient", "Procedure"}
    client.delete(status, headers=admin)
    status = kick_off(
        client, f"Group/{world.clinic_a}/$export", admin, _since="2999-01-01T00:00:00Z"
    )
    manifest = wait(client, status, admin)
    assert [o["type"] for o in manifest["output"]] == ["Organization"]


def test_directory_export_for_operators(client: TestClient, world: World, engine: Engine) -> None:
    rows = [directory.practitioner("80202"), directory.practitioner("10001", state="NY")]
    directory.add(engine, rows)
    operator = world.bearer("op@example.org")
    status = kick_off(client, "$export", operator)
    files = download(client, wait(client, status, operator), operator)
    npis = {r["id"] for r in files["Practitioner"]}
    assert {str(r["npi"]) for r in rows} <= npis
    assert len(files["PractitionerRole"]) == len(files["Practitioner"])
    assert client.get(status, headers=world.bearer("admin-a@example.org")).status_code == 404
    assert (
        client.get(
            f"{R4}/$export", headers={**ASYNC, **world.bearer("admin-a@example.org")}
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("params", "headers", "field"),
    [
        ({}, {"Prefer": "respond-sync"}, "Prefer"),
        ({"_type": "Patient,Practitioner"}, {}, "_type"),
        ({"_since": "yesterday"}, {}, "_since"),
        ({"_since": "2025-01-01T00:00:00"}, {}, "_since"),
        ({"_outputFormat": "text/csv"}, {}, "_outputFormat"),
        ({"_typeFilter": "Patient?gender=female"}, {}, "_typeFilter"),
    ],
)
def test_bad_kick_off_parameters_are_400_outcomes(
    client: TestClient, world: World, params: dict[str, str], headers: dict[str, str], field: str
) -> None:
    answer = client.get(
        f"{R4}/Group/{world.clinic_a}/$export",
        params=params,
        headers={**ASYNC, **headers, **world.bearer("admin-a@example.org")},
    )
    assert answer.status_code == 400, answer.text
    assert check(answer.json())["issue"][0]["expression"] == [field]


def test_group_kick_off_access(client: TestClient, world: World) -> None:
    path = f"{R4}/Group/{world.clinic_b}/$export"
    assert client.get(path, headers=ASYNC).status_code == 401
    assert (
        client.get(path, headers={**ASYNC, **world.bearer("admin-a@example.org")}).status_code
        == 404
    )
    assert (
        client.get(
            f"{R4}/Group/{world.clinic_a}/$export",
            headers={**ASYNC, **world.bearer("clin-a@example.org")},
        ).status_code
        == 403
    )
    assert (
        client.get(
            f"{R4}/Group/x/$export", headers={**ASYNC, **world.bearer("admin-a@example.org")}
        ).status_code
        == 404
    )


def test_a_second_kick_off_while_one_runs_is_429(
    client: TestClient, world: World, engine: Engine
) -> None:
    admin = world.bearer("admin-a@example.org")
    from pinpoint.fhir.export import runner

    started: list[str] = []
    original = runner.start
    runner.start = lambda engine, root, job_id: started.append(job_id)  # type: ignore[assignment,return-value]
    try:
        kick_off(client, f"Group/{world.clinic_a}/$export", admin)
        again = client.get(f"{R4}/Group/{world.clinic_a}/$export", headers={**ASYNC, **admin})
        assert again.status_code == 429
        assert again.headers["retry-after"]
    finally:
        runner.start = original
    assert len(started) == 1


def test_a_job_whose_worker_died_is_failed(
    client: TestClient, world: World, engine: Engine
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from pinpoint.fhir.export import runner

    admin = world.bearer("admin-a@example.org")
    original = runner.start
    runner.start = lambda engine, root, job_id: None  # type: ignore[assignment,return-value]
    try:
        status = kick_off(client, f"Group/{world.clinic_a}/$export", admin)
    finally:
        runner.start = original
    with transaction(engine) as session:
        session.execute(
            update(ExportJob).values(
                heartbeat_at=jobs.now() - jobs.STALE_AFTER - timedelta(seconds=1)
            )
        )
    answer = client.get(status, headers=admin)
    assert answer.status_code == 500
    assert "stopped" in check(answer.json())["issue"][0]["diagnostics"]
