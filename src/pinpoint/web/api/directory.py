"""``/api/v1/practitioners``: practitioner search and detail over HTTP."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.responses import Response
from sqlalchemy import Engine

from pinpoint.db.engine import make_engine
from pinpoint.directory.schemas import PractitionerPublic, SearchResults
from pinpoint.directory.search import cache as search_cache
from pinpoint.directory.service import get_practitioner, search_practitioners_json
from pinpoint.web.deps import get_engine

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

EngineDep = Annotated[Engine, Depends(get_engine)]


@router.get(
    "/practitioners/search",
    response_model=SearchResults,
    summary="Practitioners near a ZIP code, nearest first, with their verdicts",
)
async def search_practitioners(
    engine: EngineDep,
    zip: Annotated[str, Query(description="5-digit ZIP code.")],
    radius_miles: Annotated[float, Query(description="Miles, more than 0, at most 500.")] = 25,
    profession: Annotated[
        list[str] | None, Query(description="Repeatable; default every profession.")
    ] = None,
    eligible_only: Annotated[bool, Query(description="Only those eligible to dry needle.")] = False,
    limit: Annotated[int, Query(description="1-500.")] = 50,
    offset: Annotated[int, Query(description="Results to skip.")] = 0,
) -> Response:
    """``total`` counts every match within the radius after filters, before paging."""
    # ``async`` on purpose: the answer comes from the in-process index in well under a
    # millisecond of CPU; in a thread pool, numpy releasing and re-taking the GIL under 64
    # connections made each request wait on the others (a convoy), costing 10x throughput.
    # The body is SearchResults' JSON assembled from pre-serialised fragments (no models).
    body = search_practitioners_json(
        engine, zip, radius_miles, profession, eligible_only, limit, offset
    )
    return Response(body, media_type="application/json")


@router.get(
    "/practitioners/{npi}",
    response_model=PractitionerPublic,
    summary="One practitioner: licenses, training, verdict and the law relied on",
)
def read_practitioner(npi: str, engine: EngineDep) -> Response:
    return Response(get_practitioner(engine, npi).model_dump_json(), media_type="application/json")
