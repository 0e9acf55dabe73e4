"""The baseline for the law endpoint: a bare Starlette app answering the same JSON."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pinpoint.law.service import law_status

ANSWER = law_status("CO").model_dump(mode="json")


async def law(request: Request) -> JSONResponse:
    return JSONResponse(ANSWER)


app = Starlette(routes=[Route("/law/CO", law)])
