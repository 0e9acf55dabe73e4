"""Clinic pages of the outcomes domain: the dashboard, and an episode's PDF progress report.

Registered before the generic ``/clinic/episodes/{id}/{kind}`` form routes. Visitors who
are not logged in go to ``/login``; the domain refuses patients and operators (403).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from pinpoint.outcomes import dashboard, report
from pinpoint.outcomes.dashboard_schemas import Dashboard, Estimate
from pinpoint.outcomes.display import shown
from pinpoint.web.pages.clinic import RecordId, _render, _to_login
from pinpoint.web.security import EngineDep, OptionalActor

router = APIRouter(include_in_schema=False)


@dataclass
class DashboardPage:
    dashboard: Dashboard

    @staticmethod
    def number(value: float | None, places: int = 1) -> str:
        return "—" if value is None else shown(value, places)

    @staticmethod
    def percent(value: float) -> str:
        return f"{shown(value * 100)} %"

    def share(self, estimate: Estimate) -> str:
        """A share with its interval, as percentages."""
        if estimate.value is None or estimate.ci95 is None:
            return ""
        low, high = estimate.ci95
        return f"{self.percent(estimate.value)} ({self.percent(low)} to {self.percent(high)})"

    def mean(self, estimate: Estimate, places: int = 1) -> str:
        if estimate.value is None or estimate.ci95 is None:
            return ""
        low, high = estimate.ci95
        return f"{shown(estimate.value, places)} ({shown(low, places)} to {shown(high, places)})"


@router.get("/clinic/dashboard")
def dashboard_page(request: Request, engine: EngineDep, actor: OptionalActor) -> Response:
    if actor is None:
        return _to_login(request)
    page = DashboardPage(dashboard.clinic_dashboard(engine, actor))
    return _render(request, "clinic_dashboard.html", page)


@router.get("/clinic/episodes/{episode_id}/report.pdf")
def report_pdf(
    request: Request, engine: EngineDep, actor: OptionalActor, episode_id: RecordId
) -> Response:
    if actor is None:
        return _to_login(request)
    pdf = report.progress_report(engine, actor, episode_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'inline; filename="progress-episode-{episode_id}.pdf"',
        },
    )
