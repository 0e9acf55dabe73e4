"""The patient portal: questionnaires the clinic assigned, one question a screen; the
patient's progress in plain words; their sessions, and a form to report a side effect.

Patients only: visitors who are not logged in go to ``/login``, staff and operators get
403. Every page works without JavaScript (the questionnaire carries its answers from
screen to screen in the form, ``portal_answers``). Each route builds a context from
domain calls made as the patient, so another patient's ids answer 404. No page is cached.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import iter_route_contexts

from pinpoint.actors import Actor, Role
from pinpoint.care import sessions
from pinpoint.errors import Conflict, Forbidden, InvalidInput
from pinpoint.web.pages import portal_answers, portal_context, portal_forms
from pinpoint.web.pages.clinic_forms import FormState
from pinpoint.web.pages.clinic_words import human
from pinpoint.web.security import EngineDep, OptionalActor

router = APIRouter(include_in_schema=False)

RecordId = Annotated[int, Path(ge=1, le=2_147_483_647)]
HOME = "/portal"
# The progress chart image, served by the charts routes when they are installed.
CHART_ROUTE = re.compile(r"^/charts/episodes/\{[a-z_]+\}/progress\.svg$")


def _render(request: Request, template: str, page: object, status: int = 200) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request,
        template,
        {"page": page, "human": human, "day_words": portal_context.day_words},
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _gate(request: Request, actor: Actor | None) -> Actor | Response:
    """The patient; a redirect to the login for visitors; Forbidden for anyone else."""
    if actor is None:
        target = request.url.path
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    if actor.role is not Role.PATIENT or actor.patient_id is None:
        raise Forbidden("the portal is for patients; clinic staff use /clinic")
    return actor


def _chart_route(request: Request) -> str | None:
    """The chart image's address with ``{episode_id}`` to fill in, or None without it."""
    for context in iter_route_contexts(request.app.routes):
        path = context.path or ""
        if CHART_ROUTE.match(path):
            return re.sub(r"\{[a-z_]+\}", "{episode_id}", path)
    return None


def _message(request: Request, message: str, status: int) -> Response:
    return _render(request, "portal_message.html", {"message": message}, status)


@router.get(HOME)
def portal_home(request: Request, engine: EngineDep, actor: OptionalActor) -> Response:
    who = _gate(request, actor)
    if isinstance(who, Response):
        return who
    page = portal_context.home_page(engine, who, _chart_route(request), date.today())
    return _render(request, "portal_home.html", page)


@router.get("/portal/progress")
def portal_progress(request: Request, engine: EngineDep, actor: OptionalActor) -> Response:
    who = _gate(request, actor)
    if isinstance(who, Response):
        return who
    page = portal_context.progress_page(engine, who, _chart_route(request))
    return _render(request, "portal_progress.html", page)


@router.get("/portal/sessions")
def portal_sessions(request: Request, engine: EngineDep, actor: OptionalActor) -> Response:
    who = _gate(request, actor)
    if isinstance(who, Response):
        return who
    return _render(request, "portal_sessions.html", portal_context.sessions_page(engine, who))


# ---- questionnaires ----------------------------------------------------------------------------


@router.get("/portal/assignments/{assignment_id}")
def questionnaire(
    request: Request, engine: EngineDep, actor: OptionalActor, assignment_id: RecordId
) -> Response:
    who = _gate(request, actor)
    if isinstance(who, Response):
        return who
    try:
        page = portal_forms.question_page(engine, who, assignment_id, None, "")
    except Conflict as exc:
        return _message(request, exc.message, 409)
    return _render(request, "portal_question.html", page)


@router.post("/portal/assignments/{assignment_id}")
async def answer(
    request: Request, engine: EngineDep, actor: OptionalActor, assignment_id: RecordId
) -> Response:
    """One step of the questionnaire: the next, previous or chosen screen, or send."""
    who = _gate(request, actor)
    if isinstance(who, Response):
        return who
    form = FormState.of((await request.form()).multi_items())
    go = form.value("go", "next")
    try:
        page = await run_in_threadpool(
            portal_forms.question_page, engine, who, assignment_id, form, go
        )
        if go == "send" and portal_answers.ready(page.sheet):
            made = await run_in_threadpool(portal_forms.send, engine, who, page, date.today())
            return RedirectResponse(f"/portal/assessments/{made}", status_code=303)
    except Conflict as exc:
        return _message(request, exc.message, 409)
    status = 422 if page.sheet.error else 200
    return _render(request, "portal_question.html", page, status)


@router.get("/portal/assessments/{assessment_id}")
def sent(
    request: Request, engine: EngineDep, actor: OptionalActor, assessment_id: RecordId
) -> Response:
    who = _gate(request, actor)
    if isinstance(who, Response):
        return who
    page = portal_context.sent_page(engine, who, assessment_id, date.today())
    return _render(request, "portal_sent.html", page)


# ---- side effects ------------------------------------------------------------------------------


@router.get("/portal/sessions/{session_id}/side-effects/new")
def side_effect_form(
    request: Request, engine: EngineDep, actor: OptionalActor, session_id: RecordId
) -> Response:
    who = _gate(request, actor)
    if isinstance(who, Response):
        return who
    page = portal_forms.side_effect_page(engine, who, session_id, date.today())
    return _render(request, "portal_side_effect_form.html", page)


@router.post("/portal/sessions/{session_id}/side-effects")
async def report_side_effect(
    request: Request, engine: EngineDep, actor: OptionalActor, session_id: RecordId
) -> Response:
    who = _gate(request, actor)
    if isinstance(who, Response):
        return who
    form = FormState.of((await request.form()).multi_items())
    try:
        data = portal_forms.side_effect_input(form)
        made = await run_in_threadpool(sessions.record_adverse_event, engine, who, session_id, data)
    except InvalidInput as exc:
        form.refuse(exc)
        page = await run_in_threadpool(
            portal_forms.side_effect_page, engine, who, session_id, date.today(), form
        )
        return _render(request, "portal_side_effect_form.html", page, 422)
    return RedirectResponse(f"/portal/side-effects/{made.id}", status_code=303)


@router.get("/portal/side-effects/{event_id}")
def side_effect(
    request: Request, engine: EngineDep, actor: OptionalActor, event_id: RecordId
) -> Response:
    who = _gate(request, actor)
    if isinstance(who, Response):
        return who
    page = portal_forms.report_page(engine, who, event_id)
    return _render(request, "portal_side_effect.html", page)
