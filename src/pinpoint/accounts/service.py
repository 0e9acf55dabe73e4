"""Accounts: clinics, users, logins with lockout, and bearer tokens / web sessions.

Every call takes the engine and commits its own transaction. Logins are audited
(action ``login``, outcome ``ok`` or ``denied``) and never record the password.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
from pinpoint.audit.models import AuditEvent
from pinpoint.audit.service import record
from pinpoint.care.models import Patient
from pinpoint.db.engine import transaction
from pinpoint.directory.npi import is_valid_npi
from pinpoint.errors import Conflict, InvalidInput, Unauthorized
from pinpoint.law.jurisdictions import parse_jurisdiction

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
# Failed logins from one address, over any accounts, before that address must wait.
MAX_FAILED_PER_ADDRESS = 20
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
    name = " ".join(name.split())
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
    cleaned = email.strip().lower()
    if len(cleaned) > 320 or not _EMAIL.match(cleaned):
        raise InvalidInput(f"not a valid email address: {email!r}", field="email")
    return cleaned


def parse_role(role: str | Role) -> Role:
    try:
        return Role(str(role).strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise InvalidInput(f"unknown role {role!r}; use one of {allowed}", field="role") from None


def create_user(
    engine: Engine,
    email: str,
    role: str | Role,
    password: str,
    clinic_name: str | None = None,
    patient_mrn: str | None = None,
    npi: str | None = None,
) -> UserPublic:
    """A new account. Staff and patients belong to a clinic; operators to none."""
    email = normalize_email(email)
    parsed_role = parse_role(role)
    check_password_strength(password)
    npi = _check_npi(npi)
    if patient_mrn is not None and parsed_role is not Role.PATIENT:
        raise InvalidInput("only patient accounts are linked to a patient", field="patient_mrn")
    try:
        with transaction(engine) as session:
            if session.scalar(select(User.id).where(User.email == email)) is not None:
                raise Conflict(f"an account for {email} already exists", field="email")
            clinic = _clinic_for(session, parsed_role, clinic_name)
            patient_id = _patient_id(session, clinic, patient_mrn)
            user = User(
                email=email,
                password_hash=hash_password(password),
                role=parsed_role.value,
                clinic_id=clinic.id if clinic else None,
                patient_id=patient_id,
                npi=npi,
                active=True,
                failed_logins=0,
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


def _patient_id(session: Session, clinic: Clinic | None, mrn: str | None) -> int | None:
    if mrn is None or clinic is None:
        return None
    found = session.scalar(
        select(Patient.id).where(Patient.clinic_id == clinic.id, Patient.mrn == mrn.strip())
    )
    if found is None:
        raise InvalidInput(
            f"no patient with MRN {mrn!r} in clinic {clinic.name!r}", field="patient_mrn"
        )
    return found


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

    Five consecutive failures lock the account for 15 minutes; a success resets the
    count. Twenty failures from one address within 15 minutes, whatever the accounts,
    refuse that address for the rest of the window (so guessing across many accounts,
    or locking people out wholesale, is slowed too). Every attempt is written to the
    audit log.
    """
    wanted = email.strip().lower()
    if "\x00" in wanted or len(wanted) > 320:  # PostgreSQL refuses NUL in text
        wanted = ""
    with transaction(engine) as session:
        user = session.scalar(select(User).where(User.email == wanted).with_for_update())
        moment = now()
        if _address_blocked(session, client_ip, moment):
            refusal: str | None = TOO_MANY_FROM_ADDRESS
        else:
            refusal = _check_login(session, user, password, moment)
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


def _address_blocked(session: Session, client_ip: str | None, moment: datetime) -> bool:
    """Whether this address has failed too many logins within the lockout window."""
    if not client_ip:
        return False
    failures = session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "login",
            AuditEvent.outcome == "denied",
            AuditEvent.client_ip == client_ip,
            AuditEvent.at >= moment - LOCKOUT,
        )
    )
    return (failures or 0) >= MAX_FAILED_PER_ADDRESS


def _check_login(
    session: Session, user: User | None, password: str, moment: datetime
) -> str | None:
    """Why this login is refused (updating the user's counters), or None when it is not.

    A failure is counted with one ``UPDATE ... SET failed_logins = failed_logins + 1``, so
    simultaneous wrong passwords all count even on SQLite, whose transactions begin only
    at the first write (a read-then-write in Python would lose increments there).
    """
    if user is None:
        verify_password(dummy_hash(), password)  # same work as for a real account
        return BAD_CREDENTIALS
    if user.locked_until is not None:
        if as_utc(user.locked_until) > moment:
            return LOCKED
        user.locked_until = None
        user.failed_logins = 0
    if not verify_password(user.password_hash, password) or not user.active:
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .execution_options(synchronize_session=False)
        )
        session.refresh(user, ["failed_logins"])
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = moment + LOCKOUT
            return LOCKED
        return BAD_CREDENTIALS
    user.failed_logins = 0
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return None


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
