"""Clinic pages: the staff home (patients), the chart, and the documentation forms.

Each route sends visitors who are not logged in to ``/login``, builds a typed context
(``clinic_context``) from the care calls the API uses and renders it. A form post parses
the form into the API's input shape (``clinic_forms``), calls one care function and
redirects to the chart; a refused form (422/409) comes back with what was typed and the
message next to the field. Every page carries patient data: as answers to a logged-in
request they leave with ``Cache-Control: no-store`` (``pinpoint.web.headers``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from pinpoint.actors import Actor, Role
from pinpoint.care import service, sessions
from pinpoint.errors import Conflict, InvalidInput
from pinpoint.web.pages import clinic_chart, clinic_tasks, clinic_words
from pinpoint.web.pages import clinic_forms as forms
from pinpoint.web.pages.clinic_forms import FormState
from pinpoint.web.security import EngineDep, OptionalActor

router = APIRouter(include_in_schema=False)

T = TypeVar("T")
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647)]
PageBuilder = Callable[[FormState], object]


def _render(request: Request, template: str, page: object, status: int = 200) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request,
        template,
        {"page": page, "human": clinic_words.human, "side_short": clinic_words.SIDE_SHORT},
        status_code=status,
    )
    return response


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


def _see(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


async def _submit(
    request: Request,
    template: str,
    parse: Callable[[FormState], T],
    save: Callable[[T], Any],
    page: PageBuilder,
    done: Callable[[Any], str],
) -> Response:
    """Parse the posted form, save it, and redirect; or show the form again with why not."""
    form = FormState.of((await request.form()).multi_items())
    try:
        saved = await run_in_threadpool(save, parse(form))
    except (InvalidInput, Conflict) as exc:
        form.refuse(exc)
        context = await run_in_threadpool(page, form)
        return _render(request, template, context, exc.http_status)
    return _see(await run_in_threadpool(done, saved))


def _chart_of(episode_id: int, engine: Engine, actor: Actor) -> Callable[[Any], str]:
    def url(_saved: Any) -> str:
        patient_id = service.get_episode(engine, actor, episode_id).patient_id
        return f"/clinic/patients/{patient_id}#episode-{episode_id}"

    return url


# ---- home and chart ----------------------------------------------------------------------


@router.get("/clinic")
def clinic_home(
    request: Request, engine: EngineDep, actor: OptionalActor, q: Annotated[str, Query()] = ""
) -> Response:
    if actor is None:
        return _to_login(request)
    if actor.role is Role.PATIENT and actor.patient_id is not None:
        return _see("/portal")
    return _render(request, "clinic_home.html", clinic_chart.home_page(engine, actor, q.strip()))


@router.post("/clinic/patients")
async def add_patient(request: Request, engine: EngineDep, actor: OptionalActor) -> Response:
    if actor is None:
        return _to_login(request)
    return await _submit(
        request,
        "clinic_home.html",
        forms.patient_input,
        lambda data: service.create_patient(engine, actor, data),
        lambda form: clinic_chart.home_page(engine, actor, "", form),
        lambda patient: f"/clinic/patients/{patient.id}",
    )


@router.get("/clinic/patients/{patient_id}")
def chart(
    request: Request, engine: EngineDep, actor: OptionalActor, patient_id: RecordId
) -> Response:
    if actor is None:
        return _to_login(request)
    return _render(request, "clinic_chart.html", clinic_chart.chart_page(engine, actor, patient_id))


# ---- episodes ------------------------------------------------------------------------------


@router.get("/clinic/patients/{patient_id}/episodes/new")
def episode_form(
    request: Request, engine: EngineDep, actor: OptionalActor, patient_id: RecordId
) -> Response:
    if actor is None:
        return _to_login(request)
    page = clinic_tasks.episode_form_page(engine, actor, patient_id)
    return _render(request, "clinic_episode_form.html", page)


@router.post("/clinic/patients/{patient_id}/episodes")
async def add_episode(
    request: Request, engine: EngineDep, actor: OptionalActor, patient_id: RecordId
) -> Response:
    if actor is None:
        return _to_login(request)
    return await _submit(
        request,
        "clinic_episode_form.html",
        forms.episode_input,
        lambda data: service.create_episode(engine, actor, patient_id, data),
        lambda form: clinic_tasks.episode_form_page(engine, actor, patient_id, form),
        lambda episode: f"/clinic/patients/{patient_id}#episode-{episode.id}",
    )


# ---- sessions (registered before the generic /clinic/episodes/{id}/{kind}) ------------


@router.get("/clinic/episodes/{episode_id}/sessions/new")
def session_form(
    request: Request, engine: EngineDep, actor: OptionalActor, episode_id: RecordId
) -> Response:
    if actor is None:
        return _to_login(request)
    page = clinic_tasks.session_page(engine, actor, episode_id)
    return _render(request, "clinic_session_form.html", page)


@router.get("/clinic/muscle-row")
def muscle_row(
    request: Request,
    actor: OptionalActor,
    index: Annotated[int, Query(ge=0, le=forms.MAX_MUSCLE_ROWS)] = forms.MIN_MUSCLE_ROWS,
) -> Response:
    """One more empty row of the muscle picker (htmx), and the button for the next one."""
    if actor is None:
        return _to_login(request)
    page = clinic_tasks.MuscleRowPage(forms.MuscleRow(index=min(index, forms.MAX_MUSCLE_ROWS - 1)))
    return _render(request, "clinic_muscle_row.html", page)


@router.post("/clinic/episodes/{episode_id}/sessions")
async def add_session(
    request: Request, engine: EngineDep, actor: OptionalActor, episode_id: RecordId
) -> Response:
    if actor is None:
        return _to_login(request)
    form = FormState.of((await request.form()).multi_items())
    if form.value(forms.ADD_ROW):  # the "add another muscle" button without JavaScript
        page = await run_in_threadpool(
            clinic_tasks.session_page, engine, actor, episode_id, form, 1
        )
        return _render(request, "clinic_session_form.html", page)
    return await _submit(
        request,
        "clinic_session_form.html",
        forms.session_input,
        lambda data: sessions.record_session(engine, actor, episode_id, data),
        lambda again: clinic_tasks.session_page(engine, actor, episode_id, again),
        _chart_of(episode_id, engine, actor),
    )


# ---- plan, screening, consent ------------------------------------------------------------


_EPISODE_FORMS: dict[str, tuple[str, Callable[..., Any], Callable[..., Any]]] = {
    "plan": ("clinic_plan_form.html", forms.plan_input, service.create_plan),
    "screening": ("clinic_screening_form.html", forms.screening_input, service.record_screening),
    "consent": ("clinic_consent_form.html", forms.consent_input, service.record_consent),
}


def _task_page(kind: str) -> Callable[..., clinic_tasks.EpisodeTaskPage]:
    return clinic_tasks.consent_page if kind == "consent" else clinic_tasks.episode_task_page


@router.get("/clinic/episodes/{episode_id}/{kind}")
def episode_task_form(
    request: Request,
    engine: EngineDep,
    actor: OptionalActor,
    episode_id: RecordId,
    kind: Annotated[str, Path(pattern="^(plan|screening|consent)$")],
) -> Response:
    if actor is None:
        return _to_login(request)
    template = _EPISODE_FORMS[kind][0]
    return _render(request, template, _task_page(kind)(engine, actor, episode_id))


@router.post("/clinic/episodes/{episode_id}/{kind}")
async def add_episode_record(
    request: Request,
    engine: EngineDep,
    actor: OptionalActor,
    episode_id: RecordId,
    kind: Annotated[str, Path(pattern="^(plan|screening|consent)$")],
) -> Response:
    if actor is None:
        return _to_login(request)
    template, parse, save = _EPISODE_FORMS[kind]
    page = _task_page(kind)
    return await _submit(
        request,
        template,
        parse,
        lambda data: save(engine, actor, episode_id, data),
        lambda form: page(engine, actor, episode_id, form),
        _chart_of(episode_id, engine, actor),
    )


# ---- adverse events ------------------------------------------------------------------------


@router.get("/clinic/sessions/{session_id}/adverse-events/new")
def adverse_event_form(
    request: Request, engine: EngineDep, actor: OptionalActor, session_id: RecordId
) -> Response:
    if actor is None:
        return _to_login(request)
    page = clinic_tasks.adverse_event_page(engine, actor, session_id)
    return _render(request, "clinic_adverse_event_form.html", page)


@router.post("/clinic/sessions/{session_id}/adverse-events")
async def add_adverse_event(
    request: Request, engine: EngineDep, actor: OptionalActor, session_id: RecordId
) -> Response:
    if actor is None:
        return _to_login(request)

    def chart_url(_saved: Any) -> str:
        needling = sessions.get_session(engine, actor, session_id)
        patient_id = service.get_episode(engine, actor, needling.episode_id).patient_id
        return f"/clinic/patients/{patient_id}#session-{session_id}"

    return await _submit(
        request,
        "clinic_adverse_event_form.html",
        forms.adverse_event_input,
        lambda data: sessions.record_adverse_event(engine, actor, session_id, data),
        lambda form: clinic_tasks.adverse_event_page(engine, actor, session_id, form),
        chart_url,
    )
