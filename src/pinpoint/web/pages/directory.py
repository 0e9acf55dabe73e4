"""Pages for practitioner search (``/find``) and one practitioner (``/practitioners/{npi}``).

Each page renders from a typed context built by the same library calls the API uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy import Engine

from pinpoint.directory.geo import state_for_zip
from pinpoint.directory.schemas import PractitionerPublic, SearchResults
from pinpoint.directory.service import (
    DEFAULT_LIMIT,
    find_practitioners_near,
    get_practitioner,
)
from pinpoint.errors import InvalidInput
from pinpoint.law.vocabulary import Profession
from pinpoint.web.deps import engine_dependency
from pinpoint.web.pages.result_map import ResultMap, build_result_map

router = APIRouter(include_in_schema=False)

VERDICT_WORDS = {
    "eligible": "Eligible to dry needle here",
    "not_eligible": "Not eligible",
    "law_silent": "State law is silent or unclear",
    "training_unknown": "Training not on record",
}
VERDICT_CSS = {
    "eligible": "badge-ok",
    "not_eligible": "badge-no",
    "law_silent": "badge-unknown",
    "training_unknown": "badge-unknown",
}


@dataclass
class FindPage:
    """The search form as the visitor filled it, and the answer if there is one."""

    zip: str = ""
    radius_miles: str = "25"
    professions: list[str] = field(default_factory=list)
    eligible_only: bool = False
    offset: int = 0
    results: SearchResults | None = None
    error: str | None = None
    error_field: str | None = None
    all_professions: tuple[Profession, ...] = tuple(Profession)
    verdict_words: dict[str, str] = field(default_factory=lambda: VERDICT_WORDS)
    verdict_css: dict[str, str] = field(default_factory=lambda: VERDICT_CSS)

    def page_link(self, offset: int) -> str:
        params: list[tuple[str, str]] = [("zip", self.zip), ("radius_miles", self.radius_miles)]
        params += [("profession", p) for p in self.professions]
        if self.eligible_only:
            params.append(("eligible_only", "on"))
        params.append(("offset", str(offset)))
        return "/find?" + urlencode(params)

    @property
    def law_state(self) -> str | None:
        """The jurisdiction of the searched ZIP, for a link to the law that applies there."""
        if not self.results:
            return None
        try:
            return state_for_zip(self.results.query.zip)
        except InvalidInput:
            return None

    @property
    def result_map(self) -> ResultMap | None:
        """The distance-ring map of the results listed, or None when none are listed."""
        if not self.results:
            return None
        try:
            return build_result_map(self.results)
        except InvalidInput:
            return None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - DEFAULT_LIMIT) if self.offset > 0 else None

    @property
    def next_offset(self) -> int | None:
        if self.results and self.offset + DEFAULT_LIMIT < self.results.total:
            return self.offset + DEFAULT_LIMIT
        return None


def find_page(
    engine: Engine,
    zip_code: str,
    radius_miles: str,
    professions: list[str],
    eligible_only: bool,
    offset: int,
) -> FindPage:
    """The context of ``/find``: a blank form, an answer, or the form with what was wrong."""
    page = FindPage(
        zip_code.strip(), radius_miles.strip() or "25", professions, eligible_only, max(0, offset)
    )
    if not page.zip:
        return page
    try:
        page.results = find_practitioners_near(
            engine,
            page.zip,
            page.radius_miles,
            professions,
            eligible_only,
            DEFAULT_LIMIT,
            page.offset,
        )
    except InvalidInput as exc:
        page.error, page.error_field = exc.message, exc.field
    return page


@dataclass
class PractitionerPage:
    practitioner: PractitionerPublic
    verdict_word: str
    verdict_css: str


def practitioner_page(engine: Engine, npi: str) -> PractitionerPage:
    p = get_practitioner(engine, npi)
    verdict = p.eligibility.verdict.value
    return PractitionerPage(p, VERDICT_WORDS[verdict], VERDICT_CSS[verdict])


def _render(request: Request, template: str, page: object, status: int = 200) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, {"page": page}, status_code=status
    )
    return response


@router.get("/find")
def find(
    request: Request,
    engine: Annotated[Engine, Depends(engine_dependency)],
    zip: Annotated[str, Query()] = "",
    radius_miles: Annotated[str, Query()] = "25",
    profession: Annotated[list[str] | None, Query()] = None,
    eligible_only: Annotated[str, Query()] = "",
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> Response:
    page = find_page(engine, zip, radius_miles, profession or [], bool(eligible_only), offset)
    return _render(request, "find.html", page, 422 if page.error else 200)


@router.get("/practitioners/{npi}")
def practitioner(
    request: Request, npi: str, engine: Annotated[Engine, Depends(engine_dependency)]
) -> Response:
    return _render(request, "practitioner.html", practitioner_page(engine, npi))
