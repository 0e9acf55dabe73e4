"""Public pages: home, the law map, one jurisdiction's law, and patient education.

Each route parses its query, builds a typed context (``law_context.py``) and renders it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from pinpoint.directory.geo import state_for_zip
from pinpoint.web.pages import (
    accounts,
    api_docs,
    clinic,
    clinic_followup,
    clinic_outcomes,
    directory,
    law_context,
    portal,
)
from pinpoint.web.pages.learn import learn_page

router = APIRouter(include_in_schema=False)
router.include_router(directory.router)
router.include_router(accounts.router)
router.include_router(clinic_followup.router)  # before clinic's /clinic/episodes/{id}/{kind}
router.include_router(clinic_outcomes.router)  # before clinic's /clinic/episodes/{id}/{kind}
router.include_router(clinic.router)
router.include_router(portal.router)
router.include_router(api_docs.router)

OnQuery = Annotated[str | None, Query(description="Date YYYY-MM-DD; default today.")]
ProfessionQuery = Annotated[
    str | None, Query(description="Profession; default physical_therapist.")
]


def render(request: Request, template: str, page: Any) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(request, template, {"page": page})
    return response


@router.get("/")
def home(request: Request) -> Response:
    return render(request, "home.html", law_context.law_map(law_context.Query.parse(None, None)))


@router.get("/zip")
def zip_to_state(zip_code: Annotated[str, Query(alias="zip")] = "") -> Response:
    return RedirectResponse(f"/law/{state_for_zip(zip_code)}", status_code=303)


@router.get("/law")
def law_map(request: Request, on: OnQuery = None, profession: ProfessionQuery = None) -> Response:
    return render(
        request, "law_map.html", law_context.law_map(law_context.Query.parse(on, profession))
    )


@router.get("/law/{state}")
def law_state(
    request: Request, state: str, on: OnQuery = None, profession: ProfessionQuery = None
) -> Response:
    page = law_context.state_page(state, law_context.Query.parse(on, profession))
    return render(request, "law_state.html", page)


@router.get("/learn")
def learn(request: Request) -> Response:
    return render(request, "learn.html", learn_page())
