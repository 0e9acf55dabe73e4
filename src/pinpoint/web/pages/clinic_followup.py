"""Clinic pages that follow a patient up: assign and withdraw questionnaires, resolve a
safety alert, review a side effect the patient reported.

Each form posts to one outcomes or care function and returns to the chart; a refused
form comes back on the chart (or its own page) with what was typed and why.
Registered before the generic ``/clinic/episodes/{id}/{kind}`` forms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from pinpoint.actors import Actor
from pinpoint.care import adverse_events, service, sessions
from pinpoint.care.schemas import AdverseEventReview
from pinpoint.errors import Conflict, InvalidInput
from pinpoint.outcomes import alerts, assignments
from pinpoint.outcomes.records_schemas import AlertResolve, AssignmentCreate
from pinpoint.web.pages import clinic_chart, clinic_followup_context, clinic_words
from pinpoint.web.pages.clinic_forms import FormState, validate
from pinpoint.web.security import EngineDep, OptionalActor

router = APIRouter(include_in_schema=False)

RecordId = Annotated[int, Path(ge=1, le=2_147_483_647)]


def _render(request: Request, template: str, page: object, status: int = 200) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request,
        template,
        {"page": page, "human": clinic_words.human, "side_short": clinic_words.SIDE_SHORT},
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _login(request: Request) -> Response:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _chart(patient_id: int, anchor: str) -> Response:
    return RedirectResponse(f"/clinic/patients/{patient_id}#{anchor}", status_code=303)


def _patient_of_episode(engine: Engine, actor: Actor, episode_id: int) -> int:
    return service.get_episode(engine, actor, episode_id).patient_id


async def _on_chart(
    request: Request,
    engine: Engine,
    actor: Actor,
    episode_id: int,
    save: Callable[[FormState], Any],
    which: str,
) -> Response:
    """Save the posted form and go back to the chart, or show the chart with the error."""
    form = FormState.of((await request.form()).multi_items())
    try:
        await run_in_threadpool(save, form)
    except (InvalidInput, Conflict) as exc:
        form.refuse(exc)
        patient_id = await run_in_threadpool(_patient_of_episode, engine, actor, episode_id)
        forms = {episode_id: form}
        page = await run_in_threadpool(
            clinic_chart.chart_page,
            engine,
            actor,
            patient_id,
            forms if which == "assign" else None,
            forms if which == "alert" else None,
        )
        return _render(request, "clinic_chart.html", page, exc.http_status)
    patient_id = await run_in_threadpool(_patient_of_episode, engine, actor, episode_id)
    return _chart(patient_id, f"outcomes-{episode_id}")


def assignment_input(form: FormState) -> AssignmentCreate:
    every = form.value("every_sessions").strip()
    return validate(
        AssignmentCreate,
        {
            "instrument": form.value("instrument") or None,
            "reason": form.value("reason") or None,
            "due_on": form.value("due_on").strip() or None,
            "every_sessions": every or None,
        },
    )


@router.post("/clinic/episodes/{episode_id}/assignments")
async def assign(
    request: Request, engine: EngineDep, actor: OptionalActor, episode_id: RecordId
) -> Response:
    if actor is None:
        return _login(request)
    return await _on_chart(
        request,
        engine,
        actor,
        episode_id,
        lambda form: assignments.create_assignment(
            engine, actor, episode_id, assignment_input(form)
        ),
        "assign",
    )


@router.post("/clinic/assignments/{assignment_id}/cancel")
def cancel(
    request: Request, engine: EngineDep, actor: OptionalActor, assignment_id: RecordId
) -> Response:
    if actor is None:
        return _login(request)
    done = assignments.cancel_assignment(engine, actor, assignment_id)
    return _chart(
        _patient_of_episode(engine, actor, done.episode_id), f"outcomes-{done.episode_id}"
    )


@router.post("/clinic/alerts/{alert_id}/resolve")
async def resolve(
    request: Request, engine: EngineDep, actor: OptionalActor, alert_id: RecordId
) -> Response:
    if actor is None:
        return _login(request)
    form = FormState.of((await request.form()).multi_items())
    try:
        data = validate(AlertResolve, {"action": form.value("action")})
        done = await run_in_threadpool(alerts.resolve_alert, engine, actor, alert_id, data)
    except (InvalidInput, Conflict) as exc:
        form.refuse(exc)
        form.data["alert_id"] = [str(alert_id)]
        alert = await run_in_threadpool(alerts.get_alert, engine, actor, alert_id)
        page = await run_in_threadpool(
            clinic_chart.chart_page, engine, actor, alert.patient_id, None, {alert.episode_id: form}
        )
        return _render(request, "clinic_chart.html", page, exc.http_status)
    return _chart(done.patient_id, f"outcomes-{done.episode_id}")


# ---- reviewing a side effect the patient reported ------------------------------------------


@router.get("/clinic/adverse-events/{event_id}/review")
def review_form(
    request: Request, engine: EngineDep, actor: OptionalActor, event_id: RecordId
) -> Response:
    if actor is None:
        return _login(request)
    page = clinic_followup_context.review_page(engine, actor, event_id)
    return _render(request, "clinic_review_form.html", page)


def review_input(form: FormState) -> AdverseEventReview:
    return validate(
        AdverseEventReview,
        {
            "version": form.value("version") or None,
            "action_taken": form.value("action_taken"),
            "type": form.value("type") or None,
            "severity": form.value("severity") or None,
            "resolved": form.checked("resolved"),
            "duration": form.value("duration").strip() or None,
        },
    )


@router.post("/clinic/adverse-events/{event_id}/review")
async def review(
    request: Request, engine: EngineDep, actor: OptionalActor, event_id: RecordId
) -> Response:
    if actor is None:
        return _login(request)
    form = FormState.of((await request.form()).multi_items())
    try:
        done = await run_in_threadpool(
            adverse_events.review_adverse_event, engine, actor, event_id, review_input(form)
        )
    except (InvalidInput, Conflict) as exc:
        form.refuse(exc)
        page = await run_in_threadpool(
            clinic_followup_context.review_page, engine, actor, event_id, form
        )
        return _render(request, "clinic_review_form.html", page, exc.http_status)
    needling = await run_in_threadpool(sessions.get_session, engine, actor, done.session_id)
    patient_id = await run_in_threadpool(_patient_of_episode, engine, actor, needling.episode_id)
    return _chart(patient_id, f"session-{done.session_id}")
