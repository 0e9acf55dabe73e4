"""``/api/v1/audit``: the clinic's audit log, for clinic admins."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from pinpoint.audit.service import MAX_ID, MAX_LIMIT, AuditPage, list_events
from pinpoint.web.security import AdminActor, EngineDep

router = APIRouter(tags=["audit"])


@router.get(
    "/audit",
    response_model=AuditPage,
    summary="The clinic's audit log, newest first (clinic admins only)",
    responses={401: {"description": "No valid token"}, 403: {"description": "Not a clinic admin"}},
)
def read_audit(
    actor: AdminActor,
    engine: EngineDep,
    user_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this user's events.")
    ] = None,
    action: Annotated[
        str | None, Query(max_length=40, description="e.g. login, read, create.")
    ] = None,
    record_type: Annotated[
        str | None, Query(max_length=40, description="e.g. patient, session.")
    ] = None,
    since: Annotated[datetime | None, Query(description="From (inclusive), ISO 8601.")] = None,
    until: Annotated[datetime | None, Query(description="Until (exclusive), ISO 8601.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> AuditPage:
    return list_events(
        engine,
        actor,
        user_id=user_id,
        action=action,
        record_type=record_type,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
