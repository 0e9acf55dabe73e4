"""Web login and logout (session cookie + CSRF), and the clinic admin's audit page.

The anonymous login form is protected by a double-submit cookie: GET /login sets a random
``pinpoint_login_csrf`` cookie and puts the same value in the form; POST /login refuses a
form whose ``csrf_token`` differs. After login, forms echo the session's own CSRF token
(``request.state.csrf_token``), checked by ``pinpoint.web.security``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from pinpoint.accounts.service import (
    WEB_SESSION_TTL,
    authenticate,
    issue_token,
    resolve_session,
    revoke_token,
)
from pinpoint.actors import Role
from pinpoint.audit.service import AuditPage, list_events
from pinpoint.errors import Forbidden, InvalidInput, Unauthorized
from pinpoint.inputs import parse_whole_number
from pinpoint.web.security import (
    SESSION_COOKIE,
    EngineDep,
    OptionalActor,
    check_csrf,
    client_ip,
)

router = APIRouter(include_in_schema=False)

LOGIN_CSRF_COOKIE = "pinpoint_login_csrf"
AFTER_LOGIN = "/clinic"
PATIENT_HOME = "/portal"
AUDIT_PAGE_SIZE = 50


@dataclass
class LoginPage:
    csrf_token: str
    email: str = ""
    next: str = ""
    error: str | None = None


@dataclass
class AuditView:
    """The audit page: the filters as typed, and one page of the clinic's events."""

    user_id: str = ""
    action: str = ""
    record_type: str = ""
    since: str = ""
    until: str = ""
    offset: int = 0
    outcome: str = ""
    clinic_id: str = ""
    operator: bool = False
    results: AuditPage | None = None
    error: str | None = None
    error_field: str | None = None
    filters: dict[str, str] = field(default_factory=dict)

    def page_link(self, offset: int) -> str:
        params = {k: v for k, v in self.filters.items() if v}
        return f"/audit?{urlencode({**params, 'offset': offset})}"

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - AUDIT_PAGE_SIZE, 0) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        if self.results and self.offset + AUDIT_PAGE_SIZE < self.results.total:
            return self.offset + AUDIT_PAGE_SIZE
        return None


def _render(request: Request, template: str, page: object, status: int = 200) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request, template, {"page": page}, status_code=status
    )
    return response


def _safe_next(target: str | None) -> str:
    """Only local paths, so the login form cannot send people to another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return AFTER_LOGIN


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_form(request: Request, page: LoginPage, status: int = 200) -> Response:
    response = _render(request, "login.html", page, status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        page.csrf_token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/login",
    )
    return response


@router.get("/login")
def login_page(request: Request, next: str = "") -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    return _login_form(request, LoginPage(csrf_token=token, next=next))


@router.post("/login")
async def login(
    request: Request,
    engine: EngineDep,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf_token, expected):
        raise Forbidden("the login form expired; reload the page and try again")
    try:
        actor = await run_in_threadpool(authenticate, engine, email, password, client_ip(request))
    except Unauthorized as exc:
        page = LoginPage(csrf_token=expected, email=email, next=next, error=exc.message)
        return _login_form(request, page, status=401)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        await run_in_threadpool(revoke_token, engine, old)
    issued = await run_in_threadpool(issue_token, engine, actor, "web", WEB_SESSION_TTL)
    landing = PATIENT_HOME if actor.role is Role.PATIENT else AFTER_LOGIN
    response = RedirectResponse(_safe_next(next) if next else landing, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=int(WEB_SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request, engine: EngineDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            resolved = await run_in_threadpool(resolve_session, engine, token, "web")
        except Unauthorized:
            resolved = None
        if resolved is not None:
            await check_csrf(request, resolved.csrf_token)
            await run_in_threadpool(revoke_token, engine, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _day(text: str, name: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{name} must be a date YYYY-MM-DD", field=name) from None


def _number(text: str, field: str) -> int | None:
    return parse_whole_number(text, field, low=1) if text.strip() else None


def _start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


@router.get("/audit")
def audit_page(
    request: Request,
    engine: EngineDep,
    actor: OptionalActor,
    user_id: Annotated[str, Query()] = "",
    action: Annotated[str, Query()] = "",
    record_type: Annotated[str, Query()] = "",
    since: Annotated[str, Query()] = "",
    until: Annotated[str, Query()] = "",
    outcome: Annotated[str, Query()] = "",
    clinic_id: Annotated[str, Query()] = "",
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    """The audit log with filters (a clinic admin's clinic; everything for operators);
    dates are UTC days, ``until`` inclusive."""
    if actor is None:
        return RedirectResponse(f"/login?next={quote('/audit')}", status_code=303)
    if actor.role not in (Role.CLINIC_ADMIN, Role.OPERATOR):
        raise Forbidden("only clinic admins and operators may read the audit log")
    operator = actor.role is Role.OPERATOR
    filters = {
        "user_id": user_id,
        "action": action,
        "record_type": record_type,
        "since": since,
        "until": until,
        "outcome": outcome,
        "clinic_id": clinic_id if operator else "",
    }
    view = AuditView(
        user_id,
        action,
        record_type,
        since,
        until,
        offset,
        outcome,
        clinic_id,
        operator,
        filters=filters,
    )
    try:
        last = _day(until, "until")
        view.results = list_events(
            engine,
            actor,
            clinic_id=_number(clinic_id, "clinic_id"),
            user_id=_number(user_id, "user_id"),
            action=action.strip() or None,
            record_type=record_type.strip() or None,
            outcome=outcome.strip() or None,
            since=_start(_day(since, "since")),
            until=_start(last + timedelta(days=1)) if last else None,
            limit=AUDIT_PAGE_SIZE,
            offset=offset,
        )
    except InvalidInput as exc:
        view.error, view.error_field = exc.message, exc.field
    return _render(request, "audit.html", view, 422 if view.error else 200)
