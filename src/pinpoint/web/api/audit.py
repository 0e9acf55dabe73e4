"""``/api/v1/audit``: the audit log, a clinic admin's own clinic or everything for operators."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BeforeValidator

from pinpoint.actors import Actor, Role
from pinpoint.audit.service import MAX_ID, MAX_LIMIT, AuditPage, list_events
from pinpoint.web.security import EngineDep, require_roles

AuditReader = Annotated[Actor, Depends(require_roles(Role.CLINIC_ADMIN, Role.OPERATOR))]

_ISO = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?",
    re.ASCII,
)


def _iso_8601(value: object) -> object:
    """Only ISO 8601 text (pydantic alone would also read a bare number as a timestamp)."""
    if isinstance(value, str) and not _ISO.fullmatch(value.strip()):
        raise ValueError("use an ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T09:30:00Z")
    return value


IsoDatetime = Annotated[datetime, BeforeValidator(_iso_8601)]

router = APIRouter(tags=["audit"])


@router.get(
    "/audit",
    response_model=AuditPage,
    summary="The audit log, newest first (clinic admins: their clinic; operators: all)",
    responses={
        401: {"description": "No valid token"},
        403: {"description": "Not a clinic admin or operator, or another clinic's log"},
    },
)
def read_audit(
    actor: AuditReader,
    engine: EngineDep,
    clinic_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="Operators: only this clinic's events."),
    ] = None,
    user_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this user's events.")
    ] = None,
    action: Annotated[
        str | None, Query(max_length=40, description="e.g. login, read, create.")
    ] = None,
    record_type: Annotated[
        str | None, Query(max_length=40, description="e.g. patient, session.")
    ] = None,
    outcome: Annotated[
        Literal["ok", "denied"] | None, Query(description="ok, or denied for refusals.")
    ] = None,
    since: Annotated[IsoDatetime | None, Query(description="From (inclusive), ISO 8601.")] = None,
    until: Annotated[IsoDatetime | None, Query(description="Until (exclusive), ISO 8601.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> AuditPage:
    return list_events(
        engine,
        actor,
        clinic_id=clinic_id,
        outcome=outcome,
        user_id=user_id,
        action=action,
        record_type=record_type,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
