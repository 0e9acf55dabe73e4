"""Bulk Data export over HTTP: kick-off, status polling, file download, cancel.

Each route authenticates, calls ``fhir.export`` and shapes the answer the IG asks for.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC
from email.utils import format_datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from pinpoint.audit.service import record
from pinpoint.db.engine import make_engine, transaction
from pinpoint.errors import NotFound
from pinpoint.fhir.bundle import operation_outcome
from pinpoint.fhir.export import jobs, runner
from pinpoint.fhir.export.params import CLINIC_TYPES, DIRECTORY_TYPES, parse_export
from pinpoint.fhir.systems import FHIR_NDJSON
from pinpoint.web.fhir.responses import (
    AUTH_ERRORS,
    FHIR_CONTENT,
    FhirResponse,
    base_url,
    is_record_id,
)
from pinpoint.web.security import CurrentActor, EngineDep

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """On start, fail the jobs whose runner died with the previous process."""
    try:
        jobs.fail_stale(make_engine(app.state.settings.resolved_database_url()))
    except Exception as exc:  # a database not migrated yet: the next poll does it
        log.warning("stale FHIR export jobs not checked at startup: %s", type(exc).__name__)
    yield


router = APIRouter(lifespan=lifespan)

Prefer = Annotated[str | None, Header(description="Must include respond-async (Bulk Data IG).")]
_KICKOFF: dict[int | str, dict[str, Any]] = {
    202: {"description": "Accepted; poll the Content-Location URL", "content": FHIR_CONTENT},
    400: {"description": "OperationOutcome naming the unsupported or malformed parameter"},
    429: {"description": "An export of the same data is already in progress"},
    **AUTH_ERRORS,
}


def _root(request: Request) -> Path:
    root: Path = request.app.state.settings.data_dir
    return root


def _params(request: Request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for key, value in request.query_params.multi_items():
        found[key].append(value)
    return found


def _kick_off(
    request: Request, engine: Any, actor: Any, kind: str, clinic_id: int | None, prefer: str | None
) -> Response:
    jobs.check_kind(actor, kind, clinic_id)
    supported = CLINIC_TYPES if kind == jobs.GROUP else DIRECTORY_TYPES
    export = parse_export(_params(request), supported, prefer)
    jobs.purge_expired(engine, _root(request))
    job = jobs.create(engine, actor, kind, clinic_id, str(request.url), export)
    with transaction(engine) as session:
        record(session, actor, "export", f"fhir_{kind}_export", job.id)
    runner.start(engine, _root(request), job.id)
    location = f"{base_url(request)}/bulk-status/{job.id}"
    body = operation_outcome(202, f"export accepted; poll {location}", severity="information")
    return FhirResponse(body, status_code=202, headers={"Content-Location": location})


@router.get(
    "/Group/{id}/$export",
    summary="Start a Bulk Data export of a clinic's records (Group id = clinic id; admins)",
    status_code=202,
    response_class=FhirResponse,
    responses=_KICKOFF,
)
def group_export(
    request: Request, actor: CurrentActor, engine: EngineDep, id: str, prefer: Prefer = None
) -> Response:
    if not is_record_id(id):
        raise NotFound(f"no Group with id {id[:20]!r}", field="id")
    return _kick_off(request, engine, actor, jobs.GROUP, int(id), prefer)


@router.get(
    "/$export",
    summary="Start a Bulk Data export of the practitioner directory (operators)",
    status_code=202,
    response_class=FhirResponse,
    responses=_KICKOFF,
)
def system_export(
    request: Request, actor: CurrentActor, engine: EngineDep, prefer: Prefer = None
) -> Response:
    return _kick_off(request, engine, actor, jobs.DIRECTORY, None, prefer)


@router.get(
    "/bulk-status/{job}",
    summary="Poll an export: 202 with X-Progress while it runs, then the manifest",
    responses={
        200: {"description": "The manifest (transactionTime, request, output, error)"},
        202: {"description": "In progress; X-Progress says how far"},
        500: {"description": "OperationOutcome: the export failed"},
        **AUTH_ERRORS,
    },
)
def export_status(request: Request, actor: CurrentActor, engine: EngineDep, job: str) -> Response:
    view = jobs.get(engine, actor, job)
    if view.status in jobs.ACTIVE:
        return Response(
            status_code=202, headers={"X-Progress": view.progress[:99], "Retry-After": "2"}
        )
    if view.status == "failed":
        body = operation_outcome(500, view.error or "the export failed")
        return FhirResponse(body, status_code=500)
    base = base_url(request)
    manifest = {
        "transactionTime": view.transaction_time.isoformat().replace("+00:00", "Z"),
        "request": view.request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": f["type"],
                "url": f"{base}/bulk-files/{view.id}/{f['file']}",
                "count": f["count"],
            }
            for f in view.output
        ],
        "error": [],
    }
    headers = {}
    if view.expires:
        headers["Expires"] = format_datetime(view.expires.astimezone(UTC), usegmt=True)
    return JSONResponse(manifest, headers=headers)


@router.delete(
    "/bulk-status/{job}",
    summary="Cancel an export in progress, or delete a finished export's files",
    status_code=202,
    responses=AUTH_ERRORS,
)
def export_delete(request: Request, actor: CurrentActor, engine: EngineDep, job: str) -> Response:
    jobs.delete(engine, actor, job, _root(request))
    with transaction(engine) as session:
        record(session, actor, "delete", "fhir_export", job[:32])
    return FhirResponse(
        operation_outcome(202, "export cancelled or deleted", severity="information"),
        status_code=202,
    )


@router.get(
    "/bulk-files/{job}/{name}",
    summary="Download one NDJSON file of a finished export (same token as the kick-off)",
    response_class=FileResponse,
    responses={200: {"content": {FHIR_NDJSON: {}}}, **AUTH_ERRORS},
)
def export_file(
    request: Request, actor: CurrentActor, engine: EngineDep, job: str, name: str
) -> Response:
    view = jobs.get(engine, actor, job)
    files = {f["file"] for f in view.output} if view.status == "completed" else set()
    if name not in files:
        raise NotFound(f"no file {name!r} in this export", field="name")
    with transaction(engine) as session:
        record(session, actor, "download", "fhir_export", view.id)
    path = jobs.folder_of(_root(request), view.id) / name
    return FileResponse(path, media_type=FHIR_NDJSON, filename=name)
