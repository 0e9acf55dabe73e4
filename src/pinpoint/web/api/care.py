"""``/api/v1`` clinical records: patients, episodes, plans, screenings, consents, sessions,
adverse events. Each route authenticates (``CurrentActor``; writes and staff-only reads
through ``StaffActor``, so patients and operators get 403 first), calls one ``care``
function and returns its answer. The domain checks roles again and keeps each clinic's
records to itself: another clinic's record answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query

from pinpoint.care import service, sessions
from pinpoint.care.schemas import (
    AdverseEventCreate,
    AdverseEventPublic,
    ConsentCreate,
    ConsentForm,
    ConsentPublic,
    EpisodeChart,
    EpisodeCreate,
    EpisodePublic,
    EpisodeUpdate,
    PatientChart,
    PatientCreate,
    PatientList,
    PatientPublic,
    PatientUpdate,
    PlanCreate,
    PlanPublic,
    Revision,
    ScreeningCreate,
    ScreeningPublic,
    SessionCreate,
    SessionPublic,
)
from pinpoint.web.security import CurrentActor, EngineDep, StaffActor

router = APIRouter(tags=["clinical"])

RecordId = Annotated[int, Path(ge=1, le=2_147_483_647, description="The record's id.")]

READ_ANSWERS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, invalid or expired bearer token"},
    403: {"description": "The role may not do this (operators see no patient data)"},
    404: {"description": "No such record in the caller's clinic"},
}
WRITE_ANSWERS: dict[int | str, dict[str, Any]] = {
    **READ_ANSWERS,
    403: {"description": "Only clinicians and clinic admins write clinical records"},
    409: {"description": "Refused by the current state of the record; the message says why"},
}
CREATE_ROOT_ANSWERS: dict[int | str, dict[str, Any]] = {
    k: v for k, v in WRITE_ANSWERS.items() if k != 404
}

F = TypeVar("F", bound=Callable[..., Any])


def _created(
    path: str,
    model: type[Any],
    summary: str,
    responses: dict[int | str, dict[str, Any]] = WRITE_ANSWERS,
) -> Callable[[F], F]:
    """A POST route that answers 201 with the record it created."""
    return router.post(
        path, status_code=201, response_model=model, summary=summary, responses=responses
    )


@router.get(
    "/patients",
    response_model=PatientList,
    summary="The clinic's patients, searchable by name or MRN (staff)",
    responses=READ_ANSWERS,
)
def list_patients(
    actor: StaffActor,
    engine: EngineDep,
    q: Annotated[
        str | None, Query(max_length=100, description="Part of a name, or an exact MRN.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> PatientList:
    return service.list_patients(engine, actor, q, limit, offset)


@_created(
    "/patients", PatientPublic, "Register a patient (MRN unique in the clinic)", CREATE_ROOT_ANSWERS
)
def create_patient(actor: StaffActor, engine: EngineDep, body: PatientCreate) -> PatientPublic:
    return service.create_patient(engine, actor, body)


@router.get(
    "/patients/{id}",
    response_model=PatientChart,
    summary="A patient's chart: episodes, plan, screenings, consents, sessions, events",
    responses=READ_ANSWERS,
)
def read_patient(actor: CurrentActor, engine: EngineDep, id: RecordId) -> PatientChart:
    return service.get_patient(engine, actor, id)


@router.patch(
    "/patients/{id}",
    response_model=PatientPublic,
    summary="Change a patient; send the version you read (stale -> 409)",
    responses=WRITE_ANSWERS,
)
def update_patient(
    actor: StaffActor, engine: EngineDep, id: RecordId, body: PatientUpdate
) -> PatientPublic:
    return service.update_patient(engine, actor, id, body)


@router.get(
    "/patients/{id}/history",
    response_model=list[Revision],
    summary="Every edit of a patient record: who, when, what changed (staff)",
    responses=READ_ANSWERS,
)
def patient_history(actor: StaffActor, engine: EngineDep, id: RecordId) -> list[Revision]:
    return service.patient_history(engine, actor, id)


@_created(
    "/patients/{id}/episodes",
    EpisodePublic,
    "Open an episode of care (region, billable ICD-10-CM codes)",
)
def create_episode(
    actor: StaffActor, engine: EngineDep, id: RecordId, body: EpisodeCreate
) -> EpisodePublic:
    return service.create_episode(engine, actor, id, body)


@router.get(
    "/episodes/{id}",
    response_model=EpisodeChart,
    summary="An episode with its plan, screenings, consents and sessions",
    responses=READ_ANSWERS,
)
def read_episode(actor: CurrentActor, engine: EngineDep, id: RecordId) -> EpisodeChart:
    return service.get_episode(engine, actor, id)


@router.patch(
    "/episodes/{id}",
    response_model=EpisodePublic,
    summary="Change or close an episode; send the version you read (stale -> 409)",
    responses=WRITE_ANSWERS,
)
def update_episode(
    actor: StaffActor, engine: EngineDep, id: RecordId, body: EpisodeUpdate
) -> EpisodePublic:
    return service.update_episode(engine, actor, id, body)


@_created("/episodes/{id}/plan", PlanPublic, "The episode's multimodal plan (one per episode)")
def create_plan(actor: StaffActor, engine: EngineDep, id: RecordId, body: PlanCreate) -> PlanPublic:
    return service.create_plan(engine, actor, id, body)


@_created(
    "/episodes/{id}/screenings",
    ScreeningPublic,
    "Screen for contraindications; the result is clear, precautions or contraindicated",
)
def create_screening(
    actor: StaffActor, engine: EngineDep, id: RecordId, body: ScreeningCreate
) -> ScreeningPublic:
    return service.record_screening(engine, actor, id, body)


@router.get(
    "/episodes/{id}/consent-form",
    response_model=ConsentForm,
    summary="What the consent form must show in the clinic's state (staff)",
    responses=READ_ANSWERS,
)
def read_consent_form(actor: StaffActor, engine: EngineDep, id: RecordId) -> ConsentForm:
    return service.consent_form(engine, actor, id)


@_created(
    "/episodes/{id}/consents",
    ConsentPublic,
    "Record informed consent (with the state's written-consent duty)",
)
def create_consent(
    actor: StaffActor, engine: EngineDep, id: RecordId, body: ConsentCreate
) -> ConsentPublic:
    return service.record_consent(engine, actor, id, body)


@_created(
    "/episodes/{id}/sessions",
    SessionPublic,
    "Document a dry needling session; answers its CPT code",
)
def create_session(
    actor: StaffActor, engine: EngineDep, id: RecordId, body: SessionCreate
) -> SessionPublic:
    return sessions.record_session(engine, actor, id, body)


@router.get(
    "/sessions/{id}",
    response_model=SessionPublic,
    summary="A session with its muscles, CPT code, precautions and adverse events",
    responses=READ_ANSWERS,
)
def read_session(actor: CurrentActor, engine: EngineDep, id: RecordId) -> SessionPublic:
    return sessions.get_session(engine, actor, id)


@_created(
    "/sessions/{id}/adverse-events",
    AdverseEventPublic,
    "Record an adverse event after a session (flags those the state wants reported)",
)
def create_adverse_event(
    actor: StaffActor, engine: EngineDep, id: RecordId, body: AdverseEventCreate
) -> AdverseEventPublic:
    return sessions.record_adverse_event(engine, actor, id, body)
