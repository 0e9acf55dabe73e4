"""``/api/v1`` outcomes: assessments scored by their instruments, and safety alerts.

Patients may answer questionnaires about their own episodes (the portal); staff enter,
correct and read them, and see and resolve the clinic's alerts. Each route calls one
``pinpoint.outcomes`` function.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from pinpoint.care.schemas import Revision
from pinpoint.outcomes import alerts, assessments
from pinpoint.outcomes.records_schemas import (
    AlertList,
    AlertPublic,
    AlertResolve,
    AssessmentCreate,
    AssessmentList,
    AssessmentPublic,
    AssessmentUpdate,
)
from pinpoint.web.api.care import READ_ANSWERS, WRITE_ANSWERS, RecordId
from pinpoint.web.security import CurrentActor, EngineDep, StaffActor

router = APIRouter(tags=["outcomes"])


@router.post(
    "/episodes/{id}/assessments",
    status_code=201,
    response_model=AssessmentPublic,
    summary="Record a questionnaire (NPRS, ODI, NDI, PHQ-2, PHQ-9, PSFS); answers its score",
    responses={
        **WRITE_ANSWERS,
        403: {"description": "Operators; patients answer only about their own episodes"},
        422: {"description": "A bad answer: the error names the item, e.g. responses[4]"},
    },
)
def create_assessment(
    actor: CurrentActor, engine: EngineDep, id: RecordId, body: AssessmentCreate
) -> AssessmentPublic:
    return assessments.record_assessment(engine, actor, id, body)


@router.get(
    "/episodes/{id}/assessments",
    response_model=AssessmentList,
    summary="An episode's assessments by date, with each instrument's change and its MCID",
    responses=READ_ANSWERS,
)
def list_assessments(actor: CurrentActor, engine: EngineDep, id: RecordId) -> AssessmentList:
    return assessments.list_assessments(engine, actor, id)


@router.get(
    "/assessments/{id}",
    response_model=AssessmentPublic,
    summary="One assessment: answers, score, band, and any alert it raised",
    responses=READ_ANSWERS,
)
def read_assessment(actor: CurrentActor, engine: EngineDep, id: RecordId) -> AssessmentPublic:
    return assessments.get_assessment(engine, actor, id)


@router.patch(
    "/assessments/{id}",
    response_model=AssessmentPublic,
    summary="Correct an assessment's answers or date; send the version you read (stale -> 409)",
    responses=WRITE_ANSWERS,
)
def update_assessment(
    actor: StaffActor, engine: EngineDep, id: RecordId, body: AssessmentUpdate
) -> AssessmentPublic:
    return assessments.update_assessment(engine, actor, id, body)


@router.get(
    "/assessments/{id}/history",
    response_model=list[Revision],
    summary="Every correction of an assessment: who, when, what changed (staff)",
    responses=READ_ANSWERS,
)
def assessment_history(actor: StaffActor, engine: EngineDep, id: RecordId) -> list[Revision]:
    return assessments.assessment_history(engine, actor, id)


@router.get(
    "/alerts",
    response_model=AlertList,
    summary="The clinic's safety alerts, open first (staff)",
    responses=READ_ANSWERS,
)
def list_alerts(
    actor: StaffActor,
    engine: EngineDep,
    status: Annotated[
        Literal["open", "resolved", "all"], Query(description="Which alerts; default all.")
    ] = "all",
) -> AlertList:
    return alerts.list_alerts(engine, actor, status)


@router.post(
    "/alerts/{id}/resolve",
    response_model=AlertPublic,
    summary="Record what was done about an alert; it closes",
    responses=WRITE_ANSWERS,
)
def resolve_alert(
    actor: StaffActor, engine: EngineDep, id: RecordId, body: AlertResolve
) -> AlertPublic:
    return alerts.resolve_alert(engine, actor, id, body)
