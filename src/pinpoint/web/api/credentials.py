"""``POST /api/v1/credentials``: directory operators record a practitioner's training."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from pinpoint.actors import Actor, Role
from pinpoint.directory.credentials import add_credential
from pinpoint.directory.schemas_credentials import CredentialCreate, CredentialPublic
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
