"""Progress, its chart and report, and the clinic dashboard.

- ``/api/v1/episodes/{id}/progress`` (JSON) and the chart at
  ``/charts/episodes/{id}/progress.svg`` and ``.png``: staff of the episode's clinic and the
  patient whose episode it is (a bearer token or the web session's cookie, so pages can
  show the chart in an ``<img>``); any other episode answers 404.
- ``/api/v1/episodes/{id}/report.pdf``: the printable progress report, staff only.
- ``/api/v1/dashboard``: the clinic's dashboard, clinic admins and clinicians.

Every answer carries patient data: ``Cache-Control: no-store``. Each route calls one
``pinpoint.outcomes`` function; the reads are audited there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import Engine

from pinpoint.actors import Actor
from pinpoint.outcomes import charts, dashboard, progress, report
from pinpoint.outcomes.dashboard_schemas import Dashboard
from pinpoint.outcomes.progress_schemas import Progress
from pinpoint.web.api.care import READ_ANSWERS, RecordId
from pinpoint.web.security import CurrentActor, EngineDep, StaffActor

router = APIRouter(tags=["outcomes"])
charts_router = APIRouter(tags=["outcomes"])

NO_STORE = {"Cache-Control": "no-store"}


def _file(content: bytes, media_type: str, name: str | None = None) -> Response:
    headers = dict(NO_STORE)
    if name:
        headers["Content-Disposition"] = f'inline; filename="{name}"'
    return Response(content=content, media_type=media_type, headers=headers)


def _binary(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": description,
            "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
        },
        **READ_ANSWERS,
    }


@router.get(
    "/episodes/{id}/progress",
    response_model=Progress,
    summary="An episode's pain and function over time, its MCID bands and the change in words",
    responses=READ_ANSWERS,
)
def episode_progress(
    actor: CurrentActor, engine: EngineDep, id: RecordId, response: Response
) -> Progress:
    response.headers.update(NO_STORE)
    return progress.episode_progress(engine, actor, id)


@router.get(
    "/episodes/{id}/report.pdf",
    response_class=Response,
    summary="The episode's printable progress report (PDF), staff only",
    responses=_binary("application/pdf", "The report as PDF"),
)
def episode_report(actor: StaffActor, engine: EngineDep, id: RecordId) -> Response:
    pdf = report.progress_report(engine, actor, id)
    return _file(pdf, "application/pdf", f"progress-episode-{id}.pdf")


@router.get(
    "/dashboard",
    response_model=Dashboard,
    summary="The clinic at a glance: episodes, due questionnaires, alerts, outcomes, safety",
    responses=READ_ANSWERS,
)
def clinic_dashboard(actor: StaffActor, engine: EngineDep, response: Response) -> Dashboard:
    response.headers.update(NO_STORE)
    return dashboard.clinic_dashboard(engine, actor)


def _chart(engine: Engine, actor: Actor, episode_id: int, draw: Callable[[Progress], bytes],
           media_type: str) -> Response:  # fmt: skip
    return _file(draw(progress.episode_progress(engine, actor, episode_id)), media_type)


@charts_router.get(
    "/charts/episodes/{id}/progress.svg",
    response_class=Response,
    summary="The episode's progress chart as SVG, with a title and a text alternative",
    responses=_binary("image/svg+xml", "The chart as SVG"),
)
def progress_svg(actor: CurrentActor, engine: EngineDep, id: RecordId) -> Response:
    return _chart(engine, actor, id, charts.progress_svg, "image/svg+xml")


@charts_router.get(
    "/charts/episodes/{id}/progress.png",
    response_class=Response,
    summary="The episode's progress chart as PNG",
    responses=_binary("image/png", "The chart as PNG"),
)
def progress_png(actor: CurrentActor, engine: EngineDep, id: RecordId) -> Response:
    return _chart(engine, actor, id, charts.progress_png, "image/png")
