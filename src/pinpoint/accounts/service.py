"""Accounts: clinics, users, logins with lockout, and bearer tokens / web sessions.

Every call takes the engine and commits its own transaction. Logins are audited
(action ``login``, outcome ``ok`` or ``denied``) and never record the password.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pinpoint.accounts import throttle
from pinpoint.accounts.models import AuthToken, Clinic, User
from pinpoint.accounts.passwords import (
    check_password_strength,
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from pinpoint.accounts.schemas import ClinicPublic, IssuedToken, UserPublic
from pinpoint.actors import Actor, Role
from pinpoint.audit.service import record
from pinpoint.db.engine import transaction
from pinpoint.directory.npi import is_valid_npi
from pinpoint.errors import Conflict, InvalidInput, Unauthorized
from pinpoint.inputs import refuse_bidi_controls
from pinpoint.law.jurisdictions import parse_jurisdiction

MAX_FAILED_LOGINS = throttle.MAX_FAILED_PER_EMAIL
LOCKOUT = throttle.LOCKOUT
MAX_FAILED_PER_ADDRESS = throttle.MAX_FAILED_PER_ADDRESS
API_TOKEN_TTL = timedelta(hours=1)
WEB_SESSION_TTL = timedelta(hours=8)
TOKEN_KINDS = ("api", "web")
_CLINIC_ROLES = (Role.CLINICIAN, Role.CLINIC_ADMIN, Role.PATIENT)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
BAD_CREDENTIALS = "invalid email or password"
LOCKED = "account locked after repeated failed logins; try again in 15 minutes"
TOO_MANY_FROM_ADDRESS = "too many failed logins from this address; try again in 15 minutes"


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; Pinpoint stores UTC, so label them so."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---- clinics and users -------------------------------------------------------------


def create_clinic(engine: Engine, name: str, state: str) -> ClinicPublic:
    """A new clinic in a US jurisdiction; names are unique."""
    name = refuse_bidi_controls(" ".join(name.split()), "name")
    if not name:
        raise InvalidInput("clinic name must not be blank", field="name")
    if len(name) > 200:
        raise InvalidInput("clinic name must be at most 200 characters", field="name")
    code = parse_jurisdiction(state).code
    try:
        with transaction(engine) as session:
            if session.scalar(select(Clinic.id).where(Clinic.name == name)) is not None:
                raise Conflict(f"a clinic named {name!r} already exists", field="name")
            clinic = Clinic(name=name, state=code)
            session.add(clinic)
            session.flush()
            return ClinicPublic.model_validate(clinic)
    except IntegrityError as exc:
        raise Conflict(f"a clinic named {name!r} already exists", field="name") from exc


def normalize_email(email: str) -> str:
    """The email lowercased and stripped, or InvalidInput (field ``email``)."""
    cleaned = refuse_bidi_controls(email.strip().lower(), "email")
    if len(cleaned) > 320 or not _EMAIL.match(cleaned):
        raise InvalidInput(f"not a valid email address: {email!r}", field="email")
    return cleaned


def parse_role(role: str | Role) -> Role:
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInput(f"unknown role {role!r}; use one of {allowed}", field="role") from None


# Finds, inside the account's transaction, the patient record a patient account may see
# (given the clinic's id); supplied by the clinical domain, which owns patient records.
PatientLink = Callable[[Session, int], int]


def create_user(
    engine: Engine,
    email: str,
    role: str | Role,
    password: str,
    clinic_name: str | None = None,
    npi: str | None = None,
    *,
    patient_link: PatientLink | None = None,
) -> UserPublic:
    """A new account. Staff and patients belong to a clinic; operators to none.

    A patient account is linked to its patient record by ``patient_link``
    (``pinpoint.care.patient_accounts`` supplies it from an MRN).
    """
    email = normalize_email(email)
    parsed_role = parse_role(role)
    check_password_strength(password, user_inputs=(email, clinic_name or ""))
    npi = _check_npi(npi)
    if patient_link is not None and parsed_role is not Role.PATIENT:
        raise InvalidInput("only patient accounts are linked to a patient", field="patient_mrn")
    try:
        with transaction(engine, write=True) as session:
            if session.scalar(select(User.id).where(User.email == email)) is not None:
                raise Conflict(f"an account for {email} already exists", field="email")
            clinic = _clinic_for(session, parsed_role, clinic_name)
            patient_id = patient_link(session, clinic.id) if patient_link and clinic else None
            user = User(
                email=email,
                password_hash=hash_password(password),
                role=parsed_role.value,
                clinic_id=clinic.id if clinic else None,
                patient_id=patient_id,
                npi=npi,
                active=True,
            )
            session.add(user)
            session.flush()
            return UserPublic(
                id=user.id, email=email, role=parsed_role, clinic=clinic.name if clinic else None
            )
    except IntegrityError as exc:
        raise Conflict(f"an account for {email} already exists", field="email") from exc


def _check_npi(npi: str | None) -> str | None:
    if npi is None or not npi.strip():
        return None
    npi = npi.strip()
    if not is_valid_npi(npi):
        raise InvalidInput(f"not a valid NPI: {npi!r}", field="npi")
    return npi


def _clinic_for(session: Session, role: Role, clinic_name: str | None) -> Clinic | None:
    name = " ".join((clinic_name or "").split())
    if role is Role.OPERATOR:
        if name:
            raise InvalidInput("operators belong to no clinic", field="clinic")
        return None
    if not name:
        raise InvalidInput(f"a {role.value} account needs a clinic", field="clinic")
    clinic = session.scalar(select(Clinic).where(Clinic.name == name))
    if clinic is None:
        raise InvalidInput(f"unknown clinic: {name!r}", field="clinic")
    return clinic


def actor_for(user: User, client_ip: str | None = None) -> Actor:
    return Actor(
        user_id=user.id,
        role=Role(user.role),
        clinic_id=user.clinic_id,
        patient_id=user.patient_id,
        client_ip=client_ip,
    )


# ---- logins ------------------------------------------------------------------------


def authenticate(engine: Engine, email: str, password: str, client_ip: str | None = None) -> Actor:
    """The actor for a correct email and password, else Unauthorized.

    Five failed logins for one email within 15 minutes lock that email for 15 minutes,
    whether an account has it or not, so a locked account and an unknown email give the
    same answers; a success clears the count. Twenty failures from one client address in
    the window, whatever the emails, refuse that address for the rest of the window.
    Every attempt costs exactly one password hash (a dummy one when there is no account),
    so timing says nothing either, and every attempt is written to the audit log.
    """
    wanted = email.strip().lower()
    if "\x00" in wanted or len(wanted) > 320:  # PostgreSQL refuses NUL in text
        wanted = ""
    with transaction(engine) as session:
        stored = session.scalar(select(User.password_hash).where(User.email == wanted))
    # The slow hash runs outside the write transaction, so logins do not queue behind it.
    matches = verify_password(stored or dummy_hash(), password) and stored is not None
    fresh_hash = hash_password(password) if matches and stored and needs_rehash(stored) else None
    with transaction(engine, write=True) as session:
        user = session.scalar(select(User).where(User.email == wanted).with_for_update())
        refusal = _refusal(session, wanted, client_ip, now())
        if refusal is None:
            if matches and user is not None and user.active and user.password_hash == stored:
                throttle.clear(session, throttle.email_key(wanted))
                if fresh_hash:
                    user.password_hash = fresh_hash
            else:
                refusal = _count_failure(session, wanted, client_ip, now())
        actor = actor_for(user, client_ip) if user is not None else None
        record(
            session,
            actor,
            "login",
            "user",
            user.id if user is not None else None,
            outcome="denied" if refusal else "ok",
            client_ip=client_ip,
        )
    if refusal or actor is None:
        raise Unauthorized(refusal or BAD_CREDENTIALS)
    return actor


def _refusal(session: Session, email: str, client_ip: str | None, moment: datetime) -> str | None:
    """Why a login is refused before its password is even considered, or None."""
    if client_ip and throttle.is_locked(session, throttle.address_key(client_ip), moment):
        return TOO_MANY_FROM_ADDRESS
    if throttle.is_locked(session, throttle.email_key(email), moment):
        return LOCKED
    return None


def _count_failure(session: Session, email: str, client_ip: str | None, moment: datetime) -> str:
    """Count a failed login against the email and the address; the answer to give."""
    if client_ip:
        throttle.count_failure(
            session, throttle.address_key(client_ip), MAX_FAILED_PER_ADDRESS, moment
        )
    locked = throttle.count_failure(session, throttle.email_key(email), MAX_FAILED_LOGINS, moment)
    return LOCKED if locked else BAD_CREDENTIALS


# ---- tokens and sessions -----------------------------------------------------------


@dataclass(frozen=True)
class ResolvedToken:
    """A live token: who it acts for, and the session's CSRF token (web sessions only)."""

    actor: Actor
    csrf_token: str | None
    expires_at: datetime


def issue_token(
    engine: Engine, actor: Actor, kind: str = "api", ttl: timedelta = API_TOKEN_TTL
) -> IssuedToken:
    """A new random token for the actor; only its SHA-256 hash is stored."""
    if kind not in TOKEN_KINDS:
        raise InvalidInput(f"unknown token kind {kind!r}", field="kind")
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32) if kind == "web" else None
    issued_at = now()
    expires_at = issued_at + ttl
    with transaction(engine) as session:
        session.execute(
            delete(AuthToken).where(
                AuthToken.user_id == actor.user_id, AuthToken.expires_at < issued_at
            )
        )
        session.add(
            AuthToken(
                token_hash=token_hash(token),
                user_id=actor.user_id,
                kind=kind,
                csrf_token=csrf,
                expires_at=expires_at,
                revoked=False,
            )
        )
    return IssuedToken(token=token, expires_at=expires_at, csrf_token=csrf)


def resolve_session(engine: Engine, token: str, kind: str) -> ResolvedToken:
    """The live token of this kind, or Unauthorized when unknown, expired or revoked."""
    with transaction(engine) as session:
        row = session.execute(
            select(AuthToken, User)
            .join(User, User.id == AuthToken.user_id)
            .where(AuthToken.token_hash == token_hash(token))
        ).first()
        if row is None:
            raise Unauthorized("invalid or expired token")
        stored, user = row[0], row[1]
        if (
            stored.kind != kind
            or stored.revoked
            or as_utc(stored.expires_at) <= now()
            or not user.active
        ):
            raise Unauthorized("invalid or expired token")
        return ResolvedToken(actor_for(user), stored.csrf_token, as_utc(stored.expires_at))


def resolve_token(engine: Engine, token: str, kind: str) -> Actor:
    """The actor a live token acts for, or Unauthorized."""
    return resolve_session(engine, token, kind).actor


def revoke_token(engine: Engine, token: str) -> None:
    """Revoke a token (a no-op for an unknown one)."""
    with transaction(engine) as session:
        stored = session.scalar(select(AuthToken).where(AuthToken.token_hash == token_hash(token)))
        if stored is not None:
            stored.revoked = True
