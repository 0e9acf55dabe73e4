"""Directory operators record a practitioner's training (``POST /api/v1/credentials``) and
board filings (``POST /api/v1/practitioners/{npi}/filings``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from pinpoint.actors import Actor, Role
from pinpoint.directory.credentials import add_credential
from pinpoint.directory.filings import add_filing
from pinpoint.directory.schemas_credentials import CredentialCreate, CredentialPublic
from pinpoint.directory.schemas_filings import FilingCreate, FilingRecorded
from pinpoint.web.security import EngineDep, require_roles

router = APIRouter(tags=["directory"])

OperatorActor = Annotated[Actor, Depends(require_roles(Role.OPERATOR))]


@router.post(
    "/credentials",
    status_code=201,
    response_model=CredentialPublic,
    responses={
        401: {"description": "No valid bearer token"},
        403: {"description": "Only directory operators may add credentials"},
        409: {"description": "This certificate is already recorded"},
    },
)
def create_credential(
    body: CredentialCreate, engine: EngineDep, actor: OperatorActor
) -> CredentialPublic:
    """Record one completed dry needling course; hours from several courses add up."""
    return add_credential(engine, body)


@router.post(
    "/practitioners/{npi}/filings",
    status_code=201,
    response_model=FilingRecorded,
    responses={
        401: {"description": "No valid bearer token"},
        403: {"description": "Only directory operators may add filings"},
        404: {"description": "No practitioner with this NPI in the directory"},
        409: {"description": "This filing (state, kind, day) is already recorded"},
    },
)
def create_filing(
    npi: str, body: FilingCreate, engine: EngineDep, actor: OperatorActor
) -> FilingRecorded:
    """Record a filing with a state board (registration, endorsement, attestation...); while
    in force it shows the board filing that state's law asks for."""
    return add_filing(engine, npi, body, recorded_by=actor.user_id)
