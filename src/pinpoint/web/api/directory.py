"""``/api/v1/practitioners``: practitioner search and detail over HTTP."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import Engine

from pinpoint.db.engine import make_engine
from pinpoint.directory.schemas import PractitionerPublic, SearchResults
from pinpoint.directory.search import cache as search_cache
from pinpoint.directory.service import (
    DEFAULT_LIMIT,
    DEFAULT_RADIUS_MILES,
    get_practitioner,
    search_practitioners_json,
)
from pinpoint.errors import InvalidInput
from pinpoint.law.vocabulary import Profession
from pinpoint.web.deps import engine_dependency
from pinpoint.web.query import query_parameter

log = logging.getLogger(__name__)


def warm_search_index(app: FastAPI) -> None:
    """Build the search index (and today's verdicts) so no request waits for it.

    Runs once per worker at startup. A database that is not ready (not migrated, not
    reachable) only logs: the index is then built on the first search, as before.
    """
    state = app.state
    engine: Engine | None = getattr(state, "engine", None)
    try:
        if engine is None:
            engine = make_engine(state.settings.resolved_database_url())
            state.engine = engine
        search_cache.warm(engine)
    except Exception as exc:
        log.warning("search index not built at startup: %s", exc)
        return


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    warm_search_index(app)
    # A worker holds about a million long-lived objects by now (the ZIP table, the law base,
    # FastAPI, pydantic, numpy, polars): each full collection walked them all, ~0.6 s with
    # the event loop stopped, which was the whole p99 under load. Collect once, then exempt
    # them from the cyclic collector for the worker's life (given back at shutdown).
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


router = APIRouter(tags=["directory"], lifespan=lifespan)

EngineDep = Annotated[Engine, Depends(engine_dependency)]


# The search's query, documented here and read by hand: FastAPI's per-parameter
# validation cost more than the search itself; the library checks every value and
# answers a bad one with InvalidInput naming it (422).
_SEARCH_PARAMETERS = [
    query_parameter("zip", "string", "5-digit ZIP code.", required=True),
    query_parameter("radius_miles", "number", "Miles, more than 0, at most 500.", 25),
    query_parameter(
        "profession",
        "array",
        "Repeatable; default every profession.",
        items={"type": "string", "enum": [p.value for p in Profession]},
    ),
    query_parameter("eligible_only", "boolean", "Only those eligible to dry needle.", False),
    query_parameter("limit", "integer", "1-500.", 50, minimum=1, maximum=500),
    query_parameter("offset", "integer", "Results to skip.", 0, minimum=0),
]
_FLAGS = {"true": True, "1": True, "yes": True, "on": True}
_FLAGS |= {"false": False, "0": False, "no": False, "off": False}


def _flag(text: str | None, field: str) -> bool:
    if text is None:
        return False
    found = _FLAGS.get(text.strip().lower())
    if found is None:
        raise InvalidInput(f"{field} must be true or false, got {text!r}", field=field)
    return found


@router.get(
    "/practitioners/search",
    response_model=SearchResults,
    summary="Practitioners near a ZIP code, nearest first, with their verdicts",
    openapi_extra={"parameters": _SEARCH_PARAMETERS},
    responses={422: {"description": "A bad query value; the body names the field."}},
)
async def search_practitioners(request: Request, engine: EngineDep) -> Response:
    """``total`` counts every match within the radius after filters, before paging."""
    # ``async`` on purpose: the answer comes from the in-process index in well under a
    # millisecond of CPU; in a thread pool, numpy releasing and re-taking the GIL under 64
    # connections made each request wait on the others (a convoy), costing 10x throughput.
    # The body is SearchResults' JSON assembled from pre-serialised fragments (no models).
    query = request.query_params
    body = search_practitioners_json(
        engine,
        query.get("zip", ""),
        query.get("radius_miles", DEFAULT_RADIUS_MILES),
        query.getlist("profession"),
        _flag(query.get("eligible_only"), "eligible_only"),
        query.get("limit", DEFAULT_LIMIT),
        query.get("offset", 0),
    )
    return Response(body, media_type="application/json")


@router.get(
    "/practitioners/{npi}",
    response_model=PractitionerPublic,
    summary="One practitioner: licenses, training, verdict and the law relied on",
)
def read_practitioner(npi: str, engine: EngineDep) -> Response:
    return Response(get_practitioner(engine, npi).model_dump_json(), media_type="application/json")
