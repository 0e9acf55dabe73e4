"""``/api/v1/auth``: bearer tokens from the OAuth2 password form, and logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordRequestForm

from pinpoint.accounts.schemas import TokenResponse
from pinpoint.accounts.service import API_TOKEN_TTL, authenticate, issue_token, revoke_token
from pinpoint.web.security import BearerToken, CurrentActor, EngineDep, client_ip

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    summary="Exchange an email and password for a bearer token",
    responses={401: {"description": "Wrong email or password, or account locked"}},
)
def create_token(
    request: Request,
    engine: EngineDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenResponse:
    """OAuth2 password form: ``username`` is the account's email. Tokens expire in an hour;
    five wrong passwords in a row lock the account for 15 minutes."""
    actor = authenticate(engine, form.username, form.password, client_ip(request))
    issued = issue_token(engine, actor, "api", API_TOKEN_TTL)
    return TokenResponse(
        access_token=issued.token,
        token_type="bearer",  # noqa: S106 - the OAuth2 token type, not a secret
        expires_in=int(API_TOKEN_TTL.total_seconds()),
    )


@router.post(
    "/auth/logout",
    status_code=204,
    summary="Revoke the bearer token used for this request",
    responses={401: {"description": "Missing, unknown or expired token"}},
)
async def logout(actor: CurrentActor, engine: EngineDep, token: BearerToken) -> Response:
    if token:
        await run_in_threadpool(revoke_token, engine, token)
    return Response(status_code=204)
