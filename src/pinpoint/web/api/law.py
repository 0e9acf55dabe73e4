"""``/api/v1/law``: the law base over HTTP."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from pinpoint.law.dates import parse_day
from pinpoint.law.knowledge import overlay_key
from pinpoint.law.schemas import LawList, LawStatus
from pinpoint.law.service import law_status, list_law

router = APIRouter(tags=["law"])

ProfessionQuery = Annotated[
    str,
    Query(
        description="physical_therapist, chiropractor, athletic_trainer, acupuncturist, physician"
    ),
]
OnQuery = Annotated[str | None, Query(description="Date YYYY-MM-DD; default today.")]


def _day(on: str | None) -> date:
    return parse_day(on, field="on") if on else date.today()


@lru_cache(maxsize=8192)
def _status_bytes(_folder: str, state: str, profession: str, on: date) -> bytes:
    return law_status(state, profession, on).model_dump_json().encode()


@router.get("/law/{state}", response_model=LawStatus, summary="Dry needling status in one state")
async def get_law_status(
    state: str, profession: ProfessionQuery = "physical_therapist", on: OnQuery = None
) -> Response:
    """The status on a date, with requirements, sources and disagreeing sources."""
    body = _status_bytes(overlay_key(), state.upper(), profession.lower(), _day(on))
    return Response(body, media_type="application/json")


@router.get("/law", response_model=LawList, summary="Dry needling status in every jurisdiction")
async def get_law_list(
    profession: ProfessionQuery = "physical_therapist", on: OnQuery = None
) -> LawList:
    return list_law(profession, _day(on))
