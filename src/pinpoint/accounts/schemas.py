"""Public shapes of clinics, users and issued tokens (never a password hash)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from pinpoint.actors import Role


class ClinicPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    state: str


class UserPublic(BaseModel):
    """An account as shown to people and scripts; ``clinic`` is the clinic's name."""

    id: int
    email: str
    role: Role
    clinic: str | None


class IssuedToken(BaseModel):
    """A new bearer token or web session. ``token`` is shown once; only its hash is kept."""

    token: str
    expires_at: datetime
    csrf_token: str | None = None


class TokenResponse(BaseModel):
    """The OAuth2 token endpoint's answer."""

    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int
